package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/sessiongen/sessiongen/runtime"
)

const secret = "web-golden-behaviour-secret-32-bytes!"

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type app struct {
	users  *UserStorage
	admins *AdminStorage
	store  *runtime.MemoryStore
	clock  *fakeClock
}

func newApp(t *testing.T) *app {
	t.Helper()
	a := &app{store: runtime.NewMemoryStore(0), clock: &fakeClock{t: time.Now().Truncate(time.Second)}}
	var err error
	if a.users, err = NewUserStorage(Config{Secrets: []string{secret}, Now: a.clock.Now}); err != nil {
		t.Fatal(err)
	}
	if a.admins, err = NewAdminStorage(Config{Secrets: []string{secret}, Store: a.store, Now: a.clock.Now}); err != nil {
		t.Fatal(err)
	}
	return a
}

func (a *app) user(r *http.Request) *UserSession {
	s, ok := UserSessionFrom(r.Context())
	if !ok {
		panic("no user session: the middleware did not run")
	}
	return s
}

// mux is the app on net/http's ServeMux patterns, under both middlewares,
// with a timed-out session told apart from a never-signed-in one.
func (a *app) mux() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		msg, _ := a.user(r).PopMessage()
		fmt.Fprintf(w, "login page: %s", msg)
	})
	m.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s := a.user(r)
		s.SetUserID(r.FormValue("user"))
		if r.FormValue("remember") == "on" {
			if err := a.users.CommitSession(w, s, WithMaxAge(30*24*time.Hour)); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
		}
		http.Redirect(w, r, runtime.SafeRedirect(r.FormValue("redirectTo"), "/dashboard"), http.StatusSeeOther)
	})
	m.Handle("GET /dashboard", a.users.RequireUserID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := a.user(r).UserID()
		msg, _ := a.user(r).PopMessage()
		fmt.Fprintf(w, "dashboard of %s %s", id, msg)
	})))
	m.Handle("POST /items/{id}/delete", a.users.RequireUserID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.user(r).FlashMessage("deleted item " + r.PathValue("id"))
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
	})))
	m.HandleFunc("POST /admin/login", func(w http.ResponseWriter, r *http.Request) {
		s, _ := AdminSessionFrom(r.Context())
		s.SetAdminID(7)
		a.admins.RegenerateID(s)
	})
	isSuper := func(s *AdminSession) bool { id, _ := s.AdminID(); return id == 1 }
	m.Handle("GET /admin", a.admins.RequireAdminID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "admin")
	})))
	m.Handle("GET /admin/super", a.admins.RequireAdminID(a.admins.Require(isSuper, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "super")
	}))))
	timedOut := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if s := a.user(r); s.TimedOut() {
				s.FlashMessage("your session timed out")
			}
			next.ServeHTTP(w, r)
		})
	}
	return a.users.Middleware(a.admins.Middleware(timedOut(m)))
}

type result struct {
	status   int
	location string
	body     string
	cookies  []string
	vary     []string
}

type browser struct {
	t   *testing.T
	srv *httptest.Server
	jar map[string]string // cookie name → value
}

func newBrowser(t *testing.T, h http.Handler) *browser {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &browser{t: t, srv: srv, jar: map[string]string{}}
}

func (b *browser) do(method, path string, form string) result {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), method, b.srv.URL+path, strings.NewReader(form))
	if err != nil {
		b.t.Fatal(err)
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	var pairs []string
	for k, v := range b.jar {
		pairs = append(pairs, k+"="+v)
	}
	req.Header.Set("Cookie", strings.Join(pairs, "; "))
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	res := result{resp.StatusCode, resp.Header.Get("Location"), string(body), resp.Header.Values("Set-Cookie"), resp.Header.Values("Vary")}
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Unix(1, 0))) {
			delete(b.jar, c.Name)
		} else {
			b.jar[c.Name] = c.Value
		}
	}
	return res
}

