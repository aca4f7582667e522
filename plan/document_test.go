package plan

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

const sampleText = "二、主要任务和具体措施\n  1.1 厘清政府与市场的关系\n(牵头单位:区委编办)\n"

// docxHead and docxTail wrap a w:body fragment into a word/document.xml.
const (
	docxHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"` +
		` xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"` +
		` xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"` +
		` xmlns:v="urn:schemas-microsoft-com:vml"><w:body>`
	docxTail = `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`
)

// makeZip builds a zip archive in memory holding the given files.
func makeZip(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// makeDocx builds a minimal .docx whose body is the given XML fragment.
func makeDocx(t testing.TB, body string) []byte {
	t.Helper()
	return makeZip(t, map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   docxHead + body + docxTail,
	})
}

func para(runs ...string) string {
	return "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"420\"/></w:tabs></w:pPr>" + strings.Join(runs, "") + "</w:p>"
}

func run(inner string) string {
	return "<w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr>" + inner + "</w:r>"
}

func wt(s string) string {
	return `<w:t xml:space="preserve">` + s + `</w:t>`
}

func encode(t testing.TB, enc interface {
	String(string) (string, error)
}, s string) []byte {
	t.Helper()
	out, err := enc.String(s)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(out)
}

func TestDocumentText(t *testing.T) {
	const bodyXML = `` +
		// Paragraph split into runs, with a tab and a line break.
		`<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs><w:rPr><w:b/></w:rPr></w:pPr>` +
		`<w:r><w:t>一、</w:t></w:r><w:r><w:t>总体要求</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t>1.1</w:t><w:tab/><w:t>厘清职责</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>` +
		// Tracked changes: deleted text is dropped, inserted text is kept.
		`<w:p><w:r><w:t>牵头单位：</w:t></w:r>` +
		`<w:del w:id="1" w:author="a"><w:r><w:delText>区司法局</w:delText></w:r></w:del>` +
		`<w:ins w:id="2" w:author="a"><w:r><w:t>区政务服务局</w:t></w:r></w:ins></w:p>` +
		// A field: the instruction is dropped, the result is kept.
		`<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
		`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>` +
		// An empty paragraph.
		`<w:p/>` +
		// A table: one line per row, cells joined by tabs, cell paragraphs joined with "".
		`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="100"/></w:tblGrid>` +
		`<w:tr><w:tc><w:tcPr><w:tcW w:w="100"/></w:tcPr><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc>` +
		`<w:tc><w:p><w:r><w:t>任务</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>责任单位</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>` +
		`<w:tc><w:p><w:r><w:t>推进政府机构</w:t></w:r></w:p><w:p><w:r><w:t>职能优化</w:t><w:br/><w:t>协同高效</w:t></w:r></w:p></w:tc>` +
		`<w:tc><w:p><w:r><w:t>牵头单位:区委编办</w:t><w:tab/><w:t>责任单位:各单位</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>` +
		`</w:tbl>` +
		// A text box: mc:Choice is read, the VML mc:Fallback copy is not.
		`<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>` +
		`<w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>` +
		`<mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback>` +
		`</mc:AlternateContent></w:r></w:p>` +
		`<w:p><w:r><w:t>末行&amp;&lt;&#13;</w:t><w:cr/><w:t>x</w:t></w:r></w:p>`
	const bodyWant = "一、总体要求\n" +
		"1.1\t厘清职责\n第二行\n" +
		"牵头单位：区政务服务局\n" +
		"7\n" +
		"\n" +
		"序号\t任务\t责任单位\n" +
		"1\t推进政府机构 职能优化协同高效\t牵头单位:区委编办 责任单位:各单位\n" +
		"\n" +
		"正文\n文本框\n" +
		"末行&<\n\nx\n"

	tests := []struct {
		name    string
		data    []byte
		want    string
		format  string
		wantErr string // substring of the error; "" means no error
	}{
		{name: "utf-8", data: []byte(sampleText), want: sampleText, format: "utf-8"},
		{name: "utf-8 bom", data: append([]byte("\uFEFF"), sampleText...), want: sampleText, format: "utf-8"},
		{name: "utf-16le bom", data: encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder(), sampleText), want: sampleText, format: "utf-16"},
		{name: "utf-16be bom", data: encode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder(), sampleText), want: sampleText, format: "utf-16"},
		{name: "gb18030", data: encode(t, simplifiedchinese.GB18030.NewEncoder(), sampleText), want: sampleText, format: "gb18030"},
		{name: "gbk", data: encode(t, simplifiedchinese.GBK.NewEncoder(), sampleText), want: sampleText, format: "gb18030"},
		{name: "gb18030 crlf", data: encode(t, simplifiedchinese.GB18030.NewEncoder(), "第一行\r\n第二行\r\n"), want: "第一行\n第二行\n", format: "gb18030"},
		{name: "crlf", data: []byte("一\r\n二\r\n\r\n三"), want: "一\n二\n\n三", format: "utf-8"},
		{name: "cr only", data: []byte("一\r二\r"), want: "一\n二\n", format: "utf-8"},
		{name: "utf-16 crlf", data: encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder(), "一\r\n二"), want: "一\n二", format: "utf-16"},
		{name: "ascii", data: []byte("plain ascii\n"), want: "plain ascii\n", format: "utf-8"},
		{name: "empty", data: nil, wantErr: "文件为空"},
		{name: "bom only", data: []byte("\uFEFF"), wantErr: "文件为空"},
		{name: "utf-16 bom only", data: []byte{0xFF, 0xFE}, wantErr: "文件为空"},
		{name: "binary with nul", data: []byte("abc\x00\x01\x02def"), wantErr: "二进制"},
		{name: "utf-16 without bom", data: []byte("a\x00b\x00"), wantErr: "二进制"},
		{name: "undecodable binary", data: []byte{0x80, 0xFF, 0x00, 0x13, 0x90, 0xFF, 0xFE, 0x80}, wantErr: "既不是 UTF-8 也不是 GB18030"},
		{name: "gb18030-looking control bytes", data: []byte{0xB6, 0xFE, 0x01, 0x02, 0x03}, wantErr: "既不是 UTF-8 也不是 GB18030"},
		{name: "utf-8 bom with invalid utf-8", data: []byte("\uFEFF\xB6\xFE"), wantErr: "不是有效的 UTF-8"},
		{name: "utf-16 odd length", data: []byte{0xFF, 0xFE, 0x00}, wantErr: "奇数"},
		{name: "utf-16 lone surrogate", data: []byte{0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00}, wantErr: "不是有效的 UTF-16"},
		{name: "legacy doc", data: append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), wantErr: "旧版 Word .doc"},
		{name: "pdf", data: []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), wantErr: "PDF"},
		{name: "rtf", data: []byte(`{\rtf1\ansi 计划}`), wantErr: "RTF"},
		{name: "zip not docx", data: makeZip(t, map[string]string{"readme.txt": "hello"}), wantErr: "不是 .docx"},
		{name: "empty zip", data: makeZip(t, nil), wantErr: "不是 .docx"},
		{name: "xlsx", data: makeZip(t, map[string]string{"xl/workbook.xml": "<workbook/>"}), wantErr: "Excel"},
		{name: "truncated docx", data: makeDocx(t, para(run(wt("正文"))))[:200], wantErr: "损坏"},
		{name: "docx bad xml", data: makeZip(t, map[string]string{"word/document.xml": docxHead + "<w:p><w:r><w:t>x</w:p>"}), wantErr: "损坏"},
		{name: "docx not utf-8 xml", data: makeZip(t, map[string]string{"word/document.xml": docxHead + "<w:p><w:r><w:t>\xB6\xFE</w:t></w:r></w:p>" + docxTail}), wantErr: "损坏"},
		{name: "docx", data: makeDocx(t, bodyXML), want: bodyWant, format: "docx"},
		{name: "docx helpers", data: makeDocx(t, para(run(wt("  二、"))+run(wt("主要任务")))+para()), want: "  二、主要任务\n\n", format: "docx"},
		{name: "docx empty body", data: makeDocx(t, ""), want: "", format: "docx"},
		{name: "docx strict namespace", data: makeZip(t, map[string]string{"word/document.xml": `<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"><w:body><w:p><w:r><w:t>严格</w:t></w:r></w:p></w:body></w:document>`}), want: "严格\n", format: "docx"},
		{name: "docx nested table", data: makeDocx(t, `<w:tbl><w:tr><w:tc><w:p><w:r><w:t>外</w:t></w:r></w:p>`+
			`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>内1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>内2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`+
			`<w:p/></w:tc><w:tc><w:p><w:r><w:t>右</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`), want: "外 内1 内2\t右\n", format: "docx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, format, err := DocumentText("计划.txt", tt.data)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("DocumentText() = %q, %q, nil; want error containing %q", got, format, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "计划.txt：") {
					t.Fatalf("error %q: want prefix %q and substring %q", err, "计划.txt：", tt.wantErr)
				}
				if got != "" || format != "" {
					t.Errorf("on error got text %q, format %q; want empty", got, format)
				}
				return
			}
			if err != nil {
				t.Fatalf("DocumentText() error: %v", err)
			}
			if got != tt.want {
				t.Errorf("text = %q\nwant   %q", got, tt.want)
			}
			if format != tt.format {
				t.Errorf("format = %q, want %q", format, tt.format)
			}
		})
	}
}

