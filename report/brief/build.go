package brief

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"planreport/plan"
	"planreport/report"
	"planreport/templates"
	"planreport/workbook"
)

// OfficeText is the office's own 存在问题和下一步工作, as it wrote it in the workspace.
type OfficeText struct {
	Path string // where the office writes it, to say so in the placeholder
	Text string // the text as written; "" when the office has written none
}

// OfficeFile is the file in a period's folder that holds the office's text (or the same name
// with .docx).
const OfficeFile = "存在问题和下一步工作.txt"

// Build makes the brief of a consolidated report.
func Build(r *report.Report, office OfficeText) *Brief {
	b := &builder{r: r}
	title := strings.Trim(strings.TrimSpace(r.Plan.Title), "《》")
	if title == "" {
		title = "行动计划"
	}
	out := &Brief{
		Title:    "《" + Punctuate(title) + "》",
		Subtitle: r.Period.Chinese() + "落实情况报告",
		Subject:  title,
		Date:     r.Date,
	}
	if r.Plan.DocNumber != "" {
		out.Cover = append(out.Cover, "（依据"+r.Plan.DocNumber+"）")
	}
	if r.Plan.Office.Name != "" {
		out.Cover = append(out.Cover, r.Plan.Office.Name)
	}
	out.Cover = append(out.Cover, ChineseDate(r.Date))
	out.Sections = []Section{b.overview(), b.changes(), b.keyTasks(), b.units(), b.officeSection(office)}
	out.Annexes = []Section{b.taskAnnex(), b.missingAnnex(), b.findingsAnnex()}
	for i := range out.Annexes {
		out.Annexes[i].Heading = fmt.Sprintf("附件%d　%s", i+1, out.Annexes[i].Heading)
	}
	return out
}

type builder struct {
	r      *report.Report
	tables int
	charts int
}

func (b *builder) table(caption string, t *Table) Block {
	if caption != "" {
		b.tables++
		t.Caption = fmt.Sprintf("表%d　%s", b.tables, caption)
	}
	return Block{Kind: TableBlock, Table: t}
}

func (b *builder) chart(caption string, c *Chart) Block {
	b.charts++
	c.Caption = fmt.Sprintf("图%d　%s", b.charts, caption)
	return Block{Kind: ChartBlock, Chart: c}
}

func para(format string, args ...any) Block {
	return Block{Kind: Para, Text: fmt.Sprintf(format, args...)}
}

// ChineseDate writes 2024-01-15 as 2024年1月15日.
func ChineseDate(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

// Pct writes n of total as a percentage with one decimal: 34.5%.
func Pct(n, total int) string {
	if total == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total))
}

// statusLabel is a status as the brief names it.
func statusLabel(s string) string {
	if s == report.NotReported {
		return "牵头单位未报送"
	}
	return s
}

// submissions counts the units by their submission's state.
func (b *builder) submissions() map[workbook.State]int {
	c := map[workbook.State]int{}
	for _, u := range b.r.Units {
		c[u.State]++
	}
	return c
}

// unitsIn names the units in a state, in registry order.
func (b *builder) unitsIn(s workbook.State) []string {
	var out []string
	for _, u := range b.r.Units {
		if u.State == s {
			out = append(out, u.Name)
		}
	}
	return out
}

// joinCounts writes "逾期未完成17项、进度滞后9项" from the reasons of a light with a task,
// leaving out those with none.
func (b *builder) reasonCounts(l report.Light) string {
	var parts []string
	for _, rs := range report.ReasonsOf(l) {
		if n := b.r.Reasons[rs]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s%d项", rs.Chinese(), n))
		}
	}
	return strings.Join(parts, "、")
}

