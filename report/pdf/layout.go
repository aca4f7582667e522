package pdf

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/signintech/gopdf"

	"planreport/fonts"
	"planreport/templates"
)

// Page geometry after GB/T 9704-2012 (A4; top margin 37 mm, binding margin 28 mm, text block
// 156 mm × 225 mm), in points.
const (
	pageW = 595.28
	pageH = 841.89
)

func mm(v float64) float64 { return v * 72 / 25.4 }

var (
	marginLeft = mm(28)
	marginTop  = mm(37)
	textW      = mm(156)
	textBottom = mm(37 + 225)
)

// Type sizes, in points (GB/T 9704: 2号 title, 3号 body and headings, 4号 page numbers).
const (
	sizeTitle   = 22   // 2号
	sizeBody    = 16   // 3号
	sizePageNo  = 14   // 4号
	sizeTable   = 12   // 小四: tables of a few rows
	sizeSmall   = 10.5 // 五号: long tables
	sizeCaption = 14   // 4号: table and chart captions
)

// leadingBody sets 22 lines in the 225 mm text block.
var leadingBody = mm(225) / 22

// tocEntry is a heading for the contents and the bookmarks.
type tocEntry struct {
	title string
	page  int // page number as printed, the cover being 0
}

// doc lays out text on pages. It keeps the current position, breaks pages, wraps Chinese
// text by the line-breaking rules, and falls back from font to font per character.
type doc struct {
	pdf     *gopdf.GoPdf
	y       float64
	page    int // current page, 1-based, the cover being 1
	toc     []tocEntry
	chains  map[fonts.Style][]*fonts.Font // each style's fonts, in fallback order
	style   fonts.Style
	size    float64
	width   map[widthKey]float64
	missing map[rune]bool                       // characters printed as Missing
	used    map[fonts.Style]map[*fonts.Font]int // characters printed, by style and font
	err     error
}

type widthKey struct {
	family string
	size   float64
	r      rune
}

// newDoc starts a document set in the fonts of set.
func newDoc(set *fonts.Set) (*doc, error) {
	d := &doc{pdf: &gopdf.GoPdf{}, chains: map[fonts.Style][]*fonts.Font{}, width: map[widthKey]float64{},
		used: map[fonts.Style]map[*fonts.Font]int{}}
	d.pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	d.pdf.SetCompressLevel(9)
	added := map[string]bool{}
	// In a fixed order: the fonts' PDF names (F1, F2…) follow the order they are added.
	for _, st := range fonts.Styles {
		chain, err := set.Chain(st)
		if err != nil {
			return nil, fmt.Errorf("加载报告字体：%w", err)
		}
		for _, f := range chain {
			if !added[f.Family] {
				if err := d.pdf.AddTTFFontData(f.Family, f.Data()); err != nil {
					if f.Path != "" { // a font on disk gopdf cannot read: the embedded ones stand in
						continue
					}
					return nil, fmt.Errorf("加载报告字体 %s：%w", f.Name, err)
				}
				added[f.Family] = true
			}
			d.chains[st] = append(d.chains[st], f)
		}
		if len(d.chains[st]) == 0 {
			return nil, fmt.Errorf("加载报告字体失败：没有可用的%s字体", st.Chinese())
		}
	}
	return d, nil
}

func (d *doc) setFont(st fonts.Style, size float64) {
	d.style, d.size = st, size
}

// Missing is the mark printed for a character no font has (〓, the geta mark that
// typesetters use for a missing character): a unit's rare character or emoji shows, and the
// report is still printed.
const Missing = '〓'

// glyph returns the character to print for r and the font to print it in: r itself in the
// first font of the style that has it; Missing when none has it (recorded in d.missing, to be
// reported); or ok false for an invisible format or control character (a direction mark, a
// zero-width space), which prints as nothing anyway.
func (d *doc) glyph(r rune) (rune, *fonts.Font, bool) {
	if r == '\n' || r == '\t' || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) {
		return 0, nil, false
	}
	for _, f := range d.chains[d.style] {
		if f.Has(r) {
			return r, f, true
		}
	}
	if d.missing == nil {
		d.missing = map[rune]bool{}
	}
	d.missing[r] = true
	for _, f := range d.chains[d.style] {
		if f.Has(Missing) {
			return Missing, f, true
		}
	}
	d.fail(fmt.Errorf("报告中的字符“%c”（U+%04X）在字体中都没有，无法打印", r, r))
	return 0, nil, false
}

