package plan

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"planreport/internal/xlsx"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// maxDocumentXML is the largest uncompressed word/document.xml that
// DocumentText accepts. It guards against zip bombs.
const maxDocumentXML = 64 << 20

// Formats reported by DocumentText.
const (
	FormatUTF8    = "utf-8"
	FormatUTF16   = "utf-16"
	FormatGB18030 = "gb18030"
	FormatDocx    = "docx"
)

// Magic numbers recognised by DocumentText.
var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
	zipMagic   = []byte("PK\x03\x04")
	zipEmpty   = []byte("PK\x05\x06") // an empty zip archive: only the end record
	oleMagic   = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	pdfMagic   = []byte("%PDF-")
	rtfMagic   = []byte(`{\rtf`)
)

// Hint appended to most errors: how the user can fix the input.
const saveAsHint = "请在 Word、WPS 或记事本中另存为 UTF-8 文本或 .docx 后重试"

// DocumentText returns the text of a plan document: UTF-8, UTF-8 with BOM, UTF-16 LE/BE with BOM,
// or GB18030/GBK text (detected, no flag), or a .docx (detected by content: a zip holding
// word/document.xml, not by name). name is only used in error messages.
// It returns the text with "\n" line ends (one line per paragraph for docx) and the detected
// format, one of "utf-8", "utf-16", "gb18030", "docx".
func DocumentText(name string, data []byte) (text string, format string, err error) {
	if len(data) == 0 {
		return "", "", fmt.Errorf("%s：文件为空。请确认选择了正确的文件", name)
	}
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		if !utf8.Valid(data[len(bomUTF8):]) {
			return "", "", fmt.Errorf("%s：文件以 UTF-8 BOM 开头，但内容不是有效的 UTF-8，文件可能已损坏。%s", name, saveAsHint)
		}
		text, err = decodeWith(unicode.UTF8BOM.NewDecoder().Bytes(data))
		format = FormatUTF8
	case bytes.HasPrefix(data, bomUTF16LE), bytes.HasPrefix(data, bomUTF16BE):
		order := unicode.LittleEndian
		if bytes.HasPrefix(data, bomUTF16BE) {
			order = unicode.BigEndian
		}
		if len(data)%2 != 0 {
			return "", "", fmt.Errorf("%s：文件以 UTF-16 BOM 开头，但长度为奇数字节，文件可能已损坏。%s", name, saveAsHint)
		}
		text, err = decodeWith(unicode.UTF16(order, unicode.ExpectBOM).NewDecoder().Bytes(data))
		if err == nil && strings.ContainsRune(text, utf8.RuneError) {
			return "", "", fmt.Errorf("%s：文件以 UTF-16 BOM 开头，但内容不是有效的 UTF-16，文件可能已损坏。%s", name, saveAsHint)
		}
		format = FormatUTF16
	case bytes.HasPrefix(data, zipMagic), bytes.HasPrefix(data, zipEmpty):
		text, err = docxText(name, data)
		if err != nil {
			return "", "", err
		}
		return text, FormatDocx, nil
	case bytes.HasPrefix(data, oleMagic):
		return "", "", fmt.Errorf("%s：这是旧版 Word .doc 文件（或其他旧版 Office/WPS 二进制文件），无法直接读取。请在 Word/WPS 中打开后另存为 .docx 再重试", name)
	case bytes.HasPrefix(data, pdfMagic):
		return "", "", fmt.Errorf("%s：这是 PDF 文件，无法直接读取。请使用原始的 Word 文档（另存为 .docx），或将文字复制到记事本中另存为 UTF-8 文本后重试", name)
	case bytes.HasPrefix(data, rtfMagic):
		return "", "", fmt.Errorf("%s：这是 RTF 文件，无法直接读取。请在 Word/WPS 中打开后另存为 .docx 再重试", name)
	case utf8.Valid(data):
		text, format = string(data), FormatUTF8
	default:
		text, err = decodeWith(simplifiedchinese.GB18030.NewDecoder().Bytes(data))
		if err != nil || strings.ContainsRune(text, utf8.RuneError) || hasControlChars(text) {
			return "", "", fmt.Errorf("%s：不是可识别的文本或 .docx 文件（编码既不是 UTF-8 也不是 GB18030，或含有二进制数据）。%s", name, saveAsHint)
		}
		format = FormatGB18030
	}
	if err != nil {
		return "", "", fmt.Errorf("%s：无法解码文本（%v）。%s", name, err, saveAsHint)
	}
	if strings.IndexByte(text, 0) >= 0 {
		return "", "", fmt.Errorf("%s：文件含有二进制数据（NUL 字节），不是文本文件。如果是不带 BOM 的 UTF-16 文本，%s", name, saveAsHint)
	}
	text = normalizeNewlines(strings.TrimPrefix(text, "\uFEFF"))
	if text == "" {
		return "", "", fmt.Errorf("%s：文件为空（只有字节顺序标记 BOM）。请确认选择了正确的文件", name)
	}
	return text, format, nil
}

