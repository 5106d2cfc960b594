package sqltest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/sqlstore"
)

// withTemplateLock runs fn on a session holding the templates' advisory
// lock, as ensurePostgresTemplate does.
func withTemplateLock(t *testing.T, fn func(ctx context.Context, conn *sql.Conn)) {
	t.Helper()
	admin := requirePostgres(t)
	ctx := context.Background()
	conn, err := admin.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(pgLockKey)); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, int64(pgLockKey))
	fn(ctx, conn)
}

func databaseExists(t *testing.T, conn *sql.Conn, name string) (exists, template, allowConn bool) {
	t.Helper()
	err := conn.QueryRowContext(context.Background(), `SELECT true, datistemplate, datallowconn FROM pg_database WHERE datname = $1`, name).Scan(&exists, &template, &allowConn)
	if err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return exists, template, allowConn
}

// A template is published complete: a template nobody can connect to,
// whose copies are migrated.
func TestBuildPostgresTemplate(t *testing.T) {
	_, inputs, err := postgresTemplateName()
	if err != nil {
		t.Fatal(err)
	}
	name := pgTemplatePrefix + "test_" + strings.ToLower(loopshop.RandomToken(5))
	withTemplateLock(t, func(ctx context.Context, conn *sql.Conn) {
		if err := buildPostgresTemplate(ctx, conn, name, inputs); err != nil {
			t.Fatal(err)
		}
		defer dropDatabase(ctx, conn, name, true)
		if exists, template, allowConn := databaseExists(t, conn, name); !exists || !template || allowConn {
			t.Errorf("template: exists %v, template %v, connections allowed %v; want true, true, false", exists, template, allowConn)
		}
		if exists, _, _ := databaseExists(t, conn, name+"_build"); exists {
			t.Error("the build database is left")
		}
		var comment string
		if err := conn.QueryRowContext(ctx, `SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1`, name).Scan(&comment); err != nil {
			t.Fatal(err)
		}
		if built, err := time.Parse(time.RFC3339, comment[strings.LastIndexByte(comment, ' ')+1:]); err != nil || time.Since(built) > time.Minute {
			t.Errorf("comment %q does not end with the time built (%v)", comment, err)
		}
		cp := name + "_copy"
		if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+cp+` TEMPLATE `+name); err != nil {
			t.Fatal(err)
		}
		defer dropDatabase(ctx, conn, cp, true)
		for _, n := range append(append([]string{}, layout.regions...), layout.directory) {
			u, err := postgresURL(cp, pgSchema(n))
			if err != nil {
				t.Fatal(err)
			}
			db, err := sqlstore.Open(ctx, u, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			cur, latest, err := db.MigrationVersion(ctx, kindOf(n))
			db.Close()
			if err != nil || cur != latest || cur < 1 {
				t.Errorf("schema %s of a copy: version %d of %d (%v)", n, cur, latest, err)
			}
		}
	})
}

// The sweep drops a copy whose process has ended (its owner lock is free)
// and a half-built template (its builder would hold the lock the sweep
// holds), and keeps this process's copies and the template.
func TestSweepDropsWhatEndedProcessesLeft(t *testing.T) {
	admin := requirePostgres(t)
	mine, err := ownerToken()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := postgresTemplate(admin)
	if err != nil {
		t.Fatal(err)
	}
	// Token 0 is as good as never drawn: nobody holds it.
	ended := fmt.Sprintf("%s%d_%s", pgCopyPrefix, 0, strings.ToLower(loopshop.RandomToken(5)))
	live := fmt.Sprintf("%s%d_%s", pgCopyPrefix, mine, strings.ToLower(loopshop.RandomToken(5)))
	build := pgTemplatePrefix + "test_" + strings.ToLower(loopshop.RandomToken(5)) + "_build"
	for _, n := range []string{ended, live} {
		if _, err := admin.Exec(`CREATE DATABASE ` + n + ` TEMPLATE ` + tmpl); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := admin.Exec(`CREATE DATABASE ` + build + ` TEMPLATE template0`); err != nil {
		t.Fatal(err)
	}
	withTemplateLock(t, func(ctx context.Context, conn *sql.Conn) {
		defer dropDatabase(ctx, conn, live, true)
		defer dropDatabase(ctx, conn, ended, true)
		defer dropDatabase(ctx, conn, build, true)
		sweepPostgres(ctx, conn, tmpl)
		for n, want := range map[string]bool{ended: false, live: true, build: false, tmpl: true} {
			if exists, _, _ := databaseExists(t, conn, n); exists != want {
				t.Errorf("after the sweep %s exists: %v, want %v", n, exists, want)
			}
		}
	})
}

// When another process has dropped the template, a copy builds it again.
func TestCopyRebuildsAMissingTemplate(t *testing.T) {
	admin := requirePostgres(t)
	if _, err := postgresTemplate(admin); err != nil {
		t.Fatal(err)
	}
	pgTemplate.mu.Lock()
	want := pgTemplate.name
	pgTemplate.name = pgTemplatePrefix + "gone"
	pgTemplate.mu.Unlock()
	defer func() {
		pgTemplate.mu.Lock()
		pgTemplate.name = want
		pgTemplate.mu.Unlock()
	}()
	db := postgresCopy(t)
	if pgTemplate.name != want {
		t.Errorf("template %s, want %s", pgTemplate.name, want)
	}
	u := mustPostgresURL(t, db, pgSchema(layout.directory))
	d, err := sqlstore.Open(context.Background(), u, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if cur, latest, err := d.MigrationVersion(context.Background(), sqlstore.DirectorySchema); err != nil || cur != latest {
		t.Errorf("copy at version %d of %d (%v)", cur, latest, err)
	}
}
