package ui

import (
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// fileDownload sends one regular file inside the workspace: a template, a feedback workbook,
// a draft, the report. Anything else is not found: a path with "..", an absolute path, an
// encoded separator (middleware.go), a hidden file (the password's hash, the lock), a folder
// (no listings), or a symbolic link leading out of the workspace (os.Root).
func (s *Server) fileDownload(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("path")
	if !downloadable(name) {
		http.NotFound(w, r)
		return
	}
	s.serveFile(w, r, filepath.Join(s.ws.Dir(), filepath.FromSlash(name)))
}

// downloadable reports whether a path relative to the workspace may be asked for at all.
func downloadable(name string) bool {
	if !fs.ValidPath(name) || name == "." || strings.ContainsAny(name, "\\:\x00") {
		return false
	}
	for _, el := range strings.Split(name, "/") {
		if strings.HasPrefix(el, ".") || strings.HasPrefix(el, "~$") {
			return false
		}
	}
	return true
}

// serveFile sends a file inside the workspace as an attachment, through an os.Root of the
// workspace: nothing outside it, however its links point.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, p string) {
	rel, err := filepath.Rel(s.ws.Dir(), p)
	if err != nil || !downloadable(filepath.ToSlash(rel)) {
		http.NotFound(w, r)
		return
	}
	root, err := os.OpenRoot(s.ws.Dir())
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer root.Close()
	f, err := root.Open(rel)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	base := path.Base(filepath.ToSlash(rel))
	ct := mime.TypeByExtension(strings.ToLower(path.Ext(base)))
	switch strings.ToLower(path.Ext(base)) {
	case ".eml":
		ct = "message/rfc822"
	case ".xlsx":
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".docx":
		ct = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(base))
	w.Header().Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", st.ModTime(), f)
}
