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
var ErrNoTasks = errors.New("没有找到任何任务：任务后应有括号注明单位，例如“（牵头单位：区司法局；责任单位：各镇乡街道；完成时限：2023年）”或“（商务部负责）”。请确认选择的是行动计划正文")

// ParseText reads a plan from its text, one paragraph a line. The structure it understands:
// parts (一、), sections (（一）), numbered groups (1.) and tasks (1.1, or a group that is
// itself a task), each task followed by one or more unit brackets, on its own line or at the
// end of the task's text. It also proposes the default unit registry and group definitions.
func ParseText(text string) (*Plan, error) {
	ps := &parser{}
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
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
		return nil, ErrNoTasks
	}
	p := &Plan{
		Title:     findTitle(lines),
		DocNumber: findDocNumber(text),
		Issued:    findIssued(lines),
	}
	p.Tasks = ps.finish()
	p.Units, p.Groups = defaultRegistry(p.Tasks, strings.Contains(text, "怀柔"))
	return p, nil
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
}

type parser struct {
	part, section, group string
	partNo, sectionNo    string
	cur                  *rawTask
	tasks                []*rawTask
	unnumbered           int
}

func (ps *parser) line(line string) {
	rest, brackets := splitBrackets(line)
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
		// A section may itself be a task (ministry style): keep it as a candidate.
		ps.open(ps.partNo+"（"+m[1]+"）", rest[len(m[0]):])
	case reTaskID.MatchString(rest):
		ps.closeTask()
		m := reTaskID.FindStringSubmatch(rest)
		ps.open(strings.ReplaceAll(m[1], "．", "."), rest[len(m[0]):])
	case reGroupID.MatchString(rest):
		ps.closeTask()
		m := reGroupID.FindStringSubmatch(rest)
		ps.group = headingOf(rest)
		// A group with no sub-items is itself a task: keep it as a candidate.
		ps.open(m[1], rest[len(m[0]):])
	case reSubItem.MatchString(rest) && len(brackets) > 0:
		m := reSubItem.FindStringSubmatch(rest)
		base := ""
		if ps.cur != nil {
			base = ps.cur.id
			if len(ps.cur.brackets) > 0 {
				ps.closeTask()
			} else {
				ps.cur = nil // the parent was only a heading
			}
		}
		ps.open(base+"("+m[1]+")", rest[len(m[0]):])
	default:
		switch {
		case ps.cur == nil && len(brackets) > 0:
			ps.unnumbered++
			ps.open(fmt.Sprintf("未编号%d", ps.unnumbered), rest)
		case ps.cur == nil:
			// prose between tasks
		case len(ps.cur.brackets) > 0:
			ps.cur.pending = append(ps.cur.pending, rest)
		default:
			ps.cur.text = append(ps.cur.text, rest)
		}
	}
	if len(brackets) > 0 && ps.cur != nil {
		ps.cur.text = append(ps.cur.text, ps.cur.pending...)
		ps.cur.pending = nil
		ps.cur.brackets = append(ps.cur.brackets, brackets...)
	}
}

func (ps *parser) open(id, text string) {
	ps.cur = &rawTask{id: id, part: ps.part, section: ps.section, group: ps.group}
	if text = strings.TrimSpace(text); text != "" {
		ps.cur.text = append(ps.cur.text, text)
	}
}

// closeTask ends the open item: it is a task if a bracket attached to it.
func (ps *parser) closeTask() {
	if ps.cur != nil && len(ps.cur.brackets) > 0 {
		ps.tasks = append(ps.tasks, ps.cur)
	}
	ps.cur = nil
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
		var deadlines []string
		labelledLead := false
		for _, b := range rt.brackets {
			t.Lead = appendUnique(t.Lead, completeShortNames(b.lead, known)...)
			t.Responsible = appendUnique(t.Responsible, completeShortNames(b.resp, known)...)
			if b.deadline != "" {
				deadlines = append(deadlines, b.deadline)
			}
			labelledLead = labelledLead || b.hasLead
		}
		if !labelledLead && len(t.Lead) == 0 && len(t.Responsible) > 0 {
			// No unit is named as lead: the first one listed leads.
			t.Lead, t.Responsible = t.Responsible[:1], t.Responsible[1:]
		}
		t.Deadline = mergeDeadlines(deadlines)
		tasks = append(tasks, t)
	}
	qualifyDuplicateIDs(tasks)
	return tasks
}

