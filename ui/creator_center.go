package ui

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/payout"
	"github.com/loopshop/loopshop/server"
)

func (u *UI) registerCreatorCenter(srv *server.Server) {
	srv.HandlePage("GET /creator", u.page(u.handleCreatorCenter))
	srv.HandlePage("GET /creator/plans/{id}/products", u.page(u.handleCreatorPlanProducts))
	srv.HandlePage("POST /creator/plans/{id}/join", u.page(u.handleCreatorJoin))
	srv.HandlePage("POST /creator/showcase", u.page(u.handleCreatorShowcaseAdd))
	srv.HandlePage("POST /creator/payouts", u.page(u.handleCreatorPayout))
	srv.HandlePage("POST /creator/samples", u.page(u.handleCreatorSample))
}

// creatorCenterPage is a creator's desk: earnings, the plans it is in, and
// the marketplace of plans to join.
type creatorCenterPage struct {
	Earnings    *payout.Earnings
	Mine        []planCard
	Marketplace []planCard
	Samples     []*affiliate.Sample
	Now         time.Time
	Joined      map[string]string // plan ID → membership status
	Notice      string
	Error       string
	ProfileURL  string
	Locale      string
}

// planCard is a plan as a creator sees it: whose shop it is, and, once the
// creator may promote under it, the products to pick from.
type planCard struct {
	Plan       *affiliate.Plan
	Membership affiliate.Membership
	Shop       shopRef
	// Promote: the creator is approved in the live plan, so Offers carry
	// the showcase and sample buttons.
	Promote bool
	Offers  []affiliate.Offer
	// MoreURL lists the rest of the plan's products, when Offers is not
	// all of them.
	MoreURL string
	// Locale formats the products' prices.
	Locale string
}

// shopRef names a shop and links to its page.
type shopRef struct {
	ID, Name string
}

// URL is the shop's public page.
func (s shopRef) URL() string { return "/shops/" + url.PathEscape(s.ID) }

// offersOnCard is how many of a plan's products Creator Center shows on
// the plan's card; the plan's own page lists them all.
const offersOnCard = 6

// shopRefs reads shops' names once per request.
type shopRefs struct {
	catalog *catalog.Service
	seen    map[string]shopRef
}

func (u *UI) shopRefs() *shopRefs { return &shopRefs{catalog: u.Catalog, seen: map[string]shopRef{}} }

// of names the shop; a shop closed since shows its ID.
func (s *shopRefs) of(ctx context.Context, id string) (shopRef, error) {
	if ref, ok := s.seen[id]; ok {
		return ref, nil
	}
	ref := shopRef{ID: id, Name: id}
	shop, err := s.catalog.Shop(ctx, id)
	switch {
	case err == nil:
		ref.Name = shop.Name
	case loopshop.ErrorCode(err) != loopshop.ENOTFOUND:
		return shopRef{}, err
	}
	s.seen[id] = ref
	return ref, nil
}

func (u *UI) handleCreatorCenter(w http.ResponseWriter, r *http.Request) error {
	return u.renderCreatorCenter(w, r, http.StatusOK, r.URL.Query().Get("notice"), "")
}

// needCreator refuses a request whose actor is not a creator.
func needCreator(r *http.Request) error {
	actor := server.Actor(r)
	if actor == nil {
		return loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to open Creator Center")
	}
	if !actor.IsCreator {
		return loopshop.Errorf(loopshop.EFORBIDDEN, "Creator Center is for creator accounts")
	}
	return nil
}

func (u *UI) renderCreatorCenter(w http.ResponseWriter, r *http.Request, status int, notice, problem string) error {
	ctx := r.Context()
	if err := needCreator(r); err != nil {
		return err
	}
	actor := server.Actor(r)
	mkt, err := u.Markets.Get(actor.Market)
	if err != nil {
		return err
	}
	p := creatorCenterPage{Notice: notice, Error: problem, Joined: map[string]string{}, ProfileURL: "/creators/" + url.PathEscape(actor.AccountID), Locale: mkt.Locale}
	if p.Earnings, err = u.Payouts.Earnings(ctx, actor, actor.AccountID); err != nil {
		return err
	}
	shops := u.shopRefs()
	plans, members, err := u.Affiliate.MyPlans(ctx, actor)
	if err != nil {
		return err
	}
	now := time.Now()
	for i, pl := range plans {
		c := planCard{Plan: pl, Membership: members[i], Promote: members[i].Status == affiliate.MemberApproved && pl.Live(now), Locale: mkt.Locale}
		if c.Shop, err = shops.of(ctx, pl.ShopID); err != nil {
			return err
		}
		if c.Promote {
			pg, err := u.Affiliate.PlanProducts(ctx, actor, pl.ID, page.Request{Limit: offersOnCard})
			if err != nil {
				return err
			}
			c.Offers = pg.Items
			if pg.NextCursor != "" {
				c.MoreURL = "/creator/plans/" + url.PathEscape(pl.ID) + "/products"
			}
		}
		p.Mine = append(p.Mine, c)
		p.Joined[pl.ID] = members[i].Status
	}
	mp, err := u.Affiliate.Marketplace(ctx, mkt.Code, page.Request{Limit: page.MaxLimit})
	if err != nil {
		return err
	}
	for _, pl := range mp.Items {
		c := planCard{Plan: pl, Locale: mkt.Locale}
		if c.Shop, err = shops.of(ctx, pl.ShopID); err != nil {
			return err
		}
		p.Marketplace = append(p.Marketplace, c)
	}
	if p.Samples, err = u.Affiliate.MySamples(ctx, actor); err != nil {
		return err
	}
	p.Now = now
	u.render(w, r, status, "creator_center", u.view(r, "Creator Center", mkt, p))
	return nil
}

