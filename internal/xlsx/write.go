package xlsx

import (
	"os"
	"strconv"

	"planreport/internal/atomicfile"

	"github.com/xuri/excelize/v2"
)

// Save writes a workbook to path atomically (atomicfile.Write), compressed with FastZip.
func Save(f *excelize.File, path string) error {
	f.SetZipWriter(FastZip)
	return atomicfile.Write(path, func(w *os.File) error {
		_, err := f.WriteTo(w)
		return err
	})
}

// SheetPart is the zip part of a sheet excelize created in f (NewSheet names it by the sheet's
// id, which stays the same when sheets are moved or others deleted); false when f has no
// such sheet.
func SheetPart(f *excelize.File, sheet string) (string, bool) {
	for id, name := range f.GetSheetMap() {
		if name == sheet {
			return "xl/worksheets/sheet" + strconv.Itoa(id) + ".xml", true
		}
	}
	return "", false
}
