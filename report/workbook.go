package report

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"iter"
	"math"
	"os"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"planreport/internal/atomicfile"
	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
)

// The consolidated workbook's sheets.
const (
	wbSheetSummary  = "总体情况"
	wbSheetTasks    = "任务"
	wbSheetUnits    = "单位"
	wbSheetDetail   = "明细"
	wbSheetOverdue  = "逾期任务"
	wbSheetProblems = "存在问题"
	wbSheetMissing  = "未报送单位"
	wbSheetFindings = "检查问题"
)

// WorkbookSheets are the consolidated workbook's sheet names, in order.
var WorkbookSheets = []string{wbSheetSummary, wbSheetTasks, wbSheetUnits, wbSheetDetail, wbSheetOverdue, wbSheetProblems, wbSheetMissing, wbSheetFindings}

// WriteWorkbook writes the consolidated workbook for office staff to path, atomically: a
// summary with native charts, one sheet per table, every table with a frozen, filterable
// header row and A4 print set-up. Text that came from units is always written as a string
// cell, never as a formula: a progress text typed as =HYPERLINK(…) shows as typed. The same
// Report gives the same workbook contents: no clock time is written.
func (r *Report) WriteWorkbook(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	w := &wbWriter{f: f, r: r}
	w.styles()
	w.check(f.SetSheetName("Sheet1", wbSheetSummary))
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
		Title:          wbTitle(r) + " " + r.Period.Chinese() + "落实情况汇总",
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
		f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return newWbSortedZip(out) })
		buf, err := f.WriteToBuffer()
		if err == nil && buf.Len() > 0 {
			err = errors.New("excelize wrote past the zip writer")
		}
		return err
	})
}

// wbWriter writes the consolidated workbook. Its identifiers start with wb so that they do
// not meet the PDF writer's in this package.
type wbWriter struct {
	f   *excelize.File
	r   *Report
	err error

	header, text, center, code, num, pct, title, subtitle, label, total, totalPct int
	red, yellow, green                                                            int // conditional formats
}

func (w *wbWriter) check(err error) {
	if w.err == nil && err != nil {
		w.err = err
	}
}

func (w *wbWriter) styles() {
	border := []excelize.Border{{Type: "left", Color: "808080", Style: 1}, {Type: "right", Color: "808080", Style: 1},
		{Type: "top", Color: "808080", Style: 1}, {Type: "bottom", Color: "808080", Style: 1}}
	font := &excelize.Font{Family: "宋体", Size: 10}
	style := func(s *excelize.Style) int {
		id, err := w.f.NewStyle(s)
		w.check(err)
		return id
	}
	w.header = style(&excelize.Style{
		Font:      &excelize.Font{Family: "黑体", Size: 10, Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    border,
	})
	// 49 is the text format: a task id such as 1.10 or a unit's "+1" stays as written even
	// when someone edits the cell.
	w.text = style(&excelize.Style{Font: font, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}, Border: border, NumFmt: 49})
	w.center = style(&excelize.Style{Font: font, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}, Border: border, NumFmt: 49})
	w.code = style(&excelize.Style{Font: font, Alignment: &excelize.Alignment{Vertical: "top"}, Border: border, NumFmt: 49})
	w.num = style(&excelize.Style{Font: font, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top"}, Border: border, NumFmt: 1})
	w.pct = style(&excelize.Style{Font: font, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top"}, Border: border, CustomNumFmt: wbStr("0.0%")})
	w.total = style(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 10, Bold: true}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}, Border: border, NumFmt: 1})
	w.totalPct = style(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 10, Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}, Border: border, CustomNumFmt: wbStr("0.0%")})
	w.title = style(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 16, Bold: true},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	w.subtitle = style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	w.label = style(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 12, Bold: true}, Alignment: &excelize.Alignment{Vertical: "center"}})
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

func wbStr(s string) *string { return &s }

// wbTitle is the plan's title as the page header and properties show it.
func wbTitle(r *Report) string {
	if t := strings.TrimSpace(r.Plan.Title); t != "" {
		return "《" + strings.Trim(t, "《》") + "》"
	}
	return "行动计划"
}

// wbKind says how a column's values are written and styled.
type wbKind int

const (
	wbText   wbKind = iota // a string, wrapped
	wbCenter               // a short string, centred
	wbInt                  // a whole number
	wbPct                  // a share, 0–1, shown as a percentage
	wbCode                 // a long code such as a SHA-256: not wrapped, so that it does not make rows tall
)

// wbCol is one table column.
type wbCol struct {
	head  string
	width float64
	kind  wbKind
}

// wbTable is one sheet holding one table with its header in row 1.
type wbTable struct {
	sheet string
	cols  []wbCol
	// n is how many rows rows yields: the filter's range and the conditional formats are
	// set before the rows are streamed.
	n int
	// rows yields the table's rows in order. The slice it yields may be reused for the next
	// row.
	rows      iter.Seq[[]any]
	landscape bool
	freezeCol bool // freeze the first column too
	// formats, when set, adds the table's conditional formats; last is the table's last row.
	// It is called only when the table has rows.
	formats func(last int)
}

