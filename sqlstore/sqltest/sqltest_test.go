package sqltest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// Copies of the template are migrated to the latest version, and each
// database is apart from the others: of the same Router and of another.
func TestCopiesAreMigratedAndApart(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r1, r2 := sqltest.Router(t, engine), sqltest.Router(t, engine)
		for _, r := range []*sqlstore.Router{r1, r2} {
			dbs := map[*sqlstore.DB]string{r.Directory(): sqlstore.DirectorySchema}
			for _, name := range r.RegionNames() {
				dbs[r.Region(name)] = sqlstore.RegionSchema
			}
			if len(dbs) != 4 {
				t.Fatalf("%d databases, want 4", len(dbs))
			}
			for db, schema := range dbs {
				cur, latest, err := db.MigrationVersion(ctx, schema)
				if err != nil || cur != latest || cur < 1 {
					t.Errorf("%s: version %d of %d (%v); want the latest", db, cur, latest, err)
				}
			}
		}
		if err := r1.Region("eu").WriteTx(ctx, func(tx *sqlstore.Tx) error {
			_, err := tx.Exec(ctx, `CREATE TABLE marks (n INTEGER)`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, db := range []*sqlstore.DB{r1.Region("us"), r1.Directory(), r2.Region("eu"), sqltest.DB(t, engine, sqlstore.RegionSchema)} {
			var n int
			if err := db.Read().Get(ctx, `SELECT count(*) FROM marks`, nil, &n); err == nil {
				t.Errorf("%s sees a table made in another database", db)
			}
		}
	})
}

// URL's databases are empty, for tests of migrating.
func TestURLIsEmpty(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		db, err := sqlstore.Open(ctx, sqltest.URL(t, engine, "empty"), sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		q := `SELECT count(*) FROM sqlite_master`
		if engine == sqlstore.Postgres {
			q = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()`
		}
		var n int
		if err := db.Read().Get(ctx, q, nil, &n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d tables in a new database, want none", n)
		}
	})
}

// LOOPSHOP_TEST_POSTGRES=off skips the PostgreSQL tests, and is refused in
// CI. The cases run this test binary again, as Fatal would end this test.
func TestPostgresOff(t *testing.T) {
	if os.Getenv("SQLTEST_OFF_CHILD") == "1" {
		sqltest.URL(t, sqlstore.Postgres, "off")
		t.Log("PostgreSQL was used")
		return
	}
	for _, tc := range []struct {
		ci       string
		wantFail bool
		want     string
	}{
		{ci: "", want: "LOOPSHOP_TEST_POSTGRES=off: a SQLite-only run"},
		{ci: "true", wantFail: true, want: "CI must run the PostgreSQL tests"},
	} {
		t.Run("CI="+tc.ci, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestPostgresOff$", "-test.v")
			cmd.Env = append(os.Environ(), "SQLTEST_OFF_CHILD=1", "LOOPSHOP_TEST_POSTGRES=off", "CI="+tc.ci)
			out, err := cmd.CombinedOutput()
			if failed := err != nil; failed != tc.wantFail {
				t.Errorf("failed: %v, want %v", err, tc.wantFail)
			}
			if !strings.Contains(string(out), tc.want) || strings.Contains(string(out), "PostgreSQL was used") {
				t.Errorf("output does not say %q, or PostgreSQL was used:\n%s", tc.want, out)
			}
			if !tc.wantFail && !strings.Contains(string(out), "--- SKIP") {
				t.Errorf("the test did not skip:\n%s", out)
			}
		})
	}
}
