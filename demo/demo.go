// Package demo fills a fresh loopshop with a market's worth of things to
// look at: a buyer, a creator, a platform admin, and sellers whose shops
// in the United Kingdom, Germany, the United States and Indonesia list the
// 194 products of the DummyJSON catalogue (MIT), priced in each market's
// currency and pictured by generated placeholder images.
//
// Seed goes through the same services as the API, so demo data obeys every
// rule real data does, and it is idempotent: it finds the demo accounts by
// signing in with their e-mail address, their shops through their
// memberships and their products by seller SKU, and creates only what is
// missing. A second start with --demo changes nothing; one interrupted
// half-way finishes the job.
package demo

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/media"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/placeholder"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/university"
)

// Password is the password of every demo account. It is published (in the
// README and in the log line of every seeding) and is not a secret: demo
// data is for trying loopshop out, never for a server people rely on.
const Password = "loopshop-demo"

// ImageSize is the edge in pixels of the generated product pictures,
// unless Deps says otherwise.
const ImageSize = 480

// Deps are the services Seed writes through.
type Deps struct {
	Markets  *market.Set
	Identity *identity.Service
	Catalog  *catalog.Service
	Media    media.Store
	// Content posts the demo shops' videos; nil: the demo has none.
	Content *content.Service
	// Affiliate sets up the demo shops' plans for the demo creator; nil:
	// the demo has none.
	Affiliate *affiliate.Service
	// Live opens the demo's live room; nil: the demo has none.
	Live *live.Service
	// University certifies the demo sellers in the courses that gate
	// going live; nil: they are not (and need not be, without it).
	University *university.Service
	// Directory finds existing accounts by e-mail without a password
	// check; sqlstore.IdentityStore is one.
	Directory Directory
	// ImageSize is the edge of the product pictures; 0: ImageSize.
	ImageSize int
	// Logger receives the line listing the demo accounts; nil: slog.Default().
	Logger *slog.Logger
}

// FromPlatform returns the Deps of a whole platform: what serve --demo
// seeds, with videos, plans, a live room and certified sellers.
func FromPlatform(p *platform.Platform, log *slog.Logger) Deps {
	return Deps{Markets: p.Markets, Identity: p.Identity, Catalog: p.Catalog, Content: p.Content, Affiliate: p.Affiliate,
		Live: p.Live, University: p.University, Media: p.Media, Directory: sqlstore.NewIdentityStore(p.Router), Logger: log}
}

// Directory is the part of the global directory Seed reads: the market
// of the account behind a login hash (identity.Service.LoginHash), or
// loopshop.ErrNotFound.
type Directory interface {
	LoginMarket(ctx context.Context, loginHash string) (string, error)
}

// Role says what a demo account is for.
type Role string

const (
	RoleBuyer   Role = "buyer"
	RoleSeller  Role = "seller"
	RoleCreator Role = "creator"
	RoleAdmin   Role = "admin"
)

// Account is a demo account as Seed left it.
type Account struct {
	Email       string
	DisplayName string
	Market      string
	Role        Role
	// ID is the account's ID; empty when Skipped.
	ID string
	// Created is false when the account already existed.
	Created bool
	// Skipped says why Seed left the account alone: its market is not
	// served here, or its password is no longer the demo password.
	Skipped string
}

// Shop is a demo shop as Seed left it.
type Shop struct {
	ID, Market, Name, Owner string
	Created                 bool
	// Products is how many demo products the shop lists.
	Products int
}

// Summary reports what Seed found and what it created.
type Summary struct {
	Accounts        []Account
	Shops           []Shop
	ProductsCreated int
	ProductsFound   int
	ImagesWritten   int
	VideosPosted    int
	VideosFound     int
	// PlansCreated counts the affiliate plans opened for the demo creator.
	PlansCreated int
	// LiveRoom is the demo's live room, live from seeding.
	LiveRoom string
}

// accountPlan is a demo account to ensure.
type accountPlan struct {
	email, name, market string
	role                Role
}