// wbCutNote ends a text cut at the cell's limit.
const wbCutNote = "……（超过单元格上限 32767 字，以下从略，全文见「" + wbSheetDetail + "」表）"

// wbCutText cuts s to the cell's limit with wbCutNote, as cutText does, but counting as Excel
// and excelize do, in UTF-16 units: an emoji or a rare character outside the BMP is two.
// excelize would cut a longer text silently, the note with it.
func wbCutText(s string) string {
	if len(s) <= MaxCellChars { // no more UTF-16 units than bytes
		return s
	}
	units := 0
	for _, r := range s {
		units += utf16.RuneLen(r)
	}
	if units <= MaxCellChars {
		return s
	}
	budget := MaxCellChars - utf8.RuneCountInString(wbCutNote) // the note is all in the BMP
	units = 0
	for i, r := range s {
		if units+utf16.RuneLen(r) > budget {
			return s[:i] + wbCutNote
		}
		units += utf16.RuneLen(r)
	}
	return s
}

// table writes a sheet holding one table: a styled header row, frozen and filterable, that is
// repeated on every printed page; column widths; row heights that fit the wrapped text; and
// the page set-up. The rows are streamed to the file as they come (the detail of 10,000 units
// is 730,000 rows): the sheet's settings are made first, then its rows are written one by one
// and are not kept. It returns the table's last row.
func (w *wbWriter) table(t wbTable) int {
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
	orientation := "portrait"
	if t.landscape {
		orientation = "landscape"
	}
	w.pageSetup(t.sheet, orientation)
	w.check(f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + t.sheet + "'!$1:$1", Scope: t.sheet}))
	if t.formats != nil && n > 1 {
		t.formats(n)
	}
	if w.err != nil {
		return n
	}

	sw, err := f.NewStreamWriter(t.sheet)
	if err != nil {
		w.check(err)
		return n
	}
	styles := make([]int, len(t.cols))
	for i, c := range t.cols {
		switch c.kind {
		case wbCenter:
			styles[i] = w.center
		case wbInt:
			styles[i] = w.num
		case wbPct:
			styles[i] = w.pct
		case wbCode:
			styles[i] = w.code
		default:
			styles[i] = w.text
		}
	}
	cells := make([]any, len(t.cols))
	head := make([]excelize.Cell, len(t.cols))
	for i, c := range t.cols {
		head[i] = excelize.Cell{StyleID: w.header, Value: c.head}
		cells[i] = &head[i]
	}
	w.check(sw.SetRow("A1", cells, excelize.RowOpts{Height: float64(wbHeaderLines(t.cols))*13.5 + 6}))
	row := make([]excelize.Cell, len(t.cols))
	for i := range row {
		cells[i] = &row[i]
	}
	r := 1
	for values := range t.rows {
		if w.err != nil {
			break
		}
		r++
		lines := 1
		for j := range row {
			var v any
			if j < len(values) {
				v = values[j]
			}
			if s, ok := v.(string); ok {
				// A cell joining units' names to their texts may pass the cell's limit;
				// excelize would cut it silently.
				s = wbCutText(s)
				v = s
				if t.cols[j].kind != wbCode {
					lines = max(lines, wbLines(s, t.cols[j].width))
				}
			}
			row[j] = excelize.Cell{StyleID: styles[j], Value: v}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		w.check(sw.SetRow(cell, cells, excelize.RowOpts{Height: math.Min(409, float64(lines)*13.5+4)}))
	}
	if w.err == nil && r != n {
		w.check(fmt.Errorf("「%s」表：应有 %d 行，写了 %d 行", t.sheet, n-1, r-1))
	}
	w.check(sw.Flush())
	return n
}

// pageSetup sets A4, fit to the page's width, margins, and the page header and footer.
func (w *wbWriter) pageSetup(sheet, orientation string) {
	f, r := w.f, w.r
	size, one, zero := 9, 1, 0 // 9: A4
	w.check(f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orientation, FitToWidth: &one, FitToHeight: &zero}))
	fit := true
	w.check(f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}))
	m, top := 0.4, 0.7
	w.check(f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &top, Bottom: &top, Header: &m, Footer: &m}))
	w.check(f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&L" + wbHeaderText(wbTitle(r), 100) + "&R" + wbHeaderText(r.Period.Chinese()+" "+sheet, 40),
		OddFooter: "&C第 &P 页 共 &N 页",
	}))
}

// wbHeaderText escapes & for a page header and keeps it short: Excel refuses a header of more
// than 255 characters.
func wbHeaderText(s string, n int) string {
	if rs := []rune(s); len(rs) > n {
		s = string(rs[:n-1]) + "…"
	}
	return strings.ReplaceAll(s, "&", "&&")
}

