package plan

import "strings"

// Role is a unit's part in a task.
type Role string

// The roles. A unit that both leads and is responsible is a lead.
const (
	RoleLead        Role = "lead"
	RoleResponsible Role = "responsible"
)

// ChineseName returns the role as the ledger shows it: 牵头 or 责任.
func (r Role) ChineseName() string {
	if r == RoleLead {
		return "牵头"
	}
	return "责任"
}

func roleFromChinese(s string) (Role, bool) {
	switch strings.TrimSpace(s) {
	case "牵头", "lead", "牵头单位":
		return RoleLead, true
	case "责任", "responsible", "责任单位":
		return RoleResponsible, true
	}
	return "", false
}

// Assignment is one registry unit's part in one task.
type Assignment struct {
	Task string
	Unit string
	Role Role
	Via  string // the plan's words that named the unit: its own name, an alias or a group phrase
}

// Assignments expands every task's lead and responsible names to registry units, in plan
// order; within a task the leads come first. Names that are neither a registry unit (or alias)
// nor a group are skipped: Check reports them.
func (p *Plan) Assignments() []Assignment {
	r := p.resolver()
	// Sized once: a task for every town is a thousand assignments at 1,000 units, and growing
	// the slice copied them over and over (a tenth of the templates' time at that size).
	n := 0
	for _, t := range p.Tasks {
		for _, names := range [][]string{t.Lead, t.Responsible} {
			for _, name := range names {
				n += len(r.expand(name))
			}
		}
	}
	out := make([]Assignment, 0, n)
	at := map[string]bool{} // the units of the task so far
	for _, t := range p.Tasks {
		clear(at)
		add := func(names []string, role Role) {
			for _, n := range names {
				for _, u := range r.expand(n) {
					if !at[u] {
						at[u] = true
						out = append(out, Assignment{Task: t.ID, Unit: u, Role: role, Via: n})
					}
				}
			}
		}
		add(t.Lead, RoleLead)
		add(t.Responsible, RoleResponsible)
	}
	return out
}

// resolver maps the plan's unit names to registry units.
type resolver struct {
	p        *Plan
	byName   map[string]int      // unit names and aliases → index in p.Units
	groups   map[string]int      // group names → index in p.Groups
	expanded map[string][]string // groups expanded so far
}

func (p *Plan) resolver() *resolver {
	r := &resolver{p: p, byName: map[string]int{}, groups: map[string]int{}, expanded: map[string][]string{}}
	for i, u := range p.Units {
		if _, dup := r.byName[u.Name]; !dup {
			r.byName[u.Name] = i
		}
	}
	for i, u := range p.Units {
		for _, a := range u.Aliases {
			if _, dup := r.byName[a]; !dup {
				r.byName[a] = i
			}
		}
	}
	for i, g := range p.Groups {
		if _, dup := r.groups[g.Name]; !dup {
			r.groups[g.Name] = i
		}
	}
	return r
}

// unit returns the registry unit a name or alias stands for.
func (r *resolver) unit(name string) (Unit, bool) {
	if i, ok := r.byName[name]; ok {
		return r.p.Units[i], true
	}
	return Unit{}, false
}

// known reports whether a name is a registry unit, an alias or a group.
func (r *resolver) known(name string) bool {
	_, u := r.byName[name]
	_, g := r.groups[name]
	return u || g
}

// expand returns the registry units a name stands for: the unit itself, or a group's units by
// category (in registry order) and its named members.
func (r *resolver) expand(name string) []string {
	if u, ok := r.unit(name); ok {
		return []string{u.Name}
	}
	if out, ok := r.expanded[name]; ok {
		return out
	}
	gi, ok := r.groups[name]
	if !ok {
		return nil
	}
	g := r.p.Groups[gi]
	var out []string
	seen := map[string]bool{}
	for _, u := range r.p.Units {
		for _, c := range g.Categories {
			if u.Category == c && !seen[u.Name] {
				seen[u.Name] = true
				out = append(out, u.Name)
			}
		}
	}
	for _, m := range g.Members {
		if u, ok := r.unit(m); ok && !seen[u.Name] {
			seen[u.Name] = true
			out = append(out, u.Name)
		}
	}
	r.expanded[name] = out
	return out
}

// defaultRegistry proposes the registry and groups for freshly parsed tasks: every unit the
// plan names, in order of first mention, with a guessed category; every group phrase,
// expanded by category where its words say so (at the plan's level: 各部门 of a city's plan
// are its 市级单位). A coordination body (…领导小组) reports through its committee's office
// when the plan names that office. Units the plan does not name (a district's towns) come
// from a Registry, added explicitly (AddRegistry).
func defaultRegistry(tasks []Task) ([]Unit, []Group) {
	var units []Unit
	var phrases []string
	seenU, seenG := map[string]bool{}, map[string]bool{}
	for _, t := range tasks {
		for _, n := range append(append([]string(nil), t.Lead...), t.Responsible...) {
			switch {
			case IsGroupPhrase(n):
				if !seenG[n] {
					seenG[n] = true
					phrases = append(phrases, n)
				}
			case !seenU[n]:
				seenU[n] = true
				units = append(units, Unit{Name: n, Category: InferCategory(n)})
			}
		}
	}
	level := levelOf(units)
	groups := make([]Group, 0, len(phrases))
	for _, n := range phrases {
		groups = append(groups, defaultGroupAt(n, level))
	}
	for i, u := range units {
		if u.Category != CatCoordination {
			continue
		}
		for p := organPrefix(u.Name); p != ""; p = organPrefix(p) {
			if office := p + "办公室"; seenU[office] {
				units[i].ReportsThrough = office
				break
			}
		}
	}
	return units, groups
}
