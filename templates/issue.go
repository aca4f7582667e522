package templates

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/sync/errgroup"

	"planreport/internal/atomicfile"
	"planreport/internal/xlsx"
	"planreport/mailbox"
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
	// Mail holds, with eml, the message to each unit whose template was written (Mail), in
	// order: the drafts hold those with an address; the others (To is empty) are for a send to
	// list as having none.
	Mail []mailbox.Message `json:"-"`
}

// IndexName is the file name of a period's template index workbook.
func IndexName(p plan.Period) string { return p.String() + "_模板清单.xlsx" }

// FileName returns a template's file name: period, unit and purpose, safe on Windows. When
// two units' names are alike once made safe, FileNames tells their files apart.
func FileName(p plan.Period, unit string) string {
	return p.String() + "_" + SafeName(unit) + "_任务进展报送表.xlsx"
}

// FileNames returns the template file names of a period's units, in the order Issue is given
// them (the registry's): as FileName, but a unit whose name is alike an earlier one's once
// made safe (a/b and a\b, or 宝山镇 and 宝山镇. ) gets (2), (3)… after it.
func FileNames(p plan.Period, units []string) map[string]string {
	out := map[string]string{}
	for u, safe := range UnitFileNames(units) {
		out[u] = p.String() + "_" + safe + "_任务进展报送表.xlsx"
	}
	return out
}

// UnitFileNames gives each of units (in registry order) a distinct SafeName for the files
// made for it, compared as Windows and macOS do, ignoring case: a unit whose name is alike an
// earlier one's once made safe gets (2), (3)… after it. The same units give the same names.
func UnitFileNames(units []string) map[string]string {
	out := make(map[string]string, len(units))
	used := map[string]bool{}
	for _, u := range units {
		if _, done := out[u]; done {
			continue
		}
		safe := SafeName(u)
		name := safe
		for k := 2; used[strings.ToLower(name)]; k++ {
			name = fmt.Sprintf("%s(%d)", safe, k)
		}
		used[strings.ToLower(name)] = true
		out[u] = name
	}
	return out
}

// Issue writes every template of ts into dir (created if missing), with an index workbook
// listing unit, file, task count and contact. With eml set it also makes the message to each
// unit (Mail), and writes, into dir/邮件草稿, the draft of each that has an email address. Templates are written in parallel, each
// atomically. The result lists every template, also when some could not be written: the
// error then names them.
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
	units := make([]string, len(ts))
	for i, t := range ts {
		units[i] = t.Unit.Name
	}
	names := FileNames(o.Period, units)
	for i, t := range ts {
		res.Templates[i] = Issued{Unit: t.Unit.Name, Path: filepath.Join(dir, names[t.Unit.Name]), Tasks: len(t.Rows)}
	}
	// One skeleton for the templates with last period's columns, one for those without.
	skeletons := map[bool]*skeleton{}
	for i := range ts {
		if prev := ts[i].hasPrevious(); skeletons[prev] == nil {
			s, err := newSkeleton(o, prev)
			if err != nil {
				return nil, err
			}
			skeletons[prev] = s
		}
	}
	// Every template is tried: one that cannot be written (open in Excel) does not keep the
	// others from being written, and the error names each that failed. They are written
	// aside and put in place together, once all are on disk (atomicfile.Batch); then the
	// drafts of those put in place, likewise.
	errs := make([]error, len(ts)+1)
	mail := make([]*mailbox.Message, len(ts))
	var written atomicfile.Batch
	defer written.Discard()
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range ts {
		g.Go(func() error {
			t, path := &ts[i], res.Templates[i].Path
			data, err := skeletons[t.hasPrevious()].bytes(t)
			if err == nil {
				err = written.WriteBytes(path, data)
			}
			if err != nil {
				errs[i] = fmt.Errorf("生成 %s 的模板：%w", t.Unit.Name, err)
				return nil
			}
			if eml {
				m := Mail(t, path, data, o)
				mail[i] = &m
			}
			return nil
		})
	}
	g.Wait()
	failed := written.Commit()
	for i := range ts {
		if err := failed[res.Templates[i].Path]; err != nil {
			errs[i] = fmt.Errorf("生成 %s 的模板：%w", ts[i].Unit.Name, err)
			mail[i] = nil
		}
	}
	if eml {
		var drafts atomicfile.Batch
		defer drafts.Discard()
		paths := map[string]int{}
		for i, m := range mail {
			if m == nil || m.To == "" {
				continue
			}
			draft := filepath.Join(mailDir, strings.TrimSuffix(filepath.Base(res.Templates[i].Path), ".xlsx")+".eml")
			data, err := mailbox.Draft(*m)
			if err == nil {
				err = drafts.WriteBytes(draft, data)
			}
			if err != nil {
				errs[i], mail[i] = err, nil // a message goes only as its draft says
				continue
			}
			paths[draft] = i
		}
		failed := drafts.Commit()
		for draft, i := range paths {
			if err := failed[draft]; err != nil {
				errs[i], mail[i] = err, nil
				continue
			}
			res.Templates[i].EML = draft
		}
	}
	for _, m := range mail {
		if m != nil {
			res.Mail = append(res.Mail, *m)
		}
	}
	errs[len(ts)] = writeIndex(res.Index, ts, res.Templates, o)
	return res, errors.Join(errs...)
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
	return xlsx.Save(f, path)
}

