// Package pdf prints a period's brief (package report/brief) as the PDF leaders read: A4 with
// GB/T 9704 margins, the official faces where the computer has them, page numbers "— n —".
package pdf

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"sort"
	"time"

	"github.com/signintech/gopdf"

	"planreport/fonts"
	"planreport/internal/atomicfile"
	"planreport/report/brief"
)

// Result tells what was printed.
type Result struct {
	Pages     int // pages in all, the cover included
	MainPages int // pages of the main text, from 一、 to the last section before the annexes
	// Fonts tells, for each style, which fonts printed how many characters.
	Fonts []FontUse
	// Contents are the page numbers of the sections and annexes, by heading, as printed.
	Contents map[string]int
	// Unprintable lists the characters printed as Missing because no font has them (a rare
	// character, an emoji a unit typed), to tell the office.
	Unprintable []rune
}

// FontUse is how many characters of a style one font printed.
type FontUse struct {
	Style fonts.Style
	Font  *fonts.Font
	Chars int
}

// Document is a brief laid out on pages: what it printed is known (Result), before the PDF is
// written.
type Document struct {
	Result
	d *doc
}

// Layout lays the brief out in the fonts of set.
func Layout(b *brief.Brief, set *fonts.Set) (*Document, error) {
	d, res, err := layout(b, set)
	if err != nil {
		return nil, err
	}
	return &Document{Result: *res, d: d}, nil
}

// Write writes the PDF to path, atomically: straight into the file, not through a copy in
// memory.
func (doc *Document) Write(path string) error {
	return atomicfile.Write(path, func(f *os.File) error {
		w := bufio.NewWriterSize(f, 64<<10)
		if _, err := doc.d.pdf.WriteTo(w); err != nil {
			return fmt.Errorf("生成 PDF：%w", err)
		}
		return w.Flush()
	})
}

// Bytes prints the brief. The same brief and fonts give the same bytes.
func Bytes(b *brief.Brief, set *fonts.Set) ([]byte, *Result, error) {
	d, res, err := layout(b, set)
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	if _, err := d.pdf.WriteTo(&buf); err != nil {
		return nil, nil, fmt.Errorf("生成 PDF：%w", err)
	}
	return buf.Bytes(), res, nil
}

