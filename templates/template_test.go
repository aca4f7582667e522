package templates

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"planreport/internal/clienttest"
	"planreport/plan"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func referencePlan(t testing.TB) *plan.Plan {
	t.Helper()
	p, err := plan.ParseReference()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var q4 = plan.Period{Kind: plan.Quarterly, Year: 2023, N: 4}

func templateFor(ts []Template, unit string) *Template {
	for i := range ts {
		if ts[i].Unit.Name == unit {
			return &ts[i]
		}
	}
	return nil
}

func TestBuildReference(t *testing.T) {
	p := referencePlan(t)
	ts := Build(p, q4, nil)

	// Plan order of task ids, to check each template's rows follow it.
	order := map[string]int{}
	for i, task := range p.Tasks {
		order[task.ID] = i
	}
	for _, tc := range []struct {
		unit string
		rows int
	}{
		{"宝山镇", 73}, {"喇叭沟门满族乡", 73}, {"泉河街道", 72}, {"龙山街道", 72}, {"雁栖镇", 74}, {"怀北镇", 74},
	} {
		tt := templateFor(ts, tc.unit)
		if tt == nil {
			t.Errorf("no template for %s", tc.unit)
			continue
		}
		if len(tt.Rows) != tc.rows {
			t.Errorf("%s: %d rows, want %d", tc.unit, len(tt.Rows), tc.rows)
		}
		for i := 1; i < len(tt.Rows); i++ {
			if order[tt.Rows[i-1].TaskID] >= order[tt.Rows[i].TaskID] {
				t.Errorf("%s: row %d (%s) after %s: not in plan order", tc.unit, i+2, tt.Rows[i].TaskID, tt.Rows[i-1].TaskID)
			}
		}
	}
	// Coordination bodies report through their office and get no template of their own.
	for _, body := range []string{"区委依法治区委法治政府建设领导小组", "区委依法治区委司法协调小组", "区委依法治区委守法普法协调小组"} {
		if templateFor(ts, body) != nil {
			t.Errorf("%s has a template of its own; it reports through its office", body)
		}
	}
	office := templateFor(ts, "区委依法治区委办公室")
	if office == nil {
		t.Fatal("no template for 区委依法治区委办公室")
	}
	if got := strings.Join(office.ReportsFor, "、"); got != "区委依法治区委守法普法协调小组、区委依法治区委法治政府建设领导小组、区委依法治区委司法协调小组" {
		t.Errorf("office reports for %q", got)
	}
	duty := map[string]string{}
	for _, r := range office.Rows {
		duty[r.TaskID] = r.Duty
	}
	if got := duty["12.5"]; got != "代区委依法治区委守法普法协调小组牵头；责任" {
		t.Errorf("12.5 duty = %q", got)
	}
	if got := duty["29"]; got != "牵头；代区委依法治区委法治政府建设领导小组牵头；代区委依法治区委司法协调小组牵头；代区委依法治区委守法普法协调小组牵头" {
		t.Errorf("29 duty = %q", got)
	}
	// Every unit with an assignment is covered by exactly one template.
	covered := map[string]int{}
	for _, tt := range ts {
		covered[tt.Unit.Name]++
		for _, u := range tt.ReportsFor {
			covered[u]++
		}
	}
	for _, a := range p.Assignments() {
		if covered[a.Unit] != 1 {
			t.Errorf("unit %s is in %d templates", a.Unit, covered[a.Unit])
		}
	}
}

func TestBuildOverdueAndOngoing(t *testing.T) {
	p := referencePlan(t)
	tt := templateFor(Build(p, plan.Period{Kind: plan.Quarterly, Year: 2022, N: 4}, nil), "宝山镇")
	rows := map[string]Row{}
	for _, r := range tt.Rows {
		rows[r.TaskID] = r
	}
	for _, tc := range []struct {
		id               string
		overdue, ongoing bool
	}{
		{"1.1", false, false}, // due 2023-12-31
		{"2.1", true, false},  // due 2022-12-31, on the period's last day
		{"10.1", true, false}, // due 2021-12-31
		{"2.2", false, true},  // 长期坚持
	} {
		r := rows[tc.id]
		if r.Overdue != tc.overdue || r.Ongoing != tc.ongoing {
			t.Errorf("%s: overdue %v ongoing %v, want %v %v", tc.id, r.Overdue, r.Ongoing, tc.overdue, tc.ongoing)
		}
	}
}

func issueReference(t *testing.T, eml bool) (*plan.Plan, *Result, string) {
	t.Helper()
	p := referencePlan(t)
	for i := range p.Units {
		if p.Units[i].Name == "宝山镇" {
			p.Units[i].Email = "baoshan@example.gov.cn"
			p.Units[i].Contact = "王芳"
		}
	}
	p.Office = plan.Office{Name: "区委依法治区办", Contact: "李明", Phone: "010-69600000", Email: "fzb@example.gov.cn"}
	dir := t.TempDir()
	res, err := Issue(dir, Build(p, q4, nil), Options{Period: q4, Due: "2024-01-08", Office: p.Office, PlanTitle: p.Title, PlanFingerprint: p.Fingerprint()}, eml)
	if err != nil {
		t.Fatal(err)
	}
	return p, res, dir
}

// TestIssueGolden dumps issued templates, their cells, styles and row heights, and compares
// them with testdata: 宝山镇's of the reference plan, and 区司法局's when another unit reports
// through it and last period's values are shown.
func TestIssueGolden(t *testing.T) {
	p, res, _ := issueReference(t, false)
	for _, c := range []struct {
		unit, golden string
		path         func() string
	}{
		{"宝山镇", "baoshan-2023Q4.txt", func() string { return issuedPath(res, "宝山镇") }},
		{"区司法局", "sifaju-2024Q1-previous.txt", func() string {
			// 区律师协会 reports through 区司法局, which reported on the tasks last period.
			for i := range p.Units {
				if p.Units[i].Name == "区律师协会" {
					p.Units[i].ReportsThrough = "区司法局"
				}
			}
			q1 := plan.Period{Kind: plan.Quarterly, Year: 2024, N: 1}
			prev := map[string]Previous{"区司法局": {
				"1.1": {Status: "序时推进", Progress: "已完成清单梳理，正在对照“三定”规定逐项核对。"},
				"2":   {Status: "已完成", Progress: "100"},
			}}
			r, err := Issue(t.TempDir(), Build(p, q1, prev), Options{Period: q1, Due: "2024-04-08", Office: p.Office, PlanTitle: p.Title, PlanFingerprint: p.Fingerprint()}, false)
			if err != nil {
				t.Fatal(err)
			}
			return issuedPath(r, "区司法局")
		}},
	} {
		t.Run(c.unit, func(t *testing.T) {
			f, err := excelize.OpenFile(c.path())
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got := dumpWorkbook(t, f)
			golden := filepath.Join("testdata", c.golden)
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("template dump differs from %s (run go test ./templates -run TestIssueGolden -update and review the diff):\n%s", golden, firstDiff(string(want), got))
			}
		})
	}
}

