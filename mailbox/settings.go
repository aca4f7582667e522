package mailbox

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"planreport/internal/atomicfile"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"
)

// SettingsName is the settings file in the workspace's root folder.
const SettingsName = "邮箱设置.json"

// PasswordEnv names the environment variable that holds the mailbox password.
const PasswordEnv = "PLANREPORT_MAIL_PASSWORD"

// TLS modes of a server.
const (
	TLSImplicit = "tls"      // TLS from the first byte (SMTP 465, IMAP 993)
	TLSStart    = "starttls" // plain, then STARTTLS before login (SMTP 587, IMAP 143)
	TLSNone     = "none"     // no encryption: only to a server on this machine (127.0.0.1)
)

// Defaults of Settings.
const (
	DefaultFolder     = "INBOX"
	DefaultPace       = time.Second
	DefaultMaxMessage = 50 << 20
)

// Settings are the office's mail servers and account: everything but the password.
type Settings struct {
	SMTP     Server `json:"smtp"`
	IMAP     Server `json:"imap"`
	Account  string `json:"account"`             // the login name, often the address itself
	From     string `json:"from"`                // the office's address; default Account
	FromName string `json:"from_name,omitempty"` // shown with From, e.g. the office's name
	Folder   string `json:"folder,omitempty"`    // the folder the units' returns arrive in; default INBOX
	// PaceSeconds is the pause between two messages sent (default 1): servers throttle bursts.
	PaceSeconds *float64 `json:"pace_seconds,omitempty"`
	// MaxMessageMB is the largest message fetched, in MiB (default 50); a larger one is listed,
	// not downloaded.
	MaxMessageMB float64 `json:"max_message_mb,omitempty"`
}

// Server is one mail server.
type Server struct {
	Host string `json:"host"`
	Port int    `json:"port,omitempty"` // default by TLS mode: SMTP 465/587/25, IMAP 993/143/143
	TLS  string `json:"tls,omitempty"`  // tls, starttls or none; default tls
	// Fingerprint pins the server's own certificate by its SHA-256 (as "planreport mail test"
	// prints it): for a server whose certificate is self-signed. Empty: the certificate must be
	// trusted by this computer.
	Fingerprint string `json:"fingerprint,omitempty"`
}

// Password is the mailbox password. It prints as asterisks, in JSON too, so that it cannot
// reach a log, an error message or --json by accident; string(p) is the password.
type Password string

const hidden = "******"

func (Password) String() string                  { return hidden }
func (Password) GoString() string                { return hidden }
func (Password) Format(f fmt.State, verb rune)   { io.WriteString(f, hidden) }
func (Password) MarshalJSON() ([]byte, error)    { return []byte(`"` + hidden + `"`), nil }
func (Password) MarshalText() ([]byte, error)    { return []byte(hidden), nil }
func (p *Password) UnmarshalJSON([]byte) error   { return errors.New("密码不保存在文件中") }
func (p *Password) UnmarshalText(b []byte) error { return p.UnmarshalJSON(b) }

// ReadPassword returns the password from PLANREPORT_MAIL_PASSWORD or, when in is a terminal,
// asks for it there without echo.
func ReadPassword(account string, in *os.File, out io.Writer) (Password, error) {
	if p := os.Getenv(PasswordEnv); p != "" {
		return Password(p), nil
	}
	if in == nil || !term.IsTerminal(int(in.Fd())) {
		return "", fmt.Errorf("没有邮箱密码：请设置环境变量 %s，或在终端中运行本命令输入密码", PasswordEnv)
	}
	fmt.Fprintf(out, "请输入邮箱 %s 的密码（输入时不显示）：", account)
	b, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(out)
	if err != nil {
		return "", fmt.Errorf("读取密码：%w", err)
	}
	if len(b) == 0 {
		return "", errors.New("没有输入密码")
	}
	return Password(b), nil
}

// SettingsPath is the settings file of a workspace.
func SettingsPath(workspace string) string { return filepath.Join(workspace, SettingsName) }

// LoadSettings reads a workspace's settings and checks them.
func LoadSettings(workspace string) (Settings, error) {
	path := SettingsPath(workspace)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Settings{}, fmt.Errorf("还没有邮箱设置（%s）：请先运行 planreport mail setup", path)
	}
	if err != nil {
		return Settings{}, fmt.Errorf("读取邮箱设置 %s：%w", path, err)
	}
	var s Settings
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Settings{}, fmt.Errorf("邮箱设置 %s 格式有误（%v）：请用 planreport mail setup 重新生成，或按 README 修改", path, err)
	}
	if err := s.Check(); err != nil {
		return Settings{}, fmt.Errorf("邮箱设置 %s：%w", path, err)
	}
	return s, nil
}

// Save writes the settings to the workspace, through a temporary file.
func (s Settings) Save(workspace string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(SettingsPath(workspace), func(f *os.File) error {
		_, err := f.Write(append(data, '\n'))
		return err
	})
}

