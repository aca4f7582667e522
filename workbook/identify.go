package workbook

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"planreport/internal/xlsx"
	"planreport/plan"
	"planreport/templates"
)

// How a returned workbook's unit was told (Report.Identified, Submission.Identified): by its
// hidden identification, or, when that is gone, by the first other signal that names a unit.
const (
	ByIdentity = "标识"
	ByFileName = "文件名"
	ByGuide    = "填报说明"
	ByTitle    = "文档标题"
	BySender   = "发件邮箱"
)

// signal is one thing about a returned workbook, other than its identification, that may name
// a unit and a period: its file name, the instructions sheet, the document title, the address
// it was sent from.
type signal struct {
	by     string // ByFileName…
	where  string // how messages name it: 文件名“…”, 「填报说明」B2
	unit   string // the reporting unit it names, "" when none
	named  string // the unit name as written, for messages
	period []plan.Period
	at     string // where the period is named, for messages: where, or the cell
}

// signals reads the signals of a workbook named name, sent from sender; x is nil when the file
// could not be opened.
func (c *Context) signals(name string, x *xlsx.File, sender string) []signal {
	out := []signal{c.textSignal(ByFileName, "文件名“"+name+"”", name)}
	if x != nil {
		out = append(out, c.guideSignal(x))
		if t := x.Title(); t != "" {
			out = append(out, c.textSignal(ByTitle, "文档标题“"+t+"”", t))
		}
	}
	if from, ok := c.byEmail[strings.ToLower(sender)]; ok && c.reporter[from] != "" {
		out = append(out, signal{by: BySender, where: "发件邮箱 " + sender, unit: c.reporter[from], named: from})
	}
	return out
}

// textSignal is what a text (a file name, a title) names.
func (c *Context) textSignal(by, where, text string) signal {
	s := signal{by: by, where: where, at: where, period: c.periodsIn(text)}
	if u := c.unitInName(text); u != "" {
		s.unit, s.named = c.reporter[u], u
	}
	return s
}

// guideSignal is what the instructions sheet names: the unit after “填报单位”, the period
// after “报送周期” and in the title above them. Any sheet with such labels in its first rows
// counts: a retyped form may have renamed it.
func (c *Context) guideSignal(x *xlsx.File) signal {
	s := signal{by: ByGuide}
	for _, sheet := range x.SheetList() {
		rows, err := x.Rows(sheet)
		if err != nil {
			continue
		}
		found := false
		var periods []plan.Period
		at := ""
		addPeriods := func(v string, col, row int) {
			if ps := c.periodsIn(v); len(ps) > 0 {
				periods = append(periods, ps...)
				if at == "" {
					at = "「" + sheet + "」" + cellName(col, row)
				}
			}
		}
		for i, row := range rows {
			if i > 10 {
				break
			}
			for j, v := range row {
				label := strings.TrimSpace(v)
				switch {
				case label == "填报单位" && j+1 < len(row):
					found = true
					if u := c.unitInName(row[j+1]); u != "" && s.unit == "" {
						s.unit, s.named = c.reporter[u], u
						s.where = "「" + sheet + "」" + cellName(j+1, i+1)
					}
				case label == "报送周期" && j+1 < len(row):
					found = true
					addPeriods(row[j+1], j+1, i+1)
				case i == 0 && j == 0: // the title
					addPeriods(v, 0, 1)
				}
			}
		}
		if found {
			if s.where == "" {
				s.where = "「" + sheet + "」"
			}
			s.period, s.at = periods, at
			return s
		}
	}
	return s
}

