// Package docx writes a period's brief (package report/brief) as a Word document, for the
// office to edit before it goes up: the PDF's sections, figures and tables, on A4 with GB/T
// 9704 margins, 仿宋 body in 3号 and 黑体/楷体 headings named as East Asian fonts (Word ignores
// a Chinese face named only for Latin text), real tables with a repeated header, the charts as
// pictures, and "— n —" page numbers in the footer.
//
// The document is WordprocessingML written directly with archive/zip and encoding/xml.
package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"path"
	"strings"
	"time"

	"planreport/fonts"
	"planreport/internal/atomicfile"
	"planreport/internal/xlsx"
	"planreport/report"
	"planreport/report/brief"
)

// Faces are the font names the document asks for, by style.
type Faces map[fonts.Style]string

// DefaultFaces are the faces every Windows computer has (simfang, simhei, simkai); for the
// title, whose 方正小标宋 is not always installed, bold 宋体 stands in.
var DefaultFaces = Faces{fonts.FangSong: "仿宋", fonts.Hei: "黑体", fonts.Kai: "楷体", fonts.XiaoBiaoSong: "宋体"}

// FacesOf names the faces a font set found on this computer, and the default ones for the
// others: the office opens the document on the computer that made it.
func FacesOf(set *fonts.Set) Faces {
	f := Faces{}
	for st, name := range DefaultFaces {
		f[st] = name
		if found := set.Found[st]; found != nil && found.Name != "" {
			f[st] = found.Name
		}
	}
	return f
}

// Options are how to write the document.
type Options struct {
	Faces Faces
	// Pages are the contents' page numbers by heading (from the PDF, which has the same page
	// geometry); Word updates them when it opens the document.
	Pages map[string]int
}

// Write writes the brief as a .docx to path, atomically.
func Write(b *brief.Brief, o Options, path string) error {
	data, err := Bytes(b, o)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// Bytes makes the document. The same brief and options give the same bytes.
func Bytes(b *brief.Brief, o Options) ([]byte, error) {
	if o.Faces == nil {
		o.Faces = DefaultFaces
	}
	p, err := newPainter()
	if err != nil {
		return nil, err
	}
	w := &writer{b: b, o: o, painter: p}
	w.document()
	if w.err != nil {
		return nil, fmt.Errorf("生成 Word 文档：%w", w.err)
	}
	date, err := time.Parse("2006-01-02", b.Date)
	if err != nil {
		date = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	var out bytes.Buffer
	z := xlsx.NewZip(&out) // a Word file is a zip of XML like a workbook: the same fast deflate
	add := func(name string, data []byte) {
		if w.err != nil {
			return
		}
		method := zip.Deflate
		if path.Ext(name) == ".png" {
			method = zip.Store // compressed already
		}
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: date})
		if err == nil {
			_, err = f.Write(data)
		}
		if err != nil {
			w.err = err
		}
	}
	add("[Content_Types].xml", []byte(contentTypes))
	add("_rels/.rels", []byte(rootRels))
	add("docProps/core.xml", []byte(w.core(date)))
	add("docProps/app.xml", []byte(appXML))
	add("word/document.xml", []byte(w.body.String()))
	add("word/styles.xml", []byte(w.styles()))
	add("word/settings.xml", []byte(settingsXML))
	add("word/footer1.xml", []byte(footer("right")))
	add("word/footer2.xml", []byte(footer("left")))
	add("word/footer3.xml", []byte(emptyFooter))
	add("word/_rels/document.xml.rels", []byte(w.rels()))
	for i, pic := range w.pictures {
		add(fmt.Sprintf("word/media/chart%d.png", i+1), pic)
	}
	if w.err == nil {
		w.err = z.Close()
	}
	if w.err != nil {
		return nil, fmt.Errorf("生成 Word 文档：%w", w.err)
	}
	return out.Bytes(), nil
}

// Page geometry (GB/T 9704-2012), in twentieths of a point (twips): A4, top margin 37 mm,
// binding margin 28 mm, text block 156 mm × 225 mm; the page number 7 mm below it.
const (
	twipsPerMM = 1440 / 25.4
	textWidth  = 8844 // 156 mm
	lineExact  = 579  // 22 lines in 225 mm
)

