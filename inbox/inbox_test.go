package inbox

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestAttachmentNames reads one email per way that clients write an attachment's name.
func TestAttachmentNames(t *testing.T) {
	const xlsxType = "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	u := []byte(baoshan)
	g := gbk(baoshan)
	// Byte 9 is inside 宝 in UTF-8 (7 ASCII bytes, then 3 bytes a character); byte 8 inside 宝 in GBK.
	cases := []struct {
		name    string
		headers []string
		want    string
	}{
		{"UTF-8 B word", []string{xlsxType, `Content-Disposition: attachment; filename="=?UTF-8?B?` + b64(u) + `?="`}, baoshan},
		{"UTF-8 Q word", []string{xlsxType, `Content-Disposition: attachment; filename="` + qWord("utf-8", u) + `"`}, baoshan},
		{"UTF-8 B split inside a character, folded", []string{xlsxType,
			"Content-Disposition: attachment;\r\n filename=\"=?UTF-8?B?" + b64(u[:9]) + "?=\r\n =?UTF-8?B?" + b64(u[9:]) + "?=\""}, baoshan},
		{"GB2312 B word", []string{xlsxType, `Content-Disposition: attachment; filename="=?GB2312?B?` + b64(g) + `?="`}, baoshan},
		{"GBK Q word", []string{xlsxType, `Content-Disposition: attachment; filename="` + qWord("GBK", g) + `"`}, baoshan},
		{"gb2312 split inside a character (Outlook)", []string{xlsxType,
			"Content-Disposition: attachment;\r\n\tfilename=\"=?gb2312?B?" + b64(g[:8]) + "?= =?gb2312?B?" + b64(g[8:]) + "?=\""}, baoshan},
		{"GB18030 four-byte character", []string{xlsxType, `Content-Disposition: attachment; filename="=?GB18030?B?` + b64(gb18030Bytes("㐀表.xlsx")) + `?="`}, "㐀表.xlsx"},
		{"RFC 2231", []string{xlsxType, `Content-Disposition: attachment; filename*=UTF-8''` + pct(u)}, baoshan},
		{"RFC 2231 continuation split inside a character, plain tail", []string{xlsxType,
			"Content-Disposition: attachment;\r\n filename*0*=UTF-8''" + pct(u[:9]) + ";\r\n filename*1*=" + pct(u[9:len(u)-5]) + ";\r\n filename*2=\".xlsx\""}, baoshan},
		{"RFC 2231 GBK with language", []string{xlsxType, `Content-Disposition: attachment; filename*=gbk'zh-cn'` + pct(g)}, baoshan},
		{"RFC 2231 preferred over plain", []string{xlsxType, `Content-Disposition: attachment; filename="baoshan.xlsx"; filename*=UTF-8''` + pct(u)}, baoshan},
		{"raw GBK bytes in header", []string{xlsxType, `Content-Disposition: attachment; filename="` + string(g) + `"`}, baoshan},
		{"raw GBK bytes with a 0x5C trail byte", []string{xlsxType, `Content-Disposition: attachment; filename="` + string(gbk("淺表.xlsx")) + `"`}, "淺表.xlsx"},
		{"raw UTF-8, unquoted", []string{xlsxType, "Content-Disposition: attachment; filename=" + baoshan + "; size=6226"}, baoshan},
		{"name= in Content-Type only", []string{`Content-Type: application/octet-stream; name="=?utf-8?B?` + b64(u) + `?="`}, baoshan},
		{"Windows path in name", []string{xlsxType, `Content-Disposition: attachment; filename="C:\Users\wang\Desktop\` + baoshan + `"`}, baoshan},
		{"traversal and control characters", []string{xlsxType, `Content-Disposition: attachment; filename="` + qWord("UTF-8", []byte("../../\x00etc/\x01evil\u202e.xlsx")) + `"`}, "evil.xlsx"},
		{"unknown charset falls back", []string{xlsxType, `Content-Disposition: attachment; filename="=?x-unknown?B?` + b64(g) + `?="`}, baoshan},
		{"no name, spreadsheet content type", []string{xlsxType}, "未命名附件.xlsx"},
	}
	data := fakeXLSX("names")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeFile(t, dir, "收件/a.eml", []byte(email(textPart("见附件。\r\n"), b64Part(c.headers, data))))
			res := read(t, Limits{}, p)
			if len(res.items) != 1 {
				t.Fatalf("items = %+v, skipped %q", res.names(), res.skipped)
			}
			it := res.items[0]
			if it.Name != c.want || it.Problem != "" {
				t.Errorf("Name = %q (problem %q), want %q", it.Name, it.Problem, c.want)
			}
			if !bytes.Equal(it.Data, data) {
				t.Errorf("Data differs from what was attached")
			}
			if it.Source != p+" 的附件" || it.Path != p {
				t.Errorf("Source %q Path %q", it.Source, it.Path)
			}
			if it.Sender != "baoshan@example.cn" || !it.Received.Equal(sent) {
				t.Errorf("Sender %q Received %v", it.Sender, it.Received)
			}
		})
	}
}

