package mailbox

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SendStatus is what became of one message.
type SendStatus string

// What Send did with a message.
const (
	StatusSent        SendStatus = "sent"         // the server accepted it now
	StatusAlreadySent SendStatus = "already-sent" // sent before (the send log says when); not sent again
	StatusFailed      SendStatus = "failed"       // not sent; the next run tries again
	StatusUnconfirmed SendStatus = "unconfirmed"  // may or may not have arrived; only Resend sends it again
	StatusNoAddress   SendStatus = "no-address"   // the unit has no usable address; nothing sent
	StatusWouldSend   SendStatus = "would-send"   // dry run: this one would go
)

// Chinese is the status as the office reads it.
func (s SendStatus) Chinese() string {
	switch s {
	case StatusSent:
		return "已发送"
	case StatusAlreadySent:
		return "此前已发送"
	case StatusFailed:
		return "未发出"
	case StatusUnconfirmed:
		return "无法确认"
	case StatusNoAddress:
		return "没有邮箱"
	case StatusWouldSend:
		return "将发送"
	}
	return string(s)
}

// SendResult is one message's outcome. Problem says in Chinese what went wrong and what to
// do; it is empty for a message sent.
type SendResult struct {
	Kind      string     `json:"kind"`
	Unit      string     `json:"unit"`
	To        []string   `json:"to,omitempty"`
	Subject   string     `json:"subject"`
	MessageID string     `json:"message_id,omitempty"`
	Status    SendStatus `json:"status"`
	Code      int        `json:"code,omitempty"`      // the server's reply code, when it refused
	Temporary bool       `json:"temporary,omitempty"` // a 4xx reply or a dropped connection: worth another run
	Problem   string     `json:"problem,omitempty"`
	SentAt    time.Time  `json:"sent_at,omitzero"` // when it was sent (now or before)
	// Changed is set on a message sent before whose content now differs (say, a feedback
	// workbook made again): it is still not sent again without Resend.
	Changed bool `json:"changed,omitempty"`
}

// SendOptions say where the send log is and what to send.
type SendOptions struct {
	Log    string   // the period's send log (SendLogName in the period's folder)
	DryRun bool     // list what would go; send nothing, write nothing
	Resend []string // units whose messages go again though sent before (or unconfirmed)
	// Progress, when set, is called with each message's result as it is known.
	Progress func(SendResult)
}

// maxTempInARow is how many 4xx replies in a row make Send stop for this run.
const maxTempInARow = 3

