// Package report consolidates a period's accepted workbooks into the figures leaders and
// staff read, and writes them as a printed PDF report and a workbook. Every figure comes from
// a unit's accepted workbook in the period's collection.
package report

import (
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
)

// NotReported is the status of a task none of whose leads has an accepted report.
const NotReported = "未报送"

// behindness ranks the status words: the most behind lead decides a task's status.
var behindness = map[string]int{
	templates.StatusNotBegun: 0,
	templates.StatusBehind:   1,
	templates.StatusOnTrack:  2,
	templates.StatusOngoing:  3,
	templates.StatusDone:     4,
}

// UnitReport is one unit's accepted report on one task.
type UnitReport struct {
	Unit      string
	Role      plan.Role
	Status    string
	Percent   int
	Progress  string
	Problems  string
	NextSteps string
	Evidence  string
	Note      string // the unit's note rows below the task (workbook.Note), one a line
	Filled    string // the 填报日期 its workbook states
	File      string // the accepted workbook it came from
	SHA256    string
}

// Task is one task's consolidated state.
type Task struct {
	plan.Task
	// Status is the status word of the most behind lead, or NotReported when a lead has no
	// accepted report: a task is never counted as done while one of its leads is silent.
	Status string
	// Reported is the status of the leads that did report when some did not ("" when none
	// did), to say what the others said.
	Reported      string
	Reason        Reason       // why the task has its light: the first of Reasons that applies
	Light         Light        // Reason.Light()
	Overdue       bool         // past its deadline by the period's end and not done
	OverdueMonths int          // whole months from the deadline to the period's end, when Overdue
	Leads         []UnitReport // accepted reports of the task's lead units, in registry order
	Responsible   []UnitReport // accepted reports of its responsible units
	MissingLeads  []string     // lead units with no accepted report
	RejectedLeads []string     // those of MissingLeads whose latest return failed the check (未通过)
}

// Unit is one reporting unit's figures.
type Unit struct {
	Name     string
	State    workbook.State
	Received time.Time
	File     string
	Assigned int // tasks in its template
	Reported int // rows of its accepted report with a status
	Done     int
	Behind   int // 滞后 or 未启动
	Overdue  int // tasks past their deadline that its report does not call done
	Findings int // findings in its latest workbook
	Rank     int // its place in Ranked, from 1
	PrevRank int // its place in the previous collected period's ranking, 0 when none
	Contact  string
	Phone    string
	Email    string
}

// Section is one section's (or part's) completion.
type Section struct {
	Name   string
	Tasks  int
	Done   int
	Counts map[string]int // by status word, NotReported included
}

// Point is one collected period's figures, for the trend.
type Point struct {
	Period    string // code
	Label     string // Chinese
	Tasks     int
	Counts    map[string]int
	Units     int
	OnTime    int
	Late      int
	Rejected  int
	Missing   int
	Completed float64 // share of tasks done, 0–1

	// Each task's light and status, and each unit's rank, for the changes since a period.
	TaskLights map[string]Light
	TaskStatus map[string]string
	Ranks      map[string]int
}

// Report is a period's consolidation.
type Report struct {
	Plan        *plan.Plan
	Period      plan.Period
	Due         string
	Date        string // the report's date, YYYY-MM-DD
	Tasks       []Task
	Units       []Unit
	Sections    []Section
	Trend       []Point
	Counts      map[string]int // tasks by status
	Lights      map[Light]int
	Reasons     map[Reason]int                 // tasks by the reason for their light
	Changes     Changes                        // since the previous collected period
	Submissions []workbook.Submission          // the period's submission log, as received
	Latest      map[string]workbook.Submission // each unit's submission that counts (Collection.Latest)

	// Unprintable lists the characters the last PDF printed as Missing because no embedded
	// font has them (a rare character, an emoji a unit typed), to tell the office.
	Unprintable []rune
}

// Statuses lists the status words in report order, NotReported last.
var Statuses = []string{templates.StatusDone, templates.StatusOnTrack, templates.StatusOngoing, templates.StatusBehind, templates.StatusNotBegun, NotReported}

// Input is one collected period: its collection and due date.
type Input struct {
	Period     plan.Period
	Due        string
	Collection *workbook.Collection
}

