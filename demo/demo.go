// Package demo is the demonstration office: the reference plan with an office, unit
// contacts and group members filled in as an office would (Registry, Create), and units that
// fill their templates the way real units do and send them back (Fill, Returns). The command
// line's demo and the web workbench's demo both use it.
package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/sync/errgroup"

	"planreport/internal/atomicfile"
	"planreport/mailbox"
	"planreport/plan"
	"planreport/templates"
	"planreport/workspace"
)

// Office is the demonstration office, on the demo's ledger.
var Office = plan.Office{Name: "区委依法治区办（演示）", Contact: "李明", Phone: "010-69600000", Email: "fzb@example.gov.cn"}

// Is reports whether a plan is the demo's: its office is the demonstration office.
func Is(p *plan.Plan) bool { return p.Office == Office }

// Create makes the demo's workspace in w: the reference plan's ledger with Registry filled in.
func Create(w *workspace.Workspace, units int, program string) (*plan.Plan, error) {
	if _, err := w.Init(workspace.PlanSource{}, program); err != nil {
		return nil, err
	}
	p, err := w.ReadPlan()
	if err != nil {
		return nil, err
	}
	Registry(p, units)
	if err := w.SavePlan(p, program); err != nil {
		return nil, err
	}
	return p, nil
}

// Registry fills in what an office would: its own contact, each unit's contact, and the
// members of the groups the plan leaves unnamed. units > 0 adds made-up towns until that many
// units report, for tests at scale.
func Registry(p *plan.Plan, units int) {
	// Made-up towns for scale tests: each gets every task of 各镇乡街道 and 各镇乡.
	reporting := 0
	for _, u := range p.Units {
		if u.ReportsThrough == "" {
			reporting++
		}
	}
	for i := 1; reporting < units; i++ {
		p.Units = append(p.Units, plan.Unit{Name: fmt.Sprintf("演示第%04d镇", i), Category: plan.CatTown})
		reporting++
	}
	p.Office = Office
	for i := range p.Units {
		u := &p.Units[i]
		if u.ReportsThrough != "" {
			continue
		}
		u.Contact = fillers[pick(len(fillers), "contact", u.Name)]
		u.Phone = fmt.Sprintf("010-6962%04d", pick(10000, "phone", u.Name))
		u.Email = fmt.Sprintf("unit%02d@example.gov.cn", i+1)
	}
	members := map[string][]string{
		"各行业审批监管单位":    {"区市场监管局", "区住房城乡建设委", "区卫生健康委", "区生态环境局", "区交通局", "区教委"},
		"各重点领域监管单位":    {"区市场监管局", "区卫生健康委", "区生态环境局", "区应急局", "区城管执法局"},
		"联席会各相关单位":     {"区发展改革委", "区市场监管局", "区司法局", "区政务服务局", "区经济和信息化局"},
		"各相关单位":        {"区财政局", "区商务局", "区经济和信息化局"},
		"区政府有关部门":      {"区市场监管局", "区卫生健康委", "区应急局", "区城管执法局", "区生态环境局", "区交通局"},
		"怀柔科学城管委会有关处室": {"区发展改革委"},
		"决策承办单位":       {"区发展改革委", "区财政局", "区住房城乡建设委"},
		"原职权下放部门":      {"区城管执法局", "区市场监管局", "区生态环境局", "区农业农村局"},
	}
	for i := range p.Groups {
		if m, ok := members[p.Groups[i].Name]; ok && !p.Groups[i].Named() {
			p.Groups[i].Members = m
			p.Groups[i].Note = "演示：由办公室指定"
		}
	}
}

// The demo's units fill their templates the way real units do: mostly right, with varied
// Chinese text; a few late, a few with the mistakes collect rejects, and a couple missing.
// Everything is decided by a hash of the unit, task and period, so every run is the same.

func pick(n int, parts ...string) int {
	h := fnv.New32a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return int(h.Sum32() % uint32(n))
}

