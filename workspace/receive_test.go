package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planreport/plan"
)

// TestReceive: a file received is stored whole in the period's inbox under a safe name of its
// own, never over another and never outside; too large a file leaves nothing behind.
func TestReceive(t *testing.T) {
	w := Open(t.TempDir())
	q4, _ := plan.ParsePeriod("2023Q4")
	at := time.Date(2024, 1, 5, 9, 30, 0, 0, time.Local)
	for _, tc := range []struct{ name, want string }{
		{"报送表.xlsx", "报送表.xlsx"},
		{"报送表.xlsx", "报送表（2）.xlsx"},
		{"报送表.xlsx", "报送表（3）.xlsx"},
		{"../../报送表.xlsx", "报送表（4）.xlsx"},
		{`C:\Users\a\报送表.xlsx`, "报送表（5）.xlsx"},
		{".隐藏.eml", "隐藏.eml"},
		{"~$锁.xlsx", "锁.xlsx"},
		{"CON.xlsx", "CON_.xlsx"},
		{"", "未命名文件"},
		{"..", "未命名文件（2）"},
	} {
		got, err := w.Receive(q4, tc.name, strings.NewReader(tc.name+"的内容"), at)
		if err != nil || got != tc.want {
			t.Errorf("Receive(%q) = %q, %v; want %q", tc.name, got, err, tc.want)
			continue
		}
		st, err := os.Stat(filepath.Join(w.InboxDir(q4), got))
		if err != nil || !st.ModTime().Equal(at) {
			t.Errorf("%s: %v, modified %v", got, err, st.ModTime())
		}
	}
	if data, _ := os.ReadFile(filepath.Join(w.InboxDir(q4), "报送表.xlsx")); string(data) != "报送表.xlsx的内容" {
		t.Errorf("the first file was replaced: %q", data)
	}
	_, err := w.Receive(q4, "大.zip", &endless{}, time.Time{})
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Errorf("a file too large: %v", err)
	}
	entries, _ := os.ReadDir(w.InboxDir(q4))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || strings.Contains(e.Name(), "大") {
			t.Errorf("left in the inbox: %s", e.Name())
		}
	}
	if len(entries) != 10 {
		t.Errorf("%d files in the inbox, want 10", len(entries))
	}
}

// endless reads zeros for ever.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
