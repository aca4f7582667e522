package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"planreport/report"
	"planreport/workspace"
)

// reportGenerate writes the period's printed report and summary workbook.
func (s *Server) reportGenerate(w http.ResponseWriter, r *http.Request) {
	p, ok := periodOf(w, r)
	if !ok {
		return
	}
	date, err := workspace.ParseDay(strings.TrimSpace(r.PostFormValue("date")))
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	j := s.jobs.start("出具"+p.Chinese()+"的报告", link{"返回" + p.Chinese(), periodURL(p) + "#report"}, func(ctx context.Context, progress workspace.Reporter) (outcome, error) {
		res, err := s.ws.Report(ctx, workspace.ReportOptions{Period: p, Date: date, Program: Program, Progress: progress})
		if res == nil {
			return outcome{}, err
		}
		rep := res.Report
		lines := []string{fmt.Sprintf("%s：%d 项任务，红灯 %d、黄灯 %d、绿灯 %d。", p.Chinese(), len(rep.Tasks), rep.Lights[report.Red], rep.Lights[report.Yellow], rep.Lights[report.Green])}
		if res.NoReturns {
			lines = append(lines, "注意：还没有收到任何报送表，报告中各单位均为未报送。")
		}
		if res.Notes == "" {
			lines = append(lines, "“存在问题和下一步工作”尚未撰写，报告中留有待填写的标记：请写入工作目录中的 "+p.String()+"/"+workspace.NotesName+" 后重新出具。")
		}
		out := outcome{Lines: lines}
		if u := s.fileURL(res.PDF); u != "" {
			out.Links = append(out.Links, link{"下载 PDF 报告", u})
		}
		if u := s.fileURL(res.DOCX); u != "" {
			out.Links = append(out.Links, link{"下载 Word 版（供修改）", u})
		}
		if u := s.fileURL(res.Workbook); u != "" {
			out.Links = append(out.Links, link{"下载汇总表", u})
		}
		return out, err
	})
	seeOther(w, r, jobURL(j))
}