// decodeWith converts the result of an x/text decoder into a string.
func decodeWith(b []byte, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// hasControlChars reports whether s holds C0 control characters that do not
// occur in ordinary text files. It is used to reject binary data that happens
// to decode as GB18030.
func hasControlChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1A {
			return true
		}
	}
	return false
}

// normalizeNewlines turns CRLF and lone CR into LF.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// errDocumentTooLarge is returned by the XML walk when word/document.xml
// exceeds maxDocumentXML.
var errDocumentTooLarge = errors.New("word/document.xml too large")

// docxText extracts the paragraphs of a .docx file held in data.
func docxText(name string, data []byte) (string, error) {
	zr, err := xlsx.OpenZip(data)
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		return "", fmt.Errorf("%s：是 zip/.docx 格式但文件已损坏，无法打开（%w）。请在 Word/WPS 中重新另存为 .docx 后重试", name, err)
	}
	var doc *zip.File
	var names []string
	for _, f := range zr.File {
		n := strings.ReplaceAll(f.Name, "\\", "/")
		names = append(names, n)
		if doc == nil && strings.EqualFold(n, "word/document.xml") {
			doc = f
		}
	}
	if doc == nil {
		return "", notDocxError(name, zr, names)
	}
	if doc.UncompressedSize64 > maxDocumentXML {
		return "", fmt.Errorf("%s：文档正文过大（word/document.xml 解压后超过 %d MiB），拒绝读取。请确认文件正确，或删除其中的大段内容后重试", name, maxDocumentXML>>20)
	}
	rc, err := doc.Open()
	if err != nil {
		return "", fmt.Errorf("%s：.docx 文件已损坏，无法读取正文（%w）。请在 Word/WPS 中重新另存为 .docx 后重试", name, err)
	}
	defer rc.Close()
	// Read at most one byte more than the limit, so that an archive whose
	// header understates the size cannot make us read without bound.
	lr := &io.LimitedReader{R: rc, N: maxDocumentXML + 1}
	text, err := documentXMLText(lr)
	if lr.N <= 0 || errors.Is(err, errDocumentTooLarge) {
		return "", fmt.Errorf("%s：文档正文过大（word/document.xml 解压后超过 %d MiB），拒绝读取。请确认文件正确，或删除其中的大段内容后重试", name, maxDocumentXML>>20)
	}
	if err != nil {
		return "", fmt.Errorf("%s：.docx 文件已损坏，正文无法解析（%w）。请在 Word/WPS 中重新另存为 .docx 后重试", name, err)
	}
	return text, nil
}

// notDocxError explains what a zip archive without word/document.xml is.
func notDocxError(name string, zr *zip.Reader, names []string) error {
	has := func(want string) bool {
		for _, n := range names {
			if strings.EqualFold(n, want) {
				return true
			}
		}
		return false
	}
	switch {
	case has("xl/workbook.xml"):
		return fmt.Errorf("%s：这是 Excel 表格（.xlsx），不是 Word 文档。请把计划正文另存为 .docx 或 UTF-8 文本后重试", name)
	case has("ppt/presentation.xml"):
		return fmt.Errorf("%s：这是 PowerPoint 演示文稿（.pptx），不是 Word 文档。请把计划正文另存为 .docx 或 UTF-8 文本后重试", name)
	case has("content.xml") && has("mimetype"):
		return fmt.Errorf("%s：这是 OpenDocument 文件（如 .odt），不是 .docx。请在 WPS/LibreOffice 中另存为 .docx 后重试", name)
	}
	return fmt.Errorf("%s：是 zip 压缩包，但不是 .docx 文件（缺少 word/document.xml）。如果是压缩包，请先解压；否则%s", name, saveAsHint)
}

