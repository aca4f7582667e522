package ui

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"planreport/internal/mailtest"
	"planreport/internal/mailtest/officemail"
	"planreport/mailbox"
	"planreport/workspace"
)

// mailPosts are the period page's mail actions.
var mailPosts = []string{"/periods/2023Q4/templates/send", "/periods/2023Q4/fetch", "/periods/2023Q4/replies/send", "/periods/2023Q4/reminders/send"}

// withReturns uploads the demo's returns and waits for them to be collected: one unit
// rejected, three missing.
func withReturns(t *testing.T, c *client, w *workspace.Workspace) string {
	t.Helper()
	tok := c.token()
	_, _, loc := c.upload("/periods/2023Q4/returns", tok, "files", filesOf(t, demoReturns(t, w)))
	c.waitJob(loc)
	return tok
}

// TestMailButtons: the period page offers the mail actions once the workspace has its
// mailbox settings, and asks for the password unless PLANREPORT_MAIL_PASSWORD has it; each
// action ends in Chinese, the password it was given shown nowhere, with no server to talk to
// (the cycle through real servers is TestMailCycle, and TestMailByPage below).
func TestMailButtons(t *testing.T) {
	t.Setenv(mailbox.PasswordEnv, "")
	w := demoWorkspace(t, false)
	c := serveWorkspace(t, w, nil, Limits{})
	tok := withReturns(t, c, w)

	// No settings: no buttons, and how to set the mailbox up.
	_, page := c.get("/periods/2023Q4")
	if !strings.Contains(page, "planreport mail setup") || strings.Contains(page, "mail-fetch") {
		t.Errorf("the page without mailbox settings offers mail actions, or does not say how to set them up")
	}
	// Settings with a mistake: said, no buttons.
	if err := os.WriteFile(mailbox.SettingsPath(w.Dir()), []byte(`{"smtp": {"host": "mail.example.gov.cn", "tls": "none"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, page = c.get("/periods/2023Q4"); !strings.Contains(page, "单位邮箱的设置有误") || strings.Contains(page, "mail-fetch") {
		t.Errorf("the page with wrong settings:\n%s", page)
	}

	// Settings for a server that is not there.
	set := mailbox.Settings{SMTP: mailbox.Server{Host: "127.0.0.1", Port: 1, TLS: mailbox.TLSNone},
		IMAP: mailbox.Server{Host: "127.0.0.1", Port: 1, TLS: mailbox.TLSNone}, Account: "fzb@example.gov.cn"}
	if err := set.Save(w.Dir()); err != nil {
		t.Fatal(err)
	}
	_, page = c.get("/periods/2023Q4")
	for _, id := range []string{`id="templates-send"`, `id="mail-fetch"`, `id="replies-send"`, `id="reminders-send"`} {
		if !strings.Contains(page, id) {
			t.Errorf("the period page has no %s", id)
		}
	}
	if n := strings.Count(page, `name="mail_password"`); n != 4 {
		t.Errorf("%d password fields, want one a mail form", n)
	}
	const typed = "typed-Pa55-口令"
	for _, tc := range []struct {
		path, password string
		want           []string
	}{
		{"/periods/2023Q4/reminders/send", "", []string{"没有输入邮箱密码"}},
		{"/periods/2023Q4/reminders/send", typed, []string{"催报邮件草稿 4 封", "发送催报邮件：未发出 4 封（再次运行时重发）。", "未发出  区文化和旅游局  unit15@example.gov.cn：无法连接发信服务器 127.0.0.1:1", "未发出  杨宋镇  unit48@example.gov.cn：原因同前"}},
		{"/periods/2023Q4/replies/send", typed, []string{"发送回复邮件：未发出 1 封", "未发出  杨宋镇"}},
		{"/periods/2023Q4/templates/send", typed, []string{"已为2023年第四季度生成 53 个单位的报送模板", "截止日期 2024-01-08", "发送模板邮件：未发出 53 封"}},
		{"/periods/2023Q4/fetch", typed, []string{"无法连接收信服务器 127.0.0.1:1"}},
	} {
		_, _, loc := c.post(tc.path, tok, url.Values{"mail_password": {tc.password}})
		page := c.waitJob(loc)
		for _, want := range tc.want {
			if !strings.Contains(page, want) {
				t.Errorf("POST %s: the job says no %q:\n%s", tc.path, want, page)
			}
		}
		if strings.Contains(page, typed) || strings.Contains(page, url.QueryEscape(typed)) {
			t.Errorf("POST %s shows the password", tc.path)
		}
	}
	// With the password in the environment, the page asks for none.
	t.Setenv(mailbox.PasswordEnv, "env-Pa55")
	if _, page = c.get("/periods/2023Q4"); strings.Contains(page, `name="mail_password"`) {
		t.Error("the page asks for a password the environment has")
	}
}

// TestMailByPage: the period page's buttons through real servers (mailtest): the reminders and
// the reply to the rejected unit arrive, once however often they are pressed, and fetching
// brings in a unit's return sent by mail.
func TestMailByPage(t *testing.T) {
	s := mailtest.Need(t)
	t.Setenv(mailbox.PasswordEnv, "")
	w := demoWorkspace(t, false)
	office, addr := officemail.Connect(t, s, w)
	c := serveWorkspace(t, w, nil, Limits{})
	tok := withReturns(t, c, w)
	pw := url.Values{"mail_password": {mailtest.Password}}
	for range 2 {
		_, _, loc := c.post("/periods/2023Q4/reminders/send", tok, pw)
		c.waitJob(loc)
		_, _, loc = c.post("/periods/2023Q4/replies/send", tok, pw)
		c.waitJob(loc)
	}
	s.Settle(t)
	for u, n := range map[string]int{"杨宋镇": 2, "宝山镇": 1, "区检察院": 1, "区文化和旅游局": 1, "区司法局": 0} {
		s.Delivered(t, addr[u], n)
	}
	if _, page := c.get("/periods/2023Q4"); !strings.Contains(page, "（已发送 1 封）") || !strings.Contains(page, "（本周期已发送 4 封）") {
		t.Errorf("the page does not count the messages sent")
	}

	// A unit mails its return; the page fetches it.
	raw := []byte("From: " + addr["宝山镇"] + "\r\nTo: " + office + "\r\nSubject: =?UTF-8?B?5a6d5bGx6ZWH?=\r\nDate: Sun, 07 Jan 2024 10:00:00 +0800\r\n" +
		"Message-ID: <baoshan@x>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n见附件\r\n--b\r\n" +
		"Content-Type: application/octet-stream; name=\"a.xlsx\"\r\nContent-Disposition: attachment; filename=\"a.xlsx\"\r\nContent-Transfer-Encoding: base64\r\n\r\nUEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\r\n--b--\r\n")
	s.SendRaw(t, addr["宝山镇"], []string{office}, raw)
	s.Settle(t)
	s.Delivered(t, office, 1)
	for i, want := range []string{"新收取 1 封", "新收取 0 封"} {
		code, _, loc := c.post("/periods/2023Q4/fetch", tok, pw)
		if code != http.StatusSeeOther {
			t.Fatalf("POST fetch: %d", code)
		}
		page := c.waitJob(loc)
		if !strings.Contains(page, want) || i == 0 && !strings.Contains(page, "退回  宝山镇  a.xlsx") {
			t.Errorf("fetch %d: the job says no %q:\n%s", i+1, want, page)
		}
	}
}
