package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/media"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
	"github.com/loopshop/loopshop/ui"
	"github.com/loopshop/loopshop/university"
)

// env is a server with the UI over fresh SQLite databases, holding a GB
// shop with a mug (and a draft) and a DE shop with a coffee grinder. The
// UI's handlers are storage-agnostic, so one engine is enough here; the
// stores they call are tested on both.
type env struct {
	t       *testing.T
	srv     *httptest.Server
	router  *sqlstore.Router
	ids     *identity.Service
	cat     *catalog.Service
	orders  *order.Service
	content *content.Service
	aff     *affiliate.Service
	rooms   *live.Service
	univ    *university.Service
	jobs    *jobs.Runner
	media   media.Store
	p       *platform.Platform
	gbShop  *catalog.Shop
	gbOwner *identity.Actor
	mug     *catalog.Product
	draft   *catalog.Product
	grinder *catalog.Product
	log     syncBuffer
	// clock is every service's: it runs, and a test may move it on.
	clock testkit.Clock
}

// syncBuffer is a log destination that tests read while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

const testTTL = time.Hour

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	cfg := sqltest.Config(t, sqlstore.SQLite)
	e := &env{t: t}
	logger := slog.New(slog.NewTextHandler(&e.log, nil))
	e.p = testkit.Platform(t, sqltest.RouterFor(t, cfg), func(o *platform.Options) { o.SessionTTL, o.Logger, o.Clock = testTTL, logger, e.clock.Now })
	p := e.p
	e.router, e.ids, e.cat, e.orders, e.jobs, e.media = p.Router, p.Identity, p.Catalog, p.Orders, p.Jobs, p.Media
	e.content, e.aff, e.rooms, e.univ = p.Content, p.Affiliate, p.Live, p.University
	e.orders.RemorseWindow = 0
	markets, store := p.Markets, p.Media
	srv := server.New(cfg, server.Deps{Identity: e.ids, Idempotency: sqlstore.NewIdempotencyStore(e.router), Logger: logger})
	ui.New(ui.Deps{Markets: markets, Identity: e.ids, Catalog: e.cat, Content: e.content, Affiliate: e.aff, Live: e.rooms, University: e.univ,
		Payouts: p.Payouts, Orders: e.orders, Media: store, SessionTTL: testTTL, Logger: logger}).Register(srv)
	e.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(e.srv.Close)

	e.gbOwner = e.seller(ctx, "GB", "harriet@example.com")
	e.gbShop = e.shop(ctx, e.gbOwner, "Hearth Test Shop")
	var png bytes.Buffer
	if err := pngOf(&png); err != nil {
		t.Fatal(err)
	}
	if err := store.Put(ctx, "products/test/mug.png", media.PNG, &png); err != nil {
		t.Fatal(err)
	}
	e.mug = e.product(ctx, e.gbOwner, e.gbShop, catalog.NewProduct{Title: "Stoneware Mug", Brand: "Clayworks", Category: "kitchen-accessories",
		Description: "A hand-glazed mug that keeps tea warm.", ImageKey: "products/test/mug.png", SKUs: []catalog.NewSKU{{SellerSKU: "MUG-1", Price: 1299}}}, true)
	e.draft = e.product(ctx, e.gbOwner, e.gbShop, catalog.NewProduct{Title: "Secret Teapot", Category: "kitchen-accessories",
		SKUs: []catalog.NewSKU{{Price: 4500}}}, false)
	deOwner := e.seller(ctx, "DE", "jonas@example.com")
	deShop := e.shop(ctx, deOwner, "Kaffee Kiez")
	e.grinder = e.product(ctx, deOwner, deShop, catalog.NewProduct{Title: "Kaffeemühle Classic", Category: "kitchen-accessories",
		SKUs: []catalog.NewSKU{{Price: 2499}}}, true)
	return e
}

func pngOf(w io.Writer) error {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 254, G: 44, B: 85, A: 255})
	return png.Encode(w, img)
}

