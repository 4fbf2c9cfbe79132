// Package storetest is a conformance suite for runtime.Store
// implementations. Every store in this repository runs it against its real
// engine, and a store for another database should run it too:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) runtime.Store {
//			st := mystore.New(openTestDB(t))
//			t.Cleanup(func() { st.Close() })
//			return st
//		})
//	}
//
// The suite checks create, read, update and delete; ErrIDTaken and
// ErrNotFound (unknown and expired ids); patch semantics (set, delete, key
// order kept, new keys appended); the owner index when the store implements
// runtime.OwnerIndex; context cancellation; that concurrent updates of
// different keys of one session are never lost; and, through
// runtime.Storage, concurrent requests, session fixation, RegenerateID,
// DestroySession and RevokeOwner.
//
// Beyond Run, for a store whose backend several app instances share:
// NoLostWritesAcross (concurrent updates through several store values),
// Instances (log in on A, read on B, destroy on B, gone on A), Outage (stop
// the server mid-test: errors, never an empty session, nothing lost after a
// restart), and BenchmarkRoundTrip.
//
// Expiry is tested with lifetimes of two seconds, so a store must
// honour Expires at least to the millisecond. newStore is called once per
// subtest; it may return the same store each time if ids never collide (the
// suite uses fresh random ids), but a fresh store (or table, or key prefix)
// per call keeps failures apart. Subtests that wait for expiry run in
// parallel with the others.
package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

// An Option changes what Run expects of a store.
type Option func(*options)

type options struct {
	unordered   bool
	concurrency int
	updates     int
}

// UnorderedKeys tells Run that the store does not keep the order of keys
// (PostgreSQL's jsonb sorts them). Values are still checked; only the order
// of keys in Read's JSON is not.
func UnorderedKeys() Option { return func(o *options) { o.unordered = true } }

// Concurrency sets the size of the no-lost-writes tests: goroutines ×
// updates per goroutine. The default is 8 × 25.
func Concurrency(goroutines, updates int) Option {
	return func(o *options) { o.concurrency, o.updates = goroutines, updates }
}

// Secret is a 32-byte secret for test storages.
const Secret = "storetest-secret-0123456789abcdef"

// Spec is the server-side session spec the storage tests use: cookie "s",
// owner index on "userId".
var Spec = runtime.Spec{
	Name:     "t",
	Cookie:   runtime.CookieOptions{Name: "s", Path: "/", HTTPOnly: true},
	Server:   true,
	OwnerKey: "userId",
}

// NewStorage returns a runtime.Storage over st with Spec and Secret.
func NewStorage(tb testing.TB, st runtime.Store) *runtime.Storage {
	tb.Helper()
	s, err := runtime.NewStorage(Spec, runtime.Config{Secrets: []string{Secret}, Store: st})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// Run runs the conformance suite. newStore returns the store under test for
// one subtest; it should register its own cleanup with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) runtime.Store, opts ...Option) {
	o := options{concurrency: 8, updates: 25}
	for _, opt := range opts {
		opt(&o)
	}
	s := suite{o: o, newStore: newStore}
	t.Run("Expiry", s.expiry)
	t.Run("ExpiryUpdate", s.expiryUpdate)
	t.Run("CreateRead", s.createRead)
	t.Run("CreateTaken", s.createTaken)
	t.Run("NotFound", s.notFound)
	t.Run("Delete", s.delete)
	t.Run("Patch", s.patch)
	t.Run("PatchValues", s.patchValues)
	t.Run("OwnerIndex", s.ownerIndex)
	t.Run("ContextCanceled", s.contextCanceled)
	t.Run("ConcurrentCreate", s.concurrentCreate)
	t.Run("NoLostWrites", s.noLostWrites)
	t.Run("Storage", func(t *testing.T) {
		t.Run("RoundTrip", s.storageRoundTrip)
		t.Run("NoLostWrites", s.storageNoLostWrites)
		t.Run("UnknownIDNotAdopted", s.storageUnknownID)
		t.Run("RegenerateID", s.storageRegenerate)
		t.Run("Destroy", s.storageDestroy)
		t.Run("RevokeOwner", s.storageRevoke)
		t.Run("InFlightAfterDestroyOrRevoke", s.storageInFlight)
		t.Run("RevokeUnderLoad", s.storageRevokeUnderLoad)
		t.Run("IDBoundToSession", s.storageIDBound)
		t.Run("RetentionBoundedByTimeouts", s.storageRetention)
	})
}

