package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
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
