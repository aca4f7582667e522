package xlsx

import (
	"os"

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