// shopPlan is a seller with the shop it owns and the catalogue categories
// the shop sells, chosen so that every shop has a coherent assortment.
type shopPlan struct {
	seller     accountPlan
	name       string
	categories []string
}

const domain = "@demo.loopshop.test"

var (
	buyer   = accountPlan{email: "buyer" + domain, name: "Alex Morgan", market: "GB", role: RoleBuyer}
	creator = accountPlan{email: "creator" + domain, name: "Mia Loops", market: "GB", role: RoleCreator}
	admin   = accountPlan{email: "admin" + domain, name: "Platform Admin", market: "GB", role: RoleAdmin}

	shops = []shopPlan{
		{seller("home.gb", "Harriet Hale", "GB"), "Hearth & Home", []string{"kitchen-accessories", "home-decoration", "furniture"}},
		{seller("beauty.gb", "Priya Shah", "GB"), "Glow Beauty Bar", []string{"beauty", "fragrances", "skin-care"}},
		{seller("tech.de", "Jonas Becker", "DE"), "Elektro Kiez", []string{"smartphones", "mobile-accessories", "laptops", "tablets"}},
		{seller("sport.de", "Lena Vogel", "DE"), "Sportwelt Berlin", []string{"sports-accessories"}},
		{seller("fashion.us", "Jordan Reyes", "US"), "Mainstreet Outfitters", []string{"mens-shirts", "mens-shoes", "tops", "womens-dresses", "womens-shoes", "womens-bags"}},
		{seller("watches.us", "Grace Kim", "US"), "Timepiece & Co", []string{"mens-watches", "womens-watches", "womens-jewellery", "sunglasses"}},
		{seller("garage.us", "Sam Carter", "US"), "Open Road Garage", []string{"motorcycle", "vehicle"}},
		{seller("pasar.id", "Dewi Lestari", "ID"), "Pasar Segar", []string{"groceries"}},
	}
)

func seller(local, name, market string) accountPlan {
	return accountPlan{email: local + domain, name: name, market: market, role: RoleSeller}
}

// seeder carries one run of Seed.
type seeder struct {
	Deps
	sum    Summary
	mu     sync.Mutex // guards tokens and sum.ImagesWritten
	tokens []string   // sessions to end when done
	start  time.Time
}

// Seed creates whatever demo data is missing and reports what there is.
// It logs one line listing the demo accounts and their password.
func Seed(ctx context.Context, d Deps) (Summary, error) {
	items, err := loadCatalog()
	if err != nil {
		return Summary{}, err
	}
	return seedItems(ctx, d, items)
}

// seedItems seeds with the given part of the catalogue.
func seedItems(ctx context.Context, d Deps, items []item) (Summary, error) {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.ImageSize == 0 {
		d.ImageSize = ImageSize
	}
	s := &seeder{Deps: d, start: time.Now()}
	defer s.logout(ctx)
	if err := s.seed(ctx, items); err != nil {
		return s.sum, fmt.Errorf("demo: %w", err)
	}
	s.log(ctx)
	return s.sum, nil
}

// job is one product of a shop's assortment, with its picture's outcome.
type job struct {
	actor    *identity.Actor
	shop     *catalog.Shop
	currency string // of the shop's market
	index    int    // in s.sum.Shops
	it       item
	listed   bool
	done     chan error
}

