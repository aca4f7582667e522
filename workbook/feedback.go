package workbook

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
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
	zr, err := xlsx.OpenZip(data)
	open, why := err == nil, "" // not a zip: the findings say the file is not a workbook
	if open {
		open, why = annotatable(zr)
	}
	template := RemedyOf(s.Findings) == RemedyTemplate
	if open && !template {
		if out, err = annotate(s, zr, data, resubmit); err != nil {
			why = whyNotAnnotated(err)
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
		out, err = listWorkbook(s, note, resubmit)
		return out, false, err
	}
	return out, true, nil
}

// Bounds of a returned workbook that WriteFeedback annotates: a template is a few hundred
// rows; a sheet styled over a million empty rows is not annotated (it would cost seconds and
// hundreds of MB).
const (
	maxAnnotatedBytes = 32 << 20 // the package, uncompressed
	maxAnnotatedRows  = 20000    // rows in the sheets with findings
	maxAnnotatedCells = 1 << 20  // cells in the sheets with findings
)

// tooLarge is a workbook with more rows or cells than WriteFeedback annotates.
type tooLarge struct{ rows int }

func (e tooLarge) Error() string { return fmt.Sprintf("%d rows", e.rows) }

// whyNotAnnotated says, for the unit, why its workbook could not be annotated.
func whyNotAnnotated(err error) string {
	var large tooLarge
	switch {
	case errors.As(err, &large):
		return fmt.Sprintf("原表过大，无法在原表上标注（工作表有 %d 行以上）", large.rows)
	case errors.Is(err, xlsx.ErrTooBig):
		return "原表过大，无法在原表上标注"
	case errors.Is(err, xlsx.ErrDoctype):
		return doctypeNote
	case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrChecksum), errors.Is(err, io.ErrUnexpectedEOF):
		return "原表已损坏，无法在原表上标注"
	}
	return "原表无法在原格式上标注（" + errorText(err) + "）"
}

const doctypeNote = "原表含有 XML 实体声明（DOCTYPE），不是 Excel 或 WPS 保存的文件，未在原表上标注"

// annotatable tells whether WriteFeedback can try to annotate a returned workbook in place:
// a package that is not .ods, within the size bound, no XML part of it declaring a document
// type (where entities are declared: Excel, WPS and LibreOffice never write one, and a
// feedback workbook does not send one back). When it cannot, why says so for the unit. Only
// the start of each part is read: the rows are counted in the sheets that are annotated.
func annotatable(zr *zip.Reader) (ok bool, why string) {
	if xlsx.OpenDocumentType(zr) == xlsx.ODS {
		return false, "原表是 .ods 格式，未在原表上标注"
	}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
	}
	if total > maxAnnotatedBytes || len(zr.File) > DefaultLimits.MaxEntries {
		return false, fmt.Sprintf("原表过大，无法在原表上标注（解压后 %d MB）", total>>20)
	}
	var head [1024]byte
	for _, zf := range zr.File {
		name := strings.ToLower(zf.Name)
		if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") && !strings.HasSuffix(name, ".vml") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return false, "原表已损坏，无法在原表上标注"
		}
		n, err := io.ReadFull(rc, head[:])
		rc.Close()
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return false, "原表已损坏，无法在原表上标注"
		}
		if bytes.Contains(head[:n], []byte("<!DOCTYPE")) || bytes.Contains(head[:n], []byte("<!ENTITY")) {
			return false, doctypeNote
		}
	}
	return true, ""
}

// countTags counts the rows and cells of a worksheet's XML.
func countTags(data []byte) (rows, cells int) {
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '<')
		if j < 0 {
			return rows, cells
		}
		i += j + 1
		next := data[i:min(i+16, len(data))]
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

// listWorkbook is the feedback workbook of the list alone, with note saying why the unit's
// workbook is not annotated.
func listWorkbook(s Submission, note, resubmit string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", FeedbackSheet); err != nil {
		return nil, err
	}
	if err := writeList(f, s, note, resubmit, nil); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	f.SetZipWriter(xlsx.FastZip)
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// commentAuthor is who the comments on a unit's cells are from.
const commentAuthor = "报送办公室" // the office, as units know it

