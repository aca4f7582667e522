package ui

import (
	"context"
	"fmt"
	"net/http"

	"planreport/demo"
	"planreport/workspace"
)

// workspaceCreate makes a workspace in the served folder from the built-in plan: as
// planreport init does, or as planreport demo does (with the demo office's contacts and group
// members, so that its units can be made to send returns).
func (s *Server) workspaceCreate(w http.ResponseWriter, r *http.Request) {
	isDemo := r.PostFormValue("kind") == "demo"
	j := s.jobs.start("创建工作目录", link{"返回工作台", "/"}, func(ctx context.Context, progress workspace.Reporter) (outcome, error) {
		progress(workspace.Progress{Stage: "导入内置计划"})
		if isDemo {
			p, err := demo.Create(s.ws, 0, Program)
			if err != nil {
				return outcome{}, err
			}
			return outcome{Lines: []string{fmt.Sprintf("已创建演示工作目录：《%s》%d 项任务，%d 个单位，已填入演示用的办公室、单位联系人和分组成员。", p.Title, len(p.Tasks), len(p.Units)),
				"下一步：在工作台生成 2023 年第四季度的报送模板。"}}, nil
		}
		res, err := s.ws.Init(workspace.PlanSource{}, Program)
		if err != nil {
			return outcome{}, err
		}
		return outcome{Lines: []string{fmt.Sprintf("已创建工作目录：《%s》%d 项任务，%d 个单位。", res.Plan.Title, len(res.Plan.Tasks), len(res.Plan.Units)),
			"下一步：下载计划台账 plan.xlsx，在 Excel 中补充报送办公室、各单位联系人和邮箱、分组成员，再上传回来。"},
			Links: []link{{"查看计划", "/plan"}}}, nil
	})
	seeOther(w, r, jobURL(j))
}