func (s *seeder) seed(ctx context.Context, items []item) error {
	plans := []accountPlan{buyer, creator, admin}
	for _, sp := range shops {
		plans = append(plans, sp.seller)
	}
	actors, err := s.accounts(ctx, plans)
	if err != nil {
		return err
	}
	if a := actors[2]; a != nil { // plans are buyer, creator, admin, then the sellers
		if err := s.Identity.GrantStaff(ctx, a.AccountID, []identity.StaffRole{identity.RoleAdmin}, []string{"*"}); err != nil {
			return fmt.Errorf("grant admin role to %s: %w", admin.email, err)
		}
	}

	inCategory := map[string][]item{}
	for _, it := range items {
		inCategory[it.Category] = append(inCategory[it.Category], it)
	}
	existing := map[string]map[string]map[string]string{} // market → shop → seller SKU → product ID
	var queues [][]*job                                   // by shop
	var posters []poster
	for i, sp := range shops {
		actor := actors[3+i]
		if actor == nil {
			continue
		}
		shop, created, err := s.shop(ctx, actor, sp)
		if err != nil {
			return err
		}
		if existing[shop.Market] == nil {
			if existing[shop.Market], err = s.listed(ctx, shop.Market); err != nil {
				return err
			}
		}
		m, err := s.Markets.Get(shop.Market)
		if err != nil {
			return err
		}
		var assortment []item
		for _, c := range sp.categories {
			assortment = append(assortment, inCategory[c]...)
		}
		var shopJobs []*job
		for _, it := range interleave(byCategory(assortment)) {
			shopJobs = append(shopJobs, &job{actor: actor, shop: shop, currency: m.Currency, index: len(s.sum.Shops), it: it,
				listed: existing[shop.Market][shop.ID][it.SKU] != "", done: make(chan error, 1)})
		}
		queues = append(queues, shopJobs)
		s.sum.Shops = append(s.sum.Shops, Shop{ID: shop.ID, Market: shop.Market, Name: shop.Name, Owner: sp.seller.email, Created: created})
		posters = append(posters, poster{seller: strings.TrimSuffix(sp.seller.email, domain), actor: actor, shop: shop})
	}
	if err := s.products(ctx, interleave(queues)); err != nil {
		return err
	}
	if err := s.videos(ctx, posters); err != nil {
		return err
	}
	if err := s.plans(ctx, actors[1], posters); err != nil {
		return err
	}
	if err := s.certify(ctx, posters); err != nil {
		return err
	}
	return s.liveRoom(ctx, posters)
}

// accounts signs in to every planned account, creating those missing, in
// parallel: password hashing is most of the work, and it is CPU-bound.
// A nil actor is an account Seed must leave alone.
func (s *seeder) accounts(ctx context.Context, plans []accountPlan) ([]*identity.Actor, error) {
	actors := make([]*identity.Actor, len(plans))
	sums := make([]Account, len(plans))
	errs := make([]error, len(plans))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, p := range plans {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			actors[i], sums[i], errs[i] = s.account(ctx, p)
		})
	}
	wg.Wait()
	s.sum.Accounts = sums
	return actors, errors.Join(errs...)
}

// account signs in to the demo account of p, creating it if the directory
// has no account with its e-mail address.
func (s *seeder) account(ctx context.Context, p accountPlan) (*identity.Actor, Account, error) {
	sum := Account{Email: p.email, DisplayName: p.name, Market: p.market, Role: p.role}
	if _, err := s.Markets.Get(p.market); err != nil {
		sum.Skipped = fmt.Sprintf("market %s is not served here", p.market)
		return nil, sum, nil
	}
	_, err := s.Directory.LoginMarket(ctx, s.Identity.LoginHash(p.email))
	var token string
	switch {
	case err == nil:
		token, _, err = s.Identity.Login(ctx, p.email, Password, identity.SessionAPI)
		if loopshop.ErrorCode(err) == loopshop.EUNAUTHORIZED {
			// The account is there but the demo password does not open
			// it: someone changed it, and it is no longer ours to fill.
			sum.Skipped = "its password is no longer the demo password"
			return nil, sum, nil
		}
	case errors.Is(err, loopshop.ErrNotFound):
		var a *identity.Account
		a, err = s.Identity.SignUp(ctx, identity.SignUp{Market: p.market, Email: p.email, Password: Password, DisplayName: p.name, Creator: p.role == RoleCreator})
		if err != nil {
			return nil, sum, fmt.Errorf("sign up %s: %w", p.email, err)
		}
		sum.Created = true
		token, err = s.Identity.StartSession(ctx, a, identity.SessionAPI)
	}
	if err != nil {
		return nil, sum, fmt.Errorf("sign in %s: %w", p.email, err)
	}
	s.mu.Lock()
	s.tokens = append(s.tokens, token)
	s.mu.Unlock()
	actor, err := s.Identity.Authenticate(ctx, token)
	if err != nil {
		return nil, sum, fmt.Errorf("sign in %s: %w", p.email, err)
	}
	sum.ID = actor.AccountID
	return actor, sum, nil
}

