package xlsx

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Note is a comment on a cell (1-based column and row).
type Note struct {
	Col, Row int
	Text     string
}

// SetComments puts comments by author on cells of a sheet, in place of any comment already on
// those cells; the sheet's other comments stay. It returns the relationship id of the legacy
// drawing that shows them, for SheetEdit.Bytes; legacy is the one the sheet has now, if any.
// A legacy drawing holding anything but comments (form controls) is ErrUnusualXML: it is
// drawn anew here.
func (p *Package) SetComments(sheet, legacy, author string, notes []Note) (string, error) {
	type kept struct {
		ref string
		xml []byte
	}
	var authors []string
	var old []kept
	// The comments part's start (its root with the namespaces its comments use, xr:uid) and
	// what follows the comment list (extLst), kept.
	head := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
	var tail []byte
	if _, _, threaded := p.Related(sheet, "threadedComment"); threaded {
		return "", ErrUnusualXML // Excel's threaded comments, tied to the legacy ones by id
	}
	comments, _, hasComments := p.Related(sheet, "comments")
	vml := ""
	if legacy != "" {
		var ok bool
		if vml, ok = p.RelatedByID(sheet, legacy); !ok || !p.Has(vml) {
			return "", ErrUnusualXML
		}
		b, err := p.Read(vml)
		if err != nil {
			return "", err
		}
		if bytes.Count(b, []byte("ObjectType=")) != bytes.Count(b, []byte(`ObjectType="Note"`)) {
			return "", ErrUnusualXML
		}
	}
	if hasComments {
		b, r, top, err := p.elements(comments, "comments")
		if err != nil {
			return "", err
		}
		head = string(b[:r.startEnd])
		on := map[string]bool{}
		for _, n := range notes {
			ref, _ := excelize.CoordinatesToCellName(n.Col, n.Row)
			on[ref] = true
		}
		for _, t := range top {
			if t.name != "authors" && t.name != "commentList" {
				tail = append(tail, b[t.start:t.end]...)
				continue
			}
			if t.empty {
				continue
			}
			kids, err := children(b, t.startEnd, t.inner)
			if err != nil {
				return "", err
			}
			for _, k := range kids {
				switch {
				case t.name == "authors" && k.name == "author":
					s := scanner{b: b[:k.end], i: k.start}
					s.next()
					authors = append(authors, string(s.text(nil)))
				case t.name == "commentList" && k.name == "comment":
					if ref := attrValue(k.attrs, "ref"); !on[ref] {
						old = append(old, kept{ref, b[k.start:k.end]})
					}
				default:
					return "", ErrUnusualXML
				}
			}
		}
	} else {
		comments = p.freeName("xl/comments", ".xml")
	}
	id := len(authors)
	for i, a := range authors {
		if a == author {
			id = i
		}
	}
	if id == len(authors) {
		authors = append(authors, author)
	}

	var c strings.Builder
	c.WriteString(head + "<authors>")
	for _, a := range authors {
		c.WriteString("<author>" + Escape(a) + "</author>")
	}
	c.WriteString("</authors><commentList>")
	var cells [][2]int
	for _, k := range old {
		col, row, err := excelize.CellNameToCoordinates(k.ref)
		if err != nil {
			return "", ErrUnusualXML
		}
		c.Write(k.xml)
		cells = append(cells, [2]int{col, row})
	}
	for _, n := range notes {
		ref, err := excelize.CoordinatesToCellName(n.Col, n.Row)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&c, `<comment ref="%s" authorId="%d"><text><r><rPr><sz val="9"/><color indexed="81"/><rFont val="宋体"/><charset val="134"/></rPr><t xml:space="preserve">%s</t></r></text></comment>`,
			ref, id, Escape(n.Text))
		cells = append(cells, [2]int{n.Col, n.Row})
	}
	c.WriteString("</commentList>")
	c.Write(tail)
	c.WriteString("</comments>")
	if len(cells) > 1023 {
		return "", ErrUnusualXML // more than a drawing's block of shape ids
	}
	p.Set(comments, []byte(c.String()))

	if !hasComments {
		if _, err := p.relate(sheet, relComments, comments); err != nil {
			return "", err
		}
		if err := p.declare(comments, typeComments); err != nil {
			return "", err
		}
	}
	if vml == "" {
		vml = p.freeName("xl/drawings/vmlDrawing", ".vml")
		var err error
		if legacy, err = p.relate(sheet, relVML, vml); err != nil {
			return "", err
		}
		if err := p.declareDefault("vml", typeVML); err != nil {
			return "", err
		}
	}
	p.Set(vml, noteDrawing(p.drawingBlock(vml), cells))
	return legacy, nil
}

// drawingBlock is the block of shape ids (1,024 each, o:idmap) of a legacy drawing: the one it
// has, unless another drawing of the package has it too, else the first no drawing has.
func (p *Package) drawingBlock(vml string) int {
	used := map[int]bool{}
	own := 0
	for _, name := range p.order {
		if !strings.HasSuffix(strings.ToLower(name), ".vml") || !p.Has(name) {
			continue
		}
		b, err := p.Read(name)
		if err != nil {
			continue
		}
		i := bytes.Index(b, []byte("idmap"))
		if i < 0 {
			continue
		}
		start := bytes.LastIndexByte(b[:i], '<')
		if start < 0 {
			continue
		}
		s := scanner{b: b, i: start}
		_, _, attrs := s.next()
		for _, v := range strings.Split(attrValue(attrs, "data"), ",") {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 {
				continue
			}
			if name == vml && own == 0 {
				own = n
			} else {
				used[n] = true
			}
		}
	}
	if own > 0 && !used[own] {
		return own
	}
	for n := 1; ; n++ {
		if !used[n] {
			return n
		}
	}
}

// noteDrawing is the legacy (VML) drawing of comments on cells, hidden until the pointer is
// on their cell, as Excel draws them.
func noteDrawing(block int, cells [][2]int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">`+
		`<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="%d"/></o:shapelayout>`+
		`<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>`, block)
	for i, c := range cells {
		col, row := c[0]-1, c[1]-1 // 0-based
		fmt.Fprintf(&b, `<v:shape id="_x0000_s%d" type="#_x0000_t202" style="position:absolute;margin-left:%dpt;margin-top:%dpt;width:225pt;height:90pt;z-index:%d;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">`+
			`<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>`+
			`<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>%d, 15, %d, 10, %d, 15, %d, 4</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>%d</x:Row><x:Column>%d</x:Column></x:ClientData></v:shape>`,
			block*1024+i+1, 60+col*48, 2+max(row-1, 0)*15, i+1, col+1, max(row-1, 0), col+4, row+5, row, col)
	}
	b.WriteString("</xml>")
	return []byte(b.String())
}