// gb18030Bytes encodes s in GB18030, where 㐀 (U+3400, outside GBK) takes four bytes.
func gb18030Bytes(s string) []byte {
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

// TestRealClients reads messages in the exact shape that Thunderbird, Outlook and Foxmail
// save them (testdata/README.md tells where each detail comes from).
func TestRealClients(t *testing.T) {
	book, err := os.ReadFile("testdata/book.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file     string
		name     string
		source   string // after the path
		sender   string
		received time.Time
		skipped  string
	}{
		{"thunderbird.eml", baoshan, " 的附件", "baoshan_sfs@163.com", time.Date(2024, 1, 9, 8, 42, 10, 0, time.UTC), ""},
		{"outlook.eml", baoshan, " 的附件", "bszfb@bjhr.gov.cn", time.Date(2024, 1, 10, 1, 15, 33, 0, time.UTC), "image001.png 不是表格文件"},
		{"foxmail.eml", "2023Q4_怀北镇_任务进展报送表.xlsx", " 的附件 怀北镇报送材料.zip 中的 怀北镇/2023Q4_怀北镇_任务进展报送表.xlsx",
			"hbz_zf@126.com", time.Date(2024, 1, 11, 2, 20, 5, 0, time.UTC), "怀北镇/情况说明.docx 是 Word 文档，不是报送表格"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			p := filepath.Join("testdata", c.file)
			res := read(t, Limits{}, p)
			if len(res.items) != 1 {
				t.Fatalf("items %q problems %q", res.names(), res.problems())
			}
			it := res.items[0]
			if it.Problem != "" || it.Name != c.name || it.Source != p+c.source || it.Sender != c.sender || !it.Received.Equal(c.received) {
				t.Errorf("got %q %q %q %v problem %q", it.Name, it.Source, it.Sender, it.Received, it.Problem)
			}
			if !bytes.Equal(it.Data, book) {
				t.Errorf("attachment bytes differ from testdata/book.xlsx")
			}
			if c.skipped != "" && !contains(res.skipped, c.skipped) {
				t.Errorf("skipped = %q, want a note on %q", res.skipped, c.skipped)
			}
			raw, _ := os.ReadFile(p)
			if len(res.containers) != 1 || res.containers[0].Kind != "eml" || !bytes.Equal(res.containers[0].Data, raw) {
				t.Errorf("containers = %d", len(res.containers))
			}
		})
	}
}

func TestMIMEStructures(t *testing.T) {
	data := fakeXLSX("structures")
	att := b64Part([]string{"Content-Type: application/vnd.ms-excel", `Content-Disposition: attachment; filename="a.xlsx"`}, data)
	inner := part([]string{
		"From: Someone Else <other@example.cn>",
		"Date: Mon, 1 Jan 2024 10:00:00 +0800",
		"Subject: original",
		`Content-Type: multipart/mixed; boundary="=_inner"`,
	}, multipartBody("=_inner", textPart("原邮件\r\n"), att))

	innerSent := time.Date(2024, 1, 1, 10, 0, 0, 0, time.FixedZone("", 8*3600))
	cases := []struct {
		name      string
		eml       string
		source    string // after the path
		forwarded bool   // the attachment is in a forwarded message: it tells who sent it and when
	}{
		{"multipart/mixed inside multipart/alternative", part([]string{
			"From: <BaoShan@Example.CN>", "Date: Tue, 9 Jan 2024 16:42:10 +0800",
			`Content-Type: multipart/alternative; boundary="alt"`,
		}, multipartBody("alt", textPart("plain\r\n"),
			part([]string{`Content-Type: multipart/mixed; boundary="mix"`}, multipartBody("mix",
				part([]string{"Content-Type: text/html; charset=utf-8"}, "<p>html</p>\r\n"), att)))),
			" 的附件", false},
		{"forwarded message/rfc822", email(textPart("转发\r\n"), part([]string{"Content-Type: message/rfc822"}, inner)), " 中转发邮件的附件", true},
		{"forwarded as a named .eml, base64", email(textPart("转发\r\n"),
			b64Part([]string{`Content-Type: message/rfc822; name="原邮件.eml"`, "Content-Disposition: attachment"}, []byte(inner))), " 中转发邮件的附件", true},
		{"forwarded as an .eml file", email(textPart("转发\r\n"),
			b64Part([]string{`Content-Type: application/octet-stream; name="原邮件.eml"`, `Content-Disposition: attachment; filename="原邮件.eml"`}, []byte(inner))), " 的附件 原邮件.eml 的附件", true},
		{"single-part message that is the attachment", part([]string{
			"From: BaoShan@Example.CN", "Date: Tue, 9 Jan 2024 16:42:10 +0800",
			`Content-Type: application/octet-stream; name="a.xlsx"`, "Content-Transfer-Encoding: base64",
		}, b64Lines(data)), " 的附件", false},
		{"LF line ends", strings.ReplaceAll(email(textPart("见附件\r\n"), att), "\r\n", "\n"), " 的附件", false},
		{"quoted-printable attachment", email(part([]string{"Content-Type: text/csv", `Content-Disposition: attachment; filename="a.xlsx"`,
			"Content-Transfer-Encoding: quoted-printable"}, qpEncode(data))), " 的附件", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "a.eml", []byte(c.eml))
			res := read(t, Limits{}, p)
			if len(res.items) != 1 || res.items[0].Problem != "" {
				t.Fatalf("items %q problems %q skipped %q", res.names(), res.problems(), res.skipped)
			}
			it := res.items[0]
			if it.Name != "a.xlsx" || it.Source != p+c.source || !bytes.Equal(it.Data, data) {
				t.Errorf("got %q from %q", it.Name, it.Source)
			}
			switch {
			case c.forwarded:
				if it.Sender != "other@example.cn" || !it.Received.Equal(innerSent) || it.Forwarder != "baoshan@example.cn" || !it.Forwarded.Equal(sent) {
					t.Errorf("the forwarded email counts, the forward is recorded: got %q %v, forwarder %q %v", it.Sender, it.Received, it.Forwarder, it.Forwarded)
				}
			case it.Sender != "baoshan@example.cn" || !it.Received.Equal(sent) || it.Forwarder != "":
				t.Errorf("the email we received counts: got %q %v (forwarder %q)", it.Sender, it.Received, it.Forwarder)
			}
		})
	}
}

