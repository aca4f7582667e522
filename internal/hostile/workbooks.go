package hostile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"strings"
)

// The hostile workbooks below are made from a template filled correctly (filled): each is a
// valid template but for its one hostile part, so that what a reader makes of it is down to
// that part alone.

// SharedStringsBomb puts an XML bomb (billion laughs, 10^levels "lol") and an external entity
// into the shared strings: the string holding marker refers to them instead.
func SharedStringsBomb(filled []byte, marker string, levels int) ([]byte, error) {
	sst, err := Part(filled, "xl/sharedStrings.xml")
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(sst, []byte(marker)) {
		return nil, fmt.Errorf("no %q among the shared strings", marker)
	}
	doctype, ref := BillionLaughs("sst", levels)
	sst = bytes.Replace(InsertDoctype(sst, doctype), []byte(marker), []byte(ref), 1)
	return RewriteZip(filled, map[string]func(io.Writer) error{"xl/sharedStrings.xml": writeBytes(sst)})
}

// SheetBomb puts an XML bomb and an external entity into a sheet: cell (I2) holds an inline
// string referring to them.
func SheetBomb(filled []byte, sheet, cell string, levels int) ([]byte, error) {
	part, xml, err := sheetXML(filled, sheet)
	if err != nil {
		return nil, err
	}
	doctype, ref := BillionLaughs("worksheet", levels)
	xml, err = ReplaceCell(InsertDoctype(xml, doctype), cell, InlineCell(cell, ref, true))
	if err != nil {
		return nil, err
	}
	return RewriteZip(filled, map[string]func(io.Writer) error{part: writeBytes(xml)})
}

// ZipBomb pads a sheet's part with mib MiB of white space after its XML: a highly
// compressible part (about 1000:1) that expands beyond any sane limit.
func ZipBomb(filled []byte, sheet string, mib int) ([]byte, error) {
	part, xml, err := sheetXML(filled, sheet)
	if err != nil {
		return nil, err
	}
	return RewriteZip(filled, map[string]func(io.Writer) error{part: nil}, PaddedEntry(part, xml, mib))
}

// RatioBomb is a zip archive holding one entry, name, of mib MiB of white space: what an
// archive's reader must refuse by its compression ratio or its size.
func RatioBomb(name string, mib int) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	e := PaddedEntry(name, nil, mib)
	w, err := zw.CreateRaw(&e.header)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(e.data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// PaddedEntry is a deflated zip entry holding head and then mib MiB of spaces. The padding is
// one deflated MiB repeated (deflate blocks ending in a sync flush can follow each other), so
// that making a 256 MiB entry takes a fraction of a second.
func PaddedEntry(name string, head []byte, mib int) rawEntry {
	pad := bytes.Repeat([]byte(" "), 1<<20)
	var first, block, tail bytes.Buffer
	fw, _ := flate.NewWriter(&first, flate.BestCompression)
	fw.Write(head)
	fw.Write(pad)
	fw.Flush()
	fw.Reset(&block) // a fresh window: the block refers to nothing before it
	fw.Write(pad)
	fw.Flush()
	fw.Reset(&tail)
	fw.Close() // an empty final block
	// A block from a fresh window starts with a literal space, then refers back: it decodes
	// the same after the previous MiB of spaces.
	crc := crc32.NewIEEE()
	crc.Write(head)
	for range mib {
		crc.Write(pad)
	}
	size := uint64(len(head)) + uint64(mib)<<20
	data := make([]byte, 0, first.Len()+max(mib-1, 0)*block.Len()+tail.Len())
	if mib > 0 {
		data = append(data, first.Bytes()...)
		for range mib - 1 {
			data = append(data, block.Bytes()...)
		}
	} else {
		var only bytes.Buffer
		fw.Reset(&only)
		fw.Write(head)
		fw.Flush()
		data = append(data, only.Bytes()...)
	}
	data = append(data, tail.Bytes()...)
	return rawEntry{
		header: zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc.Sum32(), CompressedSize64: uint64(len(data)), UncompressedSize64: size},
		data:   data,
	}
}

