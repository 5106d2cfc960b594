package content_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/attribution"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/media"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
)

// env is content over fresh databases of one engine, with the catalog it
// anchors, the orders it attributes and a media folder.
type env struct {
	t         *testing.T
	router    *sqlstore.Router
	catalog   *catalog.Service
	ids       *identity.Service
	content   *content.Service
	orders    *order.Service
	affiliate *affiliate.Service
	p         *platform.Platform
	clock     *testkit.Clock
	mediaDir  string
}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	e := &env{t: t, clock: &testkit.Clock{}}
	p := testkit.New(t, engine, testkit.WithClock(e.clock), func(o *platform.Options) {
		dir := t.TempDir()
		files, err := media.OpenLocal(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { files.Close() })
		e.mediaDir, o.Media = dir, files
	})
	e.p, e.router, e.catalog, e.ids, e.content, e.affiliate, e.orders = p, p.Router, p.Catalog, p.Identity, p.Content, p.Affiliate, p.Orders
	return e
}

// join lets creator promote products: the seller offers them in an open
// plan and the creator joins it.
func (e *env) join(seller, creator *identity.Actor, shop *catalog.Shop, products ...*catalog.Product) {
	e.t.Helper()
	ctx := context.Background()
	in := affiliate.NewPlan{Kind: affiliate.Open, Name: "Plan " + creator.AccountID}
	for _, p := range products {
		in.Products = append(in.Products, affiliate.ProductRate{ProductID: p.ID, RateBPS: 1000})
	}
	plan, err := e.affiliate.CreatePlan(ctx, seller, shop.ID, in)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.affiliate.Join(ctx, creator, plan.ID); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) account(market string, creator bool) *identity.Actor {
	return testkit.Account(e.t, e.p, market, creator)
}

func (e *env) seller(market, name string) (*identity.Actor, *catalog.Shop) {
	return testkit.Seller(e.t, e.p, market, name)
}

func (e *env) product(seller *identity.Actor, shop *catalog.Shop, title, category string) *catalog.Product {
	stock := int64(100)
	return testkit.Product(e.t, e.p, seller, shop, catalog.NewProduct{Title: title, Description: "A thing.", Category: category,
		SKUs: []catalog.NewSKU{{Price: 1999, WeightGrams: 300, Stock: &stock}}})
}

// mp4 is the start of an MP4 file: enough for the type to be sniffed.
var mp4 = append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), bytes.Repeat([]byte{0}, 64)...)

func upload() content.Upload { return content.Upload{Video: bytes.NewReader(mp4)} }

func (e *env) post(actor *identity.Actor, in content.NewVideo) *content.Video {
	e.t.Helper()
	v, err := e.content.PostVideo(context.Background(), actor, in, upload())
	if err != nil {
		e.t.Fatalf("post video: %v", err)
	}
	return v
}

