package workspace

import (
	"fmt"
	"os"

	"planreport/plan"
	"planreport/workbook"
)

// Stage is how far a period's cycle has come, in the office's words.
type Stage string

const (
	StageIssued     Stage = "模板已生成" // templates issued, nothing received yet
	StageCollecting Stage = "收件中"   // returns are coming in
	StageReported   Stage = "已出报告"  // the report was written
	StageNew        Stage = "未生成模板" // a period folder without issued templates
)

// PeriodSummary is one period at a glance: what the home page lists for each.
type PeriodSummary struct {
	Period   plan.Period
	Due      string
	Stage    Stage
	Units    int                    // reporting units
	Count    map[workbook.State]int // units in each state
	Accepted int                    // units whose return was accepted (on time or late)
	Files    int                    // files received
}

// Summaries lists every period of the workspace, oldest first, with its stage and counts. It
// reads only.
func (w *Workspace) Summaries() ([]PeriodSummary, error) {
	periods, err := w.Periods()
	if err != nil {
		return nil, err
	}
	var out []PeriodSummary
	if len(periods) == 0 {
		return out, nil
	}
	pl, err := w.ReadPlan()
	if err != nil {
		return nil, err
	}
	for _, p := range periods {
		st, err := w.StatusOf(pl, workbook.NewContext(pl, p, nil), p)
		if err != nil {
			return nil, err
		}
		s := PeriodSummary{Period: p, Due: st.Due, Units: len(st.Units), Count: Count(st.Units), Files: len(st.Record.Submissions)}
		s.Accepted = s.Count[workbook.OnTime] + s.Count[workbook.Late]
		_, reportErr := os.Stat(w.ReportPDF(p))
		switch {
		case reportErr == nil:
			s.Stage = StageReported
		case s.Files > 0:
			s.Stage = StageCollecting
		case st.Issued:
			s.Stage = StageIssued
		default:
			s.Stage = StageNew
		}
		out = append(out, s)
	}
	return out, nil
}

// Label is the period's stage as the home page shows it: 收件中 with how many units were
// accepted of how many report (收件中 12/53).
func (s PeriodSummary) Label() string {
	if s.Stage == StageCollecting {
		return fmt.Sprintf("%s %d/%d", s.Stage, s.Accepted, s.Units)
	}
	return string(s.Stage)
}
