package mailbox

// The tests talk to real mail servers on loopback, Dovecot and Postfix, which
// internal/mailtest starts once for the package's tests and stops at the end.

import (
	"os"
	"testing"

	"planreport/internal/mailtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	mailtest.Stop()
	os.Exit(code)
}

// testPassword logs in every account of the test servers.
const testPassword = mailtest.Password

// settings are Settings for account on the test servers, unencrypted (loopback), unpaced.
func settings(s *mailtest.Servers, account string) Settings {
	zero := 0.0
	return Settings{
		SMTP:    Server{Host: "127.0.0.1", Port: s.SMTPPort, TLS: TLSNone},
		IMAP:    Server{Host: "127.0.0.1", Port: s.IMAPPort, TLS: TLSNone},
		Account: account, From: account, FromName: "区委依法治区办",
		PaceSeconds: &zero,
	}
}
