package report

// JSON is report --json's output; scripts rely on it: fields are only ever added.
type JSON struct {
	Period string     `json:"period"`
	Date   string     `json:"date"`
	Tasks  []TaskJSON `json:"tasks"`
	Units  []UnitJSON `json:"units"`
	PDF    string     `json:"pdf"`
	XLSX   string     `json:"xlsx"`
}

// TaskJSON is one task's consolidated state; status is a status word or 未报送.
type TaskJSON struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Light   Light  `json:"light"`
	Overdue bool   `json:"overdue"`
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
}

// JSON returns the report's figures with the paths of its PDF and workbook.
func (r *Report) JSON(pdf, xlsx string) JSON {
	out := JSON{Period: r.Period.String(), Date: r.Date, PDF: pdf, XLSX: xlsx, Tasks: []TaskJSON{}, Units: []UnitJSON{}}
	for _, t := range r.Tasks {
		out.Tasks = append(out.Tasks, TaskJSON{ID: t.ID, Status: t.Status, Light: t.Light, Overdue: t.Overdue})
	}
	for _, u := range r.Units {
		out.Units = append(out.Units, UnitJSON{Name: u.Name, Submission: string(u.State), Assigned: u.Assigned, Reported: u.Reported,
			Done: u.Done, Behind: u.Behind, Overdue: u.Overdue, Findings: u.Findings})
	}
	return out
}
