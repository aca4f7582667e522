package fonts

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/signintech/gopdf"
	"github.com/signintech/gopdf/fontmaker/core"
	"golang.org/x/text/encoding/simplifiedchinese"
)

const planFile = "../plan/huairou-fazhi-zhengfu-2021.txt"

// punctuation that official documents use and that some free CJK fonts lack.
const punctuation = "“”‘’〔〕《》〈〉「」『』【】〖〗（）［］｛｝、。，：；？！…—～·＃％＆＊＋－／＝＜＞" +
	"①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳⑴⑵⒈⒉ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ℃№‰※≒≈≠≤≥±×÷√∞∴∵" +
	"●○■□▲△◆◇★☆→←↑↓　\u00a0"

func planText(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// gbkChars decodes every GBK code point: ASCII and each two-byte sequence
// that Go's GBK decoder maps to a character (this is the decoder planreport
// reads GBK files with; it maps 80 codes more than Python's gbk codec, e.g.
// A2E3 €, A8BF ǹ, A98A ⿰, FE51 ⺁, FE52 㑳).
func gbkChars(t testing.TB) string {
	t.Helper()
	var sb strings.Builder
	for b := 0x20; b < 0x7F; b++ {
		sb.WriteByte(byte(b))
	}
	dec := simplifiedchinese.GBK.NewDecoder()
	n := 0
	for lead := 0x81; lead <= 0xFE; lead++ {
		for trail := 0x40; trail <= 0xFE; trail++ {
			if trail == 0x7F {
				continue
			}
			out, err := dec.Bytes([]byte{byte(lead), byte(trail)})
			if err != nil || bytes.ContainsRune(out, unicode.ReplacementChar) {
				continue
			}
			sb.Write(out)
			n++
		}
	}
	if n < 21800 {
		t.Fatalf("decoded only %d GBK double-byte characters", n)
	}
	return sb.String()
}

func withoutControls(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

func TestFacesAreTrueType(t *testing.T) {
	if len(Faces()) != 3 {
		t.Fatalf("Faces() = %v", Faces())
	}
	for _, f := range Faces() {
		b, err := TTF(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte{0, 1, 0, 0}) {
			t.Errorf("%s: not a TrueType-outline font: % x", f, b[:4])
		}
		again, _ := TTF(f)
		if &again[0] != &b[0] {
			t.Errorf("%s: TTF copied the font", f)
		}
		t.Logf("%s: %d bytes", f, len(b))
	}
	if _, err := TTF("kai"); err == nil {
		t.Error("TTF(kai): no error")
	}
	if got := Missing("kai", "ab"); string(got) != "ab" {
		t.Errorf("Missing(kai, ab) = %q", string(got))
	}
}

func TestAddTTFFontData(t *testing.T) {
	for _, f := range Faces() {
		b, err := TTF(f)
		if err != nil {
			t.Fatal(err)
		}
		pdf := gopdf.GoPdf{}
		pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
		start := time.Now()
		if err := pdf.AddTTFFontData(f.Family(), b); err != nil {
			t.Fatalf("%s: AddTTFFontData: %v", f, err)
		}
		t.Logf("%s: AddTTFFontData %v", f, time.Since(start))
		if err := pdf.SetFont(f.Family(), "", 12); err != nil {
			t.Fatal(err)
		}
	}
}

// Missing must agree with the cmap gopdf itself reads.
func TestMissingAgreesWithGopdf(t *testing.T) {
	for _, f := range Faces() {
		b, _ := TTF(f)
		var p core.TTFParser
		if err := p.ParseFontData(b); err != nil {
			t.Fatal(err)
		}
		chars := p.Chars()
		var all strings.Builder
		for r := rune(0); r < 0x10000; r++ {
			if r < 0xD800 || r > 0xDFFF {
				all.WriteRune(r)
			}
		}
		missing := map[rune]bool{}
		for _, r := range Missing(f, all.String()) {
			missing[r] = true
		}
		n := 0
		for r := rune(0); r < 0x10000; r++ {
			if r >= 0xD800 && r <= 0xDFFF {
				continue
			}
			_, has := chars[int(r)]
			if has == missing[r] {
				t.Fatalf("%s: U+%04X: gopdf has glyph %v, Missing says missing %v", f, r, has, missing[r])
			}
			if has {
				n++
			}
		}
		t.Logf("%s: %d BMP code points covered", f, n)
	}
}

func TestCoverage(t *testing.T) {
	plan := withoutControls(planText(t))
	gbk := gbkChars(t)
	for _, f := range Faces() {
		for name, s := range map[string]string{"plan": plan, "GBK": gbk, "punctuation": punctuation} {
			if m := Missing(f, s); len(m) > 0 {
				t.Errorf("%s lacks %d %s characters: %q", f, len(m), name, string(m))
			}
		}
	}
}

func TestMissing(t *testing.T) {
	// Thai, a CJK Extension B ideograph (outside the BMP), a line break.
	got := Missing(Serif, "a\u0e01b\u0e01\U00020000\n。")
	want := []rune{0x0e01, 0x20000, '\n'}
	if string(got) != string(want) {
		t.Errorf("Missing = %U, want %U", got, want)
	}
	if got := Missing(Sans, "怀柔区“法治”〔2021〕"); got != nil {
		t.Errorf("Missing = %U, want nil", got)
	}
	if !Has(Sans, '〔') || Has(Sans, 0x0e01) || Has("kai", 'a') {
		t.Error("Has is wrong")
	}
	if n := testing.AllocsPerRun(100, func() { Has(Serif, '法'); Missing(Serif, "法治政府") }); n != 0 {
		t.Errorf("Has/Missing allocate %v times when nothing is missing", n)
	}
}

// sampleLines are drawn in every face; pdftotext must give them back.
var sampleLines = []string{
	"《“十四五”时期怀柔区法治政府建设行动计划》京怀发〔2021〕25号",
	"（牵头单位：区司法局；责任单位：各镇乡街道；完成时限：2023年）",
	"‘单引号’、“双引号”——破折号……省略号。①②③⑩⑳ ℃ № ≒",
	"⸺ 2021—2025年 ～ 〈〉「」『』【】〖〗",
	"丂丄丅 龠龡龢 ㄅㄆ ぁァ Ωαβ Жж ⅰⅱ ㈠㈡ ｛全角｝ ￥￡",
	"ABC xyz 0123456789 (a/b) 50% #1 @ & * + = [ ] < >",
	"第 3 页 共 40 页　● 红灯 ▲ 黄灯 ■ 绿灯 ✓ × √",
	"　　正文段落首行缩进两字，不间断\u00a0空格。",
}

// TestPDF draws every face, then checks with poppler that the text extracts
// back exactly and that the fonts are embedded as subsets. Set
// FONTS_SAMPLE_PDF=path to keep the PDF (e.g. to render it with pdftoppm).
func TestPDF(t *testing.T) {
	for _, f := range Faces() {
		if m := Missing(f, strings.Join(sampleLines, "")); m != nil {
			t.Fatalf("%s lacks %q", f, string(m))
		}
	}
	pdf := gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.AddPage()
	var want []string
	y := 60.0
	for _, f := range Faces() {
		b, _ := TTF(f)
		if err := pdf.AddTTFFontData(f.Family(), b); err != nil {
			t.Fatal(err)
		}
		if err := pdf.SetFont(f.Family(), "", 14); err != nil {
			t.Fatal(err)
		}
		for _, line := range append([]string{"字体 " + string(f)}, sampleLines...) {
			if y > 780 {
				pdf.AddPage()
				y = 60
			}
			pdf.SetXY(60, y)
			if err := pdf.Text(line); err != nil {
				t.Fatal(err)
			}
			want = append(want, line)
			y += 24
		}
		y += 12
	}
	path := filepath.Join(t.TempDir(), "fonts.pdf")
	if p := os.Getenv("FONTS_SAMPLE_PDF"); p != "" {
		path = p
	}
	if err := pdf.WritePdf(path); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	t.Logf("wrote %s (%d bytes)", path, st.Size())

	for _, tool := range []string{"pdftotext", "pdffonts"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := tool + " not installed (Debian package poppler-utils); cannot check the PDF"
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	// -raw keeps the drawing order. poppler does not copy whitespace glyphs
	// (U+3000, NBSP) but infers spaces from the gaps, and in its default mode
	// a gap of a full em (　) starts a new text block; so whitespace is
	// compared as "a gap here", every other character exactly.
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", "-raw", "-nopgbrk", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	var got []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.TrimSpace(l) != "" {
			got = append(got, strings.Join(strings.Fields(l), " "))
		}
	}
	for i, l := range want {
		want[i] = strings.Join(strings.Fields(l), " ") // Fields splits at U+3000 and NBSP too
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("pdftotext gave\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	out, err = exec.Command("pdffonts", path).Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	t.Logf("pdffonts:\n%s", out)
	for _, f := range Faces() {
		ps := f.Family()
		found := false
		for _, l := range strings.Split(string(out), "\n") {
			fields := strings.Fields(l)
			// name type... emb sub uni object ID: "ABCDEF+Name CID TrueType Identity-H yes yes yes 9 0"
			if len(fields) < 7 || fields[0] != ps {
				continue
			}
			found = true
			n := len(fields)
			if fields[n-5] != "yes" || fields[n-4] != "yes" || fields[n-3] != "yes" {
				t.Errorf("%s: not embedded as a subset with a ToUnicode map: %s", ps, l)
			}
		}
		if !found {
			t.Errorf("%s: not listed by pdffonts", ps)
		}
	}
}

// BenchmarkAddAllFaces is what a PDF pays to take the embedded faces.
func BenchmarkAddAllFaces(b *testing.B) {
	for _, f := range Faces() {
		if _, err := TTF(f); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		pdf := gopdf.GoPdf{}
		pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
		for _, f := range Faces() {
			data, _ := TTF(f)
			if err := pdf.AddTTFFontData(f.Family(), data); err != nil {
				b.Fatal(err)
			}
		}
	}
}
