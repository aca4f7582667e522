package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// usageError is a mistake in how the command was called (exit code 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// errReported means the command has already told the user what went wrong (exit code 1).
var errReported = errors.New("reported")

// command is one subcommand of planreport.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"plan", "导入行动计划、查看和检查计划台账（plan import / show / check / refresh）", runPlan},
		{"help", "显示帮助：planreport help [命令]", nil},
	}
}

const mainUsage = `planreport —— 行动计划定期进展报送工具

用法：
  planreport <命令> [参数]

命令：
%s
常用流程（每个报送周期）：
  1. planreport plan import 计划.docx      导入行动计划，生成计划台账 plan.xlsx
  2. 在 Excel 中完善 plan.xlsx 的单位联系人和分组成员，然后 planreport plan check
  3. 生成模板、收集汇总、出具报告（后续版本提供）

运行 planreport help <命令> 或 planreport <命令> --help 查看该命令的详细说明。
`

// run is planreport's whole job: it parses args and runs one subcommand.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainHelp())
		return usagef("缺少命令")
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "--help":
		if len(rest) == 0 {
			fmt.Fprint(stdout, mainHelp())
			return nil
		}
		return run(ctx, append(rest[:1:1], append([]string{"--help"}, rest[1:]...)...), stdout, stderr)
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(ctx, rest, stdout, stderr)
		}
	}
	return usagef("未知命令 %q", name)
}

func mainHelp() string {
	var b strings.Builder
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-8s %s\n", c.name, c.summary)
	}
	return fmt.Sprintf(mainUsage, b.String())
}

// newFlags returns a flag set whose --help prints usage (the command's manual) to stdout.
func newFlags(name, usage string, stdout io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprint(stdout, usage)
		fmt.Fprintf(stdout, "\n参数：\n%s", fs.FlagUsages())
	}
	return fs
}

// parseFlags parses args; --help prints the manual and reports done.
func parseFlags(fs *pflag.FlagSet, args []string) (done bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fs.Usage()
			return true, nil
		}
		return true, usagef("%s：%v", fs.Name(), translateFlagError(err))
	}
	return false, nil
}

// translateFlagError puts pflag's English messages into Chinese.
func translateFlagError(err error) string {
	s := err.Error()
	for _, r := range []struct{ en, zh string }{
		{"unknown shorthand flag", "未知参数"},
		{"unknown flag", "未知参数"},
		{"flag needs an argument", "参数缺少取值"},
		{"invalid argument", "参数取值无效"},
		{"bad flag syntax", "参数格式错误"},
	} {
		if strings.HasPrefix(s, r.en) {
			return r.zh + strings.TrimPrefix(s, r.en)
		}
	}
	return s
}
