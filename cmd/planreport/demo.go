package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

const demoUsage = `用法：planreport demo [目录]

用内置的参考计划演示一个报送周期：创建工作目录（默认 ./planreport-demo），导入计划，
为 2023 年第四季度生成各单位的报送模板，并打印生成的文件位置。目录已存在时先清空其中
由演示生成的内容（plan.xlsx 和 2023Q4 文件夹）。

演示目前覆盖到“生成模板”；收集、汇总和报告将在后续版本加入演示。
`

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", demoUsage, stdout)
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
	// Only what the demo itself makes is removed, never anything else in the folder.
	for _, p := range []string{ledgerName, "2023Q4"} {
		if err := os.RemoveAll(filepath.Join(dir, p)); err != nil {
			return fmt.Errorf("清理演示目录：%w", err)
		}
	}
	fmt.Fprintf(stdout, "== 1. 创建工作目录，导入内置计划\n")
	if err := runInit(ctx, []string{dir}, io.Discard, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "计划台账：%s\n", filepath.Join(dir, ledgerName))
	fmt.Fprintf(stdout, "== 2. 生成 2023 年第四季度报送模板\n")
	return runTemplates(ctx, []string{"-w", dir, "--period", "2023Q4", "--due", "2024-01-08"}, stdout, io.Discard)
}
