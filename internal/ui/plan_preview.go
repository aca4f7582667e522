package ui

import (
	"net/http"

	"planreport/plan"
	"planreport/workspace"
)

// previewData is what importing an uploaded plan document would do.
type previewData struct {
	Name    string
	Result  *workspace.ImportResult
	Summary plan.Summary
	Errors  int
}

func (s *Server) planPreview(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	path, err := s.ws.Upload(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	res, err := s.ws.PreviewImport(workspace.PlanSource{File: path})
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	s.render(w, r, http.StatusOK, "plan_preview", "导入行动计划", "plan",
		previewData{Name: name, Result: res, Summary: res.Plan.Summary(), Errors: plan.CountErrors(res.Findings)})
}
