package ui

import (
	"net/http"
	"sync"
	"time"
)

// loginTurn makes password guesses one at a time, each failure a second long.
var loginTurn sync.Mutex

func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) {
	if s.password == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", "登录", "", "")
}

// login checks the password and logs the session in, under a new session id.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if s.password == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	loginTurn.Lock()
	ok := s.password.Matches(r.PostFormValue("password"))
	if !ok {
		time.Sleep(time.Second)
	}
	loginTurn.Unlock()
	if !ok {
		s.render(w, r, http.StatusUnauthorized, "login", "登录", "", "密码不对，请重新输入。")
		return
	}
	s.sessions.login(w, sessionOf(r))
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// logout ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	s.sessions.end(sessionOf(r))
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
