// Package templates issues the per-unit Excel templates of a reporting period and owns their
// layout: sheet names, column headers, the status words, and the hidden identification that
// tells a returned workbook's unit, period and plan, and whether its locked text was edited.
// Package workbook reads returned templates back through the names defined here.
package templates

import (
	"crypto/sha256"
	"encoding/hex"
	"unicode"
	"unicode/utf8"
)

// Version is the template layout's version, recorded in every template: "2" has who filled it
// at the foot of the task sheet, "1" on a sheet of its own. Collect reads both (KnownVersions).
const Version = "2"

// KnownVersions are the layouts collect reads.
var KnownVersions = []string{"1", "2"}

// Sheet names.
const (
	SheetGuide  = "填报说明"
	SheetTasks  = "任务进展"
	SheetFiller = "填报信息"
	SheetLists  = "选项"   // hidden: the status drop-down lists
	SheetID     = "模板标识" // hidden: the template's identification
)

// Column headers of the task sheet. The first six are filled in and locked; the previous
// period's two columns appear only when that period was collected; the last six are the unit's.
const (
	ColID           = "任务编号"
	ColSection      = "所属部分"
	ColText         = "任务内容"
	ColDuty         = "本单位职责"
	ColLead         = "牵头单位"
	ColDeadline     = "完成时限"
	ColPrevStatus   = "上期状态"
	ColPrevProgress = "上期工作进展"
	ColStatus       = "完成状态"
	ColPercent      = "完成进度(%)"
	ColProgress     = "本期工作进展"
	ColProblems     = "存在问题"
	ColNextSteps    = "下步计划"
	ColEvidence     = "佐证材料"
)

// LockedColumns are the task sheet's filled-in columns, in order.
var LockedColumns = []string{ColID, ColSection, ColText, ColDuty, ColLead, ColDeadline}

// PreviousColumns are shown after LockedColumns when the previous period was collected.
var PreviousColumns = []string{ColPrevStatus, ColPrevProgress}

// FillColumns are the columns the unit fills, in order.
var FillColumns = []string{ColStatus, ColPercent, ColProgress, ColProblems, ColNextSteps, ColEvidence}

// The filler labels: who filled the template and who checked it.
const (
	FillerName   = "填报人"
	FillerPhone  = "联系电话"
	FillerLeader = "审核领导"
	FillerDate   = "填报日期"
)

// FillerLabels are who filled the template and who checked it, in order. Since version 2 they
// are in one row at the foot of the task sheet, after a blank row, where a clerk finishing the
// rows sees them and the leader who checks signs the printed page (one row cannot be split
// over two pages): each label under one column's header and its value under another's
// (FillerLayout). Version 1 had them on SheetFiller, labels in column A and values in B.
var FillerLabels = []string{FillerName, FillerPhone, FillerLeader, FillerDate}

// FillerLayout places each filler label and its value under the task sheet's headers.
var FillerLayout = []struct{ Label, LabelUnder, ValueUnder string }{
	{FillerName, ColSection, ColText},
	{FillerPhone, ColLead, ColDeadline},
	{FillerLeader, ColStatus, ColProgress},
	{FillerDate, ColProblems, ColNextSteps},
}

// FillerRow is the task sheet's row (1-based) of who filled a template of n task rows: after
// the header, the tasks and a blank row.
func FillerRow(n int) int { return n + 3 }

// Task status words.
const (
	StatusDone     = "已完成"
	StatusOnTrack  = "序时推进"
	StatusBehind   = "滞后"
	StatusNotBegun = "未启动"
	StatusOngoing  = "常态化推进" // only for ongoing (长期坚持) tasks
)

// Statuses are the status words of a task with a deadline; OngoingStatuses those of an ongoing
// task.
var (
	Statuses        = []string{StatusDone, StatusOnTrack, StatusBehind, StatusNotBegun}
	OngoingStatuses = []string{StatusDone, StatusOnTrack, StatusBehind, StatusNotBegun, StatusOngoing}
)

// StatusMeaning explains each status word to the unit filling the template.
var StatusMeaning = map[string]string{
	StatusDone:     "任务已全部完成。完成进度填 100，并在“本期工作进展”中写明完成情况。",
	StatusOnTrack:  "按计划进度推进中。",
	StatusBehind:   "进度落后于计划。须在“存在问题”中说明原因。",
	StatusNotBegun: "尚未开始。须在“存在问题”中说明原因。",
	StatusOngoing:  "长期坚持类任务按常态推进（仅限完成时限为“长期坚持”等的任务）。",
}

// Identification keys on the hidden SheetID sheet (column A, value in column B) and, with the
// prefix "planreport.", as custom document properties. Rows after them hold one task id and
// the checksum of that row's locked cells each.
const (
	KeyPlan       = "计划指纹"
	KeyUnit       = "填报单位"
	KeyReportsFor = "代报单位"
	KeyPeriod     = "报送周期"
	KeyDue        = "截止日期"
	KeyVersion    = "模板版本"
	KeyRows       = "任务行校验"
)

// RowChecksum is the checksum of a task row's locked cells, in LockedColumns order. A returned
// template whose locked cells no longer match was edited.
func RowChecksum(locked []string) string {
	h := sha256.New()
	var buf []byte
	for _, s := range locked {
		// White space (as unicode.IsSpace has it) is left out: spreadsheet clients may change
		// line ends or trim cells. Byte by byte, without strings.Fields' copies: collect
		// checks every row of every return.
		buf = buf[:0]
		run := 0 // where the bytes not yet appended start
		for i := 0; i < len(s); {
			c, n := s[i], 1
			space := false
			switch {
			case c < utf8.RuneSelf:
				space = c == ' ' || c >= '\t' && c <= '\r'
			case c == 0xC2 || c >= 0xE1 && c <= 0xE3: // the lead bytes of U+0085 to U+3000
				var r rune
				r, n = utf8.DecodeRuneInString(s[i:])
				space = unicode.IsSpace(r)
			}
			if space {
				buf = append(buf, s[run:i]...)
				run = i + n
			}
			i += n
		}
		buf = append(buf, s[run:]...)
		h.Write(append(buf, 0))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
