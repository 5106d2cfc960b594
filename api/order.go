package api

import (
	"net/http"

	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/server"
)

func (a *API) orderRoutes() []server.Route {
	pageQuery := map[string]string{"limit": "page size, 1 to 100 (default 20)", "cursor": "next_cursor of the previous page"}
	return []server.Route{
		{Method: "GET", Path: "/api/v1/cart", Tag: "orders", Auth: server.Required,
			Summary:  "Your cart, priced as checkout would charge it: one order per shop, with shipping, tax and the total.",
			Response: order.Cart{}, Handler: a.handleCart},
		{Method: "POST", Path: "/api/v1/cart/items", Tag: "orders", Auth: server.Required,
			Summary: "Set how many of a SKU your cart holds; quantity 0 takes it out. Returns the priced cart.",
			Request: order.CartItem{}, Response: order.Cart{}, Handler: a.handleSetCartItem},
		{Method: "POST", Path: "/api/v1/checkouts", Tag: "orders", Auth: server.Required, NoIdempotency: true,
			Summary: "Check out the listed items, or the whole cart, in one payment: one order per shop, the stock held while the card is charged. " +
				"The Idempotency-Key header is required, new for each purchase: the checkout keeps it, so a retry with the same key and body answers as the first request did and never charges twice (another body: 422). " +
				"201 with the checkout when paid (or confirmed, for cash on delivery), its Location in the header; " +
				"402 with the checkout when the payment was declined or never came, its message saying why (the stock goes back on sale; try again with a new key); " +
				"409 when an item is sold out or short.",
			Request: order.CheckoutRequest{}, Response: order.Checkout{}, Status: http.StatusCreated, Handler: a.handleCheckout},
		{Method: "GET", Path: "/api/v1/checkouts/{id}", Tag: "orders", Auth: server.Required,
			Summary:  "One of your checkouts, with its orders and the outcome of its payment.",
			Response: order.Checkout{}, Handler: a.handleGetCheckout},
		{Method: "GET", Path: "/api/v1/orders", Tag: "orders", Auth: server.Required,
			Summary: "Your orders, newest first.",
			Query:   pageQuery, Response: page.Page[*order.Order]{}, Handler: a.handleBuyerOrders},
		{Method: "GET", Path: "/api/v1/orders/{id}", Tag: "orders", Auth: server.Required,
			Summary:  "An order: to its buyer, its shop's staff, or support staff cleared for its market.",
			Response: order.Order{}, Handler: a.handleOrder},
		{Method: "POST", Path: "/api/v1/orders/{id}/cancel", Tag: "orders", Auth: server.Required,
			Summary: "Cancel an order, saying why: its buyer may while it is unpaid or on hold, its shop until it ships. The stock goes back on sale and a paid order is refunded in full.",
			Request: CancelOrder{}, Response: order.Order{}, Handler: a.handleCancelOrder},
		{Method: "POST", Path: "/api/v1/orders/{id}/ship", Tag: "orders", Auth: server.Required,
			Summary: "Record that the shop shipped some or all of an order's lines, with the carrier and tracking number: all of them makes it IN_TRANSIT, some PARTIALLY_SHIPPING.",
			Request: order.Shipment{}, Response: order.Order{}, Handler: a.handleShipOrder},
		{Method: "POST", Path: "/api/v1/orders/{id}/deliver", Tag: "orders", Auth: server.Required,
			Summary:  "Record that an order in transit was delivered (no body needed); it completes and settles after the return window.",
			Response: order.Order{}, Handler: a.handleDeliverOrder},
		{Method: "POST", Path: "/api/v1/orders/{id}/refunds", Tag: "orders", Auth: server.Required, NoIdempotency: true,
			Summary: "Refund part of a paid order before it completes (its shop's staff or support): amount in minor units, at most what is left, and the reason the buyer reads. " +
				"The Idempotency-Key header is required and kept with the refund: the same key refunds once. The money goes back through the payment provider in the background; " +
				"creators' commission on the order shrinks in proportion, and the order settles on what is kept.",
			Request: RefundRequest{}, Response: order.Refund{}, Status: http.StatusAccepted, Handler: a.handleRefund},
		{Method: "GET", Path: "/api/v1/shops/{id}/orders", Tag: "orders", Auth: server.Required,
			Summary: "A shop's orders, newest first, for its staff.",
			Query: map[string]string{"status": "only orders in this status, e.g. AWAITING_SHIPMENT (default: all)",
				"limit": pageQuery["limit"], "cursor": pageQuery["cursor"]},
			Response: page.Page[*order.Order]{}, Handler: a.handleShopOrders},
	}
}

