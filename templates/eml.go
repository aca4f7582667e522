package templates

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"planreport/plan"
)

// Draft is an email message to be sent from the office's mail client: an .eml file that
// Outlook, Foxmail and Thunderbird open as a draft.
type Draft struct {
	From, To    string
	Subject     string
	Body        string // plain text
	Attachments []Attachment
}

// Attachment is a file attached to a Draft.
type Attachment struct {
	Name string
	Data []byte
}

// WriteDraft writes d as an RFC 5322 message with MIME parts: the subject and attachment
// names encoded for Chinese (RFC 2047 and RFC 2231), the body and attachments in base64.
// The output is deterministic for the same draft.
func WriteDraft(path string, d Draft) error {
	var b bytes.Buffer
	h := sha256.New()
	fmt.Fprint(h, d.To, d.Subject, d.Body)
	for _, a := range d.Attachments {
		h.Write(a.Data)
	}
	boundary := fmt.Sprintf("planreport-%x", h.Sum(nil)[:12])
	if from := headerValue(d.From); from != "" {
		fmt.Fprintf(&b, "From: %s\r\n", from)
	}
	fmt.Fprintf(&b, "To: %s\r\n", headerValue(d.To))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("UTF-8", d.Subject))
	b.WriteString("X-Unsent: 1\r\nMIME-Version: 1.0\r\n")
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", boundary)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n", boundary)
	writeBase64(&b, []byte(strings.ReplaceAll(d.Body, "\n", "\r\n")))
	for _, a := range d.Attachments {
		a.Name = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || r == '"' || r == '\\' {
				return '_'
			}
			return r
		}, a.Name)
		ct := mime.TypeByExtension(filepath.Ext(a.Name))
		if ct == "" || strings.HasSuffix(a.Name, ".xlsx") {
			ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
		encoded := mime.BEncoding.Encode("UTF-8", a.Name)
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s; name=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n", boundary, ct, encoded)
		fmt.Fprintf(&b, "Content-Disposition: attachment; filename=\"%s\"; filename*=UTF-8''%s\r\n\r\n", encoded, url.PathEscape(a.Name))
		writeBase64(&b, a.Data)
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return plan.WriteFileAtomic(path, func(f *os.File) error {
		_, err := f.Write(b.Bytes())
		return err
	})
}

// headerValue keeps a header's value on its own line: an address typed into the ledger with a
// line break (Alt+Enter in Excel) or pasted with control characters must not start headers
// of its own (Bcc:) in the draft.
func headerValue(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s))
}

func writeBase64(b *bytes.Buffer, data []byte) {
	s := base64.StdEncoding.EncodeToString(data)
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	if s != "" {
		b.WriteString(s + "\r\n")
	}
}

// writeTemplateMail writes the draft that sends a unit its template.
func writeTemplateMail(mailPath, templatePath string, t *Template, o Options) error {
	data, err := os.ReadFile(templatePath)
	if err != nil {
		return fmt.Errorf("读取模板 %s：%w", templatePath, err)
	}
	due := o.Due
	if d, err := time.Parse("2006-01-02", o.Due); err == nil {
		due = fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day())
	}
	greeting := t.Unit.Name
	if t.Unit.Contact != "" {
		greeting += " " + t.Unit.Contact + "同志"
	}
	body := fmt.Sprintf(`%s：

您好！现将%s《%s》任务进展报送表发给贵单位，共 %d 项任务。请按附件中“填报说明”填写，于 %s 前将填好的 .xlsx 文件回复至本邮箱。

填写时请勿修改灰色锁定单元格、不要增删行列或修改工作表名称；完成状态请从下拉列表选择。如有疑问，请联系%s。

%s
`, greeting, o.Period.Chinese(), o.PlanTitle, len(t.Rows), due, o.Office.Reach(), o.Office.Name)
	return WriteDraft(mailPath, Draft{
		From:        o.Office.Email,
		To:          t.Unit.Email,
		Subject:     fmt.Sprintf("【请于%s前报送】%s%s任务进展报送表", due, t.Unit.Name, o.Period.Chinese()),
		Body:        body,
		Attachments: []Attachment{{Name: filepath.Base(templatePath), Data: data}},
	})
}
