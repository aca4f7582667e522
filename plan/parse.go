package plan

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Parse reads a plan document: UTF-8 or GB18030 text, or .docx (see DocumentText). name is the
// file's name, for messages and the ledger's record of its source.
func Parse(name string, data []byte) (*Plan, error) {
	text, _, err := DocumentText(name, data)
	if err != nil {
		return nil, err
	}
	p, err := ParseText(text)
	if err != nil {
		return nil, fmt.Errorf("%s：%w", name, err)
	}
	p.Source = filepath.Base(name)
	return p, nil
}

// ErrNoTasks is returned for a document in which no task with a unit bracket was found.
var ErrNoTasks = errors.New("没有找到任何任务：" + noTasksHint)

const noTasksHint = "任务后应有括号注明单位，例如“（牵头单位：区司法局；责任单位：各镇乡街道；完成时限：2023年）”或“（商务部负责）”。请确认选择的是行动计划正文"

// ParseText reads a plan from its text, one paragraph a line. The structure it understands:
// parts (一、), sections (（一）), numbered groups (1.) and tasks (1.1, or a group that is
// itself a task), each task followed by one or more unit brackets, on its own line or at the
// end of the task's text. It also proposes the default unit registry and group definitions.
func ParseText(text string) (*Plan, error) {
	text = strings.ToValidUTF8(text, "\ufffd")
	ps := &parser{}
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.Contains(lines[i], "\t") && ps.tableLine(lines[i]) {
			continue
		}
		line := cleanLine(lines[i])
		if line == "" {
			continue
		}
		// A unit bracket wrapped over several lines: join until it closes.
		for j := 0; j < 4 && i+1 < len(lines) && hasOpenUnitBracket(line); j++ {
			i++
			line += cleanLine(lines[i])
		}
		ps.line(line)
	}
	ps.closeTask()
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
		Title:     findTitle(lines),
		DocNumber: findDocNumber(text),
		Issued:    findIssued(lines),
	}
	ps.year = planYear(p.Title)
	p.Tasks = ps.finish()
	p.Units, p.Groups = defaultRegistry(p.Tasks, strings.Contains(text, "怀柔"))
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
	rePart       = regexp.MustCompile(`^([一二三四五六七八九十]+)[、.．]\s*`)
	reSection    = regexp.MustCompile(`^[（(]([一二三四五六七八九十]+)[）)]\s*`)
	reTaskID     = regexp.MustCompile(`^(\d{1,3}(?:[.．]\d{1,3})+)(?:[.．、](?:\s|$)|[.．、]?\s*)`)
	reGroupID    = regexp.MustCompile(`^(\d{1,3})[.．、]\s*`)
	reSubItem    = regexp.MustCompile(`^[（(](\d{1,3})[）)]\s*`)
	reHeadingEnd = regexp.MustCompile(`[。；;]`)
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
}

type parser struct {
	part, section, group string
	partNo, sectionNo    string
	cur                  *rawTask
	tasks                []*rawTask
	unnumbered           int
	items                int          // numbered items seen, tasks or not
	table                *tableLayout // the header of the table being read, if any
	year                 string       // the year of a plan for one year, for 6月底前
}

// target is the item that text and brackets go to: the open sub-item, else the open item.
func (ps *parser) target() *rawTask {
	if ps.cur != nil && len(ps.cur.subs) > 0 {
		return ps.cur.subs[len(ps.cur.subs)-1]
	}
	return ps.cur
}

