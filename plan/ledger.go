package plan

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"planreport/internal/xlsx"

	"github.com/xuri/excelize/v2"
)

// The ledger's sheets. Their names and column headers are what ReadLedger looks for; columns
// are found by header, so the office may reorder or add columns.
const (
	SheetGuide       = "说明"
	SheetInfo        = "计划"
	SheetTasks       = "任务"
	SheetUnits       = "单位"
	SheetGroups      = "分组"
	SheetAssignments = "分工"
)

// LedgerVersion is the ledger layout's version, recorded on the 计划 sheet.
const LedgerVersion = "1"

var (
	taskHeaders       = []string{"任务编号", "所属部分", "所属章节", "所属事项", "任务内容", "牵头单位", "责任单位", "完成时限", "时限类型", "截止日期"}
	unitHeaders       = []string{"单位名称", "类别", "别名", "报送单位", "联系人", "联系电话", "电子邮箱", "备注"}
	groupHeaders      = []string{"分组名称", "包含类别", "成员单位", "说明"}
	assignmentHeaders = []string{"任务编号", "单位", "角色", "依据"}
	infoKeys          = []string{"标题", "文号", "发布日期", "来源文件", "台账格式版本", "报送办公室", "办公室联系人", "办公室电话", "办公室邮箱"}

	// The headers ReadLedger insists on: without them the office's data would be silently
	// lost (every task without a lead, every alias forgotten), so a deleted one is an error.
	taskRequired  = []string{"任务编号", "任务内容", "牵头单位", "责任单位", "完成时限"}
	unitRequired  = []string{"单位名称", "类别", "别名", "报送单位"}
	groupRequired = []string{"分组名称", "包含类别", "成员单位"}
)

// listSep joins the names in one ledger cell; ReadLedger also accepts ，,；; and new lines.
const listSep = "、"

var guideLines = []string{
	"计划台账使用说明",
	"",
	"本工作簿是行动计划的台账，导入后即为后续各项工作（生成模板、汇总报告）的依据。可在 Excel、WPS 或 LibreOffice 中编辑后保存为 .xlsx。",
	"「计划」表：计划标题、文号、发布日期；请填写报送办公室、办公室联系人、电话和邮箱，它们会印在每份报送模板上。",
	"「任务」表：每行一项任务。牵头单位、责任单位按计划原文填写，多个单位用顿号“、”分隔；完成时限为原文，截止日期按时限推算（可手工更正，格式 2024-06-30）。",
	"「单位」表：单位名录。请补充联系人、联系电话、电子邮箱；“类别”决定“各镇乡街道”“区政府各部门”等分组包含哪些单位；“别名”填写计划中对该单位的其他写法；“报送单位”填写代为报送的单位（如领导小组由其办公室报送）。",
	"「分组」表：计划中代表多个单位的说法。“包含类别”按单位类别展开；“成员单位”逐一列出单位（须与单位表一致）。说明为“待办公室指定成员单位”的分组，请填写成员单位后保存。",
	"「分工」表：由程序按以上各表展开生成，仅供查看；修改单位表或分组表后，运行 planreport plan refresh 重新生成。",
	"「导入提示」表：导入计划文件时没有作为任务的编号条目（标题、说明，或括号写法无法识别的条目）、编号不连续之处、忽略的表格列等，请对照计划原文核对；重新导入时更新。",
	"",
	"检查台账：planreport plan check plan.xlsx",
}