// EmptyRows adds n empty rows with a style (as a client that formats whole columns writes
// them: <row r="N" s="1" customFormat="1"/>) after row last of a sheet, streamed: a million
// of them make a 2.5 MB file.
func EmptyRows(filled []byte, sheet string, last, n int) ([]byte, error) {
	part, xml, err := sheetXML(filled, sheet)
	if err != nil {
		return nil, err
	}
	end := bytes.Index(xml, []byte("</sheetData>"))
	if end < 0 {
		return nil, fmt.Errorf("%s: no </sheetData>", part)
	}
	return RewriteZip(filled, map[string]func(io.Writer) error{part: func(w io.Writer) error {
		if _, err := w.Write(xml[:end]); err != nil {
			return err
		}
		var b []byte
		for r := last + 1; r <= last+n; r++ {
			b = append(b, `<row r="`...)
			b = strconv.AppendInt(b, int64(r), 10)
			b = append(b, `" s="1" customFormat="1"/>`...)
			if len(b) > 60<<10 || r == last+n {
				if _, err := w.Write(b); err != nil {
					return err
				}
				b = b[:0]
			}
		}
		_, err := w.Write(xml[end:])
		return err
	}})
}

// TextRows adds n rows after row last of a sheet, each with an "x" in column B and no task
// id: a row added by the unit, as the rules see each of them.
func TextRows(filled []byte, sheet string, last, n int) ([]byte, error) {
	part, xml, err := sheetXML(filled, sheet)
	if err != nil {
		return nil, err
	}
	end := bytes.Index(xml, []byte("</sheetData>"))
	if end < 0 {
		return nil, fmt.Errorf("%s: no </sheetData>", part)
	}
	return RewriteZip(filled, map[string]func(io.Writer) error{part: func(w io.Writer) error {
		if _, err := w.Write(xml[:end]); err != nil {
			return err
		}
		var b []byte
		for r := last + 1; r <= last+n; r++ {
			b = append(b, `<row r="`...)
			b = strconv.AppendInt(b, int64(r), 10)
			b = append(b, `"><c r="B`...)
			b = strconv.AppendInt(b, int64(r), 10)
			b = append(b, `" t="inlineStr"><is><t>x</t></is></c></row>`...)
			if len(b) > 60<<10 || r == last+n {
				if _, err := w.Write(b); err != nil {
					return err
				}
				b = b[:0]
			}
		}
		_, err := w.Write(xml[end:])
		return err
	}})
}

// WideRow fills row 1 of a sheet from column from (1-based) to XFD, the 16,384th, with text.
func WideRow(filled []byte, sheet string, from int) ([]byte, error) {
	part, xml, err := sheetXML(filled, sheet)
	if err != nil {
		return nil, err
	}
	i := bytes.Index(xml, []byte(`<row r="1"`))
	if i < 0 {
		return nil, fmt.Errorf("%s: no row 1", part)
	}
	end := bytes.Index(xml[i:], []byte("</row>"))
	if end < 0 {
		return nil, fmt.Errorf("%s: row 1 does not end", part)
	}
	end += i
	var b strings.Builder
	for c := from; c <= 16384; c++ {
		ref := ColumnName(c) + "1"
		b.WriteString(InlineCell(ref, "列"+ref, false))
	}
	out := append(append(append([]byte(nil), xml[:end]...), b.String()...), xml[end:]...)
	// A <dimension> that says less is what WPS writes; leave it.
	return RewriteZip(filled, map[string]func(io.Writer) error{part: writeBytes(out)})
}

// ColumnName is a column's letters: 1 is A, 16384 is XFD.
func ColumnName(n int) string {
	s := ""
	for n > 0 {
		n--
		s = string(rune('A'+n%26)) + s
		n /= 26
	}
	return s
}

func sheetXML(filled []byte, sheet string) (part string, xml []byte, err error) {
	if part, err = SheetPart(filled, sheet); err != nil {
		return "", nil, err
	}
	xml, err = Part(filled, part)
	return part, xml, err
}

func writeBytes(b []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}
}
