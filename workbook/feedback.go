package workbook

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"planreport/plan"
)

// FeedbackSheet is the sheet a feedback workbook adds in front of the unit's own sheets.
const FeedbackSheet = "需修改事项"

var severityName = map[Severity]string{Error: "错误（须修改）", Warning: "提醒"}

// WriteFindings writes the findings workbook of a period: every finding of every received
// file, one row each, filterable. Files superseded by a later one of the same unit are marked.
func WriteFindings(path string, c *Collection) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "检查结果"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	headers := []any{"单位", "文件", "收到时间", "是否接收", "是否为该单位最新报送", "严重程度", "规则", "工作表", "单元格", "任务编号", "问题", "修改方法", "来源"}
	if err := f.SetSheetRow(sheet, "A1", &headers); err != nil {
		return err
	}
	latest := c.Latest()
	n := 2
	for _, s := range c.Submissions {
		accepted, current := "否", "否"
		if s.Accepted {
			accepted = "是"
		}
		if l, ok := latest[s.Unit]; ok && l.SHA256 == s.SHA256 {
			current = "是"
		}
		unit := s.Unit
		if unit == "" {
			unit = Unidentified
		}
		for _, fd := range s.Findings {
			row := []any{unit, s.Name, s.Received.Local().Format("2006-01-02 15:04"), accepted, current, severityName[fd.Severity], fd.Rule,
				fd.Sheet, fd.Cell, fd.Task, fd.Message, fd.Hint, s.Source}
			if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", n), &row); err != nil {
				return err
			}
			n++
		}
	}
	widths := []float64{24, 36, 16, 8, 10, 12, 22, 10, 8, 8, 50, 50, 40}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		f.SetColWidth(sheet, col, col, w)
	}
	header, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	f.SetCellStyle(sheet, "A1", "M1", header)
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}, NumFmt: 49})
	if n > 2 {
		f.SetCellStyle(sheet, "A2", fmt.Sprintf("M%d", n-1), wrap)
	}
	f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	f.AutoFilter(sheet, fmt.Sprintf("A1:M%d", max(n-1, 2)), nil)
	return plan.SaveWorkbook(f, path)
}

// WriteFeedback writes a unit's feedback workbook: its own returned file with every cell that
// has a finding highlighted and commented, and a sheet in front listing what to fix. When the
// returned file cannot be opened at all, the workbook holds only the list.
func WriteFeedback(path string, s Submission, data []byte) error {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: DefaultLimits.MaxUnzippedBytes, UnzipXMLSizeLimit: DefaultLimits.MaxUnzippedBytes})
	fresh := err != nil
	if fresh {
		f = excelize.NewFile()
	}
	defer f.Close()

	// Mark the cells: one comment per cell, with all of its findings.
	type key struct{ sheet, cell string }
	notes := map[key][]Finding{}
	var keys []key
	for _, fd := range s.Findings {
		if fd.Sheet == "" || fd.Cell == "" {
			continue
		}
		if idx, err := f.GetSheetIndex(fd.Sheet); err != nil || idx < 0 {
			continue
		}
		k := key{fd.Sheet, fd.Cell}
		if _, ok := notes[k]; !ok {
			keys = append(keys, k)
		}
		notes[k] = append(notes[k], fd)
	}
	for _, k := range keys {
		worst := Warning
		var text []string
		for _, fd := range notes[k] {
			if fd.Severity == Error {
				worst = Error
			}
			text = append(text, fd.Message+"。"+fd.Hint)
		}
		if err := highlight(f, k.sheet, k.cell, worst); err != nil {
			return fmt.Errorf("标注 %s %s：%w", k.sheet, k.cell, err)
		}
		_ = f.DeleteComment(k.sheet, k.cell)
		if err := f.AddComment(k.sheet, excelize.Comment{Cell: k.cell, Author: "报送办公室", Width: 300, Height: 120,
			Paragraph: []excelize.RichTextRun{{Text: strings.Join(text, "\n")}}}); err != nil {
			return fmt.Errorf("批注 %s %s：%w", k.sheet, k.cell, err)
		}
	}

	// The list, in front.
	if idx, _ := f.GetSheetIndex(FeedbackSheet); idx >= 0 {
		if err := f.DeleteSheet(FeedbackSheet); err != nil {
			return err
		}
	}
	if _, err := f.NewSheet(FeedbackSheet); err != nil {
		return err
	}
	list := append([]Finding(nil), s.Findings...)
	sort.SliceStable(list, func(i, j int) bool { return list[i].Severity == Error && list[j].Severity != Error })
	errs := Errors(list)
	title := fmt.Sprintf("%s：本表有 %d 个错误须修改后重新报送，%d 条提醒供参考。标红的单元格为错误，标黄的为提醒，鼠标指向单元格可看批注。",
		s.Name, errs, len(list)-errs)
	if errs == 0 {
		title = fmt.Sprintf("%s：本表已接收。以下 %d 条提醒供参考，今后填报时请注意。", s.Name, len(list))
	}
	if err := f.SetCellValue(FeedbackSheet, "A1", title); err != nil {
		return err
	}
	f.MergeCell(FeedbackSheet, "A1", "G1")
	f.SetRowHeight(FeedbackSheet, 1, 36)
	headers := []any{"序号", "严重程度", "工作表", "单元格", "任务编号", "问题", "修改方法"}
	if err := f.SetSheetRow(FeedbackSheet, "A2", &headers); err != nil {
		return err
	}
	for i, fd := range list {
		row := []any{i + 1, severityName[fd.Severity], fd.Sheet, fd.Cell, fd.Task, fd.Message, fd.Hint}
		if err := f.SetSheetRow(FeedbackSheet, fmt.Sprintf("A%d", i+3), &row); err != nil {
			return err
		}
	}
	for col, w := range map[string]float64{"A": 6, "B": 13, "C": 10, "D": 8, "E": 8, "F": 55, "G": 50} {
		f.SetColWidth(FeedbackSheet, col, col, w)
	}
	size, landscape, one, zero, fit := 9, "landscape", 1, 0, true
	f.SetPageLayout(FeedbackSheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape, FitToWidth: &one, FitToHeight: &zero})
	f.SetSheetProps(FeedbackSheet, &excelize.SheetPropsOptions{FitToPage: &fit})
	f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + FeedbackSheet + "'!$2:$2", Scope: FeedbackSheet})
	f.SetPanes(FeedbackSheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}})
	f.SetCellStyle(FeedbackSheet, "A1", fmt.Sprintf("G%d", len(list)+2), wrap)
	f.SetCellStyle(FeedbackSheet, "A2", "G2", bold)
	if fresh {
		f.DeleteSheet("Sheet1") // the empty sheet of a new workbook
	}
	if first := f.GetSheetList()[0]; first != FeedbackSheet {
		if err := f.MoveSheet(FeedbackSheet, first); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0) // a unit opens the list first

	return plan.SaveWorkbook(f, path)
}

// highlight fills a cell red (error) or yellow (warning), keeping the rest of its style,
// including whether it is locked.
func highlight(f *excelize.File, sheet, cell string, sev Severity) error {
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		return err
	}
	st, err := f.GetStyle(id)
	if err != nil || st == nil {
		st = &excelize.Style{}
	}
	color := "FFC7CE"
	if sev == Warning {
		color = "FFEB9C"
	}
	st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
	nid, err := f.NewStyle(st)
	if err != nil {
		return err
	}
	return f.SetCellStyle(sheet, cell, cell, nid)
}
