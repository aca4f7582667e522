package workbook

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/width"

	"planreport/plan"
)

// TestUnitInName: unitInName's index finds in a file name what searching for every name finds: the longest name, the first in registry order of those
// as long, aliases too, units that report through another too, never a unit with no template.
func TestUnitInName(t *testing.T) {
	fx := newFixture(t)
	p := *fx.plan
	p.Units = append([]plan.Unit(nil), fx.plan.Units...)
	// Towns added; some names contain others ("宝山镇" in "宝山镇北"), some share an alias.
	for i := range 300 {
		u := plan.Unit{Name: fmt.Sprintf("演示第%04d镇", i), Category: plan.CatTown}
		switch i % 50 {
		case 1:
			u.Name = "宝山镇北" + fmt.Sprint(i)
		case 2:
			u.Aliases = []string{fmt.Sprintf("第%04d镇", i), "共用简称"}
		}
		p.Units = append(p.Units, u)
	}
	for i := range p.Groups {
		if p.Groups[i].Name == "各镇乡街道" {
			p.Groups[i].Categories = []string{plan.CatTown, plan.CatStreet}
		}
	}
	big := NewContext(&p, q, nil)
	search := func(s string) string { // every name searched for: the longest, the first in registry order
		s = width.Narrow.String(s)
		best, bestLen := "", 0
		for _, n := range big.names {
			if len(n.name) > bestLen && strings.Contains(s, n.name) {
				best, bestLen = n.unit, len(n.name)
			}
		}
		return best
	}
	names := []string{"", "无关的文件名.xlsx", "2023Q2_宝山镇_任务进展报送表.xlsx", "宝山镇北1_报送表.xlsx",
		"区司法局和宝山镇.xlsx", "第0002镇.xlsx", "共用简称.xlsx", "ＡＢＣ宝山镇（修改后）.xlsx", "演示第0199镇演示第0200镇.xlsx"}
	for _, u := range p.Units {
		names = append(names, "2023Q2_"+u.Name+"_任务进展报送表.xlsx")
		for _, a := range u.Aliases {
			names = append(names, a+"报送.xlsx")
		}
	}
	found := 0
	for _, name := range names {
		got, want := big.unitInName(name), search(name)
		if got != want {
			t.Errorf("%q: %q with the index, %q without", name, got, want)
		}
		if got != "" {
			found++
		}
		if got != "" && big.reporter[got] == "" {
			t.Errorf("%q: %q has no template", name, got)
		}
	}
	if found < len(p.Units)/2 {
		t.Errorf("only %d of %d names found a unit", found, len(names))
	}
	if got := big.unitInName("2023Q2_宝山镇北1_任务进展报送表.xlsx"); !strings.HasPrefix(got, "宝山镇北") {
		t.Errorf("the longer name lost to the shorter: %q", got)
	}
}

// BenchmarkUnitInName finds every unit's name in its file name with 1,000 and 10,000 units:
// the time per file stays the same (unitInName grows with the registry, not its square).
func BenchmarkUnitInName(b *testing.B) {
	base, err := plan.ParseReference()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1000, 10000} {
		p := *base
		p.Units = append([]plan.Unit(nil), base.Units...)
		for i := 1; len(p.Units) < n; i++ {
			p.Units = append(p.Units, plan.Unit{Name: fmt.Sprintf("演示第%05d镇", i), Category: plan.CatTown})
		}
		c := NewContext(&p, q, nil)
		var files []string
		for _, u := range p.Units {
			if c.Template(u.Name) != nil {
				files = append(files, "2023Q2_"+u.Name+"_任务进展报送表.xlsx")
			}
		}
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			for b.Loop() {
				for _, f := range files {
					if c.unitInName(f) == "" {
						b.Fatalf("no unit in %s", f)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(files)), "ns/file")
		})
	}
}
