package api

import (
	"net/http"

	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/payout"
	"github.com/loopshop/loopshop/server"
)

func (a *API) affiliateRoutes() []server.Route {
	if a.Affiliate == nil {
		return nil
	}
	return []server.Route{
		{Method: "POST", Path: "/api/v1/shops/{id}/affiliate-plans", Tag: "affiliate", Auth: server.Required,
			Summary: "Set up an affiliate plan for a shop: OPEN (any creator joins; with needs_approval, you approve each) or TARGETED (the invited creators only), " +
				"paying shop_wide_bps on every product and/or each listed product's rate_bps (100 to 8000 basis points: 1 % to 80 %) of the price before tax.",
			Request: affiliate.NewPlan{}, Response: affiliate.Plan{}, Status: http.StatusCreated, Handler: a.handleCreatePlan},
		{Method: "GET", Path: "/api/v1/shops/{id}/affiliate-plans", Tag: "affiliate", Auth: server.Required,
			Summary: "A shop's affiliate plans, newest first, for its staff.", Response: PlanList{}, Handler: a.handleShopPlans},
		{Method: "POST", Path: "/api/v1/affiliate-plans/{id}/rates", Tag: "affiliate", Auth: server.Required,
			Summary: "Change a plan's rate for a product (product_id) or its shop-wide rate (no product_id). A raise applies at once; " +
				"a lower rate applies at once to creators who join from now on, and after 30 days to those already in the plan.",
			Request: RateChange{}, Response: affiliate.Plan{}, Handler: a.handleChangeRate},
		{Method: "POST", Path: "/api/v1/affiliate-plans/{id}/end", Tag: "affiliate", Auth: server.Required,
			Summary: "End a plan: nothing earns on it from now on; orders already paid keep their commission.",
			Status:  http.StatusNoContent, Handler: a.handleEndPlan},
		{Method: "GET", Path: "/api/v1/affiliate-plans/{id}/members", Tag: "affiliate", Auth: server.Required,
			Summary: "The creators in a plan, with their status, for the shop's staff.", Response: MemberList{}, Handler: a.handleMembers},
		{Method: "POST", Path: "/api/v1/affiliate-plans/{id}/members/{creator}/decision", Tag: "affiliate", Auth: server.Required,
			Summary: "Approve or reject a creator's pending request to join the plan.",
			Request: Decision{}, Response: affiliate.Membership{}, Handler: a.handleDecide},
		{Method: "GET", Path: "/api/v1/markets/{market}/affiliate-marketplace", Tag: "affiliate",
			Summary:  "The market's live open plans, newest first: what creators may join and promote.",
			Query:    map[string]string{"limit": "page size, 1 to 100 (default 20)", "cursor": "next_cursor of the previous page"},
			Response: page.Page[*affiliate.Plan]{}, Handler: a.handleMarketplace},
		{Method: "POST", Path: "/api/v1/affiliate-plans/{id}/join", Tag: "affiliate", Auth: server.Required,
			Summary:  "Join a plan as a creator: approved at once, or pending the seller's approval when the plan asks for it. Joining again answers the membership you have.",
			Response: affiliate.Membership{}, Handler: a.handleJoin},
		{Method: "GET", Path: "/api/v1/me/affiliate-plans", Tag: "affiliate", Auth: server.Required,
			Summary: "The plans you belong to as a creator, with your memberships.", Response: MyPlans{}, Handler: a.handleMyPlans},
		{Method: "GET", Path: "/api/v1/me/earnings", Tag: "affiliate", Auth: server.Required,
			Summary: "Your commission as a creator: pending on orders not yet completed, available once they have.", Response: payout.Earnings{}, Handler: a.handleEarnings},
		{Method: "POST", Path: "/api/v1/samples", Tag: "affiliate", Auth: server.Required,
			Summary: "Ask a product's seller for a free sample, as a creator in a plan that covers it; the note passes the closed-loop link policy.",
			Request: SampleRequest{}, Response: affiliate.Sample{}, Status: http.StatusCreated, Handler: a.handleRequestSample},
		{Method: "GET", Path: "/api/v1/me/samples", Tag: "affiliate", Auth: server.Required,
			Summary: "Your sample requests as a creator, newest first.", Response: SampleList{}, Handler: a.handleMySamples},
		{Method: "GET", Path: "/api/v1/shops/{id}/samples", Tag: "affiliate", Auth: server.Required,
			Summary: "The samples creators asked a shop for, newest first, for its staff.", Response: SampleList{}, Handler: a.handleShopSamples},
		{Method: "POST", Path: "/api/v1/samples/{id}/decision", Tag: "affiliate", Auth: server.Required,
			Summary: "Approve or reject a requested sample, with a note for the creator.", Request: SampleDecision{}, Response: affiliate.Sample{}, Handler: a.handleDecideSample},
		{Method: "POST", Path: "/api/v1/samples/{id}/ship", Tag: "affiliate", Auth: server.Required,
			Summary: "Record that an approved sample shipped, with the carrier and tracking number; the creator's video is due 14 days later.",
			Request: order.Shipment{}, Response: affiliate.Sample{}, Handler: a.handleShipSample},
		{Method: "POST", Path: "/api/v1/samples/{id}/content", Tag: "affiliate", Auth: server.Required,
			Summary: "Fulfil a shipped sample with your video of it: a live video of yours that links the product.",
			Request: SampleContent{}, Response: affiliate.Sample{}, Handler: a.handleFulfilSample},
		{Method: "POST", Path: "/api/v1/me/payouts", Tag: "affiliate", Auth: server.Required,
			Summary: "Pay your available commission, or part of it, out to you. Needs an Idempotency-Key: the same key pays once.",
			Request: PayoutRequest{}, Response: payout.Payout{}, Status: http.StatusCreated, Handler: a.handleCreatorPayout},
	}
}

