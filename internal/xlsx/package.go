package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Package is a workbook's zip package opened for editing part by part: parts not changed are
// copied to the output as they are, still compressed, in their order.
type Package struct {
	zr      *zip.Reader
	files   map[string]*zip.File
	order   []string
	read    map[string][]byte // parts as the package has them, once read
	changed map[string][]byte // parts replaced or added; nil for a part deleted
	budget  int64             // uncompressed bytes left to read
	wb      string            // the workbook part
}

// The content types and relationship types a feedback workbook adds.
const (
	typeWorksheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
	typeComments  = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
	typeVML       = "application/vnd.openxmlformats-officedocument.vmlDrawing"
	relWorksheet  = relationshipsNS + "/worksheet"
	relComments   = relationshipsNS + "/comments"
	relVML        = relationshipsNS + "/vmlDrawing"
	contentTypes  = "[Content_Types].xml"
)

// OpenPackage opens a workbook's package (OpenZip) for editing; it reads at most maxUnzipped
// bytes of parts in all.
func OpenPackage(zr *zip.Reader, maxUnzipped int64) (*Package, error) {
	p := &Package{zr: zr, files: map[string]*zip.File{}, read: map[string][]byte{}, changed: map[string][]byte{},
		budget: maxUnzipped, wb: "xl/workbook.xml"}
	for _, zf := range zr.File {
		if _, dup := p.files[zf.Name]; dup || zf.Name != strings.TrimPrefix(zf.Name, "/") || strings.Contains(zf.Name, `\`) {
			return nil, ErrUnusualXML
		}
		p.files[zf.Name] = zf
		p.order = append(p.order, zf.Name)
	}
	if rels, err := p.Read("_rels/.rels"); err == nil {
		for _, rel := range relationshipsOf(rels) {
			if strings.HasSuffix(rel.typ, "/officeDocument") {
				p.wb = resolvePart("", rel.target)
			}
		}
	}
	if !p.Has(p.wb) {
		return nil, ErrNotSpreadsheet
	}
	return p, nil
}

// Has tells whether the package has a part.
func (p *Package) Has(name string) bool {
	if b, ok := p.changed[name]; ok {
		return b != nil
	}
	return p.files[name] != nil
}

// Read returns a part's bytes as they now are. A part is inflated once, however often it is
// read (a workbook's relationships are read for every sheet).
func (p *Package) Read(name string) ([]byte, error) {
	if b, ok := p.changed[name]; ok {
		if b == nil {
			return nil, errNoPart
		}
		return b, nil
	}
	if b, ok := p.read[name]; ok {
		return b, nil
	}
	zf := p.files[name]
	if zf == nil {
		return nil, errNoPart
	}
	if zf.UncompressedSize64 > uint64(p.budget) {
		return nil, ErrTooBig
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, p.budget+1))
	if err != nil {
		return nil, err
	}
	if p.budget -= int64(len(b)); p.budget < 0 {
		return nil, ErrTooBig
	}
	if hasDoctype(b) {
		return nil, ErrDoctype
	}
	p.read[name] = b
	return b, nil
}

// Set replaces or adds a part.
func (p *Package) Set(name string, data []byte) {
	if data == nil {
		data = []byte{}
	}
	p.change(name, data)
}

// change records a part's new bytes, nil for a part deleted; a new part goes last.
func (p *Package) change(name string, data []byte) {
	if _, known := p.changed[name]; !known && p.files[name] == nil {
		p.order = append(p.order, name)
	}
	p.changed[name] = data
}

// Delete removes a part.
func (p *Package) Delete(name string) { p.change(name, nil) }

// WriteTo writes the package: parts not changed copied still compressed.
func (p *Package) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	zw := NewZip(cw)
	for _, name := range p.order {
		b, changed := p.changed[name]
		switch {
		case changed && b == nil:
		case changed:
			f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: p.stamp()})
			if err != nil {
				return cw.n, err
			}
			if _, err := f.Write(b); err != nil {
				return cw.n, err
			}
		default:
			zf := p.files[name]
			raw, err := zf.OpenRaw()
			if err != nil {
				return cw.n, err
			}
			f, err := zw.CreateRaw(&zf.FileHeader)
			if err != nil {
				return cw.n, err
			}
			if _, err := io.Copy(f, raw); err != nil {
				return cw.n, err
			}
		}
	}
	err := zw.Close()
	return cw.n, err
}

// stamp is the time new parts are stamped with: the first part's, so that the same edits of
// the same workbook give the same bytes.
func (p *Package) stamp() (t time.Time) {
	if len(p.zr.File) > 0 {
		return p.zr.File[0].Modified
	}
	return t
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// relationshipsOf lists a relationships part's relationships.
func relationshipsOf(data []byte) []relationship {
	var x File
	return x.relationships(data)
}

// relsPart is the relationships part of a part.
func relsPart(part string) string {
	return path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
}

// Related is the part a part is related to by a relationship of that type (its URI's last
// element, "styles"), and the relationship's id; false when there is none.
func (p *Package) Related(from, typ string) (part, id string, ok bool) {
	rels, err := p.Read(relsPart(from))
	if err != nil {
		return "", "", false
	}
	for _, rel := range relationshipsOf(rels) {
		if strings.HasSuffix(rel.typ, "/"+typ) {
			return resolvePart(path.Dir(from), rel.target), rel.id, true
		}
	}
	return "", "", false
}

// RelatedByID is the part a relationship id of a part points to.
func (p *Package) RelatedByID(from, id string) (part string, ok bool) {
	rels, err := p.Read(relsPart(from))
	if err != nil {
		return "", false
	}
	for _, rel := range relationshipsOf(rels) {
		if rel.id == id {
			return resolvePart(path.Dir(from), rel.target), true
		}
	}
	return "", false
}

// relate adds a relationship from a part to another; it returns its id.
func (p *Package) relate(from, typ, to string) (string, error) {
	name := relsPart(from)
	rels, err := p.Read(name)
	if errors.Is(err, errNoPart) {
		rels = []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`)
	} else if err != nil {
		return "", err
	}
	taken := map[string]bool{}
	for _, rel := range relationshipsOf(rels) {
		taken[rel.id] = true
	}
	id := ""
	for n := 1; id == "" || taken[id]; n++ {
		id = "rId" + strconv.Itoa(n)
	}
	target := relativeTarget(path.Dir(from), to)
	end := bytes.LastIndex(rels, []byte("</Relationships>"))
	if end < 0 {
		return "", ErrUnusualXML
	}
	rel := `<Relationship Id="` + id + `" Type="` + typ + `" Target="` + Escape(target) + `"/>`
	p.Set(name, concat(rels[:end], rel, rels[end:]))
	return id, nil
}

