package workbook

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"planreport/internal/atomicfile"
	"planreport/plan"
	"planreport/templates"
)

// The files of a period's collection, inside the period's folder.
const (
	ArchiveDir   = "归档"        // every received file, byte for byte
	OriginalsDir = "归档/原件"     // the emails and zip archives they came in
	StateFile    = "收件记录.json" // what was received and found, one entry per file
	Unidentified = "未识别"       // the archive folder of files whose unit could not be told
)

// Submission is one received workbook, archived, with what was found in it.
type Submission struct {
	SHA256 string `json:"sha256"`
	Name   string `json:"name"`   // the file's own name as sent
	Source string `json:"source"` // where it came from: a path, or an email or zip and the entry
	Sender string `json:"sender,omitempty"`
	// Forwarder is who forwarded the unit's message to the office (its own message attached
	// to theirs), and Forwarded when; Sender and Received are then the unit's message's own.
	Forwarder  string         `json:"forwarder,omitempty"`
	Forwarded  time.Time      `json:"forwarded,omitzero"`
	Received   time.Time      `json:"received"` // in the office's Zone
	Archive    string         `json:"archive"`  // the archived copy, relative to the period folder
	Unit       string         `json:"unit"`
	Identified string         `json:"identified,omitempty"` // how the unit was told: ByIdentity…
	Accepted   bool           `json:"accepted"`
	Filled     string         `json:"filled,omitempty"` // the 填报日期 the unit stated: YYYY-MM-DD, or as typed when it is no date
	Notes      []Note         `json:"notes,omitempty"`  // note rows kept with the task above them
	Findings   []plan.Finding `json:"findings"`
}

// SetReport records in s what checking its workbook found.
func (s *Submission) SetReport(r *Report) {
	s.Unit, s.Identified, s.Accepted = r.Unit, r.Identified, r.Accepted()
	s.Findings = CapFindings(r.Findings)
	s.Filled, s.Notes = r.Filler[templates.FillerDate], r.Notes
}

// Original is an email or zip archive that workbooks arrived in, archived byte for byte.
type Original struct {
	SHA256  string `json:"sha256"`
	Name    string `json:"name"`
	Archive string `json:"archive"`
}

// Collection is a period's collection: every submission ever received, in the order received.
// It lives in the period's folder; Save writes it atomically.
type Collection struct {
	Period      string       `json:"period"`
	Zone        string       `json:"zone,omitempty"` // the office's time zone the times are in (ZoneName)
	Submissions []Submission `json:"submissions"`
	Originals   []Original   `json:"originals"`

	dir      string
	hashes   map[string]bool // the submissions' SHA-256, for Has; kept by Add
	mu       sync.Mutex      // guards unsynced: WriteArchive may be called concurrently (not with Save)
	unsynced []string        // archived files written (or found) since the last Save, not yet synced

	period    plan.Period
	storeOnce sync.Once
	store     *store // the period's StoreFile, opened when first used
}

// OpenCollection reads the collection kept in a period's folder, or starts an empty one.
func OpenCollection(dir string, period plan.Period) (*Collection, error) {
	c := &Collection{Period: period.String(), Zone: ZoneName, period: period, dir: dir, Submissions: []Submission{}, Originals: []Original{}}
	data, err := os.ReadFile(filepath.Join(dir, StateFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return c, nil
	case err != nil:
		return nil, fmt.Errorf("读取收件记录：%w", err)
	}
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("收件记录 %s 已损坏（%v）。归档文件未受影响；可将该文件改名后重新运行 collect，由归档重建记录", filepath.Join(dir, StateFile), err)
	}
	c.dir, c.Zone = dir, ZoneName // times read from the record are absolute: they are shown in this zone
	c.sort()                      // a record edited by hand may be out of order
	c.indexHashes()
	if c.Period != period.String() {
		return nil, fmt.Errorf("收件记录 %s 属于报送周期 %s，不是 %s", filepath.Join(dir, StateFile), c.Period, period)
	}
	return c, nil
}

// Dir is the period folder the collection lives in.
func (c *Collection) Dir() string { return c.dir }

// Has reports whether a file with this SHA-256 was received already.
// Like Add, it is not safe for concurrent use.
func (c *Collection) Has(sha string) bool {
	if c.hashes == nil { // a Collection not made by OpenCollection
		c.indexHashes()
	}
	return c.hashes[sha]
}

func (c *Collection) indexHashes() {
	c.hashes = make(map[string]bool, len(c.Submissions))
	for _, s := range c.Submissions {
		c.hashes[s.SHA256] = true
	}
}