// shop returns the shop the seller owns, opening it if there is none.
func (s *seeder) shop(ctx context.Context, actor *identity.Actor, sp shopPlan) (*catalog.Shop, bool, error) {
	var owned []string
	for id, role := range actor.Shops {
		if role == identity.ShopOwner {
			owned = append(owned, id)
		}
	}
	slices.Sort(owned)
	var first *catalog.Shop
	for _, id := range owned {
		shop, err := s.Catalog.Shop(ctx, id)
		if err != nil {
			return nil, false, fmt.Errorf("shop of %s: %w", sp.seller.email, err)
		}
		if shop.Name == sp.name {
			return shop, false, nil
		}
		if first == nil {
			first = shop
		}
	}
	if first != nil { // renamed by its owner: still the demo shop
		return first, false, nil
	}
	shop, err := s.Catalog.CreateShop(ctx, actor, catalog.NewShop{Name: sp.name})
	if err != nil {
		return nil, false, fmt.Errorf("open shop %q for %s: %w", sp.name, sp.seller.email, err)
	}
	actor.Shops[shop.ID] = identity.ShopOwner
	return shop, true, nil
}

// listed returns the active products of a market by shop and seller SKU.
func (s *seeder) listed(ctx context.Context, mkt string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	req := page.Request{Limit: page.MaxLimit}
	for {
		pg, err := s.Catalog.Browse(ctx, mkt, req)
		if err != nil {
			return nil, fmt.Errorf("list products of %s: %w", mkt, err)
		}
		for _, p := range pg.Items {
			if out[p.ShopID] == nil {
				out[p.ShopID] = map[string]string{}
			}
			for _, k := range p.SKUs {
				out[p.ShopID][k.SellerSKU] = p.ID
			}
		}
		if pg.NextCursor == "" || len(pg.Items) == 0 {
			return out, nil
		}
		req.After = pg.Items[len(pg.Items)-1].ID
	}
}

// products lists the missing products, each with its picture. Pictures
// are drawn and stored by a pool of workers (drawing and encoding PNGs is
// most of the seeding's work); products are created in order, each once
// its picture is stored, so a listed product always has one.
func (s *seeder) products(ctx context.Context, jobs []*job) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // runs before Wait: a failure stops the pictures still to come
	next := make(chan *job)
	wg.Go(func() {
		defer close(next)
		for _, j := range jobs {
			select {
			case next <- j:
			case <-ctx.Done():
				return
			}
		}
	})
	// Twice as many workers as cores: storing a picture waits on the
	// disk (Local syncs every file), and meanwhile another can draw.
	for range max(4, 2*runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for j := range next {
				j.done <- s.image(ctx, j.it, j.listed)
			}
		})
	}
	for _, j := range jobs {
		if err := <-j.done; err != nil {
			return err
		}
		if j.listed {
			s.sum.ProductsFound++
			s.sum.Shops[j.index].Products++
			continue
		}
		price, err := localPrice(j.it.Price.String(), j.currency)
		if err != nil {
			return fmt.Errorf("price of %s: %w", j.it.SKU, err)
		}
		stock := max(j.it.Stock, minStock)
		_, err = s.Catalog.CreateProduct(ctx, j.actor, j.shop.ID, catalog.NewProduct{
			Title:       j.it.Title,
			Description: j.it.Description,
			Category:    j.it.Category,
			Brand:       j.it.Brand,
			ImageKey:    imageKey(j.it.SKU),
			SKUs:        []catalog.NewSKU{{SellerSKU: j.it.SKU, Price: price, Stock: &stock}},
		}, true)
		if err != nil {
			return fmt.Errorf("list %q in %s: %w", j.it.Title, j.shop.Name, err)
		}
		s.sum.ProductsCreated++
		s.sum.Shops[j.index].Products++
	}
	return nil
}

