package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"planreport/internal/hostile"
	"planreport/workspace"
)

// runProgram runs planreport (the test binary, as TestMain installs it) as a program of its
// own, and returns its exit code and output.
func runProgram(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	bin, err := exec.LookPath("planreport")
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

// holdLock starts a second program that holds the workspace's lock, and returns it once it
// holds it.
func holdLock(t *testing.T, ws string) *exec.Cmd {
	t.Helper()
	bin, err := exec.LookPath("holdlock")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, ws)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("holdlock: %q %v", line, err)
	}
	return cmd
}

// TestOneWriter runs two real processes on one workspace: while one holds it, a second that
// wants to change it (collect, templates, report, plan import) is told what holds it and since
// when, exits 1 and changes nothing; reading (status, plan check) goes on. Once the holder is
// killed, the next writer takes the lock over and finishes the job.
func TestOneWriter(t *testing.T) {
	ws, _ := hardWorkspace(t, nil)
	putInbox(t, ws, "宝山镇.xlsx", filledTemplate(t, ws, "宝山镇", nil), time.Date(2024, 1, 5, 9, 0, 0, 0, time.Local))
	before, err := hostile.Snapshot(ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	holder := holdLock(t, ws)
	for _, args := range [][]string{
		{"collect", "-w", ws, "--period", "2023Q4"},
		{"templates", "-w", ws, "--period", "2023Q4"},
		{"report", "-w", ws, "--period", "2023Q4"},
		{"status", "-w", ws, "--period", "2023Q4", "--eml"},
		{"plan", "import", "-o", filepath.Join(ws, workspace.LedgerName)},
	} {
		code, _, stderr := runProgram(t, args...)
		if code != 1 || !strings.Contains(stderr, "正由另一个程序使用：正在模拟一次很长的收集") ||
			!strings.Contains(stderr, fmt.Sprintf("进程 %d", holder.Process.Pid)) || !strings.Contains(stderr, "本次没有做任何修改") {
			t.Errorf("%s while another holds the workspace: exit %d\n%s", args[0], code, stderr)
		}
	}
	for _, args := range [][]string{{"status", "-w", ws, "--period", "2023Q4"}, {"plan", "show", filepath.Join(ws, workspace.LedgerName)}} {
		if code, _, stderr := runProgram(t, args...); code != 0 {
			t.Errorf("%s needs no lock: exit %d\n%s", args[0], code, stderr)
		}
	}
	after, err := hostile.Snapshot(ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	delete(after, workspace.LockName)
	delete(before, workspace.LockName)
	if len(after) != len(before) {
		t.Errorf("the refused writers changed the workspace: %d files before, %d after", len(before), len(after))
	}
	for rel, data := range before {
		if !bytes.Equal(after[rel], data) {
			t.Errorf("the refused writers changed %s", rel)
		}
	}

	// Killed, the holder leaves its lock file behind but not its lock.
	if runtime.GOOS != "windows" {
		holder.Process.Kill()
		holder.Wait()
	}
	code, stdout, stderr := runProgram(t, "collect", "-w", ws, "--period", "2023Q4")
	if code != 0 || !strings.Contains(stderr, "上次的操作（模拟一次很长的收集") || !strings.Contains(stdout, "本次收到 1 份新文件") {
		t.Errorf("collect after the holder was killed: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runProgram(t, "collect", "-w", ws, "--period", "2023Q4"); code != 0 || strings.Contains(stderr, "上次的操作") {
		t.Errorf("a lock released as it should be is not one taken over: exit %d\n%s", code, stderr)
	}
}
