package xlsx

import (
	"math"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The look every workbook the tool writes shares: templates, the ledger, the findings and
// feedback workbooks and the report workbook. One palette, one body font, one border.
const (
	BodyFont    = "宋体"
	HeadingFont = "黑体"
	BodySize    = 10.0 // points

	HeaderFill = "D9E1F2" // header rows
	LockedFill = "F2F2F2" // cells the unit may not change
	InputFill  = "FFFBE6" // cells the unit fills
	BorderGrey = "808080"
)

// Border is the thin grey border of table cells.
var Border = []excelize.Border{{Type: "left", Color: BorderGrey, Style: 1}, {Type: "right", Color: BorderGrey, Style: 1},
	{Type: "top", Color: BorderGrey, Style: 1}, {Type: "bottom", Color: BorderGrey, Style: 1}}

// Styles are the cell styles of one workbook, made once by NewStyles.
type Styles struct {
	Header int // a table's header row: bold 黑体 on the header fill, centred, wrapped
	Text   int // body text, wrapped, top-aligned; text format (a task id such as 1.10 stays as written)
	Center int // as Text, centred
	Int    int // a whole number
	Pct    int // a share, 0.0%
	Title  int // a sheet's title: 16 pt 黑体, centred
	Label  int // a label beside a value: 11 pt 黑体
	Note   int // a value beside a label: 11 pt body font
	Locked int // a template cell the unit may not change: grey, locked
	Input  int // a template cell the unit fills: light yellow, unlocked

	Date     int // a date, yyyy-mm-dd: a real date, so that filters and sorting work
	DateTime int // a date and time, yyyy-mm-dd hh:mm
	Code     int // a long code (a file name, a checksum): not wrapped, so rows stay short
	Total    int // a subtotal or total: bold 黑体
	TotalPct int // a subtotal's share
}

// NewStyles adds the shared styles to a workbook.
func NewStyles(f *excelize.File) (Styles, error) {
	var err error
	style := func(s *excelize.Style) int {
		id, e := f.NewStyle(s)
		if err == nil {
			err = e
		}
		return id
	}
	body := &excelize.Font{Family: BodyFont, Size: BodySize}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	s := Styles{
		Header: style(&excelize.Style{Font: &excelize.Font{Family: HeadingFont, Size: BodySize, Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{HeaderFill}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Border: Border}),
		Text:   style(&excelize.Style{Font: body, Alignment: top, Border: Border, NumFmt: 49}),
		Center: style(&excelize.Style{Font: body, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}, Border: Border, NumFmt: 49}),
		Int:    style(&excelize.Style{Font: body, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top"}, Border: Border, NumFmt: 1}),
		Pct:    style(&excelize.Style{Font: body, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top"}, Border: Border, CustomNumFmt: ptr("0.0%")}),
		Title: style(&excelize.Style{Font: &excelize.Font{Family: HeadingFont, Size: 16, Bold: true},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}),
		Label: style(&excelize.Style{Font: &excelize.Font{Family: HeadingFont, Size: 11}, Alignment: top, Border: Border}),
		Note:  style(&excelize.Style{Font: &excelize.Font{Family: BodyFont, Size: 11}, Alignment: top, Border: Border}),
		Locked: style(&excelize.Style{Font: body, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{LockedFill}},
			Alignment: top, Border: Border, Protection: &excelize.Protection{Locked: true}, NumFmt: 49}),
		Input: style(&excelize.Style{Font: body, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{InputFill}},
			Alignment: top, Border: Border, Protection: &excelize.Protection{Locked: false}}),
		Date:     style(&excelize.Style{Font: body, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}, Border: Border, CustomNumFmt: ptr("yyyy-mm-dd")}),
		DateTime: style(&excelize.Style{Font: body, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}, Border: Border, CustomNumFmt: ptr("yyyy-mm-dd hh:mm")}),
		Code:     style(&excelize.Style{Font: body, Alignment: &excelize.Alignment{Vertical: "top"}, Border: Border, NumFmt: 49}),
		Total: style(&excelize.Style{Font: &excelize.Font{Family: HeadingFont, Size: BodySize, Bold: true}, Alignment: top,
			Border: Border, NumFmt: 1}),
		TotalPct: style(&excelize.Style{Font: &excelize.Font{Family: HeadingFont, Size: BodySize, Bold: true},
			Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top"}, Border: Border, CustomNumFmt: ptr("0.0%")}),
	}
	return s, err
}

func ptr[T any](v T) *T { return &v }

// Page is how a sheet prints.
type Page struct {
	Landscape   bool
	HeaderLeft  string // the page header's left and right parts, plain text
	HeaderRight string
	TitleRows   int // rows repeated at the top of every printed page (0: none)
	// Width is the printed columns' width, in column-width units (the sum of the widths given
	// to SetColWidth): the page is fitted to its width only while that keeps the text at 90%
	// or more (9 pt and up for the 10 pt body); wider sheets print at 90% across pages.
	Width float64
	// Columns, when not 0, is how many columns print (the rest, a file name or a checksum
	// for the office's screen, do not).
	Columns int
}

// The printable width of an A4 page with SetPage's margins, and the least scale that keeps
// the 10 pt body text at 9 pt.
const (
	printableLandscape = (297 - 2*0.4*25.4) * 72 / 25.4 // points
	printablePortrait  = (210 - 2*0.4*25.4) * 72 / 25.4
	minScale           = 0.9
	pointsPerUnit      = 7 * 0.75 // a column-width unit is the default font's digit, 7 pixels
)

// Scale is the scale a sheet of that many column-width units prints at under p: 1 when it fits,
// less when it is fitted to the page, never less than 90%.
func (p Page) Scale() float64 {
	printable := printablePortrait
	if p.Landscape {
		printable = printableLandscape
	}
	natural := p.Width * pointsPerUnit
	if natural <= printable {
		return 1
	}
	return max(minScale, printable/natural)
}

// fit is how a page is scaled: fitted to its width while that keeps the text at 90% or more
// (fit true), else at 90%.
func (p Page) fit() (*excelize.PageLayoutOptions, bool) {
	one, zero := 1, 0
	layout := &excelize.PageLayoutOptions{}
	if p.Scale() > minScale || p.Width == 0 {
		layout.FitToWidth, layout.FitToHeight = &one, &zero
		return layout, true
	}
	scale := uint(minScale * 100)
	layout.AdjustTo = &scale
	return layout, false
}

// SetPage sets a sheet to print on A4 with narrow margins, fitted to the page's width where
// that keeps its text readable (else at 90%, its columns over more pages), with the page
// header, "第 n 页 共 N 页" in the footer, and its title rows repeated on every page.
func SetPage(f *excelize.File, sheet string, p Page) error {
	size := 9 // A4
	orientation := "portrait"
	if p.Landscape {
		orientation = "landscape"
	}
	layout, fit := p.fit()
	layout.Size, layout.Orientation = &size, &orientation
	m, top := 0.4, 0.7
	for _, err := range []error{
		f.SetPageLayout(sheet, layout),
		f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}),
		f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &top, Bottom: &top, Header: &m, Footer: &m}),
		f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
			OddHeader: "&L" + HeaderText(p.HeaderLeft) + "&R" + headerText(p.HeaderRight, 40),
			OddFooter: "&C第 &P 页 共 &N 页",
		}),
	} {
		if err != nil {
			return err
		}
	}
	quoted := "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
	if p.Columns > 0 {
		last, err := excelize.ColumnNumberToName(p.Columns)
		if err != nil {
			return err
		}
		if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", RefersTo: quoted + "!$A:$" + last, Scope: sheet}); err != nil {
			return err
		}
	}
	if p.TitleRows > 0 {
		return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles",
			RefersTo: quoted + "!$1:$" + itoa(p.TitleRows), Scope: sheet})
	}
	return nil
}

