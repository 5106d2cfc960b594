package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/testkit"
	"github.com/loopshop/loopshop/university"
)

// A seller sets up a live room in Seller Center and hosts it: passes the
// course going live needs, goes live, pins a product and starts a flash
// sale; viewers see the room's page. Where live commerce is off, the room
// is refused with the reason.
func TestSellerHostsLiveRoom(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	b := e.signedIn(t, "harriet@example.com")
	base := "/seller/shops/" + e.gbShop.ID + "/live"
	wantBody(t, b.get(base), []string{"New live room", "No live rooms yet", `name="products" value="` + e.mug.ID + `"`}, nil)

	r := b.post(base, url.Values{"title": {"Mug morning"}})
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{`role="alert"`, "HLS", `value="Mug morning"`}, nil)
	r = b.post(base, url.Values{"title": {"Mug morning"}, "stream_url": {"https://media.example.com/live/mugs.m3u8"}, "products": {e.mug.ID}})
	wantStatus(t, r, http.StatusSeeOther)
	host := r.Header.Get("Location")
	m := regexp.MustCompile(`^/live/(liv_[a-z0-9_]+)/host$`).FindStringSubmatch(host)
	if m == nil {
		t.Fatalf("set up redirects to %q; want the host's page", host)
	}
	wantBody(t, b.get(host), []string{"Mug morning", "SCHEDULED", "Going live needs the Seller University course", `href="/university/closed-loop"`}, []string{"Go live</button>"})
	r = b.post(host+"/start", nil)
	wantStatus(t, r, http.StatusForbidden)
	wantBody(t, r, []string{"Keeping the loop closed", "Take the course"}, nil)
	_, _ = passQuiz(t, b, "closed-loop", e.univ.Catalog().AnswerKey("closed-loop"))
	wantBody(t, b.get(host), []string{"Go live</button>"}, []string{"Going live needs"})
	r = b.post(host+"/start", nil)
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"You are live.", "Stoneware Mug", "/host/pin", "Start the flash sale"}, nil)
	r = b.post(host+"/pin", url.Values{"product_id": {e.mug.ID}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"Pinned for every viewer.", "PINNED"}, nil)
	r = b.post(host+"/flash", url.Values{"sku_id": {e.mug.SKUs[0].ID}, "price": {"99.00"}, "quantity": {"10"}, "per_buyer": {"1"}, "seconds": {"60"}})
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{`role="alert"`, "deal price"}, nil)
	r = b.post(host+"/flash", url.Values{"sku_id": {e.mug.SKUs[0].ID}, "price": {"9.99"}, "quantity": {"10"}, "per_buyer": {"1"}, "seconds": {"60"}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"The flash sale is on."}, nil)

	r = b.post(host+"/coupon", url.Values{"amount_off": {"2.00"}, "min_spend": {"10.00"}, "quantity": {"50"}, "hours": {"24"}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"Coupons are out"}, nil)

	viewer := e.browser()
	tap := "/live/" + m[1] + "/t/" + e.mug.ID
	r = viewer.get("/live/" + m[1])
	wantBody(t, r, []string{`data-room="` + m[1] + `"`, "Mug morning", "Stoneware Mug", `href="` + tap + `"`, "live.js", "Sign in</a> to chat",
		`src="https://media.example.com/live/mugs.m3u8" data-hls`, "hls.light.min.js"}, nil)
	// The stream comes from its media server, through hls.js where the
	// browser cannot play HLS itself: the page's policy lets both in.
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "media-src 'self' blob: https://media.example.com;") ||
		!strings.Contains(csp, "connect-src 'self' https://media.example.com;") {
		t.Errorf("the live page's policy %q; want media and connections from the stream's server", csp)
	}

	// A buyer taps the mug in the room: 303 to the product, and the
	// buyer's order of it is now the room's.
	tapper := e.seller(ctx, "GB", "tapper@example.com")
	r = e.signedIn(t, "tapper@example.com").get(tap)
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/products/"+e.mug.ID {
		t.Errorf("the tap sends the buyer to %q; want the product page", loc)
	}
	src, err := e.content.Attribute(ctx, "GB", tapper.AccountID, []string{e.mug.ID}, time.Now())
	if err != nil || src[e.mug.ID].RoomID != m[1] {
		t.Errorf("the buyer's source of the mug: %+v %v; want the room", src, err)
	}
	wantStatus(t, viewer.get("/live/"+m[1]+"/t/prd_gb_notinthebag"), http.StatusNotFound)
	wantBody(t, viewer.get("/"), []string{"live-now-chip", "/live/" + m[1]}, nil)
	// Only the host hosts: the room is public, so others are forbidden.
	wantStatus(t, e.signedIn(t, "jonas@example.com").get(host), http.StatusForbidden)

	// The host ends the room and publishes its replay: viewers watch the
	// recording with the bag, without the chat form.
	r = b.post(host+"/end", nil)
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"Publish its replay", "Publish the replay", `action="` + host + `/replay"`}, nil)
	r = b.post(host+"/replay", url.Values{"url": {"ftp://media.example.com/replay"}})
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{`role="alert"`, "HLS playlist"}, nil)
	r = b.post(host+"/replay", url.Values{"url": {"https://media.example.com/replays/mugs.m3u8"}})
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, b.get(r.Header.Get("Location")), []string{"The replay is published", "REPLAY"}, nil)
	wantBody(t, viewer.get("/live/"+m[1]), []string{">REPLAY<", `src="https://media.example.com/replays/mugs.m3u8"`, " controls", "Stoneware Mug"},
		[]string{"data-chat-form", "Sign in</a> to chat"})
	wantBody(t, viewer.get("/"), []string{`class="replay-chip" href="/live/` + m[1] + `"`}, []string{"live-now-chip"})
}

