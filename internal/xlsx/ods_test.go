package xlsx_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"planreport/internal/clienttest"
	"planreport/internal/xlsx"
	"planreport/internal/xlsx/xlsxtest"
)

// odsOf builds an .ods package around a content.xml body (the office:spreadsheet's inside)
// and a meta.xml office:meta inside; extra parts are added as given.
func odsOf(t testing.TB, styles, spreadsheet, meta string, extra map[string]string) []byte {
	t.Helper()
	files := map[string]string{
		"mimetype":              xlsx.ODS,
		"META-INF/manifest.xml": `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>`,
		"content.xml": `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3">` +
			`<office:automatic-styles>` + styles + `</office:automatic-styles><office:body><office:spreadsheet>` + spreadsheet + `</office:spreadsheet></office:body></office:document-content>`,
		"meta.xml": `<?xml version="1.0" encoding="UTF-8"?><office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta>` + meta + `</office:meta></office:document-meta>`,
	}
	for k, v := range extra {
		if v == "" {
			delete(files, k)
		} else {
			files[k] = v
		}
	}
	return xlsxtest.Zip(files)
}

func openODS(t testing.TB, data []byte, limit int64) (*xlsx.File, error) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if got := xlsx.OpenDocumentType(zr); got != xlsx.ODS {
		t.Fatalf("OpenDocumentType = %q", got)
	}
	return xlsx.OpenODS(zr, data, limit)
}

// TestODSCells covers what LibreOffice and other writers put in an .ods: repeated rows and
// cells, covered (merged) cells, paragraphs, spaces, spans, comments, every value type,
// formulas, header rows and row groups, hidden tables, and the properties in meta.xml.
func TestODSCells(t *testing.T) {
	styles := `<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>` +
		`<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>`
	sheet := `<table:table table:name="S" table:style-name="ta1">
<table:table-column table:number-columns-repeated="3"/>
<table:table-header-rows><table:table-row><table:table-cell office:value-type="string"><text:p>任务编号</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>A &amp; B<text:s text:c="3"/>c</text:p></table:table-cell></table:table-row></table:table-header-rows>
<table:table-row><table:table-cell office:value-type="string"><text:p>line1</text:p><text:p>line2<text:line-break/>line3<text:tab/>x</text:p></table:table-cell><table:table-cell office:value-type="string"><office:annotation><text:p>a comment</text:p></office:annotation><text:p><text:span text:style-name="T1">rich</text:span> <text:a xlink:href="http://x">link</text:a></text:p></table:table-cell><table:table-cell office:value-type="string" office:string-value="attr"><text:p>shown</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="float" office:value="42"><text:p>42</text:p></table:table-cell><table:table-cell office:value-type="percentage" office:value="0.80000000000000004"><text:p>80%</text:p></table:table-cell><table:table-cell office:value-type="currency" office:currency="CNY" office:value="-3.5"><text:p>¥-3.50</text:p></table:table-cell><table:table-cell office:value-type="date" office:date-value="2024-01-05"><text:p>2024年1月5日</text:p></table:table-cell><table:table-cell office:value-type="date" office:date-value="2024-01-05T12:00:00"><text:p>x</text:p></table:table-cell><table:table-cell office:value-type="time" office:time-value="PT12H00M00S"><text:p>12:00</text:p></table:table-cell><table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell><table:table-cell office:value-type="boolean" office:boolean-value="false"><text:p>FALSE</text:p></table:table-cell></table:table-row>
<table:table-row-group><table:table-row><table:table-cell table:formula="of:=40+20" office:value-type="float" office:value="60"><text:p>60</text:p></table:table-cell><table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell><table:table-cell table:formula="of:=[.A1]&amp;&quot;x&quot;" office:value-type="string"><text:p>任务编号x</text:p></table:table-cell></table:table-row></table:table-row-group>
<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>merged</text:p></table:table-cell><table:covered-table-cell/><table:table-cell office:value-type="string" table:number-columns-repeated="2"><text:p>r</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16379"/></table:table-row>
<table:table-row><table:table-cell><text:p>no value type</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1048565"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
</table:table>
<table:table table:name="隐藏" table:style-name="ta2"><table:table-row><table:table-cell office:value-type="string"><text:p>id</text:p></table:table-cell></table:table-row></table:table>
<table:table table:name="空"/>`
	meta := `<dc:title>宝山镇 2023年第四季度任务进展报送表</dc:title><meta:user-defined meta:name="planreport.填报单位">宝山镇</meta:user-defined><meta:user-defined meta:name="planreport.代报单位"/><meta:user-defined meta:name="planreport.模板版本" meta:value-type="string">1</meta:user-defined><meta:user-defined meta:name="n" meta:value-type="float">3</meta:user-defined>`
	x, err := openODS(t, odsOf(t, styles, sheet, meta, nil), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.SheetList(), "|"); got != "S|隐藏|空" {
		t.Errorf("sheets %s", got)
	}
	if x.Sheet("S").State != "" || x.Sheet("隐藏").State != "hidden" {
		t.Errorf("states %q %q", x.Sheet("S").State, x.Sheet("隐藏").State)
	}
	rows, err := x.Rows("S")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"任务编号", "A & B   c"},
		{"line1\nline2\nline3\tx", "rich link", "attr"},
		{"42", "0.8", "-3.5", "45296", "45296.5", "0.5", "TRUE", "FALSE"},
		{"60", "#DIV/0!", "任务编号x"},
		{"", "", "7"},
		{"", "", "7"},
		{"merged", "", "r", "r"},
		{"no value type"},
	}
	if fmt.Sprintf("%q", rows) != fmt.Sprintf("%q", want) {
		t.Errorf("rows:\n%q\nwant\n%q", rows, want)
	}
	if f, ok := x.Formula("S", 3, 0); !ok || f != "40+20" {
		t.Errorf("A4's formula %q %v", f, ok)
	}
	if f, ok := x.Formula("S", 3, 2); !ok || f != `[.A1]&"x"` {
		t.Errorf("C4's formula %q %v", f, ok)
	}
	if _, ok := x.Formula("S", 2, 0); ok {
		t.Error("A3 has no formula")
	}
	if _, ok := x.Calc("S", "A4"); ok {
		t.Error("Calc on an .ods: excelize cannot open it")
	}
	if rows, err := x.Rows("空"); err != nil || len(rows) != 0 {
		t.Errorf("empty table: %q %v", rows, err)
	}
	props := fmt.Sprint(x.Props())
	if props != "map[planreport.代报单位: planreport.填报单位:宝山镇 planreport.模板版本:1]" {
		t.Errorf("props %s", props)
	}
	if x.Title() != "宝山镇 2023年第四季度任务进展报送表" {
		t.Errorf("title %q", x.Title())
	}
}

