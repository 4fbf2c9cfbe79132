package runtime

import (
	"net/http"
	"net/url"
	"strings"
)

// Require returns next guarded by allow: a request whose session allow
// refuses is answered 403 Forbidden (the seed's requireAdmin). The session
// comes from Middleware under key; without it, Require applies Middleware
// itself, so a guarded handler never sees a missing session.
func (st *Storage) Require(key any, allow func(*Session) bool, next http.Handler) http.Handler {
	return st.guard(key, allow, next, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, http.StatusText(http.StatusForbidden), http.StatusForbidden)
	}))
}

// RequireRedirect returns next guarded by allow: a request whose session
// allow refuses is redirected with 303 See Other to login (a same-site
// path, checked at generation time) with the original path and query in the
// redirectTo parameter: /login?redirectTo=%2Fdashboard%3Ftab%3D2. 303 for
// every method, so that a refused POST turns into a GET of the login page.
// Read the parameter back with SafeRedirect.
func (st *Storage) RequireRedirect(key any, allow func(*Session) bool, login string, next http.Handler) http.Handler {
	return st.guard(key, allow, next, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, LoginURL(login, r), http.StatusSeeOther)
	}))
}

// LoginURL returns login with a redirectTo parameter naming r's path and
// query as the client sent them. A path and query over 2048 bytes (which
// SafeRedirect would refuse anyway) is left out, so a huge request path
// never becomes a huge Location header.
//
// For generated code; apps do not call it.
func LoginURL(login string, r *http.Request) string {
	back := r.RequestURI // before http.StripPrefix or a router changed r.URL
	if !strings.HasPrefix(back, "/") {
		back = r.URL.RequestURI()
	}
	if len(back) > maxRedirect {
		return login
	}
	sep := "?"
	if strings.Contains(login, "?") {
		sep = "&"
	}
	return login + sep + "redirectTo=" + url.QueryEscape(back)
}

func (st *Storage) guard(key any, allow func(*Session) bool, next, deny http.Handler) http.Handler {
	var h, withSession http.Handler
	h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := SessionFrom(r.Context(), key)
		switch {
		case !ok:
			withSession.ServeHTTP(w, r)
		case allow(s):
			next.ServeHTTP(w, r)
		default:
			deny.ServeHTTP(w, r)
		}
	})
	withSession = st.Middleware(key, h) // built once, not per request
	return h
}
