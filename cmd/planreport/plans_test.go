package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"planreport/internal/hostile"
	"planreport/plan"
	"planreport/templates"
	"planreport/workspace"
)

// runErr runs planreport in-process and returns its output and error.
func runErr(args ...string) (stdout, stderr string, err error) {
	var out, errb bytes.Buffer
	err = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

// TestImportBrokenPlans: an empty file, a binary file and a plan with no unit brackets are
// refused with a Chinese message naming the file (exit code 1), and no ledger is written.
func TestImportBrokenPlans(t *testing.T) {
	dir := t.TempDir()
	rnd := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 4096)
	for i := range noise {
		noise[i] = byte(rnd.Uint32())
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"空.txt", nil, "文件为空"},
		{"噪声.bin", noise, "不是可识别的文本"},
		{"图片.docx", append([]byte("\x89PNG\r\n\x1a\n"), noise...), "不是可识别的文本"},
		{"坏压缩包.docx", append([]byte("PK\x03\x04"), noise...), "已损坏"},
		{"无括号.txt", []byte("2024年工作要点\n一、加强法治建设\n1.完善制度。\n1.1 健全规章。\n2.规范执法。\n"), "都没有注明单位的括号"},
	} {
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, tc.data, 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "plan.xlsx")
		_, _, err := runErr("plan", "import", path, "-o", out)
		if err == nil || exitCode(err, &bytes.Buffer{}) != 1 {
			t.Errorf("%s: err %v, want exit code 1", tc.name, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tc.name) || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: message %q does not name the file and say %q", tc.name, msg, tc.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: a ledger was written", tc.name)
		}
	}
}

const smallPlan = `测试区重点任务分工方案
一、主要任务
1.健全制度
1.1 建立联席会议制度。（牵头单位：区司法局；责任单位：区财政局；完成时限：2024年6月底前）
1.2 完善执法程序。（牵头单位：区财政局；责任单位：区司法局）
1.3 开展专项检查。（牵头单位：区司法局、区财政局；完成时限：长期坚持）
`

// TestPlanProblems: a bracket with no deadline is a warning; ids the office made duplicate in
// the ledger are errors naming sheet and cell; and templates are still issued.
func TestPlanProblems(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "方案.txt")
	os.WriteFile(src, []byte(smallPlan), 0o644)
	ws := filepath.Join(dir, "ws")
	runOK(t, "init", ws, "--plan", src)
	ledger := filepath.Join(ws, workspace.LedgerName)
	out, _, err := runErr("plan", "check", ledger)
	if err != nil || !strings.Contains(out, "「任务」表 H3：任务 1.2 没有完成时限") {
		t.Errorf("plan check: %v\n%s", err, out)
	}
	// The office types 1.1 over 1.2.
	f, err := excelize.OpenFile(ledger)
	if err != nil {
		t.Fatal(err)
	}
	f.SetCellValue(plan.SheetTasks, "A3", "1.1")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, _, err = runErr("plan", "check", ledger)
	if err == nil || !strings.Contains(out, "「任务」表 A3：任务编号“1.1”重复（另见第 2 行）") {
		t.Errorf("plan check on duplicate ids: %v\n%s", err, out)
	}
	_, stderr, err := runErr("templates", "-w", ws, "--period", "2024Q2")
	if err != nil || !strings.Contains(stderr, "计划台账有 1 个错误") {
		t.Errorf("templates: %v\n%s", err, stderr)
	}
}

// bigPlan is a plan of n tasks in groups of 100, each led by one of units units and assisted
// by the next, with deadlines of every kind.
func bigPlan(n, units int) []byte {
	var b strings.Builder
	b.WriteString("测试区二〇二四年重点工作任务分工方案\n一、重点任务\n")
	deadlines := []string{"2024年6月底前", "2024年12月31日前", "长期坚持", "每年12月底前", "2025年"}
	for i := 0; i < n; i++ {
		g, k := i/100+1, i%100+1
		if k == 1 {
			fmt.Fprintf(&b, "%d.第%d组任务\n", g, g)
		}
		fmt.Fprintf(&b, "%d.%d 推进第%d项重点工作，完善制度机制，加强督促检查，确保按期完成。（牵头单位：区测试%02d局；责任单位：区测试%02d局；完成时限：%s）\n",
			g, k, i+1, i%units+1, (i+1)%units+1, deadlines[i%len(deadlines)])
	}
	return []byte(b.String())
}