type suite struct {
	o        options
	newStore func(t *testing.T) runtime.Store
}

// NewID returns a random id in the runtime's format (64 hex digits).
func NewID() string {
	var b [32]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func ctx(t *testing.T) context.Context { return t.Context() }

// ms is the precision the suite asks of a store's Expires.
func ms(t time.Time) time.Time { return t.Truncate(time.Millisecond) }

func mustCreate(t *testing.T, st runtime.Store, id string, rec runtime.Record) {
	t.Helper()
	if err := st.Create(ctx(t), id, rec); err != nil {
		t.Fatalf("Create(%s): %v", id, err)
	}
}

func mustRead(t *testing.T, st runtime.Store, id string) runtime.Record {
	t.Helper()
	rec, err := st.Read(ctx(t), id)
	if err != nil {
		t.Fatalf("Read(%s): %v", id, err)
	}
	return rec
}

func mustUpdate(t *testing.T, st runtime.Store, id string, p runtime.Patch) {
	t.Helper()
	if err := st.Update(ctx(t), id, p); err != nil {
		t.Fatalf("Update(%s): %v", id, err)
	}
}

func wantNotFound(t *testing.T, st runtime.Store, id, why string) {
	t.Helper()
	if rec, err := st.Read(ctx(t), id); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("%s: Read = %s, %v; want ErrNotFound", why, rec.Data, err)
	}
}

