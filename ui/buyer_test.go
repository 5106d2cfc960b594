package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/testkit"
	"github.com/loopshop/loopshop/university"
)

func TestBuyerChecksOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.seller(ctx, "GB", "ada@example.com")
	five := int64(5)
	if _, err := e.cat.AdjustStock(ctx, e.gbOwner, catalog.AdjustStock{SKUID: e.mug.SKUs[0].ID, SetAvailable: &five, Reason: catalog.ReasonCount}); err != nil {
		t.Fatal(err)
	}

	// Signed out, the bag asks for a sign-in and comes back to the product.
	r := e.browser().post("/cart/items", url.Values{"product_id": {e.mug.ID}, "sku_id": {e.mug.SKUs[0].ID}, "quantity": {"1"}})
	wantStatus(t, r, http.StatusSeeOther)
	if want := "/login?next=" + url.QueryEscape("/products/"+e.mug.ID); r.Header.Get("Location") != want {
		t.Errorf("adding to the bag signed out goes to %q, want %q", r.Header.Get("Location"), want)
	}

	b := e.signedIn(t, "ada@example.com")
	wantBody(t, b.get("/products/"+e.mug.ID), []string{`action="/cart/items"`, ">Add to bag<"}, []string{"disabled"})
	r = b.post("/cart/items", url.Values{"product_id": {e.mug.ID}, "sku_id": {e.mug.SKUs[0].ID}, "quantity": {"2"}})
	wantStatus(t, r, http.StatusSeeOther)
	// Two mugs: £25.98, over the £20 free-shipping threshold.
	wantBody(t, b.get("/cart"), []string{"Stoneware Mug", `value="2"`, "Shipping free", "£25.98"}, nil)

	form := checkoutForm(t, b)
	form.Set("number", "4000000000000002") // declined
	r = b.post("/checkout", form)
	wantStatus(t, r, http.StatusPaymentRequired)
	wantBody(t, r, []string{`role="alert"`, "declined", "Nothing was charged", `value="Grace Hopper"`}, []string{"4000000000000002"})
	wantBody(t, b.get("/cart"), []string{"Stoneware Mug"}, nil) // still in the bag, to try another card

	form = checkoutForm(t, b)
	r = b.post("/checkout", form)
	wantStatus(t, r, http.StatusSeeOther)
	r = b.get(r.Header.Get("Location"))
	wantBody(t, r, []string{"Your order is placed", "2 × Stoneware Mug", "On hold"}, nil)
	// Sending the same form again buys nothing more.
	wantStatus(t, b.post("/checkout", form), http.StatusSeeOther)
	orders := regexp.MustCompile(`href="/orders/(ord_[a-z0-9_]+)"`).FindAllStringSubmatch(b.get("/orders").body, -1)
	// The declined attempt's order, cancelled, and the paid one: sending
	// the form twice bought once.
	if len(orders) != 2 {
		t.Fatalf("%d orders listed, want 2 (the declined attempt and one purchase sent twice)", len(orders))
	}
	id := orders[0][1] // newest first
	wantBody(t, b.get("/cart"), []string{"Your bag is empty"}, nil)

	// The buyer cancels while the order is on hold.
	r = b.get("/orders/" + id)
	wantBody(t, r, []string{"Cancel order", "Grace"}, nil)
	wantStatus(t, b.post("/orders/"+id+"/cancel", url.Values{"reason": {"changed my mind"}}), http.StatusSeeOther)
	wantBody(t, b.get("/orders/"+id), []string{"Cancelled", "changed my mind"}, []string{"Cancel order"})

	// Nobody else sees the order.
	stranger := e.signedIn(t, "jonas@example.com")
	wantStatus(t, stranger.get("/orders/"+id), http.StatusNotFound)
}

// checkoutForm reads a fresh checkout form (with its one-time key) and
// fills it in with a test card that pays.
func checkoutForm(t *testing.T, b *browser) url.Values {
	t.Helper()
	r := b.get("/checkout")
	wantStatus(t, r, http.StatusOK)
	m := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("the checkout form has no key")
	}
	return url.Values{"key": {m[1]}, "name": {"Grace Hopper"}, "line1": {"1 Navy Way"}, "city": {"Leeds"}, "postal_code": {"LS1 1AA"},
		"method": {"card"}, "number": {"4242 4242 4242 4242"}, "exp": {"12/30"}, "cvc": {"123"}}
}

