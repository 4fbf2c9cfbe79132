package redisstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessiongen/sessiongen/internal/testservice"
	"github.com/sessiongen/sessiongen/redisstore"
	"github.com/sessiongen/sessiongen/runtime"
	"github.com/sessiongen/sessiongen/storetest"
)

func client(t testing.TB, addr string) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// prefix returns a key prefix for one test on a shared Redis or Redis
// Cluster, whose keys are deleted afterwards (on a cluster, from every
// master).
func prefix(t testing.TB, rdb redis.UniversalClient) string {
	p := "sessiongen-test:" + storetest.NewID()[:12] + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		if c, ok := rdb.(*redis.ClusterClient); ok {
			c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return deleteKeys(ctx, m, p) })
			return
		}
		deleteKeys(ctx, rdb, p)
	})
	return p
}

// deleteKeys deletes the keys that start with p on one server (one key per
// DEL, since on a cluster they lie in different slots).
func deleteKeys(ctx context.Context, rdb redis.Cmdable, p string) error {
	iter := rdb.Scan(ctx, 0, p+"*", 500).Iterator()
	for iter.Next(ctx) {
		rdb.Del(ctx, iter.Val())
	}
	return iter.Err()
}

func newStore(t testing.TB) *redisstore.Store {
	rdb := client(t, testservice.RedisAddr(t))
	return redisstore.New(rdb, redisstore.Options{Prefix: prefix(t, rdb)})
}

func TestConformance(t *testing.T) {
	testservice.RedisAddr(t)
	storetest.Run(t, func(t *testing.T) runtime.Store { return newStore(t) })
}

// Two instances: separate clients (separate connections) on one Redis.
func TestInstances(t *testing.T) {
	addr := testservice.RedisAddr(t)
	ra, rb := client(t, addr), client(t, addr)
	p := prefix(t, ra)
	a := redisstore.New(ra, redisstore.Options{Prefix: p})
	b := redisstore.New(rb, redisstore.Options{Prefix: p})
	t.Run("NoLostWrites", func(t *testing.T) { storetest.NoLostWritesAcross(t, []runtime.Store{a, b}) })
	t.Run("Instances", func(t *testing.T) { storetest.Instances(t, a, b) })
}

