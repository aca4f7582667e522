package workbook

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"planreport/internal/xlsx"
	"planreport/plan"
	"planreport/templates"
)

// Limits bound what one returned workbook may cost to read.
type Limits struct {
	MaxFileBytes     int64 // the file itself
	MaxUnzippedBytes int64 // all its parts uncompressed
	MaxEntries       int   // parts in its zip
}

// DefaultLimits are generous for a template (tens of KB) and small for a machine.
var DefaultLimits = Limits{MaxFileBytes: 20 << 20, MaxUnzippedBytes: 200 << 20, MaxEntries: 2000}

// Context is what checking a period's returned workbooks needs: the plan, the period, the
// templates as issued, and each unit's accepted report of the previous period.
type Context struct {
	Plan     *plan.Plan
	Period   plan.Period
	Password string // for encrypted workbooks (--password)
	Limits   Limits

	templates   map[string]*templates.Template // by reporting unit
	reporter    map[string]string              // unit → the unit that reports for it
	byEmail     map[string]string              // email → unit
	fingerprint string
	names       []unitName     // for unitInName
	nameIndex   map[string]int // name → its first index in names
	nameLens    []int          // the names' lengths in bytes, longest first
	key         string         // StoreKey(Plan)
}

// storeKey is StoreKey of the context's plan.
func (c *Context) storeKey() string { return c.key }

// NewContext prepares checking for a period. previous, when not nil, holds each unit's
// accepted report of the previous period (for the "same as last period" warning).
func NewContext(p *plan.Plan, period plan.Period, previous map[string]templates.Previous) *Context {
	c := &Context{Plan: p, Period: period, Limits: DefaultLimits, templates: map[string]*templates.Template{},
		reporter: map[string]string{}, byEmail: map[string]string{}, fingerprint: p.Fingerprint(), key: StoreKey(p)}
	ts := templates.Build(p, period, previous)
	for i := range ts {
		t := &ts[i]
		c.templates[t.Unit.Name] = t
		c.reporter[t.Unit.Name] = t.Unit.Name
		for _, u := range t.ReportsFor {
			c.reporter[u] = t.Unit.Name
		}
	}
	for _, u := range p.Units {
		if u.Email != "" {
			c.byEmail[strings.ToLower(strings.TrimSpace(u.Email))] = u.Name
		}
	}
	c.indexNames()
	return c
}

// SetPrevious gives the templates each unit's accepted report of the previous period, as
// NewContext's previous does: a caller may make the context while it reads them.
func (c *Context) SetPrevious(previous map[string]templates.Previous) {
	for unit, t := range c.templates {
		t.SetPrevious(previous[unit])
	}
}

// Template returns the template issued to a reporting unit, or nil.
func (c *Context) Template(unit string) *templates.Template { return c.templates[unit] }

// Report is what was read from one returned workbook.
type Report struct {
	File       string // the file's name as received
	SHA256     string
	Unit       string // the reporting unit, "" when it could not be told
	Identified string // how the unit was told: 标识, 文件名, 填报说明; "" when it was not
	Entries    []Entry
	Filler     map[string]string // 填报人, 联系电话, 审核领导, 填报日期
	Notes      []Note            // rows without a task id taken as notes on the task above
	Findings   []plan.Finding

	sheet  string            // the task sheet's name as found
	issued map[string]string // task id → checksum of its locked cells as issued (identification sheet)
	// fillerAt is where the task sheet's foot holds each filler label's value (a template
	// of version 2): the cell's name, with its value in Filler.
	fillerAt map[string]string
}

// Accepted reports whether the workbook has no error.
func (r *Report) Accepted() bool { return plan.CountErrors(r.Findings) == 0 }

// Entry is one task row as the unit filled it.
type Entry struct {
	Task       string `json:"task"`
	Row        int    `json:"row"`    // 1-based row in the returned sheet
	Status     string `json:"status"` // a status word, "" when missing or unreadable
	Percent    int    `json:"percent"`
	HasPercent bool   `json:"has_percent"`
	Progress   string `json:"progress"`
	Problems   string `json:"problems"`
	NextSteps  string `json:"next_steps"`
	Evidence   string `json:"evidence"`
	Note       string `json:"note,omitempty"` // the unit's note rows below the task (Note), one a line
}

