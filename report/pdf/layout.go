package pdf

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/signintech/gopdf"

	"planreport/fonts"
	"planreport/report"
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

// Type sizes, in points: 2号 for the title, 3号 for body text and headings, smaller for tables.
const (
	sizeTitle   = 22
	sizeBody    = 16
	sizeTable   = 10.5
	sizeSmall   = 9
	sizeHeader  = 9
	leadingBody = 28.5 // 22 lines in the 225 mm text block
)

// The faces a report uses, by role; each falls back to the next that has a glyph.
const (
	faceBody  = "body"  // Song (serif): body text, tables
	faceBold  = "bold"  // bold Song: titles, (一) headings
	faceHeavy = "heavy" // Hei (sans): 一、 headings, table headers
)

// tocEntry is a heading for the contents page and the bookmarks.
type tocEntry struct {
	title string
	level int
	page  int // content page number, 1-based after the cover
}

// doc lays out text on pages. It keeps the current position, breaks pages, wraps Chinese
// text, and remembers headings for the contents.
type doc struct {
	pdf      *gopdf.GoPdf
	y        float64
	page     int // current page, 1-based, the cover being 1
	toc      []tocEntry
	faces    map[string][]string   // role → font families in fallback order
	embedded map[string]fonts.Face // family → the embedded face
	face     string
	size     float64
	width    map[widthKey]float64
	missing  map[rune]bool // characters printed as Missing
	err      error
}

type widthKey struct {
	family string
	size   float64
	r      rune
}

// newDoc starts a document with the embedded fonts loaded.
func newDoc() (*doc, error) {
	d := &doc{pdf: &gopdf.GoPdf{}, faces: map[string][]string{}, embedded: map[string]fonts.Face{}, width: map[widthKey]float64{}}
	d.pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	d.pdf.SetCompressLevel(9)
	// Decompressing a face takes tens of milliseconds: do the three the report uses at once.
	var wg sync.WaitGroup
	for _, f := range []fonts.Face{fonts.Serif, fonts.SerifBold, fonts.Sans} {
		wg.Add(1)
		go func() { defer wg.Done(); fonts.TTF(f) }()
	}
	wg.Wait()
	loaded := map[fonts.Face]bool{}
	load := func(f fonts.Face) bool {
		if loaded[f] {
			return true
		}
		data, err := fonts.TTF(f)
		if err != nil {
			return false
		}
		if err := d.pdf.AddTTFFontData(f.Family(), data); err != nil {
			return false
		}
		d.embedded[f.Family()] = f
		loaded[f] = true
		return true
	}
	// In a fixed order: the fonts' PDF names (F1, F2…) follow the order they are added.
	for _, rf := range []struct {
		role string
		want []fonts.Face
	}{
		{faceBody, []fonts.Face{fonts.Serif, fonts.Sans}},
		{faceBold, []fonts.Face{fonts.SerifBold, fonts.Serif, fonts.Sans}},
		{faceHeavy, []fonts.Face{fonts.Sans, fonts.SerifBold, fonts.Serif}},
	} {
		role, want := rf.role, rf.want
		for _, f := range want {
			if load(f) {
				d.faces[role] = append(d.faces[role], f.Family())
			}
		}
		if len(d.faces[role]) == 0 {
			return nil, fmt.Errorf("加载报告字体失败：没有可用的字体")
		}
	}
	return d, nil
}

func (d *doc) setFont(role string, size float64) {
	d.face, d.size = role, size
}

// family returns the first family of the current role that has r.
func (d *doc) family(r rune) (string, error) {
	for _, fam := range d.faces[d.face] {
		if fonts.Has(d.embedded[fam], r) {
			return fam, nil
		}
	}
	return "", fmt.Errorf("报告中的字符“%c”（U+%04X）在内置字体中都没有，无法打印；请改用常用汉字", r, r)
}