func qpEncode(b []byte) string {
	var s strings.Builder
	line := 0
	for _, c := range b {
		if line > 70 {
			s.WriteString("=\r\n")
			line = 0
		}
		if c >= 33 && c <= 126 && c != '=' {
			s.WriteByte(c)
			line++
		} else {
			s.WriteString("=" + strings.ToUpper(string("0123456789abcdef"[c>>4])+string("0123456789abcdef"[c&15])))
			line += 3
		}
	}
	return s.String()
}

func TestZipAttachmentWithGBKNames(t *testing.T) {
	data := fakeXLSX("gbk")
	name := "宝山镇/2023Q4_宝山镇_任务进展报送表.xlsx"
	uname := "第二版.xlsx"
	raw := "\x93\xf1\x93\xf1.xlsx" // CP437 bytes an old zipper wrote, with the Unicode Path field beside
	extra := unicodePath(raw, uname)
	z := mkZip(
		zipEntry{name: string(gbk(name)), data: data},                   // GBK, no UTF-8 flag
		zipEntry{name: "utf8/" + baoshan, data: data},                   // flag bit 11
		zipEntry{name: raw, data: data, extra: extra, stored: true},     // Info-ZIP Unicode Path
		zipEntry{name: string(gbk("说明.pdf")), data: []byte("%PDF-1.4")}, // skipped
	)
	eml := email(textPart("见附件\r\n"), b64Part([]string{"Content-Type: application/x-zip-compressed",
		`Content-Disposition: attachment; filename="=?GBK?B?` + b64(gbk("报送材料.zip")) + `?="`}, z))
	p := writeFile(t, t.TempDir(), "a.eml", []byte(eml))
	res := read(t, Limits{}, p)
	want := []string{baoshan, baoshan, uname}
	if !reflect.DeepEqual(res.names(), want) || len(res.problems()) > 0 {
		t.Fatalf("names %q problems %q", res.names(), res.problems())
	}
	if s := res.items[0].Source; s != p+" 的附件 报送材料.zip 中的 "+name {
		t.Errorf("Source = %q", s)
	}
	if !contains(res.skipped, "报送材料.zip 中的 说明.pdf 是 PDF 文件，不是报送表格") {
		t.Errorf("skipped = %q", res.skipped)
	}
	for _, it := range res.items {
		if !bytes.Equal(it.Data, data) || it.Sender != "baoshan@example.cn" || it.Path != p {
			t.Errorf("%s: wrong data, sender or path", it.Name)
		}
	}
}

func unicodePath(raw, name string) []byte {
	field := append([]byte{1, 0, 0, 0, 0}, name...)
	binary.LittleEndian.PutUint32(field[1:], crc32.ChecksumIEEE([]byte(raw)))
	head := make([]byte, 4)
	binary.LittleEndian.PutUint16(head, 0x7075)
	binary.LittleEndian.PutUint16(head[2:], uint16(len(field)))
	return append(head, field...)
}