// XML namespaces used in word/document.xml.
const (
	nsWordTransitional = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsWordStrict       = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	nsMarkupCompat     = "http://schemas.openxmlformats.org/markup-compatibility/2006"
)

// frameKind is the kind of an open block element while walking document.xml.
type frameKind int

const (
	framePara frameKind = iota
	frameCell
	frameRow
)

// frame collects the text of an open paragraph, table cell or table row.
type frame struct {
	kind  frameKind
	text  strings.Builder // paragraph and cell text
	cells []cell          // row cells

	span  int  // a cell's grid columns (w:gridSpan), 1 if not merged across
	vcont bool // a cell that continues the one above it (w:vMerge without restart)
}

// cell is a table cell's text and how it is merged.
type cell struct {
	text  string
	span  int
	vcont bool
}

// docWalker turns the token stream of word/document.xml into lines.
type docWalker struct {
	out    strings.Builder
	stack  []*frame
	inText int      // depth of open w:t elements
	tables []*table // the open tables, innermost last
}

// table is an open w:tbl: the last row's text by grid column, for vertically merged cells.
type table struct {
	above []string
}

// cellProps is what DocumentText reads of a cell's w:tcPr: how it is merged.
type cellProps struct {
	GridSpan *struct {
		Val string `xml:"val,attr"`
	} `xml:"gridSpan"`
	VMerge *struct {
		Val string `xml:"val,attr"`
	} `xml:"vMerge"`
}

// inCell reports whether a table cell is open.
func (w *docWalker) inCell() bool {
	for _, f := range w.stack {
		if f.kind == frameCell {
			return true
		}
	}
	return false
}

// documentXMLText walks word/document.xml with a streaming decoder and
// returns one line per paragraph (or table row), each ended by "\n".
func documentXMLText(r io.Reader) (string, error) {
	d := xml.NewDecoder(r)
	w := &docWalker{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space == nsMarkupCompat && t.Name.Local == "Fallback" {
				// mc:Fallback repeats the content of mc:Choice (e.g. text
				// boxes as VML); reading both would duplicate the text.
				if err := d.Skip(); err != nil {
					return "", err
				}
				continue
			}
			if !isWord(t.Name) {
				continue
			}
			switch t.Name.Local {
			case "tcPr":
				var pr cellProps
				if err := d.DecodeElement(&pr, &t); err != nil {
					return "", err
				}
				w.cellProps(pr)
			case "tbl":
				w.tables = append(w.tables, &table{})
			case "del", "moveFrom", "delText", "instrText", "pPr", "rPr", "tblPr", "trPr", "sectPr":
				// Deleted text, field codes and properties hold no visible text.
				// (pPr also holds w:tabs/w:tab tab stops, which are not tabs.)
				if err := d.Skip(); err != nil {
					return "", err
				}
			case "p":
				w.push(framePara)
			case "tc":
				w.push(frameCell)
			case "tr":
				w.push(frameRow)
			case "t":
				w.inText++
			case "tab", "ptab":
				w.write("\t")
			case "br", "cr":
				w.write("\n")
			case "noBreakHyphen":
				w.write("-")
			}
		case xml.EndElement:
			if !isWord(t.Name) {
				continue
			}
			switch t.Name.Local {
			case "p":
				w.pop(framePara)
			case "tc":
				w.pop(frameCell)
			case "tr":
				w.pop(frameRow)
			case "tbl":
				if len(w.tables) > 0 {
					w.tables = w.tables[:len(w.tables)-1]
				}
			case "t":
				if w.inText > 0 {
					w.inText--
				}
			}
		case xml.CharData:
			if w.inText > 0 {
				w.write(string(t))
			}
		}
		if w.out.Len() > maxDocumentXML {
			return "", errDocumentTooLarge
		}
	}
	// Close elements left open by a truncated-but-parsable document.
	for len(w.stack) > 0 {
		w.pop(w.stack[len(w.stack)-1].kind)
	}
	return w.out.String(), nil
}

// isWord reports whether n is in a WordprocessingML namespace.
func isWord(n xml.Name) bool {
	return n.Space == nsWordTransitional || n.Space == nsWordStrict
}