type writer struct {
	b        *brief.Brief
	o        Options
	painter  *painter
	body     strings.Builder
	pictures [][]byte
	err      error
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// breakable lets a line break after a 、 that a number follows (1.2、2.3、3.4): Word breaks
// there, LibreOffice takes the list for one word without a zero-width space.
func breakable(s string) string {
	// …… and —— stay whole: a word joiner holds their halves together.
	s = strings.ReplaceAll(strings.ReplaceAll(s, "……", "…\u2060…"), "——", "—\u2060—")
	if !strings.Contains(s, "、") {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		b.WriteRune(r)
		if r == '、' && i+1 < len(rs) && rs[i+1] >= '0' && rs[i+1] <= '9' {
			b.WriteRune('\u200B')
		}
	}
	return b.String()
}

// run writes text as runs: a line break for each new line.
func run(text, rPr string) string {
	text = breakable(text)
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString("<w:r>" + rPr + "<w:br/></w:r>")
		}
		if line != "" {
			b.WriteString("<w:r>" + rPr + `<w:t xml:space="preserve">` + esc(line) + "</w:t></w:r>")
		}
	}
	return b.String()
}

func (w *writer) para(style, text string, extra string) {
	fmt.Fprintf(&w.body, `<w:p><w:pPr><w:pStyle w:val="%s"/>%s</w:pPr>%s</w:p>`, style, extra, run(text, ""))
}

func (w *writer) document() {
	w.body.WriteString(xml.Header)
	w.body.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ` +
		`xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" ` +
		`xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ` +
		`xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>`)
	b := w.b
	// The cover: the title a third of the way down in lines of even length, the office and
	// date at the foot of the page.
	title := balanced(b.Title, 20)
	w.para("Title", strings.Join(title, "\n"), `<w:spacing w:before="3600" w:line="704" w:lineRule="exact"/>`)
	w.para("Title", b.Subtitle, "")
	used := 3600 + 704*(len(title)+1)
	for i, l := range b.Cover {
		extra := ""
		if i == 0 {
			// The lines end two lines above the text block's foot.
			extra = fmt.Sprintf(`<w:spacing w:before="%d"/>`, max(0, mm(225)-used-lineExact*(len(b.Cover)+2)))
		}
		w.para("Cover", l, extra)
	}
	// Pages start before the contents, the main text and each annex (a paragraph's own
	// break: a page break of its own would leave a blank page after a full one).
	w.contents()
	for i, s := range b.Sections {
		extra := ""
		if i == 0 {
			extra = "<w:pageBreakBefore/>"
		}
		w.para("Heading1", s.Heading, extra)
		w.blocks(s.Blocks)
	}
	for _, s := range b.Annexes {
		label, title, _ := strings.Cut(s.Heading, "　")
		w.para("AnnexLabel", label, "<w:pageBreakBefore/>")
		if title != "" {
			w.para("AnnexTitle", title, "")
		}
		w.blocks(s.Blocks)
	}
	fmt.Fprintf(&w.body, `<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/><w:footerReference w:type="even" r:id="rIdFooterEven"/>`+
		`<w:footerReference w:type="first" r:id="rIdFooterFirst"/><w:pgSz w:w="11906" w:h="16838"/>`+
		`<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="%d" w:gutter="0"/>`+
		`<w:titlePg/><w:docGrid w:type="lines" w:linePitch="%d"/></w:sectPr>`,
		mm(37), mm(210-28-156), mm(297-37-225), mm(28), mm(297-37-225-7-5), lineExact)
	w.body.WriteString(`</w:body></w:document>`)
}

func mm(v float64) int { return int(math.Round(v * twipsPerMM)) }

// balanced breaks a title of more than perLine characters into lines of even length, no line
// starting with closing punctuation.
func balanced(s string, perLine int) []string {
	rs := []rune(s)
	n := (len(rs) + perLine - 1) / perLine
	if n < 2 {
		return []string{s}
	}
	var out []string
	for len(rs) > 0 {
		k := (len(rs) + n - 1) / n
		for k < len(rs) && strings.ContainsRune("，。、；：？！）》”’", rs[k]) {
			k++
		}
		out = append(out, string(rs[:k]))
		rs = rs[k:]
		n--
	}
	return out
}

