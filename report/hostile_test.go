package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"planreport/internal/hostile"
)

// cellText is a progress text of 32,767 characters, Excel's limit for a cell, that a unit may
// type or paste: unit repeated, marked at both ends.
type cellText struct {
	text, unit string
	units      int // whole units in text
}

// cellTexts are Chinese prose, one Latin "word" with no break in it, a run of closing
// punctuation (no line may start with it), and a URL.
func cellTexts() map[string]cellText {
	fill := func(unit string) cellText {
		const start, end = "【开头】", "【结尾】"
		n := 32767 - utf8.RuneCountInString(start+end)
		body := []rune(strings.Repeat(unit, n/utf8.RuneCountInString(unit)+1))[:n]
		return cellText{start + string(body) + end, unit, n / utf8.RuneCountInString(unit)}
	}
	return map[string]cellText{
		"chinese":     fill("本期围绕任务召开专题会议，制定工作方案并推进落实。"),
		"latin-word":  fill("z"),
		"punctuation": fill("。"),
		"url":         fill("https://example.gov.cn/a/b?c=d&e=f#"),
	}
}

// TestLongCellText puts each long text in task 1's lead report and writes the PDF and the
// workbook: both within bounded time and memory, the text whole in the workbook's 明细 sheet
// and in the PDF (wrapped over pages), and no cell cut without saying so.
func TestLongCellText(t *testing.T) {
	for name, ct := range cellTexts() {
		text := ct.text
		t.Run(name, func(t *testing.T) {
			r := wbReport(t)
			r.Tasks[0].Leads[0].Progress = text
			r.Tasks[0].Leads[0].Problems = text
			var pdf []byte
			var err error
			u := hostile.Measure(func() { pdf, err = r.PDF() })
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
			// The text is in the PDF twice (progress and problems), wrapped over pages: a unit
			// cut by a page break, with the page's footer and the next page's header between
			// its halves, is not found whole; no more may be missing.
			got := strings.Join(strings.Fields(pdfText(t, pdf, false)), "")
			pages := bytes.Count(pdf, []byte("/Type /Page\n")) + bytes.Count(pdf, []byte("/Type /Page "))
			if n := strings.Count(got, ct.unit); n < 2*ct.units-pages {
				t.Errorf("the PDF (%d pages) shows %q %d times, want %d", pages, ct.unit, n, 2*ct.units)
			}
			if n, m := strings.Count(got, "【开头】"), strings.Count(got, "【结尾】"); n < 2 || m < 2 {
				t.Errorf("the PDF shows the text's start %d times and its end %d times, want both twice", n, m)
			}

			path := t.TempDir() + "/汇总.xlsx"
			u = hostile.Measure(func() { err = r.WriteWorkbook(path) })
			t.Logf("workbook: %v", u)
			if err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows(wbSheetDetail)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, row := range rows {
				for _, v := range row {
					found = found || v == text
				}
			}
			if !found {
				t.Errorf("「%s」 does not hold the progress text whole", wbSheetDetail)
			}
			// A cell that joins the unit's name to its text cannot hold it all: it is cut with a
			// note, never silently.
			rows, err = f.GetRows(wbSheetTasks)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows {
				for _, v := range row {
					if strings.Contains(v, "【开头】") && !strings.Contains(v, "【结尾】") && !strings.Contains(v, "全文见") {
						t.Errorf("「%s」: a cell cut without a note (%d characters)", wbSheetTasks, utf8.RuneCountInString(v))
					}
				}
			}
		})
	}
}

// TestCellText: a unit's text longer than a cell holds (a workbook built by other means than
// a spreadsheet program can have one) is cut to the cell's limit with a note, never silently;
// one that fits is left alone.
func TestCellText(t *testing.T) {
	long := strings.Repeat("长", 100000)
	got := CellText(long)
	if n := utf8.RuneCountInString(got); n != MaxCellChars || !strings.Contains(got, "以下从略") {
		t.Errorf("CellText of 100,000 characters: %d characters, ending %q", n, string([]rune(got)[n-40:]))
	}
	if fits := strings.Repeat("长", MaxCellChars); CellText(fits) != fits {
		t.Error("CellText cut a text that fits")
	}
}
