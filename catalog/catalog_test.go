package catalog_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
)

// env is a catalog service over fresh databases of one engine, with the
// identity service that signs its actors in.
type env struct {
	t        *testing.T
	catalog  *catalog.Service
	identity *identity.Service
	store    *sqlstore.IdentityStore
	jobs     *jobs.Runner
	p        *platform.Platform
}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	p := testkit.New(t, engine)
	return &env{t: t, p: p, catalog: p.Catalog, identity: p.Identity, store: sqlstore.NewIdentityStore(p.Router), jobs: p.Jobs}
}

// runJobs runs the background jobs that are due and returns how many ran.
func (e *env) runJobs() int {
	e.t.Helper()
	n, err := e.jobs.RunDue(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) account(market string) *identity.Actor { return testkit.Account(e.t, e.p, market, false) }

// session starts a new session for the actor's account.
func (e *env) session(act *identity.Actor) string {
	e.t.Helper()
	tok, err := e.identity.StartSession(context.Background(), &identity.Account{ID: act.AccountID, Market: act.Market}, identity.SessionAPI)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

func (e *env) signIn(token string) *identity.Actor {
	e.t.Helper()
	act, err := e.identity.Authenticate(context.Background(), token)
	if err != nil {
		e.t.Fatal(err)
	}
	return act
}

// seller returns a new account of market that owns a new shop, as the
// actor a request would carry after opening the shop.
func (e *env) seller(market, shopName string) (*identity.Actor, *catalog.Shop) {
	e.t.Helper()
	act := e.account(market)
	shop, err := e.catalog.CreateShop(context.Background(), act, catalog.NewShop{Name: shopName})
	if err != nil {
		e.t.Fatalf("create shop %q in %s: %v", shopName, market, err)
	}
	// Sign in again, as the next request would: memberships are read then.
	act = e.signIn(e.session(act))
	if act.Shops[shop.ID] != identity.ShopOwner {
		e.t.Fatalf("after opening shop %s the actor's shops are %v; want it as owner", shop.ID, act.Shops)
	}
	return act, shop
}

// skuSeq numbers seller SKUs, which must be unique within a shop.
var skuSeq atomic.Int64

// product returns a listing with one SKU per price; several SKUs vary in
// a "Pack" option, as SKUs of one product must differ in their options.
func product(title string, prices ...int64) catalog.NewProduct {
	p := catalog.NewProduct{Title: title, Description: "A thing.", Category: "home"}
	if len(prices) > 1 {
		p.Options = []catalog.Option{{Name: "Pack"}}
	}
	for i, price := range prices {
		k := catalog.NewSKU{SellerSKU: fmt.Sprintf("SKU-%d", skuSeq.Add(1)), Price: price}
		if len(prices) > 1 {
			v := fmt.Sprintf("pack of %d", i+1)
			p.Options[0].Values = append(p.Options[0].Values, v)
			k.Options = []string{v}
		}
		p.SKUs = append(p.SKUs, k)
	}
	return p
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := loopshop.ErrorCode(err); got != code {
		t.Errorf("%s: got %v, want code %q", what, err, code)
	}
}

func TestCreateShop(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		gb := e.account("GB")

		tests := []struct {
			name  string
			actor *identity.Actor
			shop  string
			want  string // error code, "" for success
			field string
		}{
			{"three characters", gb, "Abc", "", ""},
			{"three two-byte characters", gb, "Äöü", "", ""},
			{"sixty characters", gb, strings.Repeat("s", 60), "", ""},
			{"surrounding space trimmed", gb, "  Tea Room  ", "", ""},
			{"two characters", gb, "Ab", loopshop.EINVALID, "name"},
			{"two characters inside space", gb, "   Ab   ", loopshop.EINVALID, "name"},
			{"sixty-one characters", gb, strings.Repeat("s", 61), loopshop.EINVALID, "name"},
			{"empty", gb, "", loopshop.EINVALID, "name"},
			{"anonymous", nil, "Nobody's Shop", loopshop.EUNAUTHORIZED, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				shop, err := e.catalog.CreateShop(ctx, tt.actor, catalog.NewShop{Name: tt.shop})
				wantCode(t, "CreateShop", err, tt.want)
				if tt.field != "" && loopshop.ErrorField(err) != tt.field {
					t.Errorf("error field %q, want %q", loopshop.ErrorField(err), tt.field)
				}
				if err != nil {
					return
				}
				if shop.Name != strings.TrimSpace(tt.shop) || shop.Market != "GB" || shop.Status != "ACTIVE" {
					t.Errorf("shop %+v: want name %q, market GB, ACTIVE", shop, strings.TrimSpace(tt.shop))
				}
				if m, _ := loopshop.MarketOf(shop.ID); m != "GB" {
					t.Errorf("shop ID %s does not carry market GB", shop.ID)
				}
				got, err := e.catalog.Shop(ctx, shop.ID)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(shop, got); diff != "" {
					t.Errorf("shop read back (-created +read):\n%s", diff)
				}
			})
		}
	})
}

