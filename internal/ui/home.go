package ui

import (
	"fmt"
	"net/http"
	"time"

	"planreport/demo"
	"planreport/plan"
	"planreport/workspace"
)

// homeData is the home page: the plan, its periods and the next step; or, in a folder with no
// workspace yet, the offer to make one.
type homeData struct {
	Dir        string
	NoPlan     bool
	Plan       *plan.Plan
	Reporting  int // units that report
	PlanErrors int
	Periods    []workspace.PeriodSummary
	Next       link
	NextText   string
	NewPeriod  string // the period the form suggests
	NewDue     string
	Demo       bool
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	d := homeData{Dir: absPath(s.ws.Dir())}
	if s.ws.HasPlan() != nil {
		d.NoPlan = true
		s.render(w, r, http.StatusOK, "home", "创建工作目录", "home", d)
		return
	}
	check, err := s.ws.CheckPlan()
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	d.Plan, d.PlanErrors, d.Demo = check.Plan, plan.CountErrors(check.Findings), demo.Is(check.Plan)
	for _, u := range d.Plan.Units {
		if u.ReportsThrough == "" {
			d.Reporting++
		}
	}
	if d.Periods, err = s.ws.Summaries(); err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	next := suggestPeriod(d.Periods, d.Demo)
	d.NewPeriod, d.NewDue = next.String(), workspace.DefaultDue(next)
	if d.Demo && next.String() == demoPeriod {
		d.NewDue = demoDue
	}
	d.NextText, d.Next = nextStep(d)
	s.render(w, r, http.StatusOK, "home", "工作台", "home", d)
}

// The demo's period and due date, as planreport demo has them.
const (
	demoPeriod = "2023Q4"
	demoDue    = "2024-01-08"
)

// suggestPeriod is the period the create form offers: after the last one, or the quarter
// that ended last (the demo's 2023Q4 in the demo).
func suggestPeriod(periods []workspace.PeriodSummary, isDemo bool) plan.Period {
	if len(periods) > 0 {
		return periods[len(periods)-1].Period.Next()
	}
	if isDemo {
		p, _ := plan.ParsePeriod(demoPeriod)
		return p
	}
	now := time.Now()
	q := plan.Period{Kind: plan.Quarterly, Year: now.Year(), N: (int(now.Month())-1)/3 + 1}
	return q.Previous()
}

// nextStep names what the office does next.
func nextStep(d homeData) (string, link) {
	if d.PlanErrors > 0 {
		return fmt.Sprintf("计划台账有 %d 个错误，相关任务可能缺少单位：请先处理。", d.PlanErrors), link{"查看计划检查结果", "/plan"}
	}
	if len(d.Periods) == 0 {
		return "为第一个报送周期生成各单位的报送模板（在下方填写周期和截止日期）。", link{}
	}
	last := d.Periods[len(d.Periods)-1]
	u := link{"打开" + last.Period.Chinese(), periodURL(last.Period)}
	switch last.Stage {
	case workspace.StageNew:
		return last.Period.Chinese() + "还没有生成模板。", u
	case workspace.StageIssued:
		return "把模板发给各单位；单位交回后，在周期页面上传交回的文件。", u
	case workspace.StageCollecting:
		missing := last.Units - last.Accepted
		if missing > 0 {
			return fmt.Sprintf("%s已接收 %d/%d 个单位：继续上传交回的文件，催报其余 %d 个单位；收齐后出具报告。", last.Period.Chinese(), last.Accepted, last.Units, missing), u
		}
		return last.Period.Chinese() + "各单位均已接收：出具报告。", u
	}
	return last.Period.Chinese() + "已出具报告。下一个周期到来时，在下方生成模板。", u
}
