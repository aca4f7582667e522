package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"planreport/templates"
	"planreport/workspace"
)

// holdOpen makes files impossible to replace, as Excel on Windows holds the workbooks it has
// open: Linux's immutable attribute refuses their rename even to root. It returns a function
// that lets them go.
func holdOpen(t *testing.T, paths ...string) (release func()) {
	t.Helper()
	for _, p := range paths {
		if out, err := exec.Command("chattr", "+i", p).CombinedOutput(); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("chattr +i %s: %v %s", p, err, out)
			}
			t.Skipf("SKIPPED: this file system cannot make a file immutable (chattr +i: %v %s)", err, out)
		}
	}
	released := false
	release = func() {
		if !released {
			released = true
			for _, p := range paths {
				exec.Command("chattr", "-i", p).Run()
			}
		}
	}
	t.Cleanup(release)
	return release
}

// TestExcelOpen runs each command with its outputs held open (as Excel holds a workbook on
// Windows): it says which files and asks to close them, exits 1, writes everything else, and
// leaves a record the next run finishes from.
func TestExcelOpen(t *testing.T) {
	ws, _ := hardWorkspace(t, nil)
	wrongStatus := func(f *excelize.File, set cellSetter) { set(templates.ColStatus, 0, "差不多了") }
	day := time.Date(2024, 1, 5, 9, 0, 0, 0, time.Local)
	putInbox(t, ws, "宝山镇.xlsx", filledTemplate(t, ws, "宝山镇", wrongStatus), day)
	runOK(t, "collect", "-w", ws, "--period", "2023Q4")
	period := filepath.Join(ws, "2023Q4")
	findings := filepath.Join(period, workspace.FindingsName)
	feedback := filepath.Join(period, workspace.FeedbackDir, "宝山镇_反馈.xlsx")

	// collect: the record takes the new file; the two outputs wait for the next run.
	release := holdOpen(t, findings, feedback)
	putInbox(t, ws, "龙山街道.xlsx", filledTemplate(t, ws, "龙山街道", wrongStatus), day)
	code, stdout, stderr := runProgram(t, "collect", "-w", ws, "--period", "2023Q4")
	if code != 1 || !strings.Contains(stderr, findings) || !strings.Contains(stderr, feedback) || !strings.Contains(stderr, "请关闭这些文件后重新运行 planreport collect") {
		t.Errorf("collect with its outputs open: exit %d\n%s%s", code, stdout, stderr)
	}
	units := map[string]bool{}
	for _, s := range readRecord(t, ws).Submissions {
		units[s.Unit] = true
	}
	if !units["宝山镇"] || !units["龙山街道"] {
		t.Errorf("the record lacks a file: %v", units)
	}
	if _, err := os.Stat(filepath.Join(period, workspace.FeedbackDir, "龙山街道_反馈.xlsx")); err != nil {
		t.Errorf("the feedback not held open was not written: %v", err)
	}
	release()
	if code, stdout, stderr := runProgram(t, "collect", "-w", ws, "--period", "2023Q4"); code != 0 || !strings.Contains(stdout, "本次收到 0 份新文件") {
		t.Errorf("collect once they are closed: exit %d\n%s%s", code, stdout, stderr)
	}
	f, err := excelize.OpenFile(findings)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("检查结果")
	f.Close()
	if !strings.Contains(strings.Join(flatten(rows), "|"), "龙山街道") {
		t.Error("the next run did not bring the findings workbook up to date")
	}

	// report: the workbook is written beside the PDF held open.
	runOK(t, "report", "-w", ws, "--period", "2023Q4", "--date", "2024-01-15")
	pdf := filepath.Join(period, workspace.ReportDir, "2023Q4_落实情况报告.pdf")
	xlsx := filepath.Join(period, workspace.ReportDir, "2023Q4_汇总表.xlsx")
	os.Remove(xlsx)
	holdOpen(t, pdf)
	if code, _, stderr := runProgram(t, "report", "-w", ws, "--period", "2023Q4", "--date", "2024-01-15"); code != 1 || !strings.Contains(stderr, pdf) {
		t.Errorf("report with its PDF open: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(xlsx); err != nil {
		t.Errorf("the summary workbook was not written beside the PDF held open: %v", err)
	}

	// templates: the others are written; the period's settings too.
	tpl := filepath.Join(period, workspace.TemplatesDir, templateNames(t, ws)["宝山镇"])
	other := filepath.Join(period, workspace.TemplatesDir, templateNames(t, ws)["龙山街道"])
	os.Remove(other)
	holdOpen(t, tpl)
	if code, _, stderr := runProgram(t, "templates", "-w", ws, "--period", "2023Q4", "--due", "2024-01-09"); code != 1 || !strings.Contains(stderr, tpl) {
		t.Errorf("templates with one open: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("the other templates were not written: %v", err)
	}
	if due := workspace.Open(ws).Due(hardQ4); due != "2024-01-09" {
		t.Errorf("due %s after templates with one open, want 2024-01-09", due)
	}

	// plan import: nothing changes.
	ledger := filepath.Join(ws, workspace.LedgerName)
	before, _ := os.ReadFile(ledger)
	holdOpen(t, ledger)
	if code, _, stderr := runProgram(t, "plan", "import", "-o", ledger); code != 1 || !strings.Contains(stderr, ledger) || !strings.Contains(stderr, "Excel") {
		t.Errorf("plan import with the ledger open: exit %d\n%s", code, stderr)
	}
	if after, _ := os.ReadFile(ledger); string(after) != string(before) {
		t.Error("plan import changed the ledger held open")
	}
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}
