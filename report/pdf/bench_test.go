package pdf_test

import (
	"context"
	"path/filepath"
	"testing"

	"planreport/demo"
	"planreport/fonts"
	"planreport/plan"
	"planreport/report"
	"planreport/report/brief"
	"planreport/report/pdf"
	"planreport/workspace"
)

// BenchmarkDemo prints the demo's brief for 2023Q4 at 80 reporting units, in the embedded
// faces and in the fonts this machine has (setting up the workspace is not timed).
func BenchmarkDemo(b *testing.B) {
	w := workspace.Open(filepath.Join(b.TempDir(), "ws"))
	q4 := plan.Period{Kind: plan.Quarterly, Year: 2023, N: 4}
	p, _, err := demo.Collected(context.Background(), w, 80, q4, "2024-01-08")
	if err != nil {
		b.Fatal(err)
	}
	inputs, err := w.Inputs(q4)
	if err != nil {
		b.Fatal(err)
	}
	r, err := report.Consolidate(p, inputs, "2024-01-15")
	if err != nil {
		b.Fatal(err)
	}
	br := brief.Build(r, brief.OfficeText{})
	found, err := fonts.Find(fonts.SystemDirs()...)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		set  *fonts.Set
	}{{"embedded", &fonts.Set{}}, {"system", found}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := pdf.Bytes(br, c.set); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
