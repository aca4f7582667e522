// Package workbook reads the templates units send back, checks them against the plan and the
// template they were issued, and keeps a period's collection: every received file archived
// byte for byte, with what was found in it. A returned workbook is accepted when no finding is
// an error; every finding names the file, sheet and cell, and says how to fix it.
package workbook

import "fmt"

// Severity says whether a finding rejects the workbook (error) or is only worth a look
// (warning).
type Severity string

// The severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Finding is one problem in a returned workbook.
type Finding struct {
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule"`
	Unit     string   `json:"unit,omitempty"`
	File     string   `json:"file,omitempty"`
	Sheet    string   `json:"sheet"`
	Cell     string   `json:"cell"` // A1 form, "" for the whole file or sheet
	Task     string   `json:"task,omitempty"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint"`
}

// The rules. Each is triggered by one kind of mistake; the closing note of the collect issue
// lists them with the tests that trigger them.
const (
	// The file.
	RuleEmpty      = "file-empty"
	RuleTooLarge   = "file-too-large"
	RuleLegacy     = "file-legacy-format"    // .xls or .et
	RuleEncrypted  = "file-encrypted"        // needs --password
	RuleNotXLSX    = "file-not-workbook"     // not a spreadsheet at all
	RuleCorrupt    = "file-corrupt"          // truncated or damaged
	RuleZipBomb    = "file-zip-bomb"         // expands beyond the limits
	RuleUnreadable = "file-unreadable"       // could not be taken out of its email or zip
	RuleVersion    = "file-template-version" // a template layout we do not know

	// Whose and which.
	RuleNoIdentity     = "identity-missing"      // no identification and no unit name found
	RuleGuessed        = "identity-guessed"      // identification gone; unit matched by name
	RuleUnknownUnit    = "identity-unknown-unit" // the unit is not in the registry
	RuleOtherPeriod    = "identity-other-period"
	RuleOtherPlan      = "identity-other-plan"
	RuleOtherSender    = "identity-other-sender"   // sent from another unit's address
	RuleOtherFileName  = "identity-other-filename" // the file name names another unit
	RuleNotReporting   = "identity-reports-through"
	RuleSheetMissing   = "sheet-missing"
	RuleSheetRenamed   = "sheet-renamed"
	RuleHeaderChanged  = "header-changed"
	RuleRowDeleted     = "row-deleted"
	RuleRowDuplicated  = "row-duplicated"
	RuleRowAdded       = "row-added"
	RuleRowReordered   = "row-reordered"
	RuleLockedEdited   = "locked-edited"
	RuleStatusEmpty    = "status-empty"
	RuleStatusInvalid  = "status-invalid"
	RuleStatusSynonym  = "status-synonym"
	RuleStatusOngoing  = "status-ongoing-only"
	RulePercentInvalid = "percent-invalid"
	RulePercentRead    = "percent-normalized"
	RuleDoneNot100     = "done-needs-100"
	RuleDoneNoText     = "done-needs-progress"
	RuleNeedsProblems  = "behind-needs-problems"
	RuleOverdue        = "overdue-needs-problems-and-plan"
	RuleNoProgress     = "progress-empty"
	RulePlaceholder    = "progress-placeholder"
	RuleUnchanged      = "progress-unchanged"
	RuleFillerMissing  = "filler-missing"

	// The findings.
	RuleTooMany = "findings-too-many" // more findings of one rule than are worth listing
)

func (f Finding) String() string {
	loc := f.File
	if f.Sheet != "" {
		loc += "「" + f.Sheet + "」"
	}
	if f.Cell != "" {
		loc += f.Cell
	}
	return fmt.Sprintf("%s：%s（%s）", loc, f.Message, f.Hint)
}

// Errors counts the error findings.
func Errors(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == Error {
			n++
		}
	}
	return n
}

// Bounds of the findings kept for one file: a workbook with a million rows added (or made to
// look so) would otherwise have a million findings, each a row in the record, the findings
// workbook and the feedback list.
const (
	MaxFindingsPerRule = 50
	MaxFindings        = 500
)

// CapFindings keeps at most MaxFindingsPerRule findings of each rule and MaxFindings in all, in
// their order; for each rule cut short it adds one finding that says how many more there are
// (an error when any of them is). A file with an error still has one.
func CapFindings(fs []Finding) []Finding {
	if len(fs) <= MaxFindingsPerRule {
		return fs
	}
	kept := make([]Finding, 0, min(len(fs), MaxFindings))
	count := map[string]int{}
	type cut struct {
		first Finding
		n     int
		sev   Severity
	}
	cuts := map[string]*cut{}
	var order []string
	for _, f := range fs {
		count[f.Rule]++
		if count[f.Rule] <= MaxFindingsPerRule && len(kept) < MaxFindings-len(order)-1 {
			kept = append(kept, f)
			continue
		}
		c, ok := cuts[f.Rule]
		if !ok {
			c = &cut{first: f, sev: Warning}
			cuts[f.Rule] = c
			order = append(order, f.Rule)
		}
		c.n++
		if f.Severity == Error {
			c.sev = Error
		}
	}
	for _, rule := range order {
		c := cuts[rule]
		kept = append(kept, Finding{Severity: c.sev, Rule: RuleTooMany, Unit: c.first.Unit, File: c.first.File, Sheet: c.first.Sheet,
			Message: fmt.Sprintf("另有 %d 处同类问题未逐一列出（规则 %s，如：%s）", c.n, rule, c.first.Message),
			Hint:    "请按已列出的问题逐项检查全表；如表中有大量多余的行或内容，请使用办公室下发的报送表重新填写"})
	}
	return kept
}
