package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"planreport/plan"
	"planreport/report"
	"planreport/report/reporttest"
	"planreport/templates"
	"planreport/workbook"
)

// TestDemo runs the README's first command and checks the report's figures against the
// workbooks the units sent, read here with excelize directly rather than through the
// workbook and report packages: each task's status is the slowest of its leads' accepted
// reports, 未报送 when none of them has one.
func TestDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	out := runOK(t, "demo", dir)
	for _, want := range []string{"2023年第三季度", "2023年第四季度", "报告：", "汇总表："} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	var rep struct {
		Tasks []struct {
			ID, Status string
			Overdue    bool
		} `json:"tasks"`
		Units []struct {
			Name, Submission string
		} `json:"units"`
		PDF, XLSX, DOCX string
		Figures         report.FiguresJSON
	}
	if err := json.Unmarshal([]byte(runOK(t, "report", "-w", dir, "--period", "2023Q4", "--date", "2024-01-15", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(rep.DOCX); err != nil || st.Size() == 0 {
		t.Errorf("no Word version of the brief: %v", err)
	}
	st, err := os.Stat(rep.PDF)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > 3<<20 {
		t.Errorf("the PDF is %d bytes, over 3 MB", st.Size())
	}

	// The accepted workbook of each unit, from the record, read with excelize.
	p, err := plan.ReadLedger(filepath.Join(dir, "plan.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	q4, _ := plan.ParsePeriod("2023Q4")
	var record struct {
		Submissions []struct {
			Unit, Archive string
			Accepted      bool
		} `json:"submissions"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "2023Q4", workbook.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &record); err != nil {
		t.Fatal(err)
	}
	accepted := map[string]string{} // unit → archive path; later ones win
	for _, s := range record.Submissions {
		if s.Accepted {
			accepted[s.Unit] = filepath.Join(dir, "2023Q4", filepath.FromSlash(s.Archive))
		}
	}
	status := map[string]map[string]string{} // reporting unit → task → status
	for unit, path := range accepted {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(templates.SheetTasks)
		f.Close()
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		status[unit] = map[string]string{}
		for _, r := range rows[1:] {
			if len(r) > col[templates.ColStatus] {
				status[unit][r[0]] = r[col[templates.ColStatus]]
			}
		}
	}
	reporter := map[string]string{}
	for _, u := range p.Units {
		reporter[u.Name] = u.Name
		if u.ReportsThrough != "" {
			reporter[u.Name] = u.ReportsThrough
		}
	}
	rank := map[string]int{"未启动": 0, "滞后": 1, "序时推进": 2, "常态化推进": 3, "已完成": 4}
	// The slowest status its reporting leads give; 未报送 when a lead gave none (a task is
	// not counted done while one of its leads is silent).
	said, silent := map[string]string{}, map[string]bool{}
	for _, a := range p.Assignments() {
		if a.Role != plan.RoleLead {
			continue
		}
		s, ok := status[reporter[a.Unit]][a.Task]
		if !ok || s == "" {
			silent[a.Task] = true
			continue
		}
		if cur, seen := said[a.Task]; !seen || rank[s] < rank[cur] {
			said[a.Task] = s
		}
	}
	want := map[string]string{}
	for _, t := range p.Tasks {
		want[t.ID] = said[t.ID]
		if silent[t.ID] || said[t.ID] == "" {
			want[t.ID] = "未报送"
		}
	}
	counts, wantCounts := map[string]int{}, map[string]int{}
	for _, task := range rep.Tasks {
		w := want[task.ID]
		if task.Status != w {
			t.Errorf("task %s: report says %s, the leads' workbooks say %s", task.ID, task.Status, w)
		}
		counts[task.Status]++
		wantCounts[w]++
		due := p.Task(task.ID).Deadline
		if overdue := due.Overdue(q4) && said[task.ID] != "已完成"; task.Overdue != overdue {
			t.Errorf("task %s: overdue %v, want %v", task.ID, task.Overdue, overdue)
		}
	}
	// Units that sent an accepted workbook are on time or late, the rest rejected or missing.
	for _, u := range rep.Units {
		_, ok := accepted[u.Name]
		if ok != (u.Submission == "on_time" || u.Submission == "late") {
			t.Errorf("unit %s: %s, accepted workbook %v", u.Name, u.Submission, ok)
		}
	}
	// The PDF's summary states the same counts, and every figure of the brief is the JSON's;
	// its main text is at most 8 pages.
	text := strings.Join(strings.Fields(pdfTextOf(t, rep.PDF)), "")
	keys := make([]string, 0, len(wantCounts))
	for k := range wantCounts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		label := k
		if k == "未报送" {
			label = "牵头单位未报送"
		}
		if needle := label + itoa(wantCounts[k]) + "项"; !strings.Contains(text, needle) {
			t.Errorf("the PDF's summary lacks %q", needle)
		}
	}
	layout := pdfTextOf(t, rep.PDF, "-layout")
	reporttest.BriefFigures(pdfTextOf(t, rep.PDF, "-raw"), layout).Check(t, rep.Figures, true)
	for _, split := range reporttest.SplitTerms(layout, reporttest.WholeTerms) {
		t.Error(split)
	}
	first, annex := 0, 0
	for i, page := range strings.Split(layout, "\f") {
		lines := strings.Split(strings.TrimSpace(page), "\n")
		switch {
		case first == 0 && strings.HasPrefix(strings.TrimSpace(lines[0]), "一、总体情况"):
			first = i
		case annex == 0 && strings.HasPrefix(strings.TrimSpace(lines[0]), "附件1"):
			annex = i
		}
	}
	if first == 0 || annex == 0 || annex-first > 8 {
		t.Errorf("the brief's main text runs from page %d to page %d: more than 8 pages, or not found", first+1, annex)
	}
	// And the workbook's 任务 sheet has each task's status.
	f, err := excelize.OpenFile(rep.XLSX)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("任务")
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	found := 0
	for _, r := range rows[1:] {
		if w, ok := want[r[0]]; ok {
			found++
			if r[col["状态"]] != w {
				t.Errorf("workbook 任务 %s: %s, want %s", r[0], r[col["状态"]], w)
			}
		}
	}
	if found != len(want) {
		t.Errorf("workbook 任务 has %d reported tasks, want %d", found, len(want))
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// pdfTextOf extracts a PDF's text with pdftotext (poppler-utils), in reading order or with
// the mode given (-raw, -layout), skipping when it is not installed and failing in CI, which
// installs it.
func pdfTextOf(t *testing.T, path string, mode ...string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext (poppler-utils) is required in CI")
		}
		t.Skip("SKIPPED: pdftotext not installed (apt-get install poppler-utils)")
	}
	out, err := exec.Command(bin, append(append([]string{"-enc", "UTF-8"}, mode...), path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}
