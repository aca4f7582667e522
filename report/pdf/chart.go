package pdf

import "fmt"

// Charts are drawn as vectors: rectangles, lines and text, in the report's own fonts.

type bar struct {
	label string
	value float64
	text  string // printed after the bar
}

// barChart draws horizontal bars scaled to maxValue, with gridlines at quarters.
func (d *doc) barChart(title string, bars []bar, maxValue float64, percent bool) {
	const rowH, labelW, textRoom = 17.0, 78.0, 92.0
	h := 24 + float64(len(bars))*rowH + 18
	d.need(h + 10)
	top := d.y + 6
	d.setFont(faceHeavy, sizeTable)
	d.text(marginLeft+(textW-d.textWidth(title))/2, top, title)
	x0, y0 := marginLeft+labelW, top+22
	plotW := textW - labelW - textRoom
	maxValue = niceMax(maxValue)
	d.setFont(faceBody, sizeSmall)
	for q := 0; q <= 4; q++ {
		x := x0 + plotW*float64(q)/4
		d.pdf.SetStrokeColor(190, 190, 190)
		d.pdf.SetLineWidth(0.4)
		d.pdf.Line(x, y0-2, x, y0+float64(len(bars))*rowH)
		tick := fmt.Sprintf("%g", maxValue*float64(q)/4)
		if percent {
			tick += "%"
		}
		d.text(x-d.textWidth(tick)/2, y0+float64(len(bars))*rowH+3, tick)
	}
	for i, b := range bars {
		y := y0 + float64(i)*rowH
		d.setFont(faceBody, sizeSmall)
		d.text(x0-6-d.textWidth(b.label), y+(rowH-sizeSmall)/2-1, b.label)
		w := plotW * b.value / maxValue
		if w > 0 {
			d.pdf.SetFillColor(70, 110, 160)
			d.pdf.RectFromUpperLeftWithStyle(x0, y+3, w, rowH-6, "F")
		}
		d.text(x0+w+5, y+(rowH-sizeSmall)/2-1, b.text)
	}
	d.pdf.SetStrokeColor(0, 0, 0)
	d.pdf.SetLineWidth(0.6)
	d.pdf.Line(x0, y0-2, x0, y0+float64(len(bars))*rowH)
	d.pdf.SetFillColor(0, 0, 0)
	d.y = top + h
}

type trendPoint struct {
	label             string
	completed, onTime float64 // percentages
}

// trendChart draws the completion and on-time rates of every collected period as two lines
// on a 0–100% scale.
func (d *doc) trendChart(title string, pts []trendPoint) {
	const h = 190.0
	d.need(h + 10)
	top := d.y + 6
	d.setFont(faceHeavy, sizeTable)
	d.text(marginLeft+(textW-d.textWidth(title))/2, top, title)
	x0, y0 := marginLeft+40, top+30
	plotW, plotH := textW-70, h-80
	d.setFont(faceBody, sizeSmall)
	for q := 0; q <= 4; q++ {
		y := y0 + plotH - plotH*float64(q)/4
		d.pdf.SetStrokeColor(190, 190, 190)
		d.pdf.SetLineWidth(0.4)
		d.pdf.Line(x0, y, x0+plotW, y)
		tick := fmt.Sprintf("%d%%", q*25)
		d.text(x0-6-d.textWidth(tick), y-sizeSmall/2-1, tick)
	}
	d.pdf.SetStrokeColor(0, 0, 0)
	d.pdf.SetLineWidth(0.6)
	d.pdf.Line(x0, y0, x0, y0+plotH)
	d.pdf.Line(x0, y0+plotH, x0+plotW, y0+plotH)
	xAt := func(i int) float64 {
		if len(pts) == 1 {
			return x0 + plotW/2
		}
		return x0 + 20 + (plotW-40)*float64(i)/float64(len(pts)-1)
	}
	yAt := func(v float64) float64 { return y0 + plotH - plotH*v/100 }
	series := []struct {
		name    string
		r, g, b uint8
		dash    bool
		value   func(trendPoint) float64
	}{
		{"任务完成率", 70, 110, 160, false, func(p trendPoint) float64 { return p.completed }},
		{"按时报送率", 200, 90, 40, true, func(p trendPoint) float64 { return p.onTime }},
	}
	for _, s := range series {
		d.pdf.SetStrokeColor(s.r, s.g, s.b)
		d.pdf.SetLineWidth(1.6)
		if s.dash {
			d.pdf.SetLineType("dashed")
		}
		for i := 1; i < len(pts); i++ {
			d.pdf.Line(xAt(i-1), yAt(s.value(pts[i-1])), xAt(i), yAt(s.value(pts[i])))
		}
		d.pdf.SetLineType("solid")
		for i, p := range pts {
			d.pdf.SetFillColor(s.r, s.g, s.b)
			d.pdf.RectFromUpperLeftWithStyle(xAt(i)-2.5, yAt(s.value(p))-2.5, 5, 5, "F")
			v := fmt.Sprintf("%.1f%%", s.value(p))
			d.pdf.SetFillColor(0, 0, 0)
			d.text(xAt(i)-d.textWidth(v)/2, yAt(s.value(p))-sizeSmall-5, v)
		}
	}
	for i, p := range pts {
		d.text(xAt(i)-d.textWidth(p.label)/2, y0+plotH+5, p.label)
	}
	// Legend.
	lx := x0 + plotW/2 - 110
	ly := y0 + plotH + 24
	for _, s := range series {
		d.pdf.SetStrokeColor(s.r, s.g, s.b)
		d.pdf.SetLineWidth(1.6)
		if s.dash {
			d.pdf.SetLineType("dashed")
		}
		d.pdf.Line(lx, ly+sizeSmall/2, lx+24, ly+sizeSmall/2)
		d.pdf.SetLineType("solid")
		d.text(lx+30, ly, s.name)
		lx += 120
	}
	d.pdf.SetStrokeColor(0, 0, 0)
	d.pdf.SetFillColor(0, 0, 0)
	d.pdf.SetLineWidth(0.5)
	d.y = top + h
}

// niceMax rounds a scale's top up to 1, 2, 2.5 or 5 times a power of ten, so that its quarter
// ticks are round numbers.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 4
	}
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
