package plan_test

import (
	"planreport/plan"
	"planreport/workbook"
)

// The commands read the ledger with workbook.ReadLedger: every ledger the plan tests read is
// read with it too, and must give the same plan or the same error (see OtherLedgerReader).
func init() { plan.OtherLedgerReader = workbook.ReadLedger }