// annotate is the unit's own workbook with its cells marked and the list in front. Only the
// parts that change are rewritten (the sheets with findings and their comments, the styles,
// the workbook's list of sheets); the rest are copied as the unit's program wrote them, still
// compressed. The marked cells' styles and the list are made by excelize in a workbook of
// their own that holds the unit's styles (carrier), so that their ids are the unit's; the
// unit's sheets are edited as XML (xlsx.SheetEdit), never parsed whole by excelize, which
// took twice as long. A panic in excelize on a strange workbook is an error.
func annotate(s Submission, zr *zip.Reader, data []byte, resubmit string) (out []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, fmt.Errorf("%v", v)
		}
	}()
	p, err := xlsx.OpenPackage(zr, maxAnnotatedBytes)
	if err != nil {
		return nil, err
	}
	stylesPart, _, ok := p.Related(p.WorkbookPart(), "styles")
	if !ok || !p.Has(stylesPart) {
		return nil, xlsx.ErrUnusualXML
	}
	names, parts, err := p.Sheets()
	if err != nil {
		return nil, err
	}
	part := map[string]string{} // the sheets there are, by name
	for i, n := range names {
		if parts[i] != "" && p.Has(parts[i]) && n != FeedbackSheet {
			part[n] = parts[i]
		}
	}

	// The cells to mark: one comment per cell, with all of its findings.
	type key struct{ sheet, cell string }
	notes := map[key][]plan.Finding{}
	bySheet := map[string][]key{}
	for _, fd := range s.Findings {
		if fd.Sheet == "" || fd.Cell == "" || part[fd.Sheet] == "" {
			continue
		}
		if _, _, err := excelize.CellNameToCoordinates(fd.Cell); err != nil {
			continue
		}
		k := key{fd.Sheet, fd.Cell}
		if _, ok := notes[k]; !ok {
			bySheet[k.sheet] = append(bySheet[k.sheet], k)
		}
		notes[k] = append(notes[k], fd)
	}

	f, err := carrier(p, stylesPart)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := xlsx.NewStyles(f)
	if err != nil {
		return nil, err
	}
	if len(bySheet) > 0 {
		// The sheets' rows as the unit left them, read by the reader collect checks with.
		x, err := xlsx.OpenSheets(zr, data, maxAnnotatedBytes, func(sheet string) bool { return bySheet[sheet] != nil })
		if err != nil {
			return nil, err
		}
		defer x.Close()
		type was struct {
			style int
			sev   plan.Severity
		}
		styles := map[was]int{} // a cell's style and severity → its marked style
		nrows, ncells := 0, 0   // in the sheets read so far
		for _, sheet := range slices.Sorted(maps.Keys(bySheet)) {
			b, err := p.Read(part[sheet])
			if err != nil {
				return nil, err
			}
			r, c := countTags(b)
			if nrows, ncells = nrows+r, ncells+c; nrows > maxAnnotatedRows || ncells > maxAnnotatedCells {
				return nil, tooLarge{nrows}
			}
			e, err := xlsx.EditSheet(b)
			if err != nil {
				return nil, fmt.Errorf("%s：%w", sheet, err)
			}
			rows, err := x.Rows(sheet)
			if err != nil {
				return nil, err
			}
			marks := map[int][]string{} // row → the mark of each cell with a finding
			var comments []xlsx.Note
			for _, k := range bySheet[sheet] {
				worst := plan.Warning
				var text []string
				for _, fd := range notes[k] {
					if fd.Severity == plan.Error {
						worst = plan.Error
					}
					text = append(text, fd.Message+"。"+fd.Hint)
				}
				col, row, _ := excelize.CellNameToCoordinates(k.cell)
				w := was{e.Style(col, row), worst}
				marked, ok := styles[w]
				if !ok {
					if marked, err = highlight(f, w.style, worst); err != nil {
						return nil, fmt.Errorf("标注 %s %s：%w", k.sheet, k.cell, err)
					}
					styles[w] = marked
				}
				e.SetStyle(col, row, marked)
				marks[row] = append(marks[row], markOf(rows, col, worst))
				comments = append(comments, xlsx.Note{Col: col, Row: row, Text: strings.Join(text, "\n")})
			}
			columns, err := markColumn(e, rows, marks, st)
			if err != nil {
				return nil, err
			}
			rid, err := p.SetComments(part[sheet], e.LegacyDrawing(), commentAuthor, comments)
			if err != nil {
				return nil, fmt.Errorf("批注 %s：%w", sheet, err)
			}
			b, err = e.Bytes(rid, columns)
			if err != nil {
				return nil, fmt.Errorf("标注 %s：%w", sheet, err)
			}
			p.Set(part[sheet], b)
		}
	}

	// The list, in front, and the carrier's styles in place of the unit's.
	if err := writeList(f, s, "", resubmit, func(sheet string) bool { return part[sheet] != "" }); err != nil {
		return nil, err
	}
	made, err := carried(f)
	if err != nil {
		return nil, err
	}
	if made[carrierStyles] == nil || made[carrierSheet] == nil {
		return nil, fmt.Errorf("excelize wrote no styles or list sheet")
	}
	p.Set(stylesPart, made[carrierStyles])
	list := made[carrierSheet]
	if sst := made[carrierStrings]; sst != nil {
		if list, err = xlsx.InlineStrings(list, sst); err != nil {
			return nil, err
		}
	}
	if err := p.PutSheetFirst(FeedbackSheet, list, 2); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := p.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// The carrier's parts: the list sheet, the styles, the list's strings, the unit's theme.
