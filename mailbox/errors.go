package mailbox

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
)

// Kinds of failure, for errors.Is: the error's text is the Chinese explanation.
var (
	ErrConnect = errors.New("cannot connect")      // server down, wrong address or port, network
	ErrTLS     = errors.New("tls failed")          // certificate not trusted or not the pinned one
	ErrLogin   = errors.New("login refused")       // wrong account or password
	ErrDropped = errors.New("connection dropped")  // the server went away in the middle
	ErrFolder  = errors.New("no such folder")      // the folder in the settings does not exist
	ErrLog     = errors.New("log cannot be saved") // the send or fetch log cannot be read or written
)

// mailError is an explanation in Chinese of a failure of kind.
type mailError struct {
	kind error
	msg  string
}

func (e *mailError) Error() string { return e.msg }
func (e *mailError) Is(target error) bool {
	return target == e.kind
}

// explain turns a failure to talk to a server into a mailError that says, in Chinese, what
// went wrong and what to do. what names the server ("发信服务器"), addr is host:port. The
// password never appears in the text.
func explain(err error, what, addr string, pw Password) error {
	if err == nil {
		return nil
	}
	var me *mailError
	if errors.As(err, &me) {
		return me
	}
	kind, msg := ErrConnect, ""
	var dns *net.DNSError
	var ne net.Error
	switch {
	case tlsProblem(err, what, addr) != "":
		kind, msg = ErrTLS, tlsProblem(err, what, addr)
	case errors.Is(err, syscall.ECONNREFUSED):
		msg = fmt.Sprintf("无法连接%s %s：连接被拒绝。服务器没有开启，或设置中的地址、端口不对", what, addr)
	case errors.As(err, &dns):
		msg = fmt.Sprintf("找不到%s %s：请检查设置中的服务器地址，以及本机能否访问网络", what, addr)
	case errors.As(err, &ne) && ne.Timeout():
		msg = fmt.Sprintf("连接%s %s 超时：请检查网络，或服务器地址、端口是否正确（防火墙可能拦截了该端口）", what, addr)
	case dropped(err):
		kind, msg = ErrDropped, fmt.Sprintf("与%s %s 的连接中断", what, addr)
	default:
		msg = fmt.Sprintf("%s %s：%v", what, addr, err)
	}
	return &mailError{kind: kind, msg: scrub(msg, pw)}
}

// dropped tells a connection that went away.
func dropped(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	s := err.Error()
	for _, w := range []string{"connection reset", "broken pipe", "use of closed network connection", "EOF", "connection closed", "no active connection"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// scrub takes the password out of a text that came partly from elsewhere.
func scrub(s string, pw Password) string {
	if len(pw) >= 1 {
		s = strings.ReplaceAll(s, string(pw), hidden)
	}
	return s
}
