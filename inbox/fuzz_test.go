package inbox

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// fuzzLimits are small so that a run explores many inputs and a bound that slips shows.
var fuzzLimits = Limits{MaxFileBytes: 1 << 20, MaxZipEntries: 20, MaxUnzippedBytes: 4 << 20, MaxRatio: 200, MaxDepth: 3, MaxParts: 100}

func emlSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	files, _ := filepath.Glob("testdata/*.eml")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, data)
	}
	x := fakeXLSX("seed")
	att := b64Part([]string{`Content-Type: application/octet-stream; name="=?GBK?B?` + b64(gbk("报送.xlsx")) + `?="`}, x)
	z := mkZip(zipEntry{name: string(gbk("宝山镇/报送.xlsx")), data: x}, zipEntry{name: "in.zip", data: mkZip(zipEntry{name: "a.csv", data: []byte("a,b")})})
	inner := part([]string{"From: a@b.cn", `Content-Type: multipart/mixed; boundary="i"`}, multipartBody("i", textPart("x"), att))
	for _, s := range []string{
		email(textPart("hi"), att),
		email(part([]string{"Content-Type: message/rfc822"}, inner)),
		email(b64Part([]string{`Content-Type: application/zip`, `Content-Disposition: attachment; filename*0*=UTF-8''%E5%AE%9D; filename*1=".zip"`}, z)),
		email(part([]string{`Content-Type: multipart/alternative; boundary="alt"`}, multipartBody("alt", textPart("a"),
			part([]string{`Content-Type: multipart/mixed; boundary="mix"`}, multipartBody("mix", att))))),
		email(part([]string{"Content-Type: text/csv; name=a.csv", "Content-Transfer-Encoding: quoted-printable"}, "a,b=0D=0A=\r\n1,2")),
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

// FuzzReadEML reads arbitrary bytes as an email: it must not panic, every item must be
// well formed, and what comes out is bounded by what went in plus the unzip budget.
func FuzzReadEML(f *testing.F) {
	for _, s := range emlSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &reader{lim: fuzzLimits, seen: map[string]bool{}}
		budget := fuzzLimits.MaxUnzippedBytes
		r.openEML("fuzz.eml", "收件/fuzz.eml", data, where{path: "收件/fuzz.eml", received: t0, depth: 1, budget: &budget})
		var total int64
		for _, it := range r.items {
			checkItem(t, it, fuzzLimits)
			total += int64(len(it.Data))
		}
		if total > int64(len(data))+fuzzLimits.MaxUnzippedBytes {
			t.Fatalf("%d bytes out of %d in", total, len(data))
		}
		for _, s := range r.skipped {
			if !utf8.ValidString(s) {
				t.Fatalf("skipped note not UTF-8: %q", s)
			}
		}
	})
}

// FuzzReadZip does the same for an archive.
func FuzzReadZip(f *testing.F) {
	x := fakeXLSX("seed")
	f.Add(x)
	f.Add(mkZip(zipEntry{name: string(gbk("宝山镇/报送.xlsx")), data: x}, zipEntry{name: "__MACOSX/._a", data: x}))
	f.Add(mkZip(zipEntry{name: "in.zip", data: mkZip(zipEntry{name: "a.csv", data: []byte("a,b")})}, zipEntry{name: "a.eml", data: emlSeeds(f)[0]}))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &reader{lim: fuzzLimits, seen: map[string]bool{}}
		budget := fuzzLimits.MaxUnzippedBytes
		r.openZip("fuzz.zip", "fuzz.zip", data, where{path: "fuzz.zip", received: t0, depth: 1, budget: &budget})
		var total int64
		for _, it := range r.items {
			checkItem(t, it, fuzzLimits)
			total += int64(len(it.Data))
		}
		if total > int64(len(data))+fuzzLimits.MaxUnzippedBytes {
			t.Fatalf("%d bytes out of %d in", total, len(data))
		}
	})
}

// FuzzParams decodes arbitrary Content-Disposition values and names.
func FuzzParams(f *testing.F) {
	for _, s := range []string{
		`attachment; filename="=?GBK?B?sabJvdXy?="`,
		`attachment; filename*0*=UTF-8''%E5%AE; filename*1*=%9D; filename*2=".xlsx"`,
		`attachment; filename*=gbk'zh'%B1%A6`,
		"attachment; filename=\xb1\xa6.xlsx",
		`inline; filename="C:\a\b.xlsx`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		_, p := parseParams(v)
		for k, s := range p {
			if !utf8.ValidString(k) || !utf8.ValidString(s) {
				t.Fatalf("not UTF-8: %q=%q", k, s)
			}
			n := cleanName(s)
			if !utf8.ValidString(n) || len([]rune(n)) > 200 {
				t.Fatalf("cleanName(%q) = %q", s, n)
			}
		}
		if d := decodeWords(v); !utf8.ValidString(d) && utf8.ValidString(v) {
			t.Fatalf("decodeWords(%q) = %q", v, d)
		}
	})
}
