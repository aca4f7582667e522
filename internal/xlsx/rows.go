package xlsx

import (
	"bufio"
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// RowWriter writes a sheet's rows as SpreadsheetML straight into the sheet's XML, strings
// inline: the templates' task rows and the summary workbook's tables, where building each
// cell through excelize cost most of the time (a template's rows, the summary's 730,000 rows
// of detail at 10,000 units). Rows are written in order, each cell once, columns ascending.
// A bufio.Writer keeps its first error: the caller checks Flush.
type RowWriter struct {
	*bufio.Writer
	ref []byte // scratch for a cell's reference
}

// NewRowWriter writes rows to w.
func NewRowWriter(w *bufio.Writer) *RowWriter { return &RowWriter{Writer: w} }

// StartRow starts row r, height points high (0: the client's default).
func (b *RowWriter) StartRow(r int, height float64) {
	b.WriteString(`<row r="`)
	b.WriteString(strconv.Itoa(r))
	if height > 0 {
		b.WriteString(`" ht="`)
		b.WriteString(strconv.FormatFloat(height, 'f', -1, 64))
		b.WriteString(`" customHeight="1`)
	}
	b.WriteString(`">`)
}

// EndRow ends the row.
func (b *RowWriter) EndRow() { b.WriteString("</row>") }

// start writes a cell's start tag up to its type.
func (b *RowWriter) start(c, r, style int) {
	b.ref = appendCellRef(b.ref[:0], c, r)
	b.WriteString(`<c r="`)
	b.Write(b.ref)
	b.WriteString(`" s="`)
	b.WriteString(strconv.Itoa(style))
}

// Text writes the cell at column c of row r in a style, with a text value; "" is a cell with
// the style and no value. The caller keeps the text within a cell's limit.
func (b *RowWriter) Text(c, r, style int, value string) {
	b.start(c, r, style)
	if value == "" {
		b.WriteString(`"/>`)
		return
	}
	b.WriteString(`" t="inlineStr"><is><t`)
	if first, last := value[0], value[len(value)-1]; isSpace(first) || isSpace(last) {
		b.WriteString(` xml:space="preserve"`) // else clients drop the spaces at the ends
	}
	b.WriteString(`>`)
	b.WriteString(Escape(value))
	b.WriteString(`</t></is></c>`)
}

// Int writes a cell holding a whole number.
func (b *RowWriter) Int(c, r, style int, v int) {
	b.start(c, r, style)
	b.WriteString(`"><v>`)
	b.WriteString(strconv.Itoa(v))
	b.WriteString(`</v></c>`)
}

// Float writes a cell holding a number, to Excel's 15 significant digits.
func (b *RowWriter) Float(c, r, style int, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		b.Text(c, r, style, strconv.FormatFloat(v, 'f', -1, 64))
		return
	}
	b.start(c, r, style)
	b.WriteString(`"><v>`)
	b.WriteString(formatFloat(v))
	b.WriteString(`</v></c>`)
}

// Time writes a cell holding a date and time, as excelize writes one: its serial number in
// full (the style gives it a date format), or, before the 1900 date system begins, its text.
func (b *RowWriter) Time(c, r, style int, t time.Time) {
	serial, ok := Serial(t)
	if !ok {
		_, offset := t.Zone()
		b.Text(c, r, style, t.Add(time.Duration(offset)*time.Second).Format(time.RFC3339Nano))
		return
	}
	b.start(c, r, style)
	b.WriteString(`"><v>`)
	b.WriteString(strconv.FormatFloat(serial, 'f', -1, 64))
	b.WriteString(`</v></c>`)
}

// The 1900 date system: day 1 is 1 January 1900, and Excel counts a 29 February 1900 that
// never was, so that from 1 March 1900 on each day is one more.
var (
	excelDayZero = time.Date(1899, time.December, 31, 0, 0, 0, 0, time.UTC)
	excelLeapBug = time.Date(1900, time.March, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
)

// Serial is a time's serial number in the 1900 date system, read from its wall clock (a time
// in Beijing is written as the clock there showed it), as excelize computes it; false for a
// time on or before 31 December 1899, which the system cannot hold.
func Serial(t time.Time) (float64, bool) {
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	if wall.Before(excelDayZero) {
		return 0, false
	}
	const day = 24 * time.Hour
	const step = 290 * 364 * day // a time.Duration holds 292 years: further dates in steps
	serial := 0.0
	for wall.Sub(excelDayZero) >= step {
		serial += float64(step / day)
		wall = wall.Add(-step)
	}
	d := wall.Sub(excelDayZero)
	serial += float64(d/day) + float64(d%day)/float64(day)
	if time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC).After(excelLeapBug) {
		serial++
	}
	return serial, serial > 0
}

// formatFloat writes a number as excelize does: the shortest form, cut to 15 significant
// digits.
func formatFloat(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	const maxDigits = 15
	point := strings.IndexByte(s, '.')
	digits := 0
	for i := range s {
		if s[i] < '0' || s[i] > '9' || digits == 0 && s[i] == '0' {
			continue
		}
		if digits++; digits <= maxDigits {
			continue
		}
		if point >= 0 && i > point {
			return strings.TrimSuffix(s[:i], ".")
		}
		if point < 0 {
			point = len(s)
		}
		cut := []byte(s[:point]) // more than 15 digits before the point: the rest are zeros
		for ; i < len(cut); i++ {
			cut[i] = '0'
		}
		return string(cut)
	}
	return s
}

// appendCellRef appends a cell's A1 reference.
func appendCellRef(dst []byte, c, r int) []byte {
	var col [4]byte
	i := len(col)
	for c > 0 {
		c--
		i--
		col[i] = byte('A' + c%26)
		c /= 26
	}
	dst = append(dst, col[i:]...)
	return strconv.AppendInt(dst, int64(r), 10)
}

// Escape escapes text for XML: element text and attribute values alike. Characters XML
// cannot hold become U+FFFD.
func Escape(s string) string {
	// Most text has nothing to escape or replace: bytes first, and only then, when there are
	// any beyond ASCII, whether they are well-formed UTF-8 of characters XML holds.
	wide := false
	plain := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == '"' || c == '\'' || c == '&' || c == '<' || c == '>':
			plain = false
		case c >= 0x80:
			wide = true
		}
	}
	if plain && wide {
		plain = utf8.ValidString(s) && !strings.ContainsAny(s, "\uFFFD\uFFFE\uFFFF")
	}
	if plain {
		return s
	}
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// EmptySheetData finds, in the XML of a sheet excelize wrote without rows, its empty
// sheetData element (<sheetData/> or <sheetData></sheetData>): where it starts and ends, for
// a RowWriter's rows to go in its place; false when there is none.
func EmptySheetData(sheetXML string) (start, end int, ok bool) {
	for _, empty := range []string{"<sheetData></sheetData>", "<sheetData/>"} {
		if i := strings.Index(sheetXML, empty); i >= 0 {
			return i, i + len(empty), true
		}
	}
	return 0, 0, false
}
