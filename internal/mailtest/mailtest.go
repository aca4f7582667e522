// Package mailtest starts real mail servers on loopback for tests, as net/http/httptest
// starts an HTTP server: Dovecot (dovecot-imapd, dovecot-lmtpd) for IMAP, and Postfix for
// SMTP, which delivers what it accepts by LMTP into the same Dovecot, so that a test reads
// back what was sent. Need starts both once per test binary, in a temporary folder, on free
// loopback ports, with a self-signed certificate made here for the TLS cases; the test
// binary's TestMain calls Stop at the end. Every account of Domain exists, with Password;
// nothing leaves the machine. A test that needs the servers skips with "SKIPPED:" when they
// are missing (or the tests do not run as root, which Postfix needs), and fails instead when
// CI is set.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/smtp"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"planreport/internal/clienttest"
)

// Domain is the mail domain the servers deliver; Password logs in every account of it.
const (
	Domain   = "example.gov.cn"
	Password = "Pa55-word!测试"
)

// Servers are the running Dovecot and Postfix.
type Servers struct {
	Dir                  string // the servers' folder: configuration, logs, mailboxes (Dir/mail/ACCOUNT)
	IMAPPort, IMAPSPort  int    // plain (and STARTTLS), implicit TLS
	SMTPPort, SMTPSPort  int    // plain (and STARTTLS), implicit TLS
	ThrottlePort         int    // SMTP with a rate limit of ThrottleLimit messages a ThrottleUnit
	SlowPort             int    // SMTP that waits SlowReply after a message's last byte before it answers
	Cert                 *x509.Certificate
	PostfixUp, DovecotUp bool
	doveConf, postConf   string
	dovecot              *exec.Cmd
	mu                   sync.Mutex
	users                map[string]bool
}

const (
	SlowReply     = 4 * time.Second
	ThrottleLimit = 3
	ThrottleUnit  = 3 * time.Second
)

var (
	srvOnce sync.Once
	srv     *Servers
	srvErr  error
	srvSkip string // why the servers cannot run here
)

// Stop stops the servers, if they were started, and removes their folder: for the TestMain
// of a package whose tests call Need.
func Stop() {
	if srv != nil {
		srv.stop()
	}
}