var (
	actions = []string{
		"召开专题推进会 %d 次，研究部署相关工作",
		"制定并印发《工作方案》，明确责任分工和时间节点",
		"对照任务要求开展自查，梳理问题清单 %d 项并逐项整改",
		"组织业务培训 %d 场，参训人员覆盖全部业务科室",
		"与相关部门建立会商机制，完成数据共享对接",
		"完成制度文件的合法性审核 %d 件",
		"开展专项检查 %d 次，发现问题已全部督促整改",
		"在政府网站公开相关信息 %d 条，接受社会监督",
		"推动镇乡街道、村居三级联动，基层落实情况良好",
		"将任务纳入年度绩效考核，按季度调度推进情况",
	}
	results = []string{
		"各项措施已落地见效。",
		"工作按计划有序推进。",
		"阶段性目标已经完成。",
		"群众满意度明显提升。",
		"相关机制运行平稳。",
	}
	problems = []string{
		"基层执法人员力量不足，专业人才缺乏。",
		"部门间信息共享机制尚不健全，数据对接进度较慢。",
		"涉及多个部门，协调难度较大。",
		"配套经费尚未完全到位。",
		"相关上位法规正在修订，部分工作需待政策明确后推进。",
	}
	nextSteps = []string{
		"下一步将加强统筹协调，力争下季度完成。",
		"下一步将加大培训力度，充实执法力量。",
		"下一步将会同相关部门召开协调会，推动问题解决。",
		"下一步将细化工作措施，按月调度进度。",
	}
	fillers = []string{"王芳", "李强", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"}
)

// unitFate says what a demo unit does with its template in a period.
type unitFate int

const (
	fateOnTime unitFate = iota
	fateLate
	fateMistake // sends a workbook collect rejects
	fateFixed   // sends one with mistakes, then a corrected one
	fateMissing
)

func fate(unit string, period plan.Period) unitFate {
	switch pick(40, "fate", unit, period.String()) {
	case 0, 1:
		return fateMissing
	case 2, 3:
		return fateMistake
	case 4, 5:
		return fateFixed
	case 6, 7, 8:
		return fateLate
	}
	return fateOnTime
}

// Fill fills every issued template of a period as its unit would and writes the returned
// files into dir, with modification times as received (on time or late against due). With
// mail, some units send theirs by email instead: an .eml from the unit's address, dated when
// sent, as the office saves it from its mail client. It returns how many files it wrote.
func Fill(p *plan.Plan, period plan.Period, due string, issued []templates.Issued, dir string, mail bool) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	dueDay, _ := time.ParseInLocation("2006-01-02", due, time.Local)
	type job struct {
		in, out, unit string
		mistakes      bool
		at            time.Time
		email         string // send it as an .eml from this address
	}
	emails := map[string]string{}
	for _, u := range p.Units {
		emails[u.Name] = u.Email
	}
	var jobs []job
	for _, it := range issued {
		fate := fate(it.Unit, period)
		if fate == fateMissing {
			continue
		}
		at := dueDay.Add(-time.Duration(24+pick(72, "day", it.Unit, period.String())) * time.Hour).Add(9 * time.Hour)
		if fate == fateLate {
			at = dueDay.Add(time.Duration(24+pick(72, "late", it.Unit, period.String())) * time.Hour)
		}
		email := ""
		if mail && pick(4, "mail", it.Unit) == 0 {
			email = emails[it.Unit]
		}
		name := filepath.Base(it.Path)
		jobs = append(jobs, job{it.Path, filepath.Join(dir, name), it.Unit, fate == fateMistake || fate == fateFixed, at, email})
		if fate == fateFixed {
			fixed := strings.TrimSuffix(name, ".xlsx") + "（修改后）.xlsx"
			jobs = append(jobs, job{it.Path, filepath.Join(dir, fixed), it.Unit, false, at.Add(26 * time.Hour), email})
		}
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, j := range jobs {
		g.Go(func() error {
			if err := fillOne(j.in, j.out, j.unit, period, p, j.mistakes); err != nil {
				return fmt.Errorf("演示填报 %s：%w", j.unit, err)
			}
			if j.email != "" {
				return send(j.out, j.email, j.unit, period, j.at)
			}
			return os.Chtimes(j.out, j.at, j.at)
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	return len(jobs), nil
}

// send turns a filled workbook into the email its unit sends: an .eml beside it, in its place.
func send(path, from, unit string, period plan.Period, at time.Time) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	msg, err := mailbox.Bytes(mailbox.Message{From: from, To: Office.Email,
		Subject:     fmt.Sprintf("%s%s任务进展报送表", unit, period.Chinese()),
		Body:        fmt.Sprintf("%s：\n\n您好！附件是我单位%s任务进展报送表，请查收。\n\n%s\n", Office.Name, period.Chinese(), unit),
		Attachments: []mailbox.Attachment{{Name: filepath.Base(path), Data: data}}}, at, 0)
	if err != nil {
		return err
	}
	eml := strings.TrimSuffix(path, filepath.Ext(path)) + ".eml"
	if err := atomicfile.WriteBytes(eml, msg); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil {
		return err
	}
	return os.Chtimes(eml, at, at)
}

// Returns fills a period's issued templates as the demo's units would and writes what they
// send back, some as emails, into the workspace's DemoDir, for someone trying the web
// workbench to upload: the folder and how many files.
func Returns(w *workspace.Workspace, period plan.Period) (dir string, n int, err error) {
	p, err := w.ReadPlan()
	if err != nil {
		return "", 0, err
	}
	if !w.Issued(period) {
		return "", 0, fmt.Errorf("%s还没有生成模板，请先生成模板", period.Chinese())
	}
	dir = filepath.Join(w.Dir(), workspace.DemoDir, period.String())
	n, err = Fill(p, period, w.Due(period), w.IssuedTemplates(p, period), dir, true)
	return dir, n, err
}

func fillOne(in, out, unit string, period plan.Period, p *plan.Plan, mistakes bool) error {
	f, err := excelize.OpenFile(in)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := f.GetRows(templates.SheetTasks)
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i + 1
	}
	set := func(h string, row int, v any) {
		cell, _ := excelize.CoordinatesToCellName(col[h], row)
		f.SetCellValue(templates.SheetTasks, cell, v)
	}
	key := period.String()
	tasks := 0 // the task rows: who filled it is below them
	for n := 1; n < len(rows); n++ {
		if len(rows[n]) == 0 {
			continue
		}
		id := rows[n][0]
		task := p.Task(id)
		if task == nil {
			continue
		}
		tasks++
		row := n + 1
		overdue := task.Deadline.Overdue(period)
		ongoing := task.Deadline.Kind == plan.KindOngoing
		status, pct := templates.StatusOnTrack, 40+10*pick(5, "pct", unit, id, key)
		switch r := pick(20, "status", unit, id, key); {
		case r < 6 || (overdue && r < 14):
			status, pct = templates.StatusDone, 100
		case r < 8:
			status = templates.StatusBehind
		case r < 9 && !overdue:
			status, pct = templates.StatusNotBegun, 0
		case ongoing && r < 15:
			status = templates.StatusOngoing
		}
		a := actions[pick(len(actions), "act", unit, id, key)]
		if strings.Contains(a, "%d") {
			a = fmt.Sprintf(a, 1+pick(6, "n", unit, id, key))
		}
		progress := a + "，" + results[pick(len(results), "res", unit, id, key)]
		set(templates.ColStatus, row, status)
		set(templates.ColPercent, row, pct)
		set(templates.ColProgress, row, progress)
		if status == templates.StatusBehind || status == templates.StatusNotBegun || (overdue && status != templates.StatusDone) {
			set(templates.ColProblems, row, problems[pick(len(problems), "prob", unit, id, key)])
			set(templates.ColNextSteps, row, nextSteps[pick(len(nextSteps), "next", unit, id, key)])
		} else if pick(3, "np", unit, id, key) == 0 {
			set(templates.ColNextSteps, row, nextSteps[pick(len(nextSteps), "next", unit, id, key)])
		}
		if pick(4, "ev", unit, id, key) == 0 {
			set(templates.ColEvidence, row, "会议纪要、工作方案（已留存备查）")
		}
		if mistakes && n <= 3 {
			switch n {
			case 1:
				set(templates.ColStatus, row, "") // forgot the status
			case 2:
				set(templates.ColStatus, row, templates.StatusDone)
				set(templates.ColPercent, row, 90) // done, but not 100
			case 3:
				set(templates.ColPercent, row, "大部分") // not a number
			}
		}
	}
	filler := fillers[pick(len(fillers), "filler", unit)]
	for i, v := range []string{filler, fmt.Sprintf("010-6961%04d", pick(10000, "tel", unit)),
		fillers[pick(len(fillers), "lead", unit)] + "（主任）", period.End().AddDate(0, 0, 3).Format("2006-01-02")} {
		cell, _ := excelize.CoordinatesToCellName(col[templates.FillerLayout[i].ValueUnder], templates.FillerRow(tasks))
		f.SetCellValue(templates.SheetTasks, cell, v)
	}
	// Saved as a unit's spreadsheet program saves it: deflated at the usual level, not at
	// plan.SaveWorkbook's fastest (the returned files are what collect's benchmark reads).
	return atomicfile.Write(out, func(w *os.File) error {
		_, err := f.WriteTo(w)
		return err
	})
}

// Collected makes the demo's workspace in w with units reporting units, and one period
// through: templates issued (due 2024-01-08 for 2023Q4), filled and sent as the demo's units
// would, and collected. It is the set-up of the benchmarks that need a period at scale.
func Collected(ctx context.Context, w *workspace.Workspace, units int, period plan.Period, due string) (*plan.Plan, *workspace.CollectResult, error) {
	if err := os.MkdirAll(w.Dir(), 0o755); err != nil {
		return nil, nil, err
	}
	p, err := Create(w, units, "demo")
	if err != nil {
		return nil, nil, err
	}
	if _, err := w.IssueTemplates(ctx, workspace.TemplatesOptions{Period: period, Due: due, Program: "demo"}); err != nil {
		return nil, nil, err
	}
	if _, err := Fill(p, period, w.Due(period), w.IssuedTemplates(p, period), w.InboxDir(period), false); err != nil {
		return nil, nil, err
	}
	res, err := w.Collect(ctx, workspace.CollectOptions{Period: period, Program: "demo"})
	return p, res, err
}
