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
}

// SetPage sets a sheet to print on A4, fit to the page's width, with narrow margins, the page
// header, "第 n 页 共 N 页" in the footer, and its title rows repeated on every page.
func SetPage(f *excelize.File, sheet string, p Page) error {
	size, one, zero := 9, 1, 0 // 9: A4
	orientation := "portrait"
	if p.Landscape {
		orientation = "landscape"
	}
	fit := true
	m, top := 0.4, 0.7
	for _, err := range []error{
		f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orientation, FitToWidth: &one, FitToHeight: &zero}),
		f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}),
		f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &top, Bottom: &top, Header: &m, Footer: &m}),
		f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
			OddHeader: "&L" + headerText(p.HeaderLeft, 100) + "&R" + headerText(p.HeaderRight, 40),
			OddFooter: "&C第 &P 页 共 &N 页",
		}),
	} {
		if err != nil {
			return err
		}
	}
	if p.TitleRows > 0 {
		return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles",
			RefersTo: "'" + strings.ReplaceAll(sheet, "'", "''") + "'!$1:$" + itoa(p.TitleRows), Scope: sheet})
	}
	return nil
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

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

// RowHeight is the height in points of a row of that many lines at the body size, within
// Excel's limit of 409.
func RowHeight(lines int) float64 {
	return math.Min(409, float64(lines)*13.5+4)
}
