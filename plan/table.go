package plan

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"planreport/internal/xlsx"

	"github.com/xuri/excelize/v2"
)

// A plan's division of labour is often a table (任务分工表): in a .docx, rows of a w:tbl that
// DocumentText gives as lines of cells joined by tabs; in an .xlsx, the rows of its sheets
// (workbookLines). Both come to the parser as such lines; tableLine reads them.

// tableLayout is the header of a plan written as a table (序号, 任务, 牵头单位, 责任单位,
// 完成时限…), found by its words wherever it stands.
type tableLayout struct {
	cells     []string // the header row as written, to skip it where it is repeated
	id        int      // column of 序号, or -1
	text      []int
	group     int // column of a category (类别, 领域), or -1
	units     []int
	roles     []labelRole // the role of each column in units
	deadline  int         // or -1
	ignored   []int       // columns with a header the tool does not know
	lastGroup string      // a category cell merged over several rows is empty after its first
	auto      int         // row count, for ids when there is no 序号 column
}

var (
	tableIDHeaders  = []string{"序号", "编号", "序", "任务编号", "任务序号", "项目编号"}
	categoryHeaders = []string{"类别", "领域", "重点领域", "任务类别", "工作类别", "项目类别", "板块", "方面", "专项", "类型", "重点任务类别"}
	reTextHeader    = lazyRegexp(`任务|措施|举措|事项|内容|工作要点|目标|重点工作|工作$|项目$`)
)

// tableCells splits a table row into its cells, each cleaned.
func tableCells(line string) []string {
	cells := strings.Split(line, "\t")
	for i, c := range cells {
		cells[i] = cleanLine(c)
	}
	return cells
}

