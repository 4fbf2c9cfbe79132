package storetest_test

import (
	"context"
	"os"
	"os/exec"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
	"github.com/sessiongen/sessiongen/storetest"
)

// lossyStore is what the suite must catch: an Update that reads, patches
// and writes back without holding a lock across the three, as a naive
// store over a key-value database would.
type lossyStore struct {
	mu sync.Mutex
	m  map[string]runtime.Record
}

func (l *lossyStore) Create(_ context.Context, id string, rec runtime.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.m[id]; ok {
		return runtime.ErrIDTaken
	}
	l.m[id] = rec
	return nil
}

func (l *lossyStore) Read(_ context.Context, id string) (runtime.Record, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rec, ok := l.m[id]
	if !ok {
		return rec, runtime.ErrNotFound
	}
	return rec, nil
}

func (l *lossyStore) Update(ctx context.Context, id string, p runtime.Patch) error {
	rec, err := l.Read(ctx, id)
	if err != nil {
		return err
	}
	if rec.Data, err = runtime.ApplyPatch(rec.Data, p); err != nil {
		return err
	}
	goruntime.Gosched()
	time.Sleep(50 * time.Microsecond)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m[id] = rec
	return nil
}

func (l *lossyStore) Delete(_ context.Context, id string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.m, id)
	return nil
}

// The no-lost-writes check fails on a store that loses writes. It runs in
// a child process, since the failure is the expected outcome.
func TestSuiteCatchesLostWrites(t *testing.T) {
	if os.Getenv("STORETEST_LOSSY") == "1" {
		storetest.NoLostWritesAcross(t, []runtime.Store{&lossyStore{m: map[string]runtime.Record{}}})
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSuiteCatchesLostWrites$")
	cmd.Env = append(os.Environ(), "STORETEST_LOSSY=1")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "writes lost") {
		t.Fatalf("the suite passed a store that loses writes (err %v):\n%s", err, out)
	}
}

// And passes the memory store, which does not.
func TestSuitePassesMemoryStore(t *testing.T) {
	storetest.NoLostWritesAcross(t, []runtime.Store{runtime.NewMemoryStore(0)})
}
