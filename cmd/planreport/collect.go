package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"planreport/mailbox"
	"planreport/plan"
	"planreport/workbook"
	"planreport/workspace"
)

const collectUsage = `用法：planreport collect --period 周期 [-w 工作目录] [路径...] [--password 密码] [--eml]
                         [--imap [--mark-seen]] [--send [--dry-run] [--resend 单位]...] [--json]

收集各单位交回的报送表：逐份识别单位、检查填写，归档原件，并告诉单位要改哪些单元格。

路径可以是文件、文件夹（含子文件夹）、.zip 压缩包或 .eml 邮件（取出其中的 .xlsx 和 .zip 附件，
记录发件人和发送时间）。不指定路径时，读取 工作目录/周期/收件/ 文件夹：把邮件另存为 .eml，
或把附件直接放进去即可。

加 --imap 时，先从单位邮箱（设置见 planreport mail setup）收取单位发来的邮件：只看本周期模板生成以来
到达、带有报送表、压缩包或邮件附件的邮件，每封存为 .eml 放入 周期/收件/，再和其中的其他文件一起检查。
已收取的邮件记入 周期/收信记录.jsonl，不会重复收取；邮箱中的邮件不删除、不移动，也不标为已读
（--mark-seen 时标为已读）。超过大小上限的邮件不下载，每次运行都会列出。

每份文件按 SHA-256 原样归档到 周期/归档/单位/，不会删除任何文件；同一文件再次收到时不重复处理，
重复运行 collect 结果不变。单位可以重新报送，以最后一份通过检查的为准。

没有错误的报送表即为“已接收”。结果写入：
  周期/检查结果.xlsx         所有问题，每条一行，可筛选
  周期/反馈/单位_反馈.xlsx     每个有问题的单位一份：在其原表上标出问题单元格并批注，另附“需修改事项”表
  周期/反馈/邮件草稿/          加 --eml 时，给这些单位的回复邮件草稿（附反馈表）；加 --send 时并通过单位邮箱发出，
                             每份退回的报送表只回复一次（发送记录.jsonl），--dry-run 只列出将要发送的邮件
  周期/收件记录.json          每份收到的文件：来源、时间、单位、是否接收、问题
  上一周期/收件内容.缓存       上一周期各单位已接收的填报内容，供本周期对照（生成本周期模板时由归档生成，删除后会自动重建）

退出码：0 表示运行完成（即使有单位的表未通过检查），1 表示运行出错。
`

func runCollect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("collect", collectUsage, stdout)
	dir, periodFlag := workspaceFlags(fs)
	password := fs.String("password", "", "加密报送表的打开密码")
	eml := fs.Bool("eml", false, "为有问题的单位生成回复邮件草稿（.eml，附反馈表）")
	imap := fs.Bool("imap", false, "先从单位邮箱收取单位发来的邮件，放入收件文件夹后一起检查")
	markSeen := fs.Bool("mark-seen", false, "收取后在邮箱中把这些邮件标为已读（默认不改动邮箱；含 --imap）")
	mail := addSendFlags(fs, "给未通过单位的回复邮件")
	asJSON := fs.Bool("json", false, "以 JSON 格式输出结果（供脚本使用）")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	period, err := parsePeriodFlag("collect", *periodFlag)
	if err != nil {
		return err
	}
	w := workspace.Open(*dir)
	bar := newProgress("检查报送表", stderr)
	pw := askPassword(stderr, bar)
	var fetch *workspace.FetchOptions
	if *imap || *markSeen {
		fetch = &workspace.FetchOptions{Password: pw, MarkSeen: *markSeen}
	}
	send := mail.options(pw)
	res, err := w.Collect(ctx, workspace.CollectOptions{Period: period, Paths: fs.Args(), Password: *password, Drafts: *eml,
		Fetch: fetch, Send: send, Program: program, Progress: bar.report})
	bar.done()
	if res == nil {
		return err
	}
	tookOver(stderr, res.TakenOver)
	if *asJSON {
		if jerr := writeJSON(stdout, collectSummary(w, res)); jerr != nil {
			return jerr
		}
		return err
	}
	printFetched(stdout, w, period, res.Fetched)
	printCollect(stdout, w, res, *eml || send != nil)
	printSent(stdout, "回复邮件", res.Sent)
	return err
}

// collectJSON is collect --json's output; scripts rely on it.
type collectJSON struct {
	Period        string               `json:"period"`
	Files         []collectFileJSON    `json:"files"`
	AcceptedUnits []string             `json:"accepted_units"`
	RejectedUnits []string             `json:"rejected_units"`
	MissingUnits  []string             `json:"missing_units"`
	Fetched       *mailbox.FetchResult `json:"fetched,omitempty"` // --imap
	Mail          *workspace.Sent      `json:"mail,omitempty"`    // --send
}

type collectFileJSON struct {
	Path       string         `json:"path"`
	SHA256     string         `json:"sha256"`
	Unit       string         `json:"unit"`
	Identified string         `json:"identified,omitempty"` // how the unit was told: 标识, 文件名, 填报说明, 文档标题, 发件邮箱
	Accepted   bool           `json:"accepted"`
	New        bool           `json:"new"`
	Archive    string         `json:"archive"`
	Received   string         `json:"received"`
	Sender     string         `json:"sender,omitempty"`
	Forwarder  string         `json:"forwarder,omitempty"`
	Filled     string         `json:"filled,omitempty"` // the 填报日期 the unit stated
	Findings   []plan.Finding `json:"findings"`
}

