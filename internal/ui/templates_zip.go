package ui

import (
	"archive/zip"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"time"
)

// templatesZip sends a period's templates folder (the templates, their index and the email
// drafts) as one .zip, regular files only.
func (s *Server) templatesZip(w http.ResponseWriter, r *http.Request) {
	p, ok := periodOf(w, r)
	if !ok {
		return
	}
	root, err := os.OpenRoot(s.ws.TemplatesDir(p))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer root.Close()
	var names []string
	fs.WalkDir(root.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && d.Name()[0] != '.' {
			names = append(names, path)
		}
		return nil
	})
	if len(names) == 0 {
		http.NotFound(w, r)
		return
	}
	name := p.String() + "_报送模板.zip"
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	zw := zip.NewWriter(w)
	for _, n := range names {
		f, err := root.Open(n)
		if err != nil {
			continue
		}
		st, err := f.Stat()
		if err != nil || !st.Mode().IsRegular() {
			f.Close()
			continue
		}
		// Names in UTF-8, flagged so: Windows' Explorer shows them right.
		hdr := &zip.FileHeader{Name: n, Method: zip.Deflate, Modified: st.ModTime().In(time.Local), NonUTF8: false}
		zf, err := zw.CreateHeader(hdr)
		if err == nil {
			_, err = io.Copy(zf, f)
		}
		f.Close()
		if err != nil {
			return // the browser shows the download failed
		}
	}
	zw.Close()
}
