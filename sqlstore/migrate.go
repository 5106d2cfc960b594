package sqlstore

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Schemas: a region database holds everything of its markets; the directory
// holds only what routes a login to its market.
const (
	RegionSchema    = "region"
	DirectorySchema = "directory"
)

//go:embed migrations
var migrations embed.FS

// migrationFS returns the migrations of one schema for one engine.
func migrationFS(engine, schema string) (fs.FS, error) {
	return fs.Sub(migrations, "migrations/"+engine+"/"+schema)
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

// MigrationsDigest returns a digest of every migration embedded for engine,
// of both schemas. Tests keep a database migrated once as a template and
// copy it for each test; naming the template by this digest means a changed
// migration is never served from a stale copy.
func MigrationsDigest(engine string) (string, error) {
	if engine != SQLite && engine != Postgres {
		return "", fmt.Errorf("unknown engine %q", engine)
	}
	h := sha256.New()
	err := fs.WalkDir(migrations, "migrations/"+engine, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("digest %s migrations: %w", engine, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
