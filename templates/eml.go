package templates

import (
	"fmt"
	"path/filepath"
	"time"

	"planreport/mailbox"
	"planreport/plan"
)

// OfficeMail starts a message from the office o to a unit's address to: From the office's
// address in the ledger, with the office's name, so that the unit sees who writes. The
// caller adds what it says; every message to a unit (templates, replies, reminders) starts
// here.
func OfficeMail(o plan.Office, kind, unit, to string) mailbox.Message {
	return mailbox.Message{Kind: kind, Unit: unit, From: o.Email, FromName: o.Name, To: to}
}

// Mail is the message that sends a unit its template (data, the file at path): the one its
// draft holds and the one sent. Its key is the unit's: a template goes to a unit once, however
// often the period's templates are issued again (mailbox.Send's Resend sends it again).
func Mail(t *Template, path string, data []byte, o Options) mailbox.Message {
	due := o.Due
	if d, err := time.Parse("2006-01-02", o.Due); err == nil {
		due = fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day())
	}
	greeting := t.Unit.Name
	if t.Unit.Contact != "" {
		greeting += " " + t.Unit.Contact + "同志"
	}
	m := OfficeMail(o.Office, mailbox.KindTemplate, t.Unit.Name, t.Unit.Email)
	m.Key = mailbox.KindTemplate + "/" + t.Unit.Name
	m.Subject = fmt.Sprintf("【请于%s前报送】%s%s任务进展报送表", due, t.Unit.Name, o.Period.Chinese())
	m.Body = fmt.Sprintf(`%s：

您好！现将%s《%s》任务进展报送表发给贵单位，共 %d 项任务。请按附件中“填报说明”填写，于 %s 前将填好的 .xlsx 文件回复至本邮箱。

填写时请勿修改灰色锁定单元格、不要增删行列或修改工作表名称；完成状态请从下拉列表选择。如有疑问，请联系%s。

%s
`, greeting, o.Period.Chinese(), o.PlanTitle, len(t.Rows), due, o.Office.Reach(), o.Office.Name)
	m.Attachments = []mailbox.Attachment{{Name: filepath.Base(path), Data: data}}
	return m
}