// Keys returns the top-level keys of a JSON object in the order written.
func Keys(data []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object: %s", data)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// checkData compares a stored JSON object with want: the same values
// (numbers compared by their digits) and, unless the store is unordered,
// the same key order.
func (s *suite) checkData(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	dec := json.NewDecoder(bytes.NewReader(got))
	dec.UseNumber()
	if err := dec.Decode(&g); err != nil {
		t.Fatalf("stored data is not JSON: %q: %v", got, err)
	}
	dec = json.NewDecoder(strings.NewReader(want))
	dec.UseNumber()
	if err := dec.Decode(&w); err != nil {
		t.Fatalf("bad want %q: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("data = %s\nwant   %s", got, want)
	}
	if s.o.unordered {
		return
	}
	gk, _ := Keys(got)
	wk, _ := Keys([]byte(want))
	if !slices.Equal(gk, wk) {
		t.Fatalf("key order = %q, want %q (data %s)", gk, wk, got)
	}
}

func checkExpires(t *testing.T, got, want time.Time) {
	t.Helper()
	if got.IsZero() != want.IsZero() {
		t.Fatalf("Expires = %v, want %v", got, want)
	}
	if d := got.Sub(want); d < -time.Millisecond || d > time.Millisecond {
		t.Fatalf("Expires = %v, want %v (±1ms)", got, want)
	}
}

func (s *suite) createRead(t *testing.T) {
	st := s.newStore(t)
	_, hasOwners := st.(runtime.OwnerIndex)
	exp := ms(time.Now().Add(time.Hour))
	cases := []struct {
		data  string
		exp   time.Time
		owner string
	}{
		{`{"b":1,"a":"x","c":{"n":[1,2,{"z":null}]},"t":true}`, exp, "alice"},
		{`{}`, time.Time{}, ""},
		{`{"zeta":"last","alpha":"first","mid":12345678901234567890}`, time.Time{}, "bob"},
	}
	for _, c := range cases {
		id := NewID()
		mustCreate(t, st, id, runtime.Record{Data: json.RawMessage(c.data), Expires: c.exp, Owner: c.owner})
		rec := mustRead(t, st, id)
		s.checkData(t, rec.Data, c.data)
		checkExpires(t, rec.Expires, c.exp)
		if hasOwners && rec.Owner != c.owner {
			t.Errorf("Owner = %q, want %q", rec.Owner, c.owner)
		}
	}
}

func (s *suite) createTaken(t *testing.T) {
	st := s.newStore(t)
	id := NewID()
	mustCreate(t, st, id, runtime.Record{Data: json.RawMessage(`{"a":1}`)})
	err := st.Create(ctx(t), id, runtime.Record{Data: json.RawMessage(`{"b":2}`)})
	if !errors.Is(err, runtime.ErrIDTaken) {
		t.Fatalf("second Create = %v, want ErrIDTaken", err)
	}
	s.checkData(t, mustRead(t, st, id).Data, `{"a":1}`)
}

func (s *suite) notFound(t *testing.T) {
	st := s.newStore(t)
	id := NewID()
	wantNotFound(t, st, id, "unknown id")
	err := st.Update(ctx(t), id, runtime.Patch{Set: []runtime.Field{{Key: "a", Value: json.RawMessage(`1`)}}})
	if !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Update(unknown) = %v, want ErrNotFound", err)
	}
	wantNotFound(t, st, id, "after Update of an unknown id")
	if err := st.Delete(ctx(t), id); err != nil {
		t.Fatalf("Delete(unknown) = %v, want nil", err)
	}
}

func (s *suite) delete(t *testing.T) {
	st := s.newStore(t)
	id, other := NewID(), NewID()
	mustCreate(t, st, id, runtime.Record{Data: json.RawMessage(`{"a":1}`), Owner: "alice"})
	mustCreate(t, st, other, runtime.Record{Data: json.RawMessage(`{"o":1}`)})
	if err := st.Delete(ctx(t), id); err != nil {
		t.Fatal(err)
	}
	wantNotFound(t, st, id, "after Delete")
	if err := st.Update(ctx(t), id, runtime.Patch{Set: []runtime.Field{{Key: "b", Value: json.RawMessage(`2`)}}}); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Update after Delete = %v, want ErrNotFound", err)
	}
	if err := st.Delete(ctx(t), id); err != nil {
		t.Fatalf("second Delete = %v", err)
	}
	s.checkData(t, mustRead(t, st, other).Data, `{"o":1}`)
	mustCreate(t, st, id, runtime.Record{Data: json.RawMessage(`{"c":3}`)})
	s.checkData(t, mustRead(t, st, id).Data, `{"c":3}`)
}

// untilPast sleeps until t has passed by a margin.
func untilPast(t time.Time) { time.Sleep(time.Until(t) + 150*time.Millisecond) }

func (s *suite) expiry(t *testing.T) {
	t.Parallel()
	st := s.newStore(t)
	id, keep := NewID(), NewID()
	carol := "carol" + NewID()[:8]
	exp := ms(time.Now().Add(2 * time.Second))
	mustCreate(t, st, id, runtime.Record{Data: json.RawMessage(`{"old":1}`), Expires: exp, Owner: carol})
	mustCreate(t, st, keep, runtime.Record{Data: json.RawMessage(`{"keep":1}`), Expires: exp.Add(time.Hour), Owner: carol})
	s.checkData(t, mustRead(t, st, id).Data, `{"old":1}`)
	untilPast(exp)
	wantNotFound(t, st, id, "after expiry")
	err := st.Update(ctx(t), id, runtime.Patch{Set: []runtime.Field{{Key: "a", Value: json.RawMessage(`1`)}}, Expires: time.Now().Add(time.Hour)})
	if !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Update after expiry = %v, want ErrNotFound", err)
	}
	wantNotFound(t, st, id, "after Update of an expired id")
	if idx, ok := st.(runtime.OwnerIndex); ok {
		ids, err := idx.IDsByOwner(ctx(t), carol)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids, []string{keep}) {
			t.Fatalf("IDsByOwner lists expired sessions: %q, want only %q", ids, keep)
		}
	}
	// An expired id may be created anew, and the new session does not
	// inherit the old data.
	mustCreate(t, st, id, runtime.Record{Data: json.RawMessage(`{"new":2}`)})
	s.checkData(t, mustRead(t, st, id).Data, `{"new":2}`)
	s.checkData(t, mustRead(t, st, keep).Data, `{"keep":1}`)
}

