package mailbox

import (
	"encoding/json"
	"time"
)

// FetchLogName is the period's fetch log, in the period's folder.
const FetchLogName = "收信记录.jsonl"

// Events of the fetch log.
const (
	eventSaved    = "saved"     // the message was saved as File
	eventKnown    = "known"     // the message is one saved before (same Message-ID and content)
	eventTooLarge = "too-large" // over the size limit: listed, not downloaded, looked at again next run
	eventChecked  = "checked"   // every message up to UID was looked at (for a folder and UIDVALIDITY)
)

// FetchEntry is one line of the fetch log (JSON lines, appended and synced). A message is
// known by its folder, UIDVALIDITY and UID; when the server changes the folder's
// UIDVALIDITY (the UIDs then mean other messages), or copies it under another UID, by its
// Message-ID with its sender, subject and date, or else by the SHA-256 of the whole message.
type FetchEntry struct {
	Time        time.Time `json:"time"`
	Event       string    `json:"event"`
	Folder      string    `json:"folder"`
	UIDValidity uint32    `json:"uidvalidity"`
	UID         uint32    `json:"uid"`
	MessageID   string    `json:"message_id,omitempty"`
	SHA256      string    `json:"sha256,omitempty"`
	Size        int64     `json:"size,omitempty"`
	File        string    `json:"file,omitempty"` // the .eml saved, its name in the folder saved to
	Subject     string    `json:"subject,omitempty"`
	From        string    `json:"from,omitempty"`
	Date        time.Time `json:"date,omitzero"`
}

// fetchLog is an open fetch log and what it says of one folder.
type fetchLog struct {
	*journal
	folder  string
	checked map[uint32]uint32          // UIDVALIDITY → every UID up to this one looked at
	done    map[uint32]map[uint32]bool // UIDVALIDITY → UIDs saved or known
	large   map[uint32]map[uint32]bool // UIDVALIDITY → UIDs too large, not yet saved
	ids     map[string][]FetchEntry    // Message-ID → the messages saved with it
	sums    map[string]string          // SHA-256 → the file saved
	seen    bool                       // the folder has entries
}

func openFetchLog(path, folder string) (*fetchLog, error) {
	l := &fetchLog{folder: folder, checked: map[uint32]uint32{}, done: map[uint32]map[uint32]bool{},
		large: map[uint32]map[uint32]bool{}, ids: map[string][]FetchEntry{}, sums: map[string]string{}}
	j, err := openJournal(path, "收信记录", func(line []byte) error {
		var e FetchEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return err
		}
		l.note(e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.journal = j
	return l, nil
}

// note takes in one entry.
func (l *fetchLog) note(e FetchEntry) {
	if e.Event == eventSaved {
		l.sums[e.SHA256] = e.File
		if e.MessageID != "" {
			l.ids[e.MessageID] = append(l.ids[e.MessageID], e)
		}
	}
	if e.Folder != l.folder {
		return
	}
	l.seen = true
	set := func(m map[uint32]map[uint32]bool, v bool) {
		if m[e.UIDValidity] == nil {
			m[e.UIDValidity] = map[uint32]bool{}
		}
		if v {
			m[e.UIDValidity][e.UID] = true
		} else {
			delete(m[e.UIDValidity], e.UID)
		}
	}
	switch e.Event {
	case eventSaved, eventKnown:
		set(l.done, true)
		set(l.large, false)
	case eventTooLarge:
		set(l.large, true)
	case eventChecked:
		l.checked[e.UIDValidity] = max(l.checked[e.UIDValidity], e.UID)
	}
}

// sameEnvelope returns the message saved before that has e's Message-ID, sender, subject and
// date, if there is one.
func (l *fetchLog) sameEnvelope(e FetchEntry) (FetchEntry, bool) {
	if e.MessageID == "" {
		return FetchEntry{}, false
	}
	for _, s := range l.ids[e.MessageID] {
		if s.From == e.From && s.Subject == e.Subject && s.Date.Equal(e.Date) {
			return s, true
		}
	}
	return FetchEntry{}, false
}

// add appends e, synced, and takes it in.
func (l *fetchLog) add(e FetchEntry) error {
	e.Folder = l.folder
	if err := l.journal.add(e); err != nil {
		return err
	}
	l.note(e)
	return nil
}

// ReadFetchLog returns every entry of a fetch log, oldest first.
func ReadFetchLog(path string) ([]FetchEntry, error) { return readJournal[FetchEntry](path) }
