package workbook

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"planreport/internal/atomicfile"
	"planreport/internal/xlsx"
	"planreport/plan"
)

// FeedbackSheet is the sheet a feedback workbook adds in front of the unit's own sheets.
const FeedbackSheet = "需修改事项"

// severityText is a finding's severity as the workbooks show it: an error says it must be fixed.
func severityText(s plan.Severity) string {
	if s == plan.Error {
		return s.Chinese() + "（须修改）"
	}
	return s.Chinese()
}

// findingsColumns are the findings workbook's columns and widths: sized to print on A4
// landscape at 90% or more, all but the last, the file's source, which is for the screen.
var findingsColumns = []struct {
	head  string
	width float64
}{
	{"单位", 14}, {"文件", 20}, {"收到时间", 16}, {"是否接收", 5}, {"是否为该单位最新报送", 6}, {"严重程度", 8}, {"规则", 12},
	{"工作表", 8}, {"单元格", 6}, {"任务编号", 6}, {"问题", 28}, {"修改方法", 24}, {"来源", 40},
}

// WriteFindings writes the findings workbook of a period: every finding of every received
// file, one row each, filterable. Files superseded by a later one of the same unit are marked.
func WriteFindings(path string, c *Collection) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "检查结果"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	st, err := xlsx.NewStyles(f)
	if err != nil {
		return err
	}
	headers := make([]any, len(findingsColumns))
	printed := 0.0
	for i, c := range findingsColumns {
		headers[i] = c.head
		col, _ := excelize.ColumnNumberToName(i + 1)
		f.SetColWidth(sheet, col, col, c.width)
		if i < len(findingsColumns)-1 {
			printed += c.width
		}
	}
	if err := f.SetSheetRow(sheet, "A1", &headers); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(findingsColumns))
	f.SetCellStyle(sheet, "A1", last+"1", st.Header)
	headLines := 1
	for _, c := range findingsColumns {
		headLines = max(headLines, xlsx.WrappedLines(c.head, c.width))
	}
	f.SetRowHeight(sheet, 1, xlsx.HeaderHeight(headLines))
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
		// When it was received, a date and time (a real one, so that filters work) as the
		// office's clock showed it.
		received := OfficeClock(s.Received)
		for _, fd := range s.Findings {
			row := []any{unit, s.Name, received, accepted, current, severityText(fd.Severity), fd.Rule.Label(),
				fd.Sheet, fd.Cell, fd.Task, fd.Message, fd.Hint, s.Source}
			if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", n), &row); err != nil {
				return err
			}
			lines := 1
			for i, v := range row {
				if text, ok := v.(string); ok && i < len(findingsColumns)-1 {
					lines = max(lines, xlsx.WrappedLines(text, findingsColumns[i].width))
				}
			}
			f.SetRowHeight(sheet, n, xlsx.RowHeight(lines))
			n++
		}
	}
	if n > 2 {
		f.SetCellStyle(sheet, "A2", fmt.Sprintf("%s%d", last, n-1), st.Text)
		f.SetCellStyle(sheet, "C2", fmt.Sprintf("C%d", n-1), st.DateTime)
		f.SetCellStyle(sheet, "M2", fmt.Sprintf("M%d", n-1), st.Code)
	}
	f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	// The filter before the page set-up: excelize's AutoFilter writes the sheet's properties
	// anew, without fitting to the page.
	f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, max(n-1, 2)), nil)
	if err := xlsx.SetPage(f, sheet, xlsx.Page{Landscape: true, TitleRows: 1, Width: printed, Columns: len(findingsColumns) - 1,
		HeaderLeft: c.Period + " 检查结果"}); err != nil {
		return err
	}
	return xlsx.Save(f, path)
}

// WriteFeedback writes a unit's feedback workbook: its own returned file with every cell that
// has a finding marked (filled, framed for an error, commented, and named in a 检查标记
// column: marks that survive black-and-white printing), and a sheet in front listing what to
// fix, each row linked to its cell, with the date to send it again by (resubmit, YYYY-MM-DD).
// When the returned file cannot be opened at all, is too large to annotate (see
// annotatable), or cannot be annotated, or is on the wrong form, the workbook holds only the
// list, which then says why; annotated tells which it wrote. Nothing in the unit's file makes
// it fail: only writing to disk can.
func WriteFeedback(path string, s Submission, data []byte, resubmit string) (annotated bool, err error) {
	out, annotated, err := feedbackBytes(s, data, resubmit)
	if err != nil {
		return false, err
	}
	return annotated, atomicfile.Write(path, func(f *os.File) error {
		_, err := f.Write(out)
		return err
	})
}