// wbLines estimates how many lines text takes in a column of the given width (in character
// units) at 10 pt: a Chinese character is about two units wide. Clients do not grow rows to
// fit wrapped text on their own.
func wbLines(text string, width float64) int {
	lines := 0
	for {
		// One paragraph at a time, without splitting the text: this runs for every cell of
		// the detail.
		para, rest, more := strings.Cut(text, "\n")
		units := 0.0
		for _, r := range para {
			if r < 0x2E80 {
				units += 0.9
			} else {
				units += 1.75
			}
		}
		lines += max(1, int(math.Ceil(units/math.Max(1, width-1))))
		if !more {
			return lines
		}
		text = rest
	}
}

func wbHeaderLines(cols []wbCol) int {
	lines := 1
	for _, c := range cols {
		lines = max(lines, wbLines(c.head, c.width))
	}
	return lines
}

// wbShort cuts text to n characters, marking the cut.
func wbShort(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if rs := []rune(text); len(rs) > n {
		return string(rs[:n-1]) + "…"
	}
	return text
}

// wbHasProblems reports whether a unit reported a problem, as Consolidate decides it.
func wbHasProblems(ur UnitReport) bool {
	return strings.TrimSpace(ur.Problems) != "" && ur.Problems != "无"
}

// wbSection is a task's section as the tables show it: its section, else its part.
func wbSection(t plan.Task) string {
	if t.Section != "" {
		return t.Section
	}
	return t.Part
}

func wbYesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// wbLeadText is the lead units' progress, each with its unit's name; leads that did not
// report are named as such.
func wbLeadText(t Task) string {
	var parts []string
	for _, ur := range t.Leads {
		parts = append(parts, ur.Unit+"："+ur.Progress)
	}
	for _, u := range t.MissingLeads {
		parts = append(parts, u+"：未报送")
	}
	return strings.Join(parts, "\n")
}

// wbProblemsText is the problems the lead units reported on a task, each with its unit's
// name, and how many responsible units reported problems too (the 存在问题 sheet lists them:
// a task with twenty responsible units would otherwise fill a page).
func wbProblemsText(t Task) string {
	var parts []string
	for _, ur := range t.Leads {
		if wbHasProblems(ur) {
			parts = append(parts, ur.Unit+"："+ur.Problems)
		}
	}
	n := 0
	for _, ur := range t.Responsible {
		if wbHasProblems(ur) {
			n++
		}
	}
	if n > 0 {
		parts = append(parts, fmt.Sprintf("另有 %d 个责任单位报告了问题，见「%s」表", n, wbSheetProblems))
	}
	return strings.Join(parts, "\n")
}

// wbNextText is the lead units' next steps, each with its unit's name.
func wbNextText(t Task) string {
	var parts []string
	for _, ur := range t.Leads {
		if strings.TrimSpace(ur.NextSteps) != "" {
			parts = append(parts, ur.Unit+"："+ur.NextSteps)
		}
	}
	return strings.Join(parts, "\n")
}