// A viewer who opens a room while its flash sale runs sees the sale with
// the time and units left, and the coupons still to claim (claimed, for
// one who claimed it), painted on arrival and handed to the page's script;
// once the sale ends, the page no longer has it.
func TestLateViewerSeesTheRoomsOffers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.clock.Set(time.Now().UTC().Truncate(time.Second))
	ten := int64(10)
	if _, err := e.cat.AdjustStock(ctx, e.gbOwner, catalog.AdjustStock{SKUID: e.mug.SKUs[0].ID, SetAvailable: &ten, Reason: catalog.ReasonCount}); err != nil {
		t.Fatal(err)
	}
	testkit.Certify(t, e.p, e.gbOwner, university.CapabilityLive)
	room, err := e.rooms.CreateRoom(ctx, e.gbOwner, live.NewRoom{ShopID: e.gbShop.ID, Title: "Mug morning", StreamURL: "https://media.example.com/live/mugs.m3u8",
		Products: []string{e.mug.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.rooms.Start(ctx, e.gbOwner, room.ID); err != nil {
		t.Fatal(err)
	}
	f, err := e.rooms.StartFlash(ctx, e.gbOwner, room.ID, live.NewFlash{SKUID: e.mug.SKUs[0].ID, Price: 999, Quantity: 10, PerBuyer: 1, Seconds: 60})
	if err != nil {
		t.Fatal(err)
	}
	spent, err := e.rooms.StartCoupon(ctx, e.gbOwner, room.ID, live.NewCoupon{AmountOff: 500, Quantity: 1, Hours: 24})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.rooms.StartCoupon(ctx, e.gbOwner, room.ID, live.NewCoupon{AmountOff: 200, MinSpend: 1000, Quantity: 50, Hours: 24})
	if err != nil {
		t.Fatal(err)
	}
	ada := e.seller(ctx, "GB", "ada@example.com")
	for _, cpn := range []*live.Coupon{spent, c} {
		if _, err := e.rooms.ClaimCoupon(ctx, ada, cpn.ID); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(20 * time.Second)

	page := "/live/" + room.ID
	sale := []string{`<div class="live-flash" data-flash>`, `<span class="promo-off" data-flash-off>-23%</span>`, `<span data-flash-title>Stoneware Mug</span>`,
		`<span data-flash-price>£9.99</span>`, `<span data-flash-units>10 of 10 left</span>`, `<time class="countdown" data-flash-ends>0:40</time>`,
		`data-flash-buy href="/checkout?flash=` + f.ID + `&amp;sku=` + e.mug.SKUs[0].ID + `"`,
		`<script type="application/json" data-live-offers>`, `"flash_sale":{"id":"` + f.ID + `"`, `"seconds_left":40,"units_left":10`}
	coupon := `<div class="live-coupon" data-coupon data-coupon-id="` + c.ID + `">`
	offer := `<strong data-coupon-off>£2.00</strong> off orders of <span data-coupon-min>£10.00</span> or more`
	wantBody(t, e.browser().get(page), append(sale, coupon, offer, `data-coupon-claim>Claim</button>`, `"coupons":[{"id":"`+c.ID+`"`),
		[]string{spent.ID, "viewer_claimed", "Claimed: it's waiting"})
	// The viewer who claimed both sees the one left claimed, and the one
	// all claimed too: it waits at the viewer's checkout.
	wantBody(t, e.signedIn(t, "ada@example.com").get(page),
		append(sale, coupon, `data-coupon-claim disabled>Claimed: it's waiting at checkout</button>`, `data-coupon-id="`+spent.ID+`"`, `"viewer_claimed":true`), nil)

	e.clock.Advance(41 * time.Second)
	wantBody(t, e.browser().get(page), []string{`<div class="live-flash" data-flash hidden>`, coupon, `"coupons":[{"id":"` + c.ID + `"`},
		[]string{f.ID, "flash_sale", "data-flash-ends>0:"})
}