func (s *suite) expiryUpdate(t *testing.T) {
	t.Parallel()
	st := s.newStore(t)
	longer, forever, shorter := NewID(), NewID(), NewID()
	now := time.Now()
	exp := ms(now.Add(2 * time.Second))
	for _, id := range []string{longer, forever} {
		mustCreate(t, st, id, runtime.Record{Data: json.RawMessage(`{"a":1}`), Expires: exp})
	}
	mustCreate(t, st, shorter, runtime.Record{Data: json.RawMessage(`{"a":1}`), Expires: ms(now.Add(time.Hour))})
	later := ms(now.Add(time.Hour))
	mustUpdate(t, st, longer, runtime.Patch{Expires: later})
	mustUpdate(t, st, forever, runtime.Patch{})
	mustUpdate(t, st, shorter, runtime.Patch{Set: []runtime.Field{{Key: "b", Value: json.RawMessage(`2`)}}, Expires: exp})
	checkExpires(t, mustRead(t, st, longer).Expires, later)
	checkExpires(t, mustRead(t, st, forever).Expires, time.Time{})
	checkExpires(t, mustRead(t, st, shorter).Expires, exp)
	untilPast(exp)
	s.checkData(t, mustRead(t, st, longer).Data, `{"a":1}`)
	s.checkData(t, mustRead(t, st, forever).Data, `{"a":1}`)
	wantNotFound(t, st, shorter, "after its Update shortened the expiry")
}

func set(kv ...string) []runtime.Field {
	var f []runtime.Field
	for i := 0; i < len(kv); i += 2 {
		f = append(f, runtime.Field{Key: kv[i], Value: json.RawMessage(kv[i+1])})
	}
	return f
}

func (s *suite) patch(t *testing.T) {
	st := s.newStore(t)
	id := NewID()
	mustCreate(t, st, id, runtime.Record{Data: json.RawMessage(`{"a":1,"b":2,"c":3}`)})
	mustUpdate(t, st, id, runtime.Patch{Set: set("b", `20`, "d", `4`), Delete: []string{"a", "missing"}})
	s.checkData(t, mustRead(t, st, id).Data, `{"b":20,"c":3,"d":4}`)
	mustUpdate(t, st, id, runtime.Patch{Set: set("a", `"back"`, "c", `{"x":[1]}`)})
	s.checkData(t, mustRead(t, st, id).Data, `{"b":20,"c":{"x":[1]},"d":4,"a":"back"}`)
	mustUpdate(t, st, id, runtime.Patch{})
	s.checkData(t, mustRead(t, st, id).Data, `{"b":20,"c":{"x":[1]},"d":4,"a":"back"}`)
	mustUpdate(t, st, id, runtime.Patch{Delete: []string{"b", "c", "d", "a"}})
	s.checkData(t, mustRead(t, st, id).Data, `{}`)
	mustUpdate(t, st, id, runtime.Patch{Set: set("z", `null`, "y", `false`)})
	s.checkData(t, mustRead(t, st, id).Data, `{"z":null,"y":false}`)
}

