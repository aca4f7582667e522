package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"planreport/internal/hostile"
	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
	"planreport/workspace"
)

// longProgress is a 32,767-character progress text (Excel's limit for a cell), marked at both
// ends, with a distinctive phrase repeated in it.
func longProgress() (text, unit string, units int) {
	const start, end = "【开头】", "【结尾】"
	unit = "本期围绕任务召开专题会议，制定工作方案并推进落实。"
	n := 32767 - utf8.RuneCountInString(start+end)
	body := []rune(strings.Repeat(unit, n/utf8.RuneCountInString(unit)+1))[:n]
	return start + string(body) + end, unit, n / utf8.RuneCountInString(unit)
}

// TestCollectHostile sends the hostile workbooks (XML bombs, a zip bomb, a million empty
// rows, 16,384 columns, a 32,767-character cell) as files, inside a .zip and attached to an
// .eml, with a zip bomb as an archive and as an attachment, an email of 1000 nested
// multiparts and one cut off in the middle, beside good workbooks. collect
// finishes within bounded memory and time; every file is archived byte for byte and recorded
// with what was found, each refusal a Chinese message naming the file; the good workbooks are
// accepted; report carries the long text whole into its workbook and its PDF; and every file
// written has a name Windows accepts.
func TestCollectHostile(t *testing.T) {
	ws, _ := hardWorkspace(t, nil)
	must := func(data []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	long, phrase, _ := longProgress()
	good := filledTemplate(t, ws, "龙山街道", nil)
	longBook := filledTemplate(t, ws, "区委编办", func(f *excelize.File, set cellSetter) { set(templates.ColProgress, 0, long) })
	base := filledTemplate(t, ws, "宝山镇", nil)
	marked := filledTemplate(t, ws, "宝山镇", func(f *excelize.File, set cellSetter) { set(templates.ColProgress, 0, "BOMB-MARKER") })
	rows, err := excelize.OpenReader(bytes.NewReader(base))
	if err != nil {
		t.Fatal(err)
	}
	taskRows, _ := rows.GetRows(templates.SheetTasks)
	rows.Close()
	sheet := templates.SheetTasks
	books := map[string][]byte{
		"sst-bomb.xlsx":     must(hostile.SharedStringsBomb(marked, "BOMB-MARKER", 9)),
		"sheet-bomb.xlsx":   must(hostile.SheetBomb(base, sheet, "I2", 9)),
		"zip-bomb.xlsx":     must(hostile.ZipBomb(base, sheet, 256)),
		"million-rows.xlsx": must(hostile.EmptyRows(base, sheet, len(taskRows), 1_000_000)),
		"xfd.xlsx":          must(hostile.WideRow(base, sheet, 13)),
	}
	archiveBomb := must(hostile.RatioBomb("宝山镇/报送表.xlsx", 300))
	deepBook := filledTemplate(t, ws, "泉河街道", nil)
	cutBook := filledTemplate(t, ws, "怀柔镇", nil)
	at := time.Date(2024, 1, 5, 10, 0, 0, 0, time.Local)
	for name, data := range books {
		putInbox(t, ws, name, data, at)
	}
	putInbox(t, ws, "龙山街道.xlsx", good, at)
	putInbox(t, ws, "区委编办.xlsx", longBook, at)
	// The same kinds again, other bytes (a file received twice is recorded once), in a zip
	// and attached to an email.
	other := filledTemplate(t, ws, "宝山镇", func(f *excelize.File, set cellSetter) { set(templates.ColProgress, 1, "OTHER-MARKER") })
	otherMarked := filledTemplate(t, ws, "宝山镇", func(f *excelize.File, set cellSetter) {
		set(templates.ColProgress, 0, "BOMB-MARKER")
		set(templates.ColProgress, 1, "OTHER-MARKER")
	})
	wrapped := map[string][]byte{
		"zip-bomb-2.xlsx":     must(hostile.ZipBomb(marked, sheet, 256)),
		"zip-bomb-3.xlsx":     must(hostile.ZipBomb(other, sheet, 256)),
		"sst-bomb-2.xlsx":     must(hostile.SharedStringsBomb(otherMarked, "BOMB-MARKER", 9)),
		"million-rows-2.xlsx": must(hostile.EmptyRows(other, sheet, len(taskRows), 1_000_000)),
	}
	putInbox(t, ws, "打包.zip", zipWith(t, map[string][]byte{"宝山镇/zip-bomb-2.xlsx": wrapped["zip-bomb-2.xlsx"], "宝山镇/sheet-bomb.xlsx": books["sheet-bomb.xlsx"]}), at)
	putInbox(t, ws, "邮件.eml", emlWith("bs@example.gov.cn", "Fri, 05 Jan 2024 10:00:00 +0800",
		map[string][]byte{"sst-bomb-2.xlsx": wrapped["sst-bomb-2.xlsx"], "million-rows-2.xlsx": wrapped["million-rows-2.xlsx"], "zip-bomb-3.xlsx": wrapped["zip-bomb-3.xlsx"]}), at)
	putInbox(t, ws, "炸弹.zip", archiveBomb, at)
	// 1000 multiparts inside each other, a good workbook at the top; and a message cut off in
	// the middle of its attachment.
	deep := "--b0\r\nContent-Type: application/octet-stream; name=\"深层.xlsx\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString(deepBook) + "\r\n"
	nested := "Content-Type: text/plain\r\n\r\nbottom\r\n"
	for i := 1000; i > 0; i-- {
		nested = fmt.Sprintf("Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n%s--b%d--\r\n", i, i, nested, i)
	}
	putInbox(t, ws, "深层嵌套.eml", []byte("From: deep@example.gov.cn\r\nDate: Fri, 05 Jan 2024 12:00:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n"+
		deep+"--b0\r\n"+nested+"--b0--\r\n"), at)
	cut := emlWith("cut@example.gov.cn", "Fri, 05 Jan 2024 12:00:00 +0800", map[string][]byte{"截断.xlsx": cutBook})
	putInbox(t, ws, "截断.eml", cut[:len(cut)*2/3], at)
	putInbox(t, ws, "炸弹邮件.eml", emlWith("bs@example.gov.cn", "Fri, 05 Jan 2024 11:00:00 +0800", map[string][]byte{"附件.zip": archiveBomb}), at)

	var out string
	u := hostile.Measure(func() { out = runOK(t, "collect", "-w", ws, "--period", hardQ4.String(), "--json", "--eml") })
	t.Logf("collect: %v", u)
	if u.Peak > 256<<20 || u.Elapsed > 60*time.Second {
		t.Errorf("collect took %v, want at most 256 MiB and 60 s", u)
	}
	res := readCollectJSON(t, out)
	if !contains(res.AcceptedUnits, "龙山街道") || !contains(res.AcceptedUnits, "区委编办") || !contains(res.AcceptedUnits, "宝山镇") {
		t.Errorf("accepted units %v, want 龙山街道, 区委编办 and 宝山镇 among them", res.AcceptedUnits)
	}

	// Every workbook sent is recorded and archived byte for byte.
	rec := readRecord(t, ws)
	archived := archivedCopies(t, ws)
	bySum := map[string][]workbook.Submission{}
	for _, s := range rec.Submissions {
		bySum[s.SHA256] = append(bySum[s.SHA256], s)
	}
	sent := map[string][]byte{"龙山街道.xlsx": good, "区委编办.xlsx": longBook, "深层.xlsx": deepBook}
	for _, m := range []map[string][]byte{books, wrapped} {
		for name, data := range m {
			sent[name] = data
		}
	}
	for name, data := range sent {
		sum := workbook.Sum(data)
		if len(bySum[sum]) != 1 {
			t.Errorf("%s: recorded %d times, want once", name, len(bySum[sum]))
		}
		if _, ok := archived[sum]; !ok {
			t.Errorf("%s: not archived", name)
		}
	}
	// The finding names the file as its sender knows it; the record says where it was.
	for _, want := range []struct{ message, source string }{{"深层嵌套.eml 的结构嵌套过深", "深层嵌套.eml"}, {"截断.xlsx 不完整", "截断.eml"}} {
		found := false
		for _, s := range rec.Submissions {
			for _, f := range s.Findings {
				found = found || f.Rule == workbook.RuleUnreadable && strings.Contains(f.Message, want.message) && strings.Contains(s.Source, want.source)
			}
		}
		if !found {
			t.Errorf("no finding says %q about a file from %s", want.message, want.source)
		}
	}
	for _, c := range []string{"打包.zip", "邮件.eml", "炸弹.zip", "炸弹邮件.eml", "深层嵌套.eml", "截断.eml"} {
		data, _ := os.ReadFile(filepath.Join(ws, hardQ4.String(), "收件", c))
		if _, ok := archived[workbook.Sum(data)]; !ok {
			t.Errorf("%s: the original is not archived", c)
		}
	}

	// What was found, in Chinese, naming the file.
	finding := func(name string, rule plan.Rule) *plan.Finding {
		for _, s := range rec.Submissions {
			if s.Name != name {
				continue
			}
			for i, f := range s.Findings {
				if f.Rule == rule {
					return &s.Findings[i]
				}
			}
		}
		return nil
	}
	for _, name := range []string{"zip-bomb.xlsx", "zip-bomb-2.xlsx", "zip-bomb-3.xlsx"} {
		f := finding(name, workbook.RuleZipBomb)
		if f == nil || f.File != name || !strings.Contains(f.Message, "解压后过大") {
			t.Errorf("%s: finding %+v, want %s naming the file", name, f, workbook.RuleZipBomb)
		}
	}
	bombs := 0
	for _, s := range rec.Submissions {
		for _, f := range s.Findings {
			if f.Rule == workbook.RuleUnreadable && strings.Contains(f.Message, "压缩炸弹") {
				bombs++
				if !strings.Contains(f.Message, "炸弹.zip") && !strings.Contains(f.Message, "附件.zip") {
					t.Errorf("a zip bomb's message does not name its archive: %s", f.Message)
				}
			}
		}
	}
	if bombs != 2 {
		t.Errorf("%d archive bombs reported, want 2 (炸弹.zip and 炸弹邮件.eml's 附件.zip)", bombs)
	}
	for _, name := range []string{"million-rows.xlsx", "million-rows-2.xlsx", "xfd.xlsx", "区委编办.xlsx"} {
		for _, s := range rec.Submissions {
			if s.Name == name && !s.Accepted {
				t.Errorf("%s rejected: %v", name, s.Findings)
			}
		}
	}
	for _, name := range []string{"sst-bomb.xlsx", "sheet-bomb.xlsx", "sst-bomb-2.xlsx"} {
		f := finding(name, workbook.RuleCorrupt)
		if f == nil || f.File != name || !strings.Contains(f.Message, "实体") {
			t.Errorf("%s: finding %+v, want %s saying 实体", name, f, workbook.RuleCorrupt)
		}
	}

	// The findings workbook lists the zip bomb by file name.
	fw, err := excelize.OpenFile(filepath.Join(ws, hardQ4.String(), workspace.FindingsName))
	if err != nil {
		t.Fatal(err)
	}
	frows, _ := fw.GetRows("检查结果")
	fw.Close()
	listed := false
	for _, r := range frows {
		listed = listed || len(r) > 10 && r[1] == "zip-bomb.xlsx" && strings.Contains(r[10], "解压后过大")
	}
	if !listed {
		t.Error("检查结果.xlsx does not list zip-bomb.xlsx")
	}

	// The report: the long text whole in the workbook, and in the PDF over pages.
	var rep struct{ PDF, XLSX string }
	u = hostile.Measure(func() {
		readJSON(t, runOK(t, "report", "-w", ws, "--period", hardQ4.String(), "--date", "2024-01-15", "--json"), &rep)
	})
	t.Logf("report: %v", u)
	if u.Peak > 256<<20 || u.Elapsed > 60*time.Second {
		t.Errorf("report took %v", u)
	}
	rf, err := excelize.OpenFile(rep.XLSX)
	if err != nil {
		t.Fatal(err)
	}
	drows, _ := rf.GetRows("明细")
	rf.Close()
	whole := false
	for _, r := range drows {
		for _, v := range r {
			whole = whole || v == long
		}
	}
	if !whole {
		t.Error("the report workbook's 明细 does not hold 区委编办's 32,767-character progress whole")
	}
	pdf, err := os.ReadFile(rep.PDF)
	if err != nil {
		t.Fatal(err)
	}
	checkPDF(t, rep.PDF, pdf)
	// The brief quotes no unit's progress (the workbook holds it): the long text leaves the
	// brief as short as ever.
	text := strings.Join(strings.Fields(pdfTextOf(t, rep.PDF)), "")
	if pages := bytes.Count(pdf, []byte("/Type /Page\n")); pages > 30 || strings.Count(text, phrase) > 1 {
		t.Errorf("the PDF has %d pages and shows the long progress's phrase %d times", pages, strings.Count(text, phrase))
	}
	checkTree(t, ws)
}

// checkPDF fails the test unless data is a whole PDF.
func checkPDF(t *testing.T, name string, data []byte) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(data), []byte("%%EOF")) {
		t.Errorf("%s is not a whole PDF", name)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestCollectManyFindings: a workbook with 100,000 rows that are not tasks (each one a
// finding; the first few are taken as notes) is rejected with fifty of them listed and one
// that counts the rest: the record, the findings workbook and the feedback list stay small.
func TestCollectManyFindings(t *testing.T) {
	ws, _ := hardWorkspace(t, nil)
	base := filledTemplate(t, ws, "宝山镇", nil)
	rows, err := excelize.OpenReader(bytes.NewReader(base))
	if err != nil {
		t.Fatal(err)
	}
	taskRows, _ := rows.GetRows(templates.SheetTasks)
	rows.Close()
	data, err := hostile.TextRows(base, templates.SheetTasks, len(taskRows), 100_000)
	if err != nil {
		t.Fatal(err)
	}
	putInbox(t, ws, "多余的行.xlsx", data, time.Date(2024, 1, 5, 10, 0, 0, 0, time.Local))
	u := hostile.Measure(func() { runOK(t, "collect", "-w", ws, "--period", hardQ4.String(), "--eml") })
	t.Logf("collect: %v", u)
	rec := readRecord(t, ws)
	if len(rec.Submissions) != 1 || rec.Submissions[0].Accepted {
		t.Fatalf("record: %d submissions", len(rec.Submissions))
	}
	fs := rec.Submissions[0].Findings
	notes := 0
	for _, f := range fs {
		if f.Rule == workbook.RuleTooMany && f.Severity == plan.Error && strings.Contains(f.Message, fmt.Sprintf("另有 %d 处同类问题", 100_000-workbook.MaxNoteRows-workbook.MaxFindingsPerRule)) {
			notes++
		}
	}
	if len(fs) > workbook.MaxFindings || notes != 1 {
		t.Errorf("%d findings recorded, %d saying how many more", len(fs), notes)
	}
	for _, name := range []string{workbook.StateFile, workspace.FindingsName, filepath.Join(workspace.FeedbackDir, "宝山镇_反馈.xlsx")} {
		st, err := os.Stat(filepath.Join(ws, hardQ4.String(), name))
		if err != nil {
			t.Error(err)
		} else if st.Size() > 1<<20 {
			t.Errorf("%s: %d bytes", name, st.Size())
		}
	}
}
