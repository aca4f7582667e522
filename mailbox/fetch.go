package mailbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
	"golang.org/x/text/encoding/htmlindex"

	"planreport/internal/atomicfile"
	"planreport/internal/filekind"
)

func init() {
	// go-imap decodes subjects and file names in the charsets Chinese mail uses (GBK,
	// GB18030, Big5) through this hook; without it such a name could not be read.
	imap.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(charset)
		if err != nil {
			return nil, err
		}
		return enc.NewDecoder().Reader(r), nil
	}
}

// FetchOptions say what to fetch and where it goes.
type FetchOptions struct {
	// Since is when the period's templates were issued: messages that arrived before that day
	// are not looked at.
	Since time.Time
	Dir   string // the folder the messages are saved into, one .eml each (the period's 收件)
	Log   string // the period's fetch log (FetchLogName in the period's folder)
	// MarkSeen sets the \Seen flag on each message saved. Off, the mailbox is opened
	// read-only (EXAMINE) and nothing in it changes.
	MarkSeen bool
	// Progress, when set, is called with each message saved or passed over as too large.
	Progress func(Fetched)
}

// Fetched is one message Fetch saved, or left for being too large.
type Fetched struct {
	UID         uint32    `json:"uid"`
	MessageID   string    `json:"message_id,omitempty"`
	Subject     string    `json:"subject"`
	From        string    `json:"from"`
	Date        time.Time `json:"date"`
	Size        int64     `json:"size"`
	Attachments []string  `json:"attachments,omitempty"` // the names its structure shows
	Path        string    `json:"path,omitempty"`        // the .eml saved
	Problem     string    `json:"problem,omitempty"`     // in Chinese, for a message not saved
}

// FetchResult is what one Fetch did.
type FetchResult struct {
	Folder      string    `json:"folder"`
	UIDValidity uint32    `json:"uidvalidity"`
	Examined    int       `json:"examined"`   // messages new to the log whose structure was read
	Relevant    int       `json:"relevant"`   // of those, the ones with a workbook, archive or email attached
	Saved       []Fetched `json:"saved"`      // saved now
	Known       int       `json:"known"`      // relevant, but saved before (found again after a UIDVALIDITY change)
	TooLarge    []Fetched `json:"too_large"`  // over the size limit: not downloaded, listed every run
	Downloaded  int       `json:"downloaded"` // whole messages downloaded
	// UIDValidityChanged says the server renumbered the folder since the last run.
	UIDValidityChanged bool `json:"uidvalidity_changed,omitempty"`
}

