package bench

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

// Lost writes: N concurrent requests carry the cookie of ONE server-side
// session; each loads it, sets its own key and commits. A store that saves
// the request's whole copy of the session keeps only the last commit's keys
// (last write wins); one that applies each request's changes keeps them all.

// A sharedImpl is one implementation with server-side storage.
type sharedImpl struct {
	name string
	// create commits a new session and returns the Cookie header for it.
	create func() (cookie string, err error)
	// update is one request: load the session of cookie, call loaded, set
	// key, commit.
	update func(cookie, key string, loaded func()) error
	// has reports how many of keys the session of cookie holds.
	has func(cookie string, keys []string) (int, error)
}

var sharedImpls = []struct {
	name string
	new  func(testing.TB) *sharedImpl
}{
	{"sessiongen", newSessiongenShared},
	{"gorilla", newGorillaShared},
	{"scs", newSCSShared},
}

// writers is N, the number of concurrent requests on the one session.
const writers = 16

// lostWrites runs n concurrent read-modify-write requests on a new session
// and returns how many of their n keys are missing afterwards. With overlap,
// every request has loaded the session before any sets its key, as when
// handlers take longer than a load (a database call, a template); without
// it the requests race freely and losses depend on scheduling.
func lostWrites(si *sharedImpl, n int, overlap bool) (int, error) {
	cookie, err := si.create()
	if err != nil {
		return 0, fmt.Errorf("create: %w", err)
	}
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("w%02d", i)
	}
	var allLoaded, wg sync.WaitGroup
	allLoaded.Add(n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			var once sync.Once
			done := func() { once.Do(allLoaded.Done) }
			defer done() // never leave the others waiting, even on an error
			loaded := done
			if overlap {
				loaded = func() { done(); allLoaded.Wait() }
			}
			errs[i] = si.update(cookie, keys[i], loaded)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	kept, err := si.has(cookie, keys)
	if err != nil {
		return 0, fmt.Errorf("read back: %w", err)
	}
	return n - kept, nil
}

// BenchmarkLostWrites reports, per batch of `writers` concurrent requests,
// how many keys were lost (lost-keys) for each implementation. It measures
// correctness, not speed: sec/op is the time of a whole batch.
func BenchmarkLostWrites(b *testing.B) {
	for _, mode := range []struct {
		name    string
		overlap bool
	}{{"overlap", true}, {"free", false}} {
		for _, x := range sharedImpls {
			b.Run(fmt.Sprintf("writers=%d/mode=%s/impl=%s", writers, mode.name, x.name), func(b *testing.B) {
				si := x.new(b)
				lost, batches := 0, 0
				for b.Loop() {
					n, err := lostWrites(si, writers, mode.overlap)
					if err != nil {
						b.Fatal(err)
					}
					lost += n
					batches++
				}
				b.ReportMetric(float64(lost)/float64(batches), "lost-keys")
			})
		}
	}
}

// TestLostWrites logs how many of the concurrent writes each implementation
// keeps, and asserts only sessiongen's: none lost.
func TestLostWrites(t *testing.T) {
	for _, x := range sharedImpls {
		t.Run(x.name, func(t *testing.T) {
			si := x.new(t)
			for _, overlap := range []bool{true, false} {
				lost, err := lostWrites(si, writers, overlap)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("overlap=%v: %d of %d concurrent writes kept, %d lost", overlap, writers-lost, writers, lost)
				if x.name == "sessiongen" && lost != 0 {
					t.Errorf("overlap=%v: sessiongen lost %d of %d concurrent writes to different keys", overlap, lost, writers)
				}
			}
		})
	}
}