func TestCreateShopRefusesMarketNotOpen(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine)
		_, err := e.catalog.CreateShop(context.Background(), e.account("IE"), catalog.NewShop{Name: "Dublin Books"})
		wantCode(t, "shop in IE", err, loopshop.ECONFLICT)
		if !strings.Contains(loopshop.ErrorMessage(err), "Ireland") {
			t.Errorf("message %q does not name the market", loopshop.ErrorMessage(err))
		}
	})
}

func TestShopNameUniquePerMarket(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		e.seller("GB", "Tea Room")

		_, err := e.catalog.CreateShop(ctx, e.account("GB"), catalog.NewShop{Name: " Tea Room "})
		wantCode(t, "same name in GB", err, loopshop.ECONFLICT)
		if loopshop.ErrorField(err) != "name" || !strings.Contains(loopshop.ErrorMessage(err), `"Tea Room"`) {
			t.Errorf("conflict %v: want field name and a message naming the shop", err)
		}
		// Another market, even in the same region, may use the name.
		for _, m := range []string{"DE", "US"} {
			if _, err := e.catalog.CreateShop(ctx, e.account(m), catalog.NewShop{Name: "Tea Room"}); err != nil {
				t.Errorf("same name in %s: %v, want allowed", m, err)
			}
		}
	})
}

func TestShopNotFound(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine)
		for _, id := range []string{"shp_gb_00000000000000000000000000", "shp_zz_00000000000000000000000000", "nope", ""} {
			_, err := e.catalog.Shop(context.Background(), id)
			wantCode(t, "Shop("+id+")", err, loopshop.ENOTFOUND)
		}
	})
}

