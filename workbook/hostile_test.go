package workbook

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"planreport/internal/hostile"
	"planreport/plan"
	"planreport/templates"
)

// hostileCase is a returned workbook built to hurt, and what Check must make of it.
type hostileCase struct {
	name     string
	data     []byte
	accepted bool      // Check accepts it
	rule     plan.Rule // else: the finding it gives
	says     []string  // words the finding's message must hold
	maxPeak  uint64    // bytes
	maxTime  time.Duration
	progress string // when accepted: 1.1's progress as read, or "" not to check
	note     string // what the feedback workbook's list says about the unit's own file, if anything
	known    string // a known problem of the reader (workbook/read.go, xlsx.go), reported to its owner: skip when Check fails
}

// hostileWorkbooks builds the hostile returned workbooks from 宝山镇's template, filled
// correctly: each is a valid template but for its one hostile part.
func hostileWorkbooks(t testing.TB, fx *fixture) []hostileCase {
	const unit = "宝山镇"
	must := func(data []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	sheet := templates.SheetTasks
	rows := len(fx.ctx.Template(unit).Rows) + 1
	formula := func(f *excelize.File) {
		if err := f.SetCellFormula(sheet, "H2", "50+50"); err != nil {
			t.Fatal(err)
		}
	}
	long := longText(32767)
	return []hostileCase{
		// An XML bomb (billion laughs, 10^9 "lol") and an external entity in the shared
		// strings, 1.1's progress referring to them; then the same in the task sheet.
		{name: "xml-bomb-sharedstrings", data: must(hostile.SharedStringsBomb(fx.filled(t, unit, set(map[string]any{"I2": "BOMB-MARKER"})), "BOMB-MARKER", 9)),
			rule: RuleCorrupt, says: []string{"实体"}, maxPeak: 64 << 20, maxTime: 5 * time.Second, note: "DOCTYPE"},
		{name: "xml-bomb-sheet", data: must(hostile.SheetBomb(fx.filled(t, unit, nil), sheet, "I2", 9)),
			rule: RuleCorrupt, says: []string{"实体"}, maxPeak: 64 << 20, maxTime: 5 * time.Second, note: "DOCTYPE"},
		// A zip bomb: the task sheet padded with 256 MiB of white space, 0.35 MB packed.
		{name: "zip-bomb", data: must(hostile.ZipBomb(fx.filled(t, unit, nil), sheet, 256)),
			rule: RuleZipBomb, says: []string{"解压后过大"}, maxPeak: 16 << 20, maxTime: 2 * time.Second},
		// A 32,767-character progress text (Excel's limit for a cell): accepted, whole.
		{name: "cell-32767", data: fx.filled(t, unit, set(map[string]any{"I2": long})), accepted: true, progress: long,
			maxPeak: 32 << 20, maxTime: 2 * time.Second},
		// A million empty styled rows after the task rows; then with a formula in 1.1's
		// progress, which the reader calculates with excelize.
		{name: "million-empty-rows", data: must(hostile.EmptyRows(fx.filled(t, unit, nil), sheet, rows, 1_000_000)), accepted: true,
			maxPeak: 160 << 20, maxTime: 5 * time.Second, note: "原表过大"},
		{name: "million-empty-rows-formula", data: must(hostile.EmptyRows(fx.filled(t, unit, formula), sheet, rows, 1_000_000)), accepted: true,
			maxPeak: 200 << 20, maxTime: 5 * time.Second, note: "原表过大"},
		// 300,000 rows with text and no task id: each is a finding (a row added).
		{name: "300k-text-rows", data: must(hostile.TextRows(fx.filled(t, unit, nil), sheet, rows, 300_000)),
			rule: RuleRowAdded, says: []string{"没有任务编号"}, maxPeak: 128 << 20, maxTime: 5 * time.Second, note: "原表过大"},
		// 16,384 columns (to XFD) filled in the header row.
		{name: "columns-16384", data: must(hostile.WideRow(fx.filled(t, unit, nil), sheet, 13)), accepted: true,
			maxPeak: 64 << 20, maxTime: 3 * time.Second},
	}
}

// longText is n characters of Chinese text, marked at both ends so that a cut shows.
func longText(n int) string {
	const start, end = "【开头】", "【结尾】"
	body := []rune(strings.Repeat("本期围绕任务召开专题会议，制定工作方案并推进落实。", n/20+1))
	body = body[:n-len([]rune(start))-len([]rune(end))]
	return start + string(body) + end
}

// TestHostileWorkbooks checks each hostile workbook: Check gives a clear Chinese finding (or
// accepts it whole), within bounded memory and time; and the feedback workbook for it is
// written within bounds too.
func TestHostileWorkbooks(t *testing.T) {
	fx := newFixture(t)
	fx.ctx.Check("warm-up.xlsx", fx.filled(t, "宝山镇", nil), "") // the reader's buffer pool
	for _, hc := range hostileWorkbooks(t, fx) {
		t.Run(hc.name, func(t *testing.T) {
			name := "2023Q2_宝山镇_" + hc.name + ".xlsx"
			var r *Report
			var checkErr []string
			u := hostile.Measure(func() { r = fx.ctx.Check(name, hc.data, "") })
			t.Logf("%s: %d bytes; Check: %v", hc.name, len(hc.data), u)
			if u.Peak > hc.maxPeak*raceSlack || u.Elapsed > hc.maxTime*raceSlack {
				checkErr = append(checkErr, fmt.Sprintf("Check took %v, want at most %.0f MiB and %v", u, float64(hc.maxPeak)/(1<<20), hc.maxTime))
			}
			if hc.accepted {
				if !r.Accepted() {
					checkErr = append(checkErr, fmt.Sprintf("rejected: %v", findingLines(r)))
				}
				if hc.progress != "" && (len(r.Entries) == 0 || r.Entries[0].Progress != hc.progress) {
					got := ""
					if len(r.Entries) > 0 {
						got = r.Entries[0].Progress
					}
					checkErr = append(checkErr, fmt.Sprintf("1.1's progress read as %d characters, want %d", len([]rune(got)), len([]rune(hc.progress))))
				}
			} else {
				found := false
				for _, f := range r.Findings {
					if f.Rule == hc.rule && f.File == name && containsAll(f.Message+f.Hint, hc.says) {
						found = true
					}
				}
				switch {
				case r.Accepted():
					checkErr = append(checkErr, fmt.Sprintf("accepted, 1.1's progress %.40q", r.Entries[0].Progress))
				case !found:
					checkErr = append(checkErr, fmt.Sprintf("no %s finding saying %q: %v", hc.rule, hc.says, findingLines(r)))
				}
			}
			for _, f := range r.Findings {
				if strings.Contains(f.Message, "root:") {
					t.Errorf("an external entity was resolved: %s", f.Message)
				}
			}

			// The feedback workbook, for a unit whose workbook has a finding.
			if len(checkErr) > 0 {
				if hc.known != "" {
					t.Logf("%s", strings.Join(checkErr, "\n"))
					defer t.Skip(hc.known) // after the feedback's checks
				} else {
					t.Errorf("%s", strings.Join(checkErr, "\n"))
				}
			}
			s := Submission{SHA256: r.SHA256, Name: name, Unit: r.Unit, Accepted: r.Accepted(), Findings: append(CapFindings(r.Findings),
				plan.Finding{Severity: plan.Warning, Rule: RuleStatusSynonym, File: name, Sheet: templates.SheetTasks, Cell: "G2", Task: "x", Message: "提醒", Hint: "提示"})}
			path := filepath.Join(t.TempDir(), "反馈.xlsx")
			var err error
			u = hostile.Measure(func() { _, err = WriteFeedback(path, s, hc.data, "2024-01-12") })
			t.Logf("%s: WriteFeedback: %v", hc.name, u)
			if err != nil {
				t.Fatalf("WriteFeedback: %v", err)
			}
			if u.Peak > max(hc.maxPeak, 96<<20) || u.Elapsed > 2*hc.maxTime {
				t.Errorf("WriteFeedback took %v", u)
			}
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatalf("the feedback workbook does not open: %v", err)
			}
			defer f.Close()
			rows, err := f.GetRows(FeedbackSheet)
			if err != nil || len(rows) < 3 {
				t.Fatalf("feedback list: %v %v", rows, err)
			}
			if !strings.Contains(rows[0][0], name) {
				t.Errorf("the feedback list does not name the file: %q", rows[0][0])
			}
			if hc.note != "" && !strings.Contains(rows[0][0], hc.note) {
				t.Errorf("the feedback list does not say %q: %q", hc.note, rows[0][0])
			}
		})
	}
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// TestWriteHostileSamples writes the hostile workbooks into a folder named by
// PLANREPORT_HOSTILE_DIR, for trying them by hand (and with other spreadsheet programs).
func TestWriteHostileSamples(t *testing.T) {
	dir := os.Getenv("PLANREPORT_HOSTILE_DIR")
	if dir == "" {
		t.Skip("set PLANREPORT_HOSTILE_DIR to write the hostile samples")
	}
	fx := newFixture(t)
	for _, hc := range hostileWorkbooks(t, fx) {
		if err := os.WriteFile(filepath.Join(dir, hc.name+".xlsx"), hc.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCapFindings: a workbook with a finding on each of thousands of rows keeps fifty of each
// rule and one that counts the rest, an error when they are; few findings are kept as they are.
func TestCapFindings(t *testing.T) {
	var fs []plan.Finding
	for i := range 10000 {
		fs = append(fs, plan.Finding{Severity: plan.Error, Rule: RuleRowAdded, File: "a.xlsx", Sheet: templates.SheetTasks, Cell: fmt.Sprintf("A%d", i+2), Message: fmt.Sprintf("第 %d 行没有任务编号", i+2)})
		if i%2 == 0 {
			fs = append(fs, plan.Finding{Severity: plan.Warning, Rule: RuleStatusSynonym, File: "a.xlsx", Message: "提醒"})
		}
	}
	got := CapFindings(fs)
	if len(got) != 2*MaxFindingsPerRule+2 {
		t.Fatalf("%d findings kept, want %d", len(got), 2*MaxFindingsPerRule+2)
	}
	var notes []plan.Finding
	for _, f := range got {
		if f.Rule == RuleTooMany {
			notes = append(notes, f)
		}
	}
	if len(notes) != 2 || notes[0].Severity != plan.Error || !strings.Contains(notes[0].Message, "另有 9950 处同类问题") || notes[1].Severity != plan.Warning {
		t.Errorf("notes %+v", notes)
	}
	if plan.CountErrors(got) == 0 {
		t.Error("the capped findings lost their errors")
	}
	few := fs[:30]
	if got := CapFindings(few); len(got) != 30 {
		t.Errorf("CapFindings changed %d findings into %d", 30, len(got))
	}
}
