package live_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
)

// A buyer's claimed coupons are the ones checkout offers: those of the
// buyer's market that the buyer claimed and has not used, soonest to
// expire first, each with its shop's name. A used coupon leaves the list
// (and comes back if its payment is declined), an expired one leaves it,
// and another buyer's claims and other markets' coupons are never in it.
func TestClaimedCoupons(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		now := time.Now().UTC().Truncate(time.Second)
		clock := &testkit.Clock{}
		clock.Set(now)
		w, s := newWorld(t, r), newServer(t, r, testkit.WithClock(clock))
		seller, shop, serum := w.shop("GB", "Glow")
		w.stock(seller, serum, 10)
		otherSeller, otherShop, lamp := w.shop("GB", "Lumen")

		// hand starts a room of the shop and hands out a coupon in it.
		hand := func(host *identity.Actor, shop *catalog.Shop, product *catalog.Product, in live.NewCoupon) *live.Coupon {
			t.Helper()
			room, err := s.live.CreateRoom(ctx, host, live.NewRoom{ShopID: shop.ID, Title: shop.Name + " hour", StreamURL: "https://media.example.com/c.m3u8",
				Products: []string{product.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.live.Start(ctx, host, room.ID); err != nil {
				t.Fatal(err)
			}
			c, err := s.live.StartCoupon(ctx, host, room.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		day := hand(seller, shop, serum, live.NewCoupon{AmountOff: 200, MinSpend: 1000, Quantity: 10, Hours: 24})
		hour := hand(seller, shop, serum, live.NewCoupon{AmountOff: 100, Quantity: 10, Hours: 1})
		spent := hand(seller, shop, serum, live.NewCoupon{AmountOff: 500, MinSpend: 1000, Quantity: 10, Hours: 24})
		twoDays := hand(otherSeller, otherShop, lamp, live.NewCoupon{AmountOff: 300, Quantity: 10, Hours: 48})

		ann, bob, cat := w.account("GB", false), w.account("GB", false), w.account("GB", false)
		for _, claim := range []struct {
			buyer  *identity.Actor
			coupon *live.Coupon
		}{{ann, day}, {ann, hour}, {ann, spent}, {ann, twoDays}, {bob, day}} {
			if _, err := s.live.ClaimCoupon(ctx, claim.buyer, claim.coupon.ID); err != nil {
				t.Fatal(err)
			}
		}
		// A coupon of another market in the same region, which the store
		// would take a claim of though the service would not.
		_, deShop, _ := w.shop("DE", "Kiez")
		store := sqlstore.NewLiveStore(r)
		deRoom := &live.Room{ID: loopshop.NewID("liv", "DE"), Market: "DE", ShopID: deShop.ID, HostName: deShop.Name, Title: "Abendshow",
			StreamURL: "https://media.example.com/de.m3u8", Status: live.Live, ScheduledAt: now, CreatedAt: now}
		if err := store.CreateRoom(ctx, deRoom); err != nil {
			t.Fatal(err)
		}
		de := &live.Coupon{ID: loopshop.NewID("cpn", "DE"), RoomID: deRoom.ID, Market: "DE", ShopID: deShop.ID, AmountOff: day.AmountOff, MinSpend: day.MinSpend,
			Quantity: 10, ExpiresAt: now.Add(24 * time.Hour), CreatedAt: now}
		de.AmountOff.Currency, de.MinSpend.Currency = "EUR", "EUR"
		if err := store.CreateCoupon(ctx, de); err != nil {
			t.Fatal(err)
		}
		if err := store.ClaimCoupon(ctx, de.ID, ann.AccountID, now); err != nil {
			t.Fatal(err)
		}

		buy := func(b *identity.Actor, key, cardNo, couponID, want string) {
			t.Helper()
			co, err := s.orders.Checkout(ctx, b, key, order.CheckoutRequest{Items: []order.CartItem{{SKUID: serum.SKUs[0].ID, Quantity: 1}}, CouponID: couponID,
				ShipTo:  order.Address{Name: "Ada", Line1: "1 High Street", City: "London", PostalCode: "N1 1AA"},
				Payment: order.PaymentRequest{Method: payment.MethodCard, Card: &payment.Card{Number: cardNo, ExpMonth: 12, ExpYear: 2040, CVC: "123"}}})
			if err != nil || co.Status != want {
				t.Fatalf("checkout with coupon %s: %+v %v; want it %s", couponID, co, err, want)
			}
		}
		ids := func(b *identity.Actor) []string {
			t.Helper()
			cs, err := s.live.ClaimedCoupons(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			out := []string{}
			for _, c := range cs {
				out = append(out, c.ID)
			}
			return out
		}
		if got, want := ids(ann), []string{hour.ID, day.ID, spent.ID, twoDays.ID}; !slices.Equal(got, want) {
			t.Errorf("ann's coupons %v; want %v, soonest to expire first", got, want)
		}
		buy(ann, "declined", "4000000000000002", spent.ID, order.CheckoutDeclined)
		if got, want := ids(ann), []string{hour.ID, day.ID, spent.ID, twoDays.ID}; !slices.Equal(got, want) {
			t.Errorf("after a declined payment ann's coupons are %v; want %v, the coupon given back", got, want)
		}
		buy(ann, "paid", "4242424242424242", spent.ID, order.CheckoutPaid)
		if got, want := ids(ann), []string{hour.ID, day.ID, twoDays.ID}; !slices.Equal(got, want) {
			t.Errorf("after paying with a coupon ann's coupons are %v; want %v, the used one gone", got, want)
		}
		cs, err := s.live.ClaimedCoupons(ctx, ann)
		if err != nil {
			t.Fatal(err)
		}
		if c := cs[1]; c.ShopName != "Glow" || c.ShopID != shop.ID || c.AmountOff.Amount != 200 || c.AmountOff.Currency != "GBP" ||
			c.MinSpend.Amount != 1000 || !c.ExpiresAt.Equal(now.Add(24*time.Hour)) || c.Market != "GB" {
			t.Errorf("coupon %+v; want Glow's 2.00 off 10.00, until a day from now", c)
		}
		if cs[2].ShopName != "Lumen" {
			t.Errorf("coupon %+v; want Lumen's", cs[2])
		}

		// Two hours on, the hour's coupon has expired.
		now = now.Add(2 * time.Hour)
		clock.Set(now)
		if got, want := ids(ann), []string{day.ID, twoDays.ID}; !slices.Equal(got, want) {
			t.Errorf("two hours on ann's coupons are %v; want %v, the expired one gone", got, want)
		}
		if got, want := ids(bob), []string{day.ID}; !slices.Equal(got, want) {
			t.Errorf("bob's coupons %v; want only the one bob claimed", got)
		}
		if got := ids(cat); len(got) != 0 {
			t.Errorf("cat's coupons %v; want none, cat claimed none", got)
		}
		if _, err := s.live.ClaimedCoupons(ctx, nil); loopshop.ErrorCode(err) != loopshop.EUNAUTHORIZED {
			t.Errorf("coupons of nobody signed in: %v; want unauthorized", err)
		}
	})
}