// A buyer who claimed live rooms' coupons finds those of the shops in the
// checkout offered, each with what it leaves to pay; one the order is too
// small for is shown but cannot be chosen. The coupon leaving the least to
// pay is chosen at first, and the Pay button says what is charged.
func TestCheckoutOffersClaimedCoupons(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	buyer := e.seller(ctx, "GB", "ada@example.com")
	five := int64(5)
	if _, err := e.cat.AdjustStock(ctx, e.gbOwner, catalog.AdjustStock{SKUID: e.mug.SKUs[0].ID, SetAvailable: &five, Reason: catalog.ReasonCount}); err != nil {
		t.Fatal(err)
	}
	// coupon hands a coupon out in a live room of shop.
	coupon := func(shop *catalog.Shop, in live.NewCoupon) *live.Coupon {
		t.Helper()
		room, err := e.rooms.CreateRoom(ctx, e.gbOwner, live.NewRoom{ShopID: shop.ID, Title: "Mug morning", StreamURL: "https://media.example.com/live/mugs.m3u8"})
		if err != nil {
			t.Fatal(err)
		}
		testkit.Certify(t, e.p, e.gbOwner, university.CapabilityLive)
		if _, err := e.rooms.Start(ctx, e.gbOwner, room.ID); err != nil {
			t.Fatal(err)
		}
		c, err := e.rooms.StartCoupon(ctx, e.gbOwner, room.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := coupon(e.gbShop, live.NewCoupon{AmountOff: 200, MinSpend: 2000, Quantity: 10, Hours: 24})
	pound := coupon(e.gbShop, live.NewCoupon{AmountOff: 100, Quantity: 10, Hours: 48})
	elsewhere := coupon(e.shop(ctx, e.gbOwner, "Elsewhere"), live.NewCoupon{AmountOff: 500, Quantity: 10, Hours: 24})
	b := e.signedIn(t, "ada@example.com")
	wantStatus(t, b.post("/cart/items", url.Values{"product_id": {e.mug.ID}, "sku_id": {e.mug.SKUs[0].ID}, "quantity": {"1"}}), http.StatusSeeOther)
	// Nothing claimed, nothing offered, whatever the link says.
	r := b.get("/checkout?coupon=" + c.ID)
	wantBody(t, r, []string{"checkout.js"}, []string{"Your coupons from live rooms", `name="coupon"`})
	wantPay(t, r, "£15.98") // one mug, £12.99, and £2.99 shipping

	for _, cpn := range []*live.Coupon{c, pound, elsewhere} {
		if _, err := e.rooms.ClaimCoupon(ctx, buyer, cpn.ID); err != nil {
			t.Fatal(err)
		}
	}
	// The mug's £12.99 is short of the £20.00 coupon's minimum: it is
	// shown, with why, but cannot be chosen; the £1.00 coupon is chosen.
	// Elsewhere has nothing in the bag: its coupon is not offered.
	offer := "£2.00 off</strong> orders of £20.00 or more, from Hearth Test Shop, until " + c.ExpiresAt.Format("2 Jan 2006 15:04 UTC")
	r = b.get("/checkout")
	wantBody(t, r, []string{"Your coupons from live rooms", offer, "The coupon needs GBP 20.00 spent in its shop; the order comes to GBP 12.99", "you pay £14.98"},
		[]string{elsewhere.ID, "The total to pay is before the coupon"})
	wantCoupons(t, r, map[string]string{
		c.ID:     ` disabled aria-describedby="coupon-` + c.ID + `-refusal"`,
		pound.ID: ` data-pay="Pay £14.98" data-total="£14.98" checked`,
		"":       ` data-pay="Pay £15.98" data-total="£15.98"`,
	})
	wantPay(t, r, "£14.98")
	// "No coupon" chosen stays chosen.
	r = b.get("/checkout?coupon=")
	wantCoupons(t, r, map[string]string{
		c.ID:     ` disabled aria-describedby="coupon-` + c.ID + `-refusal"`,
		pound.ID: ` data-pay="Pay £14.98" data-total="£14.98"`,
		"":       ` data-pay="Pay £15.98" data-total="£15.98" checked`,
	})
	wantPay(t, r, "£15.98")
	form := checkoutForm(t, b)
	form.Set("coupon", "")
	form.Set("exp", "13") // refused before anything is bought
	r = b.post("/checkout", form)
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{"Write the expiry as MM/YY"}, nil)
	wantCoupons(t, r, map[string]string{
		c.ID:     ` disabled aria-describedby="coupon-` + c.ID + `-refusal"`,
		pound.ID: ` data-pay="Pay £14.98" data-total="£14.98"`,
		"":       ` data-pay="Pay £15.98" data-total="£15.98" checked`,
	})
	wantPay(t, r, "£15.98")

	// Sent anyway, the coupon is refused next to the coupons.
	form = checkoutForm(t, b)
	form.Set("coupon", c.ID)
	r = b.post("/checkout", form)
	wantStatus(t, r, http.StatusConflict)
	wantBody(t, r, []string{`class="prices coupons invalid" aria-describedby="coupon-error"`, `<p class="field-error" id="coupon-error">The coupon needs GBP 20.00 spent`}, nil)
	wantCoupons(t, r, map[string]string{
		c.ID:     ` disabled aria-describedby="coupon-` + c.ID + `-refusal"`,
		pound.ID: ` data-pay="Pay £14.98" data-total="£14.98"`,
		"":       ` data-pay="Pay £15.98" data-total="£15.98" checked`,
	})
	wantPay(t, r, "£15.98")

	// Two mugs, £25.98 with free shipping: both coupons may be used, and
	// the £2.00 one, leaving less to pay, is chosen.
	wantStatus(t, b.post("/cart/items", url.Values{"product_id": {e.mug.ID}, "sku_id": {e.mug.SKUs[0].ID}, "quantity": {"2"}}), http.StatusSeeOther)
	r = b.get("/checkout")
	wantCoupons(t, r, map[string]string{
		c.ID:     ` data-pay="Pay £23.98" data-total="£23.98" checked`,
		pound.ID: ` data-pay="Pay £24.98" data-total="£24.98"`,
		"":       ` data-pay="Pay £25.98" data-total="£25.98"`,
	})
	wantPay(t, r, "£23.98")
	r = b.get("/checkout?coupon=" + pound.ID)
	wantCoupons(t, r, map[string]string{
		c.ID:     ` data-pay="Pay £23.98" data-total="£23.98"`,
		pound.ID: ` data-pay="Pay £24.98" data-total="£24.98" checked`,
		"":       ` data-pay="Pay £25.98" data-total="£25.98"`,
	})
	wantPay(t, r, "£24.98")

	form = checkoutForm(t, b)
	form.Set("coupon", c.ID)
	wantStatus(t, b.post("/checkout", form), http.StatusSeeOther)
	pg, err := e.orders.BuyerOrders(ctx, buyer, page.Request{Limit: 1})
	if err != nil || len(pg.Items) != 1 {
		t.Fatalf("the buyer's orders: %v", err)
	}
	if o := pg.Items[0]; o.CouponID != c.ID || o.Discount.Amount != 200 || o.Subtotal.Amount != 2598 || o.Total.Amount != 2398 {
		t.Errorf("order %+v; want £2.00 off the two mugs' £25.98: £23.98, as the Pay button said", o)
	}

	// Used, the coupon is offered no more; sent again, it is refused
	// next to where it would be.
	wantStatus(t, b.post("/cart/items", url.Values{"product_id": {e.mug.ID}, "sku_id": {e.mug.SKUs[0].ID}, "quantity": {"2"}}), http.StatusSeeOther)
	r = b.get("/checkout?coupon=" + c.ID)
	wantBody(t, r, []string{"Your coupons from live rooms"}, []string{c.ID})
	wantPay(t, r, "£25.98")
	form = checkoutForm(t, b)
	form.Set("coupon", c.ID)
	r = b.post("/checkout", form)
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{`id="coupon-error">You have no unused coupon ` + c.ID}, nil)
	wantCoupons(t, r, map[string]string{
		pound.ID: ` data-pay="Pay £24.98" data-total="£24.98"`,
		"":       ` data-pay="Pay £25.98" data-total="£25.98" checked`,
	})
}

var (
	couponRadio = regexp.MustCompile(`<input type="radio" name="coupon" value="([^"]*)"([^>]*)>`)
	payButton   = regexp.MustCompile(`<button type="submit" class="btn btn-primary btn-block" data-pay-button>Pay ([^<]*)</button>`)
)

// wantCoupons checks the checkout page's coupon options: want has each
// one's attributes after its value, by value ("" is No coupon).
func wantCoupons(t *testing.T, r response, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, m := range couponRadio.FindAllStringSubmatch(r.body, -1) {
		got[m[1]] = m[2]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s %s: coupon options (-want +got):\n%s", r.Request.Method, r.Request.URL, diff)
	}
}

// wantPay checks the amount on the checkout page's Pay button.
func wantPay(t *testing.T, r response, amount string) {
	t.Helper()
	m := payButton.FindStringSubmatch(r.body)
	if m == nil || m[1] != amount {
		t.Errorf("%s %s: Pay button %q; want Pay %s", r.Request.Method, r.Request.URL, m, amount)
	}
}
