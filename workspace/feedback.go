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
func (w *Workspace) writeCollectOutputs(res *CollectResult, drafts bool) error {
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
			if err := workbook.WriteFeedback(path, s, data, ResubmitBy(due, s.Received)); err != nil {
				errs[i] = fmt.Errorf("写入 %s 的反馈表：%w", u, err)
				return nil
			}
			if drafts && !s.Accepted {
				written[i], errs[i] = w.writeReplyDraft(p, period, s, path, ResubmitBy(due, s.Received))
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

// writeReplyDraft writes the email that returns a rejected workbook's feedback to its unit:
// to the address it came from, else the unit's in the ledger. written is false when there is
// neither: the office sends the feedback itself.
func (w *Workspace) writeReplyDraft(p *plan.Plan, period plan.Period, s workbook.Submission, feedback, resubmit string) (written bool, err error) {
	to := s.Sender
	var unit plan.Unit
	for _, u := range p.Units {
		if u.Name == s.Unit {
			unit = u
		}
	}
	if to == "" {
		to = unit.Email
	}
	if to == "" {
		return false, nil
	}
	data, err := os.ReadFile(feedback)
	if err != nil {
		return false, err
	}
	errs := plan.CountErrors(s.Findings)
	greeting := s.Unit
	if unit.Contact != "" {
		greeting += " " + unit.Contact + "同志"
	}
	body := fmt.Sprintf("%s：\n\n您好！贵单位报送的%s任务进展报送表（%s）经检查有 %d 处需要修改，详见附件“%s”表；原表中问题单元格已标红并加粗框，右侧“%s”列注明了每行的问题。\n\n请在原报送表中修改后，于 %s 前重新发送。如有疑问，请联系%s。\n\n%s\n",
		greeting, period.Chinese(), s.Name, errs, workbook.FeedbackSheet, workbook.MarkHeader, chineseDate(resubmit), p.Office.Reach(), p.Office.Name)
	dir := filepath.Join(w.FeedbackDir(period), DraftsDir)
	mail := filepath.Join(dir, strings.TrimSuffix(filepath.Base(feedback), feedbackSuffix)+"_退回修改.eml")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	return true, templates.WriteDraft(mail, templates.Draft{From: p.Office.Email, FromName: p.Office.Name, To: to,
		Subject:     fmt.Sprintf("【请修改后重新报送】%s%s任务进展报送表", s.Unit, period.Chinese()),
		Body:        body,
		Attachments: []templates.Attachment{{Name: filepath.Base(feedback), Data: data}}})
}

// resubmitDays is how long a unit has to send a rejected workbook again when the period's due
// date has passed: three days from when its workbook arrived.
const resubmitDays = 3

// ResubmitBy is the date (YYYY-MM-DD) a rejected workbook received at received is to be sent
// again by: the period's due date, or, when that is less than three days away, three days
// after it arrived. It depends on nothing but the record, so that it is the same each run.
func ResubmitBy(due string, received time.Time) string {
	by := received.Local().AddDate(0, 0, resubmitDays).Format("2006-01-02")
	if due > by {
		return due
	}
	return by
}

// chineseDate writes 2024-01-15 as 2024年1月15日.
func chineseDate(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}
