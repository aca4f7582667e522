package ui

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"planreport/workspace"
)

// Long work (templates, collect, reminders, report) runs as a job in the server, one at a
// time, since one writer at a time may change a workspace. The page that starts a job goes to
// the job's page, which shows its progress (from the operation's workspace.Reporter) and
// refreshes itself until it is done; nothing waits on a request, so nothing times out. When
// another program (the command line) holds the workspace, the job says what it is doing and
// tries again every retryEvery, rather than failing.

// retryEvery is how often a job waiting for the workspace tries again.
var retryEvery = 500 * time.Millisecond

// maxJobs bounds the finished jobs kept for their pages.
const maxJobs = 200

// outcome is what a job's work says when it ends: lines for people, links onward.
type outcome struct {
	Lines   []string
	Links   []link
	Details []string // a long list (every file accepted), folded away
	Summary string   // what Details is
}

type link struct{ Text, URL string }

type job struct {
	ID    string
	Title string
	Back  link // where to go when it is done

	mu       sync.Mutex
	progress workspace.Progress
	waiting  string // why it is not running yet
	started  time.Time
	ended    time.Time
	out      outcome
	err      error
}

// jobView is a job's state at one moment, for its page.
type jobView struct {
	ID, Title string
	Back      link
	Stage     string
	Done      int
	Total     int
	Waiting   string
	Running   bool
	Finished  bool
	Elapsed   string
	Out       outcome
	Err       string
	Busy      []string // files that could not be written, held open in Excel
}

func (j *job) view() jobView {
	j.mu.Lock()
	defer j.mu.Unlock()
	v := jobView{ID: j.ID, Title: j.Title, Back: j.Back, Stage: j.progress.Stage, Done: j.progress.Done, Total: j.progress.Total,
		Waiting: j.waiting, Finished: !j.ended.IsZero(), Out: j.out}
	v.Running = !v.Finished && v.Waiting == ""
	end := j.ended
	if end.IsZero() {
		end = time.Now()
	}
	if !j.started.IsZero() {
		v.Elapsed = fmt.Sprintf("%.0f 秒", end.Sub(j.started).Seconds())
	}
	if j.err != nil {
		var busy *workspace.BusyError
		if errors.As(j.err, &busy) {
			v.Busy = busy.Paths
		} else {
			v.Err = j.err.Error()
		}
	}
	return v
}

func (j *job) report(p workspace.Progress) {
	j.mu.Lock()
	j.progress = p
	j.mu.Unlock()
}

func (j *job) wait(why string) {
	j.mu.Lock()
	j.waiting = why
	j.mu.Unlock()
}

type jobs struct {
	ctx  context.Context
	turn sync.Mutex // held by the job that runs
	mu   sync.Mutex
	m    map[string]*job
	wg   sync.WaitGroup
}

func newJobs(ctx context.Context) *jobs { return &jobs{ctx: ctx, m: map[string]*job{}} }

// start runs work as a job and returns it at once. work returns what to tell people; it is
// called again while it fails with a *workspace.LockedError.
func (js *jobs) start(title string, back link, work func(ctx context.Context, progress workspace.Reporter) (outcome, error)) *job {
	j := &job{ID: randomToken()[:16], Title: title, Back: back, waiting: "等待前一项操作完成……"}
	js.mu.Lock()
	js.m[j.ID] = j
	js.prune()
	js.mu.Unlock()
	js.wg.Add(1)
	go func() {
		defer js.wg.Done()
		js.turn.Lock()
		defer js.turn.Unlock()
		j.mu.Lock()
		j.started = time.Now()
		j.mu.Unlock()
		var out outcome
		var err error
		for {
			j.wait("")
			out, err = work(js.ctx, j.report)
			var locked *workspace.LockedError
			if !errors.As(err, &locked) {
				break
			}
			j.wait(waitingFor(locked.Holder))
			select {
			case <-js.ctx.Done():
				err = errors.New("工作台已关闭，操作未进行")
			case <-time.After(retryEvery):
				continue
			}
			break
		}
		j.mu.Lock()
		j.out, j.err, j.ended, j.waiting = out, err, time.Now(), ""
		j.mu.Unlock()
	}()
	return j
}

// waitingFor says what holds the workspace, while a job waits for it.
func waitingFor(h workspace.Holder) string {
	what := h.Operation
	if what == "" {
		what = "修改工作目录"
	}
	who := h.Program
	if who == "" {
		who = "另一个程序"
	}
	return fmt.Sprintf("正在%s（%s，进程 %d），请稍候……完成后自动继续。", what, who, h.PID)
}

func (js *jobs) get(id string) *job {
	js.mu.Lock()
	defer js.mu.Unlock()
	return js.m[id]
}

// prune forgets the oldest finished jobs past maxJobs (js.mu held).
func (js *jobs) prune() {
	if len(js.m) <= maxJobs {
		return
	}
	type ended struct {
		id string
		at time.Time
	}
	var done []ended
	for _, j := range js.m {
		j.mu.Lock()
		if !j.ended.IsZero() {
			done = append(done, ended{j.ID, j.ended})
		}
		j.mu.Unlock()
	}
	sort.Slice(done, func(a, b int) bool { return done[a].at.Before(done[b].at) })
	for _, e := range done[:max(0, min(len(done), len(js.m)-maxJobs))] {
		delete(js.m, e.id)
	}
}

// wait waits for the jobs to end.
func (js *jobs) wait() { js.wg.Wait() }
