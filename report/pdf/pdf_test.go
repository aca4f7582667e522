package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"planreport/report/reporttest"
)

// pdfText extracts a PDF's text with poppler's pdftotext, as a reader copying it would get it.
func pdfText(t *testing.T, pdf []byte, layout bool) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext (poppler-utils) is required in CI")
		}
		t.Skip("SKIPPED: pdftotext not installed (apt-get install poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-enc", "UTF-8"}
	if layout {
		args = append(args, "-layout")
	}
	out, err := exec.Command(bin, append(args, path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// TestPDFFigures checks the PDF's figures against what reporttest.Sample's units sent, worked out here
// by hand from the fills rather than by Consolidate:
//   - task 1: lead 区司法局 滞后, due 2023-12-31 → overdue, red;
//   - task 2: leads 区司法局 常态化推进 and 区财政局 已完成 → the slower, 常态化推进, green;
//   - task 3: lead 宝山镇's only workbook rejected → 未报送, red;
//   - task 4: lead 区档案馆 sent nothing, due 2022 → 未报送, overdue, red;
//   - task 5: lead 区司法局 已完成 → green.
//
// Units: 区司法局 on time, 区财政局 late (01-10 after 01-08), 宝山镇 rejected, 区档案馆 missing.
func TestPDFFigures(t *testing.T) {
	r := reporttest.Sample(t)
	pdf, err := Bytes(r)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, pdf, false)), "")
	for _, want := range []string{
		"共有任务5项，应报送单位4个",
		"按时报送1个、逾期报送1个、报送未通过检查1个、未报送1个",
		"已完成1项（占20.0%），常态化推进1项（占20.0%），滞后1项（占20.0%），牵头单位未报送2项（占40.0%）",
		"到期未完成的任务2项",
		"红灯3项、黄灯0项、绿灯2项",
		"【区司法局·滞后】" + strings.Join(strings.Fields(reporttest.Injection), ""), // unit text stays text
		"【宝山镇】未报送",
		"附件1未报送单位及联系方式",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
	// The units' table ranks on time, late, rejected, missing.
	order := regexp.MustCompile(`区司法局按时报送.*区财政局逾期报送.*宝山镇未通过.*区档案馆未报送`)
	if !order.MatchString(text) {
		t.Error("the units' table is not ranked on time, late, rejected, missing")
	}
}

func TestPDFPagesAndFonts(t *testing.T) {
	r := reporttest.Sample(t)
	pdf, err := Bytes(r)
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(pdfText(t, pdf, true), "\f")
	pages = pages[:len(pages)-1] // after the last form feed
	if !strings.Contains(pages[0], "2023年第四季度落实情况报告") || strings.Contains(pages[0], "第 ") {
		t.Errorf("cover:\n%s", pages[0])
	}
	for i, p := range pages[1:] {
		p = strings.Join(strings.Fields(p), "")
		if want := "第" + strconv.Itoa(i+1) + "页共" + strconv.Itoa(len(pages)-1) + "页"; !strings.Contains(p, want) {
			t.Errorf("page %d lacks its footer %q", i+2, want)
		}
	}
	if !strings.Contains(pages[1], "目") || !strings.Contains(pages[1], "一、总体情况") {
		t.Errorf("page 2 is not the contents:\n%s", pages[1])
	}
	if bin, err := exec.LookPath("pdffonts"); err == nil {
		path := filepath.Join(t.TempDir(), "r.pdf")
		os.WriteFile(path, pdf, 0o644)
		out, err := exec.Command(bin, path).Output()
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")[2:]
		if len(lines) == 0 {
			t.Fatal("pdffonts lists no fonts")
		}
		for _, l := range lines {
			f := strings.Fields(l)
			// name type... emb sub uni: embedded, subset, with a Unicode map.
			if n := len(f); n < 5 || f[n-5] != "yes" || f[n-4] != "yes" || f[n-3] != "yes" {
				t.Errorf("font not embedded as a subset with Unicode: %s", l)
			}
		}
	}
}

func TestPDFDeterministic(t *testing.T) {
	r := reporttest.Sample(t)
	a, err := Bytes(r)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Bytes(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("the same report rendered twice gives different PDFs")
	}
}

// TestPDFGolden compares the PDF's text and layout (pdftotext -layout) with a golden file.
func TestPDFGolden(t *testing.T) {
	r := reporttest.Sample(t)
	pdf, err := Bytes(r)
	if err != nil {
		t.Fatal(err)
	}
	got := pdfText(t, pdf, true)
	golden := filepath.Join("testdata", "report.pdf.txt")
	if *update {
		os.WriteFile(golden, []byte(got), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("PDF text differs from %s; run go test ./report/pdf -run TestPDFGolden -update and review the diff", golden)
	}
}

// TestLineBreaking: no line starts with closing punctuation or ends with an opening one, and
// every line fits.
func TestLineBreaking(t *testing.T) {
	d, err := newDoc()
	if err != nil {
		t.Fatal(err)
	}
	d.setFont(faceBody, sizeBody)
	text := strings.Repeat("推进依法行政，建设法治政府。（一）加强“放管服”改革；完善《条例》、细则：", 12) + "ABC-123 的英文单词 planreport 不被拆开。"
	for _, width := range []float64{textW, textW * 0.37, 100, 61} {
		lines := d.wrap(text, width)
		if strings.ReplaceAll(strings.Join(lines, ""), " ", "") != strings.ReplaceAll(text, " ", "") {
			t.Fatalf("width %.0f: wrapping lost or added text", width)
		}
		for i, l := range lines {
			if i > 0 && strings.ContainsAny(firstRune(l), noLineStart) {
				t.Errorf("width %.0f: line %d starts with %q: %q", width, i+1, firstRune(l), l)
			}
			if i < len(lines)-1 && strings.ContainsAny(lastRuneOf(l), noLineEnd) {
				t.Errorf("width %.0f: line %d ends with %q: %q", width, i+1, lastRuneOf(l), l)
			}
			if w := d.textWidth(l); w > width+0.01 {
				t.Errorf("width %.0f: line %d is %.1f wide: %q", width, i+1, w, l)
			}
		}
	}
	if d.err != nil {
		t.Fatal(d.err)
	}
}

// TestMissingGlyph: a character no embedded font has is printed as 〓 and reported, never a
// silent gap in the print, and never a report that cannot be printed because a unit typed a
// rare character or an emoji. Invisible direction and format marks print as nothing.
func TestMissingGlyph(t *testing.T) {
	r := reporttest.Sample(t)
	r.Tasks[0].Leads[0].Progress = "生僻字𠀀照常填写😀，方向\u202e标记\u200b不显示"
	pdf, err := Bytes(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(r.Unprintable); got != "😀𠀀" {
		t.Errorf("Unprintable = %q, want 😀𠀀", got)
	}
	text := strings.Join(strings.Fields(pdfText(t, pdf, false)), "")
	if !strings.Contains(text, "生僻字〓照常填写〓，方向标记不显示") {
		t.Errorf("the PDF does not show the missing characters as 〓")
	}
}
