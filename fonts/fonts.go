// Package fonts embeds the typefaces the printed PDF report is drawn with,
// so the binary needs no fonts installed on the machine.
//
// The faces are subsets of Noto Serif CJK SC (Song/宋体 style: body text and
// titles) and Noto Sans CJK SC (Hei/黑体 style: headings), Regular and Bold,
// converted to TrueType outlines because github.com/signintech/gopdf reads
// only glyf-outline fonts. Each covers all of GBK (less control characters),
// ASCII, Latin-1, General Punctuation, CJK Symbols and Punctuation, the
// full-width forms, ①–⑳ and a few symbol blocks, and every character of the
// reference plan. build.sh rebuilds them from Debian's fonts-noto-cjk;
// README.md and LICENSE-OFL.txt say where they come from and how they may be
// used (SIL Open Font License 1.1).
//
// gopdf draws a character that its font lacks as a space, silently; call
// Missing (or Has, per rune) before drawing to fall back to another face or
// fail naming the character.
package fonts

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Face names one embedded typeface.
type Face string

// The embedded faces. All four exist as real weights (gopdf cannot fake
// bold). GB/T 9704 wants 仿宋 body text and 楷体 for （一） headings; Debian has
// no FangSong font under OFL or Apache (cwTeX's is GPL, Arphic's use the
// Arphic licence) and its OFL Kai font, fonts-lxgw-wenkai, would add ~15 MB,
// so Song (Serif) stands in for both.
const (
	Serif     Face = "serif"      // Noto Serif CJK SC Regular: body text
	SerifBold Face = "serif-bold" // Noto Serif CJK SC Bold: titles (in place of 小标宋)
	Sans      Face = "sans"       // Noto Sans CJK SC Regular: headings (黑体)
)

var faces = []Face{Serif, SerifBold, Sans}

// families are the names to register the faces under in gopdf. gopdf writes
// the family name verbatim as the PDF font name; the six-letter tag and "+"
// (PDF 32000-1 §9.6.4) tell readers such as pdffonts that the embedded font
// is a subset, which it is: gopdf embeds only the glyphs a document uses.
var families = map[Face]string{
	Serif:     "PRSERR+NotoSerifCJKsc-Regular",
	SerifBold: "PRSERB+NotoSerifCJKsc-Bold",
	Sans:      "PRSANR+NotoSansCJKsc-Regular",
}

// files are the faces' TrueType files, embedded as they are. Gzipped they were 15 MB instead
// of 24, but every report then paid 270 ms of CPU (40% of an 80-unit report) inflating them;
// embedded as []byte they cost nothing until read, and then only the pages read: the system
// maps the binary, and neither the cmap nor gopdf's subsetting touches more than the tables
// and glyphs a document uses.
var files = map[Face][]byte{
	Serif:     serifTTF,
	SerifBold: serifBoldTTF,
	Sans:      sansTTF,
}

var (
	//go:embed NotoSerifCJKsc-Regular.ttf
	serifTTF []byte
	//go:embed NotoSerifCJKsc-Bold.ttf
	serifBoldTTF []byte
	//go:embed NotoSansCJKsc-Regular.ttf
	sansTTF []byte
)

// loaded is an embedded face once its Unicode map is read.
type loaded struct {
	once  sync.Once
	cover *coverage
	err   error
}

var cache = func() map[Face]*loaded {
	m := make(map[Face]*loaded, len(files))
	for f := range files {
		m[f] = new(loaded)
	}
	return m
}()

// Family is the family name to pass to gopdf's AddTTFFontData and SetFont
// for f, e.g. "PRSERR+NotoSerifCJKsc-Regular"; it becomes the PDF font name.
// It is "" for an unknown face.
func (f Face) Family() string { return families[f] }

// Faces lists the embedded faces.
func Faces() []Face { return append([]Face(nil), faces...) }

// TTF returns the TrueType font file of f, ready for gopdf's AddTTFFontData.
// The returned slice is the embedded file itself, so the caller must not
// modify it. TTF and Missing are safe for concurrent use.
func TTF(f Face) ([]byte, error) {
	if _, err := load(f); err != nil {
		return nil, err
	}
	return files[f], nil
}

