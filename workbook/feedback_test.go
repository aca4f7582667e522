package workbook

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"planreport/internal/clienttest"
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
    print(cell, ws[cell].fill.fgColor.rgb, ws[cell].comment is not None)`, path}, cells(tc.findings)...)...).CombinedOutput()
			if err != nil {
				t.Fatalf("openpyxl: %v\n%s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
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
