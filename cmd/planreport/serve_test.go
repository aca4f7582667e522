package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"planreport/workspace"
)

// TestDoubleClick: planreport.exe double-clicked in a folder with no workspace serves that
// folder, says where in its window, and the page offers to make a workspace. When it cannot
// start, it says why and waits for Enter before the window closes.
func TestDoubleClick(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- doubleClick(ctx, serveOptions{dir: dir, noBrowser: true, ready: func(u string) { urls <- u }}, strings.NewReader(""), &out, &errb)
	}()
	var url string
	select {
	case url = <-urls:
	case err := <-done:
		t.Fatalf("doubleClick: %v\n%s", err, errb.String())
	case <-time.After(10 * time.Second):
		t.Fatal("it did not start")
	}
	for _, want := range []string{"网页工作台已启动：" + url, "工作目录：" + dir, "还没有工作目录", "不要关闭这个窗口"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the window lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("it serves %s, not loopback", url)
	}
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "创建演示工作目录") {
		t.Errorf("the page does not offer to make a workspace:\n%s", body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("closed: %v", err)
	}

	// A folder that is not there (moved while the program started): the reason, then Enter.
	var errOut syncBuffer
	err = doubleClick(context.Background(), serveOptions{dir: filepath.Join(dir, "gone"), noBrowser: true}, strings.NewReader("\n"), io.Discard, &errOut)
	if !errors.Is(err, errReported) || !strings.Contains(errOut.String(), "找不到工作目录") || !strings.Contains(errOut.String(), "按回车键关闭这个窗口") {
		t.Errorf("a double-click that cannot start: %v\n%s", err, errOut.String())
	}
}

// TestServePassword: --password stores a salted hash, never the password; a later start
// without it uses the stored one, and --listen on another address needs one.
func TestServePassword(t *testing.T) {
	w := workspace.Open(t.TempDir())
	pw, err := servePassword(w, "办公室的密码2024", true, strings.NewReader(""), io.Discard)
	if err != nil || pw == nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(w.PasswordPath())
	if bytes.Contains(data, []byte("办公室的密码2024")) || !bytes.Contains(data, []byte("pbkdf2-sha256")) {
		t.Errorf("the stored password:\n%s", data)
	}
	if st, _ := os.Stat(w.PasswordPath()); st.Mode().Perm() != 0o600 {
		t.Errorf("the password file is %v", st.Mode().Perm())
	}
	again, err := servePassword(w, "", true, strings.NewReader(""), io.Discard)
	if err != nil || again == nil || !again.Matches("办公室的密码2024") || again.Matches("别的密码12345") {
		t.Errorf("the stored password read back: %v", err)
	}
	empty := workspace.Open(t.TempDir())
	if _, err := servePassword(empty, "", true, strings.NewReader(""), io.Discard); err == nil {
		t.Error("no password for another computer, and no terminal to ask on: no error")
	}
	if pw, err := servePassword(empty, "", false, strings.NewReader(""), io.Discard); err != nil || pw != nil {
		t.Errorf("loopback needs no password: %v %v", pw, err)
	}
}

// syncBuffer is a bytes.Buffer safe to write from the server's goroutine and read here.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
