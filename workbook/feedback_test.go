package workbook

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"planreport/internal/clienttest"
	"planreport/internal/xlsx"
	"planreport/plan"
	"planreport/templates"
)

// TestFeedbackOnClientFiles annotates returns as spreadsheet programs save them: our
// template filled (as excelize writes it), one LibreOffice saved, and a feedback workbook sent
// back with fixes and annotated again. Each feedback workbook opens in excelize and openpyxl
// with the list first and only once, every finding's cell marked and commented (one comment a
// cell), one 检查标记 column, the unit's values kept and the task sheet's print titles its own;
// LibreOffice prints its task sheet with the marks.
func TestFeedbackOnClientFiles(t *testing.T) {
	fx := newFixture(t)
	dir := t.TempDir()
	filled := fx.filled(t, "宝山镇", set(map[string]any{"G2": "", "H3": "大部分", "I4": "同上", "G5": templates.StatusDone, "H5": 90}))
	lo, err := os.ReadFile(filepath.Join("testdata", "libreoffice-filled.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	finding := func(sev plan.Severity, cell, msg string) plan.Finding {
		return plan.Finding{Severity: sev, Rule: RuleStatusSynonym, Sheet: templates.SheetTasks, Cell: cell, Task: "1.1", Message: msg, Hint: "请修改"}
	}
	first := fx.ctx.Check("宝山镇.xlsx", filled, "").Findings
	again, _, err := feedbackBytes(Submission{Name: "宝山镇.xlsx", Unit: "宝山镇", Findings: first}, filled, "2024-01-12")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		data     []byte
		findings []plan.Finding
		values   map[string]string // cells of the task sheet and what they still hold
	}{
		{"template", filled, first, map[string]string{"H3": "大部分", "I4": "同上"}},
		{"libreoffice", lo, []plan.Finding{finding(plan.Error, "G2", "状态错"), finding(plan.Warning, "H3", "进度存疑"), finding(plan.Error, "G3", "状态错")}, nil},
		{"sent-back", again, []plan.Finding{finding(plan.Error, "G2", "仍未填写"), finding(plan.Warning, "I7", "进展过短")}, map[string]string{"H3": "大部分"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+"_反馈.xlsx")
			s := Submission{Name: "宝山镇.xlsx", Unit: "宝山镇", Findings: tc.findings}
			if annotated, err := WriteFeedback(path, s, tc.data, "2024-01-12"); err != nil || !annotated {
				t.Fatalf("annotated %v, %v", annotated, err)
			}
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheets := f.GetSheetList()
			if sheets[0] != FeedbackSheet || slices.Index(sheets[1:], FeedbackSheet) >= 0 {
				t.Errorf("sheets %v: want %s first and once", sheets, FeedbackSheet)
			}
			if f.GetActiveSheetIndex() != 0 {
				t.Errorf("opens on sheet %d", f.GetActiveSheetIndex())
			}

			comments, err := f.GetComments(templates.SheetTasks)
			if err != nil {
				t.Fatal(err)
			}
			on := map[string]int{}
			for _, c := range comments {
				on[c.Cell]++
			}
			for _, fd := range tc.findings {
				if on[fd.Cell] != 1 {
					t.Errorf("%s has %d comments, want 1 (%v)", fd.Cell, on[fd.Cell], comments)
				}
			}
			for cell, want := range tc.values {
				if got, _ := f.GetCellValue(templates.SheetTasks, cell); got != want {
					t.Errorf("%s = %q, want %q", cell, got, want)
				}
			}
			rows, _ := f.GetRows(templates.SheetTasks)
			if n := slices.Index(rows[0], MarkHeader); n < 0 || slices.Index(rows[0][n+1:], MarkHeader) >= 0 {
				t.Errorf("header %q: want one %s column", rows[0], MarkHeader)
			}
			titles := 0
			for _, dn := range f.GetDefinedName() {
				if dn.Name == "_xlnm.Print_Titles" && !strings.HasPrefix(dn.RefersTo, "'"+dn.Scope+"'!") && !strings.HasPrefix(dn.RefersTo, dn.Scope+"!") {
					t.Errorf("the print titles of %s refer to %s", dn.Scope, dn.RefersTo)
				}
				if dn.Name == "_xlnm.Print_Titles" && dn.Scope == templates.SheetTasks {
					titles++
				}
			}
			if titles != 1 {
				t.Errorf("%s has %d print titles, want 1", templates.SheetTasks, titles)
			}

			// openpyxl reads it: the sheets in order, each marked cell's fill and comment.
			// (excelize reads no colour of a workbook without a theme, as LibreOffice saves it.)
			py := clienttest.Openpyxl(t)
			out, err := exec.Command(py, append([]string{"-c", `import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print("|".join(wb.sheetnames))
ws = wb["` + templates.SheetTasks + `"]
for cell in sys.argv[2:]:
    print(cell, ws[cell].fill.fgColor.rgb, ws[cell].comment is not None)
print("selected:" + "|".join(s.title for s in wb.worksheets if s.sheet_view.tabSelected))`, path}, cells(tc.findings)...)...).CombinedOutput()
			if err != nil {
				t.Fatalf("openpyxl: %v\n%s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			// The list alone selected: two selected tabs are grouped sheets, and typing in
			// one would change the other.
			if last := lines[len(lines)-1]; last != "selected:"+FeedbackSheet {
				t.Errorf("openpyxl reads the tabs selected as %s", last)
			}
			if !strings.HasPrefix(lines[0], FeedbackSheet+"|") {
				t.Errorf("openpyxl reads the sheets %s", lines[0])
			}
			for i, fd := range tc.findings {
				fill := errorFill
				if fd.Severity == plan.Warning {
					fill = warningFill
				}
				if want := fd.Cell + " FF" + fill + " True"; i+1 >= len(lines) || lines[i+1] != want {
					t.Errorf("openpyxl reads %q, want %q", lines[min(i+1, len(lines)-1)], want)
				}
			}

			// LibreOffice prints the list and the task sheet with its marks.
			pdf := clienttest.ToPDF(t, path, filepath.Join(dir, tc.name))
			text := strings.Join(strings.Fields(clienttest.PDFText(t, pdf)), "")
			for _, want := range []string{FeedbackSheet, MarkHeader, "✖"} {
				if !strings.Contains(text, want) {
					t.Errorf("LibreOffice's print lacks %q", want)
				}
			}
		})
	}
}

func cells(findings []plan.Finding) []string {
	var out []string
	for _, fd := range findings {
		out = append(out, fd.Cell)
	}
	return out
}

// TestFeedbackOnOddShapes annotates returns in shapes the common case does not show: as
// Microsoft 365 saves a workbook (xr:revisionPtr among the workbook's elements), with comments
// as Excel 2016 and later write them (xr:uid, its namespace on the part's root), re-saved by
// openpyxl (the relationships prefix declared on each sheet), and with a value in Excel's
// last column, where no 检查标记 column fits (the list alone, saying why).
func TestFeedbackOnOddShapes(t *testing.T) {
	fx := newFixture(t)
	filled := fx.filled(t, "宝山镇", set(map[string]any{"H3": "大部分"}))
	findings := []plan.Finding{{Severity: plan.Error, Rule: RuleStatusSynonym, Sheet: templates.SheetTasks, Cell: "H3", Task: "1.2", Message: "进度错", Hint: "请修改"}}
	edit := func(t *testing.T, data []byte, part string, change func(string) string) []byte {
		t.Helper()
		zr, err := xlsx.OpenZip(data)
		if err != nil {
			t.Fatal(err)
		}
		p, err := xlsx.OpenPackage(zr, 64<<20)
		if err != nil {
			t.Fatal(err)
		}
		b, err := p.Read(part)
		if err != nil {
			t.Fatal(err)
		}
		p.Set(part, []byte(change(string(b))))
		var out bytes.Buffer
		if _, err := p.WriteTo(&out); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	const xr = `xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision"`
	excel365 := edit(t, filled, "xl/workbook.xml", func(s string) string {
		s = strings.Replace(s, "<workbook ", "<workbook "+xr+" ", 1)
		return strings.Replace(s, "<bookViews>", `<xr:revisionPtr revIDLastSave="0" documentId="8_{0E0A}" xr6:coauthVersionLast="47" xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6"/><bookViews>`, 1)
	})
	// Excel 2016's comments: a return that carries one on G2 (from an earlier feedback
	// workbook, say), with its uid.
	commented, _, err := feedbackBytes(Submission{Name: "宝山镇.xlsx", Unit: "宝山镇", Findings: []plan.Finding{{Severity: plan.Warning, Rule: RuleStatusSynonym,
		Sheet: templates.SheetTasks, Cell: "G2", Message: "早先的批注", Hint: "无"}}}, filled, "2024-01-12")
	if err != nil {
		t.Fatal(err)
	}
	commented = edit(t, commented, "xl/comments1.xml", func(s string) string {
		s = strings.Replace(s, "<comments ", `<comments xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="xr" `+xr+" ", 1)
		return strings.Replace(s, `authorId="0">`, `authorId="0" shapeId="0" xr:uid="{1F2E3D4C-0000-4000-8000-000000000001}">`, 1)
	})
	xfd := fx.filled(t, "宝山镇", set(map[string]any{"H3": "大部分", "XFD2": "x"}))

	dir := t.TempDir()
	py := clienttest.Openpyxl(t)
	openpyxlSaved := filepath.Join(dir, "openpyxl.xlsx")
	os.WriteFile(filepath.Join(dir, "in.xlsx"), filled, 0o644)
	if out, err := exec.Command(py, "-c", "import sys, openpyxl; openpyxl.load_workbook(sys.argv[1]).save(sys.argv[2])", filepath.Join(dir, "in.xlsx"), openpyxlSaved).CombinedOutput(); err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}
	resaved, err := os.ReadFile(openpyxlSaved)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name      string
		data      []byte
		annotated bool
		comments  []string // cells with comments after
	}{
		{"excel365", excel365, true, []string{"H3"}},
		{"excel2016-comments", commented, true, []string{"G2", "H3"}},
		{"openpyxl", resaved, true, []string{"H3"}},
		{"xfd", xfd, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, annotated, err := feedbackBytes(Submission{Name: "宝山镇.xlsx", Unit: "宝山镇", Findings: findings}, tc.data, "2024-01-12")
			if err != nil || annotated != tc.annotated {
				t.Fatalf("annotated %v (want %v), %v", annotated, tc.annotated, err)
			}
			path := filepath.Join(dir, tc.name+".xlsx")
			if err := os.WriteFile(path, out, 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := exec.Command(py, "-c", `import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print("|".join(wb.sheetnames))
print(wb[wb.sheetnames[0]]["A1"].value)
if len(wb.sheetnames) > 1:
    ws = wb["`+templates.SheetTasks+`"]
    print(sorted(c.coordinate for row in ws.iter_rows() for c in row if c.comment))`, path).CombinedOutput()
			if err != nil {
				t.Fatalf("openpyxl: %v\n%s", err, got)
			}
			lines := strings.Split(string(got), "\n")
			if !strings.HasPrefix(lines[0], FeedbackSheet) {
				t.Errorf("sheets %s", lines[0])
			}
			if !tc.annotated {
				if !strings.Contains(lines[1], "最后一列") {
					t.Errorf("the list does not say why the workbook is not annotated: %s", lines[1])
				}
				return
			}
			if want := "['" + strings.Join(tc.comments, "', '") + "']"; strings.TrimSpace(lines[2]) != want {
				t.Errorf("comments on %s, want %s", lines[2], want)
			}
		})
	}
}
