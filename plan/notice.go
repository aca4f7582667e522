package plan

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Location is where something stands in a plan document: a line of a text file, a paragraph
// of a .docx, or a cell of an .xlsx sheet.
type Location struct {
	Line      int    `json:"line,omitempty"`      // 1-based line (text) or paragraph (.docx)
	Paragraph bool   `json:"paragraph,omitempty"` // Line counts .docx paragraphs (and table rows)
	Sheet     string `json:"sheet,omitempty"`     // .xlsx sheet
	Cell      string `json:"cell,omitempty"`      // .xlsx cell, e.g. B7
}

// String says the location in Chinese: 第 12 行, 第 12 段, 工作表「分工表」B7.
func (l Location) String() string {
	switch {
	case l.Sheet != "" && l.Cell != "":
		return fmt.Sprintf("工作表「%s」%s 单元格", l.Sheet, l.Cell)
	case l.Sheet != "":
		return fmt.Sprintf("工作表「%s」", l.Sheet)
	case l.Paragraph:
		return fmt.Sprintf("第 %d 段", l.Line)
	case l.Line > 0:
		return fmt.Sprintf("第 %d 行", l.Line)
	}
	return "文档中"
}

// NoticeKind is what an import notice is about.
type NoticeKind string

// The kinds of import notices.
const (
	// NoticeSkipped: a numbered item of the document did not become a task.
	NoticeSkipped NoticeKind = "item-skipped"
	// NoticeNumberGap: the numbering jumps (一、二、四).
	NoticeNumberGap NoticeKind = "numbering-gap"
	// NoticeAmbiguousID: digits run from an item's number into its text (11.121人才…), and the
	// neighbours' numbering decided where the number ends.
	NoticeAmbiguousID NoticeKind = "id-ambiguous"
	// NoticeIgnoredColumn: a table column whose header the tool does not know.
	NoticeIgnoredColumn NoticeKind = "column-ignored"
)

// SkipReason says why a numbered item did not become a task.
type SkipReason string

// The reasons.
const (
	// SkipNoUnits: the item names no unit at all: a heading or a paragraph of prose.
	SkipNoUnits SkipReason = "no-units"
	// SkipUnreadBracket: the item has a parenthesis that looks like a unit bracket (it says
	// 负责, 牵头, 单位…) but could not be read as one.
	SkipUnreadBracket SkipReason = "bracket-unread"
	// SkipAfterBracket: a sub-item written after its parent's unit bracket, with none of its own.
	SkipAfterBracket SkipReason = "after-bracket"
	// SkipNoText: a table row with units but no task text.
	SkipNoText SkipReason = "no-text"
)

// Notice is one thing the office should know about how a plan document was read: an item that
// did not become a task, a gap in the numbering, a number read by its neighbours, a table
// column ignored. Notices are kept in the ledger's 导入提示 sheet and raised by Check.
type Notice struct {
	Kind    NoticeKind `json:"kind"`
	Reason  SkipReason `json:"reason,omitempty"` // for NoticeSkipped
	At      Location   `json:"at"`
	Item    string     `json:"item,omitempty"` // the item's number as read, e.g. 三、 or 11.1
	Text    string     `json:"text,omitempty"` // the start of the item's text
	Message string     `json:"message"`
}

// noticeTextRunes is how much of an item's text a notice quotes.
const noticeTextRunes = 30

// textStart returns the first runes of s, marked when cut.
func textStart(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= noticeTextRunes {
		return s
	}
	return string([]rune(s)[:noticeTextRunes]) + "…"
}

// skipMessage explains a skipped item in Chinese.
func skipMessage(reason SkipReason) string {
	switch reason {
	case SkipUnreadBracket:
		return "括号中的单位写法无法识别，未作为任务导入"
	case SkipAfterBracket:
		return "写在上一项任务的单位括号之后，自身没有注明单位，未作为任务导入"
	case SkipNoText:
		return "该行有单位但没有任务内容，未作为任务导入"
	}
	return "没有注明牵头或责任单位，未作为任务导入（标题或说明文字）"
}

// Line is the notice as one line of text for the import summary and plan check.
func (n Notice) Line() string {
	var b strings.Builder
	b.WriteString(n.At.String())
	if n.Item != "" {
		fmt.Fprintf(&b, "“%s”", n.Item)
	}
	if n.Text != "" {
		fmt.Fprintf(&b, "（%s）", n.Text)
	}
	b.WriteString("：")
	b.WriteString(n.Message)
	return b.String()
}

// Severity is how much the notice matters: an item whose bracket could not be read, or a
// number read by guess, needs a look (warning); a heading that is not a task, a gap in the
// numbering or an ignored column is for information (notice).
func (n Notice) Severity() Severity { return n.rule().Severity() }

// hint says what the office can do about a notice.
func (n Notice) hint() string {
	switch {
	case n.Kind == NoticeSkipped && n.Reason == SkipNoUnits:
		return "如该条目是任务，请在计划文件中为其注明单位，如“（牵头单位：…；责任单位：…）”，然后重新导入；如是标题或说明，可不处理"
	case n.Kind == NoticeSkipped:
		return "请核对计划原文：改为“（牵头单位：…；责任单位：…；完成时限：…）”或“（某某部门负责）”的写法后重新导入，或在「任务」表中补充该任务"
	case n.Kind == NoticeNumberGap:
		return "请核对计划原文是否漏掉了条目；如原文如此，可不处理"
	case n.Kind == NoticeAmbiguousID:
		return "请核对「任务」表中该任务的编号和内容开头，如有误请改正（改后须重新生成模板）"
	case n.Kind == NoticeIgnoredColumn:
		return "如该列含有单位或时限，请把表头改为“牵头单位”“责任单位”“配合单位”“完成时限”等后重新导入"
	}
	return ""
}

