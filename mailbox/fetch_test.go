package mailbox

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"golang.org/x/text/encoding/simplifiedchinese"

	"planreport/inbox"
	"planreport/internal/mailtest"
)

// part is one MIME part of a test message: a name header as a mail client writes it.
type part struct {
	ctype, disposition string
	data               []byte
}

func attach(name string, data []byte) part {
	enc := mime.BEncoding.Encode("UTF-8", name)
	return part{ctype: fmt.Sprintf("application/octet-stream; name=\"%s\"", enc),
		disposition: fmt.Sprintf("attachment; filename=\"%s\"", enc), data: data}
}

func gbkAttach(name string, data []byte) part {
	b, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(name))
	enc := "=?GBK?B?" + base64.StdEncoding.EncodeToString(b) + "?="
	return part{ctype: "application/vnd.ms-excel; name=\"" + enc + "\"", disposition: "attachment; filename=\"" + enc + "\"", data: data}
}

func rfc2231Attach(name string, data []byte) part {
	return part{ctype: "application/octet-stream", disposition: "attachment; filename*=UTF-8''" + url.PathEscape(name), data: data}
}

// email is a message from a unit, as its mail client sends it.
func email(from, subject string, date time.Time, parts ...part) []byte {
	var b bytes.Buffer
	h := sha256.Sum256(fmt.Appendf(nil, "%s%s%v%d", from, subject, date, len(parts)))
	id := hex.EncodeToString(h[:8])
	fmt.Fprintf(&b, "From: %s\r\nTo: office@example.gov.cn\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@unit.example.gov.cn>\r\nMIME-Version: 1.0\r\n",
		from, mime.BEncoding.Encode("UTF-8", subject), date.Format(time.RFC1123Z), id)
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b-%s\"\r\n\r\n", id)
	fmt.Fprintf(&b, "--b-%s\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n", id,
		base64.StdEncoding.EncodeToString([]byte("见附件。")))
	for _, p := range parts {
		fmt.Fprintf(&b, "--b-%s\r\nContent-Type: %s\r\nContent-Transfer-Encoding: base64\r\n", id, p.ctype)
		if p.disposition != "" {
			fmt.Fprintf(&b, "Content-Disposition: %s\r\n", p.disposition)
		}
		fmt.Fprintf(&b, "\r\n%s\r\n", lines(base64.StdEncoding.EncodeToString(p.data)))
	}
	fmt.Fprintf(&b, "--b-%s--\r\n", id)
	return b.Bytes()
}

func lines(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

// plainEmail is an unrelated message without attachments.
func plainEmail(n int, date time.Time) []byte {
	return fmt.Appendf(nil, "From: news%d@example.com\r\nTo: office@example.gov.cn\r\nSubject: notice %d\r\nDate: %s\r\nMessage-ID: <n%d@example.com>\r\n\r\nNothing for the office %d.\r\n",
		n, n, date.Format(time.RFC1123Z), n, n)
}

// workbook is a small .xlsx-like zip: a return for the inbox to find.
func workbook(t testing.TB, unit string, version int) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("xl/workbook.xml")
	fmt.Fprintf(w, "<workbook unit=%q version=\"%d\"/>", unit, version)
	zw.Close()
	return b.Bytes()
}

// unitReturns are n messages from units, each with its workbook.
func unitReturns(t testing.TB, n int) [][]byte {
	var raws [][]byte
	for i := range n {
		raws = append(raws, email(fmt.Sprintf("u%d@example.gov.cn", i), fmt.Sprintf("单位%d报送", i), arrival, attach(fmt.Sprintf("单位%d报送表.xlsx", i), workbook(t, "x", i))))
	}
	return raws
}

var (
	issued  = time.Date(2024, 1, 2, 9, 0, 0, 0, cst) // the period's templates went out
	before  = issued.AddDate(0, 0, -20)
	arrival = issued.AddDate(0, 0, 3)
)