// Sum returns the hex SHA-256 of data.
func Sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// archiveName is a received file's archived name: when, which content, and its own name.
func archiveName(received time.Time, sha, name string) string {
	return received.UTC().Format("20060102-150405") + "_" + sha[:8] + "_" + templates.SafeName(name)
}

// AddOriginal archives an email or zip archive that workbooks came in, once.
func (c *Collection) AddOriginal(name string, data []byte, received time.Time) error {
	sha := Sum(data)
	for _, o := range c.Originals {
		if o.SHA256 == sha {
			return nil
		}
	}
	rel := filepath.ToSlash(filepath.Join(OriginalsDir, archiveName(received, sha, name)))
	if err := c.writeArchive(rel, data); err != nil {
		return err
	}
	c.Originals = append(c.Originals, Original{SHA256: sha, Name: name, Archive: rel})
	sortOriginals(c.Originals)
	return nil
}

// Add archives a received workbook and records it with its report. A file received before
// (the same SHA-256) is not added again: added is false. A submission whose Archive is set
// was archived by WriteArchive already.
func (c *Collection) Add(s Submission, data []byte) (added bool, err error) {
	if s.SHA256 == "" {
		s.SHA256 = Sum(data)
	}
	if c.Has(s.SHA256) {
		return false, nil
	}
	if s.Archive == "" && data != nil { // nil: nothing could be read out of its email or zip, which is archived itself
		if s.Archive, err = c.WriteArchive(s, data); err != nil {
			return false, err
		}
	}
	if s.Findings == nil {
		s.Findings = []plan.Finding{}
	}
	s.Received, s.Forwarded = inZone(s.Received), inZone(s.Forwarded)
	// In the order received: a run adds files mostly in that order, so this is near the end.
	i := sort.Search(len(c.Submissions), func(i int) bool { return receivedBefore(s, c.Submissions[i]) })
	c.Submissions = slices.Insert(c.Submissions, i, s)
	c.hashes[s.SHA256] = true
	return true, nil
}

// WriteArchive writes a received workbook's archived copy, under its unit's folder, and
// returns its name relative to the period folder for the submission's Archive. Copies of
// different files may be written concurrently; Add then records them one by one.
func (c *Collection) WriteArchive(s Submission, data []byte) (string, error) {
	if s.SHA256 == "" {
		s.SHA256 = Sum(data)
	}
	folder := Unidentified
	if s.Unit != "" {
		folder = templates.SafeName(s.Unit)
	}
	rel := filepath.ToSlash(filepath.Join(ArchiveDir, folder, archiveName(s.Received, s.SHA256, s.Name)))
	return rel, c.writeArchive(rel, data)
}

// writeArchive writes an archived copy unless it is there already with the same content (a
// run killed after archiving and before saving the record leaves it behind). The copy
// appears whole or not at all (written aside, then renamed); Save syncs it to disk before it
// writes the record that names it, all copies together (syncArchives).
func (c *Collection) writeArchive(rel string, data []byte) error {
	path := filepath.Join(c.dir, filepath.FromSlash(rel))
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		c.markUnsynced(path) // left by a killed run: maybe not on disk yet
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("创建归档文件夹：%w", err)
	}
	if err := atomicfile.WriteAside(path, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	}); err != nil {
		return err
	}
	c.markUnsynced(path)
	return nil
}

// markUnsynced notes a written archive copy, to be synced before the next Save.
func (c *Collection) markUnsynced(path string) {
	c.mu.Lock()
	c.unsynced = append(c.unsynced, path)
	c.mu.Unlock()
}

// syncArchives syncs the archived copies written since the last Save to disk, all together
// (atomicfile.Sync). (Syncing each as it is written, or each batch in the background while
// the next is checked, measured slower: creating files waits on the syncs.)
func (c *Collection) syncArchives() error {
	c.mu.Lock()
	paths := c.unsynced
	c.mu.Unlock()
	if err := atomicfile.Sync(paths); err != nil {
		return fmt.Errorf("写入归档文件：%w", err)
	}
	c.mu.Lock()
	c.unsynced = c.unsynced[len(paths):]
	c.mu.Unlock()
	return nil
}

// ReadArchived returns an archived submission's bytes.
func (c *Collection) ReadArchived(s Submission) ([]byte, error) {
	if s.Archive == "" {
		return nil, fmt.Errorf("%s 没有可读取的内容（见其来源 %s）", s.Name, s.Source)
	}
	data, err := os.ReadFile(filepath.Join(c.dir, filepath.FromSlash(s.Archive)))
	if err != nil {
		return nil, fmt.Errorf("读取归档文件 %s：%w", s.Archive, err)
	}
	if Sum(data) != s.SHA256 {
		return nil, fmt.Errorf("归档文件 %s 的内容与收件记录不符（SHA-256 不同），可能被修改过", s.Archive)
	}
	return data, nil
}

