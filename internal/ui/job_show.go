package ui

import (
	"encoding/json"
	"net/http"
)

// jobShow is a job's page: its progress while it runs (the page refreshes itself; the script
// polls instead), what it did when done.
func (s *Server) jobShow(w http.ResponseWriter, r *http.Request) {
	j := s.jobs.get(r.PathValue("id"))
	if j == nil {
		http.NotFound(w, r)
		return
	}
	v := j.view()
	s.render(w, r, http.StatusOK, "job", v.Title, "", v)
}

// jobProgress is a job's state as JSON, for the script's polling.
func (s *Server) jobProgress(w http.ResponseWriter, r *http.Request) {
	j := s.jobs.get(r.PathValue("id"))
	if j == nil {
		http.NotFound(w, r)
		return
	}
	v := j.view()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(struct {
		Stage    string `json:"stage"`
		Done     int    `json:"done"`
		Total    int    `json:"total"`
		Waiting  string `json:"waiting"`
		Finished bool   `json:"finished"`
	}{v.Stage, v.Done, v.Total, v.Waiting, v.Finished})
}
