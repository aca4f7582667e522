package plan

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The corpus (testdata/corpus, sources in SOURCES.md) holds published plans as an office would
// bring them: text copied from a government web page (*.txt), and 任务分工表 tables
// (*.table.tsv, built as .docx and .xlsx by tablefixture_test.go). For each plan,
// <plan>.expect lists the lead and responsible units of its tasks as checked by hand against
// the source; <plan>.<form>.golden is the whole parse; summary.golden is what plan import
// prints for each, with the checked figures. Rewrite the golden files with
// go test ./plan -run TestCorpus -update, and review the diff.

// corpusDoc is one document of the corpus in one form.
type corpusDoc struct {
	base string // lishui-2023, guangzhou-2021.table
	form string // text, docx or xlsx
	name string // the file name Parse is given
	data []byte
	rows [][]string // a table's rows, for the check that each numbered row is accounted for
}

func corpusDocs(t testing.TB) []corpusDoc {
	t.Helper()
	dir := filepath.Join("testdata", "corpus")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var docs []corpusDoc
	for _, e := range entries {
		n := e.Name()
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasSuffix(n, ".table.tsv"):
			base := strings.TrimSuffix(n, ".tsv")
			tf := parseTableFixture(t, string(data))
			docs = append(docs,
				corpusDoc{base: base, form: "docx", name: base + ".docx", data: tf.docx(t), rows: tf.rows},
				corpusDoc{base: base, form: "xlsx", name: base + ".xlsx", data: tf.xlsx(t), rows: tf.rows})
		case strings.HasSuffix(n, ".txt"):
			docs = append(docs, corpusDoc{base: strings.TrimSuffix(n, ".txt"), form: "text", name: n, data: data})
		}
	}
	if len(docs) < 12 {
		t.Fatalf("the corpus has %d documents, want at least 12", len(docs))
	}
	return docs
}

// expectation is one task as checked by hand.
type expectation struct {
	id         string
	lead, resp []string
}

func readExpectations(t testing.TB, base string) []expectation {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "corpus", base+".expect"))
	if err != nil {
		t.Fatalf("%v: every corpus plan needs its hand-checked expectations", err)
	}
	var out []expectation
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, "|")
		if len(f) != 3 {
			t.Fatalf("%s.expect: %q is not id | lead | responsible", base, l)
		}
		list := func(s string) []string {
			var names []string
			for _, n := range splitTopLevel(strings.TrimSpace(s), "、") {
				if n != "" {
					names = append(names, n)
				}
			}
			return names
		}
		out = append(out, expectation{id: strings.TrimSpace(f[0]), lead: list(f[1]), resp: list(f[2])})
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// score counts the sampled tasks whose leads, and whose responsible units, are right.
func score(p *Plan, exp []expectation) (leads, resp int, misses []string) {
	for _, e := range exp {
		task := p.Task(e.id)
		if task == nil {
			misses = append(misses, fmt.Sprintf("task %s: missing", e.id))
			continue
		}
		if sameSet(task.Lead, e.lead) {
			leads++
		} else {
			misses = append(misses, fmt.Sprintf("task %s: lead %q, want %q", e.id, task.Lead, e.lead))
		}
		if sameSet(task.Responsible, e.resp) {
			resp++
		} else {
			misses = append(misses, fmt.Sprintf("task %s: responsible %q, want %q", e.id, task.Responsible, e.resp))
		}
	}
	return leads, resp, misses
}

// badUnitName says why a name the plan assigns is a clause or a piece of a group phrase, not a
// unit: 县级市 cut from 各区、县级市, 适用范围：… or 不再做分工 read as a unit.
func badUnitName(n string) string {
	switch {
	case !looksLikeUnit(n):
		return "a clause"
	case isBareAreaType(n):
		return "a piece of a group phrase"
	case reMinistryTail.MatchString(n) || strings.HasSuffix(n, "会同") || strings.HasSuffix(n, "分别"):
		return "a unit with the words that say its role"
	}
	return ""
}

// reNumberedLine is a line that starts with an item's number: 一、 （一） 1. 1.1 1、 （1）.
var reNumberedLine = regexp.MustCompile(`^\s*(?:[一二三四五六七八九十]+、|[（(](?:[一二三四五六七八九十]+|\d{1,3})[）)]|\d{1,3}(?:[.．﹒]\d{1,3})+|\d{1,3}[.．、﹒])`)

// accounted checks that every numbered line of a text document became a task, is the heading
// of a task, or is listed in a notice at its line.
func accounted(t *testing.T, p *Plan, text string) {
	t.Helper()
	noticeAt := map[int]bool{}
	for _, n := range p.Notices {
		noticeAt[n.At.Line] = true
	}
	headings := map[string]bool{}
	ids := map[string]bool{}
	norm := strings.NewReplacer("(", "（", ")", "）", "﹒", ".", "．", ".", "、", "")
	for _, task := range p.Tasks {
		headings[task.Part], headings[task.Section], headings[task.Group] = true, true, true
		ids[norm.Replace(task.ID)] = true
	}
	for i, l := range strings.Split(text, "\n") {
		l = cleanLine(l)
		m := reNumberedLine.FindString(l)
		if m == "" || reMetaLine.MatchString(l) || !strings.ContainsAny(m, "一二三四五六七八九十0123456789") {
			continue
		}
		id := strings.TrimRight(norm.Replace(m), ".")
		taskHere := ids[id]
		for k := range ids {
			taskHere = taskHere || strings.HasSuffix(k, id) && strings.HasPrefix(id, "（")
		}
		if !taskHere && !headings[headingOf(l)] && !noticeAt[i+1] {
			t.Errorf("line %d %q: numbered, but neither a task, a task's heading, nor listed in a notice", i+1, textStart(l))
		}
	}
}