// PlanList is a shop's plans.
type PlanList struct {
	Items []*affiliate.Plan `json:"items"`
}

// MemberList is a plan's creators.
type MemberList struct {
	Items []affiliate.Membership `json:"items"`
}

// MyPlans is a creator's plans, each with the creator's membership.
type MyPlans struct {
	Items []MyPlan `json:"items"`
}

// MyPlan is one plan a creator belongs to.
type MyPlan struct {
	Plan       *affiliate.Plan      `json:"plan"`
	Membership affiliate.Membership `json:"membership"`
}

// RateChange sets a plan's rate.
type RateChange struct {
	ProductID string `json:"product_id,omitempty"`
	RateBPS   int    `json:"rate_bps"`
}

// Decision approves or rejects a request to join.
type Decision struct {
	Approve bool `json:"approve"`
}

func (a *API) handleCreatePlan(w http.ResponseWriter, r *http.Request) error {
	var in affiliate.NewPlan
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	p, err := a.Affiliate.CreatePlan(r.Context(), server.Actor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusCreated, p)
}

func (a *API) handleShopPlans(w http.ResponseWriter, r *http.Request) error {
	ps, err := a.Affiliate.PlansOfShop(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, PlanList{Items: nonNil(ps)})
}

func (a *API) handleChangeRate(w http.ResponseWriter, r *http.Request) error {
	var in RateChange
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	p, err := a.Affiliate.ChangeRate(r.Context(), server.Actor(r), r.PathValue("id"), in.ProductID, in.RateBPS)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, p)
}

func (a *API) handleEndPlan(w http.ResponseWriter, r *http.Request) error {
	if err := a.Affiliate.EndPlan(r.Context(), server.Actor(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) handleMembers(w http.ResponseWriter, r *http.Request) error {
	ms, err := a.Affiliate.Members(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, MemberList{Items: nonNil(ms)})
}

func (a *API) handleDecide(w http.ResponseWriter, r *http.Request) error {
	var in Decision
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	m, err := a.Affiliate.Decide(r.Context(), server.Actor(r), r.PathValue("id"), r.PathValue("creator"), in.Approve)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, m)
}

func (a *API) handleMarketplace(w http.ResponseWriter, r *http.Request) error {
	pr, err := page.FromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := a.Affiliate.Marketplace(r.Context(), r.PathValue("market"), pr)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, p)
}

func (a *API) handleJoin(w http.ResponseWriter, r *http.Request) error {
	m, err := a.Affiliate.Join(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, m)
}

func (a *API) handleMyPlans(w http.ResponseWriter, r *http.Request) error {
	ps, ms, err := a.Affiliate.MyPlans(r.Context(), server.Actor(r))
	if err != nil {
		return err
	}
	out := MyPlans{Items: []MyPlan{}}
	for i := range ps {
		out.Items = append(out.Items, MyPlan{Plan: ps[i], Membership: ms[i]})
	}
	return server.JSON(w, http.StatusOK, out)
}

func (a *API) handleEarnings(w http.ResponseWriter, r *http.Request) error {
	actor := server.Actor(r)
	e, err := a.Payouts.Earnings(r.Context(), actor, actor.AccountID)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, e)
}

func (a *API) handleCreatorPayout(w http.ResponseWriter, r *http.Request) error {
	var in PayoutRequest
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	p, err := a.Payouts.PayCreator(r.Context(), server.Actor(r), r.Header.Get("Idempotency-Key"), in.Amount)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusCreated, p)
}

// SampleRequest asks for a sample of a product.
type SampleRequest struct {
	ProductID string `json:"product_id"`
	Note      string `json:"note,omitempty"`
}

// SampleList is a list of samples.
type SampleList struct {
	Items []*affiliate.Sample `json:"items"`
}

// SampleDecision approves or rejects a sample.
type SampleDecision struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note,omitempty"`
}

// SampleContent names the video that fulfils a sample.
type SampleContent struct {
	VideoID string `json:"video_id"`
}

func (a *API) handleRequestSample(w http.ResponseWriter, r *http.Request) error {
	var in SampleRequest
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	smp, err := a.Affiliate.RequestSample(r.Context(), server.Actor(r), in.ProductID, in.Note)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusCreated, smp)
}

func (a *API) handleMySamples(w http.ResponseWriter, r *http.Request) error {
	ss, err := a.Affiliate.MySamples(r.Context(), server.Actor(r))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, SampleList{Items: nonNil(ss)})
}

func (a *API) handleShopSamples(w http.ResponseWriter, r *http.Request) error {
	ss, err := a.Affiliate.SamplesOfShop(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, SampleList{Items: nonNil(ss)})
}

func (a *API) handleDecideSample(w http.ResponseWriter, r *http.Request) error {
	var in SampleDecision
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	smp, err := a.Affiliate.DecideSample(r.Context(), server.Actor(r), r.PathValue("id"), in.Approve, in.Note)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, smp)
}

func (a *API) handleShipSample(w http.ResponseWriter, r *http.Request) error {
	var in order.Shipment
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	smp, err := a.Affiliate.ShipSample(r.Context(), server.Actor(r), r.PathValue("id"), in.Carrier, in.TrackingNumber)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, smp)
}

func (a *API) handleFulfilSample(w http.ResponseWriter, r *http.Request) error {
	var in SampleContent
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	smp, err := a.Affiliate.FulfilSample(r.Context(), server.Actor(r), r.PathValue("id"), in.VideoID)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, smp)
}