func (r *Report) add(rule plan.Rule, sheet, cell, task, msg, hint string) {
	r.Findings = append(r.Findings, plan.Finding{Severity: rule.Severity(), Rule: rule, Unit: r.Unit, File: r.File, Sheet: sheet, Cell: cell, Task: task, Message: msg, Hint: hint})
}

// addGist adds a finding about the whole file with its gist, for the console's line.
func (r *Report) addGist(rule plan.Rule, gist, msg, hint string) {
	r.add(rule, "", "", "", msg, hint)
	r.Findings[len(r.Findings)-1].Gist = gist
}

// Check reads and checks one returned workbook. name is the file's name as received; sender
// the email address it came from, if any. It never panics on any input: a file that cannot
// be read gives a report with one error finding.
func (c *Context) Check(name string, data []byte, sender string) (r *Report) {
	sum := sha256.Sum256(data)
	r = &Report{File: name, SHA256: hex.EncodeToString(sum[:]), Filler: map[string]string{}}
	defer func() {
		if v := recover(); v != nil {
			r.Findings = nil
			r.add(RuleCorrupt, "", "", "", fmt.Sprintf("文件无法读取（%v）", v), "请在 Excel 或 WPS 中打开该文件，另存为 .xlsx 后重新发送")
		}
		for i := range r.Findings {
			r.Findings[i].Unit = r.Unit
		}
	}()
	x := c.open(r, data)
	if x == nil {
		// A file that cannot be read is still its unit's return, when anything names the unit.
		c.attribute(r, nil, name, sender)
		return r
	}
	defer x.Close()
	c.identify(r, x, name, sender)
	if r.Unit == "" || c.templates[r.Unit] == nil {
		return r
	}
	c.readTasks(r, x, c.templates[r.Unit])
	c.readFiller(r, x)
	return r
}

// Unreadable is the report of a file that could not be taken out of the email or zip it came
// in (problem says why, naming it by its own name; hint how to fix it), sent from sender: one error, and the unit its
// name or its sender's registered address names, so that it counts as that unit's return.
func (c *Context) Unreadable(name, sender, problem, hint string) *Report {
	r := &Report{File: name, Filler: map[string]string{}}
	r.add(RuleUnreadable, "", "", "", problem, hint)
	c.attribute(r, nil, name, sender)
	for i := range r.Findings {
		r.Findings[i].Unit = r.Unit
	}
	return r
}

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	zipMagic = []byte("PK\x03\x04")
)

