package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"planreport/plan"
	"planreport/workspace"
)

// remindersCreate writes the reminder drafts (催报) to the units missing or rejected.
func (s *Server) remindersCreate(w http.ResponseWriter, r *http.Request) {
	p, ok := periodOf(w, r)
	if !ok {
		return
	}
	j := s.jobs.start("写"+p.Chinese()+"的催报邮件", link{"返回" + p.Chinese(), periodURL(p) + "#reminders"}, s.remindersWork(p, nil))
	seeOther(w, r, jobURL(j))
}

// remindersSend writes the reminders and sends them through the office mailbox: a reminder
// dated today goes once.
func (s *Server) remindersSend(w http.ResponseWriter, r *http.Request) {
	p, ok := periodOf(w, r)
	if !ok {
		return
	}
	send := &workspace.SendOptions{Password: formPassword(r)}
	j := s.jobs.start("通过单位邮箱发送"+p.Chinese()+"的催报邮件", link{"返回" + p.Chinese(), periodURL(p) + "#reminders"}, s.remindersWork(p, send))
	seeOther(w, r, jobURL(j))
}

// remindersWork writes the reminders dated today, and with send sends them.
func (s *Server) remindersWork(p plan.Period, send *workspace.SendOptions) func(context.Context, workspace.Reporter) (outcome, error) {
	return func(ctx context.Context, progress workspace.Reporter) (outcome, error) {
		res, err := s.ws.Reminders(ctx, workspace.RemindersOptions{Period: p, Date: time.Now().Format("2006-01-02"), Send: send, Program: Program, Progress: progress})
		if res == nil {
			return outcome{}, err
		}
		lines := []string{fmt.Sprintf("催报邮件草稿 %d 封，在“催报”文件夹，可在 Outlook、Foxmail 中打开后发送。", len(res.Drafts))}
		if len(res.NoAddress) > 0 {
			lines = append(lines, fmt.Sprintf("另有 %d 个需催报的单位在计划台账中没有电子邮箱，请电话催报：%s。", len(res.NoAddress), strings.Join(res.NoAddress, "、")))
		}
		out := outcome{Lines: lines}
		sentOutcome(&out, "催报邮件", res.Sent)
		return out, err
	}
}