// Need returns the running servers, starting them on first use; it skips the test, or fails
// it under CI, when they cannot run here.
func Need(t testing.TB) *Servers {
	t.Helper()
	srvOnce.Do(startServers)
	if srvSkip != "" {
		clienttest.Missing(t, srvSkip)
	}
	if srvErr != nil {
		t.Fatalf("mail servers: %v", srvErr)
	}
	return srv
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func startServers() {
	for _, bin := range []string{"dovecot", "doveadm", "postfix"} {
		if _, err := exec.LookPath(bin); err != nil {
			if _, err := os.Stat("/usr/sbin/" + bin); err != nil {
				srvSkip = bin + " is not installed (apt-get install dovecot-imapd dovecot-lmtpd postfix)"
				return
			}
		}
	}
	if _, err := os.Stat("/usr/lib/dovecot/lmtp"); err != nil {
		srvSkip = "Dovecot's LMTP server is not installed (apt-get install dovecot-lmtpd)"
		return
	}
	if os.Geteuid() != 0 {
		srvSkip = "the mail server tests start Postfix and Dovecot, which needs root"
		return
	}
	// Unix sockets take paths of at most 107 bytes: a short folder of our own.
	dir, err := os.MkdirTemp("", "prmail")
	if err != nil {
		srvErr = err
		return
	}
	s := &Servers{Dir: dir, users: map[string]bool{}}
	srv = s
	if err := os.Chmod(dir, 0o755); err != nil {
		srvErr = err
		return
	}
	for _, p := range []*int{&s.IMAPPort, &s.IMAPSPort, &s.SMTPPort, &s.SMTPSPort, &s.ThrottlePort, &s.SlowPort} {
		if *p, err = freePort(); err != nil {
			srvErr = err
			return
		}
	}
	if srvErr = s.makeCert(); srvErr != nil {
		return
	}
	if srvErr = s.startDovecot(); srvErr != nil {
		return
	}
	srvErr = s.startPostfix()
}

// makeCert makes a self-signed certificate for 127.0.0.1 and localhost.
func (s *Servers) makeCert() error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "mail.example.gov.cn", Organization: []string{"planreport test"}},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    []string{"localhost", "mail.example.gov.cn"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	if s.Cert, err = x509.ParseCertificate(der); err != nil {
		return err
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.Dir, "cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.Dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
}

func (s *Servers) startDovecot() error {
	d := s.Dir
	if err := makeDirs(d, "dovecot", "mail", "run", "state"); err != nil {
		return err
	}
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <%[1]s/cert.pem
ssl_key = <%[1]s/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_location = mailDir:%[1]s/mail/%%u
mail_uid = dovecot
mail_gid = dovecot
mail_max_userip_connections = 50
# Test mailboxes need no fsync: 2,000 APPENDs go faster.
mail_fsync = never
passdb {
  driver = static
  args = password=%[4]s
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=%[1]s/mail/%%u allow_all_users=yes
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[3]d
    ssl = yes
  }
}
service lmtp {
  unix_listener %[1]s/run/lmtp-in {
    mode = 0666
  }
}
# No growing delay after a failed login: the tests fail logins on purpose.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  unix_listener %[1]s/run/auth-smtp {
    mode = 0666
  }
}
`, d, s.IMAPPort, s.IMAPSPort, Password)
	s.doveConf = filepath.Join(d, "dovecot.conf")
	if err := os.WriteFile(s.doveConf, []byte(conf), 0o644); err != nil {
		return err
	}
	return s.DovecotStart()
}

// makeDirs makes folders in dir; the first belongs to the server's user.
func makeDirs(dir, owner string, subs ...string) error {
	for _, sub := range subs {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	u, err := user.Lookup(owner)
	if err != nil {
		return fmt.Errorf("no %s user: %v", owner, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(filepath.Join(dir, subs[0]), uid, gid)
}

// DovecotStart starts Dovecot and waits for its IMAP port.
func (s *Servers) DovecotStart() error {
	cmd := exec.Command("dovecot", "-F", "-c", s.doveConf)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	ownGroup(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("dovecot: %v", err)
	}
	s.dovecot = cmd
	if err := waitPort(s.IMAPPort); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.Dir, "dovecot.log"))
		return fmt.Errorf("dovecot did not start: %v\n%s\n%s", err, out.String(), log)
	}
	s.DovecotUp = true
	return nil
}

// DovecotStop stops Dovecot at once, as a crash or a restart of the server would.
func (s *Servers) DovecotStop() {
	if s.dovecot != nil && s.dovecot.Process != nil {
		killGroup(s.dovecot.Process.Pid)
		s.dovecot.Wait()
		s.dovecot = nil
	}
	s.DovecotUp = false
	// Wait for the port to be free.
	for i := 0; i < 100; i++ {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.IMAPPort), 100*time.Millisecond)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(50 * time.Millisecond)
	}
}

func waitPort(port int) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// accessRules are the recipients Postfix treats specially, by their local part's start: it
// refuses refused…@, defers busy…@ (4xx) and drops the connection for drop…@.
const accessRules = `/^refused/ REJECT 5.1.1 mailbox unavailable
/^busy/ 450 4.2.1 mailbox busy, try again later
/^drop/ 421 4.4.2 closing connection
`

func (s *Servers) startPostfix() error {
	d := s.Dir
	conf := filepath.Join(d, "postfix")
	if err := makeDirs(d, "postfix", "pdata", "postfix", "queue"); err != nil {
		return err
	}
	if err := makeQueue(filepath.Join(d, "queue")); err != nil {
		return err
	}
	main := fmt.Sprintf(`compatibility_level = 3.6
queue_directory = %[1]s/queue
data_directory = %[1]s/pdata
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.example.gov.cn
mydomain = example.gov.cn
myorigin = example.gov.cn
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
maillog_file = %[1]s/postfix.log
maillog_file_prefixes = %[1]s
# Deliver the test domain into Dovecot; nothing ever leaves this machine.
virtual_mailbox_domains = example.gov.cn
virtual_transport = lmtp:unix:%[1]s/run/lmtp-in
default_transport = error:5.7.1 no mail leaves the test server
relay_transport = error:5.7.1 no mail leaves the test server
smtp_dns_support_level = disabled
# Login through Dovecot.
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = %[1]s/run/auth-smtp
smtpd_tls_cert_file = %[1]s/cert.pem
smtpd_tls_key_file = %[1]s/key.pem
smtpd_tls_security_level = may
smtpd_recipient_restrictions = check_recipient_access regexp:%[1]s/postfix/access, permit_sasl_authenticated, reject
smtpd_client_event_limit_exceptions =
anvil_rate_time_unit = %[2]ds
slow_end_of_data = sleep %[3]d
`, d, int(ThrottleUnit/time.Second), int(SlowReply/time.Second))
	master := fmt.Sprintf(`127.0.0.1:%d inet n - n - - smtpd
