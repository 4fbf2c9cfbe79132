package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

// TestOneSessionPerRequest: the README's login handler (GetSession →
// SetUserID → CommitSession) placed under the Middleware keeps its login
// when the middleware would have committed its own copy: after the idle
// renewal interval, and when the cookie was signed by an older secret.
// GetSession returns the very session the middleware holds.
func TestOneSessionPerRequest(t *testing.T) {
	clock := &fakeClock{t: time.Now().Truncate(time.Second)}
	const older = "web-golden-older-secret-32-bytes-long!"
	oldUsers, err := NewUserStorage(Config{Secrets: []string{older}, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	users, err := NewUserStorage(Config{Secrets: []string{secret, older}, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	login := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := users.GetSession(r)
		if err != nil {
			t.Fatal(err)
		}
		if from, _ := UserSessionFrom(r.Context()); from != s {
			t.Errorf("GetSession = %p, the middleware's session = %p", s, from)
		}
		s.SetUserID("u-42")
		if err := users.CommitSession(w, s); err != nil {
			t.Fatal(err)
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	h := users.Middleware(login)
	for _, tc := range []struct {
		name    string
		storage *UserStorage
		advance time.Duration
	}{
		{"within the renewal interval", users, time.Second},
		{"after the renewal interval", users, 5 * time.Minute},
		{"cookie signed by an older secret", oldUsers, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := tc.storage.GetSessionHeader(t.Context(), "")
			s.SetTheme("dark")
			line, err := tc.storage.CommitSessionHeader(s)
			if err != nil {
				t.Fatal(err)
			}
			clock.Advance(tc.advance)
			req := httptest.NewRequest("POST", "/login", nil)
			req.Header.Set("Cookie", strings.SplitN(line, ";", 2)[0])
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			cookies := rec.Result().Header.Values("Set-Cookie")
			if len(cookies) != 1 {
				t.Fatalf("Set-Cookie %q, want one line", cookies)
			}
			got, _ := users.GetSessionHeader(t.Context(), strings.SplitN(cookies[0], ";", 2)[0])
			if uid, _ := got.UserID(); uid != "u-42" || got.Theme() != "dark" {
				t.Fatalf("after login: userId %q, theme %q; want u-42, dark (%s)", uid, got.Theme(), got.Runtime().JSON())
			}
		})
	}
}

// TestHandledCommitErrorKeepsResponse: a handler under the Middleware whose
// CommitSession fails (a cookie over 4096 bytes) and which answers with its
// own page keeps that page: the middleware does not retry the commit and
// replace the response with its error handler.
func TestHandledCommitErrorKeepsResponse(t *testing.T) {
	a := newApp(t)
	h := a.users.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := a.users.GetSession(r)
		s.SetRoles([]string{strings.Repeat("x", 5000)})
		err := a.users.CommitSession(w, s)
		if !errors.Is(err, runtime.ErrTooLarge) {
			t.Fatalf("CommitSession = %v, want ErrTooLarge", err)
		}
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		w.Write([]byte("too many roles"))
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/roles", nil))
	if rec.Code != http.StatusRequestEntityTooLarge || rec.Body.String() != "too many roles" {
		t.Fatalf("response %d %q, want the handler's own 413", rec.Code, rec.Body.String())
	}
	if c := rec.Result().Header.Values("Set-Cookie"); len(c) != 0 {
		t.Fatalf("Set-Cookie %q after a refused commit", c)
	}
}

// TestRevokedInFlightThroughMiddleware: a request under the Middleware that
// read an admin session, which is revoked before it commits, sets the owner
// again; the response deletes the cookie and no admin session exists.
func TestRevokedInFlightThroughMiddleware(t *testing.T) {
	a := newApp(t)
	s, _ := a.admins.GetSessionHeader(t.Context(), "")
	s.SetAdminID(7)
	line, err := a.admins.CommitSessionHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	h := a.admins.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := AdminSessionFrom(r.Context())
		if _, err := a.admins.RevokeByAdminID(r.Context(), 7); err != nil {
			t.Fatal(err)
		}
		s.SetAdminID(7) // a handler that refreshes the user on each request
		w.Write([]byte("ok"))
	}))
	req := httptest.NewRequest("GET", "/admin", nil)
	req.Header.Set("Cookie", strings.SplitN(line, ";", 2)[0])
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want the handler's 200", rec.Code)
	}
	c := rec.Result().Header.Values("Set-Cookie")
	if len(c) != 1 || !strings.Contains(c[0], "Expires=Thu, 01 Jan 1970") {
		t.Fatalf("Set-Cookie %q, want the deleting line", c)
	}
	if ids, _ := a.store.IDsByOwner(t.Context(), "7"); len(ids) != 0 {
		t.Fatalf("revoked admin came back: %q", ids)
	}
}
