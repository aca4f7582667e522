package plan

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// dumpPlan prints a plan as stable text for golden files: a header, then one line per task with
// its id, part, section, group, lead and responsible units, deadline (text, kind, due) and the start
// and end of its text.
func dumpPlan(p *Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "title: %s\n", p.Title)
	fmt.Fprintf(&b, "doc_number: %s\n", p.DocNumber)
	fmt.Fprintf(&b, "issued: %s\n", p.Issued)
	fmt.Fprintf(&b, "tasks: %d\n", len(p.Tasks))
	fmt.Fprintf(&b, "# id | part | section | group | lead | responsible | deadline text | kind | due | text\n")
	for _, t := range p.Tasks {
		fmt.Fprintf(&b, "%s | %s | %s | %s | %s | %s | %s | %s | %s | %s\n",
			t.ID, t.Part, t.Section, t.Group, strings.Join(t.Lead, "、"), strings.Join(t.Responsible, "、"),
			t.Deadline.Text, t.Deadline.Kind, t.Deadline.Due, abbreviate(t.Text))
		if t.Scope != "" {
			fmt.Fprintf(&b, "  scope: %s\n", t.Scope)
		}
	}
	fmt.Fprintf(&b, "notices: %d\n", len(p.Notices))
	for _, n := range p.Notices {
		fmt.Fprintf(&b, "  %s | %s\n", n.Kind, n.Line())
	}
	return b.String()
}

// abbreviate returns the first 30 runes of s and, for a longer text, its last 12 runes, so that
// a golden file shows both where a task starts and how it ends.
func abbreviate(s string) string {
	r := []rune(s)
	if len(r) <= 42 {
		return s
	}
	return string(r[:30]) + "…" + string(r[len(r)-12:])
}

// variantFiles returns the fixture documents under testdata/variants (not their golden files,
// nor the sources of the binary ones in testdata/variants/src).
func variantFiles(t testing.TB) []string {
	t.Helper()
	all, err := filepath.Glob(filepath.Join("testdata", "variants", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range all {
		if st, err := os.Stat(f); err == nil && !st.IsDir() && !strings.HasSuffix(f, ".golden") {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata/variants")
	}
	return files
}

// TestVariants parses every plan under testdata/variants and compares it with its golden dump.
// Run `go test ./plan -run TestVariants -update` to rewrite the golden files, then review them.
func TestVariants(t *testing.T) {
	for _, file := range variantFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(file, data)
			if err != nil {
				t.Fatal(err)
			}
			checkPlanInvariants(t, p)
			got := dumpPlan(p)
			golden := file + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s:\n%s", file, golden, lineDiff(string(want), got))
			}
		})
	}
}

// lineDiff lists the lines that differ between want and got.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d\n  want: %s\n  got:  %s\n", i+1, wl, gl)
		}
	}
	return b.String()
}

// checkPlanInvariants checks what every parsed plan must satisfy.
func checkPlanInvariants(t testing.TB, p *Plan) {
	t.Helper()
	if len(p.Tasks) == 0 {
		t.Fatal("a parsed plan has no tasks")
	}
	seen := map[string]bool{}
	for i, task := range p.Tasks {
		if task.ID == "" {
			t.Errorf("task %d has no id", i)
		}
		if seen[task.ID] {
			t.Errorf("task %d: duplicate id %q", i, task.ID)
		}
		seen[task.ID] = true
		for _, s := range append([]string{task.ID, task.Part, task.Section, task.Group, task.Text, task.Deadline.Text}, append(task.Lead, task.Responsible...)...) {
			if !utf8.ValidString(s) {
				t.Errorf("task %q: invalid UTF-8 %q", task.ID, s)
			}
		}
		for _, u := range append(append([]string(nil), task.Lead...), task.Responsible...) {
			if u == "" || strings.TrimSpace(u) != u {
				t.Errorf("task %q: bad unit name %q", task.ID, u)
			}
		}
	}
}