func TestZipOnDisk(t *testing.T) {
	a, b := fakeXLSX("a"), fakeXLSX("b")
	inner := mkZip(zipEntry{name: "a.xlsx", data: a})
	outer := mkZip(
		zipEntry{name: "inner.zip", data: inner},
		zipEntry{name: "dir/b.xlsx", data: b},
		zipEntry{name: "__MACOSX/dir/._b.xlsx", data: []byte("junk")},
		zipEntry{name: "dir/.DS_Store", data: []byte("junk")},
		zipEntry{name: "dir/~$b.xlsx", data: []byte("lock")},
		zipEntry{name: "../../../etc/c.csv", data: []byte("x,y\r\n")},
		zipEntry{name: "dir/", data: nil},
		zipEntry{name: "docs/readme.pdf", data: []byte("%PDF")},
	)
	dir := t.TempDir()
	p := writeFile(t, dir, "x.zip", outer)
	res := read(t, Limits{}, p)
	if want := []string{"a.xlsx", "b.xlsx", "c.csv"}; !reflect.DeepEqual(res.names(), want) {
		t.Fatalf("names %q, problems %q", res.names(), res.problems())
	}
	if s := res.items[0].Source; s != p+" 中的 inner.zip 中的 a.xlsx" {
		t.Errorf("Source = %q", s)
	}
	if s := res.items[2].Source; s != p+" 中的 ../../../etc/c.csv" {
		t.Errorf("Source = %q", s)
	}
	for _, it := range res.items {
		if !it.Received.Equal(t0) || it.Sender != "" || it.Path != p {
			t.Errorf("%s: Received %v Sender %q Path %q", it.Name, it.Received, it.Sender, it.Path)
		}
	}
	if len(res.containers) != 1 || res.containers[0].Kind != "zip" || !bytes.Equal(res.containers[0].Data, outer) {
		t.Errorf("containers = %+v", res.containers)
	}
	if !reflect.DeepEqual(res.skipped, []string{p + " 中的 docs/readme.pdf 是 PDF 文件，不是报送表格"}) {
		t.Errorf("skipped = %q", res.skipped)
	}
}

func TestZipProblems(t *testing.T) {
	small := fakeXLSX("small")
	nest := mkZip(zipEntry{name: "a.xlsx", data: small})
	for i := 0; i < 2; i++ {
		nest = mkZip(zipEntry{name: "level.zip", data: nest})
	}
	tooDeep := mkZip(zipEntry{name: "level.zip", data: nest})
	corrupt := mkZip(zipEntry{name: "a.xlsx", data: bytes.Repeat([]byte("abc"), 1000)})
	badCRC := rawZip(zip.FileHeader{Name: "a.xlsx", Method: zip.Store, CRC32: 1, CompressedSize64: 5, UncompressedSize64: 5}, []byte("hello"))
	many := make([]zipEntry, 11)
	for i := range many {
		many[i] = zipEntry{name: string(rune('a'+i)) + ".xlsx", data: small}
	}
	budget := make([]zipEntry, 5)
	for i := range budget {
		budget[i] = zipEntry{name: string(rune('a'+i)) + ".csv", data: pseudoRandom(300 << 10), stored: true}
	}
	cases := []struct {
		name    string
		zip     []byte
		lim     Limits
		good    int
		problem string
	}{
		{"nesting at MaxDepth", nest, Limits{}, 1, ""},
		{"nesting over MaxDepth", tooDeep, Limits{}, 0, "嵌套超过 3 层"},
		{"encrypted entry", rawZip(zip.FileHeader{Name: "a.xlsx", Method: zip.Store, Flags: 0x1, CompressedSize64: 5, UncompressedSize64: 5}, []byte("xxxxx")), Limits{}, 0, "设置了密码"},
		{"unsupported method", rawZip(zip.FileHeader{Name: "a.xlsx", Method: 14, CompressedSize64: 5, UncompressedSize64: 5}, []byte("xxxxx")), Limits{}, 0, "不支持的压缩方式（编号 14）"},
		{"truncated archive", corrupt[:len(corrupt)-30], Limits{}, 0, "已损坏或不是 zip 格式"},
		{"checksum", badCRC, Limits{}, 0, "校验失败"},
		{"too many entries", mkZip(many...), Limits{MaxZipEntries: 10}, 0, "超过 10 个"},
		{"total uncompressed over the limit", mkZip(budget...), Limits{MaxUnzippedBytes: 1 << 20}, 3, "总大小超过上限 1.0 MiB"},
		{"entry over MaxFileBytes", mkZip(zipEntry{name: "a.xlsx", data: pseudoRandom(2000)}), Limits{MaxFileBytes: 1000}, 0, "超过单个文件上限"},
		{"empty archive", mkZip(), Limits{}, 0, "是空的"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "x.zip", c.zip)
			res := read(t, c.lim, p)
			if len(res.good()) != c.good || c.problem != "" && !contains(res.problems(), c.problem) {
				t.Fatalf("good %d (want %d), problems %q", len(res.good()), c.good, res.problems())
			}
			for _, msg := range res.problems() {
				if !strings.Contains(msg, p) || !strings.Contains(msg, "请") {
					t.Errorf("a problem must name the file and say what to do: %q", msg)
				}
			}
			for _, it := range res.items {
				checkItem(t, it, c.lim.withDefaults())
				if it.Problem != "" && it.Name != "x.zip" && !strings.Contains(it.Reason, "x.zip 中的 "+it.Name) {
					t.Errorf("the reason does not name the entry in its archive: %q", it.Reason)
				}
			}
			if len(res.containers) != 1 {
				t.Errorf("the archive must be kept even when it cannot be read")
			}
		})
	}
}

