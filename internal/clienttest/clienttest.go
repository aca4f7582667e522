// Package clienttest lets tests check our workbooks with real spreadsheet clients rather
// than only our own reader: LibreOffice (driven through UNO by lofill.py) and openpyxl, both
// from Debian's packages; and lets them build emails and zip archives with Python's own
// email and zipfile packages (mail.py). A test that needs a client skips, with a message naming the
// package to install, when it is missing, and fails instead when CI is set (.ci/run installs
// them).
package clienttest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// Python is Debian's python3, which has python3-openpyxl and python3-uno.
const Python = "/usr/bin/python3"

func missing(t testing.TB, what, install string) {
	t.Helper()
	Missing(t, fmt.Sprintf("%s is not installed (%s)", what, install))
}

// Missing skips a test that cannot run here, with a "SKIPPED:" line saying why, or fails it
// when CI is set: CI installs everything the tests need.
func Missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("required in CI: %s", why)
	}
	t.Skipf("SKIPPED: %s", why)
}

// Openpyxl returns the python interpreter with openpyxl, or skips the test.
func Openpyxl(t testing.TB) string {
	t.Helper()
	if out, err := exec.Command(Python, "-c", "import openpyxl").CombinedOutput(); err != nil {
		missing(t, "openpyxl for "+Python+" ("+strings.TrimSpace(string(out))+")", "apt-get install python3-openpyxl")
	}
	return Python
}

// Soffice returns LibreOffice's soffice, or skips the test.
func Soffice(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("soffice")
	if err != nil {
		missing(t, "LibreOffice (soffice)", "apt-get install libreoffice-calc-nogui")
	}
	return path
}

// Resave opens a workbook in LibreOffice and saves it as .xlsx into dir, as a unit that opens
// and saves the file would; it returns the new file's path.
func Resave(t testing.TB, path, dir string) string {
	t.Helper()
	return Convert(t, path, dir, "xlsx")
}

// filters are LibreOffice's export filters by the extension they write.
var filters = map[string]string{"xlsx": "Calc MS Excel 2007 XML", "ods": "calc8"}

// Convert opens a workbook in LibreOffice and saves it into dir in the format of ext ("xlsx"
// or "ods", LibreOffice's own format, as a unit that picks it when saving would); it returns
// the new file's path.
func Convert(t testing.TB, path, dir, ext string) string {
	t.Helper()
	soffice := Soffice(t)
	filter, ok := filters[ext]
	if !ok {
		t.Fatalf("clienttest.Convert: no filter for %q", ext)
	}
	cmd := exec.Command(soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+t.TempDir(),
		"--convert-to", ext+":"+filter, "--outdir", dir, path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("LibreOffice could not save %s: %v\n%s", path, err, out)
	}
	out := filepath.Join(dir, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+"."+ext)
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("LibreOffice wrote no %s", out)
	}
	return out
}

// Cell is one cell to set: Value (string or number), Formula or Date (YYYY-MM-DD).
type Cell struct {
	Sheet   string `json:"sheet"`
	Cell    string `json:"cell"`
	Value   any    `json:"value,omitempty"`
	Formula string `json:"formula,omitempty"`
	Date    string `json:"date,omitempty"`
}

// File is one workbook for Fill: In is filled and saved as Out, in the format Out's extension
// names (.xlsx, or .ods as LibreOffice's own format). Ops are lofill.py's
// structural operations (rename_sheet, delete_rows, insert_row), applied after Cells.
type File struct {
	In           string           `json:"in"`
	Out          string           `json:"out"`
	Unprotect    bool             `json:"unprotect"`
	Password     string           `json:"password,omitempty"`      // to unprotect and protect sheets
	SavePassword string           `json:"save_password,omitempty"` // saves the file with a password to open it
	Cells        []Cell           `json:"cells"`
	Ops          []map[string]any `json:"ops,omitempty"`
}

// Fill fills and saves workbooks with LibreOffice, all in one LibreOffice session.
func Fill(t testing.TB, files []File) {
	t.Helper()
	Soffice(t)
	if err := exec.Command(Python, "-c", "import uno").Run(); err != nil {
		missing(t, "python3-uno for "+Python, "apt-get install python3-uno")
	}
	runScript(t, "lofill.py", map[string]any{"files": files, "timeout": 600})
}

