package testservice

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// compareVersionPaths orders /usr/lib/postgresql/9.6 before .../15.
func compareVersionPaths(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// A Postgres is a private PostgreSQL server for one test, on its own port
// and data directory, so that stopping it disturbs nothing else.
type Postgres struct {
	URL    string
	tb     testing.TB
	bin    string
	dir    string
	port   int
	asUser string // "postgres" when running as root
}

// StartPostgres initialises and starts a throwaway PostgreSQL server. It
// is stopped and removed when the test ends.
func StartPostgres(tb testing.TB) *Postgres {
	tb.Helper()
	pgctl := Binary(tb, "pg_ctl", "/usr/lib/postgresql/*/bin/pg_ctl")
	p := &Postgres{tb: tb, bin: filepath.Dir(pgctl), port: freePort(tb)}
	dir, err := os.MkdirTemp("", "sessiongen-pg-")
	if err != nil {
		tb.Fatal(err)
	}
	p.dir = dir
	tb.Cleanup(func() {
		p.run("pg_ctl", "-D", p.data(), "-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
	})
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			Unavailable(tb, "this test runs its own PostgreSQL as the postgres user, which does not exist: "+err.Error())
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			tb.Fatal(err)
		}
		p.asUser = "postgres"
	}
	if out, err := p.run("initdb", "-D", p.data(), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"); err != nil {
		tb.Fatalf("initdb: %v\n%s", err, out)
	}
	p.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", p.port)
	p.Start()
	return p
}

func (p *Postgres) data() string { return filepath.Join(p.dir, "data") }

func (p *Postgres) run(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(p.bin, prog)
	var cmd *exec.Cmd
	if p.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", p.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	return cmd.CombinedOutput()
}

