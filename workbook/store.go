package workbook

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"os"
	"path/filepath"
	"sync"

	"planreport/plan"
	"planreport/templates"
)

// StoreFile is a period's store of what it accepted: each accepted workbook's rows as its
// check read them, appended when collect accepts it. The report, the status of the next period
// and its templates and checks read the rows from it rather than read and check the archived
// workbooks again (at 10,000 units that was most of the report's time). It is derived from the
// archive: rows it lacks, rows written for another plan or registry, and a record cut short by
// a crash are read again from the archive and appended, so deleting it loses nothing.
//
// The file is append-only: a header, then one frame per accepted workbook, each its length,
// its CRC-32 and the record (encodeRecord). Save appends and syncs the frames of a collect run before
// it writes the record that names their workbooks; a frame cut short is ignored and written
// over by the next append.
const StoreFile = "收件内容.缓存"

// storeHeader starts a store file; a file that does not start with it is not one (an older
// planreport's cache): it is started again.
var storeHeader = []byte("planreport accepted rows 3\n")

// storeRecord is one frame: an accepted workbook's rows, checked with the plan of key.
type storeRecord struct {
	SHA256  string
	Unit    string
	Key     string // StoreKey of the plan the rows were read with
	Entries []Entry
}

// store is a period's StoreFile, appended to. Its frames are indexed when first used and
// decoded when looked up: at 10,000 units the decoded rows of a period take about 300 MB,
// which collect (it only asks whether a workbook is stored) would hold to the end.
type store struct {
	path    string
	mu      sync.Mutex
	loaded  bool
	frames  map[string]frameAt // where each workbook's frame is in the file, by SHA-256 and key
	added   map[string]bool    // appended or to be appended by this process
	end     int64              // where the last whole frame ends
	pending []storeRecord      // to append at the next flush
	synced  bool               // nothing appended since the last sync
}

// frameAt is a frame's place in the file: its record's offset and length, and its CRC-32.
type frameAt struct {
	off int64
	n   uint32
	sum uint32
}

// flushEvery is how many workbooks' rows are held before they are appended (unsynced): a
// collect of 10,000 units would otherwise hold them all until it saves.
const flushEvery = 256

func storeID(sha, key string) string { return sha + "\x00" + key }

