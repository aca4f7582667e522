package ui

import (
	"net/http"
	"path/filepath"

	"planreport/plan"
)

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// periodOf reads the period a URL names, in its canonical form only (2023Q4): anything else is
// not found.
func periodOf(w http.ResponseWriter, r *http.Request) (plan.Period, bool) {
	v := r.PathValue("period")
	p, err := plan.ParsePeriod(v)
	if err != nil || p.String() != v {
		http.NotFound(w, r)
		return plan.Period{}, false
	}
	return p, true
}
