// Package sqltest gives tests databases on every engine, so that each
// storage test runs on SQLite and on PostgreSQL.
//
// Migrating a database from nothing is most of what a storage test used to
// pay before its first statement: about 30 ms per database on SQLite and
// 0.25 s on PostgreSQL, four times over for a Router (the regions eu, us
// and sea and the directory), and on PostgreSQL more when tests migrating
// at once waited for goose's lock. So a test process migrates a template
// once and hands every test a copy of it (a Router's four databases: 15 ms
// on SQLite, 0.15 s on PostgreSQL):
//
//   - On SQLite the template is a file per schema, migrated in a scratch
//     folder and closed (closing checkpoints the write-ahead log into the
//     file and removes it, so the file alone is the whole database) and kept
//     in memory; each database is a byte copy of it in the test's temporary
//     folder.
//   - On PostgreSQL the template is a database with one schema per database
//     a Router opens (eu, us, sea, directory), and each Config, Router or DB
//     is a database of its own, made with CREATE DATABASE … TEMPLATE. On an
//     idle server that takes 0.15 s for a Router, where migrating four
//     schemas took 0.9 s and replaying their DDL into new schemas of a
//     shared database 0.6 s. A database of its own also keeps a test apart
//     from the others where schemas did not: goose's advisory lock (a test
//     that migrates no longer waits out another's migration in 5 s retries)
//     and LISTEN/NOTIFY channels are per database. DROP DATABASE forces a
//     checkpoint, so copies are dropped in the background once their test
//     ends.
//
// The PostgreSQL template is named after sqlstore.MigrationsDigest, so test
// processes, of one run and of later runs, share it for as long as the
// migrations are unchanged and never use a stale one. An advisory lock lets
// one process build it while the others wait; it is built under another
// name and renamed when complete, so a process killed half-way leaves no
// template that looks usable. Each process also holds an advisory lock of
// its own and names its copies after it, so the next process to start can
// tell the copies of processes that have ended (killed, or exited before
// their last copies were dropped) and drop them; it drops templates of
// other migrations more than a day old too.
//
// Migrate on a copy finds nothing to do and takes no lock, so RouterFor, and
// a whole server's start-up over Config, still migrate as before and pay
// next to nothing for it. URL still gives an empty database, for tests of
// migrating itself.
//
// PostgreSQL is found through LOOPSHOP_TEST_POSTGRES (default: the local
// server, postgres://postgres@127.0.0.1:5432/test); the value "off" asks for
// a SQLite-only run, and the PostgreSQL subtests skip saying so. When the
// server cannot be reached the PostgreSQL subtests skip too. Under CI=true
// both fail instead: CI must never pass on SQLite alone.
package sqltest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/config"
	"github.com/loopshop/loopshop/sqlstore"
)

// DefaultPostgresURL is used when LOOPSHOP_TEST_POSTGRES is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL returns the test server's URL, or "" when
// LOOPSHOP_TEST_POSTGRES is "off".
func PostgresURL() string {
	u := os.Getenv("LOOPSHOP_TEST_POSTGRES")
	switch {
	case postgresOff():
		return ""
	case u != "":
		return u
	}
	return DefaultPostgresURL
}

// postgresOff reports whether LOOPSHOP_TEST_POSTGRES asks for a SQLite-only
// run.
func postgresOff() bool { return strings.EqualFold(os.Getenv("LOOPSHOP_TEST_POSTGRES"), "off") }

func inCI() bool { return os.Getenv("CI") == "true" }

var (
	pgOnce  sync.Once
	pgErr   error
	pgAdmin *sql.DB
)

