package workspace

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"planreport/mailbox"
	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
)

// writeCollectOutputs writes the findings workbook and each unit's feedback workbook (and,
// with drafts, the replies to the units not accepted: res.Mail, and their drafts) from the
// collection, so that they always match it. Every output is tried: one held open in Excel does
// not keep the others from being written.
func (w *Workspace) writeCollectOutputs(res *CollectResult, check *workbook.Context, drafts bool) error {
	period, p, coll := res.Period, res.Plan, res.Collection
	latest := coll.Latest()
	var units []string // with findings, in order
	for u, s := range latest {
		if len(s.Findings) > 0 {
			units = append(units, u)
		}
	}
	sort.Strings(units)
	if len(units) > 0 {
		if err := os.MkdirAll(w.FeedbackDir(period), 0o755); err != nil {
			return err
		}
	}
	errs := make([]error, len(units)+1)
	replies := make([]*mailbox.Message, len(units))
	names := UnitFileNames(p, units...)
	tplNames := templates.FileNames(period, reportingUnits(p, check))
	due := w.Due(period)
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	g.Go(func() error {
		if errs[len(units)] = workbook.WriteFindings(w.FindingsPath(period), coll); errs[len(units)] == nil {
			crashPoint("findings")
		}
		return nil
	})
	for i, u := range units {
		g.Go(func() error {
			s := latest[u]
			data, err := coll.ReadArchived(s)
			if err != nil {
				errs[i] = err
				return nil
			}
			path := w.FeedbackPath(period, names, u)
			annotated, err := workbook.WriteFeedback(path, s, data, ResubmitBy(due, s.Received))
			if err != nil {
				errs[i] = fmt.Errorf("写入 %s 的反馈表：%w", u, err)
				return nil
			}
			if drafts && !s.Accepted {
				replies[i], errs[i] = w.writeReply(p, period, s, path, annotated, w.TemplatePath(period, tplNames, u), ResubmitBy(due, s.Received))
			}
			crashPoint("feedback")
			return nil
		})
	}
	g.Wait()
	for i, m := range replies {
		switch {
		case m == nil:
		case m.To == "":
			res.NoAddress = append(res.NoAddress, units[i])
			res.Mail = append(res.Mail, *m)
		default:
			res.Drafts++
			res.Mail = append(res.Mail, *m)
		}
	}
	return errors.Join(errs...)
}

// reply is the email that returns a rejected workbook to its unit, saying what its findings
// say (letterFor): with its feedback workbook (at feedback), or, when it is on the wrong form,
// this period's template (tpl) to copy the answers into. It goes to the unit's address in the
// ledger, else to the address it came from (a forwarded message's own sender, not the
// forwarder); To is empty when there is neither. Its key is the rejected file's: the reply to
// a return goes once, however often its feedback workbook is made again.
func reply(p *plan.Plan, period plan.Period, s workbook.Submission, feedback string, annotated bool, tpl, resubmit string) (mailbox.Message, error) {
	var unit plan.Unit
	for _, u := range p.Units {
		if u.Name == s.Unit {
			unit = u
		}
	}
	to := unit.Email
	if to == "" {
		to = s.Sender
	}
	m := templates.OfficeMail(p.Office, mailbox.KindReply, s.Unit, to)
	m.Key = mailbox.KindReply + "/" + s.Unit + "/" + s.SHA256
	template, err := os.ReadFile(tpl)
	if err != nil {
		template, tpl = nil, ""
	}
	l := letterFor(s, filepath.Base(feedback), annotated, fileName(tpl), resubmit)
	switch l.remedy {
	case workbook.RemedyTemplate:
		if template != nil {
			m.Attachments = append(m.Attachments, mailbox.Attachment{Name: filepath.Base(tpl), Data: template})
		}
	case workbook.RemedyFix:
		data, err := os.ReadFile(feedback)
		if err != nil {
			return m, err
		}
		m.Attachments = append(m.Attachments, mailbox.Attachment{Name: filepath.Base(feedback), Data: data})
	}
	m.Subject = fmt.Sprintf("【%s】%s%s任务进展报送表", l.subject, s.Unit, period.Chinese())
	m.Body = replyBody(p, period, unit, s, l)
	return m, nil
}

// writeReply makes the reply to a rejected return and writes its draft, when it has an
// address, beside the feedback workbooks: the reply is returned only when its draft says what
// it says (or it has no address, for a send to list).
func (w *Workspace) writeReply(p *plan.Plan, period plan.Period, s workbook.Submission, feedback string, annotated bool, tpl, resubmit string) (*mailbox.Message, error) {
	m, err := reply(p, period, s, feedback, annotated, tpl, resubmit)
	if err != nil {
		return nil, err
	}
	if m.To == "" {
		return &m, nil
	}
	dir := filepath.Join(w.FeedbackDir(period), DraftsDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := mailbox.WriteDraft(filepath.Join(dir, strings.TrimSuffix(filepath.Base(feedback), feedbackSuffix)+"_退回修改.eml"), m); err != nil {
		return nil, err
	}
	return &m, nil
}

// reportingUnits are the units that report for a period (check gives its templates), in
// registry order.
func reportingUnits(p *plan.Plan, check *workbook.Context) []string {
	var out []string
	for _, u := range p.Units {
		if check.Template(u.Name) != nil {
			out = append(out, u.Name)
		}
	}
	return out
}

// resubmitDays is how long a unit has to send a rejected workbook again when the period's due
// date has passed: three days from when its workbook arrived.
const resubmitDays = 3

// ResubmitBy is the date (YYYY-MM-DD) a rejected workbook received at received is to be sent
// again by: the period's due date, or, when that is less than three days away, three days
// after it arrived, in the office's time zone. It depends on nothing but the record, so that
// it is the same each run.
func ResubmitBy(due string, received time.Time) string {
	by := received.In(workbook.Zone).AddDate(0, 0, resubmitDays).Format("2006-01-02")
	if due > by {
		return due
	}
	return by
}
