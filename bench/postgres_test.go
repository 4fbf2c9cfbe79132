package bench

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sessiongen/sessiongen/bench/sessions"
	"github.com/sessiongen/sessiongen/internal/testservice"
	"github.com/sessiongen/sessiongen/sqlstore"
)

// postgresURLEnv names the PostgreSQL server of impl=sessiongen-server-postgres
// and impl=pgx-bare.
const postgresURLEnv = "SESSIONGEN_POSTGRES_URL"

// skipPostgresOnce says once on standard error why the PostgreSQL rows are
// absent, as skipRedisOnce does for Redis.
var skipPostgresOnce sync.Once

// postgresTable returns the pgx config of $SESSIONGEN_POSTGRES_URL (with
// tracer, which may be nil), the name of a sessions table of the
// benchmark's own, created by sqlstore's DDL and dropped after it, and a
// sqlstore over it (database/sql through pgx/v5/stdlib, as sqlstore's
// users open it). It skips tb without the variable, under CI=true too:
// benchmarks are not tests, and sqlstore's own tests are where a missing
// PostgreSQL fails CI.
func postgresTable(tb testing.TB, tracer pgx.QueryTracer) (cfg *pgx.ConnConfig, table string, store *sqlstore.Store) {
	tb.Helper()
	url := os.Getenv(postgresURLEnv)
	if url == "" {
		msg := "impl=sessiongen-server-postgres and impl=pgx-bare skipped: " + postgresURLEnv + " is unset (e.g. postgres://sessiongen:sessiongen@127.0.0.1:5432/sessiongen?sslmode=disable; as root, `bash .ci/setup.d/20-postgres.sh` starts one). " +
			"Benchmarks are not tests: the rows are skipped, not failed, under CI=true too."
		skipPostgresOnce.Do(func() { fmt.Fprintln(os.Stderr, "bench:", msg) })
		tb.Skip(msg)
	}
	cfg, err := pgx.ParseConfig(url)
	must(tb, err)
	cfg.Tracer = tracer
	db := stdlib.OpenDB(*cfg)
	tb.Cleanup(func() { db.Close() })
	table = "sessiongen_bench_" + strings.ToLower(rand.Text()[:12])
	store, err = sqlstore.New(db, sqlstore.Options{Dialect: sqlstore.PostgreSQL, Table: table})
	must(tb, err)
	if err := store.CreateTable(context.Background()); err != nil {
		tb.Fatalf("%s: %v", postgresURLEnv, err)
	}
	tb.Cleanup(func() {
		if _, err := db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+table); err != nil {
			tb.Logf("dropping the bench's table %s: %v", table, err)
		}
	})
	return cfg, table, store
}

// newSessiongenServerPostgres is impl=sessiongen-server-postgres: the server
// session over sqlstore (dialect PostgreSQL) through database/sql and
// pgx/v5/stdlib, on $SESSIONGEN_POSTGRES_URL.
func newSessiongenServerPostgres(tb testing.TB) *impl { return sessiongenServerPostgres(tb, nil) }

func sessiongenServerPostgres(tb testing.TB, tracer pgx.QueryTracer) *impl {
	_, _, store := postgresTable(tb, tracer)
	cfg := benchConfig()
	cfg.Store = store
	st, err := sessions.NewServerStorage(cfg)
	must(tb, err)
	return newSessiongenServer(tb, "sessiongen-server-postgres", st)
}

// The statements sqlstore sends to PostgreSQL for Create, Read and Update
// (sqlstore.go, postgresQueries), copied so that impl=pgx-bare sends the
// very same ones: keep them in step. %[1]s is the table.
const (
	pgCreate = `INSERT INTO %[1]s (id, data, expires, owner) VALUES ($1, CAST($2 AS jsonb), $3, $4)
ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires = excluded.expires, owner = excluded.owner
WHERE %[1]s.expires IS NOT NULL AND %[1]s.expires <= $5`
	pgRead   = `SELECT CAST(data AS text), expires, owner FROM %[1]s WHERE id = $1 AND (expires IS NULL OR expires > $2)`
	pgUpdate = `UPDATE %[1]s SET
  data = (data - ARRAY(SELECT jsonb_array_elements_text(CAST($2 AS jsonb)))) || CAST($3 AS jsonb),
  expires = $4,
  owner = CASE WHEN $5 THEN CAST($6 AS text) ELSE owner END
WHERE id = $1 AND (expires IS NULL OR expires > $7)`
)