// image stores the product's picture, unless the product is listed
// already and its picture is there.
func (s *seeder) image(ctx context.Context, it item, listed bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	key := imageKey(it.SKU)
	if listed {
		f, _, err := s.Media.Open(ctx, key)
		if err == nil {
			return f.Close()
		}
		if !errors.Is(err, loopshop.ErrNotFound) {
			return fmt.Errorf("check picture %s: %w", key, err)
		}
	}
	var buf bytes.Buffer
	if err := placeholder.PNG(&buf, it.Title, it.Category, s.ImageSize); err != nil {
		return fmt.Errorf("draw picture of %s: %w", it.SKU, err)
	}
	if err := s.Media.Put(ctx, key, media.PNG, &buf); err != nil {
		return fmt.Errorf("store picture of %s: %w", it.SKU, err)
	}
	s.mu.Lock()
	s.sum.ImagesWritten++
	s.mu.Unlock()
	return nil
}

// interleave merges lists so that each is spread evenly over the result:
// the j-th of n items lands at about j/n of the way. A storefront lists
// newest first, so this way any page of it, not only the first, mixes
// categories and shops instead of showing a wall of one kind of thing.
func interleave[T any](lists [][]T) []T {
	type at struct {
		pos  float64
		list int
		item T
	}
	var all []at
	for i, l := range lists {
		for j, it := range l {
			all = append(all, at{pos: (float64(j) + 0.5) / float64(len(l)), list: i, item: it})
		}
	}
	slices.SortStableFunc(all, func(a, b at) int {
		return cmp.Or(cmp.Compare(a.pos, b.pos), cmp.Compare(a.list, b.list))
	})
	out := make([]T, len(all))
	for i, a := range all {
		out[i] = a.item
	}
	return out
}

// byCategory splits an assortment by category, in order of first appearance.
func byCategory(items []item) [][]item {
	var out [][]item
	at := map[string]int{}
	for _, it := range items {
		i, ok := at[it.Category]
		if !ok {
			i = len(out)
			at[it.Category] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], it)
	}
	return out
}

// logout ends the sessions Seed started.
func (s *seeder) logout(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	for _, t := range s.tokens {
		_ = s.Identity.Logout(ctx, t)
	}
}

func (s *seeder) log(ctx context.Context) {
	var accounts []string
	for _, a := range s.sum.Accounts {
		if a.Skipped != "" {
			s.Logger.WarnContext(ctx, "demo account left alone", "email", a.Email, "reason", a.Skipped)
			continue
		}
		accounts = append(accounts, fmt.Sprintf("%s (%s, %s)", a.Email, a.Role, a.Market))
	}
	shopsByMarket := map[string]int{}
	for _, sh := range s.sum.Shops {
		shopsByMarket[sh.Market]++
	}
	var markets []string
	for m, n := range shopsByMarket {
		markets = append(markets, fmt.Sprintf("%s:%d", m, n))
	}
	slices.SortFunc(markets, func(a, b string) int { return cmp.Compare(a, b) })
	s.Logger.InfoContext(ctx, "demo data ready; sign in with any demo account and the demo password",
		"password", Password,
		"accounts", strings.Join(accounts, ", "),
		"shops", strings.Join(markets, " "),
		"products_created", s.sum.ProductsCreated,
		"products_found", s.sum.ProductsFound,
		"images_written", s.sum.ImagesWritten,
		"videos_posted", s.sum.VideosPosted,
		"took", time.Since(s.start).Round(time.Millisecond))
}
