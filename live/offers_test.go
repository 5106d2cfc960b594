package live_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
)

// What a room offers at a moment: the newest sale not yet ended, even
// sold out, with its time (rounded down) and units left; the newest
// unexpired coupons, MaxOffered at most, left to claim or claimed by the
// viewer.
func TestOffersAt(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	sale := func(id string, started, ends time.Duration, quantity, sold int64) *live.FlashSale {
		return &live.FlashSale{ID: id, Quantity: quantity, Sold: sold, CreatedAt: now.Add(started), EndsAt: now.Add(ends)}
	}
	coupon := func(id string, created, expires time.Duration, quantity, claimed int64, mine bool) *live.OfferedCoupon {
		return &live.OfferedCoupon{Coupon: live.Coupon{ID: id, Quantity: quantity, Claimed: claimed, CreatedAt: now.Add(created), ExpiresAt: now.Add(expires)},
			ViewerClaimed: mine}
	}
	type flash struct {
		id            string
		seconds, left int64
	}
	for _, tt := range []struct {
		name    string
		sales   []*live.FlashSale
		coupons []*live.OfferedCoupon
		flash   *flash
		offered []string
	}{
		{name: "nothing"},
		{name: "a sale 20 s into 60 with one sold",
			sales: []*live.FlashSale{sale("fls_1", -20*time.Second, 40*time.Second, 5, 1)}, flash: &flash{"fls_1", 40, 4}},
		{name: "the countdown rounds down",
			sales: []*live.FlashSale{sale("fls_1", -20*time.Second, 40*time.Second-time.Millisecond, 5, 0)}, flash: &flash{"fls_1", 39, 5}},
		{name: "an ended sale", sales: []*live.FlashSale{sale("fls_1", -60*time.Second, 0, 5, 0)}},
		{name: "the newest running sale, though sold out",
			sales: []*live.FlashSale{sale("fls_new", -5*time.Second, 55*time.Second, 5, 5), sale("fls_old", -30*time.Second, 30*time.Second, 5, 0),
				sale("fls_ended", -2*time.Second, -time.Second, 5, 0)},
			flash: &flash{"fls_new", 55, 0}},
		{name: "coupons left, newest first",
			coupons: []*live.OfferedCoupon{coupon("cpn_old", -2*time.Minute, time.Hour, 10, 3, false), coupon("cpn_new", -time.Minute, time.Hour, 10, 0, false)},
			offered: []string{"cpn_new", "cpn_old"}},
		{name: "an expired coupon and one all claimed",
			coupons: []*live.OfferedCoupon{coupon("cpn_expired", -2*time.Hour, 0, 10, 0, false), coupon("cpn_spent", -time.Minute, time.Hour, 2, 2, false)}},
		{name: "all claimed, one by the viewer",
			coupons: []*live.OfferedCoupon{coupon("cpn_mine", -time.Minute, time.Hour, 2, 2, true)}, offered: []string{"cpn_mine"}},
		{name: "at most MaxOffered",
			coupons: []*live.OfferedCoupon{coupon("cpn_1", -4*time.Minute, time.Hour, 1, 0, false), coupon("cpn_2", -3*time.Minute, time.Hour, 1, 0, false),
				coupon("cpn_3", -2*time.Minute, time.Hour, 1, 0, false), coupon("cpn_4", -time.Minute, time.Hour, 1, 0, false)},
			offered: []string{"cpn_4", "cpn_3", "cpn_2"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := live.OffersAt(now, tt.sales, tt.coupons)
			switch {
			case tt.flash == nil && o.Flash != nil:
				t.Errorf("flash sale %+v; want none", o.Flash)
			case tt.flash != nil && (o.Flash == nil || o.Flash.ID != tt.flash.id || o.Flash.SecondsLeft != tt.flash.seconds || o.Flash.UnitsLeft != tt.flash.left):
				t.Errorf("flash sale %+v; want %s with %d s and %d units left", o.Flash, tt.flash.id, tt.flash.seconds, tt.flash.left)
			}
			var got []string
			for _, c := range o.Coupons {
				got = append(got, c.ID)
				if c.Left != c.Quantity-c.Claimed {
					t.Errorf("coupon %s: %d left; want %d", c.ID, c.Left, c.Quantity-c.Claimed)
				}
			}
			if o.Coupons == nil || !slices.Equal(got, tt.offered) {
				t.Errorf("coupons %v; want %v", got, tt.offered)
			}
		})
	}
}