func pseudoRandom(n int) []byte {
	out := make([]byte, n)
	x := uint32(2463534242)
	for i := range out {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		out[i] = byte(x)
	}
	return out
}

// TestZipBomb feeds 300 MiB of zeros in about 300 KiB, with honest and with lying headers,
// on disk and attached to an email. None may take long or allocate much.
func TestZipBomb(t *testing.T) {
	const mib = 300
	stream, crc := zeroDeflate(mib)
	honest := zip.FileHeader{Name: "big.xlsx", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(len(stream)), UncompressedSize64: mib << 20}
	lie10 := honest
	lie10.UncompressedSize64 = 10 << 20 // ratio 33: passes the declared-size checks
	lieTiny := honest
	lieTiny.UncompressedSize64 = 1000
	lieDescriptor := honest
	lieDescriptor.Flags = 0x8 // sizes in a data descriptor: the central directory still tells
	lieDescriptor.UncompressedSize64 = 5 << 20
	lieDescriptor.CompressedSize64 = uint64(len(stream))

	cases := []struct {
		name    string
		zip     []byte
		problem string
	}{
		{"honest header", rawZip(honest, stream), "压缩炸弹"},
		{"declared 10 MiB", rawZip(lie10, stream), "大小与实际内容不符"},
		{"declared 1000 bytes", rawZip(lieTiny, stream), "大小与实际内容不符"},
		{"data descriptor", rawZip(lieDescriptor, stream), "大小与实际内容不符"},
	}
	for _, c := range cases {
		for _, inMail := range []bool{false, true} {
			name := c.name
			if inMail {
				name += " in an email"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				var p string
				if inMail {
					p = writeFile(t, dir, "a.eml", []byte(email(b64Part([]string{`Content-Type: application/zip; name="bomb.zip"`}, c.zip))))
				} else {
					p = writeFile(t, dir, "bomb.zip", c.zip)
				}
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				start := time.Now()
				res := read(t, Limits{}, p)
				elapsed := time.Since(start)
				runtime.ReadMemStats(&after)
				if len(res.items) != 1 || !strings.Contains(res.items[0].Problem, c.problem) || !strings.Contains(res.items[0].Problem, "big.xlsx") {
					t.Fatalf("items %q problems %q", res.names(), res.problems())
				}
				if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 80<<20 {
					t.Errorf("allocated %d MiB", alloc>>20)
				}
				if elapsed > 5*time.Second {
					t.Errorf("took %v", elapsed)
				}
			})
		}
	}
}

// TestZeroDeflate checks the bomb builder itself: its stream really inflates to zeros.
func TestZeroDeflate(t *testing.T) {
	stream, crc := zeroDeflate(3)
	z := rawZip(zip.FileHeader{Name: "z.csv", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(len(stream)), UncompressedSize64: 3 << 20}, stream)
	p := writeFile(t, t.TempDir(), "z.zip", z)
	res := read(t, Limits{MaxRatio: 1 << 40}, p)
	if len(res.good()) != 1 || len(res.items[0].Data) != 3<<20 {
		t.Fatalf("problems %q", res.problems())
	}
}

func TestDeepMIME(t *testing.T) {
	data := fakeXLSX("deep")
	att := b64Part([]string{`Content-Type: application/octet-stream; name="top.xlsx"`}, data)
	// 1000 multiparts inside each other, with an attachment at the top and one at the bottom.
	body := b64Part([]string{`Content-Type: application/octet-stream; name="bottom.xlsx"`}, data)
	for i := 1000; i > 0; i-- {
		b := "=_" + itoa(i) + "_="
		body = part([]string{`Content-Type: multipart/mixed; boundary="` + b + `"`}, multipartBody(b, body))
	}
	multi := email(att, body)
	// 1000 forwarded messages inside each other.
	fwd := part([]string{"From: x@example.cn", `Content-Type: application/octet-stream; name="bottom.xlsx"`, "Content-Transfer-Encoding: base64"}, b64Lines(data))
	for i := 0; i < 1000; i++ {
		fwd = part([]string{"From: x@example.cn", "Content-Type: message/rfc822"}, fwd)
	}
	forwarded := email(att, part([]string{"Content-Type: message/rfc822"}, fwd))
	// 600 parts side by side.
	var parts []string
	parts = append(parts, att)
	for i := 0; i < 600; i++ {
		parts = append(parts, textPart("x\r\n"))
	}
	wide := email(parts...)

	cases := []struct{ name, eml, problem string }{
		{"1000 nested multiparts", multi, "嵌套过深"},
		{"1000 nested forwards", forwarded, "嵌套过深"},
		{"600 parts", wide, "超过 500 个部分"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "deep.eml", []byte(c.eml))
			start := time.Now()
			res := read(t, Limits{}, p)
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			if !reflect.DeepEqual(res.names(), []string{"top.xlsx", "deep.eml"}) || !contains(res.problems(), c.problem) {
				t.Fatalf("names %q problems %q", res.names(), res.problems())
			}
		})
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}