// open checks the file as a file and opens it; nil when it cannot be read.
func (c *Context) open(r *Report, data []byte) *xlsx.File {
	ext := strings.ToLower(filepath.Ext(r.File))
	switch {
	case len(data) == 0:
		r.add(RuleEmpty, "", "", "", "文件是空的（0 字节）", "可能是保存或发送时出错，请重新保存报送表后发送")
		return nil
	case int64(len(data)) > c.Limits.MaxFileBytes:
		r.add(RuleTooLarge, "", "", "", fmt.Sprintf("文件过大（%.1f MB），报送表不应超过 %d MB", float64(len(data))/(1<<20), c.Limits.MaxFileBytes>>20),
			"请不要在报送表中粘贴图片或附件，佐证材料请另行发送")
		return nil
	case bytes.HasPrefix(data, oleMagic):
		if !isEncryptedOOXML(data) {
			kind := ".xls"
			if ext == ".et" || ext == ".ett" {
				kind = "WPS .et"
			}
			r.add(RuleLegacy, "", "", "", "这是旧版 "+kind+" 格式的文件，无法读取", "请在 Excel 或 WPS 中打开，选择“另存为”→“Excel 工作簿(*.xlsx)”后重新发送")
			return nil
		}
		if c.Password == "" {
			r.add(RuleEncrypted, "", "", "", "文件设置了打开密码，无法读取", "请取消密码后重新发送；或由办公室运行 collect 时用 --password 提供密码")
			return nil
		}
		plain, err := excelize.Decrypt(data, &excelize.Options{Password: c.Password})
		if err != nil || !bytes.HasPrefix(plain, zipMagic) {
			r.add(RuleEncrypted, "", "", "", "文件设置了打开密码，用 --password 提供的密码无法打开", "请确认密码，或请单位取消密码后重新发送")
			return nil
		}
		data = plain // the package inside, checked as any other
	case !bytes.HasPrefix(data, zipMagic):
		hint := "请发送办公室下发的 .xlsx 报送表"
		if ext == ".csv" {
			hint = "CSV 文件不能保留报送表的格式，请在原报送表（.xlsx）中填写后发送"
		}
		r.add(RuleNotXLSX, "", "", "", "这不是 Excel 工作簿（.xlsx）", hint)
		return nil
	}
	zr, err := xlsx.OpenZip(data)
	if err != nil {
		r.add(RuleCorrupt, "", "", "", "文件已损坏或不完整（无法解压）", "可能是发送时被截断。请在 Excel 或 WPS 中打开确认，重新保存为 .xlsx 后发送")
		return nil
	}
	var total uint64
	workbook := false
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if zf.Name == "xl/workbook.xml" {
			workbook = true
		}
	}
	bomb := func(total uint64) {
		r.add(RuleZipBomb, "", "", "", fmt.Sprintf("文件解压后过大（%d 个部件，共 %d MB），已拒绝读取", len(zr.File), total>>20),
			"报送表解压后不应超过几 MB。请使用办公室下发的报送表重新填写")
	}
	if len(zr.File) > c.Limits.MaxEntries || total > uint64(c.Limits.MaxUnzippedBytes) {
		bomb(total)
		return nil
	}
	if odf := xlsx.OpenDocumentType(zr); odf != "" && !workbook {
		return c.openODS(r, zr, data, odf, bomb)
	}
	if !workbook {
		what := "这不是 Excel 工作簿"
		for _, zf := range zr.File {
			switch {
			case strings.HasPrefix(zf.Name, "word/"):
				what = "这是 Word 文档，不是 Excel 工作簿"
			case strings.HasPrefix(zf.Name, "ppt/"):
				what = "这是 PowerPoint 文件，不是 Excel 工作簿"
			}
		}
		r.add(RuleNotXLSX, "", "", "", what, "请发送办公室下发的 .xlsx 报送表")
		return nil
	}
	x, err := xlsx.Open(zr, data, c.Limits.MaxUnzippedBytes)
	if errors.Is(err, xlsx.ErrDoctype) {
		r.add(RuleCorrupt, "", "", "", "文件中含有 XML 实体声明（DOCTYPE），不是 Excel 或 WPS 保存的报送表，已拒绝读取",
			"请在 Excel 或 WPS 中打开办公室下发的报送表填写，保存为 .xlsx 后发送")
		return nil
	}
	if errors.Is(err, xlsx.ErrTooBig) {
		// The zip understated its sizes: it expands beyond the limit when read.
		bomb(uint64(c.Limits.MaxUnzippedBytes))
		return nil
	}
	if err != nil {
		r.add(RuleCorrupt, "", "", "", fmt.Sprintf("文件已损坏，无法读取（%v）", err), "请在 Excel 或 WPS 中打开确认，重新保存为 .xlsx 后发送")
		return nil
	}
	return x
}

// openODS opens an OpenDocument package (its media type odf) as a workbook: a spreadsheet is
// read and checked as an .xlsx is; another document (a text) is not a workbook.
func (c *Context) openODS(r *Report, zr *zip.Reader, data []byte, odf string, bomb func(uint64)) *xlsx.File {
	if odf != xlsx.ODS {
		what := "这是 OpenDocument 文档，不是表格"
		switch {
		case strings.HasSuffix(odf, ".text"):
			what = "这是 OpenDocument 文字文档（.odt），不是表格"
		case strings.HasSuffix(odf, ".presentation"):
			what = "这是 OpenDocument 演示文稿（.odp），不是表格"
		}
		r.add(RuleNotXLSX, "", "", "", what, "请发送办公室下发的 .xlsx 报送表")
		return nil
	}
	x, err := xlsx.OpenODS(zr, data, c.Limits.MaxUnzippedBytes)
	switch {
	case err == nil:
		return x
	case errors.Is(err, xlsx.ErrEncrypted):
		r.add(RuleEncrypted, "", "", "", "文件（.ods 格式）设置了打开密码，无法读取",
			"请在 WPS 或 LibreOffice 中打开，取消密码后另存为 .xlsx 重新发送；设置了密码的 .ods 文件本程序无法打开")
	case errors.Is(err, xlsx.ErrDoctype):
		r.add(RuleCorrupt, "", "", "", "文件中含有 XML 实体声明（DOCTYPE），不是表格软件保存的报送表，已拒绝读取",
			"请在 Excel 或 WPS 中打开办公室下发的报送表填写，保存为 .xlsx 后发送")
	case errors.Is(err, xlsx.ErrTooBig):
		bomb(uint64(c.Limits.MaxUnzippedBytes))
	case errors.Is(err, xlsx.ErrSheetTooLarge):
		r.add(RuleZipBomb, "", "", "", "文件中的工作表展开后单元格过多，已拒绝读取",
			"报送表只有几百行。请使用办公室下发的报送表重新填写")
	default:
		r.add(RuleCorrupt, "", "", "", fmt.Sprintf("文件（.ods 格式）已损坏，无法读取（%v）", err), "请在 WPS 或 LibreOffice 中打开确认，另存为 .xlsx 后重新发送")
	}
	return nil
}