// Send sends msgs through the SMTP server in s, one at a time, paced by s.Pace(), and records
// each in the send log. A message whose key (Message.Key) the log has as sent is not sent
// again unless its unit is in o.Resend; a failed one is tried again. Each message has a
// result, in order. The error is set when nothing could be sent at all (no connection, login
// refused, the log cannot be written); the results then say which messages are still due.
func Send(ctx context.Context, s Settings, pw Password, msgs []Message, o SendOptions) ([]SendResult, error) {
	if err := s.Check(); err != nil {
		return nil, fmt.Errorf("邮箱设置：%w", err)
	}
	if o.Log == "" {
		return nil, errors.New("mailbox.Send: no send log")
	}
	log, err := openSendLog(o.Log, o.DryRun)
	if err != nil {
		return nil, err
	}
	defer log.close()

	results := make([]SendResult, len(msgs))
	type job struct {
		i      int
		m      Message
		key    string
		resend int
	}
	var jobs []job
	seen := map[string]bool{}
	for i, m := range msgs {
		if m.From == "" {
			m.From, m.FromName = s.FromAddress(), s.FromName
		}
		r := SendResult{Kind: m.Kind, Unit: m.Unit, Subject: m.Subject}
		key := m.Key
		if key == "" {
			key = m.Kind + "/" + m.Unit + "/" + m.Sum()
		}
		to, err := m.Recipients()
		for _, a := range to {
			r.To = append(r.To, a.Address)
		}
		resend := slices.Contains(o.Resend, m.Unit)
		last, logged := log.last[key]
		_, fromErr := mail.ParseAddress(headerValue(m.From))
		switch {
		case fromErr != nil:
			r.Status = StatusFailed
			r.Problem = fmt.Sprintf("发件地址“%s”格式不正确，未发送：请改正计划台账「计划」表中办公室的电子邮箱，或清空它以使用 %s 中的 from", headerValue(m.From), SettingsName)
		case err != nil:
			r.Status = StatusNoAddress
			r.Problem = fmt.Sprintf("%s，未发送：请在计划台账「单位」表填写该单位的电子邮箱", err)
		case seen[key]:
			r.Status, r.Problem = StatusAlreadySent, "与本次另一封邮件相同，只发送一次"
		case logged && last.Event == eventSent && !resend:
			r.Status, r.SentAt, r.MessageID = StatusAlreadySent, last.Time, last.MessageID
			r.Changed = last.Sum != m.Sum()
			if r.Changed {
				r.Problem = fmt.Sprintf("已于 %s 发送过；内容已有变化，但不会自动重发，如需重发请用 --resend %s", last.Time.Local().Format("2006-01-02 15:04"), m.Unit)
			}
		case logged && last.Event == eventSending && !resend:
			r.Status, r.MessageID = StatusUnconfirmed, last.MessageID
			r.Problem = fmt.Sprintf("%s 开始发送后中断（程序中止或连接断开），无法确认对方是否收到：请在发件箱或向单位核实；确认未收到时用 --resend %s 重发", last.Time.Local().Format("2006-01-02 15:04:05"), m.Unit)
		default:
			n := 0
			if logged {
				n = last.Resend
				if resend && last.Event != eventFailed {
					n++ // a deliberate resend: a Message-ID of its own
				}
			}
			jobs = append(jobs, job{i, m, key, n})
			r.MessageID = m.MessageID(n)
			r.Status = StatusWouldSend
		}
		if r.Status != StatusNoAddress {
			seen[key] = true
		}
		results[i] = r
	}
	report := func(i int) {
		if o.Progress != nil {
			o.Progress(results[i])
		}
	}
	if o.DryRun {
		for i := range results {
			report(i)
		}
		return results, nil
	}
	for i, r := range results {
		if r.Status != StatusWouldSend {
			report(i)
		}
	}

	addr := s.SMTP.address(true)
	var client *gomail.Client
	defer func() {
		if client != nil {
			client.Close()
		}
	}()
	tempInARow := 0
	giveUp := func(from int, problem string, temporary bool) {
		for _, j := range jobs[from:] {
			results[j.i].Status, results[j.i].Problem, results[j.i].Temporary = StatusFailed, problem, temporary
			report(j.i)
		}
	}
	for k, j := range jobs {
		r := &results[j.i]
		if k > 0 && s.Pace() > 0 {
			select {
			case <-time.After(s.Pace()):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			giveUp(k, "已中止，未发送；再次运行时发送", true)
			return results, ctx.Err()
		}
		if client != nil && client.Reset() != nil {
			client.Close() // the server went away since the last message: connect again
			client = nil
		}
		if client == nil {
			client, err = dialSMTP(ctx, s, pw)
			if err != nil {
				giveUp(k, err.Error()+"；本封及其后的邮件均未发送，再次运行时发送", !errors.Is(err, ErrLogin) && !errors.Is(err, ErrTLS))
				return results, err
			}
		}
		now := time.Now()
		msg, err := Build(j.m, now, j.resend)
		if err == nil {
			err = msg.EnvelopeFrom(s.FromAddress())
		}
		if err != nil {
			r.Status, r.Problem = StatusFailed, fmt.Sprintf("生成邮件失败：%v", err)
			report(j.i)
			continue
		}
		entry := SendEntry{Time: now, Event: eventSending, Key: j.key, Kind: j.m.Kind, Unit: j.m.Unit, To: r.To,
			Subject: j.m.Subject, MessageID: r.MessageID, Sum: j.m.Sum(), Attachments: attachmentSums(j.m), Resend: j.resend}
		if err := log.add(entry); err != nil {
			giveUp(k, "发送记录无法写入，未发送", true)
			return results, err
		}
		sendErr := client.Send(msg)
		outcome := entry
		outcome.Time = time.Now()
		outcome.Attachments = nil
		switch {
		case sendErr == nil || msg.IsDelivered():
			outcome.Event = eventSent
			r.Status, r.SentAt = StatusSent, outcome.Time
			tempInARow = 0
		default:
			code, temporary, unknown, broken := classify(sendErr)
			if broken {
				client.Close()
				client = nil
			}
			if unknown {
				r.Status = StatusUnconfirmed
				r.Problem = fmt.Sprintf("邮件已全部交给服务器，但在服务器确认前连接中断，无法确认是否发出：请在发件箱或向单位核实；确认未收到时用 --resend %s 重发", j.m.Unit)
				report(j.i)
				continue // the log keeps "sending": unknown
			}
			outcome.Event, outcome.Code, outcome.Temporary = eventFailed, code, temporary
			r.Status, r.Code, r.Temporary = StatusFailed, code, temporary
			r.Problem = sendProblem(sendErr, code, temporary, broken, addr)
			outcome.Error = r.Problem
			var se *gomail.SendError
			if errors.As(sendErr, &se) && se.Reason == gomail.ErrSMTPRcptTo {
				for _, a := range r.To {
					if !strings.Contains(sendErr.Error(), a) {
						continue
					}
					outcome.Refused = append(outcome.Refused, RefusedAddress{Address: a, Reply: scrub(lastLine(sendErr), pw)})
				}
			}
			if temporary && code >= 400 {
				tempInARow++
			} else {
				tempInARow = 0
			}
		}
		if err := log.add(outcome); err != nil {
			report(j.i)
			giveUp(k+1, "发送记录无法写入，未发送", true)
			return results, err
		}
		report(j.i)
		if tempInARow >= maxTempInARow && k+1 < len(jobs) {
			giveUp(k+1, fmt.Sprintf("未尝试发送：发信服务器连续 %d 次要求稍后再发（限流）；请过一段时间再运行，未发出的邮件届时发送", maxTempInARow), true)
			break
		}
	}
	return results, nil
}

// dialSMTP connects and logs in.
func dialSMTP(ctx context.Context, s Settings, pw Password) (*gomail.Client, error) {
	sv := s.SMTP
	addr := sv.address(true)
	cfg, err := tlsConfig(sv)
	if err != nil {
		return nil, err
	}
	opts := []gomail.Option{gomail.WithPort(sv.port(true)), gomail.WithTimeout(60 * time.Second), gomail.WithTLSConfig(cfg),
		gomail.WithUsername(s.Account), gomail.WithPassword(string(pw))}
	switch sv.mode() {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL(), gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover))
	case TLSStart:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory), gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover))
	default:
		// Loopback only (Settings.Check): PLAIN there is what a local relay takes.
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS), gomail.WithSMTPAuth(gomail.SMTPAuthPlain))
	}
	c, err := gomail.NewClient(sv.Host, opts...)
	if err != nil {
		return nil, explain(err, "发信服务器", addr, pw)
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := c.DialWithContext(dctx); err != nil {
		return nil, smtpDialProblem(err, s, addr, pw)
	}
	return c, nil
}

