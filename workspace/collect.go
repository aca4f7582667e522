package workspace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"planreport/inbox"
	"planreport/mailbox"
	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
)

// CollectOptions say what to collect.
type CollectOptions struct {
	Period   plan.Period
	Paths    []string // files, folders, .zip and .eml; none: the period's inbox
	Password string   // opens encrypted returns
	Drafts   bool     // write a reply draft to each rejected unit
	// Fetch first fetches the units' returns from the office mailbox into the period's inbox,
	// which is then collected too; nil fetches nothing.
	Fetch *FetchOptions
	// Send sends the replies to the rejected units through the office mailbox, as their drafts
	// have them (Drafts is implied); nil sends nothing.
	Send     *SendOptions
	Program  string
	Progress Reporter
}

// CollectResult is what one collect run did, and the period's state after it.
type CollectResult struct {
	Period     plan.Period
	Plan       *plan.Plan
	Collection *workbook.Collection
	Added      []workbook.Submission // the files new in this run, in the order read
	Repeated   int                   // files received before (the same SHA-256), not processed again
	Skipped    []string              // files that are not workbooks (pictures, PDFs in emails)
	Originals  int                   // emails and zip archives archived
	Units      []UnitStatus          // every reporting unit's state, in registry order
	Drafts     int                   // reply drafts written (Drafts)
	NoAddress  []string              // rejected units no reply draft could be addressed to
	TakenOver  *Holder               // a writer that ended without unlocking, whose lock this run took
	Fetched    *mailbox.FetchResult  // what Fetch fetched
	Mail       []mailbox.Message     // the replies (Drafts), those with no address (NoAddress) too
	Sent       *Sent                 // what Send did
}

// Collect reads every file under the paths, checks and archives the new ones in the period's
// collection, saves the record, and writes the findings workbook, each unit's feedback
// workbook and (Drafts) the reply drafts from it. Files received before are not processed
// again, so running it again changes nothing; a unit that resends has its latest accepted
// return count.
//
// A run killed anywhere leaves the workspace as it was or with more archived: the record is
// written after the archive it names is on disk, and the outputs are always made again from
// the record. When outputs cannot be written (held open in Excel), the record is saved and the
// error is a *BusyError: the next run writes them.
//
// With Fetch, the messages fetched go into the inbox before anything is collected; when the
// fetch stops half way (a dropped connection), what it saved is collected and its error
// returned with the result: the next run fetches the rest. With Send, the replies go once the
// outputs are written.
func (w *Workspace) Collect(ctx context.Context, o CollectOptions) (*CollectResult, error) {
	if err := w.HasPlan(); err != nil {
		return nil, err
	}
	if err := w.needIssued(o.Period); err != nil {
		return nil, err
	}
	ms, err := w.mailSettings(o.Send, o.Fetch)
	if err != nil {
		return nil, err
	}
	if o.Send != nil {
		o.Drafts = true
	}
	l, err := w.Lock(o.Program, "收集"+o.Period.Chinese()+"的报送表")
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	paths := o.Paths
	inboxDir := w.InboxDir(o.Period)
	if len(paths) == 0 || o.Fetch != nil {
		if err := os.MkdirAll(inboxDir, 0o755); err != nil {
			return nil, fmt.Errorf("创建收件文件夹 %s：%w", inboxDir, err)
		}
		if !slices.Contains(paths, inboxDir) {
			paths = append(slices.Clip(paths), inboxDir)
		}
	}
	removeLeftovers(w.PeriodDir(o.Period))
	run, err := w.prepareCollect(o)
	if err != nil {
		return nil, err
	}
	if err := checkResend(run.res.Plan, o.Send); err != nil {
		return nil, err
	}
	run.res.TakenOver = l.TakenOver
	var fetchErr error
	if o.Fetch != nil {
		if run.res.Fetched, fetchErr = w.fetch(ctx, o.Period, ms, o.Fetch, o.Progress); run.res.Fetched == nil {
			return nil, fetchErr // nothing fetched: no connection, login refused
		}
	}
	if err := run.pipeline(ctx, paths); err != nil {
		return nil, err
	}
	if err := run.documents(); err != nil {
		return nil, err
	}
	crashPoint("archived")

	// The record and the outputs are written side by side: the outputs are made from the
	// collection in memory, and a run killed (or failing) before the record is saved redoes
	// both. The record's error, if any, is the one reported.
	res := run.res
	var saveErr, outErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		if saveErr = res.Collection.Save(); saveErr == nil {
			crashPoint("saved")
		}
	})
	wg.Go(func() { outErr = w.writeCollectOutputs(res, run.check, o.Drafts) })
	wg.Wait()
	if saveErr != nil {
		return nil, saveErr
	}
	res.Units = Statuses(res.Plan, run.check, res.Collection, w.Due(o.Period))
	var sendErr error
	if o.Send != nil {
		res.Sent, sendErr = w.send(ctx, o.Period, ms, res.Mail, o.Send, o.Progress)
	}
	return res, errors.Join(fetchErr, busyOrErr(" planreport collect", outErr), sendErr)
}