// WriteLedger writes a new plan ledger workbook to path, atomically: a crash leaves either the
// old file or the new one.
func (p *Plan) WriteLedger(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	lw := ledgerWriter{f: f}
	lw.styles()
	f.SetSheetName("Sheet1", SheetGuide)
	for i, l := range guideLines {
		lw.setRow(SheetGuide, i+1, []any{l})
	}
	f.SetColWidth(SheetGuide, "A", "A", 120)
	f.SetCellStyle(SheetGuide, "A1", "A1", lw.title)
	f.SetCellStyle(SheetGuide, "A2", fmt.Sprintf("A%d", len(guideLines)), lw.wrap)
	lw.infoSheet(p)
	lw.taskSheet(p)
	lw.table(SheetUnits, unitHeaders, []float64{30, 12, 20, 24, 10, 16, 24, 20}, func(add func(...any)) {
		for _, u := range p.Units {
			add(unitRow(u)...)
		}
	})
	lw.table(SheetGroups, groupHeaders, []float64{26, 28, 60, 24}, func(add func(...any)) {
		for _, g := range p.Groups {
			add(groupRow(g)...)
		}
	})
	lw.assignmentSheet(p)
	lw.noticeSheet(p)
	// The category column offers the categories as a drop-down; other values stay allowed so
	// that an office with its own categories is not blocked.
	dv := excelize.NewDataValidation(true)
	dv.Sqref = "B2:B5000"
	if err := dv.SetDropList(Categories); err == nil {
		dv.SetError(excelize.DataValidationErrorStyleWarning, "类别", "建议从下拉列表中选择单位类别")
		f.AddDataValidation(SheetUnits, dv)
	}
	f.SetActiveSheet(0)
	if lw.err != nil {
		return fmt.Errorf("生成台账 %s：%w", path, lw.err)
	}
	return xlsx.Save(f, path)
}

// UpdateLedger rewrites an existing ledger in place for a re-imported plan: the 计划, 任务 and
// 分工 sheets are replaced, units and groups the office's registry lacks are appended, and
// everything else the office did to the workbook (contacts, extra columns, formatting, other
// sheets) is left as it was. With tasks false only 分工 is regenerated (plan refresh).
func (p *Plan) UpdateLedger(path string, tasks bool, newUnits []Unit, newGroups []Group) error {
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return fmt.Errorf("打开计划台账 %s：%w", path, err)
	}
	defer f.Close()
	lw := ledgerWriter{f: f}
	lw.styles()
	if tasks {
		lw.replace(SheetInfo, func() { lw.infoSheet(p) })
		lw.replace(SheetTasks, func() { lw.taskSheet(p) })
		lw.replace(SheetNotices, func() { lw.noticeSheet(p) })
	}
	for _, u := range newUnits {
		lw.appendRow(SheetUnits, unitHeaders, unitRow(u))
	}
	for _, g := range newGroups {
		lw.appendRow(SheetGroups, groupHeaders, groupRow(g))
	}
	lw.replace(SheetAssignments, func() { lw.assignmentSheet(p) })
	if lw.err != nil {
		return fmt.Errorf("更新台账 %s：%w", path, lw.err)
	}
	return xlsx.Save(f, path)
}

func unitRow(u Unit) []any {
	return []any{u.Name, u.Category, strings.Join(u.Aliases, listSep), u.ReportsThrough, u.Contact, u.Phone, u.Email, u.Note}
}

func groupRow(g Group) []any {
	return []any{g.Name, strings.Join(g.Categories, listSep), strings.Join(g.Members, listSep), g.Note}
}

func (lw *ledgerWriter) infoSheet(p *Plan) {
	lw.table(SheetInfo, []string{"项目", "内容"}, []float64{16, 80}, func(add func(...any)) {
		for i, v := range []string{p.Title, p.DocNumber, p.Issued, p.Source, LedgerVersion,
			p.Office.Name, p.Office.Contact, p.Office.Phone, p.Office.Email} {
			add(infoKeys[i], v)
		}
	})
}

func (lw *ledgerWriter) taskSheet(p *Plan) {
	lw.table(SheetTasks, taskHeaders, []float64{6, 12, 14, 14, 40, 18, 24, 9, 6, 11}, func(add func(...any)) {
		for _, t := range p.Tasks {
			add(t.ID, t.Part, t.Section, t.Group, t.Text, strings.Join(t.Lead, listSep), strings.Join(t.Responsible, listSep),
				t.Deadline.Text, t.Deadline.Kind.ChineseName(), t.Deadline.Due)
		}
	})
}

