package workbook

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"planreport/internal/hostile"
	"planreport/plan"
	"planreport/templates"
)

// checkBase is a returned template the fuzzer's workbooks are made from: its task sheet and
// shared strings are replaced by the fuzzer's, everything else (the identification, the other
// sheets) stays, so that the inputs reach the rules rather than stop at an unreadable zip.
type checkBase struct {
	data      []byte
	sheetPart string
}

// build makes a workbook of b with the task sheet's XML and the shared strings given; stored,
// not deflated, to keep each run fast.
func (b checkBase) build(sheet, sst []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b.data), int64(len(b.data)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		var body []byte
		switch zf.Name {
		case b.sheetPart:
			body = sheet
		case "xl/sharedStrings.xml":
			body = sst
		default:
			if err := zw.Copy(zf); err != nil {
				return nil, err
			}
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Store})
		if err != nil {
			return nil, err
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// smallPlan is a plan of four tasks: the fuzzer's workbooks stay a few KB, so that each run
// and each minimization is quick.
const smallPlan = `测试区重点任务分工方案
一、主要任务
1.健全制度
1.1 建立联席会议制度。（牵头单位：区司法局；责任单位：区财政局；完成时限：2022年6月底前）
1.2 完善执法程序。（牵头单位：区财政局；责任单位：区司法局；完成时限：2023年12月底前）
1.3 开展专项检查。（牵头单位：区司法局、区财政局；完成时限：长期坚持）
1.4 编制权责清单。（牵头单位：区司法局）
`

// newSmallFixture is newFixture for smallPlan.
func newSmallFixture(tb testing.TB) *fixture {
	tb.Helper()
	p, err := plan.ParseText(smallPlan)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := templates.Issue(tb.TempDir(), templates.Build(p, q, nil), templates.Options{Period: q, Due: "2023-07-08",
		PlanTitle: p.Title, PlanFingerprint: p.Fingerprint()}, false)
	if err != nil {
		tb.Fatal(err)
	}
	fx := &fixture{plan: p, ctx: NewContext(p, q, nil), issued: map[string]string{}}
	for _, it := range res.Templates {
		fx.issued[it.Unit] = it.Path
	}
	return fx
}

var reA1 = regexp.MustCompile(`^[A-Z]{1,3}[1-9][0-9]{0,6}$`)

// FuzzCheck feeds Check returned templates whose task sheet and shared strings are anything:
// it must not panic (Check turns a panic into a finding, which is looked for), every finding
// must be well formed, an accepted workbook must report every task, and the feedback workbook
// for it must be made whatever the unit's file holds. Seeds: 区司法局's
// template filled, with the mistakes the rules know, inline strings, formulas, an XML bomb.
func FuzzCheck(f *testing.F) {
	fx := newSmallFixture(f)
	const unit = "区司法局"
	base := checkBase{data: fx.filled(f, unit, nil)}
	var err error
	if base.sheetPart, err = hostile.SheetPart(base.data, templates.SheetTasks); err != nil {
		f.Fatal(err)
	}
	seed := func(data []byte) {
		sheet, err := hostile.Part(data, base.sheetPart)
		if err != nil {
			f.Fatal(err)
		}
		sst, err := hostile.Part(data, "xl/sharedStrings.xml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(sheet, sst)
	}
	seed(base.data)
	seed(fx.filled(f, unit, set(map[string]any{"G2": "差不多了", "H3": "大部分", "I4": "", "G3": "完成", "H4": 0.8, "A3": "99.9"})))
	seed(fx.filled(f, unit, set(map[string]any{"I2": `=HYPERLINK("http://evil.example","x")`, "G3": "已完成", "H3": 90})))
	if bomb, err := hostile.SheetBomb(base.data, templates.SheetTasks, "I2", 3); err == nil {
		seed(bomb)
	}
	sheet, _ := hostile.Part(base.data, base.sheetPart)
	sst, _ := hostile.Part(base.data, "xl/sharedStrings.xml")
	f.Add(bytes.Replace(sheet, []byte(`<c r="I2"`), []byte(`<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c><c r="I2"`), 1), sst)
	f.Add(bytes.Replace(sheet, []byte(`<c r="H2"`), []byte(`<c r="H2"><f>50+50</f></c><c r="Z2"`), 1), sst)
	f.Add([]byte(`<worksheet><sheetData><row><c t="inlineStr"><is><t>任务编号</t></is></c></row><row r="2"><c t="s"><v>999999</v></c></row></sheetData></worksheet>`), []byte(`<sst><si><r><t>a</t></r><rPh><t>b</t></rPh></si></sst>`))
	want := len(fx.ctx.Template(unit).Rows)
	f.Fuzz(func(t *testing.T, sheet, sst []byte) {
		// A run that does not end is a finding too: crash the worker, so that the fuzzer
		// keeps the input, with every goroutine's stack.
		defer time.AfterFunc(20*time.Second, func() {
			buf := make([]byte, 1<<20)
			panic("FuzzCheck: one input ran for 20 s\n" + string(buf[:runtime.Stack(buf, true)]))
		}).Stop()
		data, err := base.build(sheet, sst)
		if err != nil {
			t.Skip()
		}
		checkFuzzed(t, fx.ctx, "fuzz.xlsx", data, utf8.Valid(sheet) && utf8.Valid(sst), want)
	})
}

// checkFuzzed checks a fuzzed workbook: Check does not panic (it turns a panic into a
// finding, which is looked for), every finding is well formed (in UTF-8 when the input is,
// valid), an accepted workbook reports all want tasks, and its feedback workbook is made.
func checkFuzzed(t *testing.T, ctx *Context, name string, data []byte, valid bool, want int) {
	t.Helper()
	r := ctx.Check(name, data, "")
	for _, fd := range r.Findings {
		if strings.HasPrefix(fd.Message, "文件无法读取（") {
			t.Fatalf("Check panicked: %s", fd.Message)
		}
		if fd.Severity != plan.Error && fd.Severity != plan.Warning || fd.Rule == "" || fd.File != name {
			t.Fatalf("malformed finding %+v", fd)
		}
		if fd.Cell != "" && !reA1.MatchString(fd.Cell) {
			t.Fatalf("finding at cell %q: %+v", fd.Cell, fd)
		}
		if valid && (!utf8.ValidString(fd.Message) || !utf8.ValidString(fd.Hint)) {
			t.Fatalf("finding not UTF-8: %+v", fd)
		}
	}
	if r.Accepted() && len(r.Entries) != want {
		t.Fatalf("accepted with %d of %d tasks", len(r.Entries), want)
	}
	s := Submission{SHA256: r.SHA256, Name: name, Unit: r.Unit, Accepted: r.Accepted(), Findings: r.Findings}
	if _, _, err := feedbackBytes(s, data, "2024-01-12"); err != nil {
		t.Fatalf("the feedback workbook: %v", err)
	}
}

// FuzzCheckODS feeds Check the .ods sample LibreOffice saved with its content.xml (every sheet
// of an .ods) replaced by anything, with FuzzCheck's invariants (checkFuzzed). Seeds: the sample's own
// content, and one with a note row and repeated rows and cells.
func FuzzCheckODS(f *testing.F) {
	fx := newFixture(f)
	data, err := os.ReadFile(filepath.Join("testdata", "libreoffice-filled.ods"))
	if err != nil {
		f.Fatal(err)
	}
	base := checkBase{data: data, sheetPart: "content.xml"}
	content, err := hostile.Part(data, "content.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(content)
	row := []byte(`<table:table-row table:style-name="ro5"><table:table-cell table:style-name="ce6" office:value-type="string" calcext:value-type="string"><text:p>1.2</text:p>`)
	if i := bytes.Index(content, row); i > 0 {
		note := `<table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="string"><text:p>备注：<text:s text:c="3"/>说明</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1000"/></table:table-row>`
		f.Add(append(append(append([]byte{}, content[:i]...), note...), content[i:]...))
	}
	want := len(fx.ctx.Template("宝山镇").Rows)
	f.Fuzz(func(t *testing.T, content []byte) {
		defer time.AfterFunc(20*time.Second, func() {
			buf := make([]byte, 1<<20)
			panic("FuzzCheckODS: one input ran for 20 s\n" + string(buf[:runtime.Stack(buf, true)]))
		}).Stop()
		data, err := base.build(content, nil)
		if err != nil {
			t.Skip()
		}
		checkFuzzed(t, fx.ctx, "fuzz.ods", data, utf8.Valid(content), want)
	})
}