func TestCreateProduct(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		owner, shop := e.seller("GB", "Tea Room")
		stranger := e.account("GB")

		tests := []struct {
			name    string
			actor   *identity.Actor
			in      catalog.NewProduct
			publish bool
			want    string
			field   string
			status  string
		}{
			{name: "owner publishes", actor: owner, in: product("Green tea", 1299), publish: true, status: catalog.StatusActivate},
			{name: "owner drafts", actor: owner, in: product("Black tea", 899), status: catalog.StatusDraft},
			{name: "stranger", actor: stranger, in: product("Stolen tea", 100), publish: true, want: loopshop.ENOTFOUND},
			{name: "owner of another shop", actor: e.must(e.seller("GB", "Juice Bar")), in: product("Juice", 100), want: loopshop.ENOTFOUND},
			{name: "anonymous", actor: nil, in: product("Free tea", 100), want: loopshop.EUNAUTHORIZED},
			{name: "no SKUs", actor: owner, in: product("Tea"), want: loopshop.EINVALID, field: "skus"},
			{name: "zero price", actor: owner, in: product("Tea", 0), want: loopshop.EINVALID, field: "skus[0].price"},
			{name: "negative second price", actor: owner, in: product("Tea", 100, -5), want: loopshop.EINVALID, field: "skus[1].price"},
			{name: "short title", actor: owner, in: product(" T ", 100), want: loopshop.EINVALID, field: "title"},
			{name: "no category", actor: owner, in: catalog.NewProduct{Title: "Tea", SKUs: []catalog.NewSKU{{Price: 100}}}, want: loopshop.EINVALID, field: "category"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := e.catalog.CreateProduct(ctx, tt.actor, shop.ID, tt.in, tt.publish)
				wantCode(t, "CreateProduct", err, tt.want)
				if tt.field != "" && loopshop.ErrorField(err) != tt.field {
					t.Errorf("error field %q, want %q", loopshop.ErrorField(err), tt.field)
				}
				if err != nil {
					return
				}
				if p.Status != tt.status || p.ShopID != shop.ID || p.Market != "GB" {
					t.Errorf("product status %s in shop %s market %s; want %s in %s, GB", p.Status, p.ShopID, p.Market, tt.status, shop.ID)
				}
				wantAudit := catalog.AuditNone
				if tt.publish {
					wantAudit = catalog.AuditPending // until the background review
				}
				if p.AuditStatus != wantAudit {
					t.Errorf("audit status %s, want %s", p.AuditStatus, wantAudit)
				}
				got, err := e.catalog.Product(ctx, owner, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(p, got); diff != "" {
					t.Errorf("product read back (-created +read):\n%s", diff)
				}
			})
		}
		// Only the owner's published product is live: the refused
		// attempts created nothing.
		pg, err := e.catalog.Browse(ctx, "GB", page.Request{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Items) != 1 || pg.Items[0].Title != "Green tea" {
			t.Errorf("GB lists %d products; want only Green tea", len(pg.Items))
		}
	})
}

// must drops the shop of a seller, for table entries that need only the actor.
func (e *env) must(a *identity.Actor, _ *catalog.Shop) *identity.Actor { return a }

func TestProductPriceInMarketCurrency(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		for market, currency := range map[string]string{"GB": "GBP", "DE": "EUR", "US": "USD", "ID": "IDR"} {
			t.Run(market, func(t *testing.T) {
				owner, shop := e.seller(market, "Shop of "+market)
				p, err := e.catalog.CreateProduct(ctx, owner, shop.ID, product("Tea", 1500, 2500), true)
				if err != nil {
					t.Fatal(err)
				}
				want := []money.Money{money.New(1500, currency), money.New(2500, currency)}
				var got []money.Money
				for _, k := range p.SKUs {
					got = append(got, k.Price)
					if m, _ := loopshop.MarketOf(k.ID); m != market {
						t.Errorf("SKU ID %s does not carry market %s", k.ID, market)
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("prices (-want +got):\n%s", diff)
				}
				if p.MinPrice() != want[0] {
					t.Errorf("MinPrice %v, want %v", p.MinPrice(), want[0])
				}
			})
		}
	})
}

func TestProductVisibility(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		owner, shop := e.seller("GB", "Tea Room")
		draft, err := e.catalog.CreateProduct(ctx, owner, shop.ID, product("Secret blend", 999), false)
		if err != nil {
			t.Fatal(err)
		}
		live, err := e.catalog.CreateProduct(ctx, owner, shop.ID, product("House blend", 499), true)
		if err != nil {
			t.Fatal(err)
		}
		stranger := e.account("GB")
		support := e.account("US")
		support.StaffRoles = []identity.StaffRole{identity.RoleSupport}
		support.ClearedMarkets = map[string]bool{"GB": true}

		tests := []struct {
			name  string
			actor *identity.Actor
			id    string
			want  string
		}{
			{"draft, anonymous", nil, draft.ID, loopshop.ENOTFOUND},
			{"draft, stranger", stranger, draft.ID, loopshop.ENOTFOUND},
			{"draft, shop owner", owner, draft.ID, ""},
			{"draft, staff who may not write products", support, draft.ID, loopshop.EFORBIDDEN},
			{"active, anonymous", nil, live.ID, ""},
			{"active, stranger", stranger, live.ID, ""},
			{"unknown", nil, "prd_gb_00000000000000000000000000", loopshop.ENOTFOUND},
			{"malformed", owner, "nope", loopshop.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := e.catalog.Product(ctx, tt.actor, tt.id)
				wantCode(t, "Product", err, tt.want)
				if err == nil && p.ID != tt.id {
					t.Errorf("got product %s, want %s", p.ID, tt.id)
				}
				if loopshop.ErrorCode(err) == loopshop.ENOTFOUND && strings.Contains(loopshop.ErrorMessage(err), "Secret") {
					t.Errorf("not-found message %q reveals the draft", loopshop.ErrorMessage(err))
				}
			})
		}
	})
}

