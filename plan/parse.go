package plan

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Parse reads a plan document: UTF-8 or GB18030 text, a .docx (its paragraphs and its tables,
// see DocumentText) or an .xlsx whose sheets hold a 任务分工表. name is the file's name, for
// messages and the ledger's record of its source. An error is an *ImportError.
func Parse(name string, data []byte) (*Plan, error) {
	var lines []srcLine
	workbook := isWorkbook(data)
	if workbook {
		ls, err := workbookLines(name, data)
		if err != nil {
			ie := &ImportError{File: name, Err: err}
			var se *sheetError
			if errors.As(err, &se) {
				ie.At = se.at
			}
			return nil, ie
		}
		lines = ls
	} else {
		text, format, err := DocumentText(name, data)
		if err != nil {
			return nil, &ImportError{File: name, Err: err}
		}
		lines = textLines(text, format == FormatDocx)
	}
	p, err := parseLines(lines)
	if err != nil && workbook && errors.Is(err, ErrNoTasks) {
		return nil, &ImportError{File: name, Err: fmt.Errorf("%s：%w。%s", name, err, noTableHint)}
	}
	if err != nil {
		return nil, &ImportError{File: name, Err: fmt.Errorf("%s：%w", name, err)}
	}
	p.Source = filepath.Base(name)
	return p, nil
}

// ImportError is why a plan document could not be imported, with where when that is known.
// Its message is Chinese and names the file.
type ImportError struct {
	File string
	At   Location // zero when the whole document is at fault
	Err  error
}

func (e *ImportError) Error() string { return e.Err.Error() }
func (e *ImportError) Unwrap() error { return e.Err }

// ErrNoTasks is returned for a document in which no task with a unit bracket was found.
var ErrNoTasks = errors.New("没有找到任何任务：" + noTasksHint)

const noTasksHint = "任务后应有括号注明单位，例如“（牵头单位：区司法局；责任单位：各镇乡街道；完成时限：2023年）”或“（商务部负责）”。请确认选择的是行动计划正文"

const noTableHint = "Excel 文件中的任务分工表须有一行表头，至少含任务列（如“工作任务”“具体举措”）和单位列（如“牵头单位”“责任单位”），表头下每行一项任务"

// srcLine is one line of a plan document as the parser reads it, with where it stands.
type srcLine struct {
	text string
	at   Location
}

// textLines splits a document's text into lines, numbered from 1 (paragraphs for a .docx).
func textLines(text string, paragraphs bool) []srcLine {
	raw := strings.Split(text, "\n")
	lines := make([]srcLine, len(raw))
	for i, l := range raw {
		lines[i] = srcLine{text: l, at: Location{Line: i + 1, Paragraph: paragraphs}}
	}
	return lines
}

// ParseText reads a plan from its text, one paragraph a line. The structure it understands:
// parts (一、), sections (（一）), numbered groups (1.) and tasks (1.1, or a group that is
// itself a task), each task followed by one or more unit brackets, on its own line or at the
// end of the task's text, or by lines of labels (牵头单位：…). Lines of cells joined by tabs
// are read as a table (see tableLine). It also proposes the default unit registry and group
// definitions, and lists in Notices every numbered item that did not become a task.
func ParseText(text string) (*Plan, error) {
	return parseLines(textLines(text, false))
}

// parseLines is ParseText on located lines.
func parseLines(lines []srcLine) (*Plan, error) {
	ps := &parser{seqs: map[string]int{}}
	plain := make([]string, len(lines))
	for i := range lines {
		lines[i].text = strings.ToValidUTF8(lines[i].text, "\ufffd")
		plain[i] = lines[i].text
	}
	for i := 0; i < len(lines); i++ {
		ps.at, ps.order = lines[i].at, i
		if lines[i].at.Sheet != ps.sheet {
			// A new sheet of a workbook: its table has a header of its own.
			ps.closeTask()
			ps.sheet, ps.table = lines[i].at.Sheet, nil
		}
		if strings.Contains(lines[i].text, "\t") && ps.tableLine(lines[i].text) {
			continue
		}
		line := cleanLine(lines[i].text)
		if line == "" {
			continue
		}
		// A unit bracket wrapped over several lines: join until it closes.
		for j := 0; j < 4 && i+1 < len(lines) && hasOpenUnitBracket(line); j++ {
			i++
			line += cleanLine(lines[i].text)
		}
		ps.line(line)
	}
	ps.closeTask()
	text := strings.Join(plain, "\n")
	if len(ps.tasks) == 0 {
		switch {
		case strings.TrimSpace(strings.Map(invisibleToSpace, text)) == "":
			return nil, &noTasksError{"文件中没有文字内容，没有可读取的任务。请确认选择了正确的文件"}
		case ps.items > 0:
			return nil, &noTasksError{fmt.Sprintf("没有找到任何任务：找到 %d 个编号条目，但都没有注明单位的括号。%s", ps.items, noTasksHint)}
		}
		return nil, ErrNoTasks
	}
	p := &Plan{
		Title:     findTitle(plain),
		DocNumber: findDocNumber(text),
		Issued:    findIssued(plain),
	}
	ps.year = planYear(p.Title)
	p.Tasks = ps.finish()
	p.Units, p.Groups = defaultRegistry(p.Tasks)
	p.Notices = ps.notices(p.Tasks)
	return p, nil
}

// noTasksError is ErrNoTasks with a message that says more about the document.
type noTasksError struct{ msg string }

func (e *noTasksError) Error() string        { return e.msg }
func (e *noTasksError) Is(target error) bool { return target == ErrNoTasks }

func invisibleToSpace(r rune) rune {
	if r == '\u200b' || r == '\ufeff' {
		return ' '
	}
	return r
}

// cleanLine trims white space of every width and invisible marks from a line.
func cleanLine(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u00a0'
	})
}

var (
	rePart       = lazyRegexp(`^([一二三四五六七八九十]+)[、.．﹒]\s*`)
	reSection    = lazyRegexp(`^[（(]([一二三四五六七八九十]+)[）)]\s*`)
	reTaskID     = lazyRegexp(`^(\d{1,3}(?:[.．﹒]\d{1,3})+)(?:[.．、﹒](?:\s|$)|[.．、﹒]?\s*)`)
	reGroupID    = lazyRegexp(`^(\d{1,3})[.．、﹒]\s*`)
	reSubItem    = lazyRegexp(`^[（(](\d{1,3})[）)]\s*`)
	reHeadingEnd = lazyRegexp(`[。；;]`)
	// reMetaLine is a numbered line of a web page's metadata ("1. [索引号]…"), not an item.
	reMetaLine = lazyRegexp(`^\d{1,2}[.．、]\s*[\[【][^\]】]{2,10}[\]】]`)
)

// itemKind is what kind of numbered item a rawTask is.
type itemKind int

const (
	itemTask    itemKind = iota // 1.1, or a table row
	itemPart                    // 一、
	itemSection                 // （一）
	itemGroup                   // 1.
	itemSub                     // （1）
)

