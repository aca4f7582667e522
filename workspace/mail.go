package workspace

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"planreport/mailbox"
	"planreport/plan"
)

// Mail through the office mailbox (mailbox, its settings in 邮箱设置.json): the operations that
// write email drafts (templates, collect's replies, reminders) send exactly the messages their
// drafts hold when asked (SendOptions), with the workspace's lock held, through the period's
// send log; collect fetches the units' returns into the period's inbox first when asked
// (FetchOptions). The password is asked for only when something is really sent or fetched.

// PasswordFunc gives the office mailbox's password for its account: from the environment, a
// prompt, or a form. It is called only when a message will really go, or a fetch connects.
type PasswordFunc func(account string) (mailbox.Password, error)

// SendOptions ask an operation to send the messages it writes as drafts.
type SendOptions struct {
	DryRun   bool     // only list what would go: nothing is sent and nothing logged
	Resend   []string // units whose messages go again though sent before (or unconfirmed)
	Password PasswordFunc
}

// Sent is what sending an operation's messages did: each message's outcome, in order.
type Sent struct {
	Log     string               `json:"log"` // the period's send log
	DryRun  bool                 `json:"dry_run,omitempty"`
	Results []mailbox.SendResult `json:"results"`
	// NoMessage are units asked to be sent again (Resend) that this operation has no message
	// for: nothing went to them.
	NoMessage []string `json:"no_message,omitempty"`
}

// Count counts the results in each status.
func (s *Sent) Count() map[mailbox.SendStatus]int {
	n := map[mailbox.SendStatus]int{}
	if s != nil {
		for _, r := range s.Results {
			n[r.Status]++
		}
	}
	return n
}

// FetchOptions ask collect to fetch the units' returns from the office mailbox first.
type FetchOptions struct {
	Password PasswordFunc
	// MarkSeen marks each message fetched as read in the mailbox; off, the mailbox is only read.
	MarkSeen bool
}

// SendLogPath is a period's send log.
func (w *Workspace) SendLogPath(p plan.Period) string {
	return filepath.Join(w.PeriodDir(p), mailbox.SendLogName)
}

// FetchLogPath is a period's fetch log.
func (w *Workspace) FetchLogPath(p plan.Period) string {
	return filepath.Join(w.PeriodDir(p), mailbox.FetchLogName)
}

// MailSettings reads the workspace's mailbox settings.
func (w *Workspace) MailSettings() (mailbox.Settings, error) { return mailbox.LoadSettings(w.dir) }

// mailSettings reads the settings an operation needs, before it starts.
func (w *Workspace) mailSettings(send *SendOptions, fetch *FetchOptions) (mailbox.Settings, error) {
	if send == nil && fetch == nil {
		return mailbox.Settings{}, nil
	}
	return w.MailSettings()
}