func TestBrowse(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		gbOwner, gbShop := e.seller("GB", "Tea Room")
		deOwner, deShop := e.seller("DE", "Teestube")
		usOwner, usShop := e.seller("US", "Tea House")

		// Five live GB products, created in order; IDs order by the
		// millisecond, so wait one between them to fix "newest".
		var want []string
		for i := range 5 {
			p, err := e.catalog.CreateProduct(ctx, gbOwner, gbShop.ID, product(fmt.Sprintf("GB tea %d", i), int64(100+i)), true)
			if err != nil {
				t.Fatal(err)
			}
			want = append([]string{p.ID}, want...)
			time.Sleep(2 * time.Millisecond)
		}
		// Noise: a GB draft and live products of DE (same region) and US.
		if _, err := e.catalog.CreateProduct(ctx, gbOwner, gbShop.ID, product("GB draft", 100), false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.catalog.CreateProduct(ctx, deOwner, deShop.ID, product("DE tea", 100), true); err != nil {
			t.Fatal(err)
		}
		if _, err := e.catalog.CreateProduct(ctx, usOwner, usShop.ID, product("US tea", 100), true); err != nil {
			t.Fatal(err)
		}

		var got []string
		var sizes []int
		r := page.Request{Limit: 2}
		for range 10 {
			pg, err := e.catalog.Browse(ctx, "gb", r)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(pg.Items))
			for _, p := range pg.Items {
				got = append(got, p.ID)
				if p.Market != "GB" || p.Status != catalog.StatusActivate || len(p.SKUs) != 1 {
					t.Errorf("browse GB listed %s (%s, %s, %d SKUs); want live GB products with their SKU", p.ID, p.Market, p.Status, len(p.SKUs))
				}
			}
			if pg.NextCursor == "" {
				break
			}
			r, err = page.FromQuery(map[string][]string{"limit": {"2"}, "cursor": {pg.NextCursor}})
			if err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("products walked, newest first (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int{2, 2, 1}, sizes); diff != "" {
			t.Errorf("page sizes (-want +got):\n%s", diff)
		}

		for market, title := range map[string]string{"DE": "DE tea", "US": "US tea", "ID": ""} {
			pg, err := e.catalog.Browse(ctx, market, page.Request{Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, p := range pg.Items {
				titles = append(titles, p.Title)
			}
			var wantTitles []string
			if title != "" {
				wantTitles = []string{title}
			}
			if diff := cmp.Diff(wantTitles, titles); diff != "" {
				t.Errorf("browse %s (-want +got):\n%s", market, diff)
			}
			if pg.Items == nil {
				t.Errorf("browse %s: items is nil; an empty page must encode as []", market)
			}
		}
		_, err := e.catalog.Browse(ctx, "ZZ", page.Request{Limit: 20})
		wantCode(t, "browse an unserved market", err, loopshop.ENOTFOUND)
	})
}

// A product's SKUs come back in the order the seller gave them: variants
// ("S", "M", "L") must not shuffle between page loads.
func TestProductKeepsSKUOrder(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		owner, shop := e.seller("GB", "Tea Room")
		sizes := []string{"XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL"}
		in := catalog.NewProduct{Title: "T-shirt", Category: "fashion", Options: []catalog.Option{{Name: "Size", Values: sizes}}}
		var want []string
		for _, size := range sizes {
			in.SKUs = append(in.SKUs, catalog.NewSKU{SellerSKU: "TEE-" + size, Options: []string{size}, Price: 1500})
			want = append(want, "TEE-"+size)
		}
		p, err := e.catalog.CreateProduct(ctx, owner, shop.ID, in, true)
		if err != nil {
			t.Fatal(err)
		}
		sellerSKUs := func(p *catalog.Product) []string {
			var out []string
			for _, k := range p.SKUs {
				out = append(out, k.SellerSKU)
			}
			return out
		}
		if diff := cmp.Diff(want, sellerSKUs(p)); diff != "" {
			t.Errorf("created SKUs (-want +got):\n%s", diff)
		}
		got, err := e.catalog.Product(ctx, nil, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, sellerSKUs(got)); diff != "" {
			t.Errorf("SKUs read back (-given +read):\n%s", diff)
		}
		pg, err := e.catalog.Browse(ctx, "GB", page.Request{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Items) != 1 {
			t.Fatalf("browse lists %d products, want 1", len(pg.Items))
		}
		if diff := cmp.Diff(want, sellerSKUs(pg.Items[0])); diff != "" {
			t.Errorf("SKUs in browse (-given +listed):\n%s", diff)
		}
	})
}