// isEncryptedOOXML reports whether an OLE compound file holds an encrypted .xlsx (Office puts
// the encrypted package in a compound file with an EncryptionInfo stream).
func isEncryptedOOXML(data []byte) bool {
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return false
	}
	for entry, err := doc.Next(); err == nil; entry, err = doc.Next() {
		if entry.Name == "EncryptionInfo" || entry.Name == "EncryptedPackage" {
			return true
		}
	}
	return false
}

// findTaskSheet returns the task sheet's name and its header row (0-based), or "" when no
// sheet has the task headers.
func findTaskSheet(x *xlsx.File) (string, int, [][]string) {
	sheets := x.SheetList()
	sort.SliceStable(sheets, func(i, j int) bool { return sheets[i] == templates.SheetTasks && sheets[j] != templates.SheetTasks })
	for _, s := range sheets {
		rows, err := x.Rows(s)
		if err != nil {
			continue
		}
		for i := 0; i < len(rows) && i < 10; i++ {
			for _, v := range rows[i] {
				if strings.TrimSpace(v) == templates.ColID {
					return s, i, rows
				}
			}
		}
	}
	return "", 0, nil
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col+1, row)
	return name
}

// readTasks checks the task sheet's structure against the issued template and reads each row.
func (c *Context) readTasks(r *Report, x *xlsx.File, t *templates.Template) {
	sheet, hdr, rows := findTaskSheet(x)
	if sheet == "" {
		r.add(RuleSheetMissing, templates.SheetTasks, "", "", "找不到「任务进展」工作表（或表头“任务编号”）",
			"请使用办公室下发的报送表填写，不要删除或改名工作表，不要删除表头行")
		return
	}
	r.sheet = sheet
	if sheet != templates.SheetTasks {
		r.add(RuleSheetRenamed, sheet, "", "", fmt.Sprintf("工作表“%s”应名为“%s”", sheet, templates.SheetTasks), "请不要修改工作表名称")
	}

	// Columns by header; a header that is gone or renamed is an error, and its column is then
	// read where the template put it.
	col := map[string]int{}
	for i, h := range rows[hdr] {
		h = strings.Join(strings.Fields(width.Narrow.String(h)), "")
		if _, dup := col[h]; !dup && h != "" {
			col[h] = i
		}
	}
	// The previous period's columns are there only when that period had been collected when
	// the template was issued: they are read-only and never required.
	expected := append(append([]string(nil), templates.LockedColumns...), templates.FillColumns...)
	for i, h := range expected {
		if _, ok := col[width.Narrow.String(h)]; ok {
			col[h] = col[width.Narrow.String(h)]
			continue
		}
		got := ""
		if i < len(rows[hdr]) {
			got = rows[hdr][i]
		}
		r.add(RuleHeaderChanged, sheet, cellName(i, hdr+1), "", fmt.Sprintf("表头“%s”被修改或删除（此处现为“%s”）", h, got),
			"请不要修改表头；请使用办公室下发的报送表重新填写")
		col[h] = i
	}
	get := func(row []string, h string) string {
		i := col[h]
		if i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}

	want := make(map[string]int, len(t.Rows)) // task id → index in t.Rows
	for i, row := range t.Rows {
		want[row.TaskID] = i
	}
	seen := make(map[string]int, len(t.Rows)) // task id → returned row number
	r.Entries = make([]Entry, 0, len(t.Rows))
	lastIndex := -1
	reordered := false
	added := 0 // rows that are not tasks: the first MaxFindingsPerRule are listed, then counted
	firstAdded := ""
	addedRow := func(n int, id, msg, hint string) {
		if firstAdded == "" {
			firstAdded = msg
		}
		if added++; added <= MaxFindingsPerRule {
			r.add(RuleRowAdded, sheet, cellName(col[templates.ColID], n+1), id, msg, hint)
		}
	}
	lastTask := "" // the task of the last task row read: a note row below it is its note
	var lockedText map[string]string
	for n := hdr + 1; n < len(rows); n++ {
		row := rows[n]
		id := compactNarrow(get(row, templates.ColID))
		if id == "" && get(row, templates.FillerLayout[0].LabelUnder) == templates.FillerLayout[0].Label {
			// Who filled the template, at the sheet's foot: read by readFiller.
			r.fillerAt = map[string]string{}
			for _, l := range templates.FillerLayout {
				r.Filler[l.Label], r.fillerAt[l.Label] = get(row, l.ValueUnder), cellName(col[l.ValueUnder], n+1)
			}
			continue
		}
		idx, ok := want[id]
		if !ok && (id == "" || hasHan(id)) && !isEmptyRow(row) {
			// A row without a task id: a note the unit inserted below a task, unless it holds
			// a task's text or several locked cells (a task row whose id was deleted) or a
			// task's answers (a status or a percentage).
			if lockedText == nil {
				lockedText = taskTexts(t)
			}
			task, locked := lockedText[compact(get(row, templates.ColText))], 0
			for _, h := range templates.LockedColumns[1:] {
				if get(row, h) != "" {
					locked++
				}
			}
			if task == "" && locked > 1 {
				task = "?"
			}
			switch {
			case task == "?":
				addedRow(n, "", fmt.Sprintf("第 %d 行没有任务编号（该行像是一项任务）", n+1), "请恢复任务编号（可从下发的报送表中复制），不要增加行或修改锁定的单元格")
			case task != "":
				addedRow(n, "", fmt.Sprintf("第 %d 行的任务编号被删除（该行是任务 %s）", n+1, task), "请恢复任务编号（可从下发的报送表中复制），不要修改锁定的单元格")
			case lastTask != "" && len(r.Notes) < MaxNoteRows && get(row, templates.ColStatus) == "" && get(row, templates.ColPercent) == "":
				c.noteRow(r, sheet, row, n, lastTask)
			case id == "":
				addedRow(n, "", fmt.Sprintf("第 %d 行没有任务编号", n+1), "请不要增加行；如需补充说明，请写在该任务的“本期工作进展”中")
			default:
				addedRow(n, id, fmt.Sprintf("任务编号“%s”不是下发给本单位的任务", id), "请不要增加行或修改任务编号；请删除该行，或使用办公室下发的报送表")
			}
			continue
		}
		if id == "" {
			continue
		}
		if !ok {
			addedRow(n, id, fmt.Sprintf("任务编号“%s”不是下发给本单位的任务", id), "请不要增加行或修改任务编号；请删除该行，或使用办公室下发的报送表")
			continue
		}
		if prev, dup := seen[id]; dup {
			r.add(RuleRowDuplicated, sheet, cellName(col[templates.ColID], n+1), id, fmt.Sprintf("任务 %s 重复出现（另见第 %d 行）", id, prev),
				"每项任务只保留一行，请删除重复的行")
			continue
		}
		seen[id] = n + 1
		if idx < lastIndex {
			reordered = true
		}
		lastIndex = max(lastIndex, idx)
		expectedRow := t.Rows[idx]
		locked := expectedRow.Locked()
		// Locked cells are checked against what was issued, which the identification keeps as
		// a checksum a row; the template as the ledger makes it now may differ (the office
		// changed a group or who reports for whom since), and a unit that changed nothing must
		// not be told it did. Without the checksum, or when it does not match, each cell is
		// compared with the template as made now, to say which was changed.
		returned := make([]string, len(templates.LockedColumns))
		for i, h := range templates.LockedColumns {
			returned[i] = get(row, h)
		}
		asIssued := r.issued[id] != "" && templates.RowChecksum(returned) == r.issued[id]
		for i, h := range templates.LockedColumns {
			if h == templates.ColID || asIssued {
				continue
			}
			if !sameText(returned[i], locked[i]) {
				r.add(RuleLockedEdited, sheet, cellName(col[h], n+1), id, fmt.Sprintf("任务 %s 的“%s”被修改", id, h),
					"锁定的任务信息不能修改，请恢复原文（可从下发的报送表中复制）")
			}
		}
		// A cell typed as a formula (=60, =A1) is read as its value. Clients that calculate
		// save the value too, but not every writer does (openpyxl does not) and not every
		// writer keeps it right (excelize does not), so the formula is calculated here: a
		// formula of numbers alone directly, any other with excelize (few workbooks have
		// formulas, and only those are opened with it), and in a workbook too big for that
		// the saved value is taken.
		value := func(h string) string {
			if formula, ok := x.Formula(sheet, n, col[h]); ok {
				if calc, ok := xlsx.EvalArithmetic(formula); ok {
					return calc
				}
				if calc, ok := x.Calc(sheet, cellName(col[h], n+1)); ok {
					return strings.TrimSpace(calc)
				}
			}
			return get(row, h)
		}
		e := Entry{Task: id, Row: n + 1, Progress: value(templates.ColProgress), Problems: value(templates.ColProblems),
			NextSteps: value(templates.ColNextSteps), Evidence: value(templates.ColEvidence)}
		c.checkEntry(r, &e, expectedRow, value(templates.ColStatus), value(templates.ColPercent), sheet, col)
		r.Entries = append(r.Entries, e)
		lastTask = id
	}
	if added > MaxFindingsPerRule {
		// Counted here, as CapFindings would, without making a finding for each row.
		r.add(RuleTooMany, sheet, "", "", fmt.Sprintf("另有 %d 处同类问题未逐一列出（规则 %s，如：%s）", added-MaxFindingsPerRule, RuleRowAdded, firstAdded),
			"请按已列出的问题逐项检查全表；如表中有大量多余的行或内容，请使用办公室下发的报送表重新填写")
	}
	if reordered {
		r.add(RuleRowReordered, sheet, "", "", "任务行的顺序与下发的报送表不同", "已按任务编号逐行核对，不影响接收；今后请不要排序或移动行")
	}
	for _, row := range t.Rows {
		if _, ok := seen[row.TaskID]; !ok {
			r.add(RuleRowDeleted, sheet, "", row.TaskID, fmt.Sprintf("任务 %s 的行被删除了", row.TaskID),
				"每项任务都须填报，请使用办公室下发的报送表恢复该行后填写")
		}
	}
	// Report findings in row order: a clerk fixes them top to bottom.
	sort.SliceStable(r.Entries, func(i, j int) bool { return r.Entries[i].Row < r.Entries[j].Row })
}