// layout lays the brief out on pages: the cover, the contents, the main text, the annexes.
func layout(b *brief.Brief, set *fonts.Set) (*doc, *Result, error) {
	d, err := newDoc(set)
	if err != nil {
		return nil, nil, err
	}
	date, err := time.Parse("2006-01-02", b.Date)
	if err != nil {
		date = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	d.pdf.SetInfo(gopdf.PdfInfo{Title: b.FullTitle(), Subject: b.Subject, Creator: "planreport", Producer: "planreport", CreationDate: date})

	cover(d, b)
	// The contents come second; their pages are reserved now and filled in at the end, when
	// every heading's page is known.
	var titles []string
	for _, s := range append(append([]brief.Section(nil), b.Sections...), b.Annexes...) {
		titles = append(titles, s.Heading)
	}
	firstTOC := d.page + 1
	tocPages := contentsPages(d, titles)
	for range tocPages {
		d.newPage()
	}
	d.newPage()
	first := d.page
	for i, s := range b.Sections {
		section(d, s, i == 0)
	}
	last := d.page
	for _, s := range b.Annexes {
		annex(d, s)
	}
	if d.err != nil {
		return nil, nil, d.err
	}
	contents(d, firstTOC, tocPages)
	pageNumbers(d)
	if d.err != nil {
		return nil, nil, d.err
	}
	res := &Result{Pages: d.page, MainPages: last - first + 1, Contents: map[string]int{}}
	for _, e := range d.toc {
		res.Contents[e.title] = e.page
	}
	for c := range d.missing {
		res.Unprintable = append(res.Unprintable, c)
	}
	slices.Sort(res.Unprintable)
	for _, st := range fonts.Styles {
		var uses []FontUse
		for f, n := range d.used[st] {
			uses = append(uses, FontUse{Style: st, Font: f, Chars: n})
		}
		sort.Slice(uses, func(i, j int) bool { return uses[i].Chars > uses[j].Chars })
		res.Fonts = append(res.Fonts, uses...)
	}
	return d, res, nil
}

// balanced wraps a title into as few lines as width allows, of lengths as even as can be (a
// title's lines are set symmetrically).
func (d *doc) balanced(s string, width float64) []string {
	lines := d.wrap(s, width, "")
	if len(lines) < 2 {
		return lines
	}
	lo, hi := width/float64(len(lines)), width
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if len(d.wrap(s, mid, "")) > len(lines) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return d.wrap(s, hi, "")
}

// centred draws lines centred in the text width, from y, in the current font.
func (d *doc) centred(lines []string, leading float64) {
	for _, l := range lines {
		d.text(marginLeft+(textW-d.textWidth(l))/2, d.y+(leading-d.size)/2, l)
		d.y += leading
	}
}

func cover(d *doc, b *brief.Brief) {
	d.newPage()
	d.y = mm(70)
	d.setFont(fonts.XiaoBiaoSong, sizeTitle)
	lead := sizeTitle * 1.6
	d.centred(d.balanced(b.Title, textW), lead)
	d.centred(d.balanced(b.Subtitle, textW), lead)
	d.setFont(fonts.FangSong, sizeBody)
	d.y = textBottom - float64(len(b.Cover))*leadingBody - leadingBody
	d.centred(b.Cover, leadingBody)
}

// The contents' layout.
const tocIndent = 2 * sizeBody // continuation lines of a long entry

// contentsPages is how many pages the contents take: every entry whole, wrapped where it is
// long.
func contentsPages(d *doc, titles []string) int {
	d.setFont(fonts.FangSong, sizeBody)
	perPage := int((textBottom - marginTop - 2*leadingBody) / leadingBody)
	lines := 0
	for _, t := range titles {
		lines += len(d.tocLines(t))
	}
	return max(1, (lines+perPage-1)/perPage)
}

// tocLines wraps a contents entry, leaving room for the page number on its last line.
func (d *doc) tocLines(title string) []string {
	room := textW - d.textWidth("000") - sizeBody
	lines := d.wrap(title, room, "")
	if len(lines) > 1 { // continuation lines are indented
		rest := d.wrap(title[len(lines[0]):], room-tocIndent, "")
		lines = append(lines[:1], rest...)
	}
	return lines
}

// contents fills the reserved pages with every heading and its page, each entry whole.
// (gopdf attaches links to the last page added, so the contents are not clickable; the
// bookmarks are.)
func contents(d *doc, first, pages int) {
	i := 0
	for p := 0; p < pages; p++ {
		if err := d.pdf.SetPage(first + p); err != nil {
			d.fail(err)
			return
		}
		d.y = marginTop
		if p == 0 {
			d.setFont(fonts.XiaoBiaoSong, sizeTitle)
			d.centred([]string{"目　　录"}, sizeTitle*2)
			d.y += leadingBody / 2
		}
		d.setFont(fonts.FangSong, sizeBody)
		for ; i < len(d.toc); i++ {
			e := d.toc[i]
			lines := d.tocLines(e.title)
			if d.y+float64(len(lines))*leadingBody > textBottom+0.01 {
				break
			}
			for j, l := range lines {
				x := marginLeft
				if j > 0 {
					x += tocIndent
				}
				d.text(x, d.y+(leadingBody-sizeBody)/2, l)
				if j == len(lines)-1 {
					num := fmt.Sprint(e.page)
					x0 := x + d.textWidth(l) + 6
					x1 := marginLeft + textW - d.textWidth(num) - 6
					d.pdf.SetFillColor(0, 0, 0)
					for x := x0; x < x1-1; x += 5 { // dot leaders
						d.pdf.RectFromUpperLeftWithStyle(x, d.y+(leadingBody-sizeBody)/2+sizeBody*0.75, 0.9, 0.9, "F")
					}
					d.text(marginLeft+textW-d.textWidth(num), d.y+(leadingBody-sizeBody)/2, num)
				}
				d.y += leadingBody
			}
		}
	}
}

// pageNumbers prints "— n —" under the text block of every page but the cover, as GB/T 9704
// sets it: 4号 half-width digits with an em dash either side, 7 mm below the text block, odd
// pages on the right and even pages on the left, one character in. The cover counts: page n
// is the nth sheet side, so that printed on both sides odd numbers fall on right-hand pages.
func pageNumbers(d *doc) {
	for p := 2; p <= d.page; p++ {
		if err := d.pdf.SetPage(p); err != nil {
			d.fail(err)
			return
		}
		n := p
		d.setFont(fonts.FangSong, sizePageNo)
		s := fmt.Sprintf("— %d —", n)
		x := marginLeft + textW - sizePageNo - d.textWidth(s)
		if n%2 == 0 {
			x = marginLeft + sizePageNo
		}
		d.text(x, textBottom+mm(7)-sizePageNo*0.88, s)
	}
}

// heading sets a first-level heading (一、 in 黑体, indented two characters), records it for the contents and adds a
// bookmark. keep is the height of what must follow it on the same page.
func (d *doc) heading(title string, keep float64) {
	d.setFont(fonts.Hei, sizeBody)
	lines := d.wrap("　　"+title, textW, "") // indented two characters, as body text
	d.need(float64(len(lines))*leadingBody + keep)
	d.mark(title)
	for _, line := range lines {
		d.text(marginLeft, d.y+(leadingBody-sizeBody)/2, line)
		d.y += leadingBody
	}
}

// mark records a contents entry and a bookmark at the current position.
func (d *doc) mark(title string) {
	d.pdf.SetXY(marginLeft, d.y)
	d.pdf.AddOutlineWithPosition(title)
	d.toc = append(d.toc, tocEntry{title: title, page: d.page})
}

func section(d *doc, s brief.Section, first bool) {
	keep := 0.0
	if len(s.Blocks) > 0 {
		keep = minHeight(d, s.Blocks[0])
	}
	d.heading(s.Heading, keep)
	blocks(d, s.Blocks)
}

// annex starts an annex on a new page: 附件n in 黑体 at the top left, its title centred.
func annex(d *doc, s brief.Section) {
	d.newPage()
	label, title := s.Heading, ""
	for i, r := range s.Heading {
		if r == '　' {
			label, title = s.Heading[:i], s.Heading[i+len("　"):]
			break
		}
	}
	d.mark(s.Heading)
	d.setFont(fonts.Hei, sizeBody)
	d.text(marginLeft, d.y+(leadingBody-sizeBody)/2, label)
	d.y += leadingBody
	if title != "" {
		d.setFont(fonts.XiaoBiaoSong, sizeTitle-4)
		d.centred(d.balanced(title, textW), (sizeTitle-4)*1.7)
		d.y += 4
	}
	blocks(d, s.Blocks)
}

// blocks sets a section's blocks; a heading stays with what follows it.
func blocks(d *doc, bs []brief.Block) {
	for i, b := range bs {
		switch b.Kind {
		case brief.Para:
			d.setFont(fonts.FangSong, sizeBody)
			d.justified(d.wrap("　　"+b.Text, textW, ""), marginLeft, textW, leadingBody)
		case brief.Heading2:
			keep := 0.0
			if i+1 < len(bs) {
				keep = minHeight(d, bs[i+1])
			}
			d.setFont(fonts.Kai, sizeBody)
			lines := d.wrap("　　"+b.Text, textW, "")
			d.need(float64(len(lines))*leadingBody + keep)
			d.setFont(fonts.Kai, sizeBody)
			d.justified(lines, marginLeft, textW, leadingBody)
		case brief.Note:
			d.setFont(fonts.FangSong, sizeSmall)
			d.justified(d.wrap(b.Text, textW, ""), marginLeft, textW, sizeSmall*1.6)
			d.y += 4
		case brief.Placeholder:
			placeholder(d, b.Text)
		case brief.TableBlock:
			table(d, b.Table)
		case brief.ChartBlock:
			chart(d, b.Chart)
		}
	}
}

// minHeight is the least of a block that must follow a heading on its page: two lines of a
// paragraph, a table's caption, header and first row, a whole chart.
func minHeight(d *doc, b brief.Block) float64 {
	switch b.Kind {
	case brief.Para, brief.Heading2:
		return 2 * leadingBody
	case brief.Note:
		return 2 * sizeSmall * 1.6
	case brief.TableBlock:
		return tableStart(d, b.Table)
	case brief.ChartBlock:
		return chartHeight(d, b.Chart)
	case brief.Placeholder:
		return placeholderHeight(d, b.Text)
	}
	return 0
}

// placeholder draws where the office's text will go: a dashed frame around a note in 楷体,
// smaller than the body, so that it is not taken for the text itself.
func placeholder(d *doc, text string) {
	const pad = 8.0
	leading := sizeTable * 1.7
	d.setFont(fonts.Kai, sizeTable)
	lines := d.wrap(text, textW-2*pad, "")
	h := float64(len(lines))*leading + 2*pad
	d.need(h)
	d.pdf.SetStrokeColor(0, 0, 0)
	d.pdf.SetLineWidth(1)
	d.pdf.SetLineType("dashed")
	d.pdf.RectFromUpperLeftWithStyle(marginLeft, d.y+2, textW, h, "D")
	d.pdf.SetLineType("solid")
	d.y += pad + 2
	d.setFont(fonts.Kai, sizeTable)
	d.justified(lines, marginLeft+pad, textW-2*pad, leading)
	d.y += pad
}

func placeholderHeight(d *doc, text string) float64 {
	d.setFont(fonts.Kai, sizeTable)
	return float64(len(d.wrap(text, textW-16, "")))*sizeTable*1.7 + 18
}

// chart draws a chart and its caption below it, on one page.
func chart(d *doc, c *brief.Chart) {
	dr := c.Draw(textW, d.measure(fonts.FangSong))
	d.need(chartHeight(d, c))
	top := d.y + 4
	for _, s := range dr.Shapes {
		x, y := marginLeft+s.X, top+s.Y
		switch s.Kind {
		case brief.RectShape:
			if s.Outline {
				d.pdf.SetStrokeColor(0, 0, 0)
				d.pdf.SetLineWidth(s.LineWidth)
				d.pdf.RectFromUpperLeftWithStyle(x, y, s.W, s.H, "D")
			} else {
				d.pdf.SetFillColor(s.RGB[0], s.RGB[1], s.RGB[2])
				d.pdf.RectFromUpperLeftWithStyle(x, y, s.W, s.H, "F")
			}
		case brief.LineShape:
			d.pdf.SetStrokeColor(s.RGB[0], s.RGB[1], s.RGB[2])
			d.pdf.SetLineWidth(s.LineWidth)
			d.pdf.Line(x, y, x+s.W, y+s.H)
		case brief.TextShape:
			d.setFont(fonts.FangSong, s.Size)
			d.text(x, y, s.Text)
		}
	}
	d.pdf.SetStrokeColor(0, 0, 0)
	d.pdf.SetFillColor(0, 0, 0)
	d.y = top + dr.H
	d.setFont(fonts.Hei, sizeCaption)
	d.centred([]string{c.Caption}, sizeCaption*1.8)
	d.y += 6
}

func chartHeight(d *doc, c *brief.Chart) float64 {
	return 4 + c.Draw(textW, d.measure(fonts.FangSong)).H + sizeCaption*1.8 + 6
}
