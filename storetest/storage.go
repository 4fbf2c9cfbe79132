package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/sessiongen/sessiongen/runtime"
)

// CookieHeader turns a Set-Cookie line into the Cookie header a browser
// would send back.
func CookieHeader(setCookie string) string {
	if i := strings.IndexByte(setCookie, ';'); i >= 0 {
		return setCookie[:i]
	}
	return setCookie
}

// Request reads the session of cookie, lets change modify it and commits
// it, as one HTTP request would. It returns the session as committed and
// the Cookie header for the next request.
func Request(ctx context.Context, st *runtime.Storage, cookie string, change func(*runtime.Session)) (*runtime.Session, string, error) {
	s, err := st.GetSessionHeader(ctx, cookie)
	if err != nil {
		return nil, "", err
	}
	if change != nil {
		change(s)
	}
	line, err := st.CommitSessionHeader(s)
	if err != nil {
		return nil, "", err
	}
	return s, CookieHeader(line), nil
}

func mustRequest(t *testing.T, st *runtime.Storage, cookie string, change func(*runtime.Session)) (*runtime.Session, string) {
	t.Helper()
	s, c, err := Request(ctx(t), st, cookie, change)
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func mustGet(t *testing.T, st *runtime.Storage, cookie string) *runtime.Session {
	t.Helper()
	s, err := st.GetSessionHeader(ctx(t), cookie)
	if err != nil {
		t.Fatalf("GetSession: %v", err)
	}
	return s
}

func (s *suite) storageRoundTrip(t *testing.T) {
	store := s.newStore(t)
	st := NewStorage(t, store)
	first, cookie := mustRequest(t, st, "", func(se *runtime.Session) {
		runtime.Set(se, "userId", "alice")
		runtime.Flash(se, "message", "hello")
	})
	id := first.ID()
	if len(id) != 64 {
		t.Fatalf("new session id %q: want 64 hex digits", id)
	}
	if _, err := store.Read(ctx(t), id); err != nil {
		t.Fatalf("committed session not in the store: %v", err)
	}
	// Next request: the flash is consumed, a key added.
	s2, cookie2 := mustRequest(t, st, cookie, func(se *runtime.Session) {
		if se.ID() != id {
			t.Fatalf("ID = %q, want %q", se.ID(), id)
		}
		if v, ok := runtime.Get[string](se, "userId"); !ok || v != "alice" {
			t.Fatalf("userId = %q, %v", v, ok)
		}
		if v, ok := runtime.Pop[string](se, "message"); !ok || v != "hello" {
			t.Fatalf("flash = %q, %v", v, ok)
		}
		runtime.Set(se, "n", 2)
	})
	if s2.ID() != id || cookie2 != cookie {
		t.Fatalf("commit of a known session changed its id or cookie: %q → %q", cookie, cookie2)
	}
	s3 := mustGet(t, st, cookie)
	if s3.Has("message") {
		t.Fatal("flash value survived its reading")
	}
	if v, ok := runtime.Get[int](s3, "n"); !ok || v != 2 {
		t.Fatalf("n = %d, %v", v, ok)
	}
	if got := strings.Join(s3.Keys(), ","); got != "userId,n" && !s.o.unordered {
		t.Fatalf("keys = %s, want userId,n", got)
	}
}

// storageNoLostWrites: concurrent requests on one session id, each setting
// a different key (and each deleting the key it set before), through
// GetSession and CommitSession.
func (s *suite) storageNoLostWrites(t *testing.T) {
	store := s.newStore(t)
	st := NewStorage(t, store)
	first, cookie := mustRequest(t, st, "", func(se *runtime.Session) { runtime.Set(se, "start", true) })
	var wg sync.WaitGroup
	errc := make(chan error, s.o.concurrency)
	for g := range s.o.concurrency {
		wg.Go(func() {
			for u := range s.o.updates {
				se, c, err := Request(ctx(t), st, cookie, func(se *runtime.Session) {
					runtime.Set(se, fmt.Sprintf("g%d_%d", g, u), u)
					runtime.Set(se, fmt.Sprintf("last%d", g), u)
					if u > 0 {
						se.Unset(fmt.Sprintf("tmp%d_%d", g, u-1))
					}
					runtime.Set(se, fmt.Sprintf("tmp%d_%d", g, u), 0)
				})
				if err == nil && (se.ID() != first.ID() || c != cookie) {
					err = fmt.Errorf("request %d/%d got another session: %q", g, u, se.ID())
				}
				if err != nil {
					errc <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	s.checkAllKeys(t, mustGet(t, st, cookie).JSON(), "start")
}

// storageUnknownID: a validly signed cookie whose id the store does not
// know (forged with a leaked secret, or from a destroyed session) is never
// adopted: the session reads empty and the next commit makes a new id.
func (s *suite) storageUnknownID(t *testing.T) {
	store := s.newStore(t)
	st := NewStorage(t, store)
	// Another storage with the same secret over another store signs an id
	// this store has never seen.
	elsewhere := runtime.NewMemoryStore(0)
	forger := NewStorage(t, elsewhere)
	forged, cookie := mustRequest(t, forger, "", func(se *runtime.Session) { runtime.Set(se, "userId", "mallory") })
	se := mustGet(t, st, cookie)
	if se.ID() != "" || len(se.Keys()) != 0 {
		t.Fatalf("unknown id adopted: ID %q, data %s", se.ID(), se.JSON())
	}
	runtime.Set(se, "cart", []string{"x"})
	line, err := st.CommitSessionHeader(se)
	if err != nil {
		t.Fatal(err)
	}
	if se.ID() == "" || se.ID() == forged.ID() {
		t.Fatalf("commit kept the unknown id %q (new id %q)", forged.ID(), se.ID())
	}
	if CookieHeader(line) == cookie {
		t.Fatal("commit sent back the forged cookie")
	}
	wantNotFound(t, store, forged.ID(), "forged id after commit")
	if _, err := store.Read(ctx(t), se.ID()); err != nil {
		t.Fatalf("new session not stored: %v", err)
	}
	// A tampered cookie reads empty too.
	if got := mustGet(t, st, CookieHeader(line)+"x"); got.ID() != "" {
		t.Fatalf("tampered cookie read as %q", got.ID())
	}
}

func (s *suite) storageRegenerate(t *testing.T) {
	store := s.newStore(t)
	st := NewStorage(t, store)
	anon, oldCookie := mustRequest(t, st, "", func(se *runtime.Session) { runtime.Set(se, "cart", 3) })
	oldID := anon.ID()
	// Login: regenerate, then set the user.
	se := mustGet(t, st, oldCookie)
	if err := st.RegenerateID(se); err != nil {
		t.Fatal(err)
	}
	runtime.Set(se, "userId", "alice")
	line, err := st.CommitSessionHeader(se)
	if err != nil {
		t.Fatal(err)
	}
	newCookie := CookieHeader(line)
	if se.ID() == oldID || se.ID() == "" || newCookie == oldCookie {
		t.Fatalf("RegenerateID kept id %q (now %q)", oldID, se.ID())
	}
	wantNotFound(t, store, oldID, "old id after RegenerateID")
	old := mustGet(t, st, oldCookie)
	if old.ID() != "" || len(old.Keys()) != 0 {
		t.Fatalf("old cookie after RegenerateID reads %q %s, want a new empty session", old.ID(), old.JSON())
	}
	cur := mustGet(t, st, newCookie)
	if v, _ := runtime.Get[int](cur, "cart"); v != 3 {
		t.Fatalf("data not carried over to the new id: %s", cur.JSON())
	}
	if v, _ := runtime.Get[string](cur, "userId"); v != "alice" {
		t.Fatalf("userId = %q", v)
	}
	if idx, ok := store.(runtime.OwnerIndex); ok {
		ids, err := idx.IDsByOwner(ctx(t), "alice")
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if id == oldID {
				t.Fatal("old id still indexed under its owner")
			}
		}
	}
}

func (s *suite) storageDestroy(t *testing.T) {
	store := s.newStore(t)
	st := NewStorage(t, store)
	se, cookie := mustRequest(t, st, "", func(se *runtime.Session) { runtime.Set(se, "userId", "erin") })
	id := se.ID()
	se = mustGet(t, st, cookie)
	line, err := st.DestroySessionHeader(se)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(line, "Expires=Thu, 01 Jan 1970 00:00:00 GMT") {
		t.Fatalf("destroy line %q does not expire the cookie", line)
	}
	wantNotFound(t, store, id, "after DestroySession")
	if got := mustGet(t, st, cookie); got.ID() != "" || len(got.Keys()) != 0 {
		t.Fatalf("destroyed session reads %q %s", got.ID(), got.JSON())
	}
}

func (s *suite) storageRevoke(t *testing.T) {
	store := s.newStore(t)
	st := NewStorage(t, store)
	if _, ok := store.(runtime.OwnerIndex); !ok {
		if _, err := st.RevokeOwner(ctx(t), "x"); !errors.Is(err, runtime.ErrNoOwnerIndex) {
			t.Fatalf("RevokeOwner without an index = %v, want ErrNoOwnerIndex", err)
		}
		t.Skip("store does not implement runtime.OwnerIndex")
	}
	user := "frank" + NewID()[:8]
	var cookies []string
	for range 3 {
		_, c := mustRequest(t, st, "", func(se *runtime.Session) { runtime.Set(se, "userId", user) })
		cookies = append(cookies, c)
	}
	// One session logs in later, one changes user.
	_, later := mustRequest(t, st, "", func(se *runtime.Session) { runtime.Set(se, "theme", "dark") })
	mustRequest(t, st, later, func(se *runtime.Session) { runtime.Set(se, "userId", user) })
	_, other := mustRequest(t, st, cookies[2], func(se *runtime.Session) { runtime.Set(se, "userId", "grace"+user) })
	n, err := st.RevokeOwner(ctx(t), user)
	if err != nil || n != 3 {
		t.Fatalf("RevokeOwner = %d, %v; want 3", n, err)
	}
	for _, c := range []string{cookies[0], cookies[1], later} {
		if got := mustGet(t, st, c); got.ID() != "" {
			t.Fatalf("revoked session still reads: %s", got.JSON())
		}
	}
	if got := mustGet(t, st, other); got.ID() == "" {
		t.Fatal("RevokeOwner deleted a session of another user")
	}
}

// BenchmarkRoundTrip measures one request on an existing server-side
// session through runtime.Storage: read it, set one key, commit it.
func BenchmarkRoundTrip(b *testing.B, store runtime.Store) {
	st := NewStorage(b, store)
	ctx := b.Context()
	_, cookie, err := Request(ctx, st, "", func(se *runtime.Session) {
		runtime.Set(se, "userId", "bench")
		runtime.Set(se, "theme", "dark")
		runtime.Set(se, "roles", []string{"admin", "dev"})
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		if _, _, err := Request(ctx, st, cookie, func(se *runtime.Session) { runtime.Set(se, "n", n) }); err != nil {
			b.Fatal(err)
		}
	}
}
