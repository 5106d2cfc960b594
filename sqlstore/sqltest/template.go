package sqltest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/config"
	"github.com/loopshop/loopshop/sqlstore"
)

// layout names the databases Config gives a Router: one per region of the
// default markets, and the directory. On PostgreSQL they are the schemas of
// the template database.
var layout = func() (l struct {
	regions   []string
	directory string
}) {
	cfg := config.Default()
	l.regions = cfg.MarketSet().Regions()
	l.directory = "directory"
	return l
}()

// layoutVersion changes when the shape of the PostgreSQL template changes
// in a way its name would not show otherwise.
const layoutVersion = "1"

// pgSchema is the schema of the PostgreSQL template holding database name.
func pgSchema(name string) string { return strings.ReplaceAll(name, "-", "_") }

// kindOf returns the schema kind (sqlstore.RegionSchema or DirectorySchema)
// of the database called name in layout.
func kindOf(name string) string {
	if name == layout.directory {
		return sqlstore.DirectorySchema
	}
	return sqlstore.RegionSchema
}

// migratedURL returns the URL of a new, migrated database of schema kind,
// removed when tb ends.
func migratedURL(tb testing.TB, engine, kind string) string {
	tb.Helper()
	switch engine {
	case sqlstore.SQLite:
		return sqliteCopy(tb, kind, kind)
	case sqlstore.Postgres:
		// A copy of the whole template, of which one schema is used.
		name := layout.directory
		if kind == sqlstore.RegionSchema {
			name = layout.regions[0]
		}
		return mustPostgresURL(tb, postgresCopy(tb), pgSchema(name))
	}
	tb.Fatalf("unknown engine %q", engine)
	return ""
}

// migratedURLs returns the URLs of new, migrated databases for every name
// in layout: on PostgreSQL the schemas of one new database.
func migratedURLs(tb testing.TB, engine string) map[string]string {
	tb.Helper()
	names := append(append([]string{}, layout.regions...), layout.directory)
	out := make(map[string]string, len(names))
	switch engine {
	case sqlstore.SQLite:
		for _, n := range names {
			out[n] = sqliteCopy(tb, kindOf(n), n)
		}
	case sqlstore.Postgres:
		db := postgresCopy(tb)
		for _, n := range names {
			out[n] = mustPostgresURL(tb, db, pgSchema(n))
		}
	default:
		tb.Fatalf("unknown engine %q", engine)
	}
	return out
}

// SQLite.

// sqliteTemplate is a migrated database file's bytes.
type sqliteTemplate struct {
	once sync.Once
	data []byte
	err  error
}

var sqliteTemplates = map[string]*sqliteTemplate{
	sqlstore.RegionSchema:    {},
	sqlstore.DirectorySchema: {},
}