// TestCorpus parses every corpus plan and checks it against its golden file and its
// hand-checked expectations; the figures per plan go to summary.golden with what plan import
// prints. Over the corpus, at least 95% of the sampled leads and 90% of the sampled
// responsible sets must be right, no unit may be a clause or a piece of a group phrase, and
// every numbered item must become a task, be a task's heading, or be listed in a notice.
func TestCorpus(t *testing.T) {
	docs := corpusDocs(t)
	var summary strings.Builder
	summary.WriteString("# What plan import prints for each corpus plan, and the hand-checked figures.\n")
	var leads, resp, sampled int
	for _, d := range docs {
		p, err := Parse(d.name, d.data)
		if err != nil {
			t.Errorf("%s: %v", d.name, err)
			continue
		}
		t.Run(d.base+"/"+d.form, func(t *testing.T) {
			checkPlanInvariants(t, p)
			got := dumpPlan(p)
			golden := filepath.Join("testdata", "corpus", d.base+"."+d.form+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want, err := os.ReadFile(golden); err != nil {
				t.Errorf("%v (run with -update to create it)", err)
			} else if got != string(want) {
				t.Errorf("%s differs from %s:\n%s", d.name, golden, lineDiff(string(want), got))
			}
			for _, task := range p.Tasks {
				for _, n := range append(slices.Clone(task.Lead), task.Responsible...) {
					if why := badUnitName(n); why != "" {
						t.Errorf("task %s names %q, %s", task.ID, n, why)
					}
				}
			}
			if d.form == "text" {
				accounted(t, p, string(d.data))
			}
			for _, row := range d.rows[min(1, len(d.rows)):] {
				id := strings.TrimSpace(row[0])
				if len(row) < 2 || !reNumberedLine.MatchString(id) || p.Task(id) != nil ||
					slices.ContainsFunc(p.Notices, func(n Notice) bool { return n.Item == id }) ||
					slices.ContainsFunc(p.Tasks, func(task Task) bool { return task.Section == headingOf(id+row[1]) }) {
					continue
				}
				t.Errorf("row %q: neither a task, a task's heading, nor listed in a notice", id)
			}
		})
		exp := readExpectations(t, d.base)
		l, r, misses := score(p, exp)
		for _, m := range misses {
			t.Logf("%s: %s", d.name, m)
		}
		leads, resp, sampled = leads+l, resp+r, sampled+len(exp)
		fmt.Fprintf(&summary, "\n## %s (%s)\n%s\n", d.base, d.form, p.Summary())
		for _, n := range p.Notices {
			fmt.Fprintf(&summary, "  %s\n", n.Line())
		}
		fmt.Fprintf(&summary, "抽查 %d 项：牵头单位正确 %d 项，责任单位正确 %d 项。\n", len(exp), l, r)
	}
	fmt.Fprintf(&summary, "\n## 合计\n抽查 %d 项：牵头单位正确 %d 项，责任单位正确 %d 项。\n", sampled, leads, resp)
	t.Logf("corpus: %d documents, %d tasks sampled, leads right %d, responsible sets right %d", len(docs), sampled, leads, resp)
	if leads*100 < sampled*95 {
		t.Errorf("leads right %d of %d, below 95%%", leads, sampled)
	}
	if resp*100 < sampled*90 {
		t.Errorf("responsible sets right %d of %d, below 90%%", resp, sampled)
	}
	golden := filepath.Join("testdata", "corpus", "summary.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(summary.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if summary.String() != string(want) {
		t.Errorf("the corpus summary differs from %s:\n%s", golden, lineDiff(string(want), summary.String()))
	}
}

// TestTableSameAsProse: the same plan as prose and as a table (in .docx and in .xlsx) gives the
// same tasks. Only the 分组 column differs: prose repeats a numbered group's own heading on a
// task that is the group itself, a table row has none.
func TestTableSameAsProse(t *testing.T) {
	prose, err := os.ReadFile(filepath.Join("testdata", "corpus", "lishan-2023.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := Parse("lishan-2023.txt", prose)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("testdata", "corpus", "lishan-2023.table.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	tf := parseTableFixture(t, string(src))
	for form, data := range map[string][]byte{"docx": tf.docx(t), "xlsx": tf.xlsx(t)} {
		got, err := Parse("lishan-2023."+form, data)
		if err != nil {
			t.Fatalf("%s: %v", form, err)
		}
		if got.Title != want.Title {
			t.Errorf("%s: title %q, prose %q", form, got.Title, want.Title)
		}
		if len(got.Tasks) != len(want.Tasks) {
			t.Fatalf("%s: %d tasks, prose %d", form, len(got.Tasks), len(want.Tasks))
		}
		for i, g := range got.Tasks {
			w := want.Tasks[i]
			g.Group, w.Group = "", ""
			if fmt.Sprint(g) != fmt.Sprint(w) {
				t.Errorf("%s: task %d\n got %+v\nprose %+v", form, i, g, w)
			}
		}
		if !slices.Equal(unitNames(got), unitNames(want)) {
			t.Errorf("%s: units %q, prose %q", form, unitNames(got), unitNames(want))
		}
		skipped := func(p *Plan) (ids []string) {
			for _, n := range p.Notices {
				if n.Kind == NoticeSkipped {
					ids = append(ids, n.Item)
				}
			}
			return ids
		}
		if !slices.Contains(skipped(got), "7") || !slices.Contains(skipped(want), "7.") {
			t.Errorf("%s: item 7 (no units) skipped as %q, prose %q", form, skipped(got), skipped(want))
		}
	}
}

func unitNames(p *Plan) []string {
	var out []string
	for _, u := range p.Units {
		out = append(out, u.Name+"/"+u.Category)
	}
	return out
}