func (b *builder) overview() Section {
	r := b.r
	n := len(r.Tasks)
	sc := b.submissions()
	s := Section{Heading: "一、总体情况"}
	s.Blocks = append(s.Blocks, para("本期（%s）共有任务%d项，应报送单位%d个。截至%s，按时报送%d个、逾期报送%d个，报送未通过检查%d个、未报送%d个。",
		r.Period.Chinese(), n, len(r.Units), ChineseDate(r.Date), sc[workbook.OnTime], sc[workbook.Late], sc[workbook.Rejected], sc[workbook.Missing]))

	var parts []string
	for _, st := range report.Statuses {
		if c := r.Counts[st]; c > 0 {
			parts = append(parts, fmt.Sprintf("%s%d项", statusLabel(st), c))
		}
	}
	statuses := fmt.Sprintf("按牵头单位报告的进展，%s", strings.Join(parts, "、"))
	if r.Counts[report.NotReported] > 0 {
		statuses += "（有牵头单位未报送的任务不计为已完成）"
	}
	s.Blocks = append(s.Blocks, para("%s。", statuses))

	var lights []string
	for _, l := range report.Lights {
		text := fmt.Sprintf("%s%d项", l.Chinese(), r.Lights[l])
		if rc := b.reasonCounts(l); rc != "" {
			text += "（" + rc + "）"
		}
		lights = append(lights, text)
	}
	s.Blocks = append(s.Blocks, para("按预警规则，%s。每项任务只计一个原因，即表1中第一个适用的原因。", strings.Join(lights, "，")))

	// Table 1: every reason, with its rule, by light.
	t := &Table{Small: true, Cols: []Col{{Title: "灯", Keep: true, Light: true}, {Title: "原因", Keep: true}, {Title: "判定规则", Width: 1},
		{Title: "任务数", Align: Right, Keep: true}, {Title: "占比", Align: Right, Keep: true}}}
	for _, l := range report.Lights {
		for _, rs := range report.ReasonsOf(l) {
			t.Rows = append(t.Rows, Row{Cells: []string{l.Chinese(), rs.Chinese(), rs.Rule(), fmt.Sprint(r.Reasons[rs]), Pct(r.Reasons[rs], n)}})
		}
		t.Rows = append(t.Rows, Row{Total: true, Cells: []string{l.Chinese(), "小计", "", fmt.Sprint(r.Lights[l]), Pct(r.Lights[l], n)}})
	}
	t.Rows = append(t.Rows, Row{Total: true, Cells: []string{"合计", "", "", fmt.Sprint(n), Pct(n, n)}})
	s.Blocks = append(s.Blocks, b.table("任务红黄绿灯及原因", t))

	// The lights of every collected period, this one last: the chart shows the change too.
	c := &Chart{Legend: []Legend{{"红灯", FillRed}, {"黄灯", FillYellow}, {"绿灯", FillGreen}}}
	for _, p := range r.Trend {
		g := BarGroup{Label: p.Label}
		for _, l := range report.Lights {
			n := p.LightCount(l)
			g.Bars = append(g.Bars, Bar{Value: float64(n), Text: fmt.Sprintf("%s%d项", l.Chinese(), n), Fill: lightFill(l)})
			c.Max = max(c.Max, float64(n))
		}
		c.Groups = append(c.Groups, g)
	}
	s.Blocks = append(s.Blocks, b.chart("各期红黄绿灯任务数", c))

	if len(r.Trend) > 1 {
		c := &Chart{Max: 100, Percent: true, Legend: []Legend{{"任务完成率", FillBlue}, {"按时报送率", FillGrey}}}
		for _, p := range r.Trend {
			done, onTime := p.Counts[templates.StatusDone], p.OnTime
			c.Groups = append(c.Groups, BarGroup{Label: p.Label, Bars: []Bar{
				{Value: 100 * report.Share(done, p.Tasks), Text: fmt.Sprintf("完成%d项，%s", done, Pct(done, p.Tasks)), Fill: FillBlue},
				{Value: 100 * report.Share(onTime, p.Units), Text: fmt.Sprintf("按时%d个，%s", onTime, Pct(onTime, p.Units)), Fill: FillGrey},
			}})
		}
		s.Blocks = append(s.Blocks, b.chart("各期任务完成率和按时报送率", c))
	}
	return s
}

func lightFill(l report.Light) Fill {
	switch l {
	case report.Red:
		return FillRed
	case report.Yellow:
		return FillYellow
	}
	return FillGreen
}

// ids writes task ids as a list: 1.2、3.4、7.2.
func ids(list []string) string { return strings.Join(list, "、") }

