package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Engines.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Options tune how a database is opened.
type Options struct {
	// SQLiteSynchronous is SQLite's synchronous pragma: FULL (default) or NORMAL.
	SQLiteSynchronous string
}

// DB is one database, with the pools its engine wants: on SQLite a single
// writer connection (SQLite admits one writer at a time; queuing writers in
// Go instead of in busy-wait loops keeps latency flat) plus a pool of
// read-only connections; on PostgreSQL one pool for both.
type DB struct {
	engine string
	name   string // for messages: the URL without credentials
	d      dialect
	// url is a PostgreSQL database's URL, for connections of its own
	// outside the pool (NotifyHub's LISTEN).
	url   string
	write *sql.DB
	read  *sql.DB
	// On SQLite, prepared statements of each pool.
	writeStmts, readStmts *stmtCache
}

// Open connects to the database at rawURL: "sqlite:PATH" (the file and its
// folder are created), "sqlite::memory:" for tests, or "postgres://…".
func Open(ctx context.Context, rawURL string, opt Options) (*DB, error) {
	switch {
	case strings.HasPrefix(rawURL, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(rawURL, "sqlite:"), opt)
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL)
	}
	return nil, fmt.Errorf("database URL %q: use sqlite:PATH or postgres://user@host:port/dbname", redact(rawURL))
}

func openSQLite(ctx context.Context, path string, opt Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty path; use sqlite:data/eu.db")
	}
	sync := strings.ToUpper(opt.SQLiteSynchronous)
	if sync == "" {
		sync = "FULL"
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: create folder for %s: %w", path, err)
		}
	}
	// The driver applies busy_timeout first, so that setting WAL on a file
	// another process holds waits instead of failing; WAL lets readers work
	// while the writer writes; foreign keys are off in SQLite unless asked.
	// Times are written in SQLite's own text format, in UTC, which sorts.
	params := url.Values{}
	params.Set("_busy_timeout", "10000")
	params.Set("_journal_mode", "WAL")
	params.Set("_synchronous", sync)
	params.Set("_foreign_keys", "1")
	params.Set("_time_format", "sqlite")
	params.Set("_timezone", "UTC")
	base := sqliteURI(path) + "?"

	wp := url.Values{}
	for k, v := range params {
		wp[k] = v
	}
	// BEGIN IMMEDIATE takes the write lock at the start of a transaction,
	// so a transaction that reads then writes cannot fail half-way with
	// SQLITE_BUSY when another process wrote in between.
	wp.Set("_txlock", "immediate")
	write, err := sql.Open("sqlite", base+wp.Encode())
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	rp := url.Values{}
	for k, v := range params {
		rp[k] = v
	}
	rp.Set("_query_only", "1")
	read, err := sql.Open("sqlite", base+rp.Encode())
	if err != nil {
		write.Close()
		return nil, err
	}
	n := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)

	db := &DB{engine: SQLite, name: "sqlite:" + path, d: sqliteDialect{}, write: write, read: read,
		writeStmts: newStmtCache(write), readStmts: newStmtCache(read)}
	// Open the writer first: it creates the file and switches it to WAL
	// before a read-only connection could try to.
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// sqliteURI returns the SQLite URI of the file at path. The driver takes
// everything after the first '?' as its parameters and SQLite reads '#' as
// the start of a fragment and "%HH" as an escape, so a data folder named
// "a#b" or "x?y" would otherwise put every region in one file, or fail to
// open. Each byte a URI path may not hold as it is, these three among them,
// is percent-encoded; SQLite decodes them back.
func sqliteURI(path string) string {
	p := (&url.URL{Path: filepath.ToSlash(path)}).EscapedPath()
	if strings.HasPrefix(p, "/") {
		// An empty authority, so that a path starting "//" stays a path.
		return "file://" + p
	}
	return "file:" + p
}

func openPostgres(ctx context.Context, rawURL string) (*DB, error) {
	cc, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("postgres URL %s: %w", redact(rawURL), err)
	}
	// Read timestamps back in UTC whatever the server's or the machine's
	// time zone, so that what is stored and what is shown agree.
	pool := stdlib.OpenDB(*cc, stdlib.OptionAfterConnect(func(_ context.Context, c *pgx.Conn) error {
		c.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID, Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
		return nil
	}))
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(32)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{engine: Postgres, name: redact(rawURL), url: rawURL, d: postgresDialect{}, write: pool, read: pool}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Engine returns SQLite or Postgres.
func (db *DB) Engine() string { return db.engine }