// MaxNoteRows is the most note rows a returned sheet may have: more rows without a task id
// are no longer a remark or two but rows added, and errors.
const MaxNoteRows = 10

// Note is a row a unit inserted below a task row, without a task id, to remark on that task
// ("备注：…"): the return is accepted, and the note kept with the task.
type Note struct {
	Task string `json:"task"` // the task above it
	Row  int    `json:"row"`  // 1-based row in the returned sheet
	Text string `json:"text"` // the row's cells with text, joined by spaces
}

// noteRow takes row n (0-based) as a note on task: a warning that quotes it, the note kept in
// the report and with the task's entry (the last one read).
func (c *Context) noteRow(r *Report, sheet string, row []string, n int, task string) {
	var parts []string
	first := -1
	for i, v := range row {
		if v = strings.TrimSpace(v); v != "" {
			parts = append(parts, v)
			if first < 0 {
				first = i
			}
		}
	}
	text := strings.Join(parts, " ")
	r.Notes = append(r.Notes, Note{Task: task, Row: n + 1, Text: text})
	if e := &r.Entries[len(r.Entries)-1]; e.Task == task {
		e.Note = strings.TrimPrefix(e.Note+"\n"+text, "\n")
	}
	r.add(RuleNoteRow, sheet, cellName(first, n+1), task, fmt.Sprintf("第 %d 行没有任务编号，已作为任务 %s 的备注接收：“%s”", n+1, task, quote(text, 60)),
		"不影响接收；今后如需补充说明，请写在该任务的“本期工作进展”中，不要增加行")
	r.Findings[len(r.Findings)-1].Gist = fmt.Sprintf("第 %d 行为备注", n+1)
}