// contents writes the contents as a Word TOC field: its entries as the PDF has them, with the
// PDF's page numbers, which Word updates when the document is opened (settings.xml asks it to).
func (w *writer) contents() {
	w.para("ContentsTitle", "目　　录", "<w:pageBreakBefore/>")
	var heads []string
	for _, s := range append(append([]brief.Section(nil), w.b.Sections...), w.b.Annexes...) {
		heads = append(heads, s.Heading)
	}
	for i, h := range heads {
		var b strings.Builder
		b.WriteString(`<w:p><w:pPr><w:pStyle w:val="TOC1"/><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="` + fmt.Sprint(textWidth) + `"/></w:tabs></w:pPr>`)
		if i == 0 {
			b.WriteString(`<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-1" \h \z \u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>`)
		}
		b.WriteString(run(h, ""))
		if page, ok := w.o.Pages[h]; ok {
			b.WriteString(`<w:r><w:tab/></w:r>` + run(fmt.Sprint(page), ""))
		}
		if i == len(heads)-1 {
			b.WriteString(`<w:r><w:fldChar w:fldCharType="end"/></w:r>`)
		}
		b.WriteString(`</w:p>`)
		w.body.WriteString(b.String())
	}
}

func (w *writer) blocks(bs []brief.Block) {
	for _, b := range bs {
		switch b.Kind {
		case brief.Para:
			w.para("Body", b.Text, "")
		case brief.Heading2:
			w.para("Heading2", b.Text, "")
		case brief.Note:
			w.para("Note", b.Text, "")
		case brief.Placeholder:
			w.para("Placeholder", b.Text, "")
		case brief.TableBlock:
			w.table(b.Table)
		case brief.ChartBlock:
			w.chart(b.Chart)
		}
	}
}

// Table type sizes, in half points: 五号 for long tables, 小四 for short ones.
func tableSize(t *brief.Table) int {
	if t.Small {
		return 21
	}
	return 24
}

// textWidthPt estimates a text's width in points at a size: a Chinese character is one em,
// other characters about half.
func textWidthPt(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 || r == '●' || r == '“' || r == '”' {
			w += size
		} else {
			w += size * 0.62 // Times New Roman's digits are half an em; other faces' wider
		}
	}
	return w
}

// widths sizes a table's columns in twips by the brief's rule, with estimated text widths and
// room to spare: Word and LibreOffice add a little space between Chinese characters and
// digits, and their faces' digits are wider than Times New Roman's.
func widths(t *brief.Table) []int {
	size := float64(tableSize(t)) / 2
	const pad = 2 * 57.0 / 20 // the cell margins, in points
	measure := func(s string, head bool) float64 { return textWidthPt(s, size) + size*0.4 }
	out := t.Widths(float64(textWidth)/20, size, pad+2, measure)
	tw := make([]int, len(out))
	sum := 0
	for i, v := range out {
		tw[i] = int(v * 20)
		sum += tw[i]
	}
	tw[len(tw)-1] += textWidth - sum // the table is the text block's width exactly
	return tw
}

