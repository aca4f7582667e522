package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"planreport/demo"
	"planreport/internal/mailtest"
	"planreport/internal/mailtest/officemail"
	"planreport/mailbox"
	"planreport/plan"
	"planreport/workbook"
	"planreport/workspace"
)

// mailWorkspace is the demo's workspace with its office and every unit given a mailbox of its
// own on the test servers (officemail), but 区检察院, which has none; the password in the
// environment. It returns the office's address and each unit's.
func mailWorkspace(t *testing.T, s *mailtest.Servers) (w *workspace.Workspace, office string, units map[string]string) {
	t.Helper()
	w = workspace.Open(filepath.Join(t.TempDir(), "ws"))
	if err := os.MkdirAll(w.Dir(), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Create(w, 0, "测试"); err != nil {
		t.Fatal(err)
	}
	office, units = officemail.Connect(t, s, w)
	setEmail(t, w, "区检察院", "") // a unit the office has no address for
	delete(units, "区检察院")
	t.Setenv(mailbox.PasswordEnv, mailtest.Password)
	return w, office, units
}

// setEmail sets a unit's address in the ledger, as the office would in Excel.
func setEmail(t *testing.T, w *workspace.Workspace, unit, addr string) {
	t.Helper()
	p, err := w.ReadPlan()
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Units {
		if p.Units[i].Name == unit {
			p.Units[i].Email = addr
		}
	}
	if err := w.SavePlan(p, "测试"); err != nil {
		t.Fatal(err)
	}
}

// planreport runs the command line in this process and returns what it printed; an exit code
// other than want fails the test. The password never shows.
func planreport(t *testing.T, want int, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := exitCode(run(context.Background(), args, &stdout, &stderr), &stderr)
	out := stdout.String() + stderr.String()
	if code != want {
		t.Fatalf("planreport %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
	}
	if strings.Contains(out, mailtest.Password) {
		t.Fatalf("planreport %s shows the password:\n%s", strings.Join(args, " "), out)
	}
	return out
}

// mailJSON is what --json says of mail sent and fetched.
type mailJSON struct {
	Mail    *workspace.Sent      `json:"mail"`
	Fetched *mailbox.FetchResult `json:"fetched"`
}

func planreportJSON(t *testing.T, args ...string) mailJSON {
	t.Helper()
	var m mailJSON
	out := planreport(t, 0, append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("planreport %s --json: %v\n%s", strings.Join(args, " "), err, out)
	}
	return m
}

// statuses counts a send's outcomes: "sent=3 already-sent=1".
func statuses(s *workspace.Sent) string {
	if s == nil {
		return "none"
	}
	var parts []string
	for st, n := range s.Count() {
		parts = append(parts, fmt.Sprintf("%s=%d", st, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// sameMessage fails when a delivered message is not its draft: the same headers that make it
// (From, To, Subject, Message-ID) and the same body, byte for byte.
func sameMessage(t *testing.T, who string, delivered, draft []byte) {
	t.Helper()
	a, err := mail.ReadMessage(bytes.NewReader(delivered))
	if err != nil {
		t.Fatal(err)
	}
	b, err := mail.ReadMessage(bytes.NewReader(draft))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"From", "To", "Subject", "Message-Id", "Content-Type"} {
		if a.Header.Get(h) != b.Header.Get(h) {
			t.Errorf("%s: %s %q, the draft's %q", who, h, a.Header.Get(h), b.Header.Get(h))
		}
	}
	if b.Header.Get("X-Unsent") != "1" || a.Header.Get("X-Unsent") != "" || a.Header.Get("Date") == "" {
		t.Errorf("%s: the draft is not marked unsent, or the message is not dated", who)
	}
	var x, y bytes.Buffer
	x.ReadFrom(a.Body)
	y.ReadFrom(b.Body)
	crlf := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) } // a maildir keeps LF
	if !bytes.Equal(crlf(x.Bytes()), crlf(y.Bytes())) || y.Len() == 0 {
		t.Errorf("%s: the message's body differs from its draft's", who)
	}
}

// returnsByMail are the demo's returns for a period as its units send them through SMTP:
// each file from the unit's own address, dated when the demo says it was sent (the emails
// the demo writes go as they are, the workbooks attached to one). Resubmissions come second.
func returnsByMail(t *testing.T, w *workspace.Workspace, office string, units map[string]string, period plan.Period) (first, again []rawMail) {
	t.Helper()
	p, err := w.ReadPlan()
	if err != nil {
		t.Fatal(err)
	}
	unitOf := map[string]string{}
	for _, it := range w.IssuedTemplates(p, period) {
		unitOf[strings.TrimSuffix(filepath.Base(it.Path), ".xlsx")] = it.Unit
	}
	dir, _, err := demo.Returns(w, period)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		base := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		resubmitted := strings.HasSuffix(base, "（修改后）")
		unit := unitOf[strings.TrimSuffix(base, "（修改后）")]
		if unit == "" {
			t.Fatalf("whose is %s?", f)
		}
		raw := data
		if filepath.Ext(f) == ".xlsx" {
			st, _ := os.Stat(f)
			raw, err = mailbox.Bytes(mailbox.Message{From: units[unit], To: office, Subject: unit + "报送表",
				Body: "请查收。", Attachments: []mailbox.Attachment{{Name: filepath.Base(f), Data: data}}}, st.ModTime(), 0)
			if err != nil {
				t.Fatal(err)
			}
		}
		m := rawMail{unit: unit, from: units[unit], raw: raw}
		if resubmitted {
			again = append(again, m)
		} else {
			first = append(first, m)
		}
	}
	return first, again
}

type rawMail struct {
	unit, from string
	raw        []byte
}

// TestMailCycle runs the demo's 2023Q4 cycle by mail, through Postfix and Dovecot: the office
// sends the templates; the units send their returns back through SMTP (one rejected, two
// rejected and then sent again corrected, three not at all); collect --imap fetches them and
// --send replies to the rejected; status --send reminds the missing and the rejected. Every
// rerun sends and fetches nothing new, and the send log, the fetch log, the archive and the
// units' mailboxes hold every message exactly once.
func TestMailCycle(t *testing.T) {
	s := mailtest.Need(t)
	w, office, units := mailWorkspace(t, s)
	q4 := plan.Period{Kind: plan.Quarterly, Year: 2023, N: 4}
	ws := []string{"-w", w.Dir(), "--period", "2023Q4"}
	cmd := func(name string, more ...string) []string { return append(append([]string{name}, ws...), more...) }

	// 1. The templates go to the 52 units with an address; the one without is listed. One
	// address the server refuses: the rest go, the run fails; once the ledger has it right,
	// the next run sends that one only.
	setEmail(t, w, "区财政局", "refused-"+units["区财政局"])
	out := planreport(t, 1, cmd("templates", "--due", "2024-01-08", "--send")...)
	for _, want := range []string{"截止日期 2024-01-08", "邮件草稿：52 封", "发送模板邮件：已发送 51 封，未发出 1 封（再次运行时重发），没有邮箱 1 封。",
		"  已发送  宝山镇  " + units["宝山镇"], "  没有邮箱  区检察院：没有填写邮箱地址，未发送：请在计划台账「单位」表填写该单位的电子邮箱",
		"  未发出  区财政局  refused-" + units["区财政局"] + "：发信服务器拒收此收件人", "发送记录：", "1 封邮件未发出，再次运行时重发"} {
		if !strings.Contains(out, want) {
			t.Errorf("templates --send says no %q:\n%s", want, out)
		}
	}
	setEmail(t, w, "区财政局", units["区财政局"])
	out = planreport(t, 0, cmd("templates", "--send")...)
	if !strings.Contains(out, "发送模板邮件：已发送 1 封，此前已发送 51 封（不再发送），没有邮箱 1 封。") || !strings.Contains(out, "  已发送  区财政局  "+units["区财政局"]) {
		t.Errorf("templates --send once the address is right:\n%s", out)
	}
	s.Settle(t)
	tpl := s.Delivered(t, units["宝山镇"], 1)[0]
	draft, err := os.ReadFile(filepath.Join(w.TemplatesDir(q4), workspace.DraftsDir, "2023Q4_宝山镇_任务进展报送表.eml"))
	if err != nil {
		t.Fatal(err)
	}
	sameMessage(t, "宝山镇's template", tpl, draft)
	if h, err := mail.ReadMessage(bytes.NewReader(tpl)); err != nil {
		t.Fatal(err)
	} else if from, err := mail.ParseAddress(h.Header.Get("From")); err != nil || from.Name != demo.Office.Name || from.Address != office {
		t.Errorf("the template comes from %v (%v), want %s <%s>", from, err, demo.Office.Name, office)
	}

	// 2. The units send their returns back, each logged in as itself; an unrelated message
	// arrives too.
	first, again := returnsByMail(t, w, office, units, q4)
	if len(first) != 50 || len(again) != 2 {
		t.Fatalf("the demo's units send %d returns and %d again, want 50 and 2", len(first), len(again))
	}
	for _, r := range first {
		s.SendRaw(t, r.from, []string{office}, r.raw)
	}
	s.SendRaw(t, units["区财政局"], []string{office}, []byte("From: "+units["区财政局"]+"\r\nTo: "+office+"\r\nSubject: notice\r\nDate: Mon, 08 Jan 2024 09:00:00 +0800\r\nMessage-ID: <notice@x>\r\n\r\nNo attachment.\r\n"))
	s.Settle(t)
	s.Delivered(t, office, 51)

	// 3. collect --imap --send: 50 fetched and collected; the three rejected get their replies.
	m := planreportJSON(t, cmd("collect", "--imap", "--send")...)
	if f := m.Fetched; f == nil || len(f.Saved) != 50 || f.Examined != 51 || f.Relevant != 50 || f.Downloaded != 50 {
		t.Fatalf("collect --imap fetched %+v", f)
	}
	if got := statuses(m.Mail); got != "sent=3" {
		t.Fatalf("collect --send: %s", got)
	}
	replied := map[string]bool{}
	for _, r := range m.Mail.Results {
		replied[r.Unit] = true
	}
	if !replied["杨宋镇"] || !replied["区交通局"] || !replied["区生态环境局"] {
		t.Errorf("replies went to %v", replied)
	}
	s.Settle(t)
	reply, err := os.ReadFile(filepath.Join(w.FeedbackDir(q4), workspace.DraftsDir, "杨宋镇_退回修改.eml"))
	if err != nil {
		t.Fatal(err)
	}
	sameMessage(t, "杨宋镇's reply", withID(t, s.Delivered(t, units["杨宋镇"], 2), reply), reply)

	// 4. Two units send corrected returns: the next run fetches those two only; they are
	// accepted, and the one still rejected is not replied to again.
	for _, r := range again {
		s.SendRaw(t, r.from, []string{office}, r.raw)
	}
	s.Settle(t)
	s.Delivered(t, office, 53)
	out = planreport(t, 0, cmd("collect", "--imap", "--send")...)
	for _, want := range []string{"新收取 2 封", "本次收到 2 份新文件", "接收  区交通局", "接收  区生态环境局", "发送回复邮件：此前已发送 1 封（不再发送）。"} {
		if !strings.Contains(out, want) {
			t.Errorf("the second collect says no %q:\n%s", want, out)
		}
	}

	// 5. Reminders, dated: the two missing with an address and the one rejected. A dry run
	// lists them, needs no password, sends nothing and logs nothing; without a password, or
	// with a wrong one, nothing goes either.
	log, _ := os.ReadFile(w.SendLogPath(q4))
	t.Setenv(mailbox.PasswordEnv, "")
	m = planreportJSON(t, cmd("status", "--dry-run", "--date", "2024-01-09")...)
	if got := statuses(m.Mail); got != "no-address=1 would-send=3" || !m.Mail.DryRun {
		t.Errorf("status --dry-run: %s", got)
	}
	if out := planreport(t, 1, cmd("status", "--send", "--date", "2024-01-09")...); !strings.Contains(out, "没有邮箱密码：请设置环境变量 PLANREPORT_MAIL_PASSWORD") {
		t.Errorf("status --send without a password:\n%s", out)
	}
	t.Setenv(mailbox.PasswordEnv, "wrong-Pa55")
	out = planreport(t, 1, cmd("status", "--send", "--date", "2024-01-09")...)
	if !strings.Contains(out, "未发出  宝山镇") || !strings.Contains(out, "拒绝登录：账号 "+office+" 或密码不正确") || strings.Contains(out, "wrong-Pa55") {
		t.Errorf("status --send with a wrong password:\n%s", out)
	}
	if after, _ := os.ReadFile(w.SendLogPath(q4)); !bytes.Equal(log, after) {
		t.Error("a dry run, or a run without the password, wrote to the send log")
	}
	t.Setenv(mailbox.PasswordEnv, mailtest.Password)
	m = planreportJSON(t, cmd("status", "--send", "--date", "2024-01-09")...)
	if got := statuses(m.Mail); got != "no-address=1 sent=3" {
		t.Fatalf("status --send: %s", got)
	}

	// 6. Reruns send and fetch nothing new.
	if got := statuses(planreportJSON(t, cmd("templates", "--send")...).Mail); got != "already-sent=52 no-address=1" {
		t.Errorf("templates --send again: %s", got)
	}
	m = planreportJSON(t, cmd("collect", "--imap", "--send")...)
	if f := m.Fetched; f == nil || len(f.Saved) != 0 || f.Downloaded != 0 || f.Examined != 0 || statuses(m.Mail) != "already-sent=1" {
		t.Errorf("collect --imap --send again: %+v, %s", f, statuses(m.Mail))
	}
	if got := statuses(planreportJSON(t, cmd("status", "--send", "--date", "2024-01-09")...).Mail); got != "already-sent=3 no-address=1" {
		t.Errorf("status --send again: %s", got)
	}
	// A reminder dated another day is another reminder; --resend sends one again, once.
	if got := statuses(planreportJSON(t, cmd("status", "--send", "--date", "2024-01-10")...).Mail); got != "no-address=1 sent=3" {
		t.Errorf("status --send the next day: %s", got)
	}
	out = planreport(t, 0, cmd("status", "--resend", "宝山镇", "--resend", "区司法局", "--date", "2024-01-10")...)
	if !strings.Contains(out, "已发送  宝山镇") || !strings.Contains(out, "发送催报邮件：已发送 1 封，此前已发送 2 封（不再发送），没有邮箱 1 封。要重发的单位中，区司法局本次没有要发给它的邮件。") ||
		!strings.Contains(out, "  没有邮箱  区检察院") {
		t.Errorf("status --resend 宝山镇 --resend 区司法局:\n%s", out)
	}
	if out := planreport(t, 1, cmd("status", "--resend", "宝山", "--date", "2024-01-10")...); !strings.Contains(out, "要重发的单位“宝山”不在计划台账的「单位」表中") {
		t.Errorf("status --resend 宝山:\n%s", out)
	}

	// Every unit's mailbox holds what was meant for it, once.
	s.Settle(t)
	for u, addr := range units {
		want := 1 // the template
		switch u {
		case "宝山镇": // missing: three reminders (one sent again)
			want = 4
		case "区文化和旅游局": // missing: two reminders
			want = 3
		case "杨宋镇": // rejected: the reply and two reminders
			want = 4
		case "区交通局", "区生态环境局": // rejected, then accepted: the reply
			want = 2
		}
		s.Delivered(t, addr, want)
	}

	// The send log has each message sent once: 52 templates, 3 replies, 6 + 1 reminders.
	entries, err := mailbox.ReadSendLog(w.SendLogPath(q4))
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string]int{}
	kinds := map[string]int{}
	for _, e := range entries {
		if e.Event == "sent" {
			sent[e.MessageID]++
			kinds[e.Kind]++
		}
		if e.Event == "failed" && e.To[0] != "refused-"+units["区财政局"] {
			t.Errorf("failed: %+v", e)
		}
	}
	if len(sent) != 62 || kinds[mailbox.KindTemplate] != 52 || kinds[mailbox.KindReply] != 3 || kinds[mailbox.KindReminder] != 7 {
		t.Errorf("the send log has %d messages sent (%v), want 62", len(sent), kinds)
	}
	for id, n := range sent {
		if n != 1 {
			t.Errorf("%s sent %d times", id, n)
		}
	}
	// The fetch log has each message saved once, the archive each original once, the record
	// each return once.
	fetched, err := mailbox.ReadFetchLog(w.FetchLogPath(q4))
	if err != nil {
		t.Fatal(err)
	}
	saved := map[uint32]int{}
	for _, e := range fetched {
		if e.Event == "saved" {
			saved[e.UID]++
		}
	}
	originals, _ := filepath.Glob(filepath.Join(w.PeriodDir(q4), workbook.OriginalsDir, "*.eml"))
	inboxed, _ := filepath.Glob(filepath.Join(w.InboxDir(q4), "*.eml"))
	coll, err := w.Collection(q4)
	if err != nil {
		t.Fatal(err)
	}
	if len(saved) != 52 || len(inboxed) != 52 || len(originals) != 52 || len(coll.Originals) != 52 || len(coll.Submissions) != 52 {
		t.Errorf("fetched %d, in the inbox %d, archived %d originals (%d recorded) and %d returns; want 52 each",
			len(saved), len(inboxed), len(originals), len(coll.Originals), len(coll.Submissions))
	}
	for uid, n := range saved {
		if n != 1 {
			t.Errorf("UID %d saved %d times", uid, n)
		}
	}
	st, err := w.Status(q4)
	if err != nil {
		t.Fatal(err)
	}
	n := workspace.Count(st.Units)
	if n[workbook.Rejected] != 1 || n[workbook.Missing] != 3 || n[workbook.OnTime]+n[workbook.Late] != 49 {
		t.Errorf("states %v", n)
	}
}

// withID is the message of msgs with the draft's Message-ID.
func withID(t *testing.T, msgs [][]byte, draft []byte) []byte {
	t.Helper()
	d, err := mail.ReadMessage(bytes.NewReader(draft))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if a, err := mail.ReadMessage(bytes.NewReader(m)); err == nil && a.Header.Get("Message-Id") == d.Header.Get("Message-Id") {
			return m
		}
	}
	t.Fatalf("no message has the draft's Message-ID %s", d.Header.Get("Message-Id"))
	return nil
}