func TestBrokenEmails(t *testing.T) {
	whole, err := os.ReadFile("testdata/thunderbird.eml")
	if err != nil {
		t.Fatal(err)
	}
	cut := bytes.Index(whole, []byte("Content-Transfer-Encoding: base64")) + 2000
	data := fakeXLSX("x")
	cases := []struct {
		name    string
		eml     []byte
		names   []string
		problem string
		skipped string
	}{
		{"cut inside the attachment", whole[:cut], []string{baoshan}, "不完整", ""},
		{"cut after the attachment, before the closing boundary",
			[]byte(strings.TrimSuffix(email(b64Part([]string{`Content-Type: application/zip; name="a.xlsx"`}, data)), "--=_outer--\r\n")),
			[]string{"a.xlsx"}, "不完整", ""},
		{"cut inside the headers", whole[:200], []string{"a.eml"}, "无法解析", ""},
		{"headers only", []byte("From: a@b.cn\r\nSubject: hi\r\n"), nil, "", "没有找到表格附件"},
		{"a header of 20000 lines", []byte(strings.Repeat("X-A: 1\r\n", 20000) + "\r\n" + email(textPart("x"))), []string{"a.eml"}, "邮件头超过 10000 行", ""},
		{"not an email at all", []byte("\x00\x01\x02 binary junk\r\n\r\n"), []string{"a.eml"}, "无法解析", ""},
		{"attachment in a format we do not read", []byte(email(b64Part([]string{`Content-Type: application/ms-tnef; name="winmail.dat"`}, []byte("x\x9f>")))),
			[]string{"winmail.dat"}, "Outlook 的专用格式", ""},
		{"too big", []byte(email(b64Part([]string{`Content-Type: application/zip; name="a.xlsx"`}, pseudoRandom(3000)))), []string{"a.xlsx"}, "超过单个附件上限", ""},
		{"only a picture", []byte(email(textPart("hi"), b64Part([]string{`Content-Type: image/jpeg; name="photo.jpg"`}, []byte{0xff, 0xd8}))), nil, "", "photo.jpg 不是表格文件"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "a.eml", c.eml)
			res := read(t, Limits{MaxFileBytes: 2000}, p)
			if !reflect.DeepEqual(res.names(), c.names) {
				t.Fatalf("names %q problems %q skipped %q", res.names(), res.problems(), res.skipped)
			}
			if c.problem != "" && !contains(res.problems(), c.problem) {
				t.Errorf("problems %q, want %q", res.problems(), c.problem)
			}
			if c.problem == "" && len(res.problems()) > 0 {
				t.Errorf("problems %q", res.problems())
			}
			if c.skipped != "" && !contains(res.skipped, c.skipped) {
				t.Errorf("skipped %q, want %q", res.skipped, c.skipped)
			}
			if len(res.containers) != 1 || !bytes.Equal(res.containers[0].Data, c.eml) {
				t.Errorf("the email must be kept byte for byte")
			}
		})
	}
}

