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
	"unicode"

	"planreport/fonts"
	"planreport/report"
	"planreport/report/brief"
	"planreport/report/reporttest"
)

// embedded is a font set with nothing found on disk: the tests' output does not depend on
// the machine's fonts.
var embedded = &fonts.Set{}

// pdfText extracts a PDF's text with poppler's pdftotext: mode is "-raw" (drawing order),
// "-layout" (a table's row on a line) or "" (reading order).
func pdfText(t testing.TB, pdf []byte, mode string) string {
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
	if mode != "" {
		args = append(args, mode)
	}
	out, err := exec.Command(bin, append(args, path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func sampleBrief(t testing.TB) (*report.Report, *brief.Brief) {
	r := reporttest.Sample(t)
	return r, brief.Build(r, brief.OfficeText{Path: "2023Q4/存在问题和下一步工作.txt"})
}

func render(t testing.TB, b *brief.Brief) ([]byte, *Result) {
	t.Helper()
	pdf, res, err := Bytes(b, embedded)
	if err != nil {
		t.Fatal(err)
	}
	return pdf, res
}

// TestFiguresReconcile reads every figure back from the PDF's text (prose, tables, chart,
// annex) and compares it with the report's JSON.
func TestFiguresReconcile(t *testing.T) {
	r, b := sampleBrief(t)
	pdf, _ := render(t, b)
	f := reporttest.BriefFigures(pdfText(t, pdf, "-raw"), pdfText(t, pdf, "-layout"))
	t.Log(f)
	f.Check(t, r.JSON("", "", "").Figures, true)
}

// TestFiguresReconcileFirstPeriod: a report with no earlier period says so and still adds up.
func TestFiguresReconcileFirstPeriod(t *testing.T) {
	r := reporttest.OneTask(t, reporttest.TaskCase{Due: "2022年", Leads: []string{"已完成", ""}}, reporttest.Time(2024, 1, 5))
	pdf, _ := render(t, brief.Build(r, brief.OfficeText{}))
	raw := pdfText(t, pdf, "-raw")
	reporttest.BriefFigures(raw, pdfText(t, pdf, "-layout")).Check(t, r.JSON("", "", "").Figures, true)
	text := strings.Join(strings.Fields(raw), "")
	for _, want := range []string{"本期是第一个汇总的报送周期", "区乙局未报送", "其他牵头单位报“已完成”"} {
		if !strings.Contains(text, want) {
			t.Errorf("the brief lacks %q", want)
		}
	}
}

// TestOfficeText: the office's words are printed as written; without them a marked
// placeholder says where to write them, and nothing is made up.
func TestOfficeText(t *testing.T) {
	r := reporttest.Sample(t)
	words := "（一）存在问题\n部分单位报送不及时。\n（二）下一步工作\n加强督办，按月通报。"
	pdf, _ := render(t, brief.Build(r, brief.OfficeText{Path: "x.txt", Text: words}))
	text := strings.Join(strings.Fields(pdfText(t, pdf, "-raw")), "")
	if !strings.Contains(text, "（一）存在问题部分单位报送不及时。（二）下一步工作加强督办，按月通报。") || strings.Contains(text, "待办公室填写") {
		t.Errorf("the office's text is not printed as written")
	}
	pdf, _ = render(t, brief.Build(r, brief.OfficeText{Path: "2023Q4/存在问题和下一步工作.txt"}))
	text = strings.Join(strings.Fields(pdfText(t, pdf, "-raw")), "")
	if !strings.Contains(text, "【待办公室填写】") || !strings.Contains(text, "2023Q4/存在问题和下一步工作.txt") {
		t.Errorf("no marked placeholder naming the file")
	}
}

// TestTypography: no ASCII comma, semicolon or colon between Chinese characters, no rule
// code, hash or file name; a page number "— n —" on every page but the cover; the contents
// whole, each heading on the page it gives; no heading last on its page.
func TestTypography(t *testing.T) {
	r, _ := sampleBrief(t)
	// A plan's ASCII punctuation, as the seed writes it.
	r.Tasks[0].Text = "厘清政府职责,更好发挥作用;加强监管:推进改革(试点)。"
	b := brief.Build(r, brief.OfficeText{Path: "x.txt"})
	pdf, res := render(t, b)
	raw := pdfText(t, pdf, "-raw")
	if m := regexp.MustCompile(`\p{Han}[,;:]\p{Han}`).FindString(raw); m != "" {
		t.Errorf("ASCII punctuation between Chinese characters: %q", m)
	}
	for _, bad := range []*regexp.Regexp{regexp.MustCompile(`\b[a-z]+(-[a-z0-9]+)+\b`), regexp.MustCompile(`[0-9a-f]{32,}`), regexp.MustCompile(`\.xlsx`)} {
		if m := bad.FindString(raw); m != "" {
			t.Errorf("the brief shows %q", m)
		}
	}

	pages := strings.Split(pdfText(t, pdf, "-layout"), "\f")
	pages = pages[:len(pages)-1]
	if len(pages) != res.Pages {
		t.Fatalf("pdftotext finds %d pages, the layout %d", len(pages), res.Pages)
	}
	if strings.Contains(pages[0], "—") {
		t.Errorf("the cover has a page number:\n%s", pages[0])
	}
	for i, p := range pages[1:] {
		if want := "—" + strconv.Itoa(i+2) + "—"; !strings.Contains(strings.Join(strings.Fields(p), ""), want) {
			t.Errorf("page %d lacks its number %q", i+2, want)
		}
	}
	// The contents: every heading, whole, with its page.
	entry := regexp.MustCompile(`^\s*((?:[一二三四五六七八九十]+、|附件\d+).*?)\s*\.*\s*(\d+)\s*$`)
	var headings []string
	for _, s := range append(append([]brief.Section(nil), b.Sections...), b.Annexes...) {
		headings = append(headings, strings.Join(strings.Fields(s.Heading), ""))
	}
	found := 0
	for _, line := range strings.Split(pages[1], "\n") {
		m := entry.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		title := strings.Join(strings.Fields(strings.TrimRight(m[1], ". ")), "")
		page, _ := strconv.Atoi(m[2])
		if found >= len(headings) || title != headings[found] {
			t.Errorf("contents entry %q, want %q", title, headings[min(found, len(headings)-1)])
			continue
		}
		if page < 2 || page > len(pages) || !strings.Contains(strings.Join(strings.Fields(pages[page-1]), ""), title) {
			t.Errorf("contents: %s on page %d, which does not have it", title, page)
		}
		found++
	}
	if found != len(headings) {
		t.Errorf("the contents list %d of %d headings", found, len(headings))
	}
	// No first-level heading is the last line of its page.
	heading := regexp.MustCompile(`^\s*[一二三四五六七八九十]+、\S+\s*$`)
	for i, p := range pages[2:] {
		var lines []string
		for _, l := range strings.Split(p, "\n") {
			if strings.TrimSpace(l) != "" && !strings.Contains(l, "—") {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 && heading.MatchString(lines[len(lines)-1]) {
			t.Errorf("page %d ends with the heading %q", i+3, strings.TrimSpace(lines[len(lines)-1]))
		}
	}
}

// TestShortTermsWhole: a status word, a light or a unit's name is never split inside a
// table cell.
func TestShortTermsWhole(t *testing.T) {
	r, b := sampleBrief(t)
	pdf, _ := render(t, b)
	layout := pdfText(t, pdf, "-layout")
	var terms []string
	for _, u := range r.Units {
		terms = append(terms, u.Name)
	}
	terms = append(terms, reporttest.WholeTerms...)
	for _, split := range reporttest.SplitTerms(layout, terms) {
		t.Error(split)
	}
}

func TestDeterministic(t *testing.T) {
	_, b := sampleBrief(t)
	a, _ := render(t, b)
	c, _ := render(t, b)
	if !bytes.Equal(a, c) {
		t.Error("the same brief printed twice gives different PDFs")
	}
}

// TestGolden compares the PDF's text and layout (pdftotext -layout) with a golden file.
func TestGolden(t *testing.T) {
	_, b := sampleBrief(t)
	pdf, _ := render(t, b)
	got := pdfText(t, pdf, "-layout")
	golden := filepath.Join("testdata", "report.pdf.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("PDF text differs from %s; run go test ./report/pdf -run TestGolden -update and review the diff", golden)
	}
}

// TestFontsEmbedded: every font is embedded as a subset with a Unicode map.
func TestFontsEmbedded(t *testing.T) {
	_, b := sampleBrief(t)
	pdf, _ := render(t, b)
	for _, l := range pdfFonts(t, pdf) {
		f := strings.Fields(l)
		// name type... emb sub uni object ID
		if n := len(f); n < 5 || f[n-5] != "yes" || f[n-4] != "yes" || f[n-3] != "yes" {
			t.Errorf("font not embedded as a subset with Unicode: %s", l)
		}
	}
}

func pdfFonts(t testing.TB, pdf []byte) []string {
	bin, err := exec.LookPath("pdffonts")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdffonts (poppler-utils) is required in CI")
		}
		t.Skip("SKIPPED: pdffonts not installed (apt-get install poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, path).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 3 {
		t.Fatal("pdffonts lists no fonts")
	}
	return lines[2:]
}

// TestFontOnDisk: a Kai face found on disk (Debian's fonts-lxgw-wenkai, which CI installs)
// sets the second-level text and is embedded as a subset; the characters it lacks come from
// the embedded faces, never a blank.
func TestFontOnDisk(t *testing.T) {
	const dir = "/usr/share/fonts/truetype/lxgw-wenkai"
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("fonts-lxgw-wenkai is required in CI")
		}
		t.Skip("SKIPPED: fonts-lxgw-wenkai not installed")
	}
	set, err := fonts.Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	kai := set.Found[fonts.Kai]
	if kai == nil || !strings.Contains(kai.Path, "LXGWWenKai-Regular") {
		t.Fatalf("Find(%s) found %+v for 楷体", dir, kai)
	}
	// A character of GBK that the Kai face lacks comes from the embedded faces.
	serif, err := fonts.Embedded(fonts.SerifBold)
	if err != nil {
		t.Fatal(err)
	}
	var lacks rune
	for r := rune(0x2000); r < 0xFFFF && lacks == 0; r++ {
		if !kai.Has(r) && serif.Has(r) && unicode.IsGraphic(r) && !unicode.IsSpace(r) {
			lacks = r
		}
	}
	if lacks == 0 {
		t.Fatal("the Kai face has every character the embedded face has")
	}
	heading := "（一）加强督办" + string(lacks) + "工作"
	r := reporttest.Sample(t)
	b := brief.Build(r, brief.OfficeText{Text: heading + "\n按月通报。"})
	pdf, res, err := Bytes(b, set)
	if err != nil {
		t.Fatal(err)
	}
	used := false
	for _, u := range res.Fonts {
		if u.Style == fonts.Kai && u.Font == kai && u.Chars > 0 {
			used = true
		}
	}
	if !used {
		t.Errorf("the Kai face on disk printed nothing: %+v", res.Fonts)
	}
	found := false
	for _, l := range pdfFonts(t, pdf) {
		if strings.HasPrefix(l, kai.Family+" ") {
			found = true
			if f := strings.Fields(l); f[len(f)-4] != "yes" {
				t.Errorf("%s is not a subset: %s", kai.Family, l)
			}
		}
	}
	if !found {
		t.Errorf("pdffonts does not list %s", kai.Family)
	}
	if text := strings.Join(strings.Fields(pdfText(t, pdf, "-raw")), ""); !strings.Contains(text, heading) {
		t.Errorf("the office's heading %q is not printed whole", heading)
	}
	if len(res.Unprintable) > 0 {
		t.Errorf("unprintable: %q", string(res.Unprintable))
	}
}

// TestLineBreaking: no line starts with closing punctuation or ends with an opening one, ——
// and …… stay whole, a number keeps its measure word, and every line fits.
func TestLineBreaking(t *testing.T) {
	d, err := newDoc(embedded)
	if err != nil {
		t.Fatal(err)
	}
	d.setFont(fonts.FangSong, sizeBody)
	text := strings.Repeat("推进依法行政——建设法治政府……（一）加强“放管服”改革；完成24项任务，完善《条例》、细则：", 12) + "ABC-123 的英文单词 planreport 不被拆开。"
	for _, width := range []float64{textW, textW * 0.37, 100, 61} {
		lines := d.wrap(text, width, "")
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
			if i < len(lines)-1 && (strings.HasSuffix(l, "24") || strings.HasPrefix(lines[i+1], "项任务")) {
				t.Errorf("width %.0f: 24项 split at line %d", width, i+1)
			}
			if w := d.textWidth(l); w > width+0.01 && !strings.ContainsAny(lastRuneOf(l), "、，。") {
				t.Errorf("width %.0f: line %d is %.1f wide: %q", width, i+1, w, l)
			}
		}
	}
	// A list of unit names breaks between names.
	names := "区市场监管局、区政务服务局、区经济和信息化局、区司法局"
	for _, l := range d.wrap(names, 160, "、") {
		if !strings.HasSuffix(l, "、") && !strings.HasSuffix(l, "区司法局") {
			t.Errorf("a unit's name is split: %q", l)
		}
	}
	if d.err != nil {
		t.Fatal(d.err)
	}
}

// TestMissingGlyph: a character no font has is printed as 〓 and reported, never a silent
// gap in the print, and never a report that cannot be printed because a unit typed a rare
// character or an emoji. Invisible direction and format marks print as nothing.
func TestMissingGlyph(t *testing.T) {
	r := reporttest.Sample(t)
	r.Tasks[0].Leads[0].Problems = "生僻字𠀀照常填写😀，方向\u202e标记\u200b不显示"
	pdf, res := render(t, brief.Build(r, brief.OfficeText{}))
	if got := string(res.Unprintable); got != "😀𠀀" {
		t.Errorf("Unprintable = %q, want 😀𠀀", got)
	}
	text := strings.Join(strings.Fields(pdfText(t, pdf, "-raw")), "")
	if !strings.Contains(text, "生僻字〓照常填写〓，方向标记不显示") {
		t.Errorf("the PDF does not show the missing characters as 〓")
	}
}