func (b *builder) changes() Section {
	r := b.r
	c := r.Changes
	s := Section{Heading: "二、与上期相比的变化"}
	if c.Previous == "" {
		s.Blocks = append(s.Blocks, para("本期是第一个汇总的报送周期，没有上期情况可比。"))
		return s
	}
	var parts []string
	add := func(label string, list []string, note string) {
		if len(list) == 0 {
			parts = append(parts, label+"0项")
			return
		}
		parts = append(parts, fmt.Sprintf("%s%d项（%s）%s", label, len(list), ids(list), note))
	}
	add("新增红灯", c.NewRed, "")
	longest := 0
	for _, id := range c.StillRed {
		longest = max(longest, c.RedStreak[id])
	}
	note := ""
	if longest > 2 {
		note = fmt.Sprintf("，最长已连续%d期", longest)
	}
	add("连续两期及以上红灯", c.StillRed, note)
	add("转为绿灯", c.TurnedGreen, "")
	add("本期销号（新完成）", c.Closed, "")
	if len(c.Reopened) > 0 {
		// Without it, last period's 已完成 plus 销号 would not make this period's.
		add("上期已完成、本期未计为已完成", c.Reopened, "")
	}
	s.Blocks = append(s.Blocks, para("与%s相比，%s。", c.Previous, strings.Join(parts, "；")))

	// Ranking moves.
	var up, down []report.Unit
	for _, u := range r.Units {
		switch {
		case u.PrevRank == 0:
		case u.Rank < u.PrevRank:
			up = append(up, u)
		case u.Rank > u.PrevRank:
			down = append(down, u)
		}
	}
	sort.SliceStable(up, func(i, j int) bool { return up[i].PrevRank-up[i].Rank > up[j].PrevRank-up[j].Rank })
	sort.SliceStable(down, func(i, j int) bool { return down[i].Rank-down[i].PrevRank > down[j].Rank-down[j].PrevRank })
	most := func(list []report.Unit, word string) string {
		var names []string
		for i, u := range list {
			if i == 2 {
				break
			}
			d := u.PrevRank - u.Rank
			if d < 0 {
				d = -d
			}
			names = append(names, fmt.Sprintf("%s（%s%d位）", u.Name, word, d))
		}
		return strings.Join(names, "、")
	}
	same := 0
	for _, u := range r.Units {
		if u.PrevRank != 0 && u.PrevRank == u.Rank {
			same++
		}
	}
	text := fmt.Sprintf("单位排名上升%d个、下降%d个、不变%d个", len(up), len(down), same)
	if len(up) > 0 {
		text += "；上升较多的是" + most(up, "上升")
	}
	if len(down) > 0 {
		text += "；下降较多的是" + most(down, "下降")
	}
	text += "（见表3）。"
	s.Blocks = append(s.Blocks, para("%s", text))
	return s
}

// redGroup is the red tasks of one lead (the plan's words for the task's leads).
type redGroup struct {
	lead  string
	tasks []report.Task
	worst int // the most months overdue
}