func (s *suite) patchValues(t *testing.T) {
	st := s.newStore(t)
	id := NewID()
	mustCreate(t, st, id, runtime.Record{Data: json.RawMessage(`{"plain":"v"}`)})
	fields := set(
		`we"ird\key`, `"quote \" back \\ slash"`,
		"ключ", `"значение ✓ 😀"`,
		"__flash_message__", `"flashed"`,
		"big", `12345678901234567890123`,
		"neg", `-42`,
		"html", `"<a href=\"x\">&amp;</a>"`,
		"a.b[0]", `[1,"two",{"three":3}]`,
		"", `"empty key"`,
	)
	mustUpdate(t, st, id, runtime.Patch{Set: fields})
	want := `{"plain":"v","we\"ird\\key":"quote \" back \\ slash","ключ":"значение ✓ 😀","__flash_message__":"flashed","big":12345678901234567890123,"neg":-42,"html":"<a href=\"x\">&amp;</a>","a.b[0]":[1,"two",{"three":3}],"":"empty key"}`
	s.checkData(t, mustRead(t, st, id).Data, want)
	mustUpdate(t, st, id, runtime.Patch{Delete: []string{`we"ird\key`, "", "__flash_message__"}})
	s.checkData(t, mustRead(t, st, id).Data, `{"plain":"v","ключ":"значение ✓ 😀","big":12345678901234567890123,"neg":-42,"html":"<a href=\"x\">&amp;</a>","a.b[0]":[1,"two",{"three":3}]}`)
}

func sorted(ids []string) []string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	if ids == nil {
		ids = []string{}
	}
	return ids
}

func wantOwner(t *testing.T, idx runtime.OwnerIndex, owner string, want ...string) {
	t.Helper()
	ids, err := idx.IDsByOwner(ctx(t), owner)
	if err != nil {
		t.Fatalf("IDsByOwner(%q): %v", owner, err)
	}
	if g, w := sorted(ids), sorted(want); !slices.Equal(g, w) {
		t.Fatalf("IDsByOwner(%q) = %q, want %q", owner, g, w)
	}
}

func (s *suite) ownerIndex(t *testing.T) {
	st := s.newStore(t)
	idx, ok := st.(runtime.OwnerIndex)
	if !ok {
		t.Skip("store does not implement runtime.OwnerIndex")
	}
	// Owners are unique to this run, so a store shared between subtests
	// (one Redis, one table) still gives exact answers.
	sfx := NewID()[:8]
	alice, bob, nobody := "alice@"+sfx, "bob/ü "+sfx, "nobody"+sfx
	s1, s2, s3, s4 := NewID(), NewID(), NewID(), NewID()
	mustCreate(t, st, s1, runtime.Record{Data: json.RawMessage(`{"userId":"alice"}`), Owner: alice})
	mustCreate(t, st, s2, runtime.Record{Data: json.RawMessage(`{"userId":"alice"}`), Owner: alice, Expires: time.Now().Add(time.Hour)})
	mustCreate(t, st, s3, runtime.Record{Data: json.RawMessage(`{"userId":"bob"}`), Owner: bob})
	mustCreate(t, st, s4, runtime.Record{Data: json.RawMessage(`{}`)})
	wantOwner(t, idx, alice, s1, s2)
	wantOwner(t, idx, bob, s3)
	wantOwner(t, idx, nobody)
	wantOwner(t, idx, "")

	// s2 changes hands, s3 loses its owner.
	mustUpdate(t, st, s2, runtime.Patch{Set: set("userId", `"bob"`), Owner: &bob, Expires: time.Now().Add(time.Hour)})
	empty := ""
	mustUpdate(t, st, s3, runtime.Patch{Delete: []string{"userId"}, Owner: &empty})
	// An update without an owner change keeps the owner.
	mustUpdate(t, st, s1, runtime.Patch{Set: set("x", `1`)})
	wantOwner(t, idx, alice, s1)
	wantOwner(t, idx, bob, s2)
	if r := mustRead(t, st, s2); r.Owner != bob {
		t.Fatalf("Owner after update = %q, want %q", r.Owner, bob)
	}
	if r := mustRead(t, st, s3); r.Owner != "" {
		t.Fatalf("Owner after removal = %q, want \"\"", r.Owner)
	}

	mustUpdate(t, st, s4, runtime.Patch{Set: set("userId", `"bob"`), Owner: &bob})
	n, err := idx.DeleteByOwner(ctx(t), bob)
	if err != nil || n != 2 {
		t.Fatalf("DeleteByOwner(bob) = %d, %v; want 2", n, err)
	}
	wantNotFound(t, st, s2, "after DeleteByOwner")
	wantNotFound(t, st, s4, "after DeleteByOwner")
	mustRead(t, st, s1)
	mustRead(t, st, s3)
	wantOwner(t, idx, bob)
	if n, err := idx.DeleteByOwner(ctx(t), nobody); err != nil || n != 0 {
		t.Fatalf("DeleteByOwner(nobody) = %d, %v; want 0", n, err)
	}

	if err := st.Delete(ctx(t), s1); err != nil {
		t.Fatal(err)
	}
	wantOwner(t, idx, alice)
	// A deleted id created again with another owner is not listed under
	// the old one.
	mustCreate(t, st, s1, runtime.Record{Data: json.RawMessage(`{}`), Owner: bob})
	wantOwner(t, idx, alice)
	wantOwner(t, idx, bob, s1)
}

