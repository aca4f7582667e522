package plan

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// checkBase is a small plan with nothing to report: two tasks, three units, one group that
// expands by category.
func checkBase() *Plan {
	return &Plan{
		Title:  "测试计划",
		Office: Office{Name: "区委依法治区办", Phone: "010-69600000"},
		Tasks: []Task{
			{ID: "1.1", Text: "任务一", Lead: []string{"区司法局"}, Responsible: []string{"区财政局"}, Deadline: ParseDeadline("2023年")},
			{ID: "1.2", Text: "任务二", Lead: []string{"区财政局"}, Responsible: []string{"各镇乡"}, Deadline: ParseDeadline("长期坚持")},
		},
		Units: []Unit{
			{Name: "区司法局", Category: CatGovDept, Email: "sfj@bjhr.gov.cn"},
			{Name: "区财政局", Category: CatGovDept},
			{Name: "怀柔镇", Category: CatTown},
		},
		Groups: []Group{{Name: "各镇乡", Categories: []string{CatTown, CatTownship}}},
	}
}

type want struct {
	sev   Severity
	rule  Rule
	sheet string
	cell  string
	text  string // in the message or the hint
}

func (w want) String() string { return fmt.Sprintf("%s %s「%s」%s", w.sev, w.rule, w.sheet, w.cell) }

func TestCheckBaseIsClean(t *testing.T) {
	if fs := checkBase().Check(); len(fs) != 0 {
		t.Fatalf("the base plan has findings: %+v", fs)
	}
}

