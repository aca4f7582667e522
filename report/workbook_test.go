package report

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
	"planreport/templates"
	"planreport/workbook"
)

// wbPlanText is a tiny plan: two parts, two sections, tasks with a past, a current, a coming
// and no deadline, one with two leads.
const wbPlanText = `测试区法治政府建设行动计划
一、主要任务
（一）完善制度体系
1.完善行政决策制度。（牵头单位：区司法局；责任单位：区财政局、宝山镇；完成时限：2023年）
2.规范执法程序。（牵头单位：区司法局、区财政局；完成时限：长期坚持）
（二）规范执法行为
3.推进执法公示。（牵头单位：宝山镇；责任单位：区司法局；完成时限：2024年3月底前）
4.加强执法监督。（牵头单位：区档案馆；完成时限：2022年）
二、保障措施
5.加强组织领导。（牵头单位：区司法局；完成时限：2023年）
`

// The text a unit types to try to make the office's workbook run something.
const (
	wbInjection = `=HYPERLINK("http://evil","点我")`
	wbPlus      = "+1"
	wbMinus     = "-1"
	wbAt        = "@x"
)

// wbRow is how a unit fills one task row: status, percent, progress, problems, next steps,
// evidence.
type wbRow struct {
	status   string
	percent  int
	progress string
	problems string
	next     string
	evidence string
}

// wbSend is one workbook a unit sends.
type wbSend struct {
	unit     string // "" sends a workbook that is not a template at all
	received time.Time
	rows     map[string]wbRow // by task id
}

// wbCollect issues period's templates, fills them as sends says, checks them as collect
// would and adds them to a new collection.
func wbCollect(t *testing.T, p *plan.Plan, period plan.Period, due string, sends []wbSend) Input {
	t.Helper()
	dir := t.TempDir()
	res, err := templates.Issue(filepath.Join(dir, "模板"), templates.Build(p, period, nil), templates.Options{Period: period, Due: due,
		PlanTitle: p.Title, PlanFingerprint: p.Fingerprint()}, false)
	if err != nil {
		t.Fatal(err)
	}
	issued := map[string]string{}
	for _, it := range res.Templates {
		issued[it.Unit] = it.Path
	}
	ctx := workbook.NewContext(p, period, nil)
	coll, err := workbook.OpenCollection(dir, period)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sends {
		var data []byte
		name := "不明文件.xlsx"
		if s.unit == "" {
			f := excelize.NewFile()
			f.SetCellValue("Sheet1", "A1", "随便写的")
			b, err := f.WriteToBuffer()
			if err != nil {
				t.Fatal(err)
			}
			data = b.Bytes()
		} else {
			name = templates.FileName(period, s.unit)
			data = wbFill(t, issued[s.unit], ctx.Template(s.unit), s.rows)
		}
		rep := ctx.Check(name, data, "")
		if _, err := coll.Add(workbook.Submission{Name: name, Source: name, Received: s.received, Unit: rep.Unit,
			Identified: rep.Identified, Accepted: rep.Accepted(), Findings: rep.Findings}, data); err != nil {
			t.Fatal(err)
		}
	}
	return Input{Period: period, Due: due, Collection: coll}
}