// Fetch saves into o.Dir, as .eml files, the messages of the settings' folder that arrived
// since o.Since, carry a workbook, an archive or an email as attachment, and were not
// fetched before. The server searches by date; Fetch reads each message's structure and
// downloads only the relevant ones (BODY.PEEK: no \Seen). Each message saved is in the
// fetch log before the next is downloaded, so a run that stops (a dropped connection) loses
// nothing, and the next run fetches the rest. The result holds what was done even when the
// error is set.
func Fetch(ctx context.Context, s Settings, pw Password, o FetchOptions) (*FetchResult, error) {
	if err := s.Check(); err != nil {
		return nil, fmt.Errorf("邮箱设置：%w", err)
	}
	if o.Dir == "" || o.Log == "" {
		return nil, errors.New("mailbox.Fetch: no folder or log")
	}
	folder := s.MailFolder()
	log, err := openFetchLog(o.Log, folder)
	if err != nil {
		return nil, err
	}
	defer log.close()
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("无法创建收件文件夹 %s：%w", o.Dir, err)
	}
	addr := s.IMAP.address(false)
	c, err := dialIMAP(s, pw)
	if err != nil {
		return nil, err
	}
	defer c.Logout()
	stop := context.AfterFunc(ctx, func() { c.Terminate() })
	defer stop()

	res := &FetchResult{Folder: folder}
	fail := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("已中止收信；已收取的邮件均已保存并记录：%w", ctx.Err())
		}
		return imapProblem(err, addr, pw)
	}
	mbox, err := c.Select(folder, !o.MarkSeen)
	if err != nil {
		if isIMAPNo(err) {
			return res, &mailError{ErrFolder, fmt.Sprintf("收信服务器 %s 上没有文件夹“%s”（%v）：请检查 %s 中的 folder；planreport mail test 会列出邮箱中的文件夹", addr, folder, err, SettingsName)}
		}
		return res, fail(err)
	}
	uv := mbox.UidValidity
	res.UIDValidity = uv
	res.UIDValidityChanged = log.seen && log.checked[uv] == 0 && len(log.done[uv]) == 0 && len(log.large[uv]) == 0

	// The server searches: messages since the day before Since (dates in IMAP are days, in
	// the server's time zone), above the last UID looked at.
	crit := imap.NewSearchCriteria()
	if !o.Since.IsZero() {
		crit.Since = o.Since.AddDate(0, 0, -1)
	}
	from := log.checked[uv] + 1
	crit.Uid = new(imap.SeqSet)
	crit.Uid.AddRange(from, 0)
	uids, err := c.UidSearch(crit)
	if err != nil {
		return res, fail(err)
	}
	var todo []uint32
	last := log.checked[uv]
	for _, u := range uids {
		if u >= from {
			last = max(last, u)
			if !log.done[uv][u] {
				todo = append(todo, u)
			}
		}
	}
	for u := range log.large[uv] { // too large before: the limit may have changed
		if !slices.Contains(todo, u) {
			todo = append(todo, u)
		}
	}
	slices.Sort(todo)

	limit := s.MaxMessage()
	for start := 0; start < len(todo); start += 200 {
		batch := todo[start:min(start+200, len(todo))]
		msgs, err := fetchStructures(c, batch)
		if err != nil {
			return res, fail(err)
		}
		for _, m := range msgs {
			res.Examined++
			names, relevant := relevantParts(m.BodyStructure)
			if !relevant {
				continue
			}
			res.Relevant++
			f := Fetched{UID: m.Uid, Size: int64(m.Size), Attachments: names}
			if env := m.Envelope; env != nil {
				f.MessageID, f.Subject, f.Date = strings.Trim(env.MessageId, "<> "), env.Subject, env.Date
				if len(env.From) > 0 {
					f.From = env.From[0].Address()
				}
			}
			entry := FetchEntry{Time: time.Now(), UIDValidity: uv, UID: m.Uid, MessageID: f.MessageID, Size: f.Size,
				Subject: f.Subject, From: f.From, Date: f.Date}
			if f.Size > limit {
				f.Problem = fmt.Sprintf("邮件《%s》（%s，%s）大小 %s，超过收信上限 %s，未下载：请在邮箱中打开该邮件，把附件保存到 %s，或请单位压缩后重发；也可调高 %s 中的 max_message_mb",
					f.Subject, f.From, f.Date.Local().Format("2006-01-02 15:04"), sizeText(f.Size), sizeText(limit), o.Dir, SettingsName)
				res.TooLarge = append(res.TooLarge, f)
				if !log.large[uv][m.Uid] {
					entry.Event = eventTooLarge
					if err := log.add(entry); err != nil {
						return res, err
					}
				}
				if o.Progress != nil {
					o.Progress(f)
				}
				continue
			}
			if known, ok := log.sameEnvelope(entry); ok {
				// The same message (Message-ID, sender, subject and date) saved before under
				// another UID: a copy, or the folder renumbered with its messages re-encoded.
				entry.Event, entry.File, entry.SHA256 = eventKnown, known.File, known.SHA256
				if err := log.add(entry); err != nil {
					return res, err
				}
				res.Known++
				continue
			}
			raw, err := fetchBody(c, m.Uid)
			if errors.Is(err, errGone) {
				continue // deleted or moved by someone since the search: nothing to fetch
			}
			if err != nil {
				return res, fail(err)
			}
			res.Downloaded++
			sum := sha256.Sum256(raw)
			entry.SHA256 = hex.EncodeToString(sum[:])
			entry.Size = int64(len(raw))
			if file, ok := log.sums[entry.SHA256]; ok {
				// The same message saved before: after a UIDVALIDITY change, or a copy.
				entry.Event, entry.File = eventKnown, file
				if err := log.add(entry); err != nil {
					return res, err
				}
				res.Known++
				continue
			}
			name := emlName(uv, m.Uid, f.Date)
			f.Path = filepath.Join(o.Dir, name)
			if err := saveRaw(f.Path, raw); err != nil {
				return res, err
			}
			entry.Event, entry.File = eventSaved, name
			if err := log.add(entry); err != nil {
				return res, err
			}
			if o.MarkSeen {
				seq := new(imap.SeqSet)
				seq.AddNum(m.Uid)
				if err := c.UidStore(seq, imap.FormatFlagsOp(imap.AddFlags, true), []any{imap.SeenFlag}, nil); err != nil {
					return res, fail(err)
				}
			}
			res.Saved = append(res.Saved, f)
			if o.Progress != nil {
				o.Progress(f)
			}
		}
	}
	if last > log.checked[uv] {
		if err := log.add(FetchEntry{Time: time.Now(), Event: eventChecked, UIDValidity: uv, UID: last}); err != nil {
			return res, err
		}
	}
	return res, nil
}