func (s *suite) contextCanceled(t *testing.T) {
	st := s.newStore(t)
	id := NewID()
	mustCreate(t, st, id, runtime.Record{Data: json.RawMessage(`{"a":1}`), Owner: "dave"})
	c, cancel := context.WithCancel(ctx(t))
	cancel()
	check := func(op string, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context = %v, want context.Canceled", op, err)
		}
	}
	other := NewID()
	check("Create", st.Create(c, other, runtime.Record{Data: json.RawMessage(`{}`)}))
	_, err := st.Read(c, id)
	check("Read", err)
	check("Update", st.Update(c, id, runtime.Patch{Set: set("a", `2`)}))
	check("Delete", st.Delete(c, id))
	if idx, ok := st.(runtime.OwnerIndex); ok {
		_, err := idx.IDsByOwner(c, "dave")
		check("IDsByOwner", err)
		_, err = idx.DeleteByOwner(c, "dave")
		check("DeleteByOwner", err)
	}
	// Nothing happened.
	s.checkData(t, mustRead(t, st, id).Data, `{"a":1}`)
	wantNotFound(t, st, other, "Create with a canceled context")
}

func (s *suite) concurrentCreate(t *testing.T) {
	st := s.newStore(t)
	id := NewID()
	var wg sync.WaitGroup
	errs := make([]error, s.o.concurrency)
	for g := range errs {
		wg.Go(func() {
			errs[g] = st.Create(ctx(t), id, runtime.Record{Data: json.RawMessage(fmt.Sprintf(`{"g":%d}`, g))})
		})
	}
	wg.Wait()
	winner := -1
	for g, err := range errs {
		switch {
		case err == nil && winner < 0:
			winner = g
		case err == nil:
			t.Fatalf("two concurrent Creates of one id succeeded: %d and %d", winner, g)
		case !errors.Is(err, runtime.ErrIDTaken):
			t.Fatalf("concurrent Create: %v", err)
		}
	}
	if winner < 0 {
		t.Fatal("no concurrent Create succeeded")
	}
	s.checkData(t, mustRead(t, st, id).Data, fmt.Sprintf(`{"g":%d}`, winner))
}

// noLostWrites: goroutines × updates on one session, each update setting
// its own key. Every key must be there at the end.
func (s *suite) noLostWrites(t *testing.T) {
	s.noLostWritesOver(t, []runtime.Store{s.newStore(t)})
}

// checkAllKeys checks the result of a no-lost-writes run.
func (s *suite) checkAllKeys(t *testing.T, data []byte, extra ...string) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	lost := 0
	for g := range s.o.concurrency {
		for u := range s.o.updates {
			if _, ok := m[fmt.Sprintf("g%d_%d", g, u)]; !ok {
				lost++
			}
		}
		if v := string(m[fmt.Sprintf("last%d", g)]); v != fmt.Sprint(s.o.updates-1) {
			t.Errorf("last%d = %s, want %d", g, v, s.o.updates-1)
		}
		for u := range s.o.updates - 1 {
			if _, ok := m[fmt.Sprintf("tmp%d_%d", g, u)]; ok {
				t.Errorf("tmp%d_%d was deleted but is back", g, u)
			}
		}
	}
	for _, k := range extra {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q lost", k)
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d writes lost", lost, s.o.concurrency*s.o.updates)
	}
}
