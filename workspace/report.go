package workspace

import (
	"context"
	"fmt"
	"os"

	"planreport/plan"
	"planreport/report"
	rpdf "planreport/report/pdf"
	"planreport/report/summary"
)

// ReportOptions say which report to write.
type ReportOptions struct {
	Period   plan.Period
	Date     string // the report's date, YYYY-MM-DD
	Program  string
	Progress Reporter
}

// ReportResult is the report written.
type ReportResult struct {
	Report      *report.Report
	PDF         string
	Workbook    string
	NoReturns   bool   // nothing was received for the period yet: every unit is missing
	Unprintable []rune // characters no embedded font has, printed as pdf.Missing
}

// Inputs are the periods a report reads: the periods of the same length as p, up to p, that
// have a record in the workspace, oldest first, ending with p itself (collected or not). The
// earlier ones give the trend.
func (w *Workspace) Inputs(p plan.Period) ([]report.Input, error) {
	periods, err := w.Periods()
	if err != nil {
		return nil, err
	}
	var out []report.Input
	for _, q := range periods {
		if q.Kind != p.Kind || !q.Start().Before(p.Start()) || !w.collected(q) {
			continue
		}
		c, err := w.Collection(q)
		if err != nil {
			return nil, err
		}
		out = append(out, report.Input{Period: q, Due: w.Due(q), Collection: c})
	}
	c, err := w.Collection(p)
	if err != nil {
		return nil, err
	}
	return append(out, report.Input{Period: p, Due: w.Due(p), Collection: c}), nil
}

// Report consolidates a period and writes its printed report and summary workbook into the
// period's 报告 folder. Both are always tried: one held open does not keep the other from
// being written.
func (w *Workspace) Report(ctx context.Context, o ReportOptions) (*ReportResult, error) {
	p, err := w.ReadPlan()
	if err != nil {
		return nil, err
	}
	if err := w.needIssued(o.Period); err != nil {
		return nil, err
	}
	l, err := w.Lock(o.Program, "出具"+o.Period.Chinese()+"的报告")
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	inputs, err := w.Inputs(o.Period)
	if err != nil {
		return nil, err
	}
	o.Progress.report(Progress{Stage: "汇总", Total: 3})
	r, err := report.Consolidate(p, inputs, o.Date)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dir := w.ReportDir(o.Period)
	removeLeftovers(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("创建报告文件夹：%w", err)
	}
	res := &ReportResult{Report: r, NoReturns: len(inputs[len(inputs)-1].Collection.Submissions) == 0,
		PDF: w.ReportPDF(o.Period), Workbook: w.ReportWorkbook(o.Period)}
	crashPoint("consolidated")
	o.Progress.report(Progress{Stage: "生成 PDF 报告", Done: 1, Total: 3})
	pdfErr := rpdf.Write(r, res.PDF)
	if pdfErr == nil {
		crashPoint("pdf")
	}
	res.Unprintable = r.Unprintable
	o.Progress.report(Progress{Stage: "生成汇总表", Done: 2, Total: 3})
	wbErr := summary.Write(r, res.Workbook)
	o.Progress.report(Progress{Stage: "完成", Done: 3, Total: 3})
	return res, busyOrErr(" planreport report", pdfErr, wbErr)
}
