//go:build crashtest

package workspace

import (
	"fmt"
	"os"
	"sync"
)

// The crash-safety tests build planreport with the tag crashtest and kill collect and report
// at chosen points between their steps, to check that a run killed anywhere leaves a
// workspace that the next run completes exactly as an uninterrupted run would.
// PLANREPORT_CRASH_AFTER names the point (crashPoint's step, with the count of that step for
// repeated ones: archive:3 is after the third file archived); the process then kills itself
// as SIGKILL would, with no deferred work and no buffers flushed. Only that build reads it.
var (
	crashAfter = os.Getenv("PLANREPORT_CRASH_AFTER")
	crashMu    sync.Mutex
	crashCount = map[string]int{}
)

func crashPoint(step string) {
	if crashAfter == "" {
		return
	}
	crashMu.Lock()
	crashCount[step]++
	n := crashCount[step]
	crashMu.Unlock()
	if crashAfter != step && crashAfter != fmt.Sprintf("%s:%d", step, n) {
		return
	}
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		p.Kill()
	}
	select {} // the kill is on its way
}