// Check says, in Chinese, everything that is wrong with the settings.
func (s Settings) Check() error {
	var problems []string
	for _, sv := range []struct {
		name string
		s    Server
	}{{"smtp", s.SMTP}, {"imap", s.IMAP}} {
		if sv.s.Host == "" {
			problems = append(problems, fmt.Sprintf("%s.host 未填写（邮件服务器地址，如 mail.example.gov.cn）", sv.name))
		}
		if sv.s.Port < 0 || sv.s.Port > 65535 {
			problems = append(problems, fmt.Sprintf("%s.port %d 不是有效的端口", sv.name, sv.s.Port))
		}
		switch sv.s.TLS {
		case "", TLSImplicit, TLSStart:
		case TLSNone:
			if !isLoopback(sv.s.Host) {
				problems = append(problems, fmt.Sprintf("%s.tls 为 none（不加密）只允许本机服务器（127.0.0.1）；%s 请用 tls 或 starttls", sv.name, sv.s.Host))
			}
		default:
			problems = append(problems, fmt.Sprintf("%s.tls “%s” 无效：应为 tls、starttls 或 none", sv.name, sv.s.TLS))
		}
		if sv.s.Fingerprint != "" {
			if _, err := parseFingerprint(sv.s.Fingerprint); err != nil {
				problems = append(problems, fmt.Sprintf("%s.fingerprint：%v", sv.name, err))
			}
			if sv.s.TLS == TLSNone {
				problems = append(problems, fmt.Sprintf("%s.fingerprint 只用于加密连接，tls 为 none 时不能填写", sv.name))
			}
		}
	}
	if s.Account == "" {
		problems = append(problems, "account 未填写（登录邮箱的账号）")
	}
	if from := s.FromAddress(); from != "" {
		if _, err := mail.ParseAddress(from); err != nil {
			problems = append(problems, fmt.Sprintf("from “%s” 不是有效的邮箱地址", from))
		}
	}
	if s.PaceSeconds != nil && (*s.PaceSeconds < 0 || *s.PaceSeconds > 600) {
		problems = append(problems, "pace_seconds 应在 0 到 600 秒之间")
	}
	if s.MaxMessageMB < 0 {
		problems = append(problems, "max_message_mb 不能为负数")
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "；"))
	}
	return nil
}

// FromAddress is the address messages are sent from.
func (s Settings) FromAddress() string {
	if s.From != "" {
		return s.From
	}
	if strings.Contains(s.Account, "@") {
		return s.Account
	}
	return ""
}

// MailFolder is the folder fetched.
func (s Settings) MailFolder() string {
	if s.Folder == "" {
		return DefaultFolder
	}
	return s.Folder
}

// Pace is the pause between two messages sent.
func (s Settings) Pace() time.Duration {
	if s.PaceSeconds == nil {
		return DefaultPace
	}
	return time.Duration(*s.PaceSeconds * float64(time.Second))
}

// MaxMessage is the largest message fetched, in bytes.
func (s Settings) MaxMessage() int64 {
	if s.MaxMessageMB <= 0 {
		return DefaultMaxMessage
	}
	return int64(s.MaxMessageMB * (1 << 20))
}

func (sv Server) mode() string {
	if sv.TLS == "" {
		return TLSImplicit
	}
	return sv.TLS
}

// address is host:port, with the port the TLS mode implies when none is set.
func (sv Server) address(smtp bool) string {
	return net.JoinHostPort(sv.Host, strconv.Itoa(sv.port(smtp)))
}

func (sv Server) port(smtp bool) int {
	if sv.Port != 0 {
		return sv.Port
	}
	switch {
	case smtp && sv.mode() == TLSImplicit:
		return 465
	case smtp && sv.mode() == TLSStart:
		return 587
	case smtp:
		return 25
	case sv.mode() == TLSImplicit:
		return 993
	}
	return 143
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Setup asks for the settings on in, one question a line, showing old's values as
// defaults (an empty answer keeps them), and returns them checked.
func Setup(in io.Reader, out io.Writer, old Settings) (Settings, error) {
	r := bufio.NewReader(in)
	eof := false
	ask := func(question, def string) string {
		if def != "" {
			fmt.Fprintf(out, "%s [%s]：", question, def)
		} else {
			fmt.Fprintf(out, "%s：", question)
		}
		line, err := r.ReadString('\n')
		if err != nil {
			eof = true
		}
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
		return def
	}
	askTLS := func(what string, sv *Server, smtp bool) {
		for {
			mode := ask(what+"加密方式（tls / starttls / none）", sv.mode())
			switch strings.ToLower(mode) {
			case TLSImplicit, TLSStart, TLSNone:
				sv.TLS = strings.ToLower(mode)
			default:
				fmt.Fprintf(out, "“%s” 无效，请输入 tls、starttls 或 none\n", mode)
				if eof {
					return
				}
				continue
			}
			break
		}
		for {
			port := ask(what+"端口", strconv.Itoa(sv.port(smtp)))
			n, err := strconv.Atoi(port)
			if err == nil && n > 0 && n <= 65535 {
				sv.Port = n
				break
			}
			fmt.Fprintf(out, "“%s” 不是有效的端口\n", port)
			if eof {
				return
			}
		}
	}
	s := old
	fmt.Fprintln(out, "设置报送用的单位邮箱。直接回车保留方括号中的值。密码不保存在文件中：运行时从环境变量 "+PasswordEnv+" 读取，或在终端中输入。")
	s.Account = ask("登录账号（通常就是邮箱地址）", s.Account)
	s.From = ask("发件地址", s.FromAddress())
	s.FromName = ask("发件人名称（如办公室名称，可不填）", s.FromName)
	s.SMTP.Host = ask("发信（SMTP）服务器地址", s.SMTP.Host)
	askTLS("发信服务器", &s.SMTP, true)
	imapHost := s.IMAP.Host
	if imapHost == "" {
		imapHost = guessIMAPHost(s.SMTP.Host)
	}
	s.IMAP.Host = ask("收信（IMAP）服务器地址", imapHost)
	askTLS("收信服务器", &s.IMAP, false)
	s.Folder = ask("收取报送邮件的文件夹", s.MailFolder())
	if s.Folder == DefaultFolder {
		s.Folder = ""
	}
	if err := s.Check(); err != nil {
		return s, err
	}
	return s, nil
}

// guessIMAPHost turns smtp.example.gov.cn into imap.example.gov.cn.
func guessIMAPHost(smtp string) string {
	if rest, ok := strings.CutPrefix(smtp, "smtp."); ok {
		return "imap." + rest
	}
	return smtp
}
