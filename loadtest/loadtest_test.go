package loadtest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/redis/go-redis/v9"

	"github.com/sessiongen/sessiongen/internal/testservice"
	"github.com/sessiongen/sessiongen/redisstore"
	"github.com/sessiongen/sessiongen/runtime"
	"github.com/sessiongen/sessiongen/sqlstore"
	"github.com/sessiongen/sessiongen/storetest"
)

// quiet drops go-redis's log lines (a failed dial per request while the
// server is down); the test counts those failures itself.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

func init() {
	redis.SetLogger(quiet{})
	mysql.SetLogger(log.New(io.Discard, "", 0)) // likewise for the MySQL driver
}

// clients is how many concurrent clients drive the instances.
const clients = 8

// duration is how long each run drives the instances: 3 s, or
// SESSIONGEN_LOADTEST_DURATION.
func duration(t *testing.T) time.Duration {
	d := 3 * time.Second
	if v := os.Getenv("SESSIONGEN_LOADTEST_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("SESSIONGEN_LOADTEST_DURATION: %v", err)
		}
	}
	return d
}

// A backend is a private store server that the test may stop: newStore
// gives each instance its own client.
type backend struct {
	newStore      func(t *testing.T) runtime.Store
	stop, restart func()
}

func postgres(t *testing.T) backend {
	testservice.PostgresURL(t)
	srv := testservice.StartPostgres(t)
	newSQL(t, "pgx", srv.URL, sqlstore.PostgreSQL) // the table
	return backend{func(t *testing.T) runtime.Store { return newSQL(t, "pgx", srv.URL, sqlstore.PostgreSQL) }, srv.Crash, srv.Start}
}

func mariadb(t *testing.T) backend {
	testservice.MySQLDSN(t)
	srv := testservice.StartMariaDB(t)
	newSQL(t, "mysql", srv.DSN, sqlstore.MySQL)
	return backend{func(t *testing.T) runtime.Store { return newSQL(t, "mysql", srv.DSN, sqlstore.MySQL) }, srv.Crash, srv.Start}
}

func redisBackend(t *testing.T) backend {
	testservice.RedisAddr(t)
	srv := testservice.StartRedis(t)
	return backend{func(t *testing.T) runtime.Store {
		rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
		t.Cleanup(func() { rdb.Close() })
		return redisstore.New(rdb, redisstore.Options{})
	}, srv.Kill, srv.Start}
}

// redisCluster is a private cluster of three masters without replicas;
// the first master is the one stopped (its slots fail until it is back,
// with its append-only file).
func redisCluster(t *testing.T) backend {
	testservice.RedisClusterAddrs(t)
	nodes := testservice.StartRedisCluster(t, 3, 0)
	var addrs []string
	for _, n := range nodes {
		addrs = append(addrs, n.Addr)
	}
	return backend{func(t *testing.T) runtime.Store {
		rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
		t.Cleanup(func() { rdb.Close() })
		return redisstore.New(rdb, redisstore.Options{})
	}, nodes[0].Kill, nodes[0].Start}
}

func newSQL(t *testing.T, driver, dsn string, d sqlstore.Dialect) runtime.Store {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := sqlstore.New(db, sqlstore.Options{Dialect: d})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateTable(t.Context()); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestLoadAndFault drives 1, 2 and 4 instances over each store, stopping
// the store for a while in the middle of each run, and logs one table row
// per run. Acknowledged writes lost, sessions wrongly read as empty and
// ended sessions that came back must all be 0.
func TestLoadAndFault(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own database servers")
	}
	var (
		mu   sync.Mutex
		rows []string
	)
	for _, b := range []struct {
		name  string
		start func(*testing.T) backend
	}{{"PostgreSQL", postgres}, {"MariaDB", mariadb}, {"Redis", redisBackend}, {"Redis Cluster", redisCluster}} {
		t.Run(b.name, func(t *testing.T) {
			be := b.start(t)
			for _, n := range []int{1, 2, 4} {
				t.Run(fmt.Sprintf("%dinstances", n), func(t *testing.T) {
					r := runLoad(t, be, n, duration(t))
					mu.Lock()
					rows = append(rows, r.row(b.name, n))
					mu.Unlock()
					r.check(t)
				})
			}
		})
	}
	t.Logf("\n| store | instances | requests | ok/s | p50 | p95 | p99 | errors by kind | writes lost | wrongly empty | ended came back |\n|---|---|---|---|---|---|---|---|---|---|---|\n%s", strings.Join(rows, "\n"))
}

