package templates

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"planreport/internal/xlsx"
)

// A period's templates differ only in their unit: its name, its task rows and their
// checksums. A skeleton is the rest, built once by excelize (write.go) with stand-ins for the
// unit's name; each template is the skeleton's parts, the shared ones copied still
// compressed, with the unit's name put in and its task and identification rows written
// straight as XML. Cell by cell through excelize, a template of 73 rows took about 8 ms of
// CPU, most of it marshalling and compressing what every template shares.
type skeleton struct {
	parts  []part
	styles xlsx.Styles
	cols   []column
	o      Options
}

// part is one file of the skeleton's zip.
type part struct {
	header zip.FileHeader
	raw    []byte  // a shared part, compressed as it is written
	pieces []piece // a part with stand-ins or rows to put in: its XML, cut where they go
	sheet  string  // the sheet whose rows it holds: SheetTasks, SheetID or ""
}

// piece is a stretch of a part's XML followed by what a template puts after it.
type piece struct {
	text string
	slot slot
}

// slot is what goes between two pieces of a part's XML.
type slot int

const (
	slotEnd        slot = iota // nothing: the part's last piece
	slotUnit                   // the unit's name (in a sheet's page header, as a header holds it)
	slotUnitLine               // the guide's 填报单位: the unit and those it reports for
	slotCount                  // the guide's 任务数量
	slotReportsFor             // the units it reports for
	slotRows                   // the sheet's rows
	slotAfterRows              // what follows the rows: the task sheet's merged cells and validations
)

// slots are the stand-ins of the skeleton's parts; standInRowsAt and standInAfterRows mark
// where newSkeleton puts a sheet's rows and what follows them.
var slots = map[string]slot{
	standInUnit: slotUnit, standInUnitLine: slotUnitLine, standInRows: slotCount, standInReportsFor: slotReportsFor,
	standInRowsAt: slotRows, standInAfterRows: slotAfterRows,
}

const (
	standInRowsAt    = "\ue000行\ue000"
	standInAfterRows = "\ue000行后\ue000"
)

// cut cuts a part's XML at its stand-ins; an unknown one is an error.
func cut(name, text string) ([]piece, error) {
	var out []piece
	for {
		i := strings.Index(text, standInMark)
		if i < 0 {
			return append(out, piece{text: text}), nil
		}
		j := strings.Index(text[i+len(standInMark):], standInMark)
		if j < 0 {
			return nil, fmt.Errorf("生成报送模板：%s 中的占位符不完整", name)
		}
		stand := text[i : i+2*len(standInMark)+j]
		sl, ok := slots[stand]
		if !ok {
			return nil, fmt.Errorf("生成报送模板：%s 中有未知的占位符 %q", name, stand)
		}
		out = append(out, piece{text: text[:i], slot: sl})
		text = text[i+len(stand):]
	}
}