// rawTask is a numbered item while the parser reads it; it becomes a task once a unit bracket
// attaches to it.
type rawTask struct {
	id, part, section, group string
	text                     []string
	brackets                 []unitBracket
	pending                  []string // text after a bracket, kept only if another bracket follows

	// subs are the item's （1）（2）… sub-items. When only the last one carries a bracket they
	// are the parts of one task; when several carry brackets each is a task of its own.
	subs   []*rawTask
	marker string // a sub-item's own marker as written, e.g. （1）
	isSub  bool   // a （1） item with no numbered parent

	kind                          itemKind
	label                         string   // the item's number as written: 三、 （二） 1. 1.1
	at                            Location // where it starts
	order                         int      // its line's index, for notices in document order
	partSeq, sectionSeq, groupSeq int      // which part, section and group it sits in
	groupNo                       string   // the number of the group it sits in
}

// skipped is a numbered item that did not become a task, kept until the end of the document
// shows whether tasks sit under it (a heading) or not.
type skipped struct {
	item   *rawTask
	reason SkipReason
}

type parser struct {
	part, section, group string
	partNo, sectionNo    string
	groupNo              string
	cur                  *rawTask
	tasks                []*rawTask
	unnumbered           int
	items                int          // numbered items seen, tasks or not
	table                *tableLayout // the header of the table being read, if any
	sheet                string       // the workbook sheet being read
	year                 string       // the year of a plan for one year, for 6月底前

	at                            Location // where the line being read stands
	order                         int      // its index
	partSeq, sectionSeq, groupSeq int
	skips                         []skipped
	notes                         []Notice       // gaps, ambiguous ids, ignored columns
	noteOrder                     []int          // the line index of each note
	seqs                          map[string]int // the last number seen at each level, for gaps
	lastID                        string         // the last task or group number, for ambiguous ids
	carried                       bracketRules   // rules a bracket said hold for the items after it (下同)
	labelTarget                   *rawTask       // the item the last label line (牵头单位：…) went to
}

// target is the item that text and brackets go to: the open sub-item, else the open item.
func (ps *parser) target() *rawTask {
	if ps.cur != nil && len(ps.cur.subs) > 0 {
		return ps.cur.subs[len(ps.cur.subs)-1]
	}
	return ps.cur
}

func (ps *parser) line(line string) {
	if reMetaLine.MatchString(line) {
		return
	}
	labelled := ps.labelTarget != nil && ps.labelTarget == ps.target()
	ps.labelTarget = nil
	if t := ps.target(); t != nil && reLabelLine.MatchString(line) {
		// 牵头单位：区发改局 on a line of its own, after the task: one bracket with the label
		// lines that follow it.
		ub := parseLabelled(line)
		ps.applyRules(&ub)
		if labelled && len(t.brackets) > 0 {
			t.brackets[len(t.brackets)-1].merge(ub)
		} else {
			t.text = append(t.text, t.pending...)
			t.pending = nil
			t.brackets = append(t.brackets, ub)
		}
		ps.labelTarget = t
		return
	}
	rest, brackets := splitBrackets(line)
	// Numbering may be typed with full-width digits (１．, １.１, （１）).
	num := halfWidthNumbering(rest)
	switch {
	case rest == "":
		// a bracket on its own line
	case rePart.MatchString(rest):
		ps.closeTask()
		m := rePart.FindStringSubmatch(rest)
		ps.partSeq++
		ps.part, ps.partNo = headingOf(rest), m[1]
		ps.section, ps.sectionNo, ps.group, ps.groupNo = "", "", "", ""
		ps.numbered("part", "", cnNumber(m[1]), m[1]+"、")
		ps.open(m[1], rest[len(m[0]):])
		ps.cur.kind, ps.cur.label = itemPart, m[1]+"、"
		ps.items--
	case reSection.MatchString(rest):
		ps.closeTask()
		m := reSection.FindStringSubmatch(rest)
		ps.sectionSeq++
		ps.section, ps.sectionNo, ps.group, ps.groupNo = headingOf(rest), m[1], "", ""
		ps.numbered("section", strconv.Itoa(ps.partSeq), cnNumber(m[1]), "（"+m[1]+"）")
		// A section may itself be a task (ministry style): keep it as a candidate. Its id is
		// qualified with the part's number only if the numbering restarts in each part.
		ps.open("（"+m[1]+"）", rest[len(m[0]):])
		ps.cur.kind, ps.cur.label = itemSection, "（"+m[1]+"）"
	case reTaskID.MatchString(num):
		ps.closeTask()
		m := reTaskID.FindStringSubmatch(num)
		id, text := ps.readID(strings.NewReplacer("．", ".", "﹒", ".").Replace(m[1]), num[len(m[0]):], m[0] == m[1])
		if !strings.Contains(id, ".") {
			ps.openGroup(id, text, id+"."+text)
			break
		}
		dot := strings.LastIndex(id, ".")
		n, _ := strconv.Atoi(id[dot+1:])
		ps.numbered("task", id[:dot], n, id)
		ps.open(id, text)
		ps.lastID = id
	case reGroupID.MatchString(num):
		ps.closeTask()
		m := reGroupID.FindStringSubmatch(num)
		ps.openGroup(m[1], num[len(m[0]):], rest)
	case reSubItem.MatchString(num):
		m := reSubItem.FindStringSubmatch(num)
		marker, text := "（"+m[1]+"）", strings.TrimSpace(num[len(m[0]):])
		n, _ := strconv.Atoi(m[1])
		if ps.cur == nil || ps.cur.isSub || ps.cur.kind == itemPart {
			ps.closeTask()
			ps.numbered("sub", "", n, marker)
			ps.open(marker, text)
			ps.cur.isSub, ps.cur.kind, ps.cur.label = true, itemSub, marker
			break
		}
		ps.numbered("sub", ps.cur.id, n, marker)
		ps.items++
		sub := &rawTask{id: ps.cur.id + marker, part: ps.cur.part, section: ps.cur.section, group: ps.cur.group, marker: marker,
			kind: itemSub, label: ps.cur.id + marker, at: ps.at, order: ps.order,
			partSeq: ps.cur.partSeq, sectionSeq: ps.cur.sectionSeq, groupSeq: ps.cur.groupSeq, groupNo: ps.cur.groupNo}
		if text != "" {
			sub.text = append(sub.text, text)
		}
		ps.cur.subs = append(ps.cur.subs, sub)
	default:
		t := ps.target()
		switch {
		case t == nil && len(brackets) > 0 && hasUnits(brackets):
			ps.unnumbered++
			ps.open(fmt.Sprintf("未编号%d", ps.unnumbered), rest)
		case t == nil:
			// prose between tasks
		case len(t.brackets) > 0:
			t.pending = append(t.pending, rest)
		default:
			t.text = append(t.text, rest)
		}
	}
	t := ps.target()
	for _, b := range brackets {
		ps.applyRules(&b)
		if !b.hasUnits() && b.deadline == "" {
			continue // a bracket that only states rules (排在第一位的为牵头单位，下同)
		}
		if t == nil {
			continue
		}
		t.text = append(t.text, t.pending...)
		t.pending = nil
		t.brackets = append(t.brackets, b)
	}
}

