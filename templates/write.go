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
func (t *Template) columns() []column {
	cols := []column{{ColID, 5, false}, {ColSection, 9, false}, {ColText, 22, false}, {ColDuty, 6, false},
		{ColLead, 12, false}, {ColDeadline, 13, false}}
	if t.hasPrevious() {
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

// Write writes the template workbook to path, atomically.
func (t *Template) Write(path string, o Options) error {
	f := excelize.NewFile()
	defer f.Close()
	w := &writer{f: f, t: t, o: o}
	w.styles()
	w.guide()
	w.tasks()
	w.lists()
	w.identification()
	if w.err != nil {
		return fmt.Errorf("生成 %s 的模板：%w", t.Unit.Name, w.err)
	}
	if idx, err := f.GetSheetIndex(SheetTasks); err == nil {
		f.SetActiveSheet(idx)
	}
	return xlsx.Save(f, path)
}

type writer struct {
	f   *excelize.File
	t   *Template
	o   Options
	err error

	s xlsx.Styles
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
	f, t, o := w.f, w.t, w.o
	w.check(f.SetSheetName("Sheet1", SheetGuide))
	title := fmt.Sprintf("%s\n%s任务进展报送表", o.PlanTitle, o.Period.Chinese())
	if o.PlanTitle == "" {
		title = o.Period.Chinese() + "任务进展报送表"
	}
	office := strings.Trim(strings.Join([]string{o.Office.Name, o.Office.Contact, o.Office.Phone, o.Office.Email}, "  "), " ")
	if office == "" {
		office = "（请向报送办公室询问）"
	}
	unit := t.Unit.Name
	if len(t.ReportsFor) > 0 {
		unit += "（同时代" + strings.Join(t.ReportsFor, "、") + "填报）"
	}
	rows := [][2]string{
		{"填报单位", unit},
		{"报送周期", fmt.Sprintf("%s（%s 至 %s）", o.Period.Chinese(), o.Period.Start().Format("2006-01-02"), o.Period.End().Format("2006-01-02"))},
		{"报送截止日期", o.Due},
		{"报送办公室", office},
		{"任务数量", fmt.Sprintf("%d 项", len(t.Rows))},
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

// tasks writes the task sheet.
func (w *writer) tasks() {
	f, t := w.f, w.t
	_, err := f.NewSheet(SheetTasks)
	w.check(err)
	cols := t.columns()
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = c.header
		name, _ := excelize.ColumnNumberToName(i + 1)
		w.check(f.SetColWidth(SheetTasks, name, name, c.width))
	}
	w.check(f.SetSheetRow(SheetTasks, "A1", &header))
	last, _ := excelize.ColumnNumberToName(len(cols))
	w.check(f.SetCellStyle(SheetTasks, "A1", last+"1", w.s.Header))
	headLines := 1
	width := 0.0
	for _, c := range cols {
		headLines = max(headLines, xlsx.WrappedLines(c.header, c.width))
		width += c.width
	}
	w.check(f.SetRowHeight(SheetTasks, 1, xlsx.RowHeight(headLines)+4))
	for i, r := range t.Rows {
		row := i + 2
		values := []any{r.TaskID, r.Section, r.Text, r.Duty, shownLeads(r.Lead), shownDeadline(r.Deadline)}
		if t.hasPrevious() {
			values = append(values, r.PrevStatus, r.PrevProgress)
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		w.check(f.SetSheetRow(SheetTasks, cell, &values))
		// Clients do not grow rows to fit wrapped text on their own: size each row for its
		// longest cell, and leave room for the unit's own text.
		lines := 3
		for i, v := range values {
			lines = max(lines, xlsx.WrappedLines(v.(string), cols[i].width))
		}
		w.check(f.SetRowHeight(SheetTasks, row, xlsx.RowHeight(lines)))
	}
	n := len(t.Rows) + 1
	firstFill := len(cols) - len(FillColumns) + 1
	lastLocked, _ := excelize.ColumnNumberToName(firstFill - 1)
	fillFrom, _ := excelize.ColumnNumberToName(firstFill)
	if n > 1 {
		w.check(f.SetCellStyle(SheetTasks, "A2", fmt.Sprintf("%s%d", lastLocked, n), w.s.Locked))
		w.check(f.SetCellStyle(SheetTasks, fillFrom+"2", fmt.Sprintf("%s%d", last, n), w.s.Input))
	}
	w.validation(firstFill, n)
	w.check(f.SetPanes(SheetTasks, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: fillFrom + "2", ActiveCell: fillFrom + "2", Pane: "bottomRight"}}}))
	w.filler()
	w.pageSetup(SheetTasks, "landscape", 1, width)
	w.protect(SheetTasks)
}

// validation adds the drop-downs and the progress range to the fill columns of rows 2..n.
func (w *writer) validation(firstFill, n int) {
	if n < 2 {
		return
	}
	f, t := w.f, w.t
	status, _ := excelize.ColumnNumberToName(firstFill)
	percent, _ := excelize.ColumnNumberToName(firstFill + 1)
	// Rows of ongoing tasks also offer 常态化推进: group consecutive rows of each kind.
	for i := 0; i < len(t.Rows); {
		j := i
		for j < len(t.Rows) && t.Rows[j].Ongoing == t.Rows[i].Ongoing {
			j++
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s%d:%s%d", status, i+2, status, j+1)
		list, words := "$A$1:$A$4", Statuses
		if t.Rows[i].Ongoing {
			list, words = "$B$1:$B$5", OngoingStatuses
		}
		dv.SetSqrefDropList("'" + SheetLists + "'!" + list)
		dv.SetInput("完成状态", "请从下拉列表选择："+strings.Join(words, "、"))
		dv.SetError(excelize.DataValidationErrorStyleStop, "完成状态无效", "请从下拉列表选择："+strings.Join(words, "、"))
		w.check(f.AddDataValidation(SheetTasks, dv))
		i = j
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("%s2:%s%d", percent, percent, n)
	w.check(dv.SetRange(0, 100, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween))
	dv.SetInput("完成进度(%)", "填写 0 到 100 的整数，例如 80 表示完成 80%")
	dv.SetError(excelize.DataValidationErrorStyleStop, "完成进度无效", "完成进度应为 0 到 100 的整数（不带 % 号）")
	w.check(f.AddDataValidation(SheetTasks, dv))
}

// filler writes who filled the template and who checked it in one row at the foot of the task
// sheet, where the clerk finishing the rows sees it and the checking leader signs the print.
func (w *writer) filler() {
	f, t := w.f, w.t
	row := FillerRow(len(t.Rows))
	lines := 1
	for _, l := range FillerLayout {
		label, _ := excelize.CoordinatesToCellName(t.column(l.LabelUnder)+1, row)
		value, _ := excelize.CoordinatesToCellName(t.column(l.ValueUnder)+1, row)
		if between := t.column(l.ValueUnder) - t.column(l.LabelUnder); between > 1 {
			// The label spans the columns up to its value.
			end, _ := excelize.CoordinatesToCellName(t.column(l.ValueUnder), row)
			w.check(f.MergeCell(SheetTasks, label, end))
			w.check(f.SetCellStyle(SheetTasks, label, end, w.s.Label))
		}
		w.check(f.SetCellValue(SheetTasks, label, l.Label))
		w.check(f.SetCellStyle(SheetTasks, label, label, w.s.Label))
		w.check(f.SetCellStyle(SheetTasks, value, value, w.s.Input))
		lines = max(lines, xlsx.WrappedLines(l.Label, t.columns()[t.column(l.LabelUnder)].width))
		if l.Label == "填报日期" {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = value
			dv.SetInput("填报日期", "例如 2024-01-05")
			w.check(f.AddDataValidation(SheetTasks, dv))
		}
	}
	w.check(f.SetRowHeight(SheetTasks, row, xlsx.RowHeight(max(lines, 2))))
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

// identification writes the hidden identification sheet and the same facts as custom
// document properties, so that either survives a client that drops the other.
func (w *writer) identification() {
	f, t, o := w.f, w.t, w.o
	_, err := f.NewSheet(SheetID)
	w.check(err)
	facts := [][2]string{
		{KeyPlan, o.PlanFingerprint},
		{KeyUnit, t.Unit.Name},
		{KeyReportsFor, strings.Join(t.ReportsFor, "、")},
		{KeyPeriod, o.Period.String()},
		{KeyDue, o.Due},
		{KeyVersion, Version},
	}
	n := 1
	for _, kv := range facts {
		w.check(f.SetSheetRow(SheetID, fmt.Sprintf("A%d", n), &[]any{kv[0], kv[1]}))
		n++
	}
	w.check(f.SetSheetRow(SheetID, fmt.Sprintf("A%d", n), &[]any{KeyRows, fmt.Sprint(len(t.Rows))}))
	n++
	for _, r := range t.Rows {
		w.check(f.SetSheetRow(SheetID, fmt.Sprintf("A%d", n), &[]any{r.TaskID, RowChecksum(r.Locked())}))
		n++
	}
	w.check(f.SetCellStyle(SheetID, "A1", fmt.Sprintf("B%d", n), w.s.Locked))
	w.check(f.SetSheetVisible(SheetID, false, true))
	w.protect(SheetID)
	for _, kv := range facts {
		w.check(f.SetCustomProps(excelize.CustomProperty{Name: PropPrefix + kv[0], Value: kv[1]}))
	}
	w.check(f.SetDocProps(&excelize.DocProperties{
		Title:   fmt.Sprintf("%s %s任务进展报送表", t.Unit.Name, o.Period.Chinese()),
		Subject: o.PlanTitle,
		Creator: "planreport",
	}))
}

// PropPrefix starts the names of the custom document properties that repeat the
// identification.
const PropPrefix = "planreport."

func (w *writer) pageSetup(sheet, orientation string, titleRows int, width float64) {
	w.check(xlsx.SetPage(w.f, sheet, xlsx.Page{Landscape: orientation == "landscape", TitleRows: titleRows, Width: width,
		HeaderLeft: w.t.Unit.Name, HeaderRight: w.o.Period.Chinese() + "任务进展"}))
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
