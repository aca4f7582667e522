package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"planreport/plan"
	"planreport/workspace"
)

const planUsage = `用法：planreport plan <子命令> [参数]

子命令：
  import [计划文件]   读取行动计划文档，生成或更新计划台账 plan.xlsx
  show [台账]         显示台账中的任务、单位和分工
  check [台账]        检查台账中需要办公室处理的问题（有错误时退出码为 1）
  refresh [台账]      修改单位表或分组表后，重新生成「分工」表

运行 planreport plan <子命令> --help 查看详细说明。
`

func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, planUsage)
		return usagef("plan：缺少子命令")
	}
	switch args[0] {
	case "import":
		return runPlanImport(args[1:], stdout, stderr)
	case "show":
		return runPlanShow(args[1:], stdout)
	case "check":
		return runPlanCheck(args[1:], stdout)
	case "refresh":
		return runPlanRefresh(args[1:], stdout)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, planUsage)
		return nil
	}
	return usagef("plan：未知子命令 %q", args[0])
}

const planImportUsage = `用法：planreport plan import [计划文件] [-o plan.xlsx] [--registry 名册] [--json] [--force]

读取行动计划文档，生成计划台账（Excel 工作簿）。此后台账是各项工作的依据：
请在 Excel/WPS 中补充单位联系人、为“区政府有关部门”等分组指定成员单位，再运行
planreport plan check 检查。

计划文件可以是 .docx（正文或任务分工表）、.xlsx（任务分工表），或 UTF-8 / GBK(GB18030)
编码的文本文件，编码自动识别。不指定计划文件时，导入内置的参考计划
《“十四五”时期怀柔区法治政府建设行动计划》及怀柔区 16 个镇乡街道（内置名册 huairou）。

任务后应有括号或单独成行的标注注明单位和时限，例如：
  （牵头单位：区司法局；责任单位：各镇乡街道；完成时限：2023年）
  （商务部、海关总署负责）            —— 未注明牵头时，排在首位的单位牵头
  （国家发展改革委会同有关部门负责）  —— “会同”之前的单位牵头
  牵头单位：区发改局                  —— 任务下一行起的标注行
任务分工表按表头识别列（序号、工作任务、牵头单位、责任单位/配合单位、完成时限），
合并单元格按其内容重复读取；不认识的列会在导入提示中列出。

导入后列出未作为任务导入的编号条目（标题、说明，或括号无法识别的条目）、编号不连续
之处等“导入提示”，这些提示也保存在台账的「导入提示」表中，plan check 会再次列出。

--registry 名册：把计划中没有逐一写出的单位加入单位表，如各镇乡街道。可写内置名册的
名称（huairou：怀柔区 16 个镇乡街道），或名册文件：文本文件，每行一个单位，
单位名称后可加制表符或逗号和类别（如“泉河街道,街道”）。计划文本本身不会自动带入任何名册。
--json 时失败也在标准输出写一个 JSON 对象 {"error": {"message", "file", "line", "sheet", "cell"}}。

台账已存在时，重新导入只替换任务，保留办公室在单位表、分组表中的所有编辑
（联系人、类别、别名、成员单位等），计划中新出现的单位和分组追加在表末。
加 --force 则按新计划重建台账，原台账另存为 <台账名>.bak.xlsx。
`

