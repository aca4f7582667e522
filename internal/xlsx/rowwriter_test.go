package xlsx_test

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
	"time"

	"planreport/internal/xlsx"
	"planreport/internal/xlsx/xlsxtest"
)

// TestRowWriter: text is escaped, characters XML cannot hold are replaced, spaces at the ends
// are kept, and a sheet of such rows reads back the same through the reader and excelize.
func TestRowWriter(t *testing.T) {
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	b := xlsx.NewRowWriter(bw)
	texts := []string{"任务", "a&b<c>\"d\"'e'", " 前后有空格 ", "第一行\n第二行", "控制\x01字符", ""}
	for i, s := range texts {
		r := i + 1
		b.StartRow(r, float64(15*r))
		b.Text(1, r, 0, s)
		b.Int(2, r, 0, -i)
		b.Float(28, r, 0, float64(i)/3)
		b.Time(29, r, 0, time.Date(2024, 1, 5, 10, 0, 0, 0, time.Local))
		b.EndRow()
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	rows := out.String()
	if !strings.Contains(rows, `<t xml:space="preserve"> 前后有空格 </t>`) || strings.Contains(rows, `<t xml:space="preserve">任务`) {
		t.Errorf("xml:space where it is needed, and only there: %s", rows)
	}
	if !strings.Contains(rows, `<c r="A6" s="0"/>`) || !strings.Contains(rows, `<c r="AB2" s="0"><v>0.333333333333333</v></c>`) {
		t.Errorf("an empty text is a cell without a value; a number is a value: %s", rows)
	}
	x, diffs := xlsxtest.Diff(pkg(t, map[string]string{"xl/worksheets/sheet1.xml": sheetXML(rows)}))
	if x == nil {
		t.Fatal(diffs)
	}
	defer x.Close()
	for _, d := range diffs {
		t.Errorf("reader and excelize differ: %s", d)
	}
	got, err := x.Rows("S")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"任务", "a&b<c>\"d\"'e'", " 前后有空格 ", "第一行\n第二行", "控制\uFFFD字符", ""}
	for i, w := range want {
		if i >= len(got) || len(got[i]) == 0 || got[i][0] != w {
			t.Errorf("row %d: %q, want %q", i+1, got[min(i, len(got)-1)], w)
		}
	}
	if !strings.HasPrefix(got[0][28], "45296.41666666") {
		t.Errorf("the time: %q", got[0][28])
	}
}
