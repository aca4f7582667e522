package summary

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"planreport/internal/clienttest"
	"planreport/plan"
	"planreport/report"
	"planreport/report/reporttest"
	"planreport/templates"
	"planreport/workbook"
)

// write writes r's workbook into a temporary folder and opens it. When
// PLANREPORT_KEEP_WORKBOOK names a folder, a copy is kept there to look at.
func write(t *testing.T, r *report.Report) (string, *excelize.File) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "汇总.xlsx")
	if err := Write(r, path); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("PLANREPORT_KEEP_WORKBOOK"); dir != "" {
		data, _ := os.ReadFile(path)
		os.WriteFile(filepath.Join(dir, "汇总.xlsx"), data, 0o644)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return path, f
}

// zip returns the workbook's zip entries by name.
func zipParts(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[zf.Name] = data
	}
	return out
}

// sheetXML returns the worksheet part of each sheet, by sheet name.
func sheetXML(t *testing.T, f *excelize.File, parts map[string][]byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range f.GetSheetList() {
		idx, _ := f.GetSheetIndex(name)
		// excelize numbers worksheet parts in sheet order.
		part := fmt.Sprintf("xl/worksheets/sheet%d.xml", idx+1)
		data, ok := parts[part]
		if !ok {
			t.Fatalf("no %s for sheet %s", part, name)
		}
		out[name] = data
	}
	return out
}

func TestWorkbookSheets(t *testing.T) {
	r := reporttest.Sample(t)
	path, f := write(t, r)
	if got, want := strings.Join(f.GetSheetList(), ","), strings.Join(WorkbookSheets, ","); got != want {
		t.Fatalf("sheets %s, want %s", got, want)
	}

	// Row counts, worked out from the report independently of the writer.
	detail, problems, overdue, missing := 0, 0, 0, 0
	for _, task := range r.Tasks {
		for _, ur := range append(append([]report.UnitReport(nil), task.Leads...), task.Responsible...) {
			detail++
			if p := strings.TrimSpace(ur.Problems); p != "" && p != "无" {
				problems++
			}
		}
		if task.Overdue {
			overdue++
		}
	}
	for _, u := range r.Units {
		if u.State == workbook.Missing {
			missing++
		}
	}
	findings := 0
	for _, u := range r.Units {
		findings += u.Findings
	}
	for _, s := range r.Submissions {
		if s.Unit == "" {
			findings += len(s.Findings)
		}
	}
	want := map[string]int{sheetTasks: len(r.Tasks), sheetUnits: len(r.Units), sheetDetail: detail, sheetOverdue: overdue,
		sheetProblems: problems, sheetMissing: missing, sheetFindings: findings}
	// The fixture's own figures, so that a change in Consolidate shows here too.
	fixture := map[string]int{sheetTasks: 5, sheetUnits: 4, sheetDetail: 6, sheetOverdue: 2, sheetProblems: 1, sheetMissing: 1}
	for sheet, n := range fixture {
		if want[sheet] != n {
			t.Errorf("fixture: %s should have %d rows, the report gives %d", sheet, n, want[sheet])
		}
	}
	if findings < 2 {
		t.Errorf("fixture: want findings of 宝山镇 and of the unidentified file, got %d", findings)
	}
	for sheet, n := range want {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows)-1 != n {
			t.Errorf("%s: %d data rows, want %d", sheet, len(rows)-1, n)
		}
	}

	parts := zipParts(t, path)
	sheets := sheetXML(t, f, parts)
	for _, sheet := range WorkbookSheets {
		x := string(sheets[sheet])
		if sheet != sheetSummary && !strings.Contains(x, "<autoFilter ") {
			t.Errorf("%s: no autofilter", sheet)
		}
		if !strings.Contains(x, `state="frozen"`) {
			t.Errorf("%s: no frozen panes", sheet)
		}
		if !strings.Contains(x, `paperSize="9"`) || !strings.Contains(x, "&amp;P 页 共 &amp;N 页") {
			t.Errorf("%s: no A4 page set-up with page numbers", sheet)
		}
	}
	// Columns in ascending order, none twice: the streamed sheets' columns are written as
	// excelize keeps them, and Excel refuses a file whose columns are out of order.
	colRE := regexp.MustCompile(`<col [^>]*>`)
	attrRE := regexp.MustCompile(`\b(min|max)="(\d+)"`)
	for _, sheet := range WorkbookSheets {
		last := 0
		for _, col := range colRE.FindAllString(string(sheets[sheet]), -1) {
			lo, hi := 0, 0
			for _, m := range attrRE.FindAllStringSubmatch(col, -1) {
				if m[1] == "min" {
					lo = atoi(m[2])
				} else {
					hi = atoi(m[2])
				}
			}
			if lo <= last || hi < lo {
				t.Errorf("%s: column %s after column %d", sheet, col, last)
			}
			last = hi
		}
		if last == 0 {
			t.Errorf("%s: no column widths", sheet)
		}
	}
	if !strings.Contains(string(sheets[sheetDetail]), `xSplit="1"`) {
		t.Errorf("%s: the first column is not frozen", sheetDetail)
	}
	wb := string(parts["xl/workbook.xml"])
	if n := strings.Count(wb, `name="_xlnm.Print_Titles"`); n != len(WorkbookSheets) {
		t.Errorf("%d sheets with print titles, want %d", n, len(WorkbookSheets))
	}
	if core := string(parts["docProps/core.xml"]); !strings.Contains(core, "2024-01-15T00:00:00Z") || strings.Contains(core, "2006-09-16") {
		t.Errorf("document properties do not carry the report's date:\n%s", core)
	}
}