// dialIMAP connects and logs in.
func dialIMAP(s Settings, pw Password) (*client.Client, error) {
	sv := s.IMAP
	addr := sv.address(false)
	cfg, err := tlsConfig(sv)
	if err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Timeout: 30 * time.Second}
	var c *client.Client
	if sv.mode() == TLSImplicit {
		c, err = client.DialWithDialerTLS(dialer, addr, cfg)
	} else {
		c, err = client.DialWithDialer(dialer, addr)
	}
	if err != nil {
		return nil, imapProblem(err, addr, pw)
	}
	c.Timeout = 2 * time.Minute
	if sv.mode() == TLSStart {
		if ok, _ := c.SupportStartTLS(); !ok {
			c.Logout()
			return nil, &mailError{ErrTLS, fmt.Sprintf("收信服务器 %s 不支持 STARTTLS 加密：请把 %s 中 imap 的 tls 改为 tls（并相应修改端口，通常为 993）", addr, SettingsName)}
		}
		if err := c.StartTLS(cfg); err != nil {
			c.Logout()
			return nil, imapProblem(err, addr, pw)
		}
	}
	if err := c.Login(s.Account, string(pw)); err != nil {
		c.Logout()
		if isIMAPNo(err) {
			return nil, &mailError{ErrLogin, scrub(fmt.Sprintf("收信服务器 %s 拒绝登录：账号 %s 或密码不正确（服务器答复：%v）。请检查 %s 中的 account，以及环境变量 %s 中的密码",
				addr, s.Account, err, SettingsName, PasswordEnv), pw)}
		}
		return nil, imapProblem(err, addr, pw)
	}
	return c, nil
}

// isIMAPNo tells a NO or BAD answer of the server from a failure of the connection.
func isIMAPNo(err error) bool {
	return err != nil && !dropped(err) && tlsProblem(err, "", "") == "" && !isNetError(err)
}

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

func imapProblem(err error, addr string, pw Password) error {
	if errors.Is(err, client.ErrNoMailboxSelected) || errors.Is(err, client.ErrNotLoggedIn) {
		// The server said BYE (an administrator ended the session, or it shut down): go-imap
		// then refuses the next command itself.
		err = fmt.Errorf("%w: %v", net.ErrClosed, err)
	}
	e := explain(err, "收信服务器", addr, pw)
	if errors.Is(e, ErrDropped) {
		return &mailError{ErrDropped, e.Error() + "：已收取的邮件均已保存并记录，再次运行即继续收取其余邮件"}
	}
	return e
}

// fetchStructures reads the envelope, structure and size of messages by UID.
func fetchStructures(c *client.Client, uids []uint32) ([]*imap.Message, error) {
	seq := new(imap.SeqSet)
	seq.AddNum(uids...)
	ch := make(chan *imap.Message, 16)
	done := make(chan error, 1)
	go func() {
		done <- c.UidFetch(seq, []imap.FetchItem{imap.FetchUid, imap.FetchEnvelope, imap.FetchBodyStructure, imap.FetchRFC822Size}, ch)
	}()
	// Only the messages asked for (a server may add unsolicited updates of others), the
	// response with a structure where a message has several. One whose structure never
	// came is kept: relevantParts then downloads it whole rather than passing it over.
	byUID := make(map[uint32]*imap.Message, len(uids))
	for _, u := range uids {
		byUID[u] = nil
	}
	for m := range ch {
		if old, asked := byUID[m.Uid]; asked && (old == nil || old.BodyStructure == nil) {
			byUID[m.Uid] = m
		}
	}
	if err := <-done; err != nil {
		return nil, err
	}
	var out []*imap.Message
	for _, m := range byUID {
		if m != nil { // nil: gone from the folder since the search
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b *imap.Message) int { return int(a.Uid) - int(b.Uid) })
	return out, nil
}