// openGroup opens a numbered group (1.), which is itself a task if no sub-item follows. line
// is the group's line as written, for its heading.
func (ps *parser) openGroup(id, text, line string) {
	n, _ := strconv.Atoi(id)
	ps.numbered("group", "", n, id+".")
	ps.groupSeq++
	ps.group, ps.groupNo = headingOf(line), id
	// A group with no sub-items is itself a task: keep it as a candidate.
	ps.open(id, text)
	ps.cur.kind, ps.cur.label = itemGroup, id+"."
	ps.lastID = id
}

// applyRules records the rules a bracket states, or gives it those a bracket before it said
// hold for the items after it (下同), until another bracket states rules of its own.
func (ps *parser) applyRules(b *unitBracket) {
	switch {
	case b.rules.set && b.rules.carry:
		ps.carried = b.rules
	case b.rules.set:
	case ps.carried.carry:
		b.rules = ps.carried
	}
}

// halfWidthNumbering turns full-width digits in a line's leading numbering into ASCII, so that
// １．１ reads as 1.1. The rest of the line is left as written.
func halfWidthNumbering(s string) string {
	for i, r := range s {
		if !(r >= '０' && r <= '９' || r >= '0' && r <= '9' || strings.ContainsRune("．.、﹒（()）", r)) {
			return toHalfWidthDigits(s[:i]) + s[i:]
		}
	}
	return toHalfWidthDigits(s)
}

func (ps *parser) open(id, text string) {
	ps.items++
	ps.cur = &rawTask{id: id, part: ps.part, section: ps.section, group: ps.group, label: id,
		at: ps.at, order: ps.order, partSeq: ps.partSeq, sectionSeq: ps.sectionSeq, groupSeq: ps.groupSeq, groupNo: ps.groupNo}
	if text = strings.TrimSpace(text); text != "" {
		ps.cur.text = append(ps.cur.text, text)
	}
}

// closeTask ends the open item: it is a task if a bracket attached to it. An item with
// （1）（2）… sub-items is one task when only its last sub-item carries a bracket (the bracket
// covers the whole list); when several do, each sub-item with a bracket is a task. Every
// numbered item that does not become a task is kept as skipped, to be reported unless tasks
// turn out to sit under it.
func (ps *parser) closeTask() {
	rt := ps.cur
	ps.cur = nil
	ps.labelTarget = nil
	if rt == nil {
		return
	}
	var bracketed []*rawTask
	for _, s := range rt.subs {
		if s.hasUnits() {
			bracketed = append(bracketed, s)
		}
	}
	switch {
	case len(bracketed) == 0:
		// Sub-items after the item's own bracket, or none at all: not tasks.
		reason := SkipNoUnits
		if rt.hasUnits() {
			reason = SkipAfterBracket
		}
		for _, s := range rt.subs {
			ps.skip(s, reason)
		}
	case len(bracketed) == 1 && bracketed[0] == rt.subs[len(rt.subs)-1] && !rt.hasUnits():
		// （1）…；（2）…。（牵头单位：…）: one task, the list is its text.
		rt.text = append(rt.text, rt.pending...)
		for _, s := range rt.subs {
			rt.text = append(rt.text, s.marker+strings.Join(s.text, ""))
		}
		rt.brackets = append(rt.brackets, bracketed[0].brackets...)
	default:
		if rt.hasUnits() {
			ps.tasks = append(ps.tasks, rt)
		}
		// Each sub-item with a bracket is a task; sub-items without one before it are part
		// of its text, those after the last one are not tasks.
		var lead []*rawTask
		for _, s := range rt.subs {
			if !s.hasUnits() {
				lead = append(lead, s)
				continue
			}
			var text []string
			for _, l := range lead {
				text = append(text, l.marker+strings.Join(l.text, ""))
			}
			s.text = append(text, s.text...)
			lead = nil
			ps.tasks = append(ps.tasks, s)
		}
		for _, s := range lead {
			ps.skip(s, SkipAfterBracket)
		}
		return
	}
	if rt.hasUnits() {
		ps.tasks = append(ps.tasks, rt)
		return
	}
	ps.skip(rt, SkipNoUnits)
}

// hasUnits reports whether a bracket of the item names a unit.
func (rt *rawTask) hasUnits() bool { return hasUnits(rt.brackets) }

func hasUnits(bs []unitBracket) bool {
	for _, b := range bs {
		if b.hasUnits() {
			return true
		}
	}
	return false
}

// reUnitish is a parenthesis that looks like a unit bracket: it says who is in charge.
var reUnitish = lazyRegexp(`[（(〔【\[][^）)〕】\]]*(负责|牵头|单位|部门|配合|落实|会同|协办|责任)[^）)〕】\]]*[）)〕】\]]`)

// skip records a numbered item that is not a task, with why.
func (ps *parser) skip(rt *rawTask, reason SkipReason) {
	text := strings.Join(append(append([]string(nil), rt.text...), rt.pending...), "")
	if reason == SkipNoUnits && reUnitish.MatchString(text) {
		reason = SkipUnreadBracket
	}
	ps.skips = append(ps.skips, skipped{rt, reason})
}

// note records a notice about the line being read.
func (ps *parser) note(n Notice) {
	if n.At == (Location{}) {
		n.At = ps.at
	}
	ps.notes = append(ps.notes, n)
	ps.noteOrder = append(ps.noteOrder, ps.order)
}

// notices returns the import notices in document order: the skipped items that no task sits
// under (headings with tasks under them are the plan's structure, not losses) and the notes.
func (ps *parser) notices(tasks []Task) []Notice {
	under := map[[2]int]bool{}
	for _, rt := range ps.tasks {
		under[[2]int{int(itemPart), rt.partSeq}] = true
		under[[2]int{int(itemSection), rt.sectionSeq}] = true
		if rt.kind != itemGroup {
			under[[2]int{int(itemGroup), rt.groupSeq}] = true
		}
	}
	type ordered struct {
		n     Notice
		order int
	}
	var all []ordered
	for _, s := range ps.skips {
		rt := s.item
		switch rt.kind {
		case itemPart:
			if under[[2]int{int(itemPart), rt.partSeq}] {
				continue
			}
		case itemSection:
			if under[[2]int{int(itemSection), rt.sectionSeq}] {
				continue
			}
		case itemGroup:
			if under[[2]int{int(itemGroup), rt.groupSeq}] {
				continue
			}
		}
		text := strings.Join(rt.text, "")
		if text == "" && len(rt.pending) > 0 {
			text = strings.Join(rt.pending, "")
		}
		all = append(all, ordered{Notice{Kind: NoticeSkipped, Reason: s.reason, At: rt.at, Item: rt.label,
			Text: textStart(text), Message: skipMessage(s.reason)}, rt.order})
	}
	for i, n := range ps.notes {
		all = append(all, ordered{n, ps.noteOrder[i]})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].order < all[j].order })
	out := make([]Notice, len(all))
	for i, o := range all {
		out[i] = o.n
	}
	return out
}