// Consolidate works out the report of the last of periods (in order, oldest first); the others
// give the trend. date is the report's date.
func Consolidate(p *plan.Plan, periods []Input, date string) (*Report, error) {
	cur := periods[len(periods)-1]
	// The earlier periods one after another, each dropped once it has given its point; beside
	// the current one when the plan has at most sideBySide units. With 10,000 units each
	// period's report is hundreds of megabytes, and two at once took the report past 1 GB.
	// An error of the current period still comes before theirs.
	trend := make([]Point, len(periods))
	var earlier error
	var wg sync.WaitGroup
	earlierPeriods := func() {
		for i, in := range periods {
			if in.Period == cur.Period {
				continue
			}
			pr, err := consolidateOne(p, in, date)
			if err != nil {
				earlier = err
				return
			}
			trend[i] = pr.Point()
		}
	}
	if len(p.Units) <= sideBySide {
		wg.Go(earlierPeriods)
	} else {
		earlierPeriods()
	}
	r, err := consolidateOne(p, cur, date)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if earlier != nil {
		return nil, earlier
	}
	for i, in := range periods {
		if in.Period == cur.Period {
			trend[i] = r.Point()
		}
	}
	r.Trend = trend
	r.Changes = changesSince(trend[:len(trend)-1], r)
	if len(trend) > 1 {
		prev := trend[len(trend)-2]
		for i := range r.Units {
			r.Units[i].PrevRank = prev.Ranks[r.Units[i].Name]
		}
	}
	return r, nil
}

// sideBySide is the most units a plan may have for Consolidate to consolidate two periods at
// once (1,000 units: 200 MB; 10,000: over 1 GB).
const sideBySide = 2000

