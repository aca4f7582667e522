package mailbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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

// sendLog is an open send log.
type sendLog struct {
	path string
	f    *os.File
	// last is each key's last entry; resends counts the "sending" entries with Resend set.
	last map[string]SendEntry
}

// openSendLog reads the log at path, creating it (and its folder) when missing, and opens
// it for appending. A last line cut off by a crash is passed over: it was either a "sending"
// never acted on (the message goes now) or an outcome, whose message then counts as unknown.
func openSendLog(path string) (*sendLog, error) {
	l := &sendLog{path: path, last: map[string]SendEntry{}}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, &mailError{ErrLog, fmt.Sprintf("读取发送记录 %s：%v", path, err)}
	}
	// A last line without its line end was cut off by a crash: it goes.
	if i := bytes.LastIndexByte(data, '\n'); i+1 < len(data) {
		data = data[:i+1]
		if err := os.Truncate(path, int64(len(data))); err != nil {
			return nil, &mailError{ErrLog, fmt.Sprintf("修复发送记录 %s：%v", path, err)}
		}
	}
	for n, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var e SendEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, &mailError{ErrLog, fmt.Sprintf("发送记录 %s 第 %d 行无法读取（%v）：该文件由程序维护，请勿手工修改；如已改动，请恢复原样", path, n+1, err)}
		}
		l.last[e.Key] = e
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, &mailError{ErrLog, fmt.Sprintf("无法创建发送记录所在的文件夹 %s：%v", filepath.Dir(path), err)}
	}
	l.f, err = os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, &mailError{ErrLog, fmt.Sprintf("无法写入发送记录 %s：%v", path, err)}
	}
	return l, nil
}

// add appends e and syncs it to disk before it returns.
func (l *sendLog) add(e SendEntry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if _, err := l.f.Write(append(line, '\n')); err != nil {
		return &mailError{ErrLog, fmt.Sprintf("无法写入发送记录 %s：%v；为免重复发送，已停止发送", l.path, err)}
	}
	if err := l.f.Sync(); err != nil {
		return &mailError{ErrLog, fmt.Sprintf("无法保存发送记录 %s：%v；为免重复发送，已停止发送", l.path, err)}
	}
	l.last[e.Key] = e
	return nil
}

func (l *sendLog) close() error { return l.f.Close() }

// ReadSendLog returns every entry of a send log, oldest first: for a report of what was sent.
func ReadSendLog(path string) ([]SendEntry, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []SendEntry
	for _, line := range bytes.Split(data, []byte("\n")) {
		var e SendEntry
		if json.Unmarshal(line, &e) == nil && e.Key != "" {
			out = append(out, e)
		}
	}
	return out, nil
}
