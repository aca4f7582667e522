package ui

import (
	"io/fs"
	"net/http"
)

// routes lists every page and action of the workbench. GET only reads; every POST changes
// something, carries a CSRF token and goes on to a page (303) or a job's page.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("POST /workspace", s.workspaceCreate)

	mux.HandleFunc("GET /plan", s.planShow)
	mux.HandleFunc("POST /plan/upload", s.planUpload)
	mux.HandleFunc("GET /plan/preview/{name}", s.planPreview)
	mux.HandleFunc("POST /plan/apply", s.planApply)
	mux.HandleFunc("GET /plan/ledger", s.ledgerDownload)
	mux.HandleFunc("POST /plan/ledger", s.ledgerUpload)

	mux.HandleFunc("POST /periods", s.periodCreate)
	mux.HandleFunc("GET /periods/{period}", s.periodShow)
	mux.HandleFunc("POST /periods/{period}/templates", s.templatesGenerate)
	mux.HandleFunc("GET /periods/{period}/templates.zip", s.templatesZip)
	mux.HandleFunc("POST /periods/{period}/returns", s.returnsUpload)
	mux.HandleFunc("POST /periods/{period}/collect", s.collectRun)
	mux.HandleFunc("POST /periods/{period}/reminders", s.remindersCreate)
	mux.HandleFunc("POST /periods/{period}/report", s.reportGenerate)
	mux.HandleFunc("POST /periods/{period}/demo", s.demoReturns)

	mux.HandleFunc("GET /jobs/{id}", s.jobShow)
	mux.HandleFunc("GET /jobs/{id}/progress", s.jobProgress)
	mux.HandleFunc("GET /files/{path...}", s.fileDownload)

	mux.HandleFunc("GET /login", s.loginShow)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)

	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(noDirs{static})))
	return mux
}

// noDirs serves files only: a folder is not found, so there are no listings.
type noDirs struct{ fs.FS }

func (n noDirs) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || st.IsDir() {
		f.Close()
		return nil, fs.ErrNotExist
	}
	return f, nil
}
