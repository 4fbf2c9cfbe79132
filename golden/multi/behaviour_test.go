package multi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

const secret = "multi-session-test-secret-32-bytes-long"

type app struct {
	users  *UserStorage
	admins *AdminStorage
	store  *runtime.MemoryStore
}

func newApp(t *testing.T) *app {
	t.Helper()
	store := runtime.NewMemoryStore(0)
	users, err := NewUserStorage(Config{Secrets: []string{secret}})
	if err != nil {
		t.Fatal(err)
	}
	admins, err := NewAdminStorage(Config{Secrets: []string{secret}, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	return &app{users, admins, store}
}

func browserRequest(cookies ...*http.Cookie) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	for _, c := range cookies {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return r
}

// login starts an admin session and returns its cookie.
func (a *app) login(t *testing.T, adminID string, r *http.Request) (*http.Cookie, string) {
	t.Helper()
	s, err := a.admins.GetSession(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.admins.RegenerateID(s); err != nil {
		t.Fatal(err)
	}
	s.SetAdminID(adminID)
	s.SetLastSeen(time.Unix(1700000000, 0).UTC())
	rec := httptest.NewRecorder()
	if err := a.admins.CommitSession(rec, s); err != nil {
		t.Fatal(err)
	}
	return rec.Result().Cookies()[0], s.ID()
}

func TestTwoSessionsTwoCookies(t *testing.T) {
	a := newApp(t)
	u, _ := a.users.GetSession(browserRequest())
	u.SetUserID("u-1")
	u.SetRoles([]string{"admin", "editor"})
	rec := httptest.NewRecorder()
	if err := a.users.CommitSession(rec, u); err != nil {
		t.Fatal(err)
	}
	userCookie := rec.Result().Cookies()[0]
	adminCookie, id := a.login(t, "root", browserRequest())
	if userCookie.Name != "__session" || adminCookie.Name != "__Host-admin" || userCookie.MaxAge != 168*3600 || adminCookie.MaxAge != 8*3600 {
		t.Fatalf("cookies: %+v %+v", userCookie, adminCookie)
	}
	r := browserRequest(userCookie, adminCookie)
	u2, _ := a.users.GetSession(r)
	ad, err := a.admins.GetSession(r)
	if err != nil {
		t.Fatal(err)
	}
	if roles, _ := u2.Roles(); len(roles) != 2 || roles[1] != "editor" {
		t.Fatalf("roles = %v", roles)
	}
	if v, _ := ad.AdminID(); v != "root" || ad.ID() != id || len(id) != 64 {
		t.Fatalf("admin = %q id=%q", v, ad.ID())
	}
	if strings.Contains(adminCookie.Value, "root") {
		t.Fatal("server session data leaked into the cookie")
	}
}

func TestUnknownIDIsNotAdopted(t *testing.T) {
	a := newApp(t)
	// A validly signed cookie for an id the store does not know (left over
	// from a wiped store, or planted): commit a session, then delete its data.
	line, err := a.admins.Runtime().CommitSessionHeader(runtime.NewSession())
	if err != nil {
		t.Fatal(err)
	}
	nameValue, _, _ := strings.Cut(line, ";")
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", nameValue)
	s, _ := a.admins.GetSession(r)
	oldID := s.ID()
	if err := a.store.Delete(context.Background(), oldID); err != nil {
		t.Fatal(err)
	}
	s, err = a.admins.GetSession(r)
	if err != nil {
		t.Fatal(err)
	}
	if s.ID() != "" {
		t.Fatalf("unknown id %q adopted", s.ID())
	}
	s.SetAdminID("victim")
	if _, err := a.admins.CommitSessionHeader(s); err != nil {
		t.Fatal(err)
	}
	if s.ID() == oldID || s.ID() == "" {
		t.Fatalf("commit reused the client's id %q", s.ID())
	}
}

func TestRegenerateIDLeavesOldIDUseless(t *testing.T) {
	a := newApp(t)
	before, oldID := a.login(t, "alice", browserRequest())
	after, newID := a.login(t, "alice", browserRequest(before))
	if oldID == newID {
		t.Fatal("RegenerateID kept the id")
	}
	s, err := a.admins.GetSession(browserRequest(before))
	if err != nil {
		t.Fatal(err)
	}
	if s.ID() != "" || s.HasAdminID() {
		t.Fatal("the pre-login id still reads the session")
	}
	s, _ = a.admins.GetSession(browserRequest(after))
	if v, _ := s.AdminID(); v != "alice" {
		t.Fatalf("new id lost the data: %q", v)
	}
}

func TestRevokeByAdminID(t *testing.T) {
	a := newApp(t)
	c1, _ := a.login(t, "alice", browserRequest())
	c2, _ := a.login(t, "alice", browserRequest())
	c3, _ := a.login(t, "bob", browserRequest())
	n, err := a.admins.RevokeByAdminID(context.Background(), "alice")
	if err != nil || n != 2 {
		t.Fatalf("RevokeByAdminID = %d, %v", n, err)
	}
	for _, c := range []*http.Cookie{c1, c2} {
		if s, _ := a.admins.GetSession(browserRequest(c)); s.HasAdminID() {
			t.Fatal("a revoked session still reads")
		}
	}
	if s, _ := a.admins.GetSession(browserRequest(c3)); !s.HasAdminID() {
		t.Fatal("another owner's session was revoked")
	}
	if _, err := a.users.Runtime().RevokeOwner(context.Background(), "x"); !errors.Is(err, runtime.ErrNoOwnerIndex) {
		t.Fatalf("cookie storage revoke: %v", err)
	}
}

func TestDestroyDeletesServerData(t *testing.T) {
	a := newApp(t)
	c, id := a.login(t, "alice", browserRequest())
	s, _ := a.admins.GetSession(browserRequest(c))
	rec := httptest.NewRecorder()
	if err := a.admins.DestroySession(rec, s); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.Read(context.Background(), id); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("data still in the store: %v", err)
	}
	if got := rec.Header().Get("Set-Cookie"); !strings.HasPrefix(got, "__Host-admin=; Path=/; Expires=Thu, 01 Jan 1970") {
		t.Fatalf("destroy header %q", got)
	}
}

// failingStore fails every call, as a database that is down would.
type failingStore struct{ runtime.Store }

var errDown = errors.New("connection refused")

func (failingStore) Read(context.Context, string) (runtime.Record, error) {
	return runtime.Record{}, errDown
}
func (failingStore) Update(context.Context, string, runtime.Patch) error { return errDown }

func TestStoreFailureIsAnError(t *testing.T) {
	a := newApp(t)
	c, _ := a.login(t, "alice", browserRequest())
	down, err := NewAdminStorage(Config{Secrets: []string{secret}, Store: failingStore{a.store}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := down.GetSession(browserRequest(c))
	var se *runtime.StoreError
	if !errors.As(err, &se) || !errors.Is(err, errDown) || s != nil {
		t.Fatalf("GetSession with the store down = %v, %v; want a StoreError and no session", s, err)
	}
}