// TestTenThousandTasks imports a plan of 10,000 tasks and issues its templates: time and
// memory stay bounded.
func TestTenThousandTasks(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "方案.txt")
	if err := os.WriteFile(src, bigPlan(10000, 50), 0o644); err != nil {
		t.Fatal(err)
	}
	ws := filepath.Join(dir, "ws")
	os.MkdirAll(ws, 0o755)
	var out string
	u := hostile.Measure(func() { out = runOK(t, "plan", "import", src, "-o", filepath.Join(ws, workspace.LedgerName)) })
	t.Logf("plan import, 10,000 tasks: %v", u)
	if !strings.Contains(out, "10000 项任务") {
		t.Errorf("plan import: %s", out)
	}
	if u.Elapsed > 30*time.Second || u.Peak > 512<<20 {
		t.Errorf("plan import took %v, want at most 30 s and 512 MiB", u)
	}
	u = hostile.Measure(func() { out = runOK(t, "templates", "-w", ws, "--period", "2024Q2") })
	t.Logf("templates, 50 units × 400 tasks: %v", u)
	if !strings.Contains(out, "50 个单位") {
		t.Errorf("templates: %s", out)
	}
	if u.Elapsed > 60*time.Second || u.Peak > 512<<20 {
		t.Errorf("templates took %v, want at most 60 s and 512 MiB", u)
	}

	// One unit leading all 10,000 tasks: one template of 10,000 rows.
	if err := os.WriteFile(src, bigPlan(10000, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	runOK(t, "plan", "import", src, "-o", filepath.Join(ws, workspace.LedgerName), "--force")
	u = hostile.Measure(func() { out = runOK(t, "templates", "-w", ws, "--period", "2024Q3") })
	t.Logf("templates, 1 unit × 10,000 tasks: %v", u)
	if !strings.Contains(out, "1 个单位") || !strings.Contains(out, "10000 行任务") {
		t.Errorf("templates: %s", out)
	}
	if u.Elapsed > 60*time.Second || u.Peak > 512<<20 {
		t.Errorf("templates took %v, want at most 60 s and 512 MiB", u)
	}
}

// TestRegistryProblems: duplicate unit names, a unit that reports through itself and two that
// report through each other are errors of plan check; templates and collect still work, each
// unit getting one template and its workbook accepted, and never loop.
func TestRegistryProblems(t *testing.T) {
	ws, p := hardWorkspace(t, func(p *plan.Plan) {
		byName := map[string]int{}
		for i, u := range p.Units {
			byName[u.Name] = i
		}
		p.Units[byName["宝山镇"]].ReportsThrough = "宝山镇"
		p.Units[byName["区司法局"]].ReportsThrough = "区财政局"
		p.Units[byName["区财政局"]].ReportsThrough = "区司法局"
		dup := p.Units[byName["龙山街道"]]
		dup.Contact = "另一行"
		p.Units = append(p.Units, dup)
	})
	ledger := filepath.Join(ws, workspace.LedgerName)
	done := make(chan struct{})
	var checkErr error
	var checkOut string
	go func() {
		defer close(done)
		checkOut, _, checkErr = runErr("plan", "check", ledger)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("plan check did not finish")
	}
	for _, want := range []string{
		"单位名称或别名“龙山街道”重复出现",
		"单位“宝山镇”的报送关系形成循环：宝山镇 → 宝山镇",
		"单位“区司法局”的报送关系形成循环：区司法局 → 区财政局 → 区司法局",
	} {
		if checkErr == nil || !strings.Contains(checkOut, want) {
			t.Errorf("plan check does not say %q (err %v)", want, checkErr)
		}
	}
	// One template per unit name, the looping units each reporting for themselves.
	entries, _ := os.ReadDir(filepath.Join(ws, hardQ4.String(), "模板"))
	count := map[string]int{}
	for _, e := range entries {
		for _, u := range []string{"龙山街道", "宝山镇", "区司法局", "区财政局"} {
			if strings.Contains(e.Name(), "_"+u+"_") || strings.Contains(e.Name(), "_"+u+"(") {
				count[u]++
			}
		}
	}
	for _, u := range []string{"龙山街道", "宝山镇", "区司法局", "区财政局"} {
		if count[u] != 1 {
			t.Errorf("%d templates for %s, want 1", count[u], u)
		}
	}
	index, err := excelize.OpenFile(filepath.Join(ws, hardQ4.String(), "模板", templates.IndexName(hardQ4)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := index.GetRows("模板清单")
	index.Close()
	listed := 0
	for _, r := range rows {
		if len(r) > 1 && r[1] == "龙山街道" {
			listed++
		}
	}
	if listed != 1 {
		t.Errorf("the template index lists 龙山街道 %d times, want once", listed)
	}
	at := time.Date(2024, 1, 5, 10, 0, 0, 0, time.Local)
	for _, u := range []string{"龙山街道", "宝山镇", "区司法局", "区财政局"} {
		putInbox(t, ws, u+".xlsx", filledTemplate(t, ws, u, nil), at)
	}
	res := readCollectJSON(t, runOK(t, "collect", "-w", ws, "--period", hardQ4.String(), "--json"))
	for _, u := range []string{"龙山街道", "宝山镇", "区司法局", "区财政局"} {
		if !contains(res.AcceptedUnits, u) {
			t.Errorf("%s not accepted: %v (rejected %v)", u, res.AcceptedUnits, res.RejectedUnits)
		}
	}
	runOK(t, "status", "-w", ws, "--period", hardQ4.String())
	runOK(t, "report", "-w", ws, "--period", hardQ4.String(), "--date", "2024-01-15")
	_ = p
}

// TestDuplicateIDsInPlan: a plan that numbers two tasks alike by mistake is imported with the
// second told apart (1.1#2), the numbers otherwise as written, and plan check points it out.
func TestDuplicateIDsInPlan(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "方案.txt")
	os.WriteFile(src, []byte(`测试方案
一、主要任务
1.健全制度
1.1 建立联席会议制度。（牵头单位：区司法局；完成时限：2024年6月底前）
1.1 完善执法程序。（牵头单位：区财政局；完成时限：2024年6月底前）
1.2 开展专项检查。（牵头单位：区司法局；完成时限：2024年6月底前）
`), 0o644)
	ledger := filepath.Join(dir, workspace.LedgerName)
	runOK(t, "plan", "import", src, "-o", ledger)
	p, err := plan.ReadLedger(ledger)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, task := range p.Tasks {
		ids = append(ids, task.ID)
	}
	if got := strings.Join(ids, " "); got != "1.1 1.1#2 1.2" {
		t.Errorf("ids %s, want 1.1 1.1#2 1.2", got)
	}
	out, _, _ := runErr("plan", "check", ledger)
	if !strings.Contains(out, "「任务」表 A3：计划中有多项任务编号为“1.1”，导入时把这一项编为“1.1#2”以示区分") {
		t.Errorf("plan check does not point out the duplicate:\n%s", out)
	}
}
