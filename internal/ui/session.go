package ui

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// A session is one browser's: its cookie names it, and it holds the CSRF token every form of
// that browser carries and whether it logged in. Sessions live in memory: a restarted server
// asks to log in again.
type session struct {
	id     string
	csrf   string
	authed bool
	seen   time.Time
}

const (
	cookieName = "planreport_session"
	// sessionIdle is how long a session lasts unused.
	sessionIdle = 12 * time.Hour
	// maxSessions bounds the sessions kept: the oldest go first.
	maxSessions = 1000
)

type sessions struct {
	mu sync.Mutex
	m  map[string]*session
}

func newSessions() *sessions { return &sessions{m: map[string]*session{}} }

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// get returns the request's session, or nil.
func (ss *sessions) get(r *http.Request) *session {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.m[c.Value]
	if s == nil || time.Since(s.seen) > sessionIdle {
		return nil
	}
	s.seen = time.Now()
	return s
}

// start makes a new session and sets its cookie.
func (ss *sessions) start(w http.ResponseWriter, authed bool) *session {
	s := &session{id: randomToken(), csrf: randomToken(), authed: authed, seen: time.Now()}
	ss.mu.Lock()
	if len(ss.m) >= maxSessions {
		var oldest *session
		for _, x := range ss.m {
			if oldest == nil || x.seen.Before(oldest.seen) {
				oldest = x
			}
		}
		delete(ss.m, oldest.id)
	}
	ss.m[s.id] = s
	ss.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return s
}

// login marks a session logged in under a new id, so that an id seen before login is worth
// nothing after it.
func (ss *sessions) login(w http.ResponseWriter, old *session) *session {
	ss.mu.Lock()
	delete(ss.m, old.id)
	ss.mu.Unlock()
	return ss.start(w, true)
}

// checkCSRF reports whether token is the session's, in constant time.
func (s *session) checkCSRF(token string) bool {
	return s != nil && token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.csrf)) == 1
}

// end forgets a session.
func (ss *sessions) end(s *session) {
	if s == nil {
		return
	}
	ss.mu.Lock()
	delete(ss.m, s.id)
	ss.mu.Unlock()
}
