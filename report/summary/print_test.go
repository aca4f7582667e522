package summary

import (
	"strings"
	"testing"

	"planreport/internal/clienttest"
	"planreport/report/reporttest"
)

// TestPrintsReadable prints the report workbook through LibreOffice: its text 9 pt or more,
// no helper column, the file names and checksums of 明细 left off the print.
func TestPrintsReadable(t *testing.T) {
	path, _ := write(t, reporttest.Sample(t))
	pdf := clienttest.ToPDF(t, path, t.TempDir())
	if size, word := clienttest.SmallestText(t, pdf); size < 8.9 {
		t.Errorf("the print's smallest text is %.1f pt (%q), want 9 or more", size, word)
	}
	text := strings.Join(strings.Fields(clienttest.PDFText(t, pdf)), "")
	for _, bad := range []string{"图表标签", "SHA-256", "来源文件"} {
		if strings.Contains(text, bad) {
			t.Errorf("the print shows %q", bad)
		}
	}
	for _, want := range []string{"本期工作进展", "红黄绿灯及原因", "各部分完成情况"} {
		if !strings.Contains(text, want) {
			t.Errorf("the print lacks %q", want)
		}
	}
}
