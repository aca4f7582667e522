package workbook

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"planreport/internal/xlsx"
	"planreport/templates"
)

// add checks a file and adds it, as collect does.
func add(t *testing.T, c *Collection, ctx *Context, name string, data []byte, at time.Time) bool {
	t.Helper()
	r := ctx.Check(name, data, "")
	s := Submission{SHA256: r.SHA256, Name: name, Source: name, Received: at}
	s.SetReport(r)
	added, err := c.Add(s, data)
	if err != nil {
		t.Fatal(err)
	}
	return added
}

func TestCollectionKeepsEveryVersion(t *testing.T) {
	fx := newFixture(t)
	dir := t.TempDir()
	c, err := OpenCollection(dir, q)
	if err != nil {
		t.Fatal(err)
	}
	bad := fx.filled(t, "宝山镇", set(map[string]any{"G2": ""}))
	good := fx.filled(t, "宝山镇", nil)
	later := fx.filled(t, "宝山镇", set(map[string]any{"I2": "又补充了新的进展。"}))
	t0 := time.Date(2023, 7, 3, 9, 0, 0, 0, time.UTC)
	if !add(t, c, fx.ctx, "a.xlsx", bad, t0) || !add(t, c, fx.ctx, "b.xlsx", good, t0.Add(time.Hour)) {
		t.Fatal("not added")
	}
	if add(t, c, fx.ctx, "b-again.xlsx", good, t0.Add(2*time.Hour)) {
		t.Error("an identical file was added twice")
	}
	if s := c.Latest()["宝山镇"]; !s.Accepted || s.Name != "b.xlsx" {
		t.Errorf("latest %s accepted %v, want b.xlsx", s.Name, s.Accepted)
	}
	// A later rejected version does not replace the accepted one; a later accepted one does.
	add(t, c, fx.ctx, "c.xlsx", fx.filled(t, "宝山镇", set(map[string]any{"G3": ""})), t0.Add(3*time.Hour))
	if s := c.Latest()["宝山镇"]; s.Name != "b.xlsx" {
		t.Errorf("latest %s, want b.xlsx", s.Name)
	}
	add(t, c, fx.ctx, "d.xlsx", later, t0.Add(4*time.Hour))
	if s := c.Latest()["宝山镇"]; s.Name != "d.xlsx" {
		t.Errorf("latest %s, want d.xlsx", s.Name)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	// Every version is archived byte for byte.
	for _, s := range c.Submissions {
		data, err := c.ReadArchived(s)
		if err != nil {
			t.Fatal(err)
		}
		if Sum(data) != s.SHA256 {
			t.Errorf("%s archived with another content", s.Name)
		}
	}
	if len(c.Submissions) != 4 {
		t.Errorf("%d submissions, want 4", len(c.Submissions))
	}
	// A tampered archive is noticed.
	path := filepath.Join(dir, filepath.FromSlash(c.Submissions[0].Archive))
	os.WriteFile(path, []byte("changed"), 0o644)
	if _, err := c.ReadArchived(c.Submissions[0]); err == nil {
		t.Error("a changed archive file was read without complaint")
	}
}

// TestCollectionResumesAfterCrash: a run killed after archiving files and before saving the
// record leaves archived files behind; running again gives the same state as a run that was
// never interrupted.
func TestCollectionResumesAfterCrash(t *testing.T) {
	fx := newFixture(t)
	files := map[string][]byte{}
	for _, unit := range []string{"宝山镇", "雁栖镇", "区司法局"} {
		files[unit+".xlsx"] = fx.filled(t, unit, nil)
	}
	files["坏.xlsx"] = fx.filled(t, "龙山街道", set(map[string]any{"G2": "不知道"}))
	at := time.Date(2023, 7, 3, 9, 0, 0, 0, time.UTC)
	runAll := func(dir string, stopAfter int) {
		c, err := OpenCollection(dir, q)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, name := range []string{"宝山镇.xlsx", "雁栖镇.xlsx", "区司法局.xlsx", "坏.xlsx"} {
			if n == stopAfter {
				return // killed: nothing saved
			}
			add(t, c, fx.ctx, name, files[name], at)
			n++
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
	}
	clean := t.TempDir()
	runAll(clean, -1)
	want, _ := os.ReadFile(filepath.Join(clean, StateFile))
	for stop := 0; stop <= 4; stop++ {
		dir := t.TempDir()
		runAll(dir, stop)
		runAll(dir, -1)
		got, _ := os.ReadFile(filepath.Join(dir, StateFile))
		if !bytes.Equal(got, want) {
			t.Errorf("killed after %d files: state differs from an uninterrupted run", stop)
		}
		if a, b := archived(t, dir), archived(t, clean); a != b {
			t.Errorf("killed after %d files: archive %v, want %v", stop, a, b)
		}
	}
}

func archived(t *testing.T, dir string) string {
	var names []string
	filepath.WalkDir(filepath.Join(dir, ArchiveDir), func(path string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			names = append(names, rel)
		}
		return nil
	})
	return filepath.Join(names...)
}

func TestWriteFeedback(t *testing.T) {
	fx := newFixture(t)
	data := fx.filled(t, "宝山镇", set(map[string]any{"G2": "", "H3": "大部分", "I4": "同上", "G5": templates.StatusDone, "H5": 90}))
	r := fx.ctx.Check("宝山镇.xlsx", data, "")
	path := filepath.Join(t.TempDir(), "fb.xlsx")
	if annotated, err := WriteFeedback(path, Submission{Name: "宝山镇.xlsx", Unit: "宝山镇", Findings: r.Findings}, data, "2024-01-12"); err != nil || !annotated {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if first := f.GetSheetList()[0]; first != FeedbackSheet {
		t.Errorf("first sheet %s, want %s", first, FeedbackSheet)
	}
	rows, _ := f.GetRows(FeedbackSheet)
	if len(rows) != 2+len(r.Findings) {
		t.Errorf("%d rows in the list, want %d", len(rows), 2+len(r.Findings))
	}
	// Each row is as tall as its longest text wraps to: clients do not grow rows themselves.
	long := 0
	for i := 2; i < len(rows); i++ {
		hint := rows[i][len(rows[i])-1]
		lines := xlsx.WrappedLines(hint, 50)
		if lines > 1 {
			long++
		}
		if h, _ := f.GetRowHeight(FeedbackSheet, i+1); h < float64(lines)*13.5 {
			t.Errorf("list row %d is %.1f pt high for a hint of %d lines: %q", i+1, h, lines, hint)
		}
	}
	if long == 0 {
		t.Error("no hint in the list wraps: the row heights are not tested")
	}
	comments, _ := f.GetComments(templates.SheetTasks)
	cells := map[string]bool{}
	for _, c := range comments {
		cells[c.Cell] = true
	}
	for _, cell := range []string{"G2", "H3", "I4"} {
		if !cells[cell] {
			t.Errorf("no comment on %s", cell)
		}
		id, _ := f.GetCellStyle(templates.SheetTasks, cell)
		st, _ := f.GetStyle(id)
		if st == nil || len(st.Fill.Color) == 0 || st.Protection == nil || st.Protection.Locked {
			t.Errorf("%s: not highlighted, or no longer unlocked: %+v", cell, st)
		}
	}
	// The unit's own data is still there.
	if v, _ := f.GetCellValue(templates.SheetTasks, "H3"); v != "大部分" {
		t.Errorf("H3 = %q", v)
	}
	// Marks that print in black and white: an error's cell framed, and each row's problems
	// named in the 检查标记 column to the right of the table.
	id, _ := f.GetCellStyle(templates.SheetTasks, "G2")
	if st, _ := f.GetStyle(id); st == nil || len(st.Border) != 4 || st.Border[0].Style != 5 {
		t.Errorf("G2 (an error) is not framed: %+v", st)
	}
	task, _ := f.GetRows(templates.SheetTasks)
	markCol := -1
	for i, h := range task[0] {
		if h == MarkHeader {
			markCol = i
		}
	}
	if markCol != len(task[0])-1 {
		t.Fatalf("no %s column at the table's right: %q", MarkHeader, task[0])
	}
	for row, want := range map[int]string{2: "✖ 完成状态", 3: "✖ 完成进度(%)", 4: "▲ 本期工作进展"} {
		if got := task[row-1][markCol]; !strings.Contains(got, want) {
			t.Errorf("row %d marked %q, want %q", row, got, want)
		}
	}
	// Each listed problem links to its cell; the deadline to send it again is stated; the
	// task sheet's print titles are still its own after the list was put in front of it.
	if !strings.Contains(rows[0][0], "2024年1月12日前") && !strings.Contains(rows[0][0], "2024年1月12日 前") {
		t.Errorf("the list does not state the deadline: %q", rows[0][0])
	}
	for i := 2; i < len(rows); i++ {
		if rows[i][2] == templates.SheetTasks {
			ok, target, _ := f.GetCellHyperLink(FeedbackSheet, fmt.Sprintf("D%d", i+1))
			if !ok || target != "'"+templates.SheetTasks+"'!"+rows[i][3] {
				t.Errorf("list row %d: link %v %q, want to %s", i+1, ok, target, rows[i][3])
			}
		}
	}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" && !strings.HasPrefix(dn.RefersTo, "'"+dn.Scope+"'!") {
			t.Errorf("the print titles of %s refer to %s", dn.Scope, dn.RefersTo)
		}
	}
	titles := 0
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" && dn.Scope == templates.SheetTasks {
			titles++
		}
	}
	if titles != 1 {
		t.Errorf("%s has %d print titles, want 1", templates.SheetTasks, titles)
	}
}