// TestFolderWalk checks the order of a folder walk, what it ignores, and that it does not
// follow a link back to its own folder.
func TestFolderWalk(t *testing.T) {
	root := filepath.Join(t.TempDir(), "收件")
	x := fakeXLSX("walk")
	ole := append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 100)...)
	for _, f := range []struct {
		rel  string
		data []byte
	}{
		{"b.xlsx", x}, {"a/2.xlsx", x}, {"a/10.xlsx", x}, {"a/~$10.xlsx", []byte("lock")},
		{"a/.DS_Store", []byte("junk")}, {"Thumbs.db", []byte("junk")}, {"c.csv", []byte("a,b\r\n")},
		{"说明.pdf", []byte("%PDF")}, {"报送表", x}, {"notes", []byte("plain text")}, {"old.XLS", ole},
		{".git/x.xlsx", x}, {"__MACOSX/._b.xlsx", x}, {"d.xlsb", []byte("PK")}, {"e.rar", []byte("Rar!")}, {"f.ods", x},
		{string(gbk("怀北镇.xlsx")), x}, {"Z.xlsx", x}, {"ATT00001.dat", x}, {"other.bin", []byte("PK\x03\x04junk")},
		{"arch.bin", mkZip(zipEntry{name: "a.xlsx", data: x})},
	} {
		writeFile(t, root, f.rel, f.data)
	}
	if err := os.Symlink(root, filepath.Join(root, "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "b.xlsx"), filepath.Join(root, "link.xlsx")); err != nil {
		t.Fatal(err)
	}
	res := read(t, Limits{}, root)
	want := []string{"ATT00001.dat", "Z.xlsx", "10.xlsx", "2.xlsx", "b.xlsx", "c.csv", "d.xlsb", "e.rar", "f.ods", "link.xlsx", "old.XLS", "other.bin", "怀北镇.xlsx", "报送表"}
	if !reflect.DeepEqual(res.names(), want) {
		t.Fatalf("names = %q", res.names())
	}
	if !reflect.DeepEqual(res.problems(), []string{
		filepath.Join(root, "d.xlsb") + " 是 xlsb 格式，不是本次报送所用的 Excel 表格；请用 Excel 或 WPS 打开后“另存为” .xlsx 文件再发送",
		filepath.Join(root, "e.rar") + " 是 rar 压缩文件，无法读取；请改用 zip 格式压缩，或直接发送表格文件",
	}) {
		t.Errorf("problems = %q", res.problems())
	}
	for _, it := range res.items {
		if !it.Received.Equal(t0) || it.Data == nil || it.Sender != "" || it.Source != displayPath(it.Path) {
			t.Errorf("%s: Received %v Source %q Path %q", it.Name, it.Received, it.Source, it.Path)
		}
	}
	if gb := res.items[12]; gb.Source != filepath.Join(root, "怀北镇.xlsx") || gb.Path != filepath.Join(root, string(gbk("怀北镇.xlsx"))) {
		t.Errorf("a GBK file name: Source %q Path %q", gb.Source, gb.Path)
	}
	for _, s := range []string{"说明.pdf 是 PDF 文件，不是报送表格", "notes 不是表格文件", "loop 是指向文件夹的链接", "arch.bin 不是表格文件"} {
		if !contains(res.skipped, s) {
			t.Errorf("skipped = %q, want %q", res.skipped, s)
		}
	}
	if len(res.skipped) != 4 {
		t.Errorf("skipped = %q", res.skipped)
	}
	again := read(t, Limits{}, root)
	if !reflect.DeepEqual(res, again) {
		t.Errorf("a second walk differs")
	}
}

func TestNamedPaths(t *testing.T) {
	dir := t.TempDir()
	x := fakeXLSX("named")
	a := writeFile(t, dir, "a.xlsx", x)
	lock := writeFile(t, dir, "~$a.xlsx", []byte("lock"))
	big := writeFile(t, dir, "big.xlsx", pseudoRandom(5000))

	res := read(t, Limits{MaxFileBytes: 4000}, a, lock, big, a, dir)
	if want := []string{"a.xlsx", "big.xlsx"}; !reflect.DeepEqual(res.names(), want) {
		t.Fatalf("names = %q (a file named twice, or named and in a named folder, is read once)", res.names())
	}
	if p := res.items[1].Problem; !strings.Contains(p, big+" 大小为 4.9 KiB，超过上限 3.9 KiB") {
		t.Errorf("problem = %q", p)
	}
	if !reflect.DeepEqual(res.skipped, []string{lock + " 是临时文件或系统文件，已忽略"}) {
		t.Errorf("skipped = %q", res.skipped)
	}

	_, _, _, err := Read([]string{a, "收件/没有.eml", "nope"}, Limits{})
	if err == nil || err.Error() != "找不到 收件/没有.eml，请检查路径\n找不到 nope，请检查路径" {
		t.Errorf("err = %v", err)
	}
}

