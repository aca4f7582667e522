package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// ErrUnusualXML is a part this package does not edit: prefixed SpreadsheetML elements (the
// strict form, or a writer's own prefix), rows and cells without their references, parts
// that are not closed. Excel,
// WPS and LibreOffice write neither.
var ErrUnusualXML = errors.New("XML 结构少见，未在原表上修改")

// edits are changes to a part's bytes, each replacing [at, end) with text, applied together.
type edits []edit

type edit struct {
	at, end int
	text    string
}

func (e *edits) replace(at, end int, text string) { *e = append(*e, edit{at, end, text}) }
func (e *edits) insert(at int, text string)       { *e = append(*e, edit{at, at, text}) }

// apply returns b with the edits made: in order of position; at one place, insertions (in the
// order they were made) before what replaces the text there.
func (e edits) apply(b []byte) ([]byte, error) {
	slices.SortStableFunc(e, func(x, y edit) int {
		if x.at != y.at {
			return x.at - y.at
		}
		return min(x.end-x.at, 1) - min(y.end-y.at, 1)
	})
	out := make([]byte, 0, len(b)+len(b)/8+1024)
	last := 0
	for _, ed := range e {
		if ed.at < last {
			return nil, fmt.Errorf("overlapping edits at %d", ed.at)
		}
		out = append(out, b[last:ed.at]...)
		out = append(out, ed.text...)
		last = ed.end
	}
	return append(out, b[last:]...), nil
}

// element is one element of a part: its start tag's place and attributes, and where it ends.
type element struct {
	name     string
	start    int // the '<' of its start tag
	startEnd int // after the start tag's '>'
	end      int // after its end tag (startEnd for an empty element)
	inner    int // where its end tag starts (startEnd for an empty element)
	attrs    []byte
	empty    bool
}

// withAttr is the element's start tag with an attribute set (added when absent), or removed.
func (el element) withAttr(b []byte, name, value string, remove bool) string {
	tag := string(b[el.start:el.startEnd])
	return setAttr(tag, name, value, remove)
}

// setAttr sets (or, with remove, removes) an unprefixed attribute of a start tag.
func setAttr(tag, name, value string, remove bool) string {
	if i, j, ok := findAttr(tag, name); ok {
		if remove {
			// from the space before the name to the end of the value
			k := i
			for k > 0 && isSpace(tag[k-1]) {
				k--
			}
			return tag[:k] + tag[j:]
		}
		return tag[:i] + name + `="` + Escape(value) + `"` + tag[j:]
	}
	if remove {
		return tag
	}
	end := len(tag) - 1 // the '>'
	if strings.HasSuffix(tag, "/>") {
		end--
	}
	for end > 0 && isSpace(tag[end-1]) {
		end--
	}
	return tag[:end] + " " + name + `="` + Escape(value) + `"` + tag[end:]
}

// findAttr finds an unprefixed attribute in a start tag: from its name to after its value's
// closing quote.
func findAttr(tag, name string) (i, j int, ok bool) {
	p := strings.IndexAny(tag, " \t\r\n")
	for p >= 0 && p < len(tag) {
		for p < len(tag) && isSpace(tag[p]) {
			p++
		}
		start := p
		for p < len(tag) && tag[p] != '=' && !isSpace(tag[p]) && tag[p] != '>' && tag[p] != '/' {
			p++
		}
		n := tag[start:p]
		for p < len(tag) && (isSpace(tag[p]) || tag[p] == '=') {
			p++
		}
		if p >= len(tag) || (tag[p] != '"' && tag[p] != '\'') {
			return 0, 0, false
		}
		q := strings.IndexByte(tag[p+1:], tag[p])
		if q < 0 {
			return 0, 0, false
		}
		p += q + 2
		if n == name {
			return start, p, true
		}
	}
	return 0, 0, false
}

