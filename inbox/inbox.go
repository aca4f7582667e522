// Package inbox finds the workbooks a unit sent back, wherever they arrive: files, folders,
// .zip archives and .eml messages (with their attachments), and reads them within limits.
//
// Nothing here extracts anything to disk and nothing trusts a size, a name or a count that a
// file declares about itself: every decompression and decoding is read through a limit, so a
// hostile or broken input costs at most the limits' worth of memory and time. A problem with one
// input never stops the run; it becomes an Item with Problem set (or a note in skipped), in
// Chinese, naming the file and saying how to fix it.
package inbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"planreport/internal/filekind"
)

// Item is one candidate workbook, or one that could not be read out of its container.
type Item struct {
	Name     string    // the attachment's or file's own name, decoded (e.g. "2023Q4_宝山镇_任务进展报送表.xlsx"), never a path
	Source   string    // where it came from, for people: "收件/a.eml 的附件", "收件/x.zip 中的 a/b.xlsx", or the file path
	Path     string    // the file on disk that holds it (the .eml, the .zip, or the file itself)
	Data     []byte    // the item's bytes, byte for byte as sent; nil when they could not be read (see Problem)
	Received time.Time // the Date of the email that carries it (see Forwarder); else the file's modification time
	Sender   string    // that email's From address (lower case, no display name); "" for files
	Problem  string    // non-empty when the item could not be read out of its container (Chinese, names the file by Source)
	Reason   string    // with Problem: the same, naming the file by Name, as whoever sent it knows it
	Hint     string    // with Problem: how to fix it (Chinese)

	// Forwarder is the address of the email the message carrying the item came in, when it
	// came forwarded as an attachment of another (a colleague forwarding the unit's mail), and
	// Forwarded that email's Date. Sender and Received are then the forwarded message's own.
	Forwarder string
	Forwarded time.Time

	// Document is a Word or PDF document (Problem says so): a unit that sent nothing else may
	// have filled the form in the wrong program, and it is then that unit's failed return; a
	// unit's evidence (佐证材料) beside its workbook is not (collect decides, knowing both).
	Document bool
}

// Container is an .eml or .zip file on disk that Read opened, kept so it can be archived byte
// for byte. Archives and messages found inside other containers are part of their parent's Data.
type Container struct {
	Path string
	Data []byte
	Kind string // "eml" | "zip"
}

// Limits bound what Read spends on one input. A zero or negative field means its default.
type Limits struct {
	MaxFileBytes     int64 // a single file or attachment (default 20 MiB)
	MaxZipEntries    int   // default 1000
	MaxUnzippedBytes int64 // total uncompressed per zip (default 200 MiB); also the largest .eml or .zip read from disk
	MaxRatio         int64 // compression ratio above which an entry counts as a bomb (default 200) when it is over 1 MiB uncompressed
	MaxDepth         int   // nesting of zip-in-zip / eml-in-zip (default 3)
	MaxParts         int   // MIME parts per message (default 500)
}

// Defaults of Limits, and the fixed bounds that Limits does not carry.
const (
	DefaultMaxFileBytes     = 20 << 20
	DefaultMaxZipEntries    = 1000
	DefaultMaxUnzippedBytes = 200 << 20
	DefaultMaxRatio         = 200
	DefaultMaxDepth         = 3
	DefaultMaxParts         = 500

	// RatioFloor is the uncompressed size up to which a zip entry is never called a bomb by
	// its compression ratio alone.
	RatioFloor = 1 << 20
	// MaxMIMEDepth bounds how deeply multiparts and forwarded messages nest in one email.
	MaxMIMEDepth = 50
)

// DefaultLimits returns the limits used when a field of Limits is zero.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:     DefaultMaxFileBytes,
		MaxZipEntries:    DefaultMaxZipEntries,
		MaxUnzippedBytes: DefaultMaxUnzippedBytes,
		MaxRatio:         DefaultMaxRatio,
		MaxDepth:         DefaultMaxDepth,
		MaxParts:         DefaultMaxParts,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxZipEntries <= 0 {
		l.MaxZipEntries = d.MaxZipEntries
	}
	if l.MaxUnzippedBytes <= 0 {
		l.MaxUnzippedBytes = d.MaxUnzippedBytes
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxParts <= 0 {
		l.MaxParts = d.MaxParts
	}
	return l
}