func issuedPath(res *Result, unit string) string {
	for _, it := range res.Templates {
		if it.Unit == unit {
			return it.Path
		}
	}
	return ""
}

func TestIssueFilesAndIndex(t *testing.T) {
	p, res, dir := issueReference(t, true)
	if len(res.Templates) != 53 {
		t.Errorf("%d templates, want 53 (56 units less 3 coordination bodies)", len(res.Templates))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
	f, err := excelize.OpenFile(res.Index)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("模板清单")
	f.Close()
	if len(rows) != len(res.Templates)+1 {
		t.Fatalf("index has %d rows, want %d", len(rows), len(res.Templates)+1)
	}
	for i, it := range res.Templates {
		if rows[i+1][1] != it.Unit || rows[i+1][3] != filepath.Base(it.Path) || rows[i+1][4] != fmt.Sprint(it.Tasks) {
			t.Errorf("index row %d = %q, want unit %s file %s tasks %d", i+2, rows[i+1], it.Unit, filepath.Base(it.Path), it.Tasks)
		}
		id := readID(t, it.Path)
		if id.Unit != it.Unit || id.Period != "2023Q4" || id.Plan != p.Fingerprint() || len(id.Rows) != it.Tasks || id.Due != "2024-01-08" {
			t.Errorf("%s: identification %+v", it.Path, id)
		}
	}
	// Only 宝山镇 has an email: one draft, which a mail reader can open.
	var drafts []string
	for _, it := range res.Templates {
		if it.EML != "" {
			drafts = append(drafts, it.EML)
		}
	}
	if len(drafts) != 1 {
		t.Fatalf("drafts %v, want one for 宝山镇", drafts)
	}
	checkDraft(t, drafts[0], "baoshan@example.gov.cn", "2023Q4_宝山镇_任务进展报送表.xlsx")
}

func readID(t *testing.T, path string) Identity {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	id, ok := ReadIdentity(f)
	if !ok {
		t.Fatalf("%s: no identification", path)
	}
	return id
}

func checkDraft(t *testing.T, path, to, attachment string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if a, err := mail.ParseAddress(msg.Header.Get("To")); err != nil || a.Address != to {
		t.Errorf("To = %q", msg.Header.Get("To"))
	}
	if msg.Header.Get("X-Unsent") != "1" || msg.Header.Get("Date") != "" || msg.Header.Get("Message-Id") == "" {
		t.Errorf("draft headers: X-Unsent %q, Date %q, Message-ID %q", msg.Header.Get("X-Unsent"), msg.Header.Get("Date"), msg.Header.Get("Message-Id"))
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || !strings.Contains(subject, "宝山镇") || !strings.Contains(subject, "2024年1月8日") {
		t.Errorf("subject %q (%v)", subject, err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var names []string
	var body string
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		content, _ := io.ReadAll(part) // still base64: multipart decodes only quoted-printable
		if part.FileName() != "" {
			names = append(names, part.FileName())
			if !bytes.Contains(decodeBase64(t, content), []byte("xl/workbook.xml")) {
				t.Error("attachment is not the template workbook")
			}
		} else {
			body = string(decodeBase64(t, content))
		}
	}
	if len(names) != 1 || names[0] != attachment {
		t.Errorf("attachments %q, want %q", names, attachment)
	}
	if !strings.Contains(body, "王芳同志") || !strings.Contains(body, "73 项任务") {
		t.Errorf("body does not greet the contact or count the tasks:\n%s", body)
	}
}

func TestSafeName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"区司法局", "区司法局"},
		{"../../etc/passwd", "_.._etc_passwd"},
		{`a\b:c*d?e"f<g>h|i`, "a_b_c_d_e_f_g_h_i"},
		{"CON", "CON_"},
		{"com1.txt", "com1_.txt"}, // Windows reserves com1 whatever the extension
		{"CON .xlsx", "CON _.xlsx"},
		{"lpt¹", "lpt¹_"},
		{"报送表\u202excod.exe", "报送表xcod.exe"},
		{strings.Repeat("𠀀", 100), strings.Repeat("𠀀", 45)}, // 4 bytes each: 180 bytes at most
		{strings.Repeat("长", 100) + ".xlsx", strings.Repeat("长", 55) + ".xlsx"},
		{strings.Repeat("长", 59) + ".长长", strings.Repeat("长", 59)},
		{"tab\there\x00nul", "tab_here_nul"},
		{" . ", "_"},
		{strings.Repeat("长", 100), strings.Repeat("长", 60)},
	} {
		if got := SafeName(tc.in); got != tc.want {
			t.Errorf("SafeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// dumpWorkbook is a stable text form of a workbook: sheets with visibility and protection,
// every non-empty cell with its locked state, row heights of the header row, data
// validations, merged cells, defined names, page set-up and the custom properties.
func dumpWorkbook(t *testing.T, f *excelize.File) string {
	t.Helper()
	var b strings.Builder
	for _, name := range f.GetSheetList() {
		visible, _ := f.GetSheetVisible(name)
		fmt.Fprintf(&b, "== sheet %s visible=%v\n", name, visible)
		if ws, err := f.GetSheetProtection(name); err == nil {
			fmt.Fprintf(&b, "protection: %+v\n", ws)
		}
		if hf, err := f.GetHeaderFooter(name); err == nil && hf != nil {
			fmt.Fprintf(&b, "header: %q footer: %q\n", hf.OddHeader, hf.OddFooter)
		}
		if pl, err := f.GetPageLayout(name); err == nil {
			fmt.Fprintf(&b, "page: size=%v orientation=%v fitToWidth=%v\n", deref(pl.Size), deref(pl.Orientation), deref(pl.FitToWidth))
		}
		rows, _ := f.GetRows(name)
		for r, row := range rows {
			for c, v := range row {
				if v == "" {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				locked := "locked"
				if id, err := f.GetCellStyle(name, cell); err == nil {
					if st, err := f.GetStyle(id); err == nil && st.Protection != nil && !st.Protection.Locked {
						locked = "open"
					}
				}
				fmt.Fprintf(&b, "%s [%s] %q\n", cell, locked, v)
			}
		}
		// Each row's height and its cells' styles, blank cells too (those a unit fills).
		cols, _ := f.GetCols(name)
		for r := 1; r <= len(rows)+2; r++ {
			h, _ := f.GetRowHeight(name, r)
			var styles []string
			for c := 1; c <= len(cols)+1; c++ {
				cell, _ := excelize.CoordinatesToCellName(c, r)
				id, _ := f.GetCellStyle(name, cell)
				styles = append(styles, styleName(f, id))
			}
			fmt.Fprintf(&b, "row %d height %v styles %s\n", r, h, strings.Join(styles, " "))
		}
		for c := 1; c <= len(cols)+1; c++ {
			col, _ := excelize.ColumnNumberToName(c)
			w, _ := f.GetColWidth(name, col)
			fmt.Fprintf(&b, "column %s width %v\n", col, w)
		}
		if panes, err := f.GetPanes(name); err == nil && panes.Freeze {
			fmt.Fprintf(&b, "panes %+v\n", panes)
		}
		dvs, _ := f.GetDataValidations(name)
		for _, dv := range dvs {
			fmt.Fprintf(&b, "validation %s type=%s op=%s f1=%s f2=%s prompt=%q error=%q\n", dv.Sqref, dv.Type, dv.Operator, dv.Formula1, dv.Formula2, deref(dv.Prompt), deref(dv.Error))
		}
		merged, _ := f.GetMergeCells(name)
		for _, m := range merged {
			fmt.Fprintf(&b, "merged %s:%s\n", m.GetStartAxis(), m.GetEndAxis())
		}
	}
	for _, dn := range f.GetDefinedName() {
		fmt.Fprintf(&b, "defined name %s scope=%s refers=%s\n", dn.Name, dn.Scope, dn.RefersTo)
	}
	if dp, err := f.GetDocProps(); err == nil {
		fmt.Fprintf(&b, "title %q subject %q creator %q\n", dp.Title, dp.Subject, dp.Creator)
	}
	props, _ := f.GetCustomProps()
	sort.Slice(props, func(i, j int) bool { return props[i].Name < props[j].Name })
	for _, p := range props {
		fmt.Fprintf(&b, "property %s=%v\n", p.Name, p.Value)
	}
	return b.String()
}

// styleName describes a cell style by what a reader sees: font, fill, alignment, protection.
func styleName(f *excelize.File, id int) string {
	st, err := f.GetStyle(id)
	if err != nil || st == nil {
		return "-"
	}
	var parts []string
	if st.Font != nil {
		parts = append(parts, fmt.Sprintf("%s/%v/%v", st.Font.Family, st.Font.Size, st.Font.Bold))
	}
	if len(st.Fill.Color) > 0 {
		parts = append(parts, st.Fill.Color[0])
	}
	if a := st.Alignment; a != nil {
		parts = append(parts, a.Horizontal+"/"+a.Vertical+fmt.Sprintf("/%v", a.WrapText))
	}
	if st.Protection != nil && !st.Protection.Locked {
		parts = append(parts, "open")
	}
	if len(st.Border) > 0 {
		parts = append(parts, "border")
	}
	if len(parts) == 0 {
		return "plain"
	}
	return strings.Join(parts, ",")
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant %s\ngot  %s", i+1, w, g)
		}
	}
	return ""
}

// TestOpenpyxl loads a template with openpyxl, an independent reader, and checks that the
// validations, the protection and the unlocked cells are what we wrote.
func TestOpenpyxl(t *testing.T) {
	py := clienttest.Openpyxl(t)
	_, res, _ := issueReference(t, false)
	var path string
	for _, it := range res.Templates {
		if it.Unit == "宝山镇" {
			path = it.Path
		}
	}
	out, err := exec.Command(py, filepath.Join("testdata", "openpyxl_view.py"), path).CombinedOutput()
	if err != nil {
		t.Fatalf("openpyxl_view.py: %v\n%s", err, out)
	}
	var got struct {
		Sheets      map[string]string `json:"sheets"`
		Protected   map[string]bool   `json:"protected"`
		Headers     []string          `json:"headers"`
		Rows        int               `json:"rows"`
		Unlocked    []string          `json:"unlocked_columns"`
		Validations []struct {
			Type    string `json:"type"`
			Formula string `json:"formula1"`
			Sqref   string `json:"sqref"`
			Prompt  string `json:"prompt"`
		} `json:"validations"`
		Props map[string]string `json:"props"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantHeaders := append(append([]string(nil), LockedColumns...), FillColumns...)
	if strings.Join(got.Headers, ",") != strings.Join(wantHeaders, ",") {
		t.Errorf("headers %q, want %q", got.Headers, wantHeaders)
	}
	if got.Rows != 73 {
		t.Errorf("%d task rows, want 73", got.Rows)
	}
	if strings.Join(got.Unlocked, ",") != strings.Join(FillColumns, ",") {
		t.Errorf("unlocked columns %q, want %q", got.Unlocked, FillColumns)
	}
	for _, s := range []string{SheetGuide, SheetTasks} {
		if got.Sheets[s] != "visible" || !got.Protected[s] {
			t.Errorf("sheet %s: %s protected=%v", s, got.Sheets[s], got.Protected[s])
		}
	}
	if got.Sheets[SheetLists] != "hidden" || got.Sheets[SheetID] != "veryHidden" {
		t.Errorf("hidden sheets: %v", got.Sheets)
	}
	var lists, whole int
	for _, v := range got.Validations {
		switch {
		case v.Type == "list" && strings.Contains(v.Formula, SheetLists):
			lists++
		case v.Type == "whole":
			whole++
		}
	}
	if lists < 2 || whole != 1 {
		t.Errorf("validations %+v: want list ranges on %s for both kinds of task and one whole-number rule", got.Validations, SheetLists)
	}
	if got.Props[PropPrefix+KeyUnit] != "宝山镇" || got.Props[PropPrefix+KeyPeriod] != "2023Q4" {
		t.Errorf("custom properties %v", got.Props)
	}
}

// TestLibreOfficeKeepsIdentification fills a template in LibreOffice and saves it, as a unit
// using LibreOffice would, and reads its identification back.
func TestLibreOfficeKeepsIdentification(t *testing.T) {
	_, res, _ := issueReference(t, false)
	var it Issued
	for _, x := range res.Templates {
		if x.Unit == "区委依法治区委办公室" {
			it = x
		}
	}
	var tpl Template
	for _, x := range Build(referencePlan(t), q4, nil) {
		if x.Unit.Name == it.Unit {
			tpl = x
		}
	}
	filler := tpl.FillerCell
	out := filepath.Join(t.TempDir(), "filled.xlsx")
	clienttest.Fill(t, []clienttest.File{{In: it.Path, Out: out, Cells: []clienttest.Cell{
		{Sheet: SheetTasks, Cell: "G2", Value: StatusOnTrack},
		{Sheet: SheetTasks, Cell: "H2", Value: 60},
		{Sheet: SheetTasks, Cell: "I2", Value: "已制定工作方案，正在推进。"},
		{Sheet: SheetTasks, Cell: filler("填报人"), Value: "张伟"},
		{Sheet: SheetTasks, Cell: filler("填报日期"), Date: "2024-01-05"},
	}}})
	before, after := readID(t, it.Path), readID(t, out)
	if !after.FromSheet {
		t.Error("the identification sheet did not survive LibreOffice")
	}
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("identification changed by LibreOffice:\nbefore %+v\nafter  %+v", before, after)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue(SheetTasks, "G2"); v != StatusOnTrack {
		t.Errorf("filled G2 = %q", v)
	}
	// The locked cells are unchanged, so every row checksum still matches.
	rows, _ := f.GetRows(SheetTasks)
	for i, id := range after.Rows {
		if got := RowChecksum(rows[i+1][:len(LockedColumns)]); got != id.Checksum {
			t.Errorf("row %d (%s): checksum %s after LibreOffice, want %s", i+2, id.Task, got, id.Checksum)
		}
	}
}

func decodeBase64(t *testing.T, b []byte) []byte {
	t.Helper()
	s := strings.Join(strings.Fields(string(b)), "")
	out, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func BenchmarkIssueReference(b *testing.B) {
	p := referencePlan(b)
	o := Options{Period: q4, Due: "2024-01-08", PlanTitle: p.Title, PlanFingerprint: p.Fingerprint()}
	dir := b.TempDir()
	for b.Loop() {
		if _, err := Issue(dir, Build(p, q4, nil), o, false); err != nil {
			b.Fatal(err)
		}
	}
}

// withTowns adds made-up towns to the reference plan until n units report (as demo --units
// does): each gets every task of 各镇乡街道 and 各镇乡.
func withTowns(p *plan.Plan, n int) *plan.Plan {
	q := *p
	q.Units = append([]plan.Unit(nil), p.Units...)
	for i := 1; len(q.Units) < n; i++ {
		q.Units = append(q.Units, plan.Unit{Name: fmt.Sprintf("演示第%05d镇", i), Category: plan.CatTown})
	}
	return &q
}

// BenchmarkBuild builds the templates of 1,000 and 10,000 units: the time per unit stays the
// same (Build grows with the registry, not its square).
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		p := withTowns(referencePlan(b), n)
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			for b.Loop() {
				if ts := Build(p, q4, nil); len(ts) < n-100 {
					b.Fatalf("%d templates", len(ts))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/unit")
		})
	}
}

// TestUnitNamesInSkeleton writes a template for a unit whose name has the characters XML and
// page headers treat specially, and reads each place that names it back.
func TestUnitNamesInSkeleton(t *testing.T) {
	name := `甲&乙<丙>"丁"'戊'`
	tpl := &Template{Unit: plan.Unit{Name: name}, ReportsFor: []string{"A&B<C>"},
		Rows: []Row{{TaskID: "1.1", Section: "一、总体", Text: "任务\x01内容 & <要求>", Duty: "牵头", Lead: name, Deadline: "2023 年"}}}
	path := filepath.Join(t.TempDir(), "t.xlsx")
	s, err := newSkeleton(Options{Period: q4, Due: "2024-01-08", PlanTitle: "计划<甲&乙>"}, false)
	if err != nil {
		t.Fatal(err)
	}
	data, err := s.bytes(tpl)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	id, ok := ReadIdentity(f)
	if !ok || id.Unit != name || !slices.Equal(id.ReportsFor, []string{"A&B<C>"}) || !id.FromSheet || len(id.Rows) != 1 {
		t.Errorf("identification %+v, ok %v", id, ok)
	}
	if got, _ := f.GetCellValue(SheetGuide, "B2"); got != name+"（同时代A&B<C>填报）" {
		t.Errorf("guide's unit %q", got)
	}
	if got, _ := f.GetCellValue(SheetTasks, "C2"); got != "任务\uFFFD内容 & <要求>" {
		t.Errorf("task text %q", got)
	}
	for _, sheet := range []string{SheetGuide, SheetTasks} {
		if hf, err := f.GetHeaderFooter(sheet); err != nil || !strings.HasPrefix(hf.OddHeader, "&L甲&&乙<丙>\"丁\"'戊'&R") {
			t.Errorf("%s header %+v %v", sheet, hf, err)
		}
	}
	if dp, err := f.GetDocProps(); err != nil || dp.Title != name+" 2023年第四季度任务进展报送表" {
		t.Errorf("title %+v %v", dp, err)
	}
}

// TestRowChecksumIgnoresSpace: the checksum leaves out white space as strings.Fields finds it
// (the definition it had), and nothing else.
func TestRowChecksumIgnoresSpace(t *testing.T) {
	fields := func(locked []string) string {
		h := sha256.New()
		for _, s := range locked {
			h.Write([]byte(strings.Join(strings.Fields(s), "")))
			h.Write([]byte{0})
		}
		return hex.EncodeToString(h.Sum(nil))[:16]
	}
	cases := [][]string{
		{"1.1", "（一）总体", "任务\n内容 有空格", "牵头"},
		{"\t\v\f\r\n x", "\u00a0NBSP\u0085NEL\u3000全角空格\u2028\u1680\u205f\u202f、。", "bad\xffutf8\xc3\xe2\x80", ""},
		{"", "", ""},
		{"a\x00b", "\x1fc\x0bd\u200be"},
	}
	for _, c := range cases {
		if got, want := RowChecksum(c), fields(c); got != want {
			t.Errorf("%q: %s, want %s", c, got, want)
		}
	}
	if RowChecksum([]string{"ab", "c"}) == RowChecksum([]string{"a", "bc"}) {
		t.Error("the cells' boundaries do not count")
	}
}
