package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// A room's recent flash sales and coupons read back newest first, only
// those of the room ending or expiring after the time asked, each coupon
// marked if the viewer claimed it: what the service picks a joining
// viewer's offers from.
func TestRoomFlashesAndCoupons(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		_, _, mug := seedSKU(t, r)
		store := sqlstore.NewLiveStore(r)
		now := time.Now().UTC().Truncate(time.Second)
		room := func(title string) *live.Room {
			t.Helper()
			rm := &live.Room{ID: loopshop.NewID("liv", "GB"), Market: "GB", ShopID: mug.ShopID, HostName: "Stock Shop", Title: title,
				StreamURL: "https://media.example.com/a.m3u8", Status: live.Live, ScheduledAt: now, CreatedAt: now}
			if err := store.CreateRoom(ctx, rm); err != nil {
				t.Fatal(err)
			}
			return rm
		}
		here, there := room("Mug hour"), room("Elsewhere")

		flash := func(rm *live.Room, started, ends time.Duration) *live.FlashSale {
			t.Helper()
			f := &live.FlashSale{ID: loopshop.NewID("fls", "GB"), RoomID: rm.ID, Market: "GB", SKUID: mug.SKUs[0].ID, ProductID: mug.ID,
				Price: 500, Quantity: 5, PerBuyer: 1, EndsAt: now.Add(ends), CreatedAt: now.Add(started)}
			if err := store.CreateFlash(ctx, f); err != nil {
				t.Fatal(err)
			}
			return f
		}
		flash(here, -70*time.Second, -10*time.Second) // ended
		older := flash(here, -30*time.Second, 30*time.Second)
		newer := flash(here, -10*time.Second, 50*time.Second)
		flash(there, -10*time.Second, 50*time.Second)

		fs, err := store.RoomFlashes(ctx, here.ID, now, 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []*live.FlashSale{newer, older}
		for _, f := range want {
			f.Product.ProductID = f.ProductID
		}
		if diff := cmp.Diff(want, fs); diff != "" {
			t.Errorf("the room's sales ending after now (-want +got):\n%s", diff)
		}
		if fs, err := store.RoomFlashes(ctx, here.ID, now, 1); err != nil || len(fs) != 1 || fs[0].ID != newer.ID {
			t.Errorf("limit 1: %v %v; want the newest sale", fs, err)
		}

		coupon := func(rm *live.Room, created, expires time.Duration) *live.Coupon {
			t.Helper()
			c := &live.Coupon{ID: loopshop.NewID("cpn", "GB"), RoomID: rm.ID, Market: "GB", ShopID: mug.ShopID, AmountOff: money.New(200, "GBP"),
				MinSpend: money.New(1000, "GBP"), Quantity: 10, ExpiresAt: now.Add(expires), CreatedAt: now.Add(created)}
			if err := store.CreateCoupon(ctx, c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		open := coupon(here, -3*time.Minute, time.Hour)
		claimed := coupon(here, -2*time.Minute, time.Hour)
		coupon(here, -time.Hour, -time.Minute) // expired
		coupon(there, -time.Minute, time.Hour)
		viewer, other := loopshop.NewID("acc", "GB"), loopshop.NewID("acc", "GB")
		for _, buyer := range []string{viewer, other} {
			if err := store.ClaimCoupon(ctx, claimed.ID, buyer, now); err != nil {
				t.Fatal(err)
			}
		}
		claimed.Claimed = 2

		for _, tt := range []struct {
			name   string
			viewer string
			limit  int
			want   []*live.OfferedCoupon
		}{
			{"the viewer who claimed one", viewer, 10, []*live.OfferedCoupon{{Coupon: *claimed, ViewerClaimed: true}, {Coupon: *open}}},
			{"a visitor", "", 10, []*live.OfferedCoupon{{Coupon: *claimed}, {Coupon: *open}}},
			{"limit 1", viewer, 1, []*live.OfferedCoupon{{Coupon: *claimed, ViewerClaimed: true}}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := store.RoomCoupons(ctx, here.ID, tt.viewer, now, tt.limit)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("the room's coupons expiring after now (-want +got):\n%s", diff)
				}
			})
		}
	})
}
