package api

import (
	"net/http"

	"github.com/loopshop/loopshop/payout"
	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/shipping"
)

// Shipping rate cards, balances, payouts and payment holds of a shop.

func (a *API) financeRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/api/v1/shops/{id}/shipping-rates", Tag: "shipping", Auth: server.Required,
			Summary:  "The shop's shipping rate card: zones, weight bands and free-shipping threshold (its market's default until it sets one).",
			Response: shipping.RateCard{}, Handler: a.handleRateCard},
		{Method: "PUT", Path: "/api/v1/shops/{id}/shipping-rates", Tag: "shipping", Auth: server.Required,
			Summary: "Replace the shop's shipping rate card; checkout quotes with it at once.",
			Request: shipping.RateCard{}, Response: shipping.RateCard{}, Handler: a.handleSetRateCard},
		{Method: "GET", Path: "/api/v1/shops/{id}/balance", Tag: "finance", Auth: server.Required,
			Summary:  "What the shop is owed: available to pay out, and held.",
			Response: payout.Balance{}, Handler: a.handleBalance},
		{Method: "POST", Path: "/api/v1/shops/{id}/payouts", Tag: "finance", Auth: server.Required, NoIdempotency: true, Status: http.StatusCreated,
			Summary: "Pay the shop's available balance, or part of it, out to its owner. Needs an Idempotency-Key: the same key pays once.",
			Request: PayoutRequest{}, Response: payout.Payout{}, Handler: a.handlePayout},
		{Method: "POST", Path: "/api/v1/shops/{id}/holds", Tag: "finance", Auth: server.Required,
			Summary: "Finance staff: hold part of a shop's available money, or release it (release: true).",
			Request: HoldRequest{}, Response: payout.Balance{}, Handler: a.handleHold},
	}
}

// PayoutRequest asks for a payout of Amount minor units; 0 pays out
// everything available.
type PayoutRequest struct {
	Amount int64 `json:"amount,omitempty"`
}

// HoldRequest holds or releases Amount minor units of a shop's money under
// the hold's name.
type HoldRequest struct {
	HoldID  string `json:"hold_id"`
	Amount  int64  `json:"amount"`
	Reason  string `json:"reason"`
	Release bool   `json:"release,omitempty"`
}

func (a *API) shippingShop(r *http.Request) (shipping.Shop, error) {
	shop, err := a.Catalog.ShopFor(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return shipping.Shop{}, err
	}
	return shipping.Shop{ID: shop.ID, Market: shop.Market, ShipsFrom: shop.ShipsFrom}, nil
}

func (a *API) payoutShop(r *http.Request) (payout.Shop, error) {
	s, err := a.shippingShop(r)
	return payout.Shop{ID: s.ID, Market: s.Market}, err
}

func (a *API) handleRateCard(w http.ResponseWriter, r *http.Request) error {
	shop, err := a.shippingShop(r)
	if err != nil {
		return err
	}
	card, err := a.Shipping.RateCard(r.Context(), server.Actor(r), shop)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, card)
}

func (a *API) handleSetRateCard(w http.ResponseWriter, r *http.Request) error {
	var in shipping.RateCard
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	shop, err := a.shippingShop(r)
	if err != nil {
		return err
	}
	card, err := a.Shipping.SetRateCard(r.Context(), server.Actor(r), shop, in)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, card)
}

func (a *API) handleBalance(w http.ResponseWriter, r *http.Request) error {
	shop, err := a.payoutShop(r)
	if err != nil {
		return err
	}
	b, err := a.Payouts.Balance(r.Context(), server.Actor(r), shop)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, b)
}

func (a *API) handlePayout(w http.ResponseWriter, r *http.Request) error {
	var in PayoutRequest
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	shop, err := a.payoutShop(r)
	if err != nil {
		return err
	}
	p, err := a.Payouts.Pay(r.Context(), server.Actor(r), shop, r.Header.Get("Idempotency-Key"), in.Amount)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusCreated, p)
}

func (a *API) handleHold(w http.ResponseWriter, r *http.Request) error {
	var in HoldRequest
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	shop, err := a.payoutShop(r)
	if err != nil {
		return err
	}
	move := a.Payouts.Hold
	if in.Release {
		move = a.Payouts.Release
	}
	b, err := move(r.Context(), server.Actor(r), shop, in.HoldID, in.Amount, in.Reason)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, b)
}
