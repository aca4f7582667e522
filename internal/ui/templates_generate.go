package ui

import (
	"context"
	"fmt"
	"net/http"

	"planreport/plan"
	"planreport/workspace"
)

// templatesGenerate issues (again) a period's templates and email drafts.
func (s *Server) templatesGenerate(w http.ResponseWriter, r *http.Request) {
	p, ok := periodOf(w, r)
	if !ok {
		return
	}
	s.issueTemplates(w, r, p)
}

func (s *Server) templatesWork(p plan.Period, due string) func(context.Context, workspace.Reporter) (outcome, error) {
	return func(ctx context.Context, progress workspace.Reporter) (outcome, error) {
		res, err := s.ws.IssueTemplates(ctx, workspace.TemplatesOptions{Period: p, Due: due, Drafts: true, Program: Program, Progress: progress})
		if res == nil {
			return outcome{}, err
		}
		rows, mails := 0, 0
		for _, t := range res.Templates {
			rows += t.Tasks
			if t.EML != "" {
				mails++
			}
		}
		lines := []string{fmt.Sprintf("已为%s生成 %d 个单位的报送模板（共 %d 行任务），截止日期 %s；邮件草稿 %d 封（单位表中没有电子邮箱的单位没有草稿）。", p.Chinese(), len(res.Templates), rows, due, mails)}
		if res.PlanErrors > 0 {
			lines = append(lines, fmt.Sprintf("注意：计划台账有 %d 个错误，相关任务可能缺少单位。", res.PlanErrors))
		}
		return outcome{Lines: lines}, err
	}
}
