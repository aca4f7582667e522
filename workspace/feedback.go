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

	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
)

// writeCollectOutputs writes the findings workbook and each unit's feedback workbook (and,
// with drafts, the reply drafts) from the collection, so that they always match it. Every
// output is tried: one held open in Excel does not keep the others from being written.
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
	written := make([]bool, len(units))
	noAddress := make([]bool, len(units))
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
				written[i], errs[i] = w.writeReplyDraft(p, period, s, path, annotated, w.TemplatePath(period, tplNames, u), ResubmitBy(due, s.Received))
				noAddress[i] = !written[i] && errs[i] == nil
			}
			crashPoint("feedback")
			return nil
		})
	}
	g.Wait()
	for i, ok := range written {
		if ok {
			res.Drafts++
		}
		if noAddress[i] {
			res.NoAddress = append(res.NoAddress, units[i])
		}
	}
	return errors.Join(errs...)
}

// writeReplyDraft writes the email that returns a rejected workbook to its unit, saying what its
// findings say (letterFor): with its feedback workbook, or, when it is on the wrong form, this
// period's template (tpl) to copy the answers into. It goes to the unit's address in the
// ledger, else to the address it came from (a forwarded message's own sender, not the
// forwarder); written is false when there is neither: the office sends the feedback itself.
func (w *Workspace) writeReplyDraft(p *plan.Plan, period plan.Period, s workbook.Submission, feedback string, annotated bool, tpl, resubmit string) (written bool, err error) {
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
	if to == "" {
		return false, nil
	}
	var attach []templates.Attachment
	template, err := os.ReadFile(tpl)
	if err != nil {
		template, tpl = nil, ""
	}
	l := letterFor(s, filepath.Base(feedback), annotated, fileName(tpl), resubmit)
	switch l.remedy {
	case workbook.RemedyTemplate:
		if template != nil {
			attach = append(attach, templates.Attachment{Name: filepath.Base(tpl), Data: template})
		}
	case workbook.RemedyFix:
		data, err := os.ReadFile(feedback)
		if err != nil {
			return false, err
		}
		attach = append(attach, templates.Attachment{Name: filepath.Base(feedback), Data: data})
	}
	dir := filepath.Join(w.FeedbackDir(period), DraftsDir)
	mail := filepath.Join(dir, strings.TrimSuffix(filepath.Base(feedback), feedbackSuffix)+"_退回修改.eml")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	return true, templates.WriteDraft(mail, templates.Draft{From: p.Office.Email, FromName: p.Office.Name, To: to,
		Subject:     fmt.Sprintf("【%s】%s%s任务进展报送表", l.subject, s.Unit, period.Chinese()),
		Body:        replyBody(p, period, unit, s, l),
		Attachments: attach})
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