// Missing is the mark printed for a character no embedded font has (〓, the geta mark that
// typesetters use for a missing character): a unit's rare character or emoji shows, and the
// report is still printed.
const Missing = '〓'

// glyph returns the character to print for r: r itself; Missing when no embedded font has it
// (recorded in d.missing, to be reported); or ok false for an invisible format or control
// character (a direction mark, a zero-width space), which prints as nothing anyway.
func (d *doc) glyph(r rune) (rune, string, bool) {
	if r == '\n' || r == '\t' || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) {
		return 0, "", false
	}
	if fam, err := d.family(r); err == nil {
		return r, fam, true
	}
	if d.missing == nil {
		d.missing = map[rune]bool{}
	}
	d.missing[r] = true
	fam, err := d.family(Missing)
	if err != nil {
		d.fail(err)
		return 0, "", false
	}
	return Missing, fam, true
}

// runeWidth returns the advance of r in the current role and size.
func (d *doc) runeWidth(r rune) float64 {
	r, fam, ok := d.glyph(r)
	if !ok {
		return 0
	}
	k := widthKey{fam, d.size, r}
	if w, ok := d.width[k]; ok {
		return w
	}
	d.pdf.SetFont(fam, "", d.size)
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

func (d *doc) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// draw writes s with its baseline box top at (x, y), switching to a fallback family for the
// characters the current one lacks.
func (d *doc) draw(x, y float64, s string) {
	var run strings.Builder
	cur := ""
	flush := func() {
		if run.Len() == 0 {
			return
		}
		d.pdf.SetFont(cur, "", d.size)
		d.pdf.SetXY(x, y)
		if err := d.pdf.Text(run.String()); err != nil {
			d.fail(fmt.Errorf("排版文字：%w", err))
		}
		x += d.textWidth(run.String())
		run.Reset()
	}
	for _, r := range s {
		r, fam, ok := d.glyph(r)
		if !ok {
			continue
		}
		if fam != cur {
			flush()
			cur = fam
		}
		run.WriteRune(r)
	}
	flush()
}

// text draws one line with its top at y: gopdf's Text puts the baseline at y, so move down by
// the ascent (about 0.88 of the size for these faces).
func (d *doc) text(x, top float64, s string) {
	// Text is black: shading and chart colours set the fill colour, which PDF text uses too.
	d.pdf.SetFillColor(0, 0, 0)
	d.pdf.SetTextColor(0, 0, 0)
	d.draw(x, top+d.size*0.88, s)
}

// Chinese line-breaking rules: no line starts with closing punctuation, none ends with an
// opening one.
const (
	noLineStart = "，。、；：？！）」』》〉】〕〗”’…—％‰·～,.;:?!)]}%"
	noLineEnd   = "（「『《〈【〔〖“‘([{"
)

// wrap breaks s into lines no wider than width in the current font: anywhere between Chinese
// characters, between words of Latin text, and at new lines; never so that a line starts with
// closing punctuation or ends with opening punctuation.
func (d *doc) wrap(s string, width float64) []string {
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r", ""), "\n") {
		lines = append(lines, d.wrapPara(para, width)...)
	}
	return lines
}

