// Package hostile holds what the hardening tests share: hostile workbooks built by streaming
// (XML bombs, zip bombs, huge sheets) so that a test file stays small, a measure of the memory
// and time a call costs, and checks that a folder a command wrote holds only files with names
// Windows accepts, inside it. It is imported by tests only.
package hostile

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Usage is what a measured call cost.
type Usage struct {
	Alloc   uint64        // bytes allocated during the call (runtime.MemStats.TotalAlloc): an upper bound of its peak
	Peak    uint64        // the highest live heap seen during the call, above the heap before it (sampled every 2 ms)
	Elapsed time.Duration // wall time
}

func (u Usage) String() string {
	return fmt.Sprintf("peak heap +%.1f MiB, allocated %.1f MiB, %v", float64(u.Peak)/(1<<20), float64(u.Alloc)/(1<<20), u.Elapsed.Round(time.Millisecond))
}

// Measure runs f and reports the memory and time it took. Calls measured at the same time in
// one process see each other's allocations: measure one thing at a time.
func Measure(f func()) Usage {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var (
		mu   sync.Mutex
		peak = before.HeapAlloc
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.ReadMemStats(&m)
				mu.Lock()
				peak = max(peak, m.HeapAlloc)
				mu.Unlock()
			}
		}
	}()
	start := time.Now()
	f()
	elapsed := time.Since(start)
	close(done)
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	mu.Lock()
	peak = max(peak, after.HeapAlloc)
	mu.Unlock()
	u := Usage{Alloc: after.TotalAlloc - before.TotalAlloc, Elapsed: elapsed}
	if peak > before.HeapAlloc {
		u.Peak = peak - before.HeapAlloc
	}
	return u
}

// rawEntry is a zip entry given compressed, with its header.
type rawEntry struct {
	header zip.FileHeader
	data   []byte
}

