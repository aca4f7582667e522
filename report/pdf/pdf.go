// Package pdf writes a period's report as the printed PDF that leaders read.
package pdf

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signintech/gopdf"

	"planreport/internal/atomicfile"
	"planreport/plan"
	"planreport/report"
	"planreport/templates"
	"planreport/workbook"
)

// brief is the report being laid out.
type brief struct{ *report.Report }

// Write writes the printed report to path, atomically. The PDF goes straight into the file,
// not through a copy in memory.
func Write(r *report.Report, path string) error {
	d, err := brief{r}.layout()
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(f *os.File) error {
		w := bufio.NewWriterSize(f, 1<<20)
		if _, err := d.pdf.WriteTo(w); err != nil {
			return fmt.Errorf("生成 PDF：%w", err)
		}
		return w.Flush()
	})
}

// Bytes renders the printed report: cover, contents, overall situation with charts, overdue and
// behind tasks, each section's tasks, the units' reporting table, problems, and annexes. The
// same report gives the same text and layout.
func Bytes(r *report.Report) ([]byte, error) {
	d, err := brief{r}.layout()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := d.pdf.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("生成 PDF：%w", err)
	}
	return b.Bytes(), nil
}

// layout lays the report out on pages, ready to be written.
func (r brief) layout() (*doc, error) {
	d, err := newDoc()
	if err != nil {
		return nil, err
	}
	d.pdf.SetInfo(gopdf.PdfInfo{Title: r.title(), Subject: r.Plan.Title, Creator: "planreport", Producer: "planreport",
		CreationDate: r.date()})

	r.cover(d)
	// The contents come second; their pages are reserved now and filled in at the end, when
	// every heading's page is known.
	headings := r.headings()
	perPage := int((textBottom - marginTop - 2*leadingBody) / (leadingBody * 0.9))
	tocPages := (len(headings) + perPage - 1) / perPage
	firstTOC := d.page + 1
	for range tocPages {
		d.newPage()
	}
	d.newPage()
	r.overview(d)
	r.overdueSection(d)
	r.sectionsSection(d)
	r.unitsSection(d)
	r.problemsSection(d)
	r.annexes(d)
	if d.err != nil {
		return nil, d.err
	}
	r.contents(d, firstTOC, tocPages)
	r.headersAndFooters(d)
	if d.err != nil {
		return nil, d.err
	}
	r.Unprintable = r.Unprintable[:0]
	for c := range d.missing {
		r.Unprintable = append(r.Unprintable, c)
	}
	slices.Sort(r.Unprintable)
	return d, nil
}

func (r brief) title() string {
	return fmt.Sprintf("《%s》%s落实情况报告", r.Plan.Title, r.Period.Chinese())
}

