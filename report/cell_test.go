package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

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
