package main

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"planreport/inbox"
	"planreport/plan"
	"planreport/templates"
	"planreport/workbook"
	"planreport/workspace"
)

// oddUnits renames registry units (the old name kept as an alias, so that the plan's tasks
// still reach them) to names no file may have: paths, separators, reserved device names,
// control and direction characters, NUL, names of 300 characters, and names that are alike
// once made safe (九渡河/镇 and 九渡河\镇; aux and AUX).
var oddUnits = map[string]string{
	"宝山镇":     "../../../宝山镇",
	"龙山街道":    `..\..\龙山街道`,
	"泉河街道":    "CON",
	"怀柔镇":     "PRN.xlsx",
	"雁栖镇":     "aux",
	"庙城镇":     "AUX", // alike aux once made safe, on Windows
	"区司法局":    "NUL",
	"北房镇":     "COM1",
	"杨宋镇":     "LPT1.txt",
	"桥梓镇":     "桥梓\x01\x1f镇",
	"怀北镇":     "怀北镇\u202excod.exe",
	"汤河口镇":    "汤河口镇" + strings.Repeat("很长的名称", 60),
	"渤海镇":     strings.Repeat("𠀀", 300),
	"九渡河镇":    "九渡河/镇",
	"琉璃庙镇":    `九渡河\镇`,
	"长哨营满族乡":  `<>:"|?*乡`,
	"喇叭沟门满族乡": "喇叭\x00沟门乡",
}