func (lw *ledgerWriter) assignmentSheet(p *Plan) {
	lw.table(SheetAssignments, assignmentHeaders, []float64{10, 30, 8, 24}, func(add func(...any)) {
		for _, a := range p.Assignments() {
			add(a.Task, a.Unit, a.Role.ChineseName(), a.Via)
		}
	})
}

// replace rebuilds a sheet through build, keeping its place among the sheets.
func (lw *ledgerWriter) replace(sheet string, build func()) {
	if lw.err != nil {
		return
	}
	list := lw.f.GetSheetList()
	pos := -1
	for i, s := range list {
		if s == sheet {
			pos = i
		}
	}
	if pos < 0 {
		build()
		return
	}
	tmp := sheet + "_旧"
	if lw.err = lw.f.SetSheetName(sheet, tmp); lw.err != nil {
		return
	}
	build()
	if lw.err != nil {
		return
	}
	if lw.err = lw.f.DeleteSheet(tmp); lw.err != nil {
		return
	}
	// SetSheetName pointed the workbook's defined names (the office's named ranges, print
	// areas) at the old sheet; point them at its replacement.
	lw.renameDefinedNameRefs(tmp, sheet)
	if pos+1 < len(list) {
		lw.moveSheet(sheet, list[pos+1])
	}
}

// renameDefinedNameRefs rewrites references to sheet from in the workbook's defined names
// to sheet to.
func (lw *ledgerWriter) renameDefinedNameRefs(from, to string) {
	wb := lw.f.WorkBook
	if wb == nil || wb.DefinedNames == nil {
		return
	}
	r := strings.NewReplacer("'"+from+"'!", "'"+to+"'!", from+"!", "'"+to+"'!")
	for i := range wb.DefinedNames.DefinedName {
		dn := &wb.DefinedNames.DefinedName[i]
		dn.Data = r.Replace(dn.Data)
	}
}

// moveSheet moves sheet before target, its defined names following it (xlsx.MoveSheet).
func (lw *ledgerWriter) moveSheet(sheet, target string) {
	if lw.err == nil {
		lw.err = xlsx.MoveSheet(lw.f, sheet, target)
	}
}

// appendRow adds a row after a sheet's last row, placing values under their headers.
func (lw *ledgerWriter) appendRow(sheet string, headers []string, values []any) {
	if lw.err != nil {
		return
	}
	rows, err := lw.f.GetRows(sheet)
	if err != nil {
		lw.err = err
		return
	}
	if len(rows) == 0 {
		lw.err = fmt.Errorf("「%s」表没有表头", sheet)
		return
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	n := len(rows) + 1
	for i, h := range headers {
		c, ok := col[h]
		if !ok {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(c+1, n)
		if lw.err = lw.f.SetCellValue(sheet, cell, values[i]); lw.err != nil {
			return
		}
	}
}

type ledgerWriter struct {
	f                   *excelize.File
	header, wrap, title int
	err                 error
}

func (lw *ledgerWriter) styles() {
	st, err := xlsx.NewStyles(lw.f)
	if err != nil && lw.err == nil {
		lw.err = err
	}
	lw.header, lw.wrap, lw.title = st.Header, st.Text, st.Title
}

func (lw *ledgerWriter) setRow(sheet string, row int, values []any) {
	if lw.err != nil {
		return
	}
	cell, _ := excelize.CoordinatesToCellName(1, row)
	lw.err = lw.f.SetSheetRow(sheet, cell, &values)
}

// table writes a sheet with a styled, frozen, filterable header row and text cells. Values are
// Go strings, which excelize stores as strings: a name that starts with = stays text.
func (lw *ledgerWriter) table(sheet string, headers []string, widths []float64, rows func(add func(...any))) {
	if lw.err != nil {
		return
	}
	if _, err := lw.f.NewSheet(sheet); err != nil {
		lw.err = err
		return
	}
	h := make([]any, len(headers))
	for i, s := range headers {
		h[i] = s
	}
	lw.setRow(sheet, 1, h)
	headLines := 1
	for i, s := range headers {
		headLines = max(headLines, xlsx.WrappedLines(s, widths[i]))
	}
	lw.f.SetRowHeight(sheet, 1, xlsx.HeaderHeight(headLines))
	n := 1
	rows(func(v ...any) {
		n++
		lw.setRow(sheet, n, v)
		// Tall enough for the wrapped text: clients do not grow rows on their own.
		lines := 1
		for i, x := range v {
			if s, ok := x.(string); ok && i < len(widths) {
				lines = max(lines, xlsx.WrappedLines(s, widths[i]))
			}
		}
		if lines > 1 {
			lw.f.SetRowHeight(sheet, n, xlsx.RowHeight(lines))
		}
	})
	last, _ := excelize.ColumnNumberToName(len(headers))
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		lw.f.SetColWidth(sheet, col, col, w)
	}
	lw.f.SetCellStyle(sheet, "A1", last+"1", lw.header)
	if n > 1 {
		lw.f.SetCellStyle(sheet, "A2", fmt.Sprintf("%s%d", last, n), lw.wrap)
	}
	lw.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	lw.f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, n), nil)
	total := 0.0
	for _, w := range widths {
		total += w
	}
	page := xlsx.Page{TitleRows: 1, HeaderLeft: "计划台账", HeaderRight: sheet, Width: total}
	page.Landscape = page.Scale() < 1 // what does not fit upright is turned
	if err := xlsx.SetPage(lw.f, sheet, page); err != nil && lw.err == nil {
		lw.err = err
	}
}