func (w *writer) table(t *brief.Table) {
	if t.Caption != "" {
		w.para("Caption", t.Caption, "")
	}
	cols := widths(t)
	size := tableSize(t)
	b := &w.body
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="` + fmt.Sprint(textWidth) + `" w:type="dxa"/><w:jc w:val="center"/>`)
	b.WriteString(`<w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
		`<w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
		`<w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders>`)
	b.WriteString(`<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>`)
	for _, c := range cols {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, c)
	}
	b.WriteString(`</w:tblGrid>`)
	head := brief.Row{Cells: make([]string, len(t.Cols))}
	for i, c := range t.Cols {
		head.Cells[i] = c.Title
	}
	w.row(t, cols, head, size, true)
	for _, r := range t.Rows {
		w.row(t, cols, r, size, false)
	}
	b.WriteString(`</w:tbl>`)
	// A table ends with a paragraph; a small one keeps the next table or heading off it.
	b.WriteString(`<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:rPr><w:sz w:val="12"/></w:rPr></w:pPr></w:p>`)
}

func (w *writer) row(t *brief.Table, cols []int, r brief.Row, size int, header bool) {
	b := &w.body
	b.WriteString(`<w:tr><w:trPr><w:cantSplit/>`)
	if header {
		b.WriteString(`<w:tblHeader/>`)
	}
	b.WriteString(`</w:trPr>`)
	style := "TableText"
	if header || r.Total || r.Group {
		style = "TableHead"
	}
	sz := fmt.Sprintf(`<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, size, size)
	// A group's title and a header keep with the next row.
	keep := ""
	if header || r.Group {
		keep = `<w:keepNext/>`
	}
	if r.Group {
		text := ""
		if len(r.Cells) > 0 {
			text = r.Cells[0]
		}
		fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/><w:gridSpan w:val="%d"/><w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/></w:tcPr>`+
			`<w:p><w:pPr><w:pStyle w:val="%s"/>%s<w:jc w:val="left"/><w:rPr>%s</w:rPr></w:pPr>%s</w:p></w:tc></w:tr>`,
			textWidth, len(cols), style, keep, sz, run(text, `<w:rPr>`+sz+`</w:rPr>`))
		return
	}
	for i, c := range t.Cols {
		text := ""
		if i < len(r.Cells) {
			text = r.Cells[i]
		}
		shade := ""
		if header {
			shade = `<w:shd w:val="clear" w:color="auto" w:fill="E6E6E6"/><w:vAlign w:val="center"/>`
		}
		jc := "left"
		switch {
		case header || c.Align == brief.Center:
			jc = "center"
		case c.Align == brief.Right:
			jc = "right"
		}
		fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>%s</w:tcPr><w:p><w:pPr><w:pStyle w:val="%s"/>%s<w:jc w:val="%s"/><w:rPr>%s</w:rPr></w:pPr>`,
			cols[i], shade, style, keep, jc, sz)
		if c.Light && !header {
			if l, ok := lightOf(text); ok {
				rgb := lightColour(l)
				fmt.Fprintf(b, `<w:r><w:rPr><w:color w:val="%s"/>%s</w:rPr><w:t xml:space="preserve">● </w:t></w:r>`, rgb, sz)
			}
		}
		if c.Terms && !header {
			// Unit names stay whole: the lines are broken between them here, with room to
			// spare, rather than by Word anywhere in a name.
			text = wrapTerms(text, float64(cols[i])/20-2*57.0/20-2, float64(size)/2)
		}
		b.WriteString(run(text, `<w:rPr>`+sz+`</w:rPr>`))
		b.WriteString(`</w:p></w:tc>`)
	}
	b.WriteString(`</w:tr>`)
}

