package summary

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"iter"
	"os"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"

	"github.com/xuri/excelize/v2"

	"planreport/internal/atomicfile"
	"planreport/internal/xlsx"
	"planreport/plan"
	"planreport/report"
	"planreport/templates"
	"planreport/workbook"
)

// The consolidated workbook's sheets.
const (
	sheetSummary  = "总体情况"
	sheetTasks    = "任务"
	sheetUnits    = "单位"
	sheetDetail   = "明细"
	sheetOverdue  = "逾期任务"
	sheetProblems = "存在问题"
	sheetMissing  = "未报送单位"
	sheetFindings = "检查问题"
)

// WorkbookSheets are the consolidated workbook's sheet names, in order.
var WorkbookSheets = []string{sheetSummary, sheetTasks, sheetUnits, sheetDetail, sheetOverdue, sheetProblems, sheetMissing, sheetFindings}

// WriteWorkbook writes the consolidated workbook for office staff to path, atomically: a
// summary with native charts, one sheet per table, every table with a frozen, filterable
// header row and A4 print set-up. Text that came from units is always written as a string
// cell, never as a formula: a progress text typed as =HYPERLINK(…) shows as typed. The same
// Report gives the same workbook contents: no clock time is written.
func Write(r *report.Report, path string) error {
	f := excelize.NewFile()
	defer f.Close()
	w := &writer{f: f, r: r, rows: map[string]func(*xlsx.RowWriter) error{}}
	w.styles()
	w.check(f.SetSheetName("Sheet1", sheetSummary))
	w.summary()
	// Before the tables are streamed: SetActiveSheet reads every sheet back, and would read
	// a streamed one's XML back into memory.
	f.SetActiveSheet(0)
	w.tasks()
	w.units()
	w.detail()
	w.overdue()
	w.problems()
	w.missing()
	w.findings()
	stamp := r.Date
	if _, err := plan.ParseDate(stamp); err != nil || len(stamp) != len("2006-01-02") {
		stamp = r.Period.End().Format("2006-01-02")
	}
	w.check(f.SetDocProps(&excelize.DocProperties{
		Title:          title(r) + " " + r.Period.Chinese() + "落实情况汇总",
		Subject:        r.Plan.DocNumber,
		Creator:        "planreport",
		LastModifiedBy: "planreport",
		Created:        stamp + "T00:00:00Z",
		Modified:       stamp + "T00:00:00Z",
		Language:       "zh-CN",
	}))
	// excelize adds the image content types from a map, in random order: sort them, so that
	// the same report gives the same bytes.
	if ct := f.ContentTypes; ct != nil {
		sort.SliceStable(ct.Defaults, func(i, j int) bool { return ct.Defaults[i].Extension < ct.Defaults[j].Extension })
	}
	if w.err != nil {
		return fmt.Errorf("生成汇总工作簿：%w", w.err)
	}
	// The zip goes straight into the file: excelize would build all of it in memory first.
	return atomicfile.Write(path, func(out *os.File) error {
		f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return newSortedZip(out, w.rows) })
		buf, err := f.WriteToBuffer()
		if err == nil && buf.Len() > 0 {
			err = errors.New("excelize wrote past the zip writer")
		}
		return err
	})
}

// writer writes the consolidated workbook. Its identifiers start with wb so that they do
// not meet the PDF writer's in this package.
type writer struct {
	f    *excelize.File
	r    *report.Report
	err  error
	rows map[string]func(*xlsx.RowWriter) error // the tables' rows, by sheet part (see table)

	s                  xlsx.Styles // the shared styles
	subtitle, label    int         // the summary sheet's subtitle and its tables' labels
	red, yellow, green int         // conditional formats
}

func (w *writer) check(err error) {
	if w.err == nil && err != nil {
		w.err = err
	}
}

func (w *writer) styles() {
	var err error
	w.s, err = xlsx.NewStyles(w.f)
	w.check(err)
	style := func(s *excelize.Style) int {
		id, err := w.f.NewStyle(s)
		w.check(err)
		return id
	}
	w.subtitle = style(&excelize.Style{Font: &excelize.Font{Family: xlsx.BodyFont, Size: xlsx.BodySize},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	w.label = style(&excelize.Style{Font: &excelize.Font{Family: xlsx.HeadingFont, Size: 12, Bold: true}, Alignment: &excelize.Alignment{Vertical: "center"}})
	cond := func(fill, color string) int {
		id, err := w.f.NewConditionalStyle(&excelize.Style{
			Font: &excelize.Font{Color: color, Bold: true},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}},
		})
		w.check(err)
		return id
	}
	w.red = cond("FF8B8B", "7F0000")
	w.yellow = cond("FFE066", "5C4400")
	w.green = cond("8FD694", "0B4F12")
}

// title is the plan's title as the page header and properties show it.
func title(r *report.Report) string {
	if t := strings.TrimSpace(r.Plan.Title); t != "" {
		return "《" + strings.Trim(t, "《》") + "》"
	}
	return "行动计划"
}

// kind says how a column's values are written and styled.
type kind int

const (
	kindText     kind = iota // a string, wrapped
	kindCenter               // a short string, centred
	kindInt                  // a whole number
	kindPct                  // a share, 0–1, shown as a percentage
	kindCode                 // a long code such as a SHA-256: not wrapped, so that it does not make rows tall
	kindDate                 // a date (time.Time, or "" when there is none)
	kindDateTime             // a date and time
)

// col is one table column.
type col struct {
	head  string
	width float64
	kind  kind
}