func (e *env) seller(ctx context.Context, mkt, email string) *identity.Actor {
	e.t.Helper()
	a, err := e.ids.SignUp(ctx, identity.SignUp{Market: mkt, Email: email, Password: "correct horse battery", DisplayName: "Seller " + mkt})
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.ids.StartSession(ctx, a, identity.SessionAPI)
	if err != nil {
		e.t.Fatal(err)
	}
	actor, err := e.ids.Authenticate(ctx, tok)
	if err != nil {
		e.t.Fatal(err)
	}
	return actor
}

func (e *env) shop(ctx context.Context, owner *identity.Actor, name string) *catalog.Shop {
	e.t.Helper()
	s, err := e.cat.CreateShop(ctx, owner, catalog.NewShop{Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	owner.Shops[s.ID] = identity.ShopOwner
	return s
}

func (e *env) product(ctx context.Context, owner *identity.Actor, shop *catalog.Shop, in catalog.NewProduct, publish bool) *catalog.Product {
	e.t.Helper()
	p, err := e.cat.CreateProduct(ctx, owner, shop.ID, in, publish)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// browser is a client with its own cookies that does not follow
// redirects, so tests see each 303.
type browser struct {
	e      *env
	client *http.Client
}

func (e *env) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &browser{e: e, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	*http.Response
	body string
}

func (b *browser) do(req *http.Request) response {
	b.e.t.Helper()
	res, err := b.client.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	return response{res, string(body)}
}

func (b *browser) get(path string) response {
	b.e.t.Helper()
	req, err := http.NewRequest("GET", b.e.srv.URL+path, nil)
	if err != nil {
		b.e.t.Fatal(err)
	}
	return b.do(req)
}

// post submits a form as a same-origin browser would.
func (b *browser) post(path string, form url.Values) response {
	b.e.t.Helper()
	req, err := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

func wantStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body:\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.body)
	}
}

func wantBody(t *testing.T, r response, present []string, absent []string) {
	t.Helper()
	for _, s := range present {
		if !strings.Contains(r.body, s) {
			t.Errorf("%s %s: page lacks %q:\n%s", r.Request.Method, r.Request.URL, s, r.body)
		}
	}
	for _, s := range absent {
		if strings.Contains(r.body, s) {
			t.Errorf("%s %s: page shows %q, which it must not", r.Request.Method, r.Request.URL, s)
		}
	}
}

// TestPages runs the checks that leave the listings as they are on one
// shared server, which keeps the suite quick: each server costs fresh
// databases and password hashes.
func TestPages(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		name string
		test func(*testing.T, *env)
	}{
		{"home lists active products with prices", testHomeListsActiveProductsWithPrices},
		{"market switch shows that markets currency", testMarketSwitchShowsThatMarketsCurrency},
		{"product page", testProductPage},
		{"sign up login logout", testSignUpLoginLogout},
		{"login errors keep the form", testLoginErrorsKeepTheForm},
		{"sign up errors keep the form", testSignUpErrorsKeepTheForm},
		{"cross site form is refused", testCrossSiteFormIsRefused},
		{"assets", testAssets},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.test(t, e)
		})
	}
}

func testHomeListsActiveProductsWithPrices(t *testing.T, e *env) {
	r := e.browser().get("/")
	wantStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	wantBody(t, r,
		[]string{"Stoneware Mug", "£12.99", "Hearth Test Shop", `href="/products/` + e.mug.ID + `"`, `src="/media/products/test/mug.png"`, "United Kingdom",
			"Free shipping over £20.00"},
		[]string{"Secret Teapot", "Kaffeemühle", "More products"})
}

