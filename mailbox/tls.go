package mailbox

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Fingerprint is the SHA-256 of a certificate as pinned in the settings and as mail test
// prints it: upper-case hex in pairs separated by colons.
func Fingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return formatFingerprint(sum[:])
}

func formatFingerprint(b []byte) string {
	s := strings.ToUpper(hex.EncodeToString(b))
	var out strings.Builder
	for i := 0; i < len(s); i += 2 {
		if i > 0 {
			out.WriteByte(':')
		}
		out.WriteString(s[i : i+2])
	}
	return out.String()
}

// parseFingerprint reads a pinned SHA-256 fingerprint, with or without colons and spaces.
func parseFingerprint(s string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		if r == ':' || r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	clean = strings.TrimPrefix(strings.ToLower(clean), "sha256")
	b, err := hex.DecodeString(clean)
	if err != nil || len(b) != sha256.Size {
		return nil, fmt.Errorf("“%s” 不是 SHA-256 证书指纹（应为 64 位十六进制，可带冒号）", s)
	}
	return b, nil
}

// tlsConfig verifies the server's certificate as usual, or, when the settings pin one,
// accepts exactly that certificate (whoever signed it) and no other.
func tlsConfig(sv Server) (*tls.Config, error) {
	c := &tls.Config{ServerName: sv.Host, MinVersion: tls.VersionTLS12}
	if sv.Fingerprint == "" {
		return c, nil
	}
	pin, err := parseFingerprint(sv.Fingerprint)
	if err != nil {
		return nil, err
	}
	// The pin replaces the chain check, never the check itself: VerifyConnection runs on
	// every handshake and refuses any other certificate.
	c.InsecureSkipVerify = true
	c.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return &pinError{}
		}
		sum := sha256.Sum256(cs.PeerCertificates[0].Raw)
		if !bytes.Equal(sum[:], pin) {
			return &pinError{got: formatFingerprint(sum[:]), want: formatFingerprint(pin)}
		}
		return nil
	}
	return c, nil
}

// pinError is a certificate other than the pinned one.
type pinError struct{ got, want string }

func (e *pinError) Error() string {
	return fmt.Sprintf("certificate %s is not the pinned %s", e.got, e.want)
}

// tlsProblem explains a TLS failure in Chinese, or returns "" when err is none.
func tlsProblem(err error, what, addr string) string {
	var pe *pinError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%s %s 的证书与设置中固定的指纹不一致（服务器证书指纹 %s，设置中为 %s）。"+
			"证书可能已更换，也可能有人冒充服务器：请向信息中心核实新证书的指纹后再修改设置中的 fingerprint", what, addr, pe.got, pe.want)
	}
	var ve *tls.CertificateVerificationError
	if errors.As(err, &ve) && len(ve.UnverifiedCertificates) > 0 {
		fp := Fingerprint(ve.UnverifiedCertificates[0])
		var he x509.HostnameError
		var ie x509.CertificateInvalidError
		switch {
		case errors.As(err, &he):
			return fmt.Sprintf("%s %s 的证书不是签发给这个地址的（%v）：请检查服务器地址是否写错；证书指纹（SHA-256）%s", what, addr, he.Error(), fp)
		case errors.As(err, &ie) && ie.Reason == x509.Expired:
			return fmt.Sprintf("%s %s 的证书已过期或尚未生效：请联系邮件服务器管理员更新证书；证书指纹（SHA-256）%s", what, addr, fp)
		}
		return fmt.Sprintf("%s %s 的证书不受本机信任（自签名，或签发机构不在本机的信任列表中）。证书指纹（SHA-256）：%s。"+
			"如向信息中心核实这正是单位邮件服务器的证书，可在 %s 中该服务器下填写 \"fingerprint\": \"%s\"，固定信任这一张证书", what, addr, fp, SettingsName, fp)
	}
	var re tls.RecordHeaderError
	if errors.As(err, &re) {
		return fmt.Sprintf("%s %s 没有用 TLS 加密应答：该端口可能不是加密端口，请检查设置中的 tls 和 port（通常 465、993 为 tls，587、143 为 starttls）", what, addr)
	}
	var ae tls.AlertError
	if errors.As(err, &ae) || strings.Contains(err.Error(), "tls:") {
		return fmt.Sprintf("与%s %s 建立加密连接失败（%v）：请检查设置中的 tls 和 port", what, addr, err)
	}
	return ""
}
