// Command planreport runs an action plan's periodic progress reporting on spreadsheets: it
// reads the plan into a ledger, issues one Excel template per unit, collects and checks the
// returned workbooks, and compiles the consolidated report. Run "planreport help" for usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
)

// memoryLimit is the heap size above which the garbage collector works harder instead of
// letting the heap double: an office computer's memory is shared with Excel and the rest. A
// report of 10,000 units peaked at 1,043-1,058 MB of RSS without it and 797 MB with it, in
// about the same time (25.7 s against 26.0 s, scripts/bench.sh). Below it nothing changes;
// GOMEMLIMIT overrides it.
const memoryLimit = 768 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	if path := os.Getenv("PLANREPORT_CPUPROFILE"); path != "" { // for developers: where the time goes
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			defer f.Close()
		}
	}
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	pprof.StopCPUProfile()
	if path := os.Getenv("PLANREPORT_MEMPROFILE"); path != "" { // for developers: where the memory goes
		if f, err := os.Create(path); err == nil {
			pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode maps run's error to the process's exit code, printing it: 0 ok, 1 failure, 2 usage.
func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "planreport：%v\n运行 planreport help 查看用法。\n", err)
		return 2
	case errors.Is(err, errReported):
		return 1
	default:
		fmt.Fprintf(stderr, "planreport：%v\n", err)
		return 1
	}
}