// result counts one run.
type result struct {
	requests, ok      atomic.Int64
	okAfterRestart    atomic.Int64
	lost, empty, back atomic.Int64
	mu                sync.Mutex
	errs              map[string]int
	latencies         []time.Duration
	elapsed, outage   time.Duration
	restarted         atomic.Bool
	restartedAt       atomic.Int64 // Unix ns
}

// recovery bounds how long clients go on after the run's end while no
// request has succeeded since the store came back. A Redis Cluster master
// that restarts takes seconds to rejoin (the cluster's state, then the
// client's slot table), which can be longer than a 3 s run has left; a
// store whose clients do not recover within it fails the run.
const recovery = 15 * time.Second

// over reports whether the clients stop: the run's end has passed, and a
// request succeeded after the store came back or recovery has passed since.
func (r *result) over(end time.Time) bool {
	now := time.Now()
	if now.Before(end) {
		return false
	}
	if !r.restarted.Load() || r.okAfterRestart.Load() > 0 {
		return true
	}
	return now.After(time.Unix(0, r.restartedAt.Load()).Add(recovery))
}

func (r *result) fail(kind string) {
	r.mu.Lock()
	r.errs[kind]++
	r.mu.Unlock()
}

func (r *result) row(store string, n int) string {
	slices.Sort(r.latencies)
	p := func(q float64) string {
		if len(r.latencies) == 0 {
			return "-"
		}
		return r.latencies[int(q*float64(len(r.latencies)-1))].Round(10 * time.Microsecond).String()
	}
	var kinds []string
	for k, v := range r.errs {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, v))
	}
	slices.Sort(kinds)
	if len(kinds) == 0 {
		kinds = []string{"none"}
	}
	return fmt.Sprintf("| %s | %d | %d | %.0f | %s | %s | %s | %s | %d | %d | %d |", store, n, r.requests.Load(),
		float64(r.ok.Load())/r.elapsed.Seconds(), p(0.50), p(0.95), p(0.99), strings.Join(kinds, ", "),
		r.lost.Load(), r.empty.Load(), r.back.Load())
}

func (r *result) check(t *testing.T) {
	if n := r.lost.Load(); n != 0 {
		t.Errorf("%d acknowledged writes lost", n)
	}
	if n := r.empty.Load(); n != 0 {
		t.Errorf("%d live sessions read as empty", n)
	}
	if n := r.back.Load(); n != 0 {
		t.Errorf("%d revoked or logged-out sessions came back", n)
	}
	// go-redis retries a failed dial within one request, so a short
	// outage may show as slow requests rather than errors.
	if slowest := slices.Max(append(r.latencies, 0)); r.errs["store (503)"] == 0 && slowest < r.outage/2 {
		t.Errorf("no store error and no request slower than %v while the store was down %v: the outage did not happen", slowest, r.outage)
	}
	if r.okAfterRestart.Load() == 0 {
		t.Errorf("no request succeeded within %v after the store came back", recovery)
	}
}

// runLoad starts n instances over be, drives them for d with the store
// stopped for a quarter of d (1–5 s) from d/3 on, and returns the counts.
func runLoad(t *testing.T, be backend, n int, d time.Duration) *result {
	var urls []string
	for range n {
		st, err := runtime.NewStorage(storetest.Spec, runtime.Config{Secrets: []string{storetest.Secret}, Store: be.newStore(t)})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(app(st))
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL)
	}
	outage := min(max(d/4, time.Second), 5*time.Second)
	r := &result{errs: map[string]int{}, outage: outage}
	start := time.Now()
	end := start.Add(d)
	var wg sync.WaitGroup
	wg.Go(func() {
		time.Sleep(d / 3)
		be.stop()
		time.Sleep(outage)
		be.restart()
		r.restartedAt.Store(time.Now().UnixNano())
		r.restarted.Store(true)
	})
	for c := range clients {
		wg.Go(func() {
			(&client{r: r, urls: urls, id: c, rng: rand.New(rand.NewPCG(uint64(c), uint64(n)))}).run(t, end)
		})
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	return r
}