// The layout: a hash with one field per key, a native TTL, an owner index
// (a hash of id to token) that outlives its sessions.
func TestLayout(t *testing.T) {
	rdb := client(t, testservice.RedisAddr(t))
	p := prefix(t, rdb)
	st := redisstore.New(rdb, redisstore.Options{Prefix: p})
	ctx := t.Context()
	id := storetest.NewID()
	exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	if err := st.Create(ctx, id, runtime.Record{Data: json.RawMessage(`{"b":1,"a":"x"}`), Expires: exp, Owner: "alice"}); err != nil {
		t.Fatal(err)
	}
	h := rdb.HGetAll(ctx, p+"s:"+id).Val()
	if h["k:b"] != "1:1" || h["k:a"] != `2:"x"` || h["m:owner"] != "alice" || h["m:exp"] != strconv.FormatInt(exp.UnixMilli(), 10) {
		t.Fatalf("hash = %v", h)
	}
	if got := rdb.PExpireTime(ctx, p+"s:"+id).Val(); got != time.Duration(exp.UnixMilli())*time.Millisecond {
		t.Fatalf("PEXPIRETIME = %v, want %v", got, exp.UnixMilli())
	}
	idx := rdb.HGetAll(ctx, p+"i:alice").Val()
	tok, _, _ := strings.Cut(idx[id], ":")
	if len(idx) != 1 || tok == "" || tok != h["m:otok"] {
		t.Fatalf("owner index = %v, session's token %q", idx, h["m:otok"])
	}
	// The index lives twice the session's remaining life.
	wantTTL := func(key string, lo, hi time.Duration) {
		t.Helper()
		if ttl := rdb.PTTL(ctx, key).Val(); ttl < lo || ttl > hi {
			t.Fatalf("%s TTL = %v, want %v to %v", key, ttl, lo, hi)
		}
	}
	wantTTL(p+"i:alice", 119*time.Minute, 2*time.Hour)
	// An update within that keeps it; one past it extends it first.
	if err := st.Update(ctx, id, runtime.Patch{Expires: exp.Add(30 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	wantTTL(p+"i:alice", 119*time.Minute, 2*time.Hour)
	if err := st.Update(ctx, id, runtime.Patch{Expires: exp.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	wantTTL(p+"s:"+id, 179*time.Minute, 3*time.Hour)
	wantTTL(p+"i:alice", 359*time.Minute, 6*time.Hour)
	// A second session enters the index; one without expiry makes the
	// index permanent.
	id2 := storetest.NewID()
	if err := st.Create(ctx, id2, runtime.Record{Data: json.RawMessage(`{}`), Expires: exp, Owner: "alice"}); err != nil {
		t.Fatal(err)
	}
	if n := rdb.HLen(ctx, p+"i:alice").Val(); n != 2 {
		t.Fatalf("owner index has %d entries, want 2", n)
	}
	if err := st.Update(ctx, id, runtime.Patch{Owner: new("alice")}); err != nil {
		t.Fatal(err)
	}
	if ttl := rdb.PTTL(ctx, p+"i:alice").Val(); ttl != -1 {
		t.Fatalf("owner index TTL = %v, want none", ttl)
	}
	// A change of owner moves the entry; Delete removes it.
	if err := st.Update(ctx, id2, runtime.Patch{Owner: new("bob"), Expires: exp}); err != nil {
		t.Fatal(err)
	}
	if a, b := rdb.HKeys(ctx, p+"i:alice").Val(), rdb.HKeys(ctx, p+"i:bob").Val(); len(a) != 1 || a[0] != id || len(b) != 1 || b[0] != id2 {
		t.Fatalf("after a change of owner: alice %v, bob %v", a, b)
	}
	if err := st.Delete(ctx, id2); err != nil {
		t.Fatal(err)
	}
	if n := rdb.Exists(ctx, p+"i:bob").Val(); n != 0 {
		t.Fatal("Delete left the session's owner index entry")
	}
	if ttl := rdb.PTTL(ctx, p+"s:"+id).Val(); ttl != -1 {
		t.Fatalf("session TTL after an update without expiry = %v, want none", ttl)
	}
	// Deleting the last key leaves the session (an empty object), not a
	// missing hash.
	if err := st.Update(ctx, id, runtime.Patch{Delete: []string{"a", "b"}}); err != nil {
		t.Fatal(err)
	}
	rec, err := st.Read(ctx, id)
	if err != nil || string(rec.Data) != "{}" {
		t.Fatalf("Read = %s, %v", rec.Data, err)
	}
}

// Redis goes down mid-test (a private server, so that the shared one is
// not disturbed): errors, never an empty session; nothing lost after.
func TestOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own redis-server")
	}
	testservice.RedisAddr(t) // same skip rule as the other Redis tests
	srv := testservice.StartRedis(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, DialTimeout: 300 * time.Millisecond, ReadTimeout: time.Second, MaxRetries: 1})
	t.Cleanup(func() { rdb.Close() })
	storetest.Outage(t, redisstore.New(rdb, redisstore.Options{}), srv.Kill, srv.Start)
}

func BenchmarkRoundTrip(b *testing.B) {
	rdb := client(b, testservice.RedisAddr(b))
	log := logCommands(rdb)
	storetest.BenchmarkRoundTrip(b, redisstore.New(rdb, redisstore.Options{Prefix: prefix(b, rdb)}))
	trips, _ := log.take()
	b.ReportMetric(float64(trips)/float64(b.N), "roundtrips/op")
}

// A commandLog records the commands a client sends and the round trips
// they take: a command is one, a pipeline (MULTI/EXEC included) one for
// all its commands (on a cluster, one to each master in parallel).
type commandLog struct {
	mu    sync.Mutex
	trips int
	names []string
}

func logCommands(rdb redis.UniversalClient) *commandLog {
	l := new(commandLog)
	rdb.AddHook(l)
	return l
}

func (l *commandLog) add(cmds ...redis.Cmder) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.trips++
	for _, c := range cmds {
		l.names = append(l.names, c.Name())
	}
}

// take returns what was recorded since the last take.
func (l *commandLog) take() (trips int, names []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	trips, names = l.trips, l.names
	l.trips, l.names = 0, nil
	return trips, names
}

func (*commandLog) DialHook(next redis.DialHook) redis.DialHook { return next }

func (l *commandLog) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		l.add(cmd)
		return next(ctx, cmd)
	}
}

func (l *commandLog) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		l.add(cmds...)
		return next(ctx, cmds)
	}
}