// elements reads a part whose root element is named root: its bytes, root and children.
func (p *Package) elements(part, name string) (b []byte, r element, kids []element, err error) {
	if b, err = p.Read(part); err != nil {
		return nil, r, nil, err
	}
	if r, err = root(b, name); err != nil {
		return nil, r, nil, err
	}
	kids, err = children(b, r.startEnd, r.inner)
	return b, r, kids, err
}

// unrelate removes a relationship of a part.
func (p *Package) unrelate(from, id string) error {
	name := relsPart(from)
	rels, _, kids, err := p.elements(name, "Relationships")
	if err != nil {
		return err
	}
	for _, k := range kids {
		if k.name == "Relationship" && attrValue(k.attrs, "Id") == id {
			p.Set(name, concat(rels[:k.start], "", rels[k.end:]))
		}
	}
	return nil
}

// relativeTarget is a relationship's target from the folder dir to part.
func relativeTarget(dir, part string) string {
	switch {
	case dir == "." || dir == "":
		return part
	case strings.HasPrefix(part, dir+"/"):
		return strings.TrimPrefix(part, dir+"/")
	case strings.HasPrefix(part, path.Dir(dir)+"/") || path.Dir(dir) == ".":
		return "../" + strings.TrimPrefix(part, path.Dir(dir)+"/")
	}
	return "/" + part
}

func concat(a []byte, mid string, b []byte) []byte {
	out := make([]byte, 0, len(a)+len(mid)+len(b))
	return append(append(append(out, a...), mid...), b...)
}

