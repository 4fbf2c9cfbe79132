package migrate_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
	gsessions "github.com/gorilla/sessions"

	"github.com/sessiongen/sessiongen/examples/migrate"
	"github.com/sessiongen/sessiongen/examples/migrate/sessions"
	"github.com/sessiongen/sessiongen/internal/flowtest"
	"github.com/sessiongen/sessiongen/internal/readmetest"
)

// switchable is one server whose handler is replaced mid-test: the
// deployment of the sessiongen version over the old one.
type switchable struct{ h atomic.Pointer[http.Handler] }

func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) { (*s.h.Load()).ServeHTTP(w, r) }

func (s *switchable) set(h http.Handler) { s.h.Store(&h) }

// newApp is the app after the switch: a dashboard guarded by RequireUserID,
// with migrate in front of it inside the generated Middleware.
func newApp(t *testing.T, migrate func(http.Handler) http.Handler) http.Handler {
	users, err := sessions.NewUserStorage(sessions.Config{Secrets: []string{"tB0k9fQ2xV7mLr4sWz8pYc1nHa6dJe3u"}, DisableSecure: true})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /dashboard", users.RequireUserID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := sessions.UserSessionFrom(r.Context())
		id, _ := s.UserID()
		fmt.Fprintf(w, "dashboard of %s\n", id)
	})))
	return users.Middleware(migrate(mux))
}

// checkSwitch signs in under the old app, switches to the new one, and
// checks that the user stays signed in, the old cookie is expired, and a
// second request does not reach the old library (calls counts its calls).
func checkSwitch(t *testing.T, srv *switchable, base, oldName string, newHandler http.Handler, calls *atomic.Int32) {
	c := flowtest.NewClient(t, base)
	if r := c.Post("/login", nil); r.StatusCode != http.StatusOK {
		t.Fatalf("old app: POST /login: %d", r.StatusCode)
	}
	srv.set(newHandler)
	before := calls.Load()
	r := c.Get("/dashboard")
	if r.StatusCode != http.StatusOK || r.Body != "dashboard of demo\n" {
		t.Fatalf("after the switch: GET /dashboard: %d %q, want the user signed in", r.StatusCode, r.Body)
	}
	if len(r.SessionLines()) != 1 || !expires(r, oldName) {
		t.Fatalf("after the switch: Set-Cookie %q, want a new session and the old cookie expired", r.Header.Values("Set-Cookie"))
	}
	if got := calls.Load() - before; got != 1 {
		t.Fatalf("first request after the switch: %d calls to the old library, want 1", got)
	}
	r = c.Get("/dashboard")
	if r.StatusCode != http.StatusOK || calls.Load()-before != 1 {
		t.Fatalf("second request: status %d, %d calls to the old library in all, want 200 and 1", r.StatusCode, calls.Load()-before)
	}
}

// expires reports whether r expires the cookie name.
func expires(r flowtest.Response, name string) bool {
	for _, c := range r.Cookies() {
		if c.Name == name && c.MaxAge < 0 {
			return true
		}
	}
	return false
}

// countingGorilla counts the calls of FromGorilla into a gorilla store.
type countingGorilla struct {
	*gsessions.CookieStore
	calls atomic.Int32
}

func (s *countingGorilla) Get(r *http.Request, name string) (*gsessions.Session, error) {
	s.calls.Add(1)
	return s.CookieStore.Get(r, name)
}

func TestFromGorilla(t *testing.T) {
	old := &countingGorilla{CookieStore: gsessions.NewCookieStore([]byte(strings.Repeat("g", 32)))}
	oldApp := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := old.CookieStore.Get(r, "session")
		s.Values["userId"] = "demo"
		if err := s.Save(r, w); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	srv := &switchable{}
	srv.set(oldApp)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	checkSwitch(t, srv, ts.URL, "session", newApp(t, migrate.FromGorilla(old, "session")), &old.calls)
}

// countingSCS counts the reads of an scs store.
type countingSCS struct {
	scs.Store
	finds atomic.Int32
}

func (s *countingSCS) Find(token string) ([]byte, bool, error) {
	s.finds.Add(1)
	return s.Store.Find(token)
}

func TestFromSCS(t *testing.T) {
	mem := memstore.NewWithCleanupInterval(0)
	store := &countingSCS{Store: mem}
	sm := scs.New()
	sm.Store = store
	oldApp := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := sm.RenewToken(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		sm.Put(r.Context(), "userID", "demo")
	}))
	srv := &switchable{}
	srv.set(oldApp)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	checkSwitch(t, srv, ts.URL, "session", newApp(t, migrate.FromSCS(sm)), &store.finds)
	if all, err := mem.All(); err != nil || len(all) != 0 {
		t.Fatalf("scs store after the migration: %d sessions (%v), want the old one deleted", len(all), err)
	}
}

// TestFromSCSStoreDown: a failing old store is a 500, not a user signed
// out.
func TestFromSCSStoreDown(t *testing.T) {
	sm := scs.New()
	sm.Store = failingStore{}
	h := newApp(t, migrate.FromSCS(sm))
	req := httptest.NewRequest("GET", "/dashboard", nil)
	req.AddCookie(&http.Cookie{Name: "session", Value: "token"})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", w.Code)
	}
}

type failingStore struct{}

func (failingStore) Delete(string) error                    { return errDown }
func (failingStore) Find(string) ([]byte, bool, error)      { return nil, false, errDown }
func (failingStore) Commit(string, []byte, time.Time) error { return errDown }

var errDown = fmt.Errorf("store down")

// TestREADME checks that the README's migration section shows this code.
func TestREADME(t *testing.T) {
	readmetest.Check(t, "../../README.md", "## Coming from gorilla/sessions or scs", "migrate.go")
}
