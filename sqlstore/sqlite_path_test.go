package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/loopshop/loopshop/sqlstore"
)

// A data folder may be named with the characters SQLite's URIs give a
// meaning to ('?' parameters, '#' fragment, '%' escape): each region must
// still get a file of its own, at exactly the path configured.
func TestSQLiteFolderNamesNeedNoEscaping(t *testing.T) {
	check := func(t *testing.T, folder, dir string) {
		t.Helper()
		ctx := context.Background()
		dbs := map[string]*sqlstore.DB{}
		for _, region := range []string{"eu", "us"} {
			db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(dir, region+".db"), sqlstore.Options{SQLiteSynchronous: "NORMAL"})
			if err != nil {
				t.Fatalf("open %s: %v", region, err)
			}
			t.Cleanup(func() { db.Close() })
			dbs[region] = db
			// Sharing a file with the region before would fail here:
			// the table would exist already.
			if err := db.WriteTx(ctx, func(tx *sqlstore.Tx) error {
				_, err := tx.Exec(ctx, `CREATE TABLE marks (region TEXT NOT NULL)`)
				return err
			}); err != nil {
				t.Fatalf("region %s: %v", region, err)
			}
		}
		if err := dbs["eu"].WriteTx(ctx, func(tx *sqlstore.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO marks (region) VALUES (?)`, "eu")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for region, want := range map[string]int{"eu": 1, "us": 0} {
			var n int
			if err := dbs[region].Read().Get(ctx, `SELECT count(*) FROM marks`, nil, &n); err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("region %s sees %d rows, want %d", region, n, want)
			}
		}
		for _, region := range []string{"eu", "us"} {
			if _, err := os.Stat(filepath.Join(dir, region+".db")); err != nil {
				t.Errorf("region %s's file: %v", region, err)
			}
		}
		// Nothing was created beside the folder, as a path cut at the
		// first '#' or '?' would be.
		parent, err := os.ReadDir(filepath.Dir(dir))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range parent {
			names = append(names, e.Name())
		}
		if !slices.Equal(names, []string{folder}) {
			t.Errorf("beside the data folder: %q, want only %q", names, folder)
		}
	}
	// "a#b?c" once made both regions share a file named "a"; a '%' not
	// followed by two hex digits made opening fail.
	for _, folder := range []string{"a#b?c", "a#b?c%d &x=1"} {
		t.Run(folder, func(t *testing.T) {
			t.Run("absolute", func(t *testing.T) {
				check(t, folder, filepath.Join(t.TempDir(), folder))
			})
			t.Run("relative", func(t *testing.T) {
				t.Chdir(t.TempDir())
				check(t, folder, folder)
			})
		})
	}
}
