package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/affiliate"
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
	Form    planForm
	Notice  string
	Error   string
	Locale  string
	Now     time.Time
}

type sellerPlan struct {
	*affiliate.Plan
	Members []affiliate.Membership
}

// planForm is what the seller typed into the new-plan form.
type planForm struct {
	Name, Kind, Percent, Invited, Days string
	Approval                           bool
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
	for _, pl := range plans {
		ms, err := u.Affiliate.Members(ctx, actor, pl.ID)
		if err != nil {
			return err
		}
		p.Plans = append(p.Plans, sellerPlan{Plan: pl, Members: ms})
	}
	if p.Samples, err = u.Affiliate.SamplesOfShop(ctx, actor, shop.ID); err != nil {
		return err
	}
	// The orders creators brought, among the shop's latest.
	pg, err := u.Orders.ShopOrders(ctx, actor, shop.ID, shop.Market, "", page.Request{Limit: page.MaxLimit})
	if err != nil {
		return err
	}
	for _, o := range pg.Items {
		if len(o.CreatorCommissions()) > 0 {
			p.Orders = append(p.Orders, o)
		}
	}
	u.render(w, r, status, "seller_affiliate", u.view(r, "Affiliate · "+shop.Name, mkt, p))
	return nil
}

func (u *UI) handleSellerCreatePlan(w http.ResponseWriter, r *http.Request) error {
	f := planForm{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), Percent: strings.TrimSpace(r.PostFormValue("percent")),
		Invited: r.PostFormValue("invited"), Days: strings.TrimSpace(r.PostFormValue("days")), Approval: r.PostFormValue("approval") != ""}
	p := &sellerAffiliatePage{Form: f}
	fail := func(err error) error {
		switch loopshop.ErrorCode(err) {
		case loopshop.EINVALID, loopshop.ECONFLICT:
			p.Error = sentence(loopshop.ErrorMessage(err))
			return u.renderSellerAffiliate(w, r, server.StatusOf(err), p)
		}
		return err
	}
	pct, err := strconv.ParseFloat(f.Percent, 64)
	if err != nil {
		return fail(loopshop.Invalid("shop_wide_bps", "give the commission as a percentage, such as 10 or 12.5"))
	}
	in := affiliate.NewPlan{Kind: f.Kind, Name: f.Name, NeedsApproval: f.Approval, ShopWideBPS: int(pct*100 + 0.5)}
	for _, c := range strings.FieldsFunc(f.Invited, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' }) {
		in.Invited = append(in.Invited, c)
	}
	if f.Days != "" {
		days, err := strconv.Atoi(f.Days)
		if err != nil || days < 1 {
			return fail(loopshop.Invalid("expires_at", "give how many days the plan runs as a whole number, or leave it empty to run until you end it"))
		}
		t := time.Now().Add(time.Duration(days) * 24 * time.Hour)
		in.ExpiresAt = &t
	}
	if _, err := u.Affiliate.CreatePlan(r.Context(), server.Actor(r), r.PathValue("id"), in); err != nil {
		return fail(err)
	}
	return u.affiliateDone(w, r, "Plan “"+strings.TrimSpace(f.Name)+"” is live.")
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
