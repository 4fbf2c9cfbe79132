// Package sessiontest helps test handlers that use generated sessions: build
// a request that carries a session with chosen values, and read back the
// typed session a response set.
//
//	req := sessiontest.NewRequest(t, users, "POST", "/items/Bread/delete", func(s *sessions.UserSession) { s.SetUserID("demo") })
//	rec := httptest.NewRecorder()
//	handler.ServeHTTP(rec, req)
//	got := sessiontest.Read(t, users, rec.Header())
//	msg, _ := got.Session.PopMessage() // "Deleted item Bread"; got.Destroyed after a logout
//
// It works with every generated storage (UserStorage, AdminStorage, …)
// through their common methods, so the generated code carries no test-only
// API and no method that a schema key could collide with. Pass the storage
// the handler uses, or one built with the same Config: a cookie session
// needs the same secrets, a server session the same Store.
//
// The cookie is made by the real runtime (CommitSessionHeader), signed or
// sealed and stamped as in production, so the handler reads it exactly as
// it would read a browser's.
package sessiontest

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

// A Session is what every generated XSession is to this package.
type Session interface {
	Runtime() *runtime.Session
}

// A Storage is what every generated XStorage is to this package: S is its
// typed session (*UserSession for *UserStorage).
type Storage[S Session] interface {
	GetSessionHeader(ctx context.Context, cookieHeader string) (S, error)
	Runtime() *runtime.Storage
}

// NewRequest is httptest.NewRequest (with no body) carrying a session of st
// whose values set chooses; set may be nil for an empty committed session.
// When the cookie is Secure the request is marked as HTTPS (r.TLS is set),
// as a browser sends a Secure cookie only over HTTPS.
func NewRequest[S Session](t testing.TB, st Storage[S], method, target string, set func(S)) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	AddSession(t, r, st, set)
	return r
}

// AddSession adds to r's Cookie header a session of st whose values set
// chooses, for a request built otherwise (with a body) or carrying several
// sessions.
func AddSession[S Session](t testing.TB, r *http.Request, st Storage[S], set func(S)) {
	t.Helper()
	s, err := st.GetSessionHeader(r.Context(), "")
	if err != nil {
		t.Fatalf("sessiontest: new session: %v", err)
	}
	if set != nil {
		set(s)
	}
	line, err := st.Runtime().CommitSessionHeader(s.Runtime())
	if err != nil {
		t.Fatalf("sessiontest: commit the request's session: %v", err)
	}
	pair, _, _ := strings.Cut(line, ";")
	if old := r.Header.Get("Cookie"); old != "" {
		pair = old + "; " + pair
	}
	r.Header.Set("Cookie", pair)
	if st.Runtime().Spec().Cookie.Secure && r.TLS == nil {
		r.TLS = &tls.ConnectionState{Version: tls.VersionTLS13, HandshakeComplete: true}
	}
}

// A Result is what a response did to one session.
type Result[S Session] struct {
	// Session is the session the response's cookie carries, typed: read its
	// values and flash values (PopMessage) as a handler would. It is an
	// empty session when the response set no cookie of this storage or
	// destroyed it.
	Session S
	// SetCookie is the response's Set-Cookie line for this storage's cookie
	// (the last one), or "" when there is none.
	SetCookie string
	// Committed is true when the response set the cookie to a session (not
	// to the deleting value).
	Committed bool
	// Destroyed is true when the response deleted the cookie (DestroySession,
	// or a timed-out session cleared by the middleware).
	Destroyed bool
}

// Read returns what the response whose headers are h did to st's session:
// pass rec.Header() of an httptest.ResponseRecorder, or resp.Header of an
// http.Response.
func Read[S Session](t testing.TB, st Storage[S], h http.Header) Result[S] {
	t.Helper()
	var res Result[S]
	name := st.Runtime().Spec().Cookie.Name
	var c *http.Cookie
	for _, line := range h.Values("Set-Cookie") {
		parsed, err := http.ParseSetCookie(line)
		if err == nil && parsed.Name == name {
			c, res.SetCookie = parsed, line
		}
	}
	res.Destroyed = c != nil && deletes(c)
	res.Committed = c != nil && !res.Destroyed
	cookieHeader := ""
	if res.Committed {
		cookieHeader = name + "=" + c.Value
	}
	s, err := st.GetSessionHeader(context.Background(), cookieHeader)
	if err != nil {
		t.Fatalf("sessiontest: read the response's session: %v", err)
	}
	if err := s.Runtime().ReadError(); err != nil {
		t.Fatalf("sessiontest: the response's cookie %s does not read back: %v (is st configured as the handler's storage?)", name, err)
	}
	res.Session = s
	return res
}

// deletes reports whether a Set-Cookie deletes its cookie: an empty value,
// Max-Age=0 or an Expires in the past.
func deletes(c *http.Cookie) bool {
	return c.Value == "" || c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now()))
}