// files lists what the media folder holds.
func (e *env) files() []string {
	var out []string
	_ = filepath.WalkDir(e.mediaDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	return out
}

func TestPostVideo(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		seller, shop := e.seller("GB", "Glow Beauty")
		serum := e.product(seller, shop, "Vitamin C serum", "beauty")
		cream := e.product(seller, shop, "Night cream", "beauty")
		other, otherShop := e.seller("GB", "Other Shop")
		foreign := e.product(other, otherShop, "Someone else's lamp", "home")

		ends := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
		v := e.post(seller, content.NewVideo{ShopID: shop.ID, Caption: "  Morning routine in 30 seconds #glow ", DurationMS: 7000,
			Anchors: []string{cream.ID, serum.ID}, Promo: &content.PromoTile{Text: "Winter glow sale", DiscountPercent: 20, EndsAt: ends}})
		if v.Caption != "Morning routine in 30 seconds #glow" || v.AuthorName != "Glow Beauty" || v.Market != "GB" {
			t.Errorf("posted %+v; want the trimmed caption, by the shop, in GB", v)
		}
		got, err := e.content.Video(ctx, nil, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Anchors) != 2 || got.Anchors[0].ProductID != cream.ID || got.Anchors[1].ProductID != serum.ID {
			t.Errorf("anchors %+v; want the cream then the serum", got.Anchors)
		}
		if a := got.Anchors[0]; a.Title != "Night cream" || a.Price.Amount != 1999 || a.Price.Currency != "GBP" || !a.Available {
			t.Errorf("anchor chip %+v; want the product's title, price in GBP, and available", a)
		}
		if got.Promo == nil || got.Promo.Text != "Winter glow sale" || got.Promo.DiscountPercent != 20 || !got.Promo.EndsAt.Equal(ends) {
			t.Errorf("promo tile %+v; want the sale, 20%%, ending %s", got.Promo, ends)
		}
		if got.MediaKey != "videos/"+v.ID+".mp4" || got.ContentType != media.MP4 {
			t.Errorf("media %q %q; want the MP4 under videos/", got.MediaKey, got.ContentType)
		}
		if b, err := os.ReadFile(filepath.Join(e.mediaDir, filepath.FromSlash(got.MediaKey))); err != nil || !bytes.Equal(b, mp4) {
			t.Errorf("stored video: %v; want the uploaded bytes", err)
		}

		refused := []struct {
			name  string
			actor *identity.Actor
			in    content.NewVideo
			up    content.Upload
			code  string
			field string
		}{
			{"off-platform link in the caption", seller, content.NewVideo{ShopID: shop.ID, Caption: "cheaper at shop dot example dot com", Anchors: []string{serum.ID}}, upload(), loopshop.EINVALID, "caption"},
			{"phone number in the caption", seller, content.NewVideo{ShopID: shop.ID, Caption: "WhatsApp me +44 7911 123456", Anchors: []string{serum.ID}}, upload(), loopshop.EINVALID, "caption"},
			{"another shop's product", seller, content.NewVideo{ShopID: shop.ID, Anchors: []string{serum.ID, foreign.ID}}, upload(), loopshop.EINVALID, "anchors[1]"},
			{"no anchors", seller, content.NewVideo{ShopID: shop.ID, Caption: "just vibes"}, upload(), loopshop.EINVALID, "anchors"},
			{"seven anchors", seller, content.NewVideo{ShopID: shop.ID, Anchors: []string{"a", "b", "c", "d", "e", "f", "g"}}, upload(), loopshop.EINVALID, "anchors"},
			{"a product twice", seller, content.NewVideo{ShopID: shop.ID, Anchors: []string{serum.ID, serum.ID}}, upload(), loopshop.EINVALID, "anchors[1]"},
			{"not a video", seller, content.NewVideo{ShopID: shop.ID, Anchors: []string{serum.ID}}, content.Upload{Video: strings.NewReader("GIF89a not really")}, loopshop.EINVALID, "video"},
			{"a poster that is not a picture", seller, content.NewVideo{ShopID: shop.ID, Anchors: []string{serum.ID}}, content.Upload{Video: bytes.NewReader(mp4), Poster: strings.NewReader("%PDF-1.7")}, loopshop.EINVALID, "poster"},
			{"promo that has ended", seller, content.NewVideo{ShopID: shop.ID, Anchors: []string{serum.ID}, Promo: &content.PromoTile{Text: "Sale", EndsAt: time.Now().Add(-time.Minute)}}, upload(), loopshop.EINVALID, "promo_tile.ends_at"},
			{"promo link", seller, content.NewVideo{ShopID: shop.ID, Anchors: []string{serum.ID}, Promo: &content.PromoTile{Text: "see bit.ly/deal", EndsAt: ends}}, upload(), loopshop.EINVALID, "promo_tile.text"},
			{"someone else's shop", other, content.NewVideo{ShopID: shop.ID, Anchors: []string{serum.ID}}, upload(), loopshop.ENOTFOUND, ""},
			{"a buyer as themselves", e.account("GB", false), content.NewVideo{Anchors: []string{serum.ID}}, upload(), loopshop.EFORBIDDEN, ""},
			{"a creator without a plan", e.account("GB", true), content.NewVideo{Anchors: []string{serum.ID}}, upload(), loopshop.EINVALID, "anchors[0]"},
			{"signed out", nil, content.NewVideo{ShopID: shop.ID, Anchors: []string{serum.ID}}, upload(), loopshop.EUNAUTHORIZED, ""},
		}
		before := e.files()
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.content.PostVideo(ctx, tt.actor, tt.in, tt.up)
				if loopshop.ErrorCode(err) != tt.code || loopshop.ErrorField(err) != tt.field {
					t.Errorf("got %v (field %q); want %s on %q", err, loopshop.ErrorField(err), tt.code, tt.field)
				}
			})
		}
		if after := e.files(); len(after) != len(before) {
			t.Errorf("refused posts left files behind: %v", after)
		}
		pg, err := e.content.VideosBy(ctx, shop.ID, page.Request{Limit: 10})
		if err != nil || len(pg.Items) != 1 {
			t.Errorf("the shop has %d videos (%v); want only the one accepted", len(pg.Items), err)
		}

		// A creator who joined a plan for the serum may anchor it, and place
		// it as a showcase tile; a promo tile is the shop's.
		creator := e.account("GB", true)
		e.join(seller, creator, shop, serum)
		cv := e.post(creator, content.NewVideo{Caption: "my holy grail", DurationMS: 9000, Anchors: []string{serum.ID},
			Tiles: []content.ShowcaseTile{{ProductID: serum.ID, AtMS: 4000}}})
		if cv.CreatorID != creator.AccountID || cv.ShopID != "" || len(cv.Tiles) != 1 || cv.Tiles[0].Title != "Vitamin C serum" {
			t.Errorf("creator's video %+v; want it by the creator with one tile of the serum", cv)
		}
		_, err = e.content.PostVideo(ctx, creator, content.NewVideo{Anchors: []string{serum.ID}, Promo: &content.PromoTile{Text: "x", EndsAt: ends}}, upload())
		if loopshop.ErrorField(err) != "promo_tile" {
			t.Errorf("creator with a promo tile: %v; want it refused on promo_tile", err)
		}
		_, err = e.content.PostVideo(ctx, creator, content.NewVideo{DurationMS: 3000, Tiles: []content.ShowcaseTile{{ProductID: serum.ID, AtMS: 3000}}}, upload())
		if loopshop.ErrorField(err) != "showcase_tiles[0].at_ms" {
			t.Errorf("tile after the end of the video: %v; want it refused on at_ms", err)
		}

		// Taken down, a video is gone for buyers but still there for its author.
		if err := e.content.RemoveVideo(ctx, other, v.ID); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("another seller removing the video: %v; want not found", err)
		}
		if err := e.content.RemoveVideo(ctx, seller, v.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.content.Video(ctx, e.account("GB", false), v.ID); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("a buyer reading a removed video: %v; want not found", err)
		}
		if got, err := e.content.Video(ctx, seller, v.ID); err != nil || got.Status != content.VideoRemoved {
			t.Errorf("its seller reading it: %v, %v; want it, REMOVED", got, err)
		}
	})
}