func TestCheck(t *testing.T) {
	E, W := Error, Warning
	tests := []struct {
		name   string
		change func(p *Plan)
		want   []want
	}{
		{"duplicate id", func(p *Plan) { p.Tasks[1].ID = "1.1" },
			[]want{{E, RuleDuplicateID, SheetTasks, "A3", "另见第 2 行"}}},
		{"no office", func(p *Plan) { p.Office = Office{Name: "区委依法治区办"} },
			[]want{{W, RuleOfficeMissing, SheetInfo, "B7", "请在「计划」表填写报送办公室"}}},
		{"no lead", func(p *Plan) { p.Tasks[0].Lead = nil },
			[]want{
				{E, RuleNoLead, SheetTasks, "F2", "任务 1.1 没有牵头单位"},
				{W, RuleUnitNoTask, SheetUnits, "A2", "区司法局"},
			}},
		{"unknown unit suggests the nearest", func(p *Plan) { p.Tasks[0].Responsible = []string{"区财务局"} },
			[]want{{E, RuleUnknownUnit, SheetTasks, "G2", "是否应为“区财政局”"}}},
		{"unknown lead", func(p *Plan) { p.Tasks[1].Lead = []string{"区 财政局局"} },
			[]want{
				{E, RuleUnknownUnit, SheetTasks, "F3", "是否应为“区财政局”"},
				{E, RuleLeadUnresolved, SheetTasks, "F3", "无人牵头"},
			}},
		{"unknown unit far from any", func(p *Plan) { p.Tasks[0].Responsible = []string{"北京市第一中级人民法院"} },
			[]want{{E, RuleUnknownUnit, SheetTasks, "G2", "请在「单位」表添加该单位"}}},
		{"unnamed group", func(p *Plan) {
			p.Groups = append(p.Groups, Group{Name: "区政府有关部门"})
			p.Tasks[0].Responsible = append(p.Tasks[0].Responsible, "区政府有关部门")
		}, []want{{W, RuleGroupUnnamed, SheetGroups, "C3", "涉及任务 1.1"}}},
		{"lead only through an unnamed group", func(p *Plan) {
			p.Groups = append(p.Groups, Group{Name: "各行业审批监管单位"})
			p.Tasks[0].Lead = []string{"各行业审批监管单位"}
		}, []want{
			{W, RuleGroupUnnamed, SheetGroups, "C3", "各行业审批监管单位"},
			{E, RuleLeadUnresolved, SheetTasks, "F2", "任务 1.1"},
			{W, RuleUnitNoTask, SheetUnits, "A2", "区司法局"},
		}},
		{"group with an unknown member", func(p *Plan) {
			p.Groups = append(p.Groups, Group{Name: "区政府有关部门", Members: []string{"区财政局", "区审计所"}})
			p.Tasks[0].Responsible = append(p.Tasks[0].Responsible, "区政府有关部门")
		}, []want{{E, RuleGroupMember, SheetGroups, "C3", "区审计所"}}},
		{"category group that expands to nothing", func(p *Plan) { p.Units = p.Units[:2] },
			[]want{{W, RuleGroupEmpty, SheetGroups, "B2", "涉及任务 1.2"}}},
		{"group with an unknown category", func(p *Plan) { p.Groups[0].Categories = append(p.Groups[0].Categories, "村") },
			[]want{{E, RuleGroupCategory, SheetGroups, "B2", "“村”"}}},
		{"unknown deadline text", func(p *Plan) { p.Tasks[0].Deadline = ParseDeadline("视情况而定") },
			[]want{{W, RuleUnknownDeadline, SheetTasks, "H2", "视情况而定"}}},
		{"no deadline", func(p *Plan) { p.Tasks[0].Deadline = ParseDeadline("") },
			[]want{{W, RuleNoDeadline, SheetTasks, "H2", "任务 1.1"}}},
		{"unit with no task", func(p *Plan) { p.Units = append(p.Units, Unit{Name: "区审计局", Category: CatGovDept}) },
			[]want{{W, RuleUnitNoTask, SheetUnits, "A5", "区审计局"}}},
		{"duplicate unit", func(p *Plan) { p.Units = append(p.Units, Unit{Name: "区司法局", Category: CatGovDept}) },
			[]want{{E, RuleUnitDuplicate, SheetUnits, "A5", "另见第 2 行"}}},
		{"alias of another unit", func(p *Plan) { p.Units[1].Aliases = []string{"区司法局"} },
			[]want{{E, RuleUnitDuplicate, SheetUnits, "A3", "区司法局"}}},
		{"unit and group of one name", func(p *Plan) { p.Units = append(p.Units, Unit{Name: "各镇乡", Category: CatOther}) },
			// The unit wins, so the group's towns lose their task.
			[]want{
				{E, RuleGroupUnitConflict, SheetUnits, "A5", "各镇乡"},
				{W, RuleUnitNoTask, SheetUnits, "A4", "怀柔镇"},
			}},
		{"unit without category", func(p *Plan) { p.Units[1].Category = "" },
			[]want{{W, RuleUnitCategory, SheetUnits, "B3", "区财政局"}}},
		{"reports through an unknown unit", func(p *Plan) { p.Units[0].ReportsThrough = "区委依法治区办" },
			[]want{{E, RuleReportsThrough, SheetUnits, "D2", "区委依法治区办"}}},
		{"reports-through cycle", func(p *Plan) {
			p.Units[0].ReportsThrough = "区财政局"
			p.Units[1].ReportsThrough = "区司法局"
		}, []want{
			{E, RuleReportsCycle, SheetUnits, "D2", "区司法局 → 区财政局 → 区司法局"},
			{E, RuleReportsCycle, SheetUnits, "D3", "区财政局 → 区司法局 → 区财政局"},
		}},
		{"reports through itself", func(p *Plan) { p.Units[1].ReportsThrough = "区财政局" },
			[]want{{E, RuleReportsCycle, SheetUnits, "D3", "区财政局 → 区财政局"}}},
		{"bad email", func(p *Plan) { p.Units[0].Email = "sfj#bjhr.gov.cn" },
			[]want{{W, RuleEmail, SheetUnits, "G2", "sfj#bjhr.gov.cn"}}},
		{"two emails in one cell", func(p *Plan) { p.Units[0].Email = "a@bjhr.gov.cn，b@bjhr.gov.cn" },
			[]want{{W, RuleEmail, SheetUnits, "G2", "格式不正确"}}},
		{"no tasks", func(p *Plan) { p.Tasks = nil },
			[]want{
				{E, RuleNoTasks, SheetTasks, "A2", "没有任何任务"},
				{W, RuleUnitNoTask, SheetUnits, "A2", "区司法局"},
				{W, RuleUnitNoTask, SheetUnits, "A3", "区财政局"},
				{W, RuleUnitNoTask, SheetUnits, "A4", "怀柔镇"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := checkBase()
			tt.change(p)
			assertFindings(t, p.Check(), tt.want)
		})
	}
}

func assertFindings(t *testing.T, got []Finding, wants []want) {
	t.Helper()
	used := make([]bool, len(got))
	for _, w := range wants {
		i := slices.IndexFunc(got, func(f Finding) bool {
			return f.Rule == w.rule && f.Sheet == w.sheet && f.Cell == w.cell
		})
		if i < 0 || used[i] {
			t.Errorf("missing finding %v", w)
			continue
		}
		used[i] = true
		f := got[i]
		if f.Severity != w.sev {
			t.Errorf("%v: severity %s", w, f.Severity)
		}
		if !strings.Contains(f.Message+"\n"+f.Hint, w.text) {
			t.Errorf("%v: neither message %q nor hint %q contains %q", w, f.Message, f.Hint, w.text)
		}
		if !han.MatchString(f.Message) || !han.MatchString(f.Hint) {
			t.Errorf("%v: message %q or hint %q is not in Chinese", w, f.Message, f.Hint)
		}
		if f.Sheet == SheetTasks && f.Rule != RuleNoTasks && f.Task == "" {
			t.Errorf("%v: no task id", w)
		}
	}
	for i, f := range got {
		if !used[i] {
			t.Errorf("unexpected finding %s %s「%s」%s: %s", f.Severity, f.Rule, f.Sheet, f.Cell, f.Message)
		}
	}
	wantErrors := slices.ContainsFunc(wants, func(w want) bool { return w.sev == Error })
	if (CountErrors(got) > 0) != wantErrors {
		t.Errorf("CountErrors() = %d, want errors: %v", CountErrors(got), wantErrors)
	}
}

// TestCheckCellsFromLedger: for a plan read from a ledger, findings name the rows the office
// sees, even when it has inserted rows.
func TestCheckCellsFromLedger(t *testing.T) {
	p := checkBase()
	p.Tasks[1].ID = "1.1"
	p.Units = append(p.Units, Unit{Name: "区审计局", Category: CatGovDept})
	path := filepath.Join(t.TempDir(), "plan.xlsx")
	if err := p.WriteLedger(path); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{SheetTasks, SheetUnits} {
		if err := f.InsertRows(s, 2, 2); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	q, err := ReadLedger(path)
	if err != nil {
		t.Fatal(err)
	}
	assertFindings(t, q.Check(), []want{
		{Error, RuleDuplicateID, SheetTasks, "A5", "另见第 4 行"},
		{Warning, RuleUnitNoTask, SheetUnits, "A7", "区审计局"},
	})
}
