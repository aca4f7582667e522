package mailbox

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"planreport/internal/mailtest"
)

func TestPasswordNeverShows(t *testing.T) {
	pw := Password("s3cret-口令")
	s := struct {
		P Password `json:"p"`
	}{pw}
	js, _ := json.Marshal(s)
	for _, text := range []string{fmt.Sprint(pw), fmt.Sprintf("%v %+v %#v %s %q %x", pw, s, s, pw, pw, pw), string(js),
		fmt.Errorf("login %v", pw).Error()} {
		if strings.Contains(text, "s3cret") || strings.Contains(text, fmt.Sprintf("%x", "s3cret")) {
			t.Errorf("the password shows in %q", text)
		}
	}
	if string(pw) != "s3cret-口令" {
		t.Error("string(p) is not the password")
	}
	var back Password
	if json.Unmarshal([]byte(`"x"`), &back) == nil {
		t.Error("a password was read from JSON")
	}
}

func TestLoadSettings(t *testing.T) {
	pace := 0.5
	good := Settings{SMTP: Server{Host: "smtp.example.gov.cn", TLS: TLSStart}, IMAP: Server{Host: "imap.example.gov.cn"},
		Account: "fzb@example.gov.cn", PaceSeconds: &pace, MaxMessageMB: 20}
	dir := t.TempDir()
	if _, err := LoadSettings(dir); err == nil || !strings.Contains(err.Error(), "planreport mail setup") {
		t.Errorf("no settings: %v", err)
	}
	if err := good.Save(dir); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSettings(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.SMTP.address(true) != "smtp.example.gov.cn:587" || s.IMAP.address(false) != "imap.example.gov.cn:993" ||
		s.FromAddress() != "fzb@example.gov.cn" || s.MailFolder() != "INBOX" || s.Pace().Seconds() != 0.5 || s.MaxMessage() != 20<<20 {
		t.Errorf("loaded %+v", s)
	}
	os.WriteFile(filepath.Join(dir, SettingsName), []byte(`{"smtp":{"host":"a"},"imap":{"host":"b"},"account":"x","password":"p"}`), 0o644)
	if _, err := LoadSettings(dir); err == nil || !strings.Contains(err.Error(), "格式有误") {
		t.Errorf("a password field: %v", err)
	}

	for _, c := range []struct {
		name   string
		change func(*Settings)
		says   string
	}{
		{"no host", func(s *Settings) { s.SMTP.Host = "" }, "smtp.host 未填写"},
		{"plain to a remote server", func(s *Settings) { s.IMAP.TLS = TLSNone }, "imap.tls 为 none"},
		{"plain to loopback", func(s *Settings) { s.IMAP = Server{Host: "127.0.0.1", TLS: TLSNone} }, ""},
		{"unknown TLS mode", func(s *Settings) { s.SMTP.TLS = "ssl" }, "smtp.tls “ssl” 无效"},
		{"short fingerprint", func(s *Settings) { s.SMTP.Fingerprint = "AB:CD" }, "不是 SHA-256 证书指纹"},
		{"fingerprint with colons", func(s *Settings) { s.SMTP.Fingerprint = strings.Repeat("ab:", 31) + "ab" }, ""},
		{"no account", func(s *Settings) { s.Account = "" }, "account 未填写"},
		{"bad from", func(s *Settings) { s.From = "办公室" }, "from “办公室” 不是有效的邮箱地址"},
		{"port", func(s *Settings) { s.SMTP.Port = 70000 }, "不是有效的端口"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := good
			c.change(&s)
			err := s.Check()
			if c.says == "" && err != nil || c.says != "" && (err == nil || !strings.Contains(err.Error(), c.says)) {
				t.Errorf("Check: %v, want %q", err, c.says)
			}
		})
	}
}

func TestSetupAnswers(t *testing.T) {
	in := strings.NewReader("fzb@example.gov.cn\n\n区委依法治区办\nsmtp.example.gov.cn\nSSL\ntls\n\n\nstarttls\nabc\n143\n\n")
	var out strings.Builder
	s, err := Setup(in, &out, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{SMTP: Server{Host: "smtp.example.gov.cn", Port: 465, TLS: TLSImplicit}, IMAP: Server{Host: "imap.example.gov.cn", Port: 143, TLS: TLSStart},
		Account: "fzb@example.gov.cn", From: "fzb@example.gov.cn", FromName: "区委依法治区办"}
	if fmt.Sprint(s) != fmt.Sprint(want) {
		t.Errorf("settings %+v, want %+v", s, want)
	}
	for _, w := range []string{"“SSL” 无效", "“abc” 不是有效的端口", "[imap.example.gov.cn]"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("setup does not say %q:\n%s", w, out.String())
		}
	}
}

func TestCheckServers(t *testing.T) {
	s := mailtest.Need(t)
	office := s.Account(t)
	c := s.IMAPClient(t, office)
	s.Put(t, c, "报送", arrival, plainEmail(1, arrival))
	set := settings(s, office)
	set.Folder = "报送"
	res := Check(context.Background(), set, testPassword)
	if len(res) != 3 || !res[0].OK || !res[1].OK || !res[2].OK || !strings.Contains(res[2].Detail, "共 1 封邮件") {
		t.Fatalf("%+v", res)
	}
	set.Folder = "单位报送"
	res = Check(context.Background(), set, testPassword)
	if len(res) != 3 || res[2].OK || !slices.Contains(res[2].Folders, "报送") || !slices.Contains(res[2].Folders, "INBOX") {
		t.Errorf("missing folder: %+v", res)
	}
	res = Check(context.Background(), set, "wrong")
	if len(res) != 2 || res[0].OK || res[1].OK || !strings.Contains(res[0].Detail, "拒绝登录") || !strings.Contains(res[1].Detail, "拒绝登录") {
		t.Errorf("wrong password: %+v", res)
	}
}