// Before a market's cut-over date a link in a caption is accepted with a
// warning; after it the same caption is refused.
func TestCaptionWarnsBeforeCutOver(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sqlstore.SQLite)
	seller, shop := e.seller("GB", "Early Shop")
	p := e.product(seller, shop, "Tea", "groceries")
	e.clock.Set(time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)) // GB closes the loop in September 2023
	v, err := e.content.PostVideo(context.Background(), seller, content.NewVideo{ShopID: shop.ID, Caption: "also on example.com", Anchors: []string{p.ID}}, upload())
	if err != nil || len(v.Warnings) != 1 || !strings.Contains(v.Warnings[0], "caption") {
		t.Errorf("before the cut-over: %v, warnings %q; want it posted with one warning about the caption", err, v.Warnings)
	}
}

// A buyer taps an anchor in a video, then buys the product: the order line
// carries the video, the video counts the tap and, once paid, the order.
// A tap older than the window does not count, and a later tap wins.
func TestTapAttributesTheOrder(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		seller, shop := e.seller("GB", "Hearth")
		mug := e.product(seller, shop, "Enamel mug", "home")
		kettle := e.product(seller, shop, "Kettle", "home")
		v := e.post(seller, content.NewVideo{ShopID: shop.ID, Caption: "kitchen finds", Anchors: []string{mug.ID, kettle.ID}})
		creator := e.account("GB", true)
		e.join(seller, creator, shop, mug)
		cv := e.post(creator, content.NewVideo{Caption: "my mug", Anchors: []string{mug.ID}})

		buyer := e.account("GB", false)
		if _, err := e.content.Tap(ctx, buyer, content.TouchAnchor, v.ID, "", mug.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.content.Tap(ctx, buyer, content.TouchAnchor, v.ID, "", "prd_gb_nothere"); loopshop.ErrorField(err) != "product_id" {
			t.Errorf("tapping a product the video does not link: %v; want it refused", err)
		}
		// A visitor's tap is not recorded: no one to attribute to.
		if tch, err := e.content.Tap(ctx, nil, content.TouchAnchor, v.ID, "", mug.ID); err != nil || tch.BuyerID != "" {
			t.Errorf("visitor's tap: %+v %v; want it passed through unrecorded", tch, err)
		}

		buyMug := order.CheckoutRequest{Items: []order.CartItem{{SKUID: mug.SKUs[0].ID, Quantity: 1}, {SKUID: kettle.SKUs[0].ID, Quantity: 1}},
			ShipTo:  order.Address{Name: "Ada", Line1: "1 High Street", City: "London", PostalCode: "N1 1AA"},
			Payment: order.PaymentRequest{Method: payment.MethodCard, Card: &payment.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2040, CVC: "123"}}}
		c, err := e.orders.Checkout(ctx, buyer, "k1", buyMug)
		if err != nil || c.Status != order.CheckoutPaid {
			t.Fatalf("checkout: %v %v", c, err)
		}
		lines := c.Orders[0].Lines
		if lines[0].Source != (attribution.Source{VideoID: v.ID, Kind: content.TouchAnchor}) || lines[1].Source != (attribution.Source{}) {
			t.Errorf("line sources %+v and %+v; want the mug from the video and the kettle from nowhere", lines[0].Source, lines[1].Source)
		}
		got, err := e.content.Video(ctx, nil, v.ID)
		if err != nil || got.Stats.AnchorClicks != 1 || got.Stats.Orders != 1 {
			t.Errorf("video stats %+v (%v); want 1 tap and 1 order", got.Stats, err)
		}

		// The creator's video, tapped later, takes the next order of the mug.
		if _, err := e.content.Tap(ctx, buyer, content.TouchAnchor, cv.ID, "", mug.ID); err != nil {
			t.Fatal(err)
		}
		buyMug.Items = buyMug.Items[:1]
		if c, err = e.orders.Checkout(ctx, buyer, "k2", buyMug); err != nil {
			t.Fatal(err)
		}
		if src := c.Orders[0].Lines[0].Source; src.VideoID != cv.ID || src.CreatorID != creator.AccountID {
			t.Errorf("second order's source %+v; want the creator's video", src)
		}

		// Fifteen days on, the taps are out of the window.
		e.content.Window = 14 * 24 * time.Hour
		e.clock.Advance(15 * 24 * time.Hour)
		if c, err = e.orders.Checkout(ctx, buyer, "k3", buyMug); err != nil {
			t.Fatal(err)
		}
		if src := c.Orders[0].Lines[0].Source; src != (attribution.Source{}) {
			t.Errorf("an order after the window has source %+v; want none", src)
		}
	})
}

