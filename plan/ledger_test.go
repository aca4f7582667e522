package plan

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// needTool returns the path of an external program a test needs. Without it the test is
// skipped, except in CI (CI=true), where a missing tool is a failure: .ci/run installs them.
func needTool(t *testing.T, name, hint string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not on PATH (%s); CI must install it", name, hint)
		}
		t.Skipf("skipping: %s is not on PATH (%s)", name, hint)
	}
	return path
}

// needOpenpyxl returns Debian's python3 with python3-openpyxl, or skips (fails in CI).
func needOpenpyxl(t *testing.T) string {
	t.Helper()
	const python = "/usr/bin/python3"
	msg := ""
	if _, err := os.Stat(python); err != nil {
		msg = python + " is missing (apt-get install python3 python3-openpyxl)"
	} else if out, err := exec.Command(python, "-c", "import openpyxl").CombinedOutput(); err != nil {
		msg = "openpyxl is not importable by " + python + " (apt-get install python3-openpyxl): " + strings.TrimSpace(string(out))
	}
	if msg != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s; CI must install it", msg)
		}
		t.Skipf("skipping: %s", msg)
	}
	return python
}

// runTool runs an external program with a time limit and returns its combined output.
func runTool(t *testing.T, dir string, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// resaveWithLibreOffice opens path in LibreOffice Calc and saves it as .xlsx again, as an
// office that edits the ledger in LibreOffice would. It returns the new file's path.
func resaveWithLibreOffice(t *testing.T, path string) string {
	t.Helper()
	soffice := needTool(t, "soffice", "apt-get install libreoffice-calc-nogui")
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	runTool(t, dir, soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out, path)
	saved := filepath.Join(out, filepath.Base(path))
	if _, err := os.Stat(saved); err != nil {
		t.Fatalf("LibreOffice wrote no %s: %v", saved, err)
	}
	return saved
}

func writeReferenceLedger(t *testing.T) (*Plan, string) {
	t.Helper()
	p := parseReference(t)
	path := filepath.Join(t.TempDir(), "plan.xlsx")
	if err := p.WriteLedger(path); err != nil {
		t.Fatalf("WriteLedger: %v", err)
	}
	return p, path
}

// OtherLedgerReader is another way to read a ledger, which must give what ReadLedger gives:
// excelize (set by readers_test.go, an external test).
var OtherLedgerReader func(path string) (*Plan, error)

func readLedger(t *testing.T, path string) *Plan {
	t.Helper()
	p, err := ReadLedger(path)
	if err != nil {
		t.Fatalf("ReadLedger: %v", err)
	}
	if OtherLedgerReader != nil {
		q, err := OtherLedgerReader(path)
		if err != nil {
			t.Fatalf("the other ledger reader: %v", err)
		}
		if !reflect.DeepEqual(p, q) {
			assertSameJSON(t, p, q)
			t.Fatalf("the other ledger reader read another plan (the difference is in unexported fields)")
		}
	}
	return p
}

// assertSameJSON compares a plan with the one read back from its ledger. Import notices are
// not part of the plan a ledger reads back (ReadLedgerNotices reads them; see
// TestLedgerNotices).
func assertSameJSON(t *testing.T, want, got *Plan) {
	t.Helper()
	plain := *want
	plain.Notices = nil
	w, g := marshalPlan(t, &plain), marshalPlan(t, got)
	if !bytes.Equal(w, g) {
		t.Errorf("JSON differs after the round trip:\n%s", firstDiff(string(w), string(g)))
	}
}

func assertSavedAssignments(t *testing.T, path string, p *Plan) []Assignment {
	t.Helper()
	saved, err := ReadLedgerAssignments(path)
	if err != nil {
		t.Fatalf("ReadLedgerAssignments: %v", err)
	}
	if want := p.Assignments(); !slices.Equal(saved, want) {
		t.Errorf("「分工」 holds %d assignments, want the %d the other sheets expand to", len(saved), len(want))
	}
	return saved
}

func TestLedgerRoundTrip(t *testing.T) {
	p, path := writeReferenceLedger(t)
	q := readLedger(t, path)
	assertSameJSON(t, p, q)
	if q.Source != ReferenceName {
		t.Errorf("source = %q, want %q", q.Source, ReferenceName)
	}
	if q.Fingerprint() != p.Fingerprint() {
		t.Errorf("fingerprint %s after the round trip, want %s", q.Fingerprint(), p.Fingerprint())
	}
	assertSavedAssignments(t, path, q)
	checkReferenceFacts(t, q)
}

func TestLedgerLibreOfficeResave(t *testing.T) {
	p, path := writeReferenceLedger(t)
	saved := resaveWithLibreOffice(t, path)
	q := readLedger(t, saved)
	assertSameJSON(t, p, q)
	assertSavedAssignments(t, saved, q)
	checkReferenceFacts(t, q)

	// The tool must be able to update what LibreOffice wrote, and read it again.
	if err := q.UpdateLedger(saved, false, nil, nil); err != nil {
		t.Fatalf("UpdateLedger on the LibreOffice file: %v", err)
	}
	assertSameJSON(t, p, readLedger(t, saved))
}

// officeEdit is what an office does to the ledger in a spreadsheet program, done with
// openpyxl: contacts, an alias, a group's members, a due date typed as a real date, an extra
// column of its own, and a unit row deleted.
const officeEdit = `
import sys, datetime, openpyxl
path = sys.argv[1]
wb = openpyxl.load_workbook(path)

def col(ws, name):
    for c in ws[1]:
        if c.value == name:
            return c.column
    raise SystemExit("no header %s in %s" % (name, ws.title))

def row(ws, header, key):
    c = col(ws, header)
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, c).value == key:
            return r
    raise SystemExit("no row %s in %s" % (key, ws.title))

u = wb["单位"]
r = row(u, "单位名称", "区司法局")
u.cell(r, col(u, "联系人")).value = "张三"
u.cell(r, col(u, "联系电话")).value = "010-69641234"
u.cell(r, col(u, "电子邮箱")).value = "sfj@bjhr.gov.cn"
u.cell(row(u, "单位名称", "区纪委区监委"), col(u, "别名")).value = "区纪委监委"
extra = u.max_column + 1
u.cell(1, extra).value = "分管领导"
u.cell(row(u, "单位名称", "区司法局"), extra).value = "李四"
u.delete_rows(row(u, "单位名称", "区审计局"))

g = wb["分组"]
g.cell(row(g, "分组名称", "区政府有关部门"), col(g, "成员单位")).value = "区财政局、区市场监管局"

t = wb["任务"]
t.cell(row(t, "任务编号", "1.1"), col(t, "截止日期")).value = datetime.date(2024, 6, 30)

wb.save(path)
`

func TestLedgerOfficeEdits(t *testing.T) {
	python := needOpenpyxl(t)
	_, path := writeReferenceLedger(t)
	script := filepath.Join(t.TempDir(), "edit.py")
	if err := os.WriteFile(script, []byte(officeEdit), 0o644); err != nil {
		t.Fatal(err)
	}
	runTool(t, filepath.Dir(path), python, script, path)

	assertEdits := func(t *testing.T, p *Plan) {
		t.Helper()
		r := p.resolver()
		sfj, ok := r.unit("区司法局")
		if !ok || sfj.Contact != "张三" || sfj.Phone != "010-69641234" || sfj.Email != "sfj@bjhr.gov.cn" {
			t.Errorf("区司法局 = %+v, want contact 张三, phone 010-69641234, email sfj@bjhr.gov.cn", sfj)
		}
		if u, ok := r.unit("区纪委监委"); !ok || u.Name != "区纪委区监委" {
			t.Errorf("alias 区纪委监委 resolves to %+v, want 区纪委区监委", u)
		}
		gi, ok := r.groups["区政府有关部门"]
		if !ok || !slices.Equal(p.Groups[gi].Members, []string{"区财政局", "区市场监管局"}) {
			t.Errorf("区政府有关部门 has members %q, want 区财政局、区市场监管局", p.Groups[gi].Members)
		}
		if d := p.Task("1.1").Deadline; d.Due != "2024-06-30" || d.Text != "2023 年" {
			t.Errorf("1.1 deadline = %+v, want due 2024-06-30 (typed as a date) with text 2023 年", d)
		}
	}

	edited := readLedger(t, path)
	t.Run("read", func(t *testing.T) {
		assertEdits(t, edited)
		if _, ok := edited.resolver().unit("区审计局"); ok {
			t.Errorf("区审计局 still in the registry after the office deleted its row")
		}
	})

	// Import the plan again over the edited ledger, as plan import does without --force.
	p := parseReference(t)
	kept, added := p.KeepOfficeEdits(edited)
	if kept != len(edited.Units)+len(edited.Groups) || added != 1 {
		t.Errorf("KeepOfficeEdits kept %d, added %d; want %d kept and 1 added (区审计局)", kept, added, len(edited.Units)+len(edited.Groups))
	}
	if err := p.UpdateLedger(path, true, p.Units[len(edited.Units):], p.Groups[len(edited.Groups):]); err != nil {
		t.Fatalf("UpdateLedger: %v", err)
	}
	again := readLedger(t, path)

	t.Run("reimport keeps edits", func(t *testing.T) {
		assertEdits(t, again)
		assertSameJSON(t, p, again)
		last := again.Units[len(again.Units)-1]
		if last.Name != "区审计局" || last.Category != CatGovDept {
			t.Errorf("last unit = %+v, want 区审计局 (区政府部门) appended", last)
		}
	})

	t.Run("reimport keeps the office's column", func(t *testing.T) {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(SheetUnits)
		if err != nil {
			t.Fatal(err)
		}
		extra := slices.Index(rows[0], "分管领导")
		if extra < 0 {
			t.Fatalf("「单位」 headers %q lost the office's 分管领导 column", rows[0])
		}
		found := false
		for _, r := range rows[1:] {
			if len(r) > extra && r[0] == "区司法局" {
				found = r[extra] == "李四"
			}
		}
		if !found {
			t.Errorf("区司法局's 分管领导 李四 was lost")
		}
		last := rows[len(rows)-1]
		if last[0] != "区审计局" || last[1] != CatGovDept {
			t.Errorf("appended row = %q, want 区审计局 under 单位名称 and 区政府部门 under 类别", last)
		}
	})

	t.Run("reimport regenerates 分工", func(t *testing.T) {
		saved := assertSavedAssignments(t, path, again)
		via := 0
		for _, a := range saved {
			if a.Via == "区政府有关部门" {
				via++
				if a.Unit != "区财政局" && a.Unit != "区市场监管局" {
					t.Errorf("assignment %+v: 区政府有关部门 expanded to a unit that is not its member", a)
				}
			}
		}
		if via == 0 {
			t.Errorf("no assignment comes through 区政府有关部门 after the office named its members")
		}
	})
}

// TestUpdateLedgerDefinedNames: replacing sheets must leave every sheet's autofilter name on
// its own sheet, keep the sheets' order, and keep the office's named ranges pointing at the
// (new) sheets they name.
func TestUpdateLedgerDefinedNames(t *testing.T) {
	p, path := writeReferenceLedger(t)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	order := f.GetSheetList()
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "任务清单", RefersTo: "'任务'!$A$1:$J$88"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()

	for _, tasks := range []bool{true, false} {
		if err := p.UpdateLedger(path, tasks, nil, nil); err != nil {
			t.Fatalf("UpdateLedger(tasks=%v): %v", tasks, err)
		}
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.GetSheetList(); !slices.Equal(got, order) {
			t.Errorf("tasks=%v: sheets %q, want %q", tasks, got, order)
		}
		filters := map[string]bool{}
		for _, dn := range f.GetDefinedName() {
			switch dn.Name {
			case "_xlnm._FilterDatabase":
				if !strings.HasPrefix(dn.RefersTo, "'"+dn.Scope+"'!") {
					t.Errorf("tasks=%v: the autofilter of 「%s」 refers to %s", tasks, dn.Scope, dn.RefersTo)
				}
				filters[dn.Scope] = true
			case "_xlnm.Print_Titles": // every table prints its header row on each page
				if dn.RefersTo != "'"+dn.Scope+"'!$1:$1" {
					t.Errorf("tasks=%v: the print titles of 「%s」 refer to %s", tasks, dn.Scope, dn.RefersTo)
				}
			case "任务清单":
				if dn.RefersTo != "'任务'!$A$1:$J$88" {
					t.Errorf("tasks=%v: the office's name 任务清单 refers to %s, want '任务'!$A$1:$J$88", tasks, dn.RefersTo)
				}
			default:
				t.Errorf("tasks=%v: unexpected defined name %+v", tasks, dn)
			}
		}
		for _, s := range []string{SheetInfo, SheetTasks, SheetUnits, SheetGroups, SheetAssignments} {
			if !filters[s] {
				t.Errorf("tasks=%v: 「%s」 lost its autofilter", tasks, s)
			}
		}
		f.Close()
		assertSameJSON(t, p, readLedger(t, path))
	}
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWriteLedgerAtomic(t *testing.T) {
	p := parseReference(t)

	t.Run("read-only dir", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		if f, err := os.CreateTemp(dir, "probe"); err == nil {
			f.Close()
			os.Remove(f.Name())
			t.Skip("skipping: this user can write into a read-only directory (running as root)")
		}
		path := filepath.Join(dir, "plan.xlsx")
		err := p.WriteLedger(path)
		if err == nil {
			t.Fatal("WriteLedger into a read-only directory succeeded")
		}
		if !strings.Contains(err.Error(), dir) {
			t.Errorf("error %q does not name the directory", err)
		}
		if m := tempFiles(t, dir); len(m) > 0 {
			t.Errorf("temporary files left behind: %q", m)
		}
	})

	t.Run("missing dir", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "no-such-dir")
		err := p.WriteLedger(filepath.Join(dir, "plan.xlsx"))
		if err == nil || !strings.Contains(err.Error(), "无法在") {
			t.Errorf("WriteLedger into a missing directory: %v, want a Chinese error naming it", err)
		}
	})

	t.Run("rename fails", func(t *testing.T) {
		// The target is a directory that is not empty: everything but the final rename
		// succeeds, and the rename must not leave the temporary file behind.
		dir := t.TempDir()
		path := filepath.Join(dir, "plan.xlsx")
		if err := os.MkdirAll(filepath.Join(path, "keep"), 0o755); err != nil {
			t.Fatal(err)
		}
		err := p.WriteLedger(path)
		if err == nil {
			t.Fatal("WriteLedger over a directory succeeded")
		}
		if !strings.Contains(err.Error(), "无法替换") {
			t.Errorf("error %q does not say the file could not be replaced", err)
		}
		if m := tempFiles(t, dir); len(m) > 0 {
			t.Errorf("temporary files left behind: %q", m)
		}
		if _, err := os.Stat(filepath.Join(path, "keep")); err != nil {
			t.Errorf("the existing target was harmed: %v", err)
		}
	})
}

