package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows how far a long run is, on a terminal only: scripts and logs get no bar.
type progress struct {
	bar *progressbar.ProgressBar
}

// newProgress returns a progress display for n steps, or for an unknown number when n is 0
// (a spinner with the count); it shows nothing when w is not a terminal.
func newProgress(n int, w io.Writer) *progress {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &progress{}
	}
	if n == 0 {
		n = -1 // progressbar's spinner
	}
	return &progress{bar: progressbar.NewOptions(n, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("检查报送表"),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())}
}

func (p *progress) add() {
	if p.bar != nil {
		p.bar.Add(1)
	}
}

func (p *progress) done() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