// wrapTerms breaks a list of terms separated by 、 into lines no wider than width points at
// size (by the estimate of textWidthPt, with a tenth to spare), between terms only; a term
// wider than a line is left for the application to break.
func wrapTerms(s string, width, size float64) string {
	var lines []string
	line := ""
	for _, term := range strings.SplitAfter(s, "、") {
		if term == "" {
			continue
		}
		if line != "" && textWidthPt(strings.TrimSuffix(line+term, "、"), size)*1.1 > width {
			lines = append(lines, line)
			line = ""
		}
		line += term
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func lightOf(s string) (report.Light, bool) {
	for _, l := range report.Lights {
		if s == l.Chinese() {
			return l, true
		}
	}
	return "", false
}

func lightColour(l report.Light) string {
	f := brief.FillGreen
	switch l {
	case report.Red:
		f = brief.FillRed
	case report.Yellow:
		f = brief.FillYellow
	}
	c := f.RGB()
	return fmt.Sprintf("%02X%02X%02X", c[0], c[1], c[2])
}

// chart writes a chart as a picture, centred, with its caption below and its figures as the
// picture's description.
func (w *writer) chart(c *brief.Chart) {
	width := float64(textWidth) / 20
	data, d, err := w.painter.png(c, width)
	if err != nil {
		w.err = err
		return
	}
	w.pictures = append(w.pictures, data)
	n := len(w.pictures)
	cx, cy := int64(d.W*12700), int64(d.H*12700)
	var descr []string
	for _, g := range c.Groups {
		var bars []string
		for _, b := range g.Bars {
			bars = append(bars, b.Text)
		}
		descr = append(descr, g.Label+"："+strings.Join(bars, "，"))
	}
	fmt.Fprintf(&w.body, `<w:p><w:pPr><w:pStyle w:val="Picture"/><w:keepNext/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">`+
		`<wp:extent cx="%d" cy="%d"/><wp:docPr id="%d" name="图表%d" descr="%s"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>`+
		`<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="%d" name="chart%d.png"/><pic:cNvPicPr/></pic:nvPicPr>`+
		`<pic:blipFill><a:blip r:embed="rIdChart%d"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`+
		`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`,
		cx, cy, n, n, esc(strings.Join(descr, "；")), n, n, n, cx, cy)
	w.para("ChartCaption", c.Caption, "")
}

func (w *writer) rels() string {
	var b strings.Builder
	b.WriteString(xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
		`<Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
		`<Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>` +
		`<Relationship Id="rIdFooterFirst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer3.xml"/>`)
	for i := range w.pictures {
		fmt.Fprintf(&b, `<Relationship Id="rIdChart%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/chart%d.png"/>`, i+1, i+1)
	}
	b.WriteString(`</Relationships>`)
	return b.String()
}

func (w *writer) core(date time.Time) string {
	stamp := date.UTC().Format("2006-01-02T15:04:05Z")
	return xml.Header + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(w.b.FullTitle()) + `</dc:title><dc:subject>` + esc(w.b.Subject) + `</dc:subject><dc:creator>planreport</dc:creator>` +
		`<cp:lastModifiedBy>planreport</cp:lastModifiedBy><dc:language>zh-CN</dc:language>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + stamp + `</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + stamp + `</dcterms:modified></cp:coreProperties>`
}

// styles are the document's paragraph styles: each names its East Asian font.
func (w *writer) styles() string {
	f := w.o.Faces
	fontsOf := func(st fonts.Style) string {
		return fmt.Sprintf(`<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="%s" w:cs="Times New Roman"/>`, esc(f[st]))
	}
	// Only body text keeps to the page's grid of 22 lines; tables, captions and notes set
	// their own line heights.
	style := func(id, name, pPr string, st fonts.Style, halfPoints int, extra string) string {
		if id != "Body" && id != "Heading1" && id != "Heading2" && id != "TOC1" {
			pPr = `<w:snapToGrid w:val="0"/>` + pPr
		}
		return fmt.Sprintf(`<w:style w:type="paragraph" w:customStyle="1" w:styleId="%s"><w:name w:val="%s"/><w:basedOn w:val="Normal"/><w:qFormat/>`+
			`<w:pPr>%s</w:pPr><w:rPr>%s<w:sz w:val="%d"/><w:szCs w:val="%d"/>%s</w:rPr></w:style>`, id, name, pPr, fontsOf(st), halfPoints, halfPoints, extra)
	}
	body := fmt.Sprintf(`<w:spacing w:before="0" w:after="0" w:line="%d" w:lineRule="exact"/>`, lineExact)
	indent := `<w:ind w:firstLineChars="200" w:firstLine="640"/>`
	titleBold := ""
	if _, found := fontFound(f, fonts.XiaoBiaoSong); !found {
		titleBold = "<w:b/><w:bCs/>"
	}
	var b strings.Builder
	b.WriteString(xml.Header + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">`)
	b.WriteString(`<w:docDefaults><w:rPrDefault><w:rPr>` + fontsOf(fonts.FangSong) + `<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>` +
		`<w:pPrDefault><w:pPr><w:spacing w:after="0"/></w:pPr></w:pPrDefault></w:docDefaults>`)
	b.WriteString(`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr>` + body + `<w:jc w:val="both"/></w:pPr>` +
		`<w:rPr>` + fontsOf(fonts.FangSong) + `<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>`)
	b.WriteString(style("Body", "正文段落", indent, fonts.FangSong, 32, ""))
	b.WriteString(strings.Replace(style("Heading1", "heading 1", indent+`<w:keepNext/><w:outlineLvl w:val="0"/>`, fonts.Hei, 32, ""), `w:customStyle="1" `, "", 1))
	b.WriteString(style("Heading2", "二级标题", indent+`<w:keepNext/>`, fonts.Kai, 32, ""))
	b.WriteString(style("Title", "报告标题", `<w:spacing w:before="0" w:after="0" w:line="704" w:lineRule="exact"/><w:jc w:val="center"/>`, fonts.XiaoBiaoSong, 44, titleBold))
	b.WriteString(style("Cover", "封面落款", `<w:jc w:val="center"/>`, fonts.FangSong, 32, ""))
	b.WriteString(style("ContentsTitle", "目录标题", `<w:spacing w:after="290" w:line="704" w:lineRule="exact"/><w:jc w:val="center"/>`, fonts.XiaoBiaoSong, 44, titleBold))
	b.WriteString(strings.Replace(style("TOC1", "toc 1", `<w:jc w:val="left"/>`, fonts.FangSong, 32, ""), `w:customStyle="1" `, "", 1))
	b.WriteString(style("AnnexLabel", "附件标注", `<w:jc w:val="left"/><w:keepNext/>`, fonts.Hei, 32, ""))
	b.WriteString(style("AnnexTitle", "附件标题", `<w:spacing w:after="120" w:line="600" w:lineRule="exact"/><w:jc w:val="center"/><w:keepNext/>`, fonts.XiaoBiaoSong, 36, titleBold))
	b.WriteString(style("Caption", "表题", `<w:spacing w:before="60" w:after="60" w:line="360" w:lineRule="exact"/><w:jc w:val="center"/><w:keepNext/>`, fonts.Hei, 28, ""))
	b.WriteString(style("ChartCaption", "图题", `<w:spacing w:before="60" w:after="120" w:line="360" w:lineRule="exact"/><w:jc w:val="center"/>`, fonts.Hei, 28, ""))
	b.WriteString(style("Picture", "图", `<w:spacing w:before="120" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>`, fonts.FangSong, 21, ""))
	b.WriteString(style("TableText", "表格文字", `<w:spacing w:before="20" w:after="20" w:line="264" w:lineRule="exact"/><w:jc w:val="left"/>`, fonts.FangSong, 21, ""))
	b.WriteString(style("TableHead", "表头", `<w:spacing w:before="20" w:after="20" w:line="264" w:lineRule="exact"/><w:jc w:val="center"/>`, fonts.Hei, 21, ""))
	b.WriteString(style("Note", "表注", `<w:spacing w:before="60" w:line="336" w:lineRule="exact"/>`, fonts.FangSong, 21, ""))
	b.WriteString(style("Placeholder", "待填写", `<w:pBdr><w:top w:val="dashed" w:sz="8" w:space="4" w:color="000000"/><w:left w:val="dashed" w:sz="8" w:space="4" w:color="000000"/>`+
		`<w:bottom w:val="dashed" w:sz="8" w:space="4" w:color="000000"/><w:right w:val="dashed" w:sz="8" w:space="4" w:color="000000"/></w:pBdr>`+
		`<w:spacing w:before="120" w:line="408" w:lineRule="exact"/><w:ind w:left="113" w:right="113"/>`, fonts.Kai, 24, ""))
	b.WriteString(style("Footer", "页码", `<w:spacing w:line="240" w:lineRule="auto"/>`, fonts.FangSong, 28, ""))
	b.WriteString(`</w:styles>`)
	return b.String()
}

func fontFound(f Faces, st fonts.Style) (string, bool) {
	name := f[st]
	return name, name != DefaultFaces[st]
}

// footer is a footer with the page number "— n —", aligned to one side, one character in
// (GB/T 9704: odd pages on the right, even ones on the left).
func footer(align string) string {
	ind := `<w:ind w:right="280"/>`
	if align == "left" {
		ind = `<w:ind w:left="280"/>`
	}
	return xml.Header + `<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="` + align + `"/>` + ind + `</w:pPr>` +
		`<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">— </w:t></w:r>` +
		`<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
		`<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t>1</w:t></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r>` +
		`<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>`
}

const emptyFooter = xml.Header + `<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p/></w:ftr>`

const contentTypes = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/word/footer3.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`

const rootRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`

const appXML = xml.Header + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>planreport</Application></Properties>`

// settingsXML: odd and even pages have their own footers; Word updates the contents' page
// numbers when it opens the document.
const settingsXML = xml.Header + `<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:updateFields w:val="true"/><w:evenAndOddHeaders/><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/>` +
	`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>`
