package atomicfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tempFiles lists the files in dir that look like a write's leftovers.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if reLeftover.MatchString(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "检查结果.xlsx")
	if err := WriteBytes(path, []byte("old")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	err := Write(path, func(f *os.File) error {
		f.Write([]byte("half a workbook"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("Write = %v, want the write's error", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, []byte("old")) {
		t.Errorf("the old file changed after a failed write: %q", after)
	}
	if m := tempFiles(t, dir); len(m) > 0 {
		t.Errorf("temporary files left behind: %q", m)
	}
	if err := WriteBytes(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
}

func TestRemoveLeftovers(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a/.x.xlsx.123.tmp", "a/x.xlsx", "收件/.mine.456.tmp", ".plan.xlsx.789.tmp", ".plan.xlsx.bak.1.tmp", "notes.tmp"} {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, nil, 0o644)
	}
	left := func() string {
		var out []string
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if !d.IsDir() {
				rel, _ := filepath.Rel(dir, path)
				out = append(out, filepath.ToSlash(rel))
			}
			return nil
		})
		return strings.Join(out, " ")
	}
	RemoveLeftoversOf(filepath.Join(dir, "plan.xlsx"))
	if got, want := left(), ".plan.xlsx.bak.1.tmp a/.x.xlsx.123.tmp a/x.xlsx notes.tmp 收件/.mine.456.tmp"; got != want {
		t.Errorf("RemoveLeftoversOf left %s, want %s", got, want)
	}
	RemoveLeftovers([]string{"收件"}, dir)
	if got, want := left(), "a/x.xlsx notes.tmp 收件/.mine.456.tmp"; got != want {
		t.Errorf("RemoveLeftovers left %s, want %s", got, want)
	}
}

// TestBatch: nothing replaces a destination before Commit; Commit puts every file in place
// and names each destination it could not replace; Discard leaves nothing behind.
func TestBatch(t *testing.T) {
	dir := t.TempDir()
	a, b, blocked := filepath.Join(dir, "a.xlsx"), filepath.Join(dir, "b.xlsx"), filepath.Join(dir, "c.xlsx")
	if err := WriteBytes(a, []byte("old a")); err != nil {
		t.Fatal(err)
	}
	// A folder with something in it cannot be replaced by a file.
	if err := os.MkdirAll(filepath.Join(blocked, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	var batch Batch
	for _, p := range []string{a, b, blocked} {
		if err := batch.WriteBytes(p, []byte("new "+filepath.Base(p))); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := os.ReadFile(a); string(got) != "old a" {
		t.Errorf("before Commit a holds %q", got)
	}
	if _, err := os.Stat(b); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("before Commit b exists: %v", err)
	}
	failed := batch.Commit()
	if len(failed) != 1 || failed[blocked] == nil || !strings.Contains(failed[blocked].Error(), blocked) {
		t.Errorf("Commit failed %v, want only %s", failed, blocked)
	}
	for _, p := range []string{a, b} {
		if got, _ := os.ReadFile(p); string(got) != "new "+filepath.Base(p) {
			t.Errorf("after Commit %s holds %q", p, got)
		}
	}
	if m := tempFiles(t, dir); len(m) > 0 {
		t.Errorf("temporary files left behind: %q", m)
	}
	var discarded Batch
	if err := discarded.WriteBytes(a, []byte("never")); err != nil {
		t.Fatal(err)
	}
	discarded.Discard()
	if got, _ := os.ReadFile(a); string(got) != "new a.xlsx" {
		t.Errorf("after Discard a holds %q", got)
	}
	if m := tempFiles(t, dir); len(m) > 0 {
		t.Errorf("temporary files left behind by Discard: %q", m)
	}
	if failed := discarded.Commit(); len(failed) != 0 {
		t.Errorf("Commit after Discard: %v", failed)
	}
}
