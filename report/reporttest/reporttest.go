// Package reporttest builds reports for the report writers' tests: a tiny plan collected over
// two quarters from workbooks filled as units fill them, and synthetic reports of any size.
package reporttest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"planreport/plan"
	"planreport/report"
	"planreport/templates"
	"planreport/workbook"
)

// PlanText is a tiny plan: two parts, two sections, tasks with a past, a current, a coming
// and no deadline, one with two leads.
const PlanText = `测试区法治政府建设行动计划
一、主要任务
（一）完善制度体系
1.完善行政决策制度。（牵头单位：区司法局；责任单位：区财政局、宝山镇；完成时限：2023年）
2.规范执法程序。（牵头单位：区司法局、区财政局；完成时限：长期坚持）
（二）规范执法行为
3.推进执法公示。（牵头单位：宝山镇；责任单位：区司法局；完成时限：2024年3月底前）
4.加强执法监督。（牵头单位：区档案馆；完成时限：2022年）
二、保障措施
5.加强组织领导。（牵头单位：区司法局；完成时限：2023年）
`

// The text a unit types to try to make the office's workbook run something.
const (
	Injection = `=HYPERLINK("http://evil","点我")`
	Plus      = "+1"
	Minus     = "-1"
	At        = "@x"
)

// Row is how a unit fills one task row: status, percent, progress, problems, next steps,
// evidence.
type Row struct {
	Status   string
	Percent  int
	Progress string
	Problems string
	Next     string
	Evidence string
}

// Send is one workbook a unit sends.
type Send struct {
	Unit     string // "" sends a workbook that is not a template at all
	Received time.Time
	Rows     map[string]Row    // by task id
	Notes    map[string]string // a note row the unit inserts below a task's row, by task id
	Filled   string            // the 填报日期 it types; "" types 2024-01-05
}

// Collect issues period's templates, fills them as sends says, checks them as collect
// would and adds them to a new collection.
func Collect(t testing.TB, p *plan.Plan, period plan.Period, due string, sends []Send) report.Input {
	t.Helper()
	dir := t.TempDir()
	res, err := templates.Issue(filepath.Join(dir, "模板"), templates.Build(p, period, nil), templates.Options{Period: period, Due: due,
		PlanTitle: p.Title, PlanFingerprint: p.Fingerprint()}, false)
	if err != nil {
		t.Fatal(err)
	}
	issued := map[string]string{}
	for _, it := range res.Templates {
		issued[it.Unit] = it.Path
	}
	ctx := workbook.NewContext(p, period, nil)
	coll, err := workbook.OpenCollection(dir, period)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sends {
		var data []byte
		name := "不明文件.xlsx"
		if s.Unit == "" {
			f := excelize.NewFile()
			f.SetCellValue("Sheet1", "A1", "随便写的")
			b, err := f.WriteToBuffer()
			if err != nil {
				t.Fatal(err)
			}
			data = b.Bytes()
		} else {
			name = templates.FileName(period, s.Unit)
			data = Fill(t, issued[s.Unit], ctx.Template(s.Unit), s)
		}
		sub := workbook.Submission{Name: name, Source: name, Received: s.Received}
		sub.SetReport(ctx.Check(name, data, ""))
		if _, err := coll.Add(sub, data); err != nil {
			t.Fatal(err)
		}
	}
	return report.Input{Period: period, Due: due, Collection: coll}
}

