package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"planreport/internal/hostile"
	"planreport/templates"
	"planreport/workbook"
	"planreport/workspace"
)

// copyTree copies a folder, keeping the files' modification times (collect dates a file by
// it).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.Chtimes(to, info.ModTime(), info.ModTime())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// wsState is what a run leaves in a period's folder: the record's bytes, the archived files
// by path with their SHA-256, and the other files written (outputs), by path.
type wsState struct {
	record   []byte
	archives map[string]string
	outputs  []string
}

func stateOf(t *testing.T, ws string) wsState {
	t.Helper()
	period := filepath.Join(ws, hardQ4.String())
	files, err := hostile.Snapshot(period, func(rel string) bool { return rel == workspace.InboxDir })
	if err != nil {
		t.Fatal(err)
	}
	st := wsState{record: files[workbook.StateFile], archives: map[string]string{}}
	for rel, data := range files {
		switch {
		case rel == workbook.StateFile:
		case strings.HasPrefix(rel, workbook.ArchiveDir+"/"):
			st.archives[rel] = workbook.Sum(data)
		default:
			st.outputs = append(st.outputs, rel)
		}
	}
	sort.Strings(st.outputs)
	return st
}

// checkWhole fails the test for any leftover temporary file, a workbook that does not open or
// a PDF cut short, anywhere in the workspace.
func checkWhole(t *testing.T, ws string) {
	t.Helper()
	checkTree(t, ws)
	filepath.WalkDir(ws, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(path, workspace.InboxDir) {
			return err
		}
		switch filepath.Ext(path) {
		case ".xlsx":
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Errorf("%s does not open: %v", path, err)
				return nil
			}
			if len(f.GetSheetList()) == 0 {
				t.Errorf("%s has no sheet", path)
			}
			f.Close()
		case ".pdf":
			data, _ := os.ReadFile(path)
			checkPDF(t, path, data)
		}
		return nil
	})
}

// sameState fails the test unless got is want: the same record, byte for byte, the same
// archived files with the same contents, and the same outputs.
func sameState(t *testing.T, what string, got, want wsState) {
	t.Helper()
	if !bytes.Equal(got.record, want.record) {
		t.Errorf("%s: %s differs from an uninterrupted run's", what, workbook.StateFile)
	}
	for rel, sum := range want.archives {
		if got.archives[rel] != sum {
			t.Errorf("%s: archived %s missing or different", what, rel)
		}
	}
	for rel := range got.archives {
		if _, ok := want.archives[rel]; !ok {
			t.Errorf("%s: archived %s, which an uninterrupted run does not", what, rel)
		}
	}
	if strings.Join(got.outputs, "\n") != strings.Join(want.outputs, "\n") {
		t.Errorf("%s: outputs\n%s\nwant\n%s", what, strings.Join(got.outputs, "\n"), strings.Join(want.outputs, "\n"))
	}
}

// crashBinary builds planreport with the crash points on (the build tag crashtest, which the
// program as shipped never has: see workspace/crash_crashtest.go).
func crashBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "planreport")
	out, err := exec.Command("go", "build", "-tags", "crashtest", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build -tags crashtest: %v\n%s", err, out)
	}
	return bin
}

