package reporttest

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"planreport/report"
	"planreport/workbook"
)

// Figures are the figures a printed brief states, read back from its text: for each figure
// (lights.red, reasons.overdue, statuses.已完成, submissions.late, changes.new_red, tasks…),
// every value found, in the prose, the tables, the charts and the annex.
type Figures map[string][]int

// BriefFigures reads the figures from a brief's text as pdftotext gives it: raw (-raw, in the
// order it was drawn: a chart's bars follow their label) and layout (-layout: a table's row on
// one line). The same reading serves the PDF and the Word document printed by LibreOffice.
func BriefFigures(raw, layout string) Figures {
	f := Figures{}
	text := strings.Join(strings.Fields(raw), "")
	add := func(key string, s string) {
		n, err := strconv.Atoi(s)
		if err == nil {
			f[key] = append(f[key], n)
		}
	}
	find := func(key, pattern string) {
		for _, m := range regexp.MustCompile(pattern).FindAllStringSubmatch(text, -1) {
			add(key, m[1])
		}
	}
	find("tasks", `共有任务(\d+)项`)
	find("units", `应报送单位(\d+)个`)
	find("submissions."+string(workbook.OnTime), `按时报送(\d+)个`)
	find("submissions."+string(workbook.Late), `逾期报送(\d+)个`)
	find("submissions."+string(workbook.Rejected), `报送未通过检查(\d+)个`)
	find("submissions."+string(workbook.Missing), `未报送(\d+)个`)

	// The statuses, in their paragraph.
	if m := regexp.MustCompile(`按牵头单位报告的进展，([^。]*)。`).FindStringSubmatch(text); m != nil {
		for _, s := range report.Statuses {
			label := s
			if s == report.NotReported {
				label = "牵头单位未报送"
			}
			if n := regexp.MustCompile(`(?:^|、)` + label + `(\d+)项`).FindStringSubmatch(m[1]); n != nil {
				add("statuses."+s, n[1])
			}
		}
	}
	// Lights with their reasons: in 一、 (按预警规则，红灯30项（逾期未完成17项、…）) and 三、
	// (红灯任务30项（…）).
	reasons := func(list string) {
		for _, rs := range report.Reasons {
			if n := regexp.MustCompile(`(?:^|、)` + rs.Chinese() + `(\d+)项`).FindStringSubmatch(list); n != nil {
				add("reasons."+string(rs), n[1])
			}
		}
	}
	if m := regexp.MustCompile(`按预警规则，([^。]*)。`).FindStringSubmatch(text); m != nil {
		for _, l := range report.Lights {
			for _, n := range regexp.MustCompile(`(?:^|，)`+l.Chinese()+`(\d+)项(（([^）]*)）)?`).FindAllStringSubmatch(m[1], -1) {
				add("lights."+string(l), n[1])
				reasons(n[3])
			}
		}
	}
	for _, m := range regexp.MustCompile(`红灯任务(\d+)项(（([^）]*)）)?`).FindAllStringSubmatch(text, -1) {
		add("lights."+string(report.Red), m[1])
		reasons(m[3])
	}
	// The chart of lights by period: the last period's bars are this one's.
	if ms := regexp.MustCompile(`\d{4}年[^红]{0,8}红灯(\d+)项黄灯(\d+)项绿灯(\d+)项`).FindAllStringSubmatch(text, -1); len(ms) > 0 {
		m := ms[len(ms)-1]
		for i, l := range report.Lights {
			add("chart."+string(l), m[i+1])
		}
	}
	// Changes.
	for key, label := range map[string]string{"new_red": "新增红灯", "still_red": "连续两期及以上红灯", "turned_green": "转为绿灯", "closed": "本期销号（新完成）",
		"reopened": "上期已完成、本期未计为已完成"} {
		for _, m := range regexp.MustCompile(regexp.QuoteMeta(label)+`(\d+)项(（([^）]*)）)?`).FindAllStringSubmatch(text, -1) {
			add("changes."+key, m[1])
			if m[3] != "" {
				f["changes."+key+".listed"] = append(f["changes."+key+".listed"], len(strings.Split(m[3], "、")))
			}
		}
	}
	// Table 2: the red tasks' groups, 区政务服务局（7项）…, add up to the red tasks.
	if i := strings.Index(text, "表2"); i >= 0 && strings.Contains(text[i:], "四、各单位报送情况") {
		j := i + strings.Index(text[i:], "四、各单位报送情况")
		sum := 0
		for _, m := range regexp.MustCompile(`（(\d+)项）`).FindAllStringSubmatch(text[i:j], -1) {
			n, _ := strconv.Atoi(m[1])
			sum += n
		}
		f["table2.red"] = append(f["table2.red"], sum)
	}

	// The tables, line by line in the layout.
	total := regexp.MustCompile(`^\s*合计\s+(\d+)\s+100\.0%`)
	reasonRow := regexp.MustCompile(`^\s*(红灯|黄灯|绿灯)\s+(\S+)\s+.*?(\d+)\s+(\d+\.\d)%\s*$`)
	taskRow := regexp.MustCompile(`^\s*\d+(\.\d+)*\s`)
	rankRow := regexp.MustCompile(`^\s*(\d+)\s+(\S+)\s+(按时报送|逾期报送|未通过|未报送)\s+\d`)
	states := map[string]workbook.State{}
	for _, s := range workbook.States {
		states[s.Chinese()] = s
	}
	annex, ranked := false, 0
	byState := map[workbook.State]int{}
	lightWords := map[report.Light]int{}
	for _, line := range strings.Split(layout, "\n") {
		// A light's dot, drawn as ● in the Word document, is not text to read.
		line = strings.ReplaceAll(line, "●", " ")
		switch flat := strings.Join(strings.Fields(line), ""); {
		case strings.HasPrefix(flat, "附件1"):
			annex = true
		case strings.HasPrefix(flat, "附件2"):
			annex = false
		}
		if m := total.FindStringSubmatch(line); m != nil {
			add("table1.tasks", m[1])
		}
		if m := reasonRow.FindStringSubmatch(line); m != nil && !annex {
			for _, l := range report.Lights {
				if m[1] != l.Chinese() {
					continue
				}
				if m[2] == "小计" {
					add("table1."+string(l), m[3])
				}
				for _, rs := range report.ReasonsOf(l) {
					if m[2] == rs.Chinese() {
						add("table1."+string(rs), m[3])
					}
				}
			}
		}
		if m := rankRow.FindStringSubmatch(line); m != nil && !annex {
			if n, _ := strconv.Atoi(m[1]); n == ranked+1 {
				ranked = n
				byState[states[m[3]]]++
			}
		}
		if annex && taskRow.MatchString(line) {
			for _, l := range report.Lights {
				lightWords[l] += strings.Count(line, l.Chinese())
			}
		}
	}
	if ranked > 0 {
		f["table3.units"] = []int{ranked}
		for _, s := range workbook.States {
			f["table3."+string(s)] = []int{byState[s]}
		}
	}
	for _, l := range report.Lights {
		f["annex1."+string(l)] = []int{lightWords[l]}
	}
	return f
}