// A viewer who joins a room late is offered what those there from the
// start were: the running flash sale with its time and units left, and
// the coupons still to claim, marked once the viewer has claimed one;
// not an ended sale, an expired coupon or one all claimed.
func TestLateViewerIsOffered(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		clock := &testkit.Clock{}
		clock.Set(time.Now().UTC().Truncate(time.Second))
		w, s := newWorld(t, r), newServer(t, r, testkit.WithClock(clock))
		seller, shop, serum := w.shop("GB", "Glow")
		w.stock(seller, serum, 10)
		room, err := s.live.CreateRoom(ctx, seller, live.NewRoom{ShopID: shop.ID, Title: "Glow hour", StreamURL: "https://media.example.com/g.m3u8", Products: []string{serum.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.live.Start(ctx, seller, room.ID); err != nil {
			t.Fatal(err)
		}
		offers := func(viewer *identity.Actor) *live.Offers {
			t.Helper()
			room, err := s.live.Room(ctx, room.ID)
			if err != nil {
				t.Fatal(err)
			}
			o, err := s.live.Offers(ctx, viewer, room)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		if o := offers(nil); o.Flash != nil || len(o.Coupons) != 0 {
			t.Errorf("a room that has offered nothing offers %+v", o)
		}

		// A 10 s sale that ends, then a 60 s one.
		if _, err := s.live.StartFlash(ctx, seller, room.ID, live.NewFlash{SKUID: serum.SKUs[0].ID, Price: 900, Quantity: 5, PerBuyer: 1, Seconds: 10}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(11 * time.Second)
		if o := offers(nil); o.Flash != nil {
			t.Errorf("after the sale ended the room offers %+v", o.Flash)
		}
		f, err := s.live.StartFlash(ctx, seller, room.ID, live.NewFlash{SKUID: serum.SKUs[0].ID, Price: 1000, Quantity: 5, PerBuyer: 1, Seconds: 60})
		if err != nil {
			t.Fatal(err)
		}
		spent, err := s.live.StartCoupon(ctx, seller, room.ID, live.NewCoupon{AmountOff: 300, Quantity: 1, Hours: 24})
		if err != nil {
			t.Fatal(err)
		}
		hour, err := s.live.StartCoupon(ctx, seller, room.ID, live.NewCoupon{AmountOff: 100, Quantity: 10, Hours: 1})
		if err != nil {
			t.Fatal(err)
		}
		day, err := s.live.StartCoupon(ctx, seller, room.ID, live.NewCoupon{AmountOff: 200, MinSpend: 1000, Quantity: 10, Hours: 24})
		if err != nil {
			t.Fatal(err)
		}
		ann, bob := w.account("GB", false), w.account("GB", false)
		if _, err := s.live.ClaimCoupon(ctx, bob, spent.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.live.ClaimCoupon(ctx, ann, day.ID); err != nil {
			t.Fatal(err)
		}

		clock.Advance(20 * time.Second)
		c, err := s.orders.Checkout(ctx, bob, "flash", order.CheckoutRequest{Items: []order.CartItem{{SKUID: serum.SKUs[0].ID, Quantity: 1, FlashSaleID: f.ID}},
			ShipTo:  order.Address{Name: "Bob", Line1: "1 High Street", City: "London", PostalCode: "N1 1AA"},
			Payment: order.PaymentRequest{Method: payment.MethodCard, Card: &payment.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2040, CVC: "123"}}})
		if err != nil || c.Status != order.CheckoutPaid {
			t.Fatalf("checkout: %+v %v", c, err)
		}

		ids := func(cs []*live.OfferedCoupon) (ids []string, mine []string) {
			for _, c := range cs {
				ids = append(ids, c.ID)
				if c.ViewerClaimed {
					mine = append(mine, c.ID)
				}
			}
			return ids, mine
		}
		o := offers(ann)
		if o.Flash == nil || o.Flash.ID != f.ID || o.Flash.SecondsLeft != 40 || o.Flash.UnitsLeft != 4 || o.Flash.Product.Title != serum.Title ||
			o.Flash.Product.Price.Currency != "GBP" {
			t.Errorf("20 s into a 60 s sale with one sold, the room offers %+v; want %s, 40 s and 4 units left, with its product", o.Flash, f.ID)
		}
		if got, mine := ids(o.Coupons); !slices.Equal(got, []string{day.ID, hour.ID}) || !slices.Equal(mine, []string{day.ID}) {
			t.Errorf("coupons %v, claimed by the viewer %v; want %v, the first claimed (not the one all claimed)", got, mine, []string{day.ID, hour.ID})
		}
		if _, mine := ids(offers(nil).Coupons); len(mine) != 0 {
			t.Errorf("a visitor is told they claimed %v", mine)
		}
		if got, _ := ids(offers(bob).Coupons); !slices.Equal(got, []string{day.ID, hour.ID, spent.ID}) {
			t.Errorf("the viewer who claimed the last of a coupon is offered %v; want it among them, claimed", got)
		}

		clock.Advance(time.Hour)
		o = offers(ann)
		if got, _ := ids(o.Coupons); o.Flash != nil || !slices.Equal(got, []string{day.ID}) {
			t.Errorf("an hour later the room offers %+v and %v; want no sale and only the day's coupon", o.Flash, got)
		}
	})
}
