package brief

import (
	"fmt"
	"math"
)

// A chart is laid out once, as shapes in points, and each renderer draws the shapes: the PDF
// as vectors, the Word document as a picture.

// ShapeKind is what a shape is.
type ShapeKind int

// The shapes.
const (
	RectShape ShapeKind = iota // a filled rectangle with a thin black outline
	LineShape                  // a line from (X, Y) to (X+W, Y+H)
	TextShape                  // text with its top-left corner at (X, Y)
)

// Shape is one shape of a drawing.
type Shape struct {
	Kind       ShapeKind
	X, Y, W, H float64
	RGB        [3]uint8 // fill (rect), stroke (line) or text colour
	Outline    bool     // a rect: draw a black outline
	LineWidth  float64
	Text       string
	Size       float64
}

// Drawing is a chart laid out in a box of W × H points.
type Drawing struct {
	W, H   float64
	Shapes []Shape
}

// Measure returns the width of text at a size in points, in the font the drawing's text is
// set in.
type Measure func(text string, size float64) float64

// Chart sizes, in points.
const (
	ChartText = 10.5 // labels and figures
	barH      = 10.5
	barGap    = 1.5
	groupGap  = 5.0
)

var black = [3]uint8{0, 0, 0}

// RGB is a fill's colour.
func (f Fill) RGB() [3]uint8 {
	switch f {
	case FillRed:
		return [3]uint8{200, 40, 40}
	case FillYellow:
		return [3]uint8{245, 200, 40}
	case FillGreen:
		return [3]uint8{70, 160, 80}
	case FillBlue:
		return [3]uint8{60, 100, 160}
	}
	return [3]uint8{190, 190, 190}
}

// Draw lays the chart out in a box width points wide.
func (c *Chart) Draw(width float64, measure Measure) Drawing {
	d := Drawing{W: width}
	labelW, textW := 0.0, 0.0
	for _, g := range c.Groups {
		labelW = max(labelW, measure(g.Label, ChartText))
		for _, b := range g.Bars {
			textW = max(textW, measure(b.Text, ChartText))
		}
	}
	x0 := labelW + 8
	plotW := width - x0 - textW - 10
	top := 4.0
	scale := c.Max
	if scale <= 0 {
		scale = 1
	}
	scale = niceMax(scale)
	bottom := top
	for _, g := range c.Groups {
		bottom += float64(len(g.Bars))*(barH+barGap) - barGap + groupGap
	}
	bottom += 4 - groupGap
	// The gridlines first, at each quarter with its figure below, then the bars over them.
	for q := 0; q <= 4; q++ {
		x := x0 + plotW*float64(q)/4
		tick := fmt.Sprintf("%g", scale*float64(q)/4)
		if c.Percent {
			tick += "%"
		}
		d.text(x-measure(tick, 9)/2, bottom+3, tick, 9, black)
		if q > 0 {
			d.Shapes = append(d.Shapes, Shape{Kind: LineShape, X: x, Y: top - 2, H: bottom - top + 2, RGB: [3]uint8{170, 170, 170}, LineWidth: 0.5})
		}
	}
	y := top
	for _, g := range c.Groups {
		gh := float64(len(g.Bars))*(barH+barGap) - barGap
		d.text(0, y+gh/2-ChartText/2, g.Label, ChartText, black)
		for _, b := range g.Bars {
			w := plotW * math.Min(b.Value, scale) / scale
			if w > 0 {
				d.bar(x0, y, w, barH, b.Fill)
			}
			// On white, over the gridlines.
			tw := measure(b.Text, ChartText)
			d.Shapes = append(d.Shapes, Shape{Kind: RectShape, X: x0 + w + 2, Y: y, W: tw + 4, H: barH, RGB: [3]uint8{255, 255, 255}})
			d.text(x0+w+4, y+(barH-ChartText)/2, b.Text, ChartText, black)
			y += barH + barGap
		}
		y += groupGap - barGap
	}
	d.Shapes = append(d.Shapes, Shape{Kind: LineShape, X: x0, Y: top - 2, H: bottom - top + 2, RGB: black, LineWidth: 0.6})
	y = bottom + 3 + 9 + 8
	if len(c.Legend) > 0 {
		total := 0.0
		for _, l := range c.Legend {
			total += 16 + measure(l.Text, ChartText) + 18
		}
		x := (width - total) / 2
		for _, l := range c.Legend {
			d.bar(x, y, 12, 10, l.Fill)
			d.text(x+16, y-0.5, l.Text, ChartText, black)
			x += 16 + measure(l.Text, ChartText) + 18
		}
		y += ChartText + 6
	}
	d.H = y
	return d
}

func (d *Drawing) text(x, y float64, s string, size float64, rgb [3]uint8) {
	d.Shapes = append(d.Shapes, Shape{Kind: TextShape, X: x, Y: y, Text: s, Size: size, RGB: rgb})
}

// bar draws a bar in its fill's colour with its pattern, outlined: the pattern tells the
// fills apart when printed in black and white.
func (d *Drawing) bar(x, y, w, h float64, f Fill) {
	d.Shapes = append(d.Shapes, Shape{Kind: RectShape, X: x, Y: y, W: w, H: h, RGB: f.RGB()})
	ink := [3]uint8{30, 30, 30}
	switch f {
	case FillYellow: // diagonal hatching
		d.hatch(x, y, w, h, 4, ink)
	case FillGreen: // dots
		for yy := y + 2; yy < y+h-1; yy += 3.5 {
			for xx := x + 2; xx < x+w-1; xx += 3.5 {
				d.Shapes = append(d.Shapes, Shape{Kind: RectShape, X: xx - 0.6, Y: yy - 0.6, W: 1.2, H: 1.2, RGB: ink})
			}
		}
	case FillGrey: // cross-hatching
		d.hatch(x, y, w, h, 4, ink)
		for s := 0.0; s < w+h; s += 4 {
			// lines from lower-left to upper-right, clipped to the bar
			x1, y1 := x+s, y+h
			if s > w {
				x1, y1 = x+w, y+h-(s-w)
			}
			x2, y2 := x+s-h, y
			if s < h {
				x2, y2 = x, y+h-s
			}
			d.Shapes = append(d.Shapes, Shape{Kind: LineShape, X: x2, Y: y2, W: x1 - x2, H: y1 - y2, RGB: ink, LineWidth: 0.4})
		}
	}
	d.Shapes = append(d.Shapes, Shape{Kind: RectShape, X: x, Y: y, W: w, H: h, Outline: true, LineWidth: 0.5})
}

// hatch draws lines from upper-left to lower-right across a box, every step points.
func (d *Drawing) hatch(x, y, w, h, step float64, ink [3]uint8) {
	for s := step / 2; s < w+h; s += step {
		x1, y1 := x+s, y // the line's upper end
		if s > w {
			x1, y1 = x+w, y+(s-w)
		}
		x2, y2 := x, y+s // its lower end
		if s > h {
			x2, y2 = x+(s-h), y+h
		}
		d.Shapes = append(d.Shapes, Shape{Kind: LineShape, X: x2, Y: y2, W: x1 - x2, H: y1 - y2, RGB: ink, LineWidth: 0.4})
	}
}

// niceMax rounds a scale's end up to 1, 2, 4, 5 or 8 times a power of ten, so that its
// quarters are round numbers.
func niceMax(v float64) float64 {
	p := 1.0
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []float64{1, 2, 4, 5, 8, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
