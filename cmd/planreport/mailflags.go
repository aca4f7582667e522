package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"planreport/mailbox"
	"planreport/plan"
	"planreport/workspace"
)

// The commands that write email drafts (templates, collect, status) send them through the
// office mailbox with --send, and collect fetches by IMAP with --imap; these are their flags,
// the password prompt and the printing of what was sent and fetched.

// sendFlags are --send, --dry-run and --resend.
type sendFlags struct {
	send, dryRun *bool
	resend       *[]string
}

// addSendFlags adds the send flags to a command; what names the messages (模板邮件).
func addSendFlags(fs *pflag.FlagSet, what string) *sendFlags {
	return &sendFlags{
		send:   fs.Bool("send", false, "通过单位邮箱发送"+what+"（邮箱用 planreport mail setup 设置），已发送的不再发送"),
		dryRun: fs.Bool("dry-run", false, "只列出将要发送的邮件，不发送（含 --send）"),
		resend: fs.StringArray("resend", nil, "有意再次发送给这个单位（可重复；含 --send）"),
	}
}

// options are the workspace's options for the flags, nil when nothing is to be sent.
func (f *sendFlags) options(pw workspace.PasswordFunc) *workspace.SendOptions {
	if !*f.send && !*f.dryRun && len(*f.resend) == 0 {
		return nil
	}
	return &workspace.SendOptions{DryRun: *f.dryRun, Resend: *f.resend, Password: pw}
}

// askPassword reads the mailbox password from PLANREPORT_MAIL_PASSWORD or, when that is not
// set, asks for it on the terminal (after taking bar off it), once: the workspace calls it
// only when a message will really go or a fetch connects.
func askPassword(stderr io.Writer, bar *progress) workspace.PasswordFunc {
	var pw mailbox.Password
	return func(account string) (mailbox.Password, error) {
		if pw != "" {
			return pw, nil
		}
		bar.pause()
		p, err := mailbox.ReadPassword(account, os.Stdin, stderr)
		pw = p
		return p, err
	}
}

// printSent says what became of each message: every one sent, failed, unconfirmed or with
// no address on its own line; those sent before in the total only, but each whose content
// changed since.
func printSent(out io.Writer, what string, s *workspace.Sent) {
	if s == nil {
		return
	}
	n := s.Count()
	var lines []string
	said := map[string]bool{}
	for _, r := range s.Results {
		if r.Status == mailbox.StatusAlreadySent && !r.Changed {
			continue
		}
		line := fmt.Sprintf("  %s  %s", r.Status.Chinese(), r.Unit)
		if len(r.To) > 0 {
			line += "  " + strings.Join(r.To, "，")
		}
		switch {
		case r.Problem == "":
		case said[r.Problem]: // the server refused the login, say: once is enough
			line += "：原因同前"
		default:
			line += "：" + r.Problem
			said[r.Problem] = true
		}
		lines = append(lines, line)
	}
	var parts []string
	for _, st := range []mailbox.SendStatus{mailbox.StatusWouldSend, mailbox.StatusSent, mailbox.StatusAlreadySent, mailbox.StatusFailed,
		mailbox.StatusUnconfirmed, mailbox.StatusNoAddress} {
		if n[st] == 0 {
			continue
		}
		part := fmt.Sprintf("%s %d 封", st.Chinese(), n[st])
		switch st {
		case mailbox.StatusAlreadySent:
			part += "（不再发送）"
		case mailbox.StatusFailed:
			part += "（再次运行时重发）"
		}
		parts = append(parts, part)
	}
	total := strings.Join(parts, "，")
	if total == "" {
		total = "没有要发送的邮件"
	}
	head := "发送" + what
	if s.DryRun {
		head = what + "（试运行，没有发送任何邮件）"
	}
	if len(lines) == 0 {
		fmt.Fprintf(out, "%s：%s。\n", head, total)
	} else {
		fmt.Fprintf(out, "%s：\n%s\n合计：%s。\n", head, strings.Join(lines, "\n"), total)
	}
	if len(s.NoMessage) > 0 {
		fmt.Fprintf(out, "--resend：本次没有发给%s的邮件，未发送。\n", strings.Join(s.NoMessage, "、"))
	}
	if !s.DryRun {
		fmt.Fprintf(out, "发送记录：%s\n", s.Log)
	}
}

// printFetched says what collect --imap fetched.
func printFetched(out io.Writer, w *workspace.Workspace, period plan.Period, f *mailbox.FetchResult) {
	if f == nil {
		return
	}
	fmt.Fprintf(out, "收取邮件（邮箱文件夹“%s”）：查看了 %d 封新邮件，其中 %d 封带有报送表、压缩包或邮件附件；新收取 %d 封",
		f.Folder, f.Examined, f.Relevant, len(f.Saved))
	if f.Known > 0 {
		fmt.Fprintf(out, "，%d 封此前已收取（未重复收取）", f.Known)
	}
	fmt.Fprintln(out, "。")
	for _, m := range f.Saved {
		fmt.Fprintf(out, "  收取  %s  《%s》  %s\n", m.From, m.Subject, strings.Join(m.Attachments, "，"))
	}
	for _, m := range f.TooLarge {
		fmt.Fprintf(out, "  未下载  %s\n", m.Problem)
	}
	if f.UIDValidityChanged {
		fmt.Fprintf(out, "注意：邮箱服务器重新编号了文件夹“%s”中的邮件（UIDVALIDITY 已变化，如邮箱迁移或修复后）。已按 Message-ID 和内容核对，此前收取过的邮件没有重复收取。\n", f.Folder)
	}
	fmt.Fprintf(out, "收信记录：%s\n", w.FetchLogPath(period))
}