// windowsReserved are file names Windows refuses whatever their extension (CON.xlsx too).
var windowsReserved = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true,
	"COM0": true, "COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"COM¹": true, "COM²": true, "COM³": true,
	"LPT0": true, "LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
	"LPT¹": true, "LPT²": true, "LPT³": true}

// Bounds of a SafeName: a file name is at most 255 bytes on Linux and macOS and 255 UTF-16
// units on Windows; the names made from a SafeName add a period, a date and hash, or a
// purpose (2023Q4_…_任务进展报送表.xlsx, 20240105-020000_1a2b3c4d_….xlsx) and a temporary
// file's suffix while it is written.
const (
	safeNameRunes = 60
	safeNameBytes = 180
)

// SafeName turns a unit name or a received file's name into a file name part valid on
// Windows, macOS and Linux: path separators, reserved characters and control characters
// become "_", invisible direction and format marks (which can make 报送表‮xslx.exe look like
// 报送表exe.xlsx) go, leading and trailing dots and spaces go, it is cut to 60 characters and
// 180 bytes (a short extension kept), and a device name Windows reserves (CON, com1.txt) gets
// a "_" after it.
func SafeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || unicode.IsControl(r):
			return '_'
		case strings.ContainsRune(`<>:"/\|?*`, r):
			return '_'
		case r == utf8.RuneError:
			return '_'
		case unicode.Is(unicode.Bidi_Control, r), r == 0x200b, r == 0x200c, r == 0x200d, r == 0x2060, r == 0xfeff:
			return -1
		}
		return r
	}, s)
	s = strings.Trim(s, ". ")
	if utf8.RuneCountInString(s) > safeNameRunes || len(s) > safeNameBytes {
		ext := ""
		if i := strings.LastIndexByte(s, '.'); i > 0 && len(s)-i <= 8 && isPlainExt(s[i+1:]) {
			ext = s[i:]
		}
		r := []rune(strings.TrimSuffix(s, ext))
		n := min(len(r), safeNameRunes-len(ext))
		for n > 0 && len(string(r[:n]))+len(ext) > safeNameBytes {
			n--
		}
		s = strings.TrimRight(string(r[:n]), ". ") + ext
		s = strings.Trim(s, ". ")
	}
	if s == "" {
		s = "_"
	}
	base, rest, dotted := strings.Cut(s, ".")
	if windowsReserved[strings.ToUpper(strings.TrimRight(base, " "))] {
		s = base + "_"
		if dotted {
			s += "." + rest
		}
	}
	return s
}

func isPlainExt(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}
