package order_test

import (
	"context"
	"testing"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/deal"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
	"github.com/loopshop/loopshop/university"
)

// coupons is the coupons buyers claimed, as package live would find them.
type coupons map[string]*deal.Coupon // by ID, all claimed by the one buyer

func (c coupons) CouponOffer(_ context.Context, id, _ string) (*deal.Coupon, error) {
	if o, ok := c[id]; ok {
		return o, nil
	}
	return nil, loopshop.ErrNotFound
}

// A quote with a coupon is the checkout's price with the coupon off its
// shop's order, shipping charged on what is left; a coupon checkout would
// refuse is refused the same way, on coupon_id.
func TestQuoteCoupon(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		teaSeller, teaShop := e.seller("GB", "Tea Room")
		mugSeller, mugShop := e.seller("GB", "Mug House")
		tea := e.product(teaSeller, teaShop, "Green tea", 1200, 10) // £12.00, 300 g: £2.99 to ship
		mug := e.product(mugSeller, mugShop, "Mug", 2500, 5)        // £25.00: over the £20 free-shipping threshold
		b := e.buyer("GB")
		items := buy(tea, 1, mug, 1)

		if _, err := e.orders.QuoteCoupon(ctx, b, items, "cpn_gb_any"); loopshop.ErrorField(err) != "coupon_id" {
			t.Errorf("a coupon where coupons are not open: %v; want it refused on coupon_id", err)
		}
		day := time.Now().Add(24 * time.Hour)
		e.withCoupons(coupons{
			"tea":     {ID: "tea", Market: "GB", ShopID: teaShop.ID, AmountOff: 300, MinSpend: 1000, ExpiresAt: day},
			"mug":     {ID: "mug", Market: "GB", ShopID: mugShop.ID, AmountOff: 600, ExpiresAt: day},
			"big":     {ID: "big", Market: "GB", ShopID: mugShop.ID, AmountOff: 9000, ExpiresAt: day},
			"teaMin":  {ID: "teaMin", Market: "GB", ShopID: teaShop.ID, AmountOff: 300, MinSpend: 1500, ExpiresAt: day},
			"other":   {ID: "other", Market: "GB", ShopID: "shp_gb_elsewhere", AmountOff: 300, ExpiresAt: day},
			"expired": {ID: "expired", Market: "GB", ShopID: teaShop.ID, AmountOff: 300, ExpiresAt: time.Now().Add(-time.Minute)},
			"german":  {ID: "german", Market: "DE", ShopID: teaShop.ID, AmountOff: 300, ExpiresAt: day},
		})
		for _, tt := range []struct {
			name, coupon string
			// total is what the buyer pays; teaTotal and mugTotal each
			// shop's order.
			total, teaTotal, mugTotal int64
			field                     string
		}{
			{name: "no coupon", total: 3999, teaTotal: 1200 + 299, mugTotal: 2500},
			{name: "off its shop's order only", coupon: "tea", total: 3699, teaTotal: 900 + 299, mugTotal: 2500},
			// £19.00 left of the mug is short of free shipping.
			{name: "shipping on what is left", coupon: "mug", total: 3698, teaTotal: 1499, mugTotal: 1900 + 299},
			{name: "never more than the order", coupon: "big", total: 1499 + 299, teaTotal: 1499, mugTotal: 299},
			{name: "under its minimum spend", coupon: "teaMin", field: "coupon_id"},
			{name: "for a shop not in the order", coupon: "other", field: "coupon_id"},
			{name: "expired", coupon: "expired", field: "coupon_id"},
			{name: "of another market", coupon: "german", field: "coupon_id"},
			{name: "not claimed", coupon: "nobody", field: "coupon_id"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c, err := e.orders.QuoteCoupon(ctx, b, items, tt.coupon)
				if tt.field != "" {
					if loopshop.ErrorField(err) != tt.field {
						t.Fatalf("got %+v, %v; want it refused on %s", c, err, tt.field)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				totals := map[string]int64{}
				var sum int64
				for _, o := range c.Orders {
					totals[o.ShopID] = o.Total.Amount
					sum += o.Total.Amount
					if o.CouponID != "" && o.CouponID != tt.coupon {
						t.Errorf("order of %s carries coupon %q; want %q or none", o.ShopID, o.CouponID, tt.coupon)
					}
				}
				if c.Total.Amount != tt.total || sum != tt.total || totals[teaShop.ID] != tt.teaTotal || totals[mugShop.ID] != tt.mugTotal {
					t.Errorf("total %d (orders %v, summing to %d); want %d: tea %d, mug %d", c.Total.Amount, totals, sum, tt.total, tt.teaTotal, tt.mugTotal)
				}
			})
		}
		// Quote is the quote with no coupon.
		if c, err := e.orders.Quote(ctx, b, items); err != nil || c.Total.Amount != 3999 {
			t.Errorf("quote %+v, %v; want 39.99", c, err)
		}
		if _, err := e.orders.QuoteCoupon(ctx, nil, items, "tea"); loopshop.ErrorCode(err) != loopshop.EUNAUTHORIZED {
			t.Errorf("a quote signed out: %v; want unauthorized", err)
		}
	})
}

