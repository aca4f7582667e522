package xlsx_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"planreport/internal/xlsx"
	"planreport/internal/xlsx/xlsxtest"

	"github.com/xuri/excelize/v2"
)

// openBytes opens a workbook's bytes with the fast reader.
func openBytes(t testing.TB, data []byte) (*xlsx.File, error) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	return xlsx.Open(zr, data, 64<<20)
}

// pkg builds a package from parts; a part named "" is left out.
func pkg(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	base := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels":                `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/workbook.xml":            `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
	}
	for k, v := range parts {
		base[k] = v
	}
	files := map[string]string{}
	for k, v := range base {
		if v != "" {
			files[k] = v
		}
	}
	return xlsxtest.Zip(files)
}

func sheetXML(data string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData>` + data + `</sheetData></worksheet>`
}

// TestXLSXCells covers what writers put in cells, checked against excelize's GetRows.
func TestXLSXCells(t *testing.T) {
	sst := `<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="7" uniqueCount="7">
<si><t>plain</t></si>
<si><r><rPr><b/></rPr><t>rich </t></r><r><t xml:space="preserve"> runs </t></r><rPh sb="0" eb="1"><t>フリガナ</t></rPh></si>
<si><t xml:space="preserve">  spaced  </t></si>
<si><t>&amp; &lt; &gt; &quot; &apos; &#123; &#x4E2D;&#x6587;</t></si>
<si><t/></si>
<si><t>line1&#10;line2` + "\r\n" + `line3</t></si>
<si><t>_x000D_x_x005F_x0041_y_x00</t></si>
</sst>`
	sheet := sheetXML(`
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v> 2 </v></c><c r="D1" t="s"><v>3</v></c></row>
<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2" t="s"><v>6</v></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><t>inline</t></is></c><c r="B3" t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r></is></c><c r="C3" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="D3" t="b"><v>1</v></c><c r="E3" t="b"><v>0</v></c><c r="F3" t="e"><v>#DIV/0!</v></c></row>
<row r="4"><c r="A4"><v>42</v></c><c r="B4"><v>0.80000000000000004</v></c><c r="C4"><v>1E3</v></c><c r="D4"><v>-3.5</v></c><c r="E4" t="n"><v>007</v></c><c r="F4"><v>12345678901234567890</v></c></row>
<row r="5"><c r="A5"><f>40+20</f></c><c r="B5"><f>1+1</f><v>2</v></c><c r="C5" s="2"/><c r="D5" s="3"></c><c r="E5" t="s"></c><c r="F5"><v></v></c><c r="G5" t="str"><f>A1</f><v></v></c></row>
<row r="7"><c r="C7"><v>7</v></c></row>
<row><c><v>1</v></c><c t="s"><v>0</v></c><c r="E8"><v>5</v></c><c><v>6</v></c></row>
<row r="10" spans="1:3"><c r="A10" s="1"/><c r="B10" s="1"/></row>
<row r="11"/>
<row r="12"><c r="B12"><f t="shared" ref="B12:B13" si="0">A12+1</f><v>1</v></c></row>
<row r="13"><c r="B13"><f t="shared" si="0"/><v>1</v></c></row>`)
	data := pkg(t, map[string]string{"xl/sharedStrings.xml": sst, "xl/worksheets/sheet1.xml": sheet})
	x, err := openBytes(t, data)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.Rows("S")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"plain", "rich  runs ", "  spaced  ", `& < > " ' { 中文`},
		{"", "line1\nline2\nline3", "\rx_x0041_y_x00"},
		{"inline", "ab", "xy", "TRUE", "FALSE", "#DIV/0!"},
		{"42", "0.8", "1000", "-3.5", "7", "1.23456789012346E+19"},
		{"", "2", "", "", "", "", ""},
		nil,
		{"", "", "7"},
		{"1", "plain", "", "", "5", "6"},
		nil, nil, nil,
		{"", "1"},
		{"", "1"},
	}
	if fmt.Sprintf("%q", rows) != fmt.Sprintf("%q", want) {
		t.Errorf("rows:\n%q\nwant\n%q", rows, want)
	}
	for _, c := range []struct {
		row, col int
		want     bool
	}{{4, 0, true}, {4, 1, true}, {4, 6, true}, {2, 2, true}, {11, 1, true}, {12, 1, true}, {4, 2, false}, {0, 0, false}} {
		if _, got := x.Formula("S", c.row, c.col); got != c.want {
			t.Errorf("Formula(%d, %d): %v", c.row, c.col, got)
		}
	}
	if f, _ := x.Formula("S", 4, 0); f != "40+20" {
		t.Errorf("A5's formula %q", f)
	}
	if f, _ := x.Formula("S", 2, 2); f != `"x"&"y"` {
		t.Errorf("C3's formula %q", f)
	}
	if f, ok := x.Formula("S", 12, 1); f != "" || !ok {
		t.Errorf("B13's shared formula %q %v", f, ok)
	}
	if v, ok := x.Calc("S", "A5"); !ok || v != "60" {
		t.Errorf("Calc A5 = %q, %v", v, ok)
	}
	if _, diffs := xlsxtest.Diff(data); diffs != nil {
		t.Errorf("handmade: %q", diffs)
	}
}