// Check compares every figure read from a brief with the report's JSON, and fails for a
// figure the brief does not state where it must: charts only when they are text (in the
// PDF; the Word document has them as pictures).
func (f Figures) Check(t testing.TB, j report.FiguresJSON, charts bool) {
	t.Helper()
	want := map[string]int{"tasks": j.Tasks, "units": j.Units, "table1.tasks": j.Tasks, "table3.units": j.Units}
	for l, n := range j.Lights {
		want["lights."+string(l)] = n
		want["chart."+string(l)] = n
		want["table1."+string(l)] = n
		want["annex1."+string(l)] = n
	}
	want["table2.red"] = j.Lights[report.Red]
	for rs, n := range j.Reasons {
		want["reasons."+string(rs)] = n
		want["table1."+string(rs)] = n
	}
	for s, n := range j.Statuses {
		want["statuses."+s] = n
	}
	for s, n := range j.Submissions {
		want["submissions."+s] = n
		want["table3."+s] = n
	}
	c := j.Changes
	if c.Previous != "" {
		for key, list := range map[string][]string{"new_red": c.NewRed, "still_red": c.StillRed, "turned_green": c.TurnedGreen, "closed": c.Closed} {
			want["changes."+key] = len(list)
			if len(list) > 0 {
				want["changes."+key+".listed"] = len(list)
			}
		}
		if len(c.Reopened) > 0 { // the brief says it only when there are some
			want["changes.reopened"], want["changes.reopened.listed"] = len(c.Reopened), len(c.Reopened)
		}
	}
	// Figures the brief must state (a zero reason, status or state may be left out of the
	// prose, but never out of the tables).
	must := []string{"tasks", "units", "table1.tasks", "table3.units", "table2.red"}
	for _, l := range report.Lights {
		must = append(must, "lights."+string(l), "table1."+string(l), "annex1."+string(l))
		if charts {
			must = append(must, "chart."+string(l))
		}
	}
	for _, rs := range report.Reasons {
		must = append(must, "table1."+string(rs))
	}
	for _, s := range workbook.States {
		must = append(must, "table3."+string(s))
	}
	if j.Lights[report.Red] == 0 {
		must = slicesDelete(must, "table2.red")
	}
	if c.Previous != "" {
		must = append(must, "changes.new_red", "changes.still_red", "changes.turned_green", "changes.closed")
	}
	for _, key := range must {
		if len(f[key]) == 0 {
			t.Errorf("the brief does not state %s", key)
		}
	}
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w, ok := want[k]
		if !ok {
			t.Errorf("figure %s read from the brief has no counterpart in the JSON", k)
			continue
		}
		for _, v := range f[k] {
			if v != w {
				t.Errorf("the brief states %s = %d, the JSON %d", k, v, w)
			}
		}
	}
}