func (b *builder) keyTasks() Section {
	r := b.r
	s := Section{Heading: "三、重点督办事项"}
	var groups []*redGroup
	byLead := map[string]*redGroup{}
	for _, t := range r.Tasks {
		if t.Light != report.Red {
			continue
		}
		lead := Punctuate(strings.Join(t.Lead, "、"))
		g, ok := byLead[lead]
		if !ok {
			g = &redGroup{lead: lead}
			byLead[lead] = g
			groups = append(groups, g)
		}
		g.tasks = append(g.tasks, t)
		g.worst = max(g.worst, t.OverdueMonths)
	}
	if len(groups) == 0 {
		s.Blocks = append(s.Blocks, para("本期没有红灯任务。"))
		return s
	}
	sort.SliceStable(groups, func(i, j int) bool {
		a, c := groups[i], groups[j]
		if len(a.tasks) != len(c.tasks) {
			return len(a.tasks) > len(c.tasks)
		}
		return a.worst > c.worst
	})
	rank := map[report.Reason]int{}
	for i, rs := range report.Reasons {
		rank[rs] = i
	}
	for _, g := range groups {
		sort.SliceStable(g.tasks, func(i, j int) bool {
			a, c := g.tasks[i], g.tasks[j]
			if a.OverdueMonths != c.OverdueMonths {
				return a.OverdueMonths > c.OverdueMonths
			}
			return rank[a.Reason] < rank[c.Reason]
		})
	}
	s.Blocks = append(s.Blocks, para("红灯任务%d项（%s），按牵头单位列示如下（红灯任务多的单位在前；超期时间自完成时限计至本期末）。",
		r.Lights[report.Red], b.reasonCounts(report.Red)))
	t := &Table{Small: true, Cols: []Col{{Title: "任务", Width: 2.2}, {Title: "情况", Keep: true}, {Title: "牵头单位报告的问题和下步计划", Width: 4.6}}}
	for _, g := range groups {
		t.Rows = append(t.Rows, Row{Group: true, Cells: []string{fmt.Sprintf("%s（%d项）", g.lead, len(g.tasks))}})
		for _, task := range g.tasks {
			t.Rows = append(t.Rows, Row{Cells: []string{task.ID + "　" + Label(task.Text), redSituation(task), leadStatement(task)}})
		}
	}
	s.Blocks = append(s.Blocks, b.table("红灯任务（按牵头单位）", t))
	return s
}

// situation says in a few words why a task has its light: how long it is overdue, what its
// leads reported, which of them did not.
func situation(t report.Task) string {
	reported := t.Status // what the leads that reported said
	if len(t.MissingLeads) > 0 {
		reported = t.Reported
	}
	said := ""
	if reported != "" && reported != report.NotReported {
		said = "报“" + reported + "”"
	}
	var parts []string
	switch t.Reason {
	case report.ReasonOverdue:
		if t.OverdueMonths > 0 {
			parts = append(parts, fmt.Sprintf("超期%d个月", t.OverdueMonths))
		} else {
			parts = append(parts, "本期到期未完成")
		}
		if said != "" {
			parts = append(parts, said)
		}
	case report.ReasonNotReported:
		if said != "" {
			parts = append(parts, "其他牵头单位"+said)
		}
	case report.ReasonDueSoon:
		parts = append(parts, "下期到期（"+t.Deadline.Due+"）")
		if said != "" {
			parts = append(parts, said)
		}
	case report.ReasonProblems:
		parts = append(parts, "牵头单位报告存在问题")
		if said != "" {
			parts = append(parts, said)
		}
	case report.ReasonOnTrack:
		parts = append(parts, reported)
	default: // 进度滞后, 尚未启动, 已完成: the reason is what the leads said
		parts = append(parts, t.Reason.Chinese())
	}
	if len(t.MissingLeads) > 0 {
		missing := missingNote(t)
		if t.Reason == report.ReasonNotReported {
			parts = append([]string{missing}, parts...)
		} else {
			parts = append(parts, missing)
		}
	}
	return strings.Join(parts, "；")
}

// redSituation is a red task's reason in the fewest words: how long it is overdue, 进度滞后,
// 牵头单位未报送.
func redSituation(t report.Task) string {
	switch t.Reason {
	case report.ReasonOverdue:
		if t.OverdueMonths > 0 {
			return fmt.Sprintf("超期%d个月", t.OverdueMonths)
		}
		return "本期到期"
	case report.ReasonNotReported:
		if len(t.RejectedLeads) == len(t.MissingLeads) {
			return "未通过检查"
		}
		return "未报送"
	}
	return t.Reason.Chinese()
}

// missingNote names a task's lead units that have no accepted report: those that sent none
// (未报送), and those whose return failed the check (未通过检查).
func missingNote(t report.Task) string {
	var none, rejected []string
	for _, u := range t.MissingLeads {
		if slices.Contains(t.RejectedLeads, u) {
			rejected = append(rejected, u)
		} else {
			none = append(none, u)
		}
	}
	var parts []string
	if len(none) > 0 {
		parts = append(parts, unitsNote(none, 3)+"未报送")
	}
	if len(rejected) > 0 {
		parts = append(parts, unitsNote(rejected, 3)+"未通过检查")
	}
	return strings.Join(parts, "，")
}