// The rules of Check for import notices.
var (
	RuleImportSkipped = NewRule("import-item-skipped", "条目未能读出单位", Warning)
	RuleImportNoUnits = NewRule("import-heading", "条目没有注明单位（标题或说明）", Info)
	RuleImportGap     = NewRule("import-numbering-gap", "编号不连续", Info)
	RuleImportID      = NewRule("import-id-ambiguous", "编号按上下文推断", Warning)
	RuleImportColumn  = NewRule("import-column-ignored", "表格中有未识别的列", Info)
)

func (n Notice) rule() Rule {
	switch {
	case n.Kind == NoticeNumberGap:
		return RuleImportGap
	case n.Kind == NoticeAmbiguousID:
		return RuleImportID
	case n.Kind == NoticeIgnoredColumn:
		return RuleImportColumn
	case n.Reason == SkipUnreadBracket || n.Reason == SkipAfterBracket || n.Reason == SkipNoText:
		return RuleImportSkipped
	}
	return RuleImportNoUnits
}

// noticeFindings turns the plan's import notices into findings located on the ledger's
// 导入提示 sheet, where WriteLedger lists them one a row after the header.
func (p *Plan) noticeFindings() []Finding {
	var fs []Finding
	for i, n := range p.Notices {
		fs = append(fs, Finding{Severity: n.Severity(), Rule: n.rule(), Sheet: SheetNotices,
			Cell: fmt.Sprintf("A%d", i+2), Task: n.Item, Message: "导入时：" + n.Line(), Hint: n.hint()})
	}
	return fs
}

// SheetNotices is the ledger sheet that lists the import notices.
const SheetNotices = "导入提示"

var noticeHeaders = []string{"位置", "条目", "内容开头", "类型", "说明", "处理方法", "定位"}

// key writes a location for the 定位 column: line:12, para:12 or sheet:分工表!B7.
func (l Location) key() string {
	switch {
	case l.Sheet != "":
		return "sheet:" + l.Sheet + "!" + l.Cell
	case l.Paragraph:
		return fmt.Sprintf("para:%d", l.Line)
	case l.Line > 0:
		return fmt.Sprintf("line:%d", l.Line)
	}
	return ""
}

// locationFromKey reads what Location.key wrote.
func locationFromKey(s string) Location {
	kind, v, _ := strings.Cut(strings.TrimSpace(s), ":")
	switch kind {
	case "sheet":
		i := strings.LastIndex(v, "!")
		if i < 0 {
			return Location{Sheet: v}
		}
		return Location{Sheet: v[:i], Cell: v[i+1:]}
	case "para", "line":
		n, _ := strconv.Atoi(v)
		return Location{Line: n, Paragraph: kind == "para"}
	}
	return Location{}
}

// noticeTypes are the 类型 column's words for each kind and reason, which ReadLedgerNotices
// reads back.
var noticeTypes = []struct {
	kind   NoticeKind
	reason SkipReason
	name   string
}{
	{NoticeSkipped, SkipNoUnits, "未导入：无单位"},
	{NoticeSkipped, SkipUnreadBracket, "未导入：括号无法识别"},
	{NoticeSkipped, SkipAfterBracket, "未导入：在括号之后"},
	{NoticeSkipped, SkipNoText, "未导入：无任务内容"},
	{NoticeNumberGap, "", "编号不连续"},
	{NoticeAmbiguousID, "", "编号待核对"},
	{NoticeIgnoredColumn, "", "忽略的表格列"},
}

func (n Notice) typeName() string {
	for _, t := range noticeTypes {
		if t.kind == n.Kind && t.reason == n.Reason {
			return t.name
		}
	}
	return string(n.Kind)
}

// noticeSheet writes the 导入提示 sheet: one row a notice, in document order.
func (lw *ledgerWriter) noticeSheet(p *Plan) {
	lw.table(SheetNotices, noticeHeaders, []float64{18, 8, 28, 10, 36, 36, 12}, func(add func(...any)) {
		for _, n := range p.Notices {
			add(n.At.String(), n.Item, n.Text, n.typeName(), n.Message, n.hint(), n.At.key())
		}
	})
}

// ReadLedgerNotices reads the import notices back from a ledger's 导入提示 sheet, so that
// plan check raises them and plan show prints them. A ledger without the sheet (made before
// it existed) has none.
func ReadLedgerNotices(path string) ([]Notice, error) {
	sheets, done, err := openLedger(path, SheetNotices)
	if err != nil {
		return nil, err
	}
	defer done()
	rows, ok, err := sheets(SheetNotices)
	if !ok {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("读取计划台账 %s 的「%s」表：%w", path, SheetNotices, err)
	}
	var out []Notice
	for _, r := range rows[min(1, len(rows)):] {
		get := func(i int) string {
			if i < len(r) {
				return strings.TrimSpace(r[i])
			}
			return ""
		}
		if get(0) == "" && get(4) == "" {
			continue
		}
		n := Notice{Kind: NoticeSkipped, Reason: SkipNoUnits, Item: get(1), Text: get(2), Message: get(4), At: locationFromKey(get(6))}
		for _, t := range noticeTypes {
			if t.name == get(3) {
				n.Kind, n.Reason = t.kind, t.reason
			}
		}
		out = append(out, n)
	}
	return out, nil
}