// LedgerError is a problem with the ledger workbook's structure, located by sheet and cell.
type LedgerError struct {
	Path, Sheet, Cell string
	Message           string
}

func (e *LedgerError) Error() string {
	loc := e.Path
	if e.Sheet != "" {
		loc += "「" + e.Sheet + "」表"
	}
	switch {
	case e.Cell == "":
	case e.Cell[0] >= 'A' && e.Cell[0] <= 'Z':
		loc += " " + e.Cell + " 单元格"
	default: // 第1行
		loc += " " + e.Cell
	}
	return loc + "：" + e.Message
}

// ReadLedger reads a plan back from its ledger workbook, as written by WriteLedger and edited
// by the office in Excel, WPS or LibreOffice. It reads only the sheets the plan is made of,
// with the reader every workbook goes through (internal/xlsx).
func ReadLedger(path string) (*Plan, error) {
	sheets, done, err := openLedger(path, SheetInfo, SheetTasks, SheetUnits, SheetGroups)
	if err != nil {
		return nil, err
	}
	defer done()
	return ParseLedger(path, sheets)
}

// openLedger opens a ledger workbook for the named sheets; done releases it.
func openLedger(path string, names ...string) (sheets LedgerSheets, done func(), err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, LedgerOpenError(path, err)
	}
	zr, err := xlsx.OpenZip(data)
	if err != nil {
		return nil, nil, LedgerOpenError(path, err)
	}
	x, err := xlsx.OpenSheets(zr, data, 256<<20, func(name string) bool { return slices.Contains(names, name) })
	if err != nil {
		return nil, nil, LedgerOpenError(path, err)
	}
	return func(name string) ([][]string, bool, error) {
		if s := x.Sheet(name); s == nil || s.Part == "" {
			return nil, false, nil
		}
		rows, err := x.Rows(name)
		return rows, true, err
	}, x.Close, nil
}

// LedgerOpenError explains why the ledger at path could not be opened (err).
func LedgerOpenError(path string, err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("找不到计划台账 %s。请先运行 planreport plan import 生成台账，或指定台账文件路径", path)
	}
	return fmt.Errorf("无法打开计划台账 %s（%v）。请确认它是 .xlsx 工作簿，且未加密、未损坏", path, err)
}