// TestDocumentTextDocxTooLarge checks the guard against huge (or zip bomb)
// word/document.xml parts, both as declared in the header and as actually read.
func TestDocumentTextDocxTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("compresses 64 MiB")
	}
	// Highly compressible: 64 MiB + 1 bytes deflate to about 64 KiB.
	big := make([]byte, maxDocumentXML+1)
	for i := range big {
		big[i] = ' '
	}
	copy(big, docxHead)
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(big)
	fw.Close()

	for _, declared := range []uint64{uint64(len(big)), 1000} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name:               "word/document.xml",
			Method:             zip.Deflate,
			CRC32:              crc32.ChecksumIEEE(big),
			CompressedSize64:   uint64(comp.Len()),
			UncompressedSize64: declared,
		})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(comp.Bytes())
		zw.Close()
		_, _, err = DocumentText("big.docx", buf.Bytes())
		if err == nil {
			t.Fatalf("declared size %d: no error", declared)
		}
		if declared > maxDocumentXML && !strings.Contains(err.Error(), "过大") {
			t.Errorf("declared size %d: error %q, want 过大", declared, err)
		}
		t.Logf("declared size %d: %v", declared, err)
	}
}

// TestDocumentTextReferenceDocx reads a .docx written by LibreOffice from
// reference-head.txt and checks that it yields the same non-empty lines.
func TestDocumentTextReferenceDocx(t *testing.T) {
	txtData, err := os.ReadFile(filepath.Join("testdata", "docx", "reference-head.txt"))
	if err != nil {
		t.Fatal(err)
	}
	docxData, err := os.ReadFile(filepath.Join("testdata", "docx", "reference-head.docx"))
	if err != nil {
		t.Fatal(err)
	}
	txt, format, err := DocumentText("reference-head.txt", txtData)
	if err != nil || format != "utf-8" {
		t.Fatalf("txt: format %q, error %v", format, err)
	}
	docx, format, err := DocumentText("reference-head.docx", docxData)
	if err != nil || format != "docx" {
		t.Fatalf("docx: format %q, error %v", format, err)
	}
	want, got := nonEmptyLines(txt), nonEmptyLines(docx)
	if len(want) < 20 {
		t.Fatalf("reference text has only %d non-empty lines", len(want))
	}
	if len(got) != len(want) {
		t.Errorf("docx has %d non-empty lines, txt has %d", len(got), len(want))
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		if got[i] != want[i] {
			t.Errorf("line %d:\n docx %q\n txt  %q", i+1, got[i], want[i])
		}
	}
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) != "" {
			out = append(out, line)
		}
	}
	return out
}

// FuzzDocumentText checks that DocumentText never panics and that a nil
// error implies valid UTF-8 with "\n" line ends and a known format.
func FuzzDocumentText(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "docx", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(sampleText))
	f.Add(makeDocx(f, para(run(wt("一")+"<w:tab/>"+wt("二")))+`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>格</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		text, format, err := DocumentText("fuzz", data)
		if err != nil {
			return
		}
		if !utf8.ValidString(text) {
			t.Errorf("invalid UTF-8 output %q", text)
		}
		if strings.Contains(text, "\r") {
			t.Errorf("output contains CR: %q", text)
		}
		switch format {
		case "utf-8", "utf-16", "gb18030", "docx":
		default:
			t.Errorf("unknown format %q", format)
		}
	})
}
