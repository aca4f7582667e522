package templates

import (
	"strings"
	"testing"

	"planreport/internal/clienttest"
)

// TestPrintsReadable prints a town's template (73 tasks, with last period's columns) through
// LibreOffice: A4, its text 9 pt or more, the task sheet one page wide with its header on
// every page, the date of a deadline never broken, and who filled it on the last page.
func TestPrintsReadable(t *testing.T) {
	_, res, _ := issueReference(t, false)
	var path string
	for _, it := range res.Templates {
		if it.Unit == "宝山镇" {
			path = it.Path
		}
	}
	pdf := clienttest.ToPDF(t, path, t.TempDir())
	if size, word := clienttest.SmallestText(t, pdf); size < 8.9 {
		t.Errorf("the print's smallest text is %.1f pt (%q), want 9 or more", size, word)
	}
	pages := strings.Split(clienttest.PDFText(t, pdf, "-layout"), "\f")
	pages = pages[:len(pages)-1]
	for i, p := range pages[1:] {
		flat := strings.Join(strings.Fields(p), "")
		if !strings.Contains(flat, ColStatus) || !strings.Contains(flat, ColEvidence) {
			t.Errorf("page %d lacks the task sheet's header (or is not a whole page wide)", i+2)
		}
		if strings.Contains(flat, "（2023-12-") && !strings.Contains(flat, "（2023-12-31）") {
			t.Errorf("page %d breaks a deadline's date", i+2)
		}
	}
	last := strings.Join(strings.Fields(pages[len(pages)-1]), "")
	for _, l := range FillerLabels {
		if !strings.Contains(last, l) {
			t.Errorf("the last page lacks %s", l)
		}
	}
}
