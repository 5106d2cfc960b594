package affiliate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/linkpolicy"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/page"
)

// Catalog is what affiliate reads of the catalog, as stored
// (catalog.Store is one).
type Catalog interface {
	Product(ctx context.Context, id string) (*catalog.Product, error)
	Shop(ctx context.Context, id string) (*catalog.Shop, error)
	// ProductsByShop lists a shop's products of a status, newest first,
	// after r.After (a product ID), fetching r.Limit+1.
	ProductsByShop(ctx context.Context, shopID, status string, r page.Request) ([]*catalog.Product, error)
}

// Service holds the rules of affiliate plans and samples.
type Service struct {
	store   Store
	catalog Catalog
	markets *market.Set
	links   *linkpolicy.Policy
	videos  Videos
	now     func() time.Time
}

// Deps is what the affiliate service is built from; every field but Now
// is needed.
type Deps struct {
	Store   Store
	Catalog Catalog
	Markets *market.Set
	// Links keeps off-platform contacts out of creators' notes to sellers.
	Links *linkpolicy.Policy
	// Videos checks the videos that fulfil free samples.
	Videos Videos
	// Now is the clock; nil is identity.Now.
	Now func() time.Time
}

// NewService returns the affiliate service.
func NewService(d Deps) (*Service, error) {
	if err := loopshop.Needs("affiliate", map[string]bool{"Store": d.Store != nil, "Catalog": d.Catalog != nil,
		"Markets": d.Markets != nil, "Links": d.Links != nil, "Videos": d.Videos != nil}); err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = identity.Now
	}
	return &Service{store: d.Store, catalog: d.Catalog, markets: d.Markets, links: d.Links, videos: d.Videos, now: d.Now}, nil
}

