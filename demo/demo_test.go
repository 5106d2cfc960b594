package demo

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/media"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
)

func TestLocalPrice(t *testing.T) {
	tests := []struct {
		usd, cur string
		want     int64
	}{
		{"9.99", "USD", 999},
		{"9.99", "GBP", 799},    // 7.89 → 7.99
		{"9.99", "EUR", 999},    // 9.19 → 9.99
		{"7.00", "GBP", 599},    // 5.53 → 5.99
		{"0.79", "GBP", 99},     // 0.62 → 0.99
		{"12.66", "USD", 1299},  // 12.66 → 12.99
		{"13.00", "USD", 1299},  // a whole price steps down to .99
		{"9.99", "IDR", 160000}, // 159,840 → 160,000
		{"0.01", "IDR", 1000},   // never below a thousand
		{"36999.99", "IDR", 592000000},
		{"36999.99", "EUR", 3403999}, // 34,039.99 → 34,039.99
	}
	for _, tt := range tests {
		t.Run(tt.usd+" "+tt.cur, func(t *testing.T) {
			got, err := localPrice(tt.usd, tt.cur)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("localPrice(%s, %s) = %d, want %d", tt.usd, tt.cur, got, tt.want)
			}
		})
	}
	if _, err := localPrice("1.00", "CHF"); err == nil {
		t.Error("a currency without a demo rate was priced")
	}
}

func TestCatalogCoversEveryShop(t *testing.T) {
	items, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	sold := map[string]bool{}
	for _, sp := range shops {
		for _, c := range sp.categories {
			if sold[c] {
				t.Errorf("category %s is sold by two shops", c)
			}
			sold[c] = true
		}
	}
	skus := map[string]bool{}
	for _, it := range items {
		if !sold[it.Category] {
			t.Errorf("no demo shop sells category %s (%q)", it.Category, it.Title)
		}
		if skus[it.SKU] || it.SKU == "" {
			t.Errorf("SKU %q is empty or repeated", it.SKU)
		}
		skus[it.SKU] = true
		if err := media.CheckKey(imageKey(it.SKU)); err != nil {
			t.Errorf("picture key of %s: %v", it.SKU, err)
		}
	}
	if len(items) != 194 {
		t.Errorf("catalogue has %d products, want DummyJSON's 194", len(items))
	}
}

// world is the services Seed runs over, on fresh databases.
type world struct {
	deps Deps
	ids  *identity.Service
	log  *bytes.Buffer
}

func newWorld(t *testing.T, engine string) world {
	t.Helper()
	cfg := sqltest.Config(t, engine)
	router := sqltest.RouterFor(t, cfg)
	store, err := media.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var log bytes.Buffer
	p := testkit.Platform(t, router, func(o *platform.Options) { o.Media = store })
	deps := FromPlatform(p, slog.New(slog.NewTextHandler(&log, nil)))
	deps.ImageSize = 64 // small pictures keep the test quick under -race
	// The demo without live rooms: these tests are
	// about its catalogue and accounts.
	deps.Live, deps.University = nil, nil
	return world{deps: deps, ids: p.Identity, log: &log}
}

// listing is what a market shows: shops by ID with their products.
func listing(t *testing.T, w world, mkt string) map[string][]*catalog.Product {
	t.Helper()
	out := map[string][]*catalog.Product{}
	req := page.Request{Limit: page.MaxLimit}
	for {
		pg, err := w.deps.Catalog.Browse(context.Background(), mkt, req)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pg.Items {
			out[p.ShopID] = append(out[p.ShopID], p)
		}
		if pg.NextCursor == "" {
			return out
		}
		req.After = pg.Items[len(pg.Items)-1].ID
	}
}

