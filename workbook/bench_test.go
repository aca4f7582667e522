package workbook

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"planreport/internal/xlsx"
	"planreport/internal/xlsx/xlsxtest"
	"planreport/templates"
)

// BenchmarkCheck checks every unit's template of the reference plan, filled correctly; one op
// is one workbook (ns/op is per workbook).
func BenchmarkCheck(b *testing.B) {
	fx := newFixture(b)
	units := make([]string, 0, len(fx.issued))
	for u := range fx.issued {
		units = append(units, u)
	}
	sort.Strings(units)
	files := make([][]byte, len(units))
	size := 0
	for i, u := range units {
		files[i] = fx.filled(b, u, nil)
		size += len(files[i])
		if r := fx.ctx.Check(u+".xlsx", files[i], ""); !r.Accepted() {
			b.Fatalf("%s: %v", u, findingLines(r))
		}
	}
	b.SetBytes(int64(size / len(files)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		j := i % len(files)
		fx.ctx.Check(units[j]+".xlsx", files[j], "")
	}
}

// BenchmarkCheckParallel is BenchmarkCheck on all CPUs, as collect and Previous run it.
func BenchmarkCheckParallel(b *testing.B) {
	fx := newFixture(b)
	var files [][]byte
	for u := range fx.issued {
		files = append(files, fx.filled(b, u, nil))
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			fx.ctx.Check("a.xlsx", files[i%len(files)], "")
			i++
		}
	})
}

// FuzzReadXLSX feeds the reader, and Check, anything: they must not panic (Check recovers
// from panics, so the reader is called directly too) nor run away with memory. Mutated zips
// mostly fail their checksums, so the input is also given to the XML readers as a part, and
// the seeds include parts of real workbooks as well as the workbooks.
// Run it with a short -fuzzminimizetime: an exec takes about a millisecond, and minimizing a
// 30 KB workbook with the default 60 s per input looks like a hang.
func FuzzReadXLSX(f *testing.F) {
	fx := newFixture(f)
	n := 0
	seed := func(data []byte) {
		f.Add(data)
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for _, zf := range zr.File {
			if strings.HasSuffix(zf.Name, ".xml") || strings.HasSuffix(zf.Name, ".rels") {
				rc, err := zf.Open()
				if err != nil {
					continue
				}
				part, _ := io.ReadAll(rc)
				rc.Close()
				if len(part) > 8<<10 { // the start of a big part is as good a seed
					part = part[:8<<10]
				}
				f.Add(part)
			}
		}
	}
	for _, u := range []string{"宝山镇", "区司法局", "龙山街道"} {
		if path, ok := fx.issued[u]; ok {
			data, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
			seed(fx.filled(f, u, nil))
			n++
		}
	}
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.xlsx"))
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			seed(data)
		}
	}
	f.Add(xlsxtest.Zip(map[string]string{"xl/workbook.xml": `<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   `<worksheet><sheetData><row><c t="inlineStr"><is><t>&#x4E2D;&amp;</t></is></c><c><f>1+1</f></c></row></sheetData></worksheet>`}))
	if n == 0 {
		f.Fatal("no seed templates")
	}
	limits := Limits{MaxFileBytes: 4 << 20, MaxUnzippedBytes: 16 << 20, MaxEntries: 200}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := *fx.ctx
		ctx.Limits = limits
		ctx.Check("a.xlsx", data, "")

		x, err := xlsx.OpenBytes(data, limits.MaxUnzippedBytes)
		if err != nil {
			return
		}
		for _, s := range x.SheetList() {
			rows, _ := x.Rows(s)
			for i, r := range rows {
				for j := range r {
					if f, ok := x.Formula(s, i, j); ok {
						xlsx.EvalArithmetic(f)
					}
				}
			}
		}
		x.Props()
		x.Close()
	})
}

// BenchmarkFeedback makes the feedback workbook of a rejected return (three errors and a
// warning on a town's template of the reference plan): the unit's own workbook annotated
// part by part, with the list in front. Collect makes one for every unit whose latest return
// has findings (51 at 1,000 demo units).
func BenchmarkFeedback(b *testing.B) {
	fx := newFixture(b)
	data := fx.filled(b, "宝山镇", set(map[string]any{"G2": "", "H3": "大部分", "I4": "同上", "G5": templates.StatusDone, "H5": 90}))
	r := fx.ctx.Check("宝山镇.xlsx", data, "")
	s := Submission{Name: "宝山镇.xlsx", Unit: "宝山镇", Findings: r.Findings}
	if r.Accepted() {
		b.Fatal("the return was accepted")
	}
	for b.Loop() {
		if _, annotated, err := feedbackBytes(s, data, "2024-01-12"); err != nil || !annotated {
			b.Fatal(annotated, err)
		}
	}
}