// The quote with a coupon a buyer claimed in a live room is what checkout
// charges with it.
func TestQuoteCouponIsWhatCheckoutCharges(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		// Coupons are claimed through package live.
		rooms := e.p.Live
		teaSeller, teaShop := e.seller("GB", "Tea Room")
		mugSeller, mugShop := e.seller("GB", "Mug House")
		tea := e.product(teaSeller, teaShop, "Green tea", 1299, 10)
		mug := e.product(mugSeller, mugShop, "Mug", 2150, 5)
		room, err := rooms.CreateRoom(ctx, mugSeller, live.NewRoom{ShopID: mugShop.ID, Title: "Mug hour", StreamURL: "https://media.example.com/m.m3u8"})
		if err != nil {
			t.Fatal(err)
		}
		testkit.Certify(t, e.p, mugSeller, university.CapabilityLive)
		if _, err := rooms.Start(ctx, mugSeller, room.ID); err != nil {
			t.Fatal(err)
		}
		cpn, err := rooms.StartCoupon(ctx, mugSeller, room.ID, live.NewCoupon{AmountOff: 333, MinSpend: 2000, Quantity: 5, Hours: 1})
		if err != nil {
			t.Fatal(err)
		}
		b := e.buyer("GB")
		if _, err := rooms.ClaimCoupon(ctx, b, cpn.ID); err != nil {
			t.Fatal(err)
		}
		items := buy(tea, 2, mug, 1)
		q, err := e.orders.QuoteCoupon(ctx, b, items, cpn.ID)
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.orders.Checkout(ctx, b, "key-1", order.CheckoutRequest{Items: items, CouponID: cpn.ID, ShipTo: gbAddress, Payment: card("4242424242424242")})
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != order.CheckoutPaid || c.Total != q.Total || len(c.Orders) != len(q.Orders) {
			t.Fatalf("checkout %s of %d orders, total %v; want PAID, the quote's %d orders and total %v", c.Status, len(c.Orders), c.Total, len(q.Orders), q.Total)
		}
		quoted := map[string]*order.Order{}
		for _, o := range q.Orders {
			quoted[o.ShopID] = o
		}
		for _, o := range c.Orders {
			want := quoted[o.ShopID]
			if want == nil {
				t.Fatalf("checkout has an order of %s, which the quote had not", o.ShopID)
			}
			if o.Total != want.Total || o.Discount.Amount != want.Discount.Amount || o.Tax != want.Tax || o.ShippingFee != want.ShippingFee || o.CouponID != want.CouponID {
				t.Errorf("order of %s: total %v discount %v tax %v shipping %v coupon %q; the quote said %v %v %v %v %q", o.ShopID, o.Total, o.Discount, o.Tax, o.ShippingFee, o.CouponID,
					want.Total, want.Discount, want.Tax, want.ShippingFee, want.CouponID)
			}
		}
		// £21.50 less £3.33 is under the £20 free-shipping threshold.
		if mugOrder := quoted[mugShop.ID]; mugOrder.Discount.Amount != 333 || mugOrder.ShippingFee.Amount == 0 {
			t.Errorf("mug order: discount %v shipping %v; want 3.33 off and shipping charged on the 18.17 left", mugOrder.Discount, mugOrder.ShippingFee)
		}
		// Used, the coupon is quoted no more.
		if _, err := e.orders.QuoteCoupon(ctx, b, items, cpn.ID); loopshop.ErrorField(err) != "coupon_id" {
			t.Errorf("a used coupon: %v; want it refused on coupon_id", err)
		}
	})
}