func TestShowcase(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		seller, shop := e.seller("GB", "Hearth")
		mug := e.product(seller, shop, "Enamel mug", "home")
		lamp := e.product(seller, shop, "Lamp", "home")
		creator := e.account("GB", true)
		if _, err := e.content.AddToShowcase(ctx, creator, mug.ID); loopshop.ErrorField(err) != "product_id" {
			t.Errorf("adding without a plan: %v; want it refused on product_id", err)
		}
		e.join(seller, creator, shop, mug, lamp)
		for _, p := range []*catalog.Product{mug, lamp, mug} {
			if _, err := e.content.AddToShowcase(ctx, creator, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		pg, err := e.content.Showcase(ctx, creator.AccountID, page.Request{Limit: 1})
		if err != nil || len(pg.Items) != 1 || pg.Items[0].ProductID != lamp.ID || pg.NextCursor == "" {
			t.Fatalf("first page %+v (%v); want the lamp and a next page", pg, err)
		}
		if _, err := e.content.AddToShowcase(ctx, e.account("GB", false), mug.ID); loopshop.ErrorCode(err) != loopshop.EFORBIDDEN {
			t.Errorf("a buyer adding to a showcase: %v; want forbidden", err)
		}
		buyer := e.account("GB", false)
		if tch, err := e.content.Tap(ctx, buyer, content.TouchShowcase, "", creator.AccountID, mug.ID); err != nil || tch.CreatorID != creator.AccountID {
			t.Errorf("tap in the showcase: %+v %v; want a touch for the creator", tch, err)
		}
		if err := e.content.RemoveFromShowcase(ctx, creator, mug.ID); err != nil {
			t.Fatal(err)
		}
		if pg, _ := e.content.Showcase(ctx, creator.AccountID, page.Request{Limit: 10}); len(pg.Items) != 1 {
			t.Errorf("after removing the mug the showcase has %d products; want 1", len(pg.Items))
		}
		if _, err := e.content.Tap(ctx, buyer, content.TouchShowcase, "", creator.AccountID, mug.ID); loopshop.ErrorField(err) != "product_id" {
			t.Errorf("tap on a product no longer in the showcase: %v; want it refused", err)
		}
	})
}