// smtpDialProblem explains a failure to connect or log in.
func smtpDialProblem(err error, s Settings, addr string, pw Password) error {
	var tp *textproto.Error
	code := 0
	if errors.As(err, &tp) {
		code = tp.Code
	}
	text := err.Error()
	switch {
	case code == 535 || code == 534 || code == 454 && strings.Contains(strings.ToLower(text), "auth") ||
		strings.Contains(text, "authentication failed") || strings.Contains(text, "535 "):
		return &mailError{ErrLogin, scrub(fmt.Sprintf("发信服务器 %s 拒绝登录：账号 %s 或密码不正确（服务器答复：%s）。请检查 %s 中的 account，以及环境变量 %s 中的密码",
			addr, s.Account, lastLine(err), SettingsName, PasswordEnv), pw)}
	case strings.Contains(text, "does not support SMTP AUTH") || errors.Is(err, gomail.ErrNoSupportedAuthDiscovered):
		return &mailError{ErrLogin, fmt.Sprintf("发信服务器 %s 在当前连接上不接受登录：请检查 %s 中 smtp 的 tls 和 port（多数服务器只在加密连接上允许登录）", addr, SettingsName)}
	case strings.Contains(text, "STARTTLS"):
		return &mailError{ErrTLS, fmt.Sprintf("发信服务器 %s 不支持 STARTTLS 加密：请把 %s 中 smtp 的 tls 改为 tls（并相应修改端口，通常为 465）", addr, SettingsName)}
	}
	return explain(err, "发信服务器", addr, pw)
}

