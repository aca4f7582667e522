package templates

import (
	"fmt"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"planreport/plan"
)

// Template is one unit's template for a period: the tasks it reports on.
type Template struct {
	Unit       plan.Unit
	ReportsFor []string // units whose tasks this unit reports for (reports-through), in registry order
	Rows       []Row
}

// Row is one task row of a template.
type Row struct {
	TaskID   string
	Section  string // the task's section and group headings
	Text     string
	Duty     string // the unit's part: 牵头, 责任, 代…牵头
	Lead     string // the task's lead units as the plan writes them
	Deadline string // the deadline text, with the due date when it has one
	Ongoing  bool   // the task has no fixed deadline: 常态化推进 is a valid status
	Overdue  bool   // due on or before the period's last day

	// The unit's report of the previous period, when it was collected.
	PrevStatus, PrevProgress string
}

// Locked returns the row's locked cells in LockedColumns order.
func (r Row) Locked() []string {
	return []string{r.TaskID, r.Section, r.Text, r.Duty, r.Lead, r.Deadline}
}

// Previous is a unit's accepted report of the previous period: task id → status and progress.
type Previous map[string]struct{ Status, Progress string }

// Build works out every template of a period: one for each unit that has at least one
// assignment, itself or through a unit that reports through it. A unit that reports through
// another (a coordination body through its office) gets no template of its own; its tasks are
// in the reporting unit's template, one row per task. Templates are in registry order, rows
// in plan order. previous, when not nil, gives each unit's report of the previous period.
func Build(p *plan.Plan, period plan.Period, previous map[string]Previous) []Template {
	reporter := reporters(p)
	taskIndex := make(map[string]int, len(p.Tasks)) // task id → its first task
	for i, t := range p.Tasks {
		if _, dup := taskIndex[t.ID]; !dup {
			taskIndex[t.ID] = i
		}
	}
	duties := map[string][][]duty{} // reporter → by task index → duties
	for _, a := range p.Assignments() {
		r := reporter[a.Unit]
		if duties[r] == nil {
			duties[r] = make([][]duty, len(p.Tasks))
		}
		i := taskIndex[a.Task]
		duties[r][i] = append(duties[r][i], duty{a.Unit, a.Role})
	}
	// The units that report through each reporting unit, in registry order.
	through := map[string][]string{}
	for _, v := range p.Units {
		if r := reporter[v.Name]; r != v.Name {
			through[r] = append(through[r], v.Name)
		}
	}
	// What a task's row says whichever unit it is issued to.
	base := make([]Row, len(p.Tasks))
	for i, task := range p.Tasks {
		base[i] = Row{
			TaskID:   task.ID,
			Section:  strings.Trim(task.Section+"\n"+task.Group, "\n"),
			Text:     task.Text,
			Lead:     strings.Join(task.Lead, "、"),
			Deadline: deadlineText(task.Deadline),
			Ongoing:  task.Deadline.Kind == plan.KindOngoing || task.Deadline.Kind == plan.KindRecurring || task.Deadline.Kind == plan.KindNone,
			Overdue:  task.Deadline.Overdue(period),
		}
	}
	var out []Template
	built := map[string]bool{}
	for _, u := range p.Units {
		tasks, ok := duties[u.Name]
		if !ok || reporter[u.Name] != u.Name || built[u.Name] {
			continue // a unit listed twice in the registry (plan check says so) gets one template
		}
		built[u.Name] = true
		n := 0
		for _, ds := range tasks {
			if len(ds) > 0 {
				n++
			}
		}
		t := Template{Unit: u, Rows: make([]Row, 0, n)}
		for _, v := range through[u.Name] {
			for _, ds := range tasks {
				if containsDuty(ds, v) {
					if !slices.Contains(t.ReportsFor, v) {
						t.ReportsFor = append(t.ReportsFor, v)
					}
					break
				}
			}
		}
		for i, task := range p.Tasks {
			ds := tasks[taskIndex[task.ID]] // a duplicate id shares the first's duties, as the ledger's 分工 does
			if len(ds) == 0 {
				continue
			}
			var words []string
			for _, d := range ds {
				if d.unit == u.Name {
					words = append(words, d.role.ChineseName())
				} else {
					words = append(words, "代"+d.unit+d.role.ChineseName())
				}
			}
			row := base[i]
			row.Duty = strings.Join(words, "；")
			t.Rows = append(t.Rows, row)
		}
		t.SetPrevious(previous[u.Name])
		out = append(out, t)
	}
	return out
}

// SetPrevious sets the rows' report of the previous period (nil: none).
func (t *Template) SetPrevious(prev Previous) {
	for i := range t.Rows {
		r := &t.Rows[i]
		p := prev[r.TaskID]
		r.PrevStatus, r.PrevProgress = p.Status, p.Progress
	}
}

// duty is one unit's role in one task.
type duty struct {
	unit string
	role plan.Role
}

func containsDuty(ds []duty, unit string) bool {
	for _, d := range ds {
		if d.unit == unit {
			return true
		}
	}
	return false
}

// deadlineText shows a deadline as the plan writes it, with its due date when the text does
// not already say the day.
func deadlineText(d plan.Deadline) string {
	switch {
	case d.Text == "" && d.Due == "":
		return "—"
	case d.Due == "" || d.Kind == plan.KindDate && strings.Contains(d.Text, "日"):
		return d.Text
	case d.Text == "":
		return d.Due
	}
	return fmt.Sprintf("%s（%s）", d.Text, d.Due)
}

// reporters maps every unit to the unit that reports for it: the end of its reports-through
// chain (itself when it reports for itself). A chain that loops or names an unknown unit
// ends at the unit itself; plan check reports both.
func reporters(p *plan.Plan) map[string]string {
	through := map[string]string{}
	known := map[string]bool{}
	for _, u := range p.Units {
		known[u.Name] = true
		through[u.Name] = u.ReportsThrough
	}
	out := map[string]string{}
	for _, u := range p.Units {
		cur, seen := u.Name, map[string]bool{u.Name: true}
		for next := through[cur]; next != "" && known[next] && !seen[next]; next = through[cur] {
			seen[next] = true
			cur = next
		}
		if t := through[cur]; t != "" && seen[t] {
			cur = u.Name // a loop
		}
		out[u.Name] = cur
	}
	return out
}

// FillerCell is the task sheet's cell where the unit types a filler label's value (填报人…).
func (t *Template) FillerCell(label string) string {
	for _, l := range FillerLayout {
		if l.Label == label {
			cell, _ := excelize.CoordinatesToCellName(t.column(l.ValueUnder)+1, FillerRow(len(t.Rows)))
			return cell
		}
	}
	return ""
}

// column is the task sheet's column (0-based) under a header.
func (t *Template) column(header string) int {
	for i, c := range t.columns() {
		if c.header == header {
			return i
		}
	}
	return -1
}
