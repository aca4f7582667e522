package fonts

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
)

// Style is a typeface an official document sets one of its parts in (GB/T 9704-2012): 仿宋
// for the body, 黑体 for 一、 headings, 楷体 for （一） headings and 小标宋 for the title.
type Style int

// The styles.
const (
	FangSong     Style = iota // 仿宋: body text and tables
	Hei                       // 黑体: 一、 headings, table headers
	Kai                       // 楷体: （一） headings
	XiaoBiaoSong              // 小标宋: the title
)

// Styles lists the styles in order.
var Styles = []Style{FangSong, Hei, Kai, XiaoBiaoSong}

// Chinese names the style as an office does.
func (s Style) Chinese() string {
	return [...]string{"仿宋", "黑体", "楷体", "小标宋"}[s]
}

// Role is what a style is used for in the report, for the office's information.
func (s Style) Role() string {
	return [...]string{"正文", "一级标题", "二级标题", "标题"}[s]
}

// names are the family names a style's fonts go by, best first: the GB2312 faces offices
// install for official documents, Windows' own, then others. A name matches a font's family
// (English or Chinese) ignoring case and spaces; a name ending in "*" matches any family
// that starts with it.
var names = map[Style][]string{
	FangSong:     {"仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "方正仿宋简体", "FZFangSong-Z02S", "华文仿宋", "STFangsong"},
	Hei:          {"黑体", "SimHei", "方正黑体简体", "FZHei-B01S", "华文黑体", "STHeiti"},
	Kai:          {"楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "方正楷体简体", "FZKai-Z03S", "华文楷体", "STKaiti", "霞鹜文楷", "LXGW WenKai"},
	XiaoBiaoSong: {"方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋*", "FZXiaoBiaoSong*"},
}

// fallback are the embedded faces that stand in for a style, in order: Noto has no 仿宋, 楷体 or
// 小标宋, so Song stands in for 仿宋 and bold Song for 楷体 and 小标宋.
var fallback = map[Style][]Face{
	FangSong:     {Serif, Sans},
	Hei:          {Sans, Serif},
	Kai:          {SerifBold, Serif, Sans},
	XiaoBiaoSong: {SerifBold, Serif, Sans},
}

// pdfTags are the subset tags of the fonts found on disk, by style (PDF 32000-1 §9.6.4).
var pdfTags = map[Style]string{FangSong: "PRFSON", Hei: "PRHEIT", Kai: "PRKAIT", XiaoBiaoSong: "PRXBSO"}

// Font is a TrueType font a document can embed: one found on disk or an embedded face.
type Font struct {
	Name   string // its family name, Chinese where the font has one: 仿宋, LXGW WenKai
	Path   string // the file it came from; "" for an embedded face
	Family string // the name to register it under in gopdf, which becomes the PDF font name
	Face   Face   // the embedded face; "" for a font from disk

	data  []byte
	cover *coverage
}

// Data is the font file, ready for gopdf's AddTTFFontData; it is shared, not to be changed.
func (f *Font) Data() []byte { return f.data }

// Has reports whether the font has a glyph for r.
func (f *Font) Has(r rune) bool { return f.cover.has(r) }

// Embedded returns an embedded face as a Font.
func Embedded(face Face) (*Font, error) {
	l, err := load(face)
	if err != nil {
		return nil, err
	}
	return &Font{Name: face.Name(), Family: face.Family(), Face: face, data: files[face], cover: l.cover}, nil
}

// Name is the embedded face's family name.
func (f Face) Name() string {
	return map[Face]string{Serif: "Noto Serif CJK SC", SerifBold: "Noto Serif CJK SC Bold", Sans: "Noto Sans CJK SC"}[f]
}

// Set is the fonts a document is set in: for each style, the font found on disk (if any)
// followed by the embedded faces that stand in for it. A character the first lacks is taken
// from the next that has it.
type Set struct {
	Found map[Style]*Font // the fonts found on disk, by style
	// Skipped lists fonts that have a style's name but cannot be used (a collection, CFF
	// outlines, no Unicode map), to tell the office.
	Skipped []string
}

// Chain returns the fonts to set a style in, in order.
func (s *Set) Chain(st Style) ([]*Font, error) {
	var out []*Font
	if f := s.Found[st]; f != nil {
		out = append(out, f)
	}
	for _, face := range fallback[st] {
		f, err := Embedded(face)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// SystemDirs are the folders this computer keeps fonts in: on Windows the system's and the
// user's font folders, elsewhere fontconfig's folders (and macOS's).
func SystemDirs() []string {
	if runtime.GOOS == "windows" {
		win := os.Getenv("WINDIR")
		if win == "" {
			win = `C:\Windows`
		}
		dirs := []string{filepath.Join(win, "Fonts")}
		if local := os.Getenv("LOCALAPPDATA"); local != "" {
			dirs = append(dirs, filepath.Join(local, "Microsoft", "Windows", "Fonts"))
		}
		return dirs
	}
	home, _ := os.UserHomeDir()
	dirs := fontconfigDirs("/etc/fonts/fonts.conf", home)
	for _, d := range []string{"/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "/System/Library/Fonts"} {
		dirs = appendNew(dirs, d)
	}
	if home != "" {
		xdg := os.Getenv("XDG_DATA_HOME")
		if xdg == "" {
			xdg = filepath.Join(home, ".local", "share")
		}
		dirs = appendNew(dirs, filepath.Join(xdg, "fonts"))
		dirs = appendNew(dirs, filepath.Join(home, ".fonts"))
		dirs = appendNew(dirs, filepath.Join(home, "Library", "Fonts"))
	}
	return dirs
}

var dirElement = regexp.MustCompile(`<dir(\s+prefix="([^"]*)")?[^>]*>([^<]+)</dir>`)

// fontconfigDirs reads the <dir> folders of a fontconfig file (not its includes).
func fontconfigDirs(conf, home string) []string {
	data, err := os.ReadFile(conf)
	if err != nil {
		return nil
	}
	var dirs []string
	for _, m := range dirElement.FindAllStringSubmatch(string(data), -1) {
		d := strings.TrimSpace(m[3])
		switch {
		case m[2] == "xdg":
			xdg := os.Getenv("XDG_DATA_HOME")
			if xdg == "" && home != "" {
				xdg = filepath.Join(home, ".local", "share")
			}
			if xdg == "" {
				continue
			}
			d = filepath.Join(xdg, d)
		case strings.HasPrefix(d, "~/"):
			if home == "" {
				continue
			}
			d = filepath.Join(home, d[2:])
		}
		dirs = appendNew(dirs, d)
	}
	return dirs
}

func appendNew(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

// Limits of the search: a font folder holds hundreds of files, not millions.
const (
	maxFontFiles = 20000
	maxFontDepth = 6
)

// Find looks in dirs, in order, for the fonts of each style, and loads the best of each. A
// folder that does not exist is passed over; a font that cannot be read is too.
func Find(dirs ...string) (*Set, error) {
	s := &Set{Found: map[Style]*Font{}}
	type candidate struct {
		path, name string
		rank       int
	}
	best := map[Style]candidate{}
	files := 0
	for _, dir := range dirs {
		root := filepath.Clean(dir)
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable: passed over
			}
			if d.IsDir() {
				if rel, _ := filepath.Rel(root, path); rel != "." && strings.Count(rel, string(filepath.Separator)) >= maxFontDepth {
					return filepath.SkipDir
				}
				return nil
			}
			ext := strings.ToLower(filepath.Ext(path))
			if ext != ".ttf" && ext != ".otf" && ext != ".ttc" {
				return nil
			}
			if files++; files > maxFontFiles {
				return filepath.SkipAll
			}
			fams, kind, err := familyNames(path)
			if err != nil {
				return nil
			}
			for _, st := range Styles {
				rank, name := matchStyle(st, fams)
				if rank < 0 {
					continue
				}
				if kind != "" {
					s.Skipped = append(s.Skipped, fmt.Sprintf("%s（%s，%s）", path, name, kind))
					continue
				}
				if b, ok := best[st]; !ok || rank < b.rank {
					best[st] = candidate{path, name, rank}
				}
			}
			return nil
		})
	}
	for _, st := range Styles {
		c, ok := best[st]
		if !ok {
			continue
		}
		f, err := loadFile(c.path, c.name, st)
		if err != nil {
			s.Skipped = append(s.Skipped, fmt.Sprintf("%s（%s，%v）", c.path, c.name, err))
			continue
		}
		s.Found[st] = f
	}
	sort.Strings(s.Skipped)
	return s, nil
}

// matchStyle returns the rank of the best of a style's names that one of fams matches (lower
// is better) and the family that matched; -1 when none does.
func matchStyle(st Style, fams []string) (int, string) {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }
	for rank, want := range names[st] {
		prefix := strings.HasSuffix(want, "*")
		w := norm(strings.TrimSuffix(want, "*"))
		for _, f := range fams {
			if n := norm(f); n == w || (prefix && strings.HasPrefix(n, w)) {
				return rank, preferChinese(fams)
			}
		}
	}
	return -1, ""
}

// preferChinese returns the first Chinese family name, else the first name.
func preferChinese(fams []string) string {
	for _, f := range fams {
		for _, r := range f {
			if r >= 0x2E80 {
				return f
			}
		}
	}
	if len(fams) > 0 {
		return fams[0]
	}
	return ""
}

// loadFile reads a TrueType font and its Unicode map.
func loadFile(path, name string, st Style) (*Font, error) {
	data, err := readFont(path)
	if err != nil {
		return nil, err
	}
	cover, err := parseCmap(data)
	if err != nil {
		return nil, errors.New("字体文件无法读取")
	}
	return &Font{Name: name, Path: path, Family: pdfTags[st] + "+" + psName(path), data: data, cover: cover}, nil
}

// read are the font files read so far, by path, as they were then: a program that prints many
// reports (the workbench) reads each once, and again only once it changes. (Mapping them
// instead of reading, 47 ms of page faults for a 15 MB face on a VM, was tried: a font file
// rewritten in place while mapped would crash the program, which no recover can catch.)
var read = struct {
	sync.Mutex
	files map[string]readFile
}{files: map[string]readFile{}}

type readFile struct {
	size    int64
	modTime time.Time
	data    []byte
}

// readFont returns a font file's bytes, shared: not to be changed.
func readFont(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	read.Lock()
	defer read.Unlock()
	if f, ok := read.files[path]; ok && f.size == st.Size() && f.modTime.Equal(st.ModTime()) {
		return f.data, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	read.files[path] = readFile{st.Size(), st.ModTime(), data}
	return data, nil
}

// psName makes a PDF-safe font name from the file's name: ASCII letters, digits and hyphens.
func psName(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	var b strings.Builder
	for _, r := range base {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "Font"
	}
	return b.String()
}

// familyNames reads a font file's family names (name id 1, in every language the font gives
// it) from its name table, reading only the table directory and that table; a font whose
// subfamily (name id 2) is not the regular weight (a bold, light or italic member of the
// family) gives none. kind is "" for a font gopdf can embed, else why it cannot:
// a collection (.ttc) or CFF outlines.
func familyNames(path string) (fams []string, kind string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	be := binary.BigEndian
	var head [12]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		return nil, "", err
	}
	offset := int64(0)
	switch string(head[:4]) {
	case "ttcf":
		kind = "字体集（.ttc），无法嵌入 PDF"
		var first [4]byte
		if _, err := f.ReadAt(first[:], 12); err != nil {
			return nil, "", err
		}
		offset = int64(be.Uint32(first[:]))
		if _, err := f.ReadAt(head[:], offset); err != nil {
			return nil, "", err
		}
	case "OTTO":
		kind = "PostScript（CFF）轮廓，无法嵌入 PDF"
	case "\x00\x01\x00\x00", "true":
	default:
		return nil, "", errors.New("not a font")
	}
	n := int(be.Uint16(head[4:]))
	if n > 256 {
		return nil, "", errors.New("bad table directory")
	}
	dir := make([]byte, 16*n)
	if _, err := f.ReadAt(dir, offset+12); err != nil {
		return nil, "", err
	}
	var nameOff, nameLen int64
	for i := 0; i < n; i++ {
		rec := dir[16*i:]
		if string(rec[:4]) == "name" {
			nameOff, nameLen = int64(be.Uint32(rec[8:])), int64(be.Uint32(rec[12:]))
		}
	}
	if nameLen < 6 || nameLen > 1<<20 {
		return nil, "", errors.New("no name table")
	}
	tab := make([]byte, nameLen)
	if _, err := f.ReadAt(tab, nameOff); err != nil {
		return nil, "", err
	}
	count, strOff := int(be.Uint16(tab[2:])), int(be.Uint16(tab[4:]))
	regular := true
	for i := 0; i < count && 6+12*i+12 <= len(tab); i++ {
		rec := tab[6+12*i:]
		platform, encoding, id := be.Uint16(rec), be.Uint16(rec[2:]), be.Uint16(rec[6:])
		length, off := int(be.Uint16(rec[8:])), int(be.Uint16(rec[10:]))
		if id != 1 && id != 2 || strOff+off+length > len(tab) {
			continue
		}
		raw := tab[strOff+off : strOff+off+length]
		var s string
		switch {
		case platform == 3 && (encoding == 1 || encoding == 0 || encoding == 10):
			u := make([]uint16, len(raw)/2)
			for j := range u {
				u[j] = be.Uint16(raw[2*j:])
			}
			s = string(utf16.Decode(u))
		case platform == 1 && encoding == 0:
			s = string(raw) // Mac Roman: the English names are ASCII
		default:
			continue
		}
		s = strings.TrimSpace(s)
		switch {
		case id == 2:
			if sub := strings.ToLower(s); sub != "regular" && sub != "normal" && sub != "book" && sub != "roman" && sub != "常规" && sub != "标准" && sub != "" {
				regular = false
			}
		case s != "" && !contains(fams, s):
			fams = append(fams, s)
		}
	}
	if !regular {
		return nil, kind, nil
	}
	return fams, kind, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
