package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"planreport/workspace"
)

// progress shows how far a long run is, on a terminal only: scripts and logs get no bar.
type progress struct {
	bar   *progressbar.ProgressBar
	total int
	stage string
}

// newProgress returns a progress display described as what, or one that shows nothing when w
// is not a terminal.
func newProgress(what string, w io.Writer) *progress {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())}
}

// report draws an operation's progress (a workspace.Reporter).
func (p *progress) report(pr workspace.Progress) {
	if p.bar == nil {
		return
	}
	if pr.Stage != "" && pr.Stage != p.stage {
		p.stage = pr.Stage
		p.bar.Describe(pr.Stage)
	}
	if pr.Total > 0 && pr.Total != p.total {
		p.total = pr.Total
		p.bar.ChangeMax(pr.Total)
	}
	p.bar.Set(pr.Done)
}

// pause takes the bar off the terminal's line, for a question asked there; the next report
// draws it again.
func (p *progress) pause() {
	if p.bar != nil {
		p.bar.Clear()
	}
}

func (p *progress) done() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