// checkResend checks that the units to send to again are the ledger's: a mistyped name would
// send nothing.
func checkResend(p *plan.Plan, send *SendOptions) error {
	if send == nil {
		return nil
	}
	var unknown []string
	for _, u := range send.Resend {
		if !slices.ContainsFunc(p.Units, func(x plan.Unit) bool { return x.Name == u }) {
			unknown = append(unknown, "“"+u+"”")
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("要重发的单位%s不在计划台账的「单位」表中：请按单位表中的名称填写。本次没有做任何修改", strings.Join(unknown, "、"))
	}
	return nil
}

// send sends msgs through the office mailbox, with the workspace's lock held. It first works
// out what would go (the send log says what went before); only when something will really
// go does it ask for the password.
func (w *Workspace) send(ctx context.Context, period plan.Period, s mailbox.Settings, msgs []mailbox.Message, o *SendOptions, progress Reporter) (*Sent, error) {
	sent := &Sent{Log: w.SendLogPath(period), DryRun: o.DryRun}
	for _, u := range o.Resend {
		if !slices.ContainsFunc(msgs, func(m mailbox.Message) bool { return m.Unit == u }) {
			sent.NoMessage = append(sent.NoMessage, u)
		}
	}
	opts := mailbox.SendOptions{Log: sent.Log, DryRun: true, Resend: o.Resend}
	planned, err := mailbox.Send(ctx, s, "", msgs, opts)
	if err != nil {
		return nil, err
	}
	sent.Results = planned
	due := 0
	for _, r := range planned {
		if r.Status == mailbox.StatusWouldSend {
			due++
		}
	}
	if o.DryRun {
		return sent, nil
	}
	if due == 0 {
		return sent, sent.undone() // a message left unconfirmed by an earlier run stays to be seen to
	}
	if o.Password == nil {
		return nil, fmt.Errorf("没有邮箱密码：请设置环境变量 %s", mailbox.PasswordEnv)
	}
	pw, err := o.Password(s.Account)
	if err != nil {
		return nil, err
	}
	done := 0
	progress.report(Progress{Stage: "发送邮件", Total: len(msgs)})
	opts.DryRun = false
	opts.Progress = func(mailbox.SendResult) {
		done++
		progress.report(Progress{Stage: "发送邮件", Done: done, Total: len(msgs)})
	}
	sent.Results, err = mailbox.Send(ctx, s, pw, msgs, opts)
	if sent.Results == nil {
		return nil, err
	}
	if err == nil {
		err = sent.undone()
	}
	return sent, err
}

// undone is the error of a send some of whose messages did not go, or may not have: the
// operation is not done until they have.
func (s *Sent) undone() error {
	n := s.Count()
	var parts []string
	if n[mailbox.StatusFailed] > 0 {
		parts = append(parts, fmt.Sprintf("%d 封邮件未发出，再次运行时重发（已发出的不会重发）", n[mailbox.StatusFailed]))
	}
	if n[mailbox.StatusUnconfirmed] > 0 {
		parts = append(parts, fmt.Sprintf("%d 封邮件无法确认是否发出，请在发件箱或向单位核实，确认未收到时在命令行用 --resend 单位 重发", n[mailbox.StatusUnconfirmed]))
	}
	if len(parts) == 0 {
		return nil
	}
	return errors.New(strings.Join(parts, "；"))
}

// fetch fetches the units' returns from the office mailbox into the period's inbox, with the
// workspace's lock held: the messages that arrived since the period's templates were first
// issued (else since the period began) and were not fetched before.
func (w *Workspace) fetch(ctx context.Context, period plan.Period, s mailbox.Settings, o *FetchOptions, progress Reporter) (*mailbox.FetchResult, error) {
	if o.Password == nil {
		return nil, fmt.Errorf("没有邮箱密码：请设置环境变量 %s", mailbox.PasswordEnv)
	}
	pw, err := o.Password(s.Account)
	if err != nil {
		return nil, err
	}
	since := period.Start()
	if st, ok := w.Settings(period); ok {
		if t, err := time.Parse(time.RFC3339, st.Issued); err == nil {
			since = t
		}
	}
	n := 0
	progress.report(Progress{Stage: "收取邮件"})
	return mailbox.Fetch(ctx, s, pw, mailbox.FetchOptions{Since: since, Dir: w.InboxDir(period), Log: w.FetchLogPath(period), MarkSeen: o.MarkSeen,
		Progress: func(mailbox.Fetched) {
			n++
			progress.report(Progress{Stage: "收取邮件", Done: n})
		}})
}

// What sending and fetching did, in the office's words: the command line prints these lines,
// the workbench shows them.

// Lines say, one line each, what became of the messages in any of statuses (none: in any):
// status, unit, addresses, and why not sent, each reason said once. A message sent before is
// in the total only, unless its content changed since.
func (s *Sent) Lines(statuses ...mailbox.SendStatus) []string {
	var lines []string
	said := map[string]bool{}
	for _, r := range s.Results {
		if r.Status == mailbox.StatusAlreadySent && !r.Changed || len(statuses) > 0 && !slices.Contains(statuses, r.Status) {
			continue
		}
		line := r.Status.Chinese() + "  " + r.Unit
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
	return lines
}

// Total says how many messages went and how many did not, what (模板邮件) named.
func (s *Sent) Total(what string) string {
	n := s.Count()
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
	if len(parts) == 0 {
		parts = []string{"没有要发送的邮件"}
	}
	head := "发送" + what
	if s.DryRun {
		head = what + "（试运行，没有发送任何邮件）"
	}
	total := head + "：" + strings.Join(parts, "，") + "。"
	if len(s.NoMessage) > 0 {
		total += "要重发的单位中，" + strings.Join(s.NoMessage, "、") + "本次没有要发给它的邮件。"
	}
	return total
}

// FetchedLines say what a fetch found: how many messages, those too large to fetch, and a
// folder the server renumbered; messages, each message saved.
func FetchedLines(f *mailbox.FetchResult) (lines, messages []string) {
	line := fmt.Sprintf("收取邮件（邮箱文件夹“%s”）：查看了 %d 封新邮件，其中 %d 封带有报送表、压缩包或邮件附件；新收取 %d 封",
		f.Folder, f.Examined, f.Relevant, len(f.Saved))
	if f.Known > 0 {
		line += fmt.Sprintf("，%d 封此前已收取（未重复收取）", f.Known)
	}
	lines = append(lines, line+"。")
	for _, m := range f.TooLarge {
		lines = append(lines, "未下载  "+m.Problem)
	}
	if f.UIDValidityChanged {
		lines = append(lines, fmt.Sprintf("注意：邮箱服务器重新编号了文件夹“%s”中的邮件（UIDVALIDITY 已变化，如邮箱迁移或修复后）。已按 Message-ID 和内容核对，此前收取过的邮件没有重复收取。", f.Folder))
	}
	for _, m := range f.Saved {
		messages = append(messages, fmt.Sprintf("收取  %s  《%s》  %s", m.From, m.Subject, strings.Join(m.Attachments, "，")))
	}
	return lines, messages
}