// handleCreatorPlanProducts is every product a plan the creator is in pays
// on, a page at a time, to pick from: a planCard with all its offers.
func (u *UI) handleCreatorPlanProducts(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := needCreator(r); err != nil {
		return err
	}
	actor := server.Actor(r)
	mkt, err := u.Markets.Get(actor.Market)
	if err != nil {
		return err
	}
	req, err := page.FromQuery(url.Values{"cursor": r.URL.Query()["cursor"]})
	if err != nil {
		return err
	}
	req.Limit = gridSize
	pg, err := u.Affiliate.PlanProducts(ctx, actor, r.PathValue("id"), req)
	if err != nil {
		return err
	}
	plans, members, err := u.Affiliate.MyPlans(ctx, actor)
	if err != nil {
		return err
	}
	p := planCard{Locale: mkt.Locale}
	for i, pl := range plans {
		if pl.ID == r.PathValue("id") {
			p.Plan, p.Membership = pl, members[i]
		}
	}
	if p.Plan == nil {
		return loopshop.Errorf(loopshop.ENOTFOUND, "plan not found")
	}
	p.Promote = p.Membership.Status == affiliate.MemberApproved && p.Plan.Live(time.Now())
	if p.Shop, err = u.shopRefs().of(ctx, p.Plan.ShopID); err != nil {
		return err
	}
	p.Offers = pg.Items
	if pg.NextCursor != "" {
		p.MoreURL = r.URL.Path + "?" + url.Values{"cursor": {pg.NextCursor}}.Encode()
	}
	u.render(w, r, http.StatusOK, "creator_plan", u.view(r, p.Plan.Name+" · Creator Center", mkt, p))
	return nil
}

func (u *UI) handleCreatorJoin(w http.ResponseWriter, r *http.Request) error {
	m, err := u.Affiliate.Join(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return u.creatorFailed(w, r, err)
	}
	notice := "You joined the plan: add its products to your showcase and anchor them in your videos."
	if m.Status == affiliate.MemberPending {
		notice = "Request sent: the seller approves each creator in this plan."
	}
	http.Redirect(w, r, "/creator?"+url.Values{"notice": {notice}}.Encode(), http.StatusSeeOther)
	return nil
}

func (u *UI) handleCreatorShowcaseAdd(w http.ResponseWriter, r *http.Request) error {
	it, err := u.Content.AddToShowcase(r.Context(), server.Actor(r), r.PostFormValue("product_id"))
	if err != nil {
		return u.creatorFailed(w, r, err)
	}
	http.Redirect(w, r, "/creator?"+url.Values{"notice": {"“" + it.Title + "” is in your showcase."}}.Encode(), http.StatusSeeOther)
	return nil
}

func (u *UI) handleCreatorSample(w http.ResponseWriter, r *http.Request) error {
	smp, err := u.Affiliate.RequestSample(r.Context(), server.Actor(r), r.PostFormValue("product_id"), r.PostFormValue("note"))
	if err != nil {
		return u.creatorFailed(w, r, err)
	}
	http.Redirect(w, r, "/creator?"+url.Values{"notice": {"Sample of “" + smp.ProductTitle + "” requested: the seller answers here."}}.Encode(), http.StatusSeeOther)
	return nil
}

func (u *UI) handleCreatorPayout(w http.ResponseWriter, r *http.Request) error {
	key := r.PostFormValue("key")
	if key == "" {
		key = loopshop.RandomToken(12)
	}
	actor := server.Actor(r)
	p, err := u.Payouts.PayCreator(r.Context(), actor, key, 0)
	if err != nil {
		return u.creatorFailed(w, r, err)
	}
	var locale string
	if mkt, err := u.Markets.Get(actor.Market); err == nil {
		locale = mkt.Locale
	}
	http.Redirect(w, r, "/creator?"+url.Values{"notice": {"Paid out " + formatPrice(p.Amount, locale) + " on " + p.At.Format(time.DateOnly) + "."}}.Encode(), http.StatusSeeOther)
	return nil
}

// creatorFailed shows a refused action on the page, with what to do; other
// errors go to the error page.
func (u *UI) creatorFailed(w http.ResponseWriter, r *http.Request, err error) error {
	switch loopshop.ErrorCode(err) {
	case loopshop.EINVALID, loopshop.ECONFLICT, loopshop.EFORBIDDEN:
		return u.renderCreatorCenter(w, r, server.StatusOf(err), "", sentence(loopshop.ErrorMessage(err)))
	}
	return err
}
