package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"planreport/internal/clienttest"
	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
)

// runOK runs planreport in-process and fails the test on an error.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if err := run(context.Background(), args, &out, &errb); err != nil {
		t.Fatalf("planreport %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// cellsFor fills a whole template the way a careful unit would: overdue tasks not done get
// problems and next steps, every fifth task is done.
func cellsFor(t *templates.Template) []clienttest.Cell {
	var cells []clienttest.Cell
	for i, r := range t.Rows {
		row := i + 2
		status, pct, problems, next := templates.StatusOnTrack, 60, "", ""
		switch {
		case i%5 == 0:
			status, pct = templates.StatusDone, 100
		case r.Overdue:
			status, pct, problems, next = templates.StatusBehind, 70, "涉及部门多，协调难度大。", "下季度完成。"
		case r.Ongoing:
			status = templates.StatusOngoing
		}
		cells = append(cells,
			clienttest.Cell{Sheet: templates.SheetTasks, Cell: fmt.Sprintf("G%d", row), Value: status},
			clienttest.Cell{Sheet: templates.SheetTasks, Cell: fmt.Sprintf("H%d", row), Value: pct},
			clienttest.Cell{Sheet: templates.SheetTasks, Cell: fmt.Sprintf("I%d", row), Value: fmt.Sprintf("本期围绕任务 %s 召开专题会议，制定了工作方案。", r.TaskID)})
		if problems != "" {
			cells = append(cells,
				clienttest.Cell{Sheet: templates.SheetTasks, Cell: fmt.Sprintf("J%d", row), Value: problems},
				clienttest.Cell{Sheet: templates.SheetTasks, Cell: fmt.Sprintf("K%d", row), Value: next})
		}
	}
	return append(cells,
		clienttest.Cell{Sheet: templates.SheetTasks, Cell: t.FillerCell("填报人"), Value: "王芳"},
		clienttest.Cell{Sheet: templates.SheetTasks, Cell: t.FillerCell("联系电话"), Value: "010-69600001"},
		clienttest.Cell{Sheet: templates.SheetTasks, Cell: t.FillerCell("填报日期"), Date: "2024-01-05"})
}

// emlWith wraps workbooks into an email as a Chinese mail client sends it: base64 parts and
// RFC 2047 encoded file names.
func emlWith(from, date string, files map[string][]byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: =?UTF-8?B?%s?= <%s>\r\nTo: office@example.gov.cn\r\nDate: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n",
		base64.StdEncoding.EncodeToString([]byte("填报人")), from, date, mime.BEncoding.Encode("UTF-8", "报送表"))
	fmt.Fprintf(&b, "--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n请查收。\r\n")
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		enc := mime.BEncoding.Encode("UTF-8", n)
		fmt.Fprintf(&b, "--b1\r\nContent-Type: application/octet-stream; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n",
			enc, enc, base64.StdEncoding.EncodeToString(files[n]))
	}
	b.WriteString("--b1--\r\n")
	return b.Bytes()
}

func zipWith(t *testing.T, files map[string][]byte) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for n, data := range files {
		w, err := z.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	z.Close()
	return b.Bytes()
}

func readCollectJSON(t *testing.T, out string) collectJSON {
	t.Helper()
	var res collectJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("collect --json: %v\n%s", err, out)
	}
	return res
}

