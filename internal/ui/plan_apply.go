package ui

import (
	"context"
	"fmt"
	"net/http"

	"planreport/workspace"
)

// planApply imports an uploaded plan document into the ledger, keeping the office's unit and
// group edits, as planreport plan import does.
func (s *Server) planApply(w http.ResponseWriter, r *http.Request) {
	path, err := s.ws.Upload(r.PostFormValue("name"))
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	j := s.jobs.start("导入行动计划", link{"查看计划", "/plan"}, func(ctx context.Context, progress workspace.Reporter) (outcome, error) {
		progress(workspace.Progress{Stage: "读取计划文件"})
		res, err := s.ws.ImportPlan(workspace.PlanSource{File: path}, false, Program)
		if err != nil {
			return outcome{}, err
		}
		lines := []string{res.Plan.Summary().String()}
		if res.Existed {
			lines = append(lines, fmt.Sprintf("已保留原台账单位表、分组表中的 %d 行编辑，新增 %d 行。", res.Kept, res.Added))
		}
		lines = append(lines, "计划台账已更新。")
		return outcome{Lines: lines}, nil
	})
	seeOther(w, r, jobURL(j))
}
