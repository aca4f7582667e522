// Package mailbox sends the office's messages through its SMTP server and fetches the units'
// returns from its IMAP mailbox, so that neither is lost nor handled twice.
//
// One builder (Build, on github.com/wneessen/go-mail) makes every message, whether it is
// written as an .eml draft (WriteDraft) or sent (Send): a draft and a sent message differ
// only in the draft's "X-Unsent: 1" header and in the Date, which a sent message takes
// when it goes. Send keeps a per-period send log (sendlog.go); Fetch reads a folder
// read-only and keeps a per-period fetch log (fetchlog.go). Settings (settings.go) live in
// one file of the workspace; the password never does.
package mailbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"planreport/internal/atomicfile"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Kinds of Message: what the send log and its reports call them.
const (
	KindTemplate = "模板" // a unit's template for the period
	KindReply    = "反馈" // the reply to a return not accepted, with its feedback workbook
	KindReminder = "催报" // a reminder to a unit missing or rejected
)

// Message is one email from the office: a template to a unit, a reminder, a reply with a
// feedback workbook.
type Message struct {
	Kind string // what it is, for the send log and its report: KindTemplate, KindReply, KindReminder
	Unit string // the unit it goes to
	// Key says which messages are "the same" for the send log: a message whose Key was sent
	// before is not sent again (Send's Resend is the deliberate way). Empty means Kind, Unit
	// and the content: then any change makes a new message.
	Key string

	From     string // the office's address, as the ledger holds it
	FromName string // shown with From, e.g. the office's name
	To       string // as the ledger holds it: one address, or several separated by ; , or spaces
	Subject  string
	Body     string // plain text
	// Attachments, in order.
	Attachments []Attachment
	// Date is the Date header of a draft; zero leaves it out (a mail client dates a draft when
	// it sends it). Send always dates a message with the time it goes.
	Date time.Time
}

// Attachment is a file attached to a Message.
type Attachment struct {
	Name string
	Data []byte
}

// xlsxType is the content type of our workbooks; Go's table may not know .xlsx.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Recipients returns the message's To addresses, or an error in Chinese when one cannot be
// read as an address.
func (m Message) Recipients() ([]*mail.Address, error) {
	return parseAddresses(m.To)
}

// parseAddresses reads an address cell: addresses separated by ; , ， ； 、 or spaces, with or
// without display names.
func parseAddresses(s string) ([]*mail.Address, error) {
	s = headerValue(s)
	if s == "" {
		return nil, fmt.Errorf("没有填写邮箱地址")
	}
	if list, err := mail.ParseAddressList(s); err == nil {
		return list, nil
	}
	var out []*mail.Address
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ';' || r == ',' || r == '，' || r == '；' || r == '、' || r == ' ' || r == '\t' || r == '\u3000'
	}) {
		a, err := mail.ParseAddress(f)
		if err != nil {
			return nil, fmt.Errorf("邮箱地址“%s”格式不正确", s)
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("邮箱地址“%s”格式不正确", s)
	}
	return out, nil
}

// Sum is the SHA-256 of what the message says: sender, recipients, subject, body and
// attachments (names and bytes), in hex. Date, Kind, Unit and Key are not part of it.
func (m Message) Sum() string { return m.sum(true) }

// Said is the SHA-256 of what the message says in words, in hex: as Sum, but of the
// attachments only their names. A message whose attachment was made again says the same,
// whether or not the bytes came out the same: what keys a reminder.
func (m Message) Said() string { return m.sum(false) }

