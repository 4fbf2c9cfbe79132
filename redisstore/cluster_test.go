package redisstore_test

import (
	"context"
	"errors"
	"fmt"
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

func clusterClient(t testing.TB, addrs []string) *redis.ClusterClient {
	t.Helper()
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func newClusterStore(t testing.TB) (*redisstore.Store, *redis.ClusterClient, string) {
	rdb := clusterClient(t, testservice.RedisClusterAddrs(t))
	p := prefix(t, rdb)
	return redisstore.New(rdb, redisstore.Options{Prefix: p}), rdb, p
}

// masterOf returns the address of the master that holds key.
func masterOf(t testing.TB, rdb *redis.ClusterClient, key string) string {
	t.Helper()
	m, err := rdb.MasterForKey(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return m.Options().Addr
}

// masters returns the addresses of the cluster's masters.
func masters(t testing.TB, rdb *redis.ClusterClient) []string {
	t.Helper()
	var mu sync.Mutex
	var addrs []string
	if err := rdb.ForEachMaster(context.Background(), func(_ context.Context, m *redis.Client) error {
		mu.Lock()
		defer mu.Unlock()
		addrs = append(addrs, m.Options().Addr)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return addrs
}

func TestClusterConformance(t *testing.T) {
	testservice.RedisClusterAddrs(t)
	storetest.Run(t, func(t *testing.T) runtime.Store { st, _, _ := newClusterStore(t); return st })
}

// Two instances, each with its own cluster client, on one cluster.
func TestClusterInstances(t *testing.T) {
	addrs := testservice.RedisClusterAddrs(t)
	ra, rb := clusterClient(t, addrs), clusterClient(t, addrs)
	p := prefix(t, ra)
	a := redisstore.New(ra, redisstore.Options{Prefix: p})
	b := redisstore.New(rb, redisstore.Options{Prefix: p})
	t.Run("NoLostWrites", func(t *testing.T) { storetest.NoLostWritesAcross(t, []runtime.Store{a, b}) })
	t.Run("Instances", func(t *testing.T) { storetest.Instances(t, a, b) })
}

// Options{} as it is works on a cluster.
func TestClusterDefaultOptions(t *testing.T) {
	rdb := clusterClient(t, testservice.RedisClusterAddrs(t))
	st := redisstore.New(rdb, redisstore.Options{})
	ctx := t.Context()
	id := storetest.NewID()
	owner := "default-" + storetest.NewID()[:8]
	if err := st.Create(ctx, id, runtime.Record{Data: []byte(`{"a":1}`), Owner: owner, Expires: time.Now().Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if rec, err := st.Read(ctx, id); err != nil || string(rec.Data) != `{"a":1}` {
		t.Fatalf("Read = %s, %v", rec.Data, err)
	}
	if n, err := st.DeleteByOwner(ctx, owner); err != nil || n != 1 {
		t.Fatalf("DeleteByOwner = %d, %v", n, err)
	}
}

// An owner whose sessions lie in many slots on every master, with braces in
// its name: DeleteByOwner deletes exactly its sessions, without CROSSSLOT.
func TestClusterOwnerAcrossSlots(t *testing.T) {
	st, rdb, p := newClusterStore(t)
	ctx := t.Context()
	all := masters(t, rdb)
	for _, owner := range []string{"{alice}", "a}b{c", "{}" + storetest.NewID()[:6], "}{"} {
		other := owner + "-other"
		mine := map[string]bool{}
		masters := map[string]bool{}
		exp := time.Now().Add(time.Hour)
		var others []string
		for i := range 30 {
			id, who := storetest.NewID(), owner
			if i%3 == 0 {
				who = other
				others = append(others, id)
			} else {
				mine[id] = true
			}
			if err := st.Create(ctx, id, runtime.Record{Data: []byte(`{"n":1}`), Owner: who, Expires: exp}); err != nil {
				t.Fatal(err)
			}
			masters[masterOf(t, rdb, p+"s:"+id)] = true
		}
		if len(masters) != len(all) {
			t.Fatalf("%q: 30 sessions lie on %d of %d masters", owner, len(masters), len(all))
		}
		ids, err := st.IDsByOwner(ctx, owner)
		if err != nil || len(ids) != len(mine) {
			t.Fatalf("%q: IDsByOwner = %d ids, %v; want %d", owner, len(ids), err, len(mine))
		}
		n, err := st.DeleteByOwner(ctx, owner)
		if err != nil || n != len(mine) {
			t.Fatalf("%q: DeleteByOwner = %d, %v; want %d", owner, n, err, len(mine))
		}
		for id := range mine {
			if _, err := st.Read(ctx, id); !errors.Is(err, runtime.ErrNotFound) {
				t.Fatalf("%q: revoked session reads: %v", owner, err)
			}
		}
		for _, id := range others {
			if rec, err := st.Read(ctx, id); err != nil || rec.Owner != other {
				t.Fatalf("%q: another owner's session: %+v, %v", owner, rec, err)
			}
		}
	}
}

// Revocation races with commits: once DeleteByOwner has returned, every
// session the owner had is gone and an Update of it (begun after) returns
// ErrNotFound and creates nothing. Meanwhile other sessions change owner
// back and forth from two goroutines each: afterwards each is listed in its
// final owner's index and in no other.
func TestClusterRevokeRace(t *testing.T) {
	st, _, _ := newClusterStore(t)
	ctx := t.Context()
	user := "race{" + storetest.NewID()[:6] + "}"
	exp := time.Now().Add(time.Hour)
	ids := make([]string, 12)
	for i := range ids {
		ids[i] = storetest.NewID()
		if err := st.Create(ctx, ids[i], runtime.Record{Data: []byte(`{}`), Owner: user, Expires: exp}); err != nil {
			t.Fatal(err)
		}
	}
	flips := make([]string, 4)
	for i := range flips {
		flips[i] = storetest.NewID()
		if err := st.Create(ctx, flips[i], runtime.Record{Data: []byte(`{}`), Expires: exp}); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	errc := make(chan error, len(ids)+2*len(flips))
	for i, id := range ids {
		wg.Go(func() {
			for n := 0; ; n++ {
				after := isClosed(done)
				err := st.Update(ctx, id, runtime.Patch{Set: []runtime.Field{{Key: fmt.Sprint("k", n), Value: []byte("1")}}, Expires: exp})
				if errors.Is(err, runtime.ErrNotFound) {
					return
				}
				if err != nil || after {
					errc <- fmt.Errorf("session %d: Update after DeleteByOwner returned = %v, want ErrNotFound", i, err)
					return
				}
			}
		})
	}
	for _, id := range flips {
		for _, who := range []string{user + "-a", user + "-b"} {
			wg.Go(func() {
				for !isClosed(done) {
					if err := st.Update(ctx, id, runtime.Patch{Owner: &who, Expires: exp}); err != nil {
						errc <- fmt.Errorf("owner change: %v", err)
						return
					}
				}
			})
		}
	}
	time.Sleep(50 * time.Millisecond)
	n, err := st.DeleteByOwner(ctx, user)
	close(done)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if err != nil || n != len(ids) {
		t.Fatalf("DeleteByOwner = %d, %v; want %d", n, err, len(ids))
	}
	for _, id := range ids {
		if rec, err := st.Read(ctx, id); !errors.Is(err, runtime.ErrNotFound) {
			t.Fatalf("revoked session came back: %s, %v", rec.Data, err)
		}
	}
	listed := map[string]string{}
	for _, who := range []string{user + "-a", user + "-b"} {
		got, err := st.IDsByOwner(ctx, who)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range got {
			listed[id] = who
		}
	}
	for _, id := range flips {
		rec, err := st.Read(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if listed[id] != rec.Owner {
			t.Fatalf("session owned by %q is listed under %q", rec.Owner, listed[id])
		}
	}
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func BenchmarkClusterRoundTrip(b *testing.B) {
	st, rdb, _ := newClusterStore(b)
	log := logCommands(rdb)
	storetest.BenchmarkRoundTrip(b, st)
	trips, _ := log.take()
	b.ReportMetric(float64(trips)/float64(b.N), "roundtrips/op")
}

// One master of a private cluster (3 masters, no replicas, append-only
// files) is killed mid-run, the one holding the session: every operation
// fails with a store error once the cluster has noticed (with
// cluster-require-full-coverage, the whole cluster refuses requests), never
// an empty session; after the master restarts, nothing acknowledged is
// lost.
func TestClusterOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own Redis Cluster")
	}
	testservice.RedisClusterAddrs(t) // same skip rule as the other cluster tests
	nodes := testservice.StartRedisCluster(t, 3, 0)
	addrs := make([]string, len(nodes))
	for i, n := range nodes {
		addrs[i] = n.Addr
	}
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, DialTimeout: 300 * time.Millisecond,
		ReadTimeout: time.Second, MaxRetries: 1, MaxRedirects: 2})
	t.Cleanup(func() { rdb.Close() })
	var down *testservice.Redis
	stop := func() {
		down = nodeHolding(t, rdb, nodes)
		t0 := time.Now()
		down.Kill()
		waitClusterState(t, nodes, down, "fail")
		t.Logf("master %s killed; the cluster reported fail after %v", down.Addr, time.Since(t0).Round(time.Millisecond))
	}
	start := func() {
		t0 := time.Now()
		down.Start()
		waitClusterState(t, nodes, nil, "ok")
		t.Logf("master restarted; the cluster reported ok after %v", time.Since(t0).Round(time.Millisecond))
	}
	storetest.Outage(t, redisstore.New(rdb, redisstore.Options{}), stop, start)
}

// nodeHolding returns the master that holds the one session ("s:" key) of
// the private cluster.
func nodeHolding(t *testing.T, rdb *redis.ClusterClient, nodes []*testservice.Redis) *testservice.Redis {
	t.Helper()
	var keys []string
	for _, n := range nodes {
		c := redis.NewClient(&redis.Options{Addr: n.Addr})
		keys = append(keys, c.Keys(t.Context(), "sessiongen:s:*").Val()...)
		c.Close()
	}
	if len(keys) == 0 {
		t.Fatal("no node holds the session")
	}
	m := masterOf(t, rdb, keys[0])
	for _, n := range nodes {
		if n.Addr == m {
			return n
		}
	}
	t.Fatalf("session key %s on %s, not a node of the cluster", keys[0], m)
	return nil
}

// waitClusterState waits (up to 20 s) until every node but skip reports
// cluster_state state.
func waitClusterState(t *testing.T, nodes []*testservice.Redis, skip *testservice.Redis, state string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for _, n := range nodes {
		if n == skip {
			continue
		}
		c := redis.NewClient(&redis.Options{Addr: n.Addr})
		for !strings.Contains(c.ClusterInfo(t.Context()).Val(), "cluster_state:"+state) {
			if time.Now().After(deadline) {
				c.Close()
				t.Fatalf("node %s did not reach cluster_state:%s", n.Addr, state)
			}
			time.Sleep(50 * time.Millisecond)
		}
		c.Close()
	}
}

// One master of a private cluster with a replica per master is killed, and
// its replica takes over, while a client keeps committing to a session on
// that master and another keeps reading it: every read is the session or a
// store error, never an empty session; after the failover the session is
// still there with every key acknowledged up to a second before the kill
// (replication is asynchronous, so the last ones may be lost: the test
// logs how many), and it takes writes again.
func TestClusterFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own Redis Cluster")
	}
	testservice.RedisClusterAddrs(t) // same skip rule as the other cluster tests
	nodes := testservice.StartRedisCluster(t, 3, 1)
	addrs := make([]string, len(nodes))
	for i, n := range nodes {
		addrs[i] = n.Addr
	}
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, DialTimeout: 300 * time.Millisecond,
		ReadTimeout: time.Second, MaxRetries: 1, MaxRedirects: 2})
	t.Cleanup(func() { rdb.Close() })
	st := storetest.NewStorage(t, redisstore.New(rdb, redisstore.Options{}))
	ctx := t.Context()
	_, cookie, err := storetest.Request(ctx, st, "", func(se *runtime.Session) { runtime.Set(se, "userId", "failover") })
	if err != nil {
		t.Fatal(err)
	}
	cookie = storetest.CookieHeader(cookie)
	waitReplicas(t, nodes, 3)

	var mu sync.Mutex
	acked := map[string]time.Time{}
	var bad []string
	fail := func(format string, a ...any) { mu.Lock(); bad = append(bad, fmt.Sprintf(format, a...)); mu.Unlock() }
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; !isClosed(done); i++ {
			k := fmt.Sprint("k", i)
			_, line, err := storetest.Request(ctx, st, cookie, func(se *runtime.Session) { runtime.Set(se, k, i) })
			switch {
			case err == nil && storetest.CookieHeader(line) != cookie:
				fail("commit %d started a new session: the session was lost", i)
				return
			case err == nil:
				mu.Lock()
				acked[k] = time.Now()
				mu.Unlock()
			case !isStoreError(err):
				fail("commit %d: %v (%T), want a *runtime.StoreError", i, err, err)
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	wg.Go(func() {
		for !isClosed(done) {
			s, err := st.GetSessionHeader(ctx, cookie)
			if err == nil && !s.Has("userId") {
				fail("read an empty session: %q %s", s.ID(), s.JSON())
			} else if err != nil && !isStoreError(err) {
				fail("read: %v (%T), want a *runtime.StoreError", err, err)
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	time.Sleep(300 * time.Millisecond)
	master := nodeHolding(t, rdb, nodes)
	killed := time.Now()
	master.Kill()
	var alive []*testservice.Redis
	for _, n := range nodes {
		if n != master {
			alive = append(alive, n)
		}
	}
	waitMasters(t, alive, 3)
	waitClusterState(t, alive, nil, "ok")
	promoted := time.Since(killed)
	var back time.Duration // from the kill to the first commit acknowledged after it
	for deadline := time.Now().Add(10 * time.Second); back == 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		for _, at := range acked {
			if at.After(killed) && (back == 0 || at.Sub(killed) < back) {
				back = at.Sub(killed)
			}
		}
		mu.Unlock()
	}
	close(done)
	wg.Wait()
	for _, b := range bad {
		t.Error(b)
	}
	s, err := st.GetSessionHeader(ctx, cookie)
	if err != nil || !s.Has("userId") {
		t.Fatalf("after the failover: %v, session %v", err, s)
	}
	lost, after := 0, 0
	for k, at := range acked {
		if at.After(killed) {
			after++
		}
		if s.Has(k) {
			continue
		}
		lost++
		if at.Before(killed.Add(-time.Second)) {
			t.Errorf("key %s acknowledged %v before the kill is lost", k, killed.Sub(at))
		}
	}
	if after == 0 {
		t.Error("no commit succeeded within 10 s of the failover")
	}
	t.Logf("replica took over %v after the kill, first commit acknowledged %v after it; %d commits acknowledged (%d after the kill), %d of them lost",
		promoted.Round(time.Millisecond), back.Round(time.Millisecond), len(acked), after, lost)
}

func isStoreError(err error) bool {
	var se *runtime.StoreError
	return errors.As(err, &se)
}

// waitReplicas waits (up to 20 s) until n masters each have an online
// replica.
func waitReplicas(t *testing.T, nodes []*testservice.Redis, n int) {
	t.Helper()
	waitNodes(t, nodes, n, func(info string) bool {
		return strings.Contains(info, "role:master") && strings.Contains(info, "state=online")
	})
}

// waitMasters waits (up to 20 s) until n of nodes are masters.
func waitMasters(t *testing.T, nodes []*testservice.Redis, n int) {
	t.Helper()
	waitNodes(t, nodes, n, func(info string) bool { return strings.Contains(info, "role:master") })
}

func waitNodes(t *testing.T, nodes []*testservice.Redis, n int, ok func(replicationInfo string) bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		count := 0
		for _, node := range nodes {
			c := redis.NewClient(&redis.Options{Addr: node.Addr})
			if ok(c.Info(t.Context(), "replication").Val()) {
				count++
			}
			c.Close()
		}
		if count >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d nodes ready, want %d", count, len(nodes), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
