package docx

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"planreport/fonts"
	"planreport/report/brief"
)

// pictureScale is the pixels per point of a chart's picture: 216 dpi, sharp on paper.
const pictureScale = 3.0

// painter draws a chart's shapes (brief.Drawing) into a picture, its text in the embedded
// serif face: the Word document's charts are the PDF's, as pictures.
type painter struct {
	font  *opentype.Font
	faces map[float64]font.Face
}

func newPainter() (*painter, error) {
	f, err := fonts.Embedded(fonts.Serif)
	if err != nil {
		return nil, err
	}
	ot, err := opentype.Parse(f.Data())
	if err != nil {
		return nil, fmt.Errorf("读取图表字体：%w", err)
	}
	return &painter{font: ot, faces: map[float64]font.Face{}}, nil
}

func (p *painter) face(size float64) font.Face {
	if f, ok := p.faces[size]; ok {
		return f
	}
	f, err := opentype.NewFace(p.font, &opentype.FaceOptions{Size: size * pictureScale, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil
	}
	p.faces[size] = f
	return f
}

// measure is the width of text at size, in points.
func (p *painter) measure(s string, size float64) float64 {
	f := p.face(size)
	if f == nil {
		return size * float64(len([]rune(s)))
	}
	return float64(font.MeasureString(f, s)) / 64 / pictureScale
}

// png draws a chart laid out for width points as a PNG picture.
func (p *painter) png(c *brief.Chart, width float64) ([]byte, brief.Drawing, error) {
	d := c.Draw(width, p.measure)
	w, h := int(math.Ceil(d.W*pictureScale)), int(math.Ceil(d.H*pictureScale))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	px := func(v float64) float32 { return float32(v * pictureScale) }
	for _, s := range d.Shapes {
		rgb := color.RGBA{s.RGB[0], s.RGB[1], s.RGB[2], 255}
		switch s.Kind {
		case brief.RectShape:
			if s.Outline {
				for _, l := range [][4]float64{{s.X, s.Y, s.W, 0}, {s.X, s.Y + s.H, s.W, 0}, {s.X, s.Y, 0, s.H}, {s.X + s.W, s.Y, 0, s.H}} {
					line(img, px(l[0]), px(l[1]), px(l[0]+l[2]), px(l[1]+l[3]), px(s.LineWidth), color.RGBA{0, 0, 0, 255})
				}
				continue
			}
			fill(img, []point{{px(s.X), px(s.Y)}, {px(s.X + s.W), px(s.Y)}, {px(s.X + s.W), px(s.Y + s.H)}, {px(s.X), px(s.Y + s.H)}}, rgb)
		case brief.LineShape:
			line(img, px(s.X), px(s.Y), px(s.X+s.W), px(s.Y+s.H), px(s.LineWidth), rgb)
		case brief.TextShape:
			f := p.face(s.Size)
			if f == nil {
				continue
			}
			dr := font.Drawer{Dst: img, Src: image.NewUniform(rgb), Face: f,
				Dot: fixed.P(int(math.Round((s.X)*pictureScale)), int(math.Round((s.Y+s.Size*0.88)*pictureScale)))}
			dr.DrawString(s.Text)
		}
	}
	var b bytes.Buffer
	// The fastest compression: a chart is mostly white, and the default level took a tenth of
	// an 80-unit report's CPU for pictures a few KB smaller.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		return nil, d, err
	}
	return b.Bytes(), d, nil
}

// line draws a line width pixels wide as a filled quadrilateral.
func line(img *image.RGBA, x1, y1, x2, y2, width float32, c color.RGBA) {
	dx, dy := x2-x1, y2-y1
	n := float32(math.Hypot(float64(dx), float64(dy)))
	if n == 0 {
		return
	}
	width = max(width, 1)
	ox, oy := -dy/n*width/2, dx/n*width/2
	fill(img, []point{{x1 + ox, y1 + oy}, {x2 + ox, y2 + oy}, {x2 - ox, y2 - oy}, {x1 - ox, y1 - oy}}, c)
}

type point struct{ x, y float32 }

// fill fills a polygon with c, rasterizing only the pixels around it: a rasterizer the size of
// the picture for each shape cost a second per chart.
func fill(img *image.RGBA, pts []point, c color.RGBA) {
	minX, minY, maxX, maxY := pts[0].x, pts[0].y, pts[0].x, pts[0].y
	for _, p := range pts[1:] {
		minX, minY, maxX, maxY = min(minX, p.x), min(minY, p.y), max(maxX, p.x), max(maxY, p.y)
	}
	box := image.Rect(int(math.Floor(float64(minX))), int(math.Floor(float64(minY))), int(math.Ceil(float64(maxX))), int(math.Ceil(float64(maxY)))).Intersect(img.Bounds())
	if box.Empty() {
		return
	}
	ox, oy := float32(box.Min.X), float32(box.Min.Y)
	r := vector.NewRasterizer(box.Dx(), box.Dy())
	r.MoveTo(pts[0].x-ox, pts[0].y-oy)
	for _, p := range pts[1:] {
		r.LineTo(p.x-ox, p.y-oy)
	}
	r.ClosePath()
	r.Draw(img, box, image.NewUniform(c), box.Min)
}
