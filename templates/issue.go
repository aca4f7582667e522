package templates

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/sync/errgroup"

	"planreport/plan"
)

// Issued is one template written to disk.
type Issued struct {
	Unit  string `json:"unit"`
	Path  string `json:"path"`
	Tasks int    `json:"tasks"`
	EML   string `json:"eml,omitempty"` // the email draft, when one was written
}

// Result is what Issue wrote.
type Result struct {
	Period    string   `json:"period"`
	Due       string   `json:"due"`
	Index     string   `json:"index"`
	Templates []Issued `json:"templates"`
}

// IndexName is the file name of a period's template index workbook.
func IndexName(p plan.Period) string { return p.String() + "_模板清单.xlsx" }

// FileName returns a template's file name: period, unit and purpose, safe on Windows.
func FileName(p plan.Period, unit string) string {
	return p.String() + "_" + SafeName(unit) + "_任务进展报送表.xlsx"
}

// Issue writes every template of ts into dir (created if missing), with an index workbook
// listing unit, file, task count and contact. With eml set it also writes, into dir/邮件草稿,
// an email draft per unit that has an email address. Templates are written in parallel, each
// atomically.
func Issue(dir string, ts []Template, o Options, eml bool) (*Result, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("创建文件夹 %s：%w", dir, err)
	}
	mailDir := filepath.Join(dir, "邮件草稿")
	if eml {
		if err := os.MkdirAll(mailDir, 0o755); err != nil {
			return nil, fmt.Errorf("创建文件夹 %s：%w", mailDir, err)
		}
	}
	res := &Result{Period: o.Period.String(), Due: o.Due, Index: filepath.Join(dir, IndexName(o.Period)), Templates: make([]Issued, len(ts))}
	// Two unit names may make the same file name once made safe: number the later ones.
	used := map[string]bool{}
	for i, t := range ts {
		name := FileName(o.Period, t.Unit.Name)
		for k := 2; used[strings.ToLower(name)]; k++ {
			name = fmt.Sprintf("%s_%s(%d)_任务进展报送表.xlsx", o.Period, SafeName(t.Unit.Name), k)
		}
		used[strings.ToLower(name)] = true
		res.Templates[i] = Issued{Unit: t.Unit.Name, Path: filepath.Join(dir, name), Tasks: len(t.Rows)}
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range ts {
		g.Go(func() error {
			t, path := &ts[i], res.Templates[i].Path
			if err := t.Write(path, o); err != nil {
				return err
			}
			if eml && t.Unit.Email != "" {
				mail := filepath.Join(mailDir, strings.TrimSuffix(filepath.Base(path), ".xlsx")+".eml")
				res.Templates[i].EML = mail
				return writeTemplateMail(mail, path, t, o)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := writeIndex(res.Index, ts, res.Templates, o); err != nil {
		return nil, err
	}
	return res, nil
}

// writeIndex writes the index workbook: one row per template.
func writeIndex(path string, ts []Template, issued []Issued, o Options) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "模板清单"
	f.SetSheetName("Sheet1", sheet)
	headers := []any{"序号", "填报单位", "代报单位", "模板文件", "任务数", "联系人", "联系电话", "电子邮箱", "邮件草稿"}
	if err := f.SetSheetRow(sheet, "A1", &headers); err != nil {
		return err
	}
	for i, t := range ts {
		mail := ""
		if issued[i].EML != "" {
			mail = filepath.Base(issued[i].EML)
		}
		row := []any{i + 1, t.Unit.Name, strings.Join(t.ReportsFor, "、"), filepath.Base(issued[i].Path), len(t.Rows),
			t.Unit.Contact, t.Unit.Phone, t.Unit.Email, mail}
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &row); err != nil {
			return err
		}
	}
	for col, w := range map[string]float64{"A": 6, "B": 30, "C": 30, "D": 48, "E": 8, "F": 10, "G": 16, "H": 26, "I": 40} {
		f.SetColWidth(sheet, col, col, w)
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}})
	f.SetCellStyle(sheet, "A1", "I1", bold)
	f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	f.AutoFilter(sheet, fmt.Sprintf("A1:I%d", len(ts)+1), nil)
	f.SetDocProps(&excelize.DocProperties{Title: o.Period.Chinese() + "模板清单", Creator: "planreport"})
	return plan.SaveWorkbook(f, path)
}

// windowsReserved are file names Windows refuses whatever their extension.
var windowsReserved = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true}

// SafeName turns a unit name into a file name part valid on Windows, macOS and Linux: path
// separators, reserved characters and control characters become "_", leading and trailing
// dots and spaces go, reserved device names get a "_" suffix, and it is cut to 60 characters.
func SafeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || unicode.IsControl(r):
			return '_'
		case strings.ContainsRune(`<>:"/\|?*`, r):
			return '_'
		case r == utf8.RuneError:
			return '_'
		}
		return r
	}, s)
	s = strings.Trim(s, ". ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60])
	}
	if s == "" {
		s = "_"
	}
	if windowsReserved[strings.ToUpper(strings.SplitN(s, ".", 2)[0])] {
		s += "_"
	}
	return s
}