// A seller SKU is the seller's own code for a variant and is unique in its
// shop; reusing one is a conflict that says which code and where.
func TestSellerSKUUniqueInShop(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		owner, shop := e.seller("GB", "Tea Room")
		other, otherShop := e.seller("GB", "Coffee Room")
		first := catalog.NewProduct{Title: "Green tea", Category: "food", SKUs: []catalog.NewSKU{{SellerSKU: "TEA-1", Price: 100}}}
		if _, err := e.catalog.CreateProduct(ctx, owner, shop.ID, first, true); err != nil {
			t.Fatal(err)
		}
		// Another shop may use the same code.
		if _, err := e.catalog.CreateProduct(ctx, other, otherShop.ID, first, true); err != nil {
			t.Fatalf("same seller SKU in another shop: %v", err)
		}
		// SKUs without a code never clash.
		blank := catalog.NewProduct{Title: "Loose tea", Category: "food", Options: []catalog.Option{{Name: "Weight", Values: []string{"50 g", "100 g"}}},
			SKUs: []catalog.NewSKU{{Options: []string{"50 g"}, Price: 100}, {Options: []string{"100 g"}, Price: 200}}}
		for range 2 {
			if _, err := e.catalog.CreateProduct(ctx, owner, shop.ID, blank, true); err != nil {
				t.Fatalf("SKUs without seller SKU: %v", err)
			}
		}

		tests := []struct {
			name  string
			skus  []catalog.NewSKU
			field string
		}{
			{"reused from another product", []catalog.NewSKU{{SellerSKU: "TEA-2", Options: []string{"50 g"}, Price: 100}, {SellerSKU: " TEA-1 ", Options: []string{"100 g"}, Price: 100}}, "skus[1].seller_sku"},
			{"twice in one product", []catalog.NewSKU{{SellerSKU: "TEA-3", Options: []string{"50 g"}, Price: 100}, {SellerSKU: "TEA-3", Options: []string{"100 g"}, Price: 200}}, "skus[1].seller_sku"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := catalog.NewProduct{Title: "Black tea", Category: "food", Options: []catalog.Option{{Name: "Weight", Values: []string{"50 g", "100 g"}}}, SKUs: tt.skus}
				_, err := e.catalog.CreateProduct(ctx, owner, shop.ID, in, true)
				if loopshop.ErrorCode(err) != loopshop.ECONFLICT && loopshop.ErrorCode(err) != loopshop.EINVALID {
					t.Fatalf("CreateProduct: %v; want a conflict or invalid error", err)
				}
				if loopshop.ErrorField(err) != tt.field {
					t.Errorf("error %v: field %q, want %q", err, loopshop.ErrorField(err), tt.field)
				}
				if msg := loopshop.ErrorMessage(err); !strings.Contains(msg, "TEA-") {
					t.Errorf("message %q does not name the seller SKU", msg)
				}
			})
		}
	})
}

