package templates

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"planreport/internal/xlsx"
	"planreport/plan"
)

// Options are what every template of a period shares.
type Options struct {
	Period   plan.Period
	Due      string // YYYY-MM-DD: when units must return the template
	Password string // sheet protection password; "" protects without one
	Office   plan.Office

	PlanTitle       string
	PlanFingerprint string
}

// column is one task sheet column: header, width, and whether the unit fills it.
type column struct {
	header string
	width  float64
	fill   bool
}

// columns returns the task sheet's columns for a template. They are sized to print on A4
// landscape at 90% or more (xlsx.Page.Width), wrapping their text: the deadline column holds
// "2023 年" over "（2023-12-31）", the status column its longest word, 常态化推进.
func (t *Template) columns() []column { return columnsFor(t.hasPrevious()) }

// columnsFor returns the task sheet's columns, with last period's when previous.
func columnsFor(previous bool) []column {
	cols := []column{{ColID, 5, false}, {ColSection, 9, false}, {ColText, 22, false}, {ColDuty, 6, false},
		{ColLead, 12, false}, {ColDeadline, 13, false}}
	if previous {
		cols = append(cols, column{ColPrevStatus, 8, false}, column{ColPrevProgress, 14, false})
	}
	return append(cols, column{ColStatus, 9, true}, column{ColPercent, 6, true}, column{ColProgress, 20, true},
		column{ColProblems, 12, true}, column{ColNextSteps, 12, true}, column{ColEvidence, 8, true})
}

// shownLeads is a row's lead units as the cell shows them: one a line, so that a name is not
// broken where the column ends. (The row's checksum leaves white space out.)
func shownLeads(s string) string { return strings.ReplaceAll(s, "、", "、\n") }

// shownDeadline is a row's deadline as the cell shows it: the due date on a line of its own,
// so that a narrow column never breaks it. (The row's checksum leaves white space out.)
func shownDeadline(s string) string {
	if i := strings.Index(s, "（"); i > 0 {
		return strings.TrimSpace(s[:i]) + "\n" + s[i:]
	}
	return s
}

func (t *Template) hasPrevious() bool {
	for _, r := range t.Rows {
		if r.PrevStatus != "" || r.PrevProgress != "" {
			return true
		}
	}
	return false
}

// The skeleton builder: excelize writes, once per period and column set, everything a
// template has but its unit's name and rows (skeleton.go writes those).
type writer struct {
	f    *excelize.File
	o    Options
	cols []column
	err  error

	s xlsx.Styles
}

// Stand-ins for what names a template's unit, in the skeleton's text; skeleton.write puts
// each template's own in their place. Private-use characters: no plan has them.
const (
	standInUnit       = "\ue000单位\ue000"   // the unit's name
	standInUnitLine   = "\ue000填报单位\ue000" // the guide's 填报单位: the unit and those it reports for
	standInRows       = "\ue000任务数量\ue000" // the guide's 任务数量
	standInReportsFor = "\ue000代报单位\ue000" // the units it reports for
	standInMark       = "\ue000"
)

// build writes a template workbook's skeleton with excelize.
func build(o Options, previous bool) (*excelize.File, xlsx.Styles, error) {
	f := excelize.NewFile()
	w := &writer{f: f, o: o, cols: columnsFor(previous)}
	w.styles()
	w.guide()
	w.tasks()
	w.lists()
	w.identification()
	if w.err != nil {
		f.Close()
		return nil, xlsx.Styles{}, fmt.Errorf("生成报送模板：%w", w.err)
	}
	if idx, err := f.GetSheetIndex(SheetTasks); err == nil {
		f.SetActiveSheet(idx)
	}
	return f, w.s, nil
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
}

