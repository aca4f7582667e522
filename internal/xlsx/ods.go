package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
)

// OpenDocument spreadsheets (.ods, ISO/IEC 26300), LibreOffice's own format, are read into the
// same File as a workbook: sheets in order with their state, rows of raw cell values as Rows
// gives them for .xlsx, formulas (as written, without "of:="), and the user-defined document
// properties of meta.xml as Props, where LibreOffice keeps an .xlsx's custom properties when it
// saves one as .ods. Parts are read as .xlsx parts are, against the same budget of uncompressed
// bytes, and a sheet expands to no more cells than an .xlsx sheet may: ODF compresses repeated
// rows and cells (a row "repeated" 1,048,000 times is how LibreOffice writes the empty rest of a
// sheet), and only repeated values are expanded.

// ODS is the media type of an OpenDocument spreadsheet, as its mimetype part holds it.
const ODS = "application/vnd.oasis.opendocument.spreadsheet"

// ErrEncrypted is the error of an OpenDocument file saved with a password: its parts are
// encrypted and cannot be read.
var ErrEncrypted = errors.New("文件设置了打开密码")

// OpenDocumentType returns the media type an OpenDocument package declares in its mimetype
// part (ODS for a spreadsheet, …opendocument.text for a text document), or "" when the zip is
// not one.
func OpenDocumentType(zr *zip.Reader) string {
	for _, zf := range zr.File {
		if zf.Name != "mimetype" {
			continue
		}
		if zf.UncompressedSize64 > 256 {
			return ""
		}
		rc, err := zf.Open()
		if err != nil {
			return ""
		}
		defer rc.Close()
		b, _ := io.ReadAll(io.LimitReader(rc, 256))
		return strings.TrimSpace(string(b))
	}
	return ""
}

