package ui

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// returnsUpload stores the files a person uploads (workbooks, .zip, .eml; many at once, by
// drag and drop too) into the period's inbox, each under a safe name of its own (never
// replacing a file there, never outside it), and starts collect, which reads them with every
// defence it has against bombs and odd files. The script sends each file's modification time
// before it (field "mtime", milliseconds), so that a workbook saved from an email keeps the
// time it was saved, as when dropped into the inbox folder; without it the time is now.
func (s *Server) returnsUpload(w http.ResponseWriter, r *http.Request) {
	p, ok := periodOf(w, r)
	if !ok {
		return
	}
	if s.ws.HasPlan() != nil {
		s.fail(w, r, http.StatusBadRequest, errors.New("还没有计划台账"))
		return
	}
	mr := multipartOf(r)
	if mr == nil {
		s.fail(w, r, http.StatusBadRequest, errors.New("请选择要上传的文件"))
		return
	}
	var stored, notes []string
	var mtime time.Time
	tooMany := false
	for {
		part, err := mr.NextPart()
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				notes = append(notes, fmt.Sprintf("一次上传的内容超过 %d MB，其余文件未保存，请分几次上传。", s.limits.UploadBytes>>20))
			}
			break
		}
		switch part.FormName() {
		case "mtime":
			v, _ := io.ReadAll(io.LimitReader(part, 20))
			if ms, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64); err == nil && ms > 0 {
				mtime = time.UnixMilli(ms)
			}
			continue
		case "files":
		default:
			continue
		}
		if part.FileName() == "" {
			continue
		}
		if len(stored) >= s.limits.Files {
			tooMany = true
			break
		}
		name, err := s.ws.Receive(p, part.FileName(), limitFile(part, s.limits.FileBytes, part.FileName()), mtime)
		mtime = time.Time{}
		if err != nil {
			notes = append(notes, err.Error())
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				notes = append(notes, fmt.Sprintf("一次上传的内容超过 %d MB，其余文件未保存，请分几次上传。", s.limits.UploadBytes>>20))
				break
			}
			continue
		}
		stored = append(stored, name)
	}
	if tooMany {
		notes = append(notes, fmt.Sprintf("一次最多上传 %d 个文件：已保存前 %d 个，其余未保存，请再上传一次。", s.limits.Files, s.limits.Files))
	}
	if len(stored) == 0 {
		msg := "没有收到文件，请选择要上传的文件。"
		if len(notes) > 0 {
			msg = strings.Join(notes, "\n")
		}
		s.fail(w, r, http.StatusBadRequest, errors.New(msg))
		return
	}
	head := fmt.Sprintf("已上传 %d 个文件，保存在%s的收件文件夹中。", len(stored), p.Chinese())
	j := s.jobs.start("收集"+p.Chinese()+"的报送表", link{"查看报送情况", periodURL(p) + "#returns"}, s.collectWork(p, append([]string{head}, notes...)))
	seeOther(w, r, jobURL(j))
}
