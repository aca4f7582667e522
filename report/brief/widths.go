package brief

import "strings"

// Widths sizes a table's columns to fill total points, for a renderer that measures text with
// measure (at the table's size; head is true for a title, set in 黑体) and pads each cell by
// pad points in all: a column of short terms (Keep) is as wide as its widest cell, its title
// taking two lines if it must; a column of terms (unit names) is at least as wide as its
// longest term, up to 11 characters; the other columns share the rest by their widths. The
// PDF measures with its fonts, the Word document estimates: one rule for both.
func (t *Table) Widths(total, size, pad float64, measure func(text string, head bool) float64) []float64 {
	out := make([]float64, len(t.Cols))
	// A title may take two lines, or three when the short terms would not fit the page
	// otherwise; a cell may not.
	keep := func(lines int) (fixed, shares float64) {
		for i, c := range t.Cols {
			if !c.Keep {
				shares += c.Width
				continue
			}
			rs := []rune(c.Title)
			w := measure(c.Title, true)
			if n := len(rs); n > 4 || (lines > 2 && n > 2) {
				w = measure(string(rs[:(n+lines-1)/lines]), true)
			}
			for _, r := range t.Rows {
				if !r.Group && i < len(r.Cells) {
					w = max(w, measure(r.Cells[i], false))
				}
			}
			if c.Light {
				w += size * 1.1 // the light's dot
			}
			out[i] = w + pad
			fixed += out[i]
		}
		return fixed, shares
	}
	fixed, shares := keep(2)
	if fixed > total {
		fixed, shares = keep(3)
	}
	rest := total - fixed
	if shares == 0 || rest < total*0.15 {
		// The short terms alone fill the page (or there is nothing else): the other columns
		// get a tenth each, and what is left goes to the widest column (the units' names), or
		// all shrink together.
		sum := fixed
		for i, c := range t.Cols {
			if !c.Keep {
				out[i] = total * 0.1
				sum += out[i]
			}
		}
		if sum < total {
			widest := 0
			for i := range out {
				if out[i] > out[widest] {
					widest = i
				}
			}
			out[widest] += total - sum
			return out
		}
		for i := range out {
			out[i] *= total / sum
		}
		return out
	}
	for i, c := range t.Cols {
		if !c.Keep {
			out[i] = rest * c.Width / shares
		}
	}
	// A column of terms is at least as wide as its longest term, within reason, taken from the
	// other flexible columns.
	for i, c := range t.Cols {
		if !c.Terms {
			continue
		}
		want := 0.0
		for _, r := range t.Rows {
			if r.Group || i >= len(r.Cells) {
				continue
			}
			for _, term := range strings.Split(r.Cells[i], "、") {
				want = max(want, measure(term+"、", false))
			}
		}
		// A term of more than 10 characters (区委依法治区委法治政府建设领导小组) may break.
		want = min(want, 11*size) + pad
		if extra := want - out[i]; extra > 0 {
			others := 0.0
			for j, o := range t.Cols {
				if j != i && !o.Keep {
					others += out[j]
				}
			}
			for j, o := range t.Cols {
				if j != i && !o.Keep && others > 0 {
					out[j] -= extra * out[j] / others
				}
			}
			out[i] = want
		}
	}
	return out
}