// runeWidth returns the advance of r in the current style and size.
func (d *doc) runeWidth(r rune) float64 {
	r, f, ok := d.glyph(r)
	if !ok {
		return 0
	}
	k := widthKey{f.Family, d.size, r}
	if w, ok := d.width[k]; ok {
		return w
	}
	d.pdf.SetFont(f.Family, "", d.size)
	w, err := d.pdf.MeasureTextWidth(string(r))
	if err != nil {
		d.fail(fmt.Errorf("测量字符“%c”：%w", r, err))
		w = d.size
	}
	d.width[k] = w
	return w
}

func (d *doc) textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += d.runeWidth(r)
	}
	return w
}

// measure is textWidth in a style and size, for the charts.
func (d *doc) measure(st fonts.Style) func(string, float64) float64 {
	return func(s string, size float64) float64 {
		old, oldSize := d.style, d.size
		d.setFont(st, size)
		w := d.textWidth(s)
		d.setFont(old, oldSize)
		return w
	}
}

func (d *doc) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// draw writes s with its baseline at y, switching fonts for the characters the current one
// lacks; spacing is added after every character but the last (to justify a line).
func (d *doc) draw(x, y float64, s string, spacing float64) {
	var run strings.Builder
	var cur *fonts.Font
	flush := func() {
		if run.Len() == 0 {
			return
		}
		d.pdf.SetFont(cur.Family, "", d.size)
		d.pdf.SetXY(x, y)
		if err := d.pdf.Text(run.String()); err != nil {
			d.fail(fmt.Errorf("排版文字：%w", err))
		}
		x += d.textWidth(run.String())
		run.Reset()
	}
	n := utf8.RuneCountInString(s)
	i := 0
	for _, r := range s {
		i++
		r, f, ok := d.glyph(r)
		if !ok {
			continue
		}
		if f != cur {
			flush()
			cur = f
		}
		if d.used[d.style] == nil {
			d.used[d.style] = map[*fonts.Font]int{}
		}
		if !unicode.IsSpace(r) {
			d.used[d.style][f]++
		}
		run.WriteRune(r)
		if spacing > 0 && i < n {
			flush()
			x += spacing
		}
	}
	flush()
}

// text draws one line with its top at y: gopdf's Text puts the baseline at y, so move down by
// the ascent (about 0.88 of the size for these faces).
func (d *doc) text(x, top float64, s string) {
	d.textSpaced(x, top, s, 0)
}

func (d *doc) textSpaced(x, top float64, s string, spacing float64) {
	// Text is black: shading and chart colours set the fill colour, which PDF text uses too.
	d.pdf.SetFillColor(0, 0, 0)
	d.pdf.SetTextColor(0, 0, 0)
	d.draw(x, top+d.size*0.88, s, spacing)
}

// The line-breaking rules of Chinese text (W3C, Requirements for Chinese Text Layout,
// §3.1.7): no line starts with closing punctuation, a pause or stop, a middle dot or an
// iteration mark; none ends with opening punctuation.
const (
	noLineStart = "，。、；：？！）〕］｝〉》」』】〗〙〛”’…—～·・％‰℃々〻ゝゞヽヾー,.;:?!)]}%"
	noLineEnd   = "（〔［｛〈《「『【〖〘〚“‘([{"
)

// measureWords stay with the number before them.
const measureWords = "项个位条次月年日号期名件"

// inseparable are pairs that never break: the two-em dash and the ellipsis.
var inseparable = []string{"——", "……"}

// wholeTerms are short terms a line never breaks inside: the status words units report, and
// the names of the states and lights, which a leader reads as one word each. Longer first.
var wholeTerms = slices.Concat([]string{"牵头单位未报送", "未通过检查"}, templates.OngoingStatuses,
	[]string{"按时报送", "逾期报送", "未报送", "红灯", "黄灯", "绿灯"})

// wrap breaks s into lines no wider than width in the current font: anywhere between Chinese
// characters, between words of Latin text, and at new lines; never so that a line starts
// with closing punctuation or ends with opening punctuation, nor inside —— or ……. terms
// lists the separators between terms that must stay whole (for a list of unit names, "、");
// nil breaks between characters.
func (d *doc) wrap(s string, width float64, terms string) []string {
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r", ""), "\n") {
		lines = append(lines, d.wrapPara(para, width, terms)...)
	}
	return lines
}