// table is one sheet holding one table with its header in row 1.
type table struct {
	sheet string
	cols  []col
	// n is how many rows rows yields: the filter's range and the conditional formats are
	// set before the rows are streamed.
	n int
	// rows yields the table's rows in order. The slice it yields may be reused for the next
	// row.
	rows      iter.Seq[[]any]
	landscape bool
	freezeCol bool // freeze the first column too
	// printed is how many columns print (0: all); the others (a file name, a checksum) are
	// for the screen.
	printed int
	// formats, when set, adds the table's conditional formats; last is the table's last row.
	// It is called only when the table has rows.
	formats func(last int)
}

// table writes a sheet holding one table: a styled header row, frozen and filterable, that is
// repeated on every printed page; column widths; row heights that fit the wrapped text; and
// the page set-up. The rows are streamed to the file as they come (the detail of 10,000 units
// is 730,000 rows): the sheet's settings are made first, then its rows are written one by one
// and are not kept. It returns the table's last row.
func (w *writer) table(t table) int {
	f := w.f
	if _, err := f.NewSheet(t.sheet); err != nil {
		w.check(err)
		return 1
	}
	n := t.n + 1
	last, _ := excelize.ColumnNumberToName(len(t.cols))
	// Everything but the rows goes on the sheet before it is streamed: the stream writer
	// writes the sheet's properties, views and columns when it starts and the rest when it is
	// flushed.
	//
	// The widths from the last column to the first: excelize keeps a streamed sheet's columns
	// in the order they are set, newest first, and does not sort them when it saves the
	// sheet, as it does an unstreamed one's; the file must list them in ascending order.
	for i := len(t.cols) - 1; i >= 0; i-- {
		name, _ := excelize.ColumnNumberToName(i + 1)
		w.check(f.SetColWidth(t.sheet, name, name, t.cols[i].width))
	}
	panes := &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}
	if t.freezeCol {
		panes = &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight",
			Selection: []excelize.Selection{{SQRef: "B2", ActiveCell: "B2", Pane: "bottomRight"}}}
	}
	w.check(f.SetPanes(t.sheet, panes))
	w.check(f.AutoFilter(t.sheet, fmt.Sprintf("A1:%s%d", last, n), nil))
	width := 0.0
	for i, c := range t.cols {
		if t.printed == 0 || i < t.printed {
			width += c.width
		}
	}
	w.check(xlsx.SetPage(f, t.sheet, xlsx.Page{Landscape: t.landscape, TitleRows: 1, Width: width, Columns: t.printed,
		HeaderLeft: title(w.r), HeaderRight: w.r.Period.Chinese() + " " + t.sheet}))
	if t.formats != nil && n > 1 {
		t.formats(n)
	}
	if w.err != nil {
		return n
	}

	part, ok := xlsx.SheetPart(f, t.sheet)
	if !ok {
		w.check(fmt.Errorf("「%s」表不在工作簿中", t.sheet))
		return n
	}
	styles := make([]int, len(t.cols))
	for i, c := range t.cols {
		styles[i] = w.styleOf(c.kind)
	}
	// The rows are written when the workbook is saved, into the sheet's XML as it goes into
	// the zip (sortedZip.fill): excelize, cell by cell, took most of the report's time.
	w.rows[part] = func(b *xlsx.RowWriter) error {
		b.StartRow(1, xlsx.HeaderHeight(headerLines(t.cols)))
		for i, c := range t.cols {
			b.Text(i+1, 1, w.s.Header, c.head)
		}
		b.EndRow()
		r := 1
		for values := range t.rows {
			r++
			lines := 1
			for j := range t.cols {
				if j < len(values) {
					if s, ok := values[j].(string); ok && t.cols[j].kind != kindCode {
						// A cell joining units' names to their texts may pass the cell's limit.
						lines = max(lines, xlsx.WrappedLines(report.CellText(s), t.cols[j].width))
					}
				}
			}
			b.StartRow(r, xlsx.RowHeight(lines))
			for j := range t.cols {
				var v any
				if j < len(values) {
					v = values[j]
				}
				switch v := v.(type) {
				case nil:
					b.Text(j+1, r, styles[j], "")
				case string:
					b.Text(j+1, r, styles[j], report.CellText(v))
				case int:
					b.Int(j+1, r, styles[j], v)
				case float64:
					b.Float(j+1, r, styles[j], v)
				case time.Time:
					if v.IsZero() {
						b.Text(j+1, r, styles[j], "") // no date
					} else {
						b.Time(j+1, r, styles[j], v)
					}
				default:
					b.Text(j+1, r, styles[j], report.CellText(fmt.Sprint(v)))
				}
			}
			b.EndRow()
		}
		if r != n {
			return fmt.Errorf("「%s」表：应有 %d 行，写了 %d 行", t.sheet, n-1, r-1)
		}
		return nil
	}
	return n
}

// styleOf is the shared style of a kind of column.
func (w *writer) styleOf(k kind) int {
	switch k {
	case kindCenter:
		return w.s.Center
	case kindInt:
		return w.s.Int
	case kindPct:
		return w.s.Pct
	case kindCode:
		return w.s.Code
	case kindDate:
		return w.s.Date
	case kindDateTime:
		return w.s.DateTime
	}
	return w.s.Text
}

// dateOr is a YYYY-MM-DD text as a date, else the text as the unit wrote it.
func dateOr(s string) any {
	if d := date(s); !d.IsZero() {
		return d
	}
	return s
}

// date is a YYYY-MM-DD text as a date, zero when it is none.
func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func headerLines(cols []col) int {
	lines := 1
	for _, c := range cols {
		lines = max(lines, xlsx.WrappedLines(c.head, c.width))
	}
	return lines
}

// hasProblems reports whether a unit reported a problem, as Consolidate decides it.
func hasProblems(ur report.UnitReport) bool { return report.HasProblems(ur) }