// MoveSheet moves sheet before target. excelize's MoveSheet (and a sheet added in front)
// reorders the sheets but leaves sheet-scoped defined names (print titles and areas, each
// autofilter's _xlnm._FilterDatabase) with their old sheet positions, so that they would name
// the wrong sheets: they are renumbered here.
func MoveSheet(f *excelize.File, sheet, target string) error {
	before := f.GetSheetList()
	if err := f.MoveSheet(sheet, target); err != nil {
		return err
	}
	after := map[string]int{}
	for i, s := range f.GetSheetList() {
		after[s] = i
	}
	wb := f.WorkBook
	if wb == nil || wb.DefinedNames == nil {
		return nil
	}
	for i := range wb.DefinedNames.DefinedName {
		dn := &wb.DefinedNames.DefinedName[i]
		if dn.LocalSheetID == nil || *dn.LocalSheetID < 0 || *dn.LocalSheetID >= len(before) {
			continue
		}
		id := after[before[*dn.LocalSheetID]]
		dn.LocalSheetID = &id
	}
	return nil
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// HeaderText is text as a page header's left part shows it: at most 100 characters, with
// its ampersands doubled (a lone & starts a header code).
func HeaderText(s string) string { return headerText(s, 100) }

// headerText escapes & for a page header and keeps it short: Excel refuses a header of more
// than 255 characters.
func headerText(s string, n int) string {
	if rs := []rune(s); len(rs) > n {
		s = string(rs[:n-1]) + "…"
	}
	return strings.ReplaceAll(s, "&", "&&")
}

// Character widths in column-width units at the body size: spreadsheet clients measure a
// column in the width of a digit, and a Chinese character is about two of them.
const (
	narrowWidth = 0.9
	wideWidth   = 1.75
)

// WrappedLines estimates how many lines text takes in a column of the given width (in
// column-width units) at the body size. Clients do not grow rows to fit wrapped text on their
// own, so the writers size rows with it.
func WrappedLines(text string, width float64) int {
	lines := 0
	for {
		// One paragraph at a time, without splitting the text: this runs for every cell of
		// the report's detail.
		para, rest, more := strings.Cut(text, "\n")
		units := 0.0
		for _, r := range para {
			if r < 0x2E80 {
				units += narrowWidth
			} else {
				units += wideWidth
			}
		}
		lines += max(1, int(math.Ceil(units/math.Max(1, width-1))))
		if !more {
			return lines
		}
		text = rest
	}
}

// HeaderHeight is the height of a header row of that many lines: a little more room than a
// body row.
func HeaderHeight(lines int) float64 { return RowHeight(lines) + 4 }

// RowHeight is the height in points of a row of that many lines at the body size, within
// Excel's limit of 409. A line is 14.5 points: Excel sets 宋体 10 pt in 13.5, but LibreOffice
// and WPS, with other Chinese faces, take more, and a row too short clips its last line.
func RowHeight(lines int) float64 {
	return math.Min(409, float64(lines)*14.5+4)
}
