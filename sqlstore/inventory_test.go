package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
)

// seedSKU makes a GB seller with a shop and a one-SKU product, and returns
// the catalog service, the seller and the SKU.
func seedSKU(t *testing.T, r *sqlstore.Router) (*catalog.Service, *identity.Actor, *catalog.Product) {
	t.Helper()
	ctx := context.Background()
	ids := identity.NewService(sqlstore.NewIdentityStore(r), r.Markets(), "k", 3600e9)
	acc, err := ids.SignUp(ctx, identity.SignUp{Market: "GB", Email: "seller@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	seller := &identity.Actor{AccountID: acc.ID, Market: "GB"}
	cat := testkit.Platform(t, r).Catalog
	shop, err := cat.CreateShop(ctx, seller, catalog.NewShop{Name: "Stock Shop"})
	if err != nil {
		t.Fatal(err)
	}
	seller.Shops = map[string]identity.ShopRole{shop.ID: identity.ShopOwner}
	p, err := cat.CreateProduct(ctx, seller, shop.ID, catalog.NewProduct{Title: "Mug", Category: "home", SKUs: []catalog.NewSKU{{SellerSKU: "MUG-1", Price: 899}}}, true)
	if err != nil {
		t.Fatal(err)
	}
	return cat, seller, p
}

func TestStockAdjustmentsAreAtomicUnderConcurrency(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		cat, seller, p := seedSKU(t, r)
		sku := p.SKUs[0].ID

		const workers, each = 8, 10
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					if _, err := cat.AdjustStock(ctx, seller, catalog.AdjustStock{SKUID: sku, Delta: 3, Reason: catalog.ReasonRestock}); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		stock, err := cat.StockOfProduct(ctx, seller, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(stock) != 1 || stock[0].Available != workers*each*3 {
			t.Fatalf("stock = %+v, want one row with %d available", stock, workers*each*3)
		}
		hist, err := cat.StockHistory(ctx, seller, sku, 200)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != workers*each {
			t.Errorf("history has %d adjustments, want %d", len(hist), workers*each)
		}
	})
}

func TestStockCannotGoBelowZero(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		cat, seller, p := seedSKU(t, r)
		sku := p.SKUs[0].ID
		if _, err := cat.AdjustStock(ctx, seller, catalog.AdjustStock{SKUID: sku, Delta: 5, Reason: catalog.ReasonRestock}); err != nil {
			t.Fatal(err)
		}
		_, err := cat.AdjustStock(ctx, seller, catalog.AdjustStock{SKUID: sku, Delta: -6, Reason: catalog.ReasonDamaged})
		if err == nil {
			t.Fatal("removing 6 of 5 units succeeded")
		}
		if got, want := err.Error(), "conflict: delta: cannot remove 6 units: only 5 are available (0 more are reserved by open checkouts)"; got != want {
			t.Errorf("error = %q, want %q", got, want)
		}
		zero := int64(0)
		st, err := cat.AdjustStock(ctx, seller, catalog.AdjustStock{SKUID: sku, SetAvailable: &zero, Reason: catalog.ReasonCount})
		if err != nil || st.Available != 0 || st.Received != 0 {
			t.Fatalf("set available 0: %+v, %v", st, err)
		}

		// The CHECK constraint is the backstop if code ever tried.
		db, _ := r.ForMarket("GB")
		err = db.WriteTx(ctx, func(tx *sqlstore.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE inventory SET reserved = received + 1 WHERE sku_id = ?`, sku)
			return err
		})
		if !errors.Is(err, sqlstore.ErrCheckViolation) {
			t.Errorf("reserving more than received: got %v, want ErrCheckViolation", err)
		}
	})
}

func TestStockAdjustmentNeedsTheShop(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		cat, _, p := seedSKU(t, r)
		stranger := &identity.Actor{AccountID: "acc_gb_someoneelse", Market: "GB"}
		_, err := cat.AdjustStock(ctx, stranger, catalog.AdjustStock{SKUID: p.SKUs[0].ID, Delta: 1, Reason: catalog.ReasonRestock})
		if err == nil || err.Error() != "not_found: SKU not found" {
			t.Errorf("stranger adjusting stock: got %v, want SKU not found", err)
		}
	})
}