// mergeDeadlines combines the deadlines of a task's several brackets: the latest date wins; a
// task with no date is ongoing or recurring if any part is.
func mergeDeadlines(texts []string) Deadline {
	if len(texts) == 0 {
		return Deadline{Kind: KindNone}
	}
	d := ParseDeadline(texts[0])
	for _, s := range texts[1:] {
		e := ParseDeadline(s)
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

// qualifyDuplicateIDs prefixes ids with their section when the plan restarts its numbering.
func qualifyDuplicateIDs(tasks []Task) {
	if !hasDuplicateIDs(tasks) {
		return
	}
	for i := range tasks {
		if m := reSection.FindStringSubmatch(tasks[i].Section); m != nil && !strings.HasPrefix(tasks[i].ID, "（") {
			tasks[i].ID = "（" + m[1] + "）" + tasks[i].ID
		}
	}
	if !hasDuplicateIDs(tasks) {
		return
	}
	for i := range tasks {
		if m := rePart.FindStringSubmatch(tasks[i].Part); m != nil {
			tasks[i].ID = m[1] + tasks[i].ID
		}
	}
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

// unitBracket is what one parenthetical says about a task's units and deadline.
type unitBracket struct {
	lead, resp []string
	hasLead    bool // a lead label (牵头单位) or a 牵头 clause was present
	deadline   string
	other      []string // other labelled parts, e.g. 适用范围：…
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

const knownLabels = `牵头单位[、和及与/]责任单位|牵头及责任单位|牵头单位|牵头部门|主责单位|责任单位|责任部门|负责单位|负责部门|配合单位|配合部门|协办单位|协同单位|参与单位|完成时限|完成时间|完成期限|时间节点|时间要求|时限`

var (
	reKnownLabel   = regexp.MustCompile(`(` + knownLabels + `)\s*[:：]`)
	reLabelAfter   = regexp.MustCompile(`[，,]\s*((?:` + knownLabels + `)\s*[:：])`)
	reClauseLabel  = regexp.MustCompile(`^\s*(` + knownLabels + `|[\p{Han}]{2,8})\s*[:：]\s*(.*)$`)
	reMinistryTail = regexp.MustCompile(`(按职责分工负责|分别负责|共同负责|负责落实|负责|牵头|配合|参与)$`)
)

// parseUnitBracket reads a parenthetical's content. It is a unit bracket when it has a known
// label (牵头单位：, 责任单位：, 完成时限：…) or is in ministry style (商务部、海关总署负责).
func parseUnitBracket(s string) (unitBracket, bool) {
	var ub unitBracket
	s = strings.TrimSpace(s)
	if reKnownLabel.MatchString(s) {
		s = reLabelAfter.ReplaceAllString(s, "；$1")
		var clauses []string
		for _, c := range strings.FieldsFunc(s, func(r rune) bool { return r == '；' || r == ';' }) {
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
			switch {
			case strings.HasPrefix(label, "牵头") && strings.Contains(label, "责任"):
				units := SplitUnits(value)
				ub.lead = append(ub.lead, units...)
				ub.resp = append(ub.resp, units...)
				ub.hasLead = true
			case strings.HasPrefix(label, "牵头") || label == "主责单位":
				ub.lead = append(ub.lead, SplitUnits(value)...)
				ub.hasLead = true
			case strings.HasSuffix(label, "单位") || strings.HasSuffix(label, "部门"):
				ub.resp = append(ub.resp, SplitUnits(value)...)
			case strings.Contains(label, "时"):
				ub.deadline = value
			default:
				ub.other = append(ub.other, c)
			}
		}
		return ub, len(ub.lead)+len(ub.resp) > 0 || ub.deadline != ""
	}
	// Ministry style: 国家发展改革委牵头，商务部、海关总署按职责分工负责，2024年底前完成.
	clauses := strings.FieldsFunc(s, func(r rune) bool { return r == '，' || r == ',' || r == '；' || r == ';' })
	if len(clauses) == 0 || len(clauses) > 4 {
		return ub, false
	}
	for _, c := range clauses {
		c = strings.TrimSpace(c)
		if d := ParseDeadline(strings.TrimSuffix(c, "完成")); d.Kind != KindNone && !strings.ContainsAny(c, "负牵") {
			ub.deadline = c
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
		if tail == "牵头" {
			ub.lead = append(ub.lead, units...)
			ub.hasLead = true
		} else {
			ub.resp = append(ub.resp, units...)
		}
	}
	return ub, len(ub.lead)+len(ub.resp) > 0
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

// findIssued returns the issue date from a 发布日期 tag or a date line of its own (the
// signature's date), as YYYY-MM-DD.
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
	return ""
}