// tableHeader reads a header row: it needs a task column and a unit column.
func tableHeader(cells []string) *tableLayout {
	if len(cells) < 3 {
		return nil
	}
	tl := &tableLayout{cells: cells, id: -1, group: -1, deadline: -1}
	for i, c := range cells {
		h := strings.TrimRight(NormalizeUnitName(c), ":：")
		if h == "" {
			continue
		}
		if utf8.RuneCountInString(h) > 12 {
			tl.ignored = append(tl.ignored, i)
			continue
		}
		role := classifyLabel(h)
		switch {
		case contains(tableIDHeaders, h):
			tl.id = i
		case contains(categoryHeaders, h):
			tl.group = i
		case role == roleDeadline:
			if tl.deadline < 0 {
				tl.deadline = i
			} else {
				tl.ignored = append(tl.ignored, i)
			}
		case role != roleOther && role != roleScope:
			tl.units = append(tl.units, i)
			tl.roles = append(tl.roles, role)
		case role == roleOther && reTextHeader.MatchString(h) && !strings.Contains(h, "来源") && !strings.Contains(h, "依据") && !strings.Contains(h, "情况"):
			tl.text = append(tl.text, i)
		default:
			tl.ignored = append(tl.ignored, i)
		}
	}
	if len(tl.text) == 0 || len(tl.units) == 0 {
		return nil
	}
	return tl
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sameRow reports whether two rows hold the same cells: a header repeated on each page.
func sameRow(a, b []string) bool {
	a, b = trimEmpty(a), trimEmpty(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if NormalizeUnitName(a[i]) != NormalizeUnitName(b[i]) {
			return false
		}
	}
	return true
}

func trimEmpty(cells []string) []string {
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}

// tableLine reads a line holding tabs: a table's header row, or one of its rows while a table is
// open. It returns false when the line is to be read as ordinary text (a row with only one
// filled cell, such as a merged 一、… heading row, or tabs outside a table).
func (ps *parser) tableLine(line string) bool {
	cells := tableCells(line)
	if ps.table != nil && sameRow(cells, ps.table.cells) {
		return true // the header again, as on each page
	}
	if tl := tableHeader(cells); tl != nil {
		ps.closeTask()
		ps.table = tl
		for _, i := range tl.ignored {
			ps.note(Notice{Kind: NoticeIgnoredColumn, At: ps.cellAt(i), Item: cells[i],
				Message: fmt.Sprintf("表格第 %d 列“%s”不是可识别的列（序号、任务内容、牵头单位、责任单位、配合单位、完成时限等），该列内容未导入", i+1, cells[i])})
		}
		return true
	}
	tl := ps.table
	if tl == nil {
		return false
	}
	filled := 0
	for _, c := range cells {
		if c != "" {
			filled++
		}
	}
	if filled <= 1 {
		return false
	}
	cell := func(i int) string {
		if i >= 0 && i < len(cells) {
			return cells[i]
		}
		return ""
	}
	var text strings.Builder
	for _, i := range tl.text {
		// A text cell's paragraphs arrive joined by a space (see DocumentText): Chinese
		// prose needs none.
		c := joinCJKSpaces(cell(i))
		if c == "" {
			continue
		}
		if text.Len() > 0 && !strings.ContainsAny(lastRune(text.String()), "。；;：:，,！？") {
			text.WriteString("：")
		}
		text.WriteString(c)
	}
	var ub unitBracket
	for k, i := range tl.units {
		ub.add(tl.roles[k], cell(i), "")
		if tl.roles[k] == roleLead || tl.roles[k] == roleLeadResp {
			ub.hasLead = true // the table has a lead column, even where a cell is empty
		}
	}
	ub.add(roleDeadline, cell(tl.deadline), "")
	if text.Len() == 0 && !ub.hasUnits() {
		return true // an empty or spacer row
	}
	if idCell := halfWidthNumbering(cell(tl.id)); !ub.hasUnits() && (reSection.MatchString(idCell) || rePart.MatchString(idCell+"、")) && cnNumber(strings.Trim(idCell, "（()）、")) > 0 {
		// A heading row: （一）| 加强战略科技力量建设。
		sep := ""
		if rePart.MatchString(idCell+"、") && !strings.HasSuffix(idCell, "、") {
			sep = "、"
		}
		ps.line(idCell + sep + text.String())
		return true
	}
	tl.auto++
	id := strings.TrimRight(halfWidthNumbering(cell(tl.id)), ".．、 ")
	switch {
	case tl.id < 0:
		id = strconv.Itoa(tl.auto)
	case id == "":
		ps.unnumbered++
		id = fmt.Sprintf("未编号%d", ps.unnumbered)
	}
	if n, err := strconv.Atoi(id); err == nil {
		ps.numbered("row", "", n, id)
	}
	ps.closeTask()
	ps.open(id, text.String())
	ps.cur.at = ps.cellAt(firstOf(tl.text))
	ps.cur.group = ""
	if tl.group >= 0 {
		if g := cell(tl.group); g != "" {
			tl.lastGroup = g
		}
		ps.cur.group = tl.lastGroup
	}
	if text.Len() == 0 {
		ps.skip(ps.cur, SkipNoText)
		ps.cur = nil
		return true
	}
	ps.cur.brackets = []unitBracket{ub}
	ps.closeTask()
	return true
}

func firstOf(cols []int) int {
	if len(cols) == 0 {
		return 0
	}
	return cols[0]
}

// cellAt is the location of a column of the line being read: its cell in a workbook, the line
// otherwise.
func (ps *parser) cellAt(col int) Location {
	at := ps.at
	if at.Sheet != "" && at.Cell != "" {
		if _, row, err := excelize.CellNameToCoordinates(at.Cell); err == nil {
			if name, err := excelize.CoordinatesToCellName(col+1, row); err == nil {
				at.Cell = name
			}
		}
	}
	return at
}

func lastRune(s string) string {
	r, _ := utf8.DecodeLastRuneInString(s)
	return string(r)
}

// joinCJKSpaces removes the spaces between two Chinese characters or punctuation marks,
// keeping those around Latin words and numbers.
func joinCJKSpaces(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if c == ' ' && i > 0 && i+1 < len(r) && r[i-1] >= 0x2E80 && r[i+1] >= 0x2E80 {
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// isWorkbook reports whether data is an .xlsx: a zip holding xl/workbook.xml.
func isWorkbook(data []byte) bool {
	if !bytes.HasPrefix(data, zipMagic) {
		return false
	}
	zr, err := xlsx.OpenZip(data)
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		return false
	}
	for _, f := range zr.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), "xl/workbook.xml") {
			return true
		}
	}
	return false
}

