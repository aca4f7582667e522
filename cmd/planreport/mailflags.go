package main

import (
	"fmt"
	"io"
	"os"

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
	fmt.Fprintln(out, s.Total(what))
	for _, l := range s.Lines() {
		fmt.Fprintln(out, "  "+l)
	}
	if _, err := os.Stat(s.Log); err == nil && !s.DryRun {
		fmt.Fprintf(out, "发送记录：%s\n", s.Log)
	}
}

// printFetched says what collect --imap fetched.
func printFetched(out io.Writer, w *workspace.Workspace, period plan.Period, f *mailbox.FetchResult) {
	if f == nil {
		return
	}
	lines, messages := workspace.FetchedLines(f)
	fmt.Fprintln(out, lines[0])
	for _, m := range messages {
		fmt.Fprintln(out, "  "+m)
	}
	for _, l := range lines[1:] {
		fmt.Fprintln(out, "  "+l)
	}
	fmt.Fprintf(out, "收信记录：%s\n", w.FetchLogPath(period))
}
