package mailbox

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"planreport/inbox"
	"planreport/internal/mailtest"
)

// TestCycleByMail runs a period's mail both ways through Postfix and Dovecot: the office
// sends templates; units answer through the same SMTP server (one on time, one twice, one
// with a file that will be rejected, one not at all); the office fetches the answers, sends
// feedback and a reminder; and every rerun sends and fetches nothing new.
func TestCycleByMail(t *testing.T) {
	s := mailtest.Need(t)
	office := s.Account(t)
	set := settings(s, office)
	units := []string{"宝山镇", "怀北镇", "区司法局", "汤河口镇"}
	addr := map[string]string{}
	for _, u := range units {
		addr[u] = s.Account(t)
	}
	period := t.TempDir()
	sendLog := filepath.Join(period, SendLogName)
	send := func(msgs []Message, want string) []SendResult {
		t.Helper()
		res, err := Send(context.Background(), set, testPassword, msgs, SendOptions{Log: sendLog})
		if err != nil || statuses(res) != want {
			t.Fatalf("send: %s (%v), want %s", statuses(res), err, want)
		}
		return res
	}

	// 1. Templates.
	var tpl []Message
	for i, u := range units {
		tpl = append(tpl, unitMessage(u, addr[u], i))
	}
	send(tpl, "宝山镇:sent 怀北镇:sent 区司法局:sent 汤河口镇:sent")

	// 2. The units answer through the SMTP server, each logged in as itself.
	reply := func(unit, subject, file string, version int) {
		t.Helper()
		us := settings(s, addr[unit])
		m := Message{Kind: "报送", Unit: "办公室", To: office, Subject: subject, Body: "请查收。",
			Attachments: []Attachment{{Name: file, Data: workbook(t, unit, version)}}}
		res, err := Send(context.Background(), us, testPassword, []Message{m}, SendOptions{Log: filepath.Join(t.TempDir(), "unit.jsonl")})
		if err != nil || res[0].Status != StatusSent {
			t.Fatalf("%s cannot answer: %+v %v", unit, res, err)
		}
	}
	reply("宝山镇", "宝山镇报送", "2023Q4_宝山镇_任务进展报送表.xlsx", 1)
	reply("区司法局", "区司法局报送", "2023Q4_区司法局_任务进展报送表.xlsx", 0) // the office will reject it
	reply("怀北镇", "怀北镇报送", "2023Q4_怀北镇_任务进展报送表.xlsx", 1)
	reply("怀北镇", "怀北镇报送（更正）", "2023Q4_怀北镇_任务进展报送表.xlsx", 2)
	s.Settle(t)
	s.Delivered(t, office, 4)

	// 3. The office fetches them into the period's inbox.
	fo := FetchOptions{Since: issued, Dir: filepath.Join(period, "收件"), Log: filepath.Join(period, FetchLogName)}
	res, err := Fetch(context.Background(), set, testPassword, fo)
	if err != nil || len(res.Saved) != 4 {
		t.Fatalf("fetch: %+v %v", res, err)
	}
	items, _, _, err := inbox.Read([]string{fo.Dir}, inbox.Limits{})
	if err != nil || len(items) != 4 {
		t.Fatalf("the inbox reads %d workbooks (%v), want 4", len(items), err)
	}
	senders := map[string]int{}
	for _, it := range items {
		senders[it.Sender]++
	}
	if senders[addr["怀北镇"]] != 2 || senders[addr["宝山镇"]] != 1 || senders[addr["区司法局"]] != 1 {
		t.Errorf("senders %v", senders)
	}

	// 4. Feedback to the unit whose file was rejected (keyed on that file), a reminder to the
	// one that sent nothing.
	rejected := items[0]
	for _, it := range items {
		if it.Sender == addr["区司法局"] {
			rejected = it
		}
	}
	after := []Message{
		{Kind: "反馈", Unit: "区司法局", Key: "反馈/区司法局/" + sumOf(rejected.Data), To: addr["区司法局"], Subject: "【请修改后重新报送】区司法局2023年第四季度任务进展报送表",
			Body: "经检查有 2 处需要修改。", Attachments: []Attachment{{Name: "区司法局_反馈.xlsx", Data: workbook(t, "反馈", 1)}}},
		{Kind: "催报", Unit: "汤河口镇", To: addr["汤河口镇"], Subject: "【催报】请报送汤河口镇2023年第四季度任务进展", Body: "截至 2024-01-09，我们尚未收到贵单位的报送表。"},
	}
	feedback := send(after, "区司法局:sent 汤河口镇:sent")[0].MessageID

	// 5. Reruns: nothing new either way.
	send(tpl, "宝山镇:already-sent 怀北镇:already-sent 区司法局:already-sent 汤河口镇:already-sent")
	send(after, "区司法局:already-sent 汤河口镇:already-sent")
	res, err = Fetch(context.Background(), set, testPassword, fo)
	if err != nil || len(res.Saved) != 0 || res.Downloaded != 0 {
		t.Fatalf("fetch rerun: %+v %v", res, err)
	}

	// Every unit has exactly what was meant for it, the send log each message once.
	s.Settle(t)
	for u, n := range map[string]int{"宝山镇": 1, "怀北镇": 1, "区司法局": 2, "汤河口镇": 2} {
		got := s.Delivered(t, addr[u], n)
		if u == "区司法局" && !strings.Contains(string(got[0])+string(got[1]), "Message-ID: <"+feedback+">") {
			t.Errorf("%s did not get its feedback", u)
		}
	}
	entries, _ := ReadSendLog(sendLog)
	sent := map[string]int{}
	for _, e := range entries {
		if e.Event == eventSent {
			sent[e.MessageID]++
		}
	}
	if len(sent) != 6 {
		t.Errorf("%d messages sent, want 6", len(sent))
	}
	for id, n := range sent {
		if n != 1 {
			t.Errorf("%s sent %d times", id, n)
		}
	}
}