// declare gives a part its content type (an Override); a part deleted loses its own when
// typ is "".
func (p *Package) declare(part, typ string) error {
	ct, r, kids, err := p.elements(contentTypes, "Types")
	if err != nil {
		return err
	}
	var e edits
	for _, k := range kids {
		if k.name == "Override" && strings.TrimPrefix(attrValue(k.attrs, "PartName"), "/") == part {
			e.replace(k.start, k.end, "")
		}
	}
	if typ != "" {
		e.insert(r.inner, `<Override PartName="/`+Escape(part)+`" ContentType="`+typ+`"/>`)
	}
	out, err := e.apply(ct)
	if err != nil {
		return err
	}
	p.Set(contentTypes, out)
	return nil
}

// declareDefault gives an extension a default content type, unless it has one.
func (p *Package) declareDefault(ext, typ string) error {
	ct, r, kids, err := p.elements(contentTypes, "Types")
	if err != nil {
		return err
	}
	for _, k := range kids {
		if k.name == "Default" && strings.EqualFold(attrValue(k.attrs, "Extension"), ext) {
			return nil
		}
	}
	p.Set(contentTypes, concat(ct[:r.startEnd], `<Default Extension="`+ext+`" ContentType="`+typ+`"/>`, ct[r.startEnd:]))
	return nil
}

// freeName is a part name not taken: prefix, a number from 1, suffix.
func (p *Package) freeName(prefix, suffix string) string {
	for n := 1; ; n++ {
		name := prefix + strconv.Itoa(n) + suffix
		if _, changed := p.changed[name]; !changed && p.files[name] == nil {
			return name // neither there nor deleted here
		}
	}
}

// WorkbookPart is the workbook part's name.
func (p *Package) WorkbookPart() string { return p.wb }

// sheetEntry is a sheet as workbook.xml lists it.
type sheetEntry struct {
	el      element
	name    string
	id      int
	relID   string
	part    string
	ordinal int
}

// sheets lists the workbook's sheets.
func (p *Package) sheets(wb []byte) (element, []element, []sheetEntry, error) {
	r, err := root(wb, "workbook")
	if err != nil {
		return r, nil, nil, err
	}
	top, err := children(wb, r.startEnd, r.inner)
	if err != nil {
		return r, nil, nil, err
	}
	if !slices.ContainsFunc(top, func(t element) bool { return t.name == "sheets" }) {
		return r, nil, nil, ErrUnusualXML
	}
	var out []sheetEntry
	for _, t := range top {
		if t.name != "sheets" || t.empty {
			continue
		}
		kids, err := children(wb, t.startEnd, t.inner)
		if err != nil {
			return r, nil, nil, err
		}
		for _, k := range kids {
			if k.name != "sheet" {
				continue
			}
			id, _ := strconv.Atoi(attrValue(k.attrs, "sheetId"))
			rid := attrValue(k.attrs, "id")
			part, _ := p.RelatedByID(p.wb, rid)
			out = append(out, sheetEntry{el: k, name: attrValue(k.attrs, "name"), id: id, relID: rid, part: part, ordinal: len(out)})
		}
	}
	return r, top, out, nil
}

// Sheets lists the workbook's sheets' names, in order, with their parts.
func (p *Package) Sheets() (names, parts []string, err error) {
	wb, err := p.Read(p.wb)
	if err != nil {
		return nil, nil, err
	}
	_, _, sheets, err := p.sheets(wb)
	for _, s := range sheets {
		names, parts = append(names, s.name), append(parts, s.part)
	}
	return names, parts, err
}