// children lists the children of the element whose content runs from `from` to `to`, each
// with its end. A prefixed child (xr:revisionPtr, mc:AlternateContent) is named with its
// prefix: SpreadsheetML's own elements are unprefixed in what Excel, WPS and LibreOffice write.
func children(b []byte, from, to int) ([]element, error) {
	s := scanner{b: b[:to], i: from}
	var out []element
	depth := 0
	for {
		kind, name, attrs := s.next()
		if kind == tagNone {
			for _, el := range out {
				if el.end == 0 {
					return nil, ErrUnusualXML // not closed
				}
			}
			return out, nil
		}
		raw := b[s.tag+1:]
		if kind == tagEnd {
			raw = b[s.tag+2:]
		}
		prefixed := !bytes.HasPrefix(raw, name) || (len(raw) > len(name) && raw[len(name)] == ':')
		switch kind {
		case tagEnd:
			depth--
			if depth == 0 {
				el := &out[len(out)-1]
				el.inner, el.end = s.tag, s.i
			}
		case tagStart, tagEmpty:
			if depth == 0 {
				qualified := string(name)
				if prefixed { // its own name, so that no one looking for a SpreadsheetML element takes it
					qualified = string(raw[:bytes.IndexAny(raw, " \t\r\n/>")])
				}
				el := element{name: qualified, start: s.tag, startEnd: s.i, attrs: attrs, empty: kind == tagEmpty}
				if el.empty {
					el.inner, el.end = s.i, s.i
				}
				out = append(out, el)
				if kind == tagStart && flat[el.name] {
					if k := bytes.Index(b[s.i:to], []byte("</"+el.name+">")); k >= 0 {
						s.i += k // to its end tag, without the tags inside
					}
				}
			}
			if kind == tagStart {
				depth++
			}
		}
	}
}

// flat are elements never nested in themselves: children finds their end tag directly.
var flat = map[string]bool{"sheetData": true, "cols": true, "mergeCells": true, "dataValidations": true, "conditionalFormatting": true,
	"row": true, "c": true, "definedNames": true, "commentList": true}

// root finds a part's root element, which must be unprefixed and named name.
func root(b []byte, name string) (element, error) {
	s := scanner{b: b}
	kind, n, attrs := s.next()
	if kind != tagStart || string(n) != name || !bytes.HasPrefix(b[s.tag+1:], []byte(name)) {
		return element{}, ErrUnusualXML
	}
	el := element{name: name, start: s.tag, startEnd: s.i, attrs: attrs}
	end := bytes.LastIndex(b, []byte("</"+name))
	if end < el.startEnd {
		return element{}, ErrUnusualXML
	}
	el.inner, el.end = end, len(b)
	return el, nil
}

// SheetEdit edits a worksheet's XML in place, leaving every byte it does not change as the
// unit's program wrote it: what a feedback workbook does to a unit's sheet (cells' styles, a
// column of text, a column's width, how the page fits, the drawing that holds the comments).
// Changes are made by Bytes.
type SheetEdit struct {
	b      []byte
	root   element
	top    []element // the worksheet's children
	rows   []sheetRow
	byRow  map[int]int // row number → index in rows
	cols   []sheetCol
	cells  map[int]map[int]cellChange // row → column → change
	edits  edits
	width  map[int]float64 // columns' new widths
	maxCol int             // the last column a change touches, 1-based
	maxRow int
}

type sheetRow struct {
	el    element
	num   int
	cells []sheetCell
	style int // the row's style when customFormat, else -1
}

type sheetCell struct {
	el    element
	col   int // 1-based
	style int
}

type sheetCol struct {
	el       element
	min, max int
	width    float64 // 0 when not given
	style    int
}

// cellChange is what is done to a cell: a new style (style ≥ 0) and, when text, new text.
type cellChange struct {
	style   int
	text    string
	setText bool
}