127.0.0.1:%d inet n - n - - smtpd -o smtpd_tls_wrappermode=yes
127.0.0.1:%d inet n - n - - smtpd -o smtpd_client_message_rate_limit=%d
127.0.0.1:%d inet n - n - - smtpd -o smtpd_end_of_data_restrictions=$slow_end_of_data
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
`, s.SMTPPort, s.SMTPSPort, s.ThrottlePort, ThrottleLimit, s.SlowPort)
	// Postfix waits for a configuration file changed in the last two seconds to settle (in
	// steps of 300 ms): these are dated a minute ago.
	written := time.Now().Add(-time.Minute)
	for name, text := range map[string]string{"main.cf": main, "master.cf": master, "access": accessRules} {
		if err := os.WriteFile(filepath.Join(conf, name), []byte(text), 0o644); err != nil {
			return err
		}
		if err := os.Chtimes(filepath.Join(conf, name), written, written); err != nil {
			return err
		}
	}
	s.postConf = conf
	return s.PostfixStart()
}

// queueDirs are Postfix's queue folders, their modes and whether they belong to the
// postdrop group, as Debian's /etc/postfix/postfix-files has them.
var queueDirs = []struct {
	name     string
	mode     os.FileMode
	postdrop bool
}{{"active", 0o700, false}, {"bounce", 0o700, false}, {"corrupt", 0o700, false}, {"defer", 0o700, false},
	{"deferred", 0o700, false}, {"flush", 0o700, false}, {"hold", 0o700, false}, {"incoming", 0o700, false},
	{"private", 0o700, false}, {"maildrop", 0o730, true}, {"public", 0o710, true}, {"saved", 0o700, false},
	{"trace", 0o700, false}}

// makeQueue makes the queue's folders, which "postfix start" would make itself in its checks:
// those take two seconds a start, and a start with a "quick-start" file skips them.
func makeQueue(queue string) error {
	owner, err := user.Lookup("postfix")
	if err != nil {
		return err
	}
	group, err := user.LookupGroup("postdrop")
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(owner.Uid)
	gid, _ := strconv.Atoi(owner.Gid)
	postdrop, _ := strconv.Atoi(group.Gid)
	if err := os.MkdirAll(filepath.Join(queue, "pid"), 0o755); err != nil {
		return err
	}
	for _, q := range queueDirs {
		path := filepath.Join(queue, q.name)
		g := gid
		if q.postdrop {
			g = postdrop
		}
		if err := os.Mkdir(path, q.mode); err != nil {
			return err
		}
		// Mkdir's mode passes through the umask.
		if err := os.Chmod(path, q.mode); err != nil {
			return err
		}
		if err := os.Chown(path, uid, g); err != nil {
			return err
		}
	}
	return nil
}

// PostfixStart starts Postfix and waits for its SMTP ports.
func (s *Servers) PostfixStart() error {
	// "postfix start" starts the master in the background; the queue is ours (makeQueue), so
	// it need not check it.
	if err := os.WriteFile(filepath.Join(s.Dir, "queue", "quick-start"), nil, 0o644); err != nil {
		return err
	}
	out, err := exec.Command("postfix", "-c", s.postConf, "start").CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(s.Dir, "postfix.log"))
		return fmt.Errorf("postfix start: %v\n%s\n%s", err, out, log)
	}
	for _, p := range []int{s.SMTPPort, s.SMTPSPort, s.ThrottlePort, s.SlowPort} {
		if err := waitPort(p); err != nil {
			log, _ := os.ReadFile(filepath.Join(s.Dir, "postfix.log"))
			return fmt.Errorf("postfix did not start: %v\n%s", err, log)
		}
	}
	s.PostfixUp = true
	return nil
}

// PostfixStop stops Postfix at once ("postfix abort": no waiting for sessions to end).
func (s *Servers) PostfixStop() {
	exec.Command("postfix", "-c", s.postConf, "abort").Run()
	s.PostfixUp = false
	for i := 0; i < 100; i++ {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.SMTPPort), 100*time.Millisecond)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(50 * time.Millisecond)
	}
}

// KillSMTPSessions kills, by their process IDs, the smtpd processes of our Postfix: every SMTP
// session it has open ends at once, as a crash of the server would end it.
func (s *Servers) KillSMTPSessions(t testing.TB) int {
	t.Helper()
	pidText, err := os.ReadFile(filepath.Join(s.Dir, "queue", "pid", "master.pid"))
	if err != nil {
		t.Fatal(err)
	}
	master := strings.TrimSpace(string(pidText))
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	killed := 0
	for _, st := range stats {
		data, err := os.ReadFile(st)
		if err != nil {
			continue
		}
		// pid (comm) state ppid …
		f := strings.Fields(string(data))
		if len(f) > 3 && f[1] == "(smtpd)" && f[3] == master {
			pid, _ := strconv.Atoi(f[0])
			if kill(pid) == nil {
				killed++
			}
		}
	}
	return killed
}

func (s *Servers) stop() {
	if s.postConf != "" {
		s.PostfixStop()
	}
	s.DovecotStop()
	os.RemoveAll(s.Dir)
}

// Account names a mailbox of its own for a test. Dovecot takes any user with Password.
func (s *Servers) Account(t testing.TB) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	name := strings.ToLower(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, t.Name()))
	for n := 1; s.users[name]; n++ {
		name = fmt.Sprintf("%s-%d", strings.TrimRight(name, "-0123456789"), n)
	}
	s.users[name] = true
	return name + "@" + Domain
}

// IMAPClient logs in as account, for a test to put messages in or look at them.
func (s *Servers) IMAPClient(t testing.TB, account string) *client.Client {
	t.Helper()
	c, err := client.Dial(fmt.Sprintf("127.0.0.1:%d", s.IMAPPort))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(account, Password); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Logout() })
	return c
}

// Put appends messages to a folder of account, each with its arrival time (IMAP's
// INTERNALDATE, which SEARCH SINCE reads).
func (s *Servers) Put(t testing.TB, c *client.Client, folder string, at time.Time, raws ...[]byte) {
	t.Helper()
	if folder != "INBOX" {
		c.Create(folder) // exists already: fine
	}
	for _, raw := range raws {
		if err := c.Append(folder, nil, at, bytes.NewReader(raw)); err != nil {
			t.Fatalf("APPEND: %v", err)
		}
	}
}

// Doveadm runs doveadm on the test server.
func (s *Servers) Doveadm(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command("doveadm", append([]string{"-c", s.doveConf}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("doveadm %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Delivered waits until account's INBOX holds n messages (Postfix delivers by LMTP in the
// background) and returns them, raw, oldest first.
func (s *Servers) Delivered(t testing.TB, account string, n int) [][]byte {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var raws [][]byte
	for {
		raws = raws[:0]
		for _, sub := range []string{"new", "cur"} {
			files, _ := filepath.Glob(filepath.Join(s.Dir, "mail", account, sub, "*"))
			for _, f := range files {
				if data, err := os.ReadFile(f); err == nil {
					raws = append(raws, data)
				}
			}
		}
		if len(raws) >= n || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(raws) != n {
		log, _ := os.ReadFile(filepath.Join(s.Dir, "postfix.log"))
		t.Fatalf("%s received %d messages, want %d\npostfix log:\n%s", account, len(raws), n, tail(log, 30))
	}
	return raws
}

// Settle waits until Postfix's queue is empty, so that nothing sent is still on its way.
func (s *Servers) Settle(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		out, _ := exec.Command("postqueue", "-c", s.postConf, "-p").CombinedOutput()
		if strings.Contains(string(out), "Mail queue is empty") {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// SendRaw sends a message as it is, Date and Message-ID included, through the plain SMTP
// port, logged in as account: as a unit's mail client sends its return to the office.
func (s *Servers) SendRaw(t testing.TB, account string, to []string, raw []byte) {
	t.Helper()
	c, err := smtp.Dial(fmt.Sprintf("127.0.0.1:%d", s.SMTPPort))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Loopback: net/smtp sends PLAIN without TLS to 127.0.0.1 only.
	err = c.Auth(smtp.PlainAuth("", account, Password, "127.0.0.1"))
	if err == nil {
		err = c.Mail(account)
	}
	for _, a := range to {
		if err == nil {
			err = c.Rcpt(a)
		}
	}
	if err == nil {
		var w io.WriteCloser
		if w, err = c.Data(); err == nil {
			if _, err = w.Write(raw); err == nil {
				err = w.Close()
			}
		}
	}
	if err == nil {
		err = c.Quit()
	}
	if err != nil {
		t.Fatalf("SMTP as %s: %v", account, err)
	}
}

// BodyFetches is how many message bodies Dovecot says account fetched, over its sessions
// that have ended (from the body_count of Dovecot's logout lines).
func (s *Servers) BodyFetches(t testing.TB, account string, sessions int) (bodies, ended int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		bodies, ended = 0, 0
		log, _ := os.ReadFile(filepath.Join(s.Dir, "dovecot.log"))
		for _, line := range strings.Split(string(log), "\n") {
			if !strings.Contains(line, "imap("+account+")") || !strings.Contains(line, "Disconnected") {
				continue
			}
			i := strings.Index(line, "body_count=")
			if i < 0 {
				continue
			}
			n, _ := strconv.Atoi(strings.Fields(line[i+len("body_count="):])[0])
			bodies += n
			ended++
		}
		if ended >= sessions || time.Now().After(deadline) {
			return bodies, ended
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// MailboxStatus is a folder's UIDVALIDITY and message count, as the server has them.
func MailboxStatus(t testing.TB, c *client.Client, folder string) *imap.MailboxStatus {
	t.Helper()
	st, err := c.Status(folder, []imap.StatusItem{imap.StatusUidValidity, imap.StatusMessages, imap.StatusUnseen})
	if err != nil {
		t.Fatal(err)
	}
	return st
}
