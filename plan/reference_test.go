package plan

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func parseReference(t testing.TB) *Plan {
	t.Helper()
	p, err := ParseReference()
	if err != nil {
		t.Fatalf("ParseReference: %v", err)
	}
	return p
}

// marshalPlan is the plan's JSON exactly as the CLI prints it.
func marshalPlan(t testing.TB, p *Plan) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p.JSON()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestReferenceGolden compares the shipped plan's JSON with testdata/reference.json. After a
// deliberate change, run go test ./plan -run ReferenceGolden -update and review the diff.
func TestReferenceGolden(t *testing.T) {
	got := marshalPlan(t, parseReference(t))
	golden := filepath.Join("testdata", "reference.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./plan -run ReferenceGolden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("JSON of the reference plan differs from %s:\n%s\nIf the change is intended, run go test ./plan -run ReferenceGolden -update and review the diff.",
			golden, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first differing line of two texts, with a little context.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			from := max(0, i-3)
			return "line " + strconv.Itoa(i+1) + ":\n  context: " + strings.Join(g[from:min(i, len(g))], "\n  context: ") +
				"\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return "(no line differs)"
}

// compareIDs orders task ids as the plan numbers them: 1.2 < 1.10 < 2 < 2.1.
func compareIDs(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < min(len(pa), len(pb)); i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x - y
		}
	}
	return len(pa) - len(pb)
}

// TestReferenceFacts asserts the "Must show" facts about the shipped plan directly,
// not through the golden file.
func TestReferenceFacts(t *testing.T) {
	p := parseReference(t)
	checkReferenceFacts(t, p)
}