// EditSheet reads a worksheet's XML for editing. ErrUnusualXML means it is not written the
// way Excel, WPS and LibreOffice write sheets.
func EditSheet(b []byte) (*SheetEdit, error) {
	r, err := root(b, "worksheet")
	if err != nil {
		return nil, err
	}
	top, err := children(b, r.startEnd, r.inner)
	if err != nil {
		return nil, err
	}
	e := &SheetEdit{b: b, root: r, top: top, byRow: map[int]int{}, cells: map[int]map[int]cellChange{}, width: map[int]float64{}}
	if sd, ok := e.child("sheetData"); ok && !sd.empty {
		rows, err := children(b, sd.startEnd, sd.inner)
		if err != nil {
			return nil, err
		}
		for _, rel := range rows {
			if rel.name != "row" {
				return nil, ErrUnusualXML
			}
			num, ok := digits([]byte(attrValue(rel.attrs, "r")), 7)
			if !ok || num < 1 || num > MaxRows {
				return nil, ErrUnusualXML
			}
			row := sheetRow{el: rel, num: num, style: -1}
			if cf := attrValue(rel.attrs, "customFormat"); cf == "1" || cf == "true" {
				row.style, _ = digits([]byte(attrValue(rel.attrs, "s")), 9)
			}
			if !rel.empty {
				cs, err := children(b, rel.startEnd, rel.inner)
				if err != nil {
					return nil, err
				}
				for _, c := range cs {
					if c.name == "extLst" {
						continue
					}
					if c.name != "c" {
						return nil, ErrUnusualXML
					}
					col, r, err := excelize.CellNameToCoordinates(attrValue(c.attrs, "r"))
					if err != nil || r != num {
						return nil, ErrUnusualXML
					}
					st, _ := digits([]byte(attrValue(c.attrs, "s")), 9)
					row.cells = append(row.cells, sheetCell{el: c, col: col, style: st})
				}
			}
			e.byRow[num] = len(e.rows)
			e.rows = append(e.rows, row)
		}
	}
	if cols, ok := e.child("cols"); ok && !cols.empty {
		cs, err := children(b, cols.startEnd, cols.inner)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			lo, ok1 := digits([]byte(attrValue(c.attrs, "min")), 5)
			hi, ok2 := digits([]byte(attrValue(c.attrs, "max")), 5)
			if c.name != "col" || !ok1 || !ok2 {
				continue
			}
			w, _ := strconv.ParseFloat(attrValue(c.attrs, "width"), 64)
			st, _ := digits([]byte(attrValue(c.attrs, "style")), 9)
			e.cols = append(e.cols, sheetCol{el: c, min: lo, max: hi, width: w, style: st})
		}
	}
	return e, nil
}

// attrValue is an attribute's value, decoded, by its local name.
func attrValue(attrs []byte, name string) string {
	var x File
	return x.attr(attrs, name)
}

// child is the worksheet's first child of that name.
func (e *SheetEdit) child(name string) (element, bool) {
	for _, el := range e.top {
		if el.name == name {
			return el, true
		}
	}
	return element{}, false
}

// Style is a cell's style as spreadsheet programs show it: its own, else its row's, else its
// column's.
func (e *SheetEdit) Style(col, row int) int {
	if i, ok := e.byRow[row]; ok {
		for _, c := range e.rows[i].cells {
			if c.col == col {
				return c.style
			}
		}
		if e.rows[i].style >= 0 {
			return e.rows[i].style
		}
	}
	st := 0
	for _, c := range e.cols {
		if c.min <= col && col <= c.max {
			st = c.style
		}
	}
	return st
}

// SetStyle gives a cell a style, keeping its value.
func (e *SheetEdit) SetStyle(col, row, style int) {
	ch := e.change(col, row)
	ch.style = style
	e.cells[row][col] = ch
}

// SetText puts text in a cell, with a style, in place of what it held.
func (e *SheetEdit) SetText(col, row int, text string, style int) {
	ch := e.change(col, row)
	ch.style, ch.text, ch.setText = style, text, true
	e.cells[row][col] = ch
}

func (e *SheetEdit) change(col, row int) cellChange {
	if e.cells[row] == nil {
		e.cells[row] = map[int]cellChange{}
	}
	e.maxCol, e.maxRow = max(e.maxCol, col), max(e.maxRow, row)
	if ch, ok := e.cells[row][col]; ok {
		return ch
	}
	return cellChange{style: -1}
}

// defaultColWidth is the width excelize gives a column when the sheet says none.
const defaultColWidth = 9.140625

// Width is a column's width as the sheet gives it (1-based column).
func (e *SheetEdit) Width(col int) float64 {
	if w, ok := e.width[col]; ok {
		return w
	}
	w := 0.0
	for _, c := range e.cols {
		if c.min <= col && col <= c.max && c.width > 0 {
			w = c.width
		}
	}
	if w > 0 {
		return w
	}
	if f, ok := e.child("sheetFormatPr"); ok {
		if d, err := strconv.ParseFloat(attrValue(f.attrs, "defaultColWidth"), 64); err == nil && d > 0 {
			return d
		}
		if d, err := strconv.ParseFloat(attrValue(f.attrs, "baseColWidth"), 64); err == nil && d > 0 {
			return d
		}
	}
	return defaultColWidth
}

