package ui

import (
	"errors"
	"net/http"
	"strings"

	"planreport/plan"
	"planreport/workspace"
)

// periodCreate starts a reporting period: its templates, with its due date.
func (s *Server) periodCreate(w http.ResponseWriter, r *http.Request) {
	p, err := plan.ParsePeriod(strings.TrimSpace(r.PostFormValue("period")))
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	if s.ws.Issued(p) {
		s.fail(w, r, http.StatusBadRequest, errors.New(p.Chinese()+"的模板已经生成过，请在该周期的页面上重新生成"))
		return
	}
	s.issueTemplates(w, r, p)
}

// issueTemplates starts the job that issues a period's templates, with the form's due date.
func (s *Server) issueTemplates(w http.ResponseWriter, r *http.Request, p plan.Period) {
	due := workspace.DefaultDue(p)
	if v := strings.TrimSpace(r.PostFormValue("due")); v != "" {
		d, err := workspace.ParseDay(v)
		if err != nil {
			s.fail(w, r, http.StatusBadRequest, err)
			return
		}
		due = d
	}
	j := s.jobs.start("生成"+p.Chinese()+"的报送模板", link{"打开" + p.Chinese(), periodURL(p)}, s.templatesWork(p, due))
	seeOther(w, r, jobURL(j))
}
