package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"planreport/inbox"
	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
)

const collectUsage = `用法：planreport collect --period 周期 [-w 工作目录] [路径...] [--password 密码] [--eml] [--json]

收集各单位交回的报送表：逐份识别单位、检查填写，归档原件，并告诉单位要改哪些单元格。

路径可以是文件、文件夹（含子文件夹）、.zip 压缩包或 .eml 邮件（取出其中的 .xlsx 和 .zip 附件，
记录发件人和发送时间）。不指定路径时，读取 工作目录/周期/收件/ 文件夹：把邮件另存为 .eml，
或把附件直接放进去即可。

每份文件按 SHA-256 原样归档到 周期/归档/单位/，不会删除任何文件；同一文件再次收到时不重复处理，
重复运行 collect 结果不变。单位可以重新报送，以最后一份通过检查的为准。

没有错误的报送表即为“已接收”。结果写入：
  周期/检查结果.xlsx         所有问题，每条一行，可筛选
  周期/反馈/单位_反馈.xlsx     每个有问题的单位一份：在其原表上标出问题单元格并批注，另附“需修改事项”表
  周期/反馈/邮件草稿/          加 --eml 时，给这些单位的回复邮件草稿（附反馈表）
  周期/收件记录.json          每份收到的文件：来源、时间、单位、是否接收、问题
  上一周期/收件内容.缓存       上一周期各单位已接收的填报内容，供本周期对照（生成本周期模板时由归档生成，删除后会自动重建）

退出码：0 表示运行完成（即使有单位的表未通过检查），1 表示运行出错。
`

func runCollect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("collect", collectUsage, stdout)
	dir, periodFlag := workspaceFlags(fs)
	password := fs.String("password", "", "加密报送表的打开密码")
	eml := fs.Bool("eml", false, "为有问题的单位生成回复邮件草稿（.eml，附反馈表）")
	asJSON := fs.Bool("json", false, "以 JSON 格式输出结果（供脚本使用）")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	period, err := parsePeriodFlag("collect", *periodFlag)
	if err != nil {
		return err
	}
	w := workspace{dir: *dir}
	if err := w.hasPlan(); err != nil {
		return err
	}
	if _, err := os.Stat(w.settingsPath(period)); errors.Is(err, os.ErrNotExist) {
		// A mistyped period would otherwise look like a real result: every unit missing.
		fmt.Fprintf(stderr, "注意：%s还没有生成过模板（没有 %s）。请确认周期是否写对；如无误，请先运行 planreport templates -w %s --period %s。\n",
			period.Chinese(), w.settingsPath(period), w.dir, period)
	}
	paths := fs.Args()
	if len(paths) == 0 {
		inboxDir := w.inboxDir(period)
		if err := os.MkdirAll(inboxDir, 0o755); err != nil {
			return fmt.Errorf("创建收件文件夹 %s：%w", inboxDir, err)
		}
		paths = []string{inboxDir}
	}
	removeLeftovers(w.periodDir(period))
	res, err := collect(ctx, w, period, paths, *password, stderr)
	if err != nil {
		return err
	}
	p := res.plan
	// The record and the outputs are written side by side: the outputs are made from the
	// collection in memory, and a run killed (or failing) before the record is saved redoes
	// both. The record's error, if any, is the one reported.
	var saveErr, outErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		if saveErr = res.coll.Save(); saveErr == nil {
			crashPoint("saved")
		}
	})
	var drafts int
	wg.Go(func() { drafts, outErr = writeCollectOutputs(w, p, period, res.coll, *eml) })
	wg.Wait()
	if saveErr != nil {
		return saveErr
	}
	if outErr != nil {
		return outErr
	}
	if *asJSON {
		return writeJSON(stdout, res.summary(w, p, period))
	}
	res.print(stdout, w, p, period)
	if *eml {
		rejected := 0
		for _, s := range res.coll.Latest() {
			if !s.Accepted {
				rejected++
			}
		}
		if drafts > 0 {
			fmt.Fprintf(stdout, "回复邮件草稿：%d 封，在 %s。\n", drafts, filepath.Join(w.periodDir(period), feedbackDir, "邮件草稿"))
		} else {
			fmt.Fprintln(stdout, "回复邮件草稿：0 封。")
		}
		if n := rejected - drafts; n > 0 {
			fmt.Fprintf(stdout, "另有 %d 个未通过的单位既不是从邮件收到的，也未在计划台账「单位」表中填写电子邮箱，请把反馈表另行发给他们。\n", n)
		}
	}
	return nil
}