// unitsNote names up to most units, or the first three and how many in all.
func unitsNote(units []string, most int) string {
	if len(units) <= most {
		return strings.Join(units, "、")
	}
	return fmt.Sprintf("%s等%d个单位", strings.Join(units[:3], "、"), len(units))
}

// leadStatement is what a task's leads said of its problems and next steps, in a sentence:
// which leads did not report, then the first lead that stated a problem or a next step, and
// how many others did.
func leadStatement(t report.Task) string {
	var out []string
	if len(t.MissingLeads) > 0 {
		out = append(out, missingNote(t)+"。")
	}
	var with []report.UnitReport
	for _, ur := range t.Leads {
		if report.HasProblems(ur) || strings.TrimSpace(ur.NextSteps) != "" {
			with = append(with, ur)
		}
	}
	if len(with) == 0 {
		for i, ur := range t.Leads {
			if i == 2 {
				out = append(out, fmt.Sprintf("另有%d个牵头单位已报送。", len(t.Leads)-2))
				break
			}
			out = append(out, ur.Unit+"报“"+ur.Status+"”，未说明问题。")
		}
		return strings.Join(out, "")
	}
	ur := with[0]
	if len(t.Leads) > 1 {
		out = append(out, "【"+ur.Unit+"】")
	}
	if report.HasProblems(ur) {
		out = append(out, sentence(ur.Problems, maxProblem))
	}
	if next := strings.TrimSpace(ur.NextSteps); next != "" {
		if !strings.HasPrefix(next, "下一步") && !strings.HasPrefix(next, "下步") {
			next = "下步：" + next
		}
		out = append(out, sentence(next, maxNext))
	}
	if n := len(with) - 1; n > 0 {
		out = append(out, fmt.Sprintf("另有%d个牵头单位报告了问题或下步计划。", n))
	}
	return strings.Join(out, "")
}

// The most characters of a unit's problem and next step a table cell of the brief shows;
// the whole texts are in the workbook.
const (
	maxProblem = 40
	maxNext    = 30
)

// sentence is a unit's text as one sentence of the brief: punctuated, on one line, ending
// with 。, cut after most characters at the end of a clause where it can be.
func sentence(s string, most int) string {
	s = Punctuate(oneLine(s))
	if utf8.RuneCountInString(s) > most {
		rs := []rune(s)
		cut := most
		for i := most; i > most/2; i-- {
			if strings.ContainsRune("，。；！？", rs[i-1]) {
				cut = i - 1
				break
			}
		}
		s = string(rs[:cut]) + "……"
	}
	if !strings.HasSuffix(s, "。") && !strings.HasSuffix(s, "……") && !strings.HasSuffix(s, "！") && !strings.HasSuffix(s, "？") {
		s = strings.TrimRight(s, "，；、") + "。"
	}
	return s
}

// oneLine joins a text's lines and runs of white space: with nothing between Chinese
// characters, with one space between anything else.
func oneLine(s string) string {
	var b strings.Builder
	for i, f := range strings.Fields(s) {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(b.String())
			next, _ := utf8.DecodeRuneInString(f)
			if !wide(prev) || !wide(next) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(f)
	}
	return b.String()
}

// maxLabel is the most characters of a task's label.
const maxLabel = 20

// Label is a task's text shortened to a label for a table row: its first clause, cut at
// maxLabel characters.
func Label(text string) string {
	s := Punctuate(oneLine(text))
	rs := []rune(s)
	for i, r := range rs {
		if strings.ContainsRune("，。；：", r) && i >= 4 {
			rs = rs[:i]
			break
		}
	}
	if len(rs) > maxLabel {
		return string(rs[:maxLabel-1]) + "……"
	}
	return string(rs)
}