// quote is s for a message: at most n characters, cut with an ellipsis, on one line.
func quote(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// taskTexts maps each task's text in a template, white space left out, to its task id.
func taskTexts(t *templates.Template) map[string]string {
	out := make(map[string]string, len(t.Rows))
	for _, row := range t.Rows {
		if k := compact(row.Text); k != "" {
			out[k] = row.TaskID
		}
	}
	return out
}

func compact(s string) string { return strings.Join(strings.Fields(s), "") }

// hasHan reports whether s has a Chinese character: a "task id" such as 备注 is a note.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func isEmptyRow(row []string) bool {
	for _, v := range row {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// checkEntry applies the row rules to one task row.
func (c *Context) checkEntry(r *Report, e *Entry, t templates.Row, status, percent, sheet string, col map[string]int) {
	at := func(h string) string { return cellName(col[h], e.Row) }
	id := e.Task
	switch s, synonym, ok := normalizeStatus(status); {
	case status == "":
		r.add(RuleStatusEmpty, sheet, at(templates.ColStatus), id, fmt.Sprintf("任务 %s 未填写完成状态", id), "请从下拉列表选择完成状态")
	case !ok:
		words := templates.Statuses
		if t.Ongoing {
			words = templates.OngoingStatuses
		}
		r.add(RuleStatusInvalid, sheet, at(templates.ColStatus), id, fmt.Sprintf("任务 %s 的完成状态“%s”无法识别", id, status),
			"请从下拉列表选择："+strings.Join(words, "、"))
	case s == templates.StatusOngoing && !t.Ongoing:
		r.add(RuleStatusOngoing, sheet, at(templates.ColStatus), id, fmt.Sprintf("任务 %s 有完成时限“%s”，不能选“常态化推进”", id, t.Deadline),
			"请选择：已完成、序时推进、滞后或未启动")
	default:
		e.Status = s
		if synonym {
			r.add(RuleStatusSynonym, sheet, at(templates.ColStatus), id, fmt.Sprintf("任务 %s 的完成状态“%s”已按“%s”理解", id, status, s),
				"今后请从下拉列表选择")
		}
	}
	if percent != "" {
		n, normalized, ok := parsePercent(percent)
		switch {
		case !ok:
			r.add(RulePercentInvalid, sheet, at(templates.ColPercent), id, fmt.Sprintf("任务 %s 的完成进度“%s”不是 0–100 的整数", id, percent),
				"请填写 0 到 100 的整数，例如 80")
		default:
			e.Percent, e.HasPercent = n, true
			if normalized {
				r.add(RulePercentRead, sheet, at(templates.ColPercent), id, fmt.Sprintf("任务 %s 的完成进度“%s”已按 %d 理解", id, percent, n),
					"今后请直接填写整数，例如 80")
			}
		}
	}
	if e.Status == templates.StatusDone {
		if !e.HasPercent || e.Percent != 100 {
			r.add(RuleDoneNot100, sheet, at(templates.ColPercent), id, fmt.Sprintf("任务 %s 状态为“已完成”，完成进度应为 100", id),
				"已完成的任务请把完成进度填为 100；如尚未全部完成，请改选“序时推进”")
		}
	}
	switch {
	case e.Progress == "" && e.Status == templates.StatusDone:
		r.add(RuleDoneNoText, sheet, at(templates.ColProgress), id, fmt.Sprintf("任务 %s 状态为“已完成”，但未填写本期工作进展", id),
			"请在“本期工作进展”中写明完成情况")
	case e.Progress == "":
		r.add(RuleNoProgress, sheet, at(templates.ColProgress), id, fmt.Sprintf("任务 %s 未填写本期工作进展", id),
			"请简要写明本期做了哪些工作、取得什么进展")
	case mayBePlaceholder(e.Progress) && isPlaceholder(e.Progress):
		r.add(RulePlaceholder, sheet, at(templates.ColProgress), id, fmt.Sprintf("任务 %s 的本期工作进展只写了“%s”", id, e.Progress),
			"请写明本期开展的具体工作")
	case t.PrevProgress != "" && sameText(e.Progress, t.PrevProgress):
		r.add(RuleUnchanged, sheet, at(templates.ColProgress), id, fmt.Sprintf("任务 %s 的本期工作进展与上期完全相同", id),
			"请写明本期的新进展")
	}
	if (e.Status == templates.StatusBehind || e.Status == templates.StatusNotBegun) && e.Problems == "" {
		r.add(RuleNeedsProblems, sheet, at(templates.ColProblems), id, fmt.Sprintf("任务 %s 状态为“%s”，须填写存在问题", id, e.Status),
			"请在“存在问题”中说明原因")
	}
	if t.Overdue && e.Status != "" && e.Status != templates.StatusDone && (e.Problems == "" || e.NextSteps == "") {
		missing, cell := "存在问题和下步计划", at(templates.ColProblems)
		switch {
		case e.Problems != "":
			missing, cell = "下步计划", at(templates.ColNextSteps)
		case e.NextSteps != "":
			missing = "存在问题"
		}
		r.add(RuleOverdue, sheet, cell, id, fmt.Sprintf("任务 %s 已到完成时限“%s”仍未完成，须填写%s", id, t.Deadline, missing),
			"请说明未按期完成的原因和下一步安排")
	}
}

// readFiller reads who filled the workbook (at the task sheet's foot, or on the filler sheet of
// a version 1 template); missing names are a warning.
func (c *Context) readFiller(r *Report, x *xlsx.File) {
	at := map[string]string{} // label → the cell of its value
	if rows, err := x.Rows(templates.SheetFiller); err == nil {
		for i, row := range rows {
			if len(row) == 0 {
				continue
			}
			label := strings.TrimSpace(row[0])
			if !slices.Contains(templates.FillerLabels, label) {
				continue
			}
			value := ""
			if len(row) > 1 {
				value = strings.TrimSpace(row[1])
			}
			r.Filler[label], at[label] = value, cellName(1, i+1)
		}
	}
	sheet := templates.SheetFiller
	if len(at) == 0 {
		at, sheet = r.fillerAt, r.sheet
	}
	for _, l := range templates.FillerLabels {
		cell, ok := at[l]
		if !ok {
			continue
		}
		if l == templates.FillerDate {
			r.Filler[l] = fillDate(r.Filler[l])
		}
		if r.Filler[l] == "" && (l == templates.FillerName || l == templates.FillerPhone) {
			r.add(RuleFillerMissing, sheet, cell, "", fmt.Sprintf("未填写%s", l), "请在「"+sheet+"」表中填写，便于办公室联系核实")
		}
	}
}

// fillDate reads the 填报日期 a unit typed, in any of the forms units type it (2024-01-05,
// 2024.1.5, 2024/1/5, 2024年1月5日, a date cell's serial, any of them with a time after it),
// as YYYY-MM-DD; what is no date is kept as typed.
func fillDate(s string) string {
	s = strings.TrimSpace(s)
	if d, err := plan.ParseDate(s); err == nil {
		return d
	}
	if date, _, ok := strings.Cut(s, " "); ok {
		if d, err := plan.ParseDate(date); err == nil {
			return d
		}
	}
	return s
}

// The rules read every row's cells; these spare the common cases the general readers'
// allocations (width.Narrow, strings.Fields), with the same results.

// compactNarrow is strings.Join(strings.Fields(width.Narrow.String(s)), "").
func compactNarrow(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c == ' ' || (c >= '\t' && c <= '\r') {
			return strings.Join(strings.Fields(width.Narrow.String(s)), "")
		}
	}
	return s // ASCII without spaces: unchanged
}

// mayBePlaceholder is false for texts too long to be a placeholder: every placeholder has at
// most 3 characters besides white space (lower-casing keeps the count).
func mayBePlaceholder(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			if n++; n > maxPlaceholderRunes {
				return false
			}
		}
	}
	return true
}

// maxPlaceholderRunes is the most characters, white space aside, of any placeholder.
var maxPlaceholderRunes = func() int {
	n := 0
	for p := range placeholders {
		n = max(n, utf8.RuneCountInString(strings.Join(strings.Fields(p), "")))
	}
	return n
}()
