package payout_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/ledger"
	"github.com/loopshop/loopshop/payout"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// settle books a completed £100 order of the shop, leaving it owed £80.
func settle(t *testing.T, books ledger.Store, shopID, orderID string) {
	t.Helper()
	ctx := context.Background()
	paid, err := ledger.Paid(ledger.Payment{Market: "GB", Currency: "GBP", OrderID: orderID, Provider: "testcard", Amount: 10000, At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	settled, err := ledger.Settled(ledger.Settlement{Market: "GB", Currency: "GBP", OrderID: orderID, ShopID: shopID, Held: 10000,
		Tax: 1667, Commission: 333, At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	for _, tx := range []*ledger.Transaction{paid, settled} {
		if _, err := books.Post(ctx, tx); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPayoutsAndHolds(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		books := sqlstore.NewLedgerStore(r)
		svc := payout.NewService(books, r.Markets())
		shop := payout.Shop{ID: loopshop.NewID("shp", "GB"), Market: "GB"}
		owner := &identity.Actor{AccountID: "acc_gb_owner", Market: "GB", Shops: map[string]identity.ShopRole{shop.ID: identity.ShopOwner}}
		staff := &identity.Actor{AccountID: "acc_gb_staff", Market: "GB", Shops: map[string]identity.ShopRole{shop.ID: identity.ShopStaff}}
		finance := &identity.Actor{AccountID: "acc_gb_fin", Market: "GB", StaffRoles: []identity.StaffRole{identity.RoleFinance},
			ClearedMarkets: map[string]bool{"GB": true}}
		settle(t, books, shop.ID, loopshop.NewID("ord", "GB"))

		b, err := svc.Balance(ctx, owner, shop)
		if err != nil || b.Available.Amount != 8000 || b.Held.Amount != 0 {
			t.Fatalf("balance %+v, %v; want £80.00 available", b, err)
		}
		if _, err := svc.Pay(ctx, staff, shop, "k0", 100); loopshop.ErrorCode(err) != loopshop.EFORBIDDEN {
			t.Errorf("shop staff paying out: %v, want forbidden", err)
		}
		if _, err := svc.Hold(ctx, owner, shop, "case-1", 100, "own hold"); loopshop.ErrorCode(err) != loopshop.EFORBIDDEN {
			t.Errorf("the owner holding their own money: %v, want forbidden", err)
		}
		if b, err = svc.Hold(ctx, finance, shop, "case-1", 3000, "chargeback under review"); err != nil || b.Available.Amount != 5000 || b.Held.Amount != 3000 {
			t.Fatalf("after a £30 hold: %+v, %v; want £50 available, £30 held", b, err)
		}
		if _, err := svc.Pay(ctx, owner, shop, "k1", 6000); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Errorf("paying out more than is available: %v, want a conflict", err)
		}
		// Eight payouts of £10 race for the £50: exactly five are paid.
		var paid atomic.Int64
		var won sync.Map
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				key := "race-" + string(rune('a'+i))
				if _, err := svc.Pay(ctx, owner, shop, key, 1000); err == nil {
					paid.Add(1)
					won.Store("key", key)
				}
			})
		}
		wg.Wait()
		if paid.Load() != 5 {
			t.Errorf("%d of 8 racing £10 payouts went through; want 5", paid.Load())
		}
		// A replayed payout is the same payout, not a second one.
		key, _ := won.Load("key")
		if _, err := svc.Pay(ctx, owner, shop, key.(string), 1000); err != nil {
			t.Errorf("replaying a payout: %v", err)
		}
		if b, _ := svc.Balance(ctx, owner, shop); b.Available.Amount != 0 {
			t.Errorf("after the race and a replay £%v is available, want 0", b.Available)
		}
		if b, err = svc.Release(ctx, finance, shop, "case-1", 3000, "chargeback won"); err != nil || b.Available.Amount != 3000 || b.Held.Amount != 0 {
			t.Errorf("after the release: %+v, %v; want £30 available", b, err)
		}
		if p, err := svc.Pay(ctx, owner, shop, "all", 0); err != nil || p.Amount.Amount != 3000 {
			t.Errorf("paying out everything: %+v, %v; want £30", p, err)
		}
		if err := books.Check(ctx, "eu"); err != nil {
			t.Errorf("books: %v", err)
		}
	})
}
