package report

import "planreport/workbook"

// JSON is report --json's output; scripts rely on it: fields are only ever added.
type JSON struct {
	Period  string      `json:"period"`
	Date    string      `json:"date"`
	Tasks   []TaskJSON  `json:"tasks"`
	Units   []UnitJSON  `json:"units"`
	PDF     string      `json:"pdf"`
	XLSX    string      `json:"xlsx"`
	DOCX    string      `json:"docx"`
	Figures FiguresJSON `json:"figures"`
}

// FiguresJSON are the report's figures, as every renderer prints them: lights and the
// reasons for them (red = the red reasons' counts, and so on), statuses, submissions, and the
// changes since the previous period.
type FiguresJSON struct {
	Tasks       int            `json:"tasks"`
	Units       int            `json:"units"`
	Lights      map[Light]int  `json:"lights"`      // red, yellow, green
	Reasons     map[Reason]int `json:"reasons"`     // overdue, behind, not_reported, due_soon, problems, not_begun, done, on_track
	Statuses    map[string]int `json:"statuses"`    // by status word, 未报送 included
	Submissions map[string]int `json:"submissions"` // on_time, late, rejected, missing
	Overdue     int            `json:"overdue"`     // tasks past their deadline and not reported done
	Changes     ChangesJSON    `json:"changes"`
}

// ChangesJSON are the changes since the previous collected period; previous is "" when there
// is none.
type ChangesJSON struct {
	Previous    string   `json:"previous"`
	NewRed      []string `json:"new_red"`
	StillRed    []string `json:"still_red"`
	TurnedGreen []string `json:"turned_green"`
	Closed      []string `json:"closed"`
	Reopened    []string `json:"reopened"` // done last period, not done now
}

// TaskJSON is one task's consolidated state; status is a status word or 未报送.
type TaskJSON struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	Light         Light  `json:"light"`
	Reason        Reason `json:"reason"`
	Overdue       bool   `json:"overdue"`
	OverdueMonths int    `json:"overdue_months"`
}

// UnitJSON is one unit's figures; submission is on_time, late, rejected or missing.
type UnitJSON struct {
	Name       string `json:"name"`
	Submission string `json:"submission"`
	Assigned   int    `json:"assigned"`
	Reported   int    `json:"reported"`
	Done       int    `json:"done"`
	Behind     int    `json:"behind"`
	Overdue    int    `json:"overdue"`
	Findings   int    `json:"findings"`
	Rank       int    `json:"rank"`
	PrevRank   int    `json:"previous_rank"` // 0 when the unit was not ranked last period
}

// JSON returns the report's figures with the paths of its PDF, workbook and Word document.
func (r *Report) JSON(pdf, xlsx, docx string) JSON {
	out := JSON{Period: r.Period.String(), Date: r.Date, PDF: pdf, XLSX: xlsx, DOCX: docx, Tasks: []TaskJSON{}, Units: []UnitJSON{},
		Figures: FiguresJSON{Tasks: len(r.Tasks), Units: len(r.Units), Lights: map[Light]int{}, Reasons: map[Reason]int{},
			Statuses: map[string]int{}, Submissions: map[string]int{}}}
	f := &out.Figures
	for _, l := range Lights {
		f.Lights[l] = r.Lights[l]
	}
	for _, rs := range Reasons {
		f.Reasons[rs] = r.Reasons[rs]
	}
	for _, s := range Statuses {
		f.Statuses[s] = r.Counts[s]
	}
	for _, s := range workbook.States {
		f.Submissions[string(s)] = 0
	}
	for _, t := range r.Tasks {
		out.Tasks = append(out.Tasks, TaskJSON{ID: t.ID, Status: t.Status, Light: t.Light, Reason: t.Reason, Overdue: t.Overdue, OverdueMonths: t.OverdueMonths})
		if t.Overdue {
			f.Overdue++
		}
	}
	for _, u := range r.Units {
		out.Units = append(out.Units, UnitJSON{Name: u.Name, Submission: string(u.State), Assigned: u.Assigned, Reported: u.Reported,
			Done: u.Done, Behind: u.Behind, Overdue: u.Overdue, Findings: u.Findings, Rank: u.Rank, PrevRank: u.PrevRank})
		f.Submissions[string(u.State)]++
	}
	c := r.Changes
	f.Changes = ChangesJSON{Previous: c.Previous, NewRed: orEmpty(c.NewRed), StillRed: orEmpty(c.StillRed), TurnedGreen: orEmpty(c.TurnedGreen), Closed: orEmpty(c.Closed),
		Reopened: orEmpty(c.Reopened)}
	return out
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
