// Package workspace runs a reporting office's work on a workspace folder: the plan ledger and
// one folder per reporting period. Its operations (init, plan import and check, templates,
// collect, status and reminders, report) are the ones the command line and the web workbench
// both call, each as a typed call that returns a typed result and reports progress through a
// callback. It owns where every file lives, the rule of one writer at a time, and what happens
// when a file the office has open in Excel cannot be replaced.
//
// A workspace holds these files and folders, all written by the tool but the inbox, which is
// the office's (Layout lists them for people):
//
//	plan.xlsx                  the plan ledger: tasks, units, groups; the office edits it in Excel
//	plan.bak.xlsx              the ledger as it was before plan import --force
//	邮箱设置.json                the office mailbox's settings (mailbox), never the password
//	.planreport.lock           who is changing the workspace now (Lock)
//	计划文件/                   plan documents and ledgers uploaded through the web workbench, and the ledgers they replaced
//	.planreport.password       the web workbench's password, as a salted hash (serve --listen)
//	演示交回/PERIOD/             the demo's units' returned files, for trying the workbench's upload
//	2024Q1/                    one folder per reporting period
//	  period.json              the period's settings: due date, when the templates were issued
//	  存在问题和下一步工作.txt        the office's own words for the period's report (read, never written; or .docx)
//	  模板/                     one template per unit, 2024Q1_模板清单.xlsx, 邮件草稿/ (drafts with the templates)
//	  收件/                     where the office puts what units sent; collect --imap adds the messages it fetches, nothing there is ever changed
//	  归档/单位/                  every received workbook, byte for byte, by unit (未识别/: unit unknown)
//	  归档/原件/                  the emails and zip archives the workbooks came in, byte for byte
//	  收件记录.json               the record: every file received, its unit, whether accepted, its findings
//	  收件内容.缓存               the accepted rows, which the report and the next period read (rebuilt when missing)
//	  检查结果.xlsx               every finding of every received file, one row each
//	  反馈/单位_反馈.xlsx           a unit's latest workbook with its problem cells marked; 反馈/邮件草稿/: replies
//	  催报/                     reminder drafts to units that are missing or rejected
//	  报告/                     the printed report (PDF), the same as a Word document, and the staff's summary workbook
//	  发送记录.jsonl, 收信记录.jsonl  the mail sent and fetched for the period (mailbox)
package workspace

import (
	"os"
	"path/filepath"
	"sort"

	"planreport/internal/atomicfile"

	"planreport/mailbox"
	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
)

// The names of the workspace's files and folders. Those a lower package reads and writes
// itself are its constants (workbook.StateFile, mailbox.SendLogName and the like); Layout lists
// them all.
const (
	LedgerName   = "plan.xlsx"
	LockName     = ".planreport.lock"
	NotesName    = "存在问题和下一步工作.txt"
	SettingsName = "period.json"
	TemplatesDir = "模板"
	InboxDir     = "收件"
	FindingsName = "检查结果.xlsx"
	FeedbackDir  = "反馈"
	DraftsDir    = "邮件草稿"
	RemindersDir = "催报"
	ReportDir    = "报告"
	UploadsDir   = "计划文件"
	PasswordName = ".planreport.password"
	DemoDir      = "演示交回"

	feedbackSuffix = "_反馈.xlsx" // after a unit's file name (UnitFileNames)
)

// Entry is one file or folder of a workspace, for people: where it is and what it is for.
type Entry struct {
	Path    string // relative to the workspace; PERIOD stands for a period's folder
	Folder  bool
	Purpose string
	Office  bool // the office's own, which the tool reads but never changes
}

// Layout lists every file and folder a workspace holds, in the order of the package comment.
func Layout() []Entry {
	p := func(rel string) string { return filepath.ToSlash(filepath.Join("PERIOD", rel)) }
	return []Entry{
		{LedgerName, false, "计划台账：任务、单位、分组，办公室在 Excel 中编辑", false},
		{"plan.bak.xlsx", false, "重建台账（plan import --force）前的原台账", false},
		{mailbox.SettingsName, false, "单位邮箱的服务器设置（不含密码）", false},
		{LockName, false, "正在修改工作目录的程序（进程号、操作、开始时间）", false},
		{UploadsDir, true, "在网页工作台上传的计划文件和台账，以及被替换前的台账，原样保留", false},
		{PasswordName, false, "网页工作台供同事登录的密码（只存加盐散列，不存密码本身）", false},
		{DemoDir + "/PERIOD", true, "演示：模拟各单位交回的文件，供在网页工作台上传试用", false},
		{"PERIOD", true, "每个报送周期一个文件夹，如 2024Q1", false},
		{p(SettingsName), false, "周期设置：截止日期、模板生成时间", false},
		{p(NotesName), false, "办公室撰写的本期“存在问题和下一步工作”（文本文件或同名 .docx），报告原文引用", true},
		{p(TemplatesDir), true, "各单位报送模板、模板清单、邮件草稿", false},
		{p(InboxDir), true, "办公室放入单位交回的表格和邮件；从单位邮箱收取的邮件也存在这里；程序不改动其中的文件", true},
		{p(workbook.ArchiveDir), true, "收到的每份报送表，按单位原样归档（未识别单位的在“未识别”）", false},
		{p(workbook.OriginalsDir), true, "报送表所在的邮件和压缩包原件", false},
		{p(workbook.StateFile), false, "收件记录：每份文件的来源、时间、单位、是否接收、问题", false},
		{p(workbook.StoreFile), false, "本周期已接收的填报内容：报告、下一周期的模板和检查由此读取（缺失时由归档重建）", false},
		{p(FindingsName), false, "检查结果：所有问题，每条一行", false},
		{p(FeedbackDir), true, "各单位反馈表（原表上标出问题单元格），回复邮件草稿", false},
		{p(RemindersDir), true, "催报邮件草稿", false},
		{p(ReportDir), true, "PDF 报告、同一报告的 Word 版和汇总表", false},
		{p(mailbox.SendLogName), false, "本周期发出的邮件记录", false},
		{p(mailbox.FetchLogName), false, "本周期收取的邮件记录", false},
	}
}

