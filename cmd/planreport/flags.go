package main

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"

	"planreport/plan"
	"planreport/workspace"
)

// program is who holds a workspace's lock when a command runs (the web workbench is another).
const program = "命令行"

// workspaceFlags adds -w and --period to a command's flags.
func workspaceFlags(fs *pflag.FlagSet) (dir, period *string) {
	dir = fs.StringP("workspace", "w", ".", "工作目录（存放 plan.xlsx 和各报送周期文件夹）")
	period = fs.StringP("period", "p", "", "报送周期：2024Q1（季度）、2024H2（半年）、2024（全年）、2024-03（月度）")
	return dir, period
}

// parsePeriodFlag reads the --period flag, which every period command needs.
func parsePeriodFlag(cmd, s string) (plan.Period, error) {
	if s == "" {
		now := time.Now()
		example := plan.Period{Kind: plan.Quarterly, Year: now.Year(), N: (int(now.Month())-1)/3 + 1}
		return plan.Period{}, usagef("%s：请用 --period 指定报送周期，例如 --period %s（%s）", cmd, example, example.Chinese())
	}
	p, err := plan.ParsePeriod(s)
	if err != nil {
		return plan.Period{}, usagef("%s：%v", cmd, err)
	}
	return p, nil
}

// parseDateFlag reads a date flag; "" is today.
func parseDateFlag(cmd, flag, s string) (string, error) {
	d, err := workspace.ParseDay(s)
	if err != nil {
		return "", usagef("%s：--%s %q 不是日期，请写成 2024-01-15 的形式", cmd, flag, s)
	}
	return d, nil
}

// tookOver tells the user that a previous run ended without releasing the workspace.
func tookOver(stderr io.Writer, h *workspace.Holder) {
	if h == nil {
		return
	}
	fmt.Fprintf(stderr, "注意：上次的操作（%s，进程 %d，%s 开始）没有正常结束，本次已接管工作目录并完成其工作。\n",
		h.Operation, h.PID, h.Since.Local().Format("2006-01-02 15:04:05"))
}

func absDir(dir string) string {
	if a, err := filepath.Abs(dir); err == nil {
		return a
	}
	return dir
}
