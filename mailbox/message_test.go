package mailbox

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var cst = time.FixedZone("CST", 8*3600)

func templateMessage() Message {
	return Message{
		Kind: "模板", Unit: "宝山镇",
		From: "fzb@example.gov.cn", FromName: "区委依法治区办",
		To:      "baoshan@example.gov.cn",
		Subject: "【请于2024年1月8日前报送】宝山镇2023年第四季度任务进展报送表",
		Body:    "宝山镇 王芳同志：\n\n您好！现将报送表发给贵单位。\n",
		Attachments: []Attachment{
			{Name: "2023Q4_宝山镇_任务进展报送表.xlsx", Data: []byte("PK\x03\x04 workbook")},
			{Name: "填报说明.pdf", Data: []byte("%PDF-1.4")},
		},
	}
}

// parsed is a message as a mail reader sees it.
type parsed struct {
	header      mail.Header
	body        string
	attachments map[string][]byte
	names       []string
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p := parsed{header: msg.Header, attachments: map[string][]byte{}}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	decode := func(r io.Reader) []byte {
		raw, _ := io.ReadAll(r)
		b, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
		if err != nil {
			t.Fatalf("not base64: %v", err)
		}
		return b
	}
	if mt == "text/plain" {
		p.body = string(decode(msg.Body))
		return p
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if name := part.FileName(); name != "" {
			p.attachments[name] = decode(part)
			p.names = append(p.names, name)
		} else {
			p.body = string(decode(part))
		}
	}
	return p
}

func TestDraft(t *testing.T) {
	m := templateMessage()
	draft, err := Draft(m)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Draft(m)
	if !bytes.Equal(draft, again) {
		t.Error("the same message gives another draft")
	}
	p := parse(t, draft)
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(p.header.Get("Subject"))
	from, _ := p.header.AddressList("From")
	to, _ := p.header.AddressList("To")
	switch {
	case subject != m.Subject:
		t.Errorf("subject %q", subject)
	case len(from) != 1 || from[0].Address != "fzb@example.gov.cn" || from[0].Name != "区委依法治区办":
		t.Errorf("from %v", from)
	case len(to) != 1 || to[0].Address != "baoshan@example.gov.cn":
		t.Errorf("to %v", to)
	case p.header.Get("X-Unsent") != "1" || p.header.Get("Date") != "":
		t.Errorf("X-Unsent %q, Date %q", p.header.Get("X-Unsent"), p.header.Get("Date"))
	case p.header.Get("Message-Id") != "<"+m.MessageID(0)+">":
		t.Errorf("Message-ID %q, want <%s>", p.header.Get("Message-Id"), m.MessageID(0))
	case strings.ReplaceAll(p.body, "\r\n", "\n") != m.Body:
		t.Errorf("body %q", p.body)
	case strings.Join(p.names, "|") != m.Attachments[0].Name+"|"+m.Attachments[1].Name:
		t.Errorf("attachments %q", p.names)
	case !bytes.Equal(p.attachments[m.Attachments[0].Name], m.Attachments[0].Data):
		t.Error("the workbook's bytes changed")
	}
	if !bytes.Contains(draft, []byte("Content-Type: "+xlsxType)) {
		t.Error("the workbook is not typed as .xlsx")
	}

	// The message as sent is the draft but for X-Unsent and the Date.
	date := time.Date(2024, 1, 2, 9, 30, 0, 0, cst)
	sent, err := Bytes(m, date, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(string(draft), "X-Unsent: 1\r\n", "", 1)
	want = "Date: Tue, 02 Jan 2024 09:30:00 +0800\r\n" + want
	if string(sent) != want {
		t.Errorf("the sent message differs from the draft beyond X-Unsent and Date:\n%s\n---\n%s", sent, want)
	}

	// A draft with a date keeps it; a resend has a Message-ID of its own.
	m.Date = date
	dated, _ := Draft(m)
	if parse(t, dated).header.Get("Date") != "Tue, 02 Jan 2024 09:30:00 +0800" {
		t.Error("the draft lost its date")
	}
	if m.MessageID(1) == m.MessageID(0) || m.MessageID(1) == m.MessageID(2) {
		t.Error("resends share a Message-ID")
	}
	// Any change of content is another message.
	for _, change := range []func(*Message){
		func(m *Message) { m.Body += "。" },
		func(m *Message) { m.To = "other@example.gov.cn" },
		func(m *Message) { m.Attachments[0].Data = []byte("PK other") },
		func(m *Message) { m.Attachments[1].Name = "说明.pdf" },
	} {
		c := templateMessage()
		c.Attachments = append([]Attachment(nil), c.Attachments...)
		change(&c)
		if c.Sum() == templateMessage().Sum() || c.MessageID(0) == templateMessage().MessageID(0) {
			t.Error("a changed message keeps its sum")
		}
	}
}

func TestDraftAddresses(t *testing.T) {
	for _, c := range []struct {
		name, from, to string
		want           []string // the To addresses; nil: written as typed
	}{
		{"several in one cell", "fzb@example.gov.cn", "a@example.gov.cn；b@example.gov.cn, c@example.gov.cn", []string{"a@example.gov.cn", "b@example.gov.cn", "c@example.gov.cn"}},
		{"with a name", "fzb@example.gov.cn", "王芳 <wf@example.gov.cn>", []string{"wf@example.gov.cn"}},
		{"a line break and a Bcc", "fzb@example.gov.cn\r\nBcc: attacker@evil.example", "evil@example.gov.cn\nBcc: attacker@evil.example", nil},
		{"not an address", "", "宝山镇办公室", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := templateMessage()
			m.From, m.To = c.from, c.to
			draft, err := Draft(m)
			if err != nil {
				t.Fatal(err)
			}
			head, _, _ := bytes.Cut(draft, []byte("\r\n\r\n"))
			for _, line := range strings.Split(string(head), "\r\n") {
				if strings.HasPrefix(strings.ToLower(line), "bcc:") {
					t.Errorf("header line %q", line)
				}
			}
			_, err = m.Recipients()
			if c.want == nil {
				if err == nil {
					t.Error("Recipients accepts it")
				}
				return
			}
			to, err := parse(t, draft).header.AddressList("To")
			var got []string
			for _, a := range to {
				got = append(got, a.Address)
			}
			if err != nil || strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("To %v (%v), want %v", got, err, c.want)
			}
		})
	}
}

func TestWriteDraftNoAttachments(t *testing.T) {
	m := templateMessage()
	m.Attachments = nil
	path := filepath.Join(t.TempDir(), "催报.eml")
	if err := WriteDraft(path, m); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	p := parse(t, data)
	if !strings.Contains(p.body, "王芳同志") || len(p.names) != 0 {
		t.Errorf("body %q, attachments %v", p.body, p.names)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("left beside the draft: %v", entries)
	}
}