func runPlanImport(args []string, stdout, stderr io.Writer) (err error) {
	fs := newFlags("plan import", planImportUsage, stdout)
	out := fs.StringP("output", "o", "plan.xlsx", "台账文件路径")
	registry := fs.String("registry", "", "单位名册：内置名册的名称（huairou）或名册文件")
	asJSON := fs.Bool("json", false, "以 JSON 格式输出导入结果（供脚本使用）")
	force := fs.Bool("force", false, "重建台账，不保留原台账中的单位表和分组表编辑")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("plan import：只能指定一个计划文件")
	}
	file := fs.Arg(0)
	if *asJSON {
		defer func() {
			if err != nil {
				writeJSONError(stdout, err, file)
			}
		}()
	}
	res, err := workspace.OpenLedger(*out).ImportPlan(workspace.PlanSource{File: file, Registry: *registry}, *force, program)
	if err != nil {
		return err
	}
	p, exists, findings := res.Plan, res.Existed, res.Findings
	if *asJSON {
		return writeJSON(stdout, p.JSON())
	}
	fmt.Fprintln(stdout, p.Summary())
	for _, n := range p.Notices {
		fmt.Fprintf(stdout, "  %s\n", n.Line())
	}
	if exists && !*force {
		fmt.Fprintf(stdout, "已保留原台账单位表、分组表中的 %d 行编辑，新增 %d 行。\n", res.Kept, res.Added)
	}
	if exists && *force {
		fmt.Fprintf(stdout, "原台账已另存为 %s。\n", res.Backup)
	}
	fmt.Fprintf(stdout, "计划台账已写入 %s。\n", *out)
	errs, warns := countFindings(findings)
	if errs+warns > 0 {
		fmt.Fprintf(stdout, "台账有 %d 个错误、%d 个提醒需要处理，请运行 planreport plan check %s 查看。\n", errs, warns, workspace.QuoteArg(*out))
	}
	return nil
}

const planShowUsage = `用法：planreport plan show [台账] [--json]

显示计划台账（默认 plan.xlsx）中的计划信息、任务及其牵头、责任单位和完成时限，
以及按当前单位表、分组表展开后各单位的任务数。--json 输出完整数据（供脚本使用）。
`

func runPlanShow(args []string, stdout io.Writer) error {
	fs := newFlags("plan show", planShowUsage, stdout)
	asJSON := fs.Bool("json", false, "以 JSON 格式输出（供脚本使用）")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	path, err := ledgerArg(fs.Args(), "plan show")
	if err != nil {
		return err
	}
	p, err := plan.ReadLedger(path)
	if err != nil {
		return err
	}
	if p.Notices, err = plan.ReadLedgerNotices(path); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, p.JSON())
	}
	fmt.Fprintf(stdout, "《%s》 %s  发布日期：%s\n\n", p.Title, p.DocNumber, orDash(p.Issued))
	for _, t := range p.Tasks {
		due := t.Deadline.Due
		if due == "" {
			due = t.Deadline.Kind.ChineseName()
		}
		fmt.Fprintf(stdout, "%-6s [%s] %s\n       牵头：%s\n       责任：%s\n", t.ID, due, abbreviate(t.Text, 40),
			orDash(strings.Join(t.Lead, "、")), orDash(strings.Join(t.Responsible, "、")))
	}
	count := map[string]int{}
	for _, a := range p.Assignments() {
		count[a.Unit]++
	}
	fmt.Fprintf(stdout, "\n单位（%d 个）及任务数：\n", len(p.Units))
	for _, u := range p.Units {
		fmt.Fprintf(stdout, "  %s（%s）%d\n", u.Name, orDash(u.Category), count[u.Name])
	}
	return nil
}

const planCheckUsage = `用法：planreport plan check [台账] [--json]

检查计划台账（默认 plan.xlsx）中需要办公室处理的问题，逐条列出所在工作表和单元格：
  错误：任务编号重复、任务没有牵头单位、单位名称不在单位表中（提示最接近的名称）、
        分组成员不在单位表中、报送关系循环等；
  提醒：分组尚未指定成员单位、完成时限无法识别、单位没有任务、「分工」表需要刷新等。
有错误时退出码为 1，没有错误时为 0。
`