// checkReferenceFacts is shared with the ledger tests, which assert the same facts after a
// round trip through the workbook (and through LibreOffice).
func checkReferenceFacts(t *testing.T, p *Plan) {
	t.Helper()
	t.Run("tasks", func(t *testing.T) {
		if len(p.Tasks) != 87 {
			t.Fatalf("got %d tasks, want 87", len(p.Tasks))
		}
		if first, last := p.Tasks[0].ID, p.Tasks[len(p.Tasks)-1].ID; first != "1.1" || last != "30" {
			t.Errorf("ids run from %s to %s, want 1.1 to 30", first, last)
		}
		for i := 1; i < len(p.Tasks); i++ {
			if a, b := p.Tasks[i-1].ID, p.Tasks[i].ID; compareIDs(a, b) >= 0 {
				t.Errorf("task %d: id %s follows %s: not in document order", i+1, b, a)
			}
		}
		for _, task := range p.Tasks {
			if strings.TrimSpace(task.Text) == "" {
				t.Errorf("task %s has no text", task.ID)
			}
		}
	})

	t.Run("deadlines", func(t *testing.T) {
		ongoing := 0
		due := map[string]int{}
		for _, task := range p.Tasks {
			if task.Deadline.Kind == KindOngoing {
				ongoing++
				if task.Deadline.Due != "" {
					t.Errorf("task %s is ongoing but due %s", task.ID, task.Deadline.Due)
				}
				continue
			}
			due[task.Deadline.Due]++
		}
		if ongoing != 52 {
			t.Errorf("%d ongoing tasks, want 52", ongoing)
		}
		want := map[string]int{"2021-12-31": 3, "2022-12-31": 17, "2023-12-31": 15}
		for d, n := range want {
			if due[d] != n {
				t.Errorf("%d tasks due %s, want %d", due[d], d, n)
			}
		}
		for d, n := range due {
			if _, ok := want[d]; !ok {
				t.Errorf("%d tasks due %q, want none", n, d)
			}
		}
	})

	tests := []struct {
		id    string
		check func(t *testing.T, task *Task)
	}{
		{"11.3", func(t *testing.T, task *Task) {
			// The paragraph breaks in the middle of 制度 in the document.
			if !strings.Contains(task.Text, "档案管理制度") {
				t.Errorf("text not joined across the break: %q", task.Text)
			}
			if !strings.HasSuffix(task.Text, "全部立卷归档。") {
				t.Errorf("text does not end with the paragraph's last sentence: %q", task.Text)
			}
		}},
		{"17.3", func(t *testing.T, task *Task) {
			if !slices.Contains(task.Responsible, "区园林绿化局") {
				t.Errorf("responsible %q lacks 区园林绿化局", task.Responsible)
			}
			for _, n := range append(slices.Clone(task.Lead), task.Responsible...) {
				if strings.Contains(n, "等部门") {
					t.Errorf("unit %q keeps 等部门", n)
				}
			}
		}},
		{"29", func(t *testing.T, task *Task) {
			want := []string{"区委依法治区委办公室", "区委依法治区委法治政府建设领导小组", "区委依法治区委司法协调小组", "区委依法治区委守法普法协调小组"}
			if !slices.Equal(task.Lead, want) {
				t.Errorf("lead = %q, want %q", task.Lead, want)
			}
		}},
		{"12.3", func(t *testing.T, task *Task) {
			// This task's bracket says 责任部门 rather than 责任单位.
			for _, n := range []string{"区财政局", "区司法局", "原职权下放部门", "各镇乡街道"} {
				if !slices.Contains(task.Responsible, n) {
					t.Errorf("responsible %q lacks %s", task.Responsible, n)
				}
			}
		}},
		{"7.4", func(t *testing.T, task *Task) {
			// 牵头单位、责任单位: the same units lead and are responsible.
			if len(task.Lead) == 0 || !slices.Equal(task.Lead, task.Responsible) {
				t.Errorf("lead %q != responsible %q", task.Lead, task.Responsible)
			}
			for _, n := range []string{"区政府有关部门", "雁栖镇", "怀北镇", "北房镇"} {
				if !slices.Contains(task.Lead, n) {
					t.Errorf("lead %q lacks %s", task.Lead, n)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run("task "+tt.id, func(t *testing.T) {
			task := p.Task(tt.id)
			if task == nil {
				t.Fatalf("no task %s", tt.id)
			}
			tt.check(t, task)
		})
	}

	t.Run("towns", func(t *testing.T) {
		count := map[string]int{}
		for _, a := range p.Assignments() {
			count[a.Unit]++
		}
		// DOMAIN.md: Huairou's 2 streets, 12 towns and 2 ethnic townships. Every task for 各镇乡街道
		// reaches all 16, 各镇乡 only the towns and townships, and 7.4 names three towns itself.
		want := map[string]int{"泉河街道": 72, "龙山街道": 72,
			"怀柔镇": 73, "雁栖镇": 74, "庙城镇": 73, "北房镇": 74, "杨宋镇": 73, "桥梓镇": 73, "怀北镇": 74,
			"汤河口镇": 73, "渤海镇": 73, "九渡河镇": 73, "琉璃庙镇": 73, "宝山镇": 73,
			"长哨营满族乡": 73, "喇叭沟门满族乡": 73}
		for name, n := range want {
			if count[name] != n {
				t.Errorf("%s has %d assignments, want %d", name, count[name], n)
			}
		}
	})
}

func BenchmarkImportReference(b *testing.B) {
	path := filepath.Join(b.TempDir(), "plan.xlsx")
	b.ReportAllocs()
	for b.Loop() {
		p, err := Parse(ReferenceName, Reference)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.WriteLedger(path); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseReference(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(ReferenceName, Reference); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadLedger reads the reference plan's ledger with ReadLedger (internal/xlsx) and,
// when set, with OtherLedgerReader (excelize).
func BenchmarkReadLedger(b *testing.B) {
	path := filepath.Join(b.TempDir(), "plan.xlsx")
	if err := parseReference(b).WriteLedger(path); err != nil {
		b.Fatal(err)
	}
	readers := []struct {
		name string
		read func(string) (*Plan, error)
	}{{"xlsx", ReadLedger}, {"excelize", OtherLedgerReader}}
	for _, r := range readers {
		if r.read == nil {
			continue
		}
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.read(path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