func (r brief) date() time.Time {
	t, err := time.Parse("2006-01-02", r.Date)
	if err != nil {
		return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}

func chineseDate(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

var chineseNumbers = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十"}

func chineseNumber(i int) string {
	if i < len(chineseNumbers) {
		return chineseNumbers[i]
	}
	return fmt.Sprint(i + 1)
}

// headings lists every heading the report will have, in order, so that the contents can be
// given their pages before the body is laid out.
func (r brief) headings() []string {
	h := []string{"一、总体情况", "二、逾期和滞后任务", "三、各部分任务落实情况"}
	for i, s := range r.Sections {
		h = append(h, fmt.Sprintf("（%s）%s", chineseNumber(i), sectionTitle(s.Name)))
	}
	return append(h, "四、各单位报送情况", "五、存在问题", "附件1 未报送单位及联系方式", "附件2 检查发现的问题", "附件3 收件记录")
}

// sectionTitle drops a section's own numbering: （一）落实… → 落实…
func sectionTitle(s string) string {
	s = strings.TrimSpace(s)
	for _, open := range []string{"（", "("} {
		if strings.HasPrefix(s, open) {
			if i := strings.IndexAny(s, "）)"); i > 0 {
				_, n := utf8.DecodeRuneInString(s[i:])
				return strings.TrimSpace(s[i+n:])
			}
		}
	}
	if i := strings.Index(s, "、"); i > 0 && i <= 9 {
		return s[i+len("、"):]
	}
	if s == "" {
		return "其他任务"
	}
	return s
}

func (r brief) cover(d *doc) {
	d.newPage()
	d.setFont(faceBold, sizeTitle)
	y := mm(75)
	for _, line := range d.wrap(r.Plan.Title, textW) {
		d.text(marginLeft+(textW-d.textWidth(line))/2, y, line)
		y += sizeTitle * 1.6
	}
	y += 10
	sub := r.Period.Chinese() + "落实情况报告"
	d.text(marginLeft+(textW-d.textWidth(sub))/2, y, sub)
	d.setFont(faceBody, sizeBody)
	y = mm(200)
	lines := []string{}
	if r.Plan.DocNumber != "" {
		lines = append(lines, "（依据"+r.Plan.DocNumber+"）")
	}
	lines = append(lines, "")
	if r.Plan.Office.Name != "" {
		lines = append(lines, r.Plan.Office.Name)
	}
	lines = append(lines, chineseDate(r.Date))
	for _, l := range lines {
		d.text(marginLeft+(textW-d.textWidth(l))/2, y, l)
		y += leadingBody
	}
}

// contents fills the reserved pages with every heading and its page. (gopdf attaches links
// to the last page added, so the contents are not clickable; the bookmarks are.)
func (r brief) contents(d *doc, first, pages int) {
	i := 0
	for p := 0; p < pages; p++ {
		if err := d.pdf.SetPage(first + p); err != nil {
			d.fail(err)
			return
		}
		y := marginTop
		if p == 0 {
			d.setFont(faceHeavy, sizeTitle)
			t := "目　　录"
			d.text(marginLeft+(textW-d.textWidth(t))/2, y, t)
			y += sizeTitle * 2.2
		}
		d.setFont(faceBody, 14)
		for ; i < len(d.toc) && y+leadingBody*0.9 <= textBottom; i++ {
			e := d.toc[i]
			indent := 0.0
			if e.level > 1 {
				indent = 28
			}
			num := fmt.Sprint(e.page)
			title := e.title
			avail := textW - indent - d.textWidth(num) - 24
			lines := d.wrap(title, avail)
			title = lines[0]
			if len(lines) > 1 {
				for d.textWidth(title+"…") > avail && len(title) > 0 {
					_, n := lastRune(title)
					title = title[:len(title)-n]
				}
				title += "…"
			}
			d.text(marginLeft+indent, y, title)
			// Dot leaders to the page number.
			x0 := marginLeft + indent + d.textWidth(title) + 6
			x1 := marginLeft + textW - d.textWidth(num) - 6
			for x := x0; x < x1-2; x += 5 {
				d.pdf.SetFillColor(0, 0, 0)
				d.pdf.RectFromUpperLeftWithStyle(x, y+14*0.75, 0.8, 0.8, "F")
			}
			d.text(marginLeft+textW-d.textWidth(num), y, num)
			y += leadingBody * 0.9
		}
	}
}

func lastRune(s string) (rune, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i]&0xC0 != 0x80 {
			return []rune(s[i:])[0], len(s) - i
		}
	}
	return 0, 0
}

// headersAndFooters draws every page's header (the report's title and period) and footer
// (第 X 页 共 Y 页), the cover excepted, which is not counted.
func (r brief) headersAndFooters(d *doc) {
	total := d.page - 1
	for p := 2; p <= d.page; p++ {
		if err := d.pdf.SetPage(p); err != nil {
			d.fail(err)
			return
		}
		d.setFont(faceBody, sizeHeader)
		head := "《" + r.Plan.Title + "》落实情况报告"
		if d.textWidth(head) > textW*0.72 {
			head = r.Plan.Title
			for d.textWidth(head+"…落实情况报告") > textW*0.72 && len(head) > 0 {
				_, n := lastRune(head)
				head = head[:len(head)-n]
			}
			head += "…落实情况报告"
		}
		d.text(marginLeft, mm(24), head)
		period := r.Period.Chinese()
		d.text(marginLeft+textW-d.textWidth(period), mm(24), period)
		d.pdf.SetStrokeColor(0, 0, 0)
		d.pdf.SetLineWidth(0.6)
		d.pdf.Line(marginLeft, mm(24)+sizeHeader+3, marginLeft+textW, mm(24)+sizeHeader+3)
		d.setFont(faceBody, 10.5)
		foot := fmt.Sprintf("第 %d 页 共 %d 页", p-1, total)
		d.text(marginLeft+(textW-d.textWidth(foot))/2, textBottom+mm(10), foot)
	}
}

func pct(n, of int) string {
	if of == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}