func TestServeMuxFlow(t *testing.T) {
	a := newApp(t)
	b := newBrowser(t, a.mux())

	res := b.do("GET", "/dashboard?tab=2", "")
	if res.status != http.StatusSeeOther || res.location != "/login?redirectTo=%2Fdashboard%3Ftab%3D2" {
		t.Fatalf("dashboard signed out: %d %q", res.status, res.location)
	}
	if len(res.cookies) != 0 || len(res.vary) != 1 || res.vary[0] != "Cookie" {
		t.Errorf("guard redirect: Set-Cookie %q (want none: nothing changed), Vary %q", res.cookies, res.vary)
	}
	res = b.do("POST", "/login", "user=ada&redirectTo=%2Fdashboard%3Ftab%3D2")
	if res.location != "/dashboard?tab=2" || len(res.cookies) != 1 {
		t.Fatalf("login: Location %q, Set-Cookie %q", res.location, res.cookies)
	}
	if res = b.do("POST", "/items/42/delete", ""); res.location != "/dashboard" {
		t.Fatalf("delete: %d %q", res.status, res.location)
	}
	if res = b.do("GET", "/dashboard", ""); res.body != "dashboard of ada deleted item 42" {
		t.Errorf("dashboard after delete = %q, want the flash", res.body)
	}
	if res = b.do("GET", "/dashboard", ""); res.body != "dashboard of ada " {
		t.Errorf("dashboard reloaded = %q, want the flash gone", res.body)
	}
}

func TestAdminGuards(t *testing.T) {
	a := newApp(t)
	b := newBrowser(t, a.mux())
	if res := b.do("GET", "/admin", ""); res.status != http.StatusSeeOther || res.location != "/admin/login?from=guard&redirectTo=%2Fadmin" {
		t.Errorf("admin signed out: %d %q", res.status, res.location)
	}
	b.do("POST", "/admin/login", "")
	if res := b.do("GET", "/admin", ""); res.body != "admin" {
		t.Errorf("admin signed in: %d %q", res.status, res.body)
	}
	if res := b.do("GET", "/admin/super", ""); res.status != http.StatusForbidden {
		t.Errorf("super page for admin 7: %d, want 403", res.status)
	}
}

func TestIdleTimeoutMessage(t *testing.T) {
	a := newApp(t)
	b := newBrowser(t, a.mux())
	b.do("POST", "/login", "user=ada")
	a.clock.Advance(29 * time.Minute)
	if res := b.do("GET", "/dashboard", ""); res.body != "dashboard of ada " || len(res.cookies) != 1 {
		t.Fatalf("29 min later: %q, Set-Cookie %q; want the dashboard and a renewal", res.body, res.cookies)
	}
	a.clock.Advance(30 * time.Minute)
	res := b.do("GET", "/dashboard", "")
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/login?") {
		t.Fatalf("after 30 idle minutes: %d %q, want the login redirect", res.status, res.location)
	}
	if res = b.do("GET", "/login", ""); res.body != "login page: your session timed out" {
		t.Errorf("login page after the timeout = %q", res.body)
	}
}

func TestRememberMe(t *testing.T) {
	a := newApp(t)
	for _, tc := range []struct {
		form       string
		persistent bool
	}{{"user=ada&remember=on", true}, {"user=ada", false}} {
		b := newBrowser(t, a.mux())
		res := b.do("POST", "/login", tc.form)
		if len(res.cookies) != 1 {
			t.Fatalf("%s: Set-Cookie %q, want one", tc.form, res.cookies)
		}
		if got := strings.Contains(res.cookies[0], "; Max-Age=2592000;"); got != tc.persistent || strings.Contains(res.cookies[0], "Expires=") {
			t.Errorf("%s: Set-Cookie %q, persistent %v", tc.form, res.cookies[0], tc.persistent)
		}
	}
}

func TestSessionFromWithoutMiddleware(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	if s, ok := UserSessionFrom(r.Context()); ok || s != nil {
		t.Error("UserSessionFrom found a session without the middleware")
	}
	if s, ok := AdminSessionFrom(r.Context()); ok || s != nil {
		t.Error("AdminSessionFrom found a session without the middleware")
	}
}

// TestChi runs the middleware and a guard under a third-party router.
func TestChi(t *testing.T) {
	a := newApp(t)
	r := chi.NewRouter()
	r.Use(a.users.Middleware)
	r.Post("/login", func(w http.ResponseWriter, r *http.Request) {
		a.user(r).SetUserID("grace")
	})
	r.With(a.users.RequireUserID).Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, _ := a.user(r).UserID()
		fmt.Fprintf(w, "%s sees item %s", id, chi.URLParam(r, "id"))
	})
	b := newBrowser(t, r)
	if res := b.do("GET", "/items/9?x=1", ""); res.location != "/login?redirectTo=%2Fitems%2F9%3Fx%3D1" {
		t.Errorf("chi guard: %d %q", res.status, res.location)
	}
	if res := b.do("POST", "/login", ""); len(res.cookies) != 1 {
		t.Fatalf("chi login: Set-Cookie %q", res.cookies)
	}
	if res := b.do("GET", "/items/9", ""); res.body != "grace sees item 9" || len(res.cookies) != 0 {
		t.Errorf("chi item: %q, Set-Cookie %q", res.body, res.cookies)
	}
}
