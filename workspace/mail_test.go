package workspace

import (
	"strings"
	"testing"

	"planreport/mailbox"
)

// TestSentWords: what a send did, in the office's words: every message but those sent before
// and unchanged on a line, a reason said once, the total, and an error while any message did
// not go or may not have.
func TestSentWords(t *testing.T) {
	r := func(unit string, st mailbox.SendStatus, problem string, changed bool) mailbox.SendResult {
		return mailbox.SendResult{Unit: unit, To: []string{unit + "@example.gov.cn"}, Status: st, Problem: problem, Changed: changed}
	}
	down := "无法连接发信服务器 127.0.0.1:1"
	for _, c := range []struct {
		name     string
		sent     Sent
		lines    []string
		total    string
		undone   string // "" for none
		statuses []mailbox.SendStatus
	}{
		{"all went", Sent{Results: []mailbox.SendResult{r("宝山镇", mailbox.StatusSent, "", false), r("怀北镇", mailbox.StatusAlreadySent, "", false)}},
			[]string{"已发送  宝山镇  宝山镇@example.gov.cn"}, "发送模板邮件：已发送 1 封，此前已发送 1 封（不再发送）。", "", nil},
		{"server down", Sent{Results: []mailbox.SendResult{r("宝山镇", mailbox.StatusFailed, down, false), r("怀北镇", mailbox.StatusFailed, down, false),
			{Unit: "区检察院", Status: mailbox.StatusNoAddress, Problem: "没有填写邮箱地址"}}},
			[]string{"未发出  宝山镇  宝山镇@example.gov.cn：" + down, "未发出  怀北镇  怀北镇@example.gov.cn：原因同前", "没有邮箱  区检察院：没有填写邮箱地址"},
			"发送模板邮件：未发出 2 封（再次运行时重发），没有邮箱 1 封。", "2 封邮件未发出，再次运行时重发", nil},
		{"changed since, unconfirmed", Sent{Results: []mailbox.SendResult{r("宝山镇", mailbox.StatusAlreadySent, "内容已有变化", true), r("怀北镇", mailbox.StatusUnconfirmed, "无法确认", false)}},
			[]string{"此前已发送  宝山镇  宝山镇@example.gov.cn：内容已有变化", "无法确认  怀北镇  怀北镇@example.gov.cn：无法确认"},
			"发送模板邮件：此前已发送 1 封（不再发送），无法确认 1 封。", "1 封邮件无法确认是否发出", nil},
		{"only the failed", Sent{Results: []mailbox.SendResult{r("宝山镇", mailbox.StatusSent, "", false), r("怀北镇", mailbox.StatusFailed, down, false)}},
			[]string{"未发出  怀北镇  怀北镇@example.gov.cn：" + down}, "发送模板邮件：已发送 1 封，未发出 1 封（再次运行时重发）。", "1 封邮件未发出", []mailbox.SendStatus{mailbox.StatusFailed}},
		{"dry run, resend of a unit with none", Sent{DryRun: true, NoMessage: []string{"区司法局"}, Results: []mailbox.SendResult{r("宝山镇", mailbox.StatusWouldSend, "", false)}},
			[]string{"将发送  宝山镇  宝山镇@example.gov.cn"}, "模板邮件（试运行，没有发送任何邮件）：将发送 1 封。要重发的单位中，区司法局本次没有要发给它的邮件。", "", nil},
		{"nothing", Sent{}, nil, "发送模板邮件：没有要发送的邮件。", "", nil},
	} {
		if got := c.sent.Lines(c.statuses...); strings.Join(got, "\n") != strings.Join(c.lines, "\n") {
			t.Errorf("%s: lines\n%s\nwant\n%s", c.name, strings.Join(got, "\n"), strings.Join(c.lines, "\n"))
		}
		if got := c.sent.Total("模板邮件"); got != c.total {
			t.Errorf("%s: total %q, want %q", c.name, got, c.total)
		}
		err := c.sent.undone()
		if c.undone == "" && err != nil || c.undone != "" && (err == nil || !strings.Contains(err.Error(), c.undone)) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.undone)
		}
	}
}

// TestFetchedWords: what a fetch found, with the messages too large to fetch and a folder the
// server renumbered said in Chinese.
func TestFetchedWords(t *testing.T) {
	f := &mailbox.FetchResult{Folder: "报送", Examined: 12, Relevant: 3, Known: 1,
		Saved:              []mailbox.Fetched{{From: "u1@example.gov.cn", Subject: "宝山镇报送", Attachments: []string{"a.xlsx", "b.zip"}}},
		TooLarge:           []mailbox.Fetched{{Problem: "邮件《大》（u2@example.gov.cn）大小 60.0 MB，超过收信上限 50.0 MB，未下载"}},
		UIDValidityChanged: true}
	lines, messages := FetchedLines(f)
	want := []string{"收取邮件（邮箱文件夹“报送”）：查看了 12 封新邮件，其中 3 封带有报送表、压缩包或邮件附件；新收取 1 封，1 封此前已收取（未重复收取）。",
		"未下载  邮件《大》（u2@example.gov.cn）大小 60.0 MB，超过收信上限 50.0 MB，未下载",
		"注意：邮箱服务器重新编号了文件夹“报送”中的邮件（UIDVALIDITY 已变化，如邮箱迁移或修复后）。已按 Message-ID 和内容核对，此前收取过的邮件没有重复收取。"}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%s", strings.Join(lines, "\n"))
	}
	if len(messages) != 1 || messages[0] != "收取  u1@example.gov.cn  《宝山镇报送》  a.xlsx，b.zip" {
		t.Errorf("messages: %q", messages)
	}
}