// A client is one browser: its own cookie jar, hopping between instances.
type client struct {
	r    *result
	urls []string
	id   int
	rng  *rand.Rand
	http *http.Client
}

func (c *client) run(t *testing.T, end time.Time) {
	jar, _ := cookiejar.New(nil) // cookies are per host, not port: all instances share them
	c.http = &http.Client{Jar: jar, Timeout: 10 * time.Second}
	for cycle := 0; !c.r.over(end); cycle++ {
		user := fmt.Sprintf("user%d-%d-%s", c.id, cycle, storetest.NewID()[:6])
		if !c.until(end, func() bool { code, _ := c.do("POST", "/login?user="+user); return code == http.StatusOK }) {
			return
		}
		acked := map[string]string{}
		for i := range 6 {
			k, v := fmt.Sprintf("k%d", i), fmt.Sprint(c.rng.Int())
			switch code, _ := c.do("POST", "/set?k="+k+"&v="+v); code {
			case http.StatusOK:
				acked[k] = v
			case http.StatusUnauthorized:
				c.r.empty.Add(1) // a live session the instance did not find
			}
			c.verify(user, acked)
		}
		if cycle%2 == 0 {
			if !c.until(end, func() bool { code, _ := c.do("POST", "/revoke?user="+user); return code == http.StatusOK }) {
				return
			}
			// A request with the revoked cookie must not bring it back.
			c.do("POST", "/set?k=after&v=revoked")
		} else if !c.until(end, func() bool { code, _ := c.do("POST", "/logout"); return code == http.StatusOK }) {
			return
		}
		for range len(c.urls) {
			if code, body := c.do("GET", "/get"); code == http.StatusOK && body.User != "" {
				c.r.back.Add(1)
			}
		}
	}
}

// verify reads the session on some instance: a successful read must show
// the user and every acknowledged key.
func (c *client) verify(user string, acked map[string]string) {
	code, v := c.do("GET", "/get")
	if code != http.StatusOK {
		return
	}
	if v.User != user {
		c.r.empty.Add(1)
		return
	}
	for k, want := range acked {
		if v.Keys[k] != want {
			c.r.lost.Add(1)
		}
	}
}

// until retries f every 50 ms until it succeeds or end has passed.
func (c *client) until(end time.Time, f func() bool) bool {
	for !f() {
		if c.r.over(end) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// do sends one request to a random instance and counts it.
func (c *client) do(method, path string) (int, view) {
	url := c.urls[c.rng.IntN(len(c.urls))] + path
	req, _ := http.NewRequest(method, url, nil)
	t0 := time.Now()
	resp, err := c.http.Do(req)
	c.r.requests.Add(1)
	if err != nil {
		c.r.fail("transport")
		return 0, view{}
	}
	defer resp.Body.Close()
	var v view
	if resp.StatusCode == http.StatusOK && method == "GET" {
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			c.r.fail("bad body")
			return 0, view{}
		}
	}
	switch {
	case resp.StatusCode < 300:
		lat := time.Since(t0)
		c.r.ok.Add(1)
		if c.r.restarted.Load() {
			c.r.okAfterRestart.Add(1)
		}
		c.r.mu.Lock()
		c.r.latencies = append(c.r.latencies, lat)
		c.r.mu.Unlock()
	case resp.StatusCode == http.StatusServiceUnavailable:
		c.r.fail("store (503)")
	case resp.StatusCode != http.StatusUnauthorized:
		c.r.fail(fmt.Sprintf("HTTP %d", resp.StatusCode))
	}
	return resp.StatusCode, v
}