func (r brief) submissionCounts() map[workbook.State]int {
	c := map[workbook.State]int{}
	for _, u := range r.Units {
		c[u.State]++
	}
	return c
}

func (r brief) overview(d *doc) {
	d.heading("一、总体情况", 1)
	n := len(r.Tasks)
	sc := r.submissionCounts()
	overdue := 0
	for _, t := range r.Tasks {
		if t.Overdue {
			overdue++
		}
	}
	var parts []string
	for _, s := range report.Statuses {
		if c := r.Counts[s]; c > 0 {
			label := s
			if s == report.NotReported {
				label = "牵头单位未报送"
			}
			parts = append(parts, fmt.Sprintf("%s %d 项（占 %s）", label, c, pct(c, n)))
		}
	}
	summary := fmt.Sprintf("本期（%s）《%s》共有任务 %d 项，应报送单位 %d 个，截至报告日（%s），按时报送 %d 个、逾期报送 %d 个、报送未通过检查 %d 个、未报送 %d 个。"+
		"根据牵头单位报送的进展，%s。到期未完成的任务 %d 项。按预警规则，红灯 %d 项、黄灯 %d 项、绿灯 %d 项。",
		r.Period.Chinese(), r.Plan.Title, n, len(r.Units), chineseDate(r.Date), sc[workbook.OnTime], sc[workbook.Late], sc[workbook.Rejected], sc[workbook.Missing],
		strings.Join(parts, "，"), overdue, r.Lights[report.Red], r.Lights[report.Yellow], r.Lights[report.Green])
	d.paragraph(summary, faceBody, sizeBody, leadingBody, true)
	d.paragraph("红灯：已逾期、进度滞后或牵头单位未报送；黄灯：下一周期内到期尚未完成、牵头单位报告了存在问题或尚未启动；绿灯：已完成或按序时推进。几个牵头单位报告的状态不同时，以进度最慢者为准。", faceBody, sizeTable, sizeTable*1.6, true)
	d.y += 6

	rows := [][]string{}
	for _, s := range report.Statuses {
		label := s
		if s == report.NotReported {
			label = "牵头单位未报送"
		}
		rows = append(rows, []string{label, fmt.Sprint(r.Counts[s]), pct(r.Counts[s], n)})
	}
	rows = append(rows,
		[]string{"到期未完成", fmt.Sprint(overdue), pct(overdue, n)},
		[]string{"红灯 / 黄灯 / 绿灯", fmt.Sprintf("%d / %d / %d", r.Lights[report.Red], r.Lights[report.Yellow], r.Lights[report.Green]), ""},
		[]string{"已接收单位（按时 / 逾期）", fmt.Sprintf("%d / %d", sc[workbook.OnTime], sc[workbook.Late]), pct(sc[workbook.OnTime]+sc[workbook.Late], len(r.Units))},
		[]string{"未通过 / 未报送单位", fmt.Sprintf("%d / %d", sc[workbook.Rejected], sc[workbook.Missing]), pct(sc[workbook.Rejected]+sc[workbook.Missing], len(r.Units))})
	d.table([]column{{title: "指标", width: 3}, {title: "数量", width: 2, align: "center"}, {title: "占比", width: 1.2, align: "center"}}, rows, sizeTable)

	var bars []bar
	for _, s := range report.Statuses {
		label := s
		if s == report.NotReported {
			label = "未报送"
		}
		bars = append(bars, bar{label: label, value: float64(r.Counts[s]), text: fmt.Sprintf("%d 项", r.Counts[s])})
	}
	d.barChart("图1 任务完成状态分布（按牵头单位报告）", bars, float64(n), false)

	bars = nil
	for i, s := range r.Sections {
		bars = append(bars, bar{label: fmt.Sprintf("（%s）", chineseNumber(i)), value: report.Share(s.Done, s.Tasks) * 100,
			text: fmt.Sprintf("%d/%d 项 %s", s.Done, s.Tasks, pct(s.Done, s.Tasks))})
	}
	d.barChart("图2 各部分任务完成率", bars, 100, true)

	var pts []trendPoint
	for _, p := range r.Trend {
		pts = append(pts, trendPoint{label: p.Label, completed: p.Completed * 100, onTime: report.Share(p.OnTime, p.Units) * 100})
	}
	d.trendChart("图3 各报送周期任务完成率与按时报送率", pts)
}

