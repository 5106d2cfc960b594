package sqlstore

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing/fstest"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Schemas: a region database holds everything of its markets; the directory
// holds only what routes a login to its market.
const (
	RegionSchema    = "region"
	DirectorySchema = "directory"
)

// migrationSources are the migrations as written: one source per
// migration, which both engines run.
//
// A new migration is a goose SQL file, migrations/<schema>/NNNNN_name.sql,
// numbered after the newest of its schema, in SQL both engines accept. A
// type the engines name differently is written as its placeholder from
// typeNames, such as {{TIMESTAMP}} (TIMESTAMP on SQLite, whose driver reads
// such a column back as a time.Time; TIMESTAMPTZ on PostgreSQL):
//
//	created_at {{TIMESTAMP}} NOT NULL,
//
// Another such type gets a placeholder of its own in typeNames (and a type
// class in the schema test). When a change cannot be written once, such as
// PostgreSQL's tsvector search against SQLite's FTS5, or a CHECK constraint
// that SQLite can only change by rebuilding its table, the version has an
// override per engine in place of the shared file: NNNNN_name.sqlite.sql and
// NNNNN_name.postgres.sql, each in its engine's own SQL, and never a shared
// file of the same version beside them. The schemas both engines reach must
// still match: TestSchemasMatchAcrossEngines compares them, naming the few
// objects one engine has by design.
//
// renderSchema turns the sources into what goose reads for one engine, and
// rejects an unknown placeholder, a version with both a shared file and
// overrides, and an override without its counterpart.
//
//go:embed migrations
var migrationSources embed.FS

// Engines and schemas that migrations are rendered for.
var (
	migrationEngines = []string{SQLite, Postgres}
	migrationSchemas = []string{RegionSchema, DirectorySchema}
)

// typeNames are the column types whose names differ between the engines:
// a shared migration writes the placeholder.
var typeNames = []struct{ placeholder, sqlite, postgres string }{
	{"{{TIMESTAMP}}", "TIMESTAMP", "TIMESTAMPTZ"},
	{"{{BYTES}}", "BLOB", "BYTEA"},
}

// typeReplacer returns a replacer putting engine's type names in place of
// the placeholders.
func typeReplacer(engine string) *strings.Replacer {
	var pairs []string
	for _, t := range typeNames {
		name := t.sqlite
		if engine == Postgres {
			name = t.postgres
		}
		pairs = append(pairs, t.placeholder, name)
	}
	return strings.NewReplacer(pairs...)
}

