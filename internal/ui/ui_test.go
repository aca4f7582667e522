package ui

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planreport/internal/hostile"
	"planreport/plan"
)

// TestPages: every page answers, in Chinese, with the defences' headers.
func TestPages(t *testing.T) {
	w := demoWorkspace(t, false)
	c := serveWorkspace(t, w, nil, Limits{})
	tok := c.token()
	_, _, loc := c.upload("/periods/2023Q4/returns", tok, "files", filesOf(t, demoReturns(t, w)))
	c.waitJob(loc)
	plain, err := os.ReadFile(filepath.Join("..", "..", "plan", "huairou-fazhi-zhengfu-2021.txt"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, loc = c.upload("/plan/upload", tok, "document", []upload{{name: "新计划.txt", data: plain}})
	if !strings.HasPrefix(loc, "/plan/preview/") {
		t.Fatalf("plan upload went to %q", loc)
	}
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/", []string{"法治政府建设行动计划", "2023年第四季度", "收件中 49/53", "下一步"}},
		{"/plan", []string{"台账检查", "区司法局", "任务（87 项）"}},
		{loc, []string{"与现有台账相比", "新增 0 项", "确认，更新台账"}},
		{"/periods/2023Q4", []string{"按时报送", "逾期报送", "未通过", "未报送", "下载反馈表", "<svg", "写催报邮件草稿", "出具报告"}},
		{"/static/style.css", []string{"--on_time"}},
		{"/static/app.js", []string{"FormData"}},
	} {
		req, _ := http.NewRequest("GET", c.base+tc.path, nil)
		res, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("GET %s: %d", tc.path, res.StatusCode)
		}
		for _, want := range tc.want {
			if !strings.Contains(b.String(), want) {
				t.Errorf("GET %s lacks %q", tc.path, want)
			}
		}
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
			if res.Header.Get(h) != want {
				t.Errorf("GET %s: %s is %q", tc.path, h, res.Header.Get(h))
			}
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("GET %s: CSP %q", tc.path, csp)
		}
	}
	// A period never issued (a mistyped one) offers only its templates.
	code, body := c.get("/periods/2024Q1")
	if code != 200 || !strings.Contains(body, "生成模板后，在这里上传") || strings.Contains(body, "上传并检查") || strings.Contains(body, "写催报邮件草稿") {
		t.Errorf("a period never issued: %d\n%s", code, body)
	}
	// The downloads: the ledger, the templates as a zip, a feedback workbook.
	code, body = c.get("/plan/ledger")
	if code != 200 || !strings.HasPrefix(body, "PK") {
		t.Errorf("the ledger download: %d", code)
	}
	code, body = c.get("/periods/2023Q4/templates.zip")
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if code != 200 || err != nil || len(zr.File) < 53*2 {
		t.Errorf("the templates zip: %d, %v", code, err)
	}
	for _, f := range zr.File {
		if strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/") {
			t.Errorf("the zip holds %q", f.Name)
		}
	}
	code, body = c.get("/files/2023Q4/" + url.PathEscape("反馈") + "/" + url.PathEscape("杨宋镇_反馈.xlsx"))
	if code != 200 || !strings.HasPrefix(body, "PK") {
		t.Errorf("a feedback workbook: %d", code)
	}
}