// newPgxBare is impl=pgx-bare: the network round trips one session round
// trip needs with sqlstore, made with a bare pgx connection (no
// database/sql, no session): the Read statement (one round trip, pgx's
// statement cache having prepared it on the first call, as it does behind
// database/sql) and the Update statement with the one changed key, the
// same SQL and arguments sqlstore sends. Write is sqlstore's Create
// statement under a fresh id. Skipped without SESSIONGEN_POSTGRES_URL.
func newPgxBare(tb testing.TB) *impl { return pgxBare(tb, nil) }

func pgxBare(tb testing.TB, tracer pgx.QueryTracer) *impl {
	cfg, table, _ := postgresTable(tb, tracer)
	ctx := context.Background()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	must(tb, err)
	tb.Cleanup(func() { conn.Close(context.Background()) })
	create, read, update := fmt.Sprintf(pgCreate, table), fmt.Sprintf(pgRead, table), fmt.Sprintf(pgUpdate, table)
	const id = "bare"
	_, err = conn.Exec(ctx, create, id, payloadFull, nil, nil, time.Now())
	must(tb, err)
	readRow := func() error {
		var (
			data  string
			exp   *time.Time
			owner *string
		)
		if err := conn.QueryRow(ctx, read, id, time.Now()).Scan(&data, &exp, &owner); err != nil {
			return err
		}
		if !strings.Contains(data, valUserID) {
			return errBadRead
		}
		return nil
	}
	set := fmt.Sprintf(`{"lastSeen":%d}`, nextLastSeen)
	return &impl{
		name: "pgx-bare",
		read: func(http.ResponseWriter, *http.Request) error { return readRow() },
		write: func(http.ResponseWriter, *http.Request) error {
			_, err := conn.Exec(ctx, create, rand.Text(), payloadWrite, nil, nil, time.Now())
			return err
		},
		roundTrip: func(http.ResponseWriter, *http.Request) error {
			if err := readRow(); err != nil {
				return err
			}
			tag, err := conn.Exec(ctx, update, id, "[]", set, nil, false, nil, time.Now())
			if err == nil && tag.RowsAffected() != 1 {
				err = errBadRead
			}
			return err
		},
	}
}

// sqlRecorder is a pgx.QueryTracer that records the SQL of every query a
// connection sends, with the table name replaced by TABLE.
type sqlRecorder struct {
	mu    sync.Mutex
	table string
	sql   []string
}

func (r *sqlRecorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	r.sql = append(r.sql, d.SQL)
	r.mu.Unlock()
	return ctx
}

func (r *sqlRecorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// take returns the statements recorded since the last take, their table
// names (sessiongen_bench_…) replaced by TABLE.
func (r *sqlRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.sql))
	for i, q := range r.sql {
		out[i] = benchTable.ReplaceAllString(q, "TABLE")
	}
	r.sql = nil
	return out
}

var benchTable = regexp.MustCompile(`sessiongen_bench_[a-z0-9]+`)

// TestPgxBareSendsSqlstoreStatements checks that impl=pgx-bare sends, for
// one round trip, the very statements sqlstore sends for it (a read and an
// update, one query each), so that the ratio of the two rows is what
// sqlstore, database/sql and the session add to the same round trips. A
// change of sqlstore's SQL, or an extra query on its round trip, fails it.
func TestPgxBareSendsSqlstoreStatements(t *testing.T) {
	testservice.PostgresURL(t)
	var store, bare sqlRecorder
	sg, pb := sessiongenServerPostgres(t, &store), pgxBare(t, &bare)
	store.take()
	bare.take()
	for _, im := range []*impl{sg, pb} {
		if err := im.roundTrip(newRespWriter(), newRequest(im.cookie)); err != nil {
			t.Fatalf("%s: %v", im.name, err)
		}
	}
	got, want := bare.take(), store.take()
	if len(want) != 2 {
		t.Errorf("sqlstore sent %d queries for a round trip, want 2 (a read and an update): %q", len(want), want)
	}
	if !slices.Equal(got, want) {
		t.Errorf("pgx-bare sent\n%q\nsqlstore sent\n%q", got, want)
	}
}