func fetchOpts(t *testing.T) FetchOptions {
	dir := t.TempDir()
	return FetchOptions{Since: issued, Dir: filepath.Join(dir, "收件"), Log: filepath.Join(dir, FetchLogName)}
}

// savedFiles are the .eml files in dir, by SHA-256.
func savedFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if _, dup := out[hex.EncodeToString(sum[:])]; dup {
			t.Errorf("saved twice: %s", e.Name())
		}
		out[hex.EncodeToString(sum[:])] = e.Name()
	}
	return out
}

func sumOf(raw []byte) string {
	s := sha256.Sum256(raw)
	return hex.EncodeToString(s[:])
}

func TestFetchReturns(t *testing.T) {
	s := mailtest.Need(t)
	office := s.Account(t)
	c := s.IMAPClient(t, office)
	thirty := make([]part, 30)
	for i := range thirty {
		thirty[i] = attach(fmt.Sprintf("附件%02d_宝山镇报送表.xlsx", i+1), workbook(t, "宝山镇", i))
	}
	var inner bytes.Buffer
	inner.Write(email("hb@example.gov.cn", "怀北镇报送", arrival, attach("怀北镇报送表.xlsx", workbook(t, "怀北镇", 1))))
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("渤海镇/报送表.xlsx")
	w.Write(workbook(t, "渤海镇", 1))
	zw.Close()
	relevant := map[string][]byte{
		"return":       email("bs@example.gov.cn", "宝山镇报送", arrival, attach("2023Q4_宝山镇_任务进展报送表.xlsx", workbook(t, "宝山镇", 1))),
		"resubmission": email("bs@example.gov.cn", "宝山镇重新报送", arrival.Add(time.Hour), attach("2023Q4_宝山镇_任务进展报送表.xlsx", workbook(t, "宝山镇", 2))),
		"rejected":     email("sfj@example.gov.cn", "区司法局报送", arrival, attach("报送表（填错）.xlsx", workbook(t, "区司法局", 0))),
		"30 attached":  email("bs@example.gov.cn", "宝山镇全部材料", arrival, thirty...),
		"forwarded":    email("office2@example.gov.cn", "转发：怀北镇报送", arrival, part{ctype: "message/rfc822; name=\"fw.eml\"", disposition: "attachment; filename=\"fw.eml\"", data: inner.Bytes()}),
		"zip":          email("bh@example.gov.cn", "渤海镇报送", arrival, attach("渤海镇.zip", zb.Bytes())),
		"GBK name":     email("ql@example.gov.cn", "琉璃庙镇报送", arrival, gbkAttach("琉璃庙镇报送表.xls", workbook(t, "琉璃庙镇", 1))),
		"RFC 2231":     email("ty@example.gov.cn", "杨宋镇报送", arrival, rfc2231Attach("杨宋镇报送表.xlsx", workbook(t, "杨宋镇", 1))),
		"no extension": email("mc@example.gov.cn", "庙城镇报送", arrival, attach("庙城镇报送表", workbook(t, "庙城镇", 1))),
	}
	unrelated := [][]byte{
		plainEmail(1, arrival),
		email("x@example.com", "会议通知", arrival, attach("会议通知.pdf", []byte("%PDF-1.4")), attach("座位图.jpg", []byte("\xff\xd8\xff"))),
		email("y@example.com", "简报", arrival, gbkAttach("简报.docx", []byte("PK"))),
		// A return that arrived before the templates went out is not looked at.
		email("bs@example.gov.cn", "上期报送", before, attach("2023Q3_宝山镇_任务进展报送表.xlsx", workbook(t, "宝山镇", 0))),
	}
	for _, raw := range unrelated[:3] {
		s.Put(t, c, "INBOX", arrival, raw)
	}
	s.Put(t, c, "INBOX", before, unrelated[3])
	var names []string
	for name := range relevant {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s.Put(t, c, "INBOX", arrival, relevant[name])
	}
	before := mailtest.MailboxStatus(t, c, "INBOX")

	o := fetchOpts(t)
	res, err := Fetch(context.Background(), settings(s, office), testPassword, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Saved) != len(relevant) || res.Downloaded != len(relevant) || res.Examined != len(relevant)+3 || res.Relevant != len(relevant) {
		t.Errorf("saved %d, downloaded %d, examined %d, relevant %d; want %d, %d, %d, %d",
			len(res.Saved), res.Downloaded, res.Examined, res.Relevant, len(relevant), len(relevant), len(relevant)+3, len(relevant))
	}
	saved := savedFiles(t, o.Dir)
	for _, name := range names {
		if _, ok := saved[sumOf(relevant[name])]; !ok {
			t.Errorf("%s: not saved byte for byte", name)
		}
	}
	// What was saved reads in the inbox pipeline as a hand-saved .eml does.
	items, _, _, err := inbox.Read([]string{o.Dir}, inbox.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, it := range items {
		if it.Problem != "" {
			t.Errorf("%s: %s", it.Source, it.Problem)
		}
		found = append(found, it.Name)
	}
	if len(items) != 8+30 || !strings.Contains(strings.Join(found, "|"), "琉璃庙镇报送表.xls") || !strings.Contains(strings.Join(found, "|"), "杨宋镇报送表.xlsx") {
		t.Errorf("the inbox finds %d workbooks, want 38: %q", len(items), found)
	}
	for _, f := range res.Saved {
		if f.Path == "" || f.From == "" || f.MessageID == "" || f.Date.IsZero() {
			t.Errorf("saved %+v", f)
		}
		if f.Subject == "宝山镇全部材料" && len(f.Attachments) != 30 {
			t.Errorf("the structure shows %d attachments of 30", len(f.Attachments))
		}
	}

	// A rerun fetches nothing, and the mailbox is as it was: no message read, none gone.
	res, err = Fetch(context.Background(), settings(s, office), testPassword, o)
	if err != nil || len(res.Saved) != 0 || res.Downloaded != 0 || res.Examined != 0 {
		t.Fatalf("rerun: %+v %v", res, err)
	}
	after := mailtest.MailboxStatus(t, c, "INBOX")
	if after.Messages != before.Messages || after.Unseen != before.Unseen || after.Unseen != before.Messages {
		t.Errorf("the mailbox changed: %d messages, %d unseen; before %d and %d", after.Messages, after.Unseen, before.Messages, before.Unseen)
	}
	// Dovecot's own count of the bodies it sent: the relevant ones, once.
	c.Logout()
	if bodies, _ := s.BodyFetches(t, office, 3); bodies != len(relevant) {
		t.Errorf("Dovecot sent %d message bodies, want %d", bodies, len(relevant))
	}
}

func TestFetchAmongThousands(t *testing.T) {
	s := mailtest.Need(t)
	office := s.Account(t)
	c := s.IMAPClient(t, office)
	const unrelated = 2000
	start := time.Now()
	for i := range unrelated {
		raw := plainEmail(i, arrival)
		switch i % 4 {
		case 1:
			raw = email(fmt.Sprintf("n%d@example.com", i), fmt.Sprintf("通知%d", i), arrival, attach("通知.pdf", []byte("%PDF-1.4 "+fmt.Sprint(i))))
		case 2:
			raw = email(fmt.Sprintf("p%d@example.com", i), fmt.Sprintf("照片%d", i), arrival, attach("照片.jpg", []byte("\xff\xd8\xff")), attach("说明.docx", []byte("PK")))
		}
		at := arrival
		if i%10 == 0 {
			at = before
		}
		s.Put(t, c, "INBOX", at, raw)
	}
	relevant := unitReturns(t, 5)
	s.Put(t, c, "INBOX", arrival, relevant...)
	t.Logf("appended %d messages in %v", unrelated+5, time.Since(start))
	c.Logout()

	o := fetchOpts(t)
	start = time.Now()
	res, err := Fetch(context.Background(), settings(s, office), testPassword, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fetch: examined %d, relevant %d, downloaded %d, in %v", res.Examined, res.Relevant, res.Downloaded, time.Since(start))
	if res.Examined != unrelated-unrelated/10+5 || res.Downloaded != 5 || len(res.Saved) != 5 {
		t.Errorf("examined %d (want %d since the date), downloaded %d, saved %d (want 5)", res.Examined, unrelated-unrelated/10+5, res.Downloaded, len(res.Saved))
	}
	if bodies, _ := s.BodyFetches(t, office, 2); bodies != 5 {
		t.Errorf("Dovecot sent %d message bodies, want 5", bodies)
	}
	if saved := savedFiles(t, o.Dir); len(saved) != 5 {
		t.Errorf("%d files saved", len(saved))
	}
}

func TestFetchDroppedAndArriving(t *testing.T) {
	s := mailtest.Need(t)
	office := s.Account(t)
	c := s.IMAPClient(t, office)
	raws := unitReturns(t, 6)
	s.Put(t, c, "INBOX", arrival, raws[:5]...)
	o := fetchOpts(t)
	// The server drops the session after the second message saved; a message arrives after
	// the first.
	n := 0
	o.Progress = func(f Fetched) {
		switch n++; n {
		case 1:
			s.Put(t, c, "INBOX", arrival, raws[5])
		case 2:
			s.Doveadm(t, "kick", office)
		}
	}
	res, err := Fetch(context.Background(), settings(s, office), testPassword, o)
	if !errors.Is(err, ErrDropped) || !strings.Contains(err.Error(), "再次运行即继续收取") {
		t.Fatalf("error %v", err)
	}
	if len(res.Saved) != 2 {
		t.Fatalf("%d saved before the drop, want 2", len(res.Saved))
	}
	// The rerun completes: every message once, the one that arrived during the run too.
	o.Progress = nil
	res, err = Fetch(context.Background(), settings(s, office), testPassword, o)
	if err != nil || len(res.Saved) != 4 {
		t.Fatalf("rerun saved %d (%v), want 4", len(res.Saved), err)
	}
	saved := savedFiles(t, o.Dir)
	for i, raw := range raws {
		if _, ok := saved[sumOf(raw)]; !ok {
			t.Errorf("message %d lost", i)
		}
	}
	if len(saved) != 6 {
		t.Errorf("%d files for 6 messages", len(saved))
	}
	res, err = Fetch(context.Background(), settings(s, office), testPassword, o)
	if err != nil || len(res.Saved) != 0 || res.Downloaded != 0 {
		t.Errorf("third run: %+v %v", res, err)
	}
	entries, _ := ReadFetchLog(o.Log)
	savedEntries := 0
	for _, e := range entries {
		if e.Event == eventSaved {
			savedEntries++
		}
	}
	if savedEntries != 6 {
		t.Errorf("%d saved entries in the log, want 6", savedEntries)
	}

	// The server down: a clear message, nothing recorded.
	s.DovecotStop()
	_, err = Fetch(context.Background(), settings(s, office), testPassword, o)
	if startErr := s.DovecotStart(); startErr != nil {
		t.Fatal(startErr)
	}
	if !errors.Is(err, ErrConnect) || !strings.Contains(err.Error(), "收信服务器") || !strings.Contains(err.Error(), "连接被拒绝") {
		t.Errorf("server down: %v", err)
	}
}

func TestFetchTooLarge(t *testing.T) {
	s := mailtest.Need(t)
	office := s.Account(t)
	c := s.IMAPClient(t, office)
	big := bytes.Repeat([]byte("0123456789abcdef"), 3<<16) // 3 MiB
	raw := email("bs@example.gov.cn", "宝山镇报送（附大量照片）", arrival, attach("2023Q4_宝山镇_任务进展报送表.xlsx", workbook(t, "宝山镇", 1)), attach("佐证材料.zip", big))
	s.Put(t, c, "INBOX", arrival, raw)
	set := settings(s, office)
	set.MaxMessageMB = 1
	o := fetchOpts(t)
	for run := range 2 { // listed every run, never downloaded, never lost
		res, err := Fetch(context.Background(), set, testPassword, o)
		if err != nil || len(res.TooLarge) != 1 || len(res.Saved) != 0 || res.Downloaded != 0 {
			t.Fatalf("run %d: %+v %v", run, res, err)
		}
		if p := res.TooLarge[0].Problem; !strings.Contains(p, "超过收信上限 1.0 MB") || !strings.Contains(p, "宝山镇报送（附大量照片）") || !strings.Contains(p, "max_message_mb") {
			t.Errorf("problem %q", p)
		}
	}
	set.MaxMessageMB = 10
	res, err := Fetch(context.Background(), set, testPassword, o)
	if err != nil || len(res.Saved) != 1 || len(res.TooLarge) != 0 {
		t.Fatalf("with a higher limit: %+v %v", res, err)
	}
	if _, ok := savedFiles(t, o.Dir)[sumOf(raw)]; !ok {
		t.Error("not saved byte for byte")
	}
}

func TestFetchUIDValidityChanged(t *testing.T) {
	s := mailtest.Need(t)
	office := s.Account(t)
	c := s.IMAPClient(t, office)
	folder := "报送"
	raws := unitReturns(t, 4)
	s.Put(t, c, folder, arrival, raws[:3]...)
	set := settings(s, office)
	set.Folder = folder
	o := fetchOpts(t)
	res, err := Fetch(context.Background(), set, testPassword, o)
	if err != nil || len(res.Saved) != 3 {
		t.Fatalf("%+v %v", res, err)
	}
	first := res.UIDValidity
	// The folder is made anew (as a server migration does): new UIDVALIDITY, the same
	// messages under other UIDs (one with a header the migration added, one twice), and one new.
	if err := c.Delete(folder); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // Dovecot takes the UIDVALIDITY from the clock
	migrated := append([]byte("X-Migrated: yes\r\n"), raws[1]...)
	s.Put(t, c, folder, arrival, raws[3], raws[2], migrated, raws[0], raws[0])
	if st := mailtest.MailboxStatus(t, c, folder); st.UidValidity == first {
		t.Fatalf("UIDVALIDITY %d did not change", first)
	}
	res, err = Fetch(context.Background(), set, testPassword, o)
	if err != nil || !res.UIDValidityChanged || len(res.Saved) != 1 || res.Known != 4 || res.Downloaded != 1 {
		t.Fatalf("after the change: saved %d, known %d, downloaded %d, changed %v (%v)", len(res.Saved), res.Known, res.Downloaded, res.UIDValidityChanged, err)
	}
	if _, ok := savedFiles(t, o.Dir)[sumOf(raws[3])]; !ok {
		t.Error("the new message was not saved")
	}
	if saved := savedFiles(t, o.Dir); len(saved) != 4 {
		t.Errorf("%d files for 4 messages", len(saved))
	}
	res, err = Fetch(context.Background(), set, testPassword, o)
	if err != nil || len(res.Saved) != 0 || res.Known != 0 || res.Downloaded != 0 {
		t.Errorf("rerun: %+v %v", res, err)
	}
}

func TestFetchMarkSeen(t *testing.T) {
	s := mailtest.Need(t)
	office := s.Account(t)
	c := s.IMAPClient(t, office)
	s.Put(t, c, "INBOX", arrival, email("u@example.gov.cn", "报送", arrival, attach("报送表.xlsx", workbook(t, "x", 1))), plainEmail(1, arrival))
	o := fetchOpts(t)
	o.MarkSeen = true
	if res, err := Fetch(context.Background(), settings(s, office), testPassword, o); err != nil || len(res.Saved) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if st := mailtest.MailboxStatus(t, c, "INBOX"); st.Unseen != 1 {
		t.Errorf("%d unseen, want 1 (only the message saved is marked)", st.Unseen)
	}
}

func TestFetchLoginTLSFolder(t *testing.T) {
	s := mailtest.Need(t)
	office := s.Account(t)
	c := s.IMAPClient(t, office)
	s.Put(t, c, "INBOX", arrival, email("u@example.gov.cn", "报送", arrival, attach("报送表.xlsx", workbook(t, "x", 1))))
	for _, tc := range []struct {
		name     string
		change   func(*Settings)
		password Password
		kind     error
		says     []string
	}{
		{"wrong password", nil, "not-the-password", ErrLogin, []string{"收信服务器", "拒绝登录", office, PasswordEnv}},
		{"no such folder", func(st *Settings) { st.Folder = "单位报送" }, testPassword, ErrFolder, []string{"单位报送", "folder"}},
		{"implicit TLS, self-signed", func(st *Settings) { st.IMAP = Server{Host: "127.0.0.1", Port: s.IMAPSPort, TLS: TLSImplicit} }, testPassword,
			ErrTLS, []string{"不受本机信任", Fingerprint(s.Cert)}},
		{"implicit TLS, pinned", func(st *Settings) {
			st.IMAP = Server{Host: "127.0.0.1", Port: s.IMAPSPort, TLS: TLSImplicit, Fingerprint: Fingerprint(s.Cert)}
		}, testPassword, nil, nil},
		{"STARTTLS, pinned", func(st *Settings) {
			st.IMAP = Server{Host: "127.0.0.1", Port: s.IMAPPort, TLS: TLSStart, Fingerprint: Fingerprint(s.Cert)}
		}, testPassword, nil, nil},
		{"STARTTLS, self-signed", func(st *Settings) { st.IMAP = Server{Host: "127.0.0.1", Port: s.IMAPPort, TLS: TLSStart} }, testPassword,
			ErrTLS, []string{"不受本机信任", Fingerprint(s.Cert)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := settings(s, office)
			if tc.change != nil {
				tc.change(&set)
			}
			o := fetchOpts(t)
			res, err := Fetch(context.Background(), set, tc.password, o)
			if tc.kind == nil {
				if err != nil || len(res.Saved) != 1 {
					t.Fatalf("%+v %v", res, err)
				}
				return
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("error %v, want %v", err, tc.kind)
			}
			for _, w := range tc.says {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
			js, _ := json.Marshal(res)
			if strings.Contains(err.Error()+string(js), string(tc.password)) {
				t.Errorf("the password shows in %q", err)
			}
			if saved := savedFiles(t, o.Dir); len(saved) != 0 {
				t.Errorf("saved %v", saved)
			}
		})
	}
}

func TestFetchMessageDeletedMeanwhile(t *testing.T) {
	s := mailtest.Need(t)
	office := s.Account(t)
	c := s.IMAPClient(t, office)
	raws := unitReturns(t, 3)
	s.Put(t, c, "INBOX", arrival, raws...)
	o := fetchOpts(t)
	// Someone deletes the second message in the mail client while the first is being saved.
	o.Progress = func(f Fetched) {
		if f.UID != 1 {
			return
		}
		if _, err := c.Select("INBOX", false); err != nil {
			t.Fatal(err)
		}
		seq := new(imap.SeqSet)
		seq.AddNum(2)
		if err := c.UidStore(seq, imap.FormatFlagsOp(imap.AddFlags, true), []any{imap.DeletedFlag}, nil); err != nil {
			t.Fatal(err)
		}
		if err := c.Expunge(nil); err != nil {
			t.Fatal(err)
		}
	}
	// The run goes on. Dovecot still serves the deleted message to a session that has not
	// yet been told of the deletion, so it may be saved too; either way, once.
	res, err := Fetch(context.Background(), settings(s, office), testPassword, o)
	if err != nil || len(res.Saved) < 2 {
		t.Fatalf("%+v %v", res, err)
	}
	saved := savedFiles(t, o.Dir)
	if _, ok := saved[sumOf(raws[2])]; !ok || len(saved) != len(res.Saved) {
		t.Errorf("saved %v", saved)
	}
	t.Logf("%d of 3 saved", len(res.Saved))
	o.Progress = nil
	if res, err := Fetch(context.Background(), settings(s, office), testPassword, o); err != nil || len(res.Saved) != 0 {
		t.Errorf("rerun: %+v %v", res, err)
	}
}