// LedgerSheets gives a ledger's sheets by name, as rows of raw cell values the way excelize's
// GetRows gives them; ok is false when the workbook has no such sheet.
type LedgerSheets func(name string) (rows [][]string, ok bool, err error)

// ParseLedger makes the plan out of a ledger's sheets, however they were read. path names
// the ledger in errors.
func ParseLedger(path string, sheets LedgerSheets) (*Plan, error) {
	lr := ledgerReader{sheets: sheets, path: path}
	p := &Plan{}

	info, err := lr.sheet(SheetInfo, []string{"项目", "内容"})
	if err != nil {
		return nil, err
	}
	for _, r := range info.rows {
		v := r.get("内容")
		switch r.get("项目") {
		case "标题":
			p.Title = v
		case "文号":
			p.DocNumber = v
		case "发布日期":
			if d, err := ParseDate(v); err == nil {
				p.Issued = d
			} else {
				p.Issued = v
			}
		case "来源文件":
			p.Source = v
		case "报送办公室":
			p.Office.Name = v
		case "办公室联系人":
			p.Office.Contact = v
		case "办公室电话":
			p.Office.Phone = v
		case "办公室邮箱":
			p.Office.Email = v
		}
	}

	tasks, err := lr.sheet(SheetTasks, taskRequired)
	if err != nil {
		return nil, err
	}
	for _, r := range tasks.rows {
		t := Task{
			ID: r.get("任务编号"), Part: r.get("所属部分"), Section: r.get("所属章节"), Group: r.get("所属事项"),
			Text: r.get("任务内容"), Lead: splitCell(r.get("牵头单位")), Responsible: splitCell(r.get("责任单位")),
			Deadline: ParseDeadline(r.get("完成时限")), row: r.n,
		}
		if t.ID == "" && t.Text == "" {
			continue
		}
		if k, ok := kindFromChinese(r.get("时限类型")); ok {
			t.Deadline.Kind = k
		}
		if due := r.get("截止日期"); due != "" {
			d, err := ParseDate(due)
			if err != nil {
				return nil, &LedgerError{path, SheetTasks, r.cell("截止日期"), fmt.Sprintf("截止日期 %q 不是日期。请写成 2024-06-30 的形式，或清空由程序按完成时限推算", due)}
			}
			t.Deadline.Due = d
		}
		p.Tasks = append(p.Tasks, t)
	}

	units, err := lr.sheet(SheetUnits, unitRequired)
	if err != nil {
		return nil, err
	}
	for _, r := range units.rows {
		u := Unit{Name: NormalizeUnitName(r.get("单位名称")), Category: r.get("类别"), Aliases: splitCell(r.get("别名")),
			ReportsThrough: NormalizeUnitName(r.get("报送单位")), Contact: r.get("联系人"), Phone: r.get("联系电话"),
			Email: r.get("电子邮箱"), Note: r.get("备注"), row: r.n}
		if u.Name == "" {
			continue
		}
		p.Units = append(p.Units, u)
	}

	groups, err := lr.sheet(SheetGroups, groupRequired)
	if err != nil {
		return nil, err
	}
	for _, r := range groups.rows {
		g := Group{Name: NormalizeUnitName(r.get("分组名称")), Categories: splitCell(r.get("包含类别")),
			Members: splitCell(r.get("成员单位")), Note: r.get("说明"), row: r.n}
		if g.Name == "" {
			continue
		}
		p.Groups = append(p.Groups, g)
	}
	return p, nil
}

// ReadLedgerAssignments returns the 分工 sheet as saved, to compare with what the ledger's
// other sheets expand to now.
func ReadLedgerAssignments(path string) ([]Assignment, error) {
	sheets, done, err := openLedger(path, SheetAssignments)
	if err != nil {
		return nil, err
	}
	defer done()
	lr := ledgerReader{sheets: sheets, path: path}
	s, err := lr.sheet(SheetAssignments, assignmentHeaders[:2])
	if err != nil {
		return nil, err
	}
	var out []Assignment
	for _, r := range s.rows {
		role, _ := roleFromChinese(r.get("角色"))
		out = append(out, Assignment{Task: r.get("任务编号"), Unit: r.get("单位"), Role: role, Via: r.get("依据")})
	}
	return out, nil
}

