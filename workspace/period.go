package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"planreport/internal/atomicfile"
	"planreport/plan"
	"planreport/workbook"
)

// PeriodSettings are what the office decided for one period, kept in its period.json.
type PeriodSettings struct {
	Period string `json:"period"`
	Due    string `json:"due"`              // YYYY-MM-DD
	Issued string `json:"issued,omitempty"` // when the templates were first issued, RFC 3339
}

func (w *Workspace) settingsPath(p plan.Period) string {
	return filepath.Join(w.PeriodDir(p), SettingsName)
}

// Settings reads a period's settings; ok is false when its templates were never issued.
func (w *Workspace) Settings(p plan.Period) (s PeriodSettings, ok bool) {
	data, err := os.ReadFile(w.settingsPath(p))
	if err != nil || json.Unmarshal(data, &s) != nil {
		return PeriodSettings{Period: p.String()}, false
	}
	return s, true
}

func (w *Workspace) writeSettings(p plan.Period, s PeriodSettings) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(w.settingsPath(p), append(data, '\n'))
}

// DefaultDue is a period's due date when the office names none: a week after its end.
func DefaultDue(p plan.Period) string { return p.End().AddDate(0, 0, 7).Format("2006-01-02") }

// Due is a period's due date as set when its templates were issued, else DefaultDue.
func (w *Workspace) Due(p plan.Period) string {
	if s, ok := w.Settings(p); ok && s.Due != "" {
		return s.Due
	}
	return DefaultDue(p)
}

// needIssued is a NotIssuedError unless the period's templates were issued.
func (w *Workspace) needIssued(p plan.Period) error {
	if !w.Issued(p) {
		return &NotIssuedError{Dir: w.dir, Period: p}
	}
	return nil
}

// Issued reports whether a period's templates were issued (its period.json exists).
func (w *Workspace) Issued(p plan.Period) bool {
	_, err := os.Stat(w.settingsPath(p))
	return err == nil
}

// Periods lists the periods the workspace has a folder for, oldest first.
func (w *Workspace) Periods() ([]plan.Period, error) {
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("读取工作目录 %s：%w", w.dir, err)
	}
	var out []plan.Period
	for _, e := range entries {
		if q, err := plan.ParsePeriod(e.Name()); err == nil && e.IsDir() && q.String() == e.Name() {
			out = append(out, q)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start().Equal(out[j].Start()) {
			return out[i].Start().Before(out[j].Start())
		}
		return out[i].End().Before(out[j].End())
	})
	return out, nil
}

// collected reports whether a period has a record of what was received.
func (w *Workspace) collected(p plan.Period) bool {
	_, err := os.Stat(w.RecordPath(p))
	return err == nil
}

// Collection reads a period's record (empty when nothing was received yet).
func (w *Workspace) Collection(p plan.Period) (*workbook.Collection, error) {
	return workbook.OpenCollection(w.PeriodDir(p), p)
}

// Progress is how far an operation is: Done of Total steps of Stage (Total is 0 while the
// number is not known, as when collect reads a folder).
type Progress struct {
	Stage string
	Done  int
	Total int
}

// Reporter receives an operation's progress; nil receives nothing.
type Reporter func(Progress)

func (r Reporter) report(p Progress) {
	if r != nil {
		r(p)
	}
}

// ParseDay reads a date the office typed, or today when it is empty.
func ParseDay(s string) (string, error) {
	if s == "" {
		return time.Now().Format("2006-01-02"), nil
	}
	d, err := plan.ParseDate(s)
	if err != nil || d == "" {
		return "", fmt.Errorf("“%s”不是日期，请写成 2024-01-15 的形式", s)
	}
	return d, nil
}