// TestZone: the office's zone is the system's, named as the system names it, and China
// Standard Time when the system sets none.
func TestZone(t *testing.T) {
	for _, c := range []struct {
		name               string
		tz                 string
		set, win, hasLocal bool
		link               string
		want               string // the zone's name
		china              bool   // the zone is Asia/Shanghai, whatever time.Local is
	}{
		{"nothing set", "", false, false, false, "", "Asia/Shanghai", true},
		{"/etc/localtime", "", false, false, true, "/usr/share/zoneinfo/Asia/Shanghai", "Asia/Shanghai", false},
		{"/etc/localtime, UTC", "", false, false, true, "../usr/share/zoneinfo/Etc/UTC", "Etc/UTC", false},
		{"TZ", "Asia/Urumqi", true, false, false, "", "Asia/Urumqi", false},
		{"TZ with a colon", ":Asia/Shanghai", true, false, true, "/usr/share/zoneinfo/Etc/UTC", "Asia/Shanghai", false},
		{"TZ empty", "", true, false, true, "/usr/share/zoneinfo/Etc/UTC", "Asia/Shanghai", true},
		{"TZ no zone", "Beijing", true, false, true, "/usr/share/zoneinfo/Etc/UTC", "Asia/Shanghai", true},
	} {
		loc, name := zoneFrom(c.tz, c.set, c.win, c.hasLocal, c.link)
		if name != c.want || (c.china && loc.String() != "Asia/Shanghai" && loc.String() != "CST") || (!c.china && loc != time.Local) {
			t.Errorf("%s: %v %q, want %q", c.name, loc, name, c.want)
		}
	}
	// Windows names its zone by itself: the name says its offset.
	if _, name := zoneFrom("", false, true, false, ""); !strings.Contains(name, "UTC") {
		t.Errorf("windows: %q", name)
	}
	// A submission is recorded in the office's zone, and on time by the end of the due day there.
	c, err := OpenCollection(t.TempDir(), q)
	if err != nil {
		t.Fatal(err)
	}
	late := time.Date(2023, 7, 9, 0, 30, 0, 0, Zone) // half an hour past the due day, in the office
	c.Add(Submission{Name: "a.xlsx", Unit: "宝山镇", Accepted: true, Received: late.UTC()}, []byte("a"))
	if s := c.Submissions[0]; s.Received.Location() != Zone || StateOf(s, true, "2023-07-08") != Late || StateOf(s, true, "2023-07-09") != OnTime {
		t.Errorf("received %v: %s on 07-08", s.Received, StateOf(s, true, "2023-07-08"))
	}
	if c.Zone != ZoneName {
		t.Errorf("the record's zone %q, want %q", c.Zone, ZoneName)
	}
}
