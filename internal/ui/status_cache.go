package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"planreport/plan"
	"planreport/workbook"
	"planreport/workspace"
)

// statusCache keeps each period's state as workspace.Status reads it, until a file it reads
// changes: the ledger, the period's record or its settings. The page is shown far more often
// than collect writes. The plan and its checking context (the plan's groups expanded into
// every unit's tasks: two thirds of a reading at 1,000 units) are kept apart, until the
// ledger changes, so that a page shown right after collect reads only the record again.
type statusCache struct {
	mu sync.Mutex
	m  map[plan.Period]cachedStatus
}

type cachedStatus struct {
	ledger string // the ledger's filesKey when plan and check were read
	plan   *plan.Plan
	check  *workbook.Context
	key    string // the filesKey of everything the state was read from
	st     *workspace.StatusResult
}

// status is a period's state, read again only when its files changed.
func (c *statusCache) status(w *workspace.Workspace, p plan.Period) (*workspace.StatusResult, error) {
	ledger := filesKey(w.Ledger())
	key := ledger + filesKey(w.RecordPath(p), filepath.Join(w.PeriodDir(p), workspace.SettingsName))
	c.mu.Lock()
	got := c.m[p]
	c.mu.Unlock()
	if got.st != nil && got.key == key {
		return got.st, nil
	}
	if got.plan == nil || got.ledger != ledger {
		pl, err := w.ReadPlan()
		if err != nil {
			return nil, err
		}
		got.ledger, got.plan, got.check = ledger, pl, workbook.NewContext(pl, p, nil)
	}
	st, err := w.StatusOf(got.plan, got.check, p)
	if err != nil {
		return nil, err
	}
	// Keyed by the files as they were before reading: a change while reading shows next time.
	got.key, got.st = key, st
	c.mu.Lock()
	if c.m == nil {
		c.m = map[plan.Period]cachedStatus{}
	}
	c.m[p] = got
	c.mu.Unlock()
	return st, nil
}

// filesKey names the state of some files: each one's size and modification time (or absence).
func filesKey(paths ...string) string {
	var key string
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			key += fmt.Sprintf("%d.%d;", st.Size(), st.ModTime().UnixNano())
		} else {
			key += "-;"
		}
	}
	return key
}