// identify tells whose and which workbook it is: from the hidden identification, else from
// the other signals (attribute). Without the identification, the file name, the instructions
// sheet and the title must agree with the unit and this period.
func (c *Context) identify(r *Report, x *xlsx.File, name, sender string) {
	idRows, _ := x.Rows(templates.SheetID)
	id, ok := templates.ParseIdentity(idRows, x.Props())
	if !ok {
		sig := c.attribute(r, x, name, sender)
		if r.Unit == "" {
			r.add(RuleNoIdentity, "", "", "", "无法识别这是哪个单位的报送表：文件中没有报送表标识，文件名、“填报说明”和文档标题中也没有单位名称，发件邮箱也不是单位表中登记的",
				"请使用办公室下发的报送表填写（不要把内容复制到新建的工作簿），或在文件名中写明单位名称")
			return
		}
		r.addGist(RuleGuessed, "按"+r.Identified+"识别", fmt.Sprintf("报送表标识已丢失（可能是把内容复制到了新建的工作簿），按%s识别为“%s”", sig[0].where, r.Unit),
			"请以后直接在下发的报送表中填写；办公室请核对单位是否正确")
		c.agree(r, sig)
		return
	}
	r.Unit, r.Identified = id.Unit, ByIdentity
	if len(id.Rows) > 0 {
		r.issued = make(map[string]string, len(id.Rows))
		for _, row := range id.Rows {
			r.issued[compactNarrow(row.Task)] = row.Checksum
		}
	}
	known := false
	for _, u := range c.Plan.Units {
		if u.Name == id.Unit {
			known = true
		}
	}
	switch {
	case !known:
		r.add(RuleUnknownUnit, "", "", "", fmt.Sprintf("报送表标识的单位“%s”不在计划台账的单位表中", id.Unit),
			"办公室：如单位改名，请在 plan.xlsx「单位」表中把旧名称填入“别名”，或重新生成模板下发")
		r.Unit = ""
		return
	case c.templates[id.Unit] == nil && c.reporter[id.Unit] != "" && c.reporter[id.Unit] != id.Unit:
		r.add(RuleNotReporting, "", "", "", fmt.Sprintf("“%s”的任务现由“%s”代为报送", id.Unit, c.reporter[id.Unit]),
			"请使用“"+c.reporter[id.Unit]+"”的报送表填报")
		r.Unit = ""
		return
	case c.templates[id.Unit] == nil:
		r.add(RuleUnknownUnit, "", "", "", fmt.Sprintf("“%s”本周期没有任务，无需报送", id.Unit), "如有疑问请联系报送办公室")
		r.Unit = ""
		return
	}
	if id.Period != "" && id.Period != c.Period.String() {
		other, err := plan.ParsePeriod(id.Period)
		otherName := id.Period
		if err == nil {
			otherName = other.Chinese()
		}
		r.add(RuleOtherPeriod, "", "", "", fmt.Sprintf("这是%s的报送表，不是本次（%s）的", otherName, c.Period.Chinese()), useTemplateHint)
	}
	if id.Plan != "" && id.Plan != c.fingerprint {
		r.add(RuleOtherPlan, "", "", "", "这份报送表是按另一版本的行动计划生成的（任务已调整）", useTemplateHint)
	}
	if id.Version != "" && !slices.Contains(templates.KnownVersions, id.Version) {
		r.add(RuleVersion, "", "", "", fmt.Sprintf("报送表格式版本 %s 无法识别", id.Version), useTemplateHint)
	}
	if from, ok := c.byEmail[strings.ToLower(sender)]; ok && sender != "" && from != r.Unit && c.reporter[from] != r.Unit {
		c.otherSender(r, from, sender)
	}
	if other := c.unitInName(name); other != "" && other != r.Unit && c.reporter[other] != r.Unit {
		r.addGist(RuleOtherFileName, "文件名写的是"+other, fmt.Sprintf("文件名写的是“%s”，报送表标识却是“%s”", other, r.Unit),
			"办公室请核对是否用错了报送表")
	}
}

// useTemplateHint is the hint of a return on a form other than this period's.
const useTemplateHint = "请使用办公室本次下发的报送表：把填报内容复制到本次的报送表中后重新发送，不要在原表上修改"

// attribute tells the unit of a workbook without identification (x nil: one that could not
// be opened) from the first signal that names one: the file name, the instructions sheet, the
// title, the registered address it came from. It returns the signals, the one used first.
func (c *Context) attribute(r *Report, x *xlsx.File, name, sender string) []signal {
	sig := c.signals(name, x, sender)
	for i, s := range sig {
		if s.unit != "" {
			r.Unit, r.Identified = s.unit, s.by
			sig[0], sig[i] = sig[i], sig[0]
			break
		}
	}
	return sig
}

// agree checks that the signals of a workbook without identification agree with the unit it
// was taken for and with this period: another unit or period named is an error saying where.
// A registered address of another unit is a warning, as with the identification.
func (c *Context) agree(r *Report, sig []signal) {
	for _, s := range sig {
		if s.unit != "" && s.unit != r.Unit {
			if s.by == BySender {
				c.otherSender(r, s.named, strings.TrimPrefix(s.where, "发件邮箱 "))
				continue
			}
			r.addGist(RuleUnitConflict, s.by+"写的是"+s.named, fmt.Sprintf("%s写的是“%s”，而%s写的是“%s”", s.where, s.named, sig[0].where, sig[0].named),
				"请使用办公室下发给本单位的报送表填报；办公室请核对这是哪个单位的报送表")
		}
		if len(s.period) == 0 || c.named(s.period) {
			continue
		}
		var names []string
		for _, p := range s.period {
			names = append(names, p.Chinese())
		}
		names = uniq(names)
		r.addGist(RuleOtherPeriod, s.by+"写的是"+strings.Join(names, "、"), fmt.Sprintf("%s写的是%s，不是本次（%s）的报送表", s.at, strings.Join(names, "、"), c.Period.Chinese()),
			useTemplateHint)
	}
}