func (b *builder) units() Section {
	r := b.r
	sc := b.submissions()
	s := Section{Heading: "四、各单位报送情况"}
	named := func(st workbook.State) string {
		n := sc[st]
		if n == 0 || n > 8 {
			return fmt.Sprintf("%d个", n)
		}
		return fmt.Sprintf("%d个（%s）", n, strings.Join(b.unitsIn(st), "、"))
	}
	s.Blocks = append(s.Blocks, para("应报送单位%d个：按时报送%d个；逾期报送%s；报送未通过检查%s；未报送%s。",
		len(r.Units), sc[workbook.OnTime], named(workbook.Late), named(workbook.Rejected), named(workbook.Missing)))
	t := &Table{Small: true, Cols: []Col{{Title: "排名", Align: Center, Keep: true}, {Title: "单位", Width: 1, Keep: true},
		{Title: "报送情况", Align: Center, Keep: true}, {Title: "任务", Align: Right, Keep: true}, {Title: "已完成", Align: Right, Keep: true},
		{Title: "逾期未完成", Align: Right, Keep: true}, {Title: "检查问题", Align: Right, Keep: true}, {Title: "较上期", Align: Center, Keep: true}}}
	for _, u := range r.Ranked() {
		t.Rows = append(t.Rows, Row{Cells: []string{fmt.Sprint(u.Rank), u.Name, u.State.Chinese(), fmt.Sprint(u.Assigned), fmt.Sprint(u.Done),
			fmt.Sprint(u.Overdue), fmt.Sprint(u.Findings), Move(u)}})
	}
	s.Blocks = append(s.Blocks, b.table("各单位报送情况及排名", t))
	s.Blocks = append(s.Blocks, Block{Kind: Note, Text: "排名按报送情况（按时、逾期、未通过检查、未报送）排序，同类按任务完成率、逾期未完成任务数和检查发现的问题数排序；“较上期”为排名的升降。"})
	return s
}

// Move writes a unit's change of rank: ↑3, ↓2, 持平, or — with no previous rank.
func Move(u report.Unit) string {
	switch {
	case u.PrevRank == 0:
		return "—"
	case u.Rank < u.PrevRank:
		return fmt.Sprintf("↑%d", u.PrevRank-u.Rank)
	case u.Rank > u.PrevRank:
		return fmt.Sprintf("↓%d", u.Rank-u.PrevRank)
	}
	return "持平"
}

func (b *builder) officeSection(o OfficeText) Section {
	s := Section{Heading: "五、存在问题和下一步工作"}
	paras := OfficeParagraphs(o.Text)
	if len(paras) == 0 {
		s.Blocks = append(s.Blocks, Block{Kind: Placeholder, Text: "【待办公室填写】请将本期存在问题和下一步工作写入工作目录中的“" + o.Path +
			"”（每段一行，也可以是同名的 .docx），重新运行 planreport report 后印在此处。"})
		return s
	}
	s.Blocks = append(s.Blocks, paras...)
	return s
}

// OfficeParagraphs splits the office's text into blocks as written: each non-empty line a
// paragraph, and a short line numbered （一） a heading in 楷体.
func OfficeParagraphs(text string) []Block {
	var out []Block
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		line = strings.TrimSpace(strings.TrimLeft(line, "\u3000"))
		if line == "" {
			continue
		}
		kind := Para
		if strings.HasPrefix(line, "（") && utf8.RuneCountInString(line) <= 30 && !strings.Contains(strings.TrimRight(line, "。"), "。") {
			if i := strings.Index(line, "）"); i > 0 && i <= len("（十一") && isChineseNumber(line[len("（"):i]) {
				kind = Heading2
			}
		}
		out = append(out, Block{Kind: kind, Text: line})
	}
	return out
}

func isChineseNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("一二三四五六七八九十", r) {
			return false
		}
	}
	return true
}

// sectionOf is the plan's own heading of a task's section: （一）… or, for a part with no
// sections, 三、….
func sectionOf(t plan.Task) string {
	if t.Section != "" {
		return t.Section
	}
	if t.Part != "" {
		return t.Part
	}
	return "其他任务"
}

// deadline is a task's deadline as the brief shows it: the plan's words, with the date they
// mean when that is not the same.
func deadline(d plan.Deadline) string {
	text := strings.Join(strings.Fields(d.Text), "")
	if text == "" {
		text = "—"
	}
	return text
}