func (ps *parser) line(line string) {
	rest, brackets := splitBrackets(line)
	// Numbering may be typed with full-width digits (１．, １.１, （１）).
	num := halfWidthNumbering(rest)
	switch {
	case rest == "":
		// a bracket on its own line
	case rePart.MatchString(rest):
		ps.closeTask()
		m := rePart.FindStringSubmatch(rest)
		ps.part, ps.partNo = headingOf(rest), m[1]
		ps.section, ps.sectionNo, ps.group = "", "", ""
		if len(brackets) > 0 {
			ps.open(m[1], rest[len(m[0]):])
		}
	case reSection.MatchString(rest):
		ps.closeTask()
		m := reSection.FindStringSubmatch(rest)
		ps.section, ps.sectionNo, ps.group = headingOf(rest), m[1], ""
		// A section may itself be a task (ministry style): keep it as a candidate. Its id is
		// qualified with the part's number only if the numbering restarts in each part.
		ps.open("（"+m[1]+"）", rest[len(m[0]):])
	case reTaskID.MatchString(num):
		ps.closeTask()
		m := reTaskID.FindStringSubmatch(num)
		ps.open(strings.ReplaceAll(m[1], "．", "."), num[len(m[0]):])
	case reGroupID.MatchString(num):
		ps.closeTask()
		m := reGroupID.FindStringSubmatch(num)
		ps.group = headingOf(rest)
		// A group with no sub-items is itself a task: keep it as a candidate.
		ps.open(m[1], num[len(m[0]):])
	case reSubItem.MatchString(num):
		m := reSubItem.FindStringSubmatch(num)
		marker, text := "（"+m[1]+"）", strings.TrimSpace(num[len(m[0]):])
		if ps.cur == nil || ps.cur.isSub {
			ps.closeTask()
			ps.open(marker, text)
			ps.cur.isSub = true
			break
		}
		sub := &rawTask{id: ps.cur.id + marker, part: ps.cur.part, section: ps.cur.section, group: ps.cur.group, marker: marker}
		if text != "" {
			sub.text = append(sub.text, text)
		}
		ps.cur.subs = append(ps.cur.subs, sub)
	default:
		t := ps.target()
		switch {
		case t == nil && len(brackets) > 0:
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
	if t := ps.target(); len(brackets) > 0 && t != nil {
		t.text = append(t.text, t.pending...)
		t.pending = nil
		t.brackets = append(t.brackets, brackets...)
	}
}

// halfWidthNumbering turns full-width digits in a line's leading numbering into ASCII, so that
// １．１ reads as 1.1. The rest of the line is left as written.
func halfWidthNumbering(s string) string {
	for i, r := range s {
		if !(r >= '０' && r <= '９' || r >= '0' && r <= '9' || strings.ContainsRune("．.、（()）", r)) {
			return toHalfWidthDigits(s[:i]) + s[i:]
		}
	}
	return toHalfWidthDigits(s)
}

func (ps *parser) open(id, text string) {
	ps.items++
	ps.cur = &rawTask{id: id, part: ps.part, section: ps.section, group: ps.group}
	if text = strings.TrimSpace(text); text != "" {
		ps.cur.text = append(ps.cur.text, text)
	}
}

// closeTask ends the open item: it is a task if a bracket attached to it. An item with
// （1）（2）… sub-items is one task when only its last sub-item carries a bracket (the bracket
// covers the whole list); when several do, each sub-item with a bracket is a task.
func (ps *parser) closeTask() {
	rt := ps.cur
	ps.cur = nil
	if rt == nil {
		return
	}
	var bracketed []*rawTask
	for _, s := range rt.subs {
		if len(s.brackets) > 0 {
			bracketed = append(bracketed, s)
		}
	}
	switch {
	case len(bracketed) == 0:
		// Sub-items after the item's own bracket, or none at all: text not kept, as for any
		// text after a task's bracket.
	case len(bracketed) == 1 && bracketed[0] == rt.subs[len(rt.subs)-1] && len(rt.brackets) == 0:
		// （1）…；（2）…。（牵头单位：…）: one task, the list is its text.
		rt.text = append(rt.text, rt.pending...)
		for _, s := range rt.subs {
			rt.text = append(rt.text, s.marker+strings.Join(s.text, ""))
		}
		rt.brackets = bracketed[0].brackets
	default:
		if len(rt.brackets) > 0 {
			ps.tasks = append(ps.tasks, rt)
		}
		// Each sub-item with a bracket is a task; sub-items without one before it are part
		// of its text.
		var lead []string
		for _, s := range rt.subs {
			if len(s.brackets) == 0 {
				lead = append(lead, s.marker+strings.Join(s.text, ""))
				continue
			}
			s.text = append(lead, s.text...)
			lead = nil
			ps.tasks = append(ps.tasks, s)
		}
		return
	}
	if len(rt.brackets) > 0 {
		ps.tasks = append(ps.tasks, rt)
	}
}

// headingOf returns a heading's own words: the line up to its first full stop.
func headingOf(s string) string {
	if loc := reHeadingEnd.FindStringIndex(s); loc != nil {
		s = s[:loc[0]]
	}
	return strings.TrimSpace(s)
}

// finish turns the raw tasks into tasks: it merges each task's brackets, completes short unit
// names, and makes ids unique when the plan restarts its numbering in each section.
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
		var deadlines, others, main []string
		labelledLead, support := false, false
		for _, b := range rt.brackets {
			t.Lead = appendUnique(t.Lead, completeShortNames(b.lead, known)...)
			t.Responsible = appendUnique(t.Responsible, completeShortNames(b.resp, known)...)
			main = appendUnique(main, completeShortNames(b.main, known)...)
			if b.deadline != "" {
				deadlines = append(deadlines, b.deadline)
			}
			labelledLead = labelledLead || b.hasLead
			support = support || b.hasSupport
			others = append(others, b.other...)
		}
		switch {
		case labelledLead || len(t.Lead) > 0 || len(t.Responsible) == 0:
		case support && len(main) > 0:
			// 负责单位：A、B；配合单位：C — the units in charge lead, the others assist.
			t.Lead = main
			t.Responsible = removeAll(t.Responsible, main)
		default:
			// No unit is named as lead: the first one listed leads.
			t.Lead, t.Responsible = t.Responsible[:1], t.Responsible[1:]
		}
		if len(others) > 0 {
			// Other parts of the bracket (适用范围：…) stay with the task's text.
			t.Text += "（" + strings.Join(others, "；") + "）"
		}
		t.Deadline = mergeDeadlines(deadlines, ps.year)
		tasks = append(tasks, t)
	}
	qualifyDuplicateIDs(tasks)
	return tasks
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
var reNoYear = regexp.MustCompile(`^\s*(\d{1,2}\s*月|[０-９]{1,2}\s*月|年底|年末|年中|年内|上半年|下半年|第?[一二三四1-4]季度)`)

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

var reYearInTitle = regexp.MustCompile(`(\d{4})\s*年`)

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

// unitBracket is what one parenthetical (or one table row) says about a task's units and
// deadline.
type unitBracket struct {
	lead, resp []string
	main       []string // responsible units under a 负责/责任 label (resp holds them too)
	hasLead    bool     // a lead label (牵头单位) or a 牵头 clause was present
	hasSupport bool     // a 配合/协办 label or clause was present
	deadline   string
	other      []string // other labelled parts, e.g. 适用范围：…
}

// labelRole is what a label (牵头单位, 配合单位, 完成时限…) says its list is.
type labelRole int

const (
	roleOther    labelRole = iota // 适用范围, 备注…
	roleLead                      // 牵头单位, 牵头部门, 主责单位
	roleLeadResp                  // 牵头单位、责任单位: the units lead and are responsible
	roleMain                      // 责任单位, 负责单位, 负责部门: responsible
	roleSupport                   // 配合单位, 协办单位: responsible, assisting
	roleDeadline                  // 完成时限, 时间节点
)

var supportPrefixes = []string{"配合", "协办", "协同", "协助", "协作", "参与", "参加"}

// classifyLabel says what a bracket label or table column header stands for.
func classifyLabel(label string) labelRole {
	unitLabel := strings.HasSuffix(label, "单位") || strings.HasSuffix(label, "部门")
	switch {
	case strings.HasPrefix(label, "牵头") && strings.Contains(label, "责任"):
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

// add records a labelled list in the bracket.
func (ub *unitBracket) add(role labelRole, value, clause string) {
	switch role {
	case roleLeadResp:
		units := SplitUnits(value)
		ub.lead = append(ub.lead, units...)
		ub.resp = append(ub.resp, units...)
		ub.hasLead = true
	case roleLead:
		ub.lead = append(ub.lead, SplitUnits(value)...)
		ub.hasLead = true
	case roleMain:
		units := SplitUnits(value)
		ub.resp = append(ub.resp, units...)
		ub.main = append(ub.main, units...)
	case roleSupport:
		ub.resp = append(ub.resp, SplitUnits(value)...)
		ub.hasSupport = true
	case roleDeadline:
		if ub.deadline == "" {
			ub.deadline = value
		} else if value != "" {
			ub.deadline += "；" + value
		}
	default:
		if clause != "" {
			ub.other = append(ub.other, clause)
		}
	}
}

// splitBrackets separates a line's unit brackets from its text. Other parentheses (（党组）,
// （2020—2025年）) stay in the text.
func splitBrackets(line string) (rest string, brackets []unitBracket) {
	var b strings.Builder
	depth, start, last := 0, 0, 0
	for i, r := range line {
		switch r {
		case '（', '(':
			if depth == 0 {
				start = i
			}
			depth++
		case '）', ')':
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
		switch r {
		case '（', '(':
			if depth == 0 {
				start = i
			}
			depth++
		case '）', ')':
			if depth > 0 {
				depth--
			}
		}
	}
	return depth > 0 && start >= 0 && reKnownLabel.MatchString(line[start:])
}

const knownLabels = `牵头单位[、和及与/]责任单位|牵头及责任单位|牵头单位|牵头部门|主责单位|主办单位|责任单位|责任部门|负责单位|负责部门|配合单位|配合部门|协办单位|协办部门|协同单位|协同部门|参与单位|完成时限|完成时间|完成期限|时间节点|时间要求|时限`

var (
	reKnownLabel   = regexp.MustCompile(`(` + knownLabels + `)\s*[:：]`)
	reClauseLabel  = regexp.MustCompile(`^\s*(` + knownLabels + `|[\p{Han}]{2,8})\s*[:：]\s*(.*)$`)
	reMinistryTail = regexp.MustCompile(`(按职责分工负责|分别负责|共同负责|负责落实|负责|牵头|配合|参与)$`)
)

// parseUnitBracket reads a parenthetical's content. It is a unit bracket when it has a known
// label (牵头单位：, 责任单位：, 完成时限：…) or is in ministry style (商务部、海关总署负责).
func parseUnitBracket(s string) (unitBracket, bool) {
	var ub unitBracket
	s = strings.TrimSpace(s)
	if reKnownLabel.MatchString(s) {
		s = separateLabels(s)
		var clauses []string
		for _, c := range splitTopLevel(s, "；;") {
			if c = strings.TrimSpace(c); c == "" {
				continue
			}
			if !reClauseLabel.MatchString(c) && len(clauses) > 0 {
				clauses[len(clauses)-1] += "、" + c // a list that went on past a semicolon
				continue
			}
			clauses = append(clauses, c)
		}
		for _, c := range clauses {
			m := reClauseLabel.FindStringSubmatch(c)
			if m == nil {
				continue
			}
			label, value := m[1], strings.TrimSpace(m[2])
			ub.add(classifyLabel(label), value, c)
		}
		return ub, len(ub.lead)+len(ub.resp) > 0 || ub.deadline != ""
	}
	// Ministry style: 国家发展改革委牵头，商务部、海关总署按职责分工负责，2024年底前完成.
	clauses := splitTopLevel(s, "，,；;")
	if len(clauses) == 0 || len(clauses) > 4 {
		return ub, false
	}
	for _, c := range clauses {
		c = strings.TrimSpace(c)
		if d := ParseDeadline(strings.TrimSuffix(c, "完成")); d.Kind != KindNone && !strings.ContainsAny(c, "负牵") {
			ub.add(roleDeadline, c, c)
			continue
		}
		tail := reMinistryTail.FindString(c)
		if tail == "" {
			return unitBracket{}, false
		}
		units := SplitUnits(strings.TrimSuffix(c, tail))
		if len(units) == 0 {
			return unitBracket{}, false
		}
		for _, u := range units {
			if n := utf8.RuneCountInString(u); n < 2 || n > 30 || strings.ContainsAny(u, "。：:“”") {
				return unitBracket{}, false
			}
		}
		switch tail {
		case "牵头":
			ub.lead = append(ub.lead, units...)
			ub.hasLead = true
		case "配合", "参与":
			ub.resp = append(ub.resp, units...)
			ub.hasSupport = true
		default:
			ub.resp = append(ub.resp, units...)
			ub.main = append(ub.main, units...)
		}
	}
	return ub, len(ub.lead)+len(ub.resp) > 0
}

// separateLabels puts a semicolon before every known label that does not start a clause, so
// that 牵头单位：区司法局，责任单位：各单位 and 牵头单位：区司法局 责任单位：各单位 read like
// 牵头单位：区司法局；责任单位：各单位.
func separateLabels(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range reKnownLabel.FindAllStringIndex(s, -1) {
		if m[0] == 0 {
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
		case r == '（' || r == '(':
			depth++
		case (r == '）' || r == ')') && depth > 0:
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
	reTitleLine = regexp.MustCompile(`^[“"「]?[\p{Han}“”"「」（）()0-9—\-]{4,60}(计划|方案|规划|要点|意见|措施|清单|分工)$`)
	reQuoted    = regexp.MustCompile(`《([^《》]{4,80})》`)
	reDocNumber = regexp.MustCompile(`([\p{Han}]{1,12})\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*(\d{1,4})\s*号`)
	reIssuedTag = regexp.MustCompile(`(?:发布日期|成文日期|印发日期)\]?\s*[:：]?\s*(\d{4})-(\d{1,2})-(\d{1,2})`)
	reDateLine  = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$`)
)

// findTitle returns the plan's title: a line of its own that names a plan (…行动计划), else the
// first 《…》, else the first line.
func findTitle(lines []string) string {
	quoted, first := "", ""
	for _, l := range lines {
		l = cleanLine(l)
		if l == "" {
			continue
		}
		if first == "" {
			first = l
		}
		if reTitleLine.MatchString(l) {
			return l
		}
		if m := reQuoted.FindStringSubmatch(l); m != nil && quoted == "" {
			quoted = m[1]
		}
		if rePart.MatchString(l) {
			break
		}
	}
	if quoted != "" {
		return quoted
	}
	return first
}

func findDocNumber(text string) string {
	m := reDocNumber.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return m[1] + "〔" + m[2] + "〕" + m[3] + "号"
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

// tableLayout is the header of a plan written as a table (序号, 任务, 牵头单位, 责任单位,
// 完成时限…), whose rows DocumentText gives as lines of cells joined by tabs.
type tableLayout struct {
	id        int // column of 序号, or -1
	text      []int
	group     int // column of a category (类别, 领域), or -1
	units     []int
	roles     []labelRole // the role of each column in units
	deadline  int         // or -1
	lastGroup string      // a category cell merged over several rows is empty after its first
	auto      int         // row count, for ids when there is no 序号 column
}

var (
	tableIDHeaders  = []string{"序号", "编号", "序", "任务编号", "任务序号"}
	categoryHeaders = []string{"类别", "领域", "重点领域", "任务类别", "工作类别", "项目类别", "板块", "方面", "专项", "类型"}
	reTextHeader    = regexp.MustCompile(`任务|措施|举措|事项|内容|工作要点|目标任务`)
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
	tl := &tableLayout{id: -1, group: -1, deadline: -1}
	for i, c := range cells {
		h := strings.TrimRight(NormalizeUnitName(c), ":：")
		if h == "" || utf8.RuneCountInString(h) > 12 {
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
			}
		case role != roleOther:
			tl.units = append(tl.units, i)
			tl.roles = append(tl.roles, role)
		case reTextHeader.MatchString(h) && !strings.Contains(h, "来源") && !strings.Contains(h, "依据"):
			tl.text = append(tl.text, i)
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

// tableLine reads a line holding tabs: a table's header row, or one of its rows while a table is
// open. It returns false when the line is to be read as ordinary text (a row with only one
// filled cell, such as a merged 一、… heading row, or tabs outside a table).
func (ps *parser) tableLine(line string) bool {
	cells := tableCells(line)
	if tl := tableHeader(cells); tl != nil {
		ps.closeTask()
		ps.table = tl
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
	if text.Len() == 0 && len(ub.lead)+len(ub.resp) == 0 {
		return true // an empty or spacer row
	}
	tl.auto++
	id := strings.TrimRight(halfWidthNumbering(cell(tl.id)), ".．、 ")
	switch {
	case tl.id < 0:
		id = fmt.Sprint(tl.auto)
	case id == "":
		ps.unnumbered++
		id = fmt.Sprintf("未编号%d", ps.unnumbered)
	}
	ps.closeTask()
	ps.open(id, text.String())
	if tl.group >= 0 {
		if g := cell(tl.group); g != "" {
			tl.lastGroup = g
		}
		ps.cur.group = tl.lastGroup
	}
	ps.cur.brackets = []unitBracket{ub}
	ps.closeTask()
	return true
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