// newSkeleton builds the skeleton of a period's templates, with last period's columns when
// previous.
func newSkeleton(o Options, previous bool) (*skeleton, error) {
	f, styles, err := build(o, previous)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	paths := map[string]string{} // zip path → sheet, for the sheets with rows of their own
	for _, sheet := range []string{SheetTasks, SheetID} {
		part, ok := xlsx.SheetPart(f, sheet)
		if !ok {
			return nil, fmt.Errorf("生成报送模板：缺少工作表 %s", sheet)
		}
		paths[part] = sheet
	}
	var b bytes.Buffer
	f.SetZipWriter(xlsx.FastZip)
	if _, err := f.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("生成报送模板：%w", err)
	}
	zr, err := xlsx.OpenZip(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("生成报送模板：%w", err)
	}
	if len(paths) != 2 {
		return nil, fmt.Errorf("生成报送模板：工作表 %s 与 %s 是同一个文件", SheetTasks, SheetID)
	}
	s := &skeleton{styles: styles, cols: columnsFor(previous), o: o}
	for _, zf := range zr.File {
		sheet := paths[zf.Name]
		p := part{header: zf.FileHeader, sheet: sheet}
		rc, err := zf.Open()
		if err != nil {
			return nil, fmt.Errorf("生成报送模板：%w", err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("生成报送模板：%w", err)
		}
		if sheet != "" || bytes.Contains(data, []byte(standInMark)) {
			text := string(data)
			switch sheet {
			case SheetTasks:
				text = putRows(text, standInRowsAt, standInAfterRows)
			case SheetID:
				text = putRows(text, standInRowsAt, "")
			}
			if sheet != "" && !strings.Contains(text, standInRowsAt) {
				return nil, fmt.Errorf("生成报送模板：工作表 %s 的结构与预期不同", sheet)
			}
			if p.pieces, err = cut(zf.Name, text); err != nil {
				return nil, err
			}
		} else {
			raw, err := zf.OpenRaw()
			if err != nil {
				return nil, fmt.Errorf("生成报送模板：%w", err)
			}
			if p.raw, err = io.ReadAll(raw); err != nil {
				return nil, fmt.Errorf("生成报送模板：%w", err)
			}
		}
		s.parts = append(s.parts, p)
		delete(paths, zf.Name)
	}
	if len(paths) > 0 {
		return nil, fmt.Errorf("生成报送模板：骨架中缺少 %v", paths)
	}
	return s, nil
}