// collected is what one collect run did.
type collected struct {
	plan      *plan.Plan
	coll      *workbook.Collection
	check     *workbook.Context // the period's templates, as issued
	added     []workbook.Submission
	repeated  int      // files received before (same SHA-256)
	skipped   []string // files that are not workbooks (pictures, PDFs in emails)
	originals int
}

// collect reads every item under paths, checks the new ones and archives them in the
// period's collection. Each item is checked and archived as soon as it is read, several at a
// time, and recorded in the order read; memory holds a batch of them whatever the number of
// units. What checking needs (the plan, the previous period's reports, the period's record)
// is read while the first batch of files is.
func collect(ctx context.Context, w workspace, period plan.Period, paths []string, password string, stderr io.Writer) (*collected, error) {
	var res *collected
	var setupErr error
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		res, setupErr = prepareCollect(w, period, password)
	}()
	var b *batch
	var held []walked // read before the setup was ready
	heldItems := 0
	skipped, err := inbox.Walk(paths, inbox.DefaultLimits(), func(items []inbox.Item, containers []inbox.Container) error {
		if b != nil {
			return b.take(items, containers)
		}
		held = append(held, walked{items, containers})
		if heldItems += len(items); heldItems < batchSize {
			select {
			case <-ready:
			default:
				return nil // read on
			}
		}
		<-ready
		if setupErr != nil {
			return setupErr
		}
		b = newBatch(ctx, res, stderr)
		return b.takeHeld(&held)
	})
	<-ready
	switch {
	case setupErr != nil:
		if b != nil {
			b.g.Wait()
		}
		return nil, setupErr
	case err == nil && b == nil: // fewer files than a batch, all read before the setup was ready
		b = newBatch(ctx, res, stderr)
		err = b.takeHeld(&held)
	}
	if err == nil {
		err = b.finish()
	} else if b != nil {
		b.g.Wait()
	}
	if b != nil {
		b.bar.done()
	}
	if err != nil {
		return nil, err
	}
	res.skipped = skipped
	crashPoint("archived")
	return res, nil
}

// prepareCollect reads the plan and the previous period's record (at the same time, the
// period's templates made while the record is read), and prepares checking the period.
func prepareCollect(w workspace, period plan.Period, password string) (*collected, error) {
	var prior *workbook.Prior
	var priorErr error
	var wg sync.WaitGroup
	wg.Go(func() { prior, priorErr = workbook.ReadPrior(w.periodDir(period.Previous()), period.Previous()) })
	p, err := w.readPlan()
	var check *workbook.Context
	if err == nil {
		check = workbook.NewContext(p, period, nil)
		check.Password = password
	}
	wg.Wait()
	if err != nil {
		return nil, err
	}
	var previous map[string]templates.Previous
	if priorErr == nil {
		previous, priorErr = prior.Reports(p)
	}
	if priorErr != nil {
		return nil, fmt.Errorf("读取上一周期（%s）的收件记录：%w", period.Previous().Chinese(), priorErr)
	}
	check.SetPrevious(previous)
	coll, err := workbook.OpenCollection(w.periodDir(period), period)
	if err != nil {
		return nil, err
	}
	return &collected{plan: p, coll: coll, check: check}, nil
}

// walked is what inbox.Walk handed over for one file.
type walked struct {
	items      []inbox.Item
	containers []inbox.Container
}

// batchSize is how many items are checked before they are recorded, and so about how many
// workbooks are in memory: a file's items are taken whole (a zip of many workbooks), and
// up to a batch is read while the setup is being made.
const batchSize = 64

// batch is the items being checked and archived, in the order read.
type batch struct {
	res    *collected
	check  *workbook.Context
	seen   map[string]bool // SHA-256 of the items of this run so far
	bar    *progress
	g      *errgroup.Group
	ctx    context.Context // g's, cancelled when g is done
	parent context.Context

	items []*item
}

