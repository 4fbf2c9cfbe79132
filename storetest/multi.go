package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

// NoLostWritesAcross runs the no-lost-writes test over several stores that
// share one backend (two FileStores on one directory, two connection pools
// on one database, two processes' worth of clients): goroutine g updates
// through stores[g % len(stores)]. Every update's key must be there at the
// end, read through each store.
func NoLostWritesAcross(t *testing.T, stores []runtime.Store, opts ...Option) {
	o := options{concurrency: 8, updates: 25}
	for _, opt := range opts {
		opt(&o)
	}
	s := suite{o: o}
	s.noLostWritesOver(t, stores)
}

// noLostWritesOver is the no-lost-writes test: goroutine g updates one
// session through stores[g % len(stores)], each update setting its own key;
// every key must be there at the end, read through each store.
func (s *suite) noLostWritesOver(t *testing.T, stores []runtime.Store) {
	o := s.o
	id := NewID()
	mustCreate(t, stores[0], id, runtime.Record{Data: []byte(`{"start":true}`), Expires: time.Now().Add(time.Hour)})
	var wg sync.WaitGroup
	errc := make(chan error, o.concurrency)
	for g := range o.concurrency {
		st := stores[g%len(stores)]
		wg.Go(func() {
			for u := range o.updates {
				p := runtime.Patch{
					Set:     set(fmt.Sprintf("g%d_%d", g, u), fmt.Sprint(u), fmt.Sprintf("last%d", g), fmt.Sprint(u), fmt.Sprintf("tmp%d_%d", g, u), `0`),
					Expires: time.Now().Add(time.Hour),
				}
				if u > 0 {
					p.Delete = []string{fmt.Sprintf("tmp%d_%d", g, u-1)}
				}
				if err := st.Update(ctx(t), id, p); err != nil {
					errc <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatalf("concurrent Update: %v", err)
	}
	for _, st := range stores {
		s.checkAllKeys(t, mustRead(t, st, id).Data, "start")
	}
}

// Instances checks two app instances, each with its own runtime.Storage
// over its own store value (its own connections), sharing one backend: a
// login on A reads on B, concurrent requests on both lose no write, a
// destroy on B is gone on A, and a revocation on A reaches B's sessions.
func Instances(t *testing.T, a, b runtime.Store) {
	stA, stB := NewStorage(t, a), NewStorage(t, b)
	user := "ivan" + NewID()[:8]
	login, cookie := mustRequest(t, stA, "", func(se *runtime.Session) { runtime.Set(se, "userId", user) })

	onB := mustGet(t, stB, cookie)
	if onB.ID() != login.ID() {
		t.Fatalf("B reads id %q, want A's %q", onB.ID(), login.ID())
	}
	if v, _ := runtime.Get[string](onB, "userId"); v != user {
		t.Fatalf("B reads userId %q, want %q", v, user)
	}

	// Concurrent requests alternating between the instances.
	const goroutines, requests = 4, 10
	var wg sync.WaitGroup
	errc := make(chan error, goroutines)
	for g := range goroutines {
		st := []*runtime.Storage{stA, stB}[g%2]
		wg.Go(func() {
			for r := range requests {
				if _, _, err := Request(ctx(t), st, cookie, func(se *runtime.Session) {
					runtime.Set(se, fmt.Sprintf("i%d_%d", g, r), r)
				}); err != nil {
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
	onA := mustGet(t, stA, cookie)
	for g := range goroutines {
		for r := range requests {
			if !onA.Has(fmt.Sprintf("i%d_%d", g, r)) {
				t.Fatalf("write i%d_%d lost: %s", g, r, onA.JSON())
			}
		}
	}

	// Destroy on B: gone on A.
	if _, err := stB.DestroySessionHeader(mustGet(t, stB, cookie)); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, stA, cookie); got.ID() != "" || len(got.Keys()) != 0 {
		t.Fatalf("session destroyed on B still reads on A: %q %s", got.ID(), got.JSON())
	}

	// Revoke on A: B's sessions of that user are gone.
	if _, ok := a.(runtime.OwnerIndex); ok {
		_, c1 := mustRequest(t, stB, "", func(se *runtime.Session) { runtime.Set(se, "userId", user) })
		_, c2 := mustRequest(t, stB, "", func(se *runtime.Session) { runtime.Set(se, "userId", user) })
		if n, err := stA.RevokeOwner(ctx(t), user); err != nil || n != 2 {
			t.Fatalf("RevokeOwner on A = %d, %v; want 2", n, err)
		}
		for _, c := range []string{c1, c2} {
			if got := mustGet(t, stB, c); got.ID() != "" {
				t.Fatalf("revoked session still reads on B: %s", got.JSON())
			}
		}
	}
}
