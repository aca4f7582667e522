package workspace

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"planreport/internal/atomicfile"
	"planreport/plan"
)

// PlanSource is the plan document to read: a file (.docx, .xlsx or text), or the built-in
// reference plan when File is "". Registry names units the plan does not list one by one
// (plan.LoadRegistry: a built-in name such as huairou, or a file).
type PlanSource struct {
	File     string
	Registry string
}

// maxPlanBytes bounds a plan document.
const maxPlanBytes = 64 << 20

// Read parses the plan document.
func (s PlanSource) Read() (*plan.Plan, error) {
	var p *plan.Plan
	var err error
	if s.File == "" {
		if p, err = plan.ParseReference(); err != nil {
			return nil, err
		}
	} else {
		data, err := readLimited(s.File, maxPlanBytes)
		if err != nil {
			return nil, err
		}
		if p, err = plan.Parse(s.File, data); err != nil {
			return nil, err
		}
	}
	if s.Registry != "" {
		r, err := plan.LoadRegistry(s.Registry)
		if err != nil {
			return nil, err
		}
		p.AddRegistry(r)
	}
	return p, nil
}

// InitResult is what Init made.
type InitResult struct {
	Plan     *plan.Plan
	Ledger   string
	Findings []plan.Finding
}

// Init makes a workspace: it reads the plan and writes its ledger. A workspace that has a
// ledger already is left as it is.
func (w *Workspace) Init(src PlanSource, program string) (*InitResult, error) {
	if _, err := os.Stat(w.ledger); err == nil {
		return nil, fmt.Errorf("%s 已存在，未做任何修改。要用新计划更新台账，请运行 planreport plan import 计划文件 -o %s", w.ledger, QuoteArg(w.ledger))
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("检查 %s：%w", w.ledger, err)
	}
	p, err := src.Read()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return nil, fmt.Errorf("创建工作目录 %s：%w", w.dir, err)
	}
	l, err := w.Lock(program, "创建工作目录")
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	if err := p.WriteLedger(w.ledger); err != nil {
		return nil, err
	}
	return &InitResult{Plan: p, Ledger: w.ledger, Findings: p.Check()}, nil
}

// ImportResult is what ImportPlan did, or would do (PreviewImport).
type ImportResult struct {
	Plan     *plan.Plan
	Ledger   string
	Existed  bool   // the ledger was there before
	Kept     int    // rows of the office's unit and group edits kept
	Added    int    // units and groups added to them
	Backup   string // where the old ledger was kept (Force)
	Findings []plan.Finding
	Changes  TaskChanges // the tasks the import adds, removes and rewords, against the ledger there before
}

// TaskChanges are how a re-imported plan's tasks differ from the ledger's, by task number.
type TaskChanges struct {
	Before            int      // tasks in the ledger before
	New, Gone, Edited []string // task numbers added, removed, and whose text, units or deadline changed
}

