package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"planreport/fonts"
	"planreport/internal/clienttest"
	"planreport/report/brief"
	"planreport/report/pdf"
	"planreport/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func sample(t testing.TB) (*brief.Brief, []byte) {
	r := reporttest.Sample(t)
	b := brief.Build(r, brief.OfficeText{Path: "2023Q4/存在问题和下一步工作.txt"})
	data, err := Bytes(b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return b, data
}

// parts reads a .docx's parts.
func parts(t testing.TB, data []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// text is the document's text, a paragraph a line, as Word shows it: the runs' text, a tab
// for w:tab, a line break for w:br; a table's cells separated by " | ".
func text(t testing.TB, doc []byte) string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	var b strings.Builder
	inText, inCell := false, false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("document.xml: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "t", "instrText":
				inText = e.Name.Local == "t"
			case "tab":
				b.WriteString("\t")
			case "br":
				b.WriteString("⏎")
			case "drawing":
				b.WriteString("[图]")
			case "tc":
				inCell = true
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "t":
				inText = false
			case "p":
				if !inCell {
					b.WriteString("\n")
				}
			case "tc":
				inCell = false
				b.WriteString(" | ")
			case "tr":
				b.WriteString("\n")
			}
		case xml.CharData:
			if inText {
				b.Write(e)
			}
		}
	}
	return strings.NewReplacer(" | \n", "\n", "\u200b", "", "\u2060", "").Replace(b.String())
}

// TestStructure: every part is well-formed XML; A4 with GB/T 9704 margins; every style names
// its East Asian face; real tables with a repeated header; page numbers in the footers; the
// cover without one.
func TestStructure(t *testing.T) {
	b, data := sample(t)
	ps := parts(t, data)
	for name, p := range ps {
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			d := xml.NewDecoder(bytes.NewReader(p))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s is not well-formed: %v", name, err)
				}
			}
		}
	}
	doc, styles := string(ps["word/document.xml"]), string(ps["word/styles.xml"])
	for _, want := range []string{`<w:pgSz w:w="11906" w:h="16838"/>`, `w:top="2098"`, `w:left="1587"`, `<w:titlePg/>`} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	for _, face := range []string{"仿宋", "黑体", "楷体"} {
		if !strings.Contains(styles, `w:eastAsia="`+face+`"`) {
			t.Errorf("no style names %s as its East Asian face", face)
		}
	}
	named := regexp.MustCompile(`<w:rFonts [^>]*w:eastAsia="[^"]+"`)
	for _, st := range regexp.MustCompile(`(?s)<w:style w:type="paragraph".*?</w:style>`).FindAllString(styles, -1) {
		if !named.MatchString(st) {
			t.Errorf("a style names no East Asian face: %.80s", st)
		}
	}
	tables := 0
	for _, s := range append(append([]brief.Section(nil), b.Sections...), b.Annexes...) {
		for _, bl := range s.Blocks {
			if bl.Kind == brief.TableBlock {
				tables++
			}
		}
	}
	if got := strings.Count(doc, "<w:tbl>"); got != tables || strings.Count(doc, "<w:tblHeader/>") != tables {
		t.Errorf("%d tables (%d repeated headers), the brief has %d", got, strings.Count(doc, "<w:tblHeader/>"), tables)
	}
	for _, f := range []string{"word/footer1.xml", "word/footer2.xml"} {
		if !strings.Contains(string(ps[f]), "PAGE") || !strings.Contains(string(ps[f]), "— ") {
			t.Errorf("%s has no page number", f)
		}
	}
	if strings.Contains(string(ps["word/footer3.xml"]), "PAGE") {
		t.Error("the cover has a page number")
	}
	if len(ps["word/media/chart1.png"]) == 0 {
		t.Error("no chart picture")
	}
}

// TestFaces: the faces found on the computer are the ones named; without them Windows' own.
func TestFaces(t *testing.T) {
	set := &fonts.Set{Found: map[fonts.Style]*fonts.Font{fonts.Kai: {Name: "霞鹜文楷"}}}
	f := FacesOf(set)
	if f[fonts.Kai] != "霞鹜文楷" || f[fonts.FangSong] != "仿宋" || f[fonts.XiaoBiaoSong] != "宋体" {
		t.Errorf("FacesOf = %v", f)
	}
}

// TestGolden compares the document's text, a paragraph a line, with a golden file.
func TestGolden(t *testing.T) {
	_, data := sample(t)
	got := text(t, parts(t, data)["word/document.xml"])
	golden := filepath.Join("testdata", "brief.docx.txt")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the document's text differs from %s; run go test ./report/docx -run TestGolden -update and review the diff", golden)
	}
}

func TestDeterministic(t *testing.T) {
	_, a := sample(t)
	_, b := sample(t)
	if !bytes.Equal(a, b) {
		t.Error("the same brief written twice gives different documents")
	}
}

// TestLibreOffice prints the document with LibreOffice Writer: it opens, and its text says
// what the PDF's says: every figure the same (the charts are pictures in Word), and every
// paragraph and table row of the brief in both.
func TestLibreOffice(t *testing.T) {
	r := reporttest.Sample(t)
	b := brief.Build(r, brief.OfficeText{Path: "2023Q4/存在问题和下一步工作.txt"})
	dir := t.TempDir()
	path := filepath.Join(dir, "brief.docx")
	if err := Write(b, Options{}, path); err != nil {
		t.Fatal(err)
	}
	printed := clienttest.ToPDF(t, path, filepath.Join(dir, "out"))
	raw, layout := clienttest.PDFText(t, printed, "-raw"), clienttest.PDFText(t, printed, "-layout")
	figures := reporttest.BriefFigures(raw, layout)
	figures.Check(t, r.JSON("", "", "").Figures, false)

	ours, _, err := pdf.Bytes(b, &fonts.Set{})
	if err != nil {
		t.Fatal(err)
	}
	ourPath := filepath.Join(dir, "brief.pdf")
	if err := os.WriteFile(ourPath, ours, 0o644); err != nil {
		t.Fatal(err)
	}
	pdfFigures := reporttest.BriefFigures(clienttest.PDFText(t, ourPath, "-raw"), clienttest.PDFText(t, ourPath, "-layout"))
	for k, v := range figures {
		if w := pdfFigures[k]; len(w) != len(v) {
			t.Errorf("%s: the Word document states %v, the PDF %v", k, v, w)
		}
	}
	flat := func(s string) string { return strings.Join(strings.Fields(s), "") }
	docText, pdfText := flat(raw), flat(clienttest.PDFText(t, ourPath, "-raw"))
	for _, s := range append(append([]brief.Section(nil), b.Sections...), b.Annexes...) {
		want := []string{flat(s.Heading)}
		for _, bl := range s.Blocks {
			switch {
			case bl.Kind == brief.TableBlock:
				for _, row := range bl.Table.Rows {
					want = append(want, flat(row.Cells[0]))
				}
			case bl.Kind != brief.ChartBlock:
				want = append(want, flat(bl.Text))
			}
		}
		for _, w := range want {
			if !strings.Contains(docText, w) {
				t.Errorf("the Word document's print lacks %q", w)
			}
			if !strings.Contains(pdfText, w) {
				t.Errorf("the PDF lacks %q", w)
			}
		}
	}
}