// TestPostsNeedToken: every POST without the session's token, or with another session's, is
// refused and changes nothing; with it, it goes on.
func TestPostsNeedToken(t *testing.T) {
	w := demoWorkspace(t, false)
	c := serveWorkspace(t, w, nil, Limits{})
	tok := c.token()
	other := newClient(t, c.base, c.srv)
	otherTok := other.token()
	before, err := hostile.Snapshot(w.Dir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	forms := append([]string{"/workspace", "/plan/apply", "/periods", "/periods/2023Q4/templates", "/periods/2023Q4/collect",
		"/periods/2023Q4/reminders", "/periods/2023Q4/report", "/periods/2023Q4/demo", "/logout", "/login"}, mailPosts...)
	uploads := map[string]string{"/plan/upload": "document", "/plan/ledger": "ledger", "/periods/2023Q4/returns": "files"}
	for _, path := range forms {
		for _, bad := range []string{"", otherTok, tok + "x"} {
			if code, _, _ := c.post(path, bad, url.Values{"period": {"2024Q1"}, "kind": {"demo"}}); code != http.StatusForbidden {
				t.Errorf("POST %s with token %q: %d", path, bad, code)
			}
		}
	}
	for path, field := range uploads {
		for _, bad := range []string{"", otherTok} {
			if code, _, _ := c.upload(path, bad, field, []upload{{name: "a.xlsx", data: []byte("x")}}); code != http.StatusForbidden {
				t.Errorf("upload %s with token %q: %d", path, bad, code)
			}
		}
	}
	// Without a session at all (no cookie): refused.
	fresh := newClient(t, c.base, c.srv)
	if code, _, _ := fresh.post("/periods/2023Q4/collect", tok, nil); code != http.StatusForbidden {
		t.Errorf("POST without a session: %d", code)
	}
	after, _ := hostile.Snapshot(w.Dir(), nil)
	if len(after) != len(before) {
		t.Errorf("refused POSTs changed the workspace: %d files, then %d", len(before), len(after))
	}
	// With the token, each goes on to a job or a page.
	for _, path := range []string{"/periods/2023Q4/collect", "/periods/2023Q4/reminders", "/periods/2023Q4/report", "/periods/2023Q4/templates"} {
		code, _, loc := c.post(path, tok, nil)
		if code != http.StatusSeeOther {
			t.Errorf("POST %s with the token: %d", path, code)
			continue
		}
		if page := c.waitJob(loc); !strings.Contains(page, "已完成") {
			t.Errorf("POST %s: %s", path, page)
		}
	}
	code, _, loc := c.post("/periods", tok, url.Values{"period": {"2024Q1"}, "due": {"2024-04-10"}})
	if code != http.StatusSeeOther || !strings.Contains(c.waitJob(loc), "已为2024年第一季度生成 53 个单位的报送模板") {
		t.Errorf("POST /periods: %d", code)
	}
	if w.Due(mustPeriod("2024Q1")) != "2024-04-10" {
		t.Errorf("2024Q1 is due %s", w.Due(mustPeriod("2024Q1")))
	}
}

// TestHostileUploads: what a person uploads is stored inside the period's inbox under a safe
// name of its own, never over another file and never outside; a bomb is collect's to refuse;
// too many or too large files are not kept, and say so.
func TestHostileUploads(t *testing.T) {
	w := demoWorkspace(t, false)
	c := serveWorkspace(t, w, nil, Limits{UploadBytes: 8 << 20, Files: 12, FileBytes: 4 << 20})
	tok := c.token()
	returns := demoReturns(t, w)
	good := filesOf(t, returns[:1])[0]
	bomb, err := hostile.ZipBomb(good.data, "任务进展", 64)
	if err != nil {
		t.Fatal(err)
	}
	ratio, err := hostile.RatioBomb("报送表.xlsx", 64)
	if err != nil {
		t.Fatal(err)
	}
	files := []upload{
		{name: "../../../逃出去.xlsx", data: good.data},
		{name: `..\..\逃出去.xlsx`, data: good.data},
		{name: "/etc/passwd", data: []byte("root:x:0:0")},
		{name: "CON.xlsx", data: []byte("x")},
		{name: ".隐藏.xlsx", data: []byte("x")},
		{name: "报送表\u202exslx.exe", data: []byte("x")},
		{name: "炸弹.xlsx", data: bomb},
		{name: "压缩炸弹.zip", data: ratio},
		{name: good.name, data: good.data, mtime: good.mtime},
		{name: good.name, data: append([]byte(nil), good.data...), mtime: good.mtime}, // the same name again: kept beside it
	}
	code, _, loc := c.upload("/periods/2023Q4/returns", tok, "files", files)
	if code != http.StatusSeeOther {
		t.Fatalf("upload: %d", code)
	}
	page := c.waitJob(loc)
	if !strings.Contains(page, "已上传 10 个文件") || !strings.Contains(page, "已完成") {
		t.Errorf("the upload's job:\n%s", page)
	}
	if probs := hostile.TreeProblems(w.Dir()); len(probs) > 0 {
		t.Errorf("names Windows refuses or files out of place: %v", probs)
	}
	inbox, _ := os.ReadDir(w.InboxDir(q4))
	names := map[string]bool{}
	for _, e := range inbox {
		names[e.Name()] = true
		if p := hostile.WindowsNameProblem(e.Name()); p != "" || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("stored as %q (%s)", e.Name(), p)
		}
	}
	if len(names) != 10 {
		t.Errorf("the inbox holds %d files, want the 10 uploaded: %v", len(names), names)
	}
	for _, p := range []string{filepath.Join(w.Dir(), "..", "逃出去.xlsx"), filepath.Join(w.PeriodDir(q4), "逃出去.xlsx"), filepath.Join(w.Dir(), "逃出去.xlsx")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("an upload escaped to %s", p)
		}
	}
	coll, err := w.Collection(q4)
	if err != nil {
		t.Fatal(err)
	}
	// The workbook padded with 64 MiB of white space is read within collect's limits (its
	// reader streams); the archive whose entry expands 1,000 times is refused by its ratio.
	got := map[string]bool{}
	for _, s := range coll.Submissions {
		got[s.Name] = s.Accepted
	}
	if _, ok := got["炸弹.xlsx"]; !ok {
		t.Errorf("the padded workbook was not collected: %+v", coll.Submissions)
	}
	if accepted, ok := got["报送表.xlsx"]; !ok || accepted {
		t.Errorf("the zip bomb was not refused: %+v", coll.Submissions)
	}

	// Too many files: the first Files are kept, and the page says the rest were not.
	var many []upload
	for i := range 15 {
		many = append(many, upload{name: "多.xlsx", data: []byte{byte(i)}})
	}
	_, _, loc = c.upload("/periods/2023Q4/returns", tok, "files", many)
	if page := c.waitJob(loc); !strings.Contains(page, "一次最多上传 12 个文件") {
		t.Errorf("too many files:\n%s", page)
	}
	// Too large a file: not kept, and said so; the others in the request are.
	before, _ := os.ReadDir(w.InboxDir(q4))
	_, _, loc = c.upload("/periods/2023Q4/returns", tok, "files", []upload{{name: "大.xlsx", data: make([]byte, 5<<20)}, {name: "小.xlsx", data: []byte("small")}})
	if page := c.waitJob(loc); !strings.Contains(page, "大.xlsx") || !strings.Contains(page, "已上传 1 个文件") {
		t.Errorf("a file too large:\n%s", page)
	}
	after, _ := os.ReadDir(w.InboxDir(q4))
	if len(after) != len(before)+1 {
		t.Errorf("after a file too large and a small one: %d files, then %d", len(before), len(after))
	}
	// Too large a request: refused, and what came before the cap is kept whole or not at all.
	code, body, _ := c.upload("/periods/2023Q4/returns", tok, "files", []upload{{name: "巨.xlsx", data: make([]byte, 9<<20)}})
	if code != http.StatusBadRequest || !strings.Contains(body, "超过") {
		t.Errorf("a request too large: %d\n%s", code, body)
	}
	for _, e := range mustReadDir(t, w.InboxDir(q4)) {
		if strings.Contains(e.Name(), "巨") || strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("a cut upload was kept: %s", e.Name())
		}
	}
}