// TestParseErrors: documents that hold no plan are refused with a clear Chinese message.
func TestParseErrors(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0x00, 0xff, 0x13, 0x02}, 64)...)
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0x00, 0x01, 0x90, 0xc3}, 64)...)
	tests := []struct {
		name    string
		data    []byte
		noTasks bool     // errors.Is(err, ErrNoTasks)
		want    []string // parts of the message
	}{
		{"空文件.txt", nil, false, []string{"空文件.txt：", "文件为空"}},
		{"空白.txt", []byte(" \r\n\t\u3000\n\n"), true, []string{"空白.txt：", "没有文字内容"}},
		{"只有BOM.txt", []byte("\xef\xbb\xbf"), false, []string{"文件为空"}},
		{"通知.txt", []byte("关于开展法治政府建设督察的通知\n\n各单位：\n请于6月底前报送材料。\n"), true,
			[]string{"通知.txt：", "没有找到任何任务", "（牵头单位："}},
		{"无括号.txt", []byte("2024年工作要点\n一、加强法治建设\n1.完善制度。\n2.规范执法。\n"), true,
			[]string{"无括号.txt：", "编号条目", "都没有注明单位的括号", "没有找到任何任务"}},
		{"图片.png", png, false, []string{"图片.png："}},
		{"程序", elf, false, []string{"程序："}},
		{"扫描件.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), false, []string{"PDF"}},
		{"旧版.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), false, []string{".doc"}},
	}
	for _, tt := range tests {
		p, err := Parse(tt.name, tt.data)
		if err == nil {
			t.Errorf("%s: parsed %d tasks, want an error", tt.name, len(p.Tasks))
			continue
		}
		msg := err.Error()
		if errors.Is(err, ErrNoTasks) != tt.noTasks {
			t.Errorf("%s: errors.Is(err, ErrNoTasks) = %v, want %v (%s)", tt.name, !tt.noTasks, tt.noTasks, msg)
		}
		for _, w := range tt.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: message %q does not say %q", tt.name, msg, w)
			}
		}
		if !hasHan(msg) || !utf8.ValidString(msg) {
			t.Errorf("%s: message is not Chinese: %q", tt.name, msg)
		}
	}
	if _, err := ParseText(""); !errors.Is(err, ErrNoTasks) {
		t.Errorf("ParseText(\"\") = %v, want ErrNoTasks", err)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// TestParseTextCases covers single behaviours of the parser on small inputs.
func TestParseTextCases(t *testing.T) {
	tests := []struct {
		name, text string
		want       string // dump lines of the tasks: id | lead | responsible | deadline due | text
	}{
		{"labels separated by spaces",
			"1.完善制度。\n（牵头单位：区政府办 责任单位：区政府各部门 完成时限：2024年）\n",
			"1 | 区政府办 | 区政府各部门 | 2024-12-31 | 完善制度。"},
		{"labels separated by commas",
			"1.完善制度。(牵头单位:区政府办,责任单位:区财政局、区司法局,完成时限:2024年6月底前)\n",
			"1 | 区政府办 | 区财政局、区司法局 | 2024-06-30 | 完善制度。"},
		{"labels with no separator",
			"1.完善制度。（牵头单位：区政府办责任单位：区财政局完成时限：2024年）\n",
			"1 | 区政府办 | 区财政局 | 2024-12-31 | 完善制度。"},
		{"a bracket wrapped over lines",
			"1.1 完善制度。\n(牵头单位:区政府办;责任单位:区财政局、\n区司法局;完成时限:2023 年)\n",
			"1.1 | 区政府办 | 区财政局、区司法局 | 2023-12-31 | 完善制度。"},
		{"a paragraph broken in a word",
			"11.3 加强档案管理制\n\n度，做到应归尽归。\n(牵头单位:区档案馆;完成时限:长期坚持)\n",
			"11.3 | 区档案馆 |  |  | 加强档案管理制度，做到应归尽归。"},
		{"text after the last bracket is not the task's",
			"1.完善制度。\n（牵头单位：区政府办）\n各单位要高度重视。\n",
			"1 | 区政府办 |  |  | 完善制度。"},
		{"responsible only: the first unit leads",
			"1.完善制度。（责任单位：区财政局、区司法局；完成时限：2024年）\n",
			"1 | 区财政局 | 区司法局 | 2024-12-31 | 完善制度。"},
		{"in charge and assisting: those in charge lead",
			"1.完善制度。（负责单位：区财政局、区司法局；配合单位：各镇、街道）\n",
			"1 | 区财政局、区司法局 | 各镇、各街道 |  | 完善制度。"},
		{"ministry style with an assisting unit",
			"（一）完善制度。（商务部负责，海关总署配合）\n",
			"（一） | 商务部 | 海关总署 |  | 完善制度。"},
		{"ministry style, first unit leads",
			"（一）完善制度。（商务部、海关总署负责）\n",
			"（一） | 商务部 | 海关总署 |  | 完善制度。"},
		{"a parenthesis that is not a unit bracket stays in the text",
			"1.制定实施方案（2024—2025年）（试行）。（牵头单位：区发展改革委）\n",
			"1 | 区发展改革委 |  |  | 制定实施方案（2024—2025年）（试行）。"},
		{"a number used twice by mistake",
			"1.完善制度。（牵头单位：区政府办）\n1.规范执法。（牵头单位：区司法局）\n",
			"1 | 区政府办 |  |  | 完善制度。\n1#2 | 区司法局 |  |  | 规范执法。"},
		{"sub-items with no numbered parent",
			"（1）完善制度。（牵头单位：区政府办）\n（2）规范执法。（牵头单位：区司法局）\n",
			"（1） | 区政府办 |  |  | 完善制度。\n（2） | 区司法局 |  |  | 规范执法。"},
		{"a year-less deadline in a plan for one year",
			"2024年工作要点\n1.完善制度。（牵头单位：区政府办；完成时限：6月底前）\n",
			"1 | 区政府办 |  | 2024-06-30 | 完善制度。"},
		{"full-width numbering",
			"１.１ 完善制度。（牵头单位：区政府办）\n",
			"1.1 | 区政府办 |  |  | 完善制度。"},
		{"a table pasted as text, no 序号 column",
			"工作任务\t牵头单位\t责任单位\t完成时限\n完善制度\t区政府办\t区财政局\t2024年\n规范执法\t区司法局\t\t持续推进\n",
			"1 | 区政府办 | 区财政局 | 2024-12-31 | 完善制度\n2 | 区司法局 |  |  | 规范执法"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseText(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, task := range p.Tasks {
				lines = append(lines, fmt.Sprintf("%s | %s | %s | %s | %s", task.ID, strings.Join(task.Lead, "、"),
					strings.Join(task.Responsible, "、"), task.Deadline.Due, task.Text))
			}
			if got := strings.Join(lines, "\n"); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// FuzzParseText: the parser never panics, and a plan it returns has tasks with distinct,
// non-empty ids and valid UTF-8 text.
func FuzzParseText(f *testing.F) {
	f.Add(string(Reference))
	for _, file := range variantFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if text, _, err := DocumentText(file, data); err == nil {
			f.Add(text)
		}
	}
	f.Add("1.完善制度。（牵头单位：区政府办；责任单位：各镇、街道；完成时限：6月底前）\n（1）a（负责单位：区司法局）\n")
	f.Add("序号\t任务\t牵头单位\t完成时限\n1\t完善制度\t区政府办\t2024年\n")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := ParseText(text)
		if err != nil {
			if !errors.Is(err, ErrNoTasks) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		checkPlanInvariants(t, p)
		for _, task := range p.Tasks {
			if d := task.Deadline; d.Due != "" {
				if _, err := ParseDate(d.Due); err != nil {
					t.Errorf("task %q: due %q is not a date", task.ID, d.Due)
				}
			}
		}
	})
}
