package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/server"
)

// Seller Center's orders: a shop's orders by status, and on each the one
// thing to do next — ship it with a tracking number, record its delivery,
// or cancel it while it has not shipped.

var orderTabs = []struct{ Status, Label string }{
	{order.StatusAwaitingShipment, "To ship"},
	{order.StatusOnHold, "On hold"},
	{order.StatusPartiallyShipping, "Partly shipped"},
	{order.StatusInTransit, "In transit"},
	{order.StatusDelivered, "Delivered"},
	{order.StatusCompleted, "Completed"},
	{order.StatusCancelled, "Cancelled"},
	{"", "All"},
}

// orderStatusLabel names an order status as a seller reads it.
func orderStatusLabel(status string) string {
	for _, t := range orderTabs {
		if t.Status == status && status != "" {
			return t.Label
		}
	}
	switch status {
	case order.StatusUnpaid:
		return "Awaiting payment"
	case order.StatusAwaitingCollection:
		return "Awaiting collection"
	}
	return status
}

type sellerOrdersPage struct {
	SellerHead
	Filters []sellerTab
	Status  string
	Orders  []*order.Order
	Locale  string
	MoreURL string
	// Error is about the order Failed; Notice says what just happened.
	Error, Failed, Notice string
}

func (u *UI) registerSellerOrders(srv *server.Server) {
	srv.HandlePage("GET /seller/shops/{id}/orders", u.page(u.handleSellerOrders))
	srv.HandlePage("POST /seller/orders/{id}/{action}", u.page(u.handleSellerOrderAction))
}

func (u *UI) handleSellerOrders(w http.ResponseWriter, r *http.Request) error {
	p, err := u.ordersPage(r, r.PathValue("id"), r.URL.Query().Get("status"), r.URL.Query().Get("cursor"))
	if err != nil {
		return err
	}
	p.Notice = r.URL.Query().Get("done")
	u.render(w, r, http.StatusOK, "seller_orders", u.view(r, "Orders · "+p.Shop.Name, u.marketOf(p.Shop.Market), p))
	return nil
}

func (u *UI) ordersPage(r *http.Request, shopID, status, cursor string) (*sellerOrdersPage, error) {
	shop, mkt, err := u.sellerShop(r, shopID)
	if err != nil {
		return nil, err
	}
	req, err := page.FromQuery(url.Values{"cursor": {cursor}})
	if err != nil {
		return nil, err
	}
	req.Limit = sellerPageSize
	pg, err := u.Orders.ShopOrders(r.Context(), server.Actor(r), shop.ID, shop.Market, status, req)
	if err != nil {
		return nil, err
	}
	base := "/seller/shops/" + url.PathEscape(shop.ID) + "/orders"
	p := &sellerOrdersPage{SellerHead: newSellerHead(shop, "Orders"), Status: status, Orders: pg.Items, Locale: mkt.Locale}
	for _, t := range orderTabs {
		p.Filters = append(p.Filters, sellerTab{Label: t.Label, URL: base + "?" + url.Values{"status": {t.Status}}.Encode(), Current: t.Status == status})
	}
	if pg.NextCursor != "" {
		p.MoreURL = base + "?" + url.Values{"status": {status}, "cursor": {pg.NextCursor}}.Encode()
	}
	return p, nil
}

// handleSellerOrderAction ships, delivers or cancels an order, then shows
// the list it was done from again.
func (u *UI) handleSellerOrderAction(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return loopshop.Errorf(loopshop.EINVALID, "the form could not be read; reload the page and try again")
	}
	ctx, actor, id, f := r.Context(), server.Actor(r), r.PathValue("id"), r.PostForm
	var o *order.Order
	var err error
	var done string
	switch r.PathValue("action") {
	case "ship":
		o, err = u.Orders.Ship(ctx, actor, id, order.Shipment{Carrier: f.Get("carrier"), TrackingNumber: strings.TrimSpace(f.Get("tracking_number"))})
		done = "Shipped " + id + "."
	case "deliver":
		o, err = u.Orders.Deliver(ctx, actor, id)
		done = "Marked " + id + " delivered."
	case "cancel":
		o, err = u.Orders.Cancel(ctx, actor, id, f.Get("reason"))
		done = "Cancelled " + id + "; the buyer is refunded and the stock is back on sale."
	default:
		return loopshop.Errorf(loopshop.ENOTFOUND, "page not found")
	}
	shopID, status := f.Get("shop_id"), f.Get("status")
	if err == nil {
		http.Redirect(w, r, "/seller/shops/"+url.PathEscape(o.ShopID)+"/orders?"+url.Values{"status": {status}, "done": {done}}.Encode(), http.StatusSeeOther)
		return nil
	}
	switch loopshop.ErrorCode(err) {
	case loopshop.EINVALID, loopshop.ECONFLICT:
	default:
		return err
	}
	p, perr := u.ordersPage(r, shopID, status, "")
	if perr != nil {
		return err
	}
	p.Error, p.Failed = sentence(loopshop.ErrorMessage(err)), id
	u.render(w, r, server.StatusOf(err), "seller_orders", u.view(r, "Orders · "+p.Shop.Name, u.marketOf(p.Shop.Market), p))
	return nil
}
