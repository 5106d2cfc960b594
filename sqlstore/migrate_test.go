package sqlstore

import (
	"context"
	"io/fs"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Both engines must have the same migrations, version for version, so that
// a deployment can move between them.
func TestMigrationsMatchAcrossEngines(t *testing.T) {
	for _, schema := range []string{RegionSchema, DirectorySchema} {
		t.Run(schema, func(t *testing.T) {
			names := map[string][]string{}
			for _, engine := range []string{SQLite, Postgres} {
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
				}
			}
			if len(names[SQLite]) == 0 {
				t.Fatal("no migrations found")
			}
			if diff := cmp.Diff(names[SQLite], names[Postgres]); diff != "" {
				t.Errorf("migration files differ between sqlite and postgres (-sqlite +postgres):\n%s", diff)
			}
		})
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