// numbered checks an item's number against the last one at its level under the same parent
// and notes a gap (一、二、四). A number that starts again at 1 is a new list.
func (ps *parser) numbered(level, parent string, n int, label string) {
	if n <= 0 {
		return
	}
	key := level + "|" + parent
	last, seen := ps.seqs[key]
	ps.seqs[key] = n
	// Sections may number on across parts: （三） in part 二 after （二） in part 一.
	across, acrossSeen := ps.seqs[level+"|*"]
	ps.seqs[level+"|*"] = n
	if n == 1 || seen && n <= last+1 || seen && n <= last || acrossSeen && n == across+1 {
		return
	}
	from := 1
	if seen {
		from = last + 1
	}
	missing := numberLabel(level, parent, from)
	if n-1 > from {
		missing += "”至“" + numberLabel(level, parent, n-1)
	}
	ps.note(Notice{Kind: NoticeNumberGap, Item: label,
		Message: fmt.Sprintf("编号不连续：“%s”之前缺少“%s”", label, missing)})
}

// numberLabel writes number n as the level numbers it: 三、 （三） 3. 2.3 （3）.
func numberLabel(level, parent string, n int) string {
	switch level {
	case "part":
		return cnNumeral(n) + "、"
	case "section":
		return "（" + cnNumeral(n) + "）"
	case "task":
		return parent + "." + strconv.Itoa(n)
	case "sub":
		return "（" + strconv.Itoa(n) + "）"
	case "row":
		return strconv.Itoa(n)
	}
	return strconv.Itoa(n) + "."
}

var cnDigits = []rune("〇一二三四五六七八九")

// cnNumber reads a Chinese numeral from 一 to 九十九, or returns 0.
func cnNumber(s string) int {
	r := []rune(s)
	digit := func(c rune) int {
		for i, d := range cnDigits {
			if d == c {
				return i
			}
		}
		return -1
	}
	switch {
	case len(r) == 1 && r[0] == '十':
		return 10
	case len(r) == 1:
		return max(digit(r[0]), 0)
	case len(r) == 2 && r[0] == '十':
		return 10 + max(digit(r[1]), 0)
	case len(r) == 2 && r[1] == '十':
		return max(digit(r[0]), 0) * 10
	case len(r) == 3 && r[1] == '十':
		return max(digit(r[0]), 0)*10 + max(digit(r[2]), 0)
	}
	return 0
}

// cnNumeral writes n from 1 to 99 as a Chinese numeral.
func cnNumeral(n int) string {
	switch {
	case n < 10:
		return string(cnDigits[n])
	case n == 10:
		return "十"
	case n < 20:
		return "十" + string(cnDigits[n-10])
	case n%10 == 0:
		return string(cnDigits[n/10]) + "十"
	}
	return string(cnDigits[n/10]) + "十" + string(cnDigits[n%10])
}

// readID decides where an item's number ends when its digits run into its text: 11.121人才
// is 11.1 + 21人才… or 11 + 121人才…, and the number the neighbours lead one to expect
// decides. Such a reading is noted, so that the office checks it.
func (ps *parser) readID(id, text string, runsOn bool) (string, string) {
	dot := strings.LastIndex(id, ".")
	last := id[dot+1:]
	if !runsOn || len(last) < 2 || text == "" || !startsWithHan(text) {
		return id, text
	}
	expect := ps.expectedIDs()
	if expect[id] {
		return id, text
	}
	type reading struct{ id, text string }
	var found []reading
	for k := len(last) - 1; k >= 1; k-- {
		if cand := id[:dot+1] + last[:k]; expect[cand] {
			found = append(found, reading{cand, last[k:] + text})
		}
	}
	if expect[id[:dot]] {
		found = append(found, reading{id[:dot], last + text})
	}
	if len(found) != 1 {
		ps.note(Notice{Kind: NoticeAmbiguousID, Item: id, Text: textStart(text),
			Message: fmt.Sprintf("编号“%s”与前一项“%s”不衔接，数字可能连着正文，已按“%s”读取", id, orNone(ps.lastID), id)})
		return id, text
	}
	ps.note(Notice{Kind: NoticeAmbiguousID, Item: found[0].id, Text: textStart(found[0].text),
		Message: fmt.Sprintf("原文“%s%s”的编号与正文相连，按前一项“%s”读作编号“%s”、正文“%s”", id, textStart(text), orNone(ps.lastID), found[0].id, textStart(found[0].text))})
	return found[0].id, found[0].text
}

func orNone(s string) string {
	if s == "" {
		return "（无）"
	}
	return s
}

func startsWithHan(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.Is(unicode.Han, r)
}

// expectedIDs are the numbers that may follow the last task or group number: its next
// sibling, its first child, the next group and that group's first child.
func (ps *parser) expectedIDs() map[string]bool {
	out := map[string]bool{}
	last := ps.lastID
	if last == "" {
		out["1"], out["1.1"] = true, true
		return out
	}
	parts := strings.Split(last, ".")
	top, _ := strconv.Atoi(parts[0])
	out[last+".1"] = true
	out[strconv.Itoa(top+1)] = true
	out[strconv.Itoa(top+1)+".1"] = true
	if len(parts) > 1 {
		n, _ := strconv.Atoi(parts[len(parts)-1])
		out[strings.Join(parts[:len(parts)-1], ".")+"."+strconv.Itoa(n+1)] = true
	}
	return out
}

// headingOf returns a heading's own words: the line up to its first full stop.
func headingOf(s string) string {
	if loc := reHeadingEnd.FindStringIndex(s); loc != nil {
		s = s[:loc[0]]
	}
	return strings.TrimSpace(s)
}

// finish turns the raw tasks into tasks: it completes short unit names, merges each task's
// brackets, and makes ids unique when the plan restarts its numbering in each section.
//
// Several brackets in one task (甲…（A负责），乙…（B负责）) each belong to the sentence
// before them; the task keeps its number and the union of their units: every bracket's leads
// lead (the second bracket's lead is never made a mere partner), and the other units are
// responsible. Reports then go to each lead for the whole task.
func (ps *parser) finish() []Task {
	known := map[string]bool{}
	for _, rt := range ps.tasks {
		for _, b := range rt.brackets {
			for _, n := range append(append([]string(nil), b.lead...), b.resp...) {
				known[n] = true
			}
		}
	}
	tasks := make([]Task, 0, len(ps.tasks))
	for _, rt := range ps.tasks {
		t := Task{ID: rt.id, Part: rt.part, Section: rt.section, Group: rt.group, Text: strings.Join(rt.text, "")}
		if rt.groupNo != "" && rt.id != rt.groupNo && !strings.HasPrefix(rt.id, rt.groupNo+".") && !strings.HasPrefix(rt.id, rt.groupNo+"（") {
			t.Group = "" // the group heading before it is not this task's
		}
		var deadlines, others, scopes []string
		for _, b := range rt.brackets {
			b.lead = completeShortNames(b.lead, known)
			b.resp = completeShortNames(b.resp, known)
			b.main = completeShortNames(b.main, known)
			lead, resp := b.roles()
			t.Lead = appendUnique(t.Lead, lead...)
			t.Responsible = appendUnique(t.Responsible, resp...)
			if b.deadline != "" {
				deadlines = append(deadlines, b.deadline)
			}
			others = append(others, b.other...)
			scopes = append(scopes, b.scope...)
		}
		t.Responsible = removeAll(t.Responsible, leadsOnly(t.Lead, rt.brackets))
		if len(others) > 0 {
			// Other parts of the bracket (适用范围：…, 备注：…) stay with the task's text.
			t.Text += "（" + strings.Join(others, "；") + "）"
		}
		t.Scope = strings.Join(scopes, "；")
		t.Deadline = mergeDeadlines(deadlines, ps.year)
		tasks = append(tasks, t)
	}
	qualifyDuplicateIDs(tasks)
	return tasks
}