func testMarketSwitchShowsThatMarketsCurrency(t *testing.T, e *env) {
	b := e.browser()
	r := b.get("/?market=DE")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{"Kaffeemühle Classic", "24,99\u00a0€", "Germany", "Free shipping over 25,00\u00a0€"}, []string{"Stoneware Mug", "£"})

	// The choice is remembered for the next visit without the query.
	r = b.get("/")
	wantBody(t, r, []string{"Kaffeemühle Classic", "24,99\u00a0€"}, []string{"Stoneware Mug"})

	// Ireland is not open yet: no products, and the menu says so.
	r = b.get("/?market=ie")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{"loopshop opens in Ireland soon", "Opening soon"}, []string{"Kaffeemühle", "Stoneware Mug"})

	// An unknown market falls back rather than failing.
	r = e.browser().get("/?market=ZZ")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{"Stoneware Mug", "£12.99"}, nil)
}

func TestHomePaginatesWithMoreLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for i := range 30 {
		e.product(ctx, e.gbOwner, e.gbShop, catalog.NewProduct{Title: fmt.Sprintf("Bowl no. %02d", i), Category: "kitchen-accessories",
			SKUs: []catalog.NewSKU{{Price: 500 + int64(i)}}}, true)
	}
	b := e.browser()
	r := b.get("/")
	cards := strings.Count(r.body, `class="card"`)
	if cards != 24 {
		t.Fatalf("first page shows %d products, want 24", cards)
	}
	m := regexp.MustCompile(`href="(/\?[^"]*cursor=[^"]+)" rel="next"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("first page has no More link:\n%s", r.body)
	}
	next := strings.ReplaceAll(m[1], "&amp;", "&")
	r = b.get(next)
	wantStatus(t, r, http.StatusOK)
	if n := strings.Count(r.body, `class="card"`); n != 7 { // 31 active in GB
		t.Errorf("second page shows %d products, want 7", n)
	}
	wantBody(t, r, []string{"Stoneware Mug", "More to discover"}, []string{"rel=\"next\""})
}

func TestShopPageListsOnlyItsProducts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	other := e.shop(ctx, e.gbOwner, "Other Test Shop")
	for i := range 30 {
		e.product(ctx, e.gbOwner, e.gbShop, catalog.NewProduct{Title: fmt.Sprintf("Bowl no. %02d", i), Category: "kitchen-accessories",
			SKUs: []catalog.NewSKU{{Price: 500 + int64(i)}}}, true)
		e.product(ctx, e.gbOwner, other, catalog.NewProduct{Title: fmt.Sprintf("Vase no. %02d", i), Category: "home-decoration",
			SKUs: []catalog.NewSKU{{Price: 900}}}, true)
	}
	b := e.browser()
	seen := map[string]bool{}
	next := "/shops/" + e.gbShop.ID
	for pages := 0; next != ""; pages++ {
		if pages == 3 {
			t.Fatal("the shop tab does not end")
		}
		r := b.get(next)
		wantStatus(t, r, http.StatusOK)
		wantBody(t, r, []string{"Hearth Test Shop"}, []string{"Vase no.", "Secret Teapot"})
		for _, m := range regexp.MustCompile(`<h3 class="card-title">([^<]+)</h3>`).FindAllStringSubmatch(r.body, -1) {
			if seen[m[1]] {
				t.Errorf("%s shown twice", m[1])
			}
			seen[m[1]] = true
		}
		next = ""
		if m := regexp.MustCompile(`href="(/shops/[^"]+)" rel="next"`).FindStringSubmatch(r.body); m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if len(seen) != 31 || !seen["Stoneware Mug"] {
		t.Errorf("the shop tab showed %d products, want its 31", len(seen))
	}
}

