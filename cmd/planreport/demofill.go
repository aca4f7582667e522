package main

import (
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
	"planreport/plan"
	"planreport/templates"
	"planreport/workspace"
)

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
	demoActions = []string{
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
	demoResults = []string{
		"各项措施已落地见效。",
		"工作按计划有序推进。",
		"阶段性目标已经完成。",
		"群众满意度明显提升。",
		"相关机制运行平稳。",
	}
	demoProblems = []string{
		"基层执法人员力量不足，专业人才缺乏。",
		"部门间信息共享机制尚不健全，数据对接进度较慢。",
		"涉及多个部门，协调难度较大。",
		"配套经费尚未完全到位。",
		"相关上位法规正在修订，部分工作需待政策明确后推进。",
	}
	demoNext = []string{
		"下一步将加强统筹协调，力争下季度完成。",
		"下一步将加大培训力度，充实执法力量。",
		"下一步将会同相关部门召开协调会，推动问题解决。",
		"下一步将细化工作措施，按月调度进度。",
	}
	demoFillers = []string{"王芳", "李强", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"}
)

// demoUnitFate says what a demo unit does with its template in a period.
type demoUnitFate int

const (
	fateOnTime demoUnitFate = iota
	fateLate
	fateMistake // sends a workbook collect rejects
	fateFixed   // sends one with mistakes, then a corrected one
	fateMissing
)

func demoFate(unit string, period plan.Period) demoUnitFate {
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

// demoFill fills every issued template of a period as its unit would and drops the returned
// files into the period's inbox, with modification times as received (on time or late).
// prev, when set, is the previous period's progress by unit and task, so that most units
// write something new and a few copy last period's words.
func demoFill(w *workspace.Workspace, p *plan.Plan, period plan.Period, due string, res *templates.Result) (int, error) {
	inbox := w.InboxDir(period)
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		return 0, err
	}
	dueDay, _ := time.ParseInLocation("2006-01-02", due, time.Local)
	type job struct {
		in, out, unit string
		mistakes      bool
		at            time.Time
	}
	var jobs []job
	for _, it := range res.Templates {
		fate := demoFate(it.Unit, period)
		if fate == fateMissing {
			continue
		}
		at := dueDay.Add(-time.Duration(24+pick(72, "day", it.Unit, period.String())) * time.Hour).Add(9 * time.Hour)
		if fate == fateLate {
			at = dueDay.Add(time.Duration(24+pick(72, "late", it.Unit, period.String())) * time.Hour)
		}
		name := filepath.Base(it.Path)
		jobs = append(jobs, job{it.Path, filepath.Join(inbox, name), it.Unit, fate == fateMistake || fate == fateFixed, at})
		if fate == fateFixed {
			fixed := strings.TrimSuffix(name, ".xlsx") + "（修改后）.xlsx"
			jobs = append(jobs, job{it.Path, filepath.Join(inbox, fixed), it.Unit, false, at.Add(26 * time.Hour)})
		}
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, j := range jobs {
		g.Go(func() error {
			if err := demoFillOne(j.in, j.out, j.unit, period, p, j.mistakes); err != nil {
				return fmt.Errorf("演示填报 %s：%w", j.unit, err)
			}
			return os.Chtimes(j.out, j.at, j.at)
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	return len(jobs), nil
}

func demoFillOne(in, out, unit string, period plan.Period, p *plan.Plan, mistakes bool) error {
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
	tasks := 0
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
		a := demoActions[pick(len(demoActions), "act", unit, id, key)]
		if strings.Contains(a, "%d") {
			a = fmt.Sprintf(a, 1+pick(6, "n", unit, id, key))
		}
		progress := a + "，" + demoResults[pick(len(demoResults), "res", unit, id, key)]
		set(templates.ColStatus, row, status)
		set(templates.ColPercent, row, pct)
		set(templates.ColProgress, row, progress)
		if status == templates.StatusBehind || status == templates.StatusNotBegun || (overdue && status != templates.StatusDone) {
			set(templates.ColProblems, row, demoProblems[pick(len(demoProblems), "prob", unit, id, key)])
			set(templates.ColNextSteps, row, demoNext[pick(len(demoNext), "next", unit, id, key)])
		} else if pick(3, "np", unit, id, key) == 0 {
			set(templates.ColNextSteps, row, demoNext[pick(len(demoNext), "next", unit, id, key)])
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
	filler := demoFillers[pick(len(demoFillers), "filler", unit)]
	for i, v := range []string{filler, fmt.Sprintf("010-6961%04d", pick(10000, "tel", unit)),
		demoFillers[pick(len(demoFillers), "lead", unit)] + "（主任）", period.End().AddDate(0, 0, 3).Format("2006-01-02")} {
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
