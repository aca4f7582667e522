package workspace

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"planreport/plan"
	"planreport/workbook"
)

// The letters to a unit whose return was not accepted (the reply collect drafts, the reminder
// status drafts) say what its findings say: which problems, and what to do about them, as the
// return's remedy (workbook.RemedyOf) has it. A return on the wrong form is to be redone on
// this period's template, which the letter attaches; a file that could not be read is to be
// sent again as the findings say; anything else is fixed in the file the unit sent.

// maxListed is how many problems a letter lists; the feedback workbook lists them all.
const maxListed = 5

// greeting opens a letter to a unit: its name, and its contact's.
func greeting(u plan.Unit) string {
	if u.Contact != "" {
		return u.Name + " " + u.Contact + "同志"
	}
	return u.Name
}

// problemList lists a return's errors for a letter, numbered, each with how to fix it (a hint
// said for an error above is not said again).
func problemList(s workbook.Submission) string {
	var b strings.Builder
	n := 0
	said := map[string]bool{}
	for _, f := range s.Findings {
		if f.Severity != plan.Error {
			continue
		}
		if n++; n > maxListed {
			continue
		}
		where := ""
		if f.Sheet != "" && f.Cell != "" {
			where = f.Where() + "："
		}
		hint := ""
		if !said[f.Hint] {
			said[f.Hint] = true
			hint = strings.TrimRight(f.Hint, "。") + "。"
		}
		fmt.Fprintf(&b, "%d. %s%s。%s\n", n, where, strings.TrimRight(f.Message, "。"), hint)
	}
	if n > maxListed {
		fmt.Fprintf(&b, "（共 %d 处，其余见附件中的“%s”表。）\n", n, workbook.FeedbackSheet)
	}
	return b.String()
}

// letter is what a letter about a rejected return says the unit must do, by its remedy.
type letter struct {
	remedy  workbook.Remedy
	subject string // the reply's subject, after 【…】
	todo    string // what to do, a paragraph, with the date to do it by
}

// letterFor says what to do about a rejected return s, and by when (resubmit, YYYY-MM-DD; ""
// says nothing of when). feedback is the name of its feedback workbook (attached; "" when it is
// not at hand), annotated whether it is the unit's own file marked up; template the name of
// this period's template, "" when it is not at hand.
func letterFor(s workbook.Submission, feedback string, annotated bool, template, resubmit string) letter {
	l := letterOf(s, feedback, annotated, template)
	if resubmit != "" {
		l.todo += "请于 " + chineseDate(resubmit) + " 前重新报送。"
	}
	return l
}

func letterOf(s workbook.Submission, feedback string, annotated bool, template string) letter {
	switch r := workbook.RemedyOf(s.Findings); r {
	case workbook.RemedyTemplate:
		l := letter{remedy: r, subject: "请用本期报送表重新填报"}
		if template != "" {
			l.todo = fmt.Sprintf("请使用附件中的本期报送表“%s”：把填报内容逐项复制到这份表中，保存后发送这份表。不要在原表上修改，原表不能接收。", template)
		} else {
			l.todo = "请向报送办公室索取本期报送表，把填报内容逐项复制到其中，保存后发送这份表。不要在原表上修改，原表不能接收。"
		}
		return l
	case workbook.RemedyResend:
		return letter{remedy: r, subject: "请重新发送", todo: "请按以上提示处理后，重新发送报送表（.xlsx 格式）。"}
	default:
		l := letter{remedy: workbook.RemedyFix, subject: "请修改后重新报送"}
		switch {
		case feedback == "":
			l.todo = "请按反馈表在贵单位的报送表中逐项修改后重新发送。"
		case annotated:
			l.todo = fmt.Sprintf("请在贵单位发来的报送表中逐项修改后重新发送。附件“%s”是贵单位发来的报送表，问题单元格已标红（错误加粗框）并加批注，右侧“%s”列注明每行的问题，“%s”表列出了全部问题。", feedback, workbook.MarkHeader, workbook.FeedbackSheet)
		default:
			l.todo = fmt.Sprintf("请在贵单位发来的报送表中逐项修改后重新发送。附件“%s”的“%s”表列出了全部问题。", feedback, workbook.FeedbackSheet)
		}
		return l
	}
}

// fileName is a path's last element, "" for no path.
func fileName(path string) string {
	if path == "" {
		return ""
	}
	return filepath.Base(path)
}

// sentOn says when a return was sent, for a letter.
func sentOn(s workbook.Submission) string {
	if s.Received.IsZero() {
		return ""
	}
	return "于 " + workbook.OfficeTime(s.Received) + " "
}

// replyBody is the reply to a rejected return s of unit u.
func replyBody(p *plan.Plan, period plan.Period, u plan.Unit, s workbook.Submission, l letter) string {
	return fmt.Sprintf("%s：\n\n您好！贵单位%s发来的%s任务进展报送表（%s）未能接收，经检查有以下问题：\n\n%s\n%s\n\n如有疑问，请联系%s。\n\n%s\n",
		greeting(u), sentOn(s), period.Chinese(), s.Name, problemList(s), l.todo, p.Office.Reach(), p.Office.Name)
}

// reminderBody is the reminder (催报) to unit u, dated date: its latest return s was not
// accepted (rejected), or nothing arrived from it.
func reminderBody(p *plan.Plan, period plan.Period, u plan.Unit, s workbook.Submission, rejected bool, l letter, date, due string) string {
	if !rejected {
		return fmt.Sprintf("%s：\n\n您好！截至 %s，我们尚未收到贵单位%s的任务进展报送表。报送截止日期为 %s，请尽快报送。\n\n如已发送，请忽略本邮件；如有疑问，请联系%s。\n\n%s\n",
			greeting(u), date, period.Chinese(), due, p.Office.Reach(), p.Office.Name)
	}
	return fmt.Sprintf("%s：\n\n您好！截至 %s，贵单位%s发来的%s任务进展报送表（%s）尚未通过检查，有以下问题：\n\n%s\n%s报送截止日期为 %s，请尽快处理。\n\n如已重新发送，请忽略本邮件；如有疑问，请联系%s。\n\n%s\n",
		greeting(u), date, sentOn(s), period.Chinese(), s.Name, problemList(s), l.todo, due, p.Office.Reach(), p.Office.Name)
}

// chineseDate writes 2024-01-15 as 2024年1月15日.
func chineseDate(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}
