package inbox

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"time"

	"planreport/internal/filekind"
)

var (
	errStop           = errors.New("stop reading this message")
	errHeaderTooLarge = errors.New("邮件头超过 10000 行")
)

// maxHeaderLines bounds a message's header as mime/multipart bounds a part's: net/mail
// itself sets no limit, and each header line costs a map entry.
const maxHeaderLines = 10000

// headerGuard passes a message through, failing once its header passes maxHeaderLines. The
// failure sticks: net/textproto drops some read errors while peeking ahead.
type headerGuard struct {
	r         io.Reader
	lines     int
	lineStart bool // the last byte seen ended a line (or nothing was seen yet)
	done      bool // the blank line that ends the header was seen
	err       error
}

func (g *headerGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i := 0; i < n && !g.done; i++ {
		switch p[i] {
		case '\n':
			if g.lineStart {
				g.done = true
				break
			}
			if g.lines++; g.lines > maxHeaderLines {
				g.err = errHeaderTooLarge
				return i, g.err
			}
			g.lineStart = true
		case '\r':
		default:
			g.lineStart = false
		}
	}
	return n, err
}

// message is the state of one email being read.
type message struct {
	name, label string // the email's own name, and how sentences refer to it
	w           where  // its Date and From
	parts       int
	stopped     bool // a problem already said why reading stopped
	truncated   bool // the MIME structure ended early
	cutReported bool // an attachment was reported cut off
}

// openEML reads the attachments of one email, including those of forwarded messages and those
// inside attached .zip and .eml files.
func (r *reader) openEML(name, label string, data []byte, w where) {
	before := len(r.items)
	msg, err := mail.ReadMessage(&headerGuard{r: bytes.NewReader(data), lineStart: true})
	if err != nil {
		r.problem(name, label, w, nil, label, trouble{format: "邮件 %s 无法解析（%s）", args: []any{errText(err)}, hint: "请在邮箱中把该邮件重新“另存为” .eml，或直接保存其中的附件后再读取"})
		return
	}
	h := textproto.MIMEHeader(msg.Header)
	w = w.inner(h)
	w.sent = "" // its attachments are known by their own names
	m := &message{name: name, label: label, w: w}
	r.entity(m, w, h, msg.Body, 0, false)
	if m.truncated && !m.cutReported && !m.stopped {
		r.problem(name, label, w, nil, label, trouble{format: "邮件 %s 不完整（内容在中途被截断或格式有误），其中的附件可能缺失", hint: "请在邮箱中重新导出该邮件，或请单位重新发送"})
	}
	if len(r.items) == before {
		r.skip("邮件 %s 中没有找到表格附件", label)
	}
}

// inner is where the attachments of a message with header h come from, inside w: the
// message's own Date and From. Inside another message (forwarded as an attachment), the
// outer message's sender is the forwarder, and the message that carries the attachment tells
// who sent it and when: a unit's mail forwarded by a colleague was sent when the unit sent it.
func (w where) inner(h textproto.MIMEHeader) where {
	sender := parseSender(h)
	if w.sender != "" && sender != "" && w.forwarder == "" {
		w.forwarder, w.forwarded = w.sender, w.received
	}
	if t, ok := parseDate(h.Get("Date")); ok {
		w.received = t
	}
	if sender != "" {
		w.sender = sender
	}
	return w
}

// entity reads one MIME entity, from w: a multipart, a forwarded message, or a leaf.
func (r *reader) entity(m *message, w where, h textproto.MIMEHeader, body io.Reader, depth int, forwarded bool) error {
	m.parts++
	if m.parts > r.lim.MaxParts {
		m.stopped = true
		r.problem(m.name, m.label, m.w, nil, m.label, trouble{format: "邮件 %s 的结构过于复杂（超过 %d 个部分），其余部分未读取", args: []any{r.lim.MaxParts}, hint: "请单位只附上报送表格重新发送"})
		return errStop
	}
	if depth > MaxMIMEDepth {
		m.stopped = true
		r.problem(m.name, m.label, m.w, nil, m.label, trouble{format: "邮件 %s 的结构嵌套过深（超过 %d 层），其余部分未读取", args: []any{MaxMIMEDepth}, hint: "请单位直接附上报送表格重新发送"})
		return errStop
	}
	ct, ctp := parseParams(h.Get("Content-Type"))
	if ct == "" {
		ct = "text/plain"
	}
	cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))

	if strings.HasPrefix(ct, "multipart/") && ctp["boundary"] != "" {
		mr := multipart.NewReader(body, ctp["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				m.truncated = true
				return nil
			}
			if err := r.entity(m, w, p.Header, p, depth+1, forwarded); err != nil {
				return err
			}
		}
	}
	if ct == "message/rfc822" || ct == "message/global" {
		inner, err := mail.ReadMessage(&headerGuard{r: transferDecoder(cte, body), lineStart: true})
		if err != nil {
			m.truncated = true
			return nil
		}
		ih := textproto.MIMEHeader(inner.Header)
		return r.entity(m, w.inner(ih), ih, inner.Body, depth+1, true)
	}
	r.leaf(m, w, h, ct, ctp, cte, body, forwarded)
	return nil
}

