package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"planreport/internal/clienttest"
	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
	"planreport/workspace"
)

// draft is an email draft as read back.
type draft struct {
	To, Subject, Body string
	Attachments       map[string][]byte
}

// readDraft reads an .eml draft: its To address, subject, plain text body and attachments.
func readDraft(t *testing.T, path string) draft {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	d := draft{Attachments: map[string][]byte{}}
	if a, err := mail.ParseAddress(msg.Header.Get("To")); err == nil {
		d.To = a.Address
	}
	dec := new(mime.WordDecoder)
	d.Subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
	b64 := func(r io.Reader) []byte {
		raw, _ := io.ReadAll(r)
		out, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(raw)))
		if err != nil {
			t.Fatalf("%s: base64: %v", path, err)
		}
		return out
	}
	mt, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if mt != "multipart/mixed" {
		d.Body = strings.ReplaceAll(string(b64(msg.Body)), "\r\n", "\n")
		return d
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		if name := p.FileName(); name != "" {
			d.Attachments[name] = b64(p)
		} else {
			d.Body = strings.ReplaceAll(string(b64(p)), "\r\n", "\n")
		}
	}
	return d
}

// TestCollectWhatUnitsSend collects returns made the way units, their spreadsheet, mail and
// zip programs make them (LibreOffice through UNO for the workbooks, Python's email and
// zipfile for the containers, raw bytes for formats we do not read), one unit a case, and
// checks for each: whose it is, its state, the console's line, the reply draft's address,
// text and attachments, and the reminder it gets (none that says nothing arrived).
func TestCollectWhatUnitsSend(t *testing.T) {
	clienttest.Soffice(t)
	addr := map[string]string{}
	ws, p := hardWorkspace(t, func(p *plan.Plan) {
		p.Office = plan.Office{Name: "区委依法治区办", Contact: "赵敏", Phone: "010-69644000", Email: "office@example.gov.cn"}
		for i := range p.Units {
			u := &p.Units[i]
			u.Contact = "联系人" + fmt.Sprint(i)
			u.Email = fmt.Sprintf("u%02d@example.gov.cn", i)
			if u.Name == "桥梓镇" {
				u.Email = "" // no registered address: a reply goes to whoever sent the return
			}
			addr[u.Name] = u.Email
		}
	})
	q3 := hardQ4.Previous()
	runOK(t, "templates", "-w", ws, "--period", q3.String(), "--due", "2023-10-08")

	byUnit := map[string]*templates.Template{}
	ts := templates.Build(p, hardQ4, nil)
	for i := range ts {
		byUnit[ts[i].Unit.Name] = &ts[i]
	}
	tpl := func(period plan.Period, unit string) string {
		var units []string
		for _, tpl := range templates.Build(p, period, nil) {
			units = append(units, tpl.Unit.Name)
		}
		return filepath.Join(ws, period.String(), "模板", templates.FileNames(period, units)[unit])
	}
	made := t.TempDir()
	at := func(name string) string { return filepath.Join(made, name) }
	bad := func(unit string) []clienttest.Cell { // the first task's status is no status word
		cells := cellsFor(byUnit[unit])
		for i := range cells {
			if cells[i].Cell == "G2" {
				cells[i].Value = "差不多了"
			}
		}
		return cells
	}
	// What a retyped form loses: the hidden identification sheet and the document's properties.
	retyped := []map[string]any{{"delete_sheet": map[string]any{"sheet": templates.SheetID}}, {"clear_properties": map[string]any{}}}
	const note = "备注：本项工作经费已落实，相关材料另行报送。"
	clienttest.Fill(t, []clienttest.File{
		// 1. Saved as .ods, LibreOffice's own format; and an .ods saved with a password.
		{In: tpl(hardQ4, "宝山镇"), Out: at("宝山镇.ods"), Cells: cellsFor(byUnit["宝山镇"])},
		{In: tpl(hardQ4, "怀北镇"), Out: at("怀北镇.ods"), Cells: cellsFor(byUnit["怀北镇"]), SavePassword: "123456"},
		// 2. Forwarded by a colleague: one accepted, two rejected.
		{In: tpl(hardQ4, "龙山街道"), Out: at("龙山街道.xlsx"), Cells: cellsFor(byUnit["龙山街道"])},
		{In: tpl(hardQ4, "泉河街道"), Out: at("泉河街道.xlsx"), Cells: bad("泉河街道")},
		{In: tpl(hardQ4, "桥梓镇"), Out: at("桥梓镇.xlsx"), Cells: bad("桥梓镇")},
		// 3. Last period's form retyped into a new workbook, named for last period.
		{In: tpl(q3, "庙城镇"), Out: at("庙城镇.xlsx"), Unprotect: true, Cells: cellsFor(byUnit["庙城镇"]), Ops: retyped},
		// 4. Last period's form as issued.
		{In: tpl(q3, "北房镇"), Out: at("北房镇.xlsx"), Cells: cellsFor(byUnit["北房镇"])},
		// 5. A note row inserted between two tasks.
		{In: tpl(hardQ4, "杨宋镇"), Out: at("杨宋镇.xlsx"), Unprotect: true, Cells: cellsFor(byUnit["杨宋镇"]), Ops: []map[string]any{
			{"insert_row": map[string]any{"sheet": templates.SheetTasks, "row": 4}},
			{"sheet": templates.SheetTasks, "cell": "C4", "value": note},
		}},
		// 6. This period's form retyped, sent from another unit's mailbox.
		{In: tpl(hardQ4, "渤海镇"), Out: at("渤海镇.xlsx"), Unprotect: true, Cells: cellsFor(byUnit["渤海镇"]), Ops: retyped},
	})
	os.WriteFile(at("报送表.xlsb"), []byte("PK\x03\x04 an Excel binary workbook"), 0o644)
	os.WriteFile(at("怀柔镇报送.rar"), []byte("Rar!\x1a\x07\x00"), 0o644)
	unit := func(name, email string) string { return name + " <" + email + ">" }
	const colleague = "同事 <colleague@example.cn>"
	forward := func(subject string) *clienttest.Mail {
		return &clienttest.Mail{From: colleague, To: "office@example.gov.cn", Date: "2024-01-10T09:00:00+08:00", Subject: "转发：" + subject, Body: "转发单位的报送表，请查收。"}
	}
	clienttest.Mails(t, []clienttest.Mail{
		{Out: at("雁栖镇.eml"), From: unit("雁栖镇", addr["雁栖镇"]), To: "office@example.gov.cn", Date: "2024-01-05T10:00:00+08:00", Subject: "报送表",
			Attachments: []clienttest.MailAttachment{{Name: "报送表.xlsb", Path: at("报送表.xlsb")}}},
		{Out: at("龙山街道.eml"), From: unit("龙山街道", addr["龙山街道"]), To: "office@example.gov.cn", Date: "2024-01-08T16:00:00+08:00", Subject: "龙山街道报送表",
			Attachments: []clienttest.MailAttachment{{Name: "2023Q4_龙山街道_任务进展报送表.xlsx", Path: at("龙山街道.xlsx")}}, Forward: forward("龙山街道报送表")},
		{Out: at("泉河街道.eml"), From: "泉河街道 <qh-clerk@163.com>", To: "office@example.gov.cn", Date: "2024-01-07T16:00:00+08:00", Subject: "泉河街道报送表",
			Attachments: []clienttest.MailAttachment{{Name: "2023Q4_泉河街道_任务进展报送表.xlsx", Path: at("泉河街道.xlsx")}}, Forward: forward("泉河街道报送表")},
		{Out: at("桥梓镇.eml"), From: "桥梓镇 <qz-clerk@163.com>", To: "office@example.gov.cn", Date: "2024-01-07T16:00:00+08:00", Subject: "桥梓镇报送表",
			Attachments: []clienttest.MailAttachment{{Name: "2023Q4_桥梓镇_任务进展报送表.xlsx", Path: at("桥梓镇.xlsx")}}, Forward: forward("桥梓镇报送表")},
		{Out: at("渤海镇.eml"), From: unit("汤河口镇", addr["汤河口镇"]), To: "office@example.gov.cn", Date: "2024-01-06T10:00:00+08:00", Subject: "报送表",
			Attachments: []clienttest.MailAttachment{{Name: "渤海镇任务进展.xlsx", Path: at("渤海镇.xlsx")}}},
	}, []clienttest.Zip{
		{Out: at("庙城镇.zip"), Entries: []clienttest.ZipEntry{{Name: "2023Q3_庙城镇_任务进展报送表.xlsx", Path: at("庙城镇.xlsx")}}},
	})
	inbox := map[string]string{
		"2023Q4_宝山镇_任务进展报送表.ods": "宝山镇.ods", "2023Q4_怀北镇_任务进展报送表.ods": "怀北镇.ods", "雁栖镇.eml": "雁栖镇.eml",
		"怀柔镇报送.rar": "怀柔镇报送.rar", "龙山街道.eml": "龙山街道.eml", "泉河街道.eml": "泉河街道.eml", "桥梓镇.eml": "桥梓镇.eml",
		"庙城镇.zip": "庙城镇.zip", "2023Q3_北房镇_任务进展报送表.xlsx": "北房镇.xlsx", "2023Q4_杨宋镇_任务进展报送表.xlsx": "杨宋镇.xlsx",
		"渤海镇.eml": "渤海镇.eml",
	}
	for name, from := range inbox {
		data, err := os.ReadFile(at(from))
		if err != nil {
			t.Fatal(err)
		}
		putInbox(t, ws, name, data, time.Date(2024, 1, 5, 9, 0, 0, 0, workbook.Zone))
	}

	out := runOK(t, "collect", "-w", ws, "--period", hardQ4.String(), "--eml")
	lines := map[string]string{} // unit → its collect line
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 1 && (f[0] == "接收" || f[0] == "退回") {
			lines[f[1]] = l
		}
	}
	rec := readRecord(t, ws)
	subs := map[string]workbook.Submission{}
	for _, s := range rec.Submissions {
		subs[s.Unit] = s
	}
	status := map[string]string{}
	for _, l := range strings.Split(runOK(t, "status", "-w", ws, "--period", hardQ4.String(), "--eml", "--date", "2024-01-11"), "\n") {
		if f := strings.Fields(l); len(f) > 1 {
			status[strings.SplitN(f[1], "（", 2)[0]] = f[0]
		}
	}
	names := workspace.UnitFileNames(p)
	reply := func(unit string) (draft, bool) {
		path := filepath.Join(ws, hardQ4.String(), "反馈", workspace.DraftsDir, names[unit]+"_退回修改.eml")
		if _, err := os.Stat(path); err != nil {
			return draft{}, false
		}
		return readDraft(t, path), true
	}
	reminder := func(unit string) (draft, bool) {
		path := filepath.Join(ws, hardQ4.String(), "催报", names[unit]+"_催报.eml")
		if _, err := os.Stat(path); err != nil {
			return draft{}, false
		}
		return readDraft(t, path), true
	}
	q4Template := func(unit string) (string, []byte) {
		path := tpl(hardQ4, unit)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return filepath.Base(path), data
	}

	for _, c := range []struct {
		name, unit string
		identified string
		state      workbook.State
		line       []string // in the console's line
		rules      []plan.Rule
		replyTo    string   // "" : no reply
		reply      []string // in the reply's subject and body
		template   bool     // the reply and reminder attach this period's template (and no feedback)
	}{
		{name: ".ods, identification kept", unit: "宝山镇", identified: workbook.ByIdentity, state: workbook.OnTime,
			line: []string{"接收  宝山镇  2023Q4_宝山镇_任务进展报送表.ods"}},
		{name: ".ods saved with a password", unit: "怀北镇", identified: workbook.ByFileName, state: workbook.Rejected,
			line: []string{"退回  怀北镇", "设置了打开密码"}, rules: []plan.Rule{workbook.RuleEncrypted},
			replyTo: addr["怀北镇"], reply: []string{"【请重新发送】", "取消密码后另存为 .xlsx", "请按以上提示处理后，重新发送报送表"}},
		{name: "a format not read, from the unit's address", unit: "雁栖镇", identified: workbook.BySender, state: workbook.Rejected,
			line: []string{"退回  雁栖镇  报送表.xlsb", "xlsb 格式"}, rules: []plan.Rule{workbook.RuleUnreadable},
			replyTo: addr["雁栖镇"], reply: []string{"【请重新发送】", "“另存为” .xlsx", "请按以上提示处理后"}},
		{name: "an archive not read, named for the unit", unit: "怀柔镇", identified: workbook.ByFileName, state: workbook.Rejected,
			line: []string{"退回  怀柔镇  怀柔镇报送.rar"}, rules: []plan.Rule{workbook.RuleUnreadable},
			replyTo: addr["怀柔镇"], reply: []string{"【请重新发送】", "rar 压缩文件", "请改用 zip 格式压缩"}},
		{name: "forwarded, sent on time", unit: "龙山街道", identified: workbook.ByIdentity, state: workbook.OnTime,
			line: []string{"接收  龙山街道", "由 colleague@example.cn 转发；原邮件 " + workbook.OfficeTime(time.Date(2024, 1, 8, 16, 0, 0, 0, time.FixedZone("", 8*3600))) + " 发出"}},
		{name: "forwarded, rejected", unit: "泉河街道", identified: workbook.ByIdentity, state: workbook.Rejected,
			line: []string{"退回  泉河街道", "由 colleague@example.cn 转发"}, rules: []plan.Rule{workbook.RuleStatusInvalid},
			replyTo: addr["泉河街道"], reply: []string{"【请修改后重新报送】", "「任务进展」G2", "问题单元格已标红", "“检查标记”列", "前重新报送"}},
		{name: "forwarded, rejected, no registered address", unit: "桥梓镇", identified: workbook.ByIdentity, state: workbook.Rejected,
			rules: []plan.Rule{workbook.RuleStatusInvalid}, replyTo: "qz-clerk@163.com", reply: []string{"【请修改后重新报送】"}},
		{name: "last period's form retyped", unit: "庙城镇", identified: workbook.ByFileName, state: workbook.Rejected,
			line:  []string{"退回  庙城镇  2023Q3_庙城镇_任务进展报送表.xlsx", "文件名“2023Q3_庙城镇_任务进展报送表.xlsx”写的是2023年第三季度"},
			rules: []plan.Rule{workbook.RuleGuessed, workbook.RuleOtherPeriod, workbook.RuleOtherPeriod}, replyTo: addr["庙城镇"],
			reply: []string{"【请用本期报送表重新填报】", "把填报内容逐项复制到这份表中", "不要在原表上修改"}, template: true},
		{name: "last period's form", unit: "北房镇", identified: workbook.ByIdentity, state: workbook.Rejected,
			rules: []plan.Rule{workbook.RuleOtherPeriod}, replyTo: addr["北房镇"],
			reply: []string{"【请用本期报送表重新填报】", "这是2023年第三季度的报送表", "把填报内容逐项复制到这份表中"}, template: true},
		{name: "a note row", unit: "杨宋镇", identified: workbook.ByIdentity, state: workbook.OnTime,
			line: []string{"接收  杨宋镇", "1 条提醒：第 4 行为备注"}, rules: []plan.Rule{workbook.RuleNoteRow}},
		{name: "retyped, from another unit's mailbox", unit: "渤海镇", identified: workbook.ByFileName, state: workbook.OnTime,
			line:  []string{"接收  渤海镇  渤海镇任务进展.xlsx（2 条提醒：按文件名识别；由汤河口镇邮箱发来）"},
			rules: []plan.Rule{workbook.RuleGuessed, workbook.RuleOtherSender}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, ok := subs[c.unit]
			if !ok {
				t.Fatalf("no return recorded for %s:\n%s", c.unit, out)
			}
			var rules []plan.Rule
			for _, f := range s.Findings {
				if f.Rule != workbook.RuleFillerMissing {
					rules = append(rules, f.Rule)
				}
			}
			if s.Identified != c.identified || fmt.Sprint(rules) != fmt.Sprint(c.rules) {
				t.Errorf("identified by %q, rules %v; want %q, %v\n%+v", s.Identified, rules, c.identified, c.rules, s.Findings)
			}
			if got := status[c.unit]; got != c.state.Chinese() {
				t.Errorf("status %q, want %q", got, c.state.Chinese())
			}
			for _, want := range c.line {
				if !strings.Contains(lines[c.unit], want) {
					t.Errorf("collect's line %q lacks %q", lines[c.unit], want)
				}
			}
			d, replied := reply(c.unit)
			switch {
			case c.replyTo == "" && replied:
				t.Errorf("a reply to an accepted return: %+v", d)
			case c.replyTo != "" && !replied:
				t.Errorf("no reply draft")
			case replied:
				text := d.Subject + "\n" + d.Body
				if d.To != c.replyTo {
					t.Errorf("reply to %q, want %q", d.To, c.replyTo)
				}
				for _, want := range c.reply {
					if !strings.Contains(text, want) {
						t.Errorf("the reply lacks %q:\n%s", want, text)
					}
				}
				for _, wrong := range []string{"不要压缩或加密", "请在原报送表中修改", "colleague@example.cn", ws} {
					if strings.Contains(text, wrong) {
						t.Errorf("the reply says %q:\n%s", wrong, text)
					}
				}
				checkAttachments(t, "reply", d, c.template, q4Template, c.unit, s)
			}
			r, reminded := reminder(c.unit)
			switch {
			case c.state == workbook.Rejected && !reminded && addr[c.unit] != "":
				t.Errorf("no reminder for a unit whose return was not accepted")
			case c.state != workbook.Rejected && reminded:
				t.Errorf("a reminder to a unit whose return was accepted: %s", r.Subject)
			case reminded:
				if strings.Contains(r.Body, "尚未收到") || !strings.Contains(r.Body, "尚未通过检查") || !strings.Contains(r.Body, s.Name) {
					t.Errorf("the reminder does not say its return was not accepted:\n%s", r.Body)
				}
				if d, ok := reply(c.unit); ok && !strings.Contains(r.Body, strings.SplitN(d.Body, "\n\n", 4)[2]) {
					t.Errorf("the reminder does not list the reply's problems:\n%s\nreply:\n%s", r.Body, d.Body)
				}
				// The reminder attaches what the reply did: the template to redo it on, or the
				// feedback workbook that marks its problems.
				checkAttachments(t, "reminder", r, c.template, q4Template, c.unit, s)
			}
		})
	}

	// The forward is recorded; the record keeps the unit's note and its 填报日期, and its zone.
	if s := subs["龙山街道"]; s.Sender != addr["龙山街道"] || s.Forwarder != "colleague@example.cn" ||
		!s.Received.Equal(time.Date(2024, 1, 8, 16, 0, 0, 0, time.FixedZone("", 8*3600))) || !s.Forwarded.Equal(time.Date(2024, 1, 10, 9, 0, 0, 0, time.FixedZone("", 8*3600))) {
		t.Errorf("forwarded: sender %q forwarder %q received %v forwarded %v", s.Sender, s.Forwarder, s.Received, s.Forwarded)
	}
	if s := subs["杨宋镇"]; len(s.Notes) != 1 || s.Notes[0] != (workbook.Note{Task: byUnit["杨宋镇"].Rows[1].TaskID, Row: 4, Text: note}) || s.Filled != "2024-01-05" {
		t.Errorf("note %+v, 填报日期 %q", s.Notes, s.Filled)
	}
	if rec.Zone != workbook.ZoneName || rec.Zone == "" {
		t.Errorf("the record's zone %q, want %q", rec.Zone, workbook.ZoneName)
	}
	// A unit that sent nothing is told so, with its template.
	if r, ok := reminder("区司法局"); !ok || !strings.Contains(r.Body, "尚未收到") || len(r.Attachments) != 1 {
		t.Errorf("a unit that sent nothing: %+v", r)
	}
}

// checkAttachments checks what a letter about unit's rejected return s attaches: this period's
// template (and nothing else) when template, else at most its feedback workbook, and never
// the returned workbook itself.
func checkAttachments(t *testing.T, what string, d draft, template bool, q4Template func(string) (string, []byte), unit string, s workbook.Submission) {
	t.Helper()
	if template {
		name, data := q4Template(unit)
		if len(d.Attachments) != 1 || !bytes.Equal(d.Attachments[name], data) {
			t.Errorf("the %s attaches %d files, not this period's template %s", what, len(d.Attachments), name)
		}
		if !strings.Contains(d.Body, name) {
			t.Errorf("the %s does not name the template %s", what, name)
		}
		return
	}
	for name, data := range d.Attachments {
		if workbook.Sum(data) == s.SHA256 {
			t.Errorf("the %s attaches the returned file itself (%s)", what, name)
		}
		if !strings.HasSuffix(name, "_反馈.xlsx") {
			t.Errorf("the %s attaches %s", what, name)
			continue
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if f.GetSheetList()[0] != workbook.FeedbackSheet {
			t.Errorf("%s: the first sheet is %s", name, f.GetSheetList()[0])
		}
		f.Close()
	}
}
