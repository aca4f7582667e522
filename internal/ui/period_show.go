package ui

import (
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"planreport/demo"
	"planreport/plan"
	"planreport/workbook"
	"planreport/workspace"
)

// periodData is a period's page: its templates, the returns and each unit's state, the
// reminders, the report.
type periodData struct {
	Period    plan.Period
	Name      string // 2023年第四季度
	Status    *workspace.StatusResult
	Count     map[workbook.State]int
	Accepted  int
	Chart     []chartBar
	Rows      []unitRow
	Unknown   []workbook.Submission // files whose unit could not be told
	Files     int                   // files received
	Templates []fileLink
	Drafts    []fileLink
	Reminders []fileLink
	Remind    []unitRow // missing or rejected: whom to remind
	Report    []fileLink
	Findings  string // the findings workbook's URL, when written
	Demo      bool
	DemoDir   string // where the demo's returns are, once made
	Limits    Limits
	Mail      mailView
}

type fileLink struct{ Name, URL string }

// unitRow is one unit's line of the status table.
type unitRow struct {
	workspace.UnitStatus
	Findings []string // one line each
	Feedback string   // the feedback workbook's URL
}

// chartBar is one state's part of the status chart (SVG, drawn by the template).
type chartBar struct {
	State workbook.State
	Name  string
	N     int
	X, W  float64 // in the SVG's units: the bar is 1,000 wide
}

func (s *Server) periodShow(w http.ResponseWriter, r *http.Request) {
	p, ok := periodOf(w, r)
	if !ok {
		return
	}
	if s.ws.HasPlan() != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	d, err := s.periodPage(p)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.render(w, r, http.StatusOK, "period", d.Name, "", d)
}

func (s *Server) periodPage(p plan.Period) (*periodData, error) {
	st, err := s.status.status(s.ws, p)
	if err != nil {
		return nil, err
	}
	coll := st.Record
	d := &periodData{Period: p, Name: p.Chinese(), Status: st, Count: workspace.Count(st.Units), Files: len(coll.Submissions),
		Demo: demo.Is(st.Plan), Limits: s.limits, Mail: s.mailOf(p)}
	d.Accepted = d.Count[workbook.OnTime] + d.Count[workbook.Late]
	x := 0.0
	for _, state := range workbook.States {
		n := d.Count[state]
		wd := 0.0
		if len(st.Units) > 0 {
			wd = float64(n) * 100 / float64(len(st.Units))
		}
		d.Chart = append(d.Chart, chartBar{State: state, Name: state.Chinese(), N: n, X: x * 10, W: wd * 10})
		x += wd
	}
	feedback := s.listFiles(s.ws.FeedbackDir(p))
	names := workspace.UnitFileNames(st.Plan)
	for _, u := range st.Units {
		row := unitRow{UnitStatus: u}
		for _, f := range u.Submission.Findings {
			row.Findings = append(row.Findings, findingLine(f))
		}
		if len(u.Submission.Findings) > 0 {
			row.Feedback = feedback[filepath.Base(s.ws.FeedbackPath(p, names, u.Unit.Name))]
		}
		d.Rows = append(d.Rows, row)
		if u.State == workbook.Missing || u.State == workbook.Rejected {
			d.Remind = append(d.Remind, row)
		}
	}
	// The units that need the office first: not accepted, missing, late; in registry order.
	sort.SliceStable(d.Rows, func(i, j int) bool { return attention(d.Rows[i].State) < attention(d.Rows[j].State) })
	for _, sub := range coll.Submissions {
		if sub.Unit == "" {
			d.Unknown = append(d.Unknown, sub)
		}
	}
	d.Templates = sorted(s.listFiles(s.ws.TemplatesDir(p)))
	d.Drafts = sorted(s.listFiles(filepath.Join(s.ws.TemplatesDir(p), workspace.DraftsDir)))
	d.Reminders = sorted(s.listFiles(s.ws.RemindersDir(p)))
	d.Report = sorted(s.listFiles(s.ws.ReportDir(p)))
	if _, err := os.Stat(s.ws.FindingsPath(p)); err == nil {
		d.Findings = s.fileURL(s.ws.FindingsPath(p))
	}
	if dir := filepath.Join(s.ws.Dir(), workspace.DemoDir, p.String()); d.Demo {
		if _, err := os.Stat(dir); err == nil {
			d.DemoDir = absPath(dir)
		}
	}
	return d, nil
}

// listFiles maps the names of a folder's regular files (not hidden) to their URLs.
func (s *Server) listFiles(dir string) map[string]string {
	entries, _ := os.ReadDir(dir)
	out := map[string]string{}
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") && !strings.HasPrefix(e.Name(), "~$") {
			out[e.Name()] = s.fileURL(filepath.Join(dir, e.Name()))
		}
	}
	return out
}

func sorted(m map[string]string) []fileLink {
	out := make([]fileLink, 0, len(m))
	for n, u := range m {
		out = append(out, fileLink{n, u})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// findingLine is a finding in one line, for a table whose row names the file already: where
// in the workbook, what is wrong, how to fix it.
func findingLine(f plan.Finding) string {
	where := ""
	if f.Sheet != "" {
		where = f.Where() + "："
	}
	return f.Severity.Chinese() + "  " + where + f.Message + "（" + f.Hint + "）"
}

// attention orders the states as the office attends to them: the units it must write to first.
func attention(s workbook.State) int {
	switch s {
	case workbook.Rejected:
		return 0
	case workbook.Missing:
		return 1
	case workbook.Late:
		return 2
	}
	return 3
}
