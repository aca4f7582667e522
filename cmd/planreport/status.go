package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
)

const statusUsage = `用法：planreport status --period 周期 [-w 工作目录] [--eml] [--json]

列出报送周期中每个单位的报送情况：
  按时接收 / 逾期接收   报送表已通过检查（以截止日期当天 24 时为界）
  未通过               交了报送表，但有错误须修改（显示错误数）
  未报送               尚未交回任何报送表
并附各单位联系人、电话和邮箱，便于催报。加 --eml 为“未通过”和“未报送”的单位写催报邮件草稿
（.eml，放在 周期/催报/），单位表中没有电子邮箱的单位不写草稿。
`

// unitStatus is one unit's reporting state for a period.
type unitStatus struct {
	Name     string `json:"name"`
	Status   string `json:"status"` // on_time, late, rejected, missing
	Errors   int    `json:"errors"`
	File     string `json:"file"`
	Received string `json:"received"`
	Contact  string `json:"contact"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
}

var statusNames = map[string]string{"on_time": "按时接收", "late": "逾期接收", "rejected": "未通过", "missing": "未报送"}

func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("status", statusUsage, stdout)
	dir, periodFlag := workspaceFlags(fs)
	eml := fs.Bool("eml", false, "为未通过和未报送的单位写催报邮件草稿（.eml）")
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
	w := workspace{dir: *dir}
	p, err := w.readPlan()
	if err != nil {
		return err
	}
	due := w.due(period)
	coll, err := workbook.OpenCollection(w.periodDir(period), period)
	if err != nil {
		return err
	}
	units := statuses(p, period, coll, due)
	var mails []string
	if *eml {
		if mails, err = writeReminders(w, p, period, due, units); err != nil {
			return err
		}
	}
	if *asJSON {
		return writeJSON(stdout, struct {
			Period string       `json:"period"`
			Due    string       `json:"due"`
			Units  []unitStatus `json:"units"`
			Drafts []string     `json:"drafts"`
		}{period.String(), due, units, append([]string{}, mails...)})
	}
	count := map[string]int{}
	fmt.Fprintf(stdout, "%s报送情况（截止日期 %s）\n", period.Chinese(), due)
	for _, u := range units {
		count[u.Status]++
		line := fmt.Sprintf("  %-6s %s", statusNames[u.Status], u.Name)
		switch u.Status {
		case "rejected":
			line += fmt.Sprintf("（%d 个错误）", u.Errors)
		case "on_time", "late":
			line += "（" + u.Received + "）"
		}
		if u.Status == "rejected" || u.Status == "missing" {
			line += "  " + orDash(u.Contact) + " " + orDash(u.Phone) + " " + orDash(u.Email)
		}
		fmt.Fprintln(stdout, line)
	}
	fmt.Fprintf(stdout, "合计 %d 个单位：按时接收 %d，逾期接收 %d，未通过 %d，未报送 %d。\n", len(units), count["on_time"], count["late"], count["rejected"], count["missing"])
	if *eml {
		needing := count["rejected"] + count["missing"]
		switch {
		case needing == 0:
			fmt.Fprintln(stdout, "各单位均已接收，无需催报。")
		case len(mails) > 0:
			fmt.Fprintf(stdout, "催报邮件草稿 %d 封，在 %s。\n", len(mails), filepath.Join(w.periodDir(period), "催报"))
		}
		if n := needing - len(mails); n > 0 {
			fmt.Fprintf(stdout, "另有 %d 个需催报的单位在计划台账「单位」表中没有电子邮箱，没有写草稿（填写后重新运行即可）。\n", n)
		}
	}
	return nil
}

// statuses works out every reporting unit's state, in registry order.
func statuses(p *plan.Plan, period plan.Period, coll *workbook.Collection, due string) []unitStatus {
	latest := coll.Latest()
	byName := map[string]plan.Unit{}
	for _, u := range p.Units {
		byName[u.Name] = u
	}
	var out []unitStatus
	for _, name := range reportingUnits(p, workbook.NewContext(p, period, nil)) {
		u := byName[name]
		st := unitStatus{Name: name, Status: "missing", Contact: u.Contact, Phone: u.Phone, Email: u.Email}
		s, ok := latest[name]
		st.Status = string(workbook.StateOf(s, ok, due))
		if ok {
			st.File, st.Received = s.Name, s.Received.Local().Format("2006-01-02 15:04")
			st.Errors = plan.CountErrors(s.Findings)
		}
		out = append(out, st)
	}
	return out
}

// due returns the period's due date as set when its templates were issued, else a week after
// the period's end.
func (w workspace) due(period plan.Period) string {
	var s periodSettings
	if data, err := os.ReadFile(w.settingsPath(period)); err == nil && json.Unmarshal(data, &s) == nil && s.Due != "" {
		return s.Due
	}
	return period.End().AddDate(0, 0, 7).Format("2006-01-02")
}

// writeReminders writes a reminder draft (催报) to each unit that is missing or rejected and
// has an email address.
func writeReminders(w workspace, p *plan.Plan, period plan.Period, due string, units []unitStatus) ([]string, error) {
	dir := filepath.Join(w.periodDir(period), "催报")
	removeLeftovers(dir)
	var out []string
	today := time.Now().Format("2006-01-02")
	names := unitFileNames(p)
	var reporting []string
	for _, u := range units {
		reporting = append(reporting, u.Name)
	}
	tplNames := templates.FileNames(period, reporting)
	for _, u := range units {
		if u.Email == "" || (u.Status != "missing" && u.Status != "rejected") {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		greeting := u.Name
		if u.Contact != "" {
			greeting += " " + u.Contact + "同志"
		}
		what := fmt.Sprintf("截至 %s，我们尚未收到贵单位%s的任务进展报送表", today, period.Chinese())
		if u.Status == "rejected" {
			what = fmt.Sprintf("贵单位报送的%s任务进展报送表（%s）有 %d 处错误，尚未通过检查，请按反馈表修改后重新发送", period.Chinese(), u.File, u.Errors)
		}
		body := fmt.Sprintf("%s：\n\n您好！%s。报送截止日期为 %s，请尽快报送。\n\n如已发送，请忽略本邮件；如有疑问，请联系%s。\n\n%s\n",
			greeting, what, due, p.Office.Reach(), p.Office.Name)
		path := filepath.Join(dir, names[u.Name]+"_催报.eml")
		d := templates.Draft{From: p.Office.Email, To: u.Email, Subject: fmt.Sprintf("【催报】请报送%s%s任务进展", u.Name, period.Chinese()), Body: body}
		// A unit that lost its template gets it again.
		tpl := filepath.Join(w.templatesDir(period), tplNames[u.Name])
		if data, err := os.ReadFile(tpl); err == nil && u.Status == "missing" {
			d.Attachments = []templates.Attachment{{Name: filepath.Base(tpl), Data: data}}
		}
		if err := templates.WriteDraft(path, d); err != nil {
			return nil, err
		}
		out = append(out, path)
	}
	return out, nil
}
