package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"golang.org/x/sync/errgroup"
)

// A Batch writes many files that are replaced together, such as a period's templates: each is
// written beside its destination as Write does, and Commit syncs them all at once and then
// renames each into place. A crash before Commit leaves every destination as it was; after
// it, each file is whole. One sync for all is cheaper than one each: at 80 templates the
// syncs took 40 of 220 ms. A Batch is safe for concurrent use.
type Batch struct {
	mu      sync.Mutex
	pending []pending
}

type pending struct{ tmp, path string }

// Write writes path's new content through write, beside it; nothing replaces path before
// Commit.
func (b *Batch) Write(path string, write func(*os.File) error) error {
	tmp, err := writeTemp(path, write, false)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.pending = append(b.pending, pending{tmp, path})
	b.mu.Unlock()
	return nil
}

// WriteBytes writes data to path as Write does.
func (b *Batch) WriteBytes(path string, data []byte) error {
	return b.Write(path, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// Commit syncs every file written to disk and renames each into place. It returns each
// destination that could not be replaced (a BusyError when a program holds it open) with its
// error; when the sync fails, nothing is replaced, and each destination says why.
func (b *Batch) Commit() map[string]error {
	b.mu.Lock()
	ps := b.pending
	b.pending = nil
	b.mu.Unlock()
	tmps := make([]string, len(ps))
	for i, p := range ps {
		tmps[i] = p.tmp
	}
	failed := map[string]error{}
	errs := syncEach(tmps)
	for i, p := range ps {
		if errs[i] != nil {
			failed[p.path] = fmt.Errorf("写入 %s：%w", p.path, errs[i])
		}
	}
	if len(failed) > 0 { // nothing is put in place that might not be on disk
		for _, p := range ps {
			os.Remove(p.tmp)
			if failed[p.path] == nil {
				failed[p.path] = fmt.Errorf("未写入 %s：同批的其他文件无法写入磁盘", p.path)
			}
		}
		return failed
	}
	for _, p := range ps {
		if err := rename(p.tmp, p.path); err != nil {
			failed[p.path] = err
		}
	}
	return failed
}

// Discard removes what was written and not committed.
func (b *Batch) Discard() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.pending {
		os.Remove(p.tmp)
	}
	b.pending = nil
}

// Sync flushes files to disk: with one syncfs(2) for each file system where the system has it,
// else several files at a time (the disk takes them together, where one after another each
// waits its turn).
func Sync(paths []string) error {
	errs := syncEach(paths)
	for i, err := range errs {
		if err != nil {
			errs[i] = fmt.Errorf("%s：%w", paths[i], err)
		}
	}
	return errors.Join(errs...)
}

// syncEach is Sync with each path's error in its place (a failed syncfs is every path's).
func syncEach(paths []string) []error {
	errs := make([]error, len(paths))
	if done, err := syncAll(paths); done || err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	var g errgroup.Group
	g.SetLimit(16)
	for i, path := range paths {
		g.Go(func() error {
			errs[i] = syncFile(path)
			return nil
		})
	}
	g.Wait()
	return errs
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0) // Windows flushes only files open for writing
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
