// Package xlsx is a minimal, fast reader of .xlsx workbooks (and of .ods spreadsheets, into the
// same File: ods.go): sheet names, cell values, custom document properties, the title. It also
// edits a workbook part by part without parsing it whole (package.go, edit.go, comments.go),
// and holds the zips, row writer and Excel styles every workbook writer shares. Checking a returned workbook needs only these, and reading them with excelize
// (encoding/xml, the whole package parsed on open, the sheet parsed again per formula lookup)
// cost about 9 ms a workbook (BenchmarkCheck); this reader scans the XML bytes directly and
// checks one in under 1 ms.
//
// Values are the cells' raw values, as excelize's GetRows gives them without number formats:
// shared and inline strings (rich text runs joined, phonetic runs left out, _xHHHH_ escapes
// decoded), numbers in their shortest form (15 significant digits, as excelize shows them),
// booleans as TRUE and FALSE, errors as written (#DIV/0!), ISO dates (t="d") as date serials,
// and a formula's cached value. A percent cell reads 0.8 and a date cell its serial; the rules
// read those as the user meant them. A formula with no cached value (openpyxl saves formulas
// without one) reads "". HasFormula tells which cells hold formulas, and Calc calculates one
// with excelize, opened only then: a cached value may be missing, or stale (excelize's own
// SetCellFormula keeps the cell's old value).
//
// Every part is read through io.LimitReader against the Limits' budget of uncompressed bytes,
// whatever sizes the zip claims, and the cells a sheet may expand to are bounded.
package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Limits a sheet may not exceed (Excel's own): rows and columns.
const (
	MaxRows = 1048576
	MaxCols = 16384
)

// maxSheetCells bounds the cells (and rows) one sheet may expand to when padded into rows:
// `<c r="XFD1048576"/>` is 30 bytes of XML and 16,384 cells of a row.
const maxSheetCells = 1 << 22

var (
	ErrTooBig         = errors.New("解压后超过大小限制")
	ErrSheetNotExist  = errors.New("工作表不存在")
	errNoPart         = errors.New("没有这个部件")
	ErrDoctype        = errors.New("含有 XML 实体声明（DOCTYPE）")
	ErrSheetTooLarge  = errors.New("工作表的单元格过多")
	ErrNotSpreadsheet = errors.New("没有工作簿部件（xl/workbook.xml）")
)

// File is an opened workbook. It is not safe for concurrent use; Check opens one per file.
type File struct {
	data     []byte // the package
	limit    int64  // Limits.MaxUnzippedBytes
	unzipped uint64 // the package's parts, uncompressed, as the zip states
	parts    map[string]*zip.File
	lower    map[string]*zip.File // by lower-case name, for writers that change the case
	budget   int64                // uncompressed bytes left to read

	sheets []Sheet
	sst    []string
	props  map[string]string // custom document properties with string (vt:lpwstr) values
	title  string            // the document's title (docProps/core.xml, or an .ods's meta.xml)
	buf    []byte            // scratch for decoding text
	vbuf   []byte            // scratch for cell values

	bufs    []*[]byte      // the buffers parts are read into, back to bufPool on Close
	ex      *excelize.File // opened only to calculate a formula
	exTried bool
}

// Sheet is one sheet as the workbook lists it.
type Sheet struct {
	Name     string
	State    string // "", "visible", "hidden" or "veryHidden"
	Part     string // its part's name in the zip, "" when the workbook points nowhere
	xml      []byte // the part, read on open
	rows     [][]string
	formulas map[cellPos]string // cells with a formula: its text, "" for one shared from another cell
	err      error
	done     bool
}

type cellPos struct{ row, col int } // 0-based

// Open opens a workbook from a zip package's bytes. It reads the workbook, its
// relationships, the shared strings, every sheet and the custom properties; it parses sheets
// only when asked for their rows. An error means the package cannot be read as a workbook;
// ErrTooBig that it expands beyond maxUnzipped.
func Open(zr *zip.Reader, data []byte, maxUnzipped int64) (*File, error) {
	return OpenSheets(zr, data, maxUnzipped, nil)
}

// OpenSheets is Open reading on open only the sheets that only (when not nil) wants;
// Rows reads another when asked for it.
func OpenSheets(zr *zip.Reader, data []byte, maxUnzipped int64, only func(sheet string) bool) (*File, error) {
	x := &File{data: data, limit: maxUnzipped, parts: make(map[string]*zip.File, len(zr.File)), lower: make(map[string]*zip.File, len(zr.File)), budget: maxUnzipped}
	for _, zf := range zr.File {
		x.unzipped += zf.UncompressedSize64
		name := strings.TrimPrefix(strings.ReplaceAll(zf.Name, `\`, "/"), "/")
		x.parts[name] = zf
		x.lower[strings.ToLower(name)] = zf
	}

	// The workbook part: where the package relationships say, else the usual place.
	wbPath := "xl/workbook.xml"
	if rels, err := x.read("_rels/.rels"); err != nil && !errors.Is(err, errNoPart) {
		return nil, err
	} else if rels != nil {
		for _, rel := range x.relationships(rels) {
			if strings.HasSuffix(rel.typ, "/officeDocument") && rel.target != "" {
				if p := resolvePart("", rel.target); x.find(p) != nil {
					wbPath = p
				}
				break
			}
		}
	}
	wb, err := x.read(wbPath)
	if err != nil {
		if errors.Is(err, errNoPart) {
			return nil, ErrNotSpreadsheet
		}
		return nil, err
	}
	targets := map[string]string{}
	wbDir := path.Dir(wbPath)
	sstPath := path.Join(wbDir, "sharedStrings.xml")
	if rels, err := x.read(path.Join(wbDir, "_rels", path.Base(wbPath)+".rels")); err != nil && !errors.Is(err, errNoPart) {
		return nil, err
	} else {
		for _, rel := range x.relationships(rels) {
			targets[rel.id] = resolvePart(wbDir, rel.target)
			if strings.HasSuffix(rel.typ, "/sharedStrings") {
				sstPath = resolvePart(wbDir, rel.target)
			}
		}
	}
	if err := x.readWorkbook(wb, targets); err != nil {
		return nil, err
	}
	for i := range x.sheets {
		s := &x.sheets[i]
		if s.Part == "" {
			continue
		}
		if only != nil && !only(s.Name) {
			if x.find(s.Part) == nil {
				s.Part = ""
			}
			continue
		}
		if s.xml, err = x.read(s.Part); errors.Is(err, errNoPart) {
			s.Part = "" // a sheet whose part is missing: excelize leaves it out of its sheet map
		} else if err != nil {
			return nil, err
		}
	}

	if sst, err := x.read(sstPath); err != nil && !errors.Is(err, errNoPart) {
		return nil, err
	} else if sst != nil {
		x.sst = x.readSharedStrings(sst)
	}
	if custom, err := x.read("docProps/custom.xml"); err != nil && !errors.Is(err, errNoPart) {
		return nil, err
	} else if custom != nil {
		x.props = x.readCustomProps(custom)
	}
	if core, err := x.read("docProps/core.xml"); err != nil && !errors.Is(err, errNoPart) {
		return nil, err
	} else if core != nil {
		x.title = x.readTitle(core)
	}
	return x, nil
}

// readTitle reads the title of the core document properties.
func (x *File) readTitle(data []byte) string {
	s := scanner{b: data}
	for {
		kind, name, _ := s.next()
		switch {
		case kind == tagNone:
			return ""
		case kind == tagStart && string(name) == "title":
			return string(s.text(x.buf[:0]))
		}
	}
}

// find returns the zip entry of a part, matching case only when it must.
func (x *File) find(name string) *zip.File {
	if zf := x.parts[name]; zf != nil {
		return zf
	}
	return x.lower[strings.ToLower(name)]
}

// read returns a part's bytes; errNoPart when there is no such part. The bytes are
// the workbook's own until Close.
func (x *File) read(name string) ([]byte, error) {
	zf := x.find(name)
	if zf == nil {
		return nil, errNoPart
	}
	// archive/zip holds a part to its stated size (more is ErrFormat, less ErrUnexpectedEOF)
	// and checks its CRC at the end, so the part is read into a buffer of that size, after
	// the size is checked against what is left of the budget.
	size := zf.UncompressedSize64
	if size > uint64(x.budget) {
		return nil, ErrTooBig
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	lr := io.LimitReader(rc, int64(size)+1)
	var buf []byte
	if size <= 4<<20 {
		buf = x.alloc(int(size))
	} else {
		buf = make([]byte, size) // not kept in the pool
	}
	if _, err := io.ReadFull(lr, buf); err != nil {
		return nil, err
	}
	var probe [1]byte
	if n, err := lr.Read(probe[:]); n != 0 || err != io.EOF {
		if err == nil || err == io.EOF {
			err = ErrTooBig
		}
		return nil, err
	}
	x.budget -= int64(size)
	if hasDoctype(buf) {
		return nil, ErrDoctype
	}
	return buf, nil
}

// hasDoctype reports whether an XML part declares a document type, where entities are
// declared (an XML bomb's "billion laughs", an external entity that reads a file). Excel,
// WPS and LibreOffice never write one. The reader expands no entity in any case: it knows
// only XML's five and character references, and keeps any other reference as text.
func hasDoctype(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	for {
		b = bytes.TrimLeft(b, " \t\r\n")
		switch {
		case bytes.HasPrefix(b, []byte("<?")):
			i := bytes.Index(b, []byte("?>"))
			if i < 0 {
				return false
			}
			b = b[i+2:]
		case bytes.HasPrefix(b, []byte("<!--")):
			i := bytes.Index(b[4:], []byte("-->"))
			if i < 0 {
				return false
			}
			b = b[4+i+3:]
		default:
			return bytes.HasPrefix(b, []byte("<!DOCTYPE"))
		}
	}
}

// bufPool keeps the buffers parts are read into, from one workbook to the next.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 256<<10); return &b }}

// alloc returns n bytes to read a part into, from the workbook's pooled buffers.
func (x *File) alloc(n int) []byte {
	for _, b := range x.bufs {
		if cap(*b)-len(*b) >= n {
			out := (*b)[len(*b) : len(*b)+n : len(*b)+n]
			*b = (*b)[:len(*b)+n]
			return out
		}
	}
	b := bufPool.Get().(*[]byte)
	if cap(*b) < n {
		*b = make([]byte, 0, max(n, 256<<10))
	}
	*b = (*b)[:n]
	x.bufs = append(x.bufs, b)
	return (*b)[:n:n]
}

// resolvePart resolves a relationship's target against the folder of the part it is from.
func resolvePart(dir, target string) string {
	target = strings.ReplaceAll(target, `\`, "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(dir+"/"+target), "/")
}

type relationship struct{ id, typ, target string }

func (x *File) relationships(data []byte) []relationship {
	var out []relationship
	s := scanner{b: data}
	for {
		kind, name, attrs := s.next()
		if kind == tagNone {
			return out
		}
		if kind != tagEnd && string(name) == "Relationship" {
			out = append(out, relationship{id: x.attr(attrs, "Id"), typ: x.attr(attrs, "Type"), target: x.attr(attrs, "Target")})
		}
	}
}

// readWorkbook reads the sheets' names, states and parts.
func (x *File) readWorkbook(data []byte, targets map[string]string) error {
	s := scanner{b: data}
	root := false
	for {
		kind, name, attrs := s.next()
		switch {
		case kind == tagNone:
			if !root {
				return ErrNotSpreadsheet
			}
			return nil
		case kind == tagEnd:
		case string(name) == "workbook":
			root = true
		case string(name) == "sheet":
			x.sheets = append(x.sheets, Sheet{Name: x.attr(attrs, "name"), State: x.attr(attrs, "state"), Part: targets[x.attr(attrs, "id")]})
		}
	}
}

// readSharedStrings reads the shared string table.
func (x *File) readSharedStrings(data []byte) []string {
	var out []string
	s := scanner{b: data}
	for {
		kind, name, attrs := s.next()
		switch {
		case kind == tagNone:
			return out
		case kind == tagEnd:
		case string(name) == "sst" && out == nil:
			// As many as the table says it holds, within what its bytes can hold (<si/> each).
			if n, err := strconv.Atoi(x.attr(attrs, "uniqueCount")); err == nil && n > 0 {
				out = make([]string, 0, min(n, len(data)/5))
			}
		case string(name) == "si":
			if kind == tagEmpty {
				out = append(out, "")
			} else if text, ok := s.plainItem(); ok {
				out = append(out, text)
			} else {
				out = append(out, x.richText(&s, "si"))
			}
		}
	}
}

// richText reads a string item (<si> or <is>) up to its end tag: its <t> texts, directly or
// in runs <r>, joined; phonetic runs <rPh> are left out.
func (x *File) richText(s *scanner, end string) string {
	x.buf = x.buf[:0]
	for {
		kind, name, _ := s.next()
		switch {
		case kind == tagNone:
			return bstrUnescape(string(x.buf))
		case kind == tagEnd:
			if string(name) == end {
				return bstrUnescape(string(x.buf))
			}
		case kind == tagEmpty:
		case string(name) == "t":
			x.buf = s.text(x.buf)
		case string(name) == "rPh":
			s.skip("rPh")
		}
	}
}

// plainItem reads the usual string item after <si>, <t>text</t></si> with no entity, line
// end or escape in the text; ok is false (and nothing is read) for anything else.
func (s *scanner) plainItem() (string, bool) {
	b := s.b[s.i:]
	var open int
	switch {
	case bytes.HasPrefix(b, []byte("<t>")):
		open = len("<t>")
	case bytes.HasPrefix(b, []byte(`<t xml:space="preserve">`)):
		open = len(`<t xml:space="preserve">`)
	default:
		return "", false
	}
	j := bytes.IndexByte(b[open:], '<')
	if j < 0 || !bytes.HasPrefix(b[open+j:], []byte("</t></si>")) {
		return "", false
	}
	text := b[open : open+j]
	if bytes.IndexByte(text, '&') >= 0 || bytes.IndexByte(text, '\r') >= 0 || bytes.Contains(text, []byte("_x")) {
		return "", false
	}
	s.i += open + j + len("</t></si>")
	return string(text), true
}

// readCustomProps reads the custom document properties with string values.
func (x *File) readCustomProps(data []byte) map[string]string {
	out := map[string]string{}
	s := scanner{b: data}
	prop := ""
	for {
		kind, name, attrs := s.next()
		switch {
		case kind == tagNone:
			return out
		case kind == tagEnd:
			if string(name) == "property" {
				prop = ""
			}
		case string(name) == "property":
			prop = x.attr(attrs, "name")
		case string(name) == "lpwstr" && prop != "":
			if kind == tagEmpty {
				out[prop] = ""
			} else {
				out[prop] = string(s.text(x.buf[:0]))
			}
		}
	}
}

// SheetList returns the sheets' names in the workbook's order, hidden ones too.
func (x *File) SheetList() []string {
	out := make([]string, len(x.sheets))
	for i, s := range x.sheets {
		out[i] = s.Name
	}
	return out
}

// Props returns the custom document properties with string values, by name.
func (x *File) Props() map[string]string { return x.props }

// Title returns the document's title, as its properties hold it ("" when none).
func (x *File) Title() string { return x.title }

func (x *File) Sheet(name string) *Sheet {
	for i := range x.sheets {
		if x.sheets[i].Name == name {
			return &x.sheets[i]
		}
	}
	for i := range x.sheets { // excelize finds sheets regardless of case
		if strings.EqualFold(x.sheets[i].Name, name) {
			return &x.sheets[i]
		}
	}
	return nil
}

// Rows returns a sheet's rows as excelize's GetRows does: row i is the sheet's row i+1, each
// row ends with its last cell that has a value (or a formula), missing cells are "", and
// trailing empty rows are left out.
func (x *File) Rows(sheet string) ([][]string, error) {
	s := x.Sheet(sheet)
	if s == nil || s.Part == "" {
		return nil, ErrSheetNotExist
	}
	if !s.done {
		if s.xml == nil { // not read on open
			if s.xml, s.err = x.read(s.Part); s.err != nil {
				s.done = true
				return nil, s.err
			}
		}
		s.rows, s.formulas, s.err = x.parseSheet(s.xml)
		s.xml, s.done = nil, true
	}
	return s.rows, s.err
}

// Formula returns a cell's (0-based) formula, without "=": "" when it shares another cell's
// formula (t="shared"); ok is false when the cell has no formula.
func (x *File) Formula(sheet string, row, col int) (formula string, ok bool) {
	s := x.Sheet(sheet)
	if s == nil {
		return "", false
	}
	if !s.done {
		x.Rows(sheet)
	}
	formula, ok = s.formulas[cellPos{row, col}]
	return formula, ok
}

// parseSheet reads a worksheet's cells into rows.
func (x *File) parseSheet(data []byte) ([][]string, map[cellPos]string, error) {
	var (
		rows  [][]string
		calc  map[cellPos]string
		row   = -1 // current row, 0-based
		col   = -1 // last cell's column in the row, 0-based
		cells = 0  // budget used
		width = 0  // the widest row so far
		s     = scanner{b: data}
	)
	inData := false
	for {
		kind, name, attrs := s.next()
		if kind == tagNone {
			break
		}
		switch string(name) {
		case "sheetData":
			if kind == tagEnd {
				return trimRows(rows), calc, nil
			}
			inData = kind == tagStart
			continue
		}
		if !inData || kind == tagEnd {
			continue
		}
		switch string(name) {
		case "row":
			if n, ok := parseRowNumber(x.attrBytes(attrs, "r")); ok {
				row = n - 1
			} else {
				row++
			}
			if row >= MaxRows {
				return nil, nil, ErrSheetTooLarge
			}
			col = -1
		case "c":
			if row < 0 {
				row = 0
			}
			ref, typ := cellAttrs(attrs)
			if c, ok := parseColumn(ref); ok {
				col = c
			} else {
				col++
			}
			if col >= MaxCols {
				return nil, nil, ErrSheetTooLarge
			}
			if kind == tagEmpty {
				continue
			}
			val, formula, hasFormula := x.cell(&s, typ)
			if val == "" && !hasFormula {
				continue
			}
			if hasFormula {
				if calc == nil {
					calc = map[cellPos]string{}
				}
				calc[cellPos{row, col}] = formula
			}
			if row >= len(rows) {
				cells += row + 1 - len(rows)
				if cells > maxSheetCells {
					return nil, nil, ErrSheetTooLarge
				}
				for len(rows) <= row {
					rows = append(rows, nil)
				}
			}
			r := rows[row]
			if col >= len(r) {
				cells += col + 1 - len(r)
				if cells > maxSheetCells {
					return nil, nil, ErrSheetTooLarge
				}
				switch {
				case col < cap(r):
					r = r[:col+1]
				case r == nil:
					r = make([]string, col+1, max(col+1, min(width, 64))) // rows tend to be as wide as the last
				default:
					r = append(r, make([]string, col+1-len(r))...)
				}
				width = max(width, len(r))
			}
			r[col] = val
			rows[row] = r
		}
	}
	return trimRows(rows), calc, nil
}

func trimRows(rows [][]string) [][]string {
	n := len(rows)
	for n > 0 && len(rows[n-1]) == 0 {
		n--
	}
	return rows[:n]
}

// cellAttrs returns a cell's r and t attributes, raw.
func cellAttrs(attrs []byte) (ref, typ []byte) {
	for i := 0; i < len(attrs); {
		for i < len(attrs) && isSpace(attrs[i]) {
			i++
		}
		start := i
		for i < len(attrs) && attrs[i] != '=' && !isSpace(attrs[i]) {
			i++
		}
		name := attrs[start:i]
		for i < len(attrs) && (isSpace(attrs[i]) || attrs[i] == '=') {
			i++
		}
		if i >= len(attrs) || (attrs[i] != '"' && attrs[i] != '\'') {
			break
		}
		end := bytes.IndexByte(attrs[i+1:], attrs[i])
		if end < 0 {
			break
		}
		value := attrs[i+1 : i+1+end]
		i += end + 2
		if len(name) > 1 {
			name = localName(name)
		}
		if len(name) == 1 {
			switch name[0] {
			case 'r':
				ref = value
			case 't':
				typ = value
			}
		}
	}
	return ref, typ
}

// cell reads a cell's content after its start tag, up to </c>: its value and its formula,
// if it has one.
func (x *File) cell(s *scanner, typ []byte) (val, formula string, hasFormula bool) {
	// The usual cell, <v>value</v></c>, without entities.
	if b := s.b[s.i:]; len(b) > 3 && b[0] == '<' && b[1] == 'v' && b[2] == '>' {
		if j := bytes.IndexByte(b[3:], '<'); j >= 0 && bytes.HasPrefix(b[3+j:], []byte("</v></c>")) {
			if v := b[3 : 3+j]; bytes.IndexByte(v, '&') < 0 && bytes.IndexByte(v, '\r') < 0 {
				s.i += 3 + j + len("</v></c>")
				return x.value(typ, v, "", false), "", false
			}
		}
	}
	v := x.vbuf[:0]
	inline, hasInline := "", false
	for {
		kind, name, _ := s.next()
		if kind == tagNone {
			break
		}
		if kind == tagEnd {
			if string(name) == "c" {
				break
			}
			continue
		}
		switch string(name) {
		case "v":
			if kind == tagStart {
				v = s.text(v[:0])
			}
		case "f":
			hasFormula = true
			if kind == tagStart {
				formula = string(s.text(x.buf[:0]))
			}
		case "is":
			hasInline = true
			if kind == tagStart {
				inline = x.richText(s, "is")
			}
		}
	}
	x.vbuf = v
	return x.value(typ, v, inline, hasInline), formula, hasFormula
}

// value is a cell's value from its type, its <v> and its inline string.
func (x *File) value(typ, v []byte, inline string, hasInline bool) string {
	switch string(typ) {
	case "s":
		i, ok := parseIndex(v)
		if !ok || i >= len(x.sst) {
			return ""
		}
		return x.sst[i]
	case "inlineStr":
		if hasInline {
			return inline
		}
		return string(v)
	case "str", "e":
		return string(v)
	case "b":
		switch string(v) {
		case "1":
			return "TRUE"
		case "0":
			return "FALSE"
		}
		return string(v)
	case "d":
		return isoDateSerial(string(v))
	default:
		return number(v)
	}
}

// parseIndex reads a shared string index, spaces around it allowed.
func parseIndex(v []byte) (int, bool) { return digits(bytes.TrimSpace(v), 9) }

// digits reads a decimal number of one to most digits, nothing else.
func digits(b []byte, most int) (int, bool) {
	if len(b) == 0 || len(b) > most {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// number returns a numeric cell's value as excelize shows it: the shortest form, rounded to
// 15 significant digits when it has more; anything that is not a number as it is.
func number(v []byte) string {
	if len(v) == 0 {
		return ""
	}
	if len(v) <= 15 && (v[0] != '0' || len(v) == 1) {
		digits := true
		for _, b := range v {
			if b < '0' || b > '9' {
				digits = false
				break
			}
		}
		if digits {
			return string(v)
		}
	}
	s := string(v)
	if strings.Contains(s, "_") {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	plain := strconv.FormatFloat(f, 'f', -1, 64)
	if len(plain)-strings.Count(plain, ".") > 15 && !integerWithinPrecision(s) {
		return strconv.FormatFloat(f, 'G', 15, 64)
	}
	return plain
}

// integerWithinPrecision is excelize's isNumWithinPrecision: an integer zero-filled after 15
// significant digits.
func integerWithinPrecision(s string) bool {
	if strings.ContainsAny(s, ".Ee") {
		return false
	}
	s = strings.TrimLeft(s, "+-0")
	return len(strings.TrimRight(s, "0")) <= 15
}

// isoDateSerial turns an ISO 8601 date cell (t="d") into a date serial, as excelize does
// before formatting; a value it cannot read is returned as it is.
func isoDateSerial(v string) string {
	layout := "20060102T150405.999"
	if strings.HasSuffix(v, "Z") {
		layout = "20060102T150405Z"
		if strings.Contains(v, "-") {
			layout = "2006-01-02T15:04:05Z"
		}
	} else if strings.Contains(v, "-") {
		layout = "2006-01-02 15:04:05Z"
	}
	t, err := time.Parse(layout, strings.ReplaceAll(v, ",", "."))
	if err != nil {
		// Writers also put plain dates and dates with a T but no zone.
		for _, l := range []string{"2006-01-02", "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999"} {
			if t, err = time.Parse(l, v); err == nil {
				break
			}
		}
		if err != nil {
			return v
		}
	}
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if t.Before(time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)) {
		epoch = epoch.AddDate(0, 0, 1) // Excel's phantom 1900-02-29
	}
	serial := t.Sub(epoch).Hours() / 24
	if t.Sub(epoch) < 0 || math.IsInf(serial, 0) {
		return v
	}
	return strconv.FormatFloat(serial, 'G', 15, 64)
}

// bstrUnescape decodes the _xHHHH_ escapes of characters XML cannot hold, as excelize does:
// _x005F_ is an underscore, an escape of a surrogate is dropped.
func bstrUnescape(s string) string {
	i := strings.Index(s, "_x")
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		j := i + 7
		if j > len(s) || s[j-1] != '_' || !isHex4(s[i+2:i+6]) {
			b.WriteString(s[:i+2])
			s = s[i+2:]
			i = strings.Index(s, "_x")
			continue
		}
		b.WriteString(s[:i])
		r, _ := strconv.ParseUint(s[i+2:i+6], 16, 32)
		if utf8.ValidRune(rune(r)) {
			b.WriteRune(rune(r))
		}
		s = s[j:]
		i = strings.Index(s, "_x")
	}
	b.WriteString(s)
	return b.String()
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// parseRowNumber reads a row's r attribute: 1-based.
func parseRowNumber(b []byte) (int, bool) {
	n, ok := digits(b, 8)
	return n, ok && n >= 1
}

// parseColumn reads the column of a cell reference (A1, $B$2): 0-based.
func parseColumn(b []byte) (int, bool) {
	n, i := 0, 0
	if i < len(b) && b[i] == '$' {
		i++
	}
	start := i
	for ; i < len(b) && i-start < 4; i++ {
		c := b[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		n = n*26 + int(c-'a') + 1
	}
	if i == start || n > MaxCols {
		return 0, false
	}
	return n - 1, true
}

// attr returns an attribute's decoded value by its local name, "" when absent.
func (x *File) attr(attrs []byte, local string) string {
	v := x.attrBytes(attrs, local)
	if v == nil {
		return ""
	}
	if bytes.IndexByte(v, '&') < 0 {
		return string(v)
	}
	return string(appendText(nil, v))
}

// attrBytes returns an attribute's raw value by its local name, nil when absent.
func (x *File) attrBytes(attrs []byte, local string) []byte {
	i := 0
	for i < len(attrs) {
		for i < len(attrs) && isSpace(attrs[i]) {
			i++
		}
		start := i
		for i < len(attrs) && attrs[i] != '=' && !isSpace(attrs[i]) && attrs[i] != '/' {
			i++
		}
		name := attrs[start:i]
		for i < len(attrs) && isSpace(attrs[i]) {
			i++
		}
		if i >= len(attrs) || attrs[i] != '=' {
			if i == start {
				i++ // a stray character
			}
			continue
		}
		i++
		for i < len(attrs) && isSpace(attrs[i]) {
			i++
		}
		if i >= len(attrs) {
			return nil
		}
		q := attrs[i]
		if q != '"' && q != '\'' {
			continue
		}
		end := bytes.IndexByte(attrs[i+1:], q)
		if end < 0 {
			return nil
		}
		value := attrs[i+1 : i+1+end]
		i += end + 2
		if c := bytes.IndexByte(name, ':'); c >= 0 {
			if string(name[:c]) == "xmlns" {
				continue
			}
			name = name[c+1:]
		}
		if string(name) == local {
			return value
		}
	}
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// The kinds of tag scanner.next finds.
const (
	tagNone  = iota // the end of the document
	tagStart        // <a>
	tagEnd          // </a>
	tagEmpty        // <a/>
)

// scanner finds the tags of an XML document, skipping comments, processing instructions,
// CDATA sections and the document type declaration. Names are local names (the prefix
// dropped). It never fails: a document cut short simply ends.
type scanner struct {
	b   []byte
	i   int
	tag int // where the tag next returned last starts
}

// next returns the next tag: its kind, local name and the raw text of its attributes.
func (s *scanner) next() (kind int, name, attrs []byte) {
	for {
		j := bytes.IndexByte(s.b[s.i:], '<')
		if j < 0 {
			s.i = len(s.b)
			return tagNone, nil, nil
		}
		p := s.i + j
		if p+1 >= len(s.b) {
			s.i = len(s.b)
			return tagNone, nil, nil
		}
		switch s.b[p+1] {
		case '!':
			s.i = skipMarkup(s.b, p)
			continue
		case '?':
			if k := bytes.Index(s.b[p+2:], []byte("?>")); k >= 0 {
				s.i = p + 2 + k + 2
			} else {
				s.i = len(s.b)
			}
			continue
		case '/':
			k := bytes.IndexByte(s.b[p+2:], '>')
			if k < 0 {
				s.i = len(s.b)
				return tagNone, nil, nil
			}
			s.i, s.tag = p+2+k+1, p
			return tagEnd, localName(bytes.TrimRight(s.b[p+2:p+2+k], " \t\r\n")), nil
		}
		// A start tag: its name, then attributes up to a '>' outside quotes.
		n := p + 1
		for n < len(s.b) && !isSpace(s.b[n]) && s.b[n] != '>' && s.b[n] != '/' {
			n++
		}
		name = s.b[p+1 : n]
		k, quote := n, byte(0)
		for ; k < len(s.b); k++ {
			c := s.b[k]
			if quote != 0 {
				if c == quote {
					quote = 0
				}
				continue
			}
			if c == '"' || c == '\'' {
				quote = c
			} else if c == '>' {
				break
			}
		}
		if k >= len(s.b) {
			s.i = len(s.b)
			return tagNone, nil, nil
		}
		s.i, s.tag = k+1, p
		attrs = s.b[n:k]
		kind = tagStart
		if k > n && s.b[k-1] == '/' {
			kind = tagEmpty
			attrs = attrs[:max(len(attrs)-1, 0)]
		}
		return kind, localName(name), attrs
	}
}

// skipMarkup skips a comment, CDATA section or declaration starting at p; it returns where
// scanning goes on.
func skipMarkup(b []byte, p int) int {
	rest := b[p:]
	end := []byte(">")
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		end = []byte("-->")
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		end = []byte("]]>")
	case bytes.Contains(rest[:min(len(rest), 256)], []byte("[")) && bytes.HasPrefix(rest, []byte("<!DOCTYPE")):
		end = []byte("]>")
	}
	if k := bytes.Index(rest[2:], end); k >= 0 {
		return p + 2 + k + len(end)
	}
	return len(b)
}

func localName(name []byte) []byte {
	if c := bytes.IndexByte(name, ':'); c >= 0 {
		return name[c+1:]
	}
	return name
}

// text appends the character data of the element whose start tag was just read, up to its
// end tag, decoded; text inside child elements is not its own and is left out, as
// encoding/xml's chardata does.
func (s *scanner) text(dst []byte) []byte {
	depth := 0
	for s.i < len(s.b) {
		j := bytes.IndexByte(s.b[s.i:], '<')
		if j < 0 {
			if depth == 0 {
				dst = appendText(dst, s.b[s.i:])
			}
			s.i = len(s.b)
			return dst
		}
		if depth == 0 && j > 0 {
			dst = appendText(dst, s.b[s.i:s.i+j])
		}
		p := s.i + j
		if bytes.HasPrefix(s.b[p:], []byte("<![CDATA[")) {
			k := bytes.Index(s.b[p+9:], []byte("]]>"))
			if k < 0 {
				k = len(s.b) - p - 9
				s.i = len(s.b)
			} else {
				s.i = p + 9 + k + 3
			}
			if depth == 0 {
				dst = appendCRLF(dst, s.b[p+9:p+9+k])
			}
			continue
		}
		s.i = p
		kind, _, _ := s.next()
		switch kind {
		case tagNone:
			return dst
		case tagStart:
			depth++
		case tagEnd:
			if depth == 0 {
				return dst
			}
			depth--
		}
	}
	return dst
}

// skip skips to the end tag of the element whose start tag was just read.
func (s *scanner) skip(name string) {
	depth := 0
	for {
		kind, n, _ := s.next()
		switch kind {
		case tagNone:
			return
		case tagStart:
			if string(n) == name {
				depth++
			}
		case tagEnd:
			if string(n) == name {
				if depth == 0 {
					return
				}
				depth--
			}
		}
	}
}

// appendText appends XML character data decoded: entities (the five named ones and numeric
// references) replaced, and line ends normalized to \n as XML requires (a \r written as
// &#13; is kept).
func appendText(dst, src []byte) []byte {
	if bytes.IndexByte(src, '&') < 0 && bytes.IndexByte(src, '\r') < 0 {
		return append(dst, src...)
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch c {
		case '\r':
			dst = append(dst, '\n')
			i++
			if i < len(src) && src[i] == '\n' {
				i++
			}
			continue
		case '&':
			if r, n := entity(src[i:]); n > 0 {
				dst = utf8.AppendRune(dst, r)
				i += n
				continue
			}
		}
		dst = append(dst, c)
		i++
	}
	return dst
}

// appendCRLF appends CDATA text, line ends normalized.
func appendCRLF(dst, src []byte) []byte {
	if bytes.IndexByte(src, '\r') < 0 {
		return append(dst, src...)
	}
	for i := 0; i < len(src); i++ {
		if src[i] == '\r' {
			dst = append(dst, '\n')
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			continue
		}
		dst = append(dst, src[i])
	}
	return dst
}

// entity decodes the entity reference at the start of b; n is 0 when it is not one.
func entity(b []byte) (r rune, n int) {
	end := bytes.IndexByte(b[:min(len(b), 12)], ';')
	if end < 2 {
		return 0, 0
	}
	name := b[1:end]
	switch string(name) {
	case "amp":
		return '&', end + 1
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "quot":
		return '"', end + 1
	case "apos":
		return '\'', end + 1
	}
	if name[0] != '#' || len(name) < 2 {
		return 0, 0
	}
	var v uint64
	var err error
	if name[1] == 'x' || name[1] == 'X' {
		v, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		v, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || !isXMLChar(rune(v)) {
		return 0, 0
	}
	return rune(v), end + 1
}

// isXMLChar reports whether XML allows a character (a reference to any other is kept as text).
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || 0x20 <= r && r <= 0xD7FF || 0xE000 <= r && r <= 0xFFFD || 0x10000 <= r && r <= 0x10FFFF
}

// maxCalcBytes bounds the workbooks Calc opens with excelize, which parses every part whole
// (a million empty rows make it take about 360 MB): the package uncompressed.
const maxCalcBytes = 16 << 20

// Calc calculates a formula cell (A1) with excelize, which opens the workbook the first time
// it is needed. ok is false when the workbook or the formula cannot be calculated, or the
// workbook is too big to be opened so (over maxCalcBytes uncompressed).
func (x *File) Calc(sheet, cell string) (value string, ok bool) {
	if !x.exTried {
		x.exTried = true
		if x.unzipped > maxCalcBytes {
			return "", false
		}
		f, err := excelize.OpenReader(bytes.NewReader(x.data), excelize.Options{UnzipSizeLimit: x.limit, UnzipXMLSizeLimit: x.limit})
		if err == nil {
			x.ex = f
		} else if f != nil {
			f.Close()
		}
	}
	if x.ex == nil {
		return "", false
	}
	if formula, err := x.ex.GetCellFormula(sheet, cell); err != nil || formula == "" {
		return "", false
	}
	v, err := x.ex.CalcCellValue(sheet, cell)
	if err != nil {
		return "", false
	}
	return v, true
}

// Close releases the workbook's buffers and what Calc opened. Rows already returned stay
// valid (they hold copies); the workbook cannot be read after.
func (x *File) Close() {
	if x.ex != nil {
		x.ex.Close()
		x.ex = nil
	}
	for i := range x.sheets {
		s := &x.sheets[i]
		if !s.done {
			s.xml, s.done, s.err = nil, true, ErrSheetNotExist
		}
	}
	for _, b := range x.bufs {
		*b = (*b)[:0]
		bufPool.Put(b)
	}
	x.bufs = nil
}

// String describes the workbook, for tests and debugging.
func (x *File) String() string {
	return fmt.Sprintf("xlsx(%d sheets, %d shared strings, %d properties)", len(x.sheets), len(x.sst), len(x.props))
}

// EvalArithmetic calculates a formula of numbers alone (60, 40+20, (3+5)*10, 80%, 0.8*100):
// what a unit types when it types a number as a formula, calculated without opening the
// workbook again. The value is written as excelize's CalcCellValue writes it. ok is false for
// anything else: references, functions, text, comparisons, division by zero.
func EvalArithmetic(formula string) (value string, ok bool) {
	p := arith{s: formula}
	v, ok := p.expr(0)
	p.space()
	if !ok || p.i != len(p.s) || math.IsNaN(v) || math.IsInf(v, 0) {
		return "", false
	}
	return strconv.FormatFloat(roundSignificant(v, 15), 'f', -1, 64), true
}

// roundSignificant rounds v to n significant digits, as a spreadsheet shows a number.
func roundSignificant(v float64, n int) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', n, 64), 64)
	if err != nil {
		return v
	}
	return r
}

// arith parses and calculates an arithmetic formula: + - * / ^, unary signs, %, parentheses.
type arith struct {
	s     string
	i     int
	depth int
}

func (p *arith) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n' || p.s[p.i] == '\r' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *arith) peek() byte {
	p.space()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// expr reads terms joined by + and -; level 0 is the whole, 1 a product, 2 a power.
func (p *arith) expr(level int) (float64, bool) {
	if p.depth++; p.depth > 100 {
		return 0, false
	}
	defer func() { p.depth-- }()
	if level == 2 {
		return p.power()
	}
	v, ok := p.expr(level + 1)
	for ok {
		op := p.peek()
		switch {
		case level == 0 && (op == '+' || op == '-'), level == 1 && (op == '*' || op == '/'):
		default:
			return v, true
		}
		p.i++
		w, wok := p.expr(level + 1)
		if !wok {
			return 0, false
		}
		switch op {
		case '+':
			v += w
		case '-':
			v -= w
		case '*':
			v *= w
		case '/':
			if w == 0 {
				return 0, false
			}
			v /= w
		}
	}
	return v, ok
}

// power reads a signed operand with an optional percent and exponent (Excel: -2^2 is 4).
func (p *arith) power() (float64, bool) {
	v, ok := p.unary()
	for ok && p.peek() == '^' {
		p.i++
		w, wok := p.unary()
		if !wok {
			return 0, false
		}
		v = math.Pow(v, w)
	}
	return v, ok
}

func (p *arith) unary() (float64, bool) {
	switch p.peek() {
	case '-':
		p.i++
		v, ok := p.unary()
		return -v, ok
	case '+':
		p.i++
		return p.unary()
	}
	v, ok := p.operand()
	for ok && p.peek() == '%' {
		p.i++
		v /= 100
	}
	return v, ok
}

func (p *arith) operand() (float64, bool) {
	if p.peek() == '(' {
		p.i++
		v, ok := p.expr(0)
		if !ok || p.peek() != ')' {
			return 0, false
		}
		p.i++
		return v, true
	}
	start := p.i
	for p.i < len(p.s) && (p.s[p.i] >= '0' && p.s[p.i] <= '9' || p.s[p.i] == '.') {
		p.i++
	}
	if p.i < len(p.s) && p.i > start && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		j := p.i + 1
		if j < len(p.s) && (p.s[j] == '+' || p.s[j] == '-') {
			j++
		}
		if j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			for p.i = j; p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9'; p.i++ {
			}
		}
	}
	if p.i == start {
		return 0, false
	}
	v, err := strconv.ParseFloat(p.s[start:p.i], 64)
	return v, err == nil
}

// OpenBytes opens a workbook from its bytes (see Open).
func OpenBytes(data []byte, maxUnzipped int64) (*File, error) {
	zr, err := OpenZip(data)
	if err != nil {
		return nil, err
	}
	return Open(zr, data, maxUnzipped)
}