// TestCrashSafety kills collect and report, run as programs, at every point between their
// steps (PLANREPORT_CRASH_AFTER) and after a spread of delays (SIGKILL), runs them again to
// completion, and checks that the workspace is what an uninterrupted run leaves: the same
// record, byte for byte; the same archived files, none lost or doubled; no temporary file
// left; every workbook opens and every PDF is whole.
func TestCrashSafety(t *testing.T) {
	bin := crashBinary(t)
	root := t.TempDir()
	base := filepath.Join(root, "base")
	ws := filepath.Join(base, "ws")
	runOK(t, "init", ws)
	runOK(t, "templates", "-w", ws, "--period", hardQ4.String(), "--due", "2024-01-08")

	// What the units sent: files, a zip of two, an email with two, and a rejected workbook.
	at := time.Date(2024, 1, 5, 10, 0, 0, 0, time.Local)
	book := func(unit string, edit func(f *excelize.File, set cellSetter)) []byte {
		return filledTemplate(t, ws, unit, edit)
	}
	putInbox(t, ws, "宝山镇.xlsx", book("宝山镇", nil), at)
	putInbox(t, ws, "龙山街道.xlsx", book("龙山街道", nil), at.Add(time.Hour))
	putInbox(t, ws, "区司法局.xlsx", book("区司法局", func(f *excelize.File, set cellSetter) { set(templates.ColStatus, 0, "") }), at.Add(2*time.Hour))
	putInbox(t, ws, "两份.zip", zipWith(t, map[string][]byte{"区财政局.xlsx": book("区财政局", nil), "区委编办.xlsx": book("区委编办", nil)}), at.Add(3*time.Hour))
	putInbox(t, ws, "邮件.eml", emlWith("a@example.gov.cn", "Fri, 05 Jan 2024 15:00:00 +0800", map[string][]byte{
		"怀柔镇.xlsx": book("怀柔镇", nil), "雁栖镇.xlsx": book("雁栖镇", func(f *excelize.File, set cellSetter) { set(templates.ColStatus, 1, "完成") })}), at.Add(4*time.Hour))
	putInbox(t, ws, "庙城镇.xlsx", book("庙城镇", nil), at.Add(5*time.Hour))

	// run runs planreport in dir/ws; crash names a point to die at, after a delay kills it.
	run := func(dir, crash string, after time.Duration, args ...string) (killed bool) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PLANREPORT_CRASH_AFTER="+crash)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if after > 0 {
			timer := time.AfterFunc(after, func() { cmd.Process.Kill() })
			defer timer.Stop()
		}
		err := cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
			return false
		case errors.As(err, &ee) && !ee.Exited(): // killed by a signal
			return true
		case errors.As(err, &ee) && ee.ExitCode() == 1 && crash != "" && stderr.Len() == 0: // Windows: TerminateProcess
			return true
		}
		t.Fatalf("planreport %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		return false
	}
	collect := []string{"collect", "-w", "ws", "--period", hardQ4.String(), "--eml"}
	report := []string{"report", "-w", "ws", "--period", hardQ4.String(), "--date", "2024-01-15"}

	// The uninterrupted run.
	ref := filepath.Join(root, "ref")
	copyTree(t, base, ref)
	start := time.Now()
	run(ref, "", 0, collect...)
	took := time.Since(start)
	collected := stateOf(t, filepath.Join(ref, "ws"))
	if len(collected.archives) != 10 { // 8 workbooks and the zip and the email they came in
		t.Errorf("%d files archived, want 10: %v", len(collected.archives), collected.archives)
	}
	afterCollect := filepath.Join(root, "collected")
	copyTree(t, ref, afterCollect)
	start = time.Now()
	run(ref, "", 0, report...)
	tookReport := time.Since(start)
	reported := stateOf(t, filepath.Join(ref, "ws"))
	checkWhole(t, filepath.Join(ref, "ws"))
	t.Logf("an uninterrupted collect took %v; %d files archived, %d outputs", took, len(collected.archives), len(collected.outputs))

	n := 0
	// A run killed while writing a file leaves its temporary copy: plant such leftovers (a
	// feedback workbook, an archived copy, the record, a report) where a kill at the right
	// moment would, and the next run must clear them.
	leftovers := func(ws, cmd string) {
		period := filepath.Join(ws, hardQ4.String())
		rels := []string{"反馈/.宝山镇_反馈.xlsx.123456.tmp", "归档/宝山镇/.20240105-020000_0123abcd_宝山镇.xlsx.42.tmp", "." + workbook.StateFile + ".7.tmp"}
		if cmd == "report" {
			rels = []string{"报告/." + hardQ4.String() + "_落实情况报告.pdf.99.tmp"}
		}
		for _, rel := range rels {
			path := filepath.Join(period, filepath.FromSlash(rel))
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, []byte("half"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	scenario := func(from, crash string, after time.Duration, args, again []string, want wsState) {
		n++
		name := crash
		if after > 0 {
			name = fmt.Sprintf("SIGKILL after %v", after)
		}
		dir := filepath.Join(root, fmt.Sprintf("run%02d", n))
		copyTree(t, from, dir)
		killed := run(dir, crash, after, args...)
		if !killed && crash != "" {
			t.Errorf("%s %s: the point was never reached", args[0], crash)
			return
		}
		if crash == "findings" || crash == "pdf" {
			leftovers(filepath.Join(dir, "ws"), args[0])
		}
		run(dir, "", 0, again...)
		sameState(t, args[0]+" killed at "+name, stateOf(t, filepath.Join(dir, "ws")), want)
		checkWhole(t, filepath.Join(dir, "ws"))
		t.Logf("%s killed at %s (killed: %v): re-run equals an uninterrupted run", args[0], name, killed)
	}
	for _, crash := range []string{"original:1", "original:2", "archive:1", "archive:4", "archive:8", "archived", "saved", "findings", "feedback:1", "feedback:2"} {
		scenario(base, crash, 0, collect, collect, collected)
	}
	for _, f := range []float64{0.2, 0.4, 0.6, 0.8, 0.95} {
		scenario(base, "", time.Duration(f*float64(took)), collect, collect, collected)
	}
	for _, crash := range []string{"consolidated", "pdf"} {
		scenario(afterCollect, crash, 0, report, report, reported)
	}
	for _, f := range []float64{0.5, 0.9} {
		scenario(afterCollect, "", time.Duration(f*float64(tookReport)), report, report, reported)
	}
}