// summary writes 总体情况: small tables of the key figures and native charts drawn from them.
func (w *wbWriter) summary() {
	f, r, sh := w.f, w.r, wbSheetSummary
	widths := []float64{26, 9, 9, 9, 9, 9, 9, 9, 9, 16}
	for i, wd := range widths {
		name, _ := excelize.ColumnNumberToName(i + 1)
		w.check(f.SetColWidth(sh, name, name, wd))
	}
	w.check(f.SetColWidth(sh, "K", "K", 2))
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

	set("A1", wbTitle(r)+"落实情况汇总", w.title)
	w.check(f.MergeCell(sh, "A1", "J1"))
	height(1, 48)
	sub := fmt.Sprintf("报送周期：%s　报送截止：%s　统计日期：%s", r.Period.Chinese(), wbOr(r.Due, "—"), wbOr(r.Date, "—"))
	if r.Plan.DocNumber != "" {
		sub = r.Plan.DocNumber + "　" + sub
	}
	set("A2", sub, w.subtitle)
	w.check(f.MergeCell(sh, "A2", "J2"))
	height(2, 20)

	row := 4
	// table writes a small table at row with a label above it and returns its first data row.
	table := func(label string, head []string, rows [][]any, kinds []wbKind) (first int) {
		set(cell(1, row), label, w.label)
		height(row, 22)
		row++
		for i, h := range head {
			set(cell(i+1, row), h, w.header)
		}
		lines := 1
		for i, h := range head {
			lines = max(lines, wbLines(h, widths[i]))
		}
		height(row, float64(lines)*13.5+6)
		row++
		first = row
		for _, vals := range rows {
			lines := 1
			for i, v := range vals {
				style := w.num
				switch kinds[i] {
				case wbText:
					style = w.text
				case wbPct:
					style = w.pct
				}
				if s, ok := v.(string); ok && i == 0 && (s == "合计" || s == "小计") {
					style = w.total
				}
				set(cell(i+1, row), v, style)
				if s, ok := v.(string); ok {
					lines = max(lines, wbLines(s, widths[i]))
				}
			}
			if lines > 1 {
				height(row, float64(lines)*13.5+4)
			}
			row++
		}
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
	subs := map[string]int{}
	findings := 0
	for _, u := range r.Units {
		subs[u.Submission]++
		findings += u.Findings
	}
	units := len(r.Units)
	keyFirst := table("一、主要指标", []string{"指标", "数值"}, [][]any{
		{"任务总数", n},
		{"已完成任务", done},
		{"完成率", wbShare(done, n)},
		{"逾期未完成任务", overdue},
		{"应报送单位", units},
		{"报送并通过检查的单位", subs["on_time"] + subs["late"]},
		{"检查发现的问题（条）", findings},
	}, []wbKind{wbText, wbInt})
	// 完成率 is a share: give it the percentage format.
	w.check(f.SetCellStyle(sh, cell(2, keyFirst+2), cell(2, keyFirst+2), w.pct))

	var statusRows [][]any
	for _, s := range Statuses {
		statusRows = append(statusRows, []any{s, r.Counts[s], wbShare(r.Counts[s], n)})
	}
	statusRows = append(statusRows, []any{"合计", n, wbShare(n, n)})
	statusFirst := table("二、任务完成状态", []string{"状态", "任务数", "占比"}, statusRows, []wbKind{wbText, wbInt, wbPct})
	statusLast := statusFirst + len(Statuses) - 1
	w.check(f.SetCellStyle(sh, cell(2, statusLast+1), cell(2, statusLast+1), w.total))
	w.check(f.SetCellStyle(sh, cell(3, statusLast+1), cell(3, statusLast+1), w.totalPct))

	var lightRows [][]any
	for _, l := range []Light{Red, Yellow, Green} {
		lightRows = append(lightRows, []any{l.Chinese(), r.Lights[l], wbShare(r.Lights[l], n)})
	}
	lightRows = append(lightRows, []any{"合计", n, wbShare(n, n)})
	lightFirst := table("三、红黄绿灯", []string{"灯", "任务数", "占比"}, lightRows, []wbKind{wbText, wbInt, wbPct})
	w.check(f.SetCellStyle(sh, cell(2, lightFirst+3), cell(2, lightFirst+3), w.total))
	w.check(f.SetCellStyle(sh, cell(3, lightFirst+3), cell(3, lightFirst+3), w.totalPct))
	w.lightFormats(sh, fmt.Sprintf("A%d:A%d", lightFirst, lightFirst+2))

	var subRows [][]any
	for _, s := range []string{"on_time", "late", "rejected", "missing"} {
		subRows = append(subRows, []any{SubmissionChinese(s), subs[s], wbShare(subs[s], units)})
	}
	subRows = append(subRows, []any{"合计", units, wbShare(units, units)})
	subFirst := table("四、单位报送情况", []string{"报送情况", "单位数", "占比"}, subRows, []wbKind{wbText, wbInt, wbPct})
	w.check(f.SetCellStyle(sh, cell(2, subFirst+4), cell(2, subFirst+4), w.total))
	w.check(f.SetCellStyle(sh, cell(3, subFirst+4), cell(3, subFirst+4), w.totalPct))

	secHead := append(append([]string{"部分/章节", "任务数"}, Statuses...), "完成率", "图表标签")
	secKinds := []wbKind{wbText, wbInt}
	for range Statuses {
		secKinds = append(secKinds, wbInt)
	}
	secKinds = append(secKinds, wbPct, wbText)
	var secRows [][]any
	for _, s := range r.Sections {
		vals := []any{s.Name, s.Tasks}
		for _, st := range Statuses {
			vals = append(vals, s.Counts[st])
		}
		secRows = append(secRows, append(vals, wbShare(s.Done, s.Tasks), wbShort(s.Name, 12)))
	}
	secFirst := table("五、各部分完成情况", secHead, secRows, secKinds)
	secLast := secFirst + len(secRows) - 1

	trendHead := []string{"报送周期", "任务数", "已完成", "完成率", "应报送单位", "按时报送", "逾期报送", "未通过检查", "未报送"}
	var trendRows [][]any
	for _, p := range r.Trend {
		trendRows = append(trendRows, []any{p.Label, p.Tasks, p.Counts[templates.StatusDone], p.Completed, p.Units, p.OnTime, p.Late, p.Rejected, p.Missing})
	}
	trendFirst := table("六、各期变化趋势", trendHead, trendRows, []wbKind{wbText, wbInt, wbInt, wbPct, wbInt, wbInt, wbInt, wbInt, wbInt})
	trendLast := trendFirst + len(trendRows) - 1

	w.check(f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A3", ActiveCell: "A3", Pane: "bottomLeft"}}}))
	w.pageSetup(sh, "landscape")
	w.check(f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sh + "'!$1:$2", Scope: sh}))

	// The charts, beside the tables in column L onwards, one below the other. Every series
	// points at the tables' cells.
	ref := func(col, from, to int) string {
		a, _ := excelize.CoordinatesToCellName(col, from, true)
		b, _ := excelize.CoordinatesToCellName(col, to, true)
		return "'" + sh + "'!" + a + ":" + b
	}
	title := func(s string) excelize.ChartTitle {
		return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: s, Font: &excelize.Font{Family: "黑体", Size: 12, Bold: true}}}}
	}
	axisFont := excelize.Font{Family: "宋体", Size: 9, Color: "404040"}
	statusColors := map[string]string{templates.StatusDone: "2E9E4F", templates.StatusOnTrack: "4A7EBB", templates.StatusOngoing: "8DB4E2",
		templates.StatusBehind: "D9534F", templates.StatusNotBegun: "F0AD4E", NotReported: "A6A6A6"}
	const chartW, chartH = 640, 330
	anchor := 4 // the row the next chart starts at
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
		c.Format = excelize.GraphicOptions{PrintObject: wbBool(true), Positioning: "oneCell"}
		w.check(f.AddChart(sh, fmt.Sprintf("L%d", anchor), c, combo...))
		anchor = next(anchor, height)
	}

	var pts []excelize.ChartDataPoint
	for i, s := range Statuses {
		pts = append(pts, excelize.ChartDataPoint{Index: i, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{statusColors[s]}}})
	}
	add(chartH, &excelize.Chart{
		Type:     excelize.Pie,
		Title:    title("任务完成状态分布"),
		Series:   []excelize.ChartSeries{{Name: "'" + sh + "'!$B$" + fmt.Sprint(statusFirst-1), Categories: ref(1, statusFirst, statusLast), Values: ref(2, statusFirst, statusLast), DataPoint: pts}},
		Legend:   excelize.ChartLegend{Position: "right", Font: &axisFont},
		PlotArea: excelize.ChartPlotArea{ShowVal: true, ShowPercent: false},
	})

	if len(secRows) > 0 {
		var series []excelize.ChartSeries
		for i, s := range Statuses {
			col := 3 + i
			name, _ := excelize.CoordinatesToCellName(col, secFirst-1, true)
			series = append(series, excelize.ChartSeries{Name: "'" + sh + "'!" + name, Categories: ref(10, secFirst, secLast), Values: ref(col, secFirst, secLast),
				Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{statusColors[s]}}})
		}
		// A bar for each section: the chart grows with the plan.
		add(max(chartH, uint(90+26*len(secRows))), &excelize.Chart{
			Type:   excelize.BarStacked,
			Title:  title("各部分任务完成情况（任务数）"),
			Series: series,
			Legend: excelize.ChartLegend{Position: "bottom", Font: &axisFont},
			XAxis:  excelize.ChartAxis{ReverseOrder: true, Font: axisFont},
			YAxis:  excelize.ChartAxis{MajorGridLines: true, Font: axisFont, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0"}},
		})
	}

	if len(trendRows) > 0 {
		name := func(col int) string {
			c, _ := excelize.CoordinatesToCellName(col, trendFirst-1, true)
			return "'" + sh + "'!" + c
		}
		one := 1.0
		zero := 0.0
		add(chartH, &excelize.Chart{
			Type:  excelize.Col,
			Title: title("各期按时报送单位数与完成率"),
			Series: []excelize.ChartSeries{{Name: name(6), Categories: ref(1, trendFirst, trendLast), Values: ref(6, trendFirst, trendLast),
				Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"4A7EBB"}}}},
			Legend: excelize.ChartLegend{Position: "bottom", Font: &axisFont},
			XAxis:  excelize.ChartAxis{Font: axisFont},
			YAxis:  excelize.ChartAxis{MajorGridLines: true, Font: axisFont, Minimum: &zero, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0"}},
		}, &excelize.Chart{
			Type: excelize.Line,
			Series: []excelize.ChartSeries{{Name: name(4), Categories: ref(1, trendFirst, trendLast), Values: ref(4, trendFirst, trendLast),
				Line:   excelize.LineOptions{Width: 2.25},
				Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"2E9E4F"}},
				Marker: excelize.ChartMarker{Symbol: "circle", Size: 7, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"2E9E4F"}}}}},
			YAxis: excelize.ChartAxis{Secondary: true, Font: axisFont, Minimum: &zero, Maximum: &one, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
		})
	}
}

