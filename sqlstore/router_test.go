package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

func TestMigrateTwiceAndVersion(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		db := sqltest.DB(t, engine, sqlstore.RegionSchema)
		if err := db.Migrate(ctx, sqlstore.RegionSchema); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		cur, latest, err := db.MigrationVersion(ctx, sqlstore.RegionSchema)
		if err != nil {
			t.Fatal(err)
		}
		if cur != latest || cur < 1 {
			t.Errorf("version %d, latest %d; want equal and ≥ 1", cur, latest)
		}
	})
}

func TestErrorsTranslateToSentinels(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		db := sqltest.DB(t, engine, sqlstore.DirectorySchema)
		insert := func() error {
			return db.WriteTx(ctx, func(tx *sqlstore.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO logins (login_hash, market, created_at) VALUES (?, ?, ?)`, "h1", "GB", time.Now().UTC())
				return err
			})
		}
		if err := insert(); err != nil {
			t.Fatal(err)
		}
		if err := insert(); !errors.Is(err, loopshop.ErrAlreadyExists) {
			t.Errorf("duplicate insert: got %v, want ErrAlreadyExists", err)
		}
		var m string
		err := db.Read().Get(ctx, `SELECT market FROM logins WHERE login_hash = ?`, []any{"nope"}, &m)
		if !errors.Is(err, loopshop.ErrNotFound) {
			t.Errorf("missing row: got %v, want ErrNotFound", err)
		}
	})
}

func TestTimesRoundTripInUTC(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		db := sqltest.DB(t, engine, sqlstore.DirectorySchema)
		at := time.Date(2026, 3, 29, 1, 30, 0, 123456000, time.FixedZone("CEST", 2*3600))
		if err := db.WriteTx(ctx, func(tx *sqlstore.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO logins (login_hash, market, created_at) VALUES (?, ?, ?)`, "h", "GB", at.UTC())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var got time.Time
		if err := db.Read().Get(ctx, `SELECT created_at FROM logins`, nil, &got); err != nil {
			t.Fatal(err)
		}
		if !got.Equal(at) || got.Location().String() != "UTC" {
			t.Errorf("got %v (%s), want %v in UTC", got, got.Location(), at.UTC())
		}
	})
}

func TestRouterSendsEachMarketToItsRegion(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		r := sqltest.Router(t, engine)
		for code, region := range map[string]string{"GB": "eu", "de": "eu", "US": "us", "ID": "sea"} {
			db, err := r.ForMarket(code)
			if err != nil {
				t.Fatal(err)
			}
			if db != r.Region(region) {
				t.Errorf("market %s routed to %s, want region %s", code, db, region)
			}
			byID, err := r.ForID(loopshop.NewID("ord", code))
			if err != nil || byID != db {
				t.Errorf("ID of market %s routed to %v (%v), want region %s", code, byID, err, region)
			}
		}
		if _, err := r.ForMarket("ZZ"); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("unknown market: got %v, want not found", err)
		}
		if _, err := r.ForID("ord_zz_whatever"); !errors.Is(err, loopshop.ErrNotFound) {
			t.Errorf("malformed ID: got %v, want ErrNotFound", err)
		}
	})
}
