package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/pflag"

	"planreport/plan"
	"planreport/templates"
)

// A workspace is a folder holding the plan ledger and one folder per reporting period:
//
//	plan.xlsx
//	2024Q1/模板/        templates issued to units, the index and email drafts
//	2024Q1/收件/        returned workbooks and emails, as received
//	2024Q1/period.json  the period's settings (due date)
type workspace struct {
	dir string
}

const ledgerName = "plan.xlsx"

func (w workspace) ledger() string { return filepath.Join(w.dir, ledgerName) }

func (w workspace) periodDir(p plan.Period) string { return filepath.Join(w.dir, p.String()) }

func (w workspace) templatesDir(p plan.Period) string { return filepath.Join(w.periodDir(p), "模板") }

func (w workspace) inboxDir(p plan.Period) string { return filepath.Join(w.periodDir(p), "收件") }

// readPlan reads the workspace's ledger, explaining how to make one when there is none.
func (w workspace) readPlan() (*plan.Plan, error) {
	if _, err := os.Stat(w.ledger()); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("工作目录 %s 中没有计划台账 %s。请先运行 planreport init %s 创建工作目录", absDir(w.dir), ledgerName, w.dir)
	}
	return plan.ReadLedger(w.ledger())
}

// unitFileNames names the files made for each unit (feedback, drafts) as
// templates.UnitFileNames does, over the registry in its order and then the other units
// given, sorted: two units whose names are alike once made safe for a file name get
// different files, and the same unit the same name from run to run.
func unitFileNames(p *plan.Plan, others ...string) map[string]string {
	var units []string
	known := map[string]bool{}
	for _, u := range p.Units {
		units = append(units, u.Name)
		known[u.Name] = true
	}
	var rest []string
	for _, u := range others {
		if !known[u] {
			known[u] = true
			rest = append(rest, u)
		}
	}
	sort.Strings(rest)
	return templates.UnitFileNames(append(units, rest...))
}

// periodSettings are what the office decided for one period, kept in period.json.
type periodSettings struct {
	Period string `json:"period"`
	Due    string `json:"due"`
	Issued string `json:"issued"` // when the templates were issued, RFC 3339
}

func (w workspace) settingsPath(p plan.Period) string {
	return filepath.Join(w.periodDir(p), "period.json")
}

func (w workspace) writeSettings(p plan.Period, s periodSettings) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return plan.WriteFileAtomic(w.settingsPath(p), func(f *os.File) error {
		_, err := f.Write(append(data, '\n'))
		return err
	})
}

// workspaceFlags adds -w and --period to a command's flags.
func workspaceFlags(fs *pflag.FlagSet) (dir, period *string) {
	dir = fs.StringP("workspace", "w", ".", "工作目录（存放 plan.xlsx 和各报送周期文件夹）")
	period = fs.StringP("period", "p", "", "报送周期：2024Q1（季度）、2024H2（半年）、2024（全年）、2024-03（月度）")
	return dir, period
}

// parsePeriodFlag reads the --period flag, which every period command needs.
func parsePeriodFlag(cmd, s string) (plan.Period, error) {
	if s == "" {
		now := time.Now()
		example := plan.Period{Kind: plan.Quarterly, Year: now.Year(), N: (int(now.Month())-1)/3 + 1}
		return plan.Period{}, usagef("%s：请用 --period 指定报送周期，例如 --period %s（%s）", cmd, example, example.Chinese())
	}
	p, err := plan.ParsePeriod(s)
	if err != nil {
		return plan.Period{}, usagef("%s：%v", cmd, err)
	}
	return p, nil
}

func absDir(dir string) string {
	if a, err := filepath.Abs(dir); err == nil {
		return a
	}
	return dir
}