// TestOddNames runs templates, collect, status and report with the odd unit names, and with
// received files, zip entries and attachments named with "../", "/", "\", NUL, control
// characters, 300 characters and reserved device names. Every file the commands write is
// inside the workspace with a name Windows accepts; two units whose names are alike get
// their own files; every received file is archived; and no draft gains a header from a unit's
// email address.
func TestOddNames(t *testing.T) {
	ws, p := hardWorkspace(t, func(p *plan.Plan) {
		for i := range p.Units {
			u := &p.Units[i]
			u.Email = fmt.Sprintf("unit%d@example.gov.cn", i)
			if odd, ok := oddUnits[u.Name]; ok {
				u.Aliases = append(u.Aliases, u.Name)
				u.Name = odd
			}
		}
		p.Units[0].Email = "evil@example.gov.cn\nBcc: attacker@evil.example"
		p.Office = plan.Office{Name: "区委依法治区办", Email: "office@example.gov.cn\r\nBcc: attacker@evil.example"}
	})
	// The ledger keeps what a spreadsheet cell can hold and plan import tidies names: leading
	// dots go, control characters and NUL come back as U+FFFD. Find each unit by its alias.
	var renamed []string
	for _, u := range p.Units {
		for _, a := range u.Aliases {
			if _, ok := oddUnits[a]; ok {
				renamed = append(renamed, u.Name)
			}
		}
	}
	sort.Strings(renamed)
	if len(renamed) != len(oddUnits) {
		t.Fatalf("%d of the odd names in the ledger, want %d: %q", len(renamed), len(oddUnits), renamed)
	}

	// Every odd unit but one sends its template back with an empty status in its first row
	// (rejected: feedback and a reply draft); `九渡河\镇` sends nothing (a reminder, with its
	// own template attached).
	at := time.Date(2024, 1, 5, 10, 0, 0, 0, time.Local)
	var sent [][]byte
	files := map[string][]byte{}
	for i, u := range renamed {
		if u == `九渡河\镇` {
			continue
		}
		for v := range 2 {
			data := filledTemplate(t, ws, u, func(f *excelize.File, set cellSetter) {
				set(templates.ColStatus, 0, "")
				set(templates.ColProgress, 0, fmt.Sprintf("第 %d 版。", v+1))
			})
			sent = append(sent, data)
			files[fmt.Sprintf("%d-%02d", v, i)] = data
		}
	}
	odd := []string{"CON.xlsx", "aux", `..\..\evil.xlsx`, "\x01ctl\x7f.xlsx", "lpt1", "trailing.xlsx.", " nul .xlsx", "a\u202excod.exe.xlsx"}
	k := 0
	next := func() []byte {
		keys := make([]string, 0, len(files))
		for key := range files {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		if k >= len(keys) {
			t.Fatal("not enough workbooks to send")
		}
		k++
		return files[keys[k-1]]
	}
	if runtime.GOOS == "windows" {
		odd = nil // such files cannot be made there; zip entries and attachments still carry the names
	}
	for _, name := range odd {
		putInbox(t, ws, name, next(), at)
	}
	long := strings.Repeat("很长的文件名", 50) + ".xlsx" // 300 characters and more: no file system takes it
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for _, name := range []string{"../../../../tmp/evil.xlsx", "/etc/evil.xlsx", `C:\Windows\CON.xlsx`, "a\x00b.xlsx", "ctl\x07\x1b.xlsx",
		long, "NUL.xlsx", "dir/../../LPT1.xlsx", "COM1"} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Flags: 0x800})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(next())
	}
	zw.Close()
	putInbox(t, ws, "names.zip", zb.Bytes(), at)
	var eb bytes.Buffer
	fmt.Fprintf(&eb, "From: unit@example.gov.cn\r\nTo: office@example.gov.cn\r\nDate: Fri, 05 Jan 2024 10:00:00 +0800\r\nSubject: names\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n")
	for _, disp := range []string{
		`attachment; filename="../../evil.xlsx"`,
		`attachment; filename="CON.xlsx"`,
		`attachment; filename="C:\Windows\aux.xlsx"`,
		"attachment; filename*=UTF-8''" + url.PathEscape("a\x00b\n.xlsx"),
		`attachment; filename="` + mime.BEncoding.Encode("UTF-8", long) + `"`,
		`attachment; filename="..."`,
	} {
		fmt.Fprintf(&eb, "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: %s\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n",
			disp, base64.StdEncoding.EncodeToString(next()))
	}
	eb.WriteString("--b--\r\n")
	putInbox(t, ws, "names.eml", eb.Bytes(), at)
	// What is still unsent goes as a plain file.
	for k < len(files) {
		putInbox(t, ws, fmt.Sprintf("rest%d.xlsx", k), next(), at)
	}

	// A file whose name starts with a dot is hidden: not read, but said so.
	out := runOK(t, "collect", "-w", ws, "--period", hardQ4.String(), "--eml")
	if odd != nil && !strings.Contains(out, `..\..\evil.xlsx 是隐藏文件`) {
		t.Errorf("collect does not say it passed over the hidden file:\n%s", out)
	}
	res := readCollectJSON(t, runOK(t, "collect", "-w", ws, "--period", hardQ4.String(), "--json", "--eml"))
	runOK(t, "status", "-w", ws, "--period", hardQ4.String(), "--eml")
	runOK(t, "report", "-w", ws, "--period", hardQ4.String(), "--date", "2024-01-15")
	checkTree(t, ws)
	for _, p := range []string{"/tmp/evil.xlsx", "/etc/evil.xlsx", filepath.Join(filepath.Dir(ws), "evil.xlsx")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written", p)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(ws))
	if len(entries) != 1 {
		t.Errorf("files beside the workspace: %v", entries)
	}

	// Every workbook sent is recorded and archived, whatever its name.
	rec := readRecord(t, ws)
	archived := archivedCopies(t, ws)
	hidden, _ := os.ReadFile(filepath.Join(ws, hardQ4.String(), "收件", `..\..\evil.xlsx`))
	for i, data := range sent {
		if _, ok := archived[workbook.Sum(data)]; !ok && !bytes.Equal(data, hidden) {
			t.Errorf("workbook %d sent was not archived (%d recorded)", i, len(rec.Submissions))
		}
	}
	if t.Failed() {
		for _, s := range rec.Submissions {
			t.Logf("%q from %q: %s %v", s.Name, s.Source, s.Archive, s.Findings[0].Message)
		}
	}
	if len(res.RejectedUnits) != len(renamed)-1 {
		t.Errorf("%d units rejected, want %d: %q", len(res.RejectedUnits), len(renamed)-1, res.RejectedUnits)
	}

	// Each rejected unit has its own feedback workbook and reply draft; the two units whose
	// names are alike too.
	period := filepath.Join(ws, hardQ4.String())
	count := func(dir, suffix string) int {
		es, _ := os.ReadDir(dir)
		n := 0
		for _, e := range es {
			if strings.HasSuffix(e.Name(), suffix) {
				n++
			}
		}
		return n
	}
	if n := count(filepath.Join(period, workspace.FeedbackDir), "_反馈.xlsx"); n != len(renamed)-1 {
		t.Errorf("%d feedback workbooks, want %d", n, len(renamed)-1)
	}
	if n := count(filepath.Join(period, workspace.FeedbackDir, "邮件草稿"), ".eml"); n != len(renamed)-1 {
		t.Errorf("%d reply drafts, want %d", n, len(renamed)-1)
	}

	// `九渡河\镇`'s reminder carries its own template, not 九渡河/镇's.
	var reminder string
	es, _ := os.ReadDir(filepath.Join(period, "催报"))
	for _, e := range es {
		if strings.HasPrefix(e.Name(), "九渡河_镇(2)") {
			reminder = filepath.Join(period, "催报", e.Name())
		}
	}
	if reminder == "" {
		t.Fatalf(`no reminder for 九渡河\镇 among %v`, es)
	}
	items, _, _, err := inbox.Read([]string{reminder}, inbox.Limits{})
	if err != nil || len(items) != 1 {
		t.Fatalf("the reminder's attachment: %v %v", items, err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(items[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	id, ok := templates.ReadIdentity(f)
	f.Close()
	if !ok || id.Unit != `九渡河\镇` {
		t.Errorf(`九渡河\镇's reminder carries the template of %q`, id.Unit)
	}

	// No draft gained a header from an address typed with a line break.
	filepath.WalkDir(ws, func(path string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, ".eml") || strings.Contains(path, "收件") || strings.Contains(path, "原件") {
			return err
		}
		data, _ := os.ReadFile(path)
		head, _, _ := bytes.Cut(data, []byte("\r\n\r\n"))
		for _, line := range strings.Split(string(head), "\r\n") {
			if strings.HasPrefix(strings.ToLower(line), "bcc:") || strings.ContainsAny(line, "\n\r") {
				t.Errorf("%s: header line %q", filepath.Base(path), line)
			}
		}
		return nil
	})
}
