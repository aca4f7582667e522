package ui

import (
	"errors"
	"io"
	"net/http"
	"os"

	"planreport/mailbox"
	"planreport/plan"
	"planreport/workspace"
)

// The period page sends and fetches through the office mailbox as the command line's --send
// and --imap do, through the same workspace calls, once the workspace has its mailbox
// settings (邮箱设置.json, written by planreport mail setup). The password comes from
// PLANREPORT_MAIL_PASSWORD as the workbench was started, else from the form that starts the
// job: it is used by that job only and kept nowhere.

// mailView is what the period page shows of the office mailbox.
type mailView struct {
	Ready    bool   // the settings are there and usable
	Problem  string // what is wrong with them
	Password bool   // the forms ask for the password
	// Messages sent for the period, of each kind.
	Templates, Replies, Reminders int
}

// mailOf reads the mailbox settings and the period's send log, for the period page.
func (s *Server) mailOf(p plan.Period) mailView {
	var v mailView
	if _, err := os.Stat(mailbox.SettingsPath(s.ws.Dir())); err != nil {
		return v
	}
	if _, err := s.ws.MailSettings(); err != nil {
		v.Problem = err.Error()
		return v
	}
	v.Ready = true
	_, err := mailbox.ReadPassword("", nil, io.Discard)
	v.Password = err != nil
	entries, _ := mailbox.ReadSendLog(s.ws.SendLogPath(p))
	sent := map[string]bool{}
	for _, e := range entries {
		if !e.Sent() || sent[e.MessageID] {
			continue
		}
		sent[e.MessageID] = true
		switch e.Kind {
		case mailbox.KindTemplate:
			v.Templates++
		case mailbox.KindReply:
			v.Replies++
		case mailbox.KindReminder:
			v.Reminders++
		}
	}
	return v
}

// formPassword gives the password from the environment, else from the form's mail_password.
func formPassword(r *http.Request) workspace.PasswordFunc {
	typed := r.PostFormValue("mail_password")
	return func(account string) (mailbox.Password, error) {
		if pw, err := mailbox.ReadPassword(account, nil, io.Discard); err == nil {
			return pw, nil
		}
		if typed == "" {
			return "", errors.New("没有输入邮箱密码：请在页面上输入单位邮箱的密码后再操作（密码只用于这一次，不会保存）")
		}
		return mailbox.Password(typed), nil
	}
}

// templatesSend sends each unit its template through the office mailbox: the templates are
// issued again as they are (the period's due date kept), and a unit sent its template before
// is not sent it again.
func (s *Server) templatesSend(w http.ResponseWriter, r *http.Request) {
	p, ok := periodOf(w, r)
	if !ok {
		return
	}
	send := &workspace.SendOptions{Password: formPassword(r)}
	j := s.jobs.start("通过单位邮箱发送"+p.Chinese()+"的报送模板", link{"返回" + p.Chinese(), periodURL(p) + "#templates"}, s.templatesWork(p, "", send))
	seeOther(w, r, jobURL(j))
}

// mailFetch fetches the units' returns from the office mailbox and collects them.
func (s *Server) mailFetch(w http.ResponseWriter, r *http.Request) {
	p, ok := periodOf(w, r)
	if !ok {
		return
	}
	fetch := &workspace.FetchOptions{Password: formPassword(r)}
	j := s.jobs.start("从单位邮箱收取"+p.Chinese()+"的报送邮件", link{"查看报送情况", periodURL(p) + "#returns"}, s.collectWork(p, nil, fetch, nil))
	seeOther(w, r, jobURL(j))
}

// repliesSend sends the rejected units their replies (with their feedback workbooks), each
// rejected return replied to once.
func (s *Server) repliesSend(w http.ResponseWriter, r *http.Request) {
	p, ok := periodOf(w, r)
	if !ok {
		return
	}
	send := &workspace.SendOptions{Password: formPassword(r)}
	j := s.jobs.start("把反馈发给"+p.Chinese()+"未通过的单位", link{"查看报送情况", periodURL(p) + "#returns"}, s.collectWork(p, nil, nil, send))
	seeOther(w, r, jobURL(j))
}