// TestODSLimits: an .ods is held to the limits of an .xlsx.
func TestODSLimits(t *testing.T) {
	row := func(cells string) string {
		return `<table:table table:name="S"><table:table-row>` + cells + `</table:table-row></table:table>`
	}
	for _, c := range []struct {
		name  string
		data  []byte
		limit int64
		want  error
	}{
		{"repeated values", odsOf(t, "", `<table:table table:name="S"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="100" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>`, "", nil), 64 << 20, xlsx.ErrSheetTooLarge},
		{"value past the last column", odsOf(t, "", row(`<table:table-cell table:number-columns-repeated="16384"/><table:table-cell office:value-type="float" office:value="1"/>`), "", nil), 64 << 20, xlsx.ErrSheetTooLarge},
		{"value past the last row", odsOf(t, "", `<table:table table:name="S"><table:table-row table:number-rows-repeated="1048576"/><table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table>`, "", nil), 64 << 20, xlsx.ErrSheetTooLarge},
		{"sheets together", odsOf(t, "", strings.Repeat(`<table:table table:name="S"><table:table-row table:number-rows-repeated="300000"><table:table-cell table:number-columns-repeated="5" office:value-type="float" office:value="1"/></table:table-row></table:table>`, 3), "", nil), 64 << 20, xlsx.ErrSheetTooLarge},
		{"content beyond the budget", odsOf(t, "", row(`<table:table-cell office:value-type="string"><text:p>`+strings.Repeat("x", 1<<16)+`</text:p></table:table-cell>`), "", nil), 1 << 15, xlsx.ErrTooBig},
		{"doctype", odsOf(t, "", "", "", map[string]string{"content.xml": `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><office:document-content/>`}), 64 << 20, xlsx.ErrDoctype},
		{"encrypted", odsOf(t, "", row(""), "", map[string]string{"META-INF/manifest.xml": `<manifest:manifest><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry></manifest:manifest>`}), 64 << 20, xlsx.ErrEncrypted},
		{"no content", odsOf(t, "", "", "", map[string]string{"content.xml": ""}), 64 << 20, xlsx.ErrNotSpreadsheet},
		{"text document", odsOf(t, "", "", "", map[string]string{"content.xml": `<office:document-content><office:body><office:text><text:p>x</text:p></office:text></office:body></office:document-content>`}), 64 << 20, xlsx.ErrNotSpreadsheet},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := openODS(t, c.data, c.limit)
			if !errors.Is(err, c.want) {
				t.Errorf("err %v, want %v", err, c.want)
			}
		})
	}
}

