// Package workbook reads the templates units send back, checks them against the plan and the
// template they were issued, and keeps a period's collection: every received file archived
// byte for byte, with what was found in it. A returned workbook is accepted when no finding is
// an error; every finding names the file, sheet and cell, and says how to fix it.
package workbook

import (
	"fmt"

	"planreport/plan"
)

// The rules. Each is triggered by one kind of mistake; the closing note of the collect issue
// lists them with the tests that trigger them.
var (
	// The file.
	RuleEmpty      = plan.NewRule("file-empty", "空文件", plan.Error)
	RuleTooLarge   = plan.NewRule("file-too-large", "文件过大", plan.Error)
	RuleLegacy     = plan.NewRule("file-legacy-format", "旧版 .xls/.et 格式", plan.Error) // .xls or .et
	RuleEncrypted  = plan.NewRule("file-encrypted", "文件加密", plan.Error)               // needs --password
	RuleNotXLSX    = plan.NewRule("file-not-workbook", "不是 Excel 工作簿", plan.Error)    // not a spreadsheet at all
	RuleCorrupt    = plan.NewRule("file-corrupt", "文件损坏", plan.Error)                 // truncated or damaged
	RuleZipBomb    = plan.NewRule("file-zip-bomb", "解压后过大", plan.Error)               // expands beyond the limits
	RuleUnreadable = plan.NewRule("file-unreadable", "附件无法读取", plan.Error)            // could not be taken out of its email or zip
	RuleVersion    = plan.NewRule("file-template-version", "模板版本不符", plan.Error)      // a template layout we do not know

	// Whose and which.
	RuleNoIdentity     = plan.NewRule("identity-missing", "无法识别单位", plan.Error)        // no identification and no unit name found
	RuleGuessed        = plan.NewRule("identity-guessed", "标识丢失（按名称识别）", plan.Warning) // identification gone; unit matched by name
	RuleUnknownUnit    = plan.NewRule("identity-unknown-unit", "单位不在名录中", plan.Error)  // the unit is not in the registry
	RuleOtherPeriod    = plan.NewRule("identity-other-period", "其他周期的报送表", plan.Error)
	RuleOtherPlan      = plan.NewRule("identity-other-plan", "其他版本计划的报送表", plan.Error)
	RuleOtherSender    = plan.NewRule("identity-other-sender", "由其他单位邮箱发来", plan.Warning)  // sent from another unit's address
	RuleOtherFileName  = plan.NewRule("identity-other-filename", "文件名与单位不符", plan.Warning) // the file name names another unit
	RuleNotReporting   = plan.NewRule("identity-reports-through", "应由代报单位报送", plan.Error)
	RuleUnitConflict   = plan.NewRule("identity-unit-conflict", "单位名称不一致", plan.Error) // no identification, and the file name, the instructions or the title name different units
	RuleSheetMissing   = plan.NewRule("sheet-missing", "缺少任务工作表", plan.Error)
	RuleSheetRenamed   = plan.NewRule("sheet-renamed", "工作表被改名", plan.Warning)
	RuleHeaderChanged  = plan.NewRule("header-changed", "表头被修改", plan.Error)
	RuleRowDeleted     = plan.NewRule("row-deleted", "任务行被删除", plan.Error)
	RuleRowDuplicated  = plan.NewRule("row-duplicated", "任务行重复", plan.Error)
	RuleRowAdded       = plan.NewRule("row-added", "增加了行", plan.Error)
	RuleRowReordered   = plan.NewRule("row-reordered", "行顺序被调整", plan.Warning)
	RuleNoteRow        = plan.NewRule("row-note", "插入了备注行", plan.Warning) // a row without a task id below a task row: kept as its note
	RuleLockedEdited   = plan.NewRule("locked-edited", "锁定内容被修改", plan.Error)
	RuleStatusEmpty    = plan.NewRule("status-empty", "未填完成状态", plan.Error)
	RuleStatusInvalid  = plan.NewRule("status-invalid", "完成状态无效", plan.Error)
	RuleStatusSynonym  = plan.NewRule("status-synonym", "完成状态用了近义词", plan.Warning)
	RuleStatusOngoing  = plan.NewRule("status-ongoing-only", "有时限任务选了常态化推进", plan.Error)
	RulePercentInvalid = plan.NewRule("percent-invalid", "完成进度无效", plan.Error)
	RulePercentRead    = plan.NewRule("percent-normalized", "完成进度格式不规范", plan.Warning)
	RuleDoneNot100     = plan.NewRule("done-needs-100", "已完成但进度不是100%", plan.Error)
	RuleDoneNoText     = plan.NewRule("done-needs-progress", "已完成但未写进展", plan.Error)
	RuleNeedsProblems  = plan.NewRule("behind-needs-problems", "滞后/未启动未写问题", plan.Error)
	RuleOverdue        = plan.NewRule("overdue-needs-problems-and-plan", "逾期未写问题和计划", plan.Error)
	RuleNoProgress     = plan.NewRule("progress-empty", "未填本期工作进展", plan.Error)
	RulePlaceholder    = plan.NewRule("progress-placeholder", "进展只写了“无”等", plan.Warning)
	RuleUnchanged      = plan.NewRule("progress-unchanged", "进展与上期相同", plan.Warning)
	RuleFillerMissing  = plan.NewRule("filler-missing", "未填填报人信息", plan.Warning)

	// The findings.
	RuleTooMany = plan.NewRule("findings-too-many", "同类问题过多", plan.Error) // more findings of one rule than are worth listing
)

