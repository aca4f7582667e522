// Package xlsxtest helps tests check the xlsx reader against excelize on real workbooks.
package xlsxtest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"planreport/internal/xlsx"
)

// Diff lists where the reader and excelize read a workbook's bytes differently: its sheets,
// rows and cell values (numbers compared as numbers). It returns nil when they agree, and the
// reader's File (to be closed) for further checks.
func Diff(data []byte) (*xlsx.File, []string) {
	x, err := xlsx.OpenBytes(data, 64<<20)
	if err != nil {
		return nil, []string{fmt.Sprintf("reader: %v", err)}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return x, []string{fmt.Sprintf("excelize: %v", err)}
	}
	defer f.Close()
	var diffs []string
	if a, b := strings.Join(x.SheetList(), "|"), strings.Join(f.GetSheetList(), "|"); a != b {
		diffs = append(diffs, fmt.Sprintf("sheets %s, excelize %s", a, b))
	}
	for _, sheet := range f.GetSheetList() {
		mine, err1 := x.Rows(sheet)
		theirs, err2 := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if (err1 == nil) != (err2 == nil) {
			diffs = append(diffs, fmt.Sprintf("%s: error %v, excelize %v", sheet, err1, err2))
			continue
		}
		if len(mine) != len(theirs) {
			diffs = append(diffs, fmt.Sprintf("%s: %d rows, excelize %d", sheet, len(mine), len(theirs)))
		}
		for i := range min(len(mine), len(theirs)) {
			if len(mine[i]) != len(theirs[i]) {
				diffs = append(diffs, fmt.Sprintf("%s row %d: %q, excelize %q", sheet, i+1, mine[i], theirs[i]))
				continue
			}
			for j := range mine[i] {
				if !SameValue(mine[i][j], theirs[i][j]) {
					cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
					diffs = append(diffs, fmt.Sprintf("%s %s: %q, excelize %q", sheet, cell, mine[i][j], theirs[i][j]))
				}
			}
		}
	}
	return x, diffs
}

// SameValue: the same text, or the same number as excelize's raw value.
func SameValue(mine, raw string) bool {
	if mine == raw {
		return true
	}
	a, err1 := strconv.ParseFloat(mine, 64)
	b, err2 := strconv.ParseFloat(raw, 64)
	if err1 == nil && err2 == nil {
		return a == b || math.Abs(a-b) <= 1e-14*math.Max(math.Abs(a), math.Abs(b))
	}
	return mine == "TRUE" && raw == "1" || mine == "FALSE" && raw == "0"
}

// Zip builds a zip of the files (by name), in name order: a workbook package made by hand.
func Zip(files map[string]string) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, _ := z.Create(n)
		w.Write([]byte(files[n]))
	}
	z.Close()
	return b.Bytes()
}
