package main

import (
	"context"
	"fmt"
	"io"

	"planreport/workbook"
	"planreport/workspace"
)

const statusUsage = `用法：planreport status --period 周期 [-w 工作目录] [--eml] [--json]

列出报送周期中每个单位的报送情况：
  按时报送 / 逾期报送   报送表已通过检查（以截止日期当天 24 时为界）
  未通过               交了报送表，但有错误须修改（显示错误数）
  未报送               尚未交回任何报送表
并附各单位联系人、电话和邮箱，便于催报。加 --eml 为“未通过”和“未报送”的单位写催报邮件草稿
（.eml，放在 周期/催报/），单位表中没有电子邮箱的单位不写草稿。
`

// unitStatusJSON is one unit's state in status --json.
type unitStatusJSON struct {
	Name     string `json:"name"`
	Status   string `json:"status"` // on_time, late, rejected, missing
	Errors   int    `json:"errors"`
	File     string `json:"file"`
	Received string `json:"received"`
	Contact  string `json:"contact"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
}

func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("status", statusUsage, stdout)
	dir, periodFlag := workspaceFlags(fs)
	eml := fs.Bool("eml", false, "为未通过和未报送的单位写催报邮件草稿（.eml）")
	date := fs.String("date", "", "催报邮件的日期，如 2024-04-12（默认今天）")
	asJSON := fs.Bool("json", false, "以 JSON 格式输出（供脚本使用）")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("status：多余的参数 %q", fs.Arg(0))
	}
	period, err := parsePeriodFlag("status", *periodFlag)
	if err != nil {
		return err
	}
	day, err := parseDateFlag("status", "date", *date)
	if err != nil {
		return err
	}
	w := workspace.Open(*dir)
	var st *workspace.StatusResult
	var rem *workspace.RemindersResult
	var remErr error
	if *eml {
		if rem, remErr = w.Reminders(period, day, program); rem == nil {
			return remErr
		}
		st = rem.StatusResult
	} else if st, err = w.Status(period); err != nil {
		return err
	}
	if *asJSON {
		units := []unitStatusJSON{}
		for _, u := range st.Units {
			j := unitStatusJSON{Name: u.Unit.Name, Status: string(u.State), Errors: u.Errors, File: u.Submission.Name,
				Contact: u.Unit.Contact, Phone: u.Unit.Phone, Email: u.Unit.Email}
			if u.State != workbook.Missing {
				j.Received = workbook.OfficeTime(u.Submission.Received)
			}
			units = append(units, j)
		}
		drafts := []string{}
		if rem != nil {
			drafts = append(drafts, rem.Drafts...)
		}
		if err := writeJSON(stdout, struct {
			Period string           `json:"period"`
			Due    string           `json:"due"`
			Units  []unitStatusJSON `json:"units"`
			Drafts []string         `json:"drafts"`
		}{period.String(), st.Due, units, drafts}); err != nil {
			return err
		}
		return remErr
	}
	fmt.Fprintf(stdout, "%s报送情况（截止日期 %s）\n", period.Chinese(), st.Due)
	for _, u := range st.Units {
		line := fmt.Sprintf("  %-6s %s", u.State.Chinese(), u.Unit.Name)
		switch u.State {
		case workbook.Rejected:
			line += fmt.Sprintf("（%d 个错误）", u.Errors)
		case workbook.OnTime, workbook.Late:
			line += "（" + workbook.OfficeTime(u.Submission.Received) + "）"
		}
		if u.State == workbook.Rejected || u.State == workbook.Missing {
			line += "  " + orDash(u.Unit.Contact) + " " + orDash(u.Unit.Phone) + " " + orDash(u.Unit.Email)
		}
		fmt.Fprintln(stdout, line)
	}
	n := workspace.Count(st.Units)
	fmt.Fprintf(stdout, "合计 %d 个单位：%s %d，%s %d，%s %d，%s %d。\n", len(st.Units),
		workbook.OnTime.Chinese(), n[workbook.OnTime], workbook.Late.Chinese(), n[workbook.Late],
		workbook.Rejected.Chinese(), n[workbook.Rejected], workbook.Missing.Chinese(), n[workbook.Missing])
	if rem != nil {
		switch {
		case n[workbook.Rejected]+n[workbook.Missing] == 0:
			fmt.Fprintln(stdout, "各单位均已接收，无需催报。")
		case len(rem.Drafts) > 0:
			fmt.Fprintf(stdout, "催报邮件草稿 %d 封，在 %s。\n", len(rem.Drafts), w.RemindersDir(period))
		}
		if len(rem.NoAddress) > 0 {
			fmt.Fprintf(stdout, "另有 %d 个需催报的单位在计划台账「单位」表中没有电子邮箱，没有写草稿（填写后重新运行即可）。\n", len(rem.NoAddress))
		}
	}
	return remErr
}