func TestSeed(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		w := newWorld(t, engine)

		start := time.Now()
		sum, err := Seed(ctx, w.deps)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seeded on %s in %v", engine, time.Since(start))
		if sum.ProductsCreated != 194 || sum.ProductsFound != 0 || sum.ImagesWritten != 194 {
			t.Errorf("first run: created %d products, found %d, wrote %d images; want 194, 0, 194", sum.ProductsCreated, sum.ProductsFound, sum.ImagesWritten)
		}
		for _, a := range sum.Accounts {
			if !a.Created || a.Skipped != "" {
				t.Errorf("first run: account %s created=%v skipped=%q", a.Email, a.Created, a.Skipped)
			}
		}

		// What a shopper sees in each market.
		wantShops := map[string]int{"GB": 2, "DE": 2, "US": 3, "ID": 1}
		wantProducts := map[string]int{"GB": 53, "DE": 55, "US": 59, "ID": 27}
		currency := map[string]string{"GB": "GBP", "DE": "EUR", "US": "USD", "ID": "IDR"}
		before := map[string]map[string][]*catalog.Product{}
		total := 0
		for mkt := range wantShops {
			l := listing(t, w, mkt)
			before[mkt] = l
			n := 0
			for shopID, products := range l {
				shop, err := w.deps.Catalog.Shop(ctx, shopID)
				if err != nil {
					t.Fatal(err)
				}
				categories := map[string]bool{}
				for _, p := range products {
					n++
					categories[p.Category] = true
					if p.Status != catalog.StatusActivate {
						t.Errorf("%s: status %s, want ACTIVATE", p.Title, p.Status)
					}
					if len(p.SKUs) != 1 || p.SKUs[0].SellerSKU == "" || p.SKUs[0].Price.Currency != currency[mkt] || p.SKUs[0].Price.Amount <= 0 {
						t.Errorf("%s: SKUs %+v, want one with a seller SKU and a positive %s price", p.Title, p.SKUs, currency[mkt])
					}
					checkPicture(t, w, p)
				}
				var plan *shopPlan
				for i := range shops {
					if shops[i].name == shop.Name {
						plan = &shops[i]
					}
				}
				if plan == nil {
					t.Errorf("unplanned shop %q in %s", shop.Name, mkt)
					continue
				}
				for c := range categories {
					if !slices.Contains(plan.categories, c) {
						t.Errorf("shop %s sells %s, outside its assortment", shop.Name, c)
					}
				}
			}
			if len(l) != wantShops[mkt] || n != wantProducts[mkt] {
				t.Errorf("%s shows %d shops with %d products; want %d with %d", mkt, len(l), n, wantShops[mkt], wantProducts[mkt])
			}
			total += n
		}
		if total != 194 {
			t.Errorf("%d products listed in all, want 194", total)
		}
		if l := listing(t, w, "FR"); len(l) != 0 {
			t.Errorf("FR has %d shops; the demo opens none there", len(l))
		}

		// Every clip is posted by its shop, anchoring the products it
		// shows, and each market with shops opens on a feed.
		clips, err := Clips()
		if err != nil {
			t.Fatal(err)
		}
		// The creator is in a plan of each GB shop, with products in its
		// showcase it may promote.
		if sum.PlansCreated != 2 {
			t.Errorf("first run opened %d affiliate plans; want one in each of the 2 GB shops", sum.PlansCreated)
		}
		creatorActor := signIn(t, w, "creator@demo.loopshop.test")
		mine, _, err := w.deps.Affiliate.MyPlans(ctx, creatorActor)
		if err != nil || len(mine) != 2 {
			t.Errorf("the creator is in %d plans (%v); want 2", len(mine), err)
		}
		sc, err := w.deps.Content.Showcase(ctx, creatorActor.AccountID, page.Request{Limit: page.MaxLimit})
		if err != nil || len(sc.Items) != 6 {
			t.Errorf("the creator's showcase has %d products (%v); want 3 from each GB shop", len(sc.Items), err)
		}
		if sum.VideosPosted != len(clips) || len(clips) < 8 {
			t.Errorf("first run posted %d videos; want all %d clips (at least one per shop)", sum.VideosPosted, len(clips))
		}
		for mkt := range wantShops {
			f, err := w.deps.Content.Feed(ctx, nil, mkt, page.Request{Limit: page.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) == 0 {
				t.Errorf("%s's feed is empty; want the demo shops' videos", mkt)
			}
			for _, v := range f.Items {
				shop := before[mkt][v.ShopID]
				if len(shop) == 0 || len(v.Anchors) == 0 || v.PosterKey == "" || v.ContentType == "" {
					t.Errorf("%s: video %s %+v: want it by a demo shop of the market, with anchors and a poster", mkt, v.ID, v)
					continue
				}
				for _, a := range v.Anchors {
					if !slices.ContainsFunc(shop, func(p *catalog.Product) bool { return p.ID == a.ProductID }) || !a.Available {
						t.Errorf("%s: video %q anchors %q, which its shop does not sell", mkt, v.Caption, a.Title)
					}
				}
			}
		}

		// Accounts sign in with the demo password, each as what it is for.
		for _, tt := range []struct {
			email   string
			check   func(*identity.Actor) bool
			meaning string
		}{
			{"buyer@demo.loopshop.test", func(a *identity.Actor) bool { return a.Market == "GB" && !a.IsStaff() && len(a.Shops) == 0 }, "a GB buyer"},
			{"creator@demo.loopshop.test", func(a *identity.Actor) bool { return a.IsCreator }, "a creator"},
			{"admin@demo.loopshop.test", func(a *identity.Actor) bool {
				return a.Staff(identity.PermMarketManage, "GB") && a.Staff(identity.PermMarketManage, "US") && a.Staff(identity.PermMarketManage, "ID")
			}, "an admin cleared for every region"},
			{"pasar.id@demo.loopshop.test", func(a *identity.Actor) bool { return a.Market == "ID" && len(a.Shops) == 1 }, "the owner of one Indonesian shop"},
		} {
			tok, _, err := w.ids.Login(ctx, tt.email, Password, identity.SessionAPI)
			if err != nil {
				t.Fatalf("sign in as %s: %v", tt.email, err)
			}
			a, err := w.ids.Authenticate(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(a) {
				t.Errorf("%s is not %s: %+v", tt.email, tt.meaning, a)
			}
		}
		if !strings.Contains(w.log.String(), "password="+Password) || !strings.Contains(w.log.String(), "buyer@demo.loopshop.test") {
			t.Errorf("the seeding log line does not give the accounts and password:\n%s", w.log.String())
		}

		// A second start finds everything and adds nothing.
		sum, err = Seed(ctx, w.deps)
		if err != nil {
			t.Fatal(err)
		}
		if sum.ProductsCreated != 0 || sum.ProductsFound != 194 || sum.ImagesWritten != 0 || sum.VideosPosted != 0 || sum.VideosFound != len(clips) || sum.PlansCreated != 0 {
			t.Errorf("second run: created %d products, found %d, wrote %d images, posted %d videos, found %d; want 0, 194, 0, 0, %d",
				sum.ProductsCreated, sum.ProductsFound, sum.ImagesWritten, sum.VideosPosted, sum.VideosFound, len(clips))
		}
		for _, a := range sum.Accounts {
			if a.Created || a.Skipped != "" {
				t.Errorf("second run: account %s created=%v skipped=%q", a.Email, a.Created, a.Skipped)
			}
		}
		for _, s := range sum.Shops {
			if s.Created {
				t.Errorf("second run opened shop %s again", s.Name)
			}
		}
		for mkt, l := range before {
			if diff := cmp.Diff(ids(l), ids(listing(t, w, mkt))); diff != "" {
				t.Errorf("%s changed on the second run (-before +after):\n%s", mkt, diff)
			}
		}
	})
}

