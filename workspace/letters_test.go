package workspace

import (
	"fmt"
	"strings"
	"testing"

	"planreport/plan"
	"planreport/workbook"
)

// TestLetters: what a letter about a rejected return says follows its findings.
func TestLetters(t *testing.T) {
	finding := func(rule plan.Rule, cell, msg, hint string) plan.Finding {
		return plan.Finding{Severity: rule.Severity(), Rule: rule, Sheet: "任务进展", Cell: cell, Message: msg, Hint: hint}
	}
	cells := []plan.Finding{finding(workbook.RuleStatusInvalid, "G2", "任务 1.1 的完成状态“差不多了”无法识别", "请从下拉列表选择"),
		finding(workbook.RuleUnchanged, "I3", "进展与上期相同", "请写明本期的新进展")} // a warning: not listed
	other := []plan.Finding{{Severity: plan.Error, Rule: workbook.RuleOtherPeriod, Message: "这是2023年第三季度的报送表", Hint: "请使用办公室本次下发的报送表"},
		{Severity: plan.Error, Rule: workbook.RuleStatusInvalid, Sheet: "任务进展", Cell: "G2", Message: "完成状态无效", Hint: "请使用办公室本次下发的报送表"}}
	unread := []plan.Finding{{Severity: plan.Error, Rule: workbook.RuleUnreadable, Message: "a.rar 是 rar 压缩文件，无法读取", Hint: "请改用 zip 格式压缩"}}
	var many []plan.Finding
	for i := range 7 {
		many = append(many, finding(workbook.RuleStatusEmpty, fmt.Sprintf("G%d", i+2), fmt.Sprintf("任务 %d 未填写完成状态", i+1), "请从下拉列表选择完成状态"))
	}
	for _, c := range []struct {
		name      string
		findings  []plan.Finding
		annotated bool
		template  string
		want      []string
		not       []string
	}{
		{"fix, annotated", cells, true, "t.xlsx", []string{"1. 「任务进展」G2：任务 1.1 的完成状态“差不多了”无法识别。请从下拉列表选择。", "问题单元格已标红（错误加粗框）并加批注", "右侧“检查标记”列", "请于 2024年1月12日 前重新报送"}, []string{"进展与上期相同", "t.xlsx", "2."}},
		{"fix, the list only", cells, false, "", []string{"“需修改事项”表列出了全部问题"}, []string{"标红"}},
		{"wrong form", other, true, "t.xlsx", []string{"请使用附件中的本期报送表“t.xlsx”", "2. 「任务进展」G2：完成状态无效。\n"}, []string{"标红"}},
		{"wrong form, no template at hand", other, true, "", []string{"请向报送办公室索取本期报送表"}, nil},
		{"not read", unread, false, "", []string{"a.rar 是 rar 压缩文件，无法读取。请改用 zip 格式压缩。", "请按以上提示处理后，重新发送"}, []string{"反馈"}},
		{"many", many, true, "", []string{"5. 「任务进展」G6", "（共 7 处，其余见附件中的“需修改事项”表。）"}, []string{"6. "}},
	} {
		s := workbook.Submission{Name: "a.xlsx", Findings: c.findings}
		l := letterFor(s, "宝山镇_反馈.xlsx", c.annotated, c.template, "2024-01-12")
		text := problemList(s) + "\n" + l.todo
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: lacks %q:\n%s", c.name, w, text)
			}
		}
		for _, w := range c.not {
			if strings.Contains(text, w) {
				t.Errorf("%s: says %q:\n%s", c.name, w, text)
			}
		}
	}
}