// collectRun is one collect run: what checking needs, and what was done.
type collectRun struct {
	res   *CollectResult
	check *workbook.Context // the period's templates, as issued
	seen  map[string]bool   // SHA-256 of the files received before and in this run
	bar   Reporter
	done  int
	docs  []inbox.Item // Word and PDF documents read, decided about once the workbooks are in
}

// prepareCollect reads the plan, the previous period's accepted values and the period's record.
func (w *Workspace) prepareCollect(o CollectOptions) (*collectRun, error) {
	p, err := plan.ReadLedger(w.ledger)
	if err != nil {
		return nil, err
	}
	// Last period's reports, this period's record and the templates to check against are
	// read side by side (at 1,000 units each takes about a tenth of a second).
	var previous map[string]templates.Previous
	var coll *workbook.Collection
	var prevErr, collErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		previous, prevErr = workbook.Previous(w.PeriodDir(o.Period.Previous()), p, o.Period.Previous())
	})
	wg.Go(func() { coll, collErr = w.Collection(o.Period) })
	check := workbook.NewContext(p, o.Period, nil)
	wg.Wait()
	if prevErr != nil {
		return nil, fmt.Errorf("读取上一周期（%s）的收件记录：%w", o.Period.Previous().Chinese(), prevErr)
	}
	if collErr != nil {
		return nil, collErr
	}
	check.SetPrevious(previous)
	check.Password = o.Password
	run := &collectRun{res: &CollectResult{Period: o.Period, Plan: p, Collection: coll},
		check: check, seen: map[string]bool{}, bar: o.Progress}
	for _, s := range coll.Submissions {
		run.seen[s.SHA256] = true
	}
	return run, nil
}

// job is one file read: a container to archive (an email or zip), or a workbook to check and
// archive, then record.
type job struct {
	container *inbox.Container
	item      inbox.Item
	sub       *workbook.Submission // nil for a workbook received before
	entries   []workbook.Entry     // its rows, when accepted
	err       error                // archiving it
	done      chan struct{}        // closed once checked and archived
}

// window is how many files may be read ahead of the one being recorded, and so about how
// many workbooks are in memory, whatever the number of units.
const window = 64

// pipeline is collect's one loop: a reader walks the paths in order and hands each new
// workbook to a pool of workers, which check and archive it; a recorder adds them to the
// collection in the order read. Only the recorder changes the collection's record; the
// workers only write archived copies, which the collection allows side by side.
func (run *collectRun) pipeline(ctx context.Context, paths []string) error {
	g, ctx := errgroup.WithContext(ctx)
	work := make(chan *job)          // to the workers
	order := make(chan *job, window) // to the recorder, in the order read
	for range runtime.GOMAXPROCS(0) {
		g.Go(func() error {
			for j := range work {
				run.checkAndArchive(j)
				close(j.done)
			}
			return nil
		})
	}
	g.Go(func() error {
		for j := range order {
			select {
			case <-j.done:
			case <-ctx.Done():
				return ctx.Err()
			}
			if err := run.record(j); err != nil {
				return err
			}
		}
		return nil
	})
	g.Go(func() error {
		defer close(work)
		defer close(order)
		send := func(c chan *job, j *job) error {
			select {
			case c <- j:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		skipped, err := inbox.Walk(paths, inbox.DefaultLimits(), func(items []inbox.Item, containers []inbox.Container) error {
			for i := range containers {
				j := &job{container: &containers[i], done: closed}
				if err := send(order, j); err != nil {
					return err
				}
			}
			for _, it := range items {
				if it.Document {
					run.docs = append(run.docs, it)
					continue
				}
				j := run.newJob(it)
				if err := send(order, j); err != nil {
					return err
				}
				if j.sub != nil {
					if err := send(work, j); err != nil {
						return err
					}
				}
			}
			return nil
		})
		run.res.Skipped = skipped
		return err
	})
	if err := g.Wait(); err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return errors.New("已中断，未保存本次收件记录；已归档的文件不受影响，重新运行 collect 即可")
		}
		return err
	}
	return nil
}