func (r brief) overdueSection(d *doc) {
	d.heading("二、逾期和滞后任务", 1)
	var rows [][]string
	for _, t := range r.Tasks {
		if t.Overdue || t.Status == templates.StatusBehind {
			rows = append(rows, []string{t.ID, string(t.Light), shorten(t.Text, 60), strings.Join(t.Lead, "、"), deadlineLabel(t.Deadline), t.Status, t.Why})
		}
	}
	if len(rows) == 0 {
		d.paragraph("本期没有逾期或滞后的任务。", faceBody, sizeBody, leadingBody, true)
		return
	}
	d.paragraph(fmt.Sprintf("以下 %d 项任务已到完成时限仍未完成，或牵头单位报告进度滞后。", len(rows)), faceBody, sizeBody, leadingBody, true)
	d.table([]column{{title: "编号", width: 0.8, align: "center"}, {title: "灯", width: 0.9, light: true}, {title: "任务", width: 4},
		{title: "牵头单位", width: 2.2}, {title: "完成时限", width: 1.4}, {title: "状态", width: 1.1, align: "center"}, {title: "说明", width: 1.4}}, rows, sizeSmall)
}

func deadlineLabel(d plan.Deadline) string {
	if d.Due != "" && (d.Kind == plan.KindYear || d.Kind == plan.KindDate) {
		return d.Due
	}
	if d.Text != "" {
		return d.Text
	}
	return "—"
}