// otherSender warns that a workbook came from another unit's registered address.
func (c *Context) otherSender(r *Report, from, sender string) {
	r.addGist(RuleOtherSender, "由"+from+"邮箱发来", fmt.Sprintf("这是“%s”的报送表，却由“%s”的邮箱（%s）发来", r.Unit, from, sender),
		"办公室请核对是否发错了文件")
}

// named reports whether periods include this one.
func (c *Context) named(periods []plan.Period) bool {
	for _, p := range periods {
		if p == c.Period {
			return true
		}
	}
	return false
}

func uniq(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// Period names in texts, by kind: only periods of this period's kind are looked for, so
// that a date (2024年1月5日, 2024-01-05) is not a month, nor a year in a plan's title a year.
var (
	reQuarterCode = regexp.MustCompile(`(20\d\d)\s*[Qq]\s*([1-4])`)
	reQuarter     = regexp.MustCompile(`(20\d\d)\s*年\s*第?\s*([一二三四1-4])\s*季度`)
	reHalfCode    = regexp.MustCompile(`(20\d\d)\s*[Hh]\s*([12])`)
	reHalf        = regexp.MustCompile(`(20\d\d)\s*年\s*(上|下)\s*半\s*年`)
	reMonth       = regexp.MustCompile(`(20\d\d)\s*年\s*(\d{1,2})\s*月(\s*\d)?`)
	reMonthCode   = regexp.MustCompile(`(20\d\d)-(\d{1,2})(-\d)?`)
	reYear        = regexp.MustCompile(`(20\d\d)\s*(?:年度|年全年|年_|_)`)
)

// periodsIn returns the periods of this period's kind that s names, the plan's title left out.
func (c *Context) periodsIn(s string) []plan.Period {
	s = width.Narrow.String(s)
	if c.Plan.Title != "" {
		s = strings.ReplaceAll(s, width.Narrow.String(c.Plan.Title), " ")
	}
	var out []plan.Period
	add := func(kind plan.PeriodKind, year string, n int) {
		y, _ := strconv.Atoi(year)
		out = append(out, plan.Period{Kind: kind, Year: y, N: n})
	}
	ordinal := map[string]int{"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4, "上": 1, "下": 2}
	switch c.Period.Kind {
	case plan.Quarterly:
		for _, re := range []*regexp.Regexp{reQuarterCode, reQuarter} {
			for _, m := range re.FindAllStringSubmatch(s, -1) {
				add(plan.Quarterly, m[1], ordinal[m[2]])
			}
		}
	case plan.HalfYear:
		for _, re := range []*regexp.Regexp{reHalfCode, reHalf} {
			for _, m := range re.FindAllStringSubmatch(s, -1) {
				add(plan.HalfYear, m[1], ordinal[m[2]])
			}
		}
	case plan.Monthly:
		for _, re := range []*regexp.Regexp{reMonth, reMonthCode} {
			for _, m := range re.FindAllStringSubmatch(s, -1) {
				if n, _ := strconv.Atoi(m[2]); m[3] == "" && n >= 1 && n <= 12 { // not a day's date
					add(plan.Monthly, m[1], n)
				}
			}
		}
	case plan.Annual:
		for _, m := range reYear.FindAllStringSubmatch(s, -1) {
			add(plan.Annual, m[1], 0)
		}
	}
	return out
}

// unitInName returns the longest registry unit name (or alias) in s whose unit reports: of
// those as long, the first in registry order.
func (c *Context) unitInName(s string) string {
	s = width.Narrow.String(s)
	// Every piece of s as long as some name is looked up, longest first, rather than every
	// name looked for in s: that grew with the square of the registry (10,000 units and
	// files: 10^8 searches), this with its size.
	for _, l := range c.nameLens {
		best := -1
		for i := 0; i+l <= len(s); i++ {
			if j, ok := c.nameIndex[s[i:i+l]]; ok && (best < 0 || j < best) {
				best = j
			}
		}
		if best >= 0 {
			return c.names[best].unit
		}
	}
	return ""
}

// unitName is a name or alias of a unit, for unitInName.
type unitName struct{ name, unit string }

// indexNames lists the reporting units' names and aliases, in registry order, for unitInName.
func (c *Context) indexNames() {
	for _, u := range c.Plan.Units {
		if _, ok := c.reporter[u.Name]; !ok {
			continue
		}
		for _, n := range append([]string{u.Name}, u.Aliases...) {
			if n != "" {
				c.names = append(c.names, unitName{n, u.Name})
			}
		}
	}
	c.nameIndex = make(map[string]int, len(c.names))
	seen := map[int]bool{}
	for i, n := range c.names {
		if _, dup := c.nameIndex[n.name]; !dup {
			c.nameIndex[n.name] = i
		}
		if !seen[len(n.name)] {
			seen[len(n.name)] = true
			c.nameLens = append(c.nameLens, len(n.name))
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(c.nameLens)))
}
