package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"planreport/internal/hostile"
	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
	"planreport/workspace"
)

// hardQ4 is the period of the hardening tests.
var hardQ4 = plan.Period{Kind: plan.Quarterly, Year: 2023, N: 4}

// hardWorkspace makes a workspace with the reference plan and its 2023Q4 templates issued,
// the ledger first changed by edit (nil: as imported).
func hardWorkspace(t *testing.T, edit func(p *plan.Plan)) (string, *plan.Plan) {
	t.Helper()
	ws := filepath.Join(t.TempDir(), "ws")
	runOK(t, "init", ws)
	p, err := plan.ReadLedger(filepath.Join(ws, workspace.LedgerName))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(p)
		if err := p.WriteLedger(filepath.Join(ws, workspace.LedgerName)); err != nil {
			t.Fatal(err)
		}
		if p, err = plan.ReadLedger(filepath.Join(ws, workspace.LedgerName)); err != nil {
			t.Fatal(err)
		}
	}
	runOK(t, "templates", "-w", ws, "--period", hardQ4.String(), "--due", "2024-01-08", "--eml")
	return ws, p
}

var (
	namesMu    sync.Mutex
	namesCache = map[string]map[string]string{}
)

// templateNames returns the file names of the workspace's 2023Q4 templates, by unit, as
// templates named them.
func templateNames(t *testing.T, ws string) map[string]string {
	t.Helper()
	namesMu.Lock()
	defer namesMu.Unlock()
	if names, ok := namesCache[ws]; ok {
		return names
	}
	p, err := plan.ReadLedger(filepath.Join(ws, workspace.LedgerName))
	if err != nil {
		t.Fatal(err)
	}
	var units []string
	for _, tpl := range templates.Build(p, hardQ4, nil) {
		units = append(units, tpl.Unit.Name)
	}
	namesCache[ws] = templates.FileNames(hardQ4, units)
	return namesCache[ws]
}

// cellSetter sets a cell of the task sheet by column header and task row (0: the first task).
type cellSetter func(header string, task int, v any)

// filledTemplate returns a unit's issued template filled correctly (every task done, at 100,
// with a line of progress), then changed by edit.
func filledTemplate(t *testing.T, ws string, unit string, edit func(f *excelize.File, set cellSetter)) []byte {
	t.Helper()
	path := filepath.Join(ws, hardQ4.String(), "模板", templateNames(t, ws)[unit])
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(templates.SheetTasks)
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i + 1
	}
	set := func(header string, task int, v any) {
		c, ok := col[header]
		if !ok {
			t.Fatalf("no column %s", header)
		}
		cell, _ := excelize.CoordinatesToCellName(c, task+2)
		if err := f.SetCellValue(templates.SheetTasks, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	tasks := 0 // the rows with a task id: who filled it is below them
	for _, r := range rows[1:] {
		if len(r) > 0 && r[0] != "" {
			tasks++
		}
	}
	for i := 0; i < tasks; i++ {
		set(templates.ColStatus, i, templates.StatusDone)
		set(templates.ColPercent, i, 100)
		set(templates.ColProgress, i, "已按计划完成，形成工作总结。")
	}
	for i, v := range []string{"王芳", "010-69600001", "李强", "2024-01-05"} {
		cell, _ := excelize.CoordinatesToCellName(col[templates.FillerLayout[i].ValueUnder], templates.FillerRow(tasks))
		f.SetCellValue(templates.SheetTasks, cell, v)
	}
	if edit != nil {
		edit(f, set)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// putInbox writes a file into the period's inbox, modified at mod.
func putInbox(t *testing.T, ws, name string, data []byte, mod time.Time) string {
	t.Helper()
	path := filepath.Join(ws, hardQ4.String(), "收件", name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
	return path
}

// readRecord reads the period's collection record.
func readRecord(t *testing.T, ws string) *workbook.Collection {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(ws, hardQ4.String(), workbook.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	c := &workbook.Collection{}
	if err := json.Unmarshal(data, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// checkTree fails the test for every file or folder in the workspace with a name Windows
// refuses, every link, and every leftover temporary file, but for the inboxes (收件), which
// hold what the test put there as received.
func checkTree(t *testing.T, ws string) {
	t.Helper()
	for _, p := range hostile.TreeProblems(ws, "收件") {
		t.Errorf("workspace: %s", p)
	}
}

// archivedCopies maps the SHA-256 of every file archived in the period's 归档 folder to its
// path; it fails the test if an archived file is not named by its content.
func archivedCopies(t *testing.T, ws string) map[string]string {
	t.Helper()
	out := map[string]string{}
	root := filepath.Join(ws, hardQ4.String(), workbook.ArchiveDir)
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sum := workbook.Sum(data)
		if !strings.Contains(d.Name(), "_"+sum[:8]+"_") {
			t.Errorf("%s: archived under another content's name", path)
		}
		out[sum] = path
		return nil
	})
	return out
}

// readJSON decodes a command's --json output into v.
func readJSON(t *testing.T, out string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}