// Fill fills a unit's template as s says, with excelize, as a unit's Excel would.
func Fill(t testing.TB, path string, tpl *templates.Template, s Send) []byte {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, r := range tpl.Rows {
		v, ok := s.Rows[r.TaskID]
		if !ok {
			t.Fatalf("%s: no row for task %s", tpl.Unit.Name, r.TaskID)
		}
		row := i + 2
		// In a fixed order, so that the same fill gives the same bytes (and SHA-256).
		cells := []any{v.Status, v.Percent, v.Progress, v.Problems, v.Next, v.Evidence}
		if err := f.SetSheetRow(templates.SheetTasks, fmt.Sprintf("G%d", row), &cells); err != nil {
			t.Fatal(err)
		}
	}
	// Who filled it, at the task sheet's foot, before any note row moves the foot down.
	filled := s.Filled
	if filled == "" {
		filled = "2024-01-05"
	}
	for i, v := range []string{"张伟", "010-69600001", "李强", filled} {
		f.SetCellValue(templates.SheetTasks, tpl.FillerCell(templates.FillerLabels[i]), v)
	}
	// Notes go in from the last row up, so that each lands below its task's row.
	for i := len(tpl.Rows) - 1; i >= 0; i-- {
		if note := s.Notes[tpl.Rows[i].TaskID]; note != "" {
			if err := f.InsertRows(templates.SheetTasks, i+3, 1); err != nil {
				t.Fatal(err)
			}
			f.SetCellValue(templates.SheetTasks, fmt.Sprintf("A%d", i+3), note)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Sample consolidates two quarters of the tiny plan. In 2023Q4 区司法局 reports on time
// (its progress on task 1 is a formula-looking text), 区财政局 late, 宝山镇's only workbook is
// rejected, 区档案馆 sends nothing, and someone sends a workbook that is not a template.
func Sample(t testing.TB) *report.Report {
	t.Helper()
	p, err := plan.ParseText(PlanText)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Units {
		p.Units[i].Contact = fmt.Sprintf("联系人%d", i+1)
		p.Units[i].Phone = fmt.Sprintf("010-6960000%d", i+1)
		p.Units[i].Email = fmt.Sprintf("unit%d@example.gov.cn", i+1)
	}
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.Local) }
	onTrack := func(text string) Row { return Row{Status: templates.StatusOnTrack, Percent: 50, Progress: text} }
	q3 := plan.Period{Kind: plan.Quarterly, Year: 2023, N: 3}
	q4 := plan.Period{Kind: plan.Quarterly, Year: 2023, N: 4}
	in3 := Collect(t, p, q3, "2023-10-08", []Send{
		{Unit: "区司法局", Received: at(2023, 10, 7, 9), Rows: map[string]Row{
			"1": onTrack("起草决策程序规定。"), "2": onTrack("梳理执法事项。"), "3": onTrack("配合公示。"), "5": onTrack("召开专题会。")}},
		{Unit: "区财政局", Received: at(2023, 10, 8, 9), Rows: map[string]Row{
			"1": onTrack("安排经费。"), "2": {Status: templates.StatusDone, Percent: 100, Progress: "已完成执法程序清单。"}}},
	})
	in4 := Collect(t, p, q4, "2024-01-08", []Send{
		{Unit: "", Received: at(2024, 1, 4, 8)},
		{Unit: "区司法局", Received: at(2024, 1, 5, 10), Rows: map[string]Row{
			"1": {Status: templates.StatusBehind, Percent: 70, Progress: Injection, Problems: Plus, Next: Minus, Evidence: At},
			"2": {Status: templates.StatusOngoing, Percent: 50, Progress: "持续规范执法程序。"},
			"3": {Status: templates.StatusOnTrack, Percent: 40, Progress: "配合开展执法公示。"},
			"5": {Status: templates.StatusDone, Percent: 100, Progress: "已成立领导小组，印发工作规则。", Evidence: "领导小组文件"}}},
		{Unit: "宝山镇", Received: at(2024, 1, 6, 11), Rows: map[string]Row{
			"1": onTrack("配合完善决策制度。"), "3": {Status: "差不多了", Percent: 30, Progress: "公示平台建设中。"}}},
		{Unit: "区财政局", Received: at(2024, 1, 10, 15), Rows: map[string]Row{
			"1": {Status: templates.StatusOnTrack, Percent: 80, Progress: "已拨付资金。", Problems: "无", Next: "按计划拨付。"},
			"2": {Status: templates.StatusDone, Percent: 100, Progress: "已完成执法程序清单。"}}},
	})
	r, err := report.Consolidate(p, []report.Input{in3, in4}, "2024-01-15")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Synthetic is a report of units units on tasks tasks, every unit reporting on every task
// with texts of a realistic length, the first unit leading: the detail has units × tasks rows.
func Synthetic(units, tasks int) *report.Report {
	r := &report.Report{Plan: &plan.Plan{Title: "测试区法治政府建设行动计划"}, Period: plan.Period{Kind: plan.Quarterly, Year: 2023, N: 4},
		Due: "2024-01-08", Date: "2024-01-15", Counts: map[string]int{}, Lights: map[report.Light]int{}}
	name := func(i int) string { return fmt.Sprintf("演示第%05d镇", i) }
	for i := range units {
		r.Units = append(r.Units, report.Unit{Name: name(i), State: workbook.OnTime, Received: time.Date(2024, 1, 5, 9, 0, 0, 0, time.UTC),
			Assigned: tasks, Reported: tasks, Contact: "张伟", Phone: "010-69600001", Email: fmt.Sprintf("unit%d@example.gov.cn", i)})
		r.Submissions = append(r.Submissions, workbook.Submission{Name: name(i) + ".xlsx", Unit: name(i), Accepted: true,
			SHA256: fmt.Sprintf("%064x", i), Received: time.Date(2024, 1, 5, 9, 0, 0, 0, time.UTC),
			Findings: []plan.Finding{{Severity: plan.Warning, Rule: workbook.RuleUnchanged, Message: "本期工作进展与上期相同。"}}})
	}
	for j := range tasks {
		t := report.Task{Task: plan.Task{ID: fmt.Sprint(j + 1), Section: "（一）完善制度体系", Lead: []string{name(0)},
			Text: strings.Repeat("完善行政决策制度，规范重大行政决策程序。", 3)}, Status: templates.StatusOnTrack, Light: report.Green}
		for i := range units {
			ur := report.UnitReport{Unit: name(i), Role: plan.RoleResponsible, Status: templates.StatusOnTrack, Percent: 50,
				Progress:  fmt.Sprintf("第%d项任务：%s", j+1, strings.Repeat("组织召开专题会议，研究部署相关工作，", 4)),
				Problems:  "无",
				NextSteps: "按计划推进。", File: name(i) + ".xlsx", SHA256: fmt.Sprintf("%064x", i)}
			if i%7 == 0 {
				ur.Problems = "资金保障不足，人员力量有待加强。"
			}
			if i == 0 {
				ur.Role = plan.RoleLead
				t.Leads = append(t.Leads, ur)
			} else {
				t.Responsible = append(t.Responsible, ur)
			}
		}
		r.Tasks = append(r.Tasks, t)
		r.Counts[t.Status]++
		r.Lights[t.Light]++
	}
	r.Sections = []report.Section{{Name: "（一）完善制度体系", Tasks: tasks, Counts: map[string]int{templates.StatusOnTrack: tasks}}}
	r.Trend = []report.Point{r.Point()}
	r.Latest = map[string]workbook.Submission{}
	for _, s := range r.Submissions {
		r.Latest[s.Unit] = s
	}
	return r
}

// LongText is a progress text of 32,767 characters, Excel's limit for a cell, that a unit may
// type or paste: unit repeated, marked at both ends.
type LongText struct {
	Text, Unit string
	Units      int // whole units in Text
}

// LongTexts are Chinese prose, one Latin "word" with no break in it, a run of closing
// punctuation (no line may start with it), and a URL.
func LongTexts() map[string]LongText {
	fill := func(unit string) LongText {
		const start, end = "【开头】", "【结尾】"
		n := 32767 - utf8.RuneCountInString(start+end)
		body := []rune(strings.Repeat(unit, n/utf8.RuneCountInString(unit)+1))[:n]
		return LongText{start + string(body) + end, unit, n / utf8.RuneCountInString(unit)}
	}
	return map[string]LongText{
		"chinese":     fill("本期围绕任务召开专题会议，制定工作方案并推进落实。"),
		"latin-word":  fill("z"),
		"punctuation": fill("。"),
		"url":         fill("https://example.gov.cn/a/b?c=d&e=f#"),
	}
}

// TaskCase is one task's deadline and what its leads report: a status word each, "" for a
// lead that sends nothing.
type TaskCase struct {
	Due     string // the plan's words: 2022年, 长期坚持
	Leads   []string
	Problem bool // the leads state a problem (they do anyway when a rule asks for one)
}

// OneTask consolidates 2023Q4 of a plan with one task whose leads report as c says, their
// workbooks received at.
func OneTask(t testing.TB, c TaskCase, at time.Time) *report.Report {
	t.Helper()
	names := []string{"区甲局", "区乙局", "区丙局"}[:len(c.Leads)]
	p, err := plan.ParseText("测试计划\n一、任务\n1.测试任务。（牵头单位：" + strings.Join(names, "、") + "；完成时限：" + c.Due + "）\n")
	if err != nil {
		t.Fatal(err)
	}
	q4 := plan.Period{Kind: plan.Quarterly, Year: 2023, N: 4}
	var sends []Send
	for i, status := range c.Leads {
		if status == "" {
			continue
		}
		row := Row{Status: status, Percent: 50, Progress: "推进中。"}
		if status == templates.StatusDone {
			row.Percent = 100
		}
		if c.Problem || status == templates.StatusBehind || status == templates.StatusNotBegun || (status != templates.StatusDone && c.Due == "2022年") {
			row.Problems, row.Next = "资金不足。", "争取资金。"
		}
		sends = append(sends, Send{Unit: names[i], Received: at, Rows: map[string]Row{"1": row}})
	}
	in := Collect(t, p, q4, "2024-01-08", sends)
	r, err := report.Consolidate(p, []report.Input{in}, "2024-01-15")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Time is 9 a.m. local time on a day, when a unit's workbook arrives.
func Time(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, time.Local) }