func wbBool(b bool) *bool { return &b }

func wbOr(s, otherwise string) string {
	if strings.TrimSpace(s) == "" {
		return otherwise
	}
	return s
}

// wbShare is n of total as a share, 0 when total is 0.
func wbShare(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(n) / float64(total)
}

// lightFormats colours 红灯, 黄灯 and 绿灯 in rangeRef by conditional formatting, so that the
// colour follows the word when someone edits or sorts the sheet.
func (w *wbWriter) lightFormats(sheet, rangeRef string) {
	w.check(w.f.SetConditionalFormat(sheet, rangeRef, []excelize.ConditionalFormatOptions{
		{Type: "cell", Criteria: "==", Value: `"` + Red.Chinese() + `"`, Format: &w.red},
		{Type: "cell", Criteria: "==", Value: `"` + Yellow.Chinese() + `"`, Format: &w.yellow},
		{Type: "cell", Criteria: "==", Value: `"` + Green.Chinese() + `"`, Format: &w.green},
	}))
}

// tasks writes 任务: one row per task, its light coloured by conditional formatting.
func (w *wbWriter) tasks() {
	rows := func(yield func([]any) bool) {
		for _, t := range w.r.Tasks {
			if !yield([]any{t.ID, wbSection(t.Task), t.Text, strings.Join(t.Lead, "、"), t.Deadline.Text, t.Deadline.Due,
				t.Status, t.Light.Chinese(), wbYesNo(t.Overdue), wbLeadText(t), wbProblemsText(t), t.Why}) {
				return
			}
		}
	}
	w.table(wbTable{sheet: wbSheetTasks, landscape: true, n: len(w.r.Tasks), rows: rows, cols: []wbCol{
		{"任务编号", 7, wbCenter}, {"所属部分/章节", 16, wbText}, {"任务内容", 40, wbText}, {"牵头单位", 14, wbText},
		{"完成时限", 10, wbCenter}, {"截止日期", 11, wbCenter}, {"状态", 9, wbCenter}, {"灯", 7, wbCenter}, {"是否逾期", 6, wbCenter},
		{"牵头单位报告的进展", 40, wbText}, {"存在问题", 26, wbText}, {"原因", 12, wbText},
	}, formats: func(n int) {
		w.lightFormats(wbSheetTasks, fmt.Sprintf("H2:H%d", n))
		w.check(w.f.SetConditionalFormat(wbSheetTasks, fmt.Sprintf("I2:I%d", n), []excelize.ConditionalFormatOptions{
			{Type: "cell", Criteria: "==", Value: `"是"`, Format: &w.red},
		}))
	}})
}

