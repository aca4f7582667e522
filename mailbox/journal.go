package mailbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// journal is an append-only file of JSON lines, each synced to disk before add returns: the
// send and fetch logs. A line cut off by a crash (the last, without its line end) is dropped
// when the journal is opened.
type journal struct {
	path, what string // what names it in messages: 发送记录, 收信记录
	f          *os.File
}

// openJournal opens the journal at path for appending, creating it and its folder, and
// returns its lines. A line that is not JSON stops everything: the file was edited by hand.
func openJournal(path, what string, each func(line []byte) error) (*journal, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, &mailError{ErrLog, fmt.Sprintf("无法创建%s所在的文件夹 %s：%v", what, filepath.Dir(path), err)}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o644)
	if err != nil {
		return nil, &mailError{ErrLog, fmt.Sprintf("无法写入%s %s：%v", what, path, err)}
	}
	// One run at a time per log: two at once could both send the same message.
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, &mailError{ErrLog, fmt.Sprintf("另一个 planreport 正在使用%s %s（%v）：请等它结束后再运行", what, path, err)}
	}
	j := &journal{path: path, what: what, f: f}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, &mailError{ErrLog, fmt.Sprintf("读取%s %s：%v", what, path, err)}
	}
	if i := bytes.LastIndexByte(data, '\n'); i+1 < len(data) {
		data = data[:i+1]
		if err := f.Truncate(int64(len(data))); err != nil {
			f.Close()
			return nil, &mailError{ErrLog, fmt.Sprintf("修复%s %s：%v", what, path, err)}
		}
	}
	for n, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := each(line); err != nil {
			f.Close()
			return nil, &mailError{ErrLog, fmt.Sprintf("%s %s 第 %d 行无法读取（%v）：该文件由程序维护，请勿手工修改；如已改动，请恢复原样", what, path, n+1, err)}
		}
	}
	return j, nil
}

// add appends v as one line and syncs it.
func (j *journal) add(v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(append(line, '\n')); err != nil {
		return &mailError{ErrLog, fmt.Sprintf("无法写入%s %s：%v", j.what, j.path, err)}
	}
	if err := j.f.Sync(); err != nil {
		return &mailError{ErrLog, fmt.Sprintf("无法保存%s %s：%v", j.what, j.path, err)}
	}
	return nil
}

func (j *journal) close() error { return j.f.Close() }

// readJournal returns the entries of a journal that may not exist.
func readJournal[T any](path string) ([]T, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []T
	for _, line := range bytes.Split(data, []byte("\n")) {
		var e T
		if len(bytes.TrimSpace(line)) > 0 && json.Unmarshal(line, &e) == nil {
			out = append(out, e)
		}
	}
	return out, nil
}