func ids(l map[string][]*catalog.Product) map[string][]string {
	out := map[string][]string{}
	for shop, ps := range l {
		for _, p := range ps {
			out[shop] = append(out[shop], p.ID)
		}
	}
	return out
}

func checkPicture(t *testing.T, w world, p *catalog.Product) {
	t.Helper()
	if p.ImageKey == "" {
		t.Errorf("%s has no picture", p.Title)
		return
	}
	f, info, err := w.deps.Media.Open(context.Background(), p.ImageKey)
	if err != nil {
		t.Errorf("picture of %s: %v", p.Title, err)
		return
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil || info.ContentType != media.PNG || cfg.Width != 64 {
		t.Errorf("picture of %s: %s %dpx (%v), want a 64px PNG", p.Title, info.ContentType, cfg.Width, err)
	}
}

// sample is a few products of every shop, for tests that need not list
// the whole catalogue.
func sample(t *testing.T) []item {
	t.Helper()
	items, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	var out []item
	taken := map[string]int{}
	for _, it := range items {
		if taken[it.Category] < 2 {
			taken[it.Category]++
			out = append(out, it)
		}
	}
	return out
}

// A seeding interrupted half-way is finished by the next one.
func TestSeedResumes(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sqlstore.SQLite)
	items := sample(t)
	// The first run stops half-way through the catalogue...
	if _, err := seedItems(ctx, w.deps, items[:len(items)/2]); err != nil {
		t.Fatal(err)
	}
	// ...and loses a picture, as a wiped media folder would.
	lost := imageKey(items[0].SKU)
	if err := w.deps.Media.Delete(ctx, lost); err != nil {
		t.Fatal(err)
	}
	sum, err := seedItems(ctx, w.deps, items)
	if err != nil {
		t.Fatal(err)
	}
	rest := len(items) - len(items)/2
	if sum.ImagesWritten != rest+1 || sum.ProductsCreated != rest || sum.ProductsFound != len(items)/2 {
		t.Errorf("wrote %d images, created %d products, found %d; want %d, %d, %d", sum.ImagesWritten, sum.ProductsCreated, sum.ProductsFound, rest+1, rest, len(items)/2)
	}
	for _, s := range sum.Shops {
		if s.Created {
			t.Errorf("shop %s opened again", s.Name)
		}
	}
	f, _, err := w.deps.Media.Open(ctx, lost)
	if err != nil {
		t.Fatalf("the lost picture was not restored: %v", err)
	}
	f.Close()
}

