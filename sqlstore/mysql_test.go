package sqlstore_test

import (
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	_ "github.com/go-sql-driver/mysql"

	"github.com/sessiongen/sessiongen/internal/testservice"
	"github.com/sessiongen/sessiongen/runtime"
	"github.com/sessiongen/sessiongen/sqlstore"
	"github.com/sessiongen/sessiongen/storetest"
)

// MySQL/MariaDB: the shared server from SESSIONGEN_MYSQL_DSN, one table
// per test, dropped afterwards.

func openMySQL(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newMySQL(t testing.TB) *sqlstore.Store {
	db := openMySQL(t, testservice.MySQLDSN(t))
	return newStore(t, db, sqlstore.MySQL, tempTable(t, db))
}

// The suite with key order checked: MySQL's dialect keeps the session's
// order (and its bytes).
func TestMySQLConformance(t *testing.T) {
	testservice.MySQLDSN(t)
	storetest.Run(t, func(t *testing.T) runtime.Store { return newMySQL(t) })
}

func TestMySQLDeleteExpired(t *testing.T) {
	db := openMySQL(t, testservice.MySQLDSN(t))
	testDeleteExpired(t, db, sqlstore.MySQL, tempTable(t, db))
}

// Two instances: separate pools on one database.
func TestMySQLInstances(t *testing.T) {
	dsn := testservice.MySQLDSN(t)
	dbA, dbB := openMySQL(t, dsn), openMySQL(t, dsn)
	table := tempTable(t, dbA)
	a := newStore(t, dbA, sqlstore.MySQL, table)
	b := newStore(t, dbB, sqlstore.MySQL, table)
	t.Run("NoLostWrites", func(t *testing.T) { storetest.NoLostWritesAcross(t, []runtime.Store{a, b}) })
	t.Run("Instances", func(t *testing.T) { storetest.Instances(t, a, b) })
}

// Instances starting together all run CreateTable on a new table.
func TestMySQLCreateTableConcurrent(t *testing.T) {
	dsn := testservice.MySQLDSN(t)
	db := openMySQL(t, dsn)
	table := tempTable(t, db)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		st, err := sqlstore.New(openMySQL(t, dsn), sqlstore.Options{Dialect: sqlstore.MySQL, Table: table})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() { errs[i] = st.CreateTable(t.Context()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("CreateTable %d: %v", i, err)
		}
	}
	// And again, on the existing table.
	newStore(t, db, sqlstore.MySQL, table)
}

// Owners that MySQL's default collations (and utf8mb4_bin, which ignores
// trailing spaces) would take for one are kept apart.
func TestMySQLOwnerIndexExact(t *testing.T) {
	st := newMySQL(t)
	sfx := storetest.NewID()[:8]
	owners := []string{"alice" + sfx, "Alice" + sfx, "alicé" + sfx, "alice" + sfx + " ", "ALICE" + sfx}
	ids := map[string]string{}
	for _, o := range owners {
		id := storetest.NewID()
		ids[o] = id
		if err := st.Create(t.Context(), id, runtime.Record{Data: json.RawMessage(`{}`), Owner: o}); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range owners {
		got, err := st.IDsByOwner(t.Context(), o)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []string{ids[o]}) {
			t.Errorf("IDsByOwner(%q) = %q, want only %q", o, got, ids[o])
		}
		rec, err := st.Read(t.Context(), ids[o])
		if err != nil || rec.Owner != o {
			t.Errorf("Read owner = %q, %v; want %q", rec.Owner, err, o)
		}
	}
	if n, err := st.DeleteByOwner(t.Context(), owners[1]); err != nil || n != 1 {
		t.Fatalf("DeleteByOwner(%q) = %d, %v; want 1", owners[1], n, err)
	}
	for _, o := range slices.Delete(slices.Clone(owners), 1, 2) {
		if _, err := st.Read(t.Context(), ids[o]); err != nil {
			t.Errorf("session of %q gone after revoking %q: %v", o, owners[1], err)
		}
	}
}

// Ids differing only in case or trailing spaces are different sessions.
func TestMySQLIDExact(t *testing.T) {
	st := newMySQL(t)
	id := storetest.NewID()
	if err := st.Create(t.Context(), id, runtime.Record{Data: json.RawMessage(`{"a":1}`)}); err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{strings.ToUpper(id), id + " "} {
		if other == id {
			continue // no letter in the id
		}
		if _, err := st.Read(t.Context(), other); err != runtime.ErrNotFound {
			t.Errorf("Read(%q) = %v, want ErrNotFound", other, err)
		}
	}
}

// The server goes down mid-test (a private one, so that the shared server
// is not disturbed): errors, never an empty session; nothing lost after.
func TestMariaDBOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own MariaDB")
	}
	testservice.MySQLDSN(t) // same skip rule as the other MySQL tests
	srv := testservice.StartMariaDB(t)
	db := openMySQL(t, srv.DSN)
	st := newStore(t, db, sqlstore.MySQL, "sessions")
	storetest.Outage(t, st, srv.Crash, srv.Start)
}

func BenchmarkMySQLRoundTrip(b *testing.B) {
	storetest.BenchmarkRoundTrip(b, newMySQL(b))
}

// Create tells a taken id from a new one whether or not the DSN counts
// matched rows (clientFoundRows), and one connection's taken Create does
// not make its next Create of a new id read as taken.
func TestMySQLCreateTakenFoundRows(t *testing.T) {
	dsn := testservice.MySQLDSN(t)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	db := openMySQL(t, dsn+sep+"clientFoundRows=true")
	db.SetMaxOpenConns(1)
	st := newStore(t, db, sqlstore.MySQL, tempTable(t, db))
	id := storetest.NewID()
	rec := runtime.Record{Data: json.RawMessage(`{"a":1}`)}
	for i := range 3 {
		if err := st.Create(t.Context(), id, rec); err != nil {
			t.Fatalf("Create of new id %d: %v", i, err)
		}
		if err := st.Create(t.Context(), id, rec); err != runtime.ErrIDTaken {
			t.Fatalf("Create of taken id %d = %v, want ErrIDTaken", i, err)
		}
		id = storetest.NewID()
	}
}