const (
	carrierSheet   = "xl/worksheets/sheet1.xml"
	carrierStyles  = "xl/styles.xml"
	carrierStrings = "xl/sharedStrings.xml"
	carrierTheme   = "xl/theme/theme1.xml"
)

// carrier is a workbook of one empty sheet, the list's, with the unit's styles and theme:
// excelize adds the marked cells' styles and writes the list there, with style ids that are
// the unit's, without reading the unit's sheets. The list's strings go in the carrier's own
// shared strings, and into the list as inline strings (InlineStrings): the unit's table is
// left as it is.
func carrier(p *xlsx.Package, stylesPart string) (*excelize.File, error) {
	styles, err := p.Read(stylesPart)
	if err != nil {
		return nil, err
	}
	var theme []byte
	if part, _, ok := p.Related(p.WorkbookPart(), "theme"); ok && p.Has(part) {
		if theme, err = p.Read(part); err != nil {
			return nil, err
		}
	}
	if theme != nil {
		f, err := openCarrier(styles, theme)
		if err != nil || f.Theme != nil {
			return f, err
		}
		f.Close()
	}
	// excelize reads no colour of a style without a theme it can read (GetStyle gives "" for
	// every one, and NewStyle then writes rgb="FF", which openpyxl refuses): LibreOffice saves
	// none, and excelize does not read openpyxl's. The default theme then resolves the
	// marked cells' theme colours.
	if theme, err = defaultTheme(); err != nil {
		return nil, err
	}
	return openCarrier(styles, theme)
}