// Missing returns the runes of s that f has no glyph for, each once, in the
// order they first occur; nil when f covers all of s. Control characters
// (line breaks, tabs) are never in a font and are reported like any other
// rune, as is everything outside the Basic Multilingual Plane (gopdf reads
// only the BMP cmap of these fonts). For an unknown face every rune is
// missing.
func Missing(f Face, s string) []rune {
	cov := coverOf(f)
	var out []rune
	for _, r := range s {
		if !cov.has(r) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// Has reports whether f has a glyph for r: Missing for one rune, without
// allocating.
func Has(f Face, r rune) bool { return coverOf(f).has(r) }

func coverOf(f Face) *coverage {
	if l, err := load(f); err == nil {
		return l.cover
	}
	return nil
}

func load(f Face) (*loaded, error) {
	l, ok := cache[f]
	if !ok {
		return nil, fmt.Errorf("fonts: unknown face %q", string(f))
	}
	l.once.Do(func() {
		if l.cover, l.err = parseCmap(files[f]); l.err != nil {
			l.err = fmt.Errorf("fonts: %s: %w", f, l.err)
		}
	})
	return l, l.err
}

// coverage is a bitset of the BMP code points mapped to a glyph other than
// .notdef.
type coverage [0x10000 / 64]uint64

func (c *coverage) has(r rune) bool {
	return c != nil && r >= 0 && r <= 0xFFFF && c[r/64]&(1<<(r%64)) != 0
}

func (c *coverage) set(r int) { c[r/64] |= 1 << (r % 64) }

var errCmap = errors.New("no (3,1) format 4 cmap")

// parseCmap reads the Windows Unicode BMP (platform 3, encoding 1) format 4
// cmap subtable, the one gopdf uses, and returns the code points it maps.
func parseCmap(font []byte) (*coverage, error) {
	be := binary.BigEndian
	short := errors.New("truncated font")
	if len(font) < 12 || be.Uint32(font) != 0x00010000 {
		return nil, errors.New("not a TrueType-outline font")
	}
	n := int(be.Uint16(font[4:]))
	if len(font) < 12+16*n {
		return nil, short
	}
	var cmap []byte
	for i := 0; i < n; i++ {
		rec := font[12+16*i:]
		if string(rec[:4]) == "cmap" {
			off, length := int(be.Uint32(rec[8:])), int(be.Uint32(rec[12:]))
			if off < 0 || length < 4 || off+length > len(font) {
				return nil, short
			}
			cmap = font[off : off+length]
		}
	}
	if cmap == nil {
		return nil, errCmap
	}
	var sub []byte
	for i, k := 0, int(be.Uint16(cmap[2:])); i < k; i++ {
		if 4+8*i+8 > len(cmap) {
			return nil, short
		}
		rec := cmap[4+8*i:]
		off := int(be.Uint32(rec[4:]))
		if be.Uint16(rec) == 3 && be.Uint16(rec[2:]) == 1 && off+14 <= len(cmap) && be.Uint16(cmap[off:]) == 4 {
			sub = cmap[off:]
		}
	}
	if sub == nil {
		return nil, errCmap
	}
	segX2 := int(be.Uint16(sub[6:]))
	if len(sub) < 16+4*segX2 {
		return nil, short
	}
	ends := sub[14:]
	starts := sub[16+segX2:]
	deltas := sub[16+2*segX2:]
	ranges := sub[16+3*segX2:]
	cov := new(coverage)
	for s := 0; s < segX2; s += 2 {
		start, end := int(be.Uint16(starts[s:])), int(be.Uint16(ends[s:]))
		delta, ro := int(be.Uint16(deltas[s:])), int(be.Uint16(ranges[s:]))
		for c := start; c <= end && c != 0xFFFF; c++ {
			var g int
			if ro == 0 {
				g = (c + delta) & 0xFFFF
			} else {
				i := s + ro + 2*(c-start) // offset into ranges[]
				if i+2 > len(ranges) {
					return nil, short
				}
				if g = int(be.Uint16(ranges[i:])); g != 0 {
					g = (g + delta) & 0xFFFF
				}
			}
			if g != 0 {
				cov.set(c)
			}
		}
	}
	return cov, nil
}