// item is one item of a batch: what was read, and what was made of it.
type item struct {
	inbox.Item
	sub *workbook.Submission // nil for a file received before
	err error                // archiving it
}

func newBatch(ctx context.Context, res *collected, stderr io.Writer) *batch {
	b := &batch{res: res, check: res.check, seen: map[string]bool{}, bar: newProgress(0, stderr), parent: ctx}
	b.reset()
	return b
}

// take archives a file's containers, and checks and archives its items.
func (b *batch) take(items []inbox.Item, containers []inbox.Container) error {
	for _, c := range containers {
		if err := b.res.coll.AddOriginal(filepath.Base(c.Path), c.Data, modTime(c.Path)); err != nil {
			return err
		}
		b.res.originals++
		crashPoint("original")
	}
	for _, it := range items {
		b.start(it)
		if len(b.items) >= batchSize {
			if err := b.finish(); err != nil {
				return err
			}
		}
	}
	return nil
}

// takeHeld takes what was held back, in order, and empties it.
func (b *batch) takeHeld(held *[]walked) error {
	for _, h := range *held {
		if err := b.take(h.items, h.containers); err != nil {
			return err
		}
	}
	*held = nil
	return nil
}

// reset starts the next batch.
func (b *batch) reset() {
	b.g, b.ctx = errgroup.WithContext(b.parent)
	b.g.SetLimit(runtime.GOMAXPROCS(0))
	b.items = b.items[:0]
}

// start checks and archives an item in the background, unless it was received before.
func (b *batch) start(it inbox.Item) {
	sum := workbook.Sum(it.Data)
	if it.Problem != "" && it.Data == nil {
		// Nothing could be read out of its container: it is known by where it was.
		sum = workbook.Sum([]byte(it.Source + "\x00" + it.Problem))
	}
	x := &item{Item: it}
	b.items = append(b.items, x)
	if b.res.coll.Has(sum) || b.seen[sum] {
		b.res.repeated++
		return
	}
	b.seen[sum] = true
	s := &workbook.Submission{SHA256: sum, Name: it.Name, Source: it.Source, Sender: it.Sender, Received: it.Received,
		Forwarder: it.Forwarder, Forwarded: it.Forwarded}
	x.sub = s
	ctx, check, coll, bar := b.ctx, b.check, b.res.coll, b.bar // this batch's, whatever b holds later
	b.g.Go(func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var r *workbook.Report
		if it.Problem != "" {
			r = check.Unreadable(it.Name, it.Sender, it.Problem, it.Hint)
		} else {
			r = check.Check(it.Name, it.Data, it.Sender)
		}
		s.SetReport(r)
		if it.Data != nil {
			s.Archive, x.err = coll.WriteArchive(*s, it.Data)
		}
		bar.add()
		return nil
	})
}

// finish waits for the batch's items and records them in the collection, in order.
func (b *batch) finish() error {
	if b.g.Wait() != nil {
		return errors.New("已中断，未保存本次收件记录；已归档的文件不受影响，重新运行 collect 即可")
	}
	defer b.reset()
	for _, x := range b.items {
		if x.err != nil {
			return x.err
		}
		if x.sub == nil {
			continue
		}
		added, err := b.res.coll.Add(*x.sub, x.Data)
		if err != nil {
			return err
		}
		if added {
			b.res.added = append(b.res.added, b.res.coll.Submissions[indexOf(b.res.coll, x.sub.SHA256)])
			crashPoint("archive")
		}
	}
	return nil
}

// indexOf finds a submission by its SHA-256, from the end: where a run's files are added.
func indexOf(c *workbook.Collection, sha string) int {
	for i := len(c.Submissions) - 1; i >= 0; i-- {
		if c.Submissions[i].SHA256 == sha {
			return i
		}
	}
	return -1
}

func modTime(path string) time.Time {
	if st, err := os.Stat(path); err == nil {
		return st.ModTime()
	}
	return time.Time{}
}

// collectJSON is collect --json's output; scripts rely on it.
type collectJSON struct {
	Period        string            `json:"period"`
	Files         []collectFileJSON `json:"files"`
	AcceptedUnits []string          `json:"accepted_units"`
	RejectedUnits []string          `json:"rejected_units"`
	MissingUnits  []string          `json:"missing_units"`
}