// errGone is a message no longer in the folder when its body is asked for.
var errGone = errors.New("message gone")

// fetchBody downloads one whole message, without setting \Seen.
func fetchBody(c *client.Client, uid uint32) ([]byte, error) {
	seq := new(imap.SeqSet)
	seq.AddNum(uid)
	section := &imap.BodySectionName{Peek: true}
	ch := make(chan *imap.Message, 1)
	done := make(chan error, 1)
	go func() { done <- c.UidFetch(seq, []imap.FetchItem{section.FetchItem()}, ch) }()
	var raw []byte
	for m := range ch {
		if r := m.GetBody(section); r != nil {
			raw, _ = io.ReadAll(r)
		}
	}
	if err := <-done; err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, errGone
	}
	return raw, nil
}

// emlName is the file a message is saved as: the same for the same message, so that a
// rerun after a crash finds it.
func emlName(uv, uid uint32, date time.Time) string {
	d := "00000000-000000"
	if !date.IsZero() {
		d = date.Local().Format("20060102-150405")
	}
	return fmt.Sprintf("邮件_%s_%d_%d.eml", d, uv, uid)
}

// saveRaw writes a message through a temporary file (hidden, so that collect passes over it).
func saveRaw(path string, raw []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, raw) {
		return nil // saved by a run that stopped before it could record it
	}
	return atomicfile.Write(path, func(f *os.File) error {
		_, err := f.Write(raw)
		return err
	})
}

// relevantParts reads a message's structure: the names of its attachments, and whether one
// of them may be a return (a workbook, an archive, an attached email, or a file whose kind
// only its bytes can tell).
func relevantParts(bs *imap.BodyStructure) (names []string, relevant bool) {
	if bs == nil {
		return nil, true
	}
	bs.Walk(func(path []int, p *imap.BodyStructure) bool {
		mt := strings.ToLower(p.MIMEType + "/" + p.MIMESubType)
		if strings.HasPrefix(mt, "multipart/") {
			return true
		}
		name, ok := partName(p)
		if name != "" {
			names = append(names, name)
		}
		switch {
		case mt == "message/rfc822" || mt == "message/global":
			relevant = true
		case !ok: // a name in a charset we cannot read: look at the bytes
			relevant = true
		case name != "":
			if !filekind.NotReturn(strings.ToLower(filepath.Ext(name))) {
				relevant = true
			}
		case namelessCandidate(mt):
			relevant = true
		}
		return true
	})
	return names, relevant
}

// partName is a part's file name, decoded (RFC 2047 or RFC 2231); ok is false when there is
// a name that cannot be decoded.
func partName(p *imap.BodyStructure) (name string, ok bool) {
	n, err := p.Filename()
	if err == nil && n != "" && !strings.Contains(n, "=?") {
		return n, true
	}
	// RFC 2231 (filename*=UTF-8''…, continuations): mime puts the parameters together.
	for _, params := range []map[string]string{p.DispositionParams, p.Params} {
		var b strings.Builder
		b.WriteString("attachment")
		for k, v := range params {
			k = strings.ToLower(k)
			for _, base := range []string{"filename*", "name*"} {
				if rest, ok := strings.CutPrefix(k, base); ok {
					fmt.Fprintf(&b, "; filename*%s=%s", rest, quoteParam(v))
				}
			}
		}
		if b.Len() == len("attachment") {
			continue
		}
		if _, ps, err := mime.ParseMediaType(b.String()); err == nil && ps["filename"] != "" {
			return ps["filename"], true
		}
		return "", false
	}
	return n, n == "" || err == nil && !strings.Contains(n, "=?")
}

func quoteParam(v string) string {
	if strings.ContainsAny(v, " \t\"()<>@,;:\\/[]?=") {
		return `"` + strings.ReplaceAll(v, `"`, `\"`) + `"`
	}
	return v
}

// namelessCandidate tells the content types worth a download when a part has no file name:
// the inbox's, and the forms it reads by type (TNEF, CSV).
func namelessCandidate(ct string) bool {
	switch ct {
	case "application/ms-tnef", "text/csv", "text/comma-separated-values":
		return true
	}
	return filekind.NamelessCandidate(ct)
}

func sizeText(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
