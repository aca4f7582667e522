package workbook

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"planreport/internal/clienttest"
	"planreport/internal/xlsx/xlsxtest"
	"planreport/plan"
	"planreport/templates"
)

func TestXLSXEncrypted(t *testing.T) {
	fx := newFixture(t)
	f, err := excelize.OpenFile(fx.issued["宝山镇"])
	if err != nil {
		t.Fatal(err)
	}
	fillCorrectly(t, f, fx.ctx.Template("宝山镇"))
	path := filepath.Join(t.TempDir(), "enc.xlsx")
	if err := f.SaveAs(path, excelize.Options{Password: "secret"}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	data, _ := os.ReadFile(path)
	if r := fx.ctx.Check("a.xlsx", data, ""); !hasRule(r, RuleEncrypted) {
		t.Errorf("no password: %v", findingLines(r))
	}
	ctx := *fx.ctx
	ctx.Password = "wrong"
	if r := ctx.Check("a.xlsx", data, ""); !hasRule(r, RuleEncrypted) {
		t.Errorf("wrong password: %v", findingLines(r))
	}
	ctx.Password = "secret"
	if r := ctx.Check("a.xlsx", data, ""); !r.Accepted() || r.Unit != "宝山镇" || len(r.Entries) != len(fx.ctx.Template("宝山镇").Rows) {
		t.Errorf("right password: unit %q %v", r.Unit, findingLines(r))
	}
}

// sampleRows picks the rows of 宝山镇's 2023Q2 template the samples change: one with a later
// deadline, another such, and an overdue one.
func sampleRows(tpl *templates.Template) (dated, dated2, overdue int) {
	for i, r := range tpl.Rows {
		switch {
		case r.Overdue && overdue == 0:
			overdue = i + 2
		case !r.Ongoing && !r.Overdue && i%5 != 0 && dated == 0:
			dated = i + 2
		case !r.Ongoing && !r.Overdue && i%5 != 0 && dated2 == 0:
			dated2 = i + 2
		}
	}
	return
}

// The samples in testdata, written by real clients from the fixture's templates; regenerate
// them with PLANREPORT_WRITE_SAMPLES=1 go test -run TestWriteSamples ./workbook (after
// changing the reference plan or the templates).
var samples = []struct {
	file string
	name string // the file's name as received, when not file
	unit string
	want []plan.Rule // rules, in order
}{
	{"libreoffice-filled.xlsx", "", "宝山镇", []plan.Rule{RulePercentRead}},
	{"libreoffice-filled.ods", "", "宝山镇", []plan.Rule{RulePercentRead}},
	{"libreoffice-structure.xlsx", "", "宝山镇", []plan.Rule{RuleSheetRenamed, RuleRowDeleted, RuleFillerMissing, RuleFillerMissing}},
	{"libreoffice-note.xlsx", "", "宝山镇", []plan.Rule{RulePercentRead, RuleNoteRow}},
	{"libreoffice-retyped.xlsx", "2023Q1_宝山镇_任务进展报送表.xlsx", "宝山镇", []plan.Rule{RuleGuessed, RuleOtherPeriod, RuleOtherPeriod, RulePercentRead}},
	{"openpyxl-formula.xlsx", "", "宝山镇", nil},
}

// noteText is the note row LibreOffice inserts in libreoffice-note.xlsx, below row 3.
const noteText = "备注：该项工作经费已落实，佐证材料另行报送。"

// TestSamples checks the workbooks that LibreOffice and openpyxl wrote.
func TestSamples(t *testing.T) {
	fx := newFixture(t)
	tpl := fx.ctx.Template("宝山镇")
	dated, dated2, _ := sampleRows(tpl)
	for _, s := range samples {
		data, err := os.ReadFile(filepath.Join("testdata", s.file))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(s.file, ".xlsx") {
			compareWithExcelize(t, s.file, data)
		}
		name := s.file
		if s.name != "" {
			name = s.name
		}
		r := fx.ctx.Check(name, data, "")
		var rules []plan.Rule
		for _, f := range r.Findings {
			rules = append(rules, f.Rule)
		}
		if r.Unit != s.unit || fmt.Sprint(rules) != fmt.Sprint(s.want) {
			t.Errorf("%s: unit %q, findings\n%s\nwant %v (regenerate the samples if the plan or templates changed)", s.file, r.Unit, strings.Join(findingLines(r), "\n"), s.want)
		}
		byRow := map[int]Entry{}
		for _, e := range r.Entries {
			byRow[e.Row] = e
		}
		switch s.file {
		case "libreoffice-filled.ods":
			// LibreOffice's own format reads as the same workbook saved as .xlsx does.
			xdata, _ := os.ReadFile(filepath.Join("testdata", "libreoffice-filled.xlsx"))
			x := fx.ctx.Check("libreoffice-filled.xlsx", xdata, "")
			if fmt.Sprint(r.Entries) != fmt.Sprint(x.Entries) || fmt.Sprint(r.Filler) != fmt.Sprint(x.Filler) || r.Identified != ByIdentity {
				t.Errorf("%s: identified by %q, entries and filler differ from the .xlsx:\n%v %v\n%v %v", s.file, r.Identified, r.Entries, r.Filler, x.Entries, x.Filler)
			}
		case "libreoffice-note.xlsx":
			if e := byRow[3]; e.Note != noteText || len(r.Notes) != 1 || r.Notes[0] != (Note{Task: tpl.Rows[1].TaskID, Row: 4, Text: noteText}) {
				t.Errorf("%s: note %+v, entry %+v", s.file, r.Notes, e)
			}
		case "libreoffice-retyped.xlsx":
			if r.Identified != ByFileName || r.Accepted() || !strings.Contains(r.Findings[1].Message, "2023年第一季度") || !strings.Contains(r.Findings[2].Message, "「填报说明」") {
				t.Errorf("%s: identified by %q\n%s", s.file, r.Identified, strings.Join(findingLines(r), "\n"))
			}
		case "libreoffice-filled.xlsx":
			if e := byRow[dated]; e.Percent != 80 {
				t.Errorf("%s: 0.8 as a percent: %+v", s.file, e)
			}
			if e := byRow[dated2]; e.Percent != 60 {
				t.Errorf("%s: =40+20: %+v", s.file, e)
			}
			if e := byRow[2]; e.Progress != "A&B <c> \"q\" 'a'\n第二行" {
				t.Errorf("%s: progress %q", s.file, e.Progress)
			}
			if r.Filler["填报日期"] != "2024-01-05" || r.Filler["联系电话"] != "010-69600001" {
				t.Errorf("%s: filler %q", s.file, r.Filler)
			}
		case "openpyxl-formula.xlsx":
			if e := byRow[dated]; e.Percent != 60 {
				t.Errorf("%s: =50+10 without a cached value: %+v", s.file, e)
			}
		}
	}
}

// TestWriteSamples regenerates the samples in testdata with LibreOffice and openpyxl.
func TestWriteSamples(t *testing.T) {
	if os.Getenv("PLANREPORT_WRITE_SAMPLES") == "" {
		t.Skip("set PLANREPORT_WRITE_SAMPLES=1 to write testdata samples")
	}
	fx := newFixture(t)
	tpl := fx.ctx.Template("宝山镇")
	dated, dated2, _ := sampleRows(tpl)
	tmp := t.TempDir()

	// LibreOffice fills 宝山镇's template as fillCorrectly does, with a percent cell, a formula,
	// special characters and a date.
	type cell struct {
		Sheet   string `json:"sheet"`
		Cell    string `json:"cell"`
		Value   any    `json:"value,omitempty"`
		Formula string `json:"formula,omitempty"`
		Date    string `json:"date,omitempty"`
		Format  string `json:"format,omitempty"`
	}
	var cells []cell
	for i, r := range tpl.Rows {
		row := i + 2
		status, pct, problems, next := templates.StatusOnTrack, 60, "", ""
		switch {
		case r.Overdue:
			status, pct, problems, next = templates.StatusBehind, 70, "涉及部门多，协调难度大。", "下季度完成。"
		case i%5 == 0:
			status, pct = templates.StatusDone, 100
		case r.Ongoing && i%3 == 0:
			status = templates.StatusOngoing
		}
		progress := fmt.Sprintf("本期围绕任务 %s 开展了专项工作。", r.TaskID)
		if row == 2 {
			progress = "A&B <c> \"q\" 'a'\n第二行"
		}
		cells = append(cells, cell{Sheet: templates.SheetTasks, Cell: fmt.Sprintf("G%d", row), Value: status},
			cell{Sheet: templates.SheetTasks, Cell: fmt.Sprintf("I%d", row), Value: progress})
		switch row {
		case dated:
			cells = append(cells, cell{Sheet: templates.SheetTasks, Cell: fmt.Sprintf("H%d", row), Value: 0.8, Format: "0%"})
		case dated2:
			cells = append(cells, cell{Sheet: templates.SheetTasks, Cell: fmt.Sprintf("H%d", row), Formula: "=40+20"})
		default:
			cells = append(cells, cell{Sheet: templates.SheetTasks, Cell: fmt.Sprintf("H%d", row), Value: pct})
		}
		if problems != "" {
			cells = append(cells, cell{Sheet: templates.SheetTasks, Cell: fmt.Sprintf("J%d", row), Value: problems},
				cell{Sheet: templates.SheetTasks, Cell: fmt.Sprintf("K%d", row), Value: next})
		}
	}
	cells = append(cells, cell{Sheet: templates.SheetTasks, Cell: tpl.FillerCell("填报人"), Value: "王芳"},
		cell{Sheet: templates.SheetTasks, Cell: tpl.FillerCell("联系电话"), Value: "010-69600001"},
		cell{Sheet: templates.SheetTasks, Cell: tpl.FillerCell("审核领导"), Value: "李强"},
		cell{Sheet: templates.SheetTasks, Cell: tpl.FillerCell("填报日期"), Date: "2024-01-05"})
	filled := filepath.Join(tmp, "filled.xlsx")
	filledODS := filepath.Join(tmp, "filled.ods")
	structure := filepath.Join(tmp, "structure.xlsx")
	note := filepath.Join(tmp, "note.xlsx")
	retyped := filepath.Join(tmp, "retyped.xlsx")
	// Last period's form, retyped into a new workbook: the hidden sheet and the properties
	// gone, the instructions sheet copied along.
	res, err := templates.Issue(t.TempDir(), templates.Build(fx.plan, q.Previous(), nil), templates.Options{Period: q.Previous(), Due: "2023-04-08",
		PlanTitle: fx.plan.Title, PlanFingerprint: fx.plan.Fingerprint()}, false)
	if err != nil {
		t.Fatal(err)
	}
	lastPeriod := ""
	for _, it := range res.Templates {
		if it.Unit == "宝山镇" {
			lastPeriod = it.Path
		}
	}
	lofill(t, map[string]any{"files": []map[string]any{
		{"in": fx.issued["宝山镇"], "out": filled, "cells": cells},
		{"in": fx.issued["宝山镇"], "out": filledODS, "cells": cells},
		{"in": fx.issued["宝山镇"], "out": structure, "unprotect": true, "cells": cells[:len(cells)-4], "ops": []map[string]any{
			{"rename_sheet": map[string]any{"from": templates.SheetTasks, "to": "Sheet1"}},
			{"delete_rows": map[string]any{"sheet": "Sheet1", "row": 3, "count": 1}},
		}},
		{"in": fx.issued["宝山镇"], "out": note, "unprotect": true, "cells": cells, "ops": []map[string]any{
			{"insert_row": map[string]any{"sheet": templates.SheetTasks, "row": 4, "count": 1}},
			{"sheet": templates.SheetTasks, "cell": "A4", "value": noteText},
		}},
		{"in": lastPeriod, "out": retyped, "unprotect": true, "cells": cells, "ops": []map[string]any{
			{"delete_sheet": map[string]any{"sheet": templates.SheetID}},
			{"clear_properties": map[string]any{}},
		}},
	}, "timeout": 300})

	// openpyxl saves a formula without a cached value.
	ours := filepath.Join(tmp, "ours.xlsx")
	os.WriteFile(ours, fx.filled(t, "宝山镇", nil), 0o644)
	py := clienttest.Openpyxl(t)
	formula := filepath.Join(tmp, "formula.xlsx")
	script := fmt.Sprintf(`import openpyxl, sys
wb = openpyxl.load_workbook(sys.argv[1])
wb[%q]["H%d"] = "=50+10"
wb.save(sys.argv[2])
`, templates.SheetTasks, dated)
	if out, err := exec.Command(py, "-c", script, ours, formula).CombinedOutput(); err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}
	for from, to := range map[string]string{filled: "libreoffice-filled.xlsx", filledODS: "libreoffice-filled.ods", structure: "libreoffice-structure.xlsx",
		note: "libreoffice-note.xlsx", retyped: "libreoffice-retyped.xlsx", formula: "openpyxl-formula.xlsx"} {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", to), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// lofill runs internal/clienttest's lofill.py on a job (which may use its "format" key).
func lofill(t *testing.T, job map[string]any) {
	t.Helper()
	clienttest.Soffice(t)
	data, _ := json.Marshal(job)
	path := filepath.Join(t.TempDir(), "job.json")
	os.WriteFile(path, data, 0o644)
	_, self, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(self), "..", "internal", "clienttest", "lofill.py")
	if out, err := exec.Command(clienttest.Python, script, path).CombinedOutput(); err != nil {
		t.Fatalf("lofill.py: %v\n%s", err, out)
	}
}

// TestXLSXMatchesExcelize reads every template issued for the reference plan, as issued and
// filled, with both readers.
func TestXLSXMatchesExcelize(t *testing.T) {
	fx := newFixture(t)
	n := 0
	for unit, path := range fx.issued {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		compareWithExcelize(t, unit, data)
		if n < 10 {
			compareWithExcelize(t, unit+" filled", fx.filled(t, unit, nil))
		}
		n++
	}
}

// compareWithExcelize checks that the reader reads what excelize reads (xlsxtest.Diff), and
// the same identification.
func compareWithExcelize(t *testing.T, name string, data []byte) {
	t.Helper()
	x, diffs := xlsxtest.Diff(data)
	for _, d := range diffs {
		t.Errorf("%s: %s", name, d)
	}
	if x == nil {
		return
	}
	defer x.Close()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: excelize: %v", name, err)
	}
	defer f.Close()
	id1, ok1 := templates.ReadIdentity(f)
	idRows, _ := x.Rows(templates.SheetID)
	id2, ok2 := templates.ParseIdentity(idRows, x.Props())
	if ok1 != ok2 || fmt.Sprint(id1) != fmt.Sprint(id2) {
		t.Errorf("%s: identity %v %+v, excelize %v %+v", name, ok2, id2, ok1, id1)
	}
}