func (b *builder) taskAnnex() Section {
	r := b.r
	s := Section{Heading: "各项任务落实情况"}
	s.Blocks = append(s.Blocks, Block{Kind: Note, Text: "每项任务一行：任务内容取其第一句，全文和各单位报告的进展见汇总表。“情况”为该任务亮灯的原因。"})
	t := &Table{Small: true, Cols: []Col{{Title: "编号", Align: Center, Keep: true}, {Title: "任务", Width: 2.8}, {Title: "牵头单位", Width: 1.8, Terms: true},
		{Title: "完成时限", Align: Center, Keep: true}, {Title: "灯", Keep: true, Light: true}, {Title: "情况", Width: 2.8}}}
	section := ""
	for _, task := range r.Tasks {
		if sec := sectionOf(task.Task); sec != section {
			section = sec
			t.Rows = append(t.Rows, Row{Group: true, Cells: []string{Punctuate(sec)}})
		}
		t.Rows = append(t.Rows, Row{Cells: []string{task.ID, Label(task.Text), Punctuate(unitsNote(task.Lead, 4)), deadline(task.Deadline),
			task.Light.Chinese(), situation(task)}})
	}
	s.Blocks = append(s.Blocks, b.table("", t))
	return s
}

func (b *builder) missingAnnex() Section {
	s := Section{Heading: "未报送和报送未通过检查的单位"}
	t := &Table{Small: true, Cols: []Col{{Title: "单位", Width: 1, Keep: true}, {Title: "情况", Align: Center, Keep: true},
		{Title: "联系人", Keep: true}, {Title: "电话", Keep: true}}}
	for _, st := range []workbook.State{workbook.Missing, workbook.Rejected} {
		for _, u := range b.r.Units {
			if u.State == st {
				t.Rows = append(t.Rows, Row{Cells: []string{u.Name, u.State.Chinese(), orDash(u.Contact), orDash(u.Phone)}})
			}
		}
	}
	if len(t.Rows) == 0 {
		s.Blocks = append(s.Blocks, para("各单位均已报送并通过检查。"))
		return s
	}
	s.Blocks = append(s.Blocks, b.table("", t))
	return s
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func (b *builder) findingsAnnex() Section {
	s := Section{Heading: "报送表检查发现的问题"}
	type count struct{ errors, warnings, units int }
	byRule := map[plan.Rule]*count{}
	units := map[plan.Rule]map[string]bool{}
	for unit, sub := range b.r.Latest {
		for _, f := range sub.Findings {
			c := byRule[f.Rule]
			if c == nil {
				c = &count{}
				byRule[f.Rule] = c
				units[f.Rule] = map[string]bool{}
			}
			if f.Severity == plan.Error {
				c.errors++
			} else {
				c.warnings++
			}
			units[f.Rule][unit] = true
		}
	}
	rules := make([]plan.Rule, 0, len(byRule))
	for k := range byRule {
		byRule[k].units = len(units[k])
		rules = append(rules, k)
	}
	sort.Slice(rules, func(i, j int) bool {
		a, c := byRule[rules[i]], byRule[rules[j]]
		if a.errors+a.warnings != c.errors+c.warnings {
			return a.errors+a.warnings > c.errors+c.warnings
		}
		return rules[i].Label() < rules[j].Label()
	})
	if len(rules) == 0 {
		s.Blocks = append(s.Blocks, para("各单位最新一次报送的报送表未发现问题。"))
		return s
	}
	s.Blocks = append(s.Blocks, Block{Kind: Note, Text: "各单位最新一次报送的报送表中检查发现的问题，按类别统计。错误须修改后重新报送，提醒不影响接收；逐条明细见汇总表。"})
	t := &Table{Small: true, Cols: []Col{{Title: "问题类别", Width: 1}, {Title: "涉及单位", Align: Right, Keep: true},
		{Title: "错误", Align: Right, Keep: true}, {Title: "提醒", Align: Right, Keep: true}}}
	for _, k := range rules {
		c := byRule[k]
		t.Rows = append(t.Rows, Row{Cells: []string{k.Label(), fmt.Sprint(c.units), fmt.Sprint(c.errors), fmt.Sprint(c.warnings)}})
	}
	s.Blocks = append(s.Blocks, b.table("", t))
	return s
}
