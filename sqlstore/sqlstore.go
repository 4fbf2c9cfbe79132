// Package sqlstore keeps server-side sessions in a SQL database through
// database/sql: SQLite (the embedded choice for a persistent store on one
// machine), PostgreSQL or MySQL/MariaDB (for several app instances). It
// implements runtime.Store and runtime.OwnerIndex.
//
// The package imports no driver; the app opens the *sql.DB with the driver
// it likes and names the Dialect. Tested with modernc.org/sqlite (pure Go),
// github.com/jackc/pgx/v5/stdlib and, on MariaDB 10.11,
// github.com/go-sql-driver/mysql:
//
//	db, err := sql.Open("sqlite", "file:sessions.db?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
//	st, err := sqlstore.New(db, sqlstore.Options{Dialect: sqlstore.SQLite})
//	err = st.CreateTable(ctx) // or run st.DDL() in your migrations
//
// For MySQL and MariaDB, set interpolateParams=true in the DSN (each
// statement is then one round trip instead of a prepare, an execute and a
// close). clientFoundRows may be set or not.
//
//	db, err := sql.Open("mysql", "user:pass@tcp(127.0.0.1:3306)/app?interpolateParams=true")
//	st, err := sqlstore.New(db, sqlstore.Options{Dialect: sqlstore.MySQL})
//
// # Table
//
// One row per session: id (primary key), data (the JSON object; jsonb in
// PostgreSQL, text in SQLite and MySQL), expires (timestamptz in
// PostgreSQL, Unix milliseconds in SQLite and MySQL; NULL for never) and
// owner (the schema's index key, NULL for none), with indexes on owner and
// on expires. DDL returns the statements; CreateTable runs them (they are
// idempotent, and instances may run them at the same time).
//
// The MySQL table declares its character set (utf8mb4) instead of taking
// the server's, which is often latin1, and keeps id and owner as byte
// strings (VARBINARY): MySQL's text collations, utf8mb4_bin included,
// ignore trailing spaces, and the default ones case and accents too, so
// "alice", "Alice" and "alice " would share one owner. An owner is at most
// 767 bytes; a longer one is an error under the strict SQL mode that MySQL
// 5.7+ and MariaDB 10.2+ use by default (without it, the server would cut
// it short).
//
// # Expiry
//
// Read, Update and IDsByOwner ignore rows whose expires has passed (against
// the app's clock, Options.Now), so an expired session is gone at once.
// The rows themselves are deleted by DeleteExpired, one indexed DELETE;
// call it from a cron job, or run RunCleanup in a goroutine of one
// instance. Create reuses the row of an expired id.
//
// # Concurrency
//
// Update applies only what a request changed (runtime.Patch) and does so
// atomically, so concurrent requests that change different keys of one
// session all persist; two that set the same key: the last write wins.
//
//   - PostgreSQL applies the patch in one UPDATE statement with jsonb
//     operators: data = (data - deleted_keys) || set_object. The row lock
//     serialises concurrent updates and each applies to the latest data.
//     jsonb does not keep key order (it sorts keys by length, then bytes),
//     so a session read back from PostgreSQL lists its keys in that order;
//     the values are the same, only the bytes of Session.JSON differ.
//   - SQLite applies it in a transaction opened with BEGIN IMMEDIATE (the
//     write lock is taken before the read), with runtime.ApplyPatch on the
//     stored text, so key order is kept as in JavaScript: existing keys keep
//     their place and new ones are appended. SQLite's json_set could do it
//     in one statement, but its path syntax cannot name every key (a key
//     with a double quote, for one), so the store does not use it. Several
//     connections (or processes) writing one SQLite file need a busy
//     timeout, or they fail with "database is locked": set it in the DSN
//     (modernc.org/sqlite: _pragma=busy_timeout(10000)); WAL mode lets
//     reads run alongside the writer.
//   - MySQL and MariaDB apply it in an InnoDB transaction: SELECT ... FOR
//     UPDATE locks the row, runtime.ApplyPatch runs on the stored text, an
//     UPDATE writes it back; key order and the bytes of every value are
//     kept as with SQLite. The store does not use a JSON column with
//     JSON_SET/JSON_REMOVE, which would be one statement: MySQL documents
//     that its JSON type sorts an object's keys and keeps numbers as 64-bit
//     integers or doubles (so a 23-digit integer would come back rounded),
//     and MariaDB's JSON functions rewrite the text's spacing. The price is
//     four round trips per update (begin, select, update, commit) where
//     PostgreSQL needs one.
//
// A failing database (down, locked past the timeout, disk full) gives an
// error, which runtime.Storage returns as a *runtime.StoreError; it never
// reads as an empty session.
package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

