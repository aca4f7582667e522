package pdf

import (
	"github.com/signintech/gopdf"

	"planreport/fonts"
	"planreport/report"
	"planreport/report/brief"
)

// Cell padding: left and right, top and bottom.
const (
	cellPad = 3.0
	vPad    = 1.6
)

// tableLayout is a table measured for the page: its type size, column widths and leading.
type tableLayout struct {
	t       *brief.Table
	size    float64
	leading float64
	widths  []float64
}

// measureTable sizes a table's columns: a column of short terms is as wide as its widest
// cell (or title), so that a status word or a unit's name never breaks; the other columns
// share what is left by their widths.
func measureTable(d *doc, t *brief.Table) tableLayout {
	size := float64(sizeTable)
	if t.Small {
		size = sizeSmall
	}
	measure := func(s string, head bool) float64 {
		d.setFont(fonts.FangSong, size)
		if head {
			d.setFont(fonts.Hei, size)
		}
		return d.textWidth(s)
	}
	return tableLayout{t: t, size: size, leading: size * 1.25, widths: t.Widths(textW, size, 2*cellPad+1, measure)}
}

// cells wraps a row's cells for their columns.
func (l tableLayout) cells(d *doc, r brief.Row, header bool) ([][]string, float64) {
	st := fonts.FangSong
	if header || r.Total {
		st = fonts.Hei
	}
	if r.Group {
		d.setFont(fonts.Hei, l.size)
		text := ""
		if len(r.Cells) > 0 {
			text = r.Cells[0]
		}
		lines := d.wrap(text, textW-2*cellPad, "")
		return [][]string{lines}, float64(len(lines))*l.leading + 2*vPad
	}
	d.setFont(st, l.size)
	out := make([][]string, len(l.t.Cols))
	h := 0.0
	for i, c := range l.t.Cols {
		text := ""
		if i < len(r.Cells) {
			text = r.Cells[i]
		}
		width := l.widths[i] - 2*cellPad
		if c.Light && !header {
			width -= l.size * 1.1
		}
		terms := ""
		if c.Terms && !header {
			terms = "、"
		}
		out[i] = d.wrap(text, width, terms)
		h = max(h, float64(len(out[i]))*l.leading+2*vPad)
	}
	return out, h
}

// tableStart is the height of a table's caption, header and first row: what must stay
// together, and with the heading before it.
func tableStart(d *doc, t *brief.Table) float64 {
	l := measureTable(d, t)
	h := captionHeight(t)
	_, hh := l.cells(d, brief.Row{Cells: titles(t)}, true)
	h += hh
	for _, r := range t.Rows {
		_, rh := l.cells(d, r, false)
		h += rh
		if !r.Group {
			break
		}
	}
	return h
}

func captionHeight(t *brief.Table) float64 {
	if t.Caption == "" {
		return 0
	}
	return sizeCaption * 1.8
}

func titles(t *brief.Table) []string {
	out := make([]string, len(t.Cols))
	for i, c := range t.Cols {
		out[i] = c.Title
	}
	return out
}

// table draws a table under its caption, with its header repeated on every page it spans.
// A row stays whole on a page unless it is taller than a page; a group's title stays with
// the group's first row.
func table(d *doc, t *brief.Table) {
	l := measureTable(d, t)
	head := brief.Row{Cells: titles(t)}
	hw, hh := l.cells(d, head, true)
	d.need(tableStart(d, t))
	if t.Caption != "" {
		d.setFont(fonts.Hei, sizeCaption)
		d.centred(d.wrap(t.Caption, textW, ""), sizeCaption*1.8)
	}
	l.draw(d, head, hw, hh, true)
	for i, r := range t.Rows {
		wrapped, h := l.cells(d, r, false)
		need := h
		if r.Group && i+1 < len(t.Rows) { // a group's title with its first row
			_, nh := l.cells(d, t.Rows[i+1], false)
			need += nh
		}
		if need > d.room()+0.01 {
			if h > textBottom-marginTop-hh {
				wrapped, h = l.split(d, r, wrapped, head, hw, hh)
			} else {
				d.newPage()
				l.draw(d, head, hw, hh, true)
			}
		}
		l.draw(d, r, wrapped, h, false)
	}
	d.y += 8
}

// split draws the lines of a row taller than a page over as many pages as it takes, with the
// header on each, and returns the rest of it.
func (l tableLayout) split(d *doc, r brief.Row, wrapped [][]string, head brief.Row, hw [][]string, hh float64) ([][]string, float64) {
	h := 0.0
	for _, c := range wrapped {
		h = max(h, float64(len(c))*l.leading+2*vPad)
	}
	for h > d.room() {
		fit := int((d.room() - 2*vPad) / l.leading)
		if fit < 1 {
			d.newPage()
			l.draw(d, head, hw, hh, true)
			continue
		}
		part := make([][]string, len(wrapped))
		rest := make([][]string, len(wrapped))
		for i := range wrapped {
			k := min(fit, len(wrapped[i]))
			part[i], rest[i] = wrapped[i][:k], wrapped[i][k:]
		}
		l.draw(d, r, part, float64(fit)*l.leading+2*vPad, false)
		wrapped = rest
		h = 0
		for i := range rest {
			h = max(h, float64(len(rest[i]))*l.leading+2*vPad)
		}
		d.newPage()
		l.draw(d, head, hw, hh, true)
	}
	return wrapped, h
}

