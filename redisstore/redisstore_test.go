package redisstore_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
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
	if h["k:b"] != "1:1" || h["k:a"] != `2:"x"` || h["m:owner"] != "alice" {
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
	trips := countRoundTrips(rdb)
	storetest.BenchmarkRoundTrip(b, redisstore.New(rdb, redisstore.Options{Prefix: prefix(b, rdb)}))
	b.ReportMetric(float64(trips.Load())/float64(b.N), "roundtrips/op")
}

// countRoundTrips counts the commands and pipelines rdb sends (each one
// round trip to one server; a cluster pipeline counts once though it goes
// to each master in parallel).
func countRoundTrips(rdb redis.UniversalClient) *atomic.Int64 {
	var n atomic.Int64
	rdb.AddHook(tripCounter{&n})
	return &n
}

type tripCounter struct{ n *atomic.Int64 }

func (tripCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}

func (c tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmds)
	}
}

// A session written by an earlier version (owner in the hash, no index
// token) is entered in the owner index on its next update.
func TestEarlierLayoutSession(t *testing.T) {
	rdb := client(t, testservice.RedisAddr(t))
	p := prefix(t, rdb)
	st := redisstore.New(rdb, redisstore.Options{Prefix: p})
	ctx := t.Context()
	id := storetest.NewID()
	rdb.HSet(ctx, p+"s:"+id, "k:a", "1:1", "m:seq", "1", "m:owner", "olga")
	rdb.SAdd(ctx, p+"o:olga", id)
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
