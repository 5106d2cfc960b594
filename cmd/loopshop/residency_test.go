package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// TestResidency signs people up and opens shops in markets of every region
// over HTTP, then reads each region's database directly: every row there
// must belong to a market of that region, and the global directory must
// hold no personal data.
func TestResidency(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		m := startMain(t, engine)
		c := newClient(t, m)
		markets := []string{"GB", "DE", "US", "ID"}
		for _, mkt := range markets {
			lower := strings.ToLower(mkt)
			email := "seller-" + lower + "@example.com"
			v := vars{}
			runSteps(t, c, v, []step{
				{Name: mkt + " sign up", Method: "POST", Path: "/api/v1/accounts", Body: signUpBody(mkt, email), Status: 201},
				{Name: mkt + " log in", Method: "POST", Path: "/api/v1/sessions", Body: loginBody(email), Status: 201, Check: save("token", "token")},
				{Name: mkt + " open a shop", Method: "POST", Path: "/api/v1/shops", As: "token", Body: `{"name": "Shop ` + mkt + `"}`,
					Header: map[string]string{"Idempotency-Key": "open-shop-" + lower}, Status: 201, Check: save("shop", "id")},
				{Name: mkt + " list a product", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "token",
					Body: `{"title": "Tea", "category": "food", "options": [{"name": "Weight", "values": ["50 g", "100 g"]}],
						"skus": [{"price": 1000, "seller_sku": "T-1", "options": ["50 g"], "stock": 5}, {"price": 2000, "seller_sku": "T-2", "options": ["100 g"]}], "publish": true}`, Status: 201},
			})
		}

		// What each table's rows belong to: a market per row.
		tables := map[string]string{
			"accounts":         `SELECT market FROM accounts`,
			"sessions":         `SELECT COALESCE(a.market, '?') FROM sessions s LEFT JOIN accounts a ON a.id = s.account_id`,
			"shops":            `SELECT market FROM shops`,
			"shop_members":     `SELECT COALESCE(s.market, '?') || COALESCE(a.market, '?') FROM shop_members sm LEFT JOIN shops s ON s.id = sm.shop_id LEFT JOIN accounts a ON a.id = sm.account_id`,
			"warehouses":       `SELECT market FROM warehouses`,
			"products":         `SELECT market FROM products`,
			"skus":             `SELECT COALESCE(p.market, '?') FROM skus k LEFT JOIN products p ON p.id = k.product_id`,
			"idempotency_keys": `SELECT scope FROM idempotency_keys`,
		}
		// got[region][table][market] counts rows.
		got := map[string]map[string]map[string]int{}
		for _, region := range m.Router.RegionNames() {
			got[region] = map[string]map[string]int{}
			for table, query := range tables {
				counts := map[string]int{}
				err := m.Router.Region(region).Read().Query(ctx, query, nil, func(rows *sql.Rows) error {
					var owner string
					if err := rows.Scan(&owner); err != nil {
						return err
					}
					switch {
					case table == "idempotency_keys":
						// Keys are scoped to the account that sent them.
						mkt, ok := loopshop.MarketOf(owner)
						if !ok {
							return fmt.Errorf("idempotency scope %q is not an account ID", owner)
						}
						owner = mkt
					case table == "shop_members":
						// A member and its shop are of one market.
						if owner[:2] != owner[2:] {
							return fmt.Errorf("shop member of market %s in a shop of market %s", owner[2:], owner[:2])
						}
						owner = owner[:2]
					}
					counts[owner]++
					return nil
				})
				if err != nil {
					t.Fatalf("region %s, table %s: %v", region, table, err)
				}
				got[region][table] = counts
			}
		}

		one := func(markets ...string) map[string]int {
			out := map[string]int{}
			for _, mkt := range markets {
				out[mkt] = 1
			}
			return out
		}
		two := func(markets ...string) map[string]int {
			out := one(markets...)
			for k := range out {
				out[k] = 2
			}
			return out
		}
		region := func(markets ...string) map[string]map[string]int {
			return map[string]map[string]int{
				"accounts": one(markets...), "sessions": one(markets...), "shops": one(markets...), "shop_members": one(markets...),
				"warehouses": one(markets...), "products": one(markets...), "skus": two(markets...), "idempotency_keys": one(markets...),
			}
		}
		want := map[string]map[string]map[string]int{
			"eu":  region("GB", "DE"),
			"us":  region("US"),
			"sea": region("ID"),
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("rows per region, table and market (-want +got):\n%s", diff)
		}
		for reg, tables := range got {
			for table, counts := range tables {
				for mkt := range counts {
					mk, err := m.Router.Markets().Get(mkt)
					if err != nil || mk.Region != reg {
						t.Errorf("region %s holds %s rows of market %q, which belongs to region %q", reg, table, mkt, mk.Region)
					}
				}
			}
		}

		// Whatever tables there are now or later, no value in a region
		// names an object, market or person of another region's market.
		emails := map[string]string{}
		for _, mkt := range markets {
			emails["seller-"+strings.ToLower(mkt)+"@example.com"] = mkt
		}
		for _, reg := range m.Router.RegionNames() {
			db := m.Router.Region(reg)
			foreign := func(mkt string) bool {
				mk, err := m.Router.Markets().Get(mkt)
				return err == nil && mk.Region != reg
			}
			for _, table := range tableNames(t, db) {
				err := db.Read().Query(ctx, `SELECT * FROM `+table, nil, func(rows *sql.Rows) error {
					cols, err := rows.Columns()
					if err != nil {
						return err
					}
					vals := make([]any, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					if err := rows.Scan(ptrs...); err != nil {
						return err
					}
					for i, val := range vals {
						var s string
						switch x := val.(type) {
						case string:
							s = x
						case []byte:
							s = string(x)
						default:
							continue
						}
						mkt, isID := loopshop.MarketOf(s)
						switch {
						case isID && foreign(mkt):
							t.Errorf("region %s: %s.%s holds ID %s of market %s", reg, table, cols[i], s, mkt)
						case len(s) == 2 && foreign(s):
							t.Errorf("region %s: %s.%s holds market %s", reg, table, cols[i], s)
						case foreign(emails[s]):
							t.Errorf("region %s: %s.%s holds the e-mail address of a %s account", reg, table, cols[i], emails[s])
						}
					}
					return nil
				})
				if err != nil {
					t.Fatalf("region %s, table %s: %v", reg, table, err)
				}
			}
		}

		// The directory holds a keyed hash and a market per login, and no
		// e-mail address.
		var logins []string
		err := m.Router.Directory().Read().Query(ctx, `SELECT login_hash, market FROM logins ORDER BY market`, nil, func(rows *sql.Rows) error {
			var hash, mkt string
			if err := rows.Scan(&hash, &mkt); err != nil {
				return err
			}
			if strings.Contains(hash, "@") || strings.Contains(hash, "example") || len(hash) != 64 {
				t.Errorf("directory login_hash %q is not a 64-digit hash", hash)
			}
			logins = append(logins, mkt)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"DE", "GB", "ID", "US"}, logins); diff != "" {
			t.Errorf("directory markets (-want +got):\n%s", diff)
		}
	})
}

// tableNames lists the tables of db's schema.
func tableNames(t *testing.T, db *sqlstore.DB) []string {
	t.Helper()
	query := `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`
	if db.Engine() == sqlstore.SQLite {
		query = `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1`
	}
	var names []string
	err := db.Read().Query(context.Background(), query, nil, func(rows *sql.Rows) error {
		var n string
		err := rows.Scan(&n)
		names = append(names, n)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 8 {
		t.Fatalf("found only tables %v", names)
	}
	return names
}
