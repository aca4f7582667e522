package inbox

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const baoshan = "2023Q4_宝山镇_任务进展报送表.xlsx"

var (
	t0 = time.Date(2024, 1, 5, 8, 30, 0, 0, time.UTC)
	// sent is the Date of the test emails.
	sent = time.Date(2024, 1, 9, 16, 42, 10, 0, time.FixedZone("", 8*3600))
)

func gbk(s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// b64Lines is base64 as mail clients write it: 76 characters a line.
func b64Lines(b []byte) string {
	s := b64(b)
	var out strings.Builder
	for len(s) > 76 {
		out.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	out.WriteString(s + "\r\n")
	return out.String()
}

func qWord(charset string, b []byte) string {
	var s strings.Builder
	s.WriteString("=?" + charset + "?Q?")
	for _, c := range b {
		if c > 0x20 && c < 0x7f && c != '=' && c != '?' && c != '_' {
			s.WriteByte(c)
		} else {
			fmt.Fprintf(&s, "=%02X", c)
		}
	}
	s.WriteString("?=")
	return s.String()
}

func pct(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			s.WriteByte(c)
		} else {
			fmt.Fprintf(&s, "%%%02X", c)
		}
	}
	return s.String()
}

// fakeXLSX is a zip shaped like an OOXML workbook, tagged so tests can tell copies apart.
func fakeXLSX(tag string) []byte {
	return mkZip(zipEntry{name: "[Content_Types].xml", data: []byte(`<Types/>`)},
		zipEntry{name: "xl/workbook.xml", data: []byte("<workbook>" + tag + "</workbook>")})
}

type zipEntry struct {
	name   string // raw bytes as stored
	data   []byte
	stored bool
	extra  []byte
}

func mkZip(entries ...zipEntry) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		m := zip.Deflate
		if e.stored {
			m = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: m, Extra: e.extra, Modified: t0})
		if err != nil {
			panic(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// rawZip writes one entry whose header says whatever the test wants.
func rawZip(fh zip.FileHeader, compressed []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&fh)
	if err != nil {
		panic(err)
	}
	w.Write(compressed)
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// zeroDeflate is a raw deflate stream of n MiB of zeros, built without ever holding or
// compressing them: one MiB is compressed and sync-flushed (so it ends on a byte boundary
// and refers back only to zeros), repeated n times, and closed with an empty final block.
func zeroDeflate(n int) (stream []byte, crc uint32) {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zero := make([]byte, 1<<20)
	fw.Write(zero)
	fw.Flush()
	stream = bytes.Repeat(buf.Bytes(), n)
	stream = append(stream, 0x03, 0x00)
	h := crc32.NewIEEE()
	for range n {
		h.Write(zero)
	}
	return stream, h.Sum32()
}

func writeFile(t testing.TB, dir, rel string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, t0, t0); err != nil {
		t.Fatal(err)
	}
	return p
}

type result struct {
	items      []Item
	containers []Container
	skipped    []string
}

func read(t testing.TB, lim Limits, paths ...string) result {
	t.Helper()
	items, cs, skipped, err := Read(paths, lim)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	// Documents (Word, PDF) are items collect decides about; the tests see them apart, as
	// the skipped files they were before.
	var kept []Item
	for _, it := range items {
		if it.Document {
			skipped = append(skipped, it.Problem)
			continue
		}
		kept = append(kept, it)
	}
	return result{kept, cs, skipped}
}

func (r result) names() []string {
	var out []string
	for _, it := range r.items {
		out = append(out, it.Name)
	}
	return out
}

func (r result) problems() []string {
	var out []string
	for _, it := range r.items {
		if it.Problem != "" {
			out = append(out, it.Problem+"；"+it.Hint)
		}
	}
	return out
}

func (r result) good() []Item {
	var out []Item
	for _, it := range r.items {
		if it.Problem == "" {
			out = append(out, it)
		}
	}
	return out
}

func part(headers []string, body string) string {
	return strings.Join(headers, "\r\n") + "\r\n\r\n" + body
}

func b64Part(headers []string, data []byte) string {
	return part(append(headers, "Content-Transfer-Encoding: base64"), b64Lines(data))
}

func multipartBody(boundary string, parts ...string) string {
	var b strings.Builder
	b.WriteString("This is a multi-part message in MIME format.\r\n")
	for _, p := range parts {
		b.WriteString("--" + boundary + "\r\n" + p + "\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.String()
}

func textPart(s string) string {
	return part([]string{"Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit"}, s)
}

// email is a message from 宝山镇 dated sent, with the given body parts in multipart/mixed.
func email(parts ...string) string {
	return part([]string{
		"From: =?UTF-8?B?5a6d5bGx6ZWH?= <BaoShan@Example.CN>",
		"To: fzb@example.cn",
		"Date: Tue, 9 Jan 2024 16:42:10 +0800",
		"Subject: =?UTF-8?B?5oql6YCB?=",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="=_outer"`,
	}, multipartBody("=_outer", parts...))
}

func contains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
