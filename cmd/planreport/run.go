package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

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
		{"init", "创建工作目录：导入行动计划，生成计划台账 plan.xlsx", runInit},
		{"plan", "导入行动计划、查看和检查计划台账（plan import / show / check / refresh）", runPlan},
		{"templates", "为报送周期生成各单位的报送模板（Excel）", runTemplates},
		{"collect", "收集、检查和归档各单位交回的报送表，生成反馈表", runCollect},
		{"status", "各单位报送情况，催报", runStatus},
		{"report", "汇总出具报告：打印版 PDF 和汇总表", runReport},
		{"mail", "设置和检查报送用的单位邮箱（mail setup / test）", runMail},
		{"serve", "在浏览器中使用工作台（双击 planreport.exe 即启动）", runServe},
		{"demo", "用内置参考计划演示两个报送周期的完整流程", runDemo},
		{"help", "显示帮助：planreport help [命令]", nil},
	}
}

const mainUsage = `planreport —— 行动计划定期进展报送工具

用法：
  planreport <命令> [参数]

命令：
%s
常用流程（每个报送周期）：
  1. planreport init 工作目录 --plan 计划.docx    创建工作目录，生成计划台账 plan.xlsx（只需一次）
  2. 在 Excel 中完善 plan.xlsx 的单位联系人和分组成员，然后 planreport plan check
  3. planreport templates -w 工作目录 --period 2024Q1   生成各单位的报送模板
  4. 把单位交回的表格或邮件（.eml）放入 工作目录/2024Q1/收件/，然后
     planreport collect -w 工作目录 --period 2024Q1      检查、归档，生成反馈表
  5. planreport status -w 工作目录 --period 2024Q1       查看报送情况，催报
  6. planreport report -w 工作目录 --period 2024Q1       出具 PDF 报告和汇总表
以上各步也可以在浏览器中完成：planreport serve -w 工作目录（Windows 上双击 planreport.exe）。

运行 planreport help <命令> 或 planreport <命令> --help 查看该命令的详细说明。
`

// run is planreport's whole job: it parses args and runs one subcommand.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 && ownConsole() {
		// Double-clicked in Explorer: the workbench, rather than usage in a window that closes.
		return doubleClick(ctx, serveOptions{}, os.Stdin, stdout, stderr)
	}
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
		// help plan import → plan import --help: the flag goes after every command word.
		return run(ctx, append(rest[:len(rest):len(rest)], "--help"), stdout, stderr)
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
		fmt.Fprintf(stdout, "\n参数：\n%s", flagUsages(fs))
	}
	return fs
}

// flagUsages lists a flag set's flags in Chinese: pflag's own list says "(default …)" and
// "--json[=true|false]".
func flagUsages(fs *pflag.FlagSet) string {
	type line struct{ names, usage string }
	var lines []line
	width := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		names := "      --" + f.Name
		if f.Shorthand != "" {
			names = "  -" + f.Shorthand + ", --" + f.Name
		}
		varname, usage := pflag.UnquoteUsage(f)
		switch {
		case f.Value.Type() == "bool":
		case varname == "" || varname == "string":
			names += " 值"
		default:
			names += " " + varname
		}
		if f.Value.Type() != "bool" && f.DefValue != "" && f.DefValue != "[]" && f.DefValue != "0" {
			usage += "（默认 " + f.DefValue + "）"
		}
		width = max(width, utf8.RuneCountInString(names))
		lines = append(lines, line{names, usage})
	})
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "%s%s  %s\n", l.names, strings.Repeat(" ", width-utf8.RuneCountInString(l.names)), l.usage)
	}
	return b.String()
}

// parseFlags parses args; --help prints the manual and reports done.
func parseFlags(fs *pflag.FlagSet, args []string) (done bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			// pflag has already called fs.Usage.
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
