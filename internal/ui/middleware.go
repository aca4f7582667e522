package ui

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
)

// The defences every request passes, outermost first:
//  1. the Host header must name an address the server is reached at (DNS rebinding);
//  2. security headers: a CSP without inline script, no framing, no sniffing, no referrer;
//  3. the path must be clean: "..", "." and encoded separators (%2f, %5c) are 404;
//  4. Go's CrossOriginProtection refuses a cross-origin POST (Sec-Fetch-Site, Origin);
//  5. a session cookie (HttpOnly, SameSite=Strict), logged in when there is a password;
//  6. every POST carries the session's CSRF token, compared in constant time; its body is
//     capped (uploads at Limits.UploadBytes, other forms at formBytes).

// formBytes caps the body of a POST that is not an upload.
const formBytes = 1 << 20

type ctxKey int

const (
	sessionKey ctxKey = iota
	multipartKey
)

// secure wraps the routes in the defences.
func (s *Server) secure(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "拒绝来自其他网站的请求。", http.StatusForbidden)
	}))
	inner := cop.Handler(s.session(h))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.hosts[strings.ToLower(r.Host)] {
			http.Error(w, "拒绝访问：地址 "+r.Host+" 不是本工作台的地址。", http.StatusMisdirectedRequest)
			return
		}
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Cross-Origin-Resource-Policy", "same-origin")
		if !cleanPath(r) {
			http.NotFound(w, r)
			return
		}
		inner.ServeHTTP(w, r)
	})
}

// cleanPath reports whether a request's path is clean: no empty, "." or ".." element, no
// backslash, and no separator or NUL encoded.
func cleanPath(r *http.Request) bool {
	raw := strings.ToLower(r.URL.EscapedPath())
	if strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") || strings.Contains(raw, "%00") || strings.Contains(raw, "%2e") {
		return false
	}
	p := r.URL.Path
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return false
	}
	for _, el := range strings.Split(p[1:], "/") {
		if el == "." || el == ".." {
			return false
		}
	}
	return !strings.Contains(p[1:], "//")
}

// session finds or starts the request's session, sends one not logged in to the login page
// when there is a password, and checks every POST's CSRF token.
func (s *Server) session(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := s.sessions.get(r)
		public := strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/login"
		if r.Method == http.MethodPost {
			if sess == nil {
				s.fail(w, r, http.StatusForbidden, errors.New("页面已过期（或浏览器不接受 Cookie），请刷新页面后重试。"))
				return
			}
			var token string
			ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if ct == "multipart/form-data" {
				r.Body = http.MaxBytesReader(w, r.Body, s.limits.UploadBytes)
				mr, err := r.MultipartReader()
				if err != nil {
					s.fail(w, r, http.StatusBadRequest, errors.New("上传的内容无法读取，请重试。"))
					return
				}
				// The token is the form's first field: the forms put it first, and the script too.
				if part, err := mr.NextPart(); err == nil && part.FormName() == "csrf" {
					b, _ := io.ReadAll(io.LimitReader(part, 256))
					token = string(b)
				}
				r = r.WithContext(context.WithValue(r.Context(), multipartKey, mr))
			} else {
				r.Body = http.MaxBytesReader(w, r.Body, formBytes)
				token = r.PostFormValue("csrf")
			}
			if !sess.checkCSRF(token) {
				s.fail(w, r, http.StatusForbidden, errors.New("页面已过期，请刷新页面后重试（表单缺少有效的校验码）。"))
				return
			}
		} else if sess == nil {
			sess = s.sessions.start(w, false)
		}
		if s.password != nil && !sess.authed && !public {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
			} else {
				s.fail(w, r, http.StatusForbidden, errors.New("请先登录。"))
			}
			return
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey, sess)))
	})
}

func sessionOf(r *http.Request) *session {
	s, _ := r.Context().Value(sessionKey).(*session)
	return s
}

// multipartOf is an upload's reader, past its CSRF token.
func multipartOf(r *http.Request) *multipart.Reader {
	mr, _ := r.Context().Value(multipartKey).(*multipart.Reader)
	return mr
}
