package main

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"planreport/demo"
	"planreport/plan"
	"planreport/workspace"
)

// TestTwoTabsAndTheCommandLine: two uploads at once from two tabs, and a collect on the
// command line while they are uploading (with files the office dropped into the inbox
// itself). All finish; every file is received once, none lost; and the record is the one a
// single collect of all the files makes, one run after the other.
func TestTwoTabsAndTheCommandLine(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	w := workspace.Open(ws)
	os.MkdirAll(ws, 0o755)
	p, err := demo.Create(w, 0, program)
	if err != nil {
		t.Fatal(err)
	}
	runOK(t, "templates", "-w", ws, "--period", "2023Q4", "--due", "2024-01-08")
	period, _ := plan.ParsePeriod("2023Q4")
	returned := filepath.Join(t.TempDir(), "returned")
	if _, err := demo.Fill(p, period, w.Due(period), w.IssuedTemplates(p, period), returned, true); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(returned, "*"))
	sort.Strings(files)
	third := len(files) / 3
	tabs := [][]string{files[:third], files[third : 2*third]}
	dropped := files[2*third:]

	// The same workspace, for the one collect of everything.
	baseline := filepath.Join(t.TempDir(), "baseline")
	copyTree(t, ws, baseline)

	base := startServe(t, ws)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(base)
	if err != nil {
		t.Fatal(err)
	}
	home, _ := io.ReadAll(res.Body)
	res.Body.Close()
	token := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(home)[1]

	// Each tab sends half its files, waits, then the rest.
	resume := make(chan struct{})
	var wg sync.WaitGroup
	jobs := make([]string, len(tabs))
	errs := make([]error, len(tabs))
	for i, tab := range tabs {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		wg.Go(func() {
			req, _ := http.NewRequest("POST", base+"periods/2023Q4/returns", pr)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			res, err := client.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			res.Body.Close()
			jobs[i] = res.Header.Get("Location")
		})
		go func() {
			mw.WriteField("csrf", string(token))
			for j, f := range tab {
				st, _ := os.Stat(f)
				data, _ := os.ReadFile(f)
				// The next part's boundary ends the file before it: pause after it.
				mw.WriteField("mtime", strconv.FormatInt(st.ModTime().UnixMilli(), 10))
				if j == len(tab)/2 {
					<-resume
				}
				fw, _ := mw.CreateFormFile("files", filepath.Base(f))
				fw.Write(data)
			}
			mw.Close()
			pw.Close()
		}()
	}
	// Once the first halves are in the inbox, the office drops files there itself and runs
	// collect on the command line.
	inbox := w.InboxDir(period)
	want := len(tabs[0])/2 + len(tabs[1])/2
	for deadline := time.Now().Add(30 * time.Second); countFiles(inbox) < want; {
		if time.Now().After(deadline) {
			t.Fatalf("the uploads' first halves did not arrive: %d files of %d", countFiles(inbox), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, f := range dropped {
		copyFile(t, f, filepath.Join(inbox, filepath.Base(f)))
	}
	out := runOK(t, "collect", "-w", ws, "--period", "2023Q4")
	if !strings.Contains(out, fmt.Sprintf("本次收到 %d 份新文件", want+len(dropped))) {
		t.Errorf("the command line's collect while the tabs upload:\n%s", out)
	}
	close(resume)
	wg.Wait()
	for i, err := range errs {
		if err != nil || !strings.HasPrefix(jobs[i], "/jobs/") {
			t.Fatalf("tab %d: %v, %q", i, err, jobs[i])
		}
	}
	for _, j := range jobs {
		page := waitJobPage(t, client, strings.TrimSuffix(base, "/")+j)
		if !strings.Contains(page, "已完成") {
			t.Errorf("a tab's collect:\n%s", page)
		}
	}

	// The one collect of everything, on the copy.
	for _, f := range files {
		copyFile(t, f, filepath.Join(workspace.Open(baseline).InboxDir(period), filepath.Base(f)))
	}
	runOK(t, "collect", "-w", baseline, "--period", "2023Q4")
	got, wantRecord := recordOf(t, w, period), recordOf(t, workspace.Open(baseline), period)
	if len(got) != len(files) {
		t.Errorf("%d files received once each, want %d", len(got), len(files))
	}
	if strings.Join(got, "\n") != strings.Join(wantRecord, "\n") {
		t.Errorf("the record differs from one collect of everything:\ngot:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantRecord, "\n"))
	}
	st, _ := w.Status(period)
	bst, _ := workspace.Open(baseline).Status(period)
	if fmt.Sprint(workspace.Count(st.Units)) != fmt.Sprint(workspace.Count(bst.Units)) {
		t.Errorf("the units' states: %v, want %v", workspace.Count(st.Units), workspace.Count(bst.Units))
	}
}

// recordOf is a period's record as lines to compare, sorted: each file's checksum, unit,
// whether accepted, when received, its findings.
func recordOf(t *testing.T, w *workspace.Workspace, p plan.Period) []string {
	coll, err := w.Collection(p)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range coll.Submissions {
		var fs []string
		for _, f := range s.Findings {
			fs = append(fs, f.Sheet+f.Cell+f.Message)
		}
		out = append(out, fmt.Sprintf("%s %s %v %s %s", s.SHA256[:12], s.Unit, s.Accepted, s.Received.UTC().Format(time.RFC3339), strings.Join(fs, "|")))
	}
	sort.Strings(out)
	return out
}

func countFiles(dir string) int {
	n := 0
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			n++
		}
	}
	return n
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(from)
	os.MkdirAll(filepath.Dir(to), 0o755)
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(to, st.ModTime(), st.ModTime())
}

// waitJobPage polls a job's page until it is done.
func waitJobPage(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		res, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		res.Body.Close()
		if strings.Contains(b.String(), `data-finished="true"`) {
			return b.String()
		}
	}
	t.Fatalf("%s did not finish", url)
	return ""
}