func TestShopDetails(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		owner := e.account("GB")

		refusals := []struct {
			name  string
			in    catalog.NewShop
			field string
		}{
			{"unknown business type", catalog.NewShop{Name: "Tea Room", BusinessType: "charity"}, "business_type"},
			{"company without legal name", catalog.NewShop{Name: "Tea Room", BusinessType: "company"}, "legal_name"},
			{"bad contact e-mail", catalog.NewShop{Name: "Tea Room", ContactEmail: "Tea <tea@example.com>"}, "contact_email"},
			{"bad ships-from country", catalog.NewShop{Name: "Tea Room", ShipsFrom: "China"}, "ships_from"},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.catalog.CreateShop(ctx, owner, tt.in)
				if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != tt.field {
					t.Errorf("CreateShop: %v; want invalid on %s", err, tt.field)
				}
			})
		}

		shop, err := e.catalog.CreateShop(ctx, owner, catalog.NewShop{Name: "Tea Room", BusinessType: " company ", LegalName: "Tea Room Ltd", ContactEmail: "Sales@Tea.Example", ShipsFrom: "cn"})
		if err != nil {
			t.Fatal(err)
		}
		if shop.BusinessType != catalog.BusinessCompany || shop.ContactEmail != "Sales@tea.example" || shop.ShipsFrom != "CN" || !shop.CrossBorder() {
			t.Errorf("shop %+v: want COMPANY, contact Sales@tea.example, shipping cross-border from CN", shop)
		}
		if got := shop.ProbationUntil.Sub(shop.CreatedAt); got != catalog.ProbationPeriod {
			t.Errorf("probation of %v, want %v", got, catalog.ProbationPeriod)
		}
		public, err := e.catalog.Shop(ctx, shop.ID)
		if err != nil {
			t.Fatal(err)
		}
		if public.LegalName != "" || public.ContactEmail != "" || public.Name != "Tea Room" {
			t.Errorf("public shop %+v shows its legal name or contact", public)
		}
		owner = e.signIn(e.session(owner))
		for name, tt := range map[string]struct {
			actor   *identity.Actor
			private bool
		}{
			"owner":     {owner, true},
			"stranger":  {e.account("GB"), false},
			"anonymous": {nil, false},
		} {
			got, err := e.catalog.ShopFor(ctx, tt.actor, shop.ID)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if shown := got.LegalName == "Tea Room Ltd" && got.ContactEmail == "Sales@tea.example"; shown != tt.private {
				t.Errorf("%s sees legal name %q and contact %q; want private details shown: %v", name, got.LegalName, got.ContactEmail, tt.private)
			}
		}
	})
}

// Products take their place in the category tree from the seller's own
// word for them, or from an explicit category_id, and buyers browse a
// category with everything below it.
func TestCategories(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		owner, shop := e.seller("GB", "Beauty Bar")
		lipstick := product("Velvet lipstick", 1500)
		lipstick.Category = "lipstick"
		serum := product("Night serum", 2500)
		serum.Category, serum.CategoryID = "", "skincare"
		tea := product("Green tea", 500)
		tea.Category = "green tea"
		var ids []string
		for _, in := range []catalog.NewProduct{lipstick, serum, tea} {
			p, err := e.catalog.CreateProduct(ctx, owner, shop.ID, in, true)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.CategoryID)
		}
		if ids[0] != "makeup" || ids[1] != "skincare" || ids[2] != "tea-coffee" {
			t.Errorf("categories %v; want makeup, skincare, tea-coffee", ids)
		}
		pg, err := e.catalog.BrowseCategory(ctx, "GB", "beauty-personal-care", page.Request{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Items) != 2 {
			t.Errorf("beauty lists %d products, want the lipstick and the serum", len(pg.Items))
		}
		if _, err := e.catalog.BrowseCategory(ctx, "GB", "no-such-thing", page.Request{Limit: 10}); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("browsing an unknown category: %v, want not found", err)
		}
		bad := product("Mystery", 100)
		bad.CategoryID = "no-such-thing"
		if _, err := e.catalog.CreateProduct(ctx, owner, shop.ID, bad, true); loopshop.ErrorField(err) != "category_id" {
			t.Errorf("an unknown category_id: %v, want an error about category_id", err)
		}
	})
}
