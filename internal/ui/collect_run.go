package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"planreport/mailbox"
	"planreport/plan"
	"planreport/workbook"
	"planreport/workspace"
)

// collectRun collects what is in the period's inbox: what was uploaded, and what the office
// saved there itself.
func (s *Server) collectRun(w http.ResponseWriter, r *http.Request) {
	p, ok := periodOf(w, r)
	if !ok {
		return
	}
	j := s.jobs.start("收集"+p.Chinese()+"的报送表", link{"查看报送情况", periodURL(p) + "#returns"}, s.collectWork(p, nil, nil, nil))
	seeOther(w, r, jobURL(j))
}

// collectWork runs collect over the period's inbox and says what it found, as the command
// line does: each new file accepted or returned, and the totals. With fetch it first fetches
// the returns from the office mailbox; with send it sends the replies to the rejected.
func (s *Server) collectWork(p plan.Period, head []string, fetch *workspace.FetchOptions, send *workspace.SendOptions) func(context.Context, workspace.Reporter) (outcome, error) {
	return func(ctx context.Context, progress workspace.Reporter) (outcome, error) {
		res, err := s.ws.Collect(ctx, workspace.CollectOptions{Period: p, Drafts: true, Fetch: fetch, Send: send, Program: Program, Progress: progress})
		if res == nil {
			return outcome{Lines: head}, err
		}
		out := outcome{}
		lines := append([]string(nil), head...)
		if res.Fetched != nil {
			fetched, messages := workspace.FetchedLines(res.Fetched)
			lines = append(lines, fetched...)
			if len(messages) > 0 {
				out.Folds = append(out.Folds, fold{fmt.Sprintf("收取的邮件（%d 封）", len(messages)), messages})
			}
		}
		line := fmt.Sprintf("本次收到 %d 份新文件", len(res.Added))
		if res.Repeated > 0 {
			line += fmt.Sprintf("，%d 份此前已收到（未重复处理）", res.Repeated)
		}
		n := workspace.Count(res.Units)
		lines = append(lines, line+"。", fmt.Sprintf("合计：已接收 %d 个单位，未通过 %d 个，未报送 %d 个。", n[workbook.OnTime]+n[workbook.Late], n[workbook.Rejected], n[workbook.Missing]))
		var received []string // accepted, and rejected but since corrected
		latest := res.Collection.Latest()
		for _, sub := range res.Added {
			unit := sub.Unit
			if unit == "" {
				unit = "（未识别单位）"
			}
			switch {
			case sub.Accepted:
				received = append(received, fmt.Sprintf("接收  %s  %s", unit, sub.Name))
			case workbook.Superseded(sub, latest):
				received = append(received, fmt.Sprintf("退回  %s  %s：%d 个错误（该单位后来交回的文件已接收）", unit, sub.Name, plan.CountErrors(sub.Findings)))
			default:
				lines = append(lines, fmt.Sprintf("退回  %s  %s：%d 个错误", unit, sub.Name, plan.CountErrors(sub.Findings)))
			}
		}
		accepted := 0
		for _, sub := range res.Added {
			if sub.Accepted {
				accepted++
			}
		}
		summary := fmt.Sprintf("本次接收的文件（%d 份）", accepted)
		if n := len(received) - accepted; n > 0 {
			summary += fmt.Sprintf("及已由单位更正的退回文件（%d 份）", n)
		}
		out.Folds = append(out.Folds, fold{summary, received})
		for _, sk := range res.Skipped {
			lines = append(lines, "跳过  "+sk)
		}
		if res.Drafts > 0 {
			lines = append(lines, fmt.Sprintf("给未通过单位的回复邮件草稿 %d 封，在“反馈”文件夹。", res.Drafts))
		}
		if len(res.NoAddress) > 0 && res.Sent == nil {
			lines = append(lines, "以下未通过的单位没有电子邮箱，请另行把反馈表发给他们："+strings.Join(res.NoAddress, "、"))
		}
		out.Lines = lines
		sentOutcome(&out, "回复邮件", res.Sent)
		return out, err
	}
}

// sentOutcome adds what became of the messages sent to a job's outcome: the total, each
// message not sent, and those sent, folded.
func sentOutcome(out *outcome, what string, sent *workspace.Sent) {
	if sent == nil {
		return
	}
	out.Lines = append(out.Lines, sent.Total(what))
	out.Lines = append(out.Lines, sent.Lines(mailbox.StatusFailed, mailbox.StatusUnconfirmed, mailbox.StatusNoAddress, mailbox.StatusAlreadySent)...)
	if done := sent.Lines(mailbox.StatusSent, mailbox.StatusWouldSend); len(done) > 0 {
		out.Folds = append(out.Folds, fold{fmt.Sprintf("%s（%d 封）", what, len(done)), done})
	}
}
