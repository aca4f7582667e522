package workspace

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"planreport/inbox"
	"planreport/plan"
	"planreport/templates"
)

// Files people hand the tool other than through the inbox folder (the web workbench's uploads)
// are stored as they came, never overwriting another and never outside their folder, under a
// name safe on every system: a unit's return into the period's inbox, where collect reads it
// as it reads what the office saves there itself; a plan document or ledger into UploadsDir.
// Nothing stored is ever removed.

// ReceiveLimit is the largest file Receive and SaveUpload store: the largest .eml or .zip
// collect reads from disk.
const ReceiveLimit = inbox.DefaultMaxUnzippedBytes

// TooLargeError is a file larger than ReceiveLimit: nothing of it was kept.
type TooLargeError struct{ Name string }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("文件“%s”超过 %d MB，未保存。报送表请直接发送 .xlsx 文件，或分几个压缩包发送", e.Name, ReceiveLimit>>20)
}

// Receive stores a file a unit sent (a workbook, .zip or .eml), read from r, into the period's
// inbox under a safe name that no file there has yet, with modTime as its modification time
// (collect takes a plain file's as when it was received; zero is now). It returns the name
// stored. It takes no lock: the inbox is the office's folder, which collect only reads, and a
// file appears there whole or not at all.
func (w *Workspace) Receive(period plan.Period, name string, r io.Reader, modTime time.Time) (string, error) {
	return storeNew(w.InboxDir(period), name, r, modTime)
}

// SaveUpload stores a plan document or ledger someone uploaded into UploadsDir, as Receive
// does, and returns its path.
func (w *Workspace) SaveUpload(name string, r io.Reader) (string, error) {
	stored, err := storeNew(w.UploadsDir(), name, r, time.Time{})
	if err != nil {
		return "", err
	}
	return filepath.Join(w.UploadsDir(), stored), nil
}

// UploadsDir keeps the plan documents and ledgers uploaded through the web workbench, and
// the ledgers they replaced.
func (w *Workspace) UploadsDir() string { return filepath.Join(w.dir, UploadsDir) }

// Upload is the path of a file in UploadsDir named by its base name, or an error when there is
// no such regular file there.
func (w *Workspace) Upload(name string) (string, error) {
	if name == "" || name != filepath.Base(name) || strings.HasPrefix(name, ".") || name != templates.SafeName(name) {
		return "", fmt.Errorf("没有上传过文件“%s”", name)
	}
	p := filepath.Join(w.UploadsDir(), name)
	if st, err := os.Lstat(p); err != nil || !st.Mode().IsRegular() {
		return "", fmt.Errorf("没有上传过文件“%s”", name)
	}
	return p, nil
}

// storeNew writes r into dir under name made safe and unique: first into a hidden temporary
// file (which collect passes over), then linked to its name, which fails rather than replace a
// file there. Both go through an os.Root of dir, so nothing is written outside it.
func storeNew(dir, name string, r io.Reader, modTime time.Time) (stored string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("创建文件夹 %s：%w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", fmt.Errorf("打开文件夹 %s：%w", dir, err)
	}
	defer root.Close()
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := "." + hex.EncodeToString(rnd[:]) + ".upload.tmp"
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", fmt.Errorf("无法在 %s 中写入文件：%w", dir, err)
	}
	defer root.Remove(tmp) // the file stays under its own name (gone already when renamed)
	n, err := io.Copy(f, io.LimitReader(r, ReceiveLimit+1))
	if err == nil && n > ReceiveLimit {
		err = &TooLargeError{Name: name}
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		var tl *TooLargeError
		if errors.As(err, &tl) {
			return "", err
		}
		return "", fmt.Errorf("保存“%s”：%w", name, err)
	}
	if modTime.IsZero() || modTime.After(time.Now()) {
		modTime = time.Now()
	}
	root.Chtimes(tmp, modTime, modTime)
	base := uploadName(name)
	ext := path.Ext(base)
	if len(ext) > 8 {
		ext = ""
	}
	stem := strings.TrimSuffix(base, ext)
	for i := 1; i < 10000; i++ {
		stored = base
		if i > 1 {
			stored = fmt.Sprintf("%s（%d）%s", stem, i, ext)
		}
		err := root.Link(tmp, stored)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			// A file system without hard links (FAT on a USB stick): rename, if the name is
			// free; this process's stores go one at a time, and nothing else writes there.
			err = renameNew(root, tmp, stored)
		}
		if err == nil {
			return stored, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("保存“%s”：%w", name, err)
		}
	}
	return "", fmt.Errorf("保存“%s”：%s 中同名文件过多", name, dir)
}

var renameTurn sync.Mutex

// renameNew renames from to to within root unless to exists (fs.ErrExist).
func renameNew(root *os.Root, from, to string) error {
	renameTurn.Lock()
	defer renameTurn.Unlock()
	if _, err := root.Lstat(to); err == nil {
		return fs.ErrExist
	}
	return root.Rename(from, to)
}

// uploadName is the safe name a stored file gets: the name people gave it, without any folder
// (a browser may send one, in either separator), made safe; never hidden, never empty.
func uploadName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	s := strings.TrimLeft(templates.SafeName(name), ".~$ ")
	if s == "" || strings.Trim(s, "_") == "" {
		s = "未命名文件"
	}
	return s
}
