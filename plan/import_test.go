package plan

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// taskLine is a task as "id | lead | responsible", for the tests below.
func taskLine(t Task) string {
	return t.ID + " | " + strings.Join(t.Lead, "、") + " | " + strings.Join(t.Responsible, "、")
}

func taskLines(p *Plan) string {
	var out []string
	for _, t := range p.Tasks {
		out = append(out, taskLine(t))
	}
	return strings.Join(out, "\n")
}

func noticeKinds(p *Plan) []string {
	var out []string
	for _, n := range p.Notices {
		k := string(n.Kind)
		if n.Reason != "" {
			k += "/" + string(n.Reason)
		}
		out = append(out, k+" "+n.Item)
	}
	return out
}

// TestImportClasses covers issue 13's failure classes one case at a time: what the tasks
// become and which notices the import gives.
func TestImportClasses(t *testing.T) {
	tests := []struct {
		name, text string
		tasks      string   // taskLines
		notices    []string // noticeKinds
	}{
		// 1. A bracket of an unexpected form is a rule, not a reason to drop the item; an
		// item whose bracket cannot be read is listed; a gap in the numbering is listed.
		{"rules in a ministry bracket",
			"一、总体要求\n1.完善制度。（区司法局、区财政局、区发改委负责，排在第一位的部门为牵头部门，下同）\n2.规范执法。（区财政局、区司法局负责，区审计局配合）\n",
			"1 | 区司法局 | 区财政局、区发改委\n2 | 区财政局 | 区司法局、区审计局", nil},
		{"a bracket that cannot be read is listed",
			"1.完善制度。（牵头单位：区政府办）\n2.加强监督。（区审计局负责监督，各部门配合执行）\n",
			"1 | 区政府办 | ", []string{"item-skipped/bracket-unread 2."}},
		{"a gap in the numbering",
			"一、甲\n1.完善制度。（牵头单位：区政府办）\n二、乙\n2.规范执法。（牵头单位：区司法局）\n四、丁\n3.加强监督。（牵头单位：区审计局）\n",
			"1 | 区政府办 | \n2 | 区司法局 | \n3 | 区审计局 | ", []string{"numbering-gap 四、"}},
		{"a sub-item after its parent's bracket",
			"1.完善制度。（牵头单位：区政府办）\n（1）建立台账。\n",
			"1 | 区政府办 | ", []string{"item-skipped/after-bracket 1（1）"}},
		// 2. Enumerations inside a group phrase stay group phrases.
		{"各区、县级市",
			"1.完善制度。（牵头单位：市司法局；责任单位：各区、县级市人民政府）\n2.规范执法。（市司法局负责，各区、县级市配合）\n",
			"1 | 市司法局 | 各区、各县级市人民政府\n2 | 市司法局 | 各区、各县级市", nil},
		{"各地区、各部门 and 各区、各有关单位",
			"1.完善制度。（国家发展改革委牵头，各地区、各部门按职责分工负责）\n2.规范执法。（牵头单位：市司法局；责任单位：各区、各有关单位）\n",
			"1 | 国家发展改革委 | 各地区、各部门\n2 | 市司法局 | 各区、各有关单位", nil},
		{"place names sharing a body word",
			"1.建设科技创新轴。（牵头单位：市科技局；配合单位：黄埔区、南沙区政府）\n",
			"1 | 市科技局 | 黄埔区政府、南沙区政府", nil},
		// 3. Clauses in a bracket are not units: scope, notes, rules.
		{"scope after a comma",
			"1.推进改革试点。（牵头单位：市商务局，适用范围：自贸试验区、综合保税区；完成时限：2024年）\n",
			"1 | 市商务局 | ", nil},
		{"scope in a ministry bracket",
			"（一）推进改革试点。（商务部负责，适用范围：自由贸易试验区）\n",
			"（一） | 商务部 | ", nil},
		{"sentences after the units",
			"（一）加强市场体系建设。〔责任单位：省发展改革委、省市场监管局按职责分工负责。具体任务均涉及相关市（州）人民政府，不再做分工，下同。〕\n",
			"（一） | 省发展改革委 | 省市场监管局", nil},
		// 4. Lead and partners in one phrase.
		{"会同有关部门负责", "（一）完善制度。（国家发展改革委会同有关部门负责）\n", "（一） | 国家发展改革委 | 有关部门", nil},
		{"会同有关部门 with no verb", "（一）完善制度。（商务部会同有关部门）\n", "（一） | 商务部 | 有关部门", nil},
		{"牵头，配合", "（一）完善制度。（商务部牵头，海关总署、税务总局配合）\n", "（一） | 商务部 | 海关总署、税务总局", nil},
		{"按职责分工负责", "（一）完善制度。（财政部、税务总局按职责分工负责）\n", "（一） | 财政部 | 税务总局", nil},
		{"按职责分工落实", "（一）完善制度。（各地区各部门按职责分工落实）\n", "（一） | 各地区各部门 | ", nil},
		{"会同 in a labelled list", "1.完善制度。（责任单位：区司法局会同有关部门）\n", "1 | 区司法局 | 有关部门", nil},
		{"分别牵头", "1.完善制度。\n责任单位:市人力社保局、市农业农村局分别牵头\n", "1 | 市人力社保局、市农业农村局 | ", nil},
		// 5. Several brackets: each bracket's lead leads.
		{"two ministry brackets",
			"（一）完善制度（商务部负责），规范执法（海关总署、税务总局负责）。\n",
			"（一） | 商务部、海关总署 | 税务总局", nil},
		// 6. Ids: digits running into the text are read by the neighbours, and noted.
		{"11.121 after group 11",
			"11.推进人才工作\n11.121人才梯队项目建设。（牵头单位：区人社局）\n",
			"11.1 | 区人社局 | ", []string{"numbering-gap 11.", "id-ambiguous 11.1"}},
		{"11.121 when either reading fits",
			"10.3 完善制度。（牵头单位：区政府办）\n11.121人才梯队项目建设。（牵头单位：区人社局）\n",
			"10.3 | 区政府办 | \n11.121 | 区人社局 | ", []string{"numbering-gap 10.3", "id-ambiguous 11.121", "numbering-gap 11.121"}},
		// Label lines: a person is not a unit.
		{"label lines with a leader",
			"1.地区生产总值增长6%。\n牵头领导：常务副区长\n主要责任单位：区发展改革委\n完成时限：2023年底前\n",
			"1 | 区发展改革委 | ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseText(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := taskLines(p); got != tt.tasks {
				t.Errorf("tasks\n%s\nwant\n%s", got, tt.tasks)
			}
			if got := noticeKinds(p); !slices.Equal(got, tt.notices) {
				t.Errorf("notices %q, want %q", got, tt.notices)
			}
		})
	}
}

