package ui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/server"
)

func (u *UI) registerSellerAffiliate(srv *server.Server) {
	srv.HandlePage("GET /seller/shops/{id}/affiliate", u.page(u.handleSellerAffiliate))
	srv.HandlePage("POST /seller/shops/{id}/affiliate/plans", u.page(u.handleSellerCreatePlan))
	srv.HandlePage("POST /seller/shops/{id}/affiliate/{kind}/{target}/{action}", u.page(u.handleSellerAffiliateAction))
}

// sellerAffiliatePage is a shop's affiliate desk: its plans with their
// creators, the samples asked for, and the orders creators brought.
type sellerAffiliatePage struct {
	SellerHead
	Plans   []sellerPlan
	Samples []*affiliate.Sample
	Orders  []*order.Order
	// Creators are the names of the creators the page shows, by ID.
	Creators map[string]string
	Form     planForm
	Notice   string
	Error    string
	Locale   string
	Now      time.Time
}

type sellerPlan struct {
	*affiliate.Plan
	Members []affiliate.Membership
}

// planForm is what the seller typed into the new-plan form, and what is
// wrong with a field of it.
type planForm struct {
	Name, Kind, Percent, Invited, Days string
	Approval                           bool
	// Field is the field Problem is about, shown next to it.
	Field, Problem string
}

func (u *UI) handleSellerAffiliate(w http.ResponseWriter, r *http.Request) error {
	return u.renderSellerAffiliate(w, r, http.StatusOK, &sellerAffiliatePage{Notice: r.URL.Query().Get("done"), Form: planForm{Kind: affiliate.Open, Percent: "10"}})
}

func (u *UI) renderSellerAffiliate(w http.ResponseWriter, r *http.Request, status int, p *sellerAffiliatePage) error {
	ctx := r.Context()
	actor := server.Actor(r)
	shop, mkt, err := u.sellerShop(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	p.SellerHead, p.Locale, p.Now = newSellerHead(shop, "Affiliate"), mkt.Locale, time.Now()
	plans, err := u.Affiliate.PlansOfShop(ctx, actor, shop.ID)
	if err != nil {
		return err
	}
	names := u.creatorNames()
	for _, pl := range plans {
		ms, err := u.Affiliate.Members(ctx, actor, pl.ID)
		if err != nil {
			return err
		}
		p.Plans = append(p.Plans, sellerPlan{Plan: pl, Members: ms})
		for _, m := range ms {
			names.add(m.CreatorID)
		}
		for _, id := range pl.Invited {
			names.add(id)
		}
	}
	if p.Samples, err = u.Affiliate.SamplesOfShop(ctx, actor, shop.ID); err != nil {
		return err
	}
	for _, smp := range p.Samples {
		names.add(smp.CreatorID)
	}
	// The orders creators brought, among the shop's latest.
	pg, err := u.Orders.ShopOrders(ctx, actor, shop.ID, shop.Market, "", page.Request{Limit: page.MaxLimit})
	if err != nil {
		return err
	}
	for _, o := range pg.Items {
		if cc := o.CreatorCommissions(); len(cc) > 0 {
			p.Orders = append(p.Orders, o)
			for _, c := range cc {
				names.add(c.CreatorID)
			}
		}
	}
	if p.Creators, err = names.read(ctx); err != nil {
		return err
	}
	u.render(w, r, status, "seller_affiliate", u.view(r, "Affiliate · "+shop.Name, mkt, p))
	return nil
}

func (u *UI) handleSellerCreatePlan(w http.ResponseWriter, r *http.Request) error {
	f := planForm{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), Percent: strings.TrimSpace(r.PostFormValue("percent")),
		Invited: r.PostFormValue("invited"), Days: strings.TrimSpace(r.PostFormValue("days")), Approval: r.PostFormValue("approval") != ""}
	p := &sellerAffiliatePage{}
	fail := func(err error) error {
		switch loopshop.ErrorCode(err) {
		case loopshop.EINVALID, loopshop.ECONFLICT:
			if strings.HasPrefix(loopshop.ErrorField(err), "invited") {
				f.Field, f.Problem = "invited", sentence(loopshop.ErrorMessage(err))
			} else {
				p.Error = sentence(loopshop.ErrorMessage(err))
			}
			p.Form = f
			return u.renderSellerAffiliate(w, r, server.StatusOf(err), p)
		}
		return err
	}
	shop, _, err := u.sellerShop(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	pct, err := strconv.ParseFloat(f.Percent, 64)
	if err != nil {
		return fail(loopshop.Invalid("shop_wide_bps", "give the commission as a percentage, such as 10 or 12.5"))
	}
	in := affiliate.NewPlan{Kind: f.Kind, Name: f.Name, NeedsApproval: f.Approval, ShopWideBPS: int(pct*100 + 0.5)}
	for _, who := range invitedEntries(f.Invited) {
		c, err := u.Identity.FindCreator(r.Context(), shop.Market, who)
		if err != nil {
			if loopshop.ErrorCode(err) == loopshop.EINVALID {
				err = loopshop.Invalid("invited", "%s", loopshop.ErrorMessage(err))
			}
			return fail(err)
		}
		if !slices.Contains(in.Invited, c.ID) {
			in.Invited = append(in.Invited, c.ID)
		}
	}
	if f.Days != "" {
		days, err := strconv.Atoi(f.Days)
		if err != nil || days < 1 {
			return fail(loopshop.Invalid("expires_at", "give how many days the plan runs as a whole number, or leave it empty to run until you end it"))
		}
		t := time.Now().Add(time.Duration(days) * 24 * time.Hour)
		in.ExpiresAt = &t
	}
	if _, err := u.Affiliate.CreatePlan(r.Context(), server.Actor(r), shop.ID, in); err != nil {
		return fail(err)
	}
	return u.affiliateDone(w, r, "Plan “"+strings.TrimSpace(f.Name)+"” is live.")
}

// invitedEntries splits the invited field into the creators it names:
// one a line or between commas, as names have spaces; a line of account
// IDs only, as sellers used to paste them, is split at its spaces too.
func invitedEntries(s string) []string {
	var out []string
	for _, e := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		words := strings.Fields(e)
		if len(words) == 0 {
			continue
		}
		if len(words) > 1 && !slices.ContainsFunc(words, func(w string) bool { return !strings.HasPrefix(w, "acc_") }) {
			out = append(out, words...)
			continue
		}
		out = append(out, strings.Join(words, " "))
	}
	return out
}

