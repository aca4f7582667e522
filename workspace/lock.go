package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// One writer at a time: every operation that changes a workspace (init, plan import and
// refresh, templates, collect, reminders, report) holds its lock while it runs; reading
// (status, plan show and check, the web pages) needs none. The lock is the operating system's
// lock on .planreport.lock (flock, or LockFileEx on Windows), which the system releases when
// the holder ends, however it ends: a lock left by a killed process is free again, and the
// next writer takes it over. The file also says who holds it, so that a second writer is told
// what holds the workspace and since when.

// Holder is who holds a workspace's lock.
type Holder struct {
	PID       int       `json:"pid"`
	Host      string    `json:"host"`
	Program   string    `json:"program"`   // 命令行, 网页工作台
	Operation string    `json:"operation"` // what it is doing, in Chinese: 收集 2023年第四季度 的报送表
	Since     time.Time `json:"since"`
}

// Lock is a held workspace lock.
type Lock struct {
	f *os.File
	// TakenOver is the holder a previous writer left in the lock file when it ended without
	// unlocking (killed, or its computer lost power), or nil.
	TakenOver *Holder
}

// Lock takes the workspace's lock for an operation, or returns a *LockedError naming its holder
// at once, without waiting: the caller says so and changes nothing. program names the caller
// (命令行, 网页工作台).
func (w *Workspace) Lock(program, operation string) (*Lock, error) {
	path := filepath.Join(w.dir, LockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		if st, serr := os.Stat(w.dir); serr != nil || !st.IsDir() {
			return nil, fmt.Errorf("无法在 %s 中写入文件：文件夹不存在", w.dir)
		}
		return nil, fmt.Errorf("打开工作目录的锁文件 %s：%w", path, err)
	}
	if err := lockFile(f); err != nil {
		defer f.Close()
		if errors.Is(err, errLocked) {
			h, _ := readHolder(f)
			return nil, &LockedError{Dir: w.dir, Holder: h}
		}
		return nil, fmt.Errorf("锁定工作目录 %s：%w", w.dir, err)
	}
	l := &Lock{f: f}
	if old, err := readHolder(f); err == nil && old.PID != 0 {
		l.TakenOver = &old
	}
	h := Holder{PID: os.Getpid(), Host: hostname(), Program: program, Operation: operation, Since: time.Now().Round(time.Second)}
	data, _ := json.Marshal(h)
	// Who holds it is for a second writer's message only: the lock holds without it.
	if f.Truncate(0) == nil {
		f.WriteAt(append(data, '\n'), 0)
	}
	return l, nil
}

// Unlock releases the lock; the lock file is left empty, for the next writer.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := unlockFile(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// errLocked is another holder's lock, from lockFile.
var errLocked = errors.New("locked")

func readHolder(f *os.File) (Holder, error) {
	var h Holder
	data, err := io.ReadAll(io.NewSectionReader(f, 0, 64<<10))
	if err != nil {
		return h, err
	}
	if len(data) == 0 {
		return h, errors.New("empty")
	}
	return h, json.Unmarshal(data, &h)
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}
