package workspace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"planreport/mailbox"
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
	Record *workbook.Collection // the period's record as read
}

// Status reads a period's reporting state. It reads only.
func (w *Workspace) Status(period plan.Period) (*StatusResult, error) {
	p, err := w.ReadPlan()
	if err != nil {
		return nil, err
	}
	return w.StatusOf(p, workbook.NewContext(p, period, nil), period)
}

// StatusOf is Status for a plan already read and its checking context for the period.
// Making the context expands the plan's groups into every unit's tasks, most of Status's
// time at 1,000 units: a caller that shows the state again and again (the web page) keeps
// both while the ledger is unchanged.
func (w *Workspace) StatusOf(p *plan.Plan, check *workbook.Context, period plan.Period) (*StatusResult, error) {
	coll, err := w.Collection(period)
	if err != nil {
		return nil, err
	}
	due := w.Due(period)
	return &StatusResult{Period: period, Plan: p, Due: due, Issued: w.Issued(period),
		Units: Statuses(p, check, coll, due), Record: coll}, nil
}

// RemindersOptions say which reminders to write, and whether to send them.
type RemindersOptions struct {
	Period plan.Period
	Date   string // the reminders' date, YYYY-MM-DD: "截至 …"
	// Send sends the reminders through the office mailbox, as their drafts have them; nil
	// sends nothing. A reminder dated another day is another message: it goes again.
	Send     *SendOptions
	Program  string
	Progress Reporter
}

// RemindersResult is what Reminders wrote.
type RemindersResult struct {
	*StatusResult
	Drafts    []string          // the reminder drafts written
	NoAddress []string          // units to remind with no email address in the ledger
	Mail      []mailbox.Message // the reminders, those to NoAddress (no To) too
	Sent      *Sent             // what Send did
}

// Reminders writes a reminder draft (催报) to each unit that is missing or rejected and has an
// email address, dated o.Date. A unit that has not reported gets its template again.
func (w *Workspace) Reminders(ctx context.Context, o RemindersOptions) (*RemindersResult, error) {
	period := o.Period
	st, err := w.Status(period)
	if err != nil {
		return nil, err
	}
	if err := w.needIssued(period); err != nil {
		return nil, err
	}
	if err := checkResend(st.Plan, o.Send); err != nil {
		return nil, err
	}
	ms, err := w.mailSettings(o.Send, nil)
	if err != nil {
		return nil, err
	}
	l, err := w.Lock(o.Program, "写"+period.Chinese()+"的催报邮件")
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
		// A unit that sent nothing is told so and gets its template again; a unit whose return
		// was not accepted is told why and what to do, as its reply was (letterFor), with the
		// template when it must redo the return on it, else with its feedback workbook, which
		// marks every problem. None is told nothing arrived.
		rejected := u.State == workbook.Rejected
		tpl := filepath.Join(w.TemplatesDir(period), tplNames[u.Unit.Name])
		template, err := os.ReadFile(tpl)
		if err != nil {
			template, tpl = nil, ""
		}
		feedbackPath, feedbackName := w.FeedbackPath(period, names, u.Unit.Name), ""
		feedback, err := os.ReadFile(feedbackPath)
		if err == nil && rejected {
			feedbackName = filepath.Base(feedbackPath)
		}
		resubmit := ""
		if rejected {
			resubmit = ResubmitBy(st.Due, u.Submission.Received)
		}
		lt := letterFor(u.Submission, feedbackName, false, fileName(tpl), resubmit)
		m := templates.OfficeMail(p.Office, mailbox.KindReminder, u.Unit.Name, u.Unit.Email)
		m.Subject = fmt.Sprintf("【催报】请报送%s%s任务进展", u.Unit.Name, period.Chinese())
		if rejected {
			m.Subject = fmt.Sprintf("【催报】%s%s任务进展报送表尚未通过检查，%s", u.Unit.Name, period.Chinese(), lt.subject)
		}
		m.Body = reminderBody(p, period, u.Unit, u.Submission, rejected, lt, o.Date, st.Due)
		switch {
		case template != nil && (!rejected || lt.remedy == workbook.RemedyTemplate):
			m.Attachments = []mailbox.Attachment{{Name: filepath.Base(tpl), Data: template}}
		case feedbackName != "" && lt.remedy == workbook.RemedyFix:
			m.Attachments = []mailbox.Attachment{{Name: feedbackName, Data: feedback}}
		}
		// A reminder is known by what it says: dated another day, or about other problems, it
		// is a new one; with its feedback workbook made again, the same.
		m.Key = mailbox.KindReminder + "/" + u.Unit.Name + "/" + m.Said()
		if m.To == "" {
			res.NoAddress = append(res.NoAddress, u.Unit.Name)
			res.Mail = append(res.Mail, m)
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		path := filepath.Join(dir, names[u.Unit.Name]+"_催报.eml")
		if err := mailbox.WriteDraft(path, m); err != nil {
			errs = append(errs, err)
			continue // a message goes only as its draft says
		}
		res.Drafts = append(res.Drafts, path)
		res.Mail = append(res.Mail, m)
	}
	var sendErr error
	if o.Send != nil {
		res.Sent, sendErr = w.send(ctx, period, ms, res.Mail, o.Send, o.Progress)
	}
	return res, errors.Join(busyOrErr(" planreport status --eml", errs...), sendErr)
}
