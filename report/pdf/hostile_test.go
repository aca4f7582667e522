package pdf

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"planreport/internal/hostile"
	"planreport/report/brief"
	"planreport/report/reporttest"
)

// TestLongCellText puts each long text in task 1's lead report, and in the office's own text,
// and prints the brief: within bounded time and memory; the unit's text as the sentence the
// brief quotes, the office's text whole (wrapped over pages).
func TestLongCellText(t *testing.T) {
	for name, ct := range reporttest.LongTexts() {
		text := ct.Text
		t.Run(name, func(t *testing.T) {
			r := reporttest.Sample(t)
			r.Tasks[0].Leads[0].Problems = text
			r.Tasks[0].Leads[0].NextSteps = text
			b := brief.Build(r, brief.OfficeText{Text: text})
			var pdf []byte
			var err error
			u := hostile.Measure(func() { pdf, _, err = Bytes(b, embedded) })
			t.Logf("PDF: %d bytes, %v", len(pdf), u)
			if err != nil {
				t.Fatal(err)
			}
			if u.Elapsed > 20*time.Second || u.Peak > 512<<20 {
				t.Errorf("the PDF took %v", u)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
				t.Error("not a whole PDF")
			}
			// The office's text is whole: a unit cut by a page break, with the page number
			// between its halves, is not found whole; no more may be missing.
			got := strings.Join(strings.Fields(pdfText(t, pdf, "-raw")), "")
			pages := bytes.Count(pdf, []byte("/Type /Page\n")) + bytes.Count(pdf, []byte("/Type /Page "))
			if n := strings.Count(got, ct.Unit); n < ct.Units-pages {
				t.Errorf("the PDF (%d pages) shows %q %d times, want %d", pages, ct.Unit, n, ct.Units)
			}
			if n, m := strings.Count(got, "【开头】"), strings.Count(got, "【结尾】"); n < 2 || m < 1 {
				t.Errorf("the PDF shows the text's start %d times and its end %d times, want the start twice (unit and office) and the end", n, m)
			}
		})
	}
}
