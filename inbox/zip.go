package inbox

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"unicode/utf8"

	"planreport/internal/xlsx"
)

var sigCentral = []byte("PK\x01\x02")

// openZip reads the candidates in a zip archive. It never extracts anything: names are only
// shown, so "../" in them is harmless.
func (r *reader) openZip(name, label string, data []byte, w where) {
	// archive/zip parses every central directory record it finds, whatever the end record
	// declares, so count the records first: memory stays bounded by MaxZipEntries.
	if n := bytes.Count(data, sigCentral); n > r.lim.MaxZipEntries {
		r.problem(name, label, w, nil, label, trouble{format: "压缩包 %s 中的文件超过 %d 个，未读取", args: []any{r.lim.MaxZipEntries}, hint: "请只压缩需要报送的表格，或直接发送表格文件"})
		return
	}
	zr, err := xlsx.OpenZip(data)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		r.problem(name, label, w, nil, label, trouble{format: "压缩包 %s 已损坏或不是 zip 格式（%s），无法读取", args: []any{zipErrText(err)}, hint: "请重新压缩后发送，或直接发送表格文件"})
		return
	}
	if len(zr.File) > r.lim.MaxZipEntries {
		r.problem(name, label, w, nil, label, trouble{format: "压缩包 %s 中的文件超过 %d 个，未读取", args: []any{r.lim.MaxZipEntries}, hint: "请只压缩需要报送的表格，或直接发送表格文件"})
		return
	}
	files := 0
	in := w // the entries: their sender knows them as in this archive
	in.sent = w.shown(name)
	for _, f := range zr.File {
		full := zipEntryName(f)
		if strings.HasSuffix(full, "/") || strings.HasSuffix(full, `\`) || f.Mode().IsDir() {
			continue
		}
		if ignoredZipPath(full) {
			continue
		}
		files++
		entry := cleanPath(full)
		src := label + " 中的 " + entry
		base := cleanName(full)
		k := kindSniff
		if base != "" {
			k = kindOf(base)
		}
		if k == kindOther {
			r.skip("%s 不是表格文件，已跳过", src)
			continue
		}
		body, tr := r.readEntry(f, in)
		if tr != nil {
			r.problem(base, src, in, nil, src, *tr)
			continue
		}
		if k == kindSniff {
			if k = r.sniff(base, body); k == kindOther {
				r.skip("%s 不是表格文件，已跳过", src)
				continue
			}
			if base == "" {
				base = "未命名文件" + defaultExt(k, body)
			}
		}
		r.dispatch(k, base, src, src, body, in)
	}
	if files == 0 {
		r.problem(name, label, w, nil, label, trouble{format: "压缩包 %s 是空的，没有任何文件", hint: "请放入报送表格后重新压缩发送"})
	}
}

// readEntry reads one entry within the limits, or says in Chinese why it did not and how to fix
// that.
func (r *reader) readEntry(f *zip.File, w where) ([]byte, *trouble) {
	const resend = "请重新压缩后发送，或直接发送表格文件"
	if f.Flags&0x1 != 0 {
		return nil, &trouble{format: "%s 设置了密码（加密压缩），无法读取", hint: "请去掉压缩包密码后重新压缩发送，或直接发送表格文件"}
	}
	size, packed := f.UncompressedSize64, f.CompressedSize64
	bomb := &trouble{format: "%s 解压后异常巨大（压缩比超过 %d 倍），疑似“压缩炸弹”，已拒绝读取", args: []any{r.lim.MaxRatio}, hint: "请直接发送表格文件，或重新压缩后发送"}
	if r.isBomb(size, packed) {
		return nil, bomb
	}
	if size > uint64(r.lim.MaxFileBytes) {
		return nil, &trouble{format: "%s 解压后为 %s，超过单个文件上限 %s，未读取", args: []any{sizeText(int64(min(size, 1<<62))), sizeText(r.lim.MaxFileBytes)}, hint: tooBigHint(kindSheet)}
	}
	budget := &trouble{format: "%s 未读取：压缩包解压后的总大小超过上限 %s", args: []any{sizeText(r.lim.MaxUnzippedBytes)}, hint: "请只压缩需要报送的表格，或分几次发送"}
	if size > uint64(max(*w.budget, 0)) {
		return nil, budget
	}
	limit := min(r.lim.MaxFileBytes, *w.budget)
	rc, err := f.Open()
	if err != nil {
		if errors.Is(err, zip.ErrAlgorithm) {
			return nil, &trouble{format: "%s 使用了不支持的压缩方式（编号 %d），无法读取", args: []any{f.Method}, hint: "请用系统自带的“压缩”功能（zip 格式）重新压缩，或直接发送表格文件"}
		}
		return nil, &trouble{format: "%s 已损坏，无法读取（%s）", args: []any{zipErrText(err)}, hint: resend}
	}
	defer rc.Close()
	data, n, err := readCounted(rc, limit, int64(size))
	*w.budget -= n
	switch {
	case errors.Is(err, errTooBig):
		if limit < r.lim.MaxFileBytes {
			return nil, budget
		}
		if r.isBomb(uint64(n), packed) {
			return nil, bomb
		}
		return nil, &trouble{format: "%s 解压后超过单个文件上限 %s，未读取", args: []any{sizeText(r.lim.MaxFileBytes)}, hint: tooBigHint(kindSheet)}
	case errors.Is(err, zip.ErrFormat):
		// archive/zip stops an entry that inflates past its declared size: the header lies.
		return nil, &trouble{format: "%s 记录的大小与实际内容不符（文件已损坏，或是恶意构造的“压缩炸弹”），已拒绝读取", hint: resend}
	case errors.Is(err, zip.ErrChecksum):
		return nil, &trouble{format: "%s 校验失败，文件已损坏", hint: resend}
	case err != nil:
		return nil, &trouble{format: "%s 已损坏或不完整，无法读取（%s）", args: []any{zipErrText(err)}, hint: resend}
	}
	if r.isBomb(uint64(len(data)), packed) {
		return nil, bomb
	}
	return data, nil
}

func (r *reader) isBomb(size, packed uint64) bool {
	if size <= RatioFloor {
		return false
	}
	return packed == 0 || size/packed > uint64(r.lim.MaxRatio)
}

// readCounted is readLimited that also tells how many bytes it consumed.
func readCounted(rd io.Reader, limit, hint int64) ([]byte, int64, error) {
	var buf bytes.Buffer
	if hint > 0 && hint <= limit {
		buf.Grow(int(hint) + bytes.MinRead) // ReadFrom grows the buffer unless MinRead bytes are free
	}
	n, err := buf.ReadFrom(io.LimitReader(rd, limit+1))
	if n > limit {
		return nil, n, errTooBig
	}
	if err != nil {
		return nil, n, err
	}
	return buf.Bytes(), n, nil
}

// sniffZip tells an OOXML workbook or an OpenDocument spreadsheet (candidates) from a zip
// archive (to open) and from other OOXML or ODF documents.
func (r *reader) sniffZip(data []byte) kind {
	if bytes.Count(data, sigCentral) > r.lim.MaxZipEntries {
		return kindZip // openZip says why it will not read it
	}
	zr, err := xlsx.OpenZip(data)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return kindSheet // a broken workbook: the workbook reader says what is wrong
	}
	document := false
	for _, f := range zr.File {
		switch f.Name {
		case "xl/workbook.xml":
			return kindSheet
		case "xl/workbook.bin":
			return kindForeign
		case "mimetype":
			if xlsx.OpenDocumentType(zr) == xlsx.ODS {
				return kindSheet
			}
			document = true
		case "[Content_Types].xml":
			document = true
		}
	}
	if document {
		return kindOther
	}
	return kindZip
}

func defaultExt(k kind, data []byte) string {
	switch {
	case k == kindZip:
		return ".zip"
	case k == kindEML:
		return ".eml"
	case bytes.HasPrefix(data, magicOLE):
		return ".xls"
	case bytes.Contains(data[:min(len(data), 100)], []byte(xlsx.ODS)):
		return ".ods" // the mimetype part comes first, stored
	}
	return ".xlsx"
}

// zipEntryName decodes an entry's name: the Info-ZIP Unicode Path field when present and
// matching, the raw name when flag bit 11 says UTF-8 or the bytes are valid UTF-8, otherwise
// GB18030 (Windows zippers in Chinese locales write names in GBK with no flag).
func zipEntryName(f *zip.File) string {
	if name, ok := unicodePathExtra(f.Extra, f.Name); ok {
		return name
	}
	if f.Flags&0x800 != 0 || utf8.ValidString(f.Name) {
		return toUTF8(f.Name)
	}
	return gb18030String([]byte(f.Name))
}

func unicodePathExtra(extra []byte, raw string) (string, bool) {
	for len(extra) >= 4 {
		tag := binary.LittleEndian.Uint16(extra)
		size := int(binary.LittleEndian.Uint16(extra[2:]))
		extra = extra[4:]
		if size > len(extra) {
			break
		}
		field := extra[:size]
		extra = extra[size:]
		if tag == 0x7075 && len(field) > 5 && field[0] == 1 &&
			binary.LittleEndian.Uint32(field[1:]) == crc32.ChecksumIEEE([]byte(raw)) && utf8.Valid(field[5:]) {
			return string(field[5:]), true
		}
	}
	return "", false
}

// ignoredZipPath tells entries that zippers add on their own: __MACOSX/ resource forks,
// dot folders, lock files and folder litter.
func ignoredZipPath(full string) bool {
	parts := strings.FieldsFunc(full, func(r rune) bool { return r == '/' || r == '\\' })
	for i, p := range parts {
		if p == "." || p == ".." {
			continue
		}
		if i == len(parts)-1 {
			return ignoredFile(p)
		}
		if ignoredDir(p) {
			return true
		}
	}
	return false
}

func zipErrText(err error) string {
	switch {
	case errors.Is(err, zip.ErrFormat):
		return "格式错误"
	case errors.Is(err, zip.ErrChecksum):
		return "校验失败"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "内容不完整，可能没有下载完整"
	}
	return err.Error()
}
