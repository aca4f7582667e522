package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"planreport/internal/atomicfile"
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

func (w workspace) inboxDir(p plan.Period) string { return filepath.Join(w.periodDir(p), inboxName) }

// inboxName is a period's inbox folder, where the office puts what units sent.
const inboxName = "收件"

// readPlan reads the workspace's ledger, explaining how to make one when there is none.
func (w workspace) readPlan() (*plan.Plan, error) {
	if err := w.hasPlan(); err != nil {
		return nil, err
	}
	return plan.ReadLedger(w.ledger())
}

// hasPlan says how to make the workspace's ledger when there is none.
func (w workspace) hasPlan() error {
	if _, err := os.Stat(w.ledger()); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("工作目录 %s 中没有计划台账 %s。请先运行 planreport init %s 创建工作目录", absDir(w.dir), ledgerName, w.dir)
	}
	return nil
}

// reLeftover matches the temporary file a write leaves when it is killed before renaming it
// into place: .name.123456.tmp (plan.WriteFileAtomic and the archive's copies name them so).
var reLeftover = regexp.MustCompile(`^\..+\.[0-9]+\.tmp$`)

// removeLeftovers removes what killed runs left half-written in folders the command writes
// (recursively, but for inboxes: what people put there is theirs). The next write of each
// file replaces it whole; its leftover would only lie there.
func removeLeftovers(dirs ...string) {
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return nil
			case d.IsDir() && d.Name() == inboxName:
				return filepath.SkipDir
			case d.Type().IsRegular() && reLeftover.MatchString(d.Name()):
				os.Remove(path)
			}
			return nil
		})
	}
}

// removeLeftoversOf removes the temporary files killed runs left beside one file, and
// nothing else in its folder (a ledger may live among the office's own files).
func removeLeftoversOf(path string) {
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return
	}
	prefix := "." + filepath.Base(path) + "."
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, prefix) && e.Type().IsRegular() && reLeftover.MatchString(n) &&
			strings.Trim(strings.TrimSuffix(strings.TrimPrefix(n, prefix), ".tmp"), "0123456789") == "" {
			os.Remove(filepath.Join(filepath.Dir(path), n))
		}
	}
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
	return atomicfile.Write(w.settingsPath(p), func(f *os.File) error {
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
