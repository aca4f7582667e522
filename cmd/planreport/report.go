package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"planreport/fonts"
	"planreport/report"
	rpdf "planreport/report/pdf"
	"planreport/workbook"
	"planreport/workspace"
)

const reportUsage = `用法：planreport report --period 周期 [-w 工作目录] [--date 日期] [--json]

汇总报送周期中各单位已接收的报送表，写入 工作目录/周期/报告/：
  周期_落实情况报告.pdf    给领导的打印版报告：封面、目录、总体情况（含图表）、逾期和滞后任务、
                          各部分任务落实情况、各单位报送情况（排名）、存在问题，以及附件
                          （未报送单位、检查发现的问题、收件记录）
  周期_汇总表.xlsx        给工作人员的汇总表：总体情况（含图表）、任务、单位、明细、逾期任务、
                          存在问题、未报送单位、检查问题

任务状态取牵头单位的报告，几个牵头单位状态不同时以进度最慢者为准；牵头单位都未报送的为“未报送”。
红灯：已逾期、滞后或牵头单位未报送；黄灯：下一周期内到期未完成、报告了问题或尚未启动；
绿灯：已完成或序时推进。趋势图包括工作目录中此前收集过的各个同类周期。

--date 为报告日期（默认今天）。同样的输入和 --date 生成的报告内容相同。
`

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", reportUsage, stdout)
	dir, periodFlag := workspaceFlags(fs)
	date := fs.String("date", "", "报告日期，如 2024-01-15（默认今天）")
	fontDir := fs.String("fonts", "", "在此文件夹中查找仿宋、黑体、楷体、小标宋字体（默认查找本机字体文件夹）")
	asJSON := fs.Bool("json", false, "以 JSON 格式输出汇总数据（供脚本使用）")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("report：多余的参数 %q", fs.Arg(0))
	}
	period, err := parsePeriodFlag("report", *periodFlag)
	if err != nil {
		return err
	}
	day, err := parseDateFlag("report", "date", *date)
	if err != nil {
		return err
	}
	w := workspace.Open(*dir)
	bar := newProgress("出具报告", stderr)
	var dirs []string
	if *fontDir != "" {
		if st, serr := os.Stat(*fontDir); serr != nil || !st.IsDir() {
			return usagef("report：--fonts %q 不是文件夹，请写字体所在的文件夹，如 C:\\Windows\\Fonts", *fontDir)
		}
		dirs = []string{*fontDir}
	}
	res, err := w.Report(ctx, workspace.ReportOptions{Period: period, Date: day, FontDirs: dirs, Program: program, Progress: bar.report})
	bar.done()
	if res == nil {
		return err
	}
	if res.NoReturns {
		fmt.Fprintf(stderr, "注意：%s还没有收到任何报送表（先运行 planreport collect），报告中各单位均为未报送。\n", period.Chinese())
	}
	if len(res.Unprintable) > 0 {
		var cs []string
		for _, c := range res.Unprintable {
			cs = append(cs, fmt.Sprintf("“%c”（U+%04X）", c, c))
		}
		fmt.Fprintf(stderr, "注意：报告中有 %d 个字符内置字体中没有：%s，PDF 中印为“%c”；汇总表中为原文。\n", len(cs), strings.Join(cs, "、"), rpdf.Missing)
	}
	r := res.Report
	if *asJSON {
		if jerr := writeJSON(stdout, r.JSON(res.PDF, res.Workbook, res.DOCX)); jerr != nil {
			return jerr
		}
		return err
	}
	fmt.Fprintf(stdout, "%s：%d 项任务，红灯 %d、黄灯 %d、绿灯 %d；%d 个单位中 %d 个已接收。\n", period.Chinese(), len(r.Tasks),
		r.Lights[report.Red], r.Lights[report.Yellow], r.Lights[report.Green], len(r.Units), countAccepted(r))
	fmt.Fprintf(stdout, "报告：%s（正文 %d 页）\nWord 版：%s\n汇总表：%s\n", res.PDF, res.MainPages, res.DOCX, res.Workbook)
	if res.Notes == "" {
		fmt.Fprintf(stdout, "“存在问题和下一步工作”尚未撰写，报告中留有待填写的标记：请写入 %s 后重新运行。\n", res.NotesPath)
	} else {
		fmt.Fprintf(stdout, "“存在问题和下一步工作”引用 %s。\n", res.NotesPath)
	}
	printFonts(stdout, res.Fonts)
	for _, s := range res.Skipped {
		fmt.Fprintf(stdout, "  未使用的字体：%s\n", s)
	}
	return err
}

// printFonts says which faces the PDF was set in: for each style the font that printed most
// of it, and the others that printed the characters it lacks.
func printFonts(w io.Writer, uses []rpdf.FontUse) {
	if len(uses) == 0 {
		return
	}
	fmt.Fprintln(w, "字体：")
	for _, st := range fonts.Styles {
		var parts []string
		for _, u := range uses {
			if u.Style != st {
				continue
			}
			where := "内置"
			if u.Font.Path != "" {
				where = u.Font.Path
			}
			text := fmt.Sprintf("%s（%s）", u.Font.Name, where)
			if len(parts) > 0 {
				text = fmt.Sprintf("其中 %d 个字符该字体没有，用 %s", u.Chars, text)
			}
			parts = append(parts, text)
		}
		if len(parts) == 0 {
			continue
		}
		note := ""
		if strings.Contains(parts[0], "（内置）") {
			note = fmt.Sprintf("，本机未找到%s字体", st.Chinese())
		}
		fmt.Fprintf(w, "  %s（%s）：%s%s\n", st.Role(), st.Chinese(), strings.Join(parts, "；"), note)
	}
}

func countAccepted(r *report.Report) int {
	n := 0
	for _, u := range r.Units {
		if u.State == workbook.OnTime || u.State == workbook.Late {
			n++
		}
	}
	return n
}