// TestWorkbookCharts checks the summary's native charts: their series point at the summary's
// cells, every one labels its bars with their figures (they read in black and white), and the
// lights' conditional formats.
func TestWorkbookCharts(t *testing.T) {
	path, f := write(t, reporttest.Sample(t))
	parts := zipParts(t, path)
	var charts []string
	for name := range parts {
		if regexp.MustCompile(`^xl/charts/chart\d+\.xml$`).MatchString(name) {
			charts = append(charts, name)
		}
	}
	sort.Strings(charts)
	if len(charts) != 4 {
		t.Fatalf("charts %v, want 4", charts)
	}
	kinds := map[string]bool{}
	for _, name := range charts {
		x := string(parts[name])
		for _, k := range []string{"barChart", "lineChart"} {
			if regexp.MustCompile(`<(c:)?` + k + `>`).MatchString(x) {
				kinds[k] = true
			}
		}
		if !regexp.MustCompile(`<(c:)?showVal val="1"(/>|></(c:)?showVal>)`).MatchString(x) {
			t.Errorf("%s: its bars carry no figures (data labels)", name)
		}
		refs := regexp.MustCompile(`<(?:c:)?f>([^<]*)</(?:c:)?f>`).FindAllStringSubmatch(x, -1)
		if len(refs) == 0 {
			t.Errorf("%s: no series references cells", name)
		}
		for _, m := range refs {
			if !strings.HasPrefix(html.UnescapeString(m[1]), "'"+sheetSummary+"'!$") {
				t.Errorf("%s: series refers to %s, not to the summary's cells", name, m[1])
			}
		}
		if regexp.MustCompile(`<(c:)?(numLit|strLit)>`).MatchString(x) {
			t.Errorf("%s: literal values in a chart", name)
		}
	}
	for _, k := range []string{"barChart", "lineChart"} {
		if !kinds[k] {
			t.Errorf("no %s", k)
		}
	}
	// The first chart's categories are the status words in the summary's cells.
	pie := html.UnescapeString(string(parts[charts[0]]))
	m := regexp.MustCompile(`<(?:c:)?cat>.*?<(?:c:)?f>'[^']+'!\$A\$(\d+):\$A\$(\d+)</(?:c:)?f>`).FindStringSubmatch(pie)
	if m == nil {
		t.Fatalf("the status chart has no categories in column A:\n%s", pie)
	}
	var words []string
	for row := atoi(m[1]); row <= atoi(m[2]); row++ {
		v, _ := f.GetCellValue(sheetSummary, fmt.Sprintf("A%d", row))
		words = append(words, v)
	}
	if got := strings.Join(words, ","); got != strings.Join(report.Statuses, ",") {
		t.Errorf("status chart categories %s", got)
	}

	cfs, err := f.GetConditionalFormats(sheetTasks)
	if err != nil {
		t.Fatal(err)
	}
	var lights []string
	for ref, opts := range cfs {
		if strings.HasPrefix(ref, "H2:") {
			for _, o := range opts {
				lights = append(lights, o.Value)
			}
		}
	}
	sort.Strings(lights)
	if got := strings.Join(lights, ","); got != `"红灯","绿灯","黄灯"` {
		t.Errorf("conditional formats of 灯: %s (all: %v)", got, cfs)
	}
	// The lights are coloured by the formats only: the cells carry no fill of their own.
	style, _ := f.GetCellStyle(sheetTasks, "H2")
	if s, _ := f.GetStyle(style); s != nil && len(s.Fill.Color) > 0 {
		t.Errorf("灯 cells have a static fill %v", s.Fill.Color)
	}
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

// TestWorkbookInjection checks that a unit's text that looks like a formula stays text: in
// our reading of the cells, in the raw XML, and as LibreOffice shows it.
func TestWorkbookInjection(t *testing.T) {
	r := reporttest.Sample(t)
	path, f := write(t, r)
	rows, err := f.GetRows(sheetDetail)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for i, row := range rows {
		for j, v := range row {
			for _, s := range []string{reporttest.Injection, reporttest.Plus, reporttest.Minus, reporttest.At} {
				if v == s {
					cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
					found[s] = cell
				}
			}
		}
	}
	for _, s := range []string{reporttest.Injection, reporttest.Plus, reporttest.Minus, reporttest.At} {
		cell, ok := found[s]
		if !ok {
			t.Errorf("%s: %q not found as text", sheetDetail, s)
			continue
		}
		if formula, _ := f.GetCellFormula(sheetDetail, cell); formula != "" {
			t.Errorf("%s %s: formula %q", sheetDetail, cell, formula)
		}
		if typ, _ := f.GetCellType(sheetDetail, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s %s: %q stored as cell type %v, not a string", sheetDetail, cell, s, typ)
		}
	}
	parts := zipParts(t, path)
	for sheet, x := range sheetXML(t, f, parts) {
		if regexp.MustCompile(`<f[ >/]`).Match(x) {
			t.Errorf("%s: the sheet holds a formula", sheet)
		}
	}
	// The big sheets are streamed, and hold their text as inline strings; the others in the
	// shared strings. Either way the injected text is a string's text.
	detailXML := sheetXML(t, f, parts)[sheetDetail]
	inline := regexp.MustCompile(`<c [^>]*t="inlineStr"[^>]*><is><t[^>]*>=HYPERLINK\(`)
	if !strings.Contains(string(parts["xl/sharedStrings.xml"]), "=HYPERLINK(") && !inline.Match(detailXML) {
		t.Error("the injected text is neither among the shared strings nor an inline string of " + sheetDetail)
	}

	// LibreOffice shows the text as typed: export every sheet as CSV.
	soffice := clienttest.Soffice(t)
	out := t.TempDir()
	cmd := exec.Command(soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+t.TempDir(),
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1", "--outdir", out, path)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("LibreOffice: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(filepath.Join(out, "汇总-"+sheetDetail+".csv"))
	if err != nil {
		entries, _ := os.ReadDir(out)
		t.Fatalf("%v (LibreOffice wrote %v)", err, entries)
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]bool{}
	for _, rec := range records {
		for _, v := range rec {
			shown[v] = true
		}
	}
	for _, s := range []string{reporttest.Injection, reporttest.Plus, reporttest.Minus, reporttest.At} {
		if !shown[s] {
			t.Errorf("LibreOffice does not show %q as typed in %s:\n%s", s, sheetDetail, data)
		}
	}
	// 任务 names the unit before its text; the text still shows as typed.
	data, err = os.ReadFile(filepath.Join(out, "汇总-"+sheetTasks+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), strings.ReplaceAll("区司法局："+reporttest.Injection, `"`, `""`)) {
		t.Errorf("LibreOffice's %s lacks the lead's text as typed:\n%s", sheetTasks, data)
	}
}

// TestWorkbookOpenpyxl reads the workbook with openpyxl: its charts, conditional formats,
// frozen panes, filters and print titles as another library sees them.
func TestWorkbookOpenpyxl(t *testing.T) {
	python := clienttest.Openpyxl(t)
	path, _ := write(t, reporttest.Sample(t))
	script := `
import json, sys, zipfile, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames, "charts": {}, "cf": {}, "freeze": {}, "filter": {}, "titles": {}, "orientation": {}}
for ws in wb.worksheets:
    out["charts"][ws.title] = len(getattr(ws, "_charts", []))
    out["cf"][ws.title] = sorted(str(r.sqref) for r in ws.conditional_formatting)
    out["freeze"][ws.title] = ws.freeze_panes
    out["filter"][ws.title] = ws.auto_filter.ref
    out["titles"][ws.title] = ws.print_title_rows
    out["orientation"][ws.title] = ws.page_setup.orientation
out["chart_parts"] = sorted(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.startswith("xl/charts/chart"))
print(json.dumps(out, ensure_ascii=False))
`
	cmd := exec.Command(python, "-c", script, path)
	data, err := cmd.Output()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, err.(*exec.ExitError).Stderr)
	}
	var got struct {
		Sheets      []string
		Charts      map[string]int
		CF          map[string][]string
		Freeze      map[string]*string
		Filter      map[string]*string
		Titles      map[string]*string
		Orientation map[string]*string
		ChartParts  []string `json:"chart_parts"`
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	t.Logf("openpyxl: %s", data)
	if strings.Join(got.Sheets, ",") != strings.Join(WorkbookSheets, ",") {
		t.Errorf("openpyxl sheets %v", got.Sheets)
	}
	if len(got.ChartParts) != 4 {
		t.Errorf("chart parts %v", got.ChartParts)
	}
	if n := got.Charts[sheetSummary]; n != 4 {
		t.Errorf("openpyxl reads %d charts on the summary", n)
	}
	if cf := strings.Join(got.CF[sheetTasks], ","); !strings.Contains(cf, "H2:H6") {
		t.Errorf("openpyxl: conditional formats of %s: %s", sheetTasks, cf)
	}
	for _, sheet := range WorkbookSheets {
		if got.Freeze[sheet] == nil {
			t.Errorf("openpyxl: %s has no frozen panes", sheet)
		}
		if sheet != sheetSummary && got.Filter[sheet] == nil {
			t.Errorf("openpyxl: %s has no filter", sheet)
		}
		if got.Titles[sheet] == nil {
			t.Errorf("openpyxl: %s has no print titles", sheet)
		}
	}
	if o := got.Orientation[sheetTasks]; o == nil || *o != "landscape" {
		t.Errorf("openpyxl: %s is not landscape", sheetTasks)
	}
}

// TestWorkbookDeterministic writes the same report twice: every part of the two workbooks is
// the same.
func TestWorkbookDeterministic(t *testing.T) {
	r := reporttest.Sample(t)
	a, _ := write(t, r)
	b, _ := write(t, r)
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Error("two writes of the same report differ byte for byte")
	}
	pa, pb := zipParts(t, a), zipParts(t, b)
	if len(pa) != len(pb) {
		t.Fatalf("%d parts, then %d", len(pa), len(pb))
	}
	for name, data := range pa {
		if !bytes.Equal(data, pb[name]) {
			t.Errorf("%s differs between two writes", name)
		}
	}
}