// RewriteZip copies a zip archive, replacing the named entries with what their functions
// write (deflated, streamed) and adding those not in it; an entry whose function is nil is
// left out (raw entries may take its place). Other entries are copied as they are, compressed
// bytes and all.
func RewriteZip(data []byte, parts map[string]func(w io.Writer) error, raw ...rawEntry) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	done := map[string]bool{}
	write := func(name string, fn func(io.Writer) error) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(w, 1<<16)
		if err := fn(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	for _, zf := range zr.File {
		if fn, ok := parts[zf.Name]; ok {
			done[zf.Name] = true
			if fn == nil {
				continue
			}
			if err := write(zf.Name, fn); err != nil {
				return nil, err
			}
			continue
		}
		if err := zw.Copy(zf); err != nil {
			return nil, err
		}
	}
	for _, r := range raw {
		h := r.header
		w, err := zw.CreateRaw(&h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(r.data); err != nil {
			return nil, err
		}
	}
	for name, fn := range parts {
		if !done[name] && fn != nil {
			if err := write(name, fn); err != nil {
				return nil, err
			}
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Part returns one entry of a zip archive.
func Part(data []byte, name string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	for _, zf := range zr.File {
		if zf.Name == name {
			rc, err := zf.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return io.ReadAll(rc)
		}
	}
	return nil, fmt.Errorf("no part %s", name)
}

var (
	reSheet = regexp.MustCompile(`<sheet [^>]*name="([^"]*)"[^>]*r:id="([^"]*)"`)
	reRel   = regexp.MustCompile(`<Relationship [^>]*Id="([^"]*)"[^>]*Target="([^"]*)"`)
	reRel2  = regexp.MustCompile(`<Relationship [^>]*Target="([^"]*)"[^>]*Id="([^"]*)"`)
)

// SheetPart returns the part name of a workbook's sheet (xl/worksheets/sheet2.xml), as
// excelize writes the workbook.
func SheetPart(data []byte, sheet string) (string, error) {
	wb, err := Part(data, "xl/workbook.xml")
	if err != nil {
		return "", err
	}
	rels, err := Part(data, "xl/_rels/workbook.xml.rels")
	if err != nil {
		return "", err
	}
	id := ""
	for _, m := range reSheet.FindAllStringSubmatch(string(wb), -1) {
		if m[1] == sheet {
			id = m[2]
		}
	}
	targets := map[string]string{}
	for _, m := range reRel.FindAllStringSubmatch(string(rels), -1) {
		targets[m[1]] = m[2]
	}
	for _, m := range reRel2.FindAllStringSubmatch(string(rels), -1) {
		targets[m[2]] = m[1]
	}
	target, ok := targets[id]
	if id == "" || !ok {
		return "", fmt.Errorf("no sheet %s", sheet)
	}
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/"), nil
	}
	return "xl/" + target, nil
}

// BillionLaughs returns a document type declaration defining entities lol0…lolN, each ten of
// the one before (lolN expands to 3·10^N bytes), and the reference to the largest. With an
// external entity (file:///etc/passwd) too: a parser that resolves it would leak the file.
func BillionLaughs(root string, levels int) (doctype, ref string) {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE %s [\n <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n <!ENTITY lol0 \"lol\">\n", root)
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, " <!ENTITY lol%d \"%s\">\n", i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
	}
	b.WriteString("]>\n")
	return b.String(), fmt.Sprintf("&lol%d;&xxe;", levels)
}

// InsertDoctype puts a document type declaration after an XML part's declaration.
func InsertDoctype(xml []byte, doctype string) []byte {
	i := bytes.Index(xml, []byte("?>"))
	if i < 0 {
		return append([]byte(doctype), xml...)
	}
	i += 2
	return append(append(append([]byte(nil), xml[:i]...), "\n"+doctype...), xml[i:]...)
}

// ReplaceCell replaces a cell (by reference, e.g. I2) of a sheet's XML with raw XML.
func ReplaceCell(sheet []byte, ref, cell string) ([]byte, error) {
	re := regexp.MustCompile(`<c r="` + ref + `"[^>]*?(/>|>.*?</c>)`)
	loc := re.FindIndex(sheet)
	if loc == nil {
		return nil, fmt.Errorf("no cell %s", ref)
	}
	return append(append(append([]byte(nil), sheet[:loc[0]]...), cell...), sheet[loc[1]:]...), nil
}

// InlineCell is a cell holding text as an inline string, escaped unless raw.
func InlineCell(ref, text string, raw bool) string {
	if !raw {
		var b bytes.Buffer
		xmlEscape(&b, text)
		text = b.String()
	}
	return `<c r="` + ref + `" t="inlineStr"><is><t xml:space="preserve">` + text + `</t></is></c>`
}

func xmlEscape(w *bytes.Buffer, s string) {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	w.WriteString(r.Replace(s))
}

// WindowsNameProblem says why a file or folder name is not valid on Windows (or too long for
// common file systems), or "" when it is valid.
func WindowsNameProblem(name string) string {
	switch {
	case name == "":
		return "empty"
	case !utf8.ValidString(name):
		return "not UTF-8"
	case len(name) > 255:
		return fmt.Sprintf("%d bytes, more than 255", len(name))
	case utf8.RuneCountInString(name) > 255:
		return "more than 255 characters"
	case strings.HasSuffix(name, ".") || strings.HasSuffix(name, " "):
		return "ends with a dot or space"
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`<>:"/\|?*`, r) {
			return fmt.Sprintf("holds %q", r)
		}
		if r >= 0x80 && r < 0xa0 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f {
			return fmt.Sprintf("holds control or direction character %U", r)
		}
	}
	base := strings.TrimRight(strings.SplitN(name, ".", 2)[0], " ")
	switch up := strings.ToUpper(base); up {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return "reserved name " + up
	default:
		if len(up) >= 4 && (strings.HasPrefix(up, "COM") || strings.HasPrefix(up, "LPT")) {
			if d := strings.TrimLeft(up[3:], "0123456789¹²³"); d == "" && utf8.RuneCountInString(up) == 4 {
				return "reserved name " + up
			}
		}
	}
	return ""
}

// TreeProblems walks root and lists every file or folder whose name Windows would refuse,
// every symbolic link, and every leftover temporary file (*.tmp); folders named in skip (a
// workspace's inbox, where people put what they received) are not looked into.
func TreeProblems(root string, skip ...string) []string {
	var out []string
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			out = append(out, fmt.Sprintf("%s: %v", path, err))
			return nil
		}
		if path == root {
			return nil
		}
		if d.IsDir() && slices.Contains(skip, d.Name()) {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(root, path)
		if p := WindowsNameProblem(d.Name()); p != "" {
			out = append(out, fmt.Sprintf("%q: %s", rel, p))
		}
		if d.Type()&fs.ModeSymlink != 0 {
			out = append(out, fmt.Sprintf("%q: a symbolic link", rel))
		}
		if strings.HasSuffix(d.Name(), ".tmp") {
			out = append(out, fmt.Sprintf("%q: a leftover temporary file", rel))
		}
		return nil
	})
	return out
}

// Snapshot lists the files under root (relative, slash-separated) with their contents'
// lengths and SHA-256, skipping the folders for which skip returns true.
func Snapshot(root string, skip func(rel string) bool) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if skip != nil && rel != "." && skip(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out[rel] = data
		}
		return nil
	})
	return out, err
}
