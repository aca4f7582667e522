package workspace

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
)

var q4 = plan.Period{Kind: plan.Quarterly, Year: 2023, N: 4}

// newWorkspace makes a workspace with the reference plan and its 2023Q4 templates issued.
func newWorkspace(t *testing.T) *Workspace {
	t.Helper()
	w := Open(filepath.Join(t.TempDir(), "ws"))
	if _, err := w.Init(PlanSource{}, "测试"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.IssueTemplates(context.Background(), TemplatesOptions{Period: q4, Due: "2024-01-08", Program: "测试"}); err != nil {
		t.Fatal(err)
	}
	return w
}

// filled returns a unit's issued template with every task done; bad leaves one status wrong.
func filled(t *testing.T, w *Workspace, p *plan.Plan, unit string, bad bool) []byte {
	t.Helper()
	var path string
	for _, it := range w.IssuedTemplates(p, q4) {
		if it.Unit == unit {
			path = it.Path
		}
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(templates.SheetTasks)
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i + 1
	}
	set := func(h string, row int, v any) {
		cell, _ := excelize.CoordinatesToCellName(col[h], row)
		f.SetCellValue(templates.SheetTasks, cell, v)
	}
	tasks := 0 // the rows with a task id: who filled it is below them
	for _, row := range rows[1:] {
		if len(row) > 0 && row[0] != "" {
			tasks++
		}
	}
	for r := 2; r <= tasks+1; r++ {
		set(templates.ColStatus, r, templates.StatusDone)
		set(templates.ColPercent, r, 100)
		set(templates.ColProgress, r, "已按计划完成。")
	}
	if bad {
		set(templates.ColStatus, 2, "差不多了")
	}
	for i, v := range []string{"王芳", "010-69600001", "李强", "2024-01-05"} {
		cell, _ := excelize.CoordinatesToCellName(col[templates.FillerLayout[i].ValueUnder], templates.FillerRow(tasks))
		f.SetCellValue(templates.SheetTasks, cell, v)
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCollectPipeline collects many files at once, with duplicates, a zip and a resubmission,
// under several worker counts: the record holds each file once, in the order received, the
// states follow the latest accepted file, and a second run changes nothing.
func TestCollectPipeline(t *testing.T) {
	w := newWorkspace(t)
	p, err := w.ReadPlan()
	if err != nil {
		t.Fatal(err)
	}
	inboxDir := w.InboxDir(q4)
	units := []string{}
	for _, it := range w.IssuedTemplates(p, q4) {
		units = append(units, it.Unit)
	}
	units = units[:20]
	day := time.Date(2024, 1, 5, 9, 0, 0, 0, time.Local)
	put := func(name string, data []byte, at time.Time) {
		path := filepath.Join(inboxDir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, at, at)
	}
	for i, u := range units {
		put(fmt.Sprintf("%02d_%s.xlsx", i, u), filled(t, w, p, u, i%4 == 0), day.Add(time.Duration(i)*time.Minute))
	}
	// The same file twice, and a zip of two units' files, one of them a resubmission.
	put("重复.xlsx", filled(t, w, p, units[1], false), day.Add(time.Hour))
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for _, u := range []string{units[0], units[21%len(units)]} {
		fw, _ := zw.Create(u + ".xlsx")
		fw.Write(filled(t, w, p, u, false))
	}
	zw.Close()
	put("补报.zip", zb.Bytes(), day.Add(2*time.Hour))

	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var first []string
	for _, procs := range []int{1, 2, 8} {
		runtime.GOMAXPROCS(procs)
		os.RemoveAll(filepath.Join(w.PeriodDir(q4), workbook.ArchiveDir))
		os.Remove(w.RecordPath(q4))
		var seen int
		res, err := w.Collect(context.Background(), CollectOptions{Period: q4, Program: "测试", Progress: func(p Progress) { seen = p.Done }})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range res.Collection.Submissions {
			got = append(got, s.Unit+":"+s.SHA256[:8])
		}
		if first == nil {
			first = got
		} else if strings.Join(got, " ") != strings.Join(first, " ") {
			t.Errorf("GOMAXPROCS=%d: record\n%v\nwant\n%v", procs, got, first)
		}
		if len(res.Added) != len(units)+1 || res.Repeated != 2 || res.Originals != 1 || seen != len(units)+1 {
			t.Errorf("GOMAXPROCS=%d: %d added, %d repeated, %d originals, progress %d", procs, len(res.Added), res.Repeated, res.Originals, seen)
		}
		n := Count(res.Units)
		// units[0] was rejected, then resent correctly in the zip; 4, 8, 12, 16 stay rejected.
		if n[workbook.Rejected] != 4 || n[workbook.OnTime] != len(units)-4 {
			t.Errorf("GOMAXPROCS=%d: states %v", procs, n)
		}
	}
	res, err := w.Collect(context.Background(), CollectOptions{Period: q4, Program: "测试"})
	if err != nil || len(res.Added) != 0 || res.Repeated != len(units)+3 {
		t.Errorf("a second run: %v, %d added, %d repeated", err, len(res.Added), res.Repeated)
	}
}

// TestCollectCancelled: a run cancelled saves no record, and the next run completes.
func TestCollectCancelled(t *testing.T) {
	w := newWorkspace(t)
	p, _ := w.ReadPlan()
	os.WriteFile(filepath.Join(w.InboxDir(q4), "a.xlsx"), filled(t, w, p, "宝山镇", false), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := w.Collect(ctx, CollectOptions{Period: q4, Program: "测试"}); err == nil || !strings.Contains(err.Error(), "已中断") {
		t.Errorf("a cancelled collect: %v", err)
	}
	if _, err := os.Stat(w.RecordPath(q4)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a cancelled collect saved a record: %v", err)
	}
	res, err := w.Collect(context.Background(), CollectOptions{Period: q4, Program: "测试"})
	if err != nil || len(res.Added) != 1 {
		t.Errorf("the next run: %v, %+v", err, res)
	}
}

// TestLock: one writer at a time, also within one process (the workbench serves several
// requests at once); a lock file left with a holder's name is taken over.
func TestLock(t *testing.T) {
	w := Open(t.TempDir())
	a, err := w.Lock("网页工作台", "收集2023年第四季度的报送表")
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Lock("命令行", "出具报告")
	var le *LockedError
	if !errors.As(err, &le) || le.Holder.Operation != "收集2023年第四季度的报送表" || le.Holder.PID != os.Getpid() ||
		!strings.Contains(err.Error(), "网页工作台") || !strings.Contains(err.Error(), "自 ") {
		t.Errorf("a second writer: %v", err)
	}
	if err := a.Unlock(); err != nil {
		t.Fatal(err)
	}
	b, err := w.Lock("命令行", "出具报告")
	if err != nil || b.TakenOver != nil {
		t.Fatalf("after unlock: %v, taken over %+v", err, b.TakenOver)
	}
	b.Unlock()
	// A holder that ended without unlocking leaves its name, not its lock.
	os.WriteFile(filepath.Join(w.Dir(), LockName), []byte(`{"pid":4242,"program":"命令行","operation":"收集","since":"2024-01-05T09:00:00+08:00"}`), 0o644)
	c, err := w.Lock("命令行", "出具报告")
	if err != nil || c.TakenOver == nil || c.TakenOver.PID != 4242 {
		t.Fatalf("a stale lock file: %v, %+v", err, c)
	}
	c.Unlock()
}

// TestLayout: the package comment lists every entry of Layout, and Layout every name the
// package defines.
func TestLayout(t *testing.T) {
	src, err := os.ReadFile("layout.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src[:bytes.Index(src, []byte("package workspace"))])
	paths := map[string]bool{}
	for _, e := range Layout() {
		paths[e.Path] = true
		name := strings.TrimPrefix(e.Path, "PERIOD/")
		if name == "PERIOD" {
			continue
		}
		if !strings.Contains(doc, name) {
			t.Errorf("the package comment does not list %s", e.Path)
		}
	}
	for _, name := range []string{LedgerName, LockName, "PERIOD/" + NotesName, "PERIOD/" + SettingsName, "PERIOD/" + TemplatesDir, "PERIOD/" + InboxDir,
		"PERIOD/" + FindingsName, "PERIOD/" + FeedbackDir, "PERIOD/" + RemindersDir, "PERIOD/" + ReportDir, UploadsDir, PasswordName, DemoDir + "/PERIOD"} {
		if !paths[name] {
			t.Errorf("Layout lacks %s", name)
		}
	}
}

// TestDocuments: a unit that sends only a Word document is not accepted and not missing: it
// is told why (未通过); a document beside a unit's workbook is its evidence, and one nothing
// names is skipped.
func TestDocuments(t *testing.T) {
	w := newWorkspace(t)
	p, _ := w.ReadPlan()
	day := time.Date(2024, 1, 5, 9, 0, 0, 0, time.Local)
	put := func(name string, data []byte) {
		path := filepath.Join(w.InboxDir(q4), name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, day, day)
	}
	put("宝山镇进展情况.docx", []byte("PK\x03\x04 a Word document"))
	put("区司法局.xlsx", filled(t, w, p, "区司法局", false))
	put("区司法局佐证材料.pdf", []byte("%PDF-1.7 evidence"))
	put("会议纪要.pdf", []byte("%PDF-1.7 minutes"))
	res, err := w.Collect(context.Background(), CollectOptions{Period: q4, Program: "测试"})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]workbook.State{}
	for _, u := range res.Units {
		states[u.Unit.Name] = u.State
	}
	if states["宝山镇"] != workbook.Rejected || states["区司法局"] != workbook.OnTime {
		t.Errorf("宝山镇 %s, 区司法局 %s", states["宝山镇"], states["区司法局"])
	}
	skipped := strings.Join(res.Skipped, "\n")
	if !strings.Contains(skipped, "区司法局佐证材料.pdf 是 PDF 文件，不是报送表格；区司法局已交回报送表，视为佐证材料") ||
		!strings.Contains(skipped, "会议纪要.pdf 是 PDF 文件，不是报送表格，已跳过") {
		t.Errorf("skipped:\n%s", skipped)
	}
	if len(res.Added) != 2 {
		t.Errorf("%d files recorded, want the workbook and the Word document", len(res.Added))
	}
	for _, s := range res.Added {
		if s.Unit == "宝山镇" && (s.Accepted || !strings.Contains(s.Findings[0].Message, "Word 文档")) {
			t.Errorf("宝山镇's document: %+v", s)
		}
	}
}
