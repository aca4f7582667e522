package ui

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"planreport/plan"
	"planreport/workbook"
)

// pages are the parsed templates: each page is layout.html with the page's own file.
type pages struct{ m map[string]*template.Template }

var funcs = template.FuncMap{
	"stateName":  func(s workbook.State) string { return s.Chinese() },
	"severity":   func(s plan.Severity) string { return s.Chinese() },
	"time":       func(t time.Time) string { return t.Local().Format("2006-01-02 15:04") },
	"join":       strings.Join,
	"add":        func(a, b int) int { return a + b },
	"percent":    func(a, b int) int { return percent(a, b) },
	"pathEscape": url.PathEscape,
	"count":      func(m map[workbook.State]int, s string) int { return m[workbook.State(s)] },
}

func percent(a, b int) int {
	if b <= 0 {
		return 0
	}
	return a * 100 / b
}

func parsePages() (*pages, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	pg := &pages{m: map[string]*template.Template{}}
	for _, n := range names {
		name := filepath.Base(n)
		if name == "layout.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, err
		}
		pg.m[strings.TrimSuffix(name, ".html")] = t
	}
	return pg, nil
}

// page is what every page's layout needs, and the page's own data.
type page struct {
	Title  string
	CSRF   string
	Nav    string // which top link is current: home, plan
	Authed bool   // logged in with a password: the page offers to log out
	Data   any
}

// render writes a page with status code.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name, title, nav string, data any) {
	t := s.pages.m[name]
	if t == nil {
		panic("ui: no page " + name)
	}
	sess := sessionOf(r)
	pd := page{Title: title, Nav: nav, Data: data, Authed: s.password != nil && sess != nil && sess.authed}
	if sess != nil {
		pd.CSRF = sess.csrf
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout.html", pd); err != nil {
		log.Printf("页面 %s：%v", name, err)
		http.Error(w, "页面生成出错："+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(b.Bytes())
}

// failure is an error page's data: what went wrong and where to go back.
type failure struct {
	Message string
	Back    string
}

// fail shows an error page: the message is the operation's own, in Chinese.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, err error) {
	back := "/"
	if ref := r.URL.Path; r.Method == http.MethodPost && strings.HasPrefix(ref, "/periods/") {
		if parts := strings.Split(ref, "/"); len(parts) > 2 {
			back = "/periods/" + parts[2]
		}
	}
	s.render(w, r, code, "error", "出错了", "", failure{Message: err.Error(), Back: back})
}

// fileURL is the download address of a file inside the workspace, or "" for one outside.
func (s *Server) fileURL(path string) string {
	rel, err := filepath.Rel(s.ws.Dir(), path)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") || filepath.IsAbs(rel) {
		return ""
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/files/" + strings.Join(parts, "/")
}

// periodURL is a period's page.
func periodURL(p plan.Period) string { return "/periods/" + p.String() }

// seeOther sends the browser on after a POST.
func seeOther(w http.ResponseWriter, r *http.Request, url string) {
	http.Redirect(w, r, url, http.StatusSeeOther)
}

// jobURL is a job's page.
func jobURL(j *job) string { return fmt.Sprintf("/jobs/%s", j.ID) }