func consolidateOne(p *plan.Plan, in Input, date string) (*Report, error) {
	r := &Report{Plan: p, Period: in.Period, Due: in.Due, Date: date, Counts: map[string]int{}, Lights: map[Light]int{}, Reasons: map[Reason]int{}}
	ctx := workbook.NewContext(p, in.Period, nil)
	latest := in.Collection.Latest()

	// Each reporting unit's accepted entries, by task. The entries stay in accepted's
	// slices, looked up by index: with 10,000 units there are 730,000 of them.
	findings := map[string]int{}
	for unit, s := range latest {
		findings[unit] = len(s.Findings)
	}
	accepted, err := in.Collection.AcceptedEntries(p)
	if err != nil {
		return nil, err
	}
	byTaskOf := map[string]map[string]int{} // reporting unit → task → index in accepted[unit]
	for unit, es := range accepted {
		m := make(map[string]int, len(es))
		for i, e := range es {
			m[e.Task] = i // the last row of a task, as before
		}
		byTaskOf[unit] = m
	}
	// entry returns a reporting unit's accepted entry on a task.
	entry := func(unit, task string) (*workbook.Entry, bool) {
		i, ok := byTaskOf[unit][task]
		if !ok {
			return nil, false
		}
		return &accepted[unit][i], true
	}
	reporter := map[string]string{}
	var reporting []string
	for _, u := range p.Units {
		if t := ctx.Template(u.Name); t != nil {
			reporting = append(reporting, u.Name)
			reporter[u.Name] = u.Name
			for _, f := range t.ReportsFor {
				reporter[f] = u.Name
			}
		}
	}
	reportOf := func(unit, task string, role plan.Role) (UnitReport, bool) {
		from := reporter[unit]
		e, ok := entry(from, task)
		if !ok || e.Status == "" {
			return UnitReport{}, false
		}
		sub := latest[from]
		return UnitReport{Unit: unit, Role: role, Status: e.Status, Percent: e.Percent, Progress: CellText(e.Progress), Problems: CellText(e.Problems),
			NextSteps: CellText(e.NextSteps), Evidence: CellText(e.Evidence), Note: CellText(e.Note), Filled: sub.Filled, File: sub.Name, SHA256: sub.SHA256}, true
	}

	// The units' figures come before the tasks': they are the last use of the templates, which
	// with 10,000 units need not be held while the tasks' reports are made.
	byName := map[string]plan.Unit{}
	for _, u := range p.Units {
		byName[u.Name] = u
	}
	for _, name := range reporting {
		u := byName[name]
		tpl := ctx.Template(name)
		s, sent := latest[name]
		fig := Unit{Name: name, State: workbook.StateOf(s, sent, in.Due), Assigned: len(tpl.Rows), Findings: findings[name], Contact: u.Contact, Phone: u.Phone, Email: u.Email}
		if sent {
			fig.Received, fig.File = s.Received, s.Name
		}
		for _, row := range tpl.Rows {
			e, ok := entry(name, row.TaskID)
			switch {
			case ok && e.Status != "":
				fig.Reported++
				switch e.Status {
				case templates.StatusDone:
					fig.Done++
				case templates.StatusBehind, templates.StatusNotBegun:
					fig.Behind++
				}
				if row.Overdue && e.Status != templates.StatusDone {
					fig.Overdue++
				}
			case row.Overdue:
				fig.Overdue++
			}
		}
		r.Units = append(r.Units, fig)
	}
	rank := map[string]int{}
	for i, u := range r.Ranked() {
		rank[u.Name] = i + 1
	}
	for i := range r.Units {
		r.Units[i].Rank = rank[r.Units[i].Name]
	}

	next := in.Period.Next()
	byTask := map[string][]plan.Assignment{}
	for _, a := range p.Assignments() {
		byTask[a.Task] = append(byTask[a.Task], a)
	}
	sections := map[string]*Section{}
	var order []string
	for _, pt := range p.Tasks {
		t := Task{Task: pt, Status: NotReported}
		if n := len(byTask[pt.ID]); n > 1 {
			t.Responsible = make([]UnitReport, 0, n-1) // sized once: a report is 300 bytes, a task for every town 1,000 of them
		}
		worst := -1
		for _, a := range byTask[pt.ID] {
			ur, ok := reportOf(a.Unit, pt.ID, a.Role)
			switch {
			case a.Role == plan.RoleLead && ok:
				t.Leads = append(t.Leads, ur)
				if b := behindness[ur.Status]; worst < 0 || b < worst {
					worst, t.Status = b, ur.Status
				}
			case a.Role == plan.RoleLead:
				t.MissingLeads = append(t.MissingLeads, a.Unit)
				if s, sent := latest[reporter[a.Unit]]; sent && workbook.StateOf(s, sent, in.Due) == workbook.Rejected {
					t.RejectedLeads = append(t.RejectedLeads, a.Unit)
				}
			case ok:
				t.Responsible = append(t.Responsible, ur)
			}
		}
		if len(t.MissingLeads) > 0 {
			t.Reported, t.Status = t.Status, NotReported
			if len(t.Leads) == 0 {
				t.Reported = ""
			}
		}
		// Overdue when past the deadline and not reported done: a task whose reporting leads
		// call it done while another lead is silent is not overdue but unconfirmed (its
		// reason is then 牵头单位未报送).
		said := t.Status
		if len(t.MissingLeads) > 0 {
			said = t.Reported
		}
		t.Overdue = pt.Deadline.Overdue(in.Period) && said != templates.StatusDone
		if t.Overdue {
			t.OverdueMonths = monthsBetween(pt.Deadline.Due, in.Period.End())
		}
		// Problems count when a lead reports them: with dozens of responsible units per task,
		// one of them always has a problem, and every task would be yellow.
		problems := false
		for _, ur := range t.Leads {
			if HasProblems(ur) {
				problems = true
			}
		}
		dueSoon := (pt.Deadline.Kind == plan.KindYear || pt.Deadline.Kind == plan.KindDate) && !t.Overdue &&
			pt.Deadline.Due <= next.End().Format("2006-01-02") && t.Status != templates.StatusDone
		t.Reason = reasonOf(facts{overdue: t.Overdue, status: t.Status, said: said, missingLeads: len(t.MissingLeads) > 0, dueSoon: dueSoon, problems: problems})
		t.Light = t.Reason.Light()
		r.Reasons[t.Reason]++
		r.Counts[t.Status]++
		r.Lights[t.Light]++
		name := pt.Section
		if name == "" {
			name = pt.Part
		}
		if _, ok := sections[name]; !ok {
			sections[name] = &Section{Name: name, Counts: map[string]int{}}
			order = append(order, name)
		}
		s := sections[name]
		s.Tasks++
		s.Counts[t.Status]++
		if t.Status == templates.StatusDone {
			s.Done++
		}
		r.Tasks = append(r.Tasks, t)
	}
	for _, name := range order {
		r.Sections = append(r.Sections, *sections[name])
	}

	r.Submissions = append(r.Submissions, in.Collection.Submissions...)
	r.Latest = latest
	return r, nil
}