// guide writes the instructions sheet.
func (w *writer) guide() {
	f, o := w.f, w.o
	w.check(f.SetSheetName("Sheet1", SheetGuide))
	title := fmt.Sprintf("%s\n%s任务进展报送表", o.PlanTitle, o.Period.Chinese())
	if o.PlanTitle == "" {
		title = o.Period.Chinese() + "任务进展报送表"
	}
	office := strings.Trim(strings.Join([]string{o.Office.Name, o.Office.Contact, o.Office.Phone, o.Office.Email}, "  "), " ")
	if office == "" {
		office = "（请向报送办公室询问）"
	}
	rows := [][2]string{
		{"填报单位", standInUnitLine},
		{"报送周期", fmt.Sprintf("%s（%s 至 %s）", o.Period.Chinese(), o.Period.Start().Format("2006-01-02"), o.Period.End().Format("2006-01-02"))},
		{"报送截止日期", o.Due},
		{"报送办公室", office},
		{"任务数量", standInRows},
		{"填报方法", strings.Join([]string{
			"1. 打开「" + SheetTasks + "」工作表，逐行填写浅黄色单元格：完成状态（下拉选择）、完成进度（0–100 的整数）、本期工作进展、存在问题、下步计划、佐证材料。",
			"2. 灰色单元格（任务编号、任务内容等）已锁定，请勿修改；不要增删行、列，不要修改工作表名称。",
			"3. 完成状态为“已完成”的，完成进度填 100；状态为“滞后”“未启动”的，须填写存在问题；已到完成时限仍未完成的任务，须填写存在问题和下步计划。",
			"4. 在「" + SheetTasks + "」工作表末尾填写填报人、联系电话、审核领导和填报日期；打印后请审核领导签字。",
			"5. 保存为 .xlsx 格式（不要另存为 .xls 或 .et），文件名可保持不变，于截止日期前发送给报送办公室。",
		}, "\n")},
	}
	w.check(f.SetCellValue(SheetGuide, "A1", title))
	w.check(f.MergeCell(SheetGuide, "A1", "B1"))
	w.check(f.SetCellStyle(SheetGuide, "A1", "B1", w.s.Title))
	w.check(f.SetRowHeight(SheetGuide, 1, 48))
	n := 2
	for _, r := range rows {
		w.check(f.SetSheetRow(SheetGuide, fmt.Sprintf("A%d", n), &[]any{r[0], r[1]}))
		n++
	}
	lines := 0
	for _, l := range strings.Split(rows[len(rows)-1][1], "\n") {
		lines += xlsx.WrappedLines(l, 80)
	}
	w.check(f.SetRowHeight(SheetGuide, n-1, xlsx.RowHeight(lines)+4))
	w.check(f.SetSheetRow(SheetGuide, fmt.Sprintf("A%d", n), &[]any{"完成状态", "含义"}))
	w.check(f.SetCellStyle(SheetGuide, fmt.Sprintf("A%d", n), fmt.Sprintf("B%d", n), w.s.Header))
	n++
	first := n
	for _, s := range OngoingStatuses {
		w.check(f.SetSheetRow(SheetGuide, fmt.Sprintf("A%d", n), &[]any{s, StatusMeaning[s]}))
		n++
	}
	w.check(f.SetCellStyle(SheetGuide, "A2", fmt.Sprintf("A%d", first-2), w.s.Label))
	w.check(f.SetCellStyle(SheetGuide, "B2", fmt.Sprintf("B%d", first-2), w.s.Note))
	w.check(f.SetCellStyle(SheetGuide, fmt.Sprintf("A%d", first), fmt.Sprintf("A%d", n-1), w.s.Label))
	w.check(f.SetCellStyle(SheetGuide, fmt.Sprintf("B%d", first), fmt.Sprintf("B%d", n-1), w.s.Note))
	w.check(f.SetColWidth(SheetGuide, "A", "A", 14))
	w.check(f.SetColWidth(SheetGuide, "B", "B", 80))
	w.pageSetup(SheetGuide, "portrait", 0, 94)
	w.protect(SheetGuide)
}

// tasks sets up the task sheet: its columns, panes, page and protection. Its rows, merged
// cells and validations are each template's own (skeleton.go).
func (w *writer) tasks() {
	f := w.f
	_, err := f.NewSheet(SheetTasks)
	w.check(err)
	width := 0.0
	for i, c := range w.cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		w.check(f.SetColWidth(SheetTasks, name, name, c.width))
		width += c.width
	}
	fillFrom, _ := excelize.ColumnNumberToName(len(w.cols) - len(FillColumns) + 1)
	w.check(f.SetPanes(SheetTasks, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: fillFrom + "2", ActiveCell: fillFrom + "2", Pane: "bottomRight"}}}))
	w.pageSetup(SheetTasks, "landscape", 1, width)
	w.protect(SheetTasks)
}

// lists writes the hidden sheet the status drop-downs point at.
func (w *writer) lists() {
	f := w.f
	_, err := f.NewSheet(SheetLists)
	w.check(err)
	for i, s := range Statuses {
		w.check(f.SetCellValue(SheetLists, fmt.Sprintf("A%d", i+1), s))
	}
	for i, s := range OngoingStatuses {
		w.check(f.SetCellValue(SheetLists, fmt.Sprintf("B%d", i+1), s))
	}
	w.check(f.SetSheetVisible(SheetLists, false))
	w.protect(SheetLists)
}

// identification sets up the hidden identification sheet (its rows are each template's
// own) and the same facts as custom document properties, so that either survives a client
// that drops the other.
func (w *writer) identification() {
	f, o := w.f, w.o
	_, err := f.NewSheet(SheetID)
	w.check(err)
	w.check(f.SetSheetVisible(SheetID, false, true))
	w.protect(SheetID)
	for _, kv := range identityFacts(o, standInUnit, standInReportsFor) {
		w.check(f.SetCustomProps(excelize.CustomProperty{Name: PropPrefix + kv[0], Value: kv[1]}))
	}
	w.check(f.SetDocProps(&excelize.DocProperties{
		Title:   fmt.Sprintf("%s %s任务进展报送表", standInUnit, o.Period.Chinese()),
		Subject: o.PlanTitle,
		Creator: "planreport",
	}))
}

// identityFacts are the identification's facts, in the sheet's order (its rows follow).
func identityFacts(o Options, unit, reportsFor string) [][2]string {
	return [][2]string{
		{KeyPlan, o.PlanFingerprint},
		{KeyUnit, unit},
		{KeyReportsFor, reportsFor},
		{KeyPeriod, o.Period.String()},
		{KeyDue, o.Due},
		{KeyVersion, Version},
	}
}

// PropPrefix starts the names of the custom document properties that repeat the
// identification.
const PropPrefix = "planreport."

func (w *writer) pageSetup(sheet, orientation string, titleRows int, width float64) {
	w.check(xlsx.SetPage(w.f, sheet, xlsx.Page{Landscape: orientation == "landscape", TitleRows: titleRows, Width: width,
		HeaderLeft: standInUnit, HeaderRight: w.o.Period.Chinese() + "任务进展"}))
}

func (w *writer) protect(sheet string) {
	w.check(w.f.ProtectSheet(sheet, &excelize.SheetProtectionOptions{
		Password:            w.o.Password,
		SelectLockedCells:   true,
		SelectUnlockedCells: true,
		FormatColumns:       true,
		FormatRows:          true,
	}))
}