// documents decides about the Word and PDF documents read. A unit that has sent no workbook
// but a document filled its form in the wrong program: the document is its return, not
// accepted, and it is told why (not reminded that nothing arrived). Any other document (a
// unit's evidence beside its workbook, a file nothing names) is listed as skipped.
func (run *collectRun) documents() error {
	latest := run.res.Collection.Latest()
	for _, it := range run.docs {
		r := run.check.Unreadable(it.Name, it.Sender, it.Reason, it.Hint)
		if r.Unit == "" {
			run.res.Skipped = append(run.res.Skipped, it.Problem+"，已跳过")
			continue
		}
		if _, sent := latest[r.Unit]; sent {
			run.res.Skipped = append(run.res.Skipped, it.Problem+"；"+r.Unit+"已交回报送表，视为佐证材料")
			continue
		}
		j := run.newJob(it)
		if j.sub == nil {
			continue // recorded before
		}
		run.checkAndArchive(j)
		if err := run.record(j); err != nil {
			return err
		}
		latest[r.Unit] = *j.sub
	}
	return nil
}

// closed is a done channel for jobs with nothing to wait for.
var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// newJob makes the job of a workbook read: one to check, or one received before.
func (run *collectRun) newJob(it inbox.Item) *job {
	sum := workbook.Sum(it.Data)
	if it.Problem != "" && it.Data == nil {
		// Nothing could be read out of its container: it is known by where it was.
		sum = workbook.Sum([]byte(it.Source + "\x00" + it.Problem))
	}
	j := &job{item: it, done: closed}
	if run.seen[sum] {
		run.res.Repeated++
		return j
	}
	run.seen[sum] = true
	j.sub = &workbook.Submission{SHA256: sum, Name: it.Name, Source: it.Source, Sender: it.Sender, Received: it.Received,
		Forwarder: it.Forwarder, Forwarded: it.Forwarded}
	j.done = make(chan struct{})
	return j
}

// checkAndArchive checks a workbook and writes its archived copy.
func (run *collectRun) checkAndArchive(j *job) {
	it, s := j.item, j.sub
	var r *workbook.Report
	if it.Problem != "" {
		// It could not be taken out of its email or zip: still its unit's return when its name
		// or its sender names the unit.
		r = run.check.Unreadable(it.Name, it.Sender, it.Reason, it.Hint)
	} else {
		r = run.check.Check(it.Name, it.Data, it.Sender)
	}
	s.SetReport(r)
	if s.Accepted {
		j.entries = r.Entries
	}
	if it.Data != nil {
		s.Archive, j.err = run.res.Collection.WriteArchive(*s, it.Data)
	}
}

// record adds a job to the collection, in the order read.
func (run *collectRun) record(j *job) error {
	coll := run.res.Collection
	if c := j.container; c != nil {
		if err := coll.AddOriginal(filepath.Base(c.Path), c.Data, modTime(c.Path)); err != nil {
			return err
		}
		run.res.Originals++
		crashPoint("original")
		return nil
	}
	if j.err != nil {
		return j.err
	}
	if j.sub == nil {
		return nil
	}
	added, err := coll.Add(*j.sub, j.item.Data)
	if err != nil {
		return err
	}
	if added {
		if j.sub.Accepted {
			if err := coll.Remember(run.check, *j.sub, j.entries); err != nil {
				return err
			}
		}
		run.res.Added = append(run.res.Added, *j.sub)
		crashPoint("archive")
	}
	run.done++
	run.bar.report(Progress{Stage: "检查报送表", Done: run.done})
	return nil
}

func modTime(path string) time.Time {
	if st, err := os.Stat(path); err == nil {
		return st.ModTime()
	}
	return time.Time{}
}
