package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/payment"
)

func TestSellerShipsAnOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	stock := int64(5)
	lamp := e.product(ctx, e.gbOwner, e.gbShop, catalog.NewProduct{Title: "Desk Lamp", Category: "lighting",
		SKUs: []catalog.NewSKU{{SellerSKU: "LAMP-1", Price: 3500, Stock: &stock}}}, true)
	buyer := &identity.Actor{AccountID: loopshop.NewID("acc", "GB"), Market: "GB"}
	c, err := e.orders.Checkout(ctx, buyer, "k1", order.CheckoutRequest{
		Items:   []order.CartItem{{SKUID: lamp.SKUs[0].ID, Quantity: 2}},
		ShipTo:  order.Address{Name: "Grace Hopper", Line1: "1 Navy Way", City: "Leeds", PostalCode: "LS1 1AA"},
		Payment: order.PaymentRequest{Method: payment.MethodCard, Card: &payment.Card{Number: "4242424242424242", ExpMonth: 1, ExpYear: 2040, CVC: "123"}}})
	if err != nil {
		t.Fatal(err)
	}
	id := c.Orders[0].ID
	if _, err := e.jobs.RunDue(ctx); err != nil { // the remorse window (0 here) ends
		t.Fatal(err)
	}

	owner := e.signedIn(t, "harriet@example.com")
	list := "/seller/shops/" + e.gbShop.ID + "/orders?status=AWAITING_SHIPMENT"
	r := owner.get(list)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, []string{id, "2 × Desk Lamp", "LAMP-1", "Grace Hopper", "£70.00", `action="/seller/orders/` + id + `/ship"`}, nil)

	// A tracking number that is not one is shown on the order, not lost.
	form := url.Values{"shop_id": {e.gbShop.ID}, "status": {"AWAITING_SHIPMENT"}, "carrier": {"Royal Mail"}, "tracking_number": {"x"}}
	r = owner.post("/seller/orders/"+id+"/ship", form)
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, []string{`role="alert"`, "tracking number"}, nil)

	form.Set("tracking_number", "RM123456789GB")
	r = owner.post("/seller/orders/"+id+"/ship", form)
	wantStatus(t, r, http.StatusSeeOther)
	wantBody(t, owner.get(r.Header.Get("Location")), []string{"Shipped " + id}, []string{`id="order-` + id + `"`})
	wantBody(t, owner.get("/seller/shops/"+e.gbShop.ID+"/orders?status=IN_TRANSIT"), []string{id, "Royal Mail RM123456789GB", "Mark delivered"}, nil)

	// Another shop's owner finds nothing to ship.
	stranger := e.signedIn(t, "jonas@example.com")
	wantStatus(t, stranger.get("/seller/shops/"+e.gbShop.ID+"/orders"), http.StatusNotFound)
	wantStatus(t, stranger.post("/seller/orders/"+id+"/deliver", url.Values{}), http.StatusNotFound)

	r = owner.post("/seller/orders/"+id+"/deliver", url.Values{"shop_id": {e.gbShop.ID}, "status": {"IN_TRANSIT"}})
	wantStatus(t, r, http.StatusSeeOther)
	if o, err := e.orders.Order(ctx, buyer, id); err != nil || o.Status != order.StatusDelivered {
		t.Errorf("after marking it delivered: %v %v", o, err)
	}
}
