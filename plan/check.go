package plan

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// The rules Check applies.
var (
	RuleDuplicateID       = NewRule("task-duplicate-id", "任务编号重复", Error)
	RuleRenumbered        = NewRule("task-renumbered", "任务编号导入时加以区分", Warning)
	RuleNoLead            = NewRule("task-no-lead", "任务没有牵头单位", Error)
	RuleLeadUnresolved    = NewRule("task-lead-nobody", "牵头单位对应不到具体单位", Error)
	RuleUnknownUnit       = NewRule("unit-unknown", "单位不在单位表中", Error)
	RuleUnknownDeadline   = NewRule("deadline-unknown", "完成时限无法识别", Warning)
	RuleNoDeadline        = NewRule("deadline-missing", "任务没有完成时限", Warning)
	RuleNoDeadlines       = NewRule("deadline-missing-all", "计划没有完成时限", Info)
	RuleGroupUnnamed      = NewRule("group-unnamed", "分组待指定成员", Warning)
	RuleGroupEmpty        = NewRule("group-empty", "分组没有成员", Warning)
	RuleGroupMember       = NewRule("group-member-unknown", "分组成员不在单位表中", Error)
	RuleGroupCategory     = NewRule("group-category-unknown", "分组的类别无效", Error)
	RuleUnitNoTask        = NewRule("unit-no-task", "单位没有任务", Warning)
	RuleUnitDuplicate     = NewRule("unit-duplicate", "单位名称重复", Error)
	RuleUnitCategory      = NewRule("unit-category-unknown", "单位类别不规范", Warning)
	RuleReportsThrough    = NewRule("unit-reports-through-unknown", "报送单位不在单位表中", Error)
	RuleReportsCycle      = NewRule("unit-reports-through-cycle", "报送关系循环", Error)
	RuleEmail             = NewRule("unit-email-invalid", "电子邮箱格式不正确", Warning)
	RuleAssignmentsStale  = NewRule("assignments-stale", "「分工」表需要刷新", Warning)
	RuleNoTasks           = NewRule("plan-no-tasks", "台账中没有任务", Error)
	RuleGroupUnitConflict = NewRule("group-unit-conflict", "既是单位又是分组", Error)
	RuleOfficeMissing     = NewRule("office-missing", "未填写报送办公室", Warning)
)

