package sqlstore_test

import (
	"context"
	"testing"

	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// Every migration can be rolled back and applied again, on both engines:
// an operator undoing a bad release must not be stuck.
func TestMigrationsRollBackAndReapply(t *testing.T) {
	for _, schema := range []string{sqlstore.RegionSchema, sqlstore.DirectorySchema} {
		sqltest.Each(t, func(t *testing.T, engine string) {
			ctx := context.Background()
			db := sqltest.DB(t, engine, schema)
			if err := db.MigrateDownTo(ctx, schema, 0); err != nil {
				t.Fatalf("down to 0: %v", err)
			}
			if cur, _, err := db.MigrationVersion(ctx, schema); err != nil || cur != 0 {
				t.Fatalf("after rollback: version %d, %v; want 0", cur, err)
			}
			if err := db.Migrate(ctx, schema); err != nil {
				t.Fatalf("up again: %v", err)
			}
		})
	}
}
