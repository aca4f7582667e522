// Package plan is the domain core of planreport: an action plan's tasks, the units that carry
// them out, the group phrases that stand for many units (各镇乡街道, 区政府有关部门…), and the
// plan ledger workbook (plan.xlsx) that the office reviews and edits.
//
// A Plan comes either from a plan document (Parse, which also proposes a default unit registry
// and group definitions) or from a ledger the office may have edited (ReadLedger). Every later
// step of the reporting cycle works from the ledger.
package plan

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"strings"
)

// Reference is the shipped reference plan (Huairou district, 京怀发〔2021〕25号), used when
// the user names no plan document.
//
//go:embed huairou-fazhi-zhengfu-2021.txt
var Reference []byte

// ReferenceName is the file name of the shipped reference plan.
const ReferenceName = "huairou-fazhi-zhengfu-2021.txt"

// Plan is an action plan: its tasks, the unit registry and the group definitions.
type Plan struct {
	Title     string // the plan's title, e.g. “十四五”时期怀柔区法治政府建设行动计划
	DocNumber string // e.g. 京怀发〔2021〕25号
	Issued    string // YYYY-MM-DD, or ""
	Source    string // the document it was imported from (file name only)

	// The reporting office, named on the ledger's 计划 sheet and printed on every template.
	Office Office

	Tasks  []Task
	Units  []Unit  // the unit registry, in the office's order
	Groups []Group // group phrases and what they stand for

	// Notices say how the document was read: numbered items that did not become tasks, gaps
	// in the numbering, ignored table columns. Parse sets them; the ledger keeps them on its
	// 导入提示 sheet (ReadLedgerNotices).
	Notices []Notice
}

// Office is the office that runs the reporting: units send their templates to it.
type Office struct {
	Name, Contact, Phone, Email string
}

// Reach says how to reach the office, for letters to units: its name, contact and phone,
// or 报送办公室 when the ledger names none.
func (o Office) Reach() string {
	var parts []string
	for _, s := range []string{o.Name, o.Contact, o.Phone} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return "报送办公室"
	}
	return strings.Join(parts, " ")
}

// Task is one numbered task of the plan.
type Task struct {
	ID      string // as numbered in the plan: 1.1, 13, 3.5
	Part    string // 二、主要任务和具体措施
	Section string // （一）落实政府机构职责，更好发挥政府职能作用
	Group   string // 1.推进政府机构职能优化协同高效
	Text    string // the task's full text, paragraph breaks joined

	// Scope is what the plan says the task applies to (适用范围：…), if it says. The ledger
	// keeps it in the text, where the plan wrote it.
	Scope string

	// Lead and Responsible hold unit names as the plan writes them, after normalisation;
	// group phrases (各镇乡街道…) stay as they are. Expansion to registry units is Assignments.
	Lead        []string
	Responsible []string
	Deadline    Deadline

	row int // the ledger row it was read from, 0 if not read from a ledger
}

// Fingerprint identifies the plan's content: its tasks' ids, texts, units and deadlines. Two
// ledgers with the same tasks have the same fingerprint whatever their registry holds.
func (p *Plan) Fingerprint() string {
	h := sha256.New()
	for _, t := range p.Tasks {
		for _, s := range []string{t.ID, t.Text, strings.Join(t.Lead, "、"), strings.Join(t.Responsible, "、"), t.Deadline.Text, t.Deadline.Due} {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
		h.Write([]byte{1})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Task returns the task with the given id, or nil.
func (p *Plan) Task(id string) *Task {
	for i := range p.Tasks {
		if p.Tasks[i].ID == id {
			return &p.Tasks[i]
		}
	}
	return nil
}