// sqliteCopy writes a copy of schema kind's template to a new file in a
// temporary folder of tb and returns its URL.
func sqliteCopy(tb testing.TB, kind, name string) string {
	tb.Helper()
	t := sqliteTemplates[kind]
	if t == nil {
		tb.Fatalf("unknown schema %q", kind)
	}
	t.once.Do(func() { t.data, t.err = buildSQLiteTemplate(kind) })
	if t.err != nil {
		tb.Fatal(t.err)
	}
	path := filepath.Join(tb.TempDir(), name+".db")
	if err := os.WriteFile(path, t.data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return "sqlite:" + path
}

// buildSQLiteTemplate migrates a new file of schema kind and returns its
// bytes.
func buildSQLiteTemplate(kind string) ([]byte, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "loopshop-sqltest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, kind+".db")
	db, err := sqlstore.Open(ctx, "sqlite:"+path, sqlstore.Options{SQLiteSynchronous: "OFF"})
	if err != nil {
		return nil, fmt.Errorf("sqlite template: %w", err)
	}
	if err := db.Migrate(ctx, kind); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite template: %w", err)
	}
	// Closing the last connection checkpoints the write-ahead log into
	// the file and deletes the log: then the file alone is the database,
	// consistent, and a byte copy of it is a copy of the database.
	if err := db.Close(); err != nil {
		return nil, fmt.Errorf("sqlite template: close: %w", err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("sqlite template: %s kept a write-ahead log of %d bytes after closing", path, fi.Size())
	}
	return os.ReadFile(path)
}

// PostgreSQL.

const (
	// pgTemplatePrefix and pgCopyPrefix start the names of the template
	// databases and of their copies, so that leftovers can be found.
	pgTemplatePrefix = "loopshop_tmpl_"
	pgCopyPrefix     = "loopshop_t_"
	// pgLockKey is the advisory lock held while looking for, building or
	// sweeping templates.
	pgLockKey = 0x6c6f6f7073686f70 // "loopshop"
	// pgOwnerClass is the first key of the advisory locks that tell live
	// test processes: each holds (pgOwnerClass, its token) while it runs and
	// names its copies after the token.
	pgOwnerClass = 0x6c6f6f70 // "loop"
	// Templates of other migrations this old are dropped.
	pgTemplateMaxAge = 24 * time.Hour
)

var pgOwner struct {
	once  sync.Once
	token int32
	err   error
}

// ownerToken returns this process's token, taking its advisory lock on a
// connection kept for as long as the process lives: when the process ends,
// however it ends, the lock goes, and the next process drops the copies
// it left.
func ownerToken() (int32, error) {
	pgOwner.once.Do(func() {
		db, err := sql.Open("pgx", PostgresURL())
		if err != nil {
			pgOwner.err = err
			return
		}
		conn, err := db.Conn(context.Background())
		if err != nil {
			pgOwner.err = err
			return
		}
		for range 10 {
			token := int32(rand.Uint32() >> 1)
			var ok bool
			if err := conn.QueryRowContext(context.Background(), `SELECT pg_try_advisory_lock($1, $2)`, int32(pgOwnerClass), token).Scan(&ok); err != nil {
				pgOwner.err = err
				return
			}
			if ok {
				pgOwner.token = token
				return // conn stays open, holding the lock
			}
		}
		pgOwner.err = errors.New("no free owner token")
	})
	return pgOwner.token, pgOwner.err
}

var pgTemplate struct {
	mu   sync.Mutex
	name string // "" until found or built
	err  error
}

// postgresTemplate returns the name of the template database for the
// embedded migrations, building it if no process has.
func postgresTemplate(admin *sql.DB) (string, error) {
	pgTemplate.mu.Lock()
	defer pgTemplate.mu.Unlock()
	if pgTemplate.name == "" && pgTemplate.err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		pgTemplate.name, pgTemplate.err = ensurePostgresTemplate(ctx, admin)
	}
	return pgTemplate.name, pgTemplate.err
}

// forgetTemplate makes the next postgresTemplate look for name again, as
// it was found missing (another process dropped it).
func forgetTemplate(name string) {
	pgTemplate.mu.Lock()
	defer pgTemplate.mu.Unlock()
	if pgTemplate.name == name {
		pgTemplate.name = ""
	}
}

// postgresTemplateName names the template by everything that shapes it,
// and returns that too, for the template's comment. (Not goose's version:
// test binaries do not all carry their modules' versions, and goose reads
// version tables of its older releases anyway.)
func postgresTemplateName() (name, inputs string, err error) {
	digest, err := sqlstore.MigrationsDigest(sqlstore.Postgres)
	if err != nil {
		return "", "", err
	}
	inputs = fmt.Sprintf("layout %s (%s; %s), migrations %s", layoutVersion, strings.Join(layout.regions, ","), layout.directory, digest[:16])
	sum := sha256.Sum256([]byte(inputs + "\x00" + digest))
	return pgTemplatePrefix + hex.EncodeToString(sum[:])[:20], inputs, nil
}