// PutSheetFirst puts a worksheet in front of the workbook's others, named name, from its
// part's XML (with no relationships of its own), printing with rows 1 to titleRows at the
// top of every page; it opens on it, no other sheet selected. A sheet of that name already
// there is taken out first. The sheet-scoped defined names (print titles and areas, filter
// ranges) keep naming their sheets.
func (p *Package) PutSheetFirst(name string, sheetXML []byte, titleRows int) error {
	wb, err := p.Read(p.wb)
	if err != nil {
		return err
	}
	r, top, sheets, err := p.sheets(wb)
	if err != nil {
		return err
	}
	removed := -1
	maxID := 0
	for _, s := range sheets {
		maxID = max(maxID, s.id)
		if s.name != name {
			continue
		}
		removed = s.ordinal
		if s.part != "" {
			p.Delete(s.part)
			p.Delete(relsPart(s.part))
			if err := p.declare(s.part, ""); err != nil {
				return err
			}
		}
		if err := p.unrelate(p.wb, s.relID); err != nil {
			return err
		}
	}
	part := p.freeName(path.Join(path.Dir(p.wb), "worksheets", "sheet"), ".xml")
	p.Set(part, sheetXML)
	if err := p.declare(part, typeWorksheet); err != nil {
		return err
	}
	rid, err := p.relate(p.wb, relWorksheet, part)
	if err != nil {
		return err
	}
	var e edits
	prefix, err := relationshipsPrefix(wb, r, &e) // openpyxl declares it on each sheet element
	if err != nil {
		return err
	}
	entry := `<sheet name="` + Escape(name) + `" sheetId="` + strconv.Itoa(maxID+1) + `" ` + prefix + `:id="` + rid + `"/>`
	quoted := "'" + strings.ReplaceAll(name, "'", "''") + "'"
	titles := `<definedName name="_xlnm.Print_Titles" localSheetId="0">` + Escape(quoted+"!$1:$"+strconv.Itoa(titleRows)) + `</definedName>`
	hasNames := false
	for _, t := range top {
		switch t.name {
		case "sheets":
			if t.empty {
				return ErrUnusualXML
			}
			e.insert(t.startEnd, entry)
			for _, s := range sheets {
				if s.ordinal == removed {
					e.replace(s.el.start, s.el.end, "")
				}
			}
		case "bookViews":
			kids, err := children(wb, t.startEnd, t.inner)
			if err != nil {
				return err
			}
			for _, k := range kids {
				if k.name == "workbookView" {
					tag := setAttr(string(wb[k.start:k.startEnd]), "activeTab", "", true)
					e.replace(k.start, k.startEnd, setAttr(tag, "firstSheet", "", true))
				}
			}
		case "definedNames":
			hasNames = true
			if t.empty {
				e.replace(t.start, t.end, "<definedNames>"+titles+"</definedNames>")
				continue
			}
			kids, err := children(wb, t.startEnd, t.inner)
			if err != nil {
				return err
			}
			e.insert(t.startEnd, titles)
			for _, k := range kids {
				v := attrValue(k.attrs, "localSheetId")
				if v == "" {
					continue
				}
				id, err := strconv.Atoi(v)
				switch {
				case err != nil:
				case id == removed:
					e.replace(k.start, k.end, "")
				default:
					if removed >= 0 && id > removed {
						id--
					}
					e.replace(k.start, k.startEnd, setAttr(string(wb[k.start:k.startEnd]), "localSheetId", strconv.Itoa(id+1), false))
				}
			}
		}
	}
	if !hasNames { // after sheets and what must follow it before definedNames
		at := -1
		for _, t := range top {
			if t.name == "sheets" || t.name == "functionGroups" || t.name == "externalReferences" {
				at = t.end
			}
		}
		e.insert(at, "<definedNames>"+titles+"</definedNames>")
	}
	out, err := e.apply(wb)
	if err != nil {
		return err
	}
	p.Set(p.wb, out)

	// No other sheet selected: two selected tabs are grouped sheets, and typing in one
	// would change the other.
	for _, s := range sheets {
		if s.ordinal == removed || s.part == "" || !p.Has(s.part) {
			continue
		}
		b, err := p.Read(s.part)
		if err != nil {
			return err
		}
		if !bytes.Contains(b, []byte("tabSelected")) {
			continue
		}
		var e edits
		unselectTabs(b, &e)
		out, err := e.apply(b)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		p.Set(s.part, out)
	}
	return nil
}

// unselectTabs takes tabSelected from a sheet part's views: of a worksheet, a chart sheet or a
// dialog sheet alike.
func unselectTabs(b []byte, e *edits) {
	s := scanner{b: b}
	for {
		kind, name, attrs := s.next()
		if kind == tagNone {
			return
		}
		if kind != tagEnd && string(name) == "sheetView" && attrValue(attrs, "tabSelected") != "" {
			e.replace(s.tag, s.i, setAttr(string(b[s.tag:s.i]), "tabSelected", "", true))
		}
	}
}