// requirePostgres skips or fails tb when PostgreSQL is turned off or
// unreachable, and returns a pool on the test server's own database, for
// creating and dropping the tests' databases and schemas. The pool lives
// as long as the process.
func requirePostgres(tb testing.TB) *sql.DB {
	tb.Helper()
	if postgresOff() {
		if inCI() {
			tb.Fatal("LOOPSHOP_TEST_POSTGRES=off under CI=true: CI must run the PostgreSQL tests; unset it or give the server's URL")
		}
		tb.Skip("LOOPSHOP_TEST_POSTGRES=off: a SQLite-only run, PostgreSQL tests skipped")
	}
	pgOnce.Do(func() {
		db, err := sql.Open("pgx", PostgresURL())
		if err == nil {
			err = db.PingContext(context.Background())
		}
		if err != nil {
			if db != nil {
				db.Close()
			}
			pgErr = err
			return
		}
		// A few connections are enough to create and drop databases; more
		// would only queue on the server's side.
		db.SetMaxOpenConns(4)
		db.SetMaxIdleConns(2)
		pgAdmin = db
	})
	if pgErr != nil {
		if inCI() {
			tb.Fatalf("PostgreSQL at %s is required in CI: %v", PostgresURL(), pgErr)
		}
		tb.Skipf("PostgreSQL at %s unreachable (%v); set LOOPSHOP_TEST_POSTGRES, or set it to off for a SQLite-only run", PostgresURL(), pgErr)
	}
	return pgAdmin
}

// Engines lists the engines every storage test runs on.
var Engines = []string{sqlstore.SQLite, sqlstore.Postgres}

// Each runs fn as a subtest once per engine.
func Each(t *testing.T, fn func(t *testing.T, engine string)) {
	t.Helper()
	for _, e := range Engines {
		t.Run(e, func(t *testing.T) { fn(t, e) })
	}
}

// URL returns the URL of a new, empty database on engine, removed when tb
// ends. name tells databases of the same test apart. Tests that migrate
// need it; the others want DB, Config or Router, whose databases are
// copies of a migrated template and much cheaper.
func URL(tb testing.TB, engine, name string) string {
	tb.Helper()
	switch engine {
	case sqlstore.SQLite:
		return "sqlite:" + filepath.Join(tb.TempDir(), name+".db")
	case sqlstore.Postgres:
		// A schema of the server's own database: creating one is far
		// cheaper than creating a database.
		admin := requirePostgres(tb)
		schema := "t_" + strings.ToLower(loopshop.RandomToken(8)) + "_" + strings.ReplaceAll(name, "-", "_")
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			tb.Fatalf("create schema: %v", err)
		}
		tb.Cleanup(func() {
			if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
				tb.Logf("drop schema %s: %v", schema, err)
			}
		})
		return mustPostgresURL(tb, "", schema)
	}
	tb.Fatalf("unknown engine %q", engine)
	return ""
}

// DB opens a new, migrated database of the given schema on engine.
func DB(tb testing.TB, engine, schema string) *sqlstore.DB {
	tb.Helper()
	db, err := sqlstore.Open(context.Background(), migratedURL(tb, engine, schema), sqlstore.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	// A copy of the template is migrated already: this finds nothing to do.
	if err := db.Migrate(context.Background(), schema); err != nil {
		tb.Fatal(err)
	}
	return db
}

// Config returns the default configuration with every region and the
// directory on new, migrated databases of engine, and the data folder in a
// temporary directory.
func Config(tb testing.TB, engine string) *config.Config {
	tb.Helper()
	cfg := config.Default()
	cfg.DataDir = tb.TempDir()
	cfg.Addr = "127.0.0.1:0"
	cfg.SQLiteSynchronous = "NORMAL" // tests need no power-cut durability
	cfg.Limits.RatePerSecond = 0
	urls := migratedURLs(tb, engine)
	for _, r := range layout.regions {
		cfg.Regions[r] = urls[r]
	}
	cfg.Directory = urls[layout.directory]
	cfg.Secret = "test-secret"
	if err := cfg.Validate(); err != nil {
		tb.Fatal(err)
	}
	return &cfg
}

// Router returns a migrated Router over Config(tb, engine).
func Router(tb testing.TB, engine string) *sqlstore.Router {
	tb.Helper()
	return RouterFor(tb, Config(tb, engine))
}

// RouterFor opens and migrates a Router over cfg. Over Config's databases
// migrating only checks that there is nothing to do.
func RouterFor(tb testing.TB, cfg *config.Config) *sqlstore.Router {
	tb.Helper()
	ctx := context.Background()
	r, err := sqlstore.OpenRouter(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	if err := r.Migrate(ctx); err != nil {
		tb.Fatal(fmt.Errorf("migrate: %w", err))
	}
	return r
}
