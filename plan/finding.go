package plan

import (
	"fmt"
	"sync"
)

// Severity says what a finding means for the next step: an error blocks it (a ledger the
// templates cannot be issued from, a returned workbook that is not accepted), a warning needs
// a look, a notice is for information (how the plan document was read).
type Severity string

// The severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "notice"
)

// Chinese names the severity as every output does.
func (s Severity) Chinese() string {
	switch s {
	case Error:
		return "错误"
	case Warning:
		return "提醒"
	}
	return "提示"
}

// Rule is one check: its code (stable, for scripts and --json), with the Chinese label and the
// severity declared beside it by NewRule.
type Rule string

type ruleInfo struct {
	label    string
	severity Severity
}

var (
	rulesMu sync.RWMutex
	rules   = map[Rule]ruleInfo{}
)

// NewRule declares a rule: every rule has a label and a severity, so no output can lack them.
// Declaring a code twice is a programming error.
func NewRule(code, label string, severity Severity) Rule {
	rulesMu.Lock()
	defer rulesMu.Unlock()
	r := Rule(code)
	if _, dup := rules[r]; dup || code == "" || label == "" {
		panic(fmt.Sprintf("plan.NewRule(%q, %q): declared twice or empty", code, label))
	}
	rules[r] = ruleInfo{label, severity}
	return r
}

// Label is the rule's short Chinese name, as tables and summaries print it. A code no rule
// declares (from a record written by another version) is its own label.
func (r Rule) Label() string {
	rulesMu.RLock()
	defer rulesMu.RUnlock()
	if i, ok := rules[r]; ok {
		return i.label
	}
	return string(r)
}

// Severity is the rule's severity.
func (r Rule) Severity() Severity {
	rulesMu.RLock()
	defer rulesMu.RUnlock()
	if i, ok := rules[r]; ok {
		return i.severity
	}
	return Warning
}

// Finding is one problem found in a ledger or in a returned workbook, located by file, sheet
// and cell, with what to do about it. Severity is the rule's, but for a finding that stands
// for others (workbook's findings-too-many takes the worst of them).
type Finding struct {
	Severity Severity `json:"severity"`
	Rule     Rule     `json:"rule"`
	Unit     string   `json:"unit,omitempty"`
	File     string   `json:"file,omitempty"`
	Sheet    string   `json:"sheet"`
	Cell     string   `json:"cell"` // A1 form, "" for the whole file or sheet
	Task     string   `json:"task,omitempty"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint"`
	Gist     string   `json:"gist,omitempty"` // a few words for a one-line summary; "" when the rule's label says it
}

// Summary is the finding in a few words, for one line of a console: its gist, else its rule's
// label.
func (f Finding) Summary() string {
	if f.Gist != "" {
		return f.Gist
	}
	return f.Rule.Label()
}

func (f Finding) String() string {
	return fmt.Sprintf("%s%s：%s（%s）", f.File, f.Where(), f.Message, f.Hint)
}

// Where is where in its workbook the finding is, as every output names it: 「任务进展」G5, or
// 「任务进展」 for a whole sheet; "" for the whole file.
func (f Finding) Where() string {
	if f.Sheet == "" {
		return f.Cell
	}
	return "「" + f.Sheet + "」" + f.Cell
}

// CountErrors counts the findings that are errors.
func CountErrors(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == Error {
			n++
		}
	}
	return n
}