// runScript runs one of this package's Python scripts on a job, written as JSON.
func runScript(t testing.TB, script string, job any) {
	t.Helper()
	data, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	jobPath := filepath.Join(t.TempDir(), "job.json")
	if err := os.WriteFile(jobPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, self, _, _ := runtime.Caller(0)
	if out, err := exec.Command(Python, filepath.Join(filepath.Dir(self), script), jobPath).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
}

// Mail is one email for Mails to build: From, To (as headers, display names allowed), Date
// (RFC 3339), Subject, Body and attachments (name and file). Forward, when not nil, forwards
// the message as an attachment of another (message/rfc822), as mail clients do.
type Mail struct {
	Out         string           `json:"out"`
	From        string           `json:"from"`
	To          string           `json:"to"`
	Date        string           `json:"date"`
	Subject     string           `json:"subject"`
	Body        string           `json:"body"`
	Attachments []MailAttachment `json:"attachments,omitempty"`
	Forward     *Mail            `json:"forward,omitempty"`
}

// MailAttachment is a file attached to a Mail, under Name.
type MailAttachment struct {
	Name string `json:"name"`
	Path string `json:"path"`
	Type string `json:"type,omitempty"` // the content type; "" guesses it from Name
}

// Zip is one archive for Mails to build with Python's zipfile: entries by name, from files.
type Zip struct {
	Out     string     `json:"out"`
	Entries []ZipEntry `json:"entries"`
}

// ZipEntry is one file in a Zip.
type ZipEntry struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

// Mails builds emails and zip archives with Python's email and zipfile packages (mail.py),
// as a client other than our own code makes them.
func Mails(t testing.TB, mails []Mail, zips []Zip) {
	t.Helper()
	if _, err := os.Stat(Python); err != nil {
		missing(t, Python, "apt-get install python3")
	}
	runScript(t, "mail.py", map[string]any{"mails": mails, "zips": zips})
}

// Chromium returns Debian's chromium, for tests that drive a real browser, or skips the test.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	missing(t, "chromium", "apt-get install chromium fonts-noto-cjk")
	return ""
}

// ToPDF prints a document (.docx, .xlsx) to PDF with LibreOffice, as it would print on paper,
// into dir; it returns the PDF's path. A .docx needs LibreOffice Writer, which is a package of
// its own.
func ToPDF(t testing.TB, path, dir string) string {
	t.Helper()
	soffice := Soffice(t)
	cmd := exec.Command(soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+t.TempDir(),
		"--convert-to", "pdf", "--outdir", dir, path)
	out, err := cmd.CombinedOutput()
	pdf := filepath.Join(dir, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+".pdf")
	if _, serr := os.Stat(pdf); err != nil || serr != nil {
		if strings.Contains(string(out), "source file could not be loaded") && strings.HasSuffix(path, ".docx") {
			missing(t, "LibreOffice Writer", "apt-get install libreoffice-writer-nogui")
		}
		t.Fatalf("LibreOffice could not print %s: %v\n%s", path, err, out)
	}
	return pdf
}

// PDFText is a PDF's text as poppler's pdftotext gives it, with its options (-raw, -layout,
// -f 2…); the test skips without poppler-utils.
func PDFText(t testing.TB, path string, options ...string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		missing(t, "pdftotext", "apt-get install poppler-utils")
	}
	out, err := exec.Command(bin, append(append([]string{"-enc", "UTF-8"}, options...), path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

var wordBox = regexp.MustCompile(`<word xMin="[0-9.]+" yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)">([^<]*)</word>`)

// SmallestText is the smallest printed text of a PDF, in points (the height of a word's box
// as pdftotext -bbox gives it, which is its type size on the page), and that word.
func SmallestText(t testing.TB, path string) (float64, string) {
	t.Helper()
	size, word := 1e9, ""
	for _, m := range wordBox.FindAllStringSubmatch(PDFText(t, path, "-bbox"), -1) {
		y0, _ := strconv.ParseFloat(m[1], 64)
		y1, _ := strconv.ParseFloat(m[2], 64)
		if h := y1 - y0; h < size {
			size, word = h, m[3]
		}
	}
	return size, word
}