// section is a task's section as the tables show it: its section, else its part.
func section(t plan.Task) string {
	if t.Section != "" {
		return t.Section
	}
	return t.Part
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// leadText is the lead units' progress, each with its unit's name; leads that did not
// report are named as such.
func leadText(t report.Task) string {
	var parts []string
	for _, ur := range t.Leads {
		parts = append(parts, ur.Unit+"："+ur.Progress)
	}
	for _, u := range t.MissingLeads {
		if slices.Contains(t.RejectedLeads, u) {
			parts = append(parts, u+"：未通过检查")
		} else {
			parts = append(parts, u+"：未报送")
		}
	}
	return strings.Join(parts, "\n")
}

// problemsText is the problems the lead units reported on a task, each with its unit's
// name, and how many responsible units reported problems too (the 存在问题 sheet lists them:
// a task with twenty responsible units would otherwise fill a page).
func problemsText(t report.Task) string {
	var parts []string
	for _, ur := range t.Leads {
		if hasProblems(ur) {
			parts = append(parts, ur.Unit+"："+ur.Problems)
		}
	}
	n := 0
	for _, ur := range t.Responsible {
		if hasProblems(ur) {
			n++
		}
	}
	if n > 0 {
		parts = append(parts, fmt.Sprintf("另有 %d 个责任单位报告了问题，见「%s」表", n, sheetProblems))
	}
	return strings.Join(parts, "\n")
}

// nextText is the lead units' next steps, each with its unit's name.
func nextText(t report.Task) string {
	var parts []string
	for _, ur := range t.Leads {
		if strings.TrimSpace(ur.NextSteps) != "" {
			parts = append(parts, ur.Unit+"："+ur.NextSteps)
		}
	}
	return strings.Join(parts, "\n")
}

// summary writes 总体情况: small tables of the key figures, and below them native charts drawn
// from them, each bar labelled with its figure so that the charts read in black and white.
// It prints on A4 landscape, tables and charts one under the other.
func (w *writer) summary() {
	f, r, sh := w.f, w.r, sheetSummary
	widths := []float64{28, 9, 9, 9, 9, 9, 9, 9, 9, 10}
	total := 0.0
	for i, wd := range widths {
		name, _ := excelize.ColumnNumberToName(i + 1)
		w.check(f.SetColWidth(sh, name, name, wd))
		total += wd
	}
	set := func(cell string, v any, style int) {
		w.check(f.SetCellValue(sh, cell, v))
		if style != 0 {
			w.check(f.SetCellStyle(sh, cell, cell, style))
		}
	}
	cell := func(col, row int) string {
		c, _ := excelize.CoordinatesToCellName(col, row)
		return c
	}
	heights := map[int]float64{} // rows given a height; the others are 15 pt
	height := func(row int, h float64) {
		heights[row] = h
		w.check(f.SetRowHeight(sh, row, h))
	}

	set("A1", title(r)+"落实情况汇总", w.s.Title)
	w.check(f.MergeCell(sh, "A1", "J1"))
	height(1, 48)
	sub := fmt.Sprintf("报送周期：%s　报送截止：%s　统计日期：%s", r.Period.Chinese(), orElse(r.Due, "—"), orElse(r.Date, "—"))
	if r.Plan.DocNumber != "" {
		sub = r.Plan.DocNumber + "　" + sub
	}
	set("A2", sub, w.subtitle)
	w.check(f.MergeCell(sh, "A2", "J2"))
	height(2, 20)

	// The sheet prints on pages of pageRoom points below the repeated title rows: a table or a
	// chart that would not fit in what is left of a page starts the next one, so that none is
	// split and no label is left alone at a page's foot.
	const pageRoom = (210-2*0.7*25.4)*72/25.4 - 48 - 20 - 12
	used := 0.0
	keep := func(at int, h float64) {
		if used+h > pageRoom && used > 0 {
			w.check(f.InsertPageBreak(sh, cell(1, at)))
			used = 0
		}
		used += h
	}
	height(3, 12)
	row := 4
	// table writes a small table at row with a label above it and returns its first data row.
	// A row whose first or second cell is 合计 or a 小计 is set in 黑体.
	table := func(label string, head []string, rows [][]any, kinds []kind) (first int) {
		headLines := 1
		for i, h := range head {
			headLines = max(headLines, xlsx.WrappedLines(h, widths[i]))
		}
		h := 22.0 + xlsx.HeaderHeight(headLines) + 12
		for _, vals := range rows {
			lines := 1
			for i, v := range vals {
				if s, ok := v.(string); ok {
					lines = max(lines, xlsx.WrappedLines(s, widths[i]))
				}
			}
			h += xlsx.RowHeight(lines)
		}
		keep(row, h)
		set(cell(1, row), label, w.label)
		height(row, 22)
		row++
		lines := 1
		for i, h := range head {
			set(cell(i+1, row), h, w.s.Header)
			lines = max(lines, xlsx.WrappedLines(h, widths[i]))
		}
		height(row, xlsx.HeaderHeight(lines))
		row++
		first = row
		for _, vals := range rows {
			lines := 1
			isTotal := false
			for i := 0; i < 2 && i < len(vals); i++ {
				if s, ok := vals[i].(string); ok && (s == "合计" || strings.HasSuffix(s, "小计")) {
					isTotal = true
				}
			}
			for i, v := range vals {
				style := w.styleOf(kinds[i])
				if isTotal {
					style = w.s.Total
					if kinds[i] == kindPct {
						style = w.s.TotalPct
					}
				}
				set(cell(i+1, row), v, style)
				if s, ok := v.(string); ok {
					lines = max(lines, xlsx.WrappedLines(s, widths[i]))
				}
			}
			height(row, xlsx.RowHeight(lines))
			row++
		}
		height(row, 12)
		row++ // a blank row after each table
		return first
	}

	n := len(r.Tasks)
	done := r.Counts[templates.StatusDone]
	overdue := 0
	for _, t := range r.Tasks {
		if t.Overdue {
			overdue++
		}
	}
	subs := map[workbook.State]int{}
	findings := 0
	for _, u := range r.Units {
		subs[u.State]++
		findings += u.Findings
	}
	units := len(r.Units)
	keyFirst := table("一、主要指标", []string{"指标", "数值"}, [][]any{
		{"任务总数", n},
		{"已完成任务", done},
		{"完成率", report.Share(done, n)},
		{"逾期未完成任务", overdue},
		{"应报送单位", units},
		{"报送并通过检查的单位", subs[workbook.OnTime] + subs[workbook.Late]},
		{"检查发现的问题（条）", findings},
	}, []kind{kindText, kindInt})
	// 完成率 is a share: give it the percentage format.
	w.check(f.SetCellStyle(sh, cell(2, keyFirst+2), cell(2, keyFirst+2), w.s.Pct))

	var statusRows [][]any
	for _, s := range report.Statuses {
		statusRows = append(statusRows, []any{s, r.Counts[s], report.Share(r.Counts[s], n)})
	}
	statusRows = append(statusRows, []any{"合计", n, report.Share(n, n)})
	statusFirst := table("二、任务完成状态", []string{"状态", "任务数", "占比"}, statusRows, []kind{kindText, kindInt, kindPct})
	statusLast := statusFirst + len(report.Statuses) - 1

	// 三: every reason for a light, then each light's subtotal: a light is its reasons' sum.
	var lightRows [][]any
	for _, l := range report.Lights {
		for _, rs := range report.ReasonsOf(l) {
			lightRows = append(lightRows, []any{rs.Chinese(), l.Chinese(), r.Reasons[rs], report.Share(r.Reasons[rs], n)})
		}
	}
	for _, l := range report.Lights {
		lightRows = append(lightRows, []any{l.Chinese() + "小计", l.Chinese(), r.Lights[l], report.Share(r.Lights[l], n)})
	}
	lightRows = append(lightRows, []any{"合计", "", n, report.Share(n, n)})
	lightFirst := table("三、红黄绿灯及原因（每项任务按第一个适用的原因计）", []string{"原因", "灯", "任务数", "占比"}, lightRows,
		[]kind{kindText, kindCenter, kindInt, kindPct})
	lightLast := lightFirst + len(report.Reasons) - 1
	w.lightFormats(sh, fmt.Sprintf("B%d:B%d", lightFirst, lightFirst+len(lightRows)-2))

	var subRows [][]any
	for _, s := range workbook.States {
		subRows = append(subRows, []any{s.Chinese(), subs[s], report.Share(subs[s], units)})
	}
	subRows = append(subRows, []any{"合计", units, report.Share(units, units)})
	table("四、单位报送情况", []string{"报送情况", "单位数", "占比"}, subRows, []kind{kindText, kindInt, kindPct})

	// 五: each section with its own number (（一）, or 三、 for a part without sections), which
	// the chart shows.
	secHead := append(append([]string{"部分/章节", "编号", "任务数"}, report.Statuses...), "完成率")
	secKinds := []kind{kindText, kindCenter, kindInt}
	for range report.Statuses {
		secKinds = append(secKinds, kindInt)
	}
	secKinds = append(secKinds, kindPct)
	var secRows [][]any
	for _, s := range r.Sections {
		vals := []any{s.Name, sectionNumber(s.Name), s.Tasks}
		for _, st := range report.Statuses {
			vals = append(vals, s.Counts[st])
		}
		secRows = append(secRows, append(vals, report.Share(s.Done, s.Tasks)))
	}
	secFirst := table("五、各部分完成情况", secHead, secRows, secKinds)
	secLast := secFirst + len(secRows) - 1

	trendHead := []string{"报送周期", "任务数", "已完成", "完成率", "应报送单位", "按时报送", "逾期报送", "未通过检查", "未报送"}
	var trendRows [][]any
	for _, p := range r.Trend {
		trendRows = append(trendRows, []any{p.Label, p.Tasks, p.Counts[templates.StatusDone], p.Completed, p.Units, p.OnTime, p.Late, p.Rejected, p.Missing})
	}
	trendFirst := table("六、各期变化趋势", trendHead, trendRows, []kind{kindText, kindInt, kindInt, kindPct, kindInt, kindInt, kindInt, kindInt, kindInt})
	trendLast := trendFirst + len(trendRows) - 1

	w.check(f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A3", ActiveCell: "A3", Pane: "bottomLeft"}}}))
	w.check(xlsx.SetPage(f, sh, xlsx.Page{Landscape: true, TitleRows: 2, Width: total, HeaderLeft: title(r), HeaderRight: r.Period.Chinese() + " " + sh}))

	// The charts, under the tables, one below the other. Every series points at the tables'
	// cells; every bar carries its figure (a data label), so that no chart relies on colour.
	ref := func(col, from, to int) string {
		a, _ := excelize.CoordinatesToCellName(col, from, true)
		b, _ := excelize.CoordinatesToCellName(col, to, true)
		return "'" + sh + "'!" + a + ":" + b
	}
	name := func(col, row int) string {
		c, _ := excelize.CoordinatesToCellName(col, row, true)
		return "'" + sh + "'!" + c
	}
	title := func(s string) excelize.ChartTitle {
		return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: s, Font: &excelize.Font{Family: xlsx.HeadingFont, Size: 12, Bold: true}}}}
	}
	axisFont := excelize.Font{Family: xlsx.BodyFont, Size: 9, Color: "404040"}
	labels := excelize.ChartPlotArea{ShowVal: true}
	solid := func(c string) excelize.Fill { return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c}} }
	const chartW = 640
	anchor := row + 1 // the row the next chart starts at
	// next returns the first row below a chart of height pixels starting at row from.
	next := func(from int, height uint) int {
		px := 0.0
		for r := from; ; r++ {
			h, ok := heights[r]
			if !ok {
				h = 15
			}
			px += h * 4 / 3
			if px >= float64(height)+16 {
				return r + 1
			}
		}
	}
	add := func(height uint, c *excelize.Chart, combo ...*excelize.Chart) {
		c.Dimension = excelize.ChartDimension{Width: chartW, Height: height}
		c.Format = excelize.GraphicOptions{PrintObject: boolPtr(true), Positioning: "oneCell"}
		end := next(anchor, height)
		h := 0.0
		for r := anchor; r < end; r++ {
			if v, ok := heights[r]; ok {
				h += v
			} else {
				h += 15
			}
		}
		keep(anchor, h)
		w.check(f.AddChart(sh, fmt.Sprintf("A%d", anchor), c, combo...))
		anchor = end
	}
	bars := func(rows int) uint { return uint(max(200, 70+22*rows)) }

	// One colour a chart (excelize colours a bar's points only in a pie): the bars' figures
	// and their categories say what each is.
	add(bars(len(report.Statuses)), &excelize.Chart{
		Type:       excelize.Bar,
		Title:      title("任务完成状态（任务数）"),
		VaryColors: boolPtr(false),
		Series:     []excelize.ChartSeries{{Name: name(2, statusFirst-1), Categories: ref(1, statusFirst, statusLast), Values: ref(2, statusFirst, statusLast), Fill: solid("4A7EBB")}},
		Legend:     excelize.ChartLegend{Position: "none"},
		PlotArea:   labels,
		XAxis:      excelize.ChartAxis{ReverseOrder: true, Font: axisFont},
		YAxis:      excelize.ChartAxis{MajorGridLines: true, Font: axisFont, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0"}},
	})

	add(bars(len(report.Reasons)), &excelize.Chart{
		Type:       excelize.Bar,
		Title:      title("红黄绿灯任务数（按原因，依次为红灯、黄灯、绿灯的原因）"),
		VaryColors: boolPtr(false),
		Series:     []excelize.ChartSeries{{Name: name(3, lightFirst-1), Categories: ref(1, lightFirst, lightLast), Values: ref(3, lightFirst, lightLast), Fill: solid("7F7F7F")}},
		Legend:     excelize.ChartLegend{Position: "none"},
		PlotArea:   labels,
		XAxis:      excelize.ChartAxis{ReverseOrder: true, Font: axisFont},
		YAxis:      excelize.ChartAxis{MajorGridLines: true, Font: axisFont, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0"}},
	})

	if len(secRows) > 0 {
		col := len(secHead)
		zero, one := 0.0, 1.0
		add(bars(len(secRows)), &excelize.Chart{
			Type:       excelize.Bar,
			VaryColors: boolPtr(false),
			Title:      title("各部分任务完成率"),
			Series:     []excelize.ChartSeries{{Name: name(col, secFirst-1), Categories: ref(2, secFirst, secLast), Values: ref(col, secFirst, secLast), Fill: solid("4A7EBB")}},
			Legend:     excelize.ChartLegend{Position: "none"},
			PlotArea:   labels,
			XAxis:      excelize.ChartAxis{ReverseOrder: true, Font: axisFont},
			YAxis:      excelize.ChartAxis{MajorGridLines: true, Font: axisFont, Minimum: &zero, Maximum: &one, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
		})
	}

	if len(trendRows) > 0 {
		one := 1.0
		zero := 0.0
		add(300, &excelize.Chart{
			Type:  excelize.Col,
			Title: title("各期按时报送单位数（柱）与任务完成率（折线）"),
			Series: []excelize.ChartSeries{{Name: name(6, trendFirst-1), Categories: ref(1, trendFirst, trendLast), Values: ref(6, trendFirst, trendLast),
				Fill: solid("9DC3E6")}},
			Legend:   excelize.ChartLegend{Position: "bottom", Font: &axisFont},
			PlotArea: labels,
			XAxis:    excelize.ChartAxis{Font: axisFont},
			YAxis:    excelize.ChartAxis{MajorGridLines: true, Font: axisFont, Minimum: &zero, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0"}},
		}, &excelize.Chart{
			Type: excelize.Line,
			Series: []excelize.ChartSeries{{Name: name(4, trendFirst-1), Categories: ref(1, trendFirst, trendLast), Values: ref(4, trendFirst, trendLast),
				Line:   excelize.LineOptions{Width: 2.25},
				Fill:   solid("1F1F1F"),
				Marker: excelize.ChartMarker{Symbol: "square", Size: 7, Fill: solid("1F1F1F")}}},
			PlotArea: labels,
			YAxis:    excelize.ChartAxis{Secondary: true, Font: axisFont, Minimum: &zero, Maximum: &one, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
		})
	}
}

// sectionNumber is a section's own number, as the plan writes it: （一）, or 三、 for a part
// without sections.
func sectionNumber(name string) string {
	name = strings.TrimSpace(name)
	if strings.HasPrefix(name, "（") || strings.HasPrefix(name, "(") {
		if i := strings.IndexAny(name, "）)"); i > 0 {
			_, n := utf8.DecodeRuneInString(name[i:])
			return name[:i+n]
		}
	}
	if i := strings.Index(name, "、"); i > 0 && i <= 9 {
		return name[:i+len("、")]
	}
	return name
}

func boolPtr(b bool) *bool { return &b }

func orElse(s, otherwise string) string {
	if strings.TrimSpace(s) == "" {
		return otherwise
	}
	return s
}

// lightFormats colours 红灯, 黄灯 and 绿灯 in rangeRef by conditional formatting, so that the
// colour follows the word when someone edits or sorts the sheet.
func (w *writer) lightFormats(sheet, rangeRef string) {
	w.check(w.f.SetConditionalFormat(sheet, rangeRef, []excelize.ConditionalFormatOptions{
		{Type: "cell", Criteria: "==", Value: `"` + report.Red.Chinese() + `"`, Format: &w.red},
		{Type: "cell", Criteria: "==", Value: `"` + report.Yellow.Chinese() + `"`, Format: &w.yellow},
		{Type: "cell", Criteria: "==", Value: `"` + report.Green.Chinese() + `"`, Format: &w.green},
	}))
}

// tasks writes 任务: one row per task, its light coloured by conditional formatting.
func (w *writer) tasks() {
	rows := func(yield func([]any) bool) {
		for _, t := range w.r.Tasks {
			if !yield([]any{t.ID, section(t.Task), t.Text, strings.Join(t.Lead, "、"), t.Deadline.Text, date(t.Deadline.Due),
				t.Status, t.Light.Chinese(), yesNo(t.Overdue), leadText(t), problemsText(t), t.Reason.Chinese()}) {
				return
			}
		}
	}
	w.table(table{sheet: sheetTasks, landscape: true, n: len(w.r.Tasks), rows: rows, cols: []col{
		{"任务编号", 6, kindCenter}, {"所属部分/章节", 12, kindText}, {"任务内容", 30, kindText}, {"牵头单位", 12, kindText},
		{"完成时限", 9, kindCenter}, {"截止日期", 11, kindDate}, {"状态", 9, kindCenter}, {"灯", 6, kindCenter}, {"是否逾期", 5, kindCenter},
		{"牵头单位报告的进展", 30, kindText}, {"存在问题", 18, kindText}, {"原因", 10, kindText},
	}, formats: func(n int) {
		w.lightFormats(sheetTasks, fmt.Sprintf("H2:H%d", n))
		w.check(w.f.SetConditionalFormat(sheetTasks, fmt.Sprintf("I2:I%d", n), []excelize.ConditionalFormatOptions{
			{Type: "cell", Criteria: "==", Value: `"是"`, Format: &w.red},
		}))
	}})
}

// units writes 单位: the units in ranking order.
func (w *writer) units() {
	ranked := w.r.Ranked()
	rows := func(yield func([]any) bool) {
		for i, u := range ranked {
			// The time it was received, as the office's clock showed it (zero: not received).
			received := workbook.OfficeClock(u.Received)
			if !yield([]any{i + 1, u.Name, u.State.Chinese(), received, u.Assigned, u.Reported, u.Done,
				u.Behind, u.Overdue, u.Findings, u.Contact, u.Phone, u.Email}) {
				return
			}
		}
	}
	w.table(table{sheet: sheetUnits, landscape: true, n: len(ranked), rows: rows, cols: []col{
		{"排名", 6, kindInt}, {"单位", 22, kindText}, {"报送情况", 11, kindCenter}, {"收到时间", 17, kindDateTime}, {"分配任务", 8, kindInt},
		{"已报告", 8, kindInt}, {"已完成", 8, kindInt}, {"滞后/未启动", 9, kindInt}, {"逾期未完成", 9, kindInt}, {"检查问题数", 9, kindInt},
		{"联系人", 10, kindText}, {"电话", 15, kindText}, {"邮箱", 24, kindText},
	}, formats: func(n int) {
		w.check(w.f.SetConditionalFormat(sheetUnits, fmt.Sprintf("C2:C%d", n), []excelize.ConditionalFormatOptions{
			{Type: "cell", Criteria: "==", Value: `"` + workbook.Missing.Chinese() + `"`, Format: &w.red},
			{Type: "cell", Criteria: "==", Value: `"` + workbook.Rejected.Chinese() + `"`, Format: &w.red},
			{Type: "cell", Criteria: "==", Value: `"` + workbook.Late.Chinese() + `"`, Format: &w.yellow},
		}))
	}})
}

// reports yields every accepted report on a task: its leads', then its responsible units'.
func reports(t *report.Task) iter.Seq[*report.UnitReport] {
	return func(yield func(*report.UnitReport) bool) {
		for _, urs := range [][]report.UnitReport{t.Leads, t.Responsible} {
			for i := range urs {
				if !yield(&urs[i]) {
					return
				}
			}
		}
	}
}

// detail writes 明细: every unit's report on every task, with the unit's notes on it, the
// 填报日期 its workbook states and the file it came from.
func (w *writer) detail() {
	n := 0
	for i := range w.r.Tasks {
		n += len(w.r.Tasks[i].Leads) + len(w.r.Tasks[i].Responsible)
	}
	rows := func(yield func([]any) bool) {
		row := make([]any, 14)
		for i := range w.r.Tasks {
			t := &w.r.Tasks[i]
			for ur := range reports(t) {
				row[0], row[1], row[2], row[3], row[4], row[5] = t.ID, t.Text, ur.Unit, ur.Role.ChineseName(), ur.Status, ur.Percent
				row[6], row[7], row[8], row[9], row[10] = ur.Progress, ur.Problems, ur.NextSteps, ur.Evidence, ur.Note
				row[11], row[12], row[13] = dateOr(ur.Filled), ur.File, ur.SHA256
				if !yield(row) {
					return
				}
			}
		}
	}
	// The file and its checksum are for the office's screen: they do not print.
	w.table(table{sheet: sheetDetail, landscape: true, freezeCol: true, n: n, rows: rows, printed: 12, cols: []col{
		{"任务编号", 6, kindCenter}, {"任务内容", 18, kindText}, {"单位", 13, kindText}, {"角色", 5, kindCenter}, {"完成状态", 9, kindCenter},
		{"完成进度(%)", 7, kindInt}, {"本期工作进展", 28, kindText}, {"存在问题", 20, kindText}, {"下步计划", 20, kindText},
		{"佐证材料", 12, kindText}, {"备注", 12, kindText}, {"填报日期", 11, kindDate}, {"来源文件", 24, kindCode}, {"SHA-256", 20, kindCode},
	}})
}

// overdue writes 逾期任务: the tasks past their deadline and not done.
func (w *writer) overdue() {
	n := 0
	for _, t := range w.r.Tasks {
		if t.Overdue {
			n++
		}
	}
	rows := func(yield func([]any) bool) {
		for _, t := range w.r.Tasks {
			if t.Overdue && !yield([]any{t.ID, section(t.Task), t.Text, strings.Join(t.Lead, "、"), t.Deadline.Text, date(t.Deadline.Due),
				t.Status, leadText(t), problemsText(t), nextText(t)}) {
				return
			}
		}
	}
	w.table(table{sheet: sheetOverdue, landscape: true, n: n, rows: rows, cols: []col{
		{"任务编号", 6, kindCenter}, {"所属部分/章节", 12, kindText}, {"任务内容", 28, kindText}, {"牵头单位", 12, kindText},
		{"完成时限", 9, kindCenter}, {"截止日期", 11, kindDate}, {"状态", 9, kindCenter},
		{"牵头单位报告的进展", 28, kindText}, {"存在问题", 20, kindText}, {"下步计划", 20, kindText},
	}})
}

// problems writes 存在问题: every problem a unit reported, by task.
func (w *writer) problems() {
	n := 0
	for i := range w.r.Tasks {
		for ur := range reports(&w.r.Tasks[i]) {
			if hasProblems(*ur) {
				n++
			}
		}
	}
	rows := func(yield func([]any) bool) {
		row := make([]any, 7)
		for i := range w.r.Tasks {
			t := &w.r.Tasks[i]
			text := ""
			for ur := range reports(t) {
				if !hasProblems(*ur) {
					continue
				}
				if text == "" {
					text = t.Text
				}
				row[0], row[1], row[2], row[3], row[4], row[5], row[6] = t.ID, text, ur.Unit, ur.Role.ChineseName(), ur.Status, ur.Problems, ur.NextSteps
				if !yield(row) {
					return
				}
			}
		}
	}
	w.table(table{sheet: sheetProblems, landscape: true, n: n, rows: rows, cols: []col{
		{"任务编号", 6, kindCenter}, {"任务内容", 30, kindText}, {"单位", 14, kindText}, {"角色", 5, kindCenter}, {"完成状态", 9, kindCenter},
		{"存在问题", 44, kindText}, {"下步计划", 40, kindText},
	}})
}

// missing writes 未报送单位: the units with no submission, with whom to remind.
func (w *writer) missing() {
	n := 0
	for _, u := range w.r.Units {
		if u.State == workbook.Missing {
			n++
		}
	}
	rows := func(yield func([]any) bool) {
		for _, u := range w.r.Units {
			if u.State == workbook.Missing && !yield([]any{u.Name, u.Assigned, u.Contact, u.Phone, u.Email}) {
				return
			}
		}
	}
	w.table(table{sheet: sheetMissing, n: n, rows: rows, cols: []col{
		{"单位", 26, kindText}, {"分配任务", 9, kindInt}, {"联系人", 12, kindText}, {"电话", 16, kindText}, {"邮箱", 28, kindText},
	}})
}

// latestSubmissions returns the submission that counts for each unit (report.Latest), in
// the order the units' files were received; files whose unit could not be told follow.
func latestSubmissions(r *report.Report) []workbook.Submission {
	var out, unknown []workbook.Submission
	for _, s := range r.Submissions {
		switch {
		case s.Unit == "":
			unknown = append(unknown, s)
		case r.Latest[s.Unit].SHA256 == s.SHA256:
			out = append(out, s)
		}
	}
	return append(out, unknown...)
}

// findings writes 检查问题: what the checks found in each unit's latest workbook, units in
// registry order, then units not in it, then files whose unit could not be told.
func (w *writer) findings() {
	order := map[string]int{}
	for i, u := range w.r.Units {
		order[u.Name] = i
	}
	subs := latestSubmissions(w.r)
	sort.SliceStable(subs, func(i, j int) bool {
		a, b := subs[i], subs[j]
		oa, ka := order[a.Unit]
		ob, kb := order[b.Unit]
		switch {
		case a.Unit == "" || b.Unit == "":
			return a.Unit != "" && b.Unit == ""
		case ka != kb:
			return ka
		case ka:
			return oa < ob
		}
		return a.Unit < b.Unit
	})
	n := 0
	for _, s := range subs {
		n += len(s.Findings)
	}
	rows := func(yield func([]any) bool) {
		for _, s := range subs {
			unit := s.Unit
			if unit == "" {
				unit = "（未识别单位）"
			}
			for _, fd := range s.Findings {
				if !yield([]any{unit, s.Name, fd.Severity.Chinese(), fd.Rule.Label(), fd.Sheet, fd.Cell, fd.Task, fd.Message, fd.Hint}) {
					return
				}
			}
		}
	}
	w.table(table{sheet: sheetFindings, landscape: true, n: n, rows: rows, cols: []col{
		{"单位", 14, kindText}, {"文件", 20, kindText}, {"严重程度", 8, kindCenter}, {"规则", 14, kindText}, {"工作表", 8, kindText},
		{"单元格", 6, kindCenter}, {"任务编号", 6, kindCenter}, {"问题", 36, kindText}, {"修改建议", 30, kindText},
	}, formats: func(n int) {
		w.check(w.f.SetConditionalFormat(sheetFindings, fmt.Sprintf("C2:C%d", n), []excelize.ConditionalFormatOptions{
			{Type: "cell", Criteria: "==", Value: `"` + plan.Error.Chinese() + `"`, Format: &w.red},
			{Type: "cell", Criteria: "==", Value: `"` + plan.Warning.Chinese() + `"`, Format: &w.yellow},
		}))
	}})
}

// sortedZip writes the workbook's zip so that the same report gives the same bytes. excelize
// writes the streamed sheets in the random order of a map: every part is compressed as it
// comes into a spool, and the parts are added to the zip at the end, in the order of their
// names ([Content_Types].xml, _rels, docProps, xl), already compressed.
type sortedZip struct {
	w          io.Writer
	spool      spool
	parts      []*part
	cur        *part
	compressor *flate.Writer // reused from part to part
	err        error
	// rows writes, by part, the rows of a sheet that excelize writes empty: its XML is held
	// (held) and the rows put into it when the part ends.
	rows map[string]func(*xlsx.RowWriter) error
	held *bytes.Buffer
}

// part is one part of the zip, compressed in the spool at [off, off+size).
type part struct {
	name      string
	off, size int64
	crc       hash.Hash32
	plain     int64
}

func newSortedZip(w io.Writer, rows map[string]func(*xlsx.RowWriter) error) *sortedZip {
	return &sortedZip{w: w, rows: rows}
}

func (z *sortedZip) Create(name string) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	if z.compressor == nil {
		// Level 5 is what archive/zip compresses with (here in klauspost/compress's faster
		// deflate, as xlsx.NewZip). The fastest level was tried: at 10,000 units it saved 1 to
		// 3 of the report's 24 seconds and made the workbook 116 MB instead of 82.
		z.compressor, z.err = flate.NewWriter(&z.spool, 5)
		if z.err != nil {
			return nil, z.err
		}
	} else {
		z.compressor.Reset(&z.spool)
	}
	z.cur = &part{name: name, off: z.spool.size, crc: crc32.NewIEEE()}
	z.parts = append(z.parts, z.cur)
	if z.rows[name] != nil {
		z.held = new(bytes.Buffer)
	}
	return z, nil
}

// Write adds to the current part.
func (z *sortedZip) Write(p []byte) (int, error) {
	if z.held != nil {
		return z.held.Write(p)
	}
	return z.add(p)
}

// add compresses p into the current part.
func (z *sortedZip) add(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	z.cur.crc.Write(p)
	z.cur.plain += int64(len(p))
	n, err := z.compressor.Write(p)
	if err != nil {
		z.err = err
	}
	return n, err
}

// finish ends the current part's compressed data.
func (z *sortedZip) finish() error {
	if z.err != nil || z.cur == nil {
		return z.err
	}
	if z.held != nil {
		z.err = z.fill()
		if z.err != nil {
			return z.err
		}
	}
	if z.err = z.compressor.Close(); z.err != nil {
		return z.err
	}
	z.cur.size = z.spool.size - z.cur.off
	z.cur = nil
	return nil
}

// fill writes the held sheet's XML with its rows in place of its empty sheetData.
func (z *sortedZip) fill() error {
	text := z.held.String()
	z.held = nil
	write := z.rows[z.cur.name]
	delete(z.rows, z.cur.name)
	start, end, ok := xlsx.EmptySheetData(text)
	if !ok {
		return fmt.Errorf("%s：工作表的结构与预期不同（没有空的 sheetData）", z.cur.name)
	}
	bw := bufio.NewWriterSize(writerFunc(z.add), 64<<10)
	bw.WriteString(text[:start])
	bw.WriteString("<sheetData>")
	if err := write(xlsx.NewRowWriter(bw)); err != nil {
		return err
	}
	bw.WriteString("</sheetData>")
	bw.WriteString(text[end:])
	return bw.Flush()
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func (z *sortedZip) AddFS(fs.FS) error { return errors.New("sortedZip: AddFS is not supported") }

// Close writes the zip: its parts in the order of their names.
func (z *sortedZip) Close() error {
	defer z.spool.close()
	if err := z.finish(); err != nil {
		return err
	}
	for name := range z.rows {
		return fmt.Errorf("%s：工作簿中没有这个工作表，其行未写入", name)
	}
	sort.SliceStable(z.parts, func(i, j int) bool { return z.parts[i].name < z.parts[j].name })
	zw := zip.NewWriter(z.w)
	for _, p := range z.parts {
		out, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: p.crc.Sum32(),
			CompressedSize64: uint64(p.size), UncompressedSize64: uint64(p.plain)})
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, z.spool.section(p.off, p.size)); err != nil {
			return err
		}
	}
	return zw.Close()
}

// spoolMemory is how much of the compressed workbook is kept in memory before it goes to a
// temporary file: the workbook of 1,000 units stays in memory, that of 10,000 does not. (A
// variable for the tests.)
var spoolMemory = 16 << 20

// spool holds the compressed parts: in memory, then, past spoolMemory, in a temporary
// file.
type spool struct {
	mem  bytes.Buffer
	file *os.File
	size int64
}

func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && s.mem.Len()+len(p) > spoolMemory {
		f, err := os.CreateTemp("", "planreport-xlsx-*")
		if err != nil {
			return 0, err
		}
		// Where the system allows it (not Windows), the file's name goes at once: nothing is
		// left behind if the process is killed. Elsewhere close removes it.
		os.Remove(f.Name())
		if _, err := f.Write(s.mem.Bytes()); err != nil {
			f.Close()
			os.Remove(f.Name())
			return 0, err
		}
		s.mem = bytes.Buffer{}
		s.file = f
	}
	var n int
	var err error
	if s.file != nil {
		n, err = s.file.Write(p)
	} else {
		n, err = s.mem.Write(p)
	}
	s.size += int64(n)
	return n, err
}

// section returns the spool's bytes [off, off+n).
func (s *spool) section(off, n int64) io.Reader {
	if s.file == nil {
		return bytes.NewReader(s.mem.Bytes()[off : off+n])
	}
	return io.NewSectionReader(s.file, off, n)
}

func (s *spool) close() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name()) // where it was not removed at once
	}
	s.mem = bytes.Buffer{}
}
