package xlsx

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestRowWriterAsExcelize: cell references, numbers and times come out as excelize writes them.
func TestRowWriterAsExcelize(t *testing.T) {
	for c := 1; c <= excelize.MaxColumns; c += 1 + c/50 {
		want, _ := excelize.CoordinatesToCellName(c, 7)
		if got := string(appendCellRef(nil, c, 7)); got != want {
			t.Fatalf("column %d: %s, want %s", c, got, want)
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	beijing := time.FixedZone("CST", 8*3600)
	times := []time.Time{
		time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 1, 5, 10, 0, 0, 0, beijing),
		time.Date(2023, 12, 31, 23, 59, 59, 0, beijing),
		time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2099, 7, 1, 8, 30, 15, 500_000_000, time.Local),
		// The start of the 1900 system, Excel's 29 February 1900, and what it cannot hold.
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1900, 1, 5, 12, 0, 0, 0, time.UTC),
		time.Date(1900, 2, 28, 0, 0, 0, 0, time.UTC),
		time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1899, 6, 1, 0, 0, 0, 0, beijing),
		// Beyond what a time.Duration holds from 1900.
		time.Date(2250, 1, 1, 6, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
	}
	for i, tm := range times {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetCellValue("Sheet1", cell, tm); err != nil {
			t.Fatal(err)
		}
		want, _ := f.GetCellValue("Sheet1", cell, excelize.Options{RawCellValue: true})
		var out bytes.Buffer
		bw := bufio.NewWriter(&out)
		NewRowWriter(bw).Time(1, 1, 0, tm)
		bw.Flush()
		got := out.String()
		if serial, ok := Serial(tm); ok {
			got = strconv.FormatFloat(serial, 'f', -1, 64)
		} else if !strings.Contains(got, "inlineStr") {
			t.Errorf("%v: not written as text: %s", tm, got)
		} else {
			got = got[strings.Index(got, "<t>")+3 : strings.Index(got, "</t>")]
		}
		if got != want {
			t.Errorf("%v: written %s, excelize %s", tm, got, want)
		}
	}
	for i, v := range []float64{0, 1, -2.5, 100, 1.0 / 3, 2.0 / 3 * 1e6, 123456789012345678, 1e-7, math.Pi * 1e10} {
		cell, _ := excelize.CoordinatesToCellName(2, i+1)
		if err := f.SetCellFloat("Sheet1", cell, v, -1, 64); err != nil {
			t.Fatal(err)
		}
		want, _ := f.GetCellValue("Sheet1", cell, excelize.Options{RawCellValue: true})
		if got := formatFloat(v); got != want {
			t.Errorf("%v: %s, excelize %s", v, got, want)
		}
	}
}

// TestEscape: as encoding/xml escapes text, whatever the text.
func TestEscape(t *testing.T) {
	for _, s := range []string{"", "plain", "任务内容，要求。", "a&b", "<>\"'", "tab\there", "行\n行", "\x01", "\x7f",
		"bad\xff", "\xe4\xb8", "\uFFFD", "\uFFFE", "\uFFFF", "\U0001F600", "\u2028", "ok\u00a0"} {
		var b strings.Builder
		xml.EscapeText(&b, []byte(s))
		if got := Escape(s); got != b.String() {
			t.Errorf("Escape(%q) = %q, want %q", s, got, b.String())
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"任务", "a&b", "\xff", "\uFFFE", "\x01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b strings.Builder
		xml.EscapeText(&b, []byte(s))
		if got := Escape(s); got != b.String() {
			t.Errorf("Escape(%q) = %q, want %q", s, got, b.String())
		}
	})
}