// NewPlan is a plan as a seller sets it up.
type NewPlan struct {
	Kind          string        `json:"kind"` // OPEN or TARGETED
	Name          string        `json:"name"`
	NeedsApproval bool          `json:"needs_approval,omitempty"`
	ShopWideBPS   int           `json:"shop_wide_bps,omitempty"`
	Products      []ProductRate `json:"products,omitempty"`
	// Invited are the creators of a targeted plan.
	Invited   []string   `json:"invited,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

func checkRate(field string, bps int) error {
	if bps < MinRateBPS || bps > MaxRateBPS {
		return loopshop.Invalid(field, "a commission rate is %d to %d basis points (1 %% to 80 %%); %d is outside", MinRateBPS, MaxRateBPS, bps)
	}
	return nil
}

// CreatePlan sets up a plan for a shop whose products the actor may write.
func (s *Service) CreatePlan(ctx context.Context, actor *identity.Actor, shopID string, in NewPlan) (*Plan, error) {
	shop, err := s.shopFor(ctx, actor, shopID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	p := &Plan{ID: loopshop.NewID("afp", shop.Market), Market: shop.Market, ShopID: shop.ID, Kind: in.Kind, Name: strings.TrimSpace(in.Name),
		NeedsApproval: in.NeedsApproval, ShopWideBPS: in.ShopWideBPS, Status: PlanActive, CreatedAt: now}
	switch {
	case p.Kind != Open && p.Kind != Targeted:
		return nil, loopshop.Invalid("kind", "kind must be %s (any creator may join) or %s (only the invited)", Open, Targeted)
	case p.Name == "" || utf8.RuneCountInString(p.Name) > 100:
		return nil, loopshop.Invalid("name", "give the plan a name of 1 to 100 characters, such as \"Summer collection\"")
	case p.ShopWideBPS == 0 && len(in.Products) == 0:
		return nil, loopshop.Invalid("products", "a plan pays on something: set shop_wide_bps, list products with their rate_bps, or both")
	case len(in.Products) > 500:
		return nil, loopshop.Invalid("products", "a plan lists at most 500 products")
	}
	if p.ShopWideBPS != 0 {
		if err := checkRate("shop_wide_bps", p.ShopWideBPS); err != nil {
			return nil, err
		}
	}
	for i, pr := range in.Products {
		field := fmt.Sprintf("products[%d]", i)
		if err := checkRate(field+".rate_bps", pr.RateBPS); err != nil {
			return nil, err
		}
		if slices.ContainsFunc(in.Products[:i], func(o ProductRate) bool { return o.ProductID == pr.ProductID }) {
			return nil, loopshop.Invalid(field+".product_id", "product %s is listed twice", pr.ProductID)
		}
		prod, err := s.catalog.Product(ctx, pr.ProductID)
		if err != nil || prod.ShopID != shop.ID {
			if err == nil || loopshop.ErrorCode(err) == loopshop.ENOTFOUND || loopshop.ErrorCode(err) == loopshop.EINVALID {
				return nil, loopshop.Invalid(field+".product_id", "%s is not a product of %s", pr.ProductID, shop.Name)
			}
			return nil, err
		}
		p.Products = append(p.Products, ProductRate{ProductID: prod.ID, RateBPS: pr.RateBPS, Title: prod.Title})
	}
	if p.Kind == Targeted {
		if len(in.Invited) == 0 || len(in.Invited) > 200 {
			return nil, loopshop.Invalid("invited", "a targeted plan invites 1 to 200 creators")
		}
		for i, id := range in.Invited {
			if mk, ok := loopshop.MarketOf(id); !ok || mk != shop.Market || slices.Contains(in.Invited[:i], id) {
				return nil, loopshop.Invalid(fmt.Sprintf("invited[%d]", i), "%q is not a creator account of %s, or is invited twice", id, shop.Market)
			}
		}
		p.Invited = slices.Clone(in.Invited)
		p.NeedsApproval = false
	} else if len(in.Invited) > 0 {
		return nil, loopshop.Invalid("invited", "an open plan is for any creator; invite creators with a targeted plan")
	}
	if in.ExpiresAt != nil {
		if !in.ExpiresAt.After(now) {
			return nil, loopshop.Invalid("expires_at", "a plan must expire in the future")
		}
		t := in.ExpiresAt.UTC()
		p.ExpiresAt = &t
	}
	if err := s.store.CreatePlan(ctx, p); err != nil {
		return nil, fmt.Errorf("create plan: %w", err)
	}
	return p, nil
}

// shopFor returns the shop if the actor may write its products.
func (s *Service) shopFor(ctx context.Context, actor *identity.Actor, shopID string) (*catalog.Shop, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to manage affiliate plans")
	}
	shop, err := s.catalog.Shop(ctx, shopID)
	if err != nil {
		return nil, loopshop.NotFound(err, "shop")
	}
	if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return nil, err
	}
	return shop, nil
}

// planFor returns a plan whose shop's products the actor may write.
func (s *Service) planFor(ctx context.Context, actor *identity.Actor, planID string) (*Plan, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to manage affiliate plans")
	}
	p, err := s.store.Plan(ctx, planID)
	if err != nil {
		return nil, loopshop.NotFound(err, "plan")
	}
	if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "plan", Market: p.Market, ShopID: p.ShopID}); err != nil {
		return nil, err
	}
	return p, nil
}

// ChangeRate sets a plan's rate for a product ("" for the shop-wide rate).
// A raise applies at once; a lowering applies at once to creators who join
// from now on and after RateNoticePeriod to those already in the plan.
func (s *Service) ChangeRate(ctx context.Context, actor *identity.Actor, planID, productID string, bps int) (*Plan, error) {
	p, err := s.planFor(ctx, actor, planID)
	if err != nil {
		return nil, err
	}
	if p.Status != PlanActive {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "the plan has ended; set up a new one")
	}
	if err := checkRate("rate_bps", bps); err != nil {
		return nil, err
	}
	if productID != "" {
		prod, err := s.catalog.Product(ctx, productID)
		if err != nil || prod.ShopID != p.ShopID {
			return nil, loopshop.Invalid("product_id", "%s is not a product of this plan's shop", productID)
		}
	}
	if err := s.store.ChangeRate(ctx, p.ID, productID, RateChange{BPS: bps, At: s.now()}); err != nil {
		return nil, err
	}
	return s.store.Plan(ctx, p.ID)
}

// EndPlan ends a plan. Orders already paid keep their commission.
func (s *Service) EndPlan(ctx context.Context, actor *identity.Actor, planID string) error {
	p, err := s.planFor(ctx, actor, planID)
	if err != nil {
		return err
	}
	if p.Status == PlanEnded {
		return nil
	}
	return s.store.EndPlan(ctx, PlanEnd{PlanID: p.ID, From: PlanActive, To: PlanEnded, At: s.now()})
}

// PlansOfShop lists a shop's plans for its staff.
func (s *Service) PlansOfShop(ctx context.Context, actor *identity.Actor, shopID string) ([]*Plan, error) {
	shop, err := s.shopFor(ctx, actor, shopID)
	if err != nil {
		return nil, err
	}
	return s.store.PlansOfShop(ctx, shop.ID)
}

// Join puts the actor, a creator, in a plan: approved at once for an open
// plan without approval and for a targeted plan it was invited to,
// pending the seller's decision otherwise.
func (s *Service) Join(ctx context.Context, actor *identity.Actor, planID string) (*Membership, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to join affiliate plans")
	}
	if !actor.IsCreator {
		return nil, loopshop.Errorf(loopshop.EFORBIDDEN, "only creator accounts join affiliate plans; turn on creator mode first")
	}
	p, err := s.store.Plan(ctx, planID)
	if err != nil || p.Market != actor.Market {
		if err == nil {
			err = loopshop.ErrNotFound
		}
		return nil, loopshop.NotFound(err, "plan")
	}
	if p.Kind == Targeted && !slices.Contains(p.Invited, actor.AccountID) {
		return nil, loopshop.Errorf(loopshop.ENOTFOUND, "plan not found") // targeted plans are invisible to others
	}
	now := s.now()
	if !p.Live(now) {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "the plan has ended; look for another in the marketplace")
	}
	m := &Membership{PlanID: p.ID, CreatorID: actor.AccountID, Market: p.Market, Status: MemberApproved, JoinedAt: now}
	if p.NeedsApproval {
		m.Status = MemberPending
	} else {
		m.DecidedAt = &now
	}
	if err := s.store.Join(ctx, m); err != nil {
		if errors.Is(err, loopshop.ErrAlreadyExists) {
			return s.store.Membership(ctx, p.ID, actor.AccountID)
		}
		return nil, err
	}
	return m, nil
}

// Decide approves or rejects a creator's pending request to join.
func (s *Service) Decide(ctx context.Context, actor *identity.Actor, planID, creatorID string, approve bool) (*Membership, error) {
	p, err := s.planFor(ctx, actor, planID)
	if err != nil {
		return nil, err
	}
	status := MemberRejected
	if approve {
		status = MemberApproved
	}
	if err := s.store.Decide(ctx, p.ID, creatorID, MemberPending, status, s.now()); err != nil {
		if errors.Is(err, loopshop.ErrNotFound) {
			return nil, loopshop.Errorf(loopshop.ECONFLICT, "no pending request from %s to join this plan", creatorID)
		}
		return nil, err
	}
	return s.store.Membership(ctx, p.ID, creatorID)
}

// Members lists the creators of a plan for the shop's staff.
func (s *Service) Members(ctx context.Context, actor *identity.Actor, planID string) ([]Membership, error) {
	p, err := s.planFor(ctx, actor, planID)
	if err != nil {
		return nil, err
	}
	return s.store.Members(ctx, p.ID)
}

// Marketplace lists a market's live open plans, for creators to find
// products to promote.
func (s *Service) Marketplace(ctx context.Context, market string, r page.Request) (page.Page[*Plan], error) {
	ps, err := s.store.OpenPlans(ctx, strings.ToUpper(market), r)
	if err != nil {
		return page.Page[*Plan]{}, err
	}
	now := s.now()
	pg := page.Make(ps, r, func(p *Plan) string { return p.ID })
	pg.Items = slices.DeleteFunc(pg.Items, func(p *Plan) bool { return !p.Live(now) })
	return pg, nil
}

// MyPlans lists the plans the actor belongs to, with its memberships.
func (s *Service) MyPlans(ctx context.Context, actor *identity.Actor) ([]*Plan, []Membership, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to see your plans")
	}
	return s.store.CreatorPlans(ctx, actor.Market, actor.AccountID)
}

// Offer is a product a plan pays on, with the plan's rate for it now.
type Offer struct {
	Product *catalog.Product
	RateBPS int
}

// PlanProducts lists the live products a plan pays on, newest first, for
// a creator in it to pick what to showcase or ask a sample of: every live
// product of the shop for a plan with a shop-wide rate (at the product's
// own rate where the plan lists it), else the live products it lists. A
// plan the actor is not in is not found.
func (s *Service) PlanProducts(ctx context.Context, actor *identity.Actor, planID string, r page.Request) (page.Page[Offer], error) {
	if actor == nil || actor.AccountID == "" {
		return page.Page[Offer]{}, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to see your plans")
	}
	p, err := s.store.Plan(ctx, planID)
	if err == nil && p.Market == actor.Market {
		_, err = s.store.Membership(ctx, p.ID, actor.AccountID)
	} else if err == nil {
		err = loopshop.ErrNotFound
	}
	if err != nil {
		return page.Page[Offer]{}, loopshop.NotFound(err, "plan")
	}
	if r.Limit < 1 || r.Limit > page.MaxLimit {
		r.Limit = page.DefaultLimit
	}
	own := map[string]int{}
	for _, pr := range p.Products {
		own[pr.ProductID] = pr.RateBPS
	}
	var offers []Offer
	if p.ShopWideBPS > 0 {
		prods, err := s.catalog.ProductsByShop(ctx, p.ShopID, catalog.StatusActivate, r)
		if err != nil {
			return page.Page[Offer]{}, fmt.Errorf("plan products: %w", err)
		}
		for _, prod := range prods {
			rate, ok := own[prod.ID]
			if !ok {
				rate = p.ShopWideBPS
			}
			offers = append(offers, Offer{Product: prod, RateBPS: rate})
		}
	} else {
		// The listed products, in the order of the shop's products (IDs
		// sort by creation), read one by one: a plan lists at most 500.
		ids := make([]string, 0, len(own))
		for id := range own {
			if r.After == "" || id < r.After {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		slices.Reverse(ids)
		for _, id := range ids {
			if len(offers) > r.Limit {
				break
			}
			prod, err := s.catalog.Product(ctx, id)
			if loopshop.ErrorCode(err) == loopshop.ENOTFOUND {
				continue
			}
			if err != nil {
				return page.Page[Offer]{}, fmt.Errorf("plan products: %w", err)
			}
			if prod.Status == catalog.StatusActivate {
				offers = append(offers, Offer{Product: prod, RateBPS: own[id]})
			}
		}
	}
	return page.Make(offers, r, func(o Offer) string { return o.Product.ID }), nil
}

// Rate is the commission rate a creator earns on a product at t, and the
// plan that pays it; 0 and "" when none does. It is what order.Commissions
// asks at checkout.
func (s *Service) Rate(ctx context.Context, market, creatorID, productID string, t time.Time) (int, string, error) {
	cov, err := s.store.Coverage(ctx, market, creatorID, productID)
	if err != nil {
		return 0, "", err
	}
	bps, p := Best(cov, t)
	if p == nil {
		return 0, "", nil
	}
	return bps, p.ID, nil
}

// MayPromote reports whether a creator may promote a product now: an
// approved membership of a live plan pays on it. It is
// content.Affiliation.
func (s *Service) MayPromote(ctx context.Context, creatorID, productID string) (bool, error) {
	mk, ok := loopshop.MarketOf(creatorID)
	if !ok {
		return false, nil
	}
	bps, _, err := s.Rate(ctx, mk, creatorID, productID, s.now())
	return bps > 0, err
}