func (d *doc) wrapPara(s string, width float64) []string {
	// Tokens: a Latin word or number stays whole; every other character is its own token.
	var tokens []string
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
		}
		tokens = append(tokens, s[i:j])
		i = j
	}
	var lines []string
	var line []string
	w := 0.0
	for _, t := range tokens {
		tw := d.textWidth(t)
		if w+tw > width && len(line) > 0 {
			// Break before t; keep the rules by moving characters to the next line, a few at
			// most: a run of closing punctuation longer than that (a unit's "。。。。…") breaks
			// where it must, rather than leave one character a line.
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
	// A word longer than the line is cut by characters, in one pass: a unit's 32,767-letter
	// "word" must not cost a pass per line.
	var out []string
	for _, l := range lines {
		if d.textWidth(l) <= width+0.01 {
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

// maxKinsokuMoves is how many characters a line break may move to the next line to keep the
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

// newPage starts a page; its header and footer are drawn at the end, when the page count is
// known.
func (d *doc) newPage() {
	d.pdf.AddPage()
	// gopdf makes a page's content stream on the first drawing, and SetPage finds pages by
	// their content streams: draw nothing visible so that every page has one.
	d.pdf.RectFromUpperLeftWithStyle(0, 0, 0, 0, "F")
	d.page++
	d.y = marginTop
}

// need breaks the page unless h more points fit.
func (d *doc) need(h float64) bool {
	if d.y+h > textBottom {
		d.newPage()
		return true
	}
	return false
}

// paragraph sets body text: first line indented two characters, justified lines wrapped.
func (d *doc) paragraph(s string, role string, size, leading float64, indent bool) {
	d.setFont(role, size)
	first := ""
	if indent {
		first = "　　"
	}
	for _, line := range d.wrap(first+s, textW) {
		d.need(leading)
		d.text(marginLeft, d.y+(leading-size)/2, line)
		d.y += leading
	}
}

// heading sets a heading, records it for the contents and adds a bookmark.
func (d *doc) heading(title string, level int) {
	role, size := faceHeavy, float64(sizeBody)
	before, after := 10.0, 6.0
	if level > 1 {
		role = faceBold
		before = 6
	}
	d.setFont(role, size)
	lines := d.wrap(title, textW)
	d.need(before + float64(len(lines))*leadingBody + after + 4*leadingBody) // keep with what follows
	d.y += before
	d.pdf.SetXY(marginLeft, d.y)
	d.pdf.AddOutlineWithPosition(title)
	d.toc = append(d.toc, tocEntry{title: title, level: level, page: d.page - 1})
	for _, line := range lines {
		d.text(marginLeft, d.y+(leadingBody-size)/2, line)
		d.y += leadingBody
	}
	d.y += after
}

// column is one table column.
type column struct {
	title string
	width float64 // share of the text width
	align string  // "", "center" or "right"
	light bool    // the cell is a Light: draw a coloured dot and its word
}

// table draws rows under a header that repeats on every page the table spans. Rows are kept
// whole on a page unless one is taller than a page.
func (d *doc) table(cols []column, rows [][]string, size float64) {
	const pad = 3.0
	leading := size * 1.45
	widths := make([]float64, len(cols))
	total := 0.0
	for _, c := range cols {
		total += c.width
	}
	for i, c := range cols {
		widths[i] = textW * c.width / total
	}
	layout := func(role string, cells []string, isHeader bool) ([][]string, float64) {
		d.setFont(role, size)
		wrapped := make([][]string, len(cols))
		h := 0.0
		for i := range cols {
			text := ""
			if i < len(cells) {
				text = cells[i]
			}
			if cols[i].light && !isHeader {
				text = report.Light(text).Chinese()
				wrapped[i] = []string{text}
			} else {
				wrapped[i] = d.wrap(text, widths[i]-2*pad)
			}
			h = max(h, float64(len(wrapped[i]))*leading+2*pad)
		}
		return wrapped, h
	}
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.title
	}
	hw, hh := layout(faceHeavy, header, true)
	drawRow := func(role string, wrapped [][]string, cells []string, h float64, shade bool) {
		d.setFont(role, size)
		x := marginLeft
		for i, c := range cols {
			if shade {
				d.pdf.SetFillColor(235, 235, 235)
				d.pdf.RectFromUpperLeftWithStyle(x, d.y, widths[i], h, "F")
			}
			d.pdf.SetStrokeColor(0, 0, 0)
			d.pdf.SetLineWidth(0.5)
			d.pdf.RectFromUpperLeftWithStyle(x, d.y, widths[i], h, "D")
			ty := d.y + pad + (leading-size)/2
			if c.light && !shade && i < len(cells) {
				if len(wrapped[i]) > 0 { // a row split over pages shows its light once
					lightDot(d.pdf, x+pad+size*0.45, ty+size*0.5, size*0.38, report.Light(cells[i]))
					d.text(x+pad+size*1.1, ty, wrapped[i][0])
				}
				x += widths[i]
				continue
			}
			for _, line := range wrapped[i] {
				lx := x + pad
				switch c.align {
				case "center":
					lx = x + (widths[i]-d.textWidth(line))/2
				case "right":
					lx = x + widths[i] - pad - d.textWidth(line)
				}
				if shade {
					lx = x + (widths[i]-d.textWidth(line))/2
				}
				d.text(lx, ty, line)
				ty += leading
			}
			x += widths[i]
		}
		d.y += h
	}
	first := leading * 2
	if len(rows) > 0 {
		_, first = layout(faceBody, rows[0], false)
		if first > (textBottom-marginTop)/2 {
			first = leading * 6 // a row that long is split over pages anyway
		}
	}
	d.need(hh + first) // no header alone at the foot of a page
	drawRow(faceHeavy, hw, header, hh, true)
	for _, cells := range rows {
		wrapped, h := layout(faceBody, cells, false)
		if d.y+h > textBottom {
			if h > textBottom-marginTop-hh {
				// Taller than a page: split its lines over pages.
				for h > textBottom-d.y {
					fit := int((textBottom - d.y - 2*pad) / leading)
					if fit < 1 {
						d.newPage()
						drawRow(faceHeavy, hw, header, hh, true)
						continue
					}
					part := make([][]string, len(cols))
					rest := make([][]string, len(cols))
					for i := range wrapped {
						k := min(fit, len(wrapped[i]))
						part[i], rest[i] = wrapped[i][:k], wrapped[i][k:]
					}
					drawRow(faceBody, part, cells, float64(fit)*leading+2*pad, false)
					wrapped = rest
					h = 0
					for i := range rest {
						h = max(h, float64(len(rest[i]))*leading+2*pad)
					}
					d.newPage()
					drawRow(faceHeavy, hw, header, hh, true)
				}
			} else {
				d.newPage()
				drawRow(faceHeavy, hw, header, hh, true)
			}
		}
		drawRow(faceBody, wrapped, cells, h, false)
	}
	d.y += 8
}

// lightDot draws a light as a filled circle.
func lightDot(pdf *gopdf.GoPdf, cx, cy, r float64, l report.Light) {
	switch l {
	case report.Red:
		pdf.SetFillColor(214, 39, 40)
	case report.Yellow:
		pdf.SetFillColor(240, 180, 0)
	default:
		pdf.SetFillColor(44, 160, 44)
	}
	pdf.SetStrokeColor(60, 60, 60)
	pdf.SetLineWidth(0.3)
	// Four Bézier arcs make a circle.
	const k = 0.5523
	pts := [][8]float64{
		{cx + r, cy, cx + r, cy - k*r, cx + k*r, cy - r, cx, cy - r},
		{cx, cy - r, cx - k*r, cy - r, cx - r, cy - k*r, cx - r, cy},
		{cx - r, cy, cx - r, cy + k*r, cx - k*r, cy + r, cx, cy + r},
		{cx, cy + r, cx + k*r, cy + r, cx + r, cy + k*r, cx + r, cy},
	}
	poly := []gopdf.Point{}
	for _, p := range pts {
		for t := 0.0; t < 1; t += 0.125 {
			mt := 1 - t
			x := mt*mt*mt*p[0] + 3*mt*mt*t*p[2] + 3*mt*t*t*p[4] + t*t*t*p[6]
			y := mt*mt*mt*p[1] + 3*mt*mt*t*p[3] + 3*mt*t*t*p[5] + t*t*t*p[7]
			poly = append(poly, gopdf.Point{X: x, Y: y})
		}
	}
	pdf.Polygon(poly, "DF")
	pdf.SetFillColor(0, 0, 0)
}