// A session's read and update, the round trip of every request that
// changes it, are one command each, in one network round trip each: HGETALL
// and the update script (EVALSHA, once Redis has it). An extra command or
// round trip fails this test.
func TestRoundTripCommands(t *testing.T) {
	rdb := client(t, testservice.RedisAddr(t))
	st := redisstore.New(rdb, redisstore.Options{Prefix: prefix(t, rdb)})
	log := logCommands(rdb)
	ctx := t.Context()
	id := storetest.NewID()
	set := []runtime.Field{{Key: "lastSeen", Value: json.RawMessage("1767225660000")}}
	if err := st.Create(ctx, id, runtime.Record{Data: json.RawMessage(`{"userId":"u","roles":["a"],"lastSeen":1}`)}); err != nil {
		t.Fatal(err)
	}
	// Redis loads the script, if it had not yet, and the pool has its
	// connection.
	if err := st.Update(ctx, id, runtime.Patch{Set: set}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Read(ctx, id); err != nil {
		t.Fatal(err)
	}
	log.take()
	for _, step := range []struct {
		name string
		do   func() error
		want []string
	}{
		{"Read", func() error { _, err := st.Read(ctx, id); return err }, []string{"hgetall"}},
		{"Update", func() error { return st.Update(ctx, id, runtime.Patch{Set: set}) }, []string{"evalsha"}},
		{"Update with an expiry", func() error {
			return st.Update(ctx, id, runtime.Patch{Set: set, Expires: time.Now().Add(time.Hour)})
		}, []string{"evalsha"}},
		{"Read with an expiry", func() error { _, err := st.Read(ctx, id); return err }, []string{"hgetall"}},
	} {
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if trips, names := log.take(); trips != 1 || !slices.Equal(names, step.want) {
			t.Errorf("%s: %d round trips, commands %q; want 1 round trip, %q", step.name, trips, names, step.want)
		}
	}
}

// A session written by an earlier version (owner in the hash, no index
// token, no m:exp) reads with its expiry and is entered in the owner index
// on its next update.
func TestEarlierLayoutSession(t *testing.T) {
	rdb := client(t, testservice.RedisAddr(t))
	p := prefix(t, rdb)
	st := redisstore.New(rdb, redisstore.Options{Prefix: p})
	ctx := t.Context()
	id := storetest.NewID()
	exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	rdb.HSet(ctx, p+"s:"+id, "k:a", "1:1", "m:seq", "1", "m:owner", "olga")
	rdb.PExpireAt(ctx, p+"s:"+id, exp)
	rdb.SAdd(ctx, p+"o:olga", id)
	// Without m:exp, the expiry comes from the key's TTL.
	if rec, err := st.Read(ctx, id); err != nil || !rec.Expires.Equal(exp) || string(rec.Data) != `{"a":1}` {
		t.Fatalf("Read = %s, expires %v, %v; want {\"a\":1}, expires %v", rec.Data, rec.Expires, err, exp)
	}
	if ids, err := st.IDsByOwner(ctx, "olga"); err != nil || len(ids) != 0 {
		t.Fatalf("before an update: IDsByOwner = %q, %v", ids, err)
	}
	if err := st.Update(ctx, id, runtime.Patch{Set: []runtime.Field{{Key: "b", Value: json.RawMessage("2")}}, Expires: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if ids, err := st.IDsByOwner(ctx, "olga"); err != nil || len(ids) != 1 || ids[0] != id {
		t.Fatalf("after an update: IDsByOwner = %q, %v", ids, err)
	}
	if n, err := st.DeleteByOwner(ctx, "olga"); err != nil || n != 1 {
		t.Fatalf("DeleteByOwner = %d, %v", n, err)
	}
}

// Through Sentinel (a private primary and sentinel): the whole suite over
// a failover client.
func TestSentinelConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own redis-server and sentinel")
	}
	testservice.RedisAddr(t) // same skip rule as the other Redis tests
	sentinel := testservice.StartRedisSentinel(t, testservice.StartRedis(t))
	rdb := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: "mymaster", SentinelAddrs: []string{sentinel}})
	t.Cleanup(func() { rdb.Close() })
	storetest.Run(t, func(t *testing.T) runtime.Store {
		return redisstore.New(rdb, redisstore.Options{Prefix: prefix(t, rdb)})
	})
}

// A patch of more keys than the scripts pass to one command (they chunk
// by 200 arguments): set keys old and new, deleted keys, all in the order
// runtime.ApplyPatch keeps.
func TestLargePatch(t *testing.T) {
	st := newStore(t)
	ctx := t.Context()
	id := storetest.NewID()
	var data strings.Builder
	data.WriteByte('{')
	for i := range 500 {
		if i > 0 {
			data.WriteByte(',')
		}
		fmt.Fprintf(&data, `"k%03d":%d`, i, i)
	}
	data.WriteByte('}')
	if err := st.Create(ctx, id, runtime.Record{Data: json.RawMessage(data.String())}); err != nil {
		t.Fatal(err)
	}
	var p runtime.Patch
	for i := 0; i < 500; i += 2 {
		p.Delete = append(p.Delete, fmt.Sprintf("k%03d", i))
	}
	for i := 251; i < 800; i += 2 { // the odd keys above 250, then 250 new ones
		p.Set = append(p.Set, runtime.Field{Key: fmt.Sprintf("k%03d", i), Value: json.RawMessage(`"v"`)})
	}
	p.Expires = time.Now().Add(time.Hour)
	if err := st.Update(ctx, id, p); err != nil {
		t.Fatal(err)
	}
	want, err := runtime.ApplyPatch(json.RawMessage(data.String()), p)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := st.Read(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if string(rec.Data) != string(want) {
		t.Errorf("after a large patch:\n got %s\nwant %s", rec.Data, want)
	}
}
