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

// statusCache keeps each period's state as workspace.Status and Collection read it, until a
// file they read changes: the ledger, the period's record or its settings. Reading them again
// for every page costs a fifth of a second at 1,000 units (expanding the plan's groups into
// every unit's tasks); the page is shown far more often than collect writes.
type statusCache struct {
	mu sync.Mutex
	m  map[plan.Period]cachedStatus
}

type cachedStatus struct {
	key  string
	st   *workspace.StatusResult
	coll *workbook.Collection
}

// status is a period's state and record, read again only when their files changed.
func (c *statusCache) status(w *workspace.Workspace, p plan.Period) (*workspace.StatusResult, *workbook.Collection, error) {
	key := filesKey(w.Ledger(), w.RecordPath(p), filepath.Join(w.PeriodDir(p), workspace.SettingsName))
	c.mu.Lock()
	got, ok := c.m[p]
	c.mu.Unlock()
	if ok && got.key == key {
		return got.st, got.coll, nil
	}
	st, err := w.Status(p)
	if err != nil {
		return nil, nil, err
	}
	coll, err := w.Collection(p)
	if err != nil {
		return nil, nil, err
	}
	// Keyed by the files as they were before reading: a change while reading shows next time.
	c.mu.Lock()
	if c.m == nil {
		c.m = map[plan.Period]cachedStatus{}
	}
	c.m[p] = cachedStatus{key: key, st: st, coll: coll}
	c.mu.Unlock()
	return st, coll, nil
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