// TestODSLibreOffice saves one workbook with LibreOffice as .ods and as .xlsx: both readers
// must give the same sheets, states, rows, properties and title. (A boolean is left out:
// LibreOffice saves TRUE as the formula =TRUE() with the number 1 in an .ods, and as a
// boolean in an .xlsx; no rule reads one.)
func TestODSLibreOffice(t *testing.T) {
	clienttest.Soffice(t)
	dir := t.TempDir()
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "任务进展")
	for cell, v := range map[string]any{"A1": "任务编号", "B1": "完成进度(%)", "C1": "本期工作进展", "A2": "1.1", "B2": 80, "C2": "第一行\n第二行  两个空格",
		"A3": "1.2", "B3": 0.6, "C3": `A&B <c> "q"`, "A5": "备注：后补材料", "E7": 12345678901234567} {
		f.SetCellValue("任务进展", cell, v)
	}
	f.SetCellFormula("任务进展", "B4", "40+20")
	f.NewSheet("标识")
	f.SetCellValue("标识", "A1", "填报单位")
	f.SetCellValue("标识", "B1", "宝山镇")
	f.SetSheetVisible("标识", false, true)
	f.SetCustomProps(excelize.CustomProperty{Name: "planreport.填报单位", Value: "宝山镇"})
	f.SetDocProps(&excelize.DocProperties{Title: "宝山镇 2023年第四季度任务进展报送表"})
	src := filepath.Join(dir, "src.xlsx")
	if err := f.SaveAs(src); err != nil {
		t.Fatal(err)
	}
	odsPath, xlsxPath := filepath.Join(dir, "saved.ods"), filepath.Join(dir, "saved.xlsx")
	clienttest.Fill(t, []clienttest.File{{In: src, Out: odsPath, Cells: []clienttest.Cell{}}, {In: src, Out: xlsxPath, Cells: []clienttest.Cell{}}})

	odsData, _ := os.ReadFile(odsPath)
	o, err := openODS(t, odsData, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	xlsxData, _ := os.ReadFile(xlsxPath)
	x, err := xlsx.OpenBytes(xlsxData, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := strings.Join(o.SheetList(), "|"), strings.Join(x.SheetList(), "|"); a != b {
		t.Errorf("sheets: ods %s, xlsx %s", a, b)
	}
	for _, s := range x.SheetList() {
		a, _ := o.Rows(s)
		b, _ := x.Rows(s)
		if fmt.Sprintf("%q", a) != fmt.Sprintf("%q", b) {
			t.Errorf("%s: ods\n%q\nxlsx\n%q", s, a, b)
		}
		if (o.Sheet(s).State == "") != (x.Sheet(s).State == "" || x.Sheet(s).State == "visible") {
			t.Errorf("%s: state ods %q, xlsx %q", s, o.Sheet(s).State, x.Sheet(s).State)
		}
	}
	if a, b := fmt.Sprint(o.Props()), fmt.Sprint(x.Props()); a != b || !strings.Contains(a, "宝山镇") {
		t.Errorf("props: ods %s, xlsx %s", a, b)
	}
	if o.Title() != x.Title() || o.Title() == "" {
		t.Errorf("title: ods %q, xlsx %q", o.Title(), x.Title())
	}
}