func mustReadDir(t *testing.T, dir string) []os.DirEntry {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// TestDownloads: only regular files inside the workspace; everything else is 404.
func TestDownloads(t *testing.T) {
	w := demoWorkspace(t, false)
	c := serveWorkspace(t, w, nil, Limits{})
	outside := filepath.Join(filepath.Dir(w.Dir()), "secret.txt")
	os.WriteFile(outside, []byte("secret"), 0o644)
	os.Symlink(outside, filepath.Join(w.Dir(), "link.txt"))
	os.Symlink(filepath.Dir(w.Dir()), filepath.Join(w.Dir(), "up"))
	os.WriteFile(w.PasswordPath(), []byte(`{"algorithm":"pbkdf2-sha256"}`), 0o600)
	if code, body := c.get("/files/plan.xlsx"); code != 200 || !strings.HasPrefix(body, "PK") {
		t.Errorf("the ledger by /files: %d", code)
	}
	for _, path := range []string{
		"/files/../secret.txt", "/files/%2e%2e/secret.txt", "/files/2023Q4/..%2f..%2fsecret.txt", "/files/2023Q4%2f..%2f..%2fsecret.txt",
		"/files/2023Q4%5c..%5c..%5csecret.txt", "/files/%2fetc%2fpasswd", "/files//etc/passwd", "/files/link.txt", "/files/up/secret.txt",
		"/files/2023Q4", "/files/2023Q4/", "/files/", "/files/.planreport.password", "/files/.planreport.lock",
		"/files/C:/Windows/win.ini", "/files/2023Q4/模板/..", "/files/nothing.xlsx", "/static/", "/static/../server.go",
	} {
		req, _ := http.NewRequest("GET", c.base+"/", nil)
		req.URL.Opaque = path // sent as written, not cleaned by the client
		code, body, loc := c.do(req)
		if code != http.StatusNotFound {
			t.Errorf("GET %s: %d %s (Location %q)", path, code, body[:min(len(body), 80)], loc)
		}
		if strings.Contains(body, "secret") || strings.Contains(body, "pbkdf2") {
			t.Errorf("GET %s leaked: %s", path, body)
		}
	}
}

// TestHostAndOrigin: a Host the server is not reached at is refused (DNS rebinding), and so is
// a POST from another site.
func TestHostAndOrigin(t *testing.T) {
	w := demoWorkspace(t, false)
	c := serveWorkspace(t, w, nil, Limits{})
	tok := c.token()
	_, port, _ := strings.Cut(hostOf(c.base), ":")
	for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1", "127.0.0.2:" + port, "192.168.1.10:" + port} {
		req, _ := http.NewRequest("GET", c.base+"/", nil)
		req.Host = host
		if code, body, _ := c.do(req); code != http.StatusMisdirectedRequest || strings.Contains(body, "法治政府") {
			t.Errorf("Host %s: %d", host, code)
		}
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port} {
		req, _ := http.NewRequest("GET", c.base+"/", nil)
		req.Host = host
		if code, _, _ := c.do(req); code != 200 {
			t.Errorf("Host %s: %d", host, code)
		}
	}
	form := url.Values{"csrf": {tok}}
	for _, h := range []map[string]string{{"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}} {
		req, _ := http.NewRequest("POST", c.base+"/periods/2023Q4/collect", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		if code, _, _ := c.do(req); code != http.StatusForbidden {
			t.Errorf("POST with %v: %d", h, code)
		}
	}
	req, _ := http.NewRequest("POST", c.base+"/periods/2023Q4/collect", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if code, _, _ := c.do(req); code != http.StatusSeeOther {
		t.Errorf("a same-origin POST: %d", code)
	}
}

// TestLogin: with a password, every page but the login page asks to log in; a wrong password
// is refused; the right one logs in under a new session.
func TestLogin(t *testing.T) {
	w := demoWorkspace(t, false)
	pw, err := hashPassword("正确的密码123", 1000) // HashPassword's cost is TestServePassword's
	if err != nil {
		t.Fatal(err)
	}
	if err := WritePassword(w.PasswordPath(), pw); err != nil {
		t.Fatal(err)
	}
	stored, err := ReadPassword(w.PasswordPath())
	if err != nil || stored == nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(w.PasswordPath()); strings.Contains(string(data), "正确的密码") {
		t.Fatal("the password is stored in clear")
	}
	c := serveWorkspace(t, w, stored, Limits{})
	for _, path := range []string{"/", "/plan", "/periods/2023Q4", "/plan/ledger", "/files/plan.xlsx"} {
		req, _ := http.NewRequest("GET", c.base+path, nil)
		if code, _, loc := c.do(req); code != http.StatusSeeOther || loc != "/login" {
			t.Errorf("GET %s before login: %d → %q", path, code, loc)
		}
	}
	code, page := c.get("/login")
	if code != 200 || !strings.Contains(page, "密码") {
		t.Fatalf("the login page: %d", code)
	}
	tok := reCSRF.FindStringSubmatch(page)[1]
	if code, _, _ := c.post("/periods/2023Q4/collect", tok, nil); code != http.StatusForbidden {
		t.Errorf("a POST before login: %d", code)
	}
	if code, body, _ := c.post("/login", tok, url.Values{"password": {"错误的密码"}}); code != http.StatusUnauthorized || !strings.Contains(body, "密码不对") {
		t.Errorf("a wrong password: %d", code)
	}
	before := c.http.Jar.Cookies(mustURL(c.base))
	if code, _, loc := c.post("/login", tok, url.Values{"password": {"正确的密码123"}}); code != http.StatusSeeOther || loc != "/" {
		t.Fatalf("the right password: %d → %q", code, loc)
	}
	after := c.http.Jar.Cookies(mustURL(c.base))
	if len(before) != 1 || len(after) != 1 || before[0].Value == after[0].Value {
		t.Errorf("the session id did not change at login")
	}
	if code, body := c.get("/"); code != 200 || !strings.Contains(body, "法治政府") || !strings.Contains(body, "退出登录") {
		t.Errorf("home after login: %d", code)
	}
}

// TestSessionCookie: HttpOnly and SameSite=Strict.
func TestSessionCookie(t *testing.T) {
	w := demoWorkspace(t, true)
	c := serveWorkspace(t, w, nil, Limits{})
	res, err := c.http.Get(c.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	h := res.Header.Get("Set-Cookie")
	if !strings.Contains(h, "HttpOnly") || !strings.Contains(h, "SameSite=Strict") {
		t.Errorf("the session cookie: %s", h)
	}
}

// TestWaitsForTheCommandLine: while another program holds the workspace, a job says what it
// is doing and waits; it runs once the workspace is free.
func TestWaitsForTheCommandLine(t *testing.T) {
	w := demoWorkspace(t, false)
	c := serveWorkspace(t, w, nil, Limits{})
	tok := c.token()
	l, err := w.Lock("命令行", "收集2023年第四季度的报送表")
	if err != nil {
		t.Fatal(err)
	}
	_, _, loc := c.post("/periods/2023Q4/report", tok, nil)
	var page string
	for range 100 {
		_, page = c.get(loc)
		if strings.Contains(page, "正在收集2023年第四季度的报送表（命令行") {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(page, "请稍候") || strings.Contains(page, `data-finished="true"`) {
		t.Fatalf("the job while the command line holds the workspace:\n%s", page)
	}
	_, progress := c.get(loc + "/progress")
	if !strings.Contains(progress, "请稍候") {
		t.Errorf("the job's progress: %s", progress)
	}
	l.Unlock()
	if page := c.waitJob(loc); !strings.Contains(page, "已完成") {
		t.Errorf("the job once the workspace is free:\n%s", page)
	}
	if _, err := os.Stat(w.ReportPDF(q4)); err != nil {
		t.Errorf("the report: %v", err)
	}
}

// TestCreateAndImport: a folder without a workspace offers to make one; a plan document
// uploaded there is previewed, then imported; the ledger uploaded back replaces it, keeping
// the old one.
func TestCreateAndImport(t *testing.T) {
	w := demoWorkspace(t, true)
	c := serveWorkspace(t, w, nil, Limits{})
	if code, body := c.get("/"); code != 200 || !strings.Contains(body, "还没有工作目录") {
		t.Fatalf("home of an empty folder: %d", code)
	}
	tok := c.token()
	plain, _ := os.ReadFile(filepath.Join("..", "..", "plan", "huairou-fazhi-zhengfu-2021.txt"))
	_, _, loc := c.upload("/plan/upload", tok, "document", []upload{{name: "计划.txt", data: plain}})
	_, preview := c.get(loc)
	if !strings.Contains(preview, "87 项任务") || !strings.Contains(preview, "确认，创建工作目录") {
		t.Fatalf("the preview:\n%s", preview)
	}
	if w.HasPlan() == nil {
		t.Fatal("the preview wrote the ledger")
	}
	name, _ := url.PathUnescape(strings.TrimPrefix(loc, "/plan/preview/"))
	_, _, loc = c.post("/plan/apply", tok, url.Values{"name": {name}})
	if page := c.waitJob(loc); !strings.Contains(page, "计划台账已更新") {
		t.Fatalf("apply:\n%s", page)
	}
	// A broken workbook as the ledger: refused, the ledger unchanged.
	ledger, _ := os.ReadFile(w.Ledger())
	_, _, loc = c.upload("/plan/ledger", tok, "ledger", []upload{{name: "plan.xlsx", data: []byte("not a workbook")}})
	if page := c.waitJob(loc); !strings.Contains(page, "没有完成") {
		t.Errorf("a broken ledger:\n%s", page)
	}
	if now, _ := os.ReadFile(w.Ledger()); !bytes.Equal(now, ledger) {
		t.Error("a broken ledger changed the ledger")
	}
	// The ledger back: replaces it, the old one kept.
	_, _, loc = c.upload("/plan/ledger", tok, "ledger", []upload{{name: "plan.xlsx", data: ledger}})
	if page := c.waitJob(loc); !strings.Contains(page, "原台账保存为") {
		t.Errorf("the ledger uploaded back:\n%s", page)
	}
	kept, _ := filepath.Glob(filepath.Join(w.UploadsDir(), "plan_替换前_*.xlsx"))
	if len(kept) != 1 {
		t.Errorf("the replaced ledger was not kept: %v", kept)
	}
}

func mustURL(s string) *url.URL {
	u, _ := url.Parse(s)
	return u
}

func mustPeriod(s string) plan.Period {
	p, _ := plan.ParsePeriod(s)
	return p
}