// renderSchema returns the migrations of one schema, whose sources are the
// files of src, as engine runs them: each shared file with engine's type
// names in place of the placeholders, and each of engine's overrides under
// its shared name (00003_search.postgres.sql as 00003_search.sql).
func renderSchema(src fs.FS, engine string) (fstest.MapFS, error) {
	entries, err := fs.ReadDir(src, ".")
	if err != nil {
		return nil, err
	}
	type version struct {
		shared    string            // file name
		overrides map[string]string // file name by engine
		name      string            // rendered file name
	}
	versions := map[int64]*version{}
	var order []int64
	for _, e := range entries {
		file := e.Name()
		stem, ok := strings.CutSuffix(file, ".sql")
		if e.IsDir() || !ok {
			return nil, fmt.Errorf("%s: a migration is a file NNNNN_name.sql", file)
		}
		overrideOf := ""
		if i := strings.LastIndexByte(stem, '.'); i >= 0 {
			stem, overrideOf = stem[:i], stem[i+1:]
			if !slices.Contains(migrationEngines, overrideOf) {
				return nil, fmt.Errorf("%s: %q is no engine (an override is NNNNN_name.%s.sql)", file, overrideOf, strings.Join(migrationEngines, ".sql or ."))
			}
		}
		name := stem + ".sql"
		n, err := goose.NumericComponent(name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		v := versions[n]
		if v == nil {
			v = &version{overrides: map[string]string{}, name: name}
			versions[n] = v
			order = append(order, n)
		}
		switch {
		case name != v.name:
			return nil, fmt.Errorf("%s and %s: two migrations numbered %d", file, v.name, n)
		case overrideOf == "":
			v.shared = file
		default:
			v.overrides[overrideOf] = file
		}
	}
	types := typeReplacer(engine)
	out := fstest.MapFS{}
	for _, n := range order {
		v := versions[n]
		file := v.shared
		if file == "" {
			for _, e := range migrationEngines {
				if v.overrides[e] == "" {
					return nil, fmt.Errorf("%s has no override for %s: version %d needs one per engine, or a shared %s", slices.Sorted(maps.Values(v.overrides))[0], e, n, v.name)
				}
			}
			file = v.overrides[engine]
		} else if len(v.overrides) > 0 {
			return nil, fmt.Errorf("%s and %s: version %d is either shared or overridden for every engine, not both", v.shared, slices.Sorted(maps.Values(v.overrides))[0], n)
		}
		b, err := fs.ReadFile(src, file)
		if err != nil {
			return nil, err
		}
		sql := types.Replace(string(b))
		if _, rest, ok := strings.Cut(sql, "{{"); ok {
			rest, _, _ = strings.Cut(rest, "\n")
			token, _, _ := strings.Cut(rest, "}}")
			return nil, fmt.Errorf("%s: unknown placeholder {{%s}}", file, token)
		}
		out[v.name] = &fstest.MapFile{Data: []byte(sql)}
	}
	return out, nil
}

// renderedMigrations holds every schema's migrations rendered for every
// engine, by engine and schema, rendered at first use.
var renderedMigrations = sync.OnceValues(func() (map[string]map[string]fstest.MapFS, error) {
	all := map[string]map[string]fstest.MapFS{}
	for _, engine := range migrationEngines {
		all[engine] = map[string]fstest.MapFS{}
		for _, schema := range migrationSchemas {
			src, err := fs.Sub(migrationSources, "migrations/"+schema)
			if err != nil {
				return nil, err
			}
			fsys, err := renderSchema(src, engine)
			if err != nil {
				return nil, fmt.Errorf("%s migrations: %w", schema, err)
			}
			all[engine][schema] = fsys
		}
	}
	return all, nil
})

// migrationFS returns the migrations of one schema as engine runs them.
func migrationFS(engine, schema string) (fs.FS, error) {
	all, err := renderedMigrations()
	if err != nil {
		return nil, err
	}
	fsys, ok := all[engine][schema]
	if !ok {
		return nil, fmt.Errorf("no migrations of schema %q for engine %q", schema, engine)
	}
	return fsys, nil
}

// Migrate brings the database's schema up to date. Servers may start side
// by side: on PostgreSQL an advisory lock lets one migrate at a time, and
// SQLite's single writer does the same for a file.
func (db *DB) Migrate(ctx context.Context, schema string) error {
	p, err := db.provider(schema)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s schema of %s: %w", schema, db.name, err)
	}
	return nil
}

// MigrationVersion returns the version the schema is at and the newest
// version this binary knows.
func (db *DB) MigrationVersion(ctx context.Context, schema string) (current, latest int64, err error) {
	p, err := db.provider(schema)
	if err != nil {
		return 0, 0, err
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, err
	}
	sources := p.ListSources()
	if n := len(sources); n > 0 {
		latest = sources[n-1].Version
	}
	return current, latest, nil
}

func (db *DB) provider(schema string) (*goose.Provider, error) {
	fsys, err := migrationFS(db.engine, schema)
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	dialect := goose.DialectSQLite3
	if db.engine == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, db.write, fsys, opts...)
}

// MigrateDownTo rolls the schema back to version (0: empty).
func (db *DB) MigrateDownTo(ctx context.Context, schema string, version int64) error {
	p, err := db.provider(schema)
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return fmt.Errorf("roll %s schema of %s back to %d: %w", schema, db.name, version, err)
	}
	return nil
}

// MigrationsDigest returns a digest of every migration rendered for engine,
// of both schemas: of what engine runs, so that it changes with a shared
// file, an override or a type name. Tests keep a database migrated once as
// a template and copy it for each test; naming the template by this digest
// means a changed migration is never served from a stale copy.
func MigrationsDigest(engine string) (string, error) {
	if engine != SQLite && engine != Postgres {
		return "", fmt.Errorf("unknown engine %q", engine)
	}
	all, err := renderedMigrations()
	if err != nil {
		return "", fmt.Errorf("digest %s migrations: %w", engine, err)
	}
	h := sha256.New()
	for _, schema := range slices.Sorted(maps.Keys(all[engine])) {
		fsys := all[engine][schema]
		for _, name := range slices.Sorted(maps.Keys(fsys)) {
			b := fsys[name].Data
			fmt.Fprintf(h, "%s/%s\x00%d\x00", schema, name, len(b))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