// leadsOnly returns the leads that no bracket names as responsible too (牵头单位、责任单位:
// the same units lead and are responsible, and stay in both lists).
func leadsOnly(leads []string, brackets []unitBracket) []string {
	both := map[string]bool{}
	for _, b := range brackets {
		if b.leadResp {
			for _, n := range b.lead {
				both[n] = true
			}
		}
	}
	var out []string
	for _, n := range leads {
		if !both[n] {
			out = append(out, n)
		}
	}
	return out
}

// removeAll returns list without the names in drop.
func removeAll(list, drop []string) []string {
	var out []string
	for _, n := range list {
		keep := true
		for _, d := range drop {
			keep = keep && n != d
		}
		if keep {
			out = append(out, n)
		}
	}
	return out
}

// mergeDeadlines combines the deadlines of a task's several brackets: the latest date wins; a
// task with no date is ongoing or recurring if any part is.
func mergeDeadlines(texts []string, year string) Deadline {
	if len(texts) == 0 {
		return Deadline{Kind: KindNone}
	}
	d := deadlineIn(texts[0], year)
	for _, s := range texts[1:] {
		e := deadlineIn(s, year)
		switch {
		case e.Due != "" && e.Due > d.Due:
			d.Kind, d.Due = e.Kind, e.Due
		case d.Due == "" && d.Kind == KindNone:
			d.Kind = e.Kind
		}
	}
	d.Text = strings.Join(texts, "；")
	return d
}

// reNoYear is a deadline that names no year: 6月底前, 9月30日前, 年底前, 上半年, 第三季度.
var reNoYear = lazyRegexp(`^\s*(\d{1,2}\s*月|[０-９]{1,2}\s*月|年底|年末|年中|年内|上半年|下半年|第?[一二三四1-4]季度)`)

// deadlineIn reads a deadline of a plan for one year (2024年工作要点): a deadline that names
// no year (6月底前) is in that year. The text stays as written.
func deadlineIn(text, year string) Deadline {
	d := ParseDeadline(text)
	if d.Kind == KindNone && year != "" && reNoYear.MatchString(text) {
		if e := ParseDeadline(year + "年" + strings.TrimSpace(text)); e.Due != "" {
			d.Kind, d.Due = e.Kind, e.Due
		}
	}
	return d
}

var reYearInTitle = lazyRegexp(`(\d{4})\s*年`)

// planYear returns the year of a plan for one year, from its title (2024年优化营商环境工作要点),
// or "" when the title names no year or several (2024—2025年).
func planYear(title string) string {
	year := ""
	for _, m := range reYearInTitle.FindAllStringSubmatch(toHalfWidthDigits(title), -1) {
		if year != "" && year != m[1] {
			return ""
		}
		year = m[1]
	}
	if strings.ContainsAny(title, "—-－~～至") && year != "" {
		return "" // a range: 2024—2025年
	}
	return year
}

// qualifyDuplicateIDs prefixes ids with their section when the plan restarts its numbering,
// then with their part if that is not enough; a prefix that does not make ids unique is not
// used (a plan that numbers two items alike by mistake keeps its numbers). Ids that are still
// repeated get #2, #3… so that every task can be told apart; plan check points them out.
func qualifyDuplicateIDs(tasks []Task) {
	if !hasDuplicateIDs(tasks) {
		return
	}
	ids := func() []string {
		out := make([]string, len(tasks))
		for i, t := range tasks {
			out[i] = t.ID
		}
		return out
	}
	original := ids()
	for i := range tasks {
		if m := reSection.FindStringSubmatch(tasks[i].Section); m != nil && !strings.HasPrefix(tasks[i].ID, "（") {
			tasks[i].ID = "（" + m[1] + "）" + tasks[i].ID
		}
	}
	bySection := ids()
	if !hasDuplicateIDs(tasks) {
		return
	}
	for i := range tasks {
		if m := rePart.FindStringSubmatch(tasks[i].Part); m != nil && !strings.HasPrefix(tasks[i].ID, m[1]) {
			tasks[i].ID = m[1] + tasks[i].ID
		}
	}
	if !hasDuplicateIDs(tasks) {
		return
	}
	// Some ids are repeated whatever the prefix: keep the least qualified ids that repeat
	// the fewest.
	best, fewest := original, duplicates(original)
	for _, cand := range [][]string{bySection, ids()} {
		if n := duplicates(cand); n < fewest {
			best, fewest = cand, n
		}
	}
	used := map[string]bool{}
	for i := range tasks {
		tasks[i].ID = best[i]
		used[best[i]] = true
	}
	seen := map[string]int{}
	for i := range tasks {
		id := tasks[i].ID
		seen[id]++
		if seen[id] == 1 {
			continue
		}
		for n := seen[id]; ; n++ {
			if alt := fmt.Sprintf("%s#%d", id, n); !used[alt] {
				tasks[i].ID = alt
				used[alt] = true
				break
			}
		}
	}
}

// duplicates counts the ids that repeat an earlier one.
func duplicates(ids []string) int {
	seen := map[string]bool{}
	n := 0
	for _, id := range ids {
		if seen[id] {
			n++
		}
		seen[id] = true
	}
	return n
}

func hasDuplicateIDs(tasks []Task) bool {
	seen := map[string]bool{}
	for _, t := range tasks {
		if seen[t.ID] {
			return true
		}
		seen[t.ID] = true
	}
	return false
}

func appendUnique(list []string, names ...string) []string {
	for _, n := range names {
		dup := false
		for _, m := range list {
			if m == n {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, n)
		}
	}
	return list
}

// unitBracket is what one parenthetical (or one table row, or a task's label lines) says about
// a task's units and deadline.
type unitBracket struct {
	lead, resp []string
	main       []string // responsible units under a 负责/责任 label (resp holds them too)
	hasLead    bool     // a lead label (牵头单位) or a 牵头 clause was present
	hasSupport bool     // a 配合/协办 label or clause was present
	leadResp   bool     // 牵头单位、责任单位: the leads are responsible too
	deadline   string
	other      []string // other labelled parts and notes, e.g. 备注：…; kept in the task's text
	scope      []string // 适用范围：…
	rules      bracketRules
}

// bracketRules are what a bracket says about its units rather than naming them:
// 排在第一位的部门为牵头部门 (the first listed leads) and 下同 (so for the items after it, until
// another bracket says otherwise).
type bracketRules struct {
	set        bool // the bracket states a rule
	firstLeads bool // the first unit listed leads
	carry      bool // 下同
}

// reRuleText is a clause that states a rule about the units, not a unit.
var reRuleText = lazyRegexp(`第一位|第一个|首位|列第一|排第一|为牵头|为主办|下同|以下同|不再.{0,4}分工|汇总单位`)

