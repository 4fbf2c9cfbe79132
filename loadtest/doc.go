// Package loadtest holds a load-and-fault test of several app instances
// over one shared store (PostgreSQL, MariaDB, Redis, Redis Cluster): real
// net/http servers on loopback, each with its own store client, driven by
// a bounded number of concurrent clients that hop between the instances,
// while the store (one master of the cluster) is stopped midway and
// restarted. It is a module of its own, so that the core module does not
// depend on a Redis client. Run it with ./test.sh from the repository
// root, or here:
//
//	go test -run LoadAndFault -v .
//	SESSIONGEN_LOADTEST_DURATION=30s go test -run LoadAndFault -v .
package loadtest
