package runtime_test

import (
	"encoding/json"
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