// Workspace is a workspace folder.
type Workspace struct {
	dir    string
	ledger string // the ledger's path: dir/plan.xlsx, or the file plan commands name
	named  bool   // the ledger was named by its path (OpenLedger)
}

// Open returns the workspace in dir (which need not exist yet).
func Open(dir string) *Workspace {
	return &Workspace{dir: dir, ledger: filepath.Join(dir, LedgerName)}
}

// OpenLedger returns the workspace of a ledger that plan commands name by its path: the
// folder the ledger is in.
func OpenLedger(path string) *Workspace {
	return &Workspace{dir: filepath.Dir(path), ledger: path, named: true}
}

// Dir is the workspace's folder.
func (w *Workspace) Dir() string { return w.dir }

// Ledger is the plan ledger's path.
func (w *Workspace) Ledger() string { return w.ledger }

// PeriodDir is a period's folder.
func (w *Workspace) PeriodDir(p plan.Period) string { return filepath.Join(w.dir, p.String()) }

// TemplatesDir is where a period's templates are issued.
func (w *Workspace) TemplatesDir(p plan.Period) string {
	return filepath.Join(w.PeriodDir(p), TemplatesDir)
}

// InboxDir is a period's inbox, where the office puts what units sent.
func (w *Workspace) InboxDir(p plan.Period) string { return filepath.Join(w.PeriodDir(p), InboxDir) }

// FindingsPath is a period's findings workbook.
func (w *Workspace) FindingsPath(p plan.Period) string {
	return filepath.Join(w.PeriodDir(p), FindingsName)
}

// FeedbackDir is where a period's feedback workbooks are written.
func (w *Workspace) FeedbackDir(p plan.Period) string {
	return filepath.Join(w.PeriodDir(p), FeedbackDir)
}

// RemindersDir is where a period's reminder drafts are written.
func (w *Workspace) RemindersDir(p plan.Period) string {
	return filepath.Join(w.PeriodDir(p), RemindersDir)
}

// ReportDir is where a period's report is written.
func (w *Workspace) ReportDir(p plan.Period) string { return filepath.Join(w.PeriodDir(p), ReportDir) }

// ReportPDF is a period's printed report.
func (w *Workspace) ReportPDF(p plan.Period) string {
	return filepath.Join(w.ReportDir(p), p.String()+"_落实情况报告.pdf")
}

// ReportDOCX is a period's report as a Word document, for the office to edit.
func (w *Workspace) ReportDOCX(p plan.Period) string {
	return filepath.Join(w.ReportDir(p), p.String()+"_落实情况报告.docx")
}

// ReportWorkbook is a period's summary workbook.
func (w *Workspace) ReportWorkbook(p plan.Period) string {
	return filepath.Join(w.ReportDir(p), p.String()+"_汇总表.xlsx")
}

// PasswordPath is the web workbench's password file.
func (w *Workspace) PasswordPath() string { return filepath.Join(w.dir, PasswordName) }

// RecordPath is a period's record of what was received.
func (w *Workspace) RecordPath(p plan.Period) string {
	return filepath.Join(w.PeriodDir(p), workbook.StateFile)
}

// NotesPath is the office's own text for a period's report's 存在问题和下一步工作: each
// period's report has its own, so that last period's words are never printed again.
func (w *Workspace) NotesPath(p plan.Period) string { return filepath.Join(w.PeriodDir(p), NotesName) }

// FeedbackPath is a unit's feedback workbook for a period; names is UnitFileNames.
func (w *Workspace) FeedbackPath(p plan.Period, names map[string]string, unit string) string {
	return filepath.Join(w.FeedbackDir(p), names[unit]+feedbackSuffix)
}

// TemplatePath is the template issued to a unit for a period; names is templates.FileNames
// of the period's reporting units.
func (w *Workspace) TemplatePath(p plan.Period, names map[string]string, unit string) string {
	return filepath.Join(w.TemplatesDir(p), names[unit])
}

// removeLeftovers removes what killed runs left half-written in the folders an operation
// writes, but never in an inbox.
func removeLeftovers(dirs ...string) {
	atomicfile.RemoveLeftovers([]string{InboxDir}, dirs...)
}

// HasPlan reports, in the office's words, that the workspace has no ledger yet.
func (w *Workspace) HasPlan() error {
	if _, err := os.Stat(w.ledger); err != nil && !w.named { // a named ledger: plan.ReadLedger says it is missing
		return &NoPlanError{Dir: w.dir, Ledger: w.ledger}
	}
	return nil
}

// ReadPlan reads the workspace's ledger (no lock: reading never needs one).
func (w *Workspace) ReadPlan() (*plan.Plan, error) {
	if err := w.HasPlan(); err != nil {
		return nil, err
	}
	return plan.ReadLedger(w.ledger)
}

// UnitFileNames names the files made for each unit (feedback, drafts) as
// templates.UnitFileNames does, over the registry in its order and then the other units
// given, sorted: two units whose names are alike once made safe for a file name get
// different files, and the same unit the same name from run to run.
func UnitFileNames(p *plan.Plan, others ...string) map[string]string {
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