func testProductPage(t *testing.T, e *env) {
	b := e.browser()
	tests := []struct {
		name    string
		path    string
		status  int
		present []string
		absent  []string
	}{
		{"active product", "/products/" + e.mug.ID, http.StatusOK,
			[]string{"Stoneware Mug", "Clayworks", "£12.99", "A hand-glazed mug that keeps tea warm.", `href="/shops/` + e.gbShop.ID + `"`, "Hearth Test Shop", "MUG-1"}, nil},
		{"other market's product in its own currency", "/products/" + e.grinder.ID, http.StatusOK, []string{"Kaffeemühle Classic", "24,99\u00a0€"}, []string{"£"}},
		{"unknown product", "/products/prd_gb_00000000000000000000000000", http.StatusNotFound, []string{"We couldn't find that"}, []string{"Stoneware Mug"}},
		{"malformed id", "/products/nope", http.StatusNotFound, []string{"We couldn't find that"}, nil},
		{"draft is not shown to visitors", "/products/" + e.draft.ID, http.StatusNotFound, []string{"We couldn't find that"}, []string{"Secret Teapot"}},
		{"shop page", "/shops/" + e.gbShop.ID, http.StatusOK, []string{"Hearth Test Shop", "Stoneware Mug", "£12.99"}, []string{"Secret Teapot"}},
		{"unknown shop", "/shops/shp_gb_00000000000000000000000000", http.StatusNotFound, []string{"We couldn't find that"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.get(tt.path)
			wantStatus(t, r, tt.status)
			wantBody(t, r, tt.present, tt.absent)
		})
	}
}

func sessionCookie(t *testing.T, r response) *http.Cookie {
	t.Helper()
	for _, c := range r.Cookies() {
		if c.Name == server.SessionCookie {
			return c
		}
	}
	t.Fatalf("%s %s set no session cookie", r.Request.Method, r.Request.URL.Path)
	return nil
}

func testSignUpLoginLogout(t *testing.T, e *env) {
	b := e.browser()

	r := b.post("/signup", url.Values{"display_name": {"Robin Buyer"}, "email": {"robin@example.com"}, "password": {"a long enough password"}, "market": {"GB"}})
	wantStatus(t, r, http.StatusSeeOther)
	c := sessionCookie(t, r)
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure || c.MaxAge != int(testTTL.Seconds()) {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure over http, Max-Age of the session", c)
	}
	wantBody(t, b.get("/"), []string{"Robin Buyer", "Sign out"}, []string{">Sign in<"})

	r = b.post("/logout", nil)
	wantStatus(t, r, http.StatusSeeOther)
	if c := sessionCookie(t, r); c.MaxAge >= 0 {
		t.Errorf("logout left the cookie: %+v", c)
	}
	wantBody(t, b.get("/"), []string{">Sign in<"}, []string{"Robin Buyer"})

	r = b.post("/login", url.Values{"email": {"robin@example.com"}, "password": {"a long enough password"}, "next": {"/products/" + e.mug.ID}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/products/"+e.mug.ID {
		t.Errorf("after sign-in went to %q, want back to the product", loc)
	}
	token := sessionCookie(t, r).Value
	wantBody(t, b.get("/"), []string{"Robin Buyer", "Sign out"}, nil)

	// Signing out ends the session itself, not only the cookie.
	b.post("/logout", nil)
	if _, err := e.ids.Authenticate(context.Background(), token); err == nil {
		t.Error("the session still authenticates after signing out")
	}
}

func testLoginErrorsKeepTheForm(t *testing.T, e *env) {
	b := e.browser()
	tests := []struct {
		name    string
		form    url.Values
		status  int
		message string
		field   string
	}{
		{"wrong password", url.Values{"email": {"harriet@example.com"}, "password": {"not the password"}}, http.StatusUnauthorized,
			"E-mail address or password is wrong", "password"},
		{"unknown account", url.Values{"email": {"nobody@example.com"}, "password": {"whatever it is"}}, http.StatusUnauthorized,
			"E-mail address or password is wrong", "password"},
		{"malformed address", url.Values{"email": {"harriet.example.com"}, "password": {"never-echoed-pw"}}, http.StatusBadRequest,
			"is not an e-mail address", "email"},
		{"unsafe next is ignored", url.Values{"email": {"harriet@example.com"}, "password": {"nope nope nope"}, "next": {"//evil.example/"}}, http.StatusUnauthorized,
			"E-mail address or password is wrong", "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.post("/login", tt.form)
			wantStatus(t, r, tt.status)
			wantBody(t, r, []string{tt.message, `value="` + tt.form.Get("email") + `"`}, []string{tt.form.Get("password")})
			invalid := regexp.MustCompile(`<label class="field invalid">\s*<span>[^<]*</span>\s*<input [^>]*name="` + tt.field + `"[^>]*aria-invalid="true"`)
			if !invalid.MatchString(r.body) {
				t.Errorf("field %s is not highlighted:\n%s", tt.field, r.body)
			}
			for _, c := range r.Cookies() {
				if c.Name == server.SessionCookie && c.Value != "" {
					t.Errorf("a failed sign-in set a session cookie")
				}
			}
		})
	}
}

