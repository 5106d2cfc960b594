// Package sqltest gives tests fresh, migrated databases on every engine, so
// that each storage test runs on SQLite and on PostgreSQL.
//
// PostgreSQL is found through LOOPSHOP_TEST_POSTGRES (default: the local
// server, postgres://postgres@127.0.0.1:5432/test). Each test gets schemas
// of its own, dropped when it ends, so tests can run in parallel. When the
// server cannot be reached the PostgreSQL subtests skip, except under CI=true,
// where they fail: CI must never pass on SQLite alone.
package sqltest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
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

// PostgresURL returns the test server's URL.
func PostgresURL() string {
	if u := os.Getenv("LOOPSHOP_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

var (
	pgOnce sync.Once
	pgErr  error
)

// requirePostgres skips or fails t when the test server is unreachable.
func requirePostgres(tb testing.TB) {
	tb.Helper()
	pgOnce.Do(func() {
		db, err := sql.Open("pgx", PostgresURL())
		if err == nil {
			err = db.PingContext(context.Background())
			db.Close()
		}
		pgErr = err
	})
	if pgErr != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("PostgreSQL at %s is required in CI: %v", PostgresURL(), pgErr)
		}
		tb.Skipf("PostgreSQL at %s unreachable (%v); set LOOPSHOP_TEST_POSTGRES", PostgresURL(), pgErr)
	}
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
// ends. name tells databases of the same test apart.
func URL(tb testing.TB, engine, name string) string {
	tb.Helper()
	switch engine {
	case sqlstore.SQLite:
		return "sqlite:" + filepath.Join(tb.TempDir(), name+".db")
	case sqlstore.Postgres:
		requirePostgres(tb)
		schema := "t_" + strings.ToLower(loopshop.RandomToken(8)) + "_" + strings.ReplaceAll(name, "-", "_")
		admin, err := sql.Open("pgx", PostgresURL())
		if err != nil {
			tb.Fatal(err)
		}
		defer admin.Close()
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			tb.Fatalf("create schema: %v", err)
		}
		tb.Cleanup(func() {
			admin, err := sql.Open("pgx", PostgresURL())
			if err != nil {
				return
			}
			defer admin.Close()
			_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		})
		u, err := url.Parse(PostgresURL())
		if err != nil {
			tb.Fatal(err)
		}
		qv := u.Query()
		qv.Set("search_path", schema)
		u.RawQuery = qv.Encode()
		return u.String()
	}
	tb.Fatalf("unknown engine %q", engine)
	return ""
}

// DB opens a new, migrated database of the given schema on engine.
func DB(tb testing.TB, engine, schema string) *sqlstore.DB {
	tb.Helper()
	db, err := sqlstore.Open(context.Background(), URL(tb, engine, schema), sqlstore.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background(), schema); err != nil {
		tb.Fatal(err)
	}
	return db
}

// Config returns the default configuration with every region and the
// directory on new databases of engine, and the data folder in a temporary
// directory.
func Config(tb testing.TB, engine string) *config.Config {
	tb.Helper()
	cfg := config.Default()
	cfg.DataDir = tb.TempDir()
	cfg.Addr = "127.0.0.1:0"
	cfg.SQLiteSynchronous = "NORMAL" // tests need no power-cut durability
	cfg.Limits.RatePerSecond = 0
	for _, r := range []string{"eu", "us", "sea"} {
		cfg.Regions[r] = URL(tb, engine, r)
	}
	cfg.Directory = URL(tb, engine, "directory")
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

// RouterFor opens and migrates a Router over cfg.
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