// units writes 单位: the units in ranking order.
func (w *wbWriter) units() {
	ranked := w.r.Ranked()
	rows := func(yield func([]any) bool) {
		for i, u := range ranked {
			received := ""
			if !u.Received.IsZero() {
				received = u.Received.Format("2006-01-02 15:04")
			}
			if !yield([]any{i + 1, u.Name, SubmissionChinese(u.Submission), received, u.Assigned, u.Reported, u.Done,
				u.Behind, u.Overdue, u.Findings, u.Contact, u.Phone, u.Email}) {
				return
			}
		}
	}
	w.table(wbTable{sheet: wbSheetUnits, landscape: true, n: len(ranked), rows: rows, cols: []wbCol{
		{"排名", 6, wbInt}, {"单位", 22, wbText}, {"报送情况", 11, wbCenter}, {"收到时间", 17, wbCenter}, {"分配任务", 8, wbInt},
		{"已报告", 8, wbInt}, {"已完成", 8, wbInt}, {"滞后/未启动", 9, wbInt}, {"逾期未完成", 9, wbInt}, {"检查问题数", 9, wbInt},
		{"联系人", 10, wbText}, {"电话", 15, wbText}, {"邮箱", 24, wbText},
	}, formats: func(n int) {
		w.check(w.f.SetConditionalFormat(wbSheetUnits, fmt.Sprintf("C2:C%d", n), []excelize.ConditionalFormatOptions{
			{Type: "cell", Criteria: "==", Value: `"` + SubmissionChinese("missing") + `"`, Format: &w.red},
			{Type: "cell", Criteria: "==", Value: `"` + SubmissionChinese("rejected") + `"`, Format: &w.red},
			{Type: "cell", Criteria: "==", Value: `"` + SubmissionChinese("late") + `"`, Format: &w.yellow},
		}))
	}})
}

// wbReports yields every accepted report on a task: its leads', then its responsible units'.
func wbReports(t *Task) iter.Seq[*UnitReport] {
	return func(yield func(*UnitReport) bool) {
		for _, urs := range [][]UnitReport{t.Leads, t.Responsible} {
			for i := range urs {
				if !yield(&urs[i]) {
					return
				}
			}
		}
	}
}

