package workspace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
)

// TemplatesOptions say how to issue a period's templates.
type TemplatesOptions struct {
	Period   plan.Period
	Due      string // YYYY-MM-DD; "" keeps the period's due date (Due), DefaultDue the first time
	Password string // sheet protection password; "" protects without one
	Drafts   bool   // also write an email draft per unit with an address
	// Send sends each unit its template through the office mailbox, as its draft has it
	// (Drafts is implied); nil sends nothing.
	Send     *SendOptions
	Program  string // who runs it, for the lock
	Progress Reporter
}

// TemplatesResult is what IssueTemplates wrote.
type TemplatesResult struct {
	*templates.Result
	PlanErrors int    // errors plan check finds in the ledger: some tasks may lack units
	NoOffice   bool   // the ledger names no office to ask: the templates say 请向报送办公室询问
	Inbox      string // where the office puts what comes back
	Sent       *Sent  // what Send did
}

// IssueTemplates writes every reporting unit's template for a period, with the index and,
// when asked, the email drafts, and records the period's due date. The previous period's
// accepted values show in the templates, and its cache of them is written for collect. With
// Send, it then sends the drafts' messages (a template already sent to a unit is not sent
// again, whatever was issued since).
func (w *Workspace) IssueTemplates(ctx context.Context, o TemplatesOptions) (*TemplatesResult, error) {
	p, err := w.ReadPlan()
	if err != nil {
		return nil, err
	}
	if o.Due == "" {
		o.Due = w.Due(o.Period)
	}
	if err := checkResend(p, o.Send); err != nil {
		return nil, err
	}
	ms, err := w.mailSettings(o.Send, nil)
	if err != nil {
		return nil, err
	}
	l, err := w.Lock(o.Program, "生成"+o.Period.Chinese()+"的报送模板")
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	// The plan is checked (to count its errors) while last period's reports are read.
	checked := make(chan []plan.Finding, 1)
	go func() { checked <- p.Check() }()
	previous, err := workbook.Previous(w.PeriodDir(o.Period.Previous()), p, o.Period.Previous())
	findings := <-checked
	if err != nil {
		return nil, fmt.Errorf("读取上一周期（%s）的报送：%w", o.Period.Previous().Chinese(), err)
	}
	res := &TemplatesResult{PlanErrors: plan.CountErrors(findings), Inbox: w.InboxDir(o.Period)}
	for _, f := range findings {
		res.NoOffice = res.NoOffice || f.Rule == plan.RuleOfficeMissing
	}
	ts := templates.Build(p, o.Period, previous)
	if len(ts) == 0 {
		return nil, fmt.Errorf("没有任何单位分到任务，未生成模板。请运行 planreport plan check %s 检查单位表和分组表", QuoteArg(w.ledger))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.Progress.report(Progress{Stage: "生成报送模板", Total: len(ts)})
	removeLeftovers(w.TemplatesDir(o.Period))
	opts := templates.Options{Period: o.Period, Due: o.Due, Password: o.Password, Office: p.Office,
		PlanTitle: p.Title, PlanFingerprint: p.Fingerprint()}
	issued, issueErr := templates.Issue(w.TemplatesDir(o.Period), ts, opts, o.Drafts || o.Send != nil)
	if issued == nil {
		return nil, issueErr
	}
	res.Result = issued
	o.Progress.report(Progress{Stage: "生成报送模板", Done: len(ts), Total: len(ts)})
	// Issued stays when the templates were first issued: collect --imap fetches from then on,
	// and a return that came in before they were issued again is not left behind.
	first := time.Now().Format(time.RFC3339)
	if old, ok := w.Settings(o.Period); ok && old.Issued != "" {
		first = old.Issued
	}
	if err := w.writeSettings(o.Period, PeriodSettings{Period: o.Period.String(), Due: o.Due, Issued: first}); err != nil {
		return nil, err
	}
	// Where the office puts what comes back (the README says so); collect reads it.
	if err := os.MkdirAll(res.Inbox, 0o755); err != nil {
		return nil, fmt.Errorf("创建收件文件夹 %s：%w", res.Inbox, err)
	}
	var sendErr error
	if o.Send != nil {
		res.Sent, sendErr = w.send(ctx, o.Period, ms, issued.Mail, o.Send, o.Progress)
	}
	if err := busyOrErr(" planreport templates", issueErr); err != nil {
		return res, errors.Join(err, sendErr)
	}
	return res, sendErr
}

// IssuedTemplates lists the templates issued for a period, as IssueTemplates wrote them,
// without writing anything: what a reminder attaches, what the demo fills.
func (w *Workspace) IssuedTemplates(p *plan.Plan, period plan.Period) []templates.Issued {
	ts := templates.Build(p, period, nil)
	units := make([]string, len(ts))
	for i, t := range ts {
		units[i] = t.Unit.Name
	}
	names := templates.FileNames(period, units)
	out := make([]templates.Issued, len(ts))
	for i, t := range ts {
		out[i] = templates.Issued{Unit: t.Unit.Name, Path: filepath.Join(w.TemplatesDir(period), names[t.Unit.Name]), Tasks: len(t.Rows)}
	}
	return out
}
