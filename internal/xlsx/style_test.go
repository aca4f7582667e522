package xlsx

import (
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestScale: a sheet prints at 100% when it fits, fitted down to no less than 90%, and at 90%
// over more pages when fitting would make its text smaller than 9 pt.
func TestScale(t *testing.T) {
	for _, tc := range []struct {
		p    Page
		want float64
	}{
		{Page{Landscape: true, Width: 140}, 1},
		{Page{Landscape: false, Width: 100}, 1},
		{Page{Landscape: true, Width: 160}, printableLandscape / (160 * pointsPerUnit)},
		{Page{Landscape: true, Width: 250}, 0.9},
		{Page{Landscape: false, Width: 140}, 0.9},
	} {
		if got := tc.p.Scale(); got < tc.want-1e-9 || got > tc.want+1e-9 {
			t.Errorf("%+v: scale %.3f, want %.3f", tc.p, got, tc.want)
		}
	}
}

// TestMoveSheet: a sheet put in front of others leaves each sheet's print titles on that
// sheet (excelize's own MoveSheet does not, and checkSheetNames says so).
func TestMoveSheet(t *testing.T) {
	build := func() *excelize.File {
		f := excelize.NewFile()
		f.SetSheetName("Sheet1", "任务进展")
		f.NewSheet("填报说明")
		for _, s := range []string{"任务进展", "填报说明"} {
			if err := SetPage(f, s, Page{TitleRows: 1}); err != nil {
				t.Fatal(err)
			}
		}
		f.NewSheet("需修改事项")
		return f
	}
	f := build()
	if err := MoveSheet(f, "需修改事项", "任务进展"); err != nil {
		t.Fatal(err)
	}
	if err := checkSheetNames(f); err != nil {
		t.Error(err)
	}
	if got := f.GetSheetList()[0]; got != "需修改事项" {
		t.Errorf("first sheet %s", got)
	}
	f = build()
	if err := f.MoveSheet("需修改事项", "任务进展"); err != nil {
		t.Fatal(err)
	}
	if err := checkSheetNames(f); err == nil {
		t.Error("checkSheetNames does not see print titles left on the wrong sheets")
	}
}

// checkSheetNames checks that every sheet-scoped print title and print area names the sheet it
// belongs to.
func checkSheetNames(f *excelize.File) error {
	for _, dn := range f.GetDefinedName() {
		if !strings.HasPrefix(dn.Name, "_xlnm.Print_") || dn.Scope == "" || dn.Scope == "Workbook" {
			continue
		}
		quoted := "'" + strings.ReplaceAll(dn.Scope, "'", "''") + "'!"
		if !strings.HasPrefix(dn.RefersTo, quoted) && !strings.HasPrefix(dn.RefersTo, dn.Scope+"!") {
			return fmt.Errorf("「%s」的打印设置 %s 指向了 %s（工作表 %v）", dn.Scope, dn.Name, dn.RefersTo, f.GetSheetList())
		}
	}
	return nil
}
