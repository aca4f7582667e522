package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"planreport/internal/mailtest"
	"planreport/workspace"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary run as planreport inside the scripts of testdata/script.
func TestMain(m *testing.M) {
	testscript.Main(stopMail{m}, map[string]func(){
		"planreport": func() {
			os.Exit(exitCode(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
		},
		// holdlock DIR holds DIR's workspace lock, as a long operation would, until its stdin
		// closes or it is killed (lock_test.go).
		"holdlock": func() {
			l, err := workspace.Open(os.Args[1]).Lock("测试", "模拟一次很长的收集")
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			fmt.Println("locked")
			io.Copy(io.Discard, os.Stdin)
			l.Unlock()
			os.Exit(0)
		},
	})
}

// stopMail stops the mail servers the tests started (mailtest) once they have run.
type stopMail struct{ m *testing.M }

func (s stopMail) Run() int {
	defer mailtest.Stop()
	return s.m.Run()
}

// TestScript runs the CLI scripts in testdata/script/*.txtar. Besides testscript's own
// commands they may use:
//
//	exitcode N prog args...   run prog (like exec) and require exit code N
//	json FILE [key=N...]      FILE (stdout, stderr or a file) is one JSON object whose
//	                          array field key has N elements
//
// and the condition [ci], true when CI=true.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitCode,
			"json":     cmdJSON,
		},
		// [ci]: running in CI (CI=true), where a missing external tool is a failure, not a skip.
		Condition: func(cond string) (bool, error) {
			if cond == "ci" {
				return os.Getenv("CI") == "true", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}

func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N prog [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

func cmdJSON(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! json")
	}
	if len(args) < 1 {
		ts.Fatalf("usage: json FILE [key=N...]")
	}
	var v map[string]any
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile(args[0])))
	if err := dec.Decode(&v); err != nil {
		ts.Fatalf("%s is not a JSON object: %v", args[0], err)
	}
	if dec.More() {
		ts.Fatalf("%s holds more than one JSON value", args[0])
	}
	for _, a := range args[1:] {
		key, n, ok := strings.Cut(a, "=")
		want, err := strconv.Atoi(n)
		if !ok || err != nil {
			ts.Fatalf("json: bad check %q, want key=N", a)
		}
		arr, ok := v[key].([]any)
		if !ok {
			ts.Fatalf("%s: %q is not an array", args[0], key)
		}
		if len(arr) != want {
			ts.Fatalf("%s: %q has %d elements, want %d", args[0], key, len(arr), want)
		}
	}
}
