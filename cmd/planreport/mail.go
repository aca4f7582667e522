package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"planreport/mailbox"
	"planreport/workspace"
)

const mailUsage = `用法：planreport mail setup [-w 工作目录]
      planreport mail test  [-w 工作目录] [--json]

设置并检查报送用的单位邮箱（发信 SMTP、收信 IMAP）。

  setup  逐项询问服务器地址、加密方式、端口、账号和收件文件夹，写入工作目录中的
         ` + mailbox.SettingsName + `（直接回车保留原值）。密码不写入文件。
  test   连接发信和收信服务器并登录，检查收件文件夹是否存在，逐项说明哪里有问题。
         不发送邮件，也不改动邮箱中的任何内容。

密码从环境变量 ` + mailbox.PasswordEnv + ` 读取；未设置时在终端中询问（输入时不显示）。
服务器使用自签名证书时，test 会显示证书指纹（SHA-256），核实后填入设置文件的 fingerprint。
`

func runMail(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, mailUsage)
		return usagef("mail：缺少子命令")
	}
	switch args[0] {
	case "setup":
		return runMailSetup(args[1:], stdout)
	case "test":
		return runMailTest(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, mailUsage)
		return nil
	}
	return usagef("mail：未知子命令 %q（可用 setup、test）", args[0])
}

func runMailSetup(args []string, stdout io.Writer) error {
	fs := newFlags("mail setup", mailUsage, stdout)
	dir := fs.StringP("workspace", "w", ".", "工作目录（存放 plan.xlsx 和各报送周期文件夹）")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("mail setup：多余的参数 %q", fs.Arg(0))
	}
	w := workspace.Open(*dir)
	if err := w.HasPlan(); err != nil {
		return err
	}
	old, err := mailbox.LoadSettings(w.Dir())
	if err != nil && !strings.Contains(err.Error(), "还没有邮箱设置") {
		fmt.Fprintf(stdout, "原有设置有误，将重新填写：%v\n", err)
	}
	s, err := mailbox.Setup(os.Stdin, stdout, old)
	if err != nil {
		return fmt.Errorf("设置未保存：%w", err)
	}
	if err := s.Save(w.Dir()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已保存 %s。运行 planreport mail test -w %s 检查能否连接。\n", mailbox.SettingsPath(w.Dir()), workspace.QuoteArg(w.Dir()))
	return nil
}

func runMailTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("mail test", mailUsage, stdout)
	dir := fs.StringP("workspace", "w", ".", "工作目录（存放 plan.xlsx 和各报送周期文件夹）")
	asJSON := fs.Bool("json", false, "以 JSON 格式输出（供脚本使用）")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("mail test：多余的参数 %q", fs.Arg(0))
	}
	s, err := mailbox.LoadSettings(*dir)
	if err != nil {
		return err
	}
	pw, err := mailbox.ReadPassword(s.Account, os.Stdin, stderr)
	if err != nil {
		return err
	}
	results := mailbox.Check(ctx, s, pw)
	ok := true
	for _, r := range results {
		ok = ok && r.OK
	}
	if *asJSON {
		if err := writeJSON(stdout, struct {
			OK    bool                  `json:"ok"`
			Steps []mailbox.CheckResult `json:"steps"`
		}{ok, results}); err != nil {
			return err
		}
	} else {
		for _, r := range results {
			mark := "✓"
			if !r.OK {
				mark = "✗"
			}
			fmt.Fprintf(stdout, "%s %s：%s\n", mark, r.Step, r.Detail)
			for _, f := range r.Folders {
				fmt.Fprintf(stdout, "    %s\n", f)
			}
		}
	}
	if !ok {
		return errReported
	}
	if !*asJSON {
		fmt.Fprintln(stdout, "邮箱设置可用。")
	}
	return nil
}
