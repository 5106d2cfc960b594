package ui

import (
	"net/http"
	"net/url"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/payout"
	"github.com/loopshop/loopshop/server"
)

func (u *UI) registerCreatorCenter(srv *server.Server) {
	srv.HandlePage("GET /creator", u.page(u.handleCreatorCenter))
	srv.HandlePage("POST /creator/plans/{id}/join", u.page(u.handleCreatorJoin))
	srv.HandlePage("POST /creator/showcase", u.page(u.handleCreatorShowcaseAdd))
	srv.HandlePage("POST /creator/payouts", u.page(u.handleCreatorPayout))
	srv.HandlePage("POST /creator/samples", u.page(u.handleCreatorSample))
}

// creatorCenterPage is a creator's desk: earnings, the plans it is in, and
// the marketplace of plans to join.
type creatorCenterPage struct {
	Earnings    *payout.Earnings
	Mine        []myPlan
	Marketplace []*affiliate.Plan
	Samples     []*affiliate.Sample
	Now         time.Time
	Joined      map[string]string // plan ID → membership status
	Notice      string
	Error       string
	ProfileURL  string
}

type myPlan struct {
	Plan       *affiliate.Plan
	Membership affiliate.Membership
}

func (u *UI) handleCreatorCenter(w http.ResponseWriter, r *http.Request) error {
	return u.renderCreatorCenter(w, r, http.StatusOK, r.URL.Query().Get("notice"), "")
}

func (u *UI) renderCreatorCenter(w http.ResponseWriter, r *http.Request, status int, notice, problem string) error {
	ctx := r.Context()
	actor := server.Actor(r)
	if actor == nil {
		return loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to open Creator Center")
	}
	if !actor.IsCreator {
		return loopshop.Errorf(loopshop.EFORBIDDEN, "Creator Center is for creator accounts")
	}
	mkt, err := u.Markets.Get(actor.Market)
	if err != nil {
		return err
	}
	p := creatorCenterPage{Notice: notice, Error: problem, Joined: map[string]string{}, ProfileURL: "/creators/" + url.PathEscape(actor.AccountID)}
	if p.Earnings, err = u.Payouts.Earnings(ctx, actor, actor.AccountID); err != nil {
		return err
	}
	plans, members, err := u.Affiliate.MyPlans(ctx, actor)
	if err != nil {
		return err
	}
	for i := range plans {
		p.Mine = append(p.Mine, myPlan{Plan: plans[i], Membership: members[i]})
		p.Joined[plans[i].ID] = members[i].Status
	}
	mp, err := u.Affiliate.Marketplace(ctx, mkt.Code, page.Request{Limit: page.MaxLimit})
	if err != nil {
		return err
	}
	p.Marketplace = mp.Items
	if p.Samples, err = u.Affiliate.MySamples(ctx, actor); err != nil {
		return err
	}
	p.Now = time.Now()
	u.render(w, r, status, "creator_center", u.view(r, "Creator Center", mkt, p))
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
	p, err := u.Payouts.PayCreator(r.Context(), server.Actor(r), key, 0)
	if err != nil {
		return u.creatorFailed(w, r, err)
	}
	http.Redirect(w, r, "/creator?"+url.Values{"notice": {"Paid out " + formatPrice(p.Amount, "") + " on " + p.At.Format(time.DateOnly) + "."}}.Encode(), http.StatusSeeOther)
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
