package sqlstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/sessiongen/sessiongen/internal/testservice"
	"github.com/sessiongen/sessiongen/runtime"
	"github.com/sessiongen/sessiongen/sqlstore"
	"github.com/sessiongen/sessiongen/storetest"
)

// sqliteDSN opens path with a busy timeout (several connections write) and
// WAL (reads run alongside the writer).
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
}

func openSQLite(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newStore(t testing.TB, db *sql.DB, d sqlstore.Dialect, table string) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.New(db, sqlstore.Options{Dialect: d, Table: table})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateTable(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

func newSQLite(t testing.TB) *sqlstore.Store {
	return newStore(t, openSQLite(t, filepath.Join(t.TempDir(), "sessions.db")), sqlstore.SQLite, "")
}

func TestSQLiteConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) runtime.Store { return newSQLite(t) })
}

// Two *sql.DB on one file behave as two processes would: each has its own
// connections and SQLite's file locks keep them apart.
func TestSQLiteTwoPools(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	a := newStore(t, openSQLite(t, path), sqlstore.SQLite, "")
	b := newStore(t, openSQLite(t, path), sqlstore.SQLite, "")
	t.Run("NoLostWrites", func(t *testing.T) { storetest.NoLostWritesAcross(t, []runtime.Store{a, b}) })
	t.Run("Instances", func(t *testing.T) { storetest.Instances(t, a, b) })
}

func TestSQLiteDeleteExpired(t *testing.T) {
	db := openSQLite(t, filepath.Join(t.TempDir(), "sessions.db"))
	testDeleteExpired(t, db, sqlstore.SQLite, "sessions")
}

func testDeleteExpired(t *testing.T, db *sql.DB, d sqlstore.Dialect, table string) {
	now := time.Now()
	clock := func() time.Time { return now }
	st, err := sqlstore.New(db, sqlstore.Options{Dialect: d, Table: table, Now: func() time.Time { return clock() }})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateTable(t.Context()); err != nil {
		t.Fatal(err)
	}
	ids := map[string]time.Time{}
	for i, exp := range []time.Duration{time.Minute, 2 * time.Minute, time.Hour, 0} {
		id := storetest.NewID()
		var e time.Time
		if exp != 0 {
			e = now.Add(exp)
		}
		ids[id] = e
		if err := st.Create(t.Context(), id, runtime.Record{Data: json.RawMessage(fmt.Sprintf(`{"i":%d}`, i)), Expires: e, Owner: "o"}); err != nil {
			t.Fatal(err)
		}
	}
	count := func() int {
		var n int
		if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n, err := st.DeleteExpired(t.Context()); err != nil || n != 0 {
		t.Fatalf("DeleteExpired before any expiry = %d, %v", n, err)
	}
	clock = func() time.Time { return now.Add(3 * time.Minute) }
	n, err := st.DeleteExpired(t.Context())
	if err != nil || n != 2 {
		t.Fatalf("DeleteExpired = %d, %v; want 2", n, err)
	}
	if c := count(); c != 2 {
		t.Fatalf("%d rows left, want 2", c)
	}
	for id, e := range ids {
		_, err := st.Read(t.Context(), id)
		if alive := e.IsZero() || e.After(clock()); alive != (err == nil) {
			t.Fatalf("Read(expires %v) = %v", e, err)
		}
	}
	// RunCleanup does the same on a timer and stops with its context.
	clock = func() time.Time { return now.Add(2 * time.Hour) }
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { st.RunCleanup(ctx, 10*time.Millisecond, func(err error) { t.Error(err) }); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for count() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("RunCleanup left %d rows, want 1", count())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunCleanup did not stop with its context")
	}
}

func TestNewErrors(t *testing.T) {
	db := openSQLite(t, filepath.Join(t.TempDir(), "x.db"))
	for _, o := range []sqlstore.Options{
		{},
		{Dialect: sqlstore.SQLite, Table: "x; DROP TABLE y"},
		{Dialect: sqlstore.PostgreSQL, Table: `"quoted"`},
	} {
		if _, err := sqlstore.New(db, o); err == nil {
			t.Errorf("New(%+v) = nil error", o)
		}
	}
	if _, err := sqlstore.New(db, sqlstore.Options{Dialect: sqlstore.SQLite, Table: "main.s"}); err != nil {
		t.Errorf("schema-qualified name refused: %v", err)
	}
}

func TestSQLiteSchemaQualified(t *testing.T) {
	db := openSQLite(t, filepath.Join(t.TempDir(), "x.db"))
	st := newStore(t, db, sqlstore.SQLite, "main.app_sessions")
	id := storetest.NewID()
	if err := st.Create(t.Context(), id, runtime.Record{Data: json.RawMessage(`{"a":1}`), Owner: "o"}); err != nil {
		t.Fatal(err)
	}
	if ids, err := st.IDsByOwner(t.Context(), "o"); err != nil || len(ids) != 1 {
		t.Fatalf("IDsByOwner = %v, %v", ids, err)
	}
}

func BenchmarkSQLiteRoundTrip(b *testing.B) {
	storetest.BenchmarkRoundTrip(b, newSQLite(b))
}

// PostgreSQL: the shared server from SESSIONGEN_POSTGRES_URL, one table per
// test, dropped afterwards.

func openPostgres(t testing.TB, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func tempTable(t testing.TB, db *sql.DB) string {
	t.Helper()
	table := "sessions_test_" + storetest.NewID()[:12]
	t.Cleanup(func() {
		if _, err := db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+table); err != nil {
			t.Errorf("drop %s: %v", table, err)
		}
	})
	return table
}

func newPostgres(t testing.TB) *sqlstore.Store {
	db := openPostgres(t, testservice.PostgresURL(t))
	return newStore(t, db, sqlstore.PostgreSQL, tempTable(t, db))
}

func TestPostgresConformance(t *testing.T) {
	testservice.PostgresURL(t)
	storetest.Run(t, func(t *testing.T) runtime.Store { return newPostgres(t) }, storetest.UnorderedKeys())
}

func TestPostgresDeleteExpired(t *testing.T) {
	db := openPostgres(t, testservice.PostgresURL(t))
	testDeleteExpired(t, db, sqlstore.PostgreSQL, tempTable(t, db))
}

// Two instances: separate pools (separate connections) on one database.
func TestPostgresInstances(t *testing.T) {
	url := testservice.PostgresURL(t)
	dbA, dbB := openPostgres(t, url), openPostgres(t, url)
	table := tempTable(t, dbA)
	a := newStore(t, dbA, sqlstore.PostgreSQL, table)
	b := newStore(t, dbB, sqlstore.PostgreSQL, table)
	t.Run("NoLostWrites", func(t *testing.T) { storetest.NoLostWritesAcross(t, []runtime.Store{a, b}) })
	t.Run("Instances", func(t *testing.T) { storetest.Instances(t, a, b) })
}

// The server goes down mid-test (a private one, so that the shared server
// is not disturbed): errors, never an empty session; nothing lost after.
func TestPostgresOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own PostgreSQL")
	}
	testservice.PostgresURL(t) // same skip rule as the other PostgreSQL tests
	srv := testservice.StartPostgres(t)
	db := openPostgres(t, srv.URL)
	st := newStore(t, db, sqlstore.PostgreSQL, "sessions")
	storetest.Outage(t, st, srv.Crash, srv.Start)
}

func BenchmarkPostgresRoundTrip(b *testing.B) {
	storetest.BenchmarkRoundTrip(b, newPostgres(b))
}