// Limits of a plan workbook.
const (
	maxSheetRows = 20000
	maxSheetCols = 64
)

// workbookLines reads an .xlsx plan: each sheet's rows as lines of cells joined by tabs,
// located by sheet and cell. A merged cell reads as its value repeated over the cells it
// covers (a lead unit merged down several rows leads each of them); a row whose cells are all
// one merged value (a section heading) reads as that value once.
func workbookLines(name string, data []byte) (lines []srcLine, err error) {
	defer func() {
		if r := recover(); r != nil {
			lines, err = nil, fmt.Errorf("%s：Excel 文件已损坏，无法读取（%v）。请在 Excel/WPS 中打开后重新另存为 .xlsx 再试", name, r)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return nil, fmt.Errorf("%s：Excel 文件已损坏或已加密，无法读取（%v）。请在 Excel/WPS 中打开后另存为 .xlsx（不设密码）再试", name, err)
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		rows, err := sheetRows(f, sheet)
		if err != nil {
			return nil, &sheetError{at: Location{Sheet: sheet}, err: fmt.Errorf("%s：工作表「%s」：%w", name, sheet, err)}
		}
		for r, row := range rows {
			lines = append(lines, srcLine{text: workbookRow(row), at: Location{Sheet: sheet, Cell: "A" + strconv.Itoa(r+1)}})
		}
	}
	return lines, nil
}

// sheetError is a workbook error located on a sheet.
type sheetError struct {
	at  Location
	err error
}

func (e *sheetError) Error() string { return e.err.Error() }
func (e *sheetError) Unwrap() error { return e.err }

// workbookRow joins a row's cells with tabs; a row whose filled cells all hold one value (a
// heading merged across) is that value alone.
func workbookRow(row []string) string {
	one := ""
	for _, c := range row {
		c = strings.TrimSpace(c)
		switch {
		case c == "":
		case one == "":
			one = c
		case c != one:
			for i := range row {
				row[i] = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(row[i])
			}
			return strings.Join(row, "\t")
		}
	}
	return one
}

// sheetRows reads a sheet's cell values, merged cells filled in, within maxSheetRows and
// maxSheetCols.
func sheetRows(f *excelize.File, sheet string) ([][]string, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var rows [][]string
	for it.Next() {
		if len(rows) >= maxSheetRows {
			return nil, fmt.Errorf("超过 %d 行，不像是计划任务表。请删除多余的行，或把任务表另存为单独的文件后重试", maxSheetRows)
		}
		cols, err := it.Columns()
		if err != nil {
			return nil, err
		}
		if len(cols) > maxSheetCols {
			cols = trimEmpty(cols)
			if len(cols) > maxSheetCols {
				return nil, fmt.Errorf("第 %d 行超过 %d 列，不像是计划任务表。请删除多余的列后重试", len(rows)+1, maxSheetCols)
			}
		}
		rows = append(rows, cols)
	}
	if err := it.Error(); err != nil {
		return nil, err
	}
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		return nil, err
	}
	for _, m := range merged {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || c2 > maxSheetCols || r2 > len(rows) {
			continue
		}
		v := m.GetCellValue()
		for r := r1; r <= r2; r++ {
			for c := c1; c <= c2; c++ {
				for len(rows[r-1]) < c {
					rows[r-1] = append(rows[r-1], "")
				}
				rows[r-1][c-1] = v
			}
		}
	}
	return rows, nil
}
