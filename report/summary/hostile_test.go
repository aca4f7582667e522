package summary

import (
	"strings"
	"testing"
	"unicode/utf8"

	"planreport/internal/hostile"
	"planreport/report/reporttest"

	"github.com/xuri/excelize/v2"
)

// TestLongCellText puts each long text in task 1's lead report and writes the workbook:
// within bounded time and memory, the text whole in 明细, and no cell cut without a note.
func TestLongCellText(t *testing.T) {
	for name, ct := range reporttest.LongTexts() {
		text := ct.Text
		t.Run(name, func(t *testing.T) {
			r := reporttest.Sample(t)
			r.Tasks[0].Leads[0].Progress = text
			r.Tasks[0].Leads[0].Problems = text
			var err error
			path := t.TempDir() + "/汇总.xlsx"
			u := hostile.Measure(func() { err = Write(r, path) })
			t.Logf("workbook: %v", u)
			if err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows(sheetDetail)
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
				t.Errorf("「%s」 does not hold the progress text whole", sheetDetail)
			}
			// A cell that joins the unit's name to its text cannot hold it all: it is cut with a
			// note, never silently.
			rows, err = f.GetRows(sheetTasks)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows {
				for _, v := range row {
					if strings.Contains(v, "【开头】") && !strings.Contains(v, "【结尾】") && !strings.Contains(v, "全文见") {
						t.Errorf("「%s」: a cell cut without a note (%d characters)", sheetTasks, utf8.RuneCountInString(v))
					}
				}
			}
		})
	}
}