// OpenODS opens an OpenDocument spreadsheet from a zip package's bytes, parsing every sheet
// (they share one part, content.xml). ErrTooBig means it expands beyond maxUnzipped,
// ErrEncrypted that it was saved with a password, ErrNotSpreadsheet that it has no
// spreadsheet in it.
func OpenODS(zr *zip.Reader, data []byte, maxUnzipped int64) (*File, error) {
	x := &File{data: data, limit: maxUnzipped, parts: make(map[string]*zip.File, len(zr.File)), lower: make(map[string]*zip.File, len(zr.File)), budget: maxUnzipped,
		exTried: true} // excelize cannot open it: formulas are not calculated again
	for _, zf := range zr.File {
		x.unzipped += zf.UncompressedSize64
		name := strings.TrimPrefix(strings.ReplaceAll(zf.Name, `\`, "/"), "/")
		x.parts[name] = zf
		x.lower[strings.ToLower(name)] = zf
	}
	manifest, err := x.read("META-INF/manifest.xml")
	if err != nil && !errors.Is(err, errNoPart) {
		return nil, err
	}
	if bytes.Contains(manifest, []byte("encryption-data")) {
		return nil, ErrEncrypted
	}
	content, err := x.read("content.xml")
	if errors.Is(err, errNoPart) {
		return nil, ErrNotSpreadsheet
	}
	if err != nil {
		return nil, err
	}
	if err := x.readContent(content); err != nil {
		return nil, err
	}
	meta, err := x.read("meta.xml")
	if err != nil && !errors.Is(err, errNoPart) {
		return nil, err
	}
	x.props, x.title = x.readMeta(meta)
	return x, nil
}

// readContent reads content.xml: the tables' names, whether each is shown (its automatic
// style's table:display), and their rows.
func (x *File) readContent(data []byte) error {
	s := scanner{b: data}
	hidden := map[string]bool{} // automatic table styles that hide their table
	style := ""                 // the table style being read
	spreadsheet := false
	cells := 0 // cells expanded, all sheets together
	for {
		kind, name, attrs := s.next()
		if kind == tagNone {
			break
		}
		if kind == tagEnd {
			if string(name) == "style" {
				style = ""
			}
			continue
		}
		switch string(name) {
		case "style":
			if x.attr(attrs, "family") == "table" {
				style = x.attr(attrs, "name")
			}
		case "table-properties":
			if style != "" && x.attr(attrs, "display") == "false" {
				hidden[style] = true
			}
		case "spreadsheet":
			spreadsheet = true
		case "table":
			if !spreadsheet {
				continue
			}
			sh := Sheet{Name: x.attr(attrs, "name"), Part: "content.xml", done: true}
			if hidden[x.attr(attrs, "style-name")] {
				sh.State = "hidden"
			}
			if kind == tagStart {
				var err error
				if sh.rows, sh.formulas, err = x.parseTable(&s, &cells); err != nil {
					return err
				}
			}
			x.sheets = append(x.sheets, sh)
		}
	}
	if !spreadsheet {
		return ErrNotSpreadsheet
	}
	return nil
}

// parseTable reads a table's rows up to its end tag. Rows inside header-row, row-group and
// rows elements count as the table's own; a table nested in a cell (a subtable) is skipped.
func (x *File) parseTable(s *scanner, cells *int) ([][]string, map[cellPos]string, error) {
	var (
		rows     [][]string
		formulas map[cellPos]string
		row      = 0 // the next row, 0-based
	)
	for {
		kind, name, attrs := s.next()
		switch {
		case kind == tagNone:
			return trimRows(rows), formulas, nil
		case kind == tagEnd:
			if string(name) == "table" {
				return trimRows(rows), formulas, nil
			}
			continue
		}
		switch string(name) {
		case "table-header-rows", "table-row-group", "table-rows", "table-column", "table-columns", "table-header-columns", "table-column-group":
			continue // containers of rows, and the columns' styles
		case "table-row":
		default: // shapes, named ranges, forms, protection…
			if kind == tagStart {
				s.skip(string(name))
			}
			continue
		}
		repeat := positive(x.attrBytes(attrs, "number-rows-repeated"))
		var r []string
		var rowFormulas map[int]string
		if kind == tagStart {
			var err error
			if r, rowFormulas, err = x.parseRow(s, cells); err != nil {
				return nil, nil, err
			}
		}
		if row+repeat > MaxRows {
			if len(r) > 0 {
				return nil, nil, ErrSheetTooLarge
			}
			// LibreOffice writes the empty rest of a sheet as repeated rows, up to the last.
			repeat = max(MaxRows-row, 0)
		}
		if len(r) == 0 {
			row += repeat
			continue
		}
		*cells += max(row-len(rows), 0) + len(r)*repeat // the empty rows before it, and its cells
		if *cells > maxSheetCells {
			return nil, nil, ErrSheetTooLarge
		}
		for len(rows) < row {
			rows = append(rows, nil)
		}
		for k := 0; k < repeat; k++ {
			rr := r
			if k > 0 {
				rr = append([]string(nil), r...)
			}
			rows = append(rows, rr)
			for c, f := range rowFormulas {
				if formulas == nil {
					formulas = map[cellPos]string{}
				}
				formulas[cellPos{row, c}] = f
			}
			row++
		}
	}
}

// parseRow reads a row's cells up to its end tag: the row padded with "" up to its last cell
// with a value, and the formulas by column.
func (x *File) parseRow(s *scanner, cells *int) ([]string, map[int]string, error) {
	var (
		r        []string
		formulas map[int]string
		col      = 0
	)
	for {
		kind, name, attrs := s.next()
		switch {
		case kind == tagNone:
			return r, formulas, nil
		case kind == tagEnd:
			if string(name) == "table-row" {
				return r, formulas, nil
			}
			continue
		}
		if string(name) != "table-cell" && string(name) != "covered-table-cell" {
			if kind == tagStart {
				s.skip(string(name))
			}
			continue
		}
		repeat := positive(x.attrBytes(attrs, "number-columns-repeated"))
		val := x.cellValue(attrs)
		if kind == tagStart {
			text := x.cellText(s, string(name))
			if val == "" && isText(x.attrBytes(attrs, "value-type")) || bytes.Contains(attrs, []byte(`calcext:value-type="error"`)) {
				val = text // an error (#DIV/0!) is written as a number with its text
			}
		}
		formula := ""
		if f := x.attr(attrs, "formula"); f != "" {
			formula = odfFormula(f)
		}
		if val == "" && formula == "" {
			col += repeat
			if col > MaxCols {
				col = MaxCols // LibreOffice writes the empty rest of a row as repeated cells
			}
			continue
		}
		if col+repeat > MaxCols {
			return nil, nil, ErrSheetTooLarge
		}
		*cells += col + repeat - len(r)
		if *cells > maxSheetCells {
			return nil, nil, ErrSheetTooLarge
		}
		for len(r) < col {
			r = append(r, "")
		}
		for k := 0; k < repeat; k++ {
			r = append(r, val)
			if formula != "" {
				if formulas == nil {
					formulas = map[int]string{}
				}
				formulas[col] = formula
			}
			col++
		}
	}
}

// isText tells a cell whose value is its text: a string, or no value type at all (a cell
// with text only, as some writers leave it).
func isText(valueType []byte) bool {
	return len(valueType) == 0 || string(valueType) == "string"
}

// cellValue is a cell's value from its attributes, as an .xlsx cell's raw value reads: a
// number in its shortest form, a date as its serial, a boolean as TRUE or FALSE; "" for a
// string (its text is read from its paragraphs) or an empty cell.
func (x *File) cellValue(attrs []byte) string {
	switch string(x.attrBytes(attrs, "value-type")) {
	case "float", "percentage", "currency":
		return odfNumber(x.attrBytes(attrs, "value"))
	case "date":
		return isoDateSerial(x.attr(attrs, "date-value"))
	case "time":
		return timeSerial(x.attr(attrs, "time-value"))
	case "boolean":
		switch x.attr(attrs, "boolean-value") {
		case "true":
			return "TRUE"
		case "false":
			return "FALSE"
		}
	case "string":
		// A string-value attribute, when present, is the value instead of the text.
		return x.attr(attrs, "string-value")
	}
	return ""
}

// timeSerial turns an ODF duration (PT12H30M00S) into the fraction of a day an .xlsx time
// cell holds; a value it cannot read is returned as it is.
func timeSerial(v string) string {
	rest, ok := strings.CutPrefix(v, "PT")
	if !ok {
		return v
	}
	var secs float64
	for _, unit := range []struct {
		sep  string
		mult float64
	}{{"H", 3600}, {"M", 60}, {"S", 1}} {
		i := strings.Index(rest, unit.sep)
		if i < 0 {
			continue
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return v
		}
		secs += n * unit.mult
		rest = rest[i+1:]
	}
	if rest != "" {
		return v
	}
	return strconv.FormatFloat(secs/86400, 'G', 15, 64)
}

// odfNumber is a number as number reads an .xlsx's: LibreOffice writes a large whole number
// in an .ods as 1.23456789012346E+016, and in an .xlsx as 12345678901234600.
func odfNumber(v []byte) string {
	f, err := strconv.ParseFloat(string(v), 64)
	if err == nil && f == math.Trunc(f) && math.Abs(f) < 1e21 && bytes.ContainsAny(v, "eE") {
		return number(strconv.AppendFloat(nil, f, 'f', -1, 64))
	}
	return number(v)
}

// odfFormula is an ODF formula as the rules read one: without its namespace ("of:") and "=".
func odfFormula(f string) string {
	if i := strings.Index(f, ":="); i >= 0 && !strings.ContainsAny(f[:i], "=\"[") {
		f = f[i+1:]
	}
	return strings.TrimPrefix(f, "=")
}

// positive reads a repeat count: 1 when absent or not a positive number.
func positive(v []byte) int {
	n, err := strconv.Atoi(string(bytes.TrimSpace(v)))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// cellText reads a cell's paragraphs up to its end tag, joined by line breaks: their text,
// spans and links included, <text:s/> as spaces, <text:tab/> and <text:line-break/> as
// themselves; a comment (office:annotation) and drawn shapes are not the cell's text.
func (x *File) cellText(s *scanner, end string) string {
	x.buf = x.buf[:0]
	paragraphs := 0
	for {
		kind, name, _ := s.next()
		switch {
		case kind == tagNone:
			return string(x.buf)
		case kind == tagEnd:
			if string(name) == end {
				return string(x.buf)
			}
			continue
		}
		switch string(name) {
		case "p", "h":
			if paragraphs > 0 {
				x.buf = append(x.buf, '\n')
			}
			paragraphs++
			if kind == tagStart {
				x.buf = x.paragraph(s, x.buf, string(name))
			}
		default:
			if kind == tagStart {
				s.skip(string(name))
			}
		}
	}
}

// paragraph appends a paragraph's text, up to its end tag, to dst. Spaces are kept as
// written: LibreOffice writes a cell's spaces as they are (and runs of them as <text:s/> only
// in some versions).
func (x *File) paragraph(s *scanner, dst []byte, end string) []byte {
	depth := 0 // spans and links inside the paragraph
	for s.i < len(s.b) {
		j := bytes.IndexByte(s.b[s.i:], '<')
		if j < 0 {
			j = len(s.b) - s.i
		}
		dst = appendText(dst, s.b[s.i:s.i+j])
		s.i += j
		if s.i >= len(s.b) {
			return dst
		}
		kind, name, attrs := s.next()
		switch {
		case kind == tagNone:
			return dst
		case kind == tagEnd:
			if depth == 0 && string(name) == end {
				return dst
			}
			depth = max(depth-1, 0)
			continue
		}
		switch string(name) {
		case "s":
			n := positive(x.attrBytes(attrs, "c"))
			for k := 0; k < n && k < 1024; k++ {
				dst = append(dst, ' ')
			}
		case "tab":
			dst = append(dst, '\t')
		case "line-break":
			dst = append(dst, '\n')
		case "span", "a", "meta", "ruby", "ruby-base":
			if kind == tagStart {
				depth++
			}
		default: // notes, annotations, frames, bookmarks, fields' hidden parts
			if kind == tagStart {
				s.skip(string(name))
			}
		}
	}
	return dst
}

// readMeta reads meta.xml: the user-defined properties with string values (a value type of
// "string", or none), and the document's title.
func (x *File) readMeta(data []byte) (props map[string]string, title string) {
	props = map[string]string{}
	s := scanner{b: data}
	for {
		kind, name, attrs := s.next()
		switch {
		case kind == tagNone:
			return props, title
		case kind == tagEnd:
		case string(name) == "user-defined":
			if t := x.attr(attrs, "value-type"); t != "" && t != "string" {
				continue
			}
			key := x.attr(attrs, "name")
			if kind == tagEmpty {
				props[key] = ""
			} else {
				props[key] = string(s.text(x.buf[:0]))
			}
		case string(name) == "title" && kind == tagStart:
			title = string(s.text(x.buf[:0]))
		}
	}
}
