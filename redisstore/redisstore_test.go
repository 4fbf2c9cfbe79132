package redisstore_test

import (
	"context"
	"encoding/json"
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

// prefix returns a key prefix for one test on the shared Redis, whose keys
// are deleted afterwards.
func prefix(t testing.TB, rdb *redis.Client) string {
	p := "sessiongen-test:" + storetest.NewID()[:12] + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, p+"*", 500).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	})
	return p
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

// The layout: a hash with one field per key, a native TTL, an owner set
// that lives as long as its latest session.
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
	if m := rdb.SMembers(ctx, p+"o:alice").Val(); len(m) != 1 || m[0] != id {
		t.Fatalf("owner set = %v", m)
	}
	ttl := rdb.PTTL(ctx, p+"o:alice").Val()
	if ttl < 59*time.Minute || ttl > time.Hour {
		t.Fatalf("owner set TTL = %v, want about an hour", ttl)
	}
	// A later-expiring session extends the set; a session without expiry
	// makes it permanent.
	id2 := storetest.NewID()
	if err := st.Create(ctx, id2, runtime.Record{Data: json.RawMessage(`{}`), Expires: exp.Add(time.Hour), Owner: "alice"}); err != nil {
		t.Fatal(err)
	}
	if ttl := rdb.PTTL(ctx, p+"o:alice").Val(); ttl < 119*time.Minute {
		t.Fatalf("owner set TTL = %v, want about two hours", ttl)
	}
	if err := st.Update(ctx, id, runtime.Patch{Owner: new("alice")}); err != nil {
		t.Fatal(err)
	}
	if ttl := rdb.PTTL(ctx, p+"o:alice").Val(); ttl != -1 {
		t.Fatalf("owner set TTL = %v, want none", ttl)
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
	storetest.BenchmarkRoundTrip(b, newStore(b))
}
