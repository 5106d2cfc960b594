package sqlstore

import (
	"context"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// Every schema's migrations render for both engines, version for version
// (a deployment can move between them), with every placeholder replaced.
func TestMigrationsRenderForEveryEngine(t *testing.T) {
	dirs, err := fs.ReadDir(migrationSources, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	var folders []string
	for _, d := range dirs {
		folders = append(folders, d.Name())
	}
	if diff := cmp.Diff(slices.Sorted(slices.Values(migrationSchemas)), folders); diff != "" {
		t.Errorf("migrations/ should hold a folder per schema and nothing else (-want +got):\n%s", diff)
	}
	for _, schema := range migrationSchemas {
		t.Run(schema, func(t *testing.T) {
			names := map[string][]string{}
			for _, engine := range migrationEngines {
				fsys, err := migrationFS(engine, schema)
				if err != nil {
					t.Fatal(err)
				}
				entries, err := fs.ReadDir(fsys, ".")
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range entries {
					names[engine] = append(names[engine], e.Name())
					b, err := fs.ReadFile(fsys, e.Name())
					if err != nil {
						t.Fatal(err)
					}
					sql := string(b)
					if strings.Contains(sql, "{{") || strings.Contains(sql, "}}") {
						t.Errorf("%s for %s keeps a placeholder", e.Name(), engine)
					}
					if !strings.HasPrefix(sql, "-- +goose Up\n") || !strings.Contains(sql, "\n-- +goose Down\n") {
						t.Errorf("%s for %s should start with -- +goose Up and have a -- +goose Down", e.Name(), engine)
					}
				}
			}
			if len(names[SQLite]) == 0 {
				t.Fatal("no migrations found")
			}
			if diff := cmp.Diff(names[SQLite], names[Postgres]); diff != "" {
				t.Errorf("rendered migrations differ between sqlite and postgres (-sqlite +postgres):\n%s", diff)
			}
		})
	}
}

// A shared migration names no engine's own type: TIMESTAMP there would be
// a time without a zone on PostgreSQL, TIMESTAMPTZ a number on SQLite.
func TestSharedMigrationsUsePlaceholders(t *testing.T) {
	var engineTypes []string
	for _, tn := range typeNames {
		engineTypes = append(engineTypes, regexp.QuoteMeta(tn.sqlite), regexp.QuoteMeta(tn.postgres))
	}
	re := regexp.MustCompile(`(?i)\b(` + strings.Join(engineTypes, "|") + `)\b`)
	placeholder := regexp.MustCompile(`\{\{[A-Z]+\}\}`)
	err := fs.WalkDir(migrationSources, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		for _, engine := range migrationEngines {
			if strings.HasSuffix(path, "."+engine+".sql") {
				return nil // an override is in its engine's own SQL
			}
		}
		b, err := fs.ReadFile(migrationSources, path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			code, _, _ := strings.Cut(line, "--")
			if m := re.FindString(placeholder.ReplaceAllString(code, "")); m != "" {
				t.Errorf("%s:%d names %s: write its placeholder from typeNames", path, i+1, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRenderSchema(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	src := fstest.MapFS{
		"00001_a.sql":          file("-- +goose Up\nCREATE TABLE a (at {{TIMESTAMP}} NOT NULL, b {{BYTES}});\n"),
		"00002_b.sqlite.sql":   file("-- +goose Up\nSELECT 'sqlite';\n"),
		"00002_b.postgres.sql": file("-- +goose Up\nSELECT 'postgres';\n"),
	}
	want := map[string]map[string]string{
		SQLite: {
			"00001_a.sql": "-- +goose Up\nCREATE TABLE a (at TIMESTAMP NOT NULL, b BLOB);\n",
			"00002_b.sql": "-- +goose Up\nSELECT 'sqlite';\n",
		},
		Postgres: {
			"00001_a.sql": "-- +goose Up\nCREATE TABLE a (at TIMESTAMPTZ NOT NULL, b BYTEA);\n",
			"00002_b.sql": "-- +goose Up\nSELECT 'postgres';\n",
		},
	}
	for _, engine := range migrationEngines {
		fsys, err := renderSchema(src, engine)
		if err != nil {
			t.Fatalf("%s: %v", engine, err)
		}
		got := map[string]string{}
		for name, f := range fsys {
			got[name] = string(f.Data)
		}
		if diff := cmp.Diff(want[engine], got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", engine, diff)
		}
	}

	for _, tc := range []struct {
		name string
		src  fstest.MapFS
		want string // in the error
	}{
		{"unknown placeholder", fstest.MapFS{"00001_a.sql": file("CREATE TABLE a (b {{JSON}});")}, "unknown placeholder {{JSON}}"},
		{"shared and override", fstest.MapFS{"00001_a.sql": file(""), "00001_a.sqlite.sql": file(""), "00001_a.postgres.sql": file("")}, "not both"},
		{"override of one engine", fstest.MapFS{"00001_a.sqlite.sql": file("")}, "no override for postgres"},
		{"override named differently", fstest.MapFS{"00001_a.sqlite.sql": file(""), "00001_b.postgres.sql": file("")}, "two migrations numbered 1"},
		{"unknown engine", fstest.MapFS{"00001_a.mysql.sql": file("")}, `"mysql" is no engine`},
		{"not SQL", fstest.MapFS{"README.md": file("")}, "a migration is a file"},
		{"no version", fstest.MapFS{"a.sql": file("")}, "a.sql"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, engine := range migrationEngines {
				_, err := renderSchema(tc.src, engine)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: error %v, want one saying %q", engine, err, tc.want)
				}
			}
		})
	}
}

// The digest is of what each engine runs.
func TestMigrationsDigestDiffersByEngine(t *testing.T) {
	s, err := MigrationsDigest(SQLite)
	if err != nil {
		t.Fatal(err)
	}
	p, err := MigrationsDigest(Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if s == p {
		t.Errorf("both engines' migrations have digest %s", s)
	}
}

func TestPostgresRebind(t *testing.T) {
	got := postgresDialect{}.rebind("SELECT a FROM t WHERE b = ? AND c = '?' AND d IN (?, ?)")
	want := "SELECT a FROM t WHERE b = $1 AND c = '?' AND d IN ($2, $3)"
	if got != want {
		t.Errorf("rebind:\n got %s\nwant %s", got, want)
	}
}

func TestOpenRejectsUnknownURL(t *testing.T) {
	_, err := Open(context.Background(), "mysql://root@localhost/x", Options{})
	if err == nil {
		t.Fatal("Open accepted a mysql URL")
	}
}