// Remedy is what a unit must do about a return with errors: its reply and its reminder say it,
// and what they attach follows from it.
type Remedy string

// The remedies.
const (
	RemedyFix      Remedy = "fix"      // correct the cells the feedback marks, in the file it sent, and send that again
	RemedyTemplate Remedy = "template" // copy its answers into this period's template and send that: the file it sent is the wrong form
	RemedyResend   Remedy = "resend"   // send the file again as the finding says: it could not be read (damaged, packed, encrypted, an old format)
)

// remedies are the rules whose errors need more than fixing cells.
var remedies = map[plan.Rule]Remedy{
	RuleEmpty: RemedyResend, RuleTooLarge: RemedyResend, RuleLegacy: RemedyResend, RuleEncrypted: RemedyResend,
	RuleCorrupt: RemedyResend, RuleZipBomb: RemedyResend, RuleUnreadable: RemedyResend,

	RuleNotXLSX: RemedyTemplate, RuleVersion: RemedyTemplate, RuleOtherPeriod: RemedyTemplate, RuleOtherPlan: RemedyTemplate,
	RuleUnitConflict: RemedyTemplate, RuleNoIdentity: RemedyTemplate, RuleNotReporting: RemedyTemplate,
	RuleSheetMissing: RemedyTemplate, RuleHeaderChanged: RemedyTemplate,
}

// RemedyOf is what a return with these findings needs, "" when none is an error: a file that
// could not be read must be sent again; one on the wrong form (another period's, a sheet or
// header gone) must be redone on this period's template; anything else is fixed in place.
func RemedyOf(fs []plan.Finding) Remedy {
	out := Remedy("")
	for _, f := range fs {
		if f.Severity != plan.Error {
			continue
		}
		switch r := remedies[f.Rule]; {
		case r == RemedyResend:
			return r
		case r == RemedyTemplate:
			out = r
		case out == "":
			out = RemedyFix
		}
	}
	return out
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
func CapFindings(fs []plan.Finding) []plan.Finding {
	if len(fs) <= MaxFindingsPerRule {
		return fs
	}
	kept := make([]plan.Finding, 0, min(len(fs), MaxFindings))
	count := map[plan.Rule]int{}
	type cut struct {
		first plan.Finding
		n     int
		sev   plan.Severity
	}
	cuts := map[plan.Rule]*cut{}
	var order []plan.Rule
	for _, f := range fs {
		count[f.Rule]++
		if count[f.Rule] <= MaxFindingsPerRule && len(kept) < MaxFindings-len(order)-1 {
			kept = append(kept, f)
			continue
		}
		c, ok := cuts[f.Rule]
		if !ok {
			c = &cut{first: f, sev: plan.Warning}
			cuts[f.Rule] = c
			order = append(order, f.Rule)
		}
		c.n++
		if f.Severity == plan.Error {
			c.sev = plan.Error
		}
	}
	for _, rule := range order {
		c := cuts[rule]
		kept = append(kept, plan.Finding{Severity: c.sev, Rule: RuleTooMany, Unit: c.first.Unit, File: c.first.File, Sheet: c.first.Sheet,
			Message: fmt.Sprintf("另有 %d 处同类问题未逐一列出（%s，如：%s）", c.n, rule.Label(), c.first.Message),
			Hint:    "请按已列出的问题逐项检查全表；如表中有大量多余的行或内容，请使用办公室下发的报送表重新填写"})
	}
	return kept
}