// String names the database without its credentials.
func (db *DB) String() string { return db.name }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("database %s does not answer: %w", db.name, err)
	}
	if db.read != db.write {
		if err := db.read.PingContext(ctx); err != nil {
			return fmt.Errorf("database %s does not answer reads: %w", db.name, err)
		}
	}
	return nil
}

// Close closes the pools.
func (db *DB) Close() error {
	var err error
	for _, c := range []*stmtCache{db.writeStmts, db.readStmts} {
		if c != nil {
			err = errors.Join(err, c.close())
		}
	}
	err = errors.Join(err, db.write.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Tx is a write transaction. Its methods take ? placeholders and return
// errors already translated to loopshop's sentinels.
type Tx struct {
	q
}

// WriteTx runs fn in a transaction and commits it if fn returns nil. It
// rolls back on error and on panic.
func (db *DB) WriteTx(ctx context.Context, fn func(*Tx) error) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", db.d.translate(err))
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
		// The connection is free again: prepare what the transaction
		// met for the first time.
		if db.writeStmts != nil {
			db.writeStmts.preparePending(context.WithoutCancel(ctx))
		}
	}()
	if err = fn(&Tx{q{x: tx, d: db.d, stmts: db.writeStmts, tx: tx}}); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", db.d.translate(err))
	}
	return nil
}

// Read returns a querier on the read pool, for statements outside a
// transaction that change nothing.
func (db *DB) Read() q { return q{x: db.read, d: db.d, stmts: db.readStmts} }

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// q runs statements written with ? placeholders on either engine.
type q struct {
	x querier
	d dialect
	// stmts, when not nil, prepares each statement once; tx is the
	// transaction x is, if it is one.
	stmts *stmtCache
	tx    *sql.Tx
}

// prepared returns what runs query: its cached prepared statement (bound
// to the transaction) or, without a cache, x itself.
func (q q) prepared(ctx context.Context, query string) (querier, string, error) {
	query = q.d.rebind(query)
	if q.stmts == nil {
		return q.x, query, nil
	}
	st, err := q.stmts.get(ctx, query, q.tx != nil)
	if err != nil || st == nil {
		return q.x, query, err
	}
	if q.tx != nil {
		st = q.tx.StmtContext(ctx, st)
	}
	return stmtQuerier{st}, query, nil
}

// stmtQuerier runs a prepared statement through the querier interface;
// the query argument is the statement's own SQL and is ignored.
type stmtQuerier struct{ st *sql.Stmt }

func (s stmtQuerier) ExecContext(ctx context.Context, _ string, args ...any) (sql.Result, error) {
	return s.st.ExecContext(ctx, args...)
}

func (s stmtQuerier) QueryContext(ctx context.Context, _ string, args ...any) (*sql.Rows, error) {
	return s.st.QueryContext(ctx, args...)
}

func (s stmtQuerier) QueryRowContext(ctx context.Context, _ string, args ...any) *sql.Row {
	return s.st.QueryRowContext(ctx, args...)
}

// Exec runs a statement and returns the number of rows it affected.
func (q q) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	x, query, err := q.prepared(ctx, query)
	if err != nil {
		return 0, q.d.translate(err)
	}
	res, err := x.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, q.d.translate(err)
	}
	return res.RowsAffected()
}

// Query runs a query; call scan once per row.
func (q q) Query(ctx context.Context, query string, args []any, scan func(*sql.Rows) error) error {
	x, query, err := q.prepared(ctx, query)
	if err != nil {
		return q.d.translate(err)
	}
	rows, err := x.QueryContext(ctx, query, args...)
	if err != nil {
		return q.d.translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return q.d.translate(rows.Err())
}

// Get runs a query expected to return one row and scans it into dest;
// no row is loopshop.ErrNotFound.
func (q q) Get(ctx context.Context, query string, args []any, dest ...any) error {
	x, query, err := q.prepared(ctx, query)
	if err != nil {
		return q.d.translate(err)
	}
	return q.d.translate(x.QueryRowContext(ctx, query, args...).Scan(dest...))
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = url.User(u.User.Username())
	return u.String()
}