// openCarrier opens a carrier of those styles and theme.
func openCarrier(styles, theme []byte) (*excelize.File, error) {
	const ns = "http://schemas.openxmlformats.org/"
	parts := []struct {
		name string
		data []byte
	}{
		{"[Content_Types].xml", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Types xmlns="` + ns + `package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
			`<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/></Types>`)},
		{"_rels/.rels", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="` + ns + `package/2006/relationships"><Relationship Id="rId1" Type="` + ns + `officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)},
		{"xl/workbook.xml", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<workbook xmlns="` + ns + `spreadsheetml/2006/main" xmlns:r="` + ns + `officeDocument/2006/relationships"><sheets><sheet name="` + FeedbackSheet + `" sheetId="1" r:id="rId1"/></sheets></workbook>`)},
		{"xl/_rels/workbook.xml.rels", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="` + ns + `package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + ns + `officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="` + ns + `officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
			`<Relationship Id="rId3" Type="` + ns + `officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` +
			`<Relationship Id="rId4" Type="` + ns + `officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/></Relationships>`)},
		{carrierSheet, []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<worksheet xmlns="` + ns + `spreadsheetml/2006/main" xmlns:r="` + ns + `officeDocument/2006/relationships"><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetData/></worksheet>`)}, // the tab in view
		{carrierStyles, styles},
		{carrierTheme, theme},
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, part := range parts {
		if part.data == nil {
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: part.name, Method: zip.Store})
		if err != nil {
			return nil, err
		}
		w.Write(part.data)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return excelize.OpenReader(&b, excelize.Options{UnzipSizeLimit: maxAnnotatedBytes, UnzipXMLSizeLimit: maxAnnotatedBytes})
}

// defaultTheme is the theme of a new excelize workbook.
var defaultTheme = sync.OnceValues(func() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	made, err := carried(f)
	return made[carrierTheme], err
})

// carried are the carrier's parts as excelize writes them.
func carried(f *excelize.File) (map[string][]byte, error) {
	var b bytes.Buffer
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return storedZip{zip.NewWriter(w)} })
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/worksheets/_rels/") {
			return nil, fmt.Errorf("the list sheet has relationships (%s)", zf.Name)
		}
		if zf.Name != carrierSheet && zf.Name != carrierStyles && zf.Name != carrierStrings && zf.Name != carrierTheme {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		out[zf.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// storedZip writes a carrier's parts uncompressed: they are read back at once.
type storedZip struct{ *zip.Writer }

func (z storedZip) Create(name string) (io.Writer, error) {
	return z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
}

// writeList writes the list of what to fix into the sheet FeedbackSheet of f: a title saying
// what to do and by when (with note saying why the unit's workbook is not annotated, when it
// is not), then a row per finding, each cell's place linked to the cell when links says its
// sheet is there.
func writeList(f *excelize.File, s Submission, note, resubmit string, links func(sheet string) bool) error {
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
		return err
	}
	f.MergeCell(FeedbackSheet, "A1", "G1")
	f.SetRowHeight(FeedbackSheet, 1, xlsx.RowHeight(xlsx.WrappedLines(title, 150)))
	headers := []any{"序号", "严重程度", "工作表", "单元格", "任务编号", "问题", "修改方法"}
	if err := f.SetSheetRow(FeedbackSheet, "A2", &headers); err != nil {
		return err
	}
	const problemWidth, hintWidth = 55, 50
	linked := false
	for i, fd := range list {
		row := []any{i + 1, severityText(fd.Severity), fd.Sheet, fd.Cell, fd.Task, fd.Message, fd.Hint}
		if err := f.SetSheetRow(FeedbackSheet, fmt.Sprintf("A%d", i+3), &row); err != nil {
			return err
		}
		// The cell's place links to the cell.
		if links != nil && links(fd.Sheet) && fd.Cell != "" {
			f.SetCellHyperLink(FeedbackSheet, fmt.Sprintf("D%d", i+3), "'"+strings.ReplaceAll(fd.Sheet, "'", "''")+"'!"+fd.Cell, "Location",
				excelize.HyperlinkOpts{Tooltip: ptr("转到" + fd.Sheet + " " + fd.Cell)})
			linked = true
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
		return err
	}
	f.SetCellStyle(FeedbackSheet, "A1", fmt.Sprintf("G%d", len(list)+2), st.Text)
	f.SetCellStyle(FeedbackSheet, "A2", "G2", st.Header)
	if linked {
		link, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: xlsx.BodyFont, Size: xlsx.BodySize, Color: "1F4E9F", Underline: "single"},
			Alignment: &excelize.Alignment{Vertical: "top"}, Border: xlsx.Border})
		if err != nil {
			return err
		}
		f.SetCellStyle(FeedbackSheet, "D3", fmt.Sprintf("D%d", len(list)+2), link)
	}
	return xlsx.SetPage(f, FeedbackSheet, xlsx.Page{Landscape: true, TitleRows: 2, Width: 6 + 13 + 10 + 8 + 8 + problemWidth + hintWidth,
		HeaderLeft: s.Unit + " 需修改事项"})
}

// MarkHeader heads the column a feedback workbook adds to the right of a sheet with findings:
// each row's problems in words, so that they show on a black-and-white print too.
const MarkHeader = "检查标记"

// The marks: an error's, a warning's.
const (
	errorMark   = "✖"
	warningMark = "▲"
)

// markOf is a finding's mark in the 检查标记 column: ✖ or ▲ and the header of its column
// (1-based col) in the sheet's rows.
func markOf(rows [][]string, col int, sev plan.Severity) string {
	mark := warningMark
	if sev == plan.Error {
		mark = errorMark
	}
	head := ""
	if len(rows) > 0 && col-1 < len(rows[0]) {
		head = strings.TrimSpace(rows[0][col-1])
	}
	if head == "" || head == MarkHeader {
		head, _ = excelize.ColumnNumberToName(col)
		head += "列"
	}
	return mark + " " + head
}

// markColumn writes the marks of a sheet's rows in the 检查标记 column: the one a feedback
// workbook wrote before, else a new one to the right of the sheet's last column (as rows, the
// unit's workbook, has them). It returns how many columns the sheet now prints; an error when
// the sheet's last column is Excel's last (XFD).
func markColumn(e *xlsx.SheetEdit, rows [][]string, marks map[int][]string, st xlsx.Styles) (int, error) {
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
	if col+1 > xlsx.MaxCols {
		return 0, fmt.Errorf("工作表已用到最后一列（XFD），没有位置加“%s”列", MarkHeader)
	}
	e.SetText(col+1, 1, MarkHeader, st.Header)
	e.SetColWidth(col+1, 9)
	for row, list := range marks {
		sort.Strings(list)
		e.SetText(col+1, row, strings.Join(list, "\n"), st.Text)
	}
	return max(width, col+1), nil
}

// The marks' fills: an error red, a warning orange (the cells a unit fills are light yellow).
const (
	errorFill   = "FFC7CE"
	warningFill = "F8CBAD"
)

// highlight is the style of a cell of style id marked: red and framed in a thick black border
// for an error, orange for a warning, keeping the rest of its style, including whether it is
// locked.
func highlight(f *excelize.File, id int, sev plan.Severity) (int, error) {
	st, err := f.GetStyle(id)
	if err != nil || st == nil {
		st = &excelize.Style{}
	}
	// GetStyle gives an aRGB colour as written (openpyxl writes 00000000) and NewStyle puts
	// FF in front of what it is given: an RGB it must be.
	rgb := func(c string) string {
		if len(c) == 8 {
			return c[2:]
		}
		return c
	}
	if st.Font != nil {
		st.Font.Color = rgb(st.Font.Color)
	}
	for i := range st.Border {
		st.Border[i].Color = rgb(st.Border[i].Color)
	}
	color := errorFill
	if sev == plan.Warning {
		color = warningFill
	} else {
		st.Border = []excelize.Border{{Type: "left", Color: "000000", Style: 5}, {Type: "right", Color: "000000", Style: 5},
			{Type: "top", Color: "000000", Style: 5}, {Type: "bottom", Color: "000000", Style: 5}}
	}
	st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
	return f.NewStyle(st)
}

func ptr[T any](v T) *T { return &v }

// alsoWarnings mentions the warnings beside a workbook's errors, when there are any.
func alsoWarnings(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("；另有 %d 条提醒供参考", n)
}
