// Package brief is the leaders' brief of a period (落实情况报告), as content: its sections,
// paragraphs, tables and charts, built once from a consolidated report and rendered as PDF
// (package report/pdf) and as Word (package report/docx). Every figure in it is counted
// from the report's tasks and units, once, here.
package brief

// Brief is the brief's content.
type Brief struct {
	Title    string   // the plan's title in 《》, one line of the cover
	Subtitle string   // 2023年第四季度落实情况报告
	Cover    []string // lines under the title on the cover: the plan's document number, the office, the date
	Sections []Section
	Annexes  []Section

	// Facts for a document's properties.
	Subject string // the plan's title
	Date    string // YYYY-MM-DD
}

// FullTitle is the title on one line, for a document's properties.
func (b *Brief) FullTitle() string { return b.Title + b.Subtitle }

// Section is a main section (一、总体情况) or an annex (附件1 …).
type Section struct {
	Heading string
	Blocks  []Block
}

// Kind is what a block is.
type Kind int

// The kinds of block.
const (
	Para        Kind = iota // body text, first line indented two characters
	Heading2                // a （一） heading, in 楷体
	Note                    // a small note under a table or chart
	TableBlock              // a table
	ChartBlock              // a chart
	Placeholder             // a marked place the office fills in: framed, not prose
)

// Block is one paragraph, heading, table or chart.
type Block struct {
	Kind  Kind
	Text  string
	Table *Table
	Chart *Chart
}

// Align is how a column's cells are aligned.
type Align int

// The alignments.
const (
	Left Align = iota
	Center
	Right
)

// Col is a table column.
type Col struct {
	Title string
	Width float64 // its share of what the fixed columns leave
	Align Align
	// Keep: the column's cells are short terms (a status, a light, a number, a unit's name)
	// that never break; the column is as wide as its widest cell.
	Keep bool
	// Terms: the cells are lists of terms separated by 、 (unit names); lines break only
	// between terms, unless a term alone is wider than the column.
	Terms bool
	// Light: the cells are lights (红灯, 黄灯, 绿灯), drawn with their colour beside the word.
	Light bool
}

// Row is a table row.
type Row struct {
	Cells []string
	Group bool // a group's title: its one cell spans the row
	Total bool // a subtotal or total: set in 黑体
}

// Table is a table with a caption above it.
type Table struct {
	Caption string // 表1 …; "" for none
	Cols    []Col
	Rows    []Row
	Small   bool // set in the smaller table type (many rows)
}

// Fill is how a bar is filled: colour with a pattern that survives black-and-white printing.
type Fill int

// The fills.
const (
	FillRed    Fill = iota // red, solid
	FillYellow             // yellow, hatched
	FillGreen              // green, dotted
	FillBlue               // blue, solid
	FillGrey               // grey, cross-hatched
)

// Bar is one bar of a chart.
type Bar struct {
	Value float64
	Text  string // printed after the bar: 17项, 33.3%
	Fill  Fill
}

// BarGroup is one row of a chart: a label and its bars, one under the other.
type BarGroup struct {
	Label string
	Bars  []Bar
}

// Chart is a horizontal bar chart with a caption below it. Every bar carries its figure as
// text and its label names what it counts, so the chart reads in black and white.
type Chart struct {
	Caption string
	Groups  []BarGroup
	Max     float64 // the axis's end
	Percent bool    // the axis is a percentage
	Legend  []Legend
}

// Legend is one entry of a chart's legend.
type Legend struct {
	Text string
	Fill Fill
}