// Save writes the collection's record atomically, submissions in the order received, once
// the archived copies it names are on disk. It changes nothing in c but what is left to
// sync, so the outputs can be made from c while it saves.
func (c *Collection) Save() error {
	// The store's new rows are synced with the archive (on Linux, one syncfs for both).
	if written, err := c.rows().flush(false); err != nil {
		return err
	} else if written {
		c.markUnsynced(c.rows().path)
	}
	if err := c.syncArchives(); err != nil {
		return err
	}

	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(c.dir, StateFile), func(f *os.File) error {
		_, err := f.Write(append(data, '\n'))
		return err
	})
}

// sort keeps the submissions in the order received and the originals by archived name.
func (c *Collection) sort() {
	sortOriginals(c.Originals)
	sort.SliceStable(c.Submissions, func(i, j int) bool { return receivedBefore(c.Submissions[i], c.Submissions[j]) })
}

func sortOriginals(o []Original) {
	sort.Slice(o, func(i, j int) bool { return o[i].Archive < o[j].Archive })
}

// receivedBefore orders submissions by when they were received, then by content.
func receivedBefore(a, b Submission) bool {
	if !a.Received.Equal(b.Received) {
		return a.Received.Before(b.Received)
	}
	return a.SHA256 < b.SHA256
}

// Latest returns each unit's submission that counts: its latest accepted one, else its latest
// one (rejected).
func (c *Collection) Latest() map[string]Submission {
	out := map[string]Submission{}
	for _, s := range c.Submissions { // in the order received
		if s.Unit == "" {
			continue
		}
		if old, ok := out[s.Unit]; ok && old.Accepted && !s.Accepted {
			continue
		}
		out[s.Unit] = s
	}
	return out
}

// Superseded reports whether a rejected submission no longer counts because its unit sent an
// accepted one after it (latest is Latest): the unit has corrected it.
func Superseded(s Submission, latest map[string]Submission) bool {
	l, ok := latest[s.Unit]
	return !s.Accepted && ok && l.Accepted && l.SHA256 != s.SHA256
}

// Units returns the units of the latest submissions, sorted, split into accepted and rejected.
func (c *Collection) Units() (accepted, rejected []string) {
	for unit, s := range c.Latest() {
		if s.Accepted {
			accepted = append(accepted, unit)
		} else {
			rejected = append(rejected, unit)
		}
	}
	sort.Strings(accepted)
	sort.Strings(rejected)
	return accepted, rejected
}

// entries reads the rows of archived submissions with ctx, several at a time.
func (c *Collection) entries(ctx *Context, subs []Submission) ([][]Entry, error) {
	entries := make([][]Entry, len(subs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, s := range subs {
		g.Go(func() error {
			data, err := c.ReadArchived(s)
			if err != nil {
				return err
			}
			entries[i] = ctx.Check(s.Name, data, s.Sender).Entries
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return entries, nil
}

// State is a reporting unit's submission state for a period, as status, the report and the
// workbench show it.
type State string

// The states, in ranking order.
const (
	OnTime   State = "on_time"  // its latest accepted workbook arrived by the due date
	Late     State = "late"     // it arrived after
	Rejected State = "rejected" // it sent only workbooks with errors
	Missing  State = "missing"  // it sent nothing
)

// States lists the states in ranking order.
var States = []State{OnTime, Late, Rejected, Missing}

// Chinese is the state's one Chinese name.
func (s State) Chinese() string {
	switch s {
	case OnTime:
		return "按时报送"
	case Late:
		return "逾期报送"
	case Rejected:
		return "未通过"
	}
	return "未报送"
}

// Rank orders the states: on time first, missing last.
func (s State) Rank() int {
	for i, x := range States {
		if x == s {
			return i
		}
	}
	return len(States)
}

// StateOf is the state of a unit whose submission that counts (Latest) is s, ok false when it
// sent nothing, for a period due on due (YYYY-MM-DD).
func StateOf(s Submission, ok bool, due string) State {
	switch {
	case !ok:
		return Missing
	case !s.Accepted:
		return Rejected
	case onTime(s, due):
		return OnTime
	}
	return Late
}

// inZone is t in the office's Zone; a zero time stays zero.
func inZone(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(Zone)
}

// onTime reports whether a submission arrived by the end of the due day, in the office's Zone.
func onTime(s Submission, due string) bool {
	d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(due), Zone)
	if err != nil {
		return true
	}
	return s.Received.Before(d.AddDate(0, 0, 1))
}