// TestCollectLibreOffice is the collect cycle with workbooks filled and saved by LibreOffice,
// not by our own writer: arriving as files, in an email and in a zip; one rejected, then
// resubmitted and accepted; and a second run that changes nothing.
func TestCollectLibreOffice(t *testing.T) {
	clienttest.Soffice(t)
	ws := filepath.Join(t.TempDir(), "ws")
	runOK(t, "init", ws)
	runOK(t, "templates", "-w", ws, "--period", "2023Q4", "--due", "2024-01-08")
	p, err := plan.ReadLedger(filepath.Join(ws, "plan.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	q4, _ := plan.ParsePeriod("2023Q4")
	byUnit := map[string]*templates.Template{}
	ts := templates.Build(p, q4, nil)
	for i := range ts {
		byUnit[ts[i].Unit.Name] = &ts[i]
	}
	tpl := func(unit string) string {
		return filepath.Join(ws, "2023Q4", "模板", templates.FileName(q4, unit))
	}
	filled := t.TempDir()
	out := func(name string) string { return filepath.Join(filled, name) }

	// 区司法局's first version leaves 1.1's progress empty and types a wrong status in row 3.
	bad := cellsFor(byUnit["区司法局"])
	for i := range bad {
		switch bad[i].Cell {
		case "I2":
			bad[i].Value = ""
		case "G3":
			bad[i].Value = "差不多了"
		}
	}
	clienttest.Fill(t, []clienttest.File{
		{In: tpl("宝山镇"), Out: out("宝山镇.xlsx"), Cells: cellsFor(byUnit["宝山镇"])},
		{In: tpl("龙山街道"), Out: out("龙山街道.xlsx"), Cells: cellsFor(byUnit["龙山街道"])},
		{In: tpl("区委依法治区委办公室"), Out: out("办公室.xlsx"), Cells: cellsFor(byUnit["区委依法治区委办公室"])},
		{In: tpl("区司法局"), Out: out("司法局-1.xlsx"), Cells: bad},
		{In: tpl("区司法局"), Out: out("司法局-2.xlsx"), Cells: cellsFor(byUnit["区司法局"])},
	})
	read := func(name string) []byte {
		data, err := os.ReadFile(out(name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	inbox := filepath.Join(ws, "2023Q4", "收件")
	os.MkdirAll(inbox, 0o755)
	write := func(name string, data []byte, mod time.Time) {
		path := filepath.Join(inbox, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, mod, mod)
	}
	onTime := time.Date(2024, 1, 5, 10, 0, 0, 0, time.Local)
	write("2023Q4_宝山镇_任务进展报送表.xlsx", read("宝山镇.xlsx"), onTime)
	write("龙山街道.eml", emlWith("ls@example.gov.cn", "Mon, 08 Jan 2024 16:30:00 +0800", map[string][]byte{"龙山街道报送表.xlsx": read("龙山街道.xlsx")}), onTime)
	write("办公室.zip", zipWith(t, map[string][]byte{"办公室/报送表.xlsx": read("办公室.xlsx")}), onTime)
	write("区司法局.xlsx", read("司法局-1.xlsx"), onTime)

	res := readCollectJSON(t, runOK(t, "collect", "-w", ws, "--period", "2023Q4", "--json"))
	if got := strings.Join(res.AcceptedUnits, ","); got != "区委依法治区委办公室,宝山镇,龙山街道" {
		t.Errorf("accepted %s", got)
	}
	if got := strings.Join(res.RejectedUnits, ","); got != "区司法局" {
		t.Errorf("rejected %s", got)
	}
	if len(res.MissingUnits) != 53-4 {
		t.Errorf("%d missing units, want 49", len(res.MissingUnits))
	}
	var rejected collectFileJSON
	for _, f := range res.Files {
		if f.Unit == "区司法局" {
			rejected = f
		}
		if _, err := os.Stat(f.Archive); err != nil {
			t.Errorf("not archived: %v", err)
		}
	}
	wantFindings := map[string]plan.Rule{"I2": workbook.RuleDoneNoText, "G3": workbook.RuleStatusInvalid}
	for _, f := range rejected.Findings {
		if wantFindings[f.Cell] == f.Rule {
			delete(wantFindings, f.Cell)
		}
	}
	if len(wantFindings) != 0 {
		t.Errorf("区司法局: findings %+v lack %v", rejected.Findings, wantFindings)
	}
	if _, err := os.Stat(filepath.Join(ws, "2023Q4", "反馈", "区司法局_反馈.xlsx")); err != nil {
		t.Errorf("no feedback workbook for 区司法局: %v", err)
	}

	// The unit fixes it and sends it again, late.
	write("区司法局-改.xlsx", read("司法局-2.xlsx"), time.Date(2024, 1, 10, 9, 0, 0, 0, time.Local))
	res = readCollectJSON(t, runOK(t, "collect", "-w", ws, "--period", "2023Q4", "--json"))
	if got := strings.Join(res.AcceptedUnits, ","); got != "区司法局,区委依法治区委办公室,宝山镇,龙山街道" || len(res.RejectedUnits) != 0 {
		t.Errorf("after resubmission: accepted %v rejected %v", res.AcceptedUnits, res.RejectedUnits)
	}
	if len(res.Files) != 5 {
		t.Errorf("%d files recorded, want 5 (both versions of 区司法局 kept)", len(res.Files))
	}
	status := runOK(t, "status", "-w", ws, "--period", "2023Q4")
	for _, want := range []string{"按时报送 宝山镇", "逾期报送 区司法局", "未报送 区委编办", "按时报送 龙山街道"} {
		if !strings.Contains(strings.Join(strings.Fields(status), " "), want) {
			t.Errorf("status lacks %q:\n%s", want, status)
		}
	}

	// Running collect again on the same input changes nothing.
	state := filepath.Join(ws, "2023Q4", workbook.StateFile)
	before, _ := os.ReadFile(state)
	res = readCollectJSON(t, runOK(t, "collect", "-w", ws, "--period", "2023Q4", "--json"))
	after, _ := os.ReadFile(state)
	if !bytes.Equal(before, after) {
		t.Error("a second collect on the same input changed the record")
	}
	for _, f := range res.Files {
		if f.New {
			t.Errorf("%s counted as new on the second run", f.Path)
		}
	}

	// The report counts the LibreOffice-filled workbooks.
	var rep struct {
		Units []struct{ Name, Submission string } `json:"units"`
		PDF   string                              `json:"pdf"`
	}
	if err := json.Unmarshal([]byte(runOK(t, "report", "-w", ws, "--period", "2023Q4", "--date", "2024-01-15", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	sub := map[string]string{}
	for _, u := range rep.Units {
		sub[u.Name] = u.Submission
	}
	for unit, want := range map[string]string{"宝山镇": "on_time", "龙山街道": "on_time", "区委依法治区委办公室": "on_time", "区司法局": "late", "区委编办": "missing"} {
		if sub[unit] != want {
			t.Errorf("report: %s %s, want %s", unit, sub[unit], want)
		}
	}
	if _, err := os.Stat(rep.PDF); err != nil {
		t.Error(err)
	}
}