// Check lists what the office must fix or name in the ledger before templates are issued:
// duplicate task ids, tasks with no lead, unit names not in the registry (with the nearest
// registry name), group phrases with no members yet, deadlines that cannot be read, units
// with no task, and registry entries that contradict each other. Cells are those of the ledger
// as WriteLedger lays it out (rows as read, when the plan came from ReadLedger).
func (p *Plan) Check() []Finding {
	var fs []Finding
	add := func(rule Rule, sheet, cell, task, msg, hint string) {
		fs = append(fs, Finding{Severity: rule.Severity(), Rule: rule, Sheet: sheet, Cell: cell, Task: task, Message: msg, Hint: hint})
	}
	taskCell := func(i int, header string) string { return cellOf(taskHeaders, header, p.row(i, p.Tasks[i].row)) }
	unitCell := func(i int, header string) string { return cellOf(unitHeaders, header, p.row(i, p.Units[i].row)) }
	groupCell := func(i int, header string) string { return cellOf(groupHeaders, header, p.row(i, p.Groups[i].row)) }

	if len(p.Tasks) == 0 {
		add(RuleNoTasks, SheetTasks, "A2", "", "台账中没有任何任务", "请重新运行 planreport plan import 导入计划文件")
	}
	r := p.resolver()

	// Registry.
	seen := map[string]int{}
	for i, u := range p.Units {
		for _, n := range append([]string{u.Name}, u.Aliases...) {
			if j, dup := seen[n]; dup && j != i {
				add(RuleUnitDuplicate, SheetUnits, unitCell(i, "单位名称"), "",
					fmt.Sprintf("单位名称或别名“%s”重复出现（另见第 %d 行）", n, p.row(j, p.Units[j].row)),
					"同一单位只保留一行；不同单位不能使用相同的别名")
			} else {
				seen[n] = i
			}
		}
		if _, isGroup := r.groups[u.Name]; isGroup {
			add(RuleGroupUnitConflict, SheetUnits, unitCell(i, "单位名称"), "",
				fmt.Sprintf("“%s”既是单位又是分组", u.Name), "请删除单位表或分组表中的一行")
		}
		switch {
		case u.Category == "":
			add(RuleUnitCategory, SheetUnits, unitCell(i, "类别"), "",
				fmt.Sprintf("单位“%s”没有填写类别", u.Name), "请从下拉列表选择类别；“各镇乡街道”“区政府各部门”等按类别包含单位")
		case !isCategory(u.Category):
			add(RuleUnitCategory, SheetUnits, unitCell(i, "类别"), "",
				fmt.Sprintf("单位“%s”的类别“%s”不是标准类别", u.Name, u.Category), "标准类别："+strings.Join(Categories, "、")+"；自定义类别只对列出该类别的分组生效")
		}
		if u.Email != "" && !looksLikeEmail(u.Email) {
			add(RuleEmail, SheetUnits, unitCell(i, "电子邮箱"), "",
				fmt.Sprintf("单位“%s”的电子邮箱“%s”格式不正确", u.Name, u.Email), "请填写形如 name@example.gov.cn 的地址")
		}
		if u.ReportsThrough != "" {
			if _, ok := r.unit(u.ReportsThrough); !ok {
				add(RuleReportsThrough, SheetUnits, unitCell(i, "报送单位"), "",
					fmt.Sprintf("单位“%s”的报送单位“%s”不在单位表中", u.Name, u.ReportsThrough), suggest(r, u.ReportsThrough, "请填写单位表中已有的单位名称"))
			} else if cycle := reportsCycle(r, u); cycle != "" {
				add(RuleReportsCycle, SheetUnits, unitCell(i, "报送单位"), "",
					fmt.Sprintf("单位“%s”的报送关系形成循环：%s", u.Name, cycle), "报送单位须最终落到一个自行报送的单位，请修改其中一个单位的“报送单位”")
			}
		}
	}

	// Groups.
	usedBy := map[string][]string{}
	for _, t := range p.Tasks {
		for _, n := range append(append([]string(nil), t.Lead...), t.Responsible...) {
			usedBy[n] = appendUnique(usedBy[n], t.ID)
		}
	}
	present := map[string]bool{}
	for _, u := range p.Units {
		present[u.Category] = true
	}
	for i, g := range p.Groups {
		tasks := taskList(usedBy[g.Name])
		if !g.Named() {
			add(RuleGroupUnnamed, SheetGroups, groupCell(i, "成员单位"), "",
				fmt.Sprintf("分组“%s”尚未指定成员单位%s", g.Name, tasks),
				"请在「分组」表该行的“成员单位”中列出单位（用顿号分隔），或在“包含类别”中填写单位类别")
			continue
		}
		for _, c := range g.Categories {
			if !isCategory(c) && !present[c] {
				add(RuleGroupCategory, SheetGroups, groupCell(i, "包含类别"), "",
					fmt.Sprintf("分组“%s”的类别“%s”不是标准类别，单位表中也没有该类别的单位", g.Name, c), "标准类别："+strings.Join(Categories, "、"))
			}
		}
		for _, m := range g.Members {
			if _, ok := r.unit(m); !ok {
				add(RuleGroupMember, SheetGroups, groupCell(i, "成员单位"), "",
					fmt.Sprintf("分组“%s”的成员“%s”不在单位表中", g.Name, m), suggest(r, m, "请先在「单位」表中添加该单位，或改为单位表中的名称"))
			}
		}
		if len(r.expand(g.Name)) == 0 {
			add(RuleGroupEmpty, SheetGroups, groupCell(i, "包含类别"), "",
				fmt.Sprintf("分组“%s”按类别“%s”展开后没有任何单位%s", g.Name, strings.Join(g.Categories, listSep), tasks),
				"请在「单位」表中添加这些类别的单位（如各镇乡街道），或在“成员单位”中列出单位")
		}
	}

	// Tasks. A plan that gives no deadline anywhere gets one finding, not one a task.
	undated := 0
	for _, t := range p.Tasks {
		if t.Deadline.Text == "" && t.Deadline.Due == "" {
			undated++
		}
	}
	noDeadlines := len(p.Tasks) > 1 && undated == len(p.Tasks)
	if noDeadlines {
		add(RuleNoDeadlines, SheetTasks, taskCell(0, "完成时限"), "",
			fmt.Sprintf("计划的 %d 项任务都没有完成时限", len(p.Tasks)),
			"计划原文未规定时限的，可不处理（报告中不判断逾期）；如有时限，请在「任务」表“完成时限”列填写（如 2024年6月底前、长期坚持）")
	}
	ids := map[string]int{}
	for i, t := range p.Tasks {
		if j, dup := ids[t.ID]; dup {
			add(RuleDuplicateID, SheetTasks, taskCell(i, "任务编号"), t.ID,
				fmt.Sprintf("任务编号“%s”重复（另见第 %d 行）", t.ID, p.row(j, p.Tasks[j].row)), "每项任务的编号必须唯一，请修改其中一行的编号")
		} else {
			ids[t.ID] = i
		}
		if m := reRenumbered.FindStringSubmatch(t.ID); m != nil && p.Task(m[1]) != nil {
			add(RuleRenumbered, SheetTasks, taskCell(i, "任务编号"), t.ID,
				fmt.Sprintf("计划中有多项任务编号为“%s”，导入时把这一项编为“%s”以示区分", m[1], t.ID),
				"请核对计划原文：如是笔误，请在「任务」表中改正编号（改后须重新生成模板）；如无误，可保留")
		}
		for _, n := range t.Lead {
			if !r.known(n) {
				add(RuleUnknownUnit, SheetTasks, taskCell(i, "牵头单位"), t.ID,
					fmt.Sprintf("任务 %s 的牵头单位“%s”不在单位表或分组表中", t.ID, n), suggest(r, n, "请在「单位」表添加该单位，或把这个写法填入对应单位的“别名”"))
			}
		}
		for _, n := range t.Responsible {
			if !r.known(n) {
				add(RuleUnknownUnit, SheetTasks, taskCell(i, "责任单位"), t.ID,
					fmt.Sprintf("任务 %s 的责任单位“%s”不在单位表或分组表中", t.ID, n), suggest(r, n, "请在「单位」表添加该单位，或把这个写法填入对应单位的“别名”"))
			}
		}
		switch {
		case len(t.Lead) == 0:
			add(RuleNoLead, SheetTasks, taskCell(i, "牵头单位"), t.ID,
				fmt.Sprintf("任务 %s 没有牵头单位", t.ID), "请在“牵头单位”中填写至少一个单位")
		default:
			n := 0
			for _, l := range t.Lead {
				n += len(r.expand(l))
			}
			if n == 0 {
				add(RuleLeadUnresolved, SheetTasks, taskCell(i, "牵头单位"), t.ID,
					fmt.Sprintf("任务 %s 的牵头单位“%s”还对应不到任何具体单位，该任务暂时无人牵头", t.ID, strings.Join(t.Lead, listSep)),
					"请在「分组」表为该分组指定成员单位")
			}
		}
		switch {
		case t.Deadline.Text == "" && t.Deadline.Due == "" && noDeadlines:
		case t.Deadline.Text == "" && t.Deadline.Due == "":
			add(RuleNoDeadline, SheetTasks, taskCell(i, "完成时限"), t.ID,
				fmt.Sprintf("任务 %s 没有完成时限", t.ID), "如有时限，请填写“完成时限”（如 2024年6月底前、长期坚持）")
		case t.Deadline.Kind == KindNone && t.Deadline.Due == "":
			add(RuleUnknownDeadline, SheetTasks, taskCell(i, "完成时限"), t.ID,
				fmt.Sprintf("任务 %s 的完成时限“%s”无法识别，无法判断是否逾期", t.ID, t.Deadline.Text),
				"请在“截止日期”中填写日期（如 2024-06-30），或在“时限类型”中选择 长期/定期")
		}
	}

	// How the plan document was read (only for a plan just imported, or whose notices were
	// read back with ReadLedgerNotices).
	fs = append(fs, p.noticeFindings()...)

	// Units with no task: neither assigned nor reporting for a unit that is.
	assigned := map[string]bool{}
	for _, a := range p.Assignments() {
		assigned[a.Unit] = true
	}
	for i, u := range p.Units {
		if !assigned[u.Name] {
			add(RuleUnitNoTask, SheetUnits, unitCell(i, "单位名称"), "",
				fmt.Sprintf("单位“%s”没有分到任何任务", u.Name), "如该单位无需报送可删除此行；如应承担任务，请检查其类别或分组成员")
		}
	}

	// The office every template tells units to ask (WriteLedger puts 报送办公室 in B7).
	if o := p.Office; o.Name == "" || o.Contact == "" && o.Phone == "" && o.Email == "" {
		add(RuleOfficeMissing, SheetInfo, "B7", "", "「计划」表没有填写报送办公室或其联系方式，各单位的模板上将印“请向报送办公室询问”",
			"请在「计划」表填写报送办公室、办公室联系人、办公室电话和办公室邮箱，保存后再生成模板")
	}
	// Errors first, then warnings, then notices, each in the order found.
	sort.SliceStable(fs, func(i, j int) bool { return severityRank[fs[i].Severity] < severityRank[fs[j].Severity] })
	return fs
}