// LightCount is how many of the period's tasks had a light.
func (p Point) LightCount(l Light) int {
	n := 0
	for _, v := range p.TaskLights {
		if v == l {
			n++
		}
	}
	return n
}

// Point is the report's figures for the trend.
func (r *Report) Point() Point {
	pt := Point{Period: r.Period.String(), Label: r.Period.Chinese(), Tasks: len(r.Tasks), Counts: r.Counts, Units: len(r.Units),
		TaskLights: map[string]Light{}, TaskStatus: map[string]string{}, Ranks: map[string]int{}}
	for _, t := range r.Tasks {
		pt.TaskLights[t.ID], pt.TaskStatus[t.ID] = t.Light, t.Status
	}
	for _, u := range r.Units {
		pt.Ranks[u.Name] = u.Rank
		switch u.State {
		case workbook.OnTime:
			pt.OnTime++
		case workbook.Late:
			pt.Late++
		case workbook.Rejected:
			pt.Rejected++
		default:
			pt.Missing++
		}
	}
	pt.Completed = Share(r.Counts[templates.StatusDone], pt.Tasks)
	return pt
}

// Ranked returns the units in ranking order: on time before late before rejected before
// missing; then by share of tasks done, fewer overdue, fewer findings, and name.
func (r *Report) Ranked() []Unit {
	out := append([]Unit(nil), r.Units...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.State != b.State {
			return a.State.Rank() < b.State.Rank()
		}
		da, db := Share(a.Done, a.Assigned), Share(b.Done, b.Assigned)
		if da != db {
			return da > db
		}
		if a.Overdue != b.Overdue {
			return a.Overdue < b.Overdue
		}
		if a.Findings != b.Findings {
			return a.Findings < b.Findings
		}
		return a.Name < b.Name
	})
	return out
}

// HasProblems reports whether a unit's report states a problem: anything but nothing or "无".
func HasProblems(ur UnitReport) bool {
	p := strings.TrimSpace(ur.Problems)
	return p != "" && p != "无"
}

// monthsBetween is the whole months from the date due (YYYY-MM-DD) to end: 2021-12-31 to
// 2023-12-31 is 24.
func monthsBetween(due string, end time.Time) int {
	d, err := time.Parse("2006-01-02", due)
	if err != nil || !d.Before(end) {
		return 0
	}
	m := (end.Year()-d.Year())*12 + int(end.Month()) - int(d.Month())
	// A month is whole when the end's day is at least the due day, or both are month ends.
	if end.Day() < d.Day() && end.AddDate(0, 0, 1).Month() == end.Month() {
		m--
	}
	return max(m, 0)
}

// Share is n of total as a share, 0 when total is 0.
func Share(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(n) / float64(total)
}

// MaxCellChars is the most a spreadsheet cell holds, in UTF-16 units as Excel counts them: a
// unit's text cannot be longer when typed, though a file built by other means can hold more.
const MaxCellChars = 32767

// cutNote ends a text cut at the cell's limit.
const cutNote = "……（超过单元格上限 32767 字，以下从略，全文见单位报送的原表）"

// CellText returns a text that fits a cell: itself, or, past MaxCellChars UTF-16 units (an
// emoji or a rare character outside the BMP is two), its start with a note that the rest is
// left out, never silently cut.
func CellText(s string) string {
	if len(s) <= MaxCellChars { // no more UTF-16 units than bytes
		return s
	}
	units := 0
	for _, r := range s {
		units += utf16.RuneLen(r)
	}
	if units <= MaxCellChars {
		return s
	}
	budget := MaxCellChars - utf8.RuneCountInString(cutNote) // the note is all in the BMP
	units = 0
	for i, r := range s {
		if units+utf16.RuneLen(r) > budget {
			return s[:i] + cutNote
		}
		units += utf16.RuneLen(r)
	}
	return s
}
