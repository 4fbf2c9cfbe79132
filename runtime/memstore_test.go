package runtime_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
	"github.com/sessiongen/sessiongen/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) runtime.Store {
		m := runtime.NewMemoryStore(time.Minute)
		t.Cleanup(func() { m.Close() })
		return m
	})
}

func TestMemoryStoreSweep(t *testing.T) {
	m := runtime.NewMemoryStore(20 * time.Millisecond)
	ctx := t.Context()
	exp := time.Now().Add(500 * time.Millisecond)
	for range 3 {
		if err := m.Create(ctx, storetest.NewID(), runtime.Record{Data: json.RawMessage(`{}`), Expires: exp}); err != nil {
			t.Fatal(err)
		}
	}
	keep := storetest.NewID()
	if err := m.Create(ctx, keep, runtime.Record{Data: json.RawMessage(`{}`), Expires: exp.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if n := m.Len(); n != 4 {
		t.Fatalf("Len = %d, want 4", n)
	}
	// The sweep removes the expired records by itself.
	deadline := time.Now().Add(5 * time.Second)
	for m.Len() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("sweep did not run: Len = %d, want 1", m.Len())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := m.Read(ctx, keep); err != nil {
		t.Fatalf("sweep removed an unexpired record: %v", err)
	}

	// After Close the sweep stops: an expired record stays held (though
	// unreadable) until Sweep is called by hand.
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	gone := storetest.NewID()
	if err := m.Create(ctx, gone, runtime.Record{Data: json.RawMessage(`{}`), Expires: time.Now().Add(30 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if n := m.Len(); n != 2 {
		t.Fatalf("Len after Close = %d, want 2: the sweep still runs", n)
	}
	if n := m.Sweep(); n != 1 {
		t.Fatalf("Sweep = %d, want 1", n)
	}
}

func BenchmarkMemoryStoreRoundTrip(b *testing.B) {
	m := runtime.NewMemoryStore(0)
	defer m.Close()
	storetest.BenchmarkRoundTrip(b, m)
}

// Under concurrent updates that move sessions between owners, creates,
// deletes and DeleteByOwner, the owner index and the records stay in step:
// IDsByOwner lists exactly the sessions whose Record.Owner is that owner,
// and a session of an owner present before DeleteByOwner and left alone
// during it is gone after.
func TestMemoryStoreOwnerIndexUnderLoad(t *testing.T) {
	m := runtime.NewMemoryStore(0)
	defer m.Close()
	ctx := t.Context()
	owners := []string{"ann", "bob", ""}
	var ids []string
	for i := range 64 {
		id := storetest.NewID()
		ids = append(ids, id)
		if err := m.Create(ctx, id, runtime.Record{Data: json.RawMessage(`{}`), Owner: owners[i%3]}); err != nil {
			t.Fatal(err)
		}
	}
	// Sessions of "carol" that nothing else touches: DeleteByOwner must
	// remove all of them whatever runs beside it.
	var carol []string
	for range 8 {
		id := storetest.NewID()
		carol = append(carol, id)
		if err := m.Create(ctx, id, runtime.Record{Data: json.RawMessage(`{"userId":"carol"}`), Owner: "carol"}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 300 {
				id := ids[(g*37+i)%len(ids)]
				switch owner := owners[(g+i)%3]; i % 10 {
				case 0:
					m.Delete(ctx, id)
				case 1:
					m.Create(ctx, id, runtime.Record{Data: json.RawMessage(`{}`), Owner: owner})
				case 2:
					m.DeleteByOwner(ctx, owners[i%2])
				default:
					p := runtime.Patch{Set: []runtime.Field{{Key: fmt.Sprint("k", g), Value: json.RawMessage(`1`)}}, Owner: &owner}
					if err := m.Update(ctx, id, p); err != nil && !errors.Is(err, runtime.ErrNotFound) {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Go(func() {
		if n, err := m.DeleteByOwner(ctx, "carol"); err != nil || n != len(carol) {
			t.Errorf("DeleteByOwner(carol) = %d, %v; want %d", n, err, len(carol))
		}
	})
	wg.Wait()
	for _, owner := range []string{"ann", "bob", "carol"} {
		listed, err := m.IDsByOwner(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range listed {
			if r, err := m.Read(ctx, id); err != nil || r.Owner != owner {
				t.Errorf("IDsByOwner(%q) lists %s, whose record has owner %q (%v)", owner, id, r.Owner, err)
			}
		}
		n := 0
		for _, id := range append(ids, carol...) {
			if r, err := m.Read(ctx, id); err == nil && r.Owner == owner {
				n++
			}
		}
		if n != len(listed) {
			t.Errorf("owner %q: %d records, IDsByOwner lists %d", owner, n, len(listed))
		}
	}
}
