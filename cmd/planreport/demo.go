package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"planreport/demo"
	"planreport/plan"
	"planreport/workspace"
)

const demoUsage = `用法：planreport demo [目录]

用内置的参考计划演示完整的报送周期（默认目录 ./planreport-demo）：
  1. 创建工作目录，导入计划，填入演示用的报送办公室、单位联系人和分组成员；
  2. 2023 年第三季度：生成模板，各单位填报交回（多数按时，个别逾期、填错或未报），收集检查；
  3. 2023 年第四季度：同上，模板中带出上期状态，填错的单位修改后重新报送；
  4. 显示报送情况，汇总出具第四季度的 PDF 报告和汇总表，并打印各项输出文件的位置。
目录中由演示生成的内容（plan.xlsx、2023Q3、2023Q4）会先被清除，其他文件不受影响；
目录中已有不是演示生成的计划台账时，演示不做任何改动。
`

var demoPeriods = []string{"2023Q3", "2023Q4"}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", demoUsage, stdout)
	units := fs.Int("units", 0, "为规模测试加入虚构的镇，使报送单位达到这个数目（0 表示只用计划中的单位）")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("demo：只能指定一个目录")
	}
	dir := "planreport-demo"
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	w := workspace.Open(dir)
	if err := clearDemo(w); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "== 1. 创建工作目录 %s，导入内置计划\n", absDir(w.Dir()))
	p, err := demo.Create(w, *units, program)
	if err != nil {
		return err
	}
	errs, warns := countFindings(p.Check())
	fmt.Fprintf(stdout, "计划台账 %s：%d 项任务，%d 个单位；检查：%d 个错误，%d 个提醒。\n", w.Ledger(), len(p.Tasks), len(p.Units), errs, warns)

	for i, code := range demoPeriods {
		period, _ := plan.ParsePeriod(code)
		due := period.End().AddDate(0, 0, 8).Format("2006-01-02")
		fmt.Fprintf(stdout, "== %d. %s：生成模板、单位填报、收集检查\n", i+2, period.Chinese())
		if err := runTemplates(ctx, []string{"-w", w.Dir(), "--period", code, "--due", due, "--eml"}, io.Discard, stderr); err != nil {
			return err
		}
		issued := w.IssuedTemplates(p, period)
		sent, err := demo.Fill(p, period, due, issued, w.InboxDir(period), false)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "模板 %d 份（%s），单位交回 %d 份文件。\n", len(issued), w.TemplatesDir(period), sent)
		if err := runCollect(ctx, []string{"-w", w.Dir(), "--period", code, "--eml"}, io.Discard, stderr); err != nil {
			return err
		}
	}
	last := demoPeriods[len(demoPeriods)-1]
	fmt.Fprintf(stdout, "== %d. 报送情况\n", len(demoPeriods)+2)
	if err := runStatus(ctx, []string{"-w", w.Dir(), "--period", last, "--eml"}, stdout, stderr); err != nil {
		return err
	}
	period, _ := plan.ParsePeriod(last)
	fmt.Fprintf(stdout, "== %d. 汇总出具报告\n", len(demoPeriods)+3)
	if err := runReport(ctx, []string{"-w", w.Dir(), "--period", last, "--date", period.End().AddDate(0, 0, 15).Format("2006-01-02")}, stdout, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n输出文件：\n  计划台账      %s\n  报送模板      %s\n  检查结果      %s\n  反馈表        %s\n  收件记录      %s\n",
		w.Ledger(), w.TemplatesDir(period), w.FindingsPath(period),
		w.FeedbackDir(period), w.RecordPath(period))
	return nil
}

// clearDemo removes what an earlier demo made in the folder (the ledger and its periods),
// holding the workspace while it does. A ledger the demo did not make is an office's own:
// the demo refuses the folder and removes nothing.
func clearDemo(w *workspace.Workspace) error {
	if _, err := os.Stat(w.Ledger()); err == nil {
		p, err := w.ReadPlan()
		if err != nil || !demo.Is(p) {
			return fmt.Errorf("目录 %s 中已有计划台账 %s，不是演示生成的，演示不会改动它。请另选一个目录，如 planreport demo 演示目录",
				absDir(w.Dir()), workspace.LedgerName)
		}
	} else if _, err := os.Stat(w.Dir()); err != nil {
		return nil // a new folder: nothing to clear
	}
	l, err := w.Lock(program, "重新生成演示")
	if err != nil {
		return err
	}
	defer l.Unlock()
	// Only what the demo itself makes is removed, never anything else in the folder.
	for _, name := range append([]string{workspace.LedgerName}, demoPeriods...) {
		if err := os.RemoveAll(filepath.Join(w.Dir(), name)); err != nil {
			return fmt.Errorf("清理演示目录：%w", err)
		}
	}
	return nil
}