// tokens splits a paragraph into the pieces a line may break between.
func tokens(s, terms string) []string {
	var out []string
	if terms != "" {
		start := 0
		for i, r := range s {
			if strings.ContainsRune(terms, r) {
				end := i + utf8.RuneLen(r)
				out = append(out, s[start:end])
				start = end
			}
		}
		if start < len(s) {
			out = append(out, s[start:])
		}
		return out
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		j := i + n
		if isWordRune(r) {
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r2) {
					break
				}
				j += n2
			}
			// A number keeps its measure word: 9项, 24个月.
			if r2, n2 := utf8.DecodeRuneInString(s[j:]); unicode.IsDigit(r) && strings.ContainsRune(measureWords, r2) {
				j += n2
			}
		} else if r == '【' {
			// A bracketed name (【区司法局】) stays whole, when short.
			if k := strings.IndexRune(s[i:], '】'); k > 0 && utf8.RuneCountInString(s[i:i+k]) <= 16 {
				j = i + k + len("】")
			}
		} else {
			for _, pair := range slices.Concat(inseparable, wholeTerms) {
				if strings.HasPrefix(s[i:], pair) {
					j = i + len(pair)
					break
				}
			}
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

func (d *doc) wrapPara(s string, width float64, terms string) []string {
	var lines []string
	var line []string
	w := 0.0
	for _, t := range tokens(s, terms) {
		tw := d.textWidth(t)
		if w+tw > width && len(line) > 0 {
			// Break before t; keep the rules by moving tokens to the next line, a few at
			// most: a run of closing punctuation longer than that (a unit's "。。。。…")
			// breaks where it must, rather than leave one character a line.
			next := []string{t}
			for moved := 0; moved < maxKinsokuMoves && len(line) > 1 && (strings.Contains(noLineStart, firstRune(next[0])) || strings.Contains(noLineEnd, lastRuneOf(line[len(line)-1]))); moved++ {
				next = append([]string{line[len(line)-1]}, next...)
				line = line[:len(line)-1]
			}
			lines = append(lines, strings.TrimRight(strings.Join(line, ""), " "))
			line = nil
			w = 0
			for _, n := range next {
				if strings.TrimSpace(n) == "" && len(line) == 0 {
					continue
				}
				line = append(line, n)
				w += d.textWidth(n)
			}
			continue
		}
		line = append(line, t)
		w += tw
	}
	if len(line) > 0 || len(lines) == 0 {
		lines = append(lines, strings.TrimRight(strings.Join(line, ""), " "))
	}
	// A word or term longer than the line is cut by characters, in one pass: a unit's
	// 32,767-letter "word" must not cost a pass per line.
	var out []string
	for _, l := range lines {
		if d.textWidth(l) <= width+0.01 {
			out = append(out, l)
			continue
		}
		// A pause or stop may hang past the line's end (clreq §3.1.8): a term that fits
		// without its 、 keeps it.
		if r, n := utf8.DecodeLastRuneInString(l); strings.ContainsRune("、，。", r) && d.textWidth(l[:len(l)-n]) <= width+0.01 {
			out = append(out, l)
			continue
		}
		start, w := 0, 0.0
		for i, r := range l {
			rw := d.runeWidth(r)
			if w+rw > width && i > start {
				out = append(out, l[start:i])
				start, w = i, 0
			}
			w += rw
		}
		out = append(out, l[start:])
	}
	return out
}

// maxKinsokuMoves is how many tokens a line break may move to the next line to keep the
// line-breaking rules.
const maxKinsokuMoves = 4

func isWordRune(r rune) bool {
	return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_' || r == '%' || r == '/' || r == '@')
}

func firstRune(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	return string(r)
}

func lastRuneOf(s string) string {
	r, _ := utf8.DecodeLastRuneInString(s)
	return string(r)
}

// newPage starts a page; its page number is drawn at the end.
func (d *doc) newPage() {
	d.pdf.AddPage()
	// gopdf makes a page's content stream on the first drawing, and SetPage finds pages by
	// their content streams: draw nothing visible so that every page has one.
	d.pdf.RectFromUpperLeftWithStyle(0, 0, 0, 0, "F")
	d.page++
	d.y = marginTop
}

// room is the height left on the page.
func (d *doc) room() float64 { return textBottom - d.y }

// need breaks the page unless h more points fit (and something is on the page already).
func (d *doc) need(h float64) {
	if h > d.room()+0.01 && d.y > marginTop+0.01 {
		d.newPage()
	}
}

// justified draws a paragraph's lines in the text width: every line but the last is spread
// to the full width, as Chinese body text is set.
func (d *doc) justified(lines []string, x, width, leading float64) {
	for i, line := range lines {
		d.need(leading)
		spacing := 0.0
		if n := utf8.RuneCountInString(line); i < len(lines)-1 && n > 1 {
			if extra := width - d.textWidth(line); extra > 0 && extra < d.size*3 {
				spacing = extra / float64(n-1)
			}
		}
		d.textSpaced(x, d.y+(leading-d.size)/2, line, spacing)
		d.y += leading
	}
}