func TestParseAddress(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"BaoShan@Example.CN", "baoshan@example.cn"},
		{`"宝山镇" <BS@x.cn>`, "bs@x.cn"},
		{"=?GBK?B?" + b64(gbk("宝山镇")) + "?= <bs@x.cn>", "bs@x.cn"},
		{`"=?GBK?B?` + b64(gbk("宝山镇")) + `?=" <bs@x.cn>`, "bs@x.cn"},
		{`"` + string(gbk("宝山镇")) + `" <bs@x.cn>`, "bs@x.cn"},
		{string(gbk("宝山镇")) + " <bs@x.cn>", "bs@x.cn"},
		{`"unbalanced <bs@x.cn>`, "bs@x.cn"},
		{"bs@x.cn (宝山镇)", "bs@x.cn"},
		{"a@x.cn, b@y.cn", "a@x.cn"},
		{"", ""},
	} {
		if got := parseAddress(c.in); got != c.want {
			t.Errorf("parseAddress(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	cst := time.FixedZone("", 8*3600)
	want := time.Date(2024, 1, 9, 16, 42, 10, 0, cst)
	for _, in := range []string{
		"Tue, 9 Jan 2024 16:42:10 +0800",
		"Tue, 09 Jan 2024 16:42:10 +0800 (CST)",
		"Tue, 9 Jan 2024 16:42:10 +0800 (中国标准时间)",
		"9 Jan 2024 16:42:10 +0800",
		"Tue, 9 Jan 2024 08:42:10 GMT",
		"2024-01-09 16:42:10",
		"2024-01-09T16:42:10+08:00",
		"Tue Jan 09 16:42:10 CST 2024",
		"Tue, 9 Jan 2024 16:42:10 CST",
	} {
		got, ok := parseDate(in)
		if !ok || !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v %v", in, got, ok)
		}
	}
	if _, ok := parseDate("yesterday"); ok {
		t.Errorf("parseDate(yesterday) succeeded")
	}
}

func TestCleanName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a/b\\c.xlsx", "c.xlsx"},
		{"..", ""},
		{" \x00\x1f ", ""},
		{"e\u0301.xlsx", "\u00e9.xlsx"},
		{strings.Repeat("长", 300) + ".xlsx", strings.Repeat("长", 195) + ".xlsx"},
	} {
		if got := cleanName(c.in); got != c.want {
			t.Errorf("cleanName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLenientBase64(t *testing.T) {
	data := pseudoRandom(1000)
	enc := b64Lines(data)
	for name, in := range map[string]string{
		"lines":       enc,
		"no padding":  strings.TrimRight(strings.TrimSpace(enc), "="),
		"stray bytes": strings.ReplaceAll(enc, "\r\n", " \t*\r\n"),
		"url-safe":    strings.NewReplacer("+", "-", "/", "_").Replace(enc),
	} {
		got, err := readBody("base64", strings.NewReader(in), 1<<20)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestItemInvariants(t *testing.T) {
	// Everything the fixtures give back: names are names, sources say where.
	for _, f := range []string{"testdata/thunderbird.eml", "testdata/outlook.eml", "testdata/foxmail.eml"} {
		res := read(t, Limits{}, f)
		for _, it := range res.items {
			checkItem(t, it, DefaultLimits())
		}
	}
}

func checkItem(t testing.TB, it Item, lim Limits) {
	t.Helper()
	if it.Name == "" || strings.ContainsAny(it.Name, "/\\\x00") || !utf8.ValidString(it.Name) {
		t.Fatalf("bad Name %q", it.Name)
	}
	for _, r := range it.Name {
		if r < 0x20 || r == 0x7f {
			t.Fatalf("control character in Name %q", it.Name)
		}
	}
	if it.Source == "" || it.Path == "" || !utf8.ValidString(it.Source) {
		t.Fatalf("bad Source %q or Path %q", it.Source, it.Path)
	}
	if it.Problem == "" && (it.Data == nil || int64(len(it.Data)) > lim.MaxFileBytes) {
		t.Fatalf("item %q without problem has %d bytes", it.Name, len(it.Data))
	}
	if it.Sender != strings.ToLower(it.Sender) {
		t.Fatalf("Sender %q not lower case", it.Sender)
	}
	if (it.Problem != "") != (it.Reason != "" && it.Hint != "") || it.Problem != "" && (!strings.Contains(it.Reason, it.Name) || filepath.Dir(it.Path) != "." && strings.Contains(it.Reason, filepath.Dir(it.Path))) {
		t.Fatalf("item %q: problem %q, reason %q, hint %q: the reason names the file by its own name, never by the office's folder", it.Name, it.Problem, it.Reason, it.Hint)
	}
}

// fakeODF is the start of an OpenDocument file of a media type: its mimetype part, stored
// first.
func fakeODF(mediaType string) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	w.Write([]byte(mediaType))
	w, _ = z.Create("content.xml")
	w.Write([]byte("<office:document-content/>"))
	z.Close()
	return b.Bytes()
}

// TestODSCandidates: an .ods is a candidate by its name, and by its bytes when the name does
// not say (a nameless attachment, ATT00001.dat); an OpenDocument text is not.
func TestODSCandidates(t *testing.T) {
	ods := fakeODF("application/vnd.oasis.opendocument.spreadsheet")
	odt := fakeODF("application/vnd.oasis.opendocument.text")
	eml := email(
		b64Part([]string{"Content-Type: application/vnd.oasis.opendocument.spreadsheet"}, ods),
		b64Part([]string{"Content-Type: application/octet-stream", `Content-Disposition: attachment; filename="ATT00001.dat"`}, ods),
		b64Part([]string{"Content-Type: application/octet-stream", `Content-Disposition: attachment; filename="宝山镇.ods"`}, ods),
		b64Part([]string{"Content-Type: application/octet-stream", `Content-Disposition: attachment; filename="说明"`}, odt),
	)
	p := writeFile(t, t.TempDir(), "a.eml", []byte(eml))
	res := read(t, Limits{}, p)
	if got := res.names(); !reflect.DeepEqual(got, []string{"未命名附件.ods", "ATT00001.dat", "宝山镇.ods"}) || len(res.problems()) != 0 {
		t.Errorf("names %q problems %q skipped %q", got, res.problems(), res.skipped)
	}
	for _, it := range res.items {
		if !bytes.Equal(it.Data, ods) {
			t.Errorf("%s: not the bytes sent", it.Name)
		}
	}
}
