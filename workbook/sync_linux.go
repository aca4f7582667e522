//go:build linux

package workbook

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncAll flushes to disk what was written to the file system that holds dir, with one
// syncfs(2): a run's archived copies all at once, which the disk takes faster than one fsync
// each (72 ms against 80 for collect at 80 units). It reports whether it did; if not, the
// caller syncs file by file. Linux reports write-back errors through syncfs since 5.8.
func syncAll(dir string) bool {
	d, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer d.Close()
	return unix.Syncfs(int(d.Fd())) == nil
}
