package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

// Outage checks what runtime.Storage does while the store's server is
// down: stop must take the server down (kill it, stop the database) and
// start bring it back with its data. While it is down, GetSession,
// CommitSession, DestroySession and RevokeOwner must fail with a
// *runtime.StoreError — never read as an empty session, which a commit
// would then write over the real data. Once it is back, the session reads
// as it was (waiting up to 30 s for the store's clients to reconnect;
// meanwhile every read either fails or returns the full session).
func Outage(t *testing.T, store runtime.Store, stop, start func()) {
	st := NewStorage(t, store)
	_, cookie := mustRequest(t, st, "", func(se *runtime.Session) {
		runtime.Set(se, "userId", "outage")
		runtime.Set(se, "n", 1)
	})
	_, cookie = mustRequest(t, st, cookie, func(se *runtime.Session) { runtime.Set(se, "n", 2) })
	before := mustGet(t, st, cookie)
	id := before.ID()

	stop()

	wantStoreError := func(op string, err error) {
		t.Helper()
		var se *runtime.StoreError
		if !errors.As(err, &se) {
			t.Fatalf("%s while the store is down = %v (%T), want a *runtime.StoreError", op, err, err)
		}
	}
	s, err := st.GetSessionHeader(ctx(t), cookie)
	wantStoreError("GetSession", err)
	if s != nil {
		t.Fatalf("GetSession while the store is down returned a session (%q %s) with its error", s.ID(), s.JSON())
	}
	runtime.Set(before, "n", 3)
	_, err = st.CommitSessionHeader(before)
	wantStoreError("CommitSession (update)", err)
	fresh := runtime.NewSession()
	runtime.Set(fresh, "x", 1)
	_, err = st.CommitSessionHeader(fresh)
	wantStoreError("CommitSession (create)", err)
	_, err = st.DestroySessionHeader(before)
	wantStoreError("DestroySession", err)
	if _, ok := store.(runtime.OwnerIndex); ok {
		_, err = st.RevokeOwner(ctx(t), "outage")
		wantStoreError("RevokeOwner", err)
	}

	start()

	deadline := time.Now().Add(30 * time.Second)
	for {
		s, err := st.GetSessionHeader(ctx(t), cookie)
		if err == nil {
			if s.ID() != id {
				t.Fatalf("after restart the cookie reads as session %q %s, want %q", s.ID(), s.JSON(), id)
			}
			if n, _ := runtime.Get[int](s, "n"); n != 2 {
				t.Fatalf("after restart n = %d, want 2 (data lost or a failed commit applied): %s", n, s.JSON())
			}
			if u, _ := runtime.Get[string](s, "userId"); u != "outage" {
				t.Fatalf("after restart userId = %q: %s", u, s.JSON())
			}
			break
		}
		wantStoreError("GetSession while reconnecting", err)
		if time.Now().After(deadline) {
			t.Fatalf("store did not come back: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// And it takes writes again.
	var err2 error
	for time.Now().Before(deadline) {
		if _, _, err2 = Request(ctx(t), st, cookie, func(se *runtime.Session) { runtime.Set(se, "n", 4) }); err2 == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err2 != nil {
		t.Fatalf("commit after restart: %v", err2)
	}
	if n, _ := runtime.Get[int](mustGet(t, st, cookie), "n"); n != 4 {
		t.Fatalf("n = %d after restart and commit, want 4", n)
	}
}