func collectSummary(w *workspace.Workspace, res *workspace.CollectResult) collectJSON {
	isNew := map[string]bool{}
	for _, s := range res.Added {
		isNew[s.SHA256] = true
	}
	out := collectJSON{Period: res.Period.String(), Files: []collectFileJSON{}, Fetched: res.Fetched, Mail: res.Sent}
	for _, s := range res.Collection.Submissions {
		out.Files = append(out.Files, collectFileJSON{Path: s.Source, SHA256: s.SHA256, Unit: s.Unit, Identified: s.Identified, Accepted: s.Accepted, New: isNew[s.SHA256],
			Archive: filepath.Join(w.PeriodDir(res.Period), filepath.FromSlash(s.Archive)), Received: s.Received.In(workbook.Zone).Format("2006-01-02T15:04:05Z07:00"),
			Sender: s.Sender, Forwarder: s.Forwarder, Filled: s.Filled, Findings: s.Findings})
	}
	out.AcceptedUnits, out.RejectedUnits = res.Collection.Units()
	out.MissingUnits = unitsIn(res.Units, workbook.Missing)
	for _, l := range []*[]string{&out.AcceptedUnits, &out.RejectedUnits, &out.MissingUnits} {
		if *l == nil {
			*l = []string{}
		}
	}
	return out
}

// unitsIn lists the names of the units in any of the states, in registry order.
func unitsIn(units []workspace.UnitStatus, states ...workbook.State) []string {
	var out []string
	for _, u := range units {
		for _, s := range states {
			if u.State == s {
				out = append(out, u.Unit.Name)
			}
		}
	}
	return out
}

// gists says what findings are about in a few words each, for one line: "按文件名识别；由区财政局
// 邮箱发来；完成进度格式不规范 3 处".
func gists(fs []plan.Finding) string {
	count := map[string]int{}
	var order []string
	for _, f := range fs {
		g := f.Summary()
		if count[g]++; count[g] == 1 {
			order = append(order, g)
		}
	}
	for i, g := range order {
		if count[g] > 1 {
			order[i] = fmt.Sprintf("%s %d 处", g, count[g])
		}
	}
	return strings.Join(order, "；")
}

func printCollect(out io.Writer, w *workspace.Workspace, res *workspace.CollectResult, eml bool) {
	fmt.Fprintf(out, "%s：本次收到 %d 份新文件", res.Period.Chinese(), len(res.Added))
	if res.Repeated > 0 {
		fmt.Fprintf(out, "，%d 份此前已收到（未重复处理）", res.Repeated)
	}
	fmt.Fprintln(out, "。")
	latest := res.Collection.Latest()
	for _, s := range res.Added {
		unit := s.Unit
		if unit == "" {
			unit = "（未识别单位）"
		}
		forward := ""
		if s.Forwarder != "" {
			forward = fmt.Sprintf("（由 %s 转发；原邮件 %s 发出）", s.Forwarder, workbook.OfficeTime(s.Received))
		}
		switch {
		case s.Accepted && len(s.Findings) == 0:
			fmt.Fprintf(out, "  接收  %s  %s%s\n", unit, s.Name, forward)
		case s.Accepted:
			fmt.Fprintf(out, "  接收  %s  %s（%d 条提醒：%s）%s\n", unit, s.Name, len(s.Findings), gists(s.Findings), forward)
		case workbook.Superseded(s, latest):
			fmt.Fprintf(out, "  退回  %s  %s%s：%d 个错误（该单位后来交回的文件已接收）\n", unit, s.Name, forward, plan.CountErrors(s.Findings))
		default:
			fmt.Fprintf(out, "  退回  %s  %s%s：%d 个错误", unit, s.Name, forward, plan.CountErrors(s.Findings))
			for _, f := range s.Findings {
				if f.Severity == plan.Error {
					where := "" // the line names the file already
					if f.Sheet != "" {
						where = f.Where() + "："
					}
					fmt.Fprintf(out, "，如 %s%s（%s）", where, f.Message, f.Hint)
					break
				}
			}
			fmt.Fprintln(out)
		}
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(out, "  跳过  %s\n", s)
	}
	n := workspace.Count(res.Units)
	accepted := n[workbook.OnTime] + n[workbook.Late]
	fmt.Fprintf(out, "合计：已接收 %d 个单位，未通过 %d 个，未报送 %d 个。\n", accepted, n[workbook.Rejected], n[workbook.Missing])
	if l := unitsIn(res.Units, workbook.Rejected); len(l) > 0 {
		fmt.Fprintf(out, "未通过：%s\n", strings.Join(l, "、"))
	}
	if l := unitsIn(res.Units, workbook.Missing); len(l) > 0 {
		fmt.Fprintf(out, "未报送：%s\n", strings.Join(l, "、"))
	}
	fmt.Fprintf(out, "检查结果：%s\n反馈表：%s\n", w.FindingsPath(res.Period), w.FeedbackDir(res.Period))
	if eml {
		if res.Drafts > 0 {
			fmt.Fprintf(out, "回复邮件草稿：%d 封，在 %s。\n", res.Drafts, filepath.Join(w.FeedbackDir(res.Period), workspace.DraftsDir))
		} else {
			fmt.Fprintln(out, "回复邮件草稿：0 封。")
		}
		if len(res.NoAddress) > 0 && res.Sent == nil { // else printSent lists them
			fmt.Fprintf(out, "另有 %d 个未通过的单位既不是从邮件收到的，也未在计划台账「单位」表中填写电子邮箱（%s），请把反馈表另行发给他们。\n",
				len(res.NoAddress), strings.Join(res.NoAddress, "、"))
		}
	}
	fmt.Fprintf(out, "运行 planreport status -w %s --period %s 查看各单位报送情况。\n", workspace.QuoteArg(w.Dir()), res.Period)
}
