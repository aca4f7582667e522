package plan

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A table fixture (testdata/corpus/*.table.tsv) describes a 任务分工表 as it is laid out, from
// which the tests build the .docx and the .xlsx an office would send:
//
//	title:text        a paragraph (docx) or a merged row (xlsx) before the table
//	a<TAB>b<TAB>c     a row; the first row is the header
//	=text             a row of one cell merged across the table (a section heading)
//	^                 a cell merged with the one above it (a lead unit shared by rows)
//	!header           the header row again, as Word repeats it on each page
type tableFixture struct {
	titles []string
	rows   [][]string // "=" rows hold one cell starting with "="
}

func parseTableFixture(t testing.TB, src string) tableFixture {
	t.Helper()
	var tf tableFixture
	for _, l := range strings.Split(strings.TrimRight(src, "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "title:"):
			tf.titles = append(tf.titles, strings.TrimPrefix(l, "title:"))
		case l == "!header":
			if len(tf.rows) == 0 {
				t.Fatal("!header before the header")
			}
			tf.rows = append(tf.rows, tf.rows[0])
		case strings.HasPrefix(l, "="):
			tf.rows = append(tf.rows, []string{l})
		default:
			tf.rows = append(tf.rows, strings.Split(l, "\t"))
		}
	}
	return tf
}

func (tf tableFixture) width() int { return len(tf.rows[0]) }

// cellAbove reports whether row r's cell c is merged with the cell above it.
func (tf tableFixture) merged(r, c int) bool {
	return c < len(tf.rows[r]) && tf.rows[r][c] == "^"
}

func xmlText(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// docx builds the fixture as a .docx: titles as paragraphs, then one w:tbl with w:gridSpan
// heading rows, w:vMerge merged cells and a w:tblHeader header row.
func (tf tableFixture) docx(t testing.TB) []byte {
	t.Helper()
	var body strings.Builder
	para := func(s string) string {
		if s == "" {
			return "<w:p/>"
		}
		return "<w:p><w:r><w:t xml:space=\"preserve\">" + xmlText(s) + "</w:t></w:r></w:p>"
	}
	for _, s := range tf.titles {
		body.WriteString(para(s))
	}
	body.WriteString("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>")
	for r, row := range tf.rows {
		body.WriteString("<w:tr>")
		if r == 0 {
			body.WriteString("<w:trPr><w:tblHeader/></w:trPr>")
		}
		if len(row) == 1 && strings.HasPrefix(row[0], "=") {
			fmt.Fprintf(&body, "<w:tc><w:tcPr><w:gridSpan w:val=\"%d\"/></w:tcPr>%s</w:tc></w:tr>", tf.width(), para(row[0][1:]))
			continue
		}
		for c := 0; c < tf.width(); c++ {
			v := ""
			if c < len(row) {
				v = row[c]
			}
			switch {
			case v == "^":
				body.WriteString("<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>")
			case r+1 < len(tf.rows) && tf.merged(r+1, c):
				fmt.Fprintf(&body, "<w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr>%s</w:tc>", para(v))
			default:
				fmt.Fprintf(&body, "<w:tc>%s</w:tc>", para(v))
			}
		}
		body.WriteString("</w:tr>")
	}
	body.WriteString("</w:tbl><w:p/>")
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		body.String() + `<w:sectPr/></w:body></w:document>`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": doc,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xlsx builds the fixture as an .xlsx: titles in rows merged across, then the table with
// merged cells (heading rows across, shared cells down).
func (tf tableFixture) xlsx(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "任务分工表"
	f.SetSheetName("Sheet1", sheet)
	cell := func(c, r int) string {
		name, err := excelize.CoordinatesToCellName(c, r)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	last := cell(tf.width(), 1)[:1]
	row := 1
	for _, s := range tf.titles {
		f.SetCellValue(sheet, cell(1, row), s)
		f.MergeCell(sheet, cell(1, row), fmt.Sprintf("%s%d", last, row))
		row++
	}
	start := map[int]int{} // column → the row a downward merge starts at
	for r, cells := range tf.rows {
		if len(cells) == 1 && strings.HasPrefix(cells[0], "=") {
			f.SetCellValue(sheet, cell(1, row), cells[0][1:])
			f.MergeCell(sheet, cell(1, row), cell(tf.width(), row))
			row++
			continue
		}
		for c, v := range cells {
			if v == "^" {
				continue
			}
			f.SetCellValue(sheet, cell(c+1, row), v)
			start[c] = row
		}
		for c := range cells {
			if r+1 < len(tf.rows) && tf.merged(r+1, c) {
				continue
			}
			if tf.merged(r, c) {
				f.MergeCell(sheet, cell(c+1, start[c]), cell(c+1, row))
			}
		}
		row++
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
