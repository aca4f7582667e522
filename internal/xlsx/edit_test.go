package xlsx

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestSheetEdit edits sheets written as Excel, LibreOffice and odd writers write them (rows
// and cells missing, self-closing rows, no cols, no page setup) and reads the result back
// with excelize: the styles, texts, widths, page fit and drawing are where they were put, and
// everything else is as it was.
func TestSheetEdit(t *testing.T) {
	const head = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`
	cases := []struct {
		name, sheet string
		landscape   bool
	}{
		{"excel", head + `<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:C3"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>` +
			`<sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="1" width="20" customWidth="1"/><col min="2" max="16384" width="12" style="3" customWidth="1"/></cols>` +
			`<sheetData><row r="1" spans="1:3"><c r="A1" s="1" t="inlineStr"><is><t>任务</t></is></c><c r="B1" s="1" t="inlineStr"><is><t>状态</t></is></c></row>` +
			`<row r="3" spans="1:3"><c r="A3"><v>1</v></c><c r="C3" s="2"><v>5</v></c></row></sheetData>` +
			`<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape"/><tableParts count="0"/></worksheet>`, true},
		{"sparse", head + `<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>任务</t></is></c></row><row r="3"/></sheetData></worksheet>`, false},
		{"empty", head + `<sheetData/></worksheet>`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := EditSheet([]byte(tc.sheet))
			if err != nil {
				t.Fatal(err)
			}
			if e.Landscape() != tc.landscape {
				t.Errorf("landscape %v", e.Landscape())
			}
			if tc.name == "excel" {
				if got := e.Style(3, 3); got != 2 {
					t.Errorf("C3's style %d, want 2", got)
				}
				if got := e.Style(2, 2); got != 3 {
					t.Errorf("B2's style %d, want its column's, 3", got)
				}
				if got := e.Width(5); got != 12 {
					t.Errorf("E's width %v, want 12", got)
				}
			}
			e.SetStyle(2, 1, 7) // a cell there
			e.SetStyle(2, 3, 8) // a cell missing between two
			e.SetStyle(1, 2, 9) // a row missing
			e.SetText(4, 1, "检查标记", 5)
			e.SetText(4, 3, "✖ 状态 <&>", 6)
			e.SetColWidth(4, 9)
			out, err := e.Bytes("rId9", 4)
			if err != nil {
				t.Fatal(err)
			}
			f := openSheet(t, out)
			defer f.Close()
			for cell, want := range map[string]int{"B1": 7, "B3": 8, "A2": 9, "D1": 5, "D3": 6} {
				if got, _ := f.GetCellStyle("Sheet1", cell); got != want {
					t.Errorf("%s's style %d, want %d", cell, got, want)
				}
			}
			for cell, want := range map[string]string{"D1": "检查标记", "D3": "✖ 状态 <&>"} {
				if got, _ := f.GetCellValue("Sheet1", cell); got != want {
					t.Errorf("%s = %q, want %q", cell, got, want)
				}
			}
			if tc.name == "excel" {
				if got, _ := f.GetCellValue("Sheet1", "C3"); got != "5" {
					t.Errorf("C3 = %q, want 5", got)
				}
				for col, want := range map[string]float64{"A": 20, "C": 12, "D": 9, "E": 12} {
					if got, _ := f.GetColWidth("Sheet1", col); got != want {
						t.Errorf("column %s is %v wide, want %v", col, got, want)
					}
				}
				if bytes.Contains(out, []byte("spans=")) {
					t.Errorf("rows keep their spans:\n%s", out)
				}
			}
			if w, _ := f.GetColWidth("Sheet1", "D"); w != 9 {
				t.Errorf("D is %v wide, want 9", w)
			}
			if !bytes.Contains(out, []byte(`<legacyDrawing r:id="rId9"/>`)) {
				t.Errorf("no legacy drawing:\n%s", out)
			}
			// The legacy drawing comes before tableParts, as the schema orders them.
			if i, j := bytes.Index(out, []byte("<legacyDrawing")), bytes.Index(out, []byte("<tableParts")); j >= 0 && i > j {
				t.Errorf("legacyDrawing after tableParts")
			}
			layout, err := f.GetPageLayout("Sheet1")
			if err != nil || layout.FitToWidth == nil || *layout.FitToWidth != 1 {
				t.Errorf("the page is not fitted to its width: %+v %v", layout, err)
			}
		})
	}
}

