package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"planreport/fonts"
	"planreport/plan"
	"planreport/report"
	"planreport/report/brief"
	"planreport/report/docx"
	rpdf "planreport/report/pdf"
	"planreport/report/summary"
)

// ReportOptions say which report to write.
type ReportOptions struct {
	Period plan.Period
	Date   string // the report's date, YYYY-MM-DD
	// FontDirs are the folders to look in for the official faces (仿宋, 黑体, 楷体, 小标宋);
	// none looks in the computer's font folders (fonts.SystemDirs).
	FontDirs []string
	Program  string
	Progress Reporter
}

// ReportResult is the report written.
type ReportResult struct {
	Report      *report.Report
	PDF         string
	DOCX        string // the same brief as a Word document, for the office to edit
	Workbook    string
	NoReturns   bool   // nothing was received for the period yet: every unit is missing
	Unprintable []rune // characters no font has, printed as pdf.Missing
	// Notes is the office's text for 存在问题和下一步工作 that the brief quotes, "" when the
	// office has written none (the brief then shows a marked placeholder).
	Notes     string
	NotesPath string
	MainPages int            // pages of the brief's main text
	Fonts     []rpdf.FontUse // the fonts the PDF was set in, by style
	Skipped   []string       // fonts with an official face's name that could not be used
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
	// The fonts on disk are looked for while the period is consolidated.
	type found struct {
		set *fonts.Set
		err error
	}
	fontsFound := make(chan found, 1)
	go func() {
		dirs := o.FontDirs
		if len(dirs) == 0 {
			dirs = fonts.SystemDirs()
		}
		set, err := fonts.Find(dirs...)
		fontsFound <- found{set, err}
	}()
	r, err := report.Consolidate(p, inputs, o.Date)
	f := <-fontsFound
	if err != nil {
		return nil, err
	}
	if f.err != nil {
		return nil, f.err
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
		PDF: w.ReportPDF(o.Period), Workbook: w.ReportWorkbook(o.Period), DOCX: w.ReportDOCX(o.Period)}
	crashPoint("consolidated")
	o.Progress.report(Progress{Stage: "生成 PDF 报告", Done: 1, Total: 3})
	res.NotesPath = w.NotesPath(o.Period)
	if res.Notes, err = readNotes(res.NotesPath); err != nil {
		return nil, err
	}
	res.Skipped = f.set.Skipped
	// The staff's workbook is written beside the brief; the Word version, which takes the
	// PDF's page numbers for its contents, once the PDF is laid out, while it is written.
	var wbErr, docxErr error
	var wg sync.WaitGroup
	wg.Go(func() { wbErr = summary.Write(r, res.Workbook) })
	rel, _ := filepath.Rel(w.dir, res.NotesPath)
	b := brief.Build(r, brief.OfficeText{Path: rel, Text: res.Notes})
	printed, pdfErr := rpdf.Layout(b, f.set)
	var pages map[string]int
	if pdfErr == nil {
		res.Unprintable, res.Fonts, res.MainPages, pages = printed.Unprintable, printed.Fonts, printed.MainPages, printed.Contents
	}
	wg.Go(func() { docxErr = docx.Write(b, docx.Options{Faces: docx.FacesOf(f.set), Pages: pages}, res.DOCX) })
	if pdfErr == nil {
		if pdfErr = printed.Write(res.PDF); pdfErr == nil {
			crashPoint("pdf")
		}
	}
	o.Progress.report(Progress{Stage: "生成 Word 版和汇总表", Done: 2, Total: 3})
	wg.Wait()
	o.Progress.report(Progress{Stage: "完成", Done: 3, Total: 3})
	return res, busyOrErr(" planreport report", pdfErr, docxErr, wbErr)
}

// readNotes reads the office's text for 存在问题和下一步工作: a text file in any encoding
// plan documents come in, or the same name as .docx; "" when there is neither.
func readNotes(path string) (string, error) {
	for _, p := range []string{path, strings.TrimSuffix(path, filepath.Ext(path)) + ".docx"} {
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("读取办公室撰写的%s：%w", p, err)
		}
		text, _, err := plan.DocumentText(p, data)
		if err != nil {
			return "", fmt.Errorf("读取办公室撰写的%s：%w（请保存为 UTF-8 或 GBK 编码的文本文件，或 .docx）", p, err)
		}
		return strings.TrimSpace(text), nil
	}
	return "", nil
}
