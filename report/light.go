package report

import "planreport/templates"

// Light is a task's traffic light.
type Light string

// The lights.
const (
	Red    Light = "red"
	Yellow Light = "yellow"
	Green  Light = "green"
)

// Lights are the lights in report order.
var Lights = []Light{Red, Yellow, Green}

// Chinese returns the light as the report prints it.
func (l Light) Chinese() string {
	switch l {
	case Red:
		return "红灯"
	case Yellow:
		return "黄灯"
	}
	return "绿灯"
}

// Reason is why a task has its light. Every task has exactly one: the first of Reasons that
// applies to it. The report's figures (红灯 = 逾期未完成 + 进度滞后 + 牵头单位未报送, and so on)
// are counts of these, so that they add up wherever they are printed.
type Reason string

// The reasons, in the order they are tried.
const (
	ReasonOverdue     Reason = "overdue"      // the deadline has passed and no lead reports it done
	ReasonBehind      Reason = "behind"       // a lead reports 滞后
	ReasonNotReported Reason = "not_reported" // a lead has no accepted report
	ReasonDueSoon     Reason = "due_soon"     // due by the end of the next period, not done
	ReasonNotBegun    Reason = "not_begun"    // the leads report 未启动 (which must state a problem)
	ReasonProblems    Reason = "problems"     // a lead reports a problem
	ReasonDone        Reason = "done"         // the leads report 已完成
	ReasonOnTrack     Reason = "on_track"     // 序时推进 or 常态化推进
)

// Reasons lists the reasons in the order they are tried, red ones first, then yellow, then
// green: a task's reason is the first whose test holds.
var Reasons = []Reason{ReasonOverdue, ReasonBehind, ReasonNotReported, ReasonDueSoon, ReasonNotBegun, ReasonProblems, ReasonDone, ReasonOnTrack}

var reasonInfo = map[Reason]struct {
	light   Light
	chinese string
	rule    string // the rule, as the report explains it
}{
	ReasonOverdue:     {Red, "逾期未完成", "已到完成时限仍未完成"},
	ReasonBehind:      {Red, "进度滞后", "牵头单位报告进度滞后"},
	ReasonNotReported: {Red, "牵头单位未报送", "有牵头单位未报送或报送未通过检查"},
	ReasonDueSoon:     {Yellow, "下期到期", "下一报送周期内到期尚未完成"},
	ReasonProblems:    {Yellow, "存在问题", "牵头单位报告存在问题"},
	ReasonNotBegun:    {Yellow, "尚未启动", "牵头单位报告尚未启动"},
	ReasonDone:        {Green, "已完成", "牵头单位报告已完成"},
	ReasonOnTrack:     {Green, "按进度推进", "序时推进或常态化推进"},
}

// Light is the light a reason gives.
func (r Reason) Light() Light { return reasonInfo[r].light }

// Chinese is the reason as the report prints it: 逾期未完成, 进度滞后…
func (r Reason) Chinese() string { return reasonInfo[r].chinese }

// Rule says when the reason applies, in a few words, for the report's explanation.
func (r Reason) Rule() string { return reasonInfo[r].rule }

// ReasonsOf lists the reasons of a light, in order.
func ReasonsOf(l Light) []Reason {
	var out []Reason
	for _, r := range Reasons {
		if r.Light() == l {
			out = append(out, r)
		}
	}
	return out
}

// facts are what a task's reason is decided from.
type facts struct {
	overdue      bool
	status       string // the task's status word, or NotReported
	said         string // what the leads that reported said (the slowest of them)
	missingLeads bool
	dueSoon      bool
	problems     bool
}

// applies tells whether a reason holds for a task: one test per reason, tried in order by
// reasonOf.
func (r Reason) applies(f facts) bool {
	switch r {
	case ReasonOverdue:
		return f.overdue
	case ReasonBehind:
		return f.said == templates.StatusBehind
	case ReasonNotReported:
		return f.missingLeads || f.status == NotReported
	case ReasonDueSoon:
		return f.dueSoon
	case ReasonProblems:
		return f.problems
	case ReasonNotBegun:
		return f.status == templates.StatusNotBegun
	case ReasonDone:
		return f.status == templates.StatusDone
	case ReasonOnTrack:
		return true
	}
	return false
}

// reasonOf returns the first reason that applies.
func reasonOf(f facts) Reason {
	for _, r := range Reasons {
		if r.applies(f) {
			return r
		}
	}
	return ReasonOnTrack
}
