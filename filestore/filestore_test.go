package filestore_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/filestore"
	"github.com/sessiongen/sessiongen/runtime"
	"github.com/sessiongen/sessiongen/storetest"
)

func newStore(t testing.TB, dir string, o filestore.Options) *filestore.FileStore {
	t.Helper()
	st, err := filestore.New(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) runtime.Store { return newStore(t, t.TempDir(), filestore.Options{}) })
}

// Two FileStores on one directory share nothing but the files and their
// flock locks, as two processes would.
func TestTwoStoresOneDir(t *testing.T) {
	dir := t.TempDir()
	a := newStore(t, dir, filestore.Options{})
	b := newStore(t, dir, filestore.Options{})
	t.Run("NoLostWrites", func(t *testing.T) { storetest.NoLostWritesAcross(t, []runtime.Store{a, b}) })
	t.Run("Instances", func(t *testing.T) { storetest.Instances(t, a, b) })
}

// Real processes: this test binary run twice more as helpers, each
// updating one session's keys through its own FileStore.
func TestTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	st := newStore(t, dir, filestore.Options{})
	id := storetest.NewID()
	if err := st.Create(t.Context(), id, runtime.Record{Data: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
	const procs, updates = 2, 40
	var wg sync.WaitGroup
	for p := range procs {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
			cmd.Env = append(os.Environ(), "FILESTORE_HELPER=1", "FILESTORE_DIR="+dir, "FILESTORE_ID="+id,
				"FILESTORE_PROC="+strconv.Itoa(p), "FILESTORE_UPDATES="+strconv.Itoa(updates))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("helper %d: %v\n%s", p, err, out)
			}
		})
	}
	// This process writes too.
	for u := range updates {
		if err := st.Update(t.Context(), id, runtime.Patch{Set: []runtime.Field{{Key: fmt.Sprintf("main_%d", u), Value: json.RawMessage(`1`)}}}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	rec, err := st.Read(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]int
	if err := json.Unmarshal(rec.Data, &m); err != nil {
		t.Fatal(err)
	}
	lost := 0
	for u := range updates {
		for _, prefix := range []string{"main", "p0", "p1"} {
			if _, ok := m[fmt.Sprintf("%s_%d", prefix, u)]; !ok {
				lost++
			}
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d writes lost across processes", lost, 3*updates)
	}
}

func TestHelperProcess(t *testing.T) {
	if os.Getenv("FILESTORE_HELPER") != "1" {
		t.Skip("helper for TestTwoProcesses")
	}
	st := newStore(t, os.Getenv("FILESTORE_DIR"), filestore.Options{})
	id, p := os.Getenv("FILESTORE_ID"), os.Getenv("FILESTORE_PROC")
	n, _ := strconv.Atoi(os.Getenv("FILESTORE_UPDATES"))
	for u := range n {
		if err := st.Update(t.Context(), id, runtime.Patch{Set: []runtime.Field{{Key: fmt.Sprintf("p%s_%d", p, u), Value: json.RawMessage(`1`)}}}); err != nil {
			t.Fatal(err)
		}
	}
}

// The file layout is React Router's: dir/id[0:4]/id[4:] holding
// {"data":…,"expires":ISO-8601}.
func TestLayout(t *testing.T) {
	dir := t.TempDir()
	st := newStore(t, dir, filestore.Options{})
	id := storetest.NewID()
	exp := time.Date(2030, 1, 2, 3, 4, 5, 678e6, time.UTC)
	if err := st.Create(t.Context(), id, runtime.Record{Data: json.RawMessage(`{"b":1,"a":2}`), Expires: exp, Owner: "u"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, id[:4], id[4:]))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"data":{"b":1,"a":2},"expires":"2030-01-02T03:04:05.678Z","owner":"u"}`; string(b) != want {
		t.Fatalf("file = %s\nwant   %s", b, want)
	}
	// No temporary file is left behind.
	ents, _ := os.ReadDir(filepath.Join(dir, id[:4]))
	if len(ents) != 1 {
		t.Fatalf("session directory holds %d entries, want 1", len(ents))
	}
	// A path-like id is refused, not followed.
	if _, err := st.Read(t.Context(), "../../../../etc/passwd"); err != runtime.ErrNotFound {
		t.Fatalf("Read(path) = %v", err)
	}
	if err := st.Create(t.Context(), "../../x/../../y", runtime.Record{Data: json.RawMessage(`{}`)}); err == nil {
		t.Fatal("Create accepted a path-like id")
	}
}

func TestSweep(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	st := newStore(t, dir, filestore.Options{Now: clock})
	ctx := t.Context()
	var expiring []string
	for i := range 5 {
		id := storetest.NewID()
		expiring = append(expiring, id)
		if err := st.Create(ctx, id, runtime.Record{Data: json.RawMessage(`{}`), Expires: now.Add(time.Minute), Owner: fmt.Sprint("o", i%2)}); err != nil {
			t.Fatal(err)
		}
	}
	keep := storetest.NewID()
	if err := st.Create(ctx, keep, runtime.Record{Data: json.RawMessage(`{}`), Owner: "o0"}); err != nil {
		t.Fatal(err)
	}
	if n, err := st.Sweep(ctx); err != nil || n != 0 {
		t.Fatalf("Sweep before expiry = %d, %v", n, err)
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	if n, err := st.Sweep(ctx); err != nil || n != 5 {
		t.Fatalf("Sweep = %d, %v; want 5", n, err)
	}
	for _, id := range expiring {
		if _, err := os.Stat(filepath.Join(dir, id[:4], id[4:])); !os.IsNotExist(err) {
			t.Fatalf("expired file still there: %v", err)
		}
	}
	if _, err := st.Read(ctx, keep); err != nil {
		t.Fatal(err)
	}
	// Only keep's directory and owner marker remain.
	var left []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && filepath.Base(filepath.Dir(p)) != ".locks" {
			left = append(left, p)
		}
		return nil
	})
	if len(left) != 2 {
		t.Fatalf("files left after Sweep: %q, want the session and its owner marker", left)
	}
}

func TestPeriodicSweep(t *testing.T) {
	dir := t.TempDir()
	st, err := filestore.New(dir, filestore.Options{SweepEvery: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	id := storetest.NewID()
	if err := st.Create(t.Context(), id, runtime.Record{Data: json.RawMessage(`{}`), Expires: time.Now().Add(50 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, id[:4], id[4:])
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(path); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the periodic sweep did not delete the expired file")
		}
		time.Sleep(10 * time.Millisecond)
	}
	st.Close()
	// Stopped: an expired file now stays.
	st2 := newStore(t, dir, filestore.Options{})
	id2 := storetest.NewID()
	if err := st2.Create(t.Context(), id2, runtime.Record{Data: json.RawMessage(`{}`), Expires: time.Now().Add(10 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if _, err := os.Stat(filepath.Join(dir, id2[:4], id2[4:])); err != nil {
		t.Fatalf("sweep still running after Close: %v", err)
	}
}

// A failing disk is an error, never an empty session: the directory is
// replaced by a plain file (this works as root too, unlike permissions).
func TestBrokenDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sessions")
	st := newStore(t, dir, filestore.Options{})
	storage := storetest.NewStorage(t, st)
	_, cookie, err := storetest.Request(t.Context(), storage, "", func(s *runtime.Session) { runtime.Set(s, "a", 1) })
	if err != nil {
		t.Fatal(err)
	}
	st.Close() // drop the open lock files
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	var se *runtime.StoreError
	if got, err := storage.GetSessionHeader(t.Context(), cookie); !errors.As(err, &se) || got != nil {
		t.Fatalf("GetSession = %v, %v; want a *runtime.StoreError", got, err)
	}
	s := runtime.NewSession()
	runtime.Set(s, "a", 1)
	if _, err := storage.CommitSessionHeader(s); !errors.As(err, &se) {
		t.Fatalf("commit = %v, want a *runtime.StoreError", err)
	}
}

// A session file that is not readable: GetSession fails, it does not start
// an empty session.
func TestCorruptFile(t *testing.T) {
	dir := t.TempDir()
	st := newStore(t, dir, filestore.Options{})
	storage := storetest.NewStorage(t, st)
	s, cookie, err := storetest.Request(t.Context(), storage, "", func(s *runtime.Session) { runtime.Set(s, "a", 1) })
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, s.ID()[:4], s.ID()[4:]), []byte(`{"data":`), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := storage.GetSessionHeader(t.Context(), cookie)
	var se *runtime.StoreError
	if !errors.As(err, &se) || got != nil {
		t.Fatalf("GetSession on a corrupt file = %v, %v; want a *runtime.StoreError", got, err)
	}
}

func BenchmarkRoundTrip(b *testing.B) {
	storetest.BenchmarkRoundTrip(b, newStore(b, b.TempDir(), filestore.Options{}))
}

func BenchmarkRoundTripNoSync(b *testing.B) {
	storetest.BenchmarkRoundTrip(b, newStore(b, b.TempDir(), filestore.Options{NoSync: true}))
}