// An account whose owner changed its password is left alone, not broken.
func TestSeedLeavesChangedAccountsAlone(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sqlstore.SQLite)
	if _, err := w.ids.SignUp(ctx, identity.SignUp{Market: "GB", Email: "buyer@demo.loopshop.test", Password: "somebody else's password"}); err != nil {
		t.Fatal(err)
	}
	items := sample(t)
	sum, err := seedItems(ctx, w.deps, items)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range sum.Accounts {
		if a.Email == "buyer@demo.loopshop.test" && (a.Skipped == "" || a.Created) {
			t.Errorf("buyer: created=%v skipped=%q, want left alone", a.Created, a.Skipped)
		}
	}
	if sum.ProductsCreated != len(items) {
		t.Errorf("created %d products, want %d", sum.ProductsCreated, len(items))
	}
	if !strings.Contains(w.log.String(), "demo account left alone") {
		t.Errorf("no warning in the log:\n%s", w.log.String())
	}
}

func TestInterleaveSpreadsEveryList(t *testing.T) {
	got := interleave([][]string{{"a1", "a2", "a3", "a4", "a5", "a6"}, {"b1", "b2"}, {}})
	want := []string{"a1", "a2", "b1", "a3", "a4", "a5", "b2", "a6"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("interleave (-want +got):\n%s", diff)
	}
}

// signIn signs in to a demo account and returns its actor.
func signIn(t *testing.T, w world, email string) *identity.Actor {
	t.Helper()
	tok, _, err := w.ids.Login(context.Background(), email, Password, identity.SessionAPI)
	if err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
	a, err := w.ids.Authenticate(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