// TestValueReaders: the cell readers read as their plain definitions do (strings.Fields and
// width.Narrow), which they spare the common cases for speed.
func TestValueReaders(t *testing.T) {
	words := []string{"", " ", "a", "b", "任务", "\u00a0", "\u3000", "\t\n", "\x85", "\xff", "\xc2", "\u2028", "x y", "ｘ"}
	plain := func(a, b string) bool {
		return strings.Join(strings.Fields(a), "") == strings.Join(strings.Fields(b), "")
	}
	for _, a := range words {
		for _, b := range words {
			for _, c := range words {
				s1, s2 := a+b+c, c+a+b
				if sameText(s1, s2) != plain(s1, s2) {
					t.Errorf("sameText(%q, %q) = %v", s1, s2, sameText(s1, s2))
				}
				if !sameText(s1, s1) {
					t.Errorf("sameText(%q, itself)", s1)
				}
			}
		}
	}
	for _, c := range []struct {
		in         string
		n          int
		normalized bool
		ok         bool
	}{{"", 0, false, false}, {"0", 0, false, true}, {"7", 7, false, true}, {"60", 60, false, true}, {"100", 100, false, true},
		{"101", 0, false, false}, {"999", 0, false, false}, {"007", 7, false, true}, {"1000", 0, false, false}, {"80%", 80, true, true},
		{" 80", 80, false, true}, {"８０", 80, false, true}, {"0.8", 80, true, true}, {"-1", 0, false, false}, {"1e2", 100, false, true}, {"abc", 0, false, false}} {
		if n, norm, ok := parsePercent(c.in); n != c.n || norm != c.normalized || ok != c.ok {
			t.Errorf("parsePercent(%q) = %d %v %v, want %d %v %v", c.in, n, norm, ok, c.n, c.normalized, c.ok)
		}
	}
	for _, s := range append(append([]string{"", "完成", " 已完成 ", "已完成。", "ｘ", "已 完成"}, templates.OngoingStatuses...), templates.Statuses...) {
		got, _, ok := normalizeStatus(s)
		want := strings.Trim(strings.Join(strings.Fields(width.Narrow.String(s)), ""), "。.;；")
		if w, found := statusSynonyms[want]; found {
			want = w
		}
		if !slices.Contains(templates.OngoingStatuses, want) {
			want = ""
		}
		if got != want || ok != (want != "") {
			t.Errorf("normalizeStatus(%q) = %q %v, want %q", s, got, ok, want)
		}
	}
	for _, s := range []string{"1.1", " 1.1", "1. 1", "１．１", "a\tb", "任务", ""} {
		if compactNarrow(s) != strings.Join(strings.Fields(width.Narrow.String(s)), "") {
			t.Errorf("compactNarrow(%q) = %q", s, compactNarrow(s))
		}
	}
	for p := range placeholders {
		for _, s := range []string{p, " " + p + " ", strings.ToUpper(p), "　" + p} {
			if isPlaceholder(s) && !mayBePlaceholder(s) {
				t.Errorf("mayBePlaceholder(%q) = false", s)
			}
		}
	}
	if mayBePlaceholder("本期围绕任务开展了专项工作") {
		t.Error("a long text may be a placeholder")
	}
}

// TestDoctypeRejected: a returned workbook whose shared strings declare a document type is
// refused as corrupt.
func TestDoctypeRejected(t *testing.T) {
	fx := newFixture(t)
	data := fx.filled(t, "宝山镇", nil)
	sst := `<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "b">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&a;</t></si></sst>`
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	for _, zf := range zr.File {
		if zf.Name == "xl/sharedStrings.xml" {
			w, _ := zw.Create(zf.Name)
			w.Write([]byte(sst))
			continue
		}
		zw.Copy(zf)
	}
	zw.Close()
	if r := fx.ctx.Check("宝山镇.xlsx", b.Bytes(), ""); len(r.Findings) != 1 || r.Findings[0].Rule != RuleCorrupt || !strings.Contains(r.Findings[0].Message, "实体") {
		t.Errorf("a workbook with a DOCTYPE: %v", findingLines(r))
	}
}
