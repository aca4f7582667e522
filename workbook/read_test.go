package workbook

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"planreport/internal/xlsx"
	"planreport/internal/xlsx/xlsxtest"
	"planreport/plan"
	"planreport/templates"
)

// q is the fixture's period: in 2023Q2 some tasks are overdue (due 2021 and 2022), some not
// yet (due 2023-12-31), and some ongoing.
var q = plan.Period{Kind: plan.Quarterly, Year: 2023, N: 2}

// fixture is the reference plan with an office and emails, and its 2023Q4 templates issued
// into a temporary folder.
type fixture struct {
	plan   *plan.Plan
	ctx    *Context
	issued map[string]string // unit → template path
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	p, err := plan.ParseReference()
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Units {
		p.Units[i].Email = fmt.Sprintf("unit%d@example.gov.cn", i)
	}
	dir := t.TempDir()
	res, err := templates.Issue(dir, templates.Build(p, q, nil), templates.Options{Period: q, Due: "2023-07-08",
		PlanTitle: p.Title, PlanFingerprint: p.Fingerprint()}, false)
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{plan: p, ctx: NewContext(p, q, nil), issued: map[string]string{}}
	for _, it := range res.Templates {
		fx.issued[it.Unit] = it.Path
	}
	return fx
}

// filled returns unit's template filled in correctly by our own writer, then changed by edit.
func (fx *fixture) filled(t testing.TB, unit string, edit func(f *excelize.File)) []byte {
	t.Helper()
	f, err := excelize.OpenFile(fx.issued[unit])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fillCorrectly(t, f, fx.ctx.Template(unit))
	if edit != nil {
		edit(f)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fillCorrectly fills every row so that no rule fires: done tasks at 100 with text, overdue
// ones with problems and next steps.
func fillCorrectly(t testing.TB, f *excelize.File, tpl *templates.Template) {
	t.Helper()
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
		for col, v := range map[string]any{"G": status, "H": pct, "I": fmt.Sprintf("本期围绕任务 %s 开展了专项工作。", r.TaskID), "J": problems, "K": next} {
			if err := f.SetCellValue(templates.SheetTasks, fmt.Sprintf("%s%d", col, row), v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, v := range []string{"张伟", "010-69600001", "李强", "2024-01-05"} {
		f.SetCellValue(templates.SheetTasks, tpl.FillerCell(templates.FillerLabels[i]), v)
	}
}

type want struct {
	rule        plan.Rule
	sheet, cell string
	sev         plan.Severity
}

func got(r *Report) []want {
	var out []want
	for _, f := range r.Findings {
		out = append(out, want{f.Rule, f.Sheet, f.Cell, f.Severity})
	}
	return out
}

func set(cells map[string]any) func(f *excelize.File) {
	return func(f *excelize.File) {
		for cell, v := range cells {
			f.SetCellValue(templates.SheetTasks, cell, v)
		}
	}
}

// TestRules triggers each row and structure rule once on 宝山镇's template of 2023Q2.
func TestRules(t *testing.T) {
	fx := newFixture(t)
	tpl := fx.ctx.Template("宝山镇")
	rowOf := map[string]int{}
	for i, r := range tpl.Rows {
		rowOf[r.TaskID] = i + 2
	}
	overdue, ongoing, dated := 0, 0, 0 // rows of an overdue task, an ongoing one, one with a later deadline
	for i, r := range tpl.Rows {
		switch {
		case r.Overdue && overdue == 0:
			overdue = i + 2
		case r.Ongoing && ongoing == 0 && i%5 != 0 && i%3 != 0:
			ongoing = i + 2
		case !r.Ongoing && !r.Overdue && dated == 0 && i%5 != 0:
			dated = i + 2
		}
	}
	c := func(col string, row int) string { return fmt.Sprintf("%s%d", col, row) }
	fillerCell := tpl.FillerCell("填报人")
	blank := len(tpl.Rows) + 2                 // the row between the tasks and who filled them
	foot := templates.FillerRow(len(tpl.Rows)) // who filled them
	for _, tc := range []struct {
		name string
		edit func(f *excelize.File)
		want []want
	}{
		{"correct", nil, nil},
		{"status empty", set(map[string]any{c("G", dated): ""}), []want{{RuleStatusEmpty, templates.SheetTasks, c("G", dated), plan.Error}}},
		{"status not a status", set(map[string]any{c("G", dated): "差不多了"}), []want{{RuleStatusInvalid, templates.SheetTasks, c("G", dated), plan.Error}}},
		{"status synonym", set(map[string]any{c("G", dated): "进行中"}), []want{{RuleStatusSynonym, templates.SheetTasks, c("G", dated), plan.Warning}}},
		{"status synonym 完成", set(map[string]any{c("G", dated): "完成", c("H", dated): 100}), []want{{RuleStatusSynonym, templates.SheetTasks, c("G", dated), plan.Warning}}},
		{"ongoing status on a dated task", set(map[string]any{c("G", dated): templates.StatusOngoing}), []want{{RuleStatusOngoing, templates.SheetTasks, c("G", dated), plan.Error}}},
		{"ongoing status on an ongoing task", set(map[string]any{c("G", ongoing): templates.StatusOngoing}), nil},
		{"percent 80%", set(map[string]any{c("H", dated): "80%"}), []want{{RulePercentRead, templates.SheetTasks, c("H", dated), plan.Warning}}},
		{"percent full width", set(map[string]any{c("H", dated): "８０％"}), []want{{RulePercentRead, templates.SheetTasks, c("H", dated), plan.Warning}}},
		{"percent fraction", set(map[string]any{c("H", dated): 0.8}), []want{{RulePercentRead, templates.SheetTasks, c("H", dated), plan.Warning}}},
		{"percent as text", set(map[string]any{c("H", dated): "80"}), nil},
		{"percent over 100", set(map[string]any{c("H", dated): 120}), []want{{RulePercentInvalid, templates.SheetTasks, c("H", dated), plan.Error}}},
		{"percent not whole", set(map[string]any{c("H", dated): 85.5}), []want{{RulePercentInvalid, templates.SheetTasks, c("H", dated), plan.Error}}},
		{"percent words", set(map[string]any{c("H", dated): "大部分"}), []want{{RulePercentInvalid, templates.SheetTasks, c("H", dated), plan.Error}}},
		{"done below 100", set(map[string]any{c("G", dated): templates.StatusDone, c("H", dated): 90}), []want{{RuleDoneNot100, templates.SheetTasks, c("H", dated), plan.Error}}},
		{"done without text", set(map[string]any{c("G", dated): templates.StatusDone, c("H", dated): 100, c("I", dated): ""}), []want{{RuleDoneNoText, templates.SheetTasks, c("I", dated), plan.Error}}},
		{"behind without problems", set(map[string]any{c("G", dated): templates.StatusBehind}), []want{{RuleNeedsProblems, templates.SheetTasks, c("J", dated), plan.Error}}},
		{"not begun without problems", set(map[string]any{c("G", dated): templates.StatusNotBegun, c("H", dated): 0}), []want{{RuleNeedsProblems, templates.SheetTasks, c("J", dated), plan.Error}}},
		{"overdue without next steps", set(map[string]any{c("K", overdue): ""}), []want{{RuleOverdue, templates.SheetTasks, c("K", overdue), plan.Error}}},
		{"overdue on track without problems", set(map[string]any{c("G", overdue): templates.StatusOnTrack, c("J", overdue): "", c("K", overdue): ""}),
			[]want{{RuleOverdue, templates.SheetTasks, c("J", overdue), plan.Error}}},
		{"overdue done", set(map[string]any{c("G", overdue): templates.StatusDone, c("H", overdue): 100, c("J", overdue): "", c("K", overdue): ""}), nil},
		{"progress empty", set(map[string]any{c("I", dated): ""}), []want{{RuleNoProgress, templates.SheetTasks, c("I", dated), plan.Error}}},
		{"progress placeholder", set(map[string]any{c("I", dated): "同上"}), []want{{RulePlaceholder, templates.SheetTasks, c("I", dated), plan.Warning}}},
		{"locked text edited", set(map[string]any{c("C", dated): "改过的任务内容"}), []want{{RuleLockedEdited, templates.SheetTasks, c("C", dated), plan.Error}}},
		{"locked spaces only", set(map[string]any{c("E", 2): " 区委编办、区政务服务局、区司法局 "}), nil},
		{"filler missing", func(f *excelize.File) { f.SetCellValue(templates.SheetTasks, fillerCell, "") }, []want{{RuleFillerMissing, templates.SheetTasks, fillerCell, plan.Warning}}},
		{"row added", set(map[string]any{c("A", blank): "99.9", c("I", blank): "多写了一行"}), []want{{RuleRowAdded, templates.SheetTasks, c("A", blank), plan.Error}}},
		{"note row below the last task", set(map[string]any{c("I", blank): "补充说明"}), []want{{RuleNoteRow, templates.SheetTasks, c("I", blank), plan.Warning}}},
		{"note row below who filled it", set(map[string]any{c("I", foot+1): "补充说明"}), []want{{RuleNoteRow, templates.SheetTasks, c("I", foot+1), plan.Warning}}},
		{"note row between tasks", func(f *excelize.File) {
			f.InsertRows(templates.SheetTasks, 4, 1)
			f.SetCellValue(templates.SheetTasks, "A4", "备注：第二项任务的经费已落实，见附件。")
		}, []want{{RuleNoteRow, templates.SheetTasks, "A4", plan.Warning}}},
		{"note row with answers", func(f *excelize.File) {
			f.InsertRows(templates.SheetTasks, 4, 1)
			f.SetCellValue(templates.SheetTasks, "G4", templates.StatusOnTrack)
			f.SetCellValue(templates.SheetTasks, "I4", "另一项工作")
		}, []want{{RuleRowAdded, templates.SheetTasks, "A4", plan.Error}}},
		{"note row above the first task", func(f *excelize.File) {
			f.InsertRows(templates.SheetTasks, 2, 1)
			f.SetCellValue(templates.SheetTasks, "C2", "备注：以下为本单位任务")
		}, []want{{RuleRowAdded, templates.SheetTasks, "A2", plan.Error}}},
		{"task id deleted", set(map[string]any{"A3": ""}), []want{{RuleRowAdded, templates.SheetTasks, "A3", plan.Error}, {RuleRowDeleted, templates.SheetTasks, "", plan.Error}}},
		{"too many note rows", func(f *excelize.File) {
			for i := range MaxNoteRows + 1 {
				f.SetCellValue(templates.SheetTasks, c("I", foot+1+i), fmt.Sprintf("说明 %d", i+1))
			}
		}, func() []want {
			var out []want
			for i := range MaxNoteRows {
				out = append(out, want{RuleNoteRow, templates.SheetTasks, c("I", foot+1+i), plan.Warning})
			}
			return append(out, want{RuleRowAdded, templates.SheetTasks, c("A", foot+1+MaxNoteRows), plan.Error})
		}()},
		{"row deleted", func(f *excelize.File) { f.RemoveRow(templates.SheetTasks, 3) }, []want{{RuleRowDeleted, templates.SheetTasks, "", plan.Error}}},
		{"row duplicated", func(f *excelize.File) { f.DuplicateRow(templates.SheetTasks, 3) }, []want{{RuleRowDuplicated, templates.SheetTasks, "A4", plan.Error}}},
		{"rows reordered", func(f *excelize.File) {
			a, _ := f.GetRows(templates.SheetTasks)
			r2, r3 := a[1], a[2]
			f.SetSheetRow(templates.SheetTasks, "A2", toAny(r3))
			f.SetSheetRow(templates.SheetTasks, "A3", toAny(r2))
		}, []want{{RuleRowReordered, templates.SheetTasks, "", plan.Warning}}},
		{"sheet renamed", func(f *excelize.File) { f.SetSheetName(templates.SheetTasks, "Sheet1") }, []want{{RuleSheetRenamed, "Sheet1", "", plan.Warning}}},
		{"sheet deleted", func(f *excelize.File) { f.DeleteSheet(templates.SheetTasks) }, []want{{RuleSheetMissing, templates.SheetTasks, "", plan.Error}}},
		{"header changed", set(map[string]any{"I1": "工作进展"}), []want{{RuleHeaderChanged, templates.SheetTasks, "I1", plan.Error}}},
		{"formula without a cached value", func(f *excelize.File) {
			f.SetCellValue(templates.SheetTasks, c("H", dated), "")
			f.SetCellFormula(templates.SheetTasks, c("H", dated), "40+20")
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := fx.filled(t, "宝山镇", tc.edit)
			r := fx.ctx.Check("2023Q4_宝山镇_任务进展报送表.xlsx", data, "")
			if r.Unit != "宝山镇" {
				t.Errorf("unit %q", r.Unit)
			}
			if fmt.Sprint(got(r)) != fmt.Sprint(tc.want) {
				t.Errorf("findings:\n%s\nwant %v", strings.Join(findingLines(r), "\n"), tc.want)
			}
			if r.Accepted() != (plan.CountErrors(r.Findings) == 0) || (tc.want == nil && !r.Accepted()) {
				t.Errorf("accepted %v with %d errors", r.Accepted(), plan.CountErrors(r.Findings))
			}
			for _, f := range r.Findings {
				if f.Message == "" || f.Hint == "" || f.File == "" || f.Unit != "宝山镇" {
					t.Errorf("finding lacks message, hint, file or unit: %+v", f)
				}
			}
		})
	}
}

func toAny(row []string) *[]any {
	out := make([]any, len(row))
	for i, v := range row {
		out[i] = v
	}
	return &out
}

func findingLines(r *Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, fmt.Sprintf("  %s %s %s %s: %s", f.Severity, f.Rule, f.Sheet, f.Cell, f.Message))
	}
	return out
}

// TestFileRules covers what is wrong with the file itself and with whose it is.
func TestFileRules(t *testing.T) {
	fx := newFixture(t)
	good := fx.filled(t, "宝山镇", nil)
	docx := xlsxtest.Zip(map[string]string{"word/document.xml": "<w:document/>", "[Content_Types].xml": "<Types/>"})
	bomb := xlsxtest.Zip(map[string]string{"xl/workbook.xml": strings.Repeat("0", 1<<20)})
	otherPeriod := func() []byte {
		p := fx.plan
		res, err := templates.Issue(t.TempDir(), templates.Build(p, q.Previous(), nil), templates.Options{Period: q.Previous(), Due: "2023-04-08", PlanFingerprint: p.Fingerprint()}, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range res.Templates {
			if it.Unit == "宝山镇" {
				data, _ := os.ReadFile(it.Path)
				return data
			}
		}
		return nil
	}()
	noIdentity := fx.filled(t, "宝山镇", func(f *excelize.File) {
		f.DeleteSheet(templates.SheetID)
		f.SetCustomProps(excelize.CustomProperty{Name: templates.PropPrefix + templates.KeyUnit, Value: ""})
	})
	noIdentityTitle := fx.filled(t, "宝山镇", func(f *excelize.File) {
		f.DeleteSheet(templates.SheetID)
		f.SetCustomProps(excelize.CustomProperty{Name: templates.PropPrefix + templates.KeyUnit, Value: ""})
		f.DeleteSheet(templates.SheetGuide)
	})
	noIdentityNoGuide := fx.filled(t, "宝山镇", func(f *excelize.File) {
		f.DeleteSheet(templates.SheetID)
		f.SetCustomProps(excelize.CustomProperty{Name: templates.PropPrefix + templates.KeyUnit, Value: ""})
		f.DeleteSheet(templates.SheetGuide)
		f.SetDocProps(&excelize.DocProperties{Title: "任务进展报送表"})
	})
	// Retyped into a new workbook from last period's form: the instructions sheet and the
	// title say 2023年第一季度.
	lastPeriodGuide := fx.filled(t, "宝山镇", func(f *excelize.File) {
		f.DeleteSheet(templates.SheetID)
		f.SetCustomProps(excelize.CustomProperty{Name: templates.PropPrefix + templates.KeyUnit, Value: ""})
		f.SetCellValue(templates.SheetGuide, "A1", fx.plan.Title+"\n2023年第一季度任务进展报送表")
		f.SetCellValue(templates.SheetGuide, "B3", "2023年第一季度（2023-01-01 至 2023-03-31）")
		f.SetDocProps(&excelize.DocProperties{Title: "宝山镇 2023年第一季度任务进展报送表"})
	})
	otherUnitGuide := fx.filled(t, "宝山镇", func(f *excelize.File) {
		f.DeleteSheet(templates.SheetID)
		f.SetCustomProps(excelize.CustomProperty{Name: templates.PropPrefix + templates.KeyUnit, Value: ""})
		f.SetCellValue(templates.SheetGuide, "B2", "雁栖镇")
		f.SetDocProps(&excelize.DocProperties{Title: "任务进展报送表"})
	})
	var baoshanMail, yanqiMail string
	for _, u := range fx.plan.Units {
		switch u.Name {
		case "宝山镇":
			baoshanMail = u.Email
		case "雁栖镇":
			yanqiMail = u.Email
		}
	}
	for _, tc := range []struct {
		name, file string
		data       []byte
		sender     string
		unit       string
		want       []plan.Rule
	}{
		{"empty", "a.xlsx", nil, "", "", []plan.Rule{RuleEmpty}},
		{"legacy xls", "a.xls", append(append([]byte{}, oleMagic...), make([]byte, 600)...), "", "", []plan.Rule{RuleLegacy}},
		{"csv", "宝山镇.csv", []byte("任务编号,完成状态\n1.1,已完成\n"), "", "宝山镇", []plan.Rule{RuleNotXLSX}},
		{"docx", "a.docx", docx, "", "", []plan.Rule{RuleNotXLSX}},
		{"truncated", "2023Q4_宝山镇_任务进展报送表.xlsx", good[:len(good)/2], "", "宝山镇", []plan.Rule{RuleCorrupt}},
		{"too large", "big.xlsx", bytes.Repeat([]byte("x"), 21<<20), "", "", []plan.Rule{RuleTooLarge}},
		{"zip bomb", "bomb.xlsx", bomb, "", "", nil}, // below the limit: it is then simply not a workbook excelize reads
		{"other period", "a.xlsx", otherPeriod, "", "宝山镇", nil},
		{"identity gone, name in file name", "宝山镇进展.xlsx", noIdentity, "", "宝山镇", []plan.Rule{RuleGuessed}},
		{"identity gone, unit on the instructions sheet", "进展.xlsx", noIdentity, "", "宝山镇", []plan.Rule{RuleGuessed}},
		{"identity gone, unit in the title", "进展.xlsx", noIdentityTitle, "", "宝山镇", []plan.Rule{RuleGuessed}},
		{"identity gone, sent from the unit's address", "进展.xlsx", noIdentityNoGuide, baoshanMail, "宝山镇", []plan.Rule{RuleGuessed}},
		{"identity gone, no name", "进展.xlsx", noIdentityNoGuide, "", "", []plan.Rule{RuleNoIdentity}},
		{"identity gone, file name of last period", "2023Q1_宝山镇_任务进展报送表.xlsx", noIdentity, "", "宝山镇", []plan.Rule{RuleGuessed, RuleOtherPeriod}},
		{"identity gone, instructions and title of last period", "宝山镇.xlsx", lastPeriodGuide, "", "宝山镇", []plan.Rule{RuleGuessed, RuleOtherPeriod, RuleOtherPeriod}},
		{"identity gone, file name and instructions name two units", "宝山镇.xlsx", otherUnitGuide, "", "宝山镇", []plan.Rule{RuleGuessed, RuleUnitConflict}},
		{"identity gone, sent from another unit's address", "宝山镇.xlsx", noIdentityNoGuide, yanqiMail, "宝山镇", []plan.Rule{RuleGuessed, RuleOtherSender}},
		{"identity gone, this period in the file name, a date too", "2023Q2_宝山镇_2024-01-05.xlsx", noIdentity, "", "宝山镇", []plan.Rule{RuleGuessed}},
		{"unreadable, sent from the unit's address", "附件1.xlsx", good[:len(good)/2], baoshanMail, "宝山镇", []plan.Rule{RuleCorrupt}},
		{"sent by another unit", "2023Q4_宝山镇_任务进展报送表.xlsx", good, "unit0@example.gov.cn", "宝山镇", []plan.Rule{RuleOtherSender}},
		{"file name names another unit", "2023Q4_雁栖镇_任务进展报送表.xlsx", good, "", "宝山镇", []plan.Rule{RuleOtherFileName}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := fx.ctx.Check(tc.file, tc.data, tc.sender)
			var rules []plan.Rule
			for _, f := range r.Findings {
				if f.Rule != RuleFillerMissing {
					rules = append(rules, f.Rule)
				}
			}
			if tc.want != nil && fmt.Sprint(rules) != fmt.Sprint(tc.want) {
				t.Errorf("rules %v, want %v\n%s", rules, tc.want, strings.Join(findingLines(r), "\n"))
			}
			if r.Unit != tc.unit {
				t.Errorf("unit %q, want %q", r.Unit, tc.unit)
			}
		})
	}
	// The messages say which signal named what.
	r := fx.ctx.Check("2023Q1_宝山镇_任务进展报送表.xlsx", noIdentity, "")
	if f := r.Findings[1]; f.Message != "文件名“2023Q1_宝山镇_任务进展报送表.xlsx”写的是2023年第一季度，不是本次（2023年第二季度）的报送表" || f.Gist != "文件名写的是2023年第一季度" {
		t.Errorf("another period named: %q (gist %q)", f.Message, f.Gist)
	}
	if r := fx.ctx.Check("宝山镇.xlsx", otherUnitGuide, ""); r.Findings[1].Message != "「填报说明」B2写的是“雁栖镇”，而文件名“宝山镇.xlsx”写的是“宝山镇”" {
		t.Errorf("two units named: %q", r.Findings[1].Message)
	}
	if r := fx.ctx.Check("进展.xlsx", noIdentityNoGuide, baoshanMail); r.Identified != BySender || r.Findings[0].Gist != "按发件邮箱识别" {
		t.Errorf("by the sender: %q %q", r.Identified, r.Findings[0].Gist)
	}
	if r := fx.ctx.Unreadable("宝山镇报送.rar", "", "x 是 rar 压缩文件，无法读取", "请改用 zip 格式压缩"); r.Unit != "宝山镇" || r.Identified != ByFileName || r.Accepted() || r.Findings[0].Unit != "宝山镇" {
		t.Errorf("an unreadable attachment named for its unit: %q %q %v", r.Unit, r.Identified, findingLines(r))
	}
	if r := fx.ctx.Unreadable("ATT00001.bin", baoshanMail, "x 无法读取", "请重新发送"); r.Unit != "宝山镇" || r.Identified != BySender {
		t.Errorf("an unreadable attachment from the unit's address: %q %q", r.Unit, r.Identified)
	}
	// Another period's template: identified, and rejected for being another period's.
	r = fx.ctx.Check("a.xlsx", otherPeriod, "")
	if !hasRule(r, RuleOtherPeriod) || r.Accepted() {
		t.Errorf("another period's template: %v", findingLines(r))
	}
	// A zip bomb over the limit is refused before it is expanded.
	ctx := *fx.ctx
	ctx.Limits.MaxUnzippedBytes = 1 << 19
	if r := ctx.Check("bomb.xlsx", bomb, ""); !hasRule(r, RuleZipBomb) {
		t.Errorf("zip bomb: %v", findingLines(r))
	}
}

func hasRule(r *Report, rule plan.Rule) bool {
	for _, f := range r.Findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// TestEveryTemplateFilledIsAccepted fills every unit's template correctly: all are accepted.
func TestEveryTemplateFilledIsAccepted(t *testing.T) {
	fx := newFixture(t)
	for unit := range fx.issued {
		r := fx.ctx.Check(filepath.Base(fx.issued[unit]), fx.filled(t, unit, nil), "")
		if !r.Accepted() || r.Unit != unit || len(r.Entries) != len(fx.ctx.Template(unit).Rows) {
			t.Errorf("%s: unit %q accepted %v entries %d\n%s", unit, r.Unit, r.Accepted(), len(r.Entries), strings.Join(findingLines(r), "\n"))
		}
	}
}

// TestIdentityRules covers a returned template that no longer matches the ledger: another
// plan version, a unit renamed in the registry, a unit now reporting through another, an
// unknown template version; and a progress text copied from last period.
func TestIdentityRules(t *testing.T) {
	fx := newFixture(t)
	good := fx.filled(t, "宝山镇", nil)
	name := "2023Q2_宝山镇_任务进展报送表.xlsx"
	ctxWith := func(edit func(p *plan.Plan)) *Context {
		p, err := plan.ParseReference()
		if err != nil {
			t.Fatal(err)
		}
		edit(p)
		return NewContext(p, q, nil)
	}
	for _, tc := range []struct {
		name string
		ctx  *Context
		data []byte
		want plan.Rule
	}{
		{"plan changed since the template was issued", ctxWith(func(p *plan.Plan) { p.Tasks[0].Text += "（已调整）" }), good, RuleOtherPlan},
		{"unit renamed in the registry", ctxWith(func(p *plan.Plan) {
			for i := range p.Units {
				if p.Units[i].Name == "宝山镇" {
					p.Units[i].Name = "宝山镇人民政府"
				}
			}
		}), good, RuleUnknownUnit},
		{"unit now reports through another", ctxWith(func(p *plan.Plan) {
			for i := range p.Units {
				if p.Units[i].Name == "宝山镇" {
					p.Units[i].ReportsThrough = "区司法局"
				}
			}
		}), good, RuleNotReporting},
		{"unknown template version", fx.ctx, fx.filled(t, "宝山镇", func(f *excelize.File) {
			rows, _ := f.GetRows(templates.SheetID)
			for i, r := range rows {
				if len(r) > 0 && r[0] == templates.KeyVersion {
					f.SetCellValue(templates.SheetID, fmt.Sprintf("B%d", i+1), "99")
				}
			}
		}), RuleVersion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.ctx.Check(name, tc.data, "")
			if !hasRule(r, tc.want) || r.Accepted() {
				t.Errorf("want a %s error:\n%s", tc.want, strings.Join(findingLines(r), "\n"))
			}
		})
	}

	// The same progress text as last period: a warning on that cell.
	tpl := fx.ctx.Template("宝山镇")
	first := tpl.Rows[0].TaskID
	prev := map[string]templates.Previous{"宝山镇": {first: {Status: templates.StatusOnTrack, Progress: "本期围绕任务 " + first + " 开展了专项工作。"}}}
	ctx := NewContext(fx.plan, q, prev)
	r := ctx.Check(name, good, "")
	if !hasRule(r, RuleUnchanged) || !r.Accepted() {
		t.Errorf("want a %s warning, accepted:\n%s", RuleUnchanged, strings.Join(findingLines(r), "\n"))
	}
}

// TestLockedAsIssued: a unit's locked cells are checked against the template as issued (its
// identification's checksums), not as the ledger makes it now. After the office puts the
// unit into a group that leads one of its tasks, its 本单位职责 there reads differently; a
// workbook the unit did not touch there passes, one whose task text it edited does not.
func TestLockedAsIssued(t *testing.T) {
	fx := newFixture(t)
	const unit = "宝山镇"
	p := *fx.plan
	p.Groups = append([]plan.Group(nil), fx.plan.Groups...)
	// A task of the unit's whose lead is a group the unit is not in.
	changed, taskID := -1, ""
	tpl := fx.ctx.Template(unit)
	for _, row := range tpl.Rows {
		task := fx.plan.Task(row.TaskID)
		for _, lead := range task.Lead {
			for gi, g := range p.Groups {
				if g.Name == lead && !strings.Contains(row.Duty, "牵头") {
					changed, taskID = gi, row.TaskID
				}
			}
		}
		if changed >= 0 {
			break
		}
	}
	if changed < 0 {
		t.Fatal("no task of 宝山镇 is led by a group: the fixture changed")
	}
	p.Groups[changed].Members = append(append([]string(nil), p.Groups[changed].Members...), unit)
	now := NewContext(&p, q, nil)
	before, after := "", ""
	for _, row := range tpl.Rows {
		if row.TaskID == taskID {
			before = row.Duty
		}
	}
	for _, row := range now.Template(unit).Rows {
		if row.TaskID == taskID {
			after = row.Duty
		}
	}
	if before == after {
		t.Fatalf("task %s: 本单位职责 %q did not change with the group", taskID, before)
	}

	r := now.Check(unit+".xlsx", fx.filled(t, unit, nil), "")
	for _, f := range r.Findings {
		if f.Rule == RuleLockedEdited {
			t.Errorf("the unit changed nothing, yet: %s", f.String())
		}
	}
	edited := now.Check(unit+".xlsx", fx.filled(t, unit, set(map[string]any{"C2": "改过的任务内容"})), "")
	found := false
	for _, f := range edited.Findings {
		found = found || f.Rule == RuleLockedEdited && f.Cell == "C2"
	}
	if !found {
		t.Errorf("an edited task text was not found: %v", findingLines(edited))
	}
}

// TestNoteRow: a note row is kept with the task above it, in the report and in that task's
// entry, and its warning quotes it; the rows around it are read as they are.
func TestNoteRow(t *testing.T) {
	fx := newFixture(t)
	tpl := fx.ctx.Template("宝山镇")
	note := "备注：第二项任务的经费已于12月落实，相关材料另行报送，请办公室查收。此项工作与区司法局共同推进，预计明年一季度完成验收。"
	data := fx.filled(t, "宝山镇", func(f *excelize.File) {
		f.InsertRows(templates.SheetTasks, 4, 2)
		f.SetCellValue(templates.SheetTasks, "A4", note)
		f.SetCellValue(templates.SheetTasks, "C5", "（续）")
	})
	r := fx.ctx.Check("2023Q2_宝山镇_任务进展报送表.xlsx", data, "")
	if !r.Accepted() || len(r.Entries) != len(tpl.Rows) {
		t.Fatalf("accepted %v, %d entries\n%s", r.Accepted(), len(r.Entries), strings.Join(findingLines(r), "\n"))
	}
	task := tpl.Rows[1].TaskID
	want := []Note{{Task: task, Row: 4, Text: note}, {Task: task, Row: 5, Text: "（续）"}}
	if fmt.Sprint(r.Notes) != fmt.Sprint(want) {
		t.Errorf("notes %+v, want %+v", r.Notes, want)
	}
	if e := r.Entries[1]; e.Task != task || e.Note != note+"\n（续）" || e.Row != 3 {
		t.Errorf("entry %+v", e)
	}
	if e := r.Entries[2]; e.Task != tpl.Rows[2].TaskID || e.Row != 6 || e.Note != "" {
		t.Errorf("the task below: %+v", e)
	}
	if f := r.Findings[0]; f.Task != task || f.Gist != "第 4 行为备注" ||
		f.Message != "第 4 行没有任务编号，已作为任务 "+task+" 的备注接收：“"+string([]rune(note)[:60])+"…”" {
		t.Errorf("finding %+v", f)
	}
}

// TestFillDate: the 填报日期 in the forms units type it.
func TestFillDate(t *testing.T) {
	for in, want := range map[string]string{
		"2024-01-05": "2024-01-05", "2024.1.5": "2024-01-05", "2024/1/5": "2024-01-05", "2024年1月5日": "2024-01-05",
		" 2024 年 1 月 5 日 ": "2024-01-05", "２０２４年１月５日": "2024-01-05", "45296": "2024-01-05", "45296.4375": "2024-01-05",
		"2024-01-05 10:30": "2024-01-05", "2024年1月5日 上午": "2024-01-05", "一月五日": "一月五日", "": "",
	} {
		if got := fillDate(in); got != want {
			t.Errorf("fillDate(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestODSFile: an .ods is held to what an .xlsx is: one saved with a password, one that
// expands beyond the bounds, and an OpenDocument text are refused, each saying so.
func TestODSFile(t *testing.T) {
	fx := newFixture(t)
	ods := func(parts map[string]string) []byte {
		files := map[string]string{"mimetype": xlsx.ODS, "META-INF/manifest.xml": `<manifest:manifest/>`,
			"content.xml": `<office:document-content><office:body><office:spreadsheet><table:table table:name="S"/></office:spreadsheet></office:body></office:document-content>`}
		for k, v := range parts {
			files[k] = v
		}
		return xlsxtest.Zip(files)
	}
	bomb := `<office:document-content><office:body><office:spreadsheet><table:table table:name="任务进展"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="50" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>`
	for _, c := range []struct {
		name string
		data []byte
		rule plan.Rule
		text string
	}{
		{"encrypted", ods(map[string]string{"META-INF/manifest.xml": `<manifest:manifest><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>`}), RuleEncrypted, "取消密码"},
		{"repeated cells", ods(map[string]string{"content.xml": bomb}), RuleZipBomb, "单元格过多"},
		{"a text document", ods(map[string]string{"mimetype": "application/vnd.oasis.opendocument.text"}), RuleNotXLSX, "文字文档"},
		{"no identification, unit in the name", ods(nil), RuleGuessed, "按文件名"},
	} {
		r := fx.ctx.Check("2023Q2_宝山镇_任务进展报送表.ods", c.data, "")
		if len(r.Findings) == 0 || r.Findings[0].Rule != c.rule || !strings.Contains(r.Findings[0].Message+r.Findings[0].Hint, c.text) || r.Unit != "宝山镇" {
			t.Errorf("%s: unit %q\n%s", c.name, r.Unit, strings.Join(findingLines(r), "\n"))
		}
	}
}