var reFirstLeads = lazyRegexp(`第一|首位|为牵头|为主办|汇总单位`)

// rule reads a rule clause into the bracket's rules and reports whether it was one.
func (r *bracketRules) rule(c string) bool {
	if !reRuleText.MatchString(c) {
		return false
	}
	r.set = true
	if strings.Contains(c, "下同") {
		r.carry = true
	}
	if reFirstLeads.MatchString(c) {
		r.firstLeads = true
	}
	return true
}

func (ub unitBracket) hasUnits() bool { return len(ub.lead)+len(ub.resp) > 0 }

// merge adds what another bracket says (the next label line of the same task).
func (ub *unitBracket) merge(o unitBracket) {
	ub.lead = append(ub.lead, o.lead...)
	ub.resp = append(ub.resp, o.resp...)
	ub.main = append(ub.main, o.main...)
	ub.hasLead = ub.hasLead || o.hasLead
	ub.hasSupport = ub.hasSupport || o.hasSupport
	ub.leadResp = ub.leadResp || o.leadResp
	switch {
	case ub.deadline == "":
		ub.deadline = o.deadline
	case o.deadline != "":
		ub.deadline += "；" + o.deadline
	}
	ub.other = append(ub.other, o.other...)
	ub.scope = append(ub.scope, o.scope...)
	if o.rules.set {
		ub.rules = o.rules
	}
}

// roles says which of the bracket's units lead and which are responsible. A lead label or
// clause says it; without one, the units in charge (负责) lead when others assist (配合),
// unless the plan's rule is that the first listed leads; otherwise the first unit leads.
func (ub unitBracket) roles() (lead, resp []string) {
	lead, resp = ub.lead, ub.resp
	switch {
	case ub.hasLead || len(lead) > 0 || len(resp) == 0:
	case ub.hasSupport && len(ub.main) > 0 && !ub.rules.firstLeads:
		// 负责单位：A、B；配合单位：C — the units in charge lead, the others assist.
		lead = ub.main
		resp = removeAll(resp, ub.main)
	default:
		// No unit is named as lead: the first one listed leads.
		lead, resp = resp[:1], resp[1:]
	}
	return lead, resp
}

// labelRole is what a label (牵头单位, 配合单位, 完成时限…) says its list is.
type labelRole int

const (
	roleOther    labelRole = iota // 备注, 牵头领导…
	roleLead                      // 牵头单位, 牵头部门, 主责单位, 牵头责任单位
	roleLeadResp                  // 牵头单位、责任单位: the units lead and are responsible
	roleMain                      // 责任单位, 负责单位, 负责部门: responsible
	roleSupport                   // 配合单位, 协办单位: responsible, assisting
	roleDeadline                  // 完成时限, 时间节点
	roleScope                     // 适用范围
)

var supportPrefixes = []string{"配合", "协办", "协同", "协助", "协作", "参与", "参加"}

var reLeadRespLabel = lazyRegexp(`^牵头(单位|部门)?[、和及与/]责任`)

// classifyLabel says what a bracket label or table column header stands for.
func classifyLabel(label string) labelRole {
	unitLabel := strings.HasSuffix(label, "单位") || strings.HasSuffix(label, "部门") || strings.HasSuffix(label, "主体")
	switch {
	case strings.HasSuffix(label, "领导") || strings.HasSuffix(label, "责任人") || strings.HasSuffix(label, "联系人"):
		return roleOther // 牵头领导: a person, not a unit
	case strings.Contains(label, "范围") || label == "适用对象":
		return roleScope
	case reLeadRespLabel.MatchString(label):
		return roleLeadResp
	case strings.HasPrefix(label, "牵头") || strings.HasPrefix(label, "主责") || label == "主办单位":
		return roleLead
	case unitLabel && hasAnyPrefix(label, supportPrefixes):
		return roleSupport
	case unitLabel:
		return roleMain
	case strings.Contains(label, "时限") || strings.Contains(label, "时间") || strings.Contains(label, "期限") || label == "时限":
		return roleDeadline
	}
	return roleOther
}

// add records a labelled list in the bracket. A list's value may end with words that say who
// leads (市人力社保局、市农业农村局分别牵头), join a lead and its partners (甲会同有关部门),
// or hold sentences after the units (…负责。具体任务均涉及相关市（州），不再做分工，下同。):
// those are read as such, and no clause becomes a unit.
func (ub *unitBracket) add(role labelRole, value, clause string) {
	switch role {
	case roleDeadline:
		if ub.deadline == "" {
			ub.deadline = value
		} else if value != "" {
			ub.deadline += "；" + value
		}
		return
	case roleScope:
		if value != "" {
			ub.scope = append(ub.scope, value)
			ub.other = append(ub.other, clause)
		}
		return
	case roleOther:
		if clause != "" {
			ub.other = append(ub.other, clause)
		}
		return
	}
	list, notes := splitSentences(value)
	for _, n := range notes {
		if !ub.rules.rule(n) {
			ub.other = append(ub.other, n)
		}
	}
	if strings.HasSuffix(list, "分别牵头") || strings.HasSuffix(list, "共同牵头") {
		role = roleLead
	}
	if before, after, ok := strings.Cut(list, "会同"); ok && role != roleLeadResp {
		// 甲会同有关部门: 甲 leads, the others assist.
		ub.lead = append(ub.lead, ub.units(before)...)
		ub.resp = append(ub.resp, ub.units(after)...)
		ub.hasLead = true
		return
	}
	units := ub.units(list)
	switch role {
	case roleLeadResp:
		ub.lead = append(ub.lead, units...)
		ub.resp = append(ub.resp, units...)
		ub.hasLead, ub.leadResp = true, true
	case roleLead:
		ub.lead = append(ub.lead, units...)
		ub.hasLead = true
	case roleMain:
		ub.resp = append(ub.resp, units...)
		ub.main = append(ub.main, units...)
	case roleSupport:
		ub.resp = append(ub.resp, units...)
		ub.hasSupport = true
	}
}

// units splits a list of units; items that are clauses, not names, go to the bracket's rules
// or notes.
func (ub *unitBracket) units(list string) []string {
	var out []string
	for _, u := range SplitUnits(list) {
		switch {
		case looksLikeUnit(u):
			out = append(out, u)
		case ub.rules.rule(u):
		default:
			ub.other = append(ub.other, u)
		}
	}
	return out
}

// splitSentences separates a labelled value's unit list from the sentences after it (after a
// 。), and from rule parentheses inside it: 市卫生健康委（除标注“分别牵头”外，列第一位为牵头
// 或汇总单位，下同） is the unit and a rule.
func splitSentences(value string) (list string, notes []string) {
	value, notes = cutRuleParens(value)
	if i := strings.IndexAny(value, "。"); i >= 0 {
		for _, c := range splitTopLevel(value[i:], "。，,；;") {
			if c = strings.TrimSpace(c); c != "" {
				notes = append(notes, c)
			}
		}
		value = value[:i]
	}
	return value, notes
}

// cutRuleParens removes the parentheses inside s that state rules, returning their clauses.
func cutRuleParens(s string) (string, []string) {
	var notes []string
	for {
		m := reRuleParen.FindStringSubmatchIndex(s)
		if m == nil {
			return s, notes
		}
		notes = append(notes, splitTopLevel(s[m[2]:m[3]], "，,；;。")...)
		s = s[:m[0]] + s[m[1]:]
	}
}