// draw draws one row, h high, at the current position.
func (l tableLayout) draw(d *doc, r brief.Row, wrapped [][]string, h float64, header bool) {
	shade := header || r.Group
	st := fonts.FangSong
	if header || r.Total || r.Group {
		st = fonts.Hei
	}
	d.pdf.SetStrokeColor(0, 0, 0)
	d.pdf.SetLineWidth(0.5)
	if r.Group {
		d.pdf.SetFillColor(242, 242, 242)
		d.pdf.RectFromUpperLeftWithStyle(marginLeft, d.y, textW, h, "F")
		d.pdf.RectFromUpperLeftWithStyle(marginLeft, d.y, textW, h, "D")
		d.setFont(st, l.size)
		ty := d.y + vPad + (l.leading-l.size)/2
		for _, line := range wrapped[0] {
			d.text(marginLeft+cellPad, ty, line)
			ty += l.leading
		}
		d.y += h
		return
	}
	x := marginLeft
	for i, c := range l.t.Cols {
		w := l.widths[i]
		if shade {
			d.pdf.SetFillColor(230, 230, 230)
			d.pdf.RectFromUpperLeftWithStyle(x, d.y, w, h, "F")
		}
		d.pdf.SetStrokeColor(0, 0, 0)
		d.pdf.RectFromUpperLeftWithStyle(x, d.y, w, h, "D")
		d.setFont(st, l.size)
		ty := d.y + vPad + (l.leading-l.size)/2
		lx0 := x + cellPad
		if c.Light && !header && i < len(r.Cells) && len(wrapped[i]) > 0 {
			if light, ok := lightOf(r.Cells[i]); ok {
				lightDot(d, lx0+l.size*0.45, ty+l.size*0.5, l.size*0.36, light)
				lx0 += l.size * 1.1
			}
		}
		if header { // titles are centred in the header's height
			ty += (h - 2*vPad - float64(len(wrapped[i]))*l.leading) / 2
		}
		for _, line := range wrapped[i] {
			lx := lx0
			align := c.Align
			if header {
				align = brief.Center
			}
			switch align {
			case brief.Center:
				lx = x + (w-d.textWidth(line))/2
			case brief.Right:
				lx = x + w - cellPad - d.textWidth(line)
			}
			d.setFont(st, l.size)
			d.text(lx, ty, line)
			ty += l.leading
		}
		x += w
	}
	d.y += h
}

func lightOf(s string) (report.Light, bool) {
	for _, l := range report.Lights {
		if s == l.Chinese() {
			return l, true
		}
	}
	return "", false
}

// lightDot draws a light as a filled circle, outlined so that it shows in black and white
// (the word beside it says which).
func lightDot(d *doc, cx, cy, r float64, l report.Light) {
	rgb := brief.FillGreen.RGB()
	switch l {
	case report.Red:
		rgb = brief.FillRed.RGB()
	case report.Yellow:
		rgb = brief.FillYellow.RGB()
	}
	d.pdf.SetFillColor(rgb[0], rgb[1], rgb[2])
	d.pdf.SetStrokeColor(60, 60, 60)
	d.pdf.SetLineWidth(0.3)
	// Four Bézier arcs make a circle.
	const k = 0.5523
	pts := [][8]float64{
		{cx + r, cy, cx + r, cy - k*r, cx + k*r, cy - r, cx, cy - r},
		{cx, cy - r, cx - k*r, cy - r, cx - r, cy - k*r, cx - r, cy},
		{cx - r, cy, cx - r, cy + k*r, cx - k*r, cy + r, cx, cy + r},
		{cx, cy + r, cx + k*r, cy + r, cx + r, cy + k*r, cx + r, cy},
	}
	var poly []gopdf.Point
	for _, p := range pts {
		for t := 0.0; t < 1; t += 0.125 {
			mt := 1 - t
			x := mt*mt*mt*p[0] + 3*mt*mt*t*p[2] + 3*mt*t*t*p[4] + t*t*t*p[6]
			y := mt*mt*mt*p[1] + 3*mt*mt*t*p[3] + 3*mt*t*t*p[5] + t*t*t*p[7]
			poly = append(poly, gopdf.Point{X: x, Y: y})
		}
	}
	d.pdf.Polygon(poly, "DF")
	d.pdf.SetFillColor(0, 0, 0)
	d.pdf.SetStrokeColor(0, 0, 0) // the table's borders again
	d.pdf.SetLineWidth(0.5)
}
