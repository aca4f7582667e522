package plan

import (
	"fmt"
	"strings"
)

// Summary counts what an import made of a plan document: what the office sees first, and
// what the corpus test prints for every plan so that a regression shows as a diff.
type Summary struct {
	Title, Source        string
	Tasks                int
	Units, Groups        int
	UnnamedGroups        int
	Assignments          int
	Skipped              int // numbered items that did not become tasks
	UnreadBrackets       int // of those, items with a bracket that could not be read
	Notices              int // all import notices, the skipped items included
	NoDeadline, Deadline int // tasks without and with a deadline
}

// Summary counts the plan's tasks, units, groups, skipped items and notices.
func (p *Plan) Summary() Summary {
	s := Summary{Title: p.Title, Source: p.Source, Tasks: len(p.Tasks), Units: len(p.Units), Groups: len(p.Groups),
		Assignments: len(p.Assignments()), Notices: len(p.Notices)}
	for _, g := range p.Groups {
		if !g.Named() {
			s.UnnamedGroups++
		}
	}
	for _, n := range p.Notices {
		if n.Kind == NoticeSkipped {
			s.Skipped++
			if n.Reason == SkipUnreadBracket {
				s.UnreadBrackets++
			}
		}
	}
	for _, t := range p.Tasks {
		if t.Deadline.Text == "" && t.Deadline.Due == "" {
			s.NoDeadline++
		} else {
			s.Deadline++
		}
	}
	return s
}

// String is the summary in Chinese, as plan import prints it.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "已导入《%s》（%s）：%d 项任务，%d 个单位，%d 个分组（其中 %d 个待指定成员单位），%d 条分工。",
		s.Title, s.Source, s.Tasks, s.Units, s.Groups, s.UnnamedGroups, s.Assignments)
	switch {
	case s.Tasks > 0 && s.Deadline == 0:
		b.WriteString("\n计划中没有任何完成时限，报告中不判断逾期。")
	case s.NoDeadline > 0:
		fmt.Fprintf(&b, "\n%d 项任务没有完成时限。", s.NoDeadline)
	}
	if s.Notices > 0 {
		fmt.Fprintf(&b, "\n未导入的编号条目 %d 个（其中括号无法识别 %d 个），导入提示共 %d 条：", s.Skipped, s.UnreadBrackets, s.Notices)
	}
	return b.String()
}