// bytes returns t's template.
func (s *skeleton) bytes(t *Template) ([]byte, error) {
	if t.hasPrevious() != (len(s.cols) > len(columnsFor(false))) {
		return nil, fmt.Errorf("与骨架的列不同") // a caller's mistake
	}
	var out bytes.Buffer
	zw := xlsx.NewZip(&out)
	for _, p := range s.parts {
		h := p.header
		if p.raw != nil {
			w, err := zw.CreateRaw(&h)
			if err != nil {
				return nil, err
			}
			if _, err := w.Write(p.raw); err != nil {
				return nil, err
			}
			continue
		}
		h.CRC32, h.CompressedSize64, h.UncompressedSize64 = 0, 0, 0
		h.Method = zip.Deflate
		w, err := zw.CreateHeader(&h)
		if err != nil {
			return nil, err
		}
		if err := s.fill(w, p, t); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// fill writes a part's XML for t: its rows written in, its stand-ins replaced.
func (s *skeleton) fill(out io.Writer, p part, t *Template) error {
	w := bufio.NewWriterSize(out, 32<<10) // rows are written a few bytes at a time
	unit := t.Unit.Name
	if strings.HasPrefix(p.header.Name, "xl/worksheets/") {
		unit = xlsx.HeaderText(unit) // a sheet holds the unit's name in its page header
	}
	var after string
	for _, pc := range p.pieces {
		w.WriteString(pc.text)
		var v string
		switch pc.slot {
		case slotUnit:
			v = xlsx.Escape(unit)
		case slotUnitLine:
			line := t.Unit.Name
			if len(t.ReportsFor) > 0 {
				line += "（同时代" + strings.Join(t.ReportsFor, "、") + "填报）"
			}
			v = xlsx.Escape(line)
		case slotCount:
			v = strconv.Itoa(len(t.Rows)) + " 项"
		case slotReportsFor:
			v = xlsx.Escape(strings.Join(t.ReportsFor, "、"))
		case slotRows:
			switch p.sheet {
			case SheetTasks:
				merges, validations := s.taskRows(w, t)
				after = merges + validations
			case SheetID:
				s.idRows(w, t)
			}
		case slotAfterRows:
			v = after
		}
		w.WriteString(v)
	}
	return w.Flush() // a bufio.Writer keeps its first error
}

// putRows puts a sheet's rows in place of the skeleton's empty sheetData, and after it,
// before the page margins as the schema orders them, the merged cells and validations.
func putRows(text, rows, after string) string {
	if start, end, ok := xlsx.EmptySheetData(text); ok {
		text = text[:start] + "<sheetData>" + rows + "</sheetData>" + text[end:]
	}
	if after != "" {
		i := strings.Index(text, "<pageMargins")
		if i < 0 {
			i = strings.Index(text, "</worksheet>")
		}
		text = text[:i] + after + text[i:]
	}
	return text
}

// taskRows writes the task sheet's rows: the header, a row per task, and the filler row
// (who filled it, who checked it); then its merged cells and its validations (the status
// drop-downs, the progress range, the date's prompt).
func (s *skeleton) taskRows(w *bufio.Writer, t *Template) (merges, validations string) {
	b := xlsx.NewRowWriter(w)
	cols := s.cols
	headLines := 1
	for _, c := range cols {
		headLines = max(headLines, xlsx.WrappedLines(c.header, c.width))
	}
	b.StartRow(1, xlsx.RowHeight(headLines)+4)
	for i, c := range cols {
		b.Text(i+1, 1, s.styles.Header, c.header)
	}
	b.EndRow()
	firstFill := len(cols) - len(FillColumns) + 1
	previous := t.hasPrevious()
	for i, r := range t.Rows {
		row := i + 2
		values := []string{r.TaskID, r.Section, r.Text, r.Duty, shownLeads(r.Lead), shownDeadline(r.Deadline)}
		if previous {
			values = append(values, r.PrevStatus, r.PrevProgress)
		}
		// Clients do not grow rows to fit wrapped text on their own: size each row for its
		// longest cell, and leave room for the unit's own text.
		lines := 3
		for i, v := range values {
			lines = max(lines, xlsx.WrappedLines(v, cols[i].width))
		}
		b.StartRow(row, xlsx.RowHeight(lines))
		for i, v := range values {
			b.Text(i+1, row, s.styles.Locked, cellText(v))
		}
		for c := firstFill; c <= len(cols); c++ {
			b.Text(c, row, s.styles.Input, "")
		}
		b.EndRow()
	}

	// The filler row: each label over the columns up to its value.
	var dv strings.Builder
	n := len(t.Rows) + 1
	if n > 1 {
		status, _ := excelize.ColumnNumberToName(firstFill)
		percent, _ := excelize.ColumnNumberToName(firstFill + 1)
		// Rows of ongoing tasks also offer 常态化推进: group consecutive rows of each kind.
		for i := 0; i < len(t.Rows); {
			j := i
			for j < len(t.Rows) && t.Rows[j].Ongoing == t.Rows[i].Ongoing {
				j++
			}
			list, words := "$A$1:$A$4", Statuses
			if t.Rows[i].Ongoing {
				list, words = "$B$1:$B$5", OngoingStatuses
			}
			choose := "请从下拉列表选择：" + strings.Join(words, "、")
			validation(&dv, validationRule{sqref: fmt.Sprintf("%s%d:%s%d", status, i+2, status, j+1), kind: "list",
				formula1: "'" + SheetLists + "'!" + list, title: "完成状态", prompt: choose, errTitle: "完成状态无效", err: choose})
			i = j
		}
		validation(&dv, validationRule{sqref: fmt.Sprintf("%s2:%s%d", percent, percent, n), kind: "whole", operator: "between",
			formula1: "0", formula2: "100", title: "完成进度(%)", prompt: "填写 0 到 100 的整数，例如 80 表示完成 80%",
			errTitle: "完成进度无效", err: "完成进度应为 0 到 100 的整数（不带 % 号）"})
	}
	row := FillerRow(len(t.Rows))
	type filled struct {
		style int
		value string
	}
	cells := map[int]filled{}
	var merged []string
	lines := 1
	for _, l := range FillerLayout {
		label, value := t.column(l.LabelUnder)+1, t.column(l.ValueUnder)+1
		for c := label + 1; c < value; c++ {
			cells[c] = filled{s.styles.Label, ""} // the label spans the columns up to its value
		}
		if value-label > 1 {
			from, _ := excelize.CoordinatesToCellName(label, row)
			to, _ := excelize.CoordinatesToCellName(value-1, row)
			merged = append(merged, from+":"+to)
		}
		cells[label] = filled{s.styles.Label, l.Label}
		cells[value] = filled{s.styles.Input, ""}
		lines = max(lines, xlsx.WrappedLines(l.Label, cols[label-1].width))
		if l.Label == "填报日期" {
			cell, _ := excelize.CoordinatesToCellName(value, row)
			validation(&dv, validationRule{sqref: cell, title: "填报日期", prompt: "例如 2024-01-05"})
		}
	}
	b.StartRow(row, xlsx.RowHeight(max(lines, 2)))
	for c := 1; c <= len(cols); c++ {
		if f, ok := cells[c]; ok {
			b.Text(c, row, f.style, cellText(f.value))
		}
	}
	b.EndRow()
	if len(merged) > 0 {
		merges = `<mergeCells count="` + strconv.Itoa(len(merged)) + `">`
		for _, m := range merged {
			merges += `<mergeCell ref="` + m + `"/>`
		}
		merges += "</mergeCells>"
	}
	if dv.Len() > 0 {
		validations = `<dataValidations count="` + strconv.Itoa(strings.Count(dv.String(), "<dataValidation ")) + `">` + dv.String() + "</dataValidations>"
	}
	return merges, validations
}

// idRows writes the identification sheet's rows: the facts, the row count, and each task
// row's id and the checksum of its locked cells.
func (s *skeleton) idRows(w *bufio.Writer, t *Template) {
	b := xlsx.NewRowWriter(w)
	n := 1
	line := func(k, v string) {
		b.StartRow(n, 0)
		b.Text(1, n, s.styles.Locked, cellText(k))
		b.Text(2, n, s.styles.Locked, cellText(v))
		b.EndRow()
		n++
	}
	for _, kv := range identityFacts(s.o, t.Unit.Name, strings.Join(t.ReportsFor, "、")) {
		line(kv[0], kv[1])
	}
	line(KeyRows, strconv.Itoa(len(t.Rows)))
	for _, r := range t.Rows {
		line(r.TaskID, RowChecksum(r.Locked()))
	}
	line("", "") // the styled row after the last, as the sheet always had
}

// maxCellChars is the most characters a cell holds in Excel.
const maxCellChars = 32767

// cellText is a cell's text as a client keeps it: at most maxCellChars UTF-16 units.
func cellText(s string) string {
	if len(s) <= maxCellChars { // UTF-16 units never outnumber UTF-8 bytes
		return s
	}
	n := 0
	for i, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
		if n > maxCellChars {
			return s[:i]
		}
	}
	return s
}

var formulaEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// validationRule is one data validation of the task sheet: a drop-down list, a whole-number
// range, or (no kind) only a prompt.
type validationRule struct {
	sqref, kind, operator, formula1, formula2 string
	title, prompt, errTitle, err              string
}

func validation(b *strings.Builder, v validationRule) {
	b.WriteString(`<dataValidation allowBlank="1"`)
	attr := func(name, value string) {
		if value != "" {
			b.WriteString(" " + name + `="` + xlsx.Escape(value) + `"`)
		}
	}
	if v.err != "" {
		attr("error", v.err)
		attr("errorStyle", "stop")
		attr("errorTitle", v.errTitle)
	}
	attr("operator", v.operator)
	attr("prompt", v.prompt)
	attr("promptTitle", v.title)
	if v.err != "" {
		attr("showErrorMessage", "1")
	}
	attr("showInputMessage", "1")
	attr("sqref", v.sqref)
	attr("type", v.kind)
	b.WriteString(">")
	// A formula's quotes stay as written: excelize reads a formula's XML as it stands.
	if v.formula1 != "" {
		b.WriteString("<formula1>" + formulaEscaper.Replace(v.formula1) + "</formula1>")
	}
	if v.formula2 != "" {
		b.WriteString("<formula2>" + formulaEscaper.Replace(v.formula2) + "</formula2>")
	}
	b.WriteString("</dataValidation>")
}