func (m Message) sum(bytes bool) string {
	h := sha256.New()
	for _, s := range []string{headerValue(m.From), headerValue(m.FromName), headerValue(m.To), headerValue(m.Subject), m.Body} {
		fmt.Fprintf(h, "%d:%s\n", len(s), s)
	}
	for _, a := range m.Attachments {
		fmt.Fprintf(h, "%d:%s\n", len(a.Name), a.Name)
		if bytes {
			fmt.Fprintf(h, "%d:", len(a.Data))
			h.Write(a.Data)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// MessageID is the message's Message-ID, without angle brackets: made from its content, so
// the same message always has the same one. resend counts deliberate resends (Send's
// Resend): each has an ID of its own, since mail systems drop a second message with an ID
// they have seen.
func (m Message) MessageID(resend int) string {
	sum := m.Sum()
	if resend > 0 {
		h := sha256.Sum256(fmt.Appendf(nil, "%s resend %d", sum, resend))
		sum = hex.EncodeToString(h[:])
	}
	domain := "planreport.invalid"
	if a, err := mail.ParseAddress(headerValue(m.From)); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			domain = d
		}
	}
	return "planreport." + sum[:32] + "@" + domain
}

// Build turns a message into a go-mail message as it is sent: RFC 2047 subject and names,
// RFC 2231 file names as well, base64 body and attachments, a Message-ID made from the
// content (MessageID(resend)) and the given Date. The output is the same for the same
// message and date. An address that cannot be read is written as typed (its line breaks
// made spaces, so it starts no header of its own): a draft can still be opened and mended in
// a mail client; Send refuses such a message before it builds it.
func Build(m Message, date time.Time, resend int) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithEncoding(gomail.EncodingB64),
		gomail.WithCharset(gomail.CharsetUTF8))
	boundary := sha256.Sum256([]byte(m.Sum()))
	msg.SetBoundary("planreport-" + hex.EncodeToString(boundary[:12]))
	if from := headerValue(m.From); from != "" {
		if a, err := mail.ParseAddress(from); err == nil {
			if name := headerValue(m.FromName); name != "" && a.Name == "" {
				a.Name = name
			}
			msg.FromMailAddress(a)
		} else {
			msg.SetGenHeader("From", from)
		}
	}
	if to, err := parseAddresses(m.To); err == nil {
		msg.ToMailAddress(to...)
	} else {
		msg.SetGenHeader("To", headerValue(m.To))
	}
	msg.Subject(headerValue(m.Subject))
	msg.SetMessageIDWithValue(m.MessageID(resend))
	msg.SetDateWithValue(date)
	msg.SetBodyString(gomail.TypeTextPlain, strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n"))
	for _, a := range m.Attachments {
		name := fileName(a.Name)
		ct := mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
		if ct == "" || strings.HasSuffix(strings.ToLower(name), ".xlsx") {
			ct = xlsxType
		}
		if err := msg.AttachReader(name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(ct))); err != nil {
			return nil, fmt.Errorf("附件 %s：%w", name, err)
		}
		files := msg.GetAttachments()
		f := files[len(files)-1]
		encoded := mime.BEncoding.Encode("UTF-8", name)
		f.Header.Set("Content-Type", fmt.Sprintf("%s; name=\"%s\"", ct, encoded))
		// Both forms: RFC 2231 for Go, Thunderbird and Outlook, RFC 2047 for older clients.
		f.Header.Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"%s\"; filename*=UTF-8''%s", encoded, url.PathEscape(name)))
	}
	return msg, nil
}

// Bytes is the message as Build makes it, written out.
func Bytes(m Message, date time.Time, resend int) ([]byte, error) {
	msg, err := Build(m, date, resend)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("生成邮件：%w", err)
	}
	return b.Bytes(), nil
}

// draftDate stands in for a draft's missing Date while go-mail writes it (go-mail always
// writes one); WriteDraft takes that header out again.
var draftDate = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Draft returns m as an .eml draft: the message Build makes, with "X-Unsent: 1" (Outlook
// then opens it ready to send) and without a Date when m.Date is zero. The same message
// gives the same bytes.
func Draft(m Message) ([]byte, error) {
	date := m.Date
	if date.IsZero() {
		date = draftDate
	}
	msg, err := Build(m, date, 0)
	if err != nil {
		return nil, err
	}
	msg.SetGenHeader("X-Unsent", "1")
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("生成邮件草稿：%w", err)
	}
	data := b.Bytes()
	if m.Date.IsZero() {
		line := []byte("Date: " + draftDate.Format(time.RFC1123Z) + "\r\n")
		if !bytes.HasPrefix(data, line) {
			return nil, fmt.Errorf("生成邮件草稿：日期行不在预期位置")
		}
		data = data[len(line):]
	}
	return data, nil
}

// WriteDraft writes m as an .eml draft (Draft) to path, through a temporary file.
func WriteDraft(path string, m Message) error {
	data, err := Draft(m)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// headerValue keeps a header's value on its own line: an address typed into the ledger with
// a line break (Alt+Enter in Excel) or pasted with control characters must not start headers
// of its own (Bcc:).
func headerValue(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s))
}

// fileName keeps an attachment's name inside its quotes.
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, s)
}