var han = regexp.MustCompile(`\p{Han}`)

func TestReadLedgerErrors(t *testing.T) {
	p := parseReference(t)
	edit := func(change func(f *excelize.File) error) func(t *testing.T, path string) {
		return func(t *testing.T, path string) {
			if err := p.WriteLedger(path); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := change(f); err != nil {
				t.Fatal(err)
			}
			if err := f.Save(); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name       string
		make       func(t *testing.T, path string)
		sheet      string // the LedgerError's sheet, if it is one
		cell       string
		wantSubstr []string
	}{
		{
			name:       "missing file",
			make:       func(t *testing.T, path string) {},
			wantSubstr: []string{"找不到计划台账", "planreport plan import"},
		},
		{
			name: "not a zip",
			make: func(t *testing.T, path string) {
				if err := os.WriteFile(path, []byte("任务编号,任务内容\n1.1,测试\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			wantSubstr: []string{"无法打开计划台账", ".xlsx"},
		},
		{
			name:       "sheet renamed",
			make:       edit(func(f *excelize.File) error { return f.SetSheetName(SheetUnits, "单位名录") }),
			sheet:      SheetUnits,
			wantSubstr: []string{"「单位」", "缺少「单位」工作表"},
		},
		{
			name:       "header deleted",
			make:       edit(func(f *excelize.File) error { return f.SetCellValue(SheetTasks, "F1", nil) }),
			sheet:      SheetTasks,
			cell:       "第1行",
			wantSubstr: []string{"「任务」表", "“牵头单位”", "表头"},
		},
		{
			name:       "bad due date",
			make:       edit(func(f *excelize.File) error { return f.SetCellValue(SheetTasks, "J3", "明年年底") }),
			sheet:      SheetTasks,
			cell:       "J3",
			wantSubstr: []string{"「任务」表 J3 单元格", "截止日期", "明年年底", "2024-06-30"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "台账.xlsx")
			tt.make(t, path)
			_, err := ReadLedger(path)
			if err == nil {
				t.Fatal("ReadLedger succeeded")
			}
			if OtherLedgerReader != nil {
				_, other := OtherLedgerReader(path)
				var le, ole *LedgerError
				switch {
				case other == nil:
					t.Errorf("the other ledger reader succeeded")
				case errors.As(err, &le) && (!errors.As(other, &ole) || *le != *ole):
					t.Errorf("the other ledger reader says %q, not %q", other, err)
				case le == nil && tt.name == "missing file" && other.Error() != err.Error():
					t.Errorf("the other ledger reader says %q, not %q", other, err)
				}
			}
			msg := err.Error()
			if !strings.Contains(msg, path) {
				t.Errorf("error %q does not name the file", msg)
			}
			if !han.MatchString(strings.ReplaceAll(msg, path, "")) {
				t.Errorf("error %q is not in Chinese", msg)
			}
			for _, s := range tt.wantSubstr {
				if !strings.Contains(msg, s) {
					t.Errorf("error %q lacks %q", msg, s)
				}
			}
			var le *LedgerError
			if tt.sheet != "" {
				if !errors.As(err, &le) {
					t.Fatalf("error %q is not a *LedgerError", msg)
				}
				if le.Sheet != tt.sheet || le.Cell != tt.cell {
					t.Errorf("located at sheet %q cell %q, want %q %q", le.Sheet, le.Cell, tt.sheet, tt.cell)
				}
			}
		})
	}
}

// TestLedgerNotices: the import notices are written to the 导入提示 sheet, read back by
// ReadLedgerNotices and raised by Check with their kind; a reimport replaces them.
func TestLedgerNotices(t *testing.T) {
	p, path := writeReferenceLedger(t)
	if len(p.Notices) == 0 {
		t.Fatal("the reference plan has no import notices to test with")
	}
	got, err := ReadLedgerNotices(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(p.Notices) {
		t.Fatalf("read %d notices, want %d", len(got), len(p.Notices))
	}
	for i, n := range got {
		w := p.Notices[i]
		if n.Kind != w.Kind || n.Reason != w.Reason || n.Item != w.Item || n.Text != w.Text || n.Line() != w.Line() {
			t.Errorf("notice %d read back as %+v, want %+v", i, n, w)
		}
	}
	q := readLedger(t, path)
	q.Notices = got
	raised := 0
	for _, f := range q.Check() {
		if (f.Rule == RuleImportSkipped || f.Rule == RuleImportNoUnits) && f.Sheet == SheetNotices {
			raised++
		}
	}
	if raised != len(got) {
		t.Errorf("Check raised %d import findings, want %d", raised, len(got))
	}
	// A reimport of a plan without notices empties the sheet.
	q.Notices = nil
	if err := q.UpdateLedger(path, true, nil, nil); err != nil {
		t.Fatal(err)
	}
	if again, err := ReadLedgerNotices(path); err != nil || len(again) != 0 {
		t.Errorf("after a reimport without notices: %d notices, err %v", len(again), err)
	}
}
