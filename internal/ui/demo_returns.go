package ui

import (
	"context"
	"fmt"
	"net/http"

	"planreport/demo"
	"planreport/workspace"
)

// demoReturns, in the demo's workspace, has its units fill their templates and send them
// back: the files land in 演示交回/周期/, for the person trying the workbench to upload.
func (s *Server) demoReturns(w http.ResponseWriter, r *http.Request) {
	p, ok := periodOf(w, r)
	if !ok {
		return
	}
	j := s.jobs.start("演示：模拟各单位填报交回", link{"返回" + p.Chinese(), periodURL(p) + "#returns"}, func(ctx context.Context, progress workspace.Reporter) (outcome, error) {
		progress(workspace.Progress{Stage: "各单位填写报送表"})
		dir, n, err := demo.Returns(s.ws, p)
		if err != nil {
			return outcome{}, err
		}
		return outcome{Lines: []string{fmt.Sprintf("演示单位交回了 %d 个文件（报送表和邮件 .eml，其中有填错的、逾期的），放在文件夹：", n), absPath(dir),
			"下一步：回到周期页面，点“选择文件”，在这个文件夹中按 Ctrl+A 全选后上传（也可以把文件拖到上传框中）。"}}, nil
	})
	seeOther(w, r, jobURL(j))
}