// StoreKey is what a workbook's rows depend on besides the workbook: the plan's tasks (its
// fingerprint), and the registry and groups, which decide each unit's template rows and how
// a workbook is identified (by name, alias or sender).
func StoreKey(p *plan.Plan) string {
	h := sha256.New()
	h.Write([]byte(p.Fingerprint()))
	for _, u := range p.Units {
		fmt.Fprintf(h, "\x00u%q %q %q %q %q", u.Name, u.Category, u.Aliases, u.ReportsThrough, u.Email)
	}
	for _, g := range p.Groups {
		fmt.Fprintf(h, "\x00g%q %q %q", g.Name, g.Categories, g.Members)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// load indexes the file once; a missing or foreign file is an empty store.
func (st *store) load() {
	if st.loaded {
		return
	}
	st.loaded = true
	st.frames, st.added, st.synced = map[string]frameAt{}, map[string]bool{}, true
	f, err := os.Open(st.path)
	if err != nil {
		return
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10) // not more: a fresh megabyte costs ~3 ms of page faults on a VM
	head := make([]byte, len(storeHeader))
	if _, err := io.ReadFull(r, head); err != nil || !bytes.Equal(head, storeHeader) {
		return
	}
	st.end = int64(len(storeHeader))
	var frame []byte
	for {
		var prefix [8]byte
		if _, err := io.ReadFull(r, prefix[:]); err != nil {
			return
		}
		n, sum := binary.LittleEndian.Uint32(prefix[:4]), binary.LittleEndian.Uint32(prefix[4:])
		if n > 1<<30 {
			return
		}
		if cap(frame) < int(n) {
			frame = make([]byte, n)
		}
		frame = frame[:n]
		if _, err := io.ReadFull(r, frame); err != nil || crc(frame) != sum {
			return // cut short by a crash: the next append writes over it
		}
		sha, key, err := recordID(frame)
		if err != nil {
			return
		}
		st.frames[storeID(sha, key)] = frameAt{off: st.end + 8, n: n, sum: sum}
		st.end += 8 + int64(n)
	}
}

// lookup returns the stored rows of a workbook read with the plan of key. A frame that no
// longer reads back whole is not there: its rows are read from the archive again.
func (st *store) lookup(sha, key string) ([]Entry, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.load()
	at, ok := st.frames[storeID(sha, key)]
	if !ok {
		return nil, false
	}
	f, err := os.Open(st.path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	frame := make([]byte, at.n)
	if _, err := f.ReadAt(frame, at.off); err != nil || crc(frame) != at.sum {
		return nil, false
	}
	rec, err := decodeRecord(frame)
	if err != nil || rec.SHA256 != sha || rec.Key != key {
		return nil, false
	}
	return rec.Entries, true
}

// add queues a workbook's rows for the file, and appends what is queued when it is enough.
func (st *store) add(rec storeRecord) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.load()
	id := storeID(rec.SHA256, rec.Key)
	if _, ok := st.frames[id]; ok || st.added[id] {
		return nil
	}
	st.added[id] = true
	st.pending = append(st.pending, rec)
	if len(st.pending) >= flushEvery {
		return st.write(false)
	}
	return nil
}

// flush appends what is queued and syncs the file; with sync false the caller syncs it
// (with the archive, Save).
func (st *store) flush(sync bool) (written bool, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.load()
	if len(st.pending) == 0 && st.synced {
		return false, nil
	}
	if err := st.write(sync); err != nil {
		return false, err
	}
	st.synced = sync
	return true, nil
}

// write appends the queued rows to the file, over anything after its last whole frame, and
// with sync syncs it.
func (st *store) write(sync bool) error {
	f, err := os.OpenFile(st.path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("写入 %s：%w", st.path, err)
	}
	defer f.Close()
	if st.end == 0 { // a new file, or one that is not a store
		if err := f.Truncate(0); err != nil {
			return fmt.Errorf("写入 %s：%w", st.path, err)
		}
		if _, err := f.WriteAt(storeHeader, 0); err != nil {
			return fmt.Errorf("写入 %s：%w", st.path, err)
		}
		st.end = int64(len(storeHeader))
	} else if err := f.Truncate(st.end); err != nil {
		return fmt.Errorf("写入 %s：%w", st.path, err)
	}
	var b bytes.Buffer
	written := map[string]frameAt{}
	for _, rec := range st.pending {
		frame := encodeRecord(nil, rec)
		var prefix [8]byte
		binary.LittleEndian.PutUint32(prefix[:4], uint32(len(frame)))
		binary.LittleEndian.PutUint32(prefix[4:], crc(frame))
		b.Write(prefix[:])
		written[storeID(rec.SHA256, rec.Key)] = frameAt{off: st.end + int64(b.Len()) + 8, n: uint32(len(frame)), sum: crc(frame)}
		b.Write(frame)
	}
	if _, err := f.WriteAt(b.Bytes(), st.end); err != nil {
		return fmt.Errorf("写入 %s：%w", st.path, err)
	}
	maps.Copy(st.frames, written)
	st.end += int64(b.Len())
	st.pending, st.synced = nil, false
	if sync {
		if err := f.Sync(); err != nil {
			return fmt.Errorf("写入 %s：%w", st.path, err)
		}
		st.synced = true
	}
	return nil
}

// Remember keeps an accepted workbook's rows, as ctx's check read them, in the period's
// store; Save syncs them before the record.
func (c *Collection) Remember(ctx *Context, s Submission, entries []Entry) error {
	return c.rows().add(storeRecord{SHA256: s.SHA256, Unit: s.Unit, Key: ctx.storeKey(), Entries: entries})
}

func (c *Collection) rows() *store {
	c.storeOnce.Do(func() { c.store = &store{path: filepath.Join(c.dir, StoreFile)} })
	return c.store
}

// AcceptedEntries returns the rows of each unit's latest accepted workbook, by unit: from
// the store, and for what it lacks from the archive, checked against plan p's templates (and
// then stored).
func (c *Collection) AcceptedEntries(p *plan.Plan) (map[string][]Entry, error) {
	out := map[string][]Entry{}
	err := c.eachAccepted(p, func(unit string, es []Entry) { out[unit] = es })
	return out, err
}

// eachAccepted calls fn with the rows of each unit's latest accepted workbook, as
// AcceptedEntries returns them, one unit at a time: a caller that keeps part of them does not
// hold them all at once.
func (c *Collection) eachAccepted(p *plan.Plan, fn func(unit string, es []Entry)) error {
	key := StoreKey(p)
	st := c.rows()
	var todo []Submission
	for unit, s := range c.Latest() {
		if !s.Accepted {
			continue
		}
		if e, ok := st.lookup(s.SHA256, key); ok {
			fn(unit, e)
		} else {
			todo = append(todo, s)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	entries, err := c.entries(NewContext(p, c.period, nil), todo)
	if err != nil {
		return err
	}
	for i, s := range todo {
		fn(s.Unit, entries[i])
		st.add(storeRecord{SHA256: s.SHA256, Unit: s.Unit, Key: key, Entries: entries[i]}) // best effort, as below
	}
	// A store that cannot be written (a read-only folder) costs the next reader the archive.
	st.flush(true)
	return nil
}

// Previous returns each unit's accepted report of a collected period, as templates.Previous,
// for the next period's templates and checks; a period never collected gives nil.
func Previous(dir string, p *plan.Plan, period plan.Period) (map[string]templates.Previous, error) {
	c, err := OpenCollection(dir, period)
	if err != nil {
		return nil, err
	}
	if len(c.Submissions) == 0 {
		return nil, nil
	}
	out := map[string]templates.Previous{}
	err = c.eachAccepted(p, func(unit string, es []Entry) {
		prev := make(templates.Previous, len(es))
		for _, e := range es {
			prev[e.Task] = struct{ Status, Progress string }{e.Status, e.Progress}
		}
		out[unit] = prev
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func crc(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

// encodeRecord appends a record to b: its strings with their lengths, its numbers as varints.
// (gob, which the store used first, took ten times as long: each frame carries its types.)
func encodeRecord(b []byte, rec storeRecord) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	num := func(n int) { b = binary.AppendVarint(b, int64(n)) }
	str(rec.SHA256)
	str(rec.Unit)
	str(rec.Key)
	num(len(rec.Entries))
	for _, e := range rec.Entries {
		str(e.Task)
		num(e.Row)
		str(e.Status)
		num(e.Percent)
		if e.HasPercent {
			num(1)
		} else {
			num(0)
		}
		str(e.Progress)
		str(e.Problems)
		str(e.NextSteps)
		str(e.Evidence)
		str(e.Note)
	}
	return b
}

// errRecord is a frame that does not hold a whole record.
var errRecord = errors.New("a store frame that is not a record")

// recordID decodes only a record's SHA-256 and key.
func recordID(b []byte) (sha, key string, err error) {
	var ids [3]string
	for i := range ids {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return "", "", errRecord
		}
		ids[i] = string(b[k : k+int(n)])
		b = b[k+int(n):]
	}
	return ids[0], ids[2], nil // SHA-256, unit, key: as encodeRecord writes them
}

// decodeRecord reads what encodeRecord wrote; anything else is errRecord.
func decodeRecord(b []byte) (rec storeRecord, err error) {
	str := func() string {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			err = errRecord
			return ""
		}
		s := string(b[k : k+int(n)])
		b = b[k+int(n):]
		return s
	}
	num := func() int {
		n, k := binary.Varint(b)
		if k <= 0 {
			err = errRecord
			return 0
		}
		b = b[k:]
		return int(n)
	}
	rec.SHA256, rec.Unit, rec.Key = str(), str(), str()
	n := num()
	if err != nil || n < 0 || n > len(b) {
		return storeRecord{}, errRecord
	}
	rec.Entries = make([]Entry, n)
	for i := range rec.Entries {
		e := &rec.Entries[i]
		e.Task, e.Row, e.Status, e.Percent = str(), num(), str(), num()
		e.HasPercent = num() == 1
		e.Progress, e.Problems, e.NextSteps, e.Evidence, e.Note = str(), str(), str(), str(), str()
		if err != nil {
			return storeRecord{}, err
		}
	}
	if len(b) != 0 {
		return storeRecord{}, errRecord
	}
	return rec, nil
}
