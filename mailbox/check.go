package mailbox

import (
	"context"
	"fmt"
	"slices"

	"github.com/emersion/go-imap"
)

// CheckResult is one step of Check: what was checked and how it went, in Chinese.
type CheckResult struct {
	Step   string `json:"step"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	// Folders are the mailbox's folders, when the folder in the settings is not among them.
	Folders []string `json:"folders,omitempty"`
}

// Check connects to both servers as Send and Fetch would, logs in, and looks for the folder:
// for "planreport mail test". Nothing is sent and nothing in the mailbox changes.
func Check(ctx context.Context, s Settings, pw Password) []CheckResult {
	if err := s.Check(); err != nil {
		return []CheckResult{{Step: "邮箱设置", Detail: err.Error()}}
	}
	var out []CheckResult
	smtp := CheckResult{Step: fmt.Sprintf("发信服务器 %s（%s）", s.SMTP.address(true), modeText(s.SMTP))}
	if c, err := dialSMTP(ctx, s, pw); err != nil {
		smtp.Detail = err.Error()
	} else {
		c.Close()
		smtp.OK, smtp.Detail = true, fmt.Sprintf("已连接并以 %s 登录", s.Account)
	}
	out = append(out, smtp)

	im := CheckResult{Step: fmt.Sprintf("收信服务器 %s（%s）", s.IMAP.address(false), modeText(s.IMAP))}
	c, err := dialIMAP(s, pw)
	if err != nil {
		im.Detail = err.Error()
		return append(out, im)
	}
	defer c.Logout()
	im.OK, im.Detail = true, fmt.Sprintf("已连接并以 %s 登录", s.Account)
	out = append(out, im)

	folder := CheckResult{Step: fmt.Sprintf("收件文件夹“%s”", s.MailFolder())}
	ch := make(chan *imap.MailboxInfo, 64)
	done := make(chan error, 1)
	go func() { done <- c.List("", "*", ch) }()
	var names []string
	for m := range ch {
		names = append(names, m.Name)
	}
	if err := <-done; err != nil {
		folder.Detail = imapProblem(err, s.IMAP.address(false), pw).Error()
		return append(out, folder)
	}
	if !slices.Contains(names, s.MailFolder()) {
		folder.Detail = fmt.Sprintf("邮箱中没有这个文件夹：请在 %s 的 folder 中填写下列之一", SettingsName)
		folder.Folders = names
		return append(out, folder)
	}
	st, err := c.Select(s.MailFolder(), true)
	if err != nil {
		folder.Detail = imapProblem(err, s.IMAP.address(false), pw).Error()
		return append(out, folder)
	}
	folder.OK, folder.Detail = true, fmt.Sprintf("存在，共 %d 封邮件（只读打开，未作任何改动）", st.Messages)
	return append(out, folder)
}

func modeText(sv Server) string {
	switch sv.mode() {
	case TLSStart:
		if sv.Fingerprint != "" {
			return "STARTTLS 加密，固定证书"
		}
		return "STARTTLS 加密"
	case TLSNone:
		return "不加密，仅限本机"
	}
	if sv.Fingerprint != "" {
		return "TLS 加密，固定证书"
	}
	return "TLS 加密"
}