type collectFileJSON struct {
	Path     string         `json:"path"`
	SHA256   string         `json:"sha256"`
	Unit     string         `json:"unit"`
	Accepted bool           `json:"accepted"`
	New      bool           `json:"new"`
	Archive  string         `json:"archive"`
	Received string         `json:"received"`
	Findings []plan.Finding `json:"findings"`
}

func (res *collected) summary(w workspace, p *plan.Plan, period plan.Period) collectJSON {
	isNew := map[string]bool{}
	for _, s := range res.added {
		isNew[s.SHA256] = true
	}
	out := collectJSON{Period: period.String(), Files: []collectFileJSON{}}
	for _, s := range res.coll.Submissions {
		out.Files = append(out.Files, collectFileJSON{Path: s.Source, SHA256: s.SHA256, Unit: s.Unit, Accepted: s.Accepted, New: isNew[s.SHA256],
			Archive: filepath.Join(w.periodDir(period), filepath.FromSlash(s.Archive)), Received: s.Received.Format("2006-01-02T15:04:05Z07:00"), Findings: s.Findings})
	}
	out.AcceptedUnits, out.RejectedUnits = res.coll.Units()
	out.MissingUnits = missingUnits(p, res.check, res.coll)
	for _, l := range []*[]string{&out.AcceptedUnits, &out.RejectedUnits, &out.MissingUnits} {
		if *l == nil {
			*l = []string{}
		}
	}
	return out
}

// missingUnits are the reporting units that sent nothing for the period, in registry order.
func missingUnits(p *plan.Plan, ctx *workbook.Context, coll *workbook.Collection) []string {
	latest := coll.Latest()
	var out []string
	for _, u := range reportingUnits(p, ctx) {
		if _, ok := latest[u]; !ok {
			out = append(out, u)
		}
	}
	return out
}

func (res *collected) print(out io.Writer, w workspace, p *plan.Plan, period plan.Period) {
	fmt.Fprintf(out, "%s：本次收到 %d 份新文件", period.Chinese(), len(res.added))
	if res.repeated > 0 {
		fmt.Fprintf(out, "，%d 份此前已收到（未重复处理）", res.repeated)
	}
	fmt.Fprintln(out, "。")
	for _, s := range res.added {
		errs := plan.CountErrors(s.Findings)
		unit := s.Unit
		if unit == "" {
			unit = "（未识别单位）"
		}
		switch {
		case s.Accepted && len(s.Findings) == 0:
			fmt.Fprintf(out, "  接收  %s  %s\n", unit, s.Name)
		case s.Accepted:
			fmt.Fprintf(out, "  接收  %s  %s（%d 条提醒）\n", unit, s.Name, len(s.Findings))
		default:
			fmt.Fprintf(out, "  退回  %s  %s：%d 个错误", unit, s.Name, errs)
			for _, f := range s.Findings {
				if f.Severity == plan.Error {
					where := "" // the line names the file already
					if f.Sheet != "" {
						where = "「" + f.Sheet + "」" + f.Cell + "："
					}
					fmt.Fprintf(out, "，如 %s%s（%s）", where, f.Message, f.Hint)
					break
				}
			}
			fmt.Fprintln(out)
		}
	}
	for _, s := range res.skipped {
		fmt.Fprintf(out, "  跳过  %s\n", s)
	}
	accepted, rejected := res.coll.Units()
	missing := missingUnits(p, res.check, res.coll)
	fmt.Fprintf(out, "合计：已接收 %d 个单位，未通过 %d 个，未报送 %d 个。\n", len(accepted), len(rejected), len(missing))
	if len(rejected) > 0 {
		fmt.Fprintf(out, "未通过：%s\n", strings.Join(rejected, "、"))
	}
	if len(missing) > 0 {
		fmt.Fprintf(out, "未报送：%s\n", strings.Join(missing, "、"))
	}
	fmt.Fprintf(out, "检查结果：%s\n反馈表：%s\n", filepath.Join(w.periodDir(period), findingsName), filepath.Join(w.periodDir(period), feedbackDir))
	fmt.Fprintf(out, "运行 planreport status -w %s --period %s 查看各单位报送情况。\n", w.dir, period)
}