func (w *docWalker) push(k frameKind) {
	w.stack = append(w.stack, &frame{kind: k, span: 1})
}

// cellProps records how the innermost open cell is merged.
func (w *docWalker) cellProps(pr cellProps) {
	for i := len(w.stack) - 1; i >= 0; i-- {
		if f := w.stack[i]; f.kind == frameCell {
			if pr.GridSpan != nil {
				if n, err := strconv.Atoi(pr.GridSpan.Val); err == nil && n > 1 && n <= 64 {
					f.span = n
				}
			}
			f.vcont = pr.VMerge != nil && pr.VMerge.Val != "restart"
			return
		}
	}
}

// rowText lays a row's cells on the table's grid: a cell merged across (w:gridSpan) is
// followed by empty cells for the columns it covers, and a cell that continues the one above
// (w:vMerge) repeats its text, so that a lead unit merged down several rows leads each.
func (w *docWalker) rowText(cells []cell, sep string) string {
	var t *table
	if len(w.tables) > 0 {
		t = w.tables[len(w.tables)-1]
	}
	var grid []string
	for _, c := range cells {
		text := c.text
		if c.vcont && t != nil && len(grid) < len(t.above) {
			text = t.above[len(grid)]
		}
		grid = append(grid, text)
		for i := 1; i < c.span; i++ {
			if c.vcont && t != nil && len(grid) < len(t.above) {
				grid = append(grid, t.above[len(grid)])
			} else {
				grid = append(grid, "")
			}
		}
	}
	if t != nil {
		t.above = grid
	}
	if strings.TrimSpace(strings.Join(grid, "")) == "" {
		return ""
	}
	return strings.Join(grid, sep)
}

// write appends run text to the innermost paragraph or cell. Inside a table
// cell, line breaks are dropped and tabs become spaces, so that a table row
// stays one line with "\t" between cells.
func (w *docWalker) write(s string) {
	s = normalizeNewlines(s) // "&#13;" in XML text yields a CR
	if w.inCell() {
		s = strings.ReplaceAll(s, "\n", "")
		s = strings.ReplaceAll(s, "\t", " ")
	}
	for i := len(w.stack) - 1; i >= 0; i-- {
		if f := w.stack[i]; f.kind != frameRow {
			f.text.WriteString(s)
			return
		}
	}
	// Text outside any paragraph (invalid, but harmless): keep it on its own.
	if s != "" {
		w.out.WriteString(s)
		w.out.WriteString("\n")
	}
}

// pop closes the innermost frame of kind k (and any frames opened inside it
// that were not closed) and hands its text to the enclosing frame, or to the
// output if it is at the top level.
func (w *docWalker) pop(k frameKind) {
	idx := -1
	for i := len(w.stack) - 1; i >= 0; i-- {
		if w.stack[i].kind == k {
			idx = i
			break
		}
	}
	if idx < 0 {
		return // unmatched end element
	}
	for len(w.stack) > idx {
		f := w.stack[len(w.stack)-1]
		w.stack = w.stack[:len(w.stack)-1]
		var s string
		switch f.kind {
		case frameRow:
			sep := "\t"
			if w.inCell() {
				sep = " " // a table nested in a cell
			}
			s = w.rowText(f.cells, sep)
		default:
			s = f.text.String()
		}
		w.deliver(f, s)
	}
}

// deliver hands the text of a closed frame to the enclosing frame.
func (w *docWalker) deliver(f *frame, s string) {
	if len(w.stack) == 0 {
		w.out.WriteString(s)
		w.out.WriteString("\n")
		return
	}
	parent := w.stack[len(w.stack)-1]
	switch parent.kind {
	case frameRow:
		parent.cells = append(parent.cells, cell{text: s, span: f.span, vcont: f.vcont})
	case frameCell:
		// Paragraphs of one cell are joined with a space: a cell that lists one unit a
		// line must not glue their names together (区司法局区财政局).
		if s != "" && parent.text.Len() > 0 {
			parent.text.WriteString(" ")
		}
		parent.text.WriteString(s)
	case framePara:
		// A paragraph nested in a paragraph (a text box): keep it on its own
		// line, unless we are inside a table cell.
		if s == "" {
			return
		}
		if !w.inCell() {
			parent.text.WriteString("\n")
		}
		parent.text.WriteString(s)
	}
}