// detail writes 明细: every unit's report on every task, with the file it came from.
func (w *wbWriter) detail() {
	n := 0
	for i := range w.r.Tasks {
		n += len(w.r.Tasks[i].Leads) + len(w.r.Tasks[i].Responsible)
	}
	rows := func(yield func([]any) bool) {
		row := make([]any, 12)
		for i := range w.r.Tasks {
			t := &w.r.Tasks[i]
			short := wbShort(t.Text, 30)
			for ur := range wbReports(t) {
				row[0], row[1], row[2], row[3], row[4], row[5] = t.ID, short, ur.Unit, ur.Role.ChineseName(), ur.Status, ur.Percent
				row[6], row[7], row[8], row[9], row[10], row[11] = ur.Progress, ur.Problems, ur.NextSteps, ur.Evidence, ur.File, ur.SHA256
				if !yield(row) {
					return
				}
			}
		}
	}
	w.table(wbTable{sheet: wbSheetDetail, landscape: true, freezeCol: true, n: n, rows: rows, cols: []wbCol{
		{"任务编号", 7, wbCenter}, {"任务内容", 24, wbText}, {"单位", 16, wbText}, {"角色", 6, wbCenter}, {"完成状态", 9, wbCenter},
		{"完成进度(%)", 8, wbInt}, {"本期工作进展", 40, wbText}, {"存在问题", 26, wbText}, {"下步计划", 26, wbText},
		{"佐证材料", 18, wbText}, {"来源文件", 24, wbText}, {"SHA-256", 20, wbCode},
	}})
}

// overdue writes 逾期任务: the tasks past their deadline and not done.
func (w *wbWriter) overdue() {
	n := 0
	for _, t := range w.r.Tasks {
		if t.Overdue {
			n++
		}
	}
	rows := func(yield func([]any) bool) {
		for _, t := range w.r.Tasks {
			if t.Overdue && !yield([]any{t.ID, wbSection(t.Task), t.Text, strings.Join(t.Lead, "、"), t.Deadline.Text, t.Deadline.Due,
				t.Status, wbLeadText(t), wbProblemsText(t), wbNextText(t)}) {
				return
			}
		}
	}
	w.table(wbTable{sheet: wbSheetOverdue, landscape: true, n: n, rows: rows, cols: []wbCol{
		{"任务编号", 7, wbCenter}, {"所属部分/章节", 16, wbText}, {"任务内容", 36, wbText}, {"牵头单位", 14, wbText},
		{"完成时限", 10, wbCenter}, {"截止日期", 11, wbCenter}, {"状态", 9, wbCenter},
		{"牵头单位报告的进展", 36, wbText}, {"存在问题", 26, wbText}, {"下步计划", 26, wbText},
	}})
}

// problems writes 存在问题: every problem a unit reported, by task.
func (w *wbWriter) problems() {
	n := 0
	for i := range w.r.Tasks {
		for ur := range wbReports(&w.r.Tasks[i]) {
			if wbHasProblems(*ur) {
				n++
			}
		}
	}
	rows := func(yield func([]any) bool) {
		row := make([]any, 7)
		for i := range w.r.Tasks {
			t := &w.r.Tasks[i]
			short := ""
			for ur := range wbReports(t) {
				if !wbHasProblems(*ur) {
					continue
				}
				if short == "" {
					short = wbShort(t.Text, 40)
				}
				row[0], row[1], row[2], row[3], row[4], row[5], row[6] = t.ID, short, ur.Unit, ur.Role.ChineseName(), ur.Status, ur.Problems, ur.NextSteps
				if !yield(row) {
					return
				}
			}
		}
	}
	w.table(wbTable{sheet: wbSheetProblems, landscape: true, n: n, rows: rows, cols: []wbCol{
		{"任务编号", 7, wbCenter}, {"任务内容", 30, wbText}, {"单位", 16, wbText}, {"角色", 6, wbCenter}, {"完成状态", 9, wbCenter},
		{"存在问题", 44, wbText}, {"下步计划", 40, wbText},
	}})
}

// missing writes 未报送单位: the units with no submission, with whom to remind.
func (w *wbWriter) missing() {
	n := 0
	for _, u := range w.r.Units {
		if u.Submission == "missing" {
			n++
		}
	}
	rows := func(yield func([]any) bool) {
		for _, u := range w.r.Units {
			if u.Submission == "missing" && !yield([]any{u.Name, u.Assigned, u.Contact, u.Phone, u.Email}) {
				return
			}
		}
	}
	w.table(wbTable{sheet: wbSheetMissing, n: n, rows: rows, cols: []wbCol{
		{"单位", 26, wbText}, {"分配任务", 9, wbInt}, {"联系人", 12, wbText}, {"电话", 16, wbText}, {"邮箱", 28, wbText},
	}})
}

