// Package testservice finds the database servers that store tests run
// against, and starts private throwaway ones for tests that stop them.
//
// The shared servers come from the environment: SESSIONGEN_POSTGRES_URL,
// SESSIONGEN_MYSQL_DSN, SESSIONGEN_REDIS_ADDR and
// SESSIONGEN_REDIS_CLUSTER_ADDRS (.ci/setup.d starts them and sets all
// four). When one is unset a test skips, saying how to run it; under
// CI=true it fails instead, so that CI cannot pass by skipping.
package testservice

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// inCI reports whether the tests run in CI, where a missing service is a
// failure.
func inCI() bool { return os.Getenv("CI") == "true" }

// Unavailable skips the test with msg, or fails it under CI=true.
func Unavailable(tb testing.TB, msg string) {
	tb.Helper()
	if inCI() {
		tb.Fatalf("%s (CI=true: a missing service is a failure)", msg)
	}
	tb.Skip(msg)
}

// PostgresURL returns SESSIONGEN_POSTGRES_URL.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("SESSIONGEN_POSTGRES_URL")
	if u == "" {
		Unavailable(tb, "PostgreSQL tests need SESSIONGEN_POSTGRES_URL, e.g. postgres://sessiongen:sessiongen@127.0.0.1:5432/sessiongen?sslmode=disable (as root, `bash .ci/setup.d/20-postgres.sh` installs and starts one and prints it)")
	}
	return u
}

// MySQLDSN returns SESSIONGEN_MYSQL_DSN, a github.com/go-sql-driver/mysql
// DSN of a MySQL or MariaDB database.
func MySQLDSN(tb testing.TB) string {
	tb.Helper()
	d := os.Getenv("SESSIONGEN_MYSQL_DSN")
	if d == "" {
		Unavailable(tb, "MySQL/MariaDB tests need SESSIONGEN_MYSQL_DSN, e.g. sessiongen:sessiongen@tcp(127.0.0.1:3306)/sessiongen?interpolateParams=true (as root, `bash .ci/setup.d/25-mariadb.sh` installs and starts MariaDB and prints it)")
	}
	return d
}

// RedisAddr returns SESSIONGEN_REDIS_ADDR.
func RedisAddr(tb testing.TB) string {
	tb.Helper()
	a := os.Getenv("SESSIONGEN_REDIS_ADDR")
	if a == "" {
		Unavailable(tb, "Redis tests need SESSIONGEN_REDIS_ADDR, e.g. 127.0.0.1:6379 (as root, `bash .ci/setup.d/30-redis.sh` installs and starts one)")
	}
	return a
}

// RedisClusterAddrs returns the seed addresses in
// SESSIONGEN_REDIS_CLUSTER_ADDRS (comma-separated).
func RedisClusterAddrs(tb testing.TB) []string {
	tb.Helper()
	a := os.Getenv("SESSIONGEN_REDIS_CLUSTER_ADDRS")
	if a == "" {
		Unavailable(tb, "Redis Cluster tests need SESSIONGEN_REDIS_CLUSTER_ADDRS, e.g. 127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002 (as root, `bash .ci/setup.d/35-redis-cluster.sh` installs and starts a cluster of 3 masters and 3 replicas on ports 7000-7005 and prints it)")
	}
	return strings.Split(a, ",")
}

// Binary finds a server program in PATH or in the given glob patterns
// (the newest match wins), or skips/fails the test.
func Binary(tb testing.TB, name string, globs ...string) string {
	tb.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	var found []string
	for _, g := range globs {
		m, _ := filepath.Glob(g)
		found = append(found, m...)
	}
	if len(found) == 0 {
		Unavailable(tb, "this test starts its own "+name+" and cannot find it in PATH or "+filepath.Join(globs...)+"; the .ci/setup.d scripts install it")
	}
	slices.SortFunc(found, compareVersionPaths)
	return found[len(found)-1]
}