// A Dialect selects the SQL a Store speaks.
type Dialect int

const (
	// SQLite 3.24 or newer (upsert); data is kept as text.
	SQLite Dialect = iota + 1
	// PostgreSQL 10 or newer; data is kept as jsonb.
	PostgreSQL
	// MySQL 5.7 or newer, or MariaDB 10.3 or newer, with InnoDB; data is
	// kept as utf8mb4 text.
	MySQL
)

func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "SQLite"
	case PostgreSQL:
		return "PostgreSQL"
	case MySQL:
		return "MySQL"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

// Options configure a Store.
type Options struct {
	// Dialect is SQLite, PostgreSQL or MySQL. Required.
	Dialect Dialect
	// Table is the table name, optionally schema-qualified ("app.sessions").
	// Default "sessions".
	Table string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// A Store is a runtime.Store over a SQL database. It is safe for concurrent
// use, and several Stores (in several processes) may share one table.
type Store struct {
	db    *sql.DB
	d     Dialect
	table string
	now   func() time.Time
	q     queries
}

type queries struct {
	create, read, readForUpdate, update, updateRow, del, byOwner, delOwner, delExpired string
}

var tableName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$`)

// New returns a Store over db. It does not touch the database; call
// CreateTable (or run DDL) before use.
func New(db *sql.DB, o Options) (*Store, error) {
	if db == nil {
		return nil, errors.New("sqlstore: nil *sql.DB")
	}
	if o.Table == "" {
		o.Table = "sessions"
	}
	if !tableName.MatchString(o.Table) {
		return nil, fmt.Errorf("sqlstore: bad table name %q (letters, digits and _, optionally schema.table)", o.Table)
	}
	s := &Store{db: db, d: o.Dialect, table: o.Table, now: o.Now}
	if s.now == nil {
		s.now = time.Now
	}
	switch o.Dialect {
	case SQLite:
		s.q = sqliteQueries(o.Table)
	case PostgreSQL:
		s.q = postgresQueries(o.Table)
	case MySQL:
		s.q = mysqlQueries(o.Table)
	default:
		return nil, fmt.Errorf("sqlstore: unknown dialect %v (want sqlstore.SQLite, sqlstore.PostgreSQL or sqlstore.MySQL)", o.Dialect)
	}
	return s, nil
}

func sqliteQueries(t string) queries {
	return queries{
		create: `INSERT INTO ` + t + ` (id, data, expires, owner) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires = excluded.expires, owner = excluded.owner
WHERE ` + t + `.expires IS NOT NULL AND ` + t + `.expires <= ?5`,
		read:       `SELECT data, expires, owner FROM ` + t + ` WHERE id = ?1 AND (expires IS NULL OR expires > ?2)`,
		updateRow:  `UPDATE ` + t + ` SET data = ?1, expires = ?2, owner = ?3 WHERE id = ?4`,
		del:        `DELETE FROM ` + t + ` WHERE id = ?1`,
		byOwner:    `SELECT id FROM ` + t + ` WHERE owner = ?1 AND (expires IS NULL OR expires > ?2)`,
		delOwner:   `DELETE FROM ` + t + ` WHERE owner = ?1`,
		delExpired: `DELETE FROM ` + t + ` WHERE expires IS NOT NULL AND expires <= ?1`,
	}
}

func postgresQueries(t string) queries {
	return queries{
		create: `INSERT INTO ` + t + ` (id, data, expires, owner) VALUES ($1, CAST($2 AS jsonb), $3, $4)
ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires = excluded.expires, owner = excluded.owner
WHERE ` + t + `.expires IS NOT NULL AND ` + t + `.expires <= $5`,
		read: `SELECT CAST(data AS text), expires, owner FROM ` + t + ` WHERE id = $1 AND (expires IS NULL OR expires > $2)`,
		// One statement: remove the deleted keys (a JSON array of
		// strings, so that any driver can pass it), merge the set keys.
		update: `UPDATE ` + t + ` SET
  data = (data - ARRAY(SELECT jsonb_array_elements_text(CAST($2 AS jsonb)))) || CAST($3 AS jsonb),
  expires = $4,
  owner = CASE WHEN $5 THEN CAST($6 AS text) ELSE owner END
WHERE id = $1 AND (expires IS NULL OR expires > $7)`,
		del:        `DELETE FROM ` + t + ` WHERE id = $1`,
		byOwner:    `SELECT id FROM ` + t + ` WHERE owner = $1 AND (expires IS NULL OR expires > $2)`,
		delOwner:   `DELETE FROM ` + t + ` WHERE owner = $1`,
		delExpired: `DELETE FROM ` + t + ` WHERE expires IS NOT NULL AND expires <= $1`,
	}
}

func mysqlQueries(t string) queries {
	// Create: an expired row with the id is replaced, a live one is left
	// alone (and marked through LAST_INSERT_ID: see createMySQL). MySQL
	// evaluates the assignments in order, so expires, which the others
	// test, comes last.
	expired := t + `.expires IS NOT NULL AND ` + t + `.expires <= ?`
	read := `SELECT data, expires, owner FROM ` + t + ` WHERE id = ? AND (expires IS NULL OR expires > ?)`
	return queries{
		create: `INSERT INTO ` + t + ` (id, data, expires, owner) VALUES (?, ?, ?, ?)
ON DUPLICATE KEY UPDATE
  data = IF(` + expired + `, VALUES(data), data),
  owner = IF(` + expired + `, VALUES(owner), IF(LAST_INSERT_ID(1), owner, owner)),
  expires = IF(` + expired + `, VALUES(expires), expires)`,
		read:          read,
		readForUpdate: read + ` FOR UPDATE`,
		updateRow:     `UPDATE ` + t + ` SET data = ?, expires = ?, owner = ? WHERE id = ?`,
		del:           `DELETE FROM ` + t + ` WHERE id = ?`,
		byOwner:       `SELECT id FROM ` + t + ` WHERE owner = ? AND (expires IS NULL OR expires > ?)`,
		delOwner:      `DELETE FROM ` + t + ` WHERE owner = ?`,
		delExpired:    `DELETE FROM ` + t + ` WHERE expires IS NOT NULL AND expires <= ?`,
	}
}

// DDL returns the statements that create the table and its indexes. They
// are idempotent (IF NOT EXISTS).
func (s *Store) DDL() []string {
	if s.d == MySQL {
		return s.mysqlDDL()
	}
	// PostgreSQL puts an index in its table's schema; SQLite names the
	// schema on the index instead.
	idx := strings.ReplaceAll(s.table, ".", "_")
	if s.d == SQLite {
		idx = s.table
	}
	var create string
	switch s.d {
	case SQLite:
		create = `CREATE TABLE IF NOT EXISTS ` + s.table + ` (
  id      TEXT PRIMARY KEY NOT NULL,
  data    TEXT NOT NULL,    -- the session's JSON object
  expires INTEGER,          -- Unix milliseconds; NULL: never
  owner   TEXT              -- the schema's index key; NULL: none
)`
	case PostgreSQL:
		create = `CREATE TABLE IF NOT EXISTS ` + s.table + ` (
  id      text PRIMARY KEY,
  data    jsonb NOT NULL,   -- the session's JSON object
  expires timestamptz,      -- NULL: never
  owner   text              -- the schema's index key; NULL: none
)`
	}
	return []string{
		create,
		`CREATE INDEX IF NOT EXISTS ` + idx + `_owner_idx ON ` + s.unqualified() + ` (owner) WHERE owner IS NOT NULL`,
		`CREATE INDEX IF NOT EXISTS ` + idx + `_expires_idx ON ` + s.unqualified() + ` (expires) WHERE expires IS NOT NULL`,
	}
}

// mysqlDDL is one CREATE TABLE with its indexes (MySQL has no CREATE
// INDEX IF NOT EXISTS), so that instances starting together can all run
// it. The table declares its character set rather than take the server's
// (often latin1). id and owner are byte strings: MySQL's text collations,
// utf8mb4_bin included, ignore trailing spaces, and the default ones case
// and accents too, so "alice", "Alice" and "alice " would share an index
// entry. Expiry is Unix milliseconds, compared with the app's clock.
func (s *Store) mysqlDDL() []string {
	idx := strings.ReplaceAll(s.table, ".", "_")
	return []string{`CREATE TABLE IF NOT EXISTS ` + s.table + ` (
  id      VARBINARY(255) NOT NULL PRIMARY KEY,
  data    LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, -- the session's JSON object
  expires BIGINT NULL,          -- Unix milliseconds; NULL: never
  owner   VARBINARY(767) NULL,  -- the schema's index key; NULL: none
  KEY ` + idx + `_owner_idx (owner),
  KEY ` + idx + `_expires_idx (expires)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`}
}

// unqualified is the table name as CREATE INDEX ... ON wants it: SQLite
// puts the schema on the index name, PostgreSQL on the table.
func (s *Store) unqualified() string {
	if i := strings.LastIndexByte(s.table, '.'); i >= 0 && s.d == SQLite {
		return s.table[i+1:]
	}
	return s.table
}

// CreateTable runs DDL.
func (s *Store) CreateTable(ctx context.Context) error {
	for _, q := range s.DDL() {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlstore: create table: %w", err)
		}
	}
	return nil
}

// timeArg is how the dialect stores an expiry; nil for never.
func (s *Store) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	if s.d != PostgreSQL {
		return t.UnixMilli()
	}
	return t
}

func ownerArg(owner string) any {
	if owner == "" {
		return nil
	}
	return owner
}

// Create implements runtime.Store.
func (s *Store) Create(ctx context.Context, id string, rec runtime.Record) error {
	args := []any{id, string(rec.Data), s.timeArg(rec.Expires), ownerArg(rec.Owner), s.timeArg(s.now())}
	if s.d == MySQL {
		// Positional placeholders: now once per assignment.
		args = append(args, args[4], args[4])
	}
	if s.d == MySQL {
		return s.createMySQL(ctx, args)
	}
	n, err := s.exec(ctx, s.q.create, args...)
	if err == nil && n == 0 {
		return runtime.ErrIDTaken
	}
	return err
}

// createMySQL runs the upsert. A live row with the id is left as it was
// and its branch of the statement calls LAST_INSERT_ID(1), which the server
// reports as the statement's insert id: that tells a taken id whether or
// not the DSN sets clientFoundRows (which counts the untouched row as
// affected).
func (s *Store) createMySQL(ctx context.Context, args []any) error {
	res, err := s.db.ExecContext(ctx, s.q.create, args...)
	if err != nil {
		return err
	}
	taken, err := res.LastInsertId()
	if err == nil && taken == 1 {
		return runtime.ErrIDTaken
	}
	return err
}

// exec runs a statement and reports how many rows it changed.
func (s *Store) exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Read implements runtime.Store.
func (s *Store) Read(ctx context.Context, id string) (runtime.Record, error) {
	var (
		rec   runtime.Record
		data  []byte
		owner sql.NullString
		err   error
	)
	row := s.db.QueryRowContext(ctx, s.q.read, id, s.timeArg(s.now()))
	if s.d != PostgreSQL {
		var exp sql.NullInt64
		err = row.Scan(&data, &exp, &owner)
		if exp.Valid {
			rec.Expires = time.UnixMilli(exp.Int64)
		}
	} else {
		var exp sql.NullTime
		err = row.Scan(&data, &exp, &owner)
		if exp.Valid {
			rec.Expires = exp.Time
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return runtime.Record{}, runtime.ErrNotFound
	}
	if err != nil {
		return runtime.Record{}, err
	}
	rec.Data, rec.Owner = data, owner.String
	return rec, nil
}

// Update implements runtime.Store.
func (s *Store) Update(ctx context.Context, id string, p runtime.Patch) error {
	switch s.d {
	case SQLite:
		return s.updateSQLite(ctx, id, p)
	case MySQL:
		return s.updateMySQL(ctx, id, p)
	}
	del, err := json.Marshal(p.Delete)
	if err != nil {
		return err
	}
	if p.Delete == nil {
		del = []byte("[]")
	}
	set, err := runtime.ApplyPatch(nil, runtime.Patch{Set: p.Set})
	if err != nil {
		return err
	}
	var owner any
	if p.Owner != nil {
		owner = ownerArg(*p.Owner)
	}
	n, err := s.exec(ctx, s.q.update, id, string(del), string(set), s.timeArg(p.Expires), p.Owner != nil, owner, s.timeArg(s.now()))
	if err == nil && n == 0 {
		return runtime.ErrNotFound
	}
	return err
}

// updateSQLite applies a patch in a write transaction: BEGIN IMMEDIATE
// takes the write lock first, so no other writer can change the row
// between the read and the write.
func (s *Store) updateSQLite(ctx context.Context, id string, p runtime.Patch) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	done := false
	defer func() {
		if done {
			return
		}
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
			// The connection's state is unknown: make database/sql drop it
			// rather than hand a connection inside a transaction to the
			// next caller.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	if err := s.patchRow(ctx, conn, s.q.read, id, p); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return err
	}
	done = true
	return nil
}

// updateMySQL applies a patch in an InnoDB transaction: SELECT ... FOR
// UPDATE locks the row, so concurrent patches of one session run one
// after the other, each on the latest data.
func (s *Store) updateMySQL(ctx context.Context, id string, p runtime.Patch) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op after Commit
	if err := s.patchRow(ctx, tx, s.q.readForUpdate, id, p); err != nil {
		return err
	}
	return tx.Commit()
}

// querier is what *sql.Conn and *sql.Tx share.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// patchRow reads a live row with read, applies p to its text with
// runtime.ApplyPatch (which keeps key order as JavaScript does) and writes
// it back. The caller holds the row's lock.
func (s *Store) patchRow(ctx context.Context, q querier, read, id string, p runtime.Patch) error {
	var (
		data  []byte
		exp   sql.NullInt64
		owner sql.NullString
	)
	err := q.QueryRowContext(ctx, read, id, s.timeArg(s.now())).Scan(&data, &exp, &owner)
	if errors.Is(err, sql.ErrNoRows) {
		return runtime.ErrNotFound
	}
	if err != nil {
		return err
	}
	data, err = runtime.ApplyPatch(data, p)
	if err != nil {
		return err
	}
	if p.Owner != nil {
		owner = sql.NullString{String: *p.Owner, Valid: *p.Owner != ""}
	}
	_, err = q.ExecContext(ctx, s.q.updateRow, string(data), s.timeArg(p.Expires), owner, id)
	return err
}

// Delete implements runtime.Store.
func (s *Store) Delete(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, s.q.del, id)
	return err
}

// IDsByOwner implements runtime.OwnerIndex, through the owner index.
func (s *Store) IDsByOwner(ctx context.Context, owner string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.q.byOwner, owner, s.timeArg(s.now()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// DeleteByOwner implements runtime.OwnerIndex: one DELETE through the owner
// index. The count includes expired rows not yet cleaned up.
func (s *Store) DeleteByOwner(ctx context.Context, owner string) (int, error) {
	n, err := s.exec(ctx, s.q.delOwner, owner)
	return int(n), err
}

// DeleteExpired deletes the rows of expired sessions and reports how many.
func (s *Store) DeleteExpired(ctx context.Context) (int64, error) {
	return s.exec(ctx, s.q.delExpired, s.timeArg(s.now()))
}

// RunCleanup calls DeleteExpired every interval until ctx is done, passing
// errors to onError (which may be nil). Run it in a goroutine:
//
//	go st.RunCleanup(ctx, 10*time.Minute, func(err error) { log.Print(err) })
//
// With several app instances, one running it is enough; more is harmless.
func (s *Store) RunCleanup(ctx context.Context, every time.Duration, onError func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.DeleteExpired(ctx); err != nil && onError != nil && ctx.Err() == nil {
				onError(err)
			}
		}
	}
}