// wbLatestSubmissions returns the submission that counts for each unit, in the order the
// units' files were received: a unit's last accepted one, else its last one. Files whose unit
// could not be told follow, each on its own.
func wbLatestSubmissions(r *Report) []workbook.Submission {
	last := map[string]int{}
	for i, s := range r.Submissions {
		if s.Unit == "" {
			continue
		}
		if j, ok := last[s.Unit]; ok && r.Submissions[j].Accepted && !s.Accepted {
			continue
		}
		last[s.Unit] = i
	}
	var idx []int
	for _, i := range last {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	var out []workbook.Submission
	for _, i := range idx {
		out = append(out, r.Submissions[i])
	}
	for _, s := range r.Submissions {
		if s.Unit == "" {
			out = append(out, s)
		}
	}
	return out
}

// findings writes 检查问题: what the checks found in each unit's latest workbook, units in
// registry order, then units not in it, then files whose unit could not be told.
func (w *wbWriter) findings() {
	order := map[string]int{}
	for i, u := range w.r.Units {
		order[u.Name] = i
	}
	subs := wbLatestSubmissions(w.r)
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
				if !yield([]any{unit, s.Name, wbSeverity(fd.Severity), fd.Rule, fd.Sheet, fd.Cell, fd.Task, fd.Message, fd.Hint}) {
					return
				}
			}
		}
	}
	w.table(wbTable{sheet: wbSheetFindings, landscape: true, n: n, rows: rows, cols: []wbCol{
		{"单位", 16, wbText}, {"文件", 24, wbText}, {"严重程度", 8, wbCenter}, {"规则", 18, wbText}, {"工作表", 10, wbText},
		{"单元格", 7, wbCenter}, {"任务编号", 7, wbCenter}, {"问题", 40, wbText}, {"修改建议", 36, wbText},
	}, formats: func(n int) {
		w.check(w.f.SetConditionalFormat(wbSheetFindings, fmt.Sprintf("C2:C%d", n), []excelize.ConditionalFormatOptions{
			{Type: "cell", Criteria: "==", Value: `"错误"`, Format: &w.red},
			{Type: "cell", Criteria: "==", Value: `"警告"`, Format: &w.yellow},
		}))
	}})
}

func wbSeverity(s workbook.Severity) string {
	if s == workbook.Error {
		return "错误"
	}
	return "警告"
}

// wbSortedZip writes the workbook's zip so that the same report gives the same bytes. excelize
// writes the streamed sheets in the random order of a map: every part is compressed as it
// comes into a spool, and the parts are added to the zip at the end, in the order of their
// names ([Content_Types].xml, _rels, docProps, xl), already compressed.
type wbSortedZip struct {
	w          io.Writer
	spool      wbSpool
	parts      []*wbPart
	cur        *wbPart
	compressor *flate.Writer // reused from part to part
	err        error
}

// wbPart is one part of the zip, compressed in the spool at [off, off+size).
type wbPart struct {
	name      string
	off, size int64
	crc       hash.Hash32
	plain     int64
}

func newWbSortedZip(w io.Writer) *wbSortedZip { return &wbSortedZip{w: w} }

func (z *wbSortedZip) Create(name string) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	if z.compressor == nil {
		// Level 5 is what archive/zip compresses with.
		z.compressor, z.err = flate.NewWriter(&z.spool, 5)
		if z.err != nil {
			return nil, z.err
		}
	} else {
		z.compressor.Reset(&z.spool)
	}
	z.cur = &wbPart{name: name, off: z.spool.size, crc: crc32.NewIEEE()}
	z.parts = append(z.parts, z.cur)
	return z, nil
}

// Write adds to the current part.
func (z *wbSortedZip) Write(p []byte) (int, error) {
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
func (z *wbSortedZip) finish() error {
	if z.err != nil || z.cur == nil {
		return z.err
	}
	if z.err = z.compressor.Close(); z.err != nil {
		return z.err
	}
	z.cur.size = z.spool.size - z.cur.off
	z.cur = nil
	return nil
}

func (z *wbSortedZip) AddFS(fs.FS) error { return errors.New("wbSortedZip: AddFS is not supported") }

// Close writes the zip: its parts in the order of their names.
func (z *wbSortedZip) Close() error {
	defer z.spool.close()
	if err := z.finish(); err != nil {
		return err
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

// wbSpoolMemory is how much of the compressed workbook is kept in memory before it goes to a
// temporary file: the workbook of 1,000 units stays in memory, that of 10,000 does not. (A
// variable for the tests.)
var wbSpoolMemory = 16 << 20

// wbSpool holds the compressed parts: in memory, then, past wbSpoolMemory, in a temporary
// file.
type wbSpool struct {
	mem  bytes.Buffer
	file *os.File
	size int64
}

func (s *wbSpool) Write(p []byte) (int, error) {
	if s.file == nil && s.mem.Len()+len(p) > wbSpoolMemory {
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
func (s *wbSpool) section(off, n int64) io.Reader {
	if s.file == nil {
		return bytes.NewReader(s.mem.Bytes()[off : off+n])
	}
	return io.NewSectionReader(s.file, off, n)
}

func (s *wbSpool) close() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name()) // where it was not removed at once
	}
	s.mem = bytes.Buffer{}
}