// Read walks paths (files, folders recursively in lexical order, .zip, .eml) and returns every
// candidate workbook item in a stable order, plus the containers it opened.
//
// Candidates are names ending .xlsx, .xlsm, .xls, .et, .ods or .csv, and files with no
// extension, or one we do not know ("ATT00001.dat"), whose bytes are an OOXML workbook, an
// OpenDocument spreadsheet or an OLE file (legacy .xls or .et); such an Item keeps its own
// Name, so a reader of Data should go by the bytes, not by the extension. Other files are
// listed in skipped, one Chinese sentence each; spreadsheets in another format (.xlsb, .xltx…)
// and archives or mails that cannot be opened (.rar, .7z, .msg, winmail.dat) come back as
// Items with Problem so that they are not lost. Hidden and system files (~$ lock files,
// .DS_Store, Thumbs.db, __MACOSX/, dot files) are ignored silently.
//
// err is non-nil only when a path the caller named cannot be found or read; then nothing
// is returned.
func Read(paths []string, lim Limits) (items []Item, containers []Container, skipped []string, err error) {
	skipped, err = Walk(paths, lim, func(its []Item, cs []Container) error {
		items = append(items, its...)
		containers = append(containers, cs...)
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	return items, containers, skipped, nil
}

// Walk reads what Read reads, in the same order, but hands fn the items and containers of
// each file on disk as soon as that file is read, so that only one file's contents need be in
// memory at a time. An error from fn stops the walk and is returned.
func Walk(paths []string, lim Limits, fn func(items []Item, containers []Container) error) (skipped []string, err error) {
	r := &reader{lim: lim.withDefaults(), seen: map[string]bool{}, fn: fn}
	type named struct {
		path string
		fi   fs.FileInfo
	}
	var roots []named
	var errs []error
	for _, p := range paths {
		fi, statErr := os.Stat(p)
		switch {
		case statErr == nil:
			roots = append(roots, named{p, fi})
		case errors.Is(statErr, fs.ErrNotExist):
			errs = append(errs, fmt.Errorf("找不到 %s，请检查路径", displayPath(p)))
		case errors.Is(statErr, fs.ErrPermission):
			errs = append(errs, fmt.Errorf("没有权限读取 %s，请检查路径和文件权限", displayPath(p)))
		default:
			errs = append(errs, fmt.Errorf("无法读取 %s（%v），请检查路径", displayPath(p), statErr))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, n := range roots {
		if r.err != nil {
			break
		}
		if n.fi.IsDir() {
			r.walkDir(n.path)
			continue
		}
		r.file(n.path, n.fi, true)
		r.flush()
	}
	if r.err != nil {
		return nil, r.err
	}
	return r.skipped, nil
}

// flush hands what the last file on disk gave to the caller.
func (r *reader) flush() {
	if r.err != nil || (len(r.items) == 0 && len(r.containers) == 0) {
		return
	}
	r.err = r.fn(r.items, r.containers)
	r.items, r.containers = nil, nil
}

type reader struct {
	lim        Limits
	items      []Item
	containers []Container
	skipped    []string
	seen       map[string]bool // files on disk already read, by absolute path
	fn         func([]Item, []Container) error
	err        error // from fn: stops the walk
}

// where tells, for everything read out of one file on disk, where it came from.
type where struct {
	path      string // the file on disk
	received  time.Time
	sender    string
	forwarder string // see Item.Forwarder
	forwarded time.Time
	sent      string // the archive it is in, as its sender knows it ("附件.zip"); "" for a file or an email's own attachment
	depth     int    // containers opened on the way here (0: the file itself)
	budget    *int64 // bytes this file on disk may still decompress, shared by nested zips
}

func (r *reader) skip(format string, args ...any) {
	r.skipped = append(r.skipped, fmt.Sprintf(format, args...))
}

// trouble is why an item could not be read: a message whose first verb is the file it is
// about, the message's other arguments, and how to fix it.
type trouble struct {
	format string
	args   []any
	hint   string
}

// about is the message about the file named subject.
func (tr trouble) about(subject string) string {
	return fmt.Sprintf(tr.format, append([]any{subject}, tr.args...)...)
}

// problem adds an item named name that could not be read: its Problem says what is wrong
// about subject (where the office finds it), its Reason the same about name in the archive
// it came in (as its sender knows it: shown), its Hint how to fix it.
func (r *reader) problem(name, source string, w where, data []byte, subject string, tr trouble) {
	if name == "" {
		name = "未命名文件"
	}
	it := w.item(name, source, data)
	it.Problem, it.Reason, it.Hint = tr.about(subject), tr.about(w.shown(name)), tr.hint
	r.items = append(r.items, it)
}

// shown is a file read from w as its sender knows it: its name, in the archive it was sent in.
func (w where) shown(name string) string {
	if w.sent == "" {
		return name
	}
	return w.sent + " 中的 " + name
}

// item is an item read from w.
func (w where) item(name, source string, data []byte) Item {
	return Item{Name: name, Source: source, Path: w.path, Data: data, Received: w.received, Sender: w.sender,
		Forwarder: w.forwarder, Forwarded: w.forwarded}
}

func (r *reader) walkDir(dir string) {
	entries, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		r.skip("无法读取文件夹 %s（%v），其中的文件未读取；请检查权限", displayPath(dir), errText(err))
	}
	for _, e := range entries {
		if r.err != nil {
			return
		}
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			if ignoredDir(e.Name()) {
				continue
			}
			r.walkDir(p)
			continue
		}
		if ignoredFile(e.Name()) {
			if hiddenCandidate(e.Name()) {
				r.skip("%s 是隐藏文件（文件名以“.”开头），未读取；如是报送表，请去掉文件名开头的“.”后重新运行", displayPath(p))
			}
			continue
		}
		if e.Type()&fs.ModeSymlink != 0 {
			fi, err := os.Stat(p)
			switch {
			case err != nil:
				r.skip("%s 是失效的链接，已跳过", displayPath(p))
			case fi.IsDir():
				r.skip("%s 是指向文件夹的链接，未进入；如需读取，请直接指定该文件夹", displayPath(p))
			case fi.Mode().IsRegular():
				r.file(p, fi, false)
				r.flush()
			}
			continue
		}
		if !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			r.skip("无法读取 %s（%v），已跳过", displayPath(p), errText(err))
			continue
		}
		r.file(p, fi, false)
		r.flush()
	}
}

// file reads one file on disk.
func (r *reader) file(path string, fi fs.FileInfo, named bool) {
	key := path
	if abs, err := filepath.Abs(path); err == nil {
		key = abs
	}
	if r.seen[key] {
		return
	}
	r.seen[key] = true

	disp := displayPath(path)
	name := cleanName(fi.Name())
	if name == "" {
		name = "未命名文件"
	}
	if ignoredFile(fi.Name()) {
		if named {
			r.skip("%s 是临时文件或系统文件，已忽略", disp)
		}
		return
	}
	w := where{path: path, received: fi.ModTime(), budget: new(int64)}
	*w.budget = r.lim.MaxUnzippedBytes

	k := kindOf(name)
	if k == kindOther {
		r.skip("%s 不是表格文件，已跳过", disp)
		return
	}
	limit := r.lim.MaxFileBytes
	if k == kindZip || k == kindEML || k == kindSniff {
		limit = max(limit, r.lim.MaxUnzippedBytes)
	}
	if fi.Size() > limit {
		r.problem(name, disp, w, nil, disp, trouble{format: "%s 大小为 %s，超过上限 %s，未读取", args: []any{sizeText(fi.Size()), sizeText(limit)}, hint: tooBigHint(k)})
		return
	}
	data, err := readFileLimited(path, limit)
	if err != nil {
		if errors.Is(err, errTooBig) {
			r.problem(name, disp, w, nil, disp, trouble{format: "%s 超过上限 %s，未读取", args: []any{sizeText(limit)}, hint: tooBigHint(k)})
		} else {
			r.problem(name, disp, w, nil, disp, trouble{format: "无法读取 %s（%s）", args: []any{errText(err)}, hint: "请检查文件权限，或重新保存该文件"})
		}
		return
	}
	if k == kindSniff {
		k = r.sniff(name, data)
		if k == kindOther {
			r.skip("%s 不是表格文件，已跳过", disp)
			return
		}
	}
	switch k {
	case kindZip:
		r.containers = append(r.containers, Container{Path: path, Data: data, Kind: "zip"})
	case kindEML:
		r.containers = append(r.containers, Container{Path: path, Data: data, Kind: "eml"})
	}
	r.dispatch(k, name, disp, disp, data, w)
}

// dispatch hands bytes whose kind is known to the reader for that kind. source is the Source
// an Item gets; label is how messages refer to this very file (for a file on disk they are the
// same; for an attachment label adds its name).
func (r *reader) dispatch(k kind, name, source, label string, data []byte, w where) {
	switch k {
	case kindSheet:
		if int64(len(data)) > r.lim.MaxFileBytes {
			r.problem(name, source, w, nil, label, trouble{format: "%s 大小为 %s，超过单个文件上限 %s，未读取", args: []any{sizeText(int64(len(data))), sizeText(r.lim.MaxFileBytes)}, hint: tooBigHint(k)})
			return
		}
		r.items = append(r.items, w.item(name, source, data))
	case kindZip, kindEML:
		if w.depth+1 > r.lim.MaxDepth {
			r.problem(name, source, w, nil, label, trouble{format: "%s 中压缩包或邮件层层嵌套超过 %d 层，未继续读取", args: []any{r.lim.MaxDepth}, hint: "请直接发送表格文件，不要把压缩包再放进压缩包"})
			return
		}
		w.depth++
		if k == kindZip {
			r.openZip(name, label, data, w)
		} else {
			r.openEML(name, label, data, w)
		}
	case kindForeign:
		r.problem(name, source, w, data, label, trouble{format: "%s 是 %s 格式，不是本次报送所用的 Excel 表格", args: []any{extLabel(name)}, hint: "请用 Excel 或 WPS 打开后“另存为” .xlsx 文件再发送"})
	case kindArchive:
		r.problem(name, source, w, data, label, archiveProblem(name))
	case kindDocument:
		what := "Word 文档"
		if e := extLabel(name); e == "pdf" || e == "ofd" {
			what = strings.ToUpper(e) + " 文件"
		}
		r.problem(name, source, w, data, label, trouble{format: "%s 是 " + what + "，不是报送表格",
			hint: "请在办公室下发的报送表（.xlsx）中填写后发送；佐证材料请随报送表一并发送"})
		r.items[len(r.items)-1].Document = true
	default:
		r.skip("%s 不是表格文件，已跳过", label)
	}
}

type kind int

const (
	kindOther    kind = iota // not a workbook: skipped
	kindSheet                // a candidate workbook
	kindZip                  // a zip archive to open
	kindEML                  // an email to open
	kindSniff                // no extension: decided by the bytes
	kindForeign              // a spreadsheet in a format we do not take
	kindArchive              // an archive or mail we cannot open
	kindDocument             // a Word or PDF document: a return in the wrong format, or evidence
)

func kindOf(name string) kind {
	lower := strings.ToLower(name)
	if lower == "winmail.dat" {
		return kindArchive
	}
	ext := strings.ToLower(filepath.Ext(name))
	if ext == "" || ext == lower {
		return kindSniff
	}
	switch ext {
	case ".xlsx", ".xlsm", ".xls", ".et", ".csv", ".ods":
		return kindSheet
	case ".zip":
		return kindZip
	case ".eml":
		return kindEML
	case ".xlsb", ".xltx", ".xltm", ".xlt", ".ett", ".fods", ".numbers":
		return kindForeign
	case ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".cab", ".msg", ".mbox":
		return kindArchive
	}
	switch ext {
	case ".doc", ".docx", ".docm", ".wps", ".odt", ".rtf", ".pdf", ".ofd":
		return kindDocument
	}
	if filekind.NotReturn(ext) {
		return kindOther
	}
	// An extension we do not know, as broken clients give ("ATT00001.dat", "附件1.bin",
	// "报送表（v1.2）"): the bytes decide.
	return kindSniff
}

var (
	magicZip      = []byte("PK\x03\x04")
	magicZipEmpty = []byte("PK\x05\x06")
	magicOLE      = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
)

// sniff decides what a file with no extension, or an unknown one, is from its bytes: an OLE
// file (legacy .xls or .et) or an OOXML workbook is a candidate; another zip is opened as an
// archive when the name has no extension at all.
func (r *reader) sniff(name string, data []byte) kind {
	switch {
	case bytes.HasPrefix(data, magicOLE):
		return kindSheet
	case bytes.HasPrefix(data, magicZip), bytes.HasPrefix(data, magicZipEmpty):
		k := r.sniffZip(data)
		if k == kindZip && filepath.Ext(name) != "" {
			return kindOther
		}
		return k
	}
	return kindOther
}

func tooBigHint(k kind) string {
	switch k {
	case kindZip:
		return "请不要打包无关文件，或直接发送表格文件"
	case kindEML:
		return "请单位只附报送表格，重新发送"
	}
	return "请删除表格中无关的图片、附件或工作表后重新保存发送"
}

// archiveProblem says why an archive or mail in a format we cannot open was not read, and how
// to send it instead.
func archiveProblem(name string) trouble {
	lower := strings.ToLower(name)
	switch {
	case lower == "winmail.dat":
		return trouble{format: "%s 是 Outlook 的专用格式（winmail.dat），其中的附件无法读取", hint: "请单位在 Outlook 中把邮件格式改为 HTML 或纯文本后重新发送"}
	case strings.HasSuffix(lower, ".msg"):
		return trouble{format: "%s 是 Outlook 的 .msg 邮件文件，无法读取", hint: "请在 Outlook 中直接保存其中的附件，或把邮件另存为 .eml 后再读取"}
	case strings.HasSuffix(lower, ".mbox"):
		return trouble{format: "%s 是邮箱导出文件（.mbox），无法读取", hint: "请把单封邮件另存为 .eml，或直接保存附件"}
	}
	return trouble{format: "%s 是 %s 压缩文件，无法读取", args: []any{extLabel(name)}, hint: "请改用 zip 格式压缩，或直接发送表格文件"}
}

func extLabel(name string) string {
	return strings.TrimPrefix(strings.ToLower(filepath.Ext(name)), ".")
}

// ignoredFile tells hidden and system files: Office and WPS lock files, LibreOffice lock
// files, macOS and Windows folder litter, dot files.
func ignoredFile(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(name, "~$") || strings.HasPrefix(name, ".") ||
		lower == "thumbs.db" || lower == "desktop.ini" || lower == "ehthumbs.db" ||
		strings.HasPrefix(name, "~WRL") && strings.HasSuffix(lower, ".tmp")
}

// hiddenCandidate tells a hidden file (a dot file) that is named like something to read: such
// a file is not read, but it is not passed over in silence either. macOS's AppleDouble files
// (._报送表.xlsx) are litter and stay silent.
func hiddenCandidate(name string) bool {
	if !strings.HasPrefix(name, ".") || strings.HasPrefix(name, "._") {
		return false
	}
	switch kindOf(name) {
	case kindSheet, kindZip, kindEML:
		return true
	}
	return false
}

func ignoredDir(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(name, ".") || name == "__MACOSX" || lower == "$recycle.bin" ||
		lower == "system volume information"
}

var errTooBig = errors.New("too big")

func readFileLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	hint := int64(-1)
	if st, err := f.Stat(); err == nil {
		hint = st.Size()
	}
	return readLimited(f, limit, hint)
}

// readLimited reads r to its end, failing with errTooBig past limit bytes. hint, when
// between 0 and limit, is the expected size, used to allocate once.
func readLimited(r io.Reader, limit, hint int64) ([]byte, error) {
	data, _, err := readCounted(r, limit, hint)
	return data, err
}

// displayPath is a path as people should see it: a folder or file name that the file system
// holds in GBK bytes (unzipped by an old tool) is decoded, one element at a time.
func displayPath(p string) string {
	if utf8.ValidString(p) {
		return p
	}
	parts := strings.Split(p, string(filepath.Separator))
	for i, part := range parts {
		parts[i] = toUTF8(part)
	}
	return strings.Join(parts, string(filepath.Separator))
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d 字节", n)
}

// errText is an error for a Chinese sentence: the common ones in words, the rest as Go says.
func errText(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "没有权限"
	case errors.Is(err, fs.ErrNotExist):
		return "文件不存在"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "内容不完整"
	}
	return err.Error()
}
