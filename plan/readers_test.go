package plan_test

import (
	"github.com/xuri/excelize/v2"

	"planreport/plan"
)

// ReadLedger reads with internal/xlsx; every ledger the plan tests read is read with excelize
// too, and must give the same plan or the same error (see OtherLedgerReader).
func init() { plan.OtherLedgerReader = readLedgerWithExcelize }

// readLedgerWithExcelize reads a ledger as ReadLedger does, with excelize.
func readLedgerWithExcelize(path string) (*plan.Plan, error) {
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true, UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return nil, plan.LedgerOpenError(path, err)
	}
	defer f.Close()
	return plan.ParseLedger(path, func(name string) ([][]string, bool, error) {
		if idx, _ := f.GetSheetIndex(name); idx < 0 {
			return nil, false, nil
		}
		rows, err := f.GetRows(name)
		return rows, true, err
	})
}
