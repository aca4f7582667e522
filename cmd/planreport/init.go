package main

import (
	"context"
	"fmt"
	"io"

	"planreport/workspace"
)

const initUsage = `用法：planreport init [目录] [--plan 计划文件] [--registry 名册]

创建工作目录（默认为当前目录）：读取行动计划，生成计划台账 plan.xlsx。此后每个报送
周期在该目录中运行 planreport templates 等命令，不必再输入文件路径。

不指定 --plan 时，使用内置的参考计划《“十四五”时期怀柔区法治政府建设行动计划》，
并加入怀柔区 16 个镇乡街道（内置名册 huairou）。计划文件可以是 .docx、.xlsx（任务分工表）
或 UTF-8 / GBK 文本。--registry 把计划中没有逐一写出的单位加入单位表（如各镇乡街道），
见 planreport plan import --help。目录中已有 plan.xlsx 时不会覆盖；
要用新计划更新台账，请运行 planreport plan import 计划文件 -o 目录/plan.xlsx。
`

func runInit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("init", initUsage, stdout)
	planFile := fs.String("plan", "", "行动计划文件（.docx、.xlsx 或文本）；默认使用内置参考计划")
	registry := fs.String("registry", "", "单位名册：内置名册的名称（huairou）或名册文件")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("init：只能指定一个目录")
	}
	dir := "."
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	w := workspace.Open(dir)
	res, err := w.Init(workspace.PlanSource{File: *planFile, Registry: *registry}, program)
	if err != nil {
		return err
	}
	p := res.Plan
	errs, warns := countFindings(res.Findings)
	fmt.Fprintf(stdout, "已创建工作目录 %s：《%s》%d 项任务，%d 个单位。\n", absDir(w.Dir()), p.Title, len(p.Tasks), len(p.Units))
	fmt.Fprintf(stdout, "下一步：\n  1. 在 Excel 中打开 %s，在「计划」表填写报送办公室及联系方式，在「单位」表补充各单位联系人和邮箱，在「分组」表为待指定的分组填写成员单位；\n", w.Ledger())
	fmt.Fprintf(stdout, "  2. 运行 planreport plan check %s 检查（当前 %d 个错误、%d 个提醒）；\n", workspace.QuoteArg(w.Ledger()), errs, warns)
	fmt.Fprintf(stdout, "  3. 运行 planreport templates -w %s --period 2024Q1 生成各单位的报送模板。\n", workspace.QuoteArg(w.Dir()))
	return nil
}