// TestXLSXWorkbook covers the workbook's sheets and relationships, namespace prefixes and
// custom properties.
func TestXLSXWorkbook(t *testing.T) {
	data := pkg(t, map[string]string{
		"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/xl/workbook.xml"/>
			<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0"?><!-- a comment with <sheet name="no"/> -->
<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<x:sheets><x:sheet name="A&amp;B" sheetId="1" r:id="rId1"/><x:sheet name='隐藏' sheetId="2" state="hidden" r:id="rId2"/><x:sheet name="标识" sheetId="3" state="veryHidden" r:id="rId3"></x:sheet><x:sheet name="Gone" sheetId="4" r:id="rId4"/></x:sheets>
<x:definedNames><x:definedName name="a">'A&amp;B'!$A$1</x:definedName></x:definedNames></x:workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/../worksheets/sheet2.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/Sheet3.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/missing.xml"/>
<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/strings.xml"/></Relationships>`,
		"xl/strings.xml":           `<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:si><x:t>共享</x:t></x:si></x:sst>`,
		"xl/worksheets/sheet1.xml": `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:t><![CDATA[<raw> & ]]>text</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
		"xl/worksheets/sheet2.xml": sheetXML(`<row r="2"><c r="B2"><v>2</v></c></row>`),
		"xl/worksheets/sheet3.xml": sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>key</t></is></c><c r="B1" t="inlineStr"><is><t>value</t></is></c></row>`),
		"docProps/custom.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="planreport.填报单位"><vt:lpwstr>宝山镇 &amp; 其他</vt:lpwstr></property><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="empty"><vt:lpwstr/></property><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="4" name="n"><vt:i4>3</vt:i4></property></Properties>`,
	})
	x, err := openBytes(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(x.SheetList(), "|"); got != "A&B|隐藏|标识|Gone" {
		t.Errorf("sheets %s", got)
	}
	if s := x.Sheet("隐藏"); s == nil || s.State != "hidden" {
		t.Errorf("hidden sheet: %+v", s)
	}
	if s := x.Sheet("标识"); s == nil || s.State != "veryHidden" {
		t.Errorf("very hidden sheet: %+v", s)
	}
	check := func(sheet string, want [][]string) {
		t.Helper()
		rows, err := x.Rows(sheet)
		if err != nil || fmt.Sprintf("%q", rows) != fmt.Sprintf("%q", want) {
			t.Errorf("%s: %q, %v; want %q", sheet, rows, err, want)
		}
	}
	check("A&B", [][]string{{"共享", "<raw> & text"}})
	check("a&b", [][]string{{"共享", "<raw> & text"}}) // as excelize: regardless of case
	check("隐藏", [][]string{nil, {"", "2"}})
	check("标识", [][]string{{"key", "value"}}) // the part's name differs in case
	if _, err := x.Rows("Gone"); !errors.Is(err, xlsx.ErrSheetNotExist) {
		t.Errorf("a sheet with no part: %v", err)
	}
	if _, err := x.Rows("Nope"); !errors.Is(err, xlsx.ErrSheetNotExist) {
		t.Errorf("no such sheet: %v", err)
	}
	props := x.Props()
	if props["planreport.填报单位"] != "宝山镇 & 其他" || props["empty"] != "" || len(props) != 2 {
		t.Errorf("props %q", props)
	}

	// Parts that are not there or not a workbook.
	for name, parts := range map[string]map[string]string{
		"no workbook part":   {"xl/workbook.xml": "", "_rels/.rels": ""},
		"workbook not xml":   {"xl/workbook.xml": strings.Repeat("0", 100)},
		"workbook truncated": {"xl/workbook.xml": `<workbook><sheets><sheet name="S" r:id="rId1"`},
	} {
		x, err := openBytes(t, pkg(t, parts))
		if name == "workbook truncated" {
			if err != nil || len(x.SheetList()) != 0 {
				t.Errorf("%s: %v %v", name, x, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: opened %v", name, x)
		}
	}
}

// TestXLSXLimits: a package that expands beyond the limit is refused however small it says
// it is; a sheet that would expand to too many cells is not read.
func TestXLSXLimits(t *testing.T) {
	big := sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>` + strings.Repeat("x", 1<<20) + `</t></is></c></row>`)
	data := pkg(t, map[string]string{"xl/worksheets/sheet1.xml": big})
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if _, err := xlsx.Open(zr, data, 1<<19); !errors.Is(err, xlsx.ErrTooBig) {
		t.Errorf("over the budget: %v", err)
	}

	// A part over 4 MB is read as it comes.
	huge := strings.Repeat("长", 2<<20) // 6 MB
	x, err := openBytes(t, pkg(t, map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>` + huge + `</t></is></c></row>`)}))
	if err != nil {
		t.Fatal(err)
	}
	if rows, err := x.Rows("S"); err != nil || len(rows) != 1 || rows[0][0] != huge {
		t.Errorf("a 6 MB part: %d rows, %v", len(rows), err)
	}
	x.Close()

	// A zip that understates a part's size.
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range map[string]string{"xl/workbook.xml": `<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   big} {
		var raw bytes.Buffer
		fw := zip.NewWriter(&raw)
		w, _ := fw.CreateHeader(&zip.FileHeader{Name: "x", Method: zip.Deflate})
		w.Write([]byte(content))
		fw.Close()
		r, _ := zip.NewReader(bytes.NewReader(raw.Bytes()), int64(raw.Len()))
		compressed, _ := r.File[0].OpenRaw()
		h := r.File[0].FileHeader
		h.Name = name
		if strings.HasPrefix(name, "xl/worksheets") {
			h.UncompressedSize64 = 100 // a lie
		}
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		body.ReadFrom(compressed)
		w.Write(body.Bytes())
	}
	zw.Close()

	// A sheet of a few bytes that would be millions of cells.
	var rowsXML strings.Builder
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(&rowsXML, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, i, i)
	}
	x, err = openBytes(t, pkg(t, map[string]string{"xl/worksheets/sheet1.xml": sheetXML(rowsXML.String())}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.Rows("S"); !errors.Is(err, xlsx.ErrSheetTooLarge) {
		t.Errorf("a sheet of too many cells: %v", err)
	}
	for _, s := range []string{`<row r="1048577"><c><v>1</v></c></row>`, `<row r="1"><c r="XFE1"><v>1</v></c></row>`} {
		x, _ := openBytes(t, pkg(t, map[string]string{"xl/worksheets/sheet1.xml": sheetXML(s)}))
		if rows, err := x.Rows("S"); err == nil && len(rows) > 0 && len(rows[len(rows)-1]) > xlsx.MaxCols {
			t.Errorf("%s: %d rows", s, len(rows))
		}
	}
}

// TestEvalArithmetic: formulas of numbers alone are calculated as excelize calculates them;
// anything else is left to excelize.
func TestEvalArithmetic(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	for i, formula := range []string{"60", "40+20", "50+50", " 100 ", "(3+5)*10", "80%", "0.8*100", "1/3", "2/3*100", "-2^2", "2^-1", "10-2-3", "2*3+4*5",
		"((1))", "1e2", "1.5E+1", ".5*200", "100-0.1*3", "7/7*100", "--5", "50%*160", "2^3^2", "0.1+0.2"} {
		cell := fmt.Sprintf("A%d", i+1)
		f.SetCellFormula("Sheet1", cell, formula)
		want, err := f.CalcCellValue("Sheet1", cell)
		got, ok := xlsx.EvalArithmetic(formula)
		if err != nil || !ok || !xlsxtest.SameValue(got, want) {
			t.Errorf("%s = %q %v, excelize %q %v", formula, got, ok, want, err)
		}
	}
	if v, ok := xlsx.EvalArithmetic("+5"); v != "5" || !ok { // Excel takes it; excelize does not
		t.Errorf("+5 = %q %v", v, ok)
	}
	for _, formula := range []string{"", "A1", "SUM(1,2)", "1/0", `"60"`, "1+", "(1", "1)", "1=1", "1&2", "60 70", "1e", "1..2", strings.Repeat("(", 500) + "1" + strings.Repeat(")", 500)} {
		if v, ok := xlsx.EvalArithmetic(formula); ok {
			t.Errorf("%q calculated as %q", formula, v)
		}
	}
}

// TestDoctype: a part that declares a document type (an XML bomb) is refused; an entity
// reference that XML does not know is kept as text, never expanded.
func TestDoctype(t *testing.T) {
	bomb := `<?xml version="1.0"?>
<!-- a comment -->
<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>&lol;&xxe;</t></is></c></row>`)[len(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`)+1:]
	if _, err := openBytes(t, pkg(t, map[string]string{"xl/worksheets/sheet1.xml": bomb})); !errors.Is(err, xlsx.ErrDoctype) {
		t.Errorf("a DOCTYPE in a sheet: %v", err)
	}
	x, err := openBytes(t, pkg(t, map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>&lol;&#0;&#xD800;&amp</t></is></c></row>`)}))
	if err != nil {
		t.Fatal(err)
	}
	if rows, _ := x.Rows("S"); len(rows) != 1 || rows[0][0] != "&lol;&#0;&#xD800;&amp" {
		t.Errorf("unknown entities: %q", rows)
	}
}