func slicesDelete(list []string, s string) []string {
	var out []string
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

// String lists the figures, for a test's log.
func (f Figures) String() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%v ", k, f[k])
	}
	return b.String()
}

// WholeTerms are the terms a printed brief never breaks between two lines: the status words,
// the states and the lights.
var WholeTerms = []string{"序时推进", "常态化推进", "按时报送", "逾期报送", "牵头单位未报送", "未通过检查", "红灯", "黄灯", "绿灯"}

// SplitTerms finds, in a PDF's text as pdftotext -layout gives it, each of terms broken
// between two lines of the same table cell or paragraph: a line (or a cell, ended by spaces)
// that ends with the term's head, and the next line's text below it that starts with its
// tail.
func SplitTerms(layout string, terms []string) []string {
	var out []string
	lines := strings.Split(layout, "\n")
	for _, term := range terms {
		rs := []rune(term)
		for cut := 1; cut < len(rs); cut++ {
			head, tail := string(rs[:cut]), string(rs[cut:])
			for i := 0; i+1 < len(lines); i++ {
				at, tat := strings.Index(lines[i], head), strings.Index(lines[i+1], tail)
				if at < 0 || tat < 0 || strings.Contains(lines[i], term) {
					continue
				}
				after := lines[i][at+len(head):]
				if after != "" && !strings.HasPrefix(after, " ") || strings.TrimSpace(lines[i+1][tat:]) == "" {
					continue
				}
				// The tail starts the next line of the same cell: at or left of the head's
				// column, less than a cell's width away (columns in characters).
				col, tcol := utf8.RuneCountInString(lines[i][:at]), utf8.RuneCountInString(lines[i+1][:tat])
				before := strings.TrimRight(lines[i+1][:tat], " ")
				if tcol <= col && col-tcol < 24 && (before == "" || strings.HasSuffix(lines[i+1][:tat], " ")) {
					out = append(out, fmt.Sprintf("%q split as %q / %q:\n%s\n%s", term, head, tail, lines[i], lines[i+1]))
				}
			}
		}
	}
	return out
}