var severityRank = map[Severity]int{Error: 0, Warning: 1, Info: 2}

// row returns the ledger row of the i-th entry: the row it was read from, or where
// WriteLedger puts it.
func (p *Plan) row(i, read int) int {
	if read > 0 {
		return read
	}
	return i + 2
}

func cellOf(headers []string, header string, row int) string {
	for i, h := range headers {
		if h == header {
			return fmt.Sprintf("%c%d", 'A'+i, row)
		}
	}
	return fmt.Sprintf("A%d", row)
}

func taskList(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	if len(ids) > 8 {
		return fmt.Sprintf("（涉及任务 %s 等 %d 项）", strings.Join(ids[:8], "、"), len(ids))
	}
	return "（涉及任务 " + strings.Join(ids, "、") + "）"
}

func looksLikeEmail(s string) bool {
	at := strings.Index(s, "@")
	return at > 0 && strings.Contains(s[at:], ".") && !strings.ContainsAny(s, " ，,;；")
}

// reRenumbered is an id that import made unique with a #2, #3… suffix.
var reRenumbered = lazyRegexp(`^(.+)#([0-9]+)$`)

// reportsCycle follows a unit's reports-through chain and describes it if it loops.
func reportsCycle(r *resolver, u Unit) string {
	chain := []string{u.Name}
	seen := map[string]bool{u.Name: true}
	for cur := u; cur.ReportsThrough != ""; {
		next, ok := r.unit(cur.ReportsThrough)
		if !ok {
			return ""
		}
		chain = append(chain, next.Name)
		if seen[next.Name] {
			return strings.Join(chain, " → ")
		}
		seen[next.Name] = true
		cur = next
	}
	return ""
}

// suggest names the registry unit or group closest to an unknown name, if any is close.
func suggest(r *resolver, name, otherwise string) string {
	best, bestD := "", 1<<30
	try := func(c string) {
		d := editDistance(name, c)
		if strings.Contains(c, name) || strings.Contains(name, c) {
			d = min(d, utf8.RuneCountInString(c)-utf8.RuneCountInString(name))
			if d < 0 {
				d = -d
			}
		}
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	for n := range r.byName {
		try(n)
	}
	for n := range r.groups {
		try(n)
	}
	limit := max(2, utf8.RuneCountInString(name)/2)
	if best != "" && bestD <= limit {
		return fmt.Sprintf("是否应为“%s”？如是同一单位，请改为该名称，或把“%s”填入该单位的“别名”；%s", best, name, otherwise)
	}
	return otherwise
}

// editDistance is the Levenshtein distance between two strings, counted in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