// The feed pages through one ranking, leaves out removed videos, and puts
// a buyer's favourite category first.
func TestFeed(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		seller, shop := e.seller("GB", "Everything Shop")
		tea := e.product(seller, shop, "Green tea", "groceries")
		lipstick := e.product(seller, shop, "Lipstick", "beauty")
		var all []*content.Video
		for i := range 5 {
			p := tea
			if i%2 == 1 {
				p = lipstick
			}
			all = append(all, e.post(seller, content.NewVideo{ShopID: shop.ID, Caption: fmt.Sprintf("video %d", i), Anchors: []string{p.ID}}))
		}
		removed := all[0]
		if err := e.content.RemoveVideo(ctx, seller, removed.ID); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		r := page.Request{Limit: 2}
		for pages := 0; ; pages++ {
			f, err := e.content.Feed(ctx, nil, "GB", r)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range f.Items {
				if seen[v.ID] {
					t.Errorf("video %s shown twice", v.ID)
				}
				seen[v.ID] = true
			}
			if f.NextCursor == "" {
				break
			}
			if pages > 5 {
				t.Fatal("the feed does not end")
			}
			if r, err = page.FromQuery(map[string][]string{"cursor": {f.NextCursor}, "limit": {"2"}}); err != nil {
				t.Fatal(err)
			}
		}
		if len(seen) != 4 || seen[removed.ID] {
			t.Errorf("the feed showed %d videos (removed one shown: %v); want the 4 live ones", len(seen), seen[removed.ID])
		}

		// A buyer who taps beauty gets beauty first.
		buyer := e.account("GB", false)
		for range 3 {
			if _, err := e.content.Tap(ctx, buyer, content.TouchAnchor, all[1].ID, "", lipstick.ID); err != nil {
				t.Fatal(err)
			}
		}
		f, err := e.content.Feed(ctx, buyer, "GB", page.Request{Limit: 1})
		if err != nil || len(f.Items) != 1 || f.Items[0].Anchors[0].ProductID != lipstick.ID {
			t.Errorf("a beauty fan's first video %+v (%v); want one selling the lipstick", f.Items, err)
		}
		if _, err := e.content.Feed(ctx, nil, "GB", page.Request{After: "nonsense", Limit: 2}); loopshop.ErrorField(err) != "cursor" {
			t.Errorf("a malformed cursor: %v; want it refused", err)
		}

		// Views count, and only for videos of the market.
		if err := e.content.RecordViews(ctx, "GB", []string{all[1].ID, all[1].ID, "vid_de_x", "junk"}); err != nil {
			t.Fatal(err)
		}
		if v, _ := e.content.Video(ctx, nil, all[1].ID); v.Stats.Views != 1 {
			t.Errorf("views %d; want 1 for a video reported twice in one batch", v.Stats.Views)
		}
	})
}
