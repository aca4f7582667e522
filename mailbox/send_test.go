package mailbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planreport/internal/mailtest"
)

// unitMessage is a template message to a unit at addr.
func unitMessage(unit, addr string, n int) Message {
	return Message{
		Kind: "模板", Unit: unit, Key: "模板/" + unit, To: addr,
		Subject: fmt.Sprintf("【请于2024年1月8日前报送】%s2023年第四季度任务进展报送表", unit),
		Body:    fmt.Sprintf("%s：\n\n您好！现将报送表发给贵单位，共 %d 项任务。\n", unit, n),
		Attachments: []Attachment{{Name: "2023Q4_" + unit + "_任务进展报送表.xlsx",
			Data: bytes.Repeat([]byte(unit), 1000+n)}},
	}
}

// sends counts the "sending" entries of each unit in a send log: each is one attempt.
func sends(t *testing.T, log string) map[string]int {
	t.Helper()
	entries, err := ReadSendLog(log)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, e := range entries {
		if e.Event == eventSending {
			n[e.Unit]++
		}
	}
	return n
}

func statuses(rs []SendResult) string {
	var s []string
	for _, r := range rs {
		s = append(s, r.Unit+":"+string(r.Status))
	}
	return strings.Join(s, " ")
}

func TestSendAndRerun(t *testing.T) {
	s := mailtest.Need(t)
	office := s.Account(t)
	set := settings(s, office)
	units := []string{"宝山镇", "区司法局", "怀北镇"}
	addrs := map[string]string{}
	var msgs []Message
	for i, u := range units {
		addrs[u] = s.Account(t)
		msgs = append(msgs, unitMessage(u, addrs[u], i))
	}
	msgs = append(msgs, Message{Kind: "模板", Unit: "汤河口镇", Key: "模板/汤河口镇", Subject: "x", Body: "y"})
	log := filepath.Join(t.TempDir(), "2023Q4", SendLogName)

	// A dry run lists what would go and sends nothing.
	res, err := Send(context.Background(), set, testPassword, msgs, SendOptions{Log: log, DryRun: true})
	if err != nil || statuses(res) != "宝山镇:would-send 区司法局:would-send 怀北镇:would-send 汤河口镇:no-address" {
		t.Fatalf("dry run: %s (%v)", statuses(res), err)
	}
	if !strings.Contains(res[3].Problem, "没有填写邮箱地址") {
		t.Errorf("no address: %q", res[3].Problem)
	}
	if _, err := os.Stat(log); err == nil {
		t.Fatal("a dry run wrote the send log")
	}

	var progress []string
	res, err = Send(context.Background(), set, testPassword, msgs, SendOptions{Log: log,
		Progress: func(r SendResult) { progress = append(progress, r.Unit) }})
	if err != nil || statuses(res) != "宝山镇:sent 区司法局:sent 怀北镇:sent 汤河口镇:no-address" {
		t.Fatalf("send: %s (%v)", statuses(res), err)
	}
	if len(progress) != 4 {
		t.Errorf("progress for %v", progress)
	}
	for i, u := range units {
		got := s.Delivered(t, addrs[u], 1)[0]
		m := msgs[i] // Send fills in the sender from the settings
		m.From, m.FromName = set.FromAddress(), set.FromName
		draft, _ := Draft(m)
		sameAsDraft(t, u, got, draft)
		if !strings.Contains(string(got), "<"+res[i].MessageID+">") {
			t.Errorf("%s: Message-ID %s not in what arrived", u, res[i].MessageID)
		}
	}
	// The log: a "sending" and a "sent" each, with every attachment's SHA-256.
	entries, _ := ReadSendLog(log)
	if len(entries) != 6 {
		t.Fatalf("%d log entries, want 6", len(entries))
	}
	for i, e := range entries {
		want := eventSending
		if i%2 == 1 {
			want = eventSent
		}
		if e.Event != want || e.Unit != units[i/2] || e.To[0] != addrs[units[i/2]] || e.MessageID != res[i/2].MessageID || e.Subject != msgs[i/2].Subject {
			t.Errorf("entry %d: %+v", i, e)
		}
		if i%2 == 0 && (len(e.Attachments) != 1 || len(e.Attachments[0].SHA256) != 64 || e.Attachments[0].Name != msgs[i/2].Attachments[0].Name) {
			t.Errorf("entry %d attachments %+v", i, e.Attachments)
		}
	}

	// A rerun sends nothing; a changed message under the same key is reported, not sent.
	changed := append([]Message(nil), msgs...)
	changed[1].Body += "（更新）"
	res, err = Send(context.Background(), set, testPassword, changed, SendOptions{Log: log})
	if err != nil || statuses(res) != "宝山镇:already-sent 区司法局:already-sent 怀北镇:already-sent 汤河口镇:no-address" {
		t.Fatalf("rerun: %s (%v)", statuses(res), err)
	}
	if res[0].Changed || !res[1].Changed || !strings.Contains(res[1].Problem, "--resend 区司法局") || res[0].SentAt.IsZero() {
		t.Errorf("rerun: changed %v %v, problem %q", res[0].Changed, res[1].Changed, res[1].Problem)
	}
	// --resend is the deliberate way: a new Message-ID, one more message.
	res, err = Send(context.Background(), set, testPassword, changed, SendOptions{Log: log, Resend: []string{"区司法局"}})
	if err != nil || statuses(res) != "宝山镇:already-sent 区司法局:sent 怀北镇:already-sent 汤河口镇:no-address" {
		t.Fatalf("resend: %s (%v)", statuses(res), err)
	}
	if res[1].MessageID == changed[1].MessageID(0) {
		t.Error("the resend has the first message's Message-ID")
	}
	s.Settle(t)
	for _, u := range units {
		want := 1
		if u == "区司法局" {
			want = 2
		}
		s.Delivered(t, addrs[u], want)
	}
	if got := sends(t, log); got["宝山镇"] != 1 || got["区司法局"] != 2 || got["怀北镇"] != 1 {
		t.Errorf("attempts %v", got)
	}
}

