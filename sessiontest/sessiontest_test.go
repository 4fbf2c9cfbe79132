package sessiontest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sessiongen/sessiongen/golden/multi"
	"github.com/sessiongen/sessiongen/runtime"
	"github.com/sessiongen/sessiongen/sessiontest"
)

const secret = "sessiontest-secret-of-at-least-32-bytes"

func storages(t *testing.T) (*multi.UserStorage, *multi.AdminStorage) {
	t.Helper()
	cfg := multi.Config{Secrets: []string{secret}, Store: runtime.NewMemoryStore(0)}
	users, err := multi.NewUserStorage(cfg)
	if err != nil {
		t.Fatal(err)
	}
	admins, err := multi.NewAdminStorage(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return users, admins
}

// greet answers with the request's user and sets a flash under the
// middleware; ?logout destroys the session, ?quiet changes nothing.
func greet(users *multi.UserStorage) http.Handler {
	return users.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := multi.UserSessionFrom(r.Context())
		id, _ := s.UserID()
		switch {
		case r.URL.Query().Has("logout"):
			if err := users.DestroySession(w, s); err != nil {
				http.Error(w, err.Error(), 500)
			}
		case r.URL.Query().Has("quiet"):
		default:
			s.FlashMessage("hello " + id)
		}
		w.Write([]byte(id))
	}))
}

func TestRequestAndResult(t *testing.T) {
	users, _ := storages(t)
	req := sessiontest.NewRequest(t, users, "GET", "/", func(s *multi.UserSession) { s.SetUserID("ada") })
	if req.TLS == nil {
		t.Error("a request carrying a Secure cookie is not marked HTTPS")
	}
	rec := httptest.NewRecorder()
	greet(users).ServeHTTP(rec, req)
	if rec.Body.String() != "ada" {
		t.Fatalf("the handler read user %q, want ada", rec.Body.String())
	}
	got := sessiontest.Read(t, users, rec.Header())
	if !got.Committed || got.Destroyed || !strings.HasPrefix(got.SetCookie, "__session=") {
		t.Fatalf("Read = %+v, want a committed __session", got)
	}
	if id, _ := got.Session.UserID(); id != "ada" {
		t.Errorf("the response's session has user %q, want ada", id)
	}
	if msg, ok := got.Session.PopMessage(); msg != "hello ada" || !ok {
		t.Errorf("the response's flash = %q, %v; want hello ada", msg, ok)
	}
	// Read also takes an http.Response's header.
	if again := sessiontest.Read(t, users, rec.Result().Header); !again.Committed {
		t.Error("Read of rec.Result().Header found no session")
	}
}

func TestResultDestroyedAndUntouched(t *testing.T) {
	users, _ := storages(t)
	set := func(s *multi.UserSession) { s.SetUserID("ada") }
	rec := httptest.NewRecorder()
	greet(users).ServeHTTP(rec, sessiontest.NewRequest(t, users, "POST", "/?logout", set))
	got := sessiontest.Read(t, users, rec.Header())
	if !got.Destroyed || got.Committed || got.Session.HasUserID() {
		t.Errorf("after a logout: %+v, want Destroyed and an empty session", got)
	}
	rec = httptest.NewRecorder()
	greet(users).ServeHTTP(rec, sessiontest.NewRequest(t, users, "GET", "/?quiet", set))
	if got = sessiontest.Read(t, users, rec.Header()); got.Committed || got.Destroyed || got.SetCookie != "" {
		t.Errorf("a request that changed nothing: %+v, want no Set-Cookie", got)
	}
}

func TestTwoSessionsOneOnTheServer(t *testing.T) {
	users, admins := storages(t)
	req := sessiontest.NewRequest(t, users, "GET", "/", func(s *multi.UserSession) { s.SetUserID("ada") })
	sessiontest.AddSession(t, req, admins, func(s *multi.AdminSession) { s.SetAdminID("root") })
	h := users.Middleware(admins.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := multi.UserSessionFrom(r.Context())
		a, _ := multi.AdminSessionFrom(r.Context())
		id, _ := u.UserID()
		admin, _ := a.AdminID()
		a.FlashNotice(id + " as " + admin)
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	got := sessiontest.Read(t, admins, rec.Header())
	if msg, _ := got.Session.PopNotice(); msg != "ada as root" || got.Session.ID() == "" {
		t.Errorf("admin session after the response: notice %q, id %q; want ada as root and a server id", msg, got.Session.ID())
	}
	if u := sessiontest.Read(t, users, rec.Header()); u.Committed {
		t.Errorf("the user session was not changed but Read says %+v", u)
	}
}

// failTB records Fatalf instead of stopping the test.
type failTB struct {
	testing.TB
	failed string
}

func (f *failTB) Helper() {}

func (f *failTB) Fatalf(format string, args ...any) {
	f.failed = format
	panic(f)
}

func TestReadWithAnotherSecretFails(t *testing.T) {
	users, _ := storages(t)
	other, err := multi.NewUserStorage(multi.Config{Secrets: []string{"another-test-secret-q8Zr2LxW4vN7pT0kYs"}})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	greet(users).ServeHTTP(rec, sessiontest.NewRequest(t, users, "GET", "/", nil))
	f := &failTB{TB: t}
	func() {
		defer func() { recover() }()
		sessiontest.Read(f, other, rec.Header())
	}()
	if !strings.Contains(f.failed, "does not read back") {
		t.Errorf("Read through a storage with another secret: failure %q, want one saying the cookie does not read back", f.failed)
	}
}
