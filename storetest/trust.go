package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

// storageInFlight: a request that read its session before the session was
// destroyed (logout elsewhere) or revoked (RevokeOwner after a password
// change) and commits after must not bring the session back, under the old
// id or a new one: not by committing what it read, not by setting the
// owner again (a handler that refreshes the user on each request), not
// through RegenerateID. The commit stores nothing, returns
// runtime.ErrSessionEnded with the Set-Cookie that deletes the cookie, and
// leaves the session empty.
func (s *suite) storageInFlight(t *testing.T) {
	store := s.newStore(t)
	st := NewStorage(t, store)
	_, hasIndex := store.(runtime.OwnerIndex)
	for _, how := range []string{"destroy", "revoke"} {
		for _, then := range []string{"set another key", "set the owner again", "regenerate the id"} {
			if how == "revoke" && !hasIndex {
				continue
			}
			user := "judy" + NewID()[:8]
			_, cookie := mustRequest(t, st, "", func(se *runtime.Session) {
				runtime.Set(se, "userId", user)
				runtime.Set(se, "role", "admin")
			})
			inflight := mustGet(t, st, cookie)
			oldID := inflight.ID()
			if how == "destroy" {
				if _, err := st.DestroySessionHeader(mustGet(t, st, cookie)); err != nil {
					t.Fatal(err)
				}
			} else if _, err := st.RevokeOwner(ctx(t), user); err != nil {
				t.Fatal(err)
			}
			switch then {
			case "set another key":
				runtime.Set(inflight, "lastSeen", 42)
			case "set the owner again":
				runtime.Set(inflight, "userId", user)
			case "regenerate the id":
				if err := st.RegenerateID(inflight); err != nil {
					t.Fatal(err)
				}
				runtime.Set(inflight, "userId", user)
			}
			line, err := st.CommitSessionHeader(inflight)
			if !errors.Is(err, runtime.ErrSessionEnded) {
				t.Fatalf("%s, then %s: commit = %v, want ErrSessionEnded", how, then, err)
			}
			if !strings.Contains(line, "Expires=Thu, 01 Jan 1970 00:00:00 GMT") {
				t.Errorf("%s, then %s: Set-Cookie %q does not delete the cookie", how, then, line)
			}
			if inflight.ID() != "" || len(inflight.Keys()) != 0 {
				t.Errorf("%s, then %s: session after the commit: id %q, %s; want empty", how, then, inflight.ID(), inflight.JSON())
			}
			wantNotFound(t, store, oldID, how+": old id")
			if got := mustGet(t, st, cookie); got.ID() != "" || len(got.Keys()) != 0 {
				t.Errorf("%s, then %s: old cookie reads %s", how, then, got.JSON())
			}
			if hasIndex {
				wantOwner(t, store.(runtime.OwnerIndex), user)
			}
		}
	}
}

// storageRevokeUnderLoad: many requests on one user's sessions run while
// the user is revoked; every seventh sets the owner again, as a handler that
// refreshes the user does. Once RevokeOwner has returned and the requests
// that read the old sessions have finished, the user has no session left.
func (s *suite) storageRevokeUnderLoad(t *testing.T) {
	store := s.newStore(t)
	idx, ok := store.(runtime.OwnerIndex)
	if !ok {
		t.Skip("store does not implement runtime.OwnerIndex")
	}
	st := NewStorage(t, store)
	user := "victim" + NewID()[:8]
	var cookies []string
	for range 5 {
		_, c := mustRequest(t, st, "", func(se *runtime.Session) { runtime.Set(se, "userId", user) })
		cookies = append(cookies, c)
	}
	const workers = 50
	var (
		wg      sync.WaitGroup
		read    sync.WaitGroup // every worker has read its session
		revoked = make(chan struct{})
		errc    = make(chan error, workers)
	)
	read.Add(workers)
	for g := range workers {
		wg.Go(func() {
			se, err := st.GetSessionHeader(ctx(t), cookies[g%len(cookies)])
			read.Done()
			if err != nil {
				errc <- err
				return
			}
			if g%2 == 0 {
				<-revoked // half commit after the revocation, half race with it
			}
			if v, _ := runtime.Get[string](se, "userId"); v == user && g%7 == 0 {
				runtime.Set(se, "userId", user)
			}
			runtime.Set(se, fmt.Sprintf("hit%d", g), g)
			if _, err := st.CommitSessionHeader(se); err != nil && !errors.Is(err, runtime.ErrSessionEnded) {
				errc <- err
			}
		})
	}
	read.Wait()
	if _, err := st.RevokeOwner(ctx(t), user); err != nil {
		t.Fatal(err)
	}
	close(revoked)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	wantOwner(t, idx, user)
	for _, c := range cookies {
		if got := mustGet(t, st, c); got.ID() != "" {
			t.Fatalf("a revoked session came back: %s", got.JSON())
		}
	}
}

// storageIDBound: two server sessions of one app (here "t" and "admin")
// share the secrets and the store. The id cookie of one, presented under
// the other's cookie name, reads as a new empty session.
func (s *suite) storageIDBound(t *testing.T) {
	store := s.newStore(t)
	users := NewStorage(t, store)
	adminSpec := Spec
	adminSpec.Name, adminSpec.Cookie.Name = "admin", "a"
	admins, err := runtime.NewStorage(adminSpec, runtime.Config{Secrets: []string{Secret}, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	u, cookie := mustRequest(t, users, "", func(se *runtime.Session) { runtime.Set(se, "userId", "mallory") })
	moved := "a" + strings.TrimPrefix(cookie, "s")
	if got := mustGet(t, admins, moved); got.ID() != "" || len(got.Keys()) != 0 {
		t.Fatalf("the %q session's id %s was read by the %q session: %s", Spec.Name, u.ID(), adminSpec.Name, got.JSON())
	}
	if got := mustGet(t, users, cookie); got.ID() != u.ID() {
		t.Fatalf("the session's own cookie no longer reads: %q", got.ID())
	}
}

// storageRetention: a server session with idle and absolute timeouts and no
// maxAge (a browser-session cookie) is not kept forever: the store's expiry
// is the idle deadline, moved forward when the idle stamp is renewed, and
// never past the absolute deadline.
func (s *suite) storageRetention(t *testing.T) {
	store := s.newStore(t)
	spec := Spec
	spec.IdleTimeout, spec.AbsoluteTimeout = 30*time.Minute, 40*time.Minute
	start := time.Now().Truncate(time.Second)
	now := start
	st, err := runtime.NewStorage(spec, runtime.Config{Secrets: []string{Secret}, Store: store, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	se, cookie := mustRequest(t, st, "", func(se *runtime.Session) { runtime.Set(se, "userId", "ivan") })
	checkExpires(t, mustRead(t, store, se.ID()).Expires, start.Add(30*time.Minute))
	now = start.Add(20 * time.Minute) // past the renewal interval: renewed
	if _, _, err := Request(ctx(t), st, cookie, nil); err != nil {
		t.Fatal(err)
	}
	checkExpires(t, mustRead(t, store, se.ID()).Expires, start.Add(40*time.Minute))
}