var reRuleParen = lazyRegexp(`[（(]([^（()）]*(?:第一位|第一个|首位|列第一|排第一|为牵头|下同|不再.{0,4}分工)[^（()）]*)[）)]`)

// bracket delimiters: （）, (), 〔〕, 【】 and [].
const (
	openBrackets  = "（(〔【["
	closeBrackets = "）)〕】]"
)

// splitBrackets separates a line's unit brackets from its text. Other parentheses (（党组）,
// （2020—2025年）) stay in the text. A bracket that only states rules (排在第一位的为牵头单位，
// 下同) is returned too, and leaves the text.
func splitBrackets(line string) (rest string, brackets []unitBracket) {
	var b strings.Builder
	depth, start, last := 0, 0, 0
	for i, r := range line {
		switch {
		case strings.ContainsRune(openBrackets, r):
			if depth == 0 {
				start = i
			}
			depth++
		case strings.ContainsRune(closeBrackets, r):
			if depth == 0 {
				continue
			}
			depth--
			if depth == 0 {
				inner := line[start+runeLenAt(line, start) : i]
				if ub, ok := parseUnitBracket(inner); ok {
					b.WriteString(line[last:start])
					last = i + utf8.RuneLen(r)
					brackets = append(brackets, ub)
				}
			}
		}
	}
	b.WriteString(line[last:])
	return strings.TrimSpace(b.String()), brackets
}

func runeLenAt(s string, i int) int {
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}

// hasOpenUnitBracket reports whether a line ends inside an unclosed unit bracket.
func hasOpenUnitBracket(line string) bool {
	depth, start := 0, -1
	for i, r := range line {
		switch {
		case strings.ContainsRune(openBrackets, r):
			if depth == 0 {
				start = i
			}
			depth++
		case strings.ContainsRune(closeBrackets, r):
			if depth > 0 {
				depth--
			}
		}
	}
	return depth > 0 && start >= 0 && reKnownLabel.MatchString(line[start:])
}

const knownLabels = `牵头单位[、和及与/]责任单位|牵头及责任单位|牵头责任单位|协同责任单位|主要责任单位|责任主体|牵头单位|牵头部门|主责单位|主办单位|责任单位|责任部门|负责单位|负责部门|配合单位|配合部门|协办单位|协办部门|协同单位|协同部门|参与单位|完成时限|完成时间|完成期限|时间节点|时间要求|时限`

var (
	reKnownLabel  = lazyRegexp(`(` + knownLabels + `)\s*[:：]`)
	reClauseLabel = lazyRegexp(`^\s*(` + knownLabels + `|[\p{Han}]{2,8})\s*[:：]\s*(.*)$`)
	// reLabelLine is a line of its own that labels a task's units, leader or deadline.
	reLabelLine    = lazyRegexp(`^(` + knownLabels + `|牵头(?:负责)?领导|分管(?:市|区|县|省)?领导|责任领导)\s*[:：]`)
	reMinistryTail = lazyRegexp(`(按职责分工负责|按职责分工落实|按职责负责|分别负责|共同负责|负责落实|牵头负责|分别牵头|共同牵头|分别落实|负责|牵头|配合|参与|落实)$`)
)

// parseUnitBracket reads a parenthetical's content. It is a unit bracket when it has a known
// label (牵头单位：, 责任单位：, 完成时限：…) or is in ministry style (商务部、海关总署负责,
// 甲会同有关部门负责, 甲牵头，乙、丙配合). A bracket that states only rules (排在第一位的部门
// 为牵头部门，下同) is one too, with no units.
func parseUnitBracket(s string) (unitBracket, bool) {
	s = strings.TrimSpace(s)
	if reKnownLabel.MatchString(s) {
		ub := parseLabelled(s)
		return ub, ub.hasUnits() || ub.deadline != ""
	}
	var ub unitBracket
	// Ministry style: 国家发展改革委牵头，商务部、海关总署按职责分工负责，2024年底前完成.
	clauses := splitTopLevel(s, "，,；;。")
	if len(clauses) == 0 || len(clauses) > 6 {
		return ub, false
	}
	for _, c := range clauses {
		c = strings.TrimSpace(c)
		if d := ParseDeadline(strings.TrimSuffix(c, "完成")); d.Kind != KindNone && !strings.ContainsAny(c, "负牵") {
			ub.add(roleDeadline, c, c)
			continue
		}
		if m := reClauseLabel.FindStringSubmatch(c); m != nil {
			if role := classifyLabel(m[1]); role == roleScope || role == roleOther {
				ub.add(role, strings.TrimSpace(m[2]), c)
				continue
			}
		}
		tail := reMinistryTail.FindString(c)
		if tail == "" && ub.rules.rule(c) {
			continue
		}
		body := strings.TrimSuffix(c, tail)
		if tail == "" {
			if !strings.Contains(c, "会同") {
				return unitBracket{}, false
			}
			tail = "负责" // 乙会同有关部门
		}
		var lead, others []string
		if before, after, ok := strings.Cut(body, "会同"); ok {
			lead, others = SplitUnits(before), SplitUnits(after)
		} else {
			others = SplitUnits(body)
		}
		units := append(append([]string(nil), lead...), others...)
		if len(units) == 0 {
			return unitBracket{}, false
		}
		for _, u := range units {
			if n := utf8.RuneCountInString(u); n < 2 || n > 30 || !looksLikeUnit(u) {
				return unitBracket{}, false
			}
		}
		switch {
		case len(lead) > 0:
			ub.lead = append(ub.lead, lead...)
			ub.resp = append(ub.resp, others...)
			ub.hasLead = true
		case strings.Contains(tail, "牵头"):
			ub.lead = append(ub.lead, others...)
			ub.hasLead = true
		case tail == "配合" || tail == "参与":
			ub.resp = append(ub.resp, others...)
			ub.hasSupport = true
		default:
			ub.resp = append(ub.resp, others...)
			ub.main = append(ub.main, others...)
		}
	}
	return ub, ub.hasUnits() || ub.rules.set
}

// parseLabelled reads labelled clauses (牵头单位：区司法局；责任单位：各镇乡街道；完成时限：
// 2023年), in a bracket or on a task's label lines.
func parseLabelled(s string) unitBracket {
	var ub unitBracket
	s, notes := cutRuleParens(strings.TrimSpace(s))
	for _, n := range notes {
		ub.rules.rule(n)
	}
	s = separateLabels(s)
	var clauses []string
	for _, c := range splitTopLevel(s, "；;") {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		if !reClauseLabel.MatchString(c) && len(clauses) > 0 {
			if ub.rules.rule(c) {
				continue
			}
			clauses[len(clauses)-1] += "、" + c // a list that went on past a semicolon
			continue
		}
		clauses = append(clauses, c)
	}
	for _, c := range clauses {
		m := reClauseLabel.FindStringSubmatch(c)
		if m == nil {
			if !ub.rules.rule(c) {
				ub.other = append(ub.other, c)
			}
			continue
		}
		label, value := m[1], strings.TrimSpace(m[2])
		ub.add(classifyLabel(label), strings.TrimRight(value, "。"), c)
	}
	return ub
}