// classify reads a send error: the reply code, whether it is worth another try, whether
// the message may have arrived after all (the connection went away after its last byte and
// before the server's answer), and whether the connection is gone.
func classify(err error) (code int, temporary, unknown, broken bool) {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code = se.ErrorCode()
	}
	var tp *textproto.Error
	if code == 0 && errors.As(err, &tp) {
		code = tp.Code
	}
	broken = dropped(err) || code == 421 || code == 0
	temporary = code == 0 || code >= 400 && code < 500
	if se != nil && se.Reason == gomail.ErrSMTPDataClose && code == 0 {
		unknown = true
	}
	return code, temporary, unknown, broken
}

// sendProblem says in Chinese why a message was not sent.
func sendProblem(err error, code int, temporary, broken bool, addr string) string {
	reply := lastLine(err)
	var se *gomail.SendError
	rcpt := errors.As(err, &se) && se.Reason == gomail.ErrSMTPRcptTo
	switch {
	case code == 552 || strings.Contains(reply, "5.3.4") || strings.Contains(reply, "too big"):
		return fmt.Sprintf("邮件超过发信服务器允许的大小（%s）：请压缩附件、分几封发送，或请邮件服务器管理员调高上限", reply)
	case rcpt && !temporary:
		return fmt.Sprintf("发信服务器拒收此收件人（%s）：请核对计划台账「单位」表中的电子邮箱，改正后再次运行", reply)
	case code == 421:
		return fmt.Sprintf("发信服务器中断了连接（%s）：未发出，再次运行时重发", reply)
	case temporary && code != 0:
		return fmt.Sprintf("发信服务器暂时不接收（%s，多为发送过快被限流或收件箱暂不可用）：未发出，请稍后再次运行", reply)
	case broken:
		return fmt.Sprintf("与发信服务器 %s 的连接中断，未发出：再次运行时重发", addr)
	}
	return fmt.Sprintf("发信服务器拒绝发送（%s）：请检查邮件和收件人，或联系邮件服务器管理员", reply)
}

// lastLine is the server's reply in an error, without the wrapping text of the library.
func lastLine(err error) string {
	var se *gomail.SendError
	if errors.As(err, &se) {
		s := strings.TrimPrefix(strings.TrimPrefix(se.Error(), se.Reason.String()), ":")
		if i := strings.Index(s, ", affected "); i >= 0 {
			s = s[:i]
		}
		return strings.TrimSpace(s)
	}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return fmt.Sprintf("%d %s", tp.Code, tp.Msg)
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && i+2 < len(s) {
		s = s[i+2:]
	}
	return s
}