// wbFill fills a unit's template as rows says, with excelize, as a unit's Excel would.
func wbFill(t *testing.T, path string, tpl *templates.Template, rows map[string]wbRow) []byte {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, r := range tpl.Rows {
		v, ok := rows[r.TaskID]
		if !ok {
			t.Fatalf("%s: no row for task %s", tpl.Unit.Name, r.TaskID)
		}
		row := i + 2
		// In a fixed order, so that the same fill gives the same bytes (and SHA-256).
		cells := []any{v.status, v.percent, v.progress, v.problems, v.next, v.evidence}
		if err := f.SetSheetRow(templates.SheetTasks, fmt.Sprintf("G%d", row), &cells); err != nil {
			t.Fatal(err)
		}
	}
	for i, v := range []string{"张伟", "010-69600001", "李强", "2024-01-05"} {
		f.SetCellValue(templates.SheetFiller, fmt.Sprintf("B%d", i+1), v)
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// wbReport consolidates two quarters of the tiny plan. In 2023Q4 区司法局 reports on time
// (its progress on task 1 is a formula-looking text), 区财政局 late, 宝山镇's only workbook is
// rejected, 区档案馆 sends nothing, and someone sends a workbook that is not a template.
func wbReport(t *testing.T) *Report {
	t.Helper()
	p, err := plan.ParseText(wbPlanText)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Units {
		p.Units[i].Contact = fmt.Sprintf("联系人%d", i+1)
		p.Units[i].Phone = fmt.Sprintf("010-6960000%d", i+1)
		p.Units[i].Email = fmt.Sprintf("unit%d@example.gov.cn", i+1)
	}
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.Local) }
	onTrack := func(text string) wbRow { return wbRow{status: templates.StatusOnTrack, percent: 50, progress: text} }
	q3 := plan.Period{Kind: plan.Quarterly, Year: 2023, N: 3}
	q4 := plan.Period{Kind: plan.Quarterly, Year: 2023, N: 4}
	in3 := wbCollect(t, p, q3, "2023-10-08", []wbSend{
		{unit: "区司法局", received: at(2023, 10, 7, 9), rows: map[string]wbRow{
			"1": onTrack("起草决策程序规定。"), "2": onTrack("梳理执法事项。"), "3": onTrack("配合公示。"), "5": onTrack("召开专题会。")}},
		{unit: "区财政局", received: at(2023, 10, 8, 9), rows: map[string]wbRow{
			"1": onTrack("安排经费。"), "2": {status: templates.StatusDone, percent: 100, progress: "已完成执法程序清单。"}}},
	})
	in4 := wbCollect(t, p, q4, "2024-01-08", []wbSend{
		{unit: "", received: at(2024, 1, 4, 8)},
		{unit: "区司法局", received: at(2024, 1, 5, 10), rows: map[string]wbRow{
			"1": {status: templates.StatusBehind, percent: 70, progress: wbInjection, problems: wbPlus, next: wbMinus, evidence: wbAt},
			"2": {status: templates.StatusOngoing, percent: 50, progress: "持续规范执法程序。"},
			"3": {status: templates.StatusOnTrack, percent: 40, progress: "配合开展执法公示。"},
			"5": {status: templates.StatusDone, percent: 100, progress: "已成立领导小组，印发工作规则。", evidence: "领导小组文件"}}},
		{unit: "宝山镇", received: at(2024, 1, 6, 11), rows: map[string]wbRow{
			"1": onTrack("配合完善决策制度。"), "3": {status: "差不多了", percent: 30, progress: "公示平台建设中。"}}},
		{unit: "区财政局", received: at(2024, 1, 10, 15), rows: map[string]wbRow{
			"1": {status: templates.StatusOnTrack, percent: 80, progress: "已拨付资金。", problems: "无", next: "按计划拨付。"},
			"2": {status: templates.StatusDone, percent: 100, progress: "已完成执法程序清单。"}}},
	})
	r, err := Consolidate(p, []Input{in3, in4}, "2024-01-15")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// wbWrite writes r's workbook into a temporary folder and opens it. When
// PLANREPORT_KEEP_WORKBOOK names a folder, a copy is kept there to look at.
func wbWrite(t *testing.T, r *Report) (string, *excelize.File) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "汇总.xlsx")
	if err := r.WriteWorkbook(path); err != nil {
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

// wbZip returns the workbook's zip entries by name.
func wbZip(t *testing.T, path string) map[string][]byte {
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

// wbSheetXML returns the worksheet part of each sheet, by sheet name.
func wbSheetXML(t *testing.T, f *excelize.File, parts map[string][]byte) map[string][]byte {
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
	r := wbReport(t)
	path, f := wbWrite(t, r)
	if got, want := strings.Join(f.GetSheetList(), ","), strings.Join(WorkbookSheets, ","); got != want {
		t.Fatalf("sheets %s, want %s", got, want)
	}

	// Row counts, worked out from the report independently of the writer.
	detail, problems, overdue, missing := 0, 0, 0, 0
	for _, task := range r.Tasks {
		for _, ur := range append(append([]UnitReport(nil), task.Leads...), task.Responsible...) {
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
		if u.Submission == "missing" {
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
	want := map[string]int{wbSheetTasks: len(r.Tasks), wbSheetUnits: len(r.Units), wbSheetDetail: detail, wbSheetOverdue: overdue,
		wbSheetProblems: problems, wbSheetMissing: missing, wbSheetFindings: findings}
	// The fixture's own figures, so that a change in Consolidate shows here too.
	fixture := map[string]int{wbSheetTasks: 5, wbSheetUnits: 4, wbSheetDetail: 6, wbSheetOverdue: 2, wbSheetProblems: 1, wbSheetMissing: 1}
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

	parts := wbZip(t, path)
	sheets := wbSheetXML(t, f, parts)
	for _, sheet := range WorkbookSheets {
		x := string(sheets[sheet])
		if sheet != wbSheetSummary && !strings.Contains(x, "<autoFilter ") {
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
	if !strings.Contains(string(sheets[wbSheetDetail]), `xSplit="1"`) {
		t.Errorf("%s: the first column is not frozen", wbSheetDetail)
	}
	wb := string(parts["xl/workbook.xml"])
	if n := strings.Count(wb, `name="_xlnm.Print_Titles"`); n != len(WorkbookSheets) {
		t.Errorf("%d sheets with print titles, want %d", n, len(WorkbookSheets))
	}
	if core := string(parts["docProps/core.xml"]); !strings.Contains(core, "2024-01-15T00:00:00Z") || strings.Contains(core, "2006-09-16") {
		t.Errorf("document properties do not carry the report's date:\n%s", core)
	}
}

// TestWorkbookCharts checks the summary's native charts and that their series point at the
// summary's cells, and the lights' conditional formats.
func TestWorkbookCharts(t *testing.T) {
	path, f := wbWrite(t, wbReport(t))
	parts := wbZip(t, path)
	var charts []string
	for name := range parts {
		if regexp.MustCompile(`^xl/charts/chart\d+\.xml$`).MatchString(name) {
			charts = append(charts, name)
		}
	}
	sort.Strings(charts)
	if len(charts) != 3 {
		t.Fatalf("charts %v, want 3", charts)
	}
	kinds := map[string]bool{}
	for _, name := range charts {
		x := string(parts[name])
		for _, k := range []string{"pieChart", "barChart", "lineChart"} {
			if regexp.MustCompile(`<(c:)?` + k + `>`).MatchString(x) {
				kinds[k] = true
			}
		}
		refs := regexp.MustCompile(`<(?:c:)?f>([^<]*)</(?:c:)?f>`).FindAllStringSubmatch(x, -1)
		if len(refs) == 0 {
			t.Errorf("%s: no series references cells", name)
		}
		for _, m := range refs {
			if !strings.HasPrefix(html.UnescapeString(m[1]), "'"+wbSheetSummary+"'!$") {
				t.Errorf("%s: series refers to %s, not to the summary's cells", name, m[1])
			}
		}
		if regexp.MustCompile(`<(c:)?(numLit|strLit)>`).MatchString(x) {
			t.Errorf("%s: literal values in a chart", name)
		}
	}
	for _, k := range []string{"pieChart", "barChart", "lineChart"} {
		if !kinds[k] {
			t.Errorf("no %s", k)
		}
	}
	// The pie's categories are the status words in the summary's cells.
	pie := html.UnescapeString(string(parts[charts[0]]))
	m := regexp.MustCompile(`<(?:c:)?cat>.*?<(?:c:)?f>'[^']+'!\$A\$(\d+):\$A\$(\d+)</(?:c:)?f>`).FindStringSubmatch(pie)
	if m == nil {
		t.Fatalf("pie chart has no categories in column A:\n%s", pie)
	}
	var words []string
	for row := atoi(m[1]); row <= atoi(m[2]); row++ {
		v, _ := f.GetCellValue(wbSheetSummary, fmt.Sprintf("A%d", row))
		words = append(words, v)
	}
	if got := strings.Join(words, ","); got != strings.Join(Statuses, ",") {
		t.Errorf("pie categories %s", got)
	}

	cfs, err := f.GetConditionalFormats(wbSheetTasks)
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
	style, _ := f.GetCellStyle(wbSheetTasks, "H2")
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
	r := wbReport(t)
	path, f := wbWrite(t, r)
	rows, err := f.GetRows(wbSheetDetail)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for i, row := range rows {
		for j, v := range row {
			for _, s := range []string{wbInjection, wbPlus, wbMinus, wbAt} {
				if v == s {
					cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
					found[s] = cell
				}
			}
		}
	}
	for _, s := range []string{wbInjection, wbPlus, wbMinus, wbAt} {
		cell, ok := found[s]
		if !ok {
			t.Errorf("%s: %q not found as text", wbSheetDetail, s)
			continue
		}
		if formula, _ := f.GetCellFormula(wbSheetDetail, cell); formula != "" {
			t.Errorf("%s %s: formula %q", wbSheetDetail, cell, formula)
		}
		if typ, _ := f.GetCellType(wbSheetDetail, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s %s: %q stored as cell type %v, not a string", wbSheetDetail, cell, s, typ)
		}
	}
	parts := wbZip(t, path)
	for sheet, x := range wbSheetXML(t, f, parts) {
		if regexp.MustCompile(`<f[ >/]`).Match(x) {
			t.Errorf("%s: the sheet holds a formula", sheet)
		}
	}
	// The big sheets are streamed, and hold their text as inline strings; the others in the
	// shared strings. Either way the injected text is a string's text.
	detailXML := wbSheetXML(t, f, parts)[wbSheetDetail]
	inline := regexp.MustCompile(`<c [^>]*t="inlineStr"[^>]*><is><t[^>]*>=HYPERLINK\(`)
	if !strings.Contains(string(parts["xl/sharedStrings.xml"]), "=HYPERLINK(") && !inline.Match(detailXML) {
		t.Error("the injected text is neither among the shared strings nor an inline string of " + wbSheetDetail)
	}

	// LibreOffice shows the text as typed: export every sheet as CSV.
	soffice := clienttest.Soffice(t)
	out := t.TempDir()
	cmd := exec.Command(soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+t.TempDir(),
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1", "--outdir", out, path)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("LibreOffice: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(filepath.Join(out, "汇总-"+wbSheetDetail+".csv"))
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
	for _, s := range []string{wbInjection, wbPlus, wbMinus, wbAt} {
		if !shown[s] {
			t.Errorf("LibreOffice does not show %q as typed in %s:\n%s", s, wbSheetDetail, data)
		}
	}
	// 任务 names the unit before its text; the text still shows as typed.
	data, err = os.ReadFile(filepath.Join(out, "汇总-"+wbSheetTasks+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), strings.ReplaceAll("区司法局："+wbInjection, `"`, `""`)) {
		t.Errorf("LibreOffice's %s lacks the lead's text as typed:\n%s", wbSheetTasks, data)
	}
}

// TestWorkbookOpenpyxl reads the workbook with openpyxl: its charts, conditional formats,
// frozen panes, filters and print titles as another library sees them.
func TestWorkbookOpenpyxl(t *testing.T) {
	python := clienttest.Openpyxl(t)
	path, _ := wbWrite(t, wbReport(t))
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
	if len(got.ChartParts) != 3 {
		t.Errorf("chart parts %v", got.ChartParts)
	}
	if n := got.Charts[wbSheetSummary]; n != 3 {
		t.Errorf("openpyxl reads %d charts on the summary", n)
	}
	if cf := strings.Join(got.CF[wbSheetTasks], ","); !strings.Contains(cf, "H2:H6") {
		t.Errorf("openpyxl: conditional formats of %s: %s", wbSheetTasks, cf)
	}
	for _, sheet := range WorkbookSheets {
		if got.Freeze[sheet] == nil {
			t.Errorf("openpyxl: %s has no frozen panes", sheet)
		}
		if sheet != wbSheetSummary && got.Filter[sheet] == nil {
			t.Errorf("openpyxl: %s has no filter", sheet)
		}
		if got.Titles[sheet] == nil {
			t.Errorf("openpyxl: %s has no print titles", sheet)
		}
	}
	if o := got.Orientation[wbSheetTasks]; o == nil || *o != "landscape" {
		t.Errorf("openpyxl: %s is not landscape", wbSheetTasks)
	}
}

// TestWorkbookDeterministic writes the same report twice: every part of the two workbooks is
// the same.
func TestWorkbookDeterministic(t *testing.T) {
	r := wbReport(t)
	a, _ := wbWrite(t, r)
	b, _ := wbWrite(t, r)
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Error("two writes of the same report differ byte for byte")
	}
	pa, pb := wbZip(t, a), wbZip(t, b)
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
	r := wbReport(t)
	a, _ := wbWrite(t, r)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	defer func(n int) { wbSpoolMemory = n }(wbSpoolMemory)
	wbSpoolMemory = 1000
	b, _ := wbWrite(t, r)
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
	r := wbReport(t)
	emoji := strings.Repeat("😀", 20000) + "【结尾】"
	fits := strings.Repeat("长", MaxCellChars)
	r.Tasks[0].Leads[0].Progress = emoji
	r.Tasks[0].Leads[0].Problems = fits
	_, f := wbWrite(t, r)
	rows, err := f.GetRows(wbSheetDetail)
	if err != nil {
		t.Fatal(err)
	}
	var progress, problems string
	for _, row := range rows {
		if len(row) > 7 && strings.HasPrefix(row[6], "😀") {
			progress, problems = row[6], row[7]
		}
	}
	if n := len(utf16.Encode([]rune(progress))); n > MaxCellChars || !strings.HasSuffix(progress, wbCutNote) {
		t.Errorf("emoji text: %d UTF-16 units, ends %q", n, string([]rune(progress)[max(0, len([]rune(progress))-30):]))
	}
	if problems != fits {
		t.Errorf("a text of %d characters that fits was changed (%d characters)", MaxCellChars, utf8.RuneCountInString(problems))
	}
}

// TestWorkbookGolden compares the 任务 and 单位 sheets' text with testdata/workbook.golden;
// -update rewrites it.
func TestWorkbookGolden(t *testing.T) {
	_, f := wbWrite(t, wbReport(t))
	var b strings.Builder
	for _, sheet := range []string{wbSheetTasks, wbSheetUnits} {
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
		t.Errorf("workbook text differs from %s (go test ./report -run Golden -update rewrites it)\ngot:\n%s\nwant:\n%s", golden, b.String(), want)
	}
}

// wbSynthetic is a report of units units on tasks tasks, every unit reporting on every task
// with texts of a realistic length, the first unit leading: the detail has units × tasks rows.
func wbSynthetic(units, tasks int) *Report {
	r := &Report{Plan: &plan.Plan{Title: "测试区法治政府建设行动计划"}, Period: plan.Period{Kind: plan.Quarterly, Year: 2023, N: 4},
		Due: "2024-01-08", Date: "2024-01-15", Counts: map[string]int{}, Lights: map[Light]int{}}
	name := func(i int) string { return fmt.Sprintf("演示第%05d镇", i) }
	for i := range units {
		r.Units = append(r.Units, Unit{Name: name(i), Submission: "on_time", Received: time.Date(2024, 1, 5, 9, 0, 0, 0, time.UTC),
			Assigned: tasks, Reported: tasks, Contact: "张伟", Phone: "010-69600001", Email: fmt.Sprintf("unit%d@example.gov.cn", i)})
		r.Submissions = append(r.Submissions, workbook.Submission{Name: name(i) + ".xlsx", Unit: name(i), Accepted: true,
			SHA256: fmt.Sprintf("%064x", i), Received: time.Date(2024, 1, 5, 9, 0, 0, 0, time.UTC),
			Findings: []workbook.Finding{{Severity: workbook.Warning, Rule: workbook.RuleUnchanged, Message: "本期工作进展与上期相同。"}}})
	}
	for j := range tasks {
		t := Task{Task: plan.Task{ID: fmt.Sprint(j + 1), Section: "（一）完善制度体系", Lead: []string{name(0)},
			Text: strings.Repeat("完善行政决策制度，规范重大行政决策程序。", 3)}, Status: templates.StatusOnTrack, Light: Green}
		for i := range units {
			ur := UnitReport{Unit: name(i), Role: plan.RoleResponsible, Status: templates.StatusOnTrack, Percent: 50,
				Progress:  fmt.Sprintf("第%d项任务：%s", j+1, strings.Repeat("组织召开专题会议，研究部署相关工作，", 4)),
				Problems:  "无",
				NextSteps: "按计划推进。", File: name(i) + ".xlsx", SHA256: fmt.Sprintf("%064x", i)}
			if i%7 == 0 {
				ur.Problems = "资金保障不足，人员力量有待加强。"
			}
			if i == 0 {
				ur.Role = plan.RoleLead
				t.Leads = append(t.Leads, ur)
			} else {
				t.Responsible = append(t.Responsible, ur)
			}
		}
		r.Tasks = append(r.Tasks, t)
		r.Counts[t.Status]++
		r.Lights[t.Light]++
	}
	r.Sections = []Section{{Name: "（一）完善制度体系", Tasks: tasks, Counts: map[string]int{templates.StatusOnTrack: tasks}}}
	r.Trend = []Point{r.point()}
	return r
}

// BenchmarkWriteWorkbook writes the workbook of 80 and 1,000 units on 73 tasks (the detail
// has 5,840 and 73,000 rows). The tables are streamed: memory does not grow with the rows
// (go test -bench WriteWorkbook -benchmem shows the allocations, which do).
func BenchmarkWriteWorkbook(b *testing.B) {
	for _, units := range []int{80, 1000} {
		b.Run(fmt.Sprintf("units=%d", units), func(b *testing.B) {
			r := wbSynthetic(units, 73)
			path := filepath.Join(b.TempDir(), "汇总.xlsx")
			for b.Loop() {
				if err := r.WriteWorkbook(path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