func shorten(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

func (r brief) sectionsSection(d *doc) {
	d.heading("三、各部分任务落实情况", 1)
	for i, s := range r.Sections {
		d.heading(fmt.Sprintf("（%s）%s", chineseNumber(i), sectionTitle(s.Name)), 2)
		d.paragraph(fmt.Sprintf("本部分共 %d 项任务，已完成 %d 项（%s）。", s.Tasks, s.Done, pct(s.Done, s.Tasks)), faceBody, sizeBody, leadingBody, true)
		var rows [][]string
		for _, t := range r.Tasks {
			name := t.Section
			if name == "" {
				name = t.Part
			}
			if name != s.Name {
				continue
			}
			var progress []string
			for _, l := range t.Leads {
				progress = append(progress, fmt.Sprintf("【%s·%s】%s", l.Unit, l.Status, l.Progress))
			}
			for _, m := range t.MissingLeads {
				progress = append(progress, fmt.Sprintf("【%s】未报送", m))
			}
			rows = append(rows, []string{t.ID, string(t.Light), t.Text, strings.Join(t.Lead, "、"), deadlineLabel(t.Deadline), strings.Join(progress, "\n")})
		}
		d.table([]column{{title: "编号", width: 0.8, align: "center"}, {title: "灯", width: 0.9, light: true}, {title: "任务内容", width: 3.0},
			{title: "牵头单位", width: 1.6}, {title: "完成时限", width: 1.55}, {title: "牵头单位报告的进展", width: 4}}, rows, sizeSmall)
	}
}

func (r brief) unitsSection(d *doc) {
	d.heading("四、各单位报送情况", 1)
	d.paragraph("按报送情况（按时、逾期、未通过检查、未报送）排序，同类按任务完成率、逾期未完成任务数和检查问题数排序。", faceBody, sizeBody, leadingBody, true)
	var rows [][]string
	for i, u := range r.Ranked() {
		rows = append(rows, []string{fmt.Sprint(i + 1), u.Name, u.State.Chinese(), fmt.Sprint(u.Assigned), fmt.Sprint(u.Reported),
			fmt.Sprint(u.Done), fmt.Sprint(u.Behind), fmt.Sprint(u.Overdue), fmt.Sprint(u.Findings)})
	}
	d.table([]column{{title: "排名", width: 0.7, align: "center"}, {title: "单位", width: 3.2}, {title: "报送情况", width: 1.4, align: "center"},
		{title: "任务", width: 0.8, align: "right"}, {title: "已报告", width: 0.9, align: "right"}, {title: "已完成", width: 0.9, align: "right"},
		{title: "滞后", width: 0.8, align: "right"}, {title: "逾期", width: 0.8, align: "right"}, {title: "问题", width: 0.8, align: "right"}}, rows, sizeSmall)
}

func (r brief) problemsSection(d *doc) {
	d.heading("五、存在问题", 1)
	var rows [][]string
	leads, others := 0, 0
	for _, t := range r.Tasks {
		for _, u := range t.Leads {
			if p := strings.TrimSpace(u.Problems); p != "" && p != "无" {
				rows = append(rows, []string{t.ID, u.Unit, p, u.NextSteps})
				leads++
			}
		}
		n := 0
		for _, u := range t.Responsible {
			if p := strings.TrimSpace(u.Problems); p != "" && p != "无" {
				n++
			}
		}
		if n > 0 {
			rows = append(rows, []string{t.ID, fmt.Sprintf("责任单位 %d 个", n), "另有责任单位报告了问题，详见汇总表「存在问题」", ""})
			others += n
		}
	}
	if len(rows) == 0 {
		d.paragraph("本期各单位未报告存在问题。", faceBody, sizeBody, leadingBody, true)
		return
	}
	d.paragraph(fmt.Sprintf("牵头单位报告问题 %d 条，按任务列示如下；责任单位另报告问题 %d 条，按任务注明条数，全文见汇总表。", leads, others), faceBody, sizeBody, leadingBody, true)
	d.table([]column{{title: "任务", width: 0.8, align: "center"}, {title: "单位", width: 2}, {title: "存在问题", width: 4}, {title: "下步计划", width: 4}}, rows, sizeSmall)
}

func (r brief) annexes(d *doc) {
	d.newPage()
	d.heading("附件1 未报送单位及联系方式", 1)
	var rows [][]string
	for _, u := range r.Units {
		if u.State == workbook.Missing || u.State == workbook.Rejected {
			rows = append(rows, []string{u.Name, u.State.Chinese(), u.Contact, u.Phone, u.Email})
		}
	}
	if len(rows) == 0 {
		d.paragraph("各单位均已报送并通过检查。", faceBody, sizeBody, leadingBody, true)
	} else {
		d.table([]column{{title: "单位", width: 3}, {title: "情况", width: 1.4, align: "center"}, {title: "联系人", width: 1.1}, {title: "电话", width: 1.8}, {title: "电子邮箱", width: 2.8}}, rows, sizeSmall)
	}

	d.heading("附件2 检查发现的问题", 1)
	byRule := map[plan.Rule][2]int{}
	for _, s := range r.Latest {
		for _, f := range s.Findings {
			c := byRule[f.Rule]
			if f.Severity == plan.Error {
				c[0]++
			} else {
				c[1]++
			}
			byRule[f.Rule] = c
		}
	}
	rules := make([]plan.Rule, 0, len(byRule))
	for k := range byRule {
		rules = append(rules, k)
	}
	sort.Slice(rules, func(i, j int) bool {
		a, b := byRule[rules[i]], byRule[rules[j]]
		if a[0]+a[1] != b[0]+b[1] {
			return a[0]+a[1] > b[0]+b[1]
		}
		return rules[i] < rules[j]
	})
	rows = nil
	for _, k := range rules {
		rows = append(rows, []string{k.Label(), fmt.Sprint(byRule[k][0]), fmt.Sprint(byRule[k][1])})
	}
	if len(rows) == 0 {
		d.paragraph("各单位最新报送的报送表未发现问题。", faceBody, sizeBody, leadingBody, true)
	} else {
		d.paragraph("各单位最新一次报送的报送表中检查发现的问题，按类别统计（错误须修改后重新报送，提醒不影响接收）。", faceBody, sizeTable, sizeTable*1.6, true)
		d.table([]column{{title: "问题类别", width: 6}, {title: "错误", width: 1, align: "right"}, {title: "提醒", width: 1, align: "right"}}, rows, sizeSmall)
	}

	d.heading("附件3 收件记录", 1)
	d.paragraph("本期收到的每份文件均按原样归档，SHA-256 可用于核对归档文件未被改动。", faceBody, sizeTable, sizeTable*1.6, true)
	rows = nil
	for _, s := range r.Submissions {
		result := "接收"
		if !s.Accepted {
			result = fmt.Sprintf("退回（%d 个错误）", plan.CountErrors(s.Findings))
		}
		unit := s.Unit
		if unit == "" {
			unit = "未识别"
		}
		rows = append(rows, []string{s.Received.Local().Format("2006-01-02 15:04"), unit, s.Name, result, s.SHA256})
	}
	d.table([]column{{title: "收到时间", width: 1.4}, {title: "单位", width: 1.7}, {title: "文件", width: 2.4}, {title: "结果", width: 1.2}, {title: "SHA-256", width: 3.3}}, rows, 6.5)
}
