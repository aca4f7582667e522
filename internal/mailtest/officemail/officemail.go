// Package officemail connects a test's workspace to the test mail servers (internal/mailtest):
// the office and its units get mailboxes of their own there, and the workspace the office's
// mailbox settings. (mailtest itself cannot import mailbox, whose tests use it.)
package officemail

import (
	"fmt"
	"strings"
	"testing"

	"planreport/internal/mailtest"
	"planreport/mailbox"
	"planreport/workspace"
)

// Connect gives the workspace's office and every unit with an address in its ledger a mailbox
// of its own on the servers, writes the office's mailbox settings (loopback, unencrypted,
// unpaced) and returns the office's address and each unit's. The password is
// mailtest.Password, which the test gives as the office would.
func Connect(t testing.TB, s *mailtest.Servers, w *workspace.Workspace) (office string, units map[string]string) {
	t.Helper()
	p, err := w.ReadPlan()
	if err != nil {
		t.Fatal(err)
	}
	office = s.Account(t)
	prefix := strings.TrimSuffix(office, "@"+mailtest.Domain)
	p.Office.Email = office
	units = map[string]string{}
	for i := range p.Units {
		if p.Units[i].Email != "" {
			p.Units[i].Email = fmt.Sprintf("%s-u%02d@%s", prefix, i+1, mailtest.Domain)
			units[p.Units[i].Name] = p.Units[i].Email
		}
	}
	if err := w.SavePlan(p, "测试"); err != nil {
		t.Fatal(err)
	}
	zero := 0.0
	set := mailbox.Settings{SMTP: mailbox.Server{Host: "127.0.0.1", Port: s.SMTPPort, TLS: mailbox.TLSNone},
		IMAP:    mailbox.Server{Host: "127.0.0.1", Port: s.IMAPPort, TLS: mailbox.TLSNone},
		Account: office, PaceSeconds: &zero}
	if err := set.Save(w.Dir()); err != nil {
		t.Fatal(err)
	}
	return office, units
}