// ensurePostgresTemplate finds or builds the template under the advisory
// lock, and sweeps what earlier processes left.
func ensurePostgresTemplate(ctx context.Context, admin *sql.DB) (string, error) {
	name, inputs, err := postgresTemplateName()
	if err != nil {
		return "", err
	}
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(pgLockKey)); err != nil {
		return "", fmt.Errorf("postgres template: lock: %w", err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(pgLockKey)); err != nil {
			// Never hand back to the pool a session that may hold the
			// lock: the other processes would wait for it.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()

	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("postgres template: %w", err)
	}
	if !exists {
		if err := buildPostgresTemplate(ctx, conn, name, inputs); err != nil {
			return "", fmt.Errorf("postgres template %s: %w", name, err)
		}
	}
	sweepPostgres(ctx, conn, name)
	return name, nil
}

// buildPostgresTemplate migrates a new database with a schema per name in
// layout and publishes it as the template called name. It runs under the
// advisory lock, so a database called name+"_build" is a dead process's.
func buildPostgresTemplate(ctx context.Context, conn *sql.Conn, name, inputs string) error {
	build := name + "_build"
	if err := dropDatabase(ctx, conn, build, true); err != nil {
		return err
	}
	// template0, with the server database's encoding and locale: template1
	// may hold a session (which would make copying it fail) or objects of
	// the server's owner.
	var enc, collate, ctype string
	if err := conn.QueryRowContext(ctx, `SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database WHERE datname = current_database()`).Scan(&enc, &collate, &ctype); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE template0 ENCODING %s LC_COLLATE %s LC_CTYPE %s`,
		build, quote(enc), quote(collate), quote(ctype))); err != nil {
		return err
	}
	migrate := func() error {
		names := append(append([]string{}, layout.regions...), layout.directory)
		u, err := postgresURL(build, "")
		if err != nil {
			return err
		}
		raw, err := sql.Open("pgx", u)
		if err != nil {
			return err
		}
		defer raw.Close()
		for _, n := range names {
			if _, err := raw.ExecContext(ctx, `CREATE SCHEMA `+pgSchema(n)); err != nil {
				return err
			}
		}
		for _, n := range names {
			u, err := postgresURL(build, pgSchema(n))
			if err != nil {
				return err
			}
			db, err := sqlstore.Open(ctx, u, sqlstore.Options{})
			if err != nil {
				return err
			}
			err = db.Migrate(ctx, kindOf(n))
			db.Close()
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := migrate(); err != nil {
		_ = dropDatabase(context.WithoutCancel(ctx), conn, build, true)
		return err
	}
	// No session may stay on a template: copying it would fail. IS_TEMPLATE
	// keeps it from being dropped by mistake. Renaming, which publishes
	// it, waits a few seconds for closed sessions to end.
	for _, stmt := range []string{
		`ALTER DATABASE ` + build + ` WITH ALLOW_CONNECTIONS false IS_TEMPLATE true`,
		`COMMENT ON DATABASE ` + build + ` IS ` + quote("loopshop sqltest template of "+inputs+", built "+time.Now().UTC().Format(time.RFC3339)),
		`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ` + quote(build),
		`ALTER DATABASE ` + build + ` RENAME TO ` + name,
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// sweepPostgres drops what ended processes left: the copies they had not
// dropped yet (see dropLater) or at all (killed), half-built templates, and
// templates of other migrations built more than pgTemplateMaxAge ago. A
// process is known to have ended when its owner lock is free; a copy in use
// is never dropped anyway, as DROP DATABASE without FORCE refuses a
// database with sessions. Errors are ignored: the next process sweeps again.
func sweepPostgres(ctx context.Context, conn *sql.Conn, current string) {
	rows, err := conn.QueryContext(ctx, `SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE starts_with(datname, $1) OR starts_with(datname, $2)`, pgTemplatePrefix, pgCopyPrefix)
	if err != nil {
		return
	}
	type db struct{ name, comment string }
	var dbs []db
	for rows.Next() {
		var d db
		if rows.Scan(&d.name, &d.comment) == nil {
			dbs = append(dbs, d)
		}
	}
	rows.Close()
	mine, _ := ownerToken()
	for _, d := range dbs {
		switch {
		case d.name == current:
		case strings.HasPrefix(d.name, pgCopyPrefix):
			// loopshop_t_<owner token>_<random>
			token, err := strconv.ParseInt(strings.SplitN(strings.TrimPrefix(d.name, pgCopyPrefix), "_", 2)[0], 10, 32)
			if err != nil || int32(token) == mine {
				continue
			}
			var ended bool
			if conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, $2)`, int32(pgOwnerClass), int32(token)).Scan(&ended) != nil || !ended {
				continue
			}
			_, _ = conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+d.name)
			_, _ = conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1, $2)`, int32(pgOwnerClass), int32(token))
		case strings.HasSuffix(d.name, "_build"):
			_ = dropDatabase(ctx, conn, d.name, true)
		default:
			built, err := time.Parse(time.RFC3339, d.comment[strings.LastIndexByte(d.comment, ' ')+1:])
			if err != nil || time.Since(built) > pgTemplateMaxAge {
				_ = dropDatabase(ctx, conn, d.name, false)
			}
		}
	}
}

// dropDatabase drops database name if it exists, be it a template; force
// ends its sessions.
func dropDatabase(ctx context.Context, conn *sql.Conn, name string, force bool) error {
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+name+` WITH IS_TEMPLATE false`); err != nil {
			return err
		}
	}
	stmt := `DROP DATABASE IF EXISTS ` + name
	if force {
		stmt += ` WITH (FORCE)`
	}
	_, err := conn.ExecContext(ctx, stmt)
	return err
}

// postgresCopy creates a database as a copy of the template, dropped after
// tb ends, and returns its name.
func postgresCopy(tb testing.TB) string {
	tb.Helper()
	admin := requirePostgres(tb)
	token, err := ownerToken()
	if err != nil {
		tb.Fatalf("postgres: %v", err)
	}
	name := fmt.Sprintf("%s%d_%s", pgCopyPrefix, token, strings.ToLower(loopshop.RandomToken(5)))
	for attempt := 0; ; attempt++ {
		tmpl, err := postgresTemplate(admin)
		if err != nil {
			tb.Fatal(err)
		}
		_, err = admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + tmpl)
		if err == nil {
			break
		}
		// Another process swept the template (it had other migrations
		// and was old): build it again, once.
		var pe *pgconn.PgError
		if attempt == 0 && errors.As(err, &pe) && pe.Code == "3D000" {
			forgetTemplate(tmpl)
			continue
		}
		tb.Fatalf("copy postgres template %s: %v", tmpl, err)
	}
	tb.Cleanup(func() { dropLater(admin, name) })
	return name
}

var pgDrops struct {
	once sync.Once
	ch   chan string
}

// dropLater drops database name in the background. DROP DATABASE costs a
// checkpoint, 0.1 to 0.3 s that the test need not wait for. What is still
// queued when the process exits is dropped by the next process's sweep;
// when the queue is full the caller waits, so that it stays short.
func dropLater(admin *sql.DB, name string) {
	drop := func(name string) {
		// FORCE ends sessions a test left open, such as a listener
		// still closing.
		_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	}
	pgDrops.once.Do(func() {
		pgDrops.ch = make(chan string, 8)
		go func() {
			for name := range pgDrops.ch {
				drop(name)
			}
		}()
	})
	select {
	case pgDrops.ch <- name:
	default:
		drop(name)
	}
}

// postgresURL is the test server's URL with database db ("": the one
// LOOPSHOP_TEST_POSTGRES names) and, unless schema is "", search_path
// schema.
func postgresURL(db, schema string) (string, error) {
	u, err := url.Parse(PostgresURL())
	if err != nil {
		return "", fmt.Errorf("LOOPSHOP_TEST_POSTGRES: %w", err)
	}
	if db != "" {
		u.Path, u.RawPath = "/"+db, ""
	}
	if schema != "" {
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// mustPostgresURL is postgresURL failing tb on error.
func mustPostgresURL(tb testing.TB, db, schema string) string {
	tb.Helper()
	u, err := postgresURL(db, schema)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// quote is s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
