package ui

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"

	"planreport/plan"
	"planreport/workspace"
)

// ledgerUpload makes an uploaded workbook the ledger once it reads as one; the ledger it
// replaces is kept in 计划文件.
func (s *Server) ledgerUpload(w http.ResponseWriter, r *http.Request) {
	path, err := s.receiveOne(r, "ledger")
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	j := s.jobs.start("替换计划台账", link{"查看计划", "/plan"}, func(ctx context.Context, progress workspace.Reporter) (outcome, error) {
		progress(workspace.Progress{Stage: "检查上传的台账"})
		res, err := s.ws.ReplaceLedger(path, Program)
		if err != nil {
			return outcome{}, err
		}
		lines := []string{fmt.Sprintf("已用 %s 替换计划台账：%d 项任务，%d 个单位；检查发现 %d 个错误。", filepath.Base(path), len(res.Plan.Tasks), len(res.Plan.Units), plan.CountErrors(res.Findings))}
		if res.Previous != "" {
			lines = append(lines, "原台账保存为 "+filepath.Join(workspace.UploadsDir, filepath.Base(res.Previous))+"。")
		}
		return outcome{Lines: lines}, nil
	})
	seeOther(w, r, jobURL(j))
}