// TestImportDetails checks what TestImportClasses does not show in its lines.
func TestImportDetails(t *testing.T) {
	parse := func(text string) *Plan {
		t.Helper()
		p, err := ParseText(text)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("scope is a field, not a unit", func(t *testing.T) {
		p := parse("1.推进改革试点。（牵头单位：市商务局，适用范围：自贸试验区、综合保税区；完成时限：2024年）\n")
		if task := p.Tasks[0]; task.Scope != "自贸试验区、综合保税区" || task.Deadline.Due != "2024-12-31" {
			t.Errorf("scope %q, due %q", task.Scope, task.Deadline.Due)
		}
		for _, u := range p.Units {
			if strings.Contains(u.Name, "试验区") || strings.Contains(u.Name, "保税区") {
				t.Errorf("unit %q made from the scope", u.Name)
			}
		}
	})
	t.Run("下同 carries the rule to the next items", func(t *testing.T) {
		p := parse("（一）甲。（区司法局、区财政局负责，区审计局配合，排在第一位的为牵头单位，下同）\n（二）乙。（区财政局、区司法局负责，区审计局配合）\n")
		for _, want := range []string{"（一） | 区司法局 | 区财政局、区审计局", "（二） | 区财政局 | 区司法局、区审计局"} {
			if !strings.Contains(taskLines(p), want) {
				t.Errorf("tasks\n%s\nlack %s", taskLines(p), want)
			}
		}
		// Without the rule, the units in charge lead and those assisting are responsible.
		q := parse("（一）乙。（区财政局、区司法局负责，区审计局配合）\n")
		if got := taskLine(q.Tasks[0]); got != "（一） | 区财政局、区司法局 | 区审计局" {
			t.Errorf("without the rule: %s", got)
		}
	})
	t.Run("a title on two lines, provenance lines", func(t *testing.T) {
		p := parse("来源：某某区人民政府网\n发布时间：2023-03-28\n立山区政府2023年重点工作\n\n任务分解和责任分工方案\n一、目标\n1.完善制度。（牵头单位：区政府办）\n")
		if p.Title != "立山区政府2023年重点工作任务分解和责任分工方案" {
			t.Errorf("title %q", p.Title)
		}
		q := parse("来源：某某网\n发布时间：2024-01-01\n某区2024年工作要点\n1.完善制度。（牵头单位：区政府办）\n")
		if q.Title != "某区2024年工作要点" {
			t.Errorf("title %q", q.Title)
		}
	})
	t.Run("a group heading stays with its own tasks", func(t *testing.T) {
		p := parse("1.推进依法行政\n1.1 完善制度。（牵头单位：区政府办）\n2.1 规范执法。（牵头单位：区司法局）\n")
		if p.Tasks[0].Group != "1.推进依法行政" || p.Tasks[1].Group != "" {
			t.Errorf("groups %q, %q", p.Tasks[0].Group, p.Tasks[1].Group)
		}
	})
	t.Run("bodies above the district", func(t *testing.T) {
		p := parse("1.甲。（牵头单位：市司法局；责任单位：各部门）\n2.乙。（牵头单位：市财政局；责任单位：团市委）\n")
		var cats []string
		for _, u := range p.Units {
			cats = append(cats, u.Name+"/"+u.Category)
		}
		if want := []string{"市司法局/市级单位", "市财政局/市级单位", "团市委/市级单位"}; !slices.Equal(cats, want) {
			t.Errorf("units %q, want %q", cats, want)
		}
		if g := p.Groups[0]; g.Name != "各部门" || !slices.Equal(g.Categories, []string{CatMunicipal}) {
			t.Errorf("a city plan's 各部门 = %+v, want the city's departments", g)
		}
		if n := len(p.Assignments()); n != 5 {
			t.Errorf("%d assignments, want 5 (各部门 reaches the three city bodies)", n)
		}
	})
	t.Run("no deadline anywhere: one finding", func(t *testing.T) {
		p := parse("1.甲。（牵头单位：区司法局）\n2.乙。（牵头单位：区财政局）\n3.丙。（牵头单位：区审计局）\n")
		n := 0
		for _, f := range p.Check() {
			if f.Rule == RuleNoDeadline || f.Rule == RuleNoDeadlines {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d deadline findings for a plan without deadlines, want 1", n)
		}
		q := parse("1.甲。（牵头单位：区司法局；完成时限：2024年）\n2.乙。（牵头单位：区财政局）\n3.丙。（牵头单位：区审计局）\n")
		n = 0
		for _, f := range q.Check() {
			if f.Rule == RuleNoDeadline {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d deadline findings when two tasks lack one, want 2", n)
		}
	})
	t.Run("the summary counts", func(t *testing.T) {
		p := parse("一、总体要求\n二、任务\n1.甲。（牵头单位：区司法局；责任单位：各镇乡街道）\n2.乙。（区审计局负责监督，各部门配合执行）\n")
		s := p.Summary()
		if s.Tasks != 1 || s.Units != 1 || s.Groups != 1 || s.Skipped != 2 || s.UnreadBrackets != 1 || s.Notices != 2 {
			t.Errorf("summary %+v", s)
		}
		if text := s.String(); !strings.Contains(text, "未导入的编号条目 2 个（其中括号无法识别 1 个）") {
			t.Errorf("summary text %q", text)
		}
	})
}

// TestImportErrors: a document Parse refuses gives an *ImportError naming the file; a broken
// workbook is refused with a Chinese message, not a panic.
func TestImportErrors(t *testing.T) {
	for name, data := range map[string][]byte{
		"无任务.txt":  []byte("关于开展督察的通知\n各单位：\n请于6月底前报送。\n"),
		"坏表格.xlsx": append([]byte("PK\x03\x04"), make([]byte, 64)...),
	} {
		_, err := Parse(name, data)
		var ie *ImportError
		if !errors.As(err, &ie) || ie.File != name || !strings.Contains(err.Error(), name) || !hasHan(err.Error()) {
			t.Errorf("%s: %v, want an ImportError naming the file", name, err)
		}
	}
}

// TestWorkbookLimits: a sheet far larger than any plan is refused, naming the sheet; a workbook
// without a task table says what its header needs.
func TestWorkbookLimits(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= maxSheetRows+1; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, []any{r}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var big bytes.Buffer
	if err := f.Write(&big); err != nil {
		t.Fatal(err)
	}
	_, err = Parse("大表.xlsx", big.Bytes())
	var ie *ImportError
	if !errors.As(err, &ie) || ie.At.Sheet != "Sheet1" || !strings.Contains(err.Error(), "超过 20000 行") {
		t.Errorf("a sheet of %d rows: %v (at %+v)", maxSheetRows+1, err, ie)
	}

	g := excelize.NewFile()
	defer g.Close()
	g.SetCellValue("Sheet1", "A1", "联系人")
	g.SetCellValue("Sheet1", "B1", "电话")
	var small bytes.Buffer
	if err := g.Write(&small); err != nil {
		t.Fatal(err)
	}
	if _, err := Parse("通讯录.xlsx", small.Bytes()); !errors.Is(err, ErrNoTasks) || !strings.Contains(err.Error(), "须有一行表头") {
		t.Errorf("a workbook without a task table: %v", err)
	}
}

// TestRegistry: no plan text brings the Huairou towns by itself; the reference plan gets them
// explicitly; a registry file reads names and categories.
func TestRegistry(t *testing.T) {
	p, err := ParseText("怀柔区2024年工作要点\n1.完善制度。（牵头单位：区司法局；责任单位：各镇乡街道）\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Units) != 1 {
		t.Errorf("a plan naming 怀柔 has %d units, want only its own 1", len(p.Units))
	}
	if added := p.AddRegistry(Huairou); added != 16 || len(p.Units) != 17 {
		t.Errorf("AddRegistry added %d, %d units", added, len(p.Units))
	}
	if added := p.AddRegistry(Huairou); added != 0 {
		t.Errorf("adding the registry twice added %d", added)
	}
	if r, err := LoadRegistry("HuaiRou"); err != nil || r.Name != "huairou" {
		t.Errorf("LoadRegistry(HuaiRou) = %v, %v", r.Name, err)
	}
	path := filepath.Join(t.TempDir(), "名册.txt")
	if err := os.WriteFile(path, []byte("# 某区镇街\n东城街道,街道\n西山镇\t镇\n南乡\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := LoadRegistry(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range r.Units {
		got = append(got, u.Name+"/"+u.Category)
	}
	if want := []string{"东城街道/街道", "西山镇/镇", "南乡/乡"}; !slices.Equal(got, want) {
		t.Errorf("registry %q, want %q", got, want)
	}
	for text, want := range map[string]string{
		"东城街道\n东城街道\n": "与第 1 行重复",
		"东城街道,街道,多余\n": "多于两项",
		"# 空\n":        "没有任何单位",
	} {
		if _, err := ParseRegistry("名册.txt", []byte(text)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseRegistry(%q) = %v, want %q", text, err, want)
		}
	}
	if _, err := LoadRegistry("nosuch"); err == nil || !strings.Contains(err.Error(), "huairou") {
		t.Errorf("LoadRegistry(nosuch) = %v, want a message naming the built-in registries", err)
	}
}

// FuzzParseTable: the table readers (.xlsx sheets, .docx tables) never panic, and a plan they
// return is sound; a document they refuse gives an ImportError. Seeded with the corpus tables
// in both forms.
func FuzzParseTable(f *testing.F) {
	for _, d := range corpusDocs(f) {
		if d.form != "text" {
			f.Add(d.data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.xlsx", data)
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is not an ImportError", err)
			}
			return
		}
		checkPlanInvariants(t, p)
	})
}
