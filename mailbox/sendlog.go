package mailbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// SendLogName is the period's send log, in the period's folder.
const SendLogName = "发送记录.jsonl"

// Events of the send log.
const (
	eventSending = "sending" // written, and synced, before the message goes to the server
	eventSent    = "sent"    // the server accepted it (250 after DATA)
	eventFailed  = "failed"  // the server refused it, or it never reached the server
)

// SendEntry is one line of the send log: one JSON object a line, appended and synced, never
// rewritten. A message's line "sending" comes before it goes to the server and "sent" or
// "failed" after; a "sending" with nothing after it is a message whose fate is unknown (the
// program stopped, or the connection dropped after the message's last byte): Send does not
// send it again by itself (it may have arrived) and reports it until Resend sends it.
type SendEntry struct {
	Time        time.Time        `json:"time"`
	Event       string           `json:"event"`
	Key         string           `json:"key"`
	Kind        string           `json:"kind,omitempty"`
	Unit        string           `json:"unit,omitempty"`
	To          []string         `json:"to,omitempty"`
	Subject     string           `json:"subject,omitempty"`
	MessageID   string           `json:"message_id,omitempty"`
	Sum         string           `json:"sum,omitempty"` // Message.Sum
	Attachments []AttachmentSum  `json:"attachments,omitempty"`
	Resend      int              `json:"resend,omitempty"` // how many deliberate resends before this one
	Code        int              `json:"code,omitempty"`   // the server's reply code, when it refused
	Temporary   bool             `json:"temporary,omitempty"`
	Error       string           `json:"error,omitempty"` // in Chinese
	Refused     []RefusedAddress `json:"refused,omitempty"`
}

// Sent reports whether the entry says its message was sent (the server accepted it).
func (e SendEntry) Sent() bool { return e.Event == eventSent }

// AttachmentSum is an attachment as the send log records it.
type AttachmentSum struct {
	Name   string `json:"name"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

// RefusedAddress is one recipient the server refused.
type RefusedAddress struct {
	Address string `json:"address"`
	Reply   string `json:"reply"`
}

func attachmentSums(m Message) []AttachmentSum {
	var out []AttachmentSum
	for _, a := range m.Attachments {
		sum := sha256.Sum256(a.Data)
		out = append(out, AttachmentSum{Name: a.Name, Size: len(a.Data), SHA256: hex.EncodeToString(sum[:])})
	}
	return out
}

// sendLog is an open send log, with each key's last entry.
type sendLog struct {
	*journal
	last map[string]SendEntry
}

// openSendLog reads the log at path and opens it for appending; readOnly only reads it (a
// dry run writes nothing).
func openSendLog(path string, readOnly bool) (*sendLog, error) {
	l := &sendLog{last: map[string]SendEntry{}}
	if readOnly {
		entries, err := ReadSendLog(path)
		if err != nil {
			return nil, &mailError{ErrLog, fmt.Sprintf("读取发送记录 %s：%v", path, err)}
		}
		for _, e := range entries {
			l.last[e.Key] = e
		}
		return l, nil
	}
	j, err := openJournal(path, "发送记录", func(line []byte) error {
		var e SendEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return err
		}
		l.last[e.Key] = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.journal = j
	return l, nil
}

// add appends e, synced, and notes it as its key's last entry.
func (l *sendLog) add(e SendEntry) error {
	if err := l.journal.add(e); err != nil {
		return &mailError{ErrLog, err.Error() + "；为免重复发送，已停止发送"}
	}
	l.last[e.Key] = e
	return nil
}

func (l *sendLog) close() {
	if l.journal != nil {
		l.journal.close()
	}
}

// ReadSendLog returns every entry of a send log, oldest first: for a report of what was sent.
func ReadSendLog(path string) ([]SendEntry, error) { return readJournal[SendEntry](path) }
