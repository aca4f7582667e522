package plan

// JSON is the plan's stable JSON form, printed by `plan import --json` and `plan show --json`.
// Scripts rely on it: fields are only ever added.
type JSON struct {
	Title       string           `json:"title"`
	DocNumber   string           `json:"doc_number"`
	Issued      string           `json:"issued"`
	Fingerprint string           `json:"fingerprint"`
	Tasks       []TaskJSON       `json:"tasks"`
	Units       []UnitJSON       `json:"units"`
	Groups      []GroupJSON      `json:"groups"`
	Assignments []AssignmentJSON `json:"assignments"`
	Notices     []Notice         `json:"notices"` // how the document was read (import only)
}

// TaskJSON is one task in JSON.
type TaskJSON struct {
	ID          string       `json:"id"`
	Part        string       `json:"part"`
	Section     string       `json:"section"`
	Group       string       `json:"group"`
	Text        string       `json:"text"`
	Scope       string       `json:"scope,omitempty"`
	Lead        []string     `json:"lead"`
	Responsible []string     `json:"responsible"`
	Deadline    DeadlineJSON `json:"deadline"`
}

// DeadlineJSON is a deadline in JSON; due is YYYY-MM-DD or "".
type DeadlineJSON struct {
	Text string `json:"text"`
	Kind string `json:"kind"`
	Due  string `json:"due"`
}

// UnitJSON is one registry unit in JSON.
type UnitJSON struct {
	Name           string   `json:"name"`
	Category       string   `json:"category"`
	Aliases        []string `json:"aliases"`
	ReportsThrough string   `json:"reports_through"`
	Contact        string   `json:"contact"`
	Phone          string   `json:"phone"`
	Email          string   `json:"email"`
}

// GroupJSON is one group definition in JSON.
type GroupJSON struct {
	Name       string   `json:"name"`
	Categories []string `json:"categories"`
	Members    []string `json:"members"`
	Named      bool     `json:"named"`
}

// AssignmentJSON is one expanded assignment; role is "lead" or "responsible".
type AssignmentJSON struct {
	Task string `json:"task"`
	Unit string `json:"unit"`
	Role string `json:"role"`
}

// JSON returns the plan's JSON form, with assignments expanded from the current registry.
func (p *Plan) JSON() JSON {
	out := JSON{Title: p.Title, DocNumber: p.DocNumber, Issued: p.Issued, Fingerprint: p.Fingerprint(),
		Tasks: []TaskJSON{}, Units: []UnitJSON{}, Groups: []GroupJSON{}, Assignments: []AssignmentJSON{}, Notices: []Notice{}}
	for _, t := range p.Tasks {
		out.Tasks = append(out.Tasks, TaskJSON{ID: t.ID, Part: t.Part, Section: t.Section, Group: t.Group, Text: t.Text, Scope: t.Scope,
			Lead: nonNil(t.Lead), Responsible: nonNil(t.Responsible),
			Deadline: DeadlineJSON{Text: t.Deadline.Text, Kind: string(t.Deadline.Kind), Due: t.Deadline.Due}})
	}
	for _, u := range p.Units {
		out.Units = append(out.Units, UnitJSON{Name: u.Name, Category: u.Category, Aliases: nonNil(u.Aliases),
			ReportsThrough: u.ReportsThrough, Contact: u.Contact, Phone: u.Phone, Email: u.Email})
	}
	for _, g := range p.Groups {
		out.Groups = append(out.Groups, GroupJSON{Name: g.Name, Categories: nonNil(g.Categories), Members: nonNil(g.Members), Named: g.Named()})
	}
	out.Notices = append(out.Notices, p.Notices...)
	for _, a := range p.Assignments() {
		out.Assignments = append(out.Assignments, AssignmentJSON{Task: a.Task, Unit: a.Unit, Role: string(a.Role)})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