func testSignUpErrorsKeepTheForm(t *testing.T, e *env) {
	b := e.browser()
	tests := []struct {
		name    string
		form    url.Values
		status  int
		message string
		field   string
	}{
		{"short password", url.Values{"display_name": {"Kim"}, "email": {"kim@example.com"}, "password": {"short"}, "market": {"DE"}}, http.StatusBadRequest,
			"Password must have at least 10 characters", "password"},
		{"address taken", url.Values{"display_name": {"Kim"}, "email": {"harriet@example.com"}, "password": {"a long enough password"}, "market": {"DE"}}, http.StatusConflict,
			"An account with this e-mail address already exists", "email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.post("/signup", tt.form)
			wantStatus(t, r, tt.status)
			wantBody(t, r, []string{tt.message, `value="` + tt.form.Get("email") + `"`, `value="Kim"`, `<option value="DE" selected>`}, []string{tt.form.Get("password")})
			if !regexp.MustCompile(`<input [^>]*name="` + tt.field + `"[^>]*aria-invalid="true"`).MatchString(r.body) {
				t.Errorf("field %s is not highlighted", tt.field)
			}
		})
	}
}

func testCrossSiteFormIsRefused(t *testing.T, e *env) {
	req, err := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(url.Values{"email": {"harriet@example.com"}, "password": {"correct horse battery"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	r := e.browser().do(req)
	wantStatus(t, r, http.StatusForbidden)
	for _, c := range r.Cookies() {
		if c.Name == server.SessionCookie {
			t.Error("a cross-site sign-in set a session cookie")
		}
	}
}

func testAssets(t *testing.T, e *env) {
	b := e.browser()
	home := b.get("/")
	css := regexp.MustCompile(`href="(/static/style\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(home.body)
	if css == nil {
		t.Fatal("the page links no versioned stylesheet")
	}
	tests := []struct {
		path, contentType, cache string
	}{
		{css[1], "text/css; charset=utf-8", "immutable"},
		{"/static/favicon.svg", "image/svg+xml", "max-age=300"},
		{"/media/products/test/mug.png", "image/png", "immutable"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := b.get(tt.path)
			wantStatus(t, r, http.StatusOK)
			if ct := r.Header.Get("Content-Type"); ct != tt.contentType {
				t.Errorf("Content-Type %q, want %q", ct, tt.contentType)
			}
			if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, tt.cache) {
				t.Errorf("Cache-Control %q, want %s", cc, tt.cache)
			}
		})
	}
	if r := b.get("/media/products/test/missing.png"); r.StatusCode != http.StatusNotFound {
		t.Errorf("missing media: status %d, want 404", r.StatusCode)
	}
}

func TestInternalErrorShowsRequestID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.router.Close() // every query now fails
	r := e.browser().get("/")
	wantStatus(t, r, http.StatusInternalServerError)
	id := r.Header.Get("X-Request-Id")
	if id == "" {
		t.Fatal("no X-Request-Id")
	}
	wantBody(t, r, []string{"Something went wrong on our side", "<code>" + id + "</code>"}, []string{"sql:", "closed"})
	if !strings.Contains(e.log.String(), id) {
		t.Errorf("the log does not carry request ID %s:\n%s", id, e.log.String())
	}
}