func (a *API) handleCart(w http.ResponseWriter, r *http.Request) error {
	c, err := a.Orders.Cart(r.Context(), server.Actor(r))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, c)
}

func (a *API) handleSetCartItem(w http.ResponseWriter, r *http.Request) error {
	var in order.CartItem
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	c, err := a.Orders.SetCartItem(r.Context(), server.Actor(r), in)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, c)
}

// handleCheckout answers with the checkout whatever its payment's outcome:
// a declined card is the buyer's to fix, and the body says how. The order
// service keeps the Idempotency-Key with the checkout, so a repeat is
// answered from the checkout as it now stands, with the same status.
func (a *API) handleCheckout(w http.ResponseWriter, r *http.Request) error {
	var in order.CheckoutRequest
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	c, err := a.Orders.Checkout(r.Context(), server.Actor(r), r.Header.Get("Idempotency-Key"), in)
	if err != nil {
		return err
	}
	status := checkoutStatus(c.Status)
	if status == http.StatusCreated || status == http.StatusAccepted {
		w.Header().Set("Location", "/api/v1/checkouts/"+c.ID)
	}
	return server.JSON(w, status, c)
}

// checkoutStatus is the HTTP status of a checkout's answer.
func checkoutStatus(status string) int {
	switch status {
	case order.CheckoutPaid, order.CheckoutConfirmed:
		return http.StatusCreated
	case order.CheckoutDeclined, order.CheckoutExpired:
		return http.StatusPaymentRequired
	}
	// PENDING: a retry after the hold ran out, before the expiry job has
	// cancelled the checkout. Its outcome is at its Location.
	return http.StatusAccepted
}

func (a *API) handleGetCheckout(w http.ResponseWriter, r *http.Request) error {
	c, err := a.Orders.CheckoutFor(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, c)
}

func (a *API) handleBuyerOrders(w http.ResponseWriter, r *http.Request) error {
	req, err := page.FromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := a.Orders.BuyerOrders(r.Context(), server.Actor(r), req)
	if err != nil {
		return err
	}
	p.Items = nonNil(p.Items)
	return server.JSON(w, http.StatusOK, p)
}

func (a *API) handleOrder(w http.ResponseWriter, r *http.Request) error {
	o, err := a.Orders.Order(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, o)
}

// CancelOrder is the body of POST /api/v1/orders/{id}/cancel.
type CancelOrder struct {
	// Reason is shown to the other side of the order.
	Reason string `json:"reason"`
}

func (a *API) handleCancelOrder(w http.ResponseWriter, r *http.Request) error {
	var in CancelOrder
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	o, err := a.Orders.Cancel(r.Context(), server.Actor(r), r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, o)
}

func (a *API) handleShipOrder(w http.ResponseWriter, r *http.Request) error {
	var in order.Shipment
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	o, err := a.Orders.Ship(r.Context(), server.Actor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, o)
}

func (a *API) handleDeliverOrder(w http.ResponseWriter, r *http.Request) error {
	o, err := a.Orders.Deliver(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, o)
}

// handleShopOrders looks the shop up first: its orders live in its
// market's region, and the service checks the actor's rights there.
func (a *API) handleShopOrders(w http.ResponseWriter, r *http.Request) error {
	req, err := page.FromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	shop, err := a.Catalog.Shop(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p, err := a.Orders.ShopOrders(r.Context(), server.Actor(r), shop.ID, shop.Market, r.URL.Query().Get("status"), req)
	if err != nil {
		return err
	}
	p.Items = nonNil(p.Items)
	return server.JSON(w, http.StatusOK, p)
}

// RefundRequest asks for a partial refund.
type RefundRequest struct {
	Amount int64  `json:"amount"`
	Reason string `json:"reason"`
}

func (a *API) handleRefund(w http.ResponseWriter, r *http.Request) error {
	var in RefundRequest
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	rf, err := a.Orders.RefundPart(r.Context(), server.Actor(r), r.PathValue("id"), r.Header.Get("Idempotency-Key"), in.Amount, in.Reason)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusAccepted, rf)
}