// reAnyLabel is a clause label after a comma or space inside a bracket (，适用范围：).
var reAnyLabel = lazyRegexp(`[，,\s]\s*[\p{Han}]{2,8}\s*[:：]`)

// separateLabels puts a semicolon before every label that does not start a clause, so
// that 牵头单位：区司法局，责任单位：各单位 and 牵头单位：区司法局 责任单位：各单位 read like
// 牵头单位：区司法局；责任单位：各单位, and 牵头单位：X，适用范围：A、B does not make A a unit.
func separateLabels(s string) string {
	var b strings.Builder
	last := 0
	starts := reKnownLabel.FindAllStringIndex(s, -1)
	for _, m := range reAnyLabel.FindAllStringIndex(s, -1) {
		_, n := utf8.DecodeRuneInString(s[m[0]:])
		starts = append(starts, []int{m[0] + n, m[1]})
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i][0] < starts[j][0] })
	for _, m := range starts {
		if m[0] == 0 || m[0] < last {
			continue
		}
		before := strings.TrimRightFunc(s[last:m[0]], unicode.IsSpace)
		before = strings.TrimRight(before, "，,")
		b.WriteString(before)
		if r, _ := utf8.DecodeLastRuneInString(before); before != "" && r != '；' && r != ';' {
			b.WriteString("；")
		}
		last = m[0]
	}
	b.WriteString(s[last:])
	return b.String()
}

// splitTopLevel splits s at any of the separator runes that are not inside parentheses, so
// that 各县（市、区） stays whole.
func splitTopLevel(s, seps string) []string {
	var out []string
	depth, last := 0, 0
	for i, r := range s {
		switch {
		case strings.ContainsRune(openBrackets, r):
			depth++
		case strings.ContainsRune(closeBrackets, r) && depth > 0:
			depth--
		case depth == 0 && strings.ContainsRune(seps, r):
			out = append(out, s[last:i])
			last = i + utf8.RuneLen(r)
		}
	}
	out = append(out, s[last:])
	var nonEmpty []string
	for _, f := range out {
		if strings.TrimSpace(f) != "" {
			nonEmpty = append(nonEmpty, f)
		}
	}
	return nonEmpty
}

var (
	reTitleLine = lazyRegexp(`^[“"「]?[\p{Han}“”"「」（）()《》〈〉0-9—\-]{4,60}(计划|方案|规划|要点|意见|措施|清单|分工|分解)([（(][^（()）]{1,20}[）)])?$`)
	reQuoted    = lazyRegexp(`《([^《》]{4,80})》`)
	reDocNumber = lazyRegexp(`([\p{Han}]{1,12})\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*(\d{1,4})\s*号`)
	reIssuedTag = lazyRegexp(`(?:发布日期|成文日期|印发日期|发文日期)\]?\s*[:：]?\s*(\d{4})-(\d{1,2})-(\d{1,2})`)
	reDateLine  = lazyRegexp(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$`)
)

// reProvenance is a line of a web page or a document's header that is not the title:
// 来源：…, 发布时间：…, 索引号, 当前位置.
var reProvenance = lazyRegexp(`^>>|>>|返回首页|^[\[【]?(来源|信息来源|文章来源|发布时间|发布日期|发布机构|成文日期|时间|日期|作者|浏览|点击|字号|索引号|分享|当前位置|您的位置|首页|打印|关闭)|来源[:：]|发布时间|浏览次数|点击量`)

// findTitle returns the plan's title: a line of its own that names a plan (…行动计划), joined
// with the line before it when the title is set on two lines; else the first 《…》; else the
// first line that is not provenance (来源：…, 发布时间).
func findTitle(lines []string) string {
	quoted, first, prev, issued := "", "", "", ""
	for _, l := range lines {
		l = cleanLine(l)
		if l == "" {
			continue
		}
		if reProvenance.MatchString(l) || reMetaLine.MatchString(l) {
			prev = ""
			continue
		}
		if first == "" {
			first = l
		}
		if reTitleLine.MatchString(l) {
			// The second line of a title set on two lines is its short end (任务分解和责任
			// 分工方案); a longer line is a title of its own.
			if prev != "" && utf8.RuneCountInString(l) <= 14 && !reTitleLine.MatchString(prev) && reTitleLine.MatchString(prev+l) {
				return prev + l
			}
			return l
		}
		if m := reIssuing.FindStringSubmatch(l); m != nil && issued == "" && reTitleLine.MatchString(strings.Trim(m[1], "《》 ")) {
			issued = strings.Trim(m[1], "《》 ")
		}
		if m := reQuoted.FindStringSubmatch(l); m != nil && quoted == "" {
			quoted = m[1]
		}
		if rePart.MatchString(l) {
			break
		}
		prev = ""
		if reTitleFragment.MatchString(l) && !reDateLine.MatchString(l) && !reDocNumber.MatchString(l) {
			prev = l
		}
	}
	switch {
	case issued != "":
		return joinCJKSpaces(issued)
	case quoted != "":
		return joinCJKSpaces(quoted)
	}
	return first
}

// reIssuing is the line of a notice that issues the plan: 关于印发X的通知.
var reIssuing = lazyRegexp(`关于印发(.{4,80})的通知$`)

// reTitleFragment is a line that may be the first line of a title set on two lines: short,
// with no sentence punctuation.
var reTitleFragment = lazyRegexp(`^[\p{Han}“”"「」（）()0-9—\-]{4,40}$`)

// findDocNumber returns the plan's document number (京怀发〔2021〕25号): the first one on a
// short line of its own, as a document's header or a web page's metadata gives it. Numbers of
// the documents a plan cites (根据《…》（国发〔2012〕39号）) stand in longer lines.
func findDocNumber(text string) string {
	for _, l := range strings.Split(text, "\n") {
		l = cleanLine(l)
		if utf8.RuneCountInString(l) > 40 {
			continue
		}
		if m := reDocNumber.FindStringSubmatch(l); m != nil {
			return m[1] + "〔" + m[2] + "〕" + m[3] + "号"
		}
	}
	return ""
}

// findIssued returns the issue date from a 发布日期 tag, or a date line of its own (the
// signature's date) before the plan's first part or among its last lines, as YYYY-MM-DD.
func findIssued(lines []string) string {
	for _, l := range lines {
		if m := reIssuedTag.FindStringSubmatch(l); m != nil {
			return date(m[1], m[2], m[3])
		}
	}
	for _, l := range lines {
		if m := reDateLine.FindStringSubmatch(cleanLine(l)); m != nil {
			return date(m[1], m[2], m[3])
		}
		if rePart.MatchString(cleanLine(l)) {
			break
		}
	}
	// A signature at the end: the date is within the last few lines.
	for i, seen := len(lines)-1, 0; i >= 0 && seen < 6; i-- {
		l := cleanLine(lines[i])
		if l == "" {
			continue
		}
		seen++
		if m := reDateLine.FindStringSubmatch(l); m != nil {
			return date(m[1], m[2], m[3])
		}
	}
	return ""
}