// feedbackBytes is the feedback workbook WriteFeedback writes. A return on the wrong form is
// not annotated: the unit is to redo it on this period's template, not to fix the old form.
func feedbackBytes(s Submission, data []byte, resubmit string) (out []byte, annotated bool, err error) {
	open, why := annotatable(data)
	template := RemedyOf(s.Findings) == RemedyTemplate
	if open && !template {
		if out, err = feedbackWorkbook(s, data, "", resubmit); err != nil {
			why = "原表无法在原格式上标注（" + errorText(err) + "）"
		}
	}
	if !open || template || err != nil {
		note := why
		switch {
		case template:
			note = "报送表用错了：请把填报内容复制到本期的报送表中重新填报，不要在原表上修改"
		case note != "" && plan.CountErrors(s.Findings) > 0:
			note += "，请按下表逐项处理"
		}
		out, err = feedbackWorkbook(s, nil, note, resubmit)
		return out, false, err
	}
	return out, true, nil
}

// Bounds of a returned workbook that WriteFeedback annotates. excelize holds every row and cell
// of a sheet it touches in memory, at a few hundred bytes each: a template styled over a
// million empty rows would cost 400 MB and seconds. A template is a few hundred rows.
const (
	maxAnnotatedBytes = 32 << 20 // the package, uncompressed
	maxAnnotatedRows  = 20000    // rows in all worksheets
	maxAnnotatedCells = 1 << 20  // cells in all worksheets
)