// reportingUnits are the units that get a template for the period, in registry order.
func reportingUnits(p *plan.Plan, ctx *workbook.Context) []string {
	var out []string
	for _, u := range p.Units {
		if ctx.Template(u.Name) != nil {
			out = append(out, u.Name)
		}
	}
	return out
}

// The collect outputs in a period's folder.
const (
	findingsName   = "检查结果.xlsx"
	feedbackDir    = "反馈"
	feedbackSuffix = "_反馈.xlsx" // after the unit's file name (unitFileNames)
)

// writeCollectOutputs regenerates the findings workbook and each unit's feedback workbook
// (and reply drafts) from the collection, so that they always match it.
func writeCollectOutputs(w workspace, p *plan.Plan, period plan.Period, coll *workbook.Collection, eml bool) (drafts int, err error) {
	dir := w.periodDir(period)
	latest := coll.Latest()
	var units []string // with findings, in order
	for u, s := range latest {
		if len(s.Findings) > 0 {
			units = append(units, u)
		}
	}
	sort.Strings(units)
	if len(units) > 0 {
		if err := os.MkdirAll(filepath.Join(dir, feedbackDir), 0o755); err != nil {
			return 0, err
		}
	}
	// The findings workbook and the feedback workbooks are written side by side; each is its
	// own file. Errors are reported as one after another would: the findings', then by unit.
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	g.Go(func() error {
		if err := workbook.WriteFindings(filepath.Join(dir, findingsName), coll); err != nil {
			return fmt.Errorf("写入检查结果：%w", err)
		}
		crashPoint("findings")
		return nil
	})
	errs := make([]error, len(units))
	written := make([]bool, len(units))
	names := unitFileNames(p, units...)
	for i, u := range units {
		g.Go(func() error {
			s := latest[u]
			data, err := coll.ReadArchived(s)
			if err != nil {
				errs[i] = err
				return nil
			}
			path := filepath.Join(dir, feedbackDir, names[u]+feedbackSuffix)
			if err := workbook.WriteFeedback(path, s, data); err != nil {
				errs[i] = fmt.Errorf("写入 %s 的反馈表：%w", u, err)
				return nil
			}
			if eml && !s.Accepted {
				written[i], errs[i] = writeReplyDraft(w, p, period, s, path)
			}
			crashPoint("feedback")
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	for _, ok := range written {
		if ok {
			drafts++
		}
	}
	return drafts, firstError(errs)
}

// firstError is the first error of errs, or nil.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// writeReplyDraft writes the email that returns a rejected workbook's feedback to its unit.
func writeReplyDraft(w workspace, p *plan.Plan, period plan.Period, s workbook.Submission, feedback string) (written bool, err error) {
	to := s.Sender
	var unit plan.Unit
	for _, u := range p.Units {
		if u.Name == s.Unit {
			unit = u
		}
	}
	if to == "" {
		to = unit.Email
	}
	if to == "" {
		return false, nil // no address: the office sends the feedback itself
	}
	data, err := os.ReadFile(feedback)
	if err != nil {
		return false, err
	}
	errs := plan.CountErrors(s.Findings)
	greeting := s.Unit
	if unit.Contact != "" {
		greeting += " " + unit.Contact + "同志"
	}
	body := fmt.Sprintf("%s：\n\n您好！贵单位报送的%s任务进展报送表（%s）经检查有 %d 处需要修改，详见附件“%s”表，问题单元格已标红并加批注。\n\n请在原报送表中修改后重新发送。如有疑问，请联系%s。\n\n%s\n",
		greeting, period.Chinese(), s.Name, errs, workbook.FeedbackSheet, p.Office.Reach(), p.Office.Name)
	mail := filepath.Join(w.periodDir(period), feedbackDir, "邮件草稿", strings.TrimSuffix(filepath.Base(feedback), feedbackSuffix)+"_退回修改.eml")
	if err := os.MkdirAll(filepath.Dir(mail), 0o755); err != nil {
		return false, err
	}
	return true, templates.WriteDraft(mail, templates.Draft{From: p.Office.Email, To: to,
		Subject:     fmt.Sprintf("【请修改后重新报送】%s%s任务进展报送表", s.Unit, period.Chinese()),
		Body:        body,
		Attachments: []templates.Attachment{{Name: filepath.Base(feedback), Data: data}}})
}
