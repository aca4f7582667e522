package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParts feeds anything to the reader's part parsers, as a sheet, shared strings,
// relationships, a workbook, custom and core properties, and an .ods's content and meta,
// seeded with the parts of workbooks real clients saved (the workbook package's samples).
func FuzzParts(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "workbook", "testdata", "*.xlsx"))
	odsPaths, _ := filepath.Glob(filepath.Join("..", "..", "workbook", "testdata", "*.ods"))
	paths = append(paths, odsPaths...)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			f.Fatal(err)
		}
		for _, zf := range zr.File {
			if !strings.HasSuffix(zf.Name, ".xml") && !strings.HasSuffix(zf.Name, ".rels") {
				continue
			}
			rc, err := zf.Open()
			if err != nil {
				continue
			}
			part, _ := io.ReadAll(io.LimitReader(rc, 8<<10)) // the start of a big part is as good a seed
			rc.Close()
			f.Add(part)
		}
	}
	f.Add([]byte(`<worksheet><sheetData><row><c t="inlineStr"><is><t>&#x4E2D;&amp;</t></is></c><c><f>1+1</f></c></row></sheetData></worksheet>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		x := &File{sst: []string{"a", "b"}}
		x.parseSheet(data)
		x.readSharedStrings(data)
		x.relationships(data)
		x.readWorkbook(data, map[string]string{"rId1": "xl/worksheets/sheet1.xml"})
		x.readCustomProps(data)
		x.readTitle(data)
		x.readContent(data)
		x.readMeta(data)
		EvalArithmetic(string(data))
	})
}
