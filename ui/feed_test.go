package ui_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/page"
)

var testMP4 = append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 64)...)

// With videos in the market, the home page opens on the feed: each clip
// plays its video with anchor chips to its products and the shop's promo
// tile; tapping a chip records the tap and opens the product, and the
// order that follows is credited to the video. The grid moves to /shop.
func TestFeedPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ends := time.Now().Add(50 * time.Hour)
	v, err := e.content.PostVideo(ctx, e.gbOwner, content.NewVideo{ShopID: e.gbShop.ID, Caption: "Slow mornings need a good mug #tea",
		Anchors: []string{e.mug.ID}, Promo: &content.PromoTile{Text: "Mug week", DiscountPercent: 15, EndsAt: ends}},
		content.Upload{Video: bytes.NewReader(testMP4)})
	if err != nil {
		t.Fatal(err)
	}

	b := e.browser()
	r := b.get("/")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{
		`data-video="` + v.ID + `"`, `src="/media/videos/` + v.ID + `.mp4"`, "Slow mornings need a good mug #tea",
		`href="/t/` + v.ID + `/` + e.mug.ID + `"`, "Stoneware Mug", "£12.99", "-15%", "Mug week", "Ends in", "2d 0",
		`href="/shops/` + e.gbShop.ID + `"`, "feed.js",
	}, []string{"Secret Teapot"})
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "media-src 'self'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q does not let the page play its videos and run its script", csp)
	}
	wantBody(t, b.get("/shop"), []string{"Stoneware Mug", `href="/products/` + e.mug.ID + `"`}, []string{`data-video=`})
	wantBody(t, b.get("/shops/"+e.gbShop.ID), []string{`href="/videos/` + v.ID + `"`, "Slow mornings"}, nil)
	wantBody(t, b.get("/videos/"+v.ID), []string{`data-video="` + v.ID + `"`, "Watch more videos"}, nil)

	// A signed-in buyer taps the chip: 303 to the product, tap recorded.
	e.seller(ctx, "GB", "tapper@example.com")
	buyer := e.signedIn(t, "tapper@example.com")
	r = buyer.get("/t/" + v.ID + "/" + e.mug.ID)
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/products/"+e.mug.ID {
		t.Errorf("the tap sends the buyer to %q; want the product page", loc)
	}
	got, err := e.content.Video(ctx, nil, v.ID)
	if err != nil || got.Stats.AnchorClicks != 1 {
		t.Errorf("after the tap the video has %+v (%v); want 1 anchor click", got.Stats, err)
	}
	wantStatus(t, buyer.get("/t/"+v.ID+"/prd_gb_notlinked"), http.StatusNotFound)
	wantStatus(t, buyer.get("/videos/vid_gb_nope"), http.StatusNotFound)
}

func TestCreatorPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, err := e.ids.SignUp(ctx, identity.SignUp{Market: "GB", Email: "mia@example.com", Password: "correct horse battery", DisplayName: "Mia Loops", Creator: true})
	if err != nil {
		t.Fatal(err)
	}
	creator := &identity.Actor{AccountID: a.ID, Market: "GB", DisplayName: a.DisplayName, IsCreator: true}
	plan, err := e.aff.CreatePlan(ctx, e.gbOwner, e.gbShop.ID, affiliate.NewPlan{Kind: affiliate.Open, Name: "Mugs", ShopWideBPS: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.aff.Join(ctx, creator, plan.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.content.AddToShowcase(ctx, creator, e.mug.ID); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	r := b.get("/creators/" + a.ID)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{"Mia Loops", "Stoneware Mug", `href="/c/` + a.ID + `/` + e.mug.ID + `"`}, nil)
	// A buyer's profile is not a creator page.
	wantStatus(t, b.get("/creators/"+e.gbOwner.AccountID), http.StatusNotFound)
	r = b.get("/c/" + a.ID + "/" + e.mug.ID)
	wantStatus(t, r, http.StatusSeeOther)
	if pg, _ := e.content.Showcase(ctx, a.ID, page.Request{Limit: 5}); len(pg.Items) != 1 {
		t.Errorf("showcase %+v; want the mug", pg.Items)
	}
}
