package ui

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"planreport/demo"
	"planreport/plan"
	"planreport/workspace"
)

// q4 is the period the tests work on.
var q4 = plan.Period{Kind: plan.Quarterly, Year: 2023, N: 4}

// The demo's workspace with the 2023Q4 templates issued, and its units' returns, are made once
// for the package's tests (TestMain) and copied for each test that changes them.
var shared struct {
	ws      string   // the workspace, never changed
	returns []string // the returned files, read only
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ui-test-")
	if err != nil {
		panic(err)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		w := workspace.Open(filepath.Join(dir, "ws"))
		os.MkdirAll(w.Dir(), 0o755)
		p, err := demo.Create(w, 0, "test")
		if err == nil {
			_, err = w.IssueTemplates(context.Background(), workspace.TemplatesOptions{Period: q4, Due: "2024-01-08", Drafts: true, Program: "test"})
		}
		if err == nil {
			_, err = demo.Fill(p, q4, w.Due(q4), w.IssuedTemplates(p, q4), filepath.Join(dir, "returns"), true)
		}
		if err != nil {
			panic(err)
		}
		shared.ws = w.Dir()
		shared.returns, _ = filepath.Glob(filepath.Join(dir, "returns", "*"))
		return m.Run()
	}()
	os.Exit(code)
}

// demoWorkspace is a copy of the demo's workspace with the 2023Q4 templates issued (due
// 2024-01-08), or an empty folder when bare.
func demoWorkspace(t testing.TB, bare bool) *workspace.Workspace {
	t.Helper()
	w := workspace.Open(filepath.Join(t.TempDir(), "ws"))
	if bare {
		if err := os.MkdirAll(w.Dir(), 0o755); err != nil {
			t.Fatal(err)
		}
		return w
	}
	if err := os.CopyFS(w.Dir(), os.DirFS(shared.ws)); err != nil {
		t.Fatal(err)
	}
	return w
}

// demoReturns are the files the demo's units send back for 2023Q4 (some by email, some with
// mistakes, some late).
func demoReturns(t testing.TB, w *workspace.Workspace) []string { return shared.returns }

// client is a browser's session with a workbench: its cookie, its CSRF token.
type client struct {
	t    testing.TB
	base string
	http *http.Client
	srv  *Server
}

// serveWorkspace serves w on a loopback port until the test ends.
func serveWorkspace(t testing.TB, w *workspace.Workspace, password *Password, limits Limits) *client {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	srv, err := New(Config{Dir: w.Dir(), Hosts: Hosts(ts.Listener.Addr()), Password: password, Limits: limits})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return newClient(t, ts.URL, srv)
}

func newClient(t testing.TB, base string, srv *Server) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, srv: srv, http: &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request and returns its status, body and Location.
func (c *client) do(req *http.Request) (int, string, string) {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body), res.Header.Get("Location")
}

func (c *client) get(path string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	code, body, _ := c.do(req)
	return code, body
}

var reCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// token is the session's CSRF token, from the home page's forms.
func (c *client) token() string {
	c.t.Helper()
	_, body := c.get("/")
	m := reCSRF.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("no CSRF token on the home page:\n%s", body)
	}
	return m[1]
}

// post sends a form; token "" sends none.
func (c *client) post(path, token string, form url.Values) (int, string, string) {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if token != "" {
		form.Set("csrf", token)
	}
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// upload is one file of an upload form.
type upload struct {
	name  string
	data  []byte
	mtime time.Time // zero: none sent
}

// uploadBody is a multipart form: the token first (if any), then each file under field, with
// its modification time before it as the script sends it.
func uploadBody(token, field string, files []upload) (string, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if token != "" {
		mw.WriteField("csrf", token)
	}
	for _, f := range files {
		if !f.mtime.IsZero() {
			mw.WriteField("mtime", strconvMillis(f.mtime))
		}
		fw, _ := mw.CreateFormFile(field, f.name)
		fw.Write(f.data)
	}
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

func strconvMillis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

func (c *client) upload(path, token, field string, files []upload) (int, string, string) {
	c.t.Helper()
	ct, body := uploadBody(token, field, files)
	req, _ := http.NewRequest("POST", c.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	return c.do(req)
}

// filesOf reads files from disk as uploads, with their modification times.
func filesOf(t testing.TB, paths []string) []upload {
	var out []upload
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(p)
		out = append(out, upload{name: filepath.Base(p), data: data, mtime: st.ModTime()})
	}
	return out
}

// waitJob follows a POST's redirect to its job and waits for it to end; it returns the job
// page's text.
func (c *client) waitJob(location string) string {
	c.t.Helper()
	if !strings.HasPrefix(location, "/jobs/") {
		c.t.Fatalf("not a job: %q", location)
	}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		code, body := c.get(location)
		if code != 200 {
			c.t.Fatalf("%s: %d\n%s", location, code, body)
		}
		if strings.Contains(body, `data-finished="true"`) {
			return body
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatalf("%s did not finish", location)
	return ""
}

// hostOf is a URL's host:port.
func hostOf(base string) string {
	u, _ := url.Parse(base)
	return u.Host
}
