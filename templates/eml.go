package templates

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"planreport/mailbox"
)

// Draft is an email message to be sent from the office's mail client: an .eml file that
// Outlook, Foxmail and Thunderbird open as a draft.
type Draft struct {
	From, To    string
	FromName    string // shown with From: the office's name
	Subject     string
	Body        string // plain text
	Attachments []Attachment
}

// Attachment is a file attached to a Draft.
type Attachment = mailbox.Attachment

// Message is the draft as the mailbox package sends it.
func (d Draft) Message() mailbox.Message {
	return mailbox.Message{From: d.From, FromName: d.FromName, To: d.To, Subject: d.Subject, Body: d.Body, Attachments: d.Attachments}
}

// WriteDraft writes d as an .eml draft, made by the same builder that sends messages
// (mailbox.WriteDraft): the subject and attachment names encoded for Chinese (RFC 2047 and
// RFC 2231), the body and attachments in base64, "X-Unsent: 1", no Date. The output is
// deterministic for the same draft.
func WriteDraft(path string, d Draft) error {
	return mailbox.WriteDraft(path, d.Message())
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
		FromName:    o.Office.Name,
		To:          t.Unit.Email,
		Subject:     fmt.Sprintf("【请于%s前报送】%s%s任务进展报送表", due, t.Unit.Name, o.Period.Chinese()),
		Body:        body,
		Attachments: []Attachment{{Name: filepath.Base(templatePath), Data: data}},
	})
}