func runPlanCheck(args []string, stdout io.Writer) error {
	fs := newFlags("plan check", planCheckUsage, stdout)
	asJSON := fs.Bool("json", false, "以 JSON 格式输出（供脚本使用）")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	path, err := ledgerArg(fs.Args(), "plan check")
	if err != nil {
		return err
	}
	res, err := workspace.OpenLedger(path).CheckPlan()
	if err != nil {
		return err
	}
	p, findings := res.Plan, res.Findings
	errs, warns := countFindings(findings)
	if *asJSON {
		if findings == nil {
			findings = []plan.Finding{}
		}
		if err := writeJSON(stdout, struct {
			Ledger   string         `json:"ledger"`
			Errors   int            `json:"errors"`
			Warnings int            `json:"warnings"`
			Notices  int            `json:"notices"`
			Findings []plan.Finding `json:"findings"`
		}{path, errs, warns, countNotices(findings), findings}); err != nil {
			return err
		}
	} else {
		for _, f := range findings {
			fmt.Fprintf(stdout, "%s  %s「%s」表 %s：%s\n      处理方法：%s\n", f.Severity.Chinese(), path, f.Sheet, f.Cell, f.Message, f.Hint)
		}
		notices := countNotices(findings)
		switch {
		case len(findings) == 0:
			fmt.Fprintf(stdout, "%s：未发现问题（%d 项任务，%d 个单位）。\n", path, len(p.Tasks), len(p.Units))
		case notices > 0:
			fmt.Fprintf(stdout, "\n%s：%d 个错误，%d 个提醒，另有 %d 条提示（导入时未作为任务的条目等）。\n", path, errs, warns, notices)
		default:
			fmt.Fprintf(stdout, "\n%s：%d 个错误，%d 个提醒。\n", path, errs, warns)
		}
	}
	if errs > 0 {
		return errReported
	}
	return nil
}

const planRefreshUsage = `用法：planreport plan refresh [台账]

按台账（默认 plan.xlsx）当前的任务、单位表和分组表重新生成「分工」表。
其他工作表保持原样。修改单位类别或分组成员后运行。
`

func runPlanRefresh(args []string, stdout io.Writer) error {
	fs := newFlags("plan refresh", planRefreshUsage, stdout)
	if done, err := parseFlags(fs, args); done {
		return err
	}
	path, err := ledgerArg(fs.Args(), "plan refresh")
	if err != nil {
		return err
	}
	p, err := workspace.OpenLedger(path).RefreshPlan(program)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已重新生成 %s 的「分工」表：%d 条分工。\n", path, len(p.Assignments()))
	return nil
}

func ledgerArg(args []string, cmd string) (string, error) {
	switch len(args) {
	case 0:
		return "plan.xlsx", nil
	case 1:
		return args[0], nil
	}
	return "", usagef("%s：只能指定一个台账文件", cmd)
}

// countFindings counts the errors and warnings; notices (how the document was read) are
// counted apart, by countNotices.
func countFindings(fs []plan.Finding) (errs, warns int) {
	for _, f := range fs {
		switch f.Severity {
		case plan.Error:
			errs++
		case plan.Warning:
			warns++
		}
	}
	return errs, warns
}

func countNotices(fs []plan.Finding) (n int) {
	for _, f := range fs {
		if f.Severity == plan.Info {
			n++
		}
	}
	return n
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeJSONError writes a failed import as JSON on stdout: the Chinese message, the file and,
// when known, where in it.
func writeJSONError(w io.Writer, err error, file string) {
	type location struct {
		Message string `json:"message"`
		File    string `json:"file"`
		Line    int    `json:"line,omitempty"`
		Sheet   string `json:"sheet,omitempty"`
		Cell    string `json:"cell,omitempty"`
	}
	e := location{Message: err.Error(), File: file}
	var ie *plan.ImportError
	if errors.As(err, &ie) {
		e.File, e.Line, e.Sheet, e.Cell = ie.File, ie.At.Line, ie.At.Sheet, ie.At.Cell
	}
	writeJSON(w, struct {
		Error location `json:"error"`
	}{e})
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func abbreviate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
