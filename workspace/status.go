package workspace

import (
	"fmt"
	"os"
	"path/filepath"

	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
)

// UnitStatus is one reporting unit's state for a period.
type UnitStatus struct {
	Unit       plan.Unit
	State      workbook.State
	Submission workbook.Submission // the one that counts (Collection.Latest); zero when Missing
	Errors     int                 // errors in it
}

// Statuses works out every reporting unit's state for a period due on due, in registry order.
// check gives the period's templates (which units report).
func Statuses(p *plan.Plan, check *workbook.Context, coll *workbook.Collection, due string) []UnitStatus {
	latest := coll.Latest()
	var out []UnitStatus
	for _, u := range p.Units {
		if check.Template(u.Name) == nil {
			continue
		}
		s, ok := latest[u.Name]
		out = append(out, UnitStatus{Unit: u, State: workbook.StateOf(s, ok, due), Submission: s, Errors: plan.CountErrors(s.Findings)})
	}
	return out
}

// Count counts the units in each state.
func Count(units []UnitStatus) map[workbook.State]int {
	n := map[workbook.State]int{}
	for _, u := range units {
		n[u.State]++
	}
	return n
}

// StatusResult is a period's reporting state.
type StatusResult struct {
	Period plan.Period
	Plan   *plan.Plan
	Due    string
	Issued bool // the period's templates were issued
	Units  []UnitStatus
}

// Status reads a period's reporting state. It reads only.
func (w *Workspace) Status(period plan.Period) (*StatusResult, error) {
	p, err := w.ReadPlan()
	if err != nil {
		return nil, err
	}
	coll, err := w.Collection(period)
	if err != nil {
		return nil, err
	}
	due := w.Due(period)
	return &StatusResult{Period: period, Plan: p, Due: due, Issued: w.Issued(period),
		Units: Statuses(p, workbook.NewContext(p, period, nil), coll, due)}, nil
}

// RemindersResult is what Reminders wrote.
type RemindersResult struct {
	*StatusResult
	Drafts    []string // the reminder drafts written
	NoAddress []string // units to remind with no email address in the ledger
}

// Reminders writes a reminder draft (催报) to each unit that is missing or rejected and has an
// email address, dated date (YYYY-MM-DD). A unit that has not reported gets its template again.
func (w *Workspace) Reminders(period plan.Period, date, program string) (*RemindersResult, error) {
	st, err := w.Status(period)
	if err != nil {
		return nil, err
	}
	l, err := w.Lock(program, "写"+period.Chinese()+"的催报邮件")
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	res := &RemindersResult{StatusResult: st}
	dir := w.RemindersDir(period)
	removeLeftovers(dir)
	p := st.Plan
	names := UnitFileNames(p)
	var reporting []string
	for _, u := range st.Units {
		reporting = append(reporting, u.Unit.Name)
	}
	tplNames := templates.FileNames(period, reporting)
	var errs []error
	for _, u := range st.Units {
		if u.State != workbook.Missing && u.State != workbook.Rejected {
			continue
		}
		if u.Unit.Email == "" {
			res.NoAddress = append(res.NoAddress, u.Unit.Name)
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		greeting := u.Unit.Name
		if u.Unit.Contact != "" {
			greeting += " " + u.Unit.Contact + "同志"
		}
		what := fmt.Sprintf("截至 %s，我们尚未收到贵单位%s的任务进展报送表", date, period.Chinese())
		if u.State == workbook.Rejected {
			what = fmt.Sprintf("贵单位报送的%s任务进展报送表（%s）有 %d 处错误，尚未通过检查，请按附件反馈表（“%s”表列出了每处问题）修改后重新发送", period.Chinese(), u.Submission.Name, u.Errors, workbook.FeedbackSheet)
		}
		body := fmt.Sprintf("%s：\n\n您好！%s。报送截止日期为 %s，请尽快报送。\n\n如已发送，请忽略本邮件；如有疑问，请联系%s。\n\n%s\n",
			greeting, what, st.Due, p.Office.Reach(), p.Office.Name)
		path := filepath.Join(dir, names[u.Unit.Name]+"_催报.eml")
		d := templates.Draft{From: p.Office.Email, FromName: p.Office.Name, To: u.Unit.Email, Subject: fmt.Sprintf("【催报】请报送%s%s任务进展", u.Unit.Name, period.Chinese()), Body: body}
		// A unit that lost its template gets it again; a rejected one its feedback workbook,
		// which says what to fix.
		attach := filepath.Join(w.TemplatesDir(period), tplNames[u.Unit.Name])
		if u.State == workbook.Rejected {
			attach = w.FeedbackPath(period, names, u.Unit.Name)
		}
		if data, err := os.ReadFile(attach); err == nil {
			d.Attachments = []templates.Attachment{{Name: filepath.Base(attach), Data: data}}
		}
		if err := templates.WriteDraft(path, d); err != nil {
			errs = append(errs, err)
			continue
		}
		res.Drafts = append(res.Drafts, path)
	}
	return res, busyOrErr(" planreport status --eml", errs...)
}
