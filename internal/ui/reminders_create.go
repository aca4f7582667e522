package ui

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"planreport/workspace"
)

// remindersCreate writes the reminder drafts (催报) to the units missing or rejected.
func (s *Server) remindersCreate(w http.ResponseWriter, r *http.Request) {
	p, ok := periodOf(w, r)
	if !ok {
		return
	}
	j := s.jobs.start("写"+p.Chinese()+"的催报邮件", link{"返回" + p.Chinese(), periodURL(p) + "#reminders"}, func(ctx context.Context, progress workspace.Reporter) (outcome, error) {
		res, err := s.ws.Reminders(p, time.Now().Format("2006-01-02"), Program)
		if res == nil {
			return outcome{}, err
		}
		lines := []string{fmt.Sprintf("催报邮件草稿 %d 封，在“催报”文件夹，可在 Outlook、Foxmail 中打开后发送。", len(res.Drafts))}
		if len(res.NoAddress) > 0 {
			lines = append(lines, fmt.Sprintf("另有 %d 个需催报的单位在计划台账中没有电子邮箱，请电话催报。", len(res.NoAddress)))
		}
		return outcome{Lines: lines}, err
	})
	seeOther(w, r, jobURL(j))
}