// packageOf is the package excelize writes of f, opened for editing.
func packageOf(t *testing.T, f *excelize.File) *Package {
	t.Helper()
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	zr, err := OpenZip(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	p, err := OpenPackage(zr, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// openSheet opens a worksheet's XML as the only sheet of a workbook, with excelize.
func openSheet(t *testing.T, sheet []byte) *excelize.File {
	t.Helper()
	p := packageOf(t, excelize.NewFile())
	names, parts, err := p.Sheets()
	if err != nil || len(names) != 1 || names[0] != "Sheet1" {
		t.Fatalf("sheets %v: %v", names, err)
	}
	p.Set(parts[0], sheet)
	return reopen(t, p)
}

// reopen opens the package as it now is with excelize.
func reopen(t *testing.T, p *Package) *excelize.File {
	t.Helper()
	var out bytes.Buffer
	if _, err := p.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	g, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestSheetEditRefuses: prefixed SpreadsheetML and rows without references are not edited.
func TestSheetEditRefuses(t *testing.T) {
	for _, sheet := range []string{
		`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData/></x:worksheet>`,
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>`,
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c><v>1</v></c></row></sheetData></worksheet>`,
	} {
		if _, err := EditSheet([]byte(sheet)); err != ErrUnusualXML {
			t.Errorf("%.60s: %v, want ErrUnusualXML", sheet, err)
		}
	}
}

// TestInlineStrings: shared-string cells become inline strings of the same text.
func TestInlineStrings(t *testing.T) {
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>序号</t></si><si><t xml:space="preserve"> a&amp;b </t></si></sst>`
	sheet := `<worksheet><sheetData><row r="1"><c r="A1" s="2" t="s"><v>1</v></c><c r="B1" t="s"><v>0</v></c><c r="C1"><v>3</v></c></row></sheetData></worksheet>`
	out, err := InlineStrings([]byte(sheet), []byte(sst))
	if err != nil {
		t.Fatal(err)
	}
	want := `<c r="A1" s="2" t="inlineStr"><is><t xml:space="preserve"> a&amp;b </t></is></c><c r="B1" t="inlineStr"><is><t xml:space="preserve">序号</t></is></c><c r="C1"><v>3</v></c>`
	if !strings.Contains(string(out), want) {
		t.Errorf("got %s\nwant %s", out, want)
	}
}

// TestPutSheetFirst puts a sheet in front of a workbook whose selected tab is a chart sheet, and
// whose first sheet has print titles: the new sheet is first, active and alone selected, and
// the print titles still name their sheet.
func TestPutSheetFirst(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"a", 1})
	f.SetSheetRow("Sheet1", "A2", &[]any{"b", 2})
	if err := SetPage(f, "Sheet1", Page{TitleRows: 1}); err != nil {
		t.Fatal(err)
	}
	if err := f.AddChartSheet("图表", &excelize.Chart{Type: excelize.Col,
		Series: []excelize.ChartSeries{{Name: "Sheet1!$A$1", Categories: "Sheet1!$A$1:$A$2", Values: "Sheet1!$B$1:$B$2"}}}); err != nil {
		t.Fatal(err)
	}
	p := packageOf(t, f)
	// The chart sheet selected, as Excel saves it when it was the sheet in view (excelize's
	// SetActiveSheet selects none).
	if _, parts, err := p.Sheets(); err != nil || len(parts) != 2 {
		t.Fatal(parts, err)
	} else if chart, _ := p.Read(parts[1]); !bytes.Contains(chart, []byte(`<sheetView `)) {
		t.Fatalf("the chart sheet has no view:\n%s", chart)
	} else {
		p.Set(parts[1], bytes.Replace(chart, []byte(`<sheetView `), []byte(`<sheetView tabSelected="1" `), 1))
	}
	list := []byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>清单</t></is></c></row></sheetData></worksheet>`)
	if err := p.PutSheetFirst("清单", list, 1); err != nil {
		t.Fatal(err)
	}
	g := reopen(t, p)
	defer g.Close()
	if got := g.GetSheetList(); strings.Join(got, "|") != "清单|Sheet1|图表" {
		t.Errorf("sheets %v", got)
	}
	if g.GetActiveSheetIndex() != 0 {
		t.Errorf("active sheet %d", g.GetActiveSheetIndex())
	}
	if v, _ := g.GetCellValue("清单", "A1"); v != "清单" {
		t.Errorf("the list's A1 = %q", v)
	}
	if err := checkSheetNames(g); err != nil {
		t.Error(err)
	}
	names, parts, _ := p.Sheets()
	for i, part := range parts {
		data, _ := p.Read(part)
		if i > 0 && bytes.Contains(data, []byte("tabSelected")) {
			t.Errorf("%s is still selected", names[i])
		}
	}
}