// annotatable tells whether WriteFeedback can annotate a returned workbook in place: it is a
// zip package within the bounds above, with no XML entity declarations (encoding/xml, which
// excelize uses, refuses the entities they declare). When it cannot, why says so for the
// unit, or is "" when the file is not a workbook at all (its findings say that).
func annotatable(data []byte) (ok bool, why string) {
	zr, err := xlsx.OpenZip(data)
	if err != nil {
		return false, ""
	}
	if xlsx.OpenDocumentType(zr) == xlsx.ODS {
		return false, "原表是 .ods 格式，未在原表上标注"
	}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
	}
	tooLarge := "原表过大，无法在原表上标注"
	if total > maxAnnotatedBytes || len(zr.File) > DefaultLimits.MaxEntries {
		return false, fmt.Sprintf("%s（解压后 %d MB）", tooLarge, total>>20)
	}
	rows, cells := 0, 0
	for _, zf := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(zf.Name, `\`, "/"))
		if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") {
			continue
		}
		sheet := strings.HasPrefix(name, "xl/worksheets/")
		r, c, doctype, err := countTags(zf, sheet)
		if err != nil {
			return false, "原表已损坏，无法在原表上标注"
		}
		if doctype {
			return false, "原表含有 XML 实体声明（DOCTYPE），不是 Excel 或 WPS 保存的文件，未在原表上标注"
		}
		rows, cells = rows+r, cells+c
		if rows > maxAnnotatedRows || cells > maxAnnotatedCells {
			return false, fmt.Sprintf("%s（工作表有 %d 行以上）", tooLarge, rows)
		}
	}
	return true, ""
}

// countTags reads an XML part of a zip: it counts the rows and cells of a worksheet (when
// sheet) and tells whether the part declares a document type. The part is read whole (the
// package's size is bounded before) and scanned in memory: through a bufio.Reader, tag by
// tag, it took 15% of a feedback workbook's time.
func countTags(zf *zip.File, sheet bool) (rows, cells int, doctype bool, err error) {
	rc, err := zf.Open()
	if err != nil {
		return 0, 0, false, err
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return 0, 0, false, err
	}
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '<')
		if j < 0 {
			return rows, cells, doctype, nil
		}
		i += j + 1
		next := data[i:min(i+16, len(data))]
		if bytes.HasPrefix(next, []byte("!DOCTYPE")) || bytes.HasPrefix(next, []byte("!ENTITY")) {
			doctype = true
		}
		if !sheet {
			continue
		}
		if k := bytes.IndexByte(next, ':'); k >= 0 && !bytes.ContainsAny(next[:k], " />") {
			next = next[k+1:] // a namespace prefix
		}
		switch {
		case tagIs(next, "row"):
			rows++
		case tagIs(next, "c"):
			cells++
		}
	}
}

// tagIs reports whether b starts with the tag name followed by the end of the name.
func tagIs(b []byte, name string) bool {
	if !bytes.HasPrefix(b, []byte(name)) || len(b) == len(name) {
		return false
	}
	switch b[len(name)] {
	case ' ', '>', '/', '\t', '\n', '\r':
		return true
	}
	return false
}

func errorText(err error) string {
	s := err.Error()
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return s
}

// feedbackWorkbook makes the feedback workbook: data, the unit's workbook, annotated, with the
// list in front; or, when data is nil, the list alone, with note saying why. A panic in
// excelize on a strange workbook is an error.
func feedbackWorkbook(s Submission, data []byte, note, resubmit string) (out []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, fmt.Errorf("%v", v)
		}
	}()
	var f *excelize.File
	fresh := data == nil
	if fresh {
		f = excelize.NewFile()
	} else if f, err = excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxAnnotatedBytes, UnzipXMLSizeLimit: maxAnnotatedBytes}); err != nil {
		return nil, err
	}
	defer f.Close()

	// Mark the cells: one comment per cell, with all of its findings.
	type key struct{ sheet, cell string }
	notes := map[key][]plan.Finding{}
	var keys []key
	for _, fd := range s.Findings {
		if fd.Sheet == "" || fd.Cell == "" {
			continue
		}
		if fresh {
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
	marks := map[string]map[int][]string{} // sheet → row → the mark of each cell with a finding
	for _, k := range keys {
		worst := plan.Warning
		var text []string
		for _, fd := range notes[k] {
			if fd.Severity == plan.Error {
				worst = plan.Error
			}
			text = append(text, fd.Message+"。"+fd.Hint)
		}
		if err := highlight(f, k.sheet, k.cell, worst); err != nil {
			return nil, fmt.Errorf("标注 %s %s：%w", k.sheet, k.cell, err)
		}
		if col, row, err := excelize.CellNameToCoordinates(k.cell); err == nil {
			if marks[k.sheet] == nil {
				marks[k.sheet] = map[int][]string{}
			}
			marks[k.sheet][row] = append(marks[k.sheet][row], markOf(f, k.sheet, col, worst))
		}
		_ = f.DeleteComment(k.sheet, k.cell)
		if err := f.AddComment(k.sheet, excelize.Comment{Cell: k.cell, Author: "报送办公室", Width: 300, Height: 120,
			Paragraph: []excelize.RichTextRun{{Text: strings.Join(text, "\n")}}}); err != nil {
			return nil, fmt.Errorf("批注 %s %s：%w", k.sheet, k.cell, err)
		}
	}

	if len(marks) > 0 {
		// The sheets' rows as the unit left them, read by the reader collect checks with:
		// excelize's GetRows writes a sheet back to XML and reads it again (a third of the
		// time of a feedback workbook).
		zr, err := xlsx.OpenZip(data)
		if err != nil {
			return nil, err
		}
		x, err := xlsx.OpenSheets(zr, data, maxAnnotatedBytes, func(sheet string) bool { return marks[sheet] != nil })
		if err != nil {
			return nil, err
		}
		defer x.Close()
		for sheet, rows := range marks {
			if err := markColumn(f, x, sheet, rows); err != nil {
				return nil, fmt.Errorf("标注 %s：%w", sheet, err)
			}
		}
	}

	// The list, in front.
	if idx, _ := f.GetSheetIndex(FeedbackSheet); idx >= 0 {
		if err := f.DeleteSheet(FeedbackSheet); err != nil {
			return nil, err
		}
	}
	if _, err := f.NewSheet(FeedbackSheet); err != nil {
		return nil, err
	}
	list := append([]plan.Finding(nil), s.Findings...)
	sort.SliceStable(list, func(i, j int) bool { return list[i].Severity == plan.Error && list[j].Severity != plan.Error })
	errs := plan.CountErrors(list)
	by := resubmit
	if d, err := time.Parse("2006-01-02", resubmit); err == nil {
		by = fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day())
	}
	again := "重新报送"
	if by != "" {
		again = "于 " + by + " 前重新报送"
	}
	var title string
	switch {
	case errs == 0:
		title = fmt.Sprintf("%s：本表已接收。以下 %d 条提醒供参考，今后填报时请注意。", s.Name, len(list))
		if note != "" {
			title += "（" + note + "）"
		}
	case note != "":
		title = fmt.Sprintf("%s：本表有 %d 个错误须处理后%s%s。%s。", s.Name, errs, again, alsoWarnings(len(list)-errs), note)
	default:
		title = fmt.Sprintf("%s：本表有 %d 个错误，请修改后%s%s。原表中错误的单元格标红并加粗框，提醒标橙，右侧“%s”列注明每行的问题；点击下表的单元格位置可跳转，鼠标指向单元格可看批注。",
			s.Name, errs, again, alsoWarnings(len(list)-errs), MarkHeader)
	}
	if err := f.SetCellValue(FeedbackSheet, "A1", title); err != nil {
		return nil, err
	}
	f.MergeCell(FeedbackSheet, "A1", "G1")
	f.SetRowHeight(FeedbackSheet, 1, xlsx.RowHeight(xlsx.WrappedLines(title, 150)))
	headers := []any{"序号", "严重程度", "工作表", "单元格", "任务编号", "问题", "修改方法"}
	if err := f.SetSheetRow(FeedbackSheet, "A2", &headers); err != nil {
		return nil, err
	}
	const problemWidth, hintWidth = 55, 50
	for i, fd := range list {
		row := []any{i + 1, severityText(fd.Severity), fd.Sheet, fd.Cell, fd.Task, fd.Message, fd.Hint}
		if err := f.SetSheetRow(FeedbackSheet, fmt.Sprintf("A%d", i+3), &row); err != nil {
			return nil, err
		}
		// The cell's place links to the cell.
		if idx, err := f.GetSheetIndex(fd.Sheet); err == nil && idx >= 0 && fd.Cell != "" && !fresh {
			f.SetCellHyperLink(FeedbackSheet, fmt.Sprintf("D%d", i+3), "'"+strings.ReplaceAll(fd.Sheet, "'", "''")+"'!"+fd.Cell, "Location",
				excelize.HyperlinkOpts{Tooltip: ptr("转到" + fd.Sheet + " " + fd.Cell)})
		}
		// Excel, WPS and LibreOffice do not grow a row to its wrapped text on their own.
		lines := max(xlsx.WrappedLines(fd.Message, problemWidth), xlsx.WrappedLines(fd.Hint, hintWidth))
		f.SetRowHeight(FeedbackSheet, i+3, xlsx.RowHeight(lines))
	}
	for col, w := range map[string]float64{"A": 6, "B": 13, "C": 10, "D": 8, "E": 8, "F": problemWidth, "G": hintWidth} {
		f.SetColWidth(FeedbackSheet, col, col, w)
	}
	f.SetPanes(FeedbackSheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
	st, err := xlsx.NewStyles(f)
	if err != nil {
		return nil, err
	}
	f.SetCellStyle(FeedbackSheet, "A1", fmt.Sprintf("G%d", len(list)+2), st.Text)
	f.SetCellStyle(FeedbackSheet, "A2", "G2", st.Header)
	if !fresh && len(list) > 0 {
		link, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: xlsx.BodyFont, Size: xlsx.BodySize, Color: "1F4E9F", Underline: "single"},
			Alignment: &excelize.Alignment{Vertical: "top"}, Border: xlsx.Border})
		if err != nil {
			return nil, err
		}
		f.SetCellStyle(FeedbackSheet, "D3", fmt.Sprintf("D%d", len(list)+2), link)
	}
	if err := xlsx.SetPage(f, FeedbackSheet, xlsx.Page{Landscape: true, TitleRows: 2, Width: 6 + 13 + 10 + 8 + 8 + problemWidth + hintWidth,
		HeaderLeft: s.Unit + " 需修改事项"}); err != nil {
		return nil, err
	}
	if fresh {
		f.DeleteSheet("Sheet1") // the empty sheet of a new workbook
	}
	// In front: the unit's sheets move one place on, and their print titles with them.
	if first := f.GetSheetList()[0]; first != FeedbackSheet {
		if err := xlsx.MoveSheet(f, FeedbackSheet, first); err != nil {
			return nil, err
		}
	}
	if err := xlsx.CheckSheetNames(f); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0) // a unit opens the list first
	var b bytes.Buffer
	f.SetZipWriter(xlsx.FastZip)
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// MarkHeader heads the column a feedback workbook adds to the right of a sheet with findings:
// each row's problems in words, so that they show on a black-and-white print too.
const MarkHeader = "检查标记"

// The marks: an error's, a warning's.
const (
	errorMark   = "✖"
	warningMark = "▲"
)

// markOf is a finding's mark in the 检查标记 column: ✖ or ▲ and the column's header.
func markOf(f *excelize.File, sheet string, col int, sev plan.Severity) string {
	mark := warningMark
	if sev == plan.Error {
		mark = errorMark
	}
	name, _ := excelize.CoordinatesToCellName(col, 1)
	head, _ := f.GetCellValue(sheet, name)
	if head = strings.TrimSpace(head); head == "" || head == MarkHeader {
		head, _ = excelize.ColumnNumberToName(col)
		head += "列"
	}
	return mark + " " + head
}

// markColumn writes the marks of a sheet's rows in the 检查标记 column: the one a feedback
// workbook wrote before, else a new one to the right of the sheet's last column (as x, the
// unit's workbook, has them).
func markColumn(f *excelize.File, x *xlsx.File, sheet string, marks map[int][]string) error {
	rows, err := x.Rows(sheet)
	if err != nil {
		return err
	}
	col, width := 0, 0 // the mark column's index; how many columns the sheet has
	for _, r := range rows {
		width = max(width, len(r))
	}
	col = width
	if len(rows) > 0 {
		for i, h := range rows[0] {
			if strings.TrimSpace(h) == MarkHeader {
				col = i
			}
		}
	}
	name, err := excelize.ColumnNumberToName(col + 1)
	if err != nil {
		return err
	}
	st, err := xlsx.NewStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetCellValue(sheet, name+"1", MarkHeader); err != nil {
		return err
	}
	f.SetCellStyle(sheet, name+"1", name+"1", st.Header)
	f.SetColWidth(sheet, name, name, 9)
	// In row order: the shared strings, and so the workbook's bytes, are the same from one run
	// to the next (a reply already sent is then not a changed message).
	for _, row := range slices.Sorted(maps.Keys(marks)) {
		list := marks[row]
		sort.Strings(list)
		cell := fmt.Sprintf("%s%d", name, row)
		if err := f.SetCellValue(sheet, cell, strings.Join(list, "\n")); err != nil {
			return err
		}
		f.SetCellStyle(sheet, cell, cell, st.Text)
	}
	// The sheet is a column wider: it prints readable still.
	landscape := false
	if l, err := f.GetPageLayout(sheet); err == nil && l.Orientation != nil {
		landscape = *l.Orientation == "landscape"
	}
	return xlsx.Refit(f, sheet, max(width, col+1), landscape)
}

// The marks' fills: an error red, a warning orange (the cells a unit fills are light yellow).
const (
	errorFill   = "FFC7CE"
	warningFill = "F8CBAD"
)

// highlight marks a cell: red and framed in a thick black border for an error, orange for a
// warning, keeping the rest of its style, including whether it is locked.
func highlight(f *excelize.File, sheet, cell string, sev plan.Severity) error {
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		return err
	}
	st, err := f.GetStyle(id)
	if err != nil || st == nil {
		st = &excelize.Style{}
	}
	color := errorFill
	if sev == plan.Warning {
		color = warningFill
	} else {
		st.Border = []excelize.Border{{Type: "left", Color: "000000", Style: 5}, {Type: "right", Color: "000000", Style: 5},
			{Type: "top", Color: "000000", Style: 5}, {Type: "bottom", Color: "000000", Style: 5}}
	}
	st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
	nid, err := f.NewStyle(st)
	if err != nil {
		return err
	}
	return f.SetCellStyle(sheet, cell, cell, nid)
}

func ptr[T any](v T) *T { return &v }

// alsoWarnings mentions the warnings beside a workbook's errors, when there are any.
func alsoWarnings(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("；另有 %d 条提醒供参考", n)
}