// creatorNamer collects the creators a page shows, to read each name once.
type creatorNamer struct {
	ids      *identity.Service
	creators []string
}

func (u *UI) creatorNames() *creatorNamer { return &creatorNamer{ids: u.Identity} }

func (n *creatorNamer) add(id string) {
	if !slices.Contains(n.creators, id) {
		n.creators = append(n.creators, id)
	}
}

// read returns the creators' names by ID; one whose profile is gone (its
// creator mode turned off) shows its ID.
func (n *creatorNamer) read(ctx context.Context) (map[string]string, error) {
	out := make(map[string]string, len(n.creators))
	for _, id := range n.creators {
		c, err := n.ids.Creator(ctx, id)
		switch {
		case err == nil:
			out[id] = c.DisplayName
		case loopshop.ErrorCode(err) == loopshop.ENOTFOUND:
			out[id] = id
		default:
			return nil, err
		}
	}
	return out, nil
}

func (u *UI) affiliateDone(w http.ResponseWriter, r *http.Request, notice string) error {
	http.Redirect(w, r, "/seller/shops/"+url.PathEscape(r.PathValue("id"))+"/affiliate?"+url.Values{"done": {notice}}.Encode(), http.StatusSeeOther)
	return nil
}

// handleSellerAffiliateAction runs one button of the page: end a plan,
// approve or reject a creator, approve, reject or ship a sample.
func (u *UI) handleSellerAffiliateAction(w http.ResponseWriter, r *http.Request) error {
	ctx, actor := r.Context(), server.Actor(r)
	if _, _, err := u.sellerShop(r, r.PathValue("id")); err != nil {
		return err
	}
	target, action := r.PathValue("target"), r.PathValue("action")
	var notice string
	var err error
	switch r.PathValue("kind") + "/" + action {
	case "plans/end":
		err, notice = u.Affiliate.EndPlan(ctx, actor, target), "The plan has ended."
	case "members/approve", "members/reject":
		planID, creatorID, _ := strings.Cut(target, "~")
		_, err = u.Affiliate.Decide(ctx, actor, planID, creatorID, action == "approve")
		notice = "The creator is " + map[bool]string{true: "in the plan.", false: "turned down."}[action == "approve"]
	case "samples/approve", "samples/reject":
		_, err = u.Affiliate.DecideSample(ctx, actor, target, action == "approve", r.PostFormValue("note"))
		notice = "The sample request is " + map[bool]string{true: "approved: ship it next.", false: "declined."}[action == "approve"]
	case "samples/ship":
		_, err = u.Affiliate.ShipSample(ctx, actor, target, r.PostFormValue("carrier"), r.PostFormValue("tracking_number"))
		notice = "The sample is on its way; the creator's video is due in 14 days."
	default:
		return loopshop.Errorf(loopshop.ENOTFOUND, "no such action")
	}
	if err != nil {
		switch loopshop.ErrorCode(err) {
		case loopshop.EINVALID, loopshop.ECONFLICT:
			return u.renderSellerAffiliate(w, r, server.StatusOf(err), &sellerAffiliatePage{Error: sentence(loopshop.ErrorMessage(err)), Form: planForm{Kind: affiliate.Open, Percent: "10"}})
		}
		return err
	}
	return u.affiliateDone(w, r, notice)
}