// SetColWidth sets a column's width (1-based column).
func (e *SheetEdit) SetColWidth(col int, width float64) { e.width[col] = width }

// Landscape tells whether the sheet prints in landscape.
func (e *SheetEdit) Landscape() bool {
	ps, ok := e.child("pageSetup")
	return ok && attrValue(ps.attrs, "orientation") == "landscape"
}

// LegacyDrawing is the relationship id of the sheet's legacy drawing (where comments are
// drawn), "" when it has none.
func (e *SheetEdit) LegacyDrawing() string {
	if el, ok := e.child("legacyDrawing"); ok {
		return attrValue(el.attrs, "id")
	}
	return ""
}

// The worksheet's children that come after pageSetup and after legacyDrawing, in order
// (ECMA-376 CT_Worksheet); mc:AlternateContent holds controls and OLE objects, after both.
var (
	afterPageSetup     = []string{"headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "AlternateContent", "extLst"}
	afterLegacyDrawing = []string{"legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "AlternateContent", "extLst"}
)

// before is where a new child goes that comes before any of the followers: before the first
// of them present, else at the end of the worksheet.
func (e *SheetEdit) before(followers []string) int {
	for _, el := range e.top {
		if slices.Contains(followers, el.name[strings.IndexByte(el.name, ':')+1:]) {
			return el.start
		}
	}
	return e.root.inner
}

// relationshipsNS is the namespace of relationship ids (r:id).
const relationshipsNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

// relationshipsPrefix is the prefix a part's root binds to relationshipsNS; when it binds
// none, r, declared on the root by an edit (ErrUnusualXML when r is bound to another).
func relationshipsPrefix(b []byte, root element, e *edits) (string, error) {
	tag := string(b[root.start:root.startEnd])
	for _, a := range strings.Fields(strings.Trim(tag, "<>/")) {
		if strings.HasPrefix(a, "xmlns:") && strings.Contains(a, `"`+relationshipsNS+`"`) {
			return strings.TrimPrefix(a[:strings.IndexByte(a, '=')], "xmlns:"), nil
		}
	}
	if strings.Contains(tag, "xmlns:r=") {
		return "", ErrUnusualXML
	}
	e.replace(root.start, root.startEnd, setAttr(tag, "xmlns:r", relationshipsNS, false))
	return "r", nil
}

// Bytes makes the changes and returns the sheet's XML. legacyDrawing, when not "", is the
// relationship id of the drawing that holds the sheet's comments; refit, when not 0, is how
// many columns the sheet prints, to fit its page again by SetPage's rule.
func (e *SheetEdit) Bytes(legacyDrawing string, refit int) ([]byte, error) {
	b := e.b
	e.edits = e.edits[:0]
	if err := e.cellEdits(); err != nil {
		return nil, err
	}
	e.colEdits()
	if e.maxCol > 0 {
		if dim, ok := e.child("dimension"); ok {
			ref := attrValue(dim.attrs, "ref")
			last := ref[strings.IndexByte(ref, ':')+1:]
			c, r, err := excelize.CellNameToCoordinates(last)
			if err == nil {
				first := ref[:max(strings.IndexByte(ref, ':'), 0)]
				if first == "" {
					first = "A1"
				}
				end, _ := excelize.CoordinatesToCellName(max(c, e.maxCol), max(r, e.maxRow))
				e.edits.replace(dim.start, dim.startEnd, dim.withAttr(b, "ref", first+":"+end, false))
			}
		}
	}
	if refit > 0 {
		width := 0.0
		for c := 1; c <= refit; c++ {
			width += e.Width(c)
		}
		e.fit(Page{Landscape: e.Landscape(), Width: width})
	}
	if legacyDrawing != "" {
		prefix, err := relationshipsPrefix(b, e.root, &e.edits)
		if err != nil {
			return nil, err
		}
		tag := "<legacyDrawing " + prefix + `:id="` + Escape(legacyDrawing) + `"/>`
		if el, ok := e.child("legacyDrawing"); ok {
			e.edits.replace(el.start, el.end, tag)
		} else {
			e.edits.insert(e.before(afterLegacyDrawing), tag)
		}
	}
	return e.edits.apply(b)
}

// cellEdits are the edits of the cells changed: in rows there, in place or inserted in column
// order; rows not there, inserted in row order.
func (e *SheetEdit) cellEdits() error {
	b := e.b
	sd, ok := e.child("sheetData")
	if !ok {
		return ErrUnusualXML
	}
	var missing strings.Builder // rows to put in an empty sheetData
	for _, num := range slices.Sorted(maps.Keys(e.cells)) {
		changes := e.cells[num]
		cols := slices.Sorted(maps.Keys(changes))
		var cells strings.Builder
		i, ok := e.byRow[num]
		if !ok {
			cells.WriteString(`<row r="` + strconv.Itoa(num) + `">`)
			for _, c := range cols {
				cells.WriteString(newCell(c, num, changes[c]))
			}
			cells.WriteString("</row>")
			if sd.empty {
				missing.WriteString(cells.String())
				continue
			}
			at := sd.inner // before the first row after it
			for _, r := range e.rows {
				if r.num > num {
					at = r.el.start
					break
				}
			}
			e.edits.insert(at, cells.String())
			continue
		}
		row := e.rows[i]
		tag := row.el.withAttr(b, "spans", "", true)
		if row.el.empty {
			for _, c := range cols {
				cells.WriteString(newCell(c, num, changes[c]))
			}
			e.edits.replace(row.el.start, row.el.end, strings.TrimSuffix(strings.TrimSuffix(tag, ">"), "/")+">"+cells.String()+"</row>")
			continue
		}
		e.edits.replace(row.el.start, row.el.startEnd, tag)
		ci := 0
		for _, c := range cols {
			ch := changes[c]
			for ci < len(row.cells) && row.cells[ci].col < c {
				ci++
			}
			switch {
			case ci < len(row.cells) && row.cells[ci].col == c:
				cell := row.cells[ci]
				if ch.setText {
					e.edits.replace(cell.el.start, cell.el.end, newCell(c, num, ch))
				} else {
					e.edits.replace(cell.el.start, cell.el.startEnd, cell.el.withAttr(b, "s", strconv.Itoa(ch.style), false))
				}
			case ci < len(row.cells):
				e.edits.insert(row.cells[ci].el.start, newCell(c, num, ch))
			default:
				e.edits.insert(row.el.inner, newCell(c, num, ch))
			}
		}
	}
	if missing.Len() > 0 {
		e.edits.replace(sd.start, sd.end, "<sheetData>"+missing.String()+"</sheetData>")
	}
	return nil
}

// newCell is a cell's XML: empty with a style, or an inline string.
func newCell(col, row int, ch cellChange) string {
	ref, _ := excelize.CoordinatesToCellName(col, row)
	s := `<c r="` + ref + `"`
	if ch.style > 0 {
		s += ` s="` + strconv.Itoa(ch.style) + `"`
	}
	if !ch.setText {
		return s + "/>"
	}
	return s + ` t="inlineStr"><is><t xml:space="preserve">` + Escape(ch.text) + `</t></is></c>`
}

// colEdits sets the columns' new widths: a column element of its own for each, split out of
// a range that held it.
func (e *SheetEdit) colEdits() {
	if len(e.width) == 0 {
		return
	}
	b := e.b
	cols, ok := e.child("cols")
	var inserts []string
	for _, col := range slices.Sorted(maps.Keys(e.width)) {
		w := strconv.FormatFloat(e.width[col], 'f', -1, 64)
		own := func(tag string) string {
			tag = setAttr(tag, "min", strconv.Itoa(col), false)
			tag = setAttr(tag, "max", strconv.Itoa(col), false)
			tag = setAttr(tag, "width", w, false)
			return setAttr(tag, "customWidth", "1", false)
		}
		done := false
		for _, c := range e.cols {
			if c.min > col || col > c.max {
				continue
			}
			tag := string(b[c.el.start:c.el.end])
			var parts []string
			if c.min < col {
				parts = append(parts, setAttr(tag, "max", strconv.Itoa(col-1), false))
			}
			parts = append(parts, own(tag))
			if col < c.max {
				parts = append(parts, setAttr(tag, "min", strconv.Itoa(col+1), false))
			}
			e.edits.replace(c.el.start, c.el.end, strings.Join(parts, ""))
			done = true
			break
		}
		if done {
			continue
		}
		tag := own(`<col/>`)
		if !ok {
			inserts = append(inserts, tag)
			continue
		}
		at := cols.inner
		for _, c := range e.cols {
			if c.min > col {
				at = c.el.start
				break
			}
		}
		if cols.empty {
			e.edits.replace(cols.start, cols.end, "<cols>"+tag+"</cols>")
		} else {
			e.edits.insert(at, tag)
		}
	}
	if len(inserts) > 0 {
		sd, _ := e.child("sheetData")
		e.edits.insert(sd.start, "<cols>"+strings.Join(inserts, "")+"</cols>")
	}
}

// fit sets the page to fit its width by SetPage's rule (Page.fit).
func (e *SheetEdit) fit(p Page) {
	b := e.b
	layout, toWidth := p.fit()
	set := func(tag string) string {
		if layout.FitToWidth != nil {
			tag = setAttr(tag, "fitToWidth", strconv.Itoa(*layout.FitToWidth), false)
			tag = setAttr(tag, "fitToHeight", strconv.Itoa(*layout.FitToHeight), false)
		}
		if layout.AdjustTo != nil {
			tag = setAttr(tag, "scale", strconv.Itoa(int(*layout.AdjustTo)), false)
		}
		return tag
	}
	if ps, ok := e.child("pageSetup"); ok {
		e.edits.replace(ps.start, ps.startEnd, set(string(b[ps.start:ps.startEnd])))
	} else {
		e.edits.insert(e.before(afterPageSetup), set(`<pageSetup/>`))
	}
	fit := "0"
	if toWidth {
		fit = "1"
	}
	pr, ok := e.child("sheetPr")
	switch {
	case !ok:
		e.edits.insert(e.root.startEnd, `<sheetPr><pageSetUpPr fitToPage="`+fit+`"/></sheetPr>`)
	case pr.empty:
		tag := string(b[pr.start:pr.startEnd])
		e.edits.replace(pr.start, pr.end, strings.TrimSuffix(strings.TrimSuffix(tag, ">"), "/")+`><pageSetUpPr fitToPage="`+fit+`"/></sheetPr>`)
	default:
		kids, _ := children(b, pr.startEnd, pr.inner)
		for _, k := range kids {
			if k.name == "pageSetUpPr" {
				e.edits.replace(k.start, k.startEnd, k.withAttr(b, "fitToPage", fit, false))
				return
			}
		}
		e.edits.insert(pr.inner, `<pageSetUpPr fitToPage="`+fit+`"/>`)
	}
}

// InlineStrings is a sheet's XML with its shared-string cells made inline strings, from the
// shared strings part they index: a sheet that goes into another workbook without its table.
func InlineStrings(sheet, sharedStrings []byte) ([]byte, error) {
	var x File
	sst := x.readSharedStrings(sharedStrings)
	s := scanner{b: sheet}
	var e edits
	for {
		kind, name, attrs := s.next()
		if kind == tagNone {
			break
		}
		if kind != tagStart || string(name) != "c" || attrValue(attrs, "t") != "s" {
			continue
		}
		start := s.tag
		tag := string(sheet[start:s.i])
		end := bytes.Index(sheet[s.i:], []byte("</c>"))
		if end < 0 {
			return nil, ErrUnusualXML
		}
		inner := sheet[s.i : s.i+end]
		s.i += end + len("</c>")
		v := bytes.Index(inner, []byte("<v>"))
		ve := bytes.Index(inner, []byte("</v>"))
		if v < 0 || ve < v {
			return nil, ErrUnusualXML
		}
		n, ok := parseIndex(inner[v+3 : ve])
		if !ok || n >= len(sst) {
			return nil, ErrUnusualXML
		}
		e.replace(start, s.i, setAttr(tag, "t", "inlineStr", false)+`<is><t xml:space="preserve">`+Escape(sst[n])+"</t></is></c>")
	}
	return e.apply(sheet)
}
