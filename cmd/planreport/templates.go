package main

import (
	"context"
	"fmt"
	"io"

	"planreport/templates"
	"planreport/workspace"
)

const templatesUsage = `用法：planreport templates --period 周期 [-w 工作目录] [--due 日期] [--password 密码] [--eml]
                           [--send [--dry-run] [--resend 单位]...] [--json]

为报送周期生成各单位的任务进展报送表（Excel 模板），写入 工作目录/周期/模板/：
  - 每个有任务的单位一个文件，只列出该单位的任务；由其他单位代报的单位（如领导小组
    由其办公室代报）的任务并入代报单位的文件；
  - 模板清单（周期_模板清单.xlsx）列出单位、文件、任务数和联系人；
  - 加 --eml 时，为单位表中填有电子邮箱的单位各写一封邮件草稿（.eml，附模板），
    放在 模板/邮件草稿/，可在 Outlook、Foxmail 中打开后发送；
  - 加 --send 时，写邮件草稿，并通过单位邮箱把草稿中的邮件直接发给各单位（邮箱设置见
    planreport mail setup；密码从环境变量 PLANREPORT_MAIL_PASSWORD 读取，或在终端中询问）。
    每封邮件记入 周期/发送记录.jsonl：已发给某单位的模板不再发送，重新生成模板后也是如此；
    发送失败的下次运行时重发；--resend 单位 有意再发一次。--dry-run 只列出将要发送的邮件。
    单位表中没有电子邮箱的单位逐一列出。

模板中任务信息已锁定，单位只能填写完成状态、完成进度、本期工作进展、存在问题、
下步计划和佐证材料。上一周期已收集的，模板会显示上期状态和上期工作进展供参考。

--due 默认为周期结束后第 7 天；重新生成时默认保持本周期原定的截止日期。重复运行会覆盖本周期的模板。
`

func runTemplates(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("templates", templatesUsage, stdout)
	dir, periodFlag := workspaceFlags(fs)
	due := fs.String("due", "", "报送截止日期，如 2024-04-10（默认为本周期已定的截止日期，第一次生成时为周期结束后第 7 天）")
	password := fs.String("password", "", "工作表保护密码（默认不设密码）")
	eml := fs.Bool("eml", false, "同时为有电子邮箱的单位生成邮件草稿（.eml）")
	mail := addSendFlags(fs, "模板邮件")
	asJSON := fs.Bool("json", false, "以 JSON 格式输出生成结果（供脚本使用）")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("templates：多余的参数 %q", fs.Arg(0))
	}
	period, err := parsePeriodFlag("templates", *periodFlag)
	if err != nil {
		return err
	}
	dueDate := "" // the period's, else the default
	if *due != "" {
		if dueDate, err = parseDateFlag("templates", "due", *due); err != nil {
			return err
		}
	}
	w := workspace.Open(*dir)
	bar := newProgress("生成报送模板", stderr)
	send := mail.options(askPassword(stderr, bar))
	res, err := w.IssueTemplates(ctx, workspace.TemplatesOptions{Period: period, Due: dueDate, Password: *password, Drafts: *eml,
		Send: send, Program: program, Progress: bar.report})
	bar.done()
	if res == nil {
		return err
	}
	if res.PlanErrors > 0 {
		fmt.Fprintf(stderr, "注意：计划台账有 %d 个错误（运行 planreport plan check %s 查看），相关任务可能缺少单位。\n", res.PlanErrors, workspace.QuoteArg(w.Ledger()))
	}
	if res.NoOffice {
		fmt.Fprintf(stderr, "注意：计划台账「计划」表没有填写报送办公室或其联系方式，模板上印的是“请向报送办公室询问”。填写后重新生成模板即可（在 Excel 中打开 %s）。\n", w.Ledger())
	}
	if *asJSON {
		if jerr := writeJSON(stdout, struct {
			*templates.Result
			Mail *workspace.Sent `json:"mail,omitempty"`
		}{res.Result, res.Sent}); jerr != nil {
			return jerr
		}
		return err
	}
	rows, mails := 0, 0
	for _, t := range res.Templates {
		rows += t.Tasks
		if t.EML != "" {
			mails++
		}
	}
	fmt.Fprintf(stdout, "已为 %s 生成 %d 个单位的报送模板（共 %d 行任务），截止日期 %s。\n", period.Chinese(), len(res.Templates), rows, res.Due)
	fmt.Fprintf(stdout, "模板文件夹：%s\n模板清单：%s\n", w.TemplatesDir(period), res.Index)
	fmt.Fprintf(stdout, "单位交回的报送表（或另存的 .eml 邮件）放入：%s\n", res.Inbox)
	if *eml || send != nil {
		fmt.Fprintf(stdout, "邮件草稿：%d 封（单位表中没有电子邮箱的单位没有草稿）。\n", mails)
	}
	printSent(stdout, "模板邮件", res.Sent)
	return err
}
