// Package atomicfile writes files so that a reader, a crash or a full disk sees either the old
// file or the whole new one, never half of it: each is written beside its destination under a
// temporary name and renamed into place. It also says, in the office's words, when the
// destination cannot be replaced because a program holds it open (Excel and WPS lock the
// workbooks they have open on Windows), and removes what a killed run left half-written.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Write writes a file through write into a temporary file beside path, syncs it and renames it
// over path.
func Write(path string, write func(*os.File) error) error {
	return writeAside(path, write, true)
}

// WriteAside is Write without the sync, for a caller that syncs many files together before it
// depends on them (the archive of a collection).
func WriteAside(path string, write func(*os.File) error) error {
	return writeAside(path, write, false)
}

// WriteBytes writes data to path as Write does.
func WriteBytes(path string, data []byte) error {
	return Write(path, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

func writeAside(path string, write func(*os.File) error, sync bool) error {
	tmp, err := writeTemp(path, write, sync)
	if err != nil {
		return err
	}
	return rename(tmp, path)
}

// writeTemp writes a file's new content beside path under a temporary name, and returns that
// name; on an error it leaves nothing behind.
func writeTemp(path string, write func(*os.File) error, sync bool) (name string, err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("无法在 %s 中写入文件：%w", dir, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return "", fmt.Errorf("写入 %s：%w", path, err)
	}
	// CreateTemp makes the file private (0600); outputs are for the office's staff to open.
	if err = tmp.Chmod(0o644); err != nil {
		return "", fmt.Errorf("写入 %s：%w", path, err)
	}
	if sync {
		if err = tmp.Sync(); err != nil {
			return "", fmt.Errorf("写入 %s：%w", path, err)
		}
	}
	if err = tmp.Close(); err != nil {
		return "", fmt.Errorf("写入 %s：%w", path, err)
	}
	return tmp.Name(), nil
}

// rename puts a written temporary file in place of path; on an error it removes it.
func rename(tmp, path string) error {
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		if busy(err) {
			return &BusyError{Path: path, Err: err}
		}
		return fmt.Errorf("无法替换 %s：%w", path, err)
	}
	return nil
}

// BusyError is a file that could not be replaced because it is held: on Windows, open in Excel
// or WPS (a sharing violation, or access denied); elsewhere, a file made unwritable.
type BusyError struct {
	Path string
	Err  error
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("无法写入 %s：文件可能正在 Excel 或 WPS 中打开。请关闭该文件后重新运行", e.Path)
}

func (e *BusyError) Unwrap() error { return e.Err }

// busy reports whether a rename failed because the destination is held rather than missing
// or on another device: permission errors, and Windows' sharing and lock violations.
func busy(err error) bool {
	return errors.Is(err, fs.ErrPermission) || isSharingViolation(err)
}

// BusyPaths lists the files err says are busy (it may join several), in order.
func BusyPaths(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		var b *BusyError
		if errors.As(err, &b) && err == error(b) {
			out = append(out, b.Path)
			return
		}
		switch e := err.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}

// reLeftover matches the temporary file a write leaves when it is killed before renaming it
// into place: .name.123456.tmp.
var reLeftover = regexp.MustCompile(`^\..+\.[0-9]+\.tmp$`)

// RemoveLeftovers removes what killed runs left half-written in dirs, recursively, but not
// inside folders named in keep (an inbox: what people put there is theirs). The next write of
// each file replaces it whole; its leftover would only lie there.
func RemoveLeftovers(keep []string, dirs ...string) {
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return nil
			case d.IsDir() && path != dir && contains(keep, d.Name()):
				return filepath.SkipDir
			case d.Type().IsRegular() && reLeftover.MatchString(d.Name()):
				os.Remove(path)
			}
			return nil
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// RemoveLeftoversOf removes the temporary files killed runs left beside one file, and nothing
// else in its folder (a ledger may live among the office's own files).
func RemoveLeftoversOf(path string) {
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return
	}
	prefix := "." + filepath.Base(path) + "."
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, prefix) && e.Type().IsRegular() && reLeftover.MatchString(n) &&
			strings.Trim(strings.TrimSuffix(strings.TrimPrefix(n, prefix), ".tmp"), "0123456789") == "" {
			os.Remove(filepath.Join(filepath.Dir(path), n))
		}
	}
}