func splitCell(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == '，' || r == ',' || r == '；' || r == ';' || r == '\n' || r == '\r'
	}) {
		if f = NormalizeUnitName(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

type ledgerReader struct {
	sheets LedgerSheets
	path   string
}

type sheetTable struct {
	rows []tableRow
}

type tableRow struct {
	n     int // 1-based row number
	col   map[string]int
	cells []string
}

func (r tableRow) get(header string) string {
	i, ok := r.col[header]
	if !ok || i >= len(r.cells) {
		return ""
	}
	return strings.TrimSpace(r.cells[i])
}

func (r tableRow) cell(header string) string {
	name, _ := excelize.CoordinatesToCellName(r.col[header]+1, r.n)
	return name
}

// sheet reads a sheet whose first row holds headers; required headers must be present.
func (lr *ledgerReader) sheet(name string, required []string) (*sheetTable, error) {
	rows, ok, err := lr.sheets(name)
	if !ok {
		return nil, &LedgerError{Path: lr.path, Sheet: name, Message: fmt.Sprintf("缺少「%s」工作表。台账的工作表名称不能修改；如已改名，请改回“%s”", name, name)}
	}
	if err != nil {
		return nil, &LedgerError{Path: lr.path, Sheet: name, Message: fmt.Sprintf("无法读取：%v", err)}
	}
	t := &sheetTable{}
	col := map[string]int{}
	if len(rows) > 0 {
		for i, h := range rows[0] {
			h = strings.TrimSpace(h)
			if _, dup := col[h]; !dup && h != "" {
				col[h] = i
			}
		}
	}
	for _, h := range required {
		if _, ok := col[h]; !ok {
			return nil, &LedgerError{Path: lr.path, Sheet: name, Cell: "第1行", Message: fmt.Sprintf("找不到“%s”列。第一行是表头，请勿修改或删除表头", h)}
		}
	}
	for i := 1; i < len(rows); i++ {
		t.rows = append(t.rows, tableRow{n: i + 1, col: col, cells: rows[i]})
	}
	return t, nil
}

// KeepOfficeEdits carries the office's registry and group edits from an existing ledger into a
// freshly imported plan: every unit and group of old stays as the office left it (contacts,
// categories, aliases, members, order), and units and groups the new plan names that old does
// not know are appended. The reporting office named on the 计划 sheet is kept. A due date or deadline kind the office corrected by hand in the 任务
// sheet is kept too, as long as the task's deadline text has not changed. It returns how many
// units and groups were kept and how many added.
func (p *Plan) KeepOfficeEdits(old *Plan) (kept, added int) {
	p.Office = old.Office
	for i := range p.Tasks {
		t := &p.Tasks[i]
		o := old.Task(t.ID)
		if o == nil || strings.TrimSpace(o.Deadline.Text) != strings.TrimSpace(t.Deadline.Text) {
			continue
		}
		if computed := ParseDeadline(o.Deadline.Text); o.Deadline.Due != computed.Due || o.Deadline.Kind != computed.Kind {
			t.Deadline.Due, t.Deadline.Kind = o.Deadline.Due, o.Deadline.Kind
		}
	}
	r := old.resolver()
	units := append([]Unit(nil), old.Units...)
	for _, u := range p.Units {
		if _, ok := r.unit(u.Name); !ok {
			units = append(units, u)
			added++
		}
	}
	groups := append([]Group(nil), old.Groups...)
	for _, g := range p.Groups {
		if _, ok := r.groups[g.Name]; !ok {
			groups = append(groups, g)
			added++
		}
	}
	p.Units, p.Groups = units, groups
	for i := range p.Units {
		p.Units[i].row = 0
	}
	for i := range p.Groups {
		p.Groups[i].row = 0
	}
	return len(old.Units) + len(old.Groups), added
}