func TestSendRefusedBusyDropped(t *testing.T) {
	s := mailtest.Need(t)
	set := settings(s, s.Account(t))
	good := []string{s.Account(t), s.Account(t), s.Account(t)}
	refused, busy, drop := "refused-"+good[0], "busy-"+good[0], "drop-"+good[0]
	msgs := []Message{
		unitMessage("宝山镇", good[0], 1),
		unitMessage("区司法局", refused, 2),
		unitMessage("怀北镇", busy, 3),
		unitMessage("渤海镇", drop, 4),
		unitMessage("桥梓镇", good[1], 5),
		unitMessage("雁栖镇", good[2], 6),
	}
	log := filepath.Join(t.TempDir(), SendLogName)
	res, err := Send(context.Background(), set, testPassword, msgs, SendOptions{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	want := "宝山镇:sent 区司法局:failed 怀北镇:failed 渤海镇:failed 桥梓镇:sent 雁栖镇:sent"
	if statuses(res) != want {
		t.Fatalf("results %s, want %s", statuses(res), want)
	}
	for _, c := range []struct {
		i         int
		code      int
		temporary bool
		problem   string
	}{
		{1, 554, false, "拒收此收件人"},
		{2, 450, true, "暂时不接收"},
		{3, 421, true, "中断了连接"},
	} {
		r := res[c.i]
		if r.Code != c.code || r.Temporary != c.temporary || !strings.Contains(r.Problem, c.problem) {
			t.Errorf("%s: code %d temporary %v problem %q", r.Unit, r.Code, r.Temporary, r.Problem)
		}
	}
	for _, a := range good {
		s.Delivered(t, a, 1)
	}
	entries, _ := ReadSendLog(log)
	var refusedLogged bool
	for _, e := range entries {
		if e.Event == eventFailed && e.Unit == "区司法局" && len(e.Refused) == 1 && e.Refused[0].Address == refused && e.Code == 554 {
			refusedLogged = true
		}
	}
	if !refusedLogged {
		t.Errorf("the refused address is not in the log: %+v", entries)
	}

	// The rerun tries only the three that failed.
	res, err = Send(context.Background(), set, testPassword, msgs, SendOptions{Log: log})
	if err != nil || statuses(res) != "宝山镇:already-sent 区司法局:failed 怀北镇:failed 渤海镇:failed 桥梓镇:already-sent 雁栖镇:already-sent" {
		t.Fatalf("rerun: %s (%v)", statuses(res), err)
	}
	got := sends(t, log)
	for unit, n := range map[string]int{"宝山镇": 1, "区司法局": 2, "怀北镇": 2, "渤海镇": 2, "桥梓镇": 1, "雁栖镇": 1} {
		if got[unit] != n {
			t.Errorf("%s tried %d times, want %d", unit, got[unit], n)
		}
	}
	s.Settle(t)
	for _, a := range good {
		s.Delivered(t, a, 1)
	}
}

func TestSendThrottled(t *testing.T) {
	s := mailtest.Need(t)
	set := settings(s, s.Account(t))
	set.SMTP.Port = s.ThrottlePort
	var msgs []Message
	var addrs []string
	for i := range mailtest.ThrottleLimit + 2 {
		addrs = append(addrs, s.Account(t))
		msgs = append(msgs, unitMessage(fmt.Sprintf("单位%d", i), addrs[i], i))
	}
	log := filepath.Join(t.TempDir(), SendLogName)
	start := time.Now()
	res, err := Send(context.Background(), set, testPassword, msgs, SendOptions{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	sent, throttled := 0, 0
	for _, r := range res {
		switch {
		case r.Status == StatusSent:
			sent++
		case r.Status == StatusFailed && r.Temporary && r.Code == 450 && strings.Contains(r.Problem, "限流"):
			throttled++
		default:
			t.Errorf("%s: %s %d %q", r.Unit, r.Status, r.Code, r.Problem)
		}
	}
	if sent != mailtest.ThrottleLimit || throttled != 2 {
		t.Fatalf("%d sent and %d throttled, want %d and 2", sent, throttled, mailtest.ThrottleLimit)
	}
	// Once the server's time unit has passed, the rerun sends the rest, and only the rest.
	time.Sleep(time.Until(start.Add(mailtest.ThrottleUnit + 500*time.Millisecond)))
	res, err = Send(context.Background(), set, testPassword, msgs, SendOptions{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if want := "单位0:already-sent 单位1:already-sent 单位2:already-sent 单位3:sent 单位4:sent"; statuses(res) != want {
		t.Errorf("rerun %s, want %s", statuses(res), want)
	}
	s.Settle(t)
	for _, a := range addrs {
		s.Delivered(t, a, 1)
	}
}

func TestSendServerGoesDown(t *testing.T) {
	s := mailtest.Need(t)
	set := settings(s, s.Account(t))
	var msgs []Message
	var addrs []string
	for i := range 5 {
		addrs = append(addrs, s.Account(t))
		msgs = append(msgs, unitMessage(fmt.Sprintf("单位%d", i), addrs[i], i))
	}
	log := filepath.Join(t.TempDir(), SendLogName)
	// The server stops after the second message: the rest fail, each said so.
	n := 0
	res, err := Send(context.Background(), set, testPassword, msgs, SendOptions{Log: log, Progress: func(r SendResult) {
		if n++; n == 2 {
			s.PostfixStop()
		}
	}})
	defer func() {
		if !s.PostfixUp {
			if err := s.PostfixStart(); err != nil {
				t.Fatal(err)
			}
		}
	}()
	if !errors.Is(err, ErrConnect) || !strings.Contains(err.Error(), "连接被拒绝") {
		t.Errorf("error %v", err)
	}
	if want := "单位0:sent 单位1:sent 单位2:failed 单位3:failed 单位4:failed"; statuses(res) != want {
		t.Fatalf("results %s, want %s", statuses(res), want)
	}
	for _, r := range res[2:] {
		if !r.Temporary || !strings.Contains(r.Problem, "再次运行时发送") {
			t.Errorf("%s: %q", r.Unit, r.Problem)
		}
	}
	// The server is back: the rerun sends the three, and each unit has its one message.
	if err := s.PostfixStart(); err != nil {
		t.Fatal(err)
	}
	res, err = Send(context.Background(), set, testPassword, msgs, SendOptions{Log: log})
	if err != nil || statuses(res) != "单位0:already-sent 单位1:already-sent 单位2:sent 单位3:sent 单位4:sent" {
		t.Fatalf("rerun: %s (%v)", statuses(res), err)
	}
	s.Settle(t)
	for _, a := range addrs {
		s.Delivered(t, a, 1)
	}
	if got := sends(t, log); got["单位0"] != 1 || got["单位2"] != 1 {
		t.Errorf("attempts %v (a message not sent for want of a connection is not attempted)", got)
	}
}

func TestSendLoginAndTLS(t *testing.T) {
	s := mailtest.Need(t)
	account := s.Account(t)
	to := s.Account(t)
	for _, c := range []struct {
		name     string
		settings func(*Settings)
		password Password
		kind     error
		problem  []string
	}{
		{"wrong password", nil, "wrong-password", ErrLogin, []string{"拒绝登录", account, PasswordEnv}},
		{"server down", func(st *Settings) { st.SMTP.Port = s.IMAPSPort + 1000 }, testPassword, ErrConnect, []string{"连接被拒绝", "端口"}},
		{"implicit TLS, self-signed", func(st *Settings) { st.SMTP = Server{Host: "127.0.0.1", Port: s.SMTPSPort, TLS: TLSImplicit} }, testPassword,
			ErrTLS, []string{"不受本机信任", Fingerprint(s.Cert), `"fingerprint"`}},
		{"implicit TLS, pinned", func(st *Settings) {
			st.SMTP = Server{Host: "127.0.0.1", Port: s.SMTPSPort, TLS: TLSImplicit, Fingerprint: Fingerprint(s.Cert)}
		}, testPassword, nil, nil},
		{"STARTTLS, pinned without colons", func(st *Settings) {
			st.SMTP = Server{Host: "127.0.0.1", Port: s.SMTPPort, TLS: TLSStart, Fingerprint: strings.ToLower(strings.ReplaceAll(Fingerprint(s.Cert), ":", ""))}
		}, testPassword, nil, nil},
		{"STARTTLS, another certificate pinned", func(st *Settings) {
			st.SMTP = Server{Host: "127.0.0.1", Port: s.SMTPPort, TLS: TLSStart, Fingerprint: strings.Repeat("AB:", 31) + "AB"}
		}, testPassword, ErrTLS, []string{"不一致", Fingerprint(s.Cert)}},
		{"TLS on the plain port", func(st *Settings) { st.SMTP = Server{Host: "127.0.0.1", Port: s.SMTPPort, TLS: TLSImplicit} }, testPassword,
			ErrTLS, []string{"不是加密端口"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			set := settings(s, account)
			if c.settings != nil {
				c.settings(&set)
			}
			m := unitMessage("宝山镇", to, 0)
			m.Key = c.name
			log := filepath.Join(t.TempDir(), SendLogName)
			res, err := Send(context.Background(), set, c.password, []Message{m}, SendOptions{Log: log})
			if c.kind == nil {
				if err != nil || res[0].Status != StatusSent {
					t.Fatalf("%v %+v", err, res)
				}
				return
			}
			if !errors.Is(err, c.kind) {
				t.Fatalf("error %v, want %v", err, c.kind)
			}
			for _, w := range c.problem {
				if !strings.Contains(err.Error(), w) || !strings.Contains(res[0].Problem, w) {
					t.Errorf("%q or %q does not say %q", err, res[0].Problem, w)
				}
			}
			js, _ := json.Marshal(res)
			for _, text := range []string{err.Error(), string(js), fmt.Sprintf("%v %+v %#v", err, res, set)} {
				if strings.Contains(text, string(c.password)) || strings.Contains(text, testPassword) {
					t.Errorf("the password shows in %q", text)
				}
			}
			if res[0].Status != StatusFailed {
				t.Errorf("status %s", res[0].Status)
			}
			if got := sends(t, log); len(got) != 0 {
				t.Errorf("attempts %v before a connection", got)
			}
		})
	}
	s.Settle(t)
	s.Delivered(t, to, 2) // the two that went through TLS
}

func TestSendUnconfirmed(t *testing.T) {
	s := mailtest.Need(t)
	set := settings(s, s.Account(t))
	to := s.Account(t)
	m := unitMessage("宝山镇", to, 0)
	log := filepath.Join(t.TempDir(), SendLogName)
	// The program stopped after the message's "sending" was written: it may have gone.
	// Then a crash cut the next line short.
	e := SendEntry{Time: time.Now(), Event: eventSending, Key: m.Key, Kind: m.Kind, Unit: m.Unit, To: []string{to}, MessageID: m.MessageID(0), Sum: m.Sum()}
	line, _ := json.Marshal(e)
	if err := os.WriteFile(log, append(append(line, '\n'), []byte(`{"time":"2024-01-0`)...), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Send(context.Background(), set, testPassword, []Message{m}, SendOptions{Log: log})
	if err != nil || res[0].Status != StatusUnconfirmed || !strings.Contains(res[0].Problem, "--resend 宝山镇") {
		t.Fatalf("%v %+v", err, res)
	}
	data, _ := os.ReadFile(log)
	if !bytes.HasSuffix(data, []byte("}\n")) {
		t.Errorf("the cut line is still there: %q", data)
	}
	res, err = Send(context.Background(), set, testPassword, []Message{m}, SendOptions{Log: log, Resend: []string{"宝山镇"}})
	if err != nil || res[0].Status != StatusSent || res[0].MessageID == m.MessageID(0) {
		t.Fatalf("%v %+v", err, res)
	}
	s.Delivered(t, to, 1)
	// A log someone edited by hand stops sending rather than risk a double.
	os.WriteFile(log, append(data, []byte("not json\n")...), 0o644)
	if _, err := Send(context.Background(), set, testPassword, []Message{m}, SendOptions{Log: log}); !errors.Is(err, ErrLog) || !strings.Contains(err.Error(), "请勿手工修改") {
		t.Errorf("edited log: %v", err)
	}
}

// sameAsDraft checks that a message as it arrived is its draft but for X-Unsent, the Date and
// the servers' trace headers: every header line of the draft, and the same MIME body.
func sameAsDraft(t *testing.T, who string, got, draft []byte) {
	t.Helper()
	lf := func(b []byte) string { return strings.ReplaceAll(string(b), "\r\n", "\n") }
	gh, gb, _ := strings.Cut(lf(got), "\n\n")
	dh, db, _ := strings.Cut(lf(draft), "\n\n")
	if gb != db {
		t.Errorf("%s: the body that arrived differs from the draft's", who)
	}
	unfold := func(h string) []string { return strings.Split(strings.ReplaceAll(h, "\n ", " "), "\n") }
	have := map[string]bool{}
	for _, l := range unfold(gh) {
		have[l] = true
	}
	for _, l := range unfold(dh) {
		if l != "X-Unsent: 1" && !have[l] {
			t.Errorf("%s: the draft's header %q did not arrive", who, l)
		}
	}
	if have["X-Unsent: 1"] {
		t.Errorf("%s: X-Unsent arrived", who)
	}
}

func TestSendOutcomeUnknown(t *testing.T) {
	s := mailtest.Need(t)
	set := settings(s, s.Account(t))
	set.SMTP.Port = s.SlowPort
	to := s.Account(t)
	m := unitMessage("宝山镇", to, 0)
	m.From = set.From // as the draft has it: the Message-ID below is the one sent
	log := filepath.Join(t.TempDir(), SendLogName)
	// The server has the whole message and waits before it answers; then it dies. Whether
	// the message went, the program cannot know.
	killed := make(chan int, 1)
	go func() {
		// Postfix logs the Message-ID as the message comes in; its last byte follows at once
		// (the message is small), and then the server waits mailtest.SlowReply.
		deadline := time.Now().Add(mailtest.SlowReply)
		for time.Now().Before(deadline) {
			log, _ := os.ReadFile(filepath.Join(s.Dir, "postfix.log"))
			if bytes.Contains(log, []byte(m.MessageID(0))) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond)
		killed <- s.KillSMTPSessions(t)
	}()
	res, err := Send(context.Background(), set, testPassword, []Message{m}, SendOptions{Log: log})
	if n := <-killed; n == 0 {
		t.Fatal("no smtpd process to kill")
	}
	if err != nil || res[0].Status != StatusUnconfirmed || !strings.Contains(res[0].Problem, "已全部交给服务器") || !strings.Contains(res[0].Problem, "--resend 宝山镇") {
		t.Fatalf("%v %+v", err, res)
	}
	// The rerun does not send it by itself; --resend does.
	set.SMTP.Port = s.SMTPPort
	res, err = Send(context.Background(), set, testPassword, []Message{m}, SendOptions{Log: log})
	if err != nil || res[0].Status != StatusUnconfirmed {
		t.Fatalf("rerun: %v %+v", err, res)
	}
	res, err = Send(context.Background(), set, testPassword, []Message{m}, SendOptions{Log: log, Resend: []string{"宝山镇"}})
	if err != nil || res[0].Status != StatusSent {
		t.Fatalf("resend: %v %+v", err, res)
	}
	s.Settle(t)
	s.Delivered(t, to, 1)
	if got := sends(t, log); got["宝山镇"] != 2 {
		t.Errorf("attempts %v, want 2", got)
	}
}

func TestSendOneRunAtATime(t *testing.T) {
	log := filepath.Join(t.TempDir(), SendLogName)
	other, err := openSendLog(log, false) // another run holds the log
	if err != nil {
		t.Fatal(err)
	}
	set := Settings{SMTP: Server{Host: "127.0.0.1", Port: 1, TLS: TLSNone}, IMAP: Server{Host: "127.0.0.1", Port: 1, TLS: TLSNone}, Account: "a@example.gov.cn"}
	_, err = Send(context.Background(), set, "pw", []Message{unitMessage("宝山镇", "bs@example.gov.cn", 0)}, SendOptions{Log: log})
	if !errors.Is(err, ErrLog) || !strings.Contains(err.Error(), "另一个 planreport 正在使用发送记录") {
		t.Errorf("a second run: %v", err)
	}
	other.close()
	_, err = Send(context.Background(), set, "pw", []Message{unitMessage("宝山镇", "bs@example.gov.cn", 0)}, SendOptions{Log: log})
	if !errors.Is(err, ErrConnect) {
		t.Errorf("after the first run ended: %v", err)
	}
}

func TestSendThirtyAttachments(t *testing.T) {
	s := mailtest.Need(t)
	set := settings(s, s.Account(t))
	to := s.Account(t)
	m := Message{Kind: "反馈", Unit: "宝山镇", To: to, Subject: "30 个附件", Body: "见附件。"}
	for i := range 30 {
		m.Attachments = append(m.Attachments, Attachment{Name: fmt.Sprintf("第%02d号_反馈表.xlsx", i+1), Data: bytes.Repeat([]byte{byte(i)}, 10000*(i+1))})
	}
	// Twice as much is over Postfix's limit (10 MB): refused, and said so.
	big := m
	big.Unit, big.Attachments = "怀北镇", append(append([]Attachment(nil), m.Attachments...), m.Attachments...)
	res, err := Send(context.Background(), set, testPassword, []Message{m, big}, SendOptions{Log: filepath.Join(t.TempDir(), SendLogName)})
	if err != nil || res[0].Status != StatusSent {
		t.Fatalf("%v %+v", err, res)
	}
	if r := res[1]; r.Status != StatusFailed || r.Code != 552 || r.Temporary || !strings.Contains(r.Problem, "超过发信服务器允许的大小") {
		t.Errorf("too big: %+v", r)
	}
	got := parse(t, bytes.ReplaceAll(s.Delivered(t, to, 1)[0], []byte("\r\n"), []byte("\n")))
	if len(got.names) != 30 {
		t.Fatalf("%d attachments arrived", len(got.names))
	}
	for _, a := range m.Attachments {
		if !bytes.Equal(got.attachments[a.Name], a.Data) {
			t.Errorf("%s arrived changed", a.Name)
		}
	}
}

func TestSendRefusesBadAddresses(t *testing.T) {
	// Nothing to send: no connection is made (the server's port is closed).
	set := Settings{SMTP: Server{Host: "127.0.0.1", Port: 1, TLS: TLSNone}, IMAP: Server{Host: "127.0.0.1", Port: 1, TLS: TLSNone}, Account: "fzb@example.gov.cn"}
	badFrom := unitMessage("渤海镇", "bh@example.gov.cn", 1)
	badFrom.From = "区委依法治区办\nBcc: x@example.gov.cn"
	badTo := unitMessage("宝山镇", "宝山镇办公室", 2)
	noTo := unitMessage("怀北镇", "", 3)
	res, err := Send(context.Background(), set, "pw", []Message{badFrom, badTo, noTo}, SendOptions{Log: filepath.Join(t.TempDir(), SendLogName)})
	if err != nil || statuses(res) != "渤海镇:failed 宝山镇:no-address 怀北镇:no-address" {
		t.Fatalf("%s %v", statuses(res), err)
	}
	for i, w := range []string{"发件地址“区委依法治区办 Bcc: x@example.gov.cn”格式不正确", "邮箱地址“宝山镇办公室”格式不正确", "没有填写邮箱地址"} {
		if !strings.Contains(res[i].Problem, w) || !strings.Contains(res[i].Problem, "未发送") {
			t.Errorf("%s: %q", res[i].Unit, res[i].Problem)
		}
	}
}
