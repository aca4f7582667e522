package ui

import (
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
)

// planUpload keeps an uploaded plan document (.docx, .xlsx task table or text) in the
// workspace's 计划文件 folder and shows what importing it would do; nothing changes yet.
func (s *Server) planUpload(w http.ResponseWriter, r *http.Request) {
	path, err := s.receiveOne(r, "document")
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	seeOther(w, r, "/plan/preview/"+url.PathEscape(filepath.Base(path)))
}

// receiveOne stores the one file of an upload form (its field named field) with SaveUpload.
func (s *Server) receiveOne(r *http.Request, field string) (string, error) {
	mr := multipartOf(r)
	if mr == nil {
		return "", errors.New("请选择要上传的文件")
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			return "", errors.New("请选择要上传的文件")
		}
		if part.FormName() != field || part.FileName() == "" {
			continue
		}
		name := part.FileName()
		if strings.TrimSpace(name) == "" {
			continue
		}
		return s.ws.SaveUpload(name, part)
	}
}