// Start starts the server (again) and waits until it accepts connections.
func (p *Postgres) Start() {
	p.tb.Helper()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s", p.port, p.dir)
	if out, err := p.run("pg_ctl", "-D", p.data(), "-l", filepath.Join(p.dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(p.dir, "log"))
		p.tb.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
}

// Crash stops the server at once, without a shutdown checkpoint, as a
// crash or a kill -9 would (pg_ctl stop -m immediate); what was committed
// is recovered from the WAL on the next Start.
func (p *Postgres) Crash() {
	p.tb.Helper()
	if out, err := p.run("pg_ctl", "-D", p.data(), "-m", "immediate", "-w", "stop"); err != nil {
		p.tb.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

// A Redis is a private redis-server for one test, persisting every write
// to an append-only file so that a killed server restarts with its data.
type Redis struct {
	Addr string
	tb   testing.TB
	bin  string
	dir  string
	port int
	cmd  *exec.Cmd
	args []string // extra server arguments
}

// StartRedis starts a throwaway redis-server, with args added to its
// command line; it is killed and its files
// removed when the test ends.
func StartRedis(tb testing.TB, args ...string) *Redis {
	tb.Helper()
	r := &Redis{tb: tb, bin: Binary(tb, "redis-server"), dir: tb.TempDir(), port: freePort(tb), args: args}
	r.Addr = fmt.Sprintf("127.0.0.1:%d", r.port)
	tb.Cleanup(func() {
		if r.cmd != nil {
			r.cmd.Process.Kill()
			r.cmd.Wait()
		}
	})
	r.Start()
	return r
}

// Start starts the server (again) and waits until it answers PING.
func (r *Redis) Start() {
	r.tb.Helper()
	r.cmd = exec.Command(r.bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(r.port),
		"--dir", r.dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always",
		"--daemonize", "no", "--logfile", filepath.Join(r.dir, "log"))
	r.cmd.Args = append(r.cmd.Args, r.args...)
	if err := r.cmd.Start(); err != nil {
		r.tb.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !r.ping() {
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(r.dir, "log"))
			r.tb.Fatalf("redis-server on %s did not start:\n%s", r.Addr, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *Redis) ping() bool {
	c, err := net.DialTimeout("tcp", r.Addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "+PONG")
}

// Kill kills the server with SIGKILL and waits for it to exit.
func (r *Redis) Kill() {
	r.tb.Helper()
	if err := r.cmd.Process.Kill(); err != nil {
		r.tb.Fatal(err)
	}
	r.cmd.Wait()
	r.cmd = nil
}

// A MariaDB is a private MariaDB server for one test, on its own port,
// socket and data directory, so that stopping it disturbs nothing else.
type MariaDB struct {
	// DSN is a github.com/go-sql-driver/mysql DSN for its root user and
	// the sessiongen database.
	DSN  string
	tb   testing.TB
	bin  string
	dir  string
	port int
	cmd  *exec.Cmd
}

// StartMariaDB initialises and starts a throwaway MariaDB server with an
// empty database "sessiongen". It is killed and removed when the test ends.
func StartMariaDB(tb testing.TB) *MariaDB {
	tb.Helper()
	m := &MariaDB{tb: tb, bin: Binary(tb, "mariadbd", "/usr/sbin/mariadbd"), port: freePort(tb)}
	install := Binary(tb, "mariadb-install-db")
	dir, err := os.MkdirTemp("", "sessiongen-mariadb-")
	if err != nil {
		tb.Fatal(err)
	}
	m.dir = dir
	tb.Cleanup(func() {
		m.kill()
		os.RemoveAll(dir)
	})
	args := []string{"--no-defaults", "--auth-root-authentication-method=normal", "--datadir=" + m.data(), "--skip-test-db"}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	if out, err := exec.Command(install, args...).CombinedOutput(); err != nil {
		tb.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	if err := os.Mkdir(filepath.Join(m.data(), "sessiongen"), 0o700); err != nil { // CREATE DATABASE, before the server runs
		tb.Fatal(err)
	}
	m.DSN = fmt.Sprintf("root@tcp(127.0.0.1:%d)/sessiongen?interpolateParams=true&timeout=2s", m.port)
	m.Start()
	return m
}

func (m *MariaDB) data() string { return filepath.Join(m.dir, "data") }

// Start starts the server (again) and waits until it accepts connections.
func (m *MariaDB) Start() {
	m.tb.Helper()
	args := []string{"--no-defaults", "--bind-address=127.0.0.1", "--port=" + strconv.Itoa(m.port),
		"--datadir=" + m.data(), "--socket=" + filepath.Join(m.dir, "sock"),
		"--pid-file=" + filepath.Join(m.dir, "pid"), "--log-error=" + filepath.Join(m.dir, "log"),
		"--skip-name-resolve", "--innodb-buffer-pool-size=32M", "--skip-log-bin"}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	m.cmd = exec.Command(m.bin, args...)
	if err := m.cmd.Start(); err != nil {
		m.tb.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !m.accepting() {
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(m.dir, "log"))
			m.tb.Fatalf("mariadbd on port %d did not start:\n%s", m.port, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// accepting reports whether the server sends its handshake (a TCP accept
// alone comes before InnoDB is ready).
func (m *MariaDB) accepting() bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", m.port), time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	var b [5]byte
	_, err = io.ReadFull(c, b[:])
	return err == nil && b[4] == 10 // protocol version 10
}

// Crash kills the server with SIGKILL, as a crash would; InnoDB recovers
// what was committed from its redo log on the next Start.
func (m *MariaDB) Crash() {
	m.tb.Helper()
	m.kill()
}

func (m *MariaDB) kill() {
	if m.cmd != nil {
		m.cmd.Process.Kill()
		m.cmd.Wait()
		m.cmd = nil
	}
}

// StartRedisCluster starts a throwaway Redis Cluster of masters with
// replicas replicas each (redis-cli --cluster create), each node persisting
// to its own append-only file, with a cluster-node-timeout of one second,
// and waits until the cluster is up. The nodes are killed when the test
// ends.
func StartRedisCluster(tb testing.TB, masters, replicas int) []*Redis {
	tb.Helper()
	cli := Binary(tb, "redis-cli")
	n := masters * (1 + replicas)
	nodes := make([]*Redis, n)
	addrs := make([]string, n)
	for i := range nodes {
		nodes[i] = StartRedis(tb, "--cluster-enabled", "yes", "--cluster-port", strconv.Itoa(freePort(tb)),
			"--cluster-node-timeout", "1000", "--cluster-config-file", "nodes.conf")
		addrs[i] = nodes[i].Addr
	}
	args := append(append([]string{"--cluster", "create"}, addrs...), "--cluster-replicas", strconv.Itoa(replicas), "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		tb.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, r := range nodes {
		for r.clusterInfo(cli)["cluster_state"] != "ok" {
			if time.Now().After(deadline) {
				tb.Fatalf("redis cluster node %s did not reach cluster_state:ok", r.Addr)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return nodes
}

// clusterInfo returns the fields of CLUSTER INFO, or nil when the node
// does not answer.
func (r *Redis) clusterInfo(cli string) map[string]string {
	out, err := exec.Command(cli, "-h", "127.0.0.1", "-p", strconv.Itoa(r.port), "cluster", "info").Output()
	if err != nil {
		return nil
	}
	m := map[string]string{}
	for line := range strings.Lines(string(out)) {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			m[k] = v
		}
	}
	return m
}

// StartRedisSentinel starts a throwaway Redis Sentinel on loopback that
// monitors master (as "mymaster", quorum 1) and returns its address; it is
// killed when the test ends.
func StartRedisSentinel(tb testing.TB, master *Redis) string {
	tb.Helper()
	dir, port := tb.TempDir(), freePort(tb)
	conf := filepath.Join(dir, "sentinel.conf")
	text := fmt.Sprintf("bind 127.0.0.1\nport %d\ndir %s\nlogfile %s\nsentinel monitor mymaster 127.0.0.1 %d 1\nsentinel down-after-milliseconds mymaster 1000\n",
		port, dir, filepath.Join(dir, "log"), master.port)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(Binary(tb, "redis-server"), conf, "--sentinel")
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	s := &Redis{Addr: fmt.Sprintf("127.0.0.1:%d", port)}
	deadline := time.Now().Add(20 * time.Second)
	for !s.ping() {
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			tb.Fatalf("redis sentinel on %s did not start:\n%s", s.Addr, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return s.Addr
}
