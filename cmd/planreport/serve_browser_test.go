package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"planreport/internal/clienttest"
)

// TestBrowser runs the demo's 2023Q4 cycle in a real browser (Debian's chromium, driven by
// chromedp) against planreport serve: from a fresh folder's home page, create the demo
// workspace, issue the 2023Q4 templates, have the demo units send their returns (workbooks
// with mistakes among them, and emails), upload them all, read the status table, download a
// feedback workbook, write the report and download its PDF. It takes a screenshot at each
// step into $PLANREPORT_SCREENSHOTS when set (docs/ has the ones the README shows).
func TestBrowser(t *testing.T) {
	chromium := clienttest.Chromium(t)
	dir := t.TempDir()
	ws := filepath.Join(dir, "督查工作")
	if err := os.Mkdir(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	base := startServe(t, ws)
	shots := os.Getenv("PLANREPORT_SCREENSHOTS")
	downloads := filepath.Join(dir, "downloads")
	os.Mkdir(downloads, 0o755)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.UserDataDir(filepath.Join(dir, "chromium")),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("headless", true), chromedp.Flag("lang", "zh-CN"), chromedp.WindowSize(1280, 860))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	shot := func(name string) {
		t.Helper()
		if shots == "" {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// job waits for the job page a POST went to, and returns its text.
	job := func(step string) string {
		t.Helper()
		run(step, chromedp.WaitVisible(chromedp.CSS(`#job[data-finished="true"]`)))
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("job")))
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if strings.Contains(text, "没有完成") {
			t.Fatalf("%s failed: %s", step, text)
		}
		return text
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return s
	}
	run("start", chromedp.Navigate("about:blank"))
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatal(err)
	}

	// 1. A fresh folder: the home page offers to make a workspace.
	run("home", chromedp.Navigate(base), chromedp.WaitVisible(chromedp.ID("create-demo")))
	shot("1-home-new")
	if s := text("main"); !strings.Contains(s, "还没有工作目录") {
		t.Fatalf("the fresh home page says: %s", s)
	}
	// 2. The built-in plan, as the demo's workspace.
	run("create", chromedp.Click(chromedp.ID("create-demo")))
	job("create the workspace")
	run("home again", chromedp.Navigate(base), chromedp.WaitVisible(chromedp.ID("create-period")))
	if s := text("main"); !strings.Contains(s, "法治政府建设行动计划") || !strings.Contains(s, "87 项任务") {
		t.Fatalf("the home page after init says: %s", s)
	}
	shot("2-home")
	run("plan", chromedp.Navigate(base+"plan"), chromedp.WaitVisible(chromedp.ID("tasks")))
	shot("3-plan")

	// 3. The 2023Q4 templates (the form suggests the demo's period and due date).
	run("templates", chromedp.Navigate(base), chromedp.WaitVisible(chromedp.ID("create-period")),
		chromedp.SetValue(chromedp.CSS(`input[name="period"]`), "2023Q4"), chromedp.Click(chromedp.ID("create-period")))
	if s := job("issue the templates"); !strings.Contains(s, "生成") {
		t.Fatalf("templates: %s", s)
	}
	run("period", chromedp.Navigate(base+"periods/2023Q4"), chromedp.WaitVisible(chromedp.ID("demo-returns")))
	shot("4-period-templates")
	run("period returns", chromedp.ScrollIntoView(chromedp.ID("returns")))
	shot("4b-period-upload")

	// 4. The demo's units send their returns; upload them all, emails and mistakes too.
	run("demo returns", chromedp.Click(chromedp.ID("demo-returns")))
	job("the demo's returns")
	shot("5-demo-returns")
	returned, _ := filepath.Glob(filepath.Join(ws, "演示交回", "2023Q4", "*"))
	var emails int
	for _, f := range returned {
		if strings.HasSuffix(f, ".eml") {
			emails++
		}
	}
	if len(returned) < 40 || emails == 0 {
		t.Fatalf("the demo returned %d files, %d emails", len(returned), emails)
	}
	run("upload", chromedp.Navigate(base+"periods/2023Q4"), chromedp.WaitVisible(chromedp.ID("files")),
		chromedp.SetUploadFiles(chromedp.ID("files"), returned), chromedp.Click(chromedp.ID("upload")))
	collected := job("collect")
	shot("6-collect")
	if !strings.Contains(collected, "退回") || !strings.Contains(collected, "接收") {
		t.Fatalf("collect says: %s", collected)
	}

	// 5. The status table: on time, late, rejected and missing units, with findings.
	run("status", chromedp.Navigate(base+"periods/2023Q4"), chromedp.WaitVisible(chromedp.ID("status")))
	status := text("#status")
	for _, want := range []string{"按时", "逾期", "未通过", "未报送", "下载反馈表"} {
		if !strings.Contains(status, want) {
			t.Errorf("the status table lacks %q", want)
		}
	}
	run("status chart", chromedp.ScrollIntoView(chromedp.CSS("#returns h3")))
	shot("7-period-status")
	// The table lists the units the office must write to first: the rejected one at its top.
	run("a rejected unit", chromedp.ScrollIntoView(chromedp.ID("status")))
	shot("8-period-rejected")
	run("reminders", chromedp.ScrollIntoView(chromedp.ID("reminders")))
	shot("9-period-reminders")

	// 6. A feedback workbook.
	run("feedback", chromedp.Click(`//a[text()="下载反馈表"]`))
	fb := waitDownload(t, downloads, "_反馈.xlsx")
	if data, _ := os.ReadFile(fb); !bytes.HasPrefix(data, []byte("PK")) {
		t.Errorf("the feedback download %s is not a workbook", fb)
	}

	// 7. The report, and its PDF.
	run("report", chromedp.SetValue(chromedp.CSS(`input[name="date"]`), "2024-01-15"), chromedp.Click(chromedp.ID("report-generate")))
	if s := job("report"); !strings.Contains(s, "红灯") {
		t.Fatalf("report: %s", s)
	}
	shot("10-report")
	run("pdf", chromedp.Click(`//a[text()="下载 PDF 报告"]`))
	pdf := waitDownload(t, downloads, ".pdf")
	if data, _ := os.ReadFile(pdf); !bytes.HasPrefix(data, []byte("%PDF")) {
		t.Errorf("the PDF download %s is not a PDF", pdf)
	}
	run("period after", chromedp.Navigate(base+"periods/2023Q4#report"), chromedp.WaitVisible(chromedp.ID("report")))
	if s := text("#report"); !strings.Contains(s, "落实情况报告.pdf") {
		t.Errorf("the report section lacks the PDF: %s", s)
	}
	run("home at the end", chromedp.Navigate(base), chromedp.WaitVisible(chromedp.ID("create-period")))
	if s := text("main"); !strings.Contains(s, "已出报告") {
		t.Errorf("the home page does not show the period reported: %s", s)
	}
	shot("11-home-reported")
}

// startServe runs planreport serve on dir in this process until the test ends, and returns
// its address.
func startServe(t *testing.T, dir string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, serveOptions{dir: dir, noBrowser: true, ready: func(u string) { urls <- u }}, strings.NewReader(""), io.Discard, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	select {
	case u := <-urls:
		return u
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}
	return ""
}

// waitDownload waits for a finished download whose name ends with suffix.
func waitDownload(t *testing.T, dir, suffix string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), suffix) {
				return filepath.Join(dir, e.Name())
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no download ending %s in %s", suffix, dir)
	return ""
}
