package workbook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planreport/internal/clienttest"
	"planreport/templates"
)

// TestPrintsReadable prints a feedback workbook and a findings workbook through LibreOffice:
// their text is 9 pt or more, the task sheet prints with its header on every page (its print
// titles survive the list put in front of it), and the 检查标记 column is on the page.
func TestPrintsReadable(t *testing.T) {
	fx := newFixture(t)
	data := fx.filled(t, "宝山镇", set(map[string]any{"G2": "", "H3": "大部分", "I4": "同上", "G5": templates.StatusDone, "H5": 90}))
	r := fx.ctx.Check("宝山镇.xlsx", data, "")
	dir := t.TempDir()
	s := Submission{Name: "宝山镇.xlsx", Unit: "宝山镇", Findings: r.Findings, Received: time.Date(2024, 1, 5, 9, 0, 0, 0, time.Local)}
	feedback := filepath.Join(dir, "宝山镇_反馈.xlsx")
	if _, err := WriteFeedback(feedback, s, data, "2024-01-12"); err != nil {
		t.Fatal(err)
	}
	coll, err := OpenCollection(filepath.Join(dir, "c"), q)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := coll.Add(s, data); err != nil {
		t.Fatal(err)
	}
	findings := filepath.Join(dir, "检查结果.xlsx")
	if err := WriteFindings(findings, coll); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	os.MkdirAll(out, 0o755)
	for _, path := range []string{feedback, findings} {
		pdf := clienttest.ToPDF(t, path, out)
		if size, word := clienttest.SmallestText(t, pdf); size < 8.9 {
			t.Errorf("%s: the print's smallest text is %.1f pt (%q), want 9 or more", filepath.Base(path), size, word)
		}
		if path != feedback {
			continue
		}
		pages := strings.Split(clienttest.PDFText(t, pdf, "-layout"), "\f")
		tasks := 0
		for _, p := range pages {
			flat := strings.Join(strings.Fields(p), "")
			if flat == "" || strings.Contains(flat, FeedbackSheet) || strings.Contains(flat, "填报方法") {
				continue // the list, the guide
			}
			tasks++
			if !strings.Contains(flat, templates.ColStatus) || !strings.Contains(flat, templates.ColEvidence) || !strings.Contains(flat, MarkHeader) {
				t.Errorf("a task page lacks its header or the %s column:\n%.300s", MarkHeader, p)
			}
		}
		if tasks < 2 {
			t.Errorf("the task sheet printed on %d pages with its header, want 2 or more", tasks)
		}
	}
}
