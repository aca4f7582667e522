//go:build unix

package fonts

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps a font file into memory, read-only. A font of 15 MB read into the heap cost a
// report about 50 ms of page faults on a virtual machine; mapped, it costs only the pages
// that are read (its tables and the glyphs a document uses), taken from the file cache. The
// mapping is never removed: files are mapped once per process (see readFont). A font file
// cut short while mapped would crash the program; font installers replace files whole.
func mapFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() == 0 || st.Size() > maxFontSize {
		return os.ReadFile(path) // nothing to map, or too big to be a font: parseCmap says so
	}
	return unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_SHARED)
}