// TestWorkbookSpooled writes the workbook with its compressed parts spilled to a temporary
// file, as a big one is: the same bytes as kept in memory, and no file left behind.
func TestWorkbookSpooled(t *testing.T) {
	r := reporttest.Sample(t)
	a, _ := write(t, r)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	defer func(n int) { spoolMemory = n }(spoolMemory)
	spoolMemory = 1000
	b, _ := write(t, r)
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Error("the spooled workbook differs from the one kept in memory")
	}
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left in the temporary folder: %v", names)
	}
}

// TestWorkbookCellLimit: a text within the cell's limit in characters but past it in UTF-16
// units, as Excel counts (every emoji is two), is cut with the note, not silently; a text of
// the Chinese characters that fit is left whole.
func TestWorkbookCellLimit(t *testing.T) {
	r := reporttest.Sample(t)
	emoji := strings.Repeat("😀", 20000) + "【结尾】"
	fits := strings.Repeat("长", report.MaxCellChars)
	r.Tasks[0].Leads[0].Progress = emoji
	r.Tasks[0].Leads[0].Problems = fits
	_, f := write(t, r)
	rows, err := f.GetRows(sheetDetail)
	if err != nil {
		t.Fatal(err)
	}
	var progress, problems string
	for _, row := range rows {
		if len(row) > 7 && strings.HasPrefix(row[6], "😀") {
			progress, problems = row[6], row[7]
		}
	}
	if n := len(utf16.Encode([]rune(progress))); n > report.MaxCellChars || !strings.HasSuffix(progress, "全文见单位报送的原表）") {
		t.Errorf("emoji text: %d UTF-16 units, ends %q", n, string([]rune(progress)[max(0, len([]rune(progress))-30):]))
	}
	if problems != fits {
		t.Errorf("a text of %d characters that fits was changed (%d characters)", report.MaxCellChars, utf8.RuneCountInString(problems))
	}
}

