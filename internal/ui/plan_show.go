package ui

import (
	"net/http"

	"planreport/plan"
)

// planData is the plan page: the tasks and units, plan check's findings.
type planData struct {
	Plan     *plan.Plan
	Ledger   string
	Findings []plan.Finding
	Errors   int
	Tasks    map[string]int // tasks per unit
}

func (s *Server) planShow(w http.ResponseWriter, r *http.Request) {
	if s.ws.HasPlan() != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	res, err := s.ws.CheckPlan()
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	d := planData{Plan: res.Plan, Ledger: res.Ledger, Findings: res.Findings, Errors: plan.CountErrors(res.Findings), Tasks: map[string]int{}}
	for _, a := range res.Plan.Assignments() {
		d.Tasks[a.Unit]++
	}
	s.render(w, r, http.StatusOK, "plan", "计划", "plan", d)
}