// leaf reads one attachment, or passes over a message body.
func (r *reader) leaf(m *message, w where, h textproto.MIMEHeader, ct string, ctp map[string]string, cte string, body io.Reader, forwarded bool) {
	_, dp := parseParams(h.Get("Content-Disposition"))
	name := cleanName(dp["filename"])
	if name == "" || strings.ContainsRune(name, '\uFFFD') && cleanName(ctp["name"]) != "" {
		name = cleanName(ctp["name"])
	}
	k := kindSniff
	switch {
	case name != "":
		k = kindOf(name)
	case ct == "application/ms-tnef":
		name, k = "winmail.dat", kindArchive
	case ct == "text/csv" || ct == "text/comma-separated-values":
		name, k = "未命名附件.csv", kindSheet
	case !filekind.NamelessCandidate(ct):
		return // a message body, an inline picture, a signature
	}
	src := m.label + " 的附件"
	if forwarded {
		src = m.label + " 中转发邮件的附件"
	}
	label := src + " " + name
	if name == "" {
		label = src + "（未命名）"
	}
	if k == kindOther {
		r.skip("%s 不是表格文件，已跳过", label)
		return
	}
	data, err := readBody(cte, body, r.lim.MaxFileBytes)
	switch {
	case errors.Is(err, errTooBig):
		r.problem(name, src, w, nil, label, trouble{format: "%s 超过单个附件上限 %s，未读取", args: []any{sizeText(r.lim.MaxFileBytes)}, hint: tooBigHint(k)})
		return
	case errors.Is(err, io.ErrUnexpectedEOF):
		m.cutReported = true
		r.problem(name, src, w, nil, label, trouble{format: "%s 不完整（邮件内容在中途被截断）", hint: "请在邮箱中重新导出该邮件，或请单位重新发送"})
		return
	case err != nil:
		r.problem(name, src, w, nil, label, trouble{format: "%s 的编码有误，无法还原（%s）", args: []any{errText(err)}, hint: "请单位重新发送"})
		return
	}
	if k == kindSniff {
		if k = r.sniff(name, data); k == kindOther {
			if name != "" {
				r.skip("%s 不是表格文件，已跳过", label)
			}
			return
		}
		if name == "" {
			name = "未命名附件" + defaultExt(k, data)
			label = src + " " + name
		}
	}
	r.dispatch(k, name, src, label, data, w)
}

// transferDecoder undoes a Content-Transfer-Encoding as a stream.
func transferDecoder(cte string, body io.Reader) io.Reader {
	switch cte {
	case "base64":
		return &base64Stream{src: body}
	case "quoted-printable":
		return quotedprintable.NewReader(body)
	}
	return body
}

// readBody reads a part's decoded body, failing with errTooBig past limit decoded bytes.
func readBody(cte string, body io.Reader, limit int64) ([]byte, error) {
	return readLimited(transferDecoder(cte, body), limit, -1)
}

// base64Stream decodes base64 leniently as a stream: it skips line breaks, spaces and other
// stray bytes, accepts missing padding and URL-safe letters, and ignores a dangling
// character at the end.
type base64Stream struct {
	src  io.Reader
	out  []byte
	quad []byte
	err  error
}

func (b *base64Stream) Read(p []byte) (int, error) {
	var buf [8192]byte
	for len(b.out) == 0 && b.err == nil {
		n, err := b.src.Read(buf[:])
		for _, c := range buf[:n] {
			switch {
			case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/', c == '-', c == '_':
				b.quad = append(b.quad, c)
			}
		}
		if err != nil {
			b.err = err
		}
		k := len(b.quad) / 4 * 4
		if b.err != nil {
			k = len(b.quad)
		}
		b.out, _ = lenientBase64(b.quad[:k])
		b.quad = append(b.quad[:0], b.quad[k:]...)
	}
	if len(b.out) > 0 {
		n := copy(p, b.out)
		b.out = b.out[n:]
		return n, nil
	}
	return 0, b.err
}

// parseDate reads an email's Date header: RFC 5322 through net/mail, then the forms some
// Chinese clients and servers write. A date with no zone is taken as China Standard Time.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(toUTF8(s))
	if s == "" {
		return time.Time{}, false
	}
	cst := time.FixedZone("CST", 8*3600)
	// In Chinese mail "CST" is China Standard Time; Go reads an unknown abbreviation as UTC.
	china := func(t time.Time) time.Time {
		if name, off := t.Zone(); name == "CST" && off == 0 {
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), cst)
		}
		return t
	}
	if t, err := mail.ParseDate(s); err == nil {
		return china(t), true
	}
	if i := strings.LastIndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[:i])
		if t, err := mail.ParseDate(s); err == nil {
			return china(t), true
		}
	}
	for _, layout := range []string{time.RFC3339, time.UnixDate, "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 -0700 MST"} {
		if t, err := time.Parse(layout, s); err == nil {
			return china(t), true
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006/01/02 15:04:05", "2006/1/2 15:04:05",
		"Mon, 2 Jan 2006 15:04:05", "2 Jan 2006 15:04:05", "Mon, 2 Jan 2006 15:04", time.ANSIC} {
		if t, err := time.ParseInLocation(layout, s, cst); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

var (
	angleAddr = regexp.MustCompile(`<\s*([^<>\s@"]+@[^<>\s"]+)\s*>`)
	bareAddr  = regexp.MustCompile(`[A-Za-z0-9._%+\-=!#$&'*/?^{|}~]+@[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?`)
)

// parseSender is the email's From address, lower case, without display name.
func parseSender(h textproto.MIMEHeader) string {
	for _, key := range []string{"From", "Sender", "Reply-To"} {
		if a := parseAddress(h.Get(key)); a != "" {
			return a
		}
	}
	return ""
}

func parseAddress(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	p := mail.AddressParser{WordDecoder: wordDecoder}
	for _, s := range []string{v, toUTF8(v)} {
		if list, err := p.ParseList(s); err == nil && len(list) > 0 && list[0].Address != "" {
			return strings.ToLower(list[0].Address)
		}
	}
	// Display names with raw bytes, unbalanced quotes and the like: find the address itself.
	if m := angleAddr.FindStringSubmatch(v); m != nil {
		return strings.ToLower(m[1])
	}
	return strings.ToLower(bareAddr.FindString(v))
}