// TestWorkbookGolden compares the 任务 and 单位 sheets' text with testdata/workbook.golden;
// -update rewrites it.
func TestWorkbookGolden(t *testing.T) {
	_, f := write(t, reporttest.Sample(t))
	var b strings.Builder
	for _, sheet := range []string{sheetTasks, sheetUnits} {
		fmt.Fprintf(&b, "== %s\n", sheet)
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			for i := range row {
				row[i] = strings.ReplaceAll(row[i], "\n", `\n`)
			}
			b.WriteString(strings.Join(row, " | ") + "\n")
		}
	}
	golden := filepath.Join("testdata", "workbook.golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run Golden -update)", err)
	}
	if b.String() != string(want) {
		t.Errorf("workbook text differs from %s (go test ./report/summary -run Golden -update rewrites it)\ngot:\n%s\nwant:\n%s", golden, b.String(), want)
	}
}

// BenchmarkWriteWorkbook writes the workbook of 80 and 1,000 units on 73 tasks (the detail
// has 5,840 and 73,000 rows). The tables are streamed: memory does not grow with the rows
// (go test -bench WriteWorkbook -benchmem shows the allocations, which do).
func BenchmarkWriteWorkbook(b *testing.B) {
	for _, units := range []int{80, 1000} {
		b.Run(fmt.Sprintf("units=%d", units), func(b *testing.B) {
			r := reporttest.Synthetic(units, 73)
			path := filepath.Join(b.TempDir(), "汇总.xlsx")
			for b.Loop() {
				if err := Write(r, path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDetailNotesAndFillDate: 明细 shows, with each unit's report on a task, the note row the
// unit inserted below that task and the 填报日期 its workbook states, in whatever form it was
// typed.
func TestDetailNotesAndFillDate(t *testing.T) {
	p, err := plan.ParseText(reporttest.PlanText)
	if err != nil {
		t.Fatal(err)
	}
	q4 := plan.Period{Kind: plan.Quarterly, Year: 2023, N: 4}
	onTrack := func(text string) reporttest.Row {
		return reporttest.Row{Status: templates.StatusOnTrack, Percent: 50, Progress: text}
	}
	done := func(text string) reporttest.Row { // tasks 1 and 5 are due in 2023
		return reporttest.Row{Status: templates.StatusDone, Percent: 100, Progress: text}
	}
	in := reporttest.Collect(t, p, q4, "2024-01-08", []reporttest.Send{
		{Unit: "区司法局", Received: time.Date(2024, 1, 5, 10, 0, 0, 0, time.Local), Filled: "2024年1月5日",
			Rows:  map[string]reporttest.Row{"1": done("起草规定。"), "2": onTrack("规范程序。"), "3": onTrack("配合公示。"), "5": done("召开会议。")},
			Notes: map[string]string{"2": "备注：执法程序清单另行报送。"}},
		{Unit: "区财政局", Received: time.Date(2024, 1, 6, 10, 0, 0, 0, time.Local), Filled: "2024.1.6",
			Rows: map[string]reporttest.Row{"1": done("安排经费。"), "2": onTrack("配合规范。")}},
	})
	r, err := report.Consolidate(p, []report.Input{in}, "2024-01-15")
	if err != nil {
		t.Fatal(err)
	}
	_, f := write(t, r)
	rows, err := f.GetRows(sheetDetail)
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	got := map[string]string{} // task/unit → note|filled
	for _, row := range rows[1:] {
		cell := func(h string) string {
			if i, ok := col[h]; ok && i < len(row) {
				return row[i]
			}
			return ""
		}
		got[cell("任务编号")+"/"+cell("单位")] = cell("备注") + "|" + cell("填报日期")
	}
	for key, want := range map[string]string{
		"2/区司法局": "备注：执法程序清单另行报送。|2024-01-05",
		"1/区司法局": "|2024-01-05",
		"2/区财政局": "|2024-01-06",
	} {
		if got[key] != want {
			t.Errorf("%s: %q, want %q", key, got[key], want)
		}
	}
}