// ImportPlan reads a plan document into the workspace's ledger. An existing ledger keeps the
// office's unit and group edits, and gets the new tasks and new units and groups; with force
// it is rebuilt from the plan, and the old one is kept beside it (BackupName).
func (w *Workspace) ImportPlan(src PlanSource, force bool, program string) (*ImportResult, error) {
	p, err := src.Read()
	if err != nil {
		return nil, err
	}
	l, err := w.Lock(program, "导入行动计划")
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	atomicfile.RemoveLeftoversOf(w.ledger)
	res, old, err := w.mergeImport(p, force)
	if err != nil {
		return nil, err
	}
	out := w.ledger
	switch {
	case res.Existed && force:
		res.Backup = BackupName(out)
		data, err := os.ReadFile(out)
		if err == nil {
			err = atomicfile.WriteBytes(res.Backup, data)
		}
		if err != nil {
			return nil, fmt.Errorf("备份原台账：%w", err)
		}
		if err := p.WriteLedger(out); err != nil {
			return nil, err
		}
	case res.Existed:
		newUnits, newGroups := p.Units[len(old.Units):], p.Groups[len(old.Groups):]
		if err := p.UpdateLedger(out, true, newUnits, newGroups); err != nil {
			return nil, err
		}
	default:
		if err := p.WriteLedger(out); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// PreviewImport reads a plan document and says what ImportPlan (without force) would make of
// it, writing nothing: the tasks added, removed and changed, the office's edits kept, the
// findings. It reads only.
func (w *Workspace) PreviewImport(src PlanSource) (*ImportResult, error) {
	p, err := src.Read()
	if err != nil {
		return nil, err
	}
	res, _, err := w.mergeImport(p, false)
	return res, err
}

// mergeImport merges a plan read from a document with the ledger there (keeping the office's
// edits, unless force), in memory: what ImportPlan writes and PreviewImport shows. old is the
// ledger there before, or nil.
func (w *Workspace) mergeImport(p *plan.Plan, force bool) (res *ImportResult, old *plan.Plan, err error) {
	res = &ImportResult{Plan: p, Ledger: w.ledger}
	_, statErr := os.Stat(w.ledger)
	res.Existed = statErr == nil
	if res.Existed {
		old, err = plan.ReadLedger(w.ledger)
		if err != nil && !force {
			return nil, nil, fmt.Errorf("%w\n现有台账无法读取，未做任何修改。如要按新计划重建台账，请加 --force（原台账会另存为 %s）", err, BackupName(w.ledger))
		}
	}
	if old != nil {
		res.Changes = compareTasks(old, p)
		if !force {
			res.Kept, res.Added = p.KeepOfficeEdits(old)
		}
	}
	res.Findings = p.Check()
	return res, old, nil
}

// compareTasks lists how the new plan's tasks differ from the old ledger's.
func compareTasks(old, p *plan.Plan) TaskChanges {
	c := TaskChanges{Before: len(old.Tasks)}
	key := func(t *plan.Task) string {
		return strings.Join([]string{t.Text, strings.Join(t.Lead, "、"), strings.Join(t.Responsible, "、"), t.Deadline.Text}, "\x00")
	}
	for i := range p.Tasks {
		t := &p.Tasks[i]
		switch o := old.Task(t.ID); {
		case o == nil:
			c.New = append(c.New, t.ID)
		case key(o) != key(t):
			c.Edited = append(c.Edited, t.ID)
		}
	}
	for i := range old.Tasks {
		if p.Task(old.Tasks[i].ID) == nil {
			c.Gone = append(c.Gone, old.Tasks[i].ID)
		}
	}
	return c
}

// BackupName is where plan import --force keeps the old ledger.
func BackupName(path string) string {
	return strings.TrimSuffix(path, ".xlsx") + ".bak.xlsx"
}

// CheckResult is what CheckPlan found.
type CheckResult struct {
	Plan     *plan.Plan
	Ledger   string
	Findings []plan.Finding
}

// CheckPlan reads the ledger, with the notices of its import, and checks it: plan.Check, and
// whether the 分工 sheet still matches the tasks, units and groups. It reads only.
func (w *Workspace) CheckPlan() (*CheckResult, error) {
	p, err := w.ReadPlan()
	if err != nil {
		return nil, err
	}
	if p.Notices, err = plan.ReadLedgerNotices(w.ledger); err != nil {
		return nil, err
	}
	findings := p.Check()
	if saved, err := plan.ReadLedgerAssignments(w.ledger); err == nil && !sameAssignments(saved, p.Assignments()) {
		findings = append(findings, plan.Finding{Severity: plan.RuleAssignmentsStale.Severity(), Rule: plan.RuleAssignmentsStale,
			Sheet: plan.SheetAssignments, Cell: "A1", Message: "「分工」表与当前的任务、单位表、分组表不一致",
			Hint: "运行 planreport plan refresh " + QuoteArg(w.ledger) + " 重新生成「分工」表"})
	}
	return &CheckResult{Plan: p, Ledger: w.ledger, Findings: findings}, nil
}

// RefreshPlan rewrites the ledger's 分工 sheet from its tasks, units and groups; it returns
// the plan with its assignments.
func (w *Workspace) RefreshPlan(program string) (*plan.Plan, error) {
	p, err := w.ReadPlan()
	if err != nil {
		return nil, err
	}
	l, err := w.Lock(program, "刷新计划台账的分工表")
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	atomicfile.RemoveLeftoversOf(w.ledger)
	if err := p.UpdateLedger(w.ledger, false, nil, nil); err != nil {
		return nil, err
	}
	return p, nil
}

func sameAssignments(a []plan.Assignment, b []plan.Assignment) bool {
	key := func(x plan.Assignment) string { return x.Task + "\x00" + x.Unit + "\x00" + string(x.Role) }
	set := map[string]int{}
	for _, x := range a {
		set[key(x)]++
	}
	for _, x := range b {
		set[key(x)]--
	}
	for _, n := range set {
		if n != 0 {
			return false
		}
	}
	return true
}

// readLimited reads a file the user named, refusing one larger than limit.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("找不到文件 %s，请检查路径", path)
		}
		return nil, fmt.Errorf("无法打开 %s：%w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("读取 %s：%w", path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s 是文件夹，请指定计划文件", path)
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s 过大（%d MB），计划文件不应超过 %d MB", path, st.Size()>>20, limit>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("读取 %s：%w", path, err)
	}
	return data, nil
}

// SavePlan writes a plan as the workspace's whole ledger, replacing the one there: what the
// demo does after it fills in the office's registry.
func (w *Workspace) SavePlan(p *plan.Plan, program string) error {
	l, err := w.Lock(program, "写入计划台账")
	if err != nil {
		return err
	}
	defer l.Unlock()
	return p.WriteLedger(w.ledger)
}

// ReplaceResult is what ReplaceLedger did.
type ReplaceResult struct {
	*CheckResult
	Previous string // where the ledger it replaced was kept ("" when there was none)
}

// ReplaceLedger makes the workbook at path (a ledger the office edited in Excel and uploaded)
// the workspace's ledger, once it reads as one: the ledger it replaces is kept in UploadsDir
// under a name with the time, never removed. A workbook that does not read changes nothing.
func (w *Workspace) ReplaceLedger(path, program string) (*ReplaceResult, error) {
	if _, err := plan.ReadLedger(path); err != nil {
		return nil, fmt.Errorf("%w\n上传的文件不能作为计划台账，现有台账未做任何修改", err)
	}
	data, err := readLimited(path, maxPlanBytes)
	if err != nil {
		return nil, err
	}
	l, err := w.Lock(program, "替换计划台账")
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	res := &ReplaceResult{}
	if old, err := os.Open(w.ledger); err == nil {
		name := "plan_替换前_" + time.Now().Format("20060102-150405") + ".xlsx"
		res.Previous, err = w.SaveUpload(name, old)
		old.Close()
		if err != nil {
			return nil, fmt.Errorf("保留原台账：%w", err)
		}
	}
	atomicfile.RemoveLeftoversOf(w.ledger)
	if err := atomicfile.WriteBytes(w.ledger, data); err != nil {
		return nil, err
	}
	if res.CheckResult, err = w.CheckPlan(); err != nil {
		return nil, err
	}
	return res, nil
}
