package ui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/server"
)

// The buyer's side of an order: the bag (cart), checkout with a test card
// or cash on delivery, and the buyer's orders with their status. Every
// page asks the order service with the request's actor.

func (u *UI) registerBuyer(srv *server.Server) {
	srv.HandlePage("POST /cart/items", u.page(u.handleAddToCart))
	srv.HandlePage("GET /cart", u.page(u.handleCart))
	srv.HandlePage("GET /checkout", u.page(u.handleCheckoutForm))
	srv.HandlePage("POST /checkout", u.page(u.handleCheckout))
	srv.HandlePage("GET /orders", u.page(u.handleOrders))
	srv.HandlePage("GET /orders/{id}", u.page(u.handleOrder))
	srv.HandlePage("POST /orders/{id}/cancel", u.page(u.handleBuyerCancel))
}

type cartPage struct {
	Cart   *order.Cart
	Locale string
	Error  string
}

// signInFirst sends a signed-out visitor to sign in, coming back to next.
func signInFirst(w http.ResponseWriter, r *http.Request, next string) bool {
	if server.Actor(r) != nil {
		return false
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
	return true
}

func (u *UI) handleAddToCart(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return loopshop.Errorf(loopshop.EINVALID, "the form could not be read; reload the page and try again")
	}
	back := "/products/" + url.PathEscape(r.PostForm.Get("product_id"))
	if signInFirst(w, r, back) {
		return nil
	}
	qty, err := strconv.ParseInt(r.PostForm.Get("quantity"), 10, 64)
	if err != nil {
		qty = 1
	}
	// A quantity of 0 removes the item; the bag's own forms send it.
	if _, err := u.Orders.SetCartItem(r.Context(), server.Actor(r), order.CartItem{SKUID: r.PostForm.Get("sku_id"), Quantity: qty}); err != nil {
		return err
	}
	http.Redirect(w, r, "/cart", http.StatusSeeOther)
	return nil
}

func (u *UI) handleCart(w http.ResponseWriter, r *http.Request) error {
	c, err := u.Orders.Cart(r.Context(), server.Actor(r))
	if err != nil {
		return err
	}
	mkt := u.marketOf(server.Actor(r).Market)
	u.render(w, r, http.StatusOK, "cart", u.view(r, "Your bag", mkt, cartPage{Cart: c, Locale: mkt.Locale}))
	return nil
}

type checkoutPage struct {
	Cart   *order.Cart
	Locale string
	// Key is the Idempotency-Key of this attempt: a double-clicked or
	// resent form buys once.
	Key    string
	Form   checkoutForm
	Error  string
	Field  string
	Market string
	// Flash and FlashSKU make the checkout a live room's flash deal;
	// Coupon is the live room's coupon chosen, one of Coupons, the coupons
	// the buyer claimed of the shops in this checkout.
	Flash, FlashSKU, Coupon string
	Coupons                 []*couponOption
	// Pay is what the buyer pays with the coupon chosen, or without one.
	Pay money.Money
}

// couponOption is a claimed coupon as checkout offers it: with what the
// buyer pays if it is chosen, or why it cannot be (too little spent).
type couponOption struct {
	*live.ClaimedCoupon
	Pay     money.Money
	Refusal string
}

type checkoutForm struct {
	Name, Line1, Line2, City, PostalCode, Phone string
	Method, Number, Exp, CVC                    string
}

func (u *UI) checkoutPage(r *http.Request) (*checkoutPage, error) {
	actor := server.Actor(r)
	p := &checkoutPage{Flash: r.FormValue("flash"), FlashSKU: r.FormValue("sku")}
	var err error
	if item := p.flashItem(); item != nil {
		// A flash deal bought from a live room: that one item, not the bag.
		p.Cart, err = u.Orders.Quote(r.Context(), actor, []order.CartItem{*item})
	} else {
		p.Cart, err = u.Orders.Cart(r.Context(), actor)
	}
	if err != nil {
		return nil, err
	}
	p.Pay = p.Cart.Total
	if p.Coupons, err = u.couponOptions(r.Context(), actor, p.Cart); err != nil {
		return nil, err
	}
	// A request naming no coupon at all is a first visit, where the buyer
	// expects the best coupon applied: the one leaving the least to pay,
	// if any leaves less than none does (taking a coupon off can cost the
	// free shipping). A coupon named stays chosen if the buyer may use it,
	// and so does "No coupon" (an empty one); a coupon not the buyer's to
	// use (used meanwhile, never claimed, too little spent) gives way to
	// "No coupon". FormValue has read the query and any posted form into
	// r.Form.
	named, chosen := r.Form["coupon"]
	for _, c := range p.Coupons {
		switch {
		case c.Refusal != "":
		case chosen && c.ID == strings.TrimSpace(named[0]), !chosen && c.Pay.Amount < p.Pay.Amount:
			p.Coupon, p.Pay = c.ID, c.Pay
		}
	}
	mkt := u.marketOf(actor.Market)
	p.Locale, p.Key, p.Market, p.Form = mkt.Locale, loopshop.RandomToken(16), mkt.Code, checkoutForm{Name: actor.DisplayName, Method: payment.MethodCard}
	return p, nil
}

// couponOptions are the coupons the actor claimed of the shops that have
// an order in the cart, each quoted on the cart's items as checkout would
// charge them with it.
func (u *UI) couponOptions(ctx context.Context, actor *identity.Actor, cart *order.Cart) ([]*couponOption, error) {
	if u.Live == nil || len(cart.Orders) == 0 {
		return nil, nil
	}
	claimed, err := u.Live.ClaimedCoupons(ctx, actor)
	if err != nil {
		return nil, err
	}
	var out []*couponOption
	for _, c := range claimed {
		if !slices.ContainsFunc(cart.Orders, func(o *order.Order) bool { return o.ShopID == c.ShopID }) {
			continue
		}
		opt := &couponOption{ClaimedCoupon: c}
		q, err := u.Orders.QuoteCoupon(ctx, actor, cart.Items, c.ID)
		switch {
		case loopshop.ErrorField(err) == "coupon_id":
			opt.Refusal = sentence(loopshop.ErrorMessage(err))
		case err != nil:
			return nil, err
		default:
			opt.Pay = q.Total
		}
		out = append(out, opt)
	}
	return out, nil
}

// flashItem is the flash deal the checkout is for, if it is for one.
func (p *checkoutPage) flashItem() *order.CartItem {
	if p.Flash == "" || p.FlashSKU == "" {
		return nil
	}
	return &order.CartItem{SKUID: p.FlashSKU, Quantity: 1, FlashSaleID: p.Flash}
}

func (u *UI) handleCheckoutForm(w http.ResponseWriter, r *http.Request) error {
	p, err := u.checkoutPage(r)
	if err != nil {
		return err
	}
	if len(p.Cart.Items) == 0 {
		http.Redirect(w, r, "/cart", http.StatusSeeOther)
		return nil
	}
	u.render(w, r, http.StatusOK, "checkout", u.view(r, "Checkout", u.marketOf(p.Market), p))
	return nil
}

func (u *UI) handleCheckout(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return loopshop.Errorf(loopshop.EINVALID, "the form could not be read; reload the page and try again")
	}
	if signInFirst(w, r, "/checkout") {
		return nil
	}
	f := r.PostForm
	deal := (&checkoutPage{Flash: f.Get("flash"), FlashSKU: f.Get("sku")}).flashItem()
	form := checkoutForm{Name: f.Get("name"), Line1: f.Get("line1"), Line2: f.Get("line2"), City: f.Get("city"), PostalCode: f.Get("postal_code"),
		Phone: f.Get("phone"), Method: f.Get("method"), Number: f.Get("number"), Exp: f.Get("exp"), CVC: f.Get("cvc")}
	req := order.CheckoutRequest{
		ShipTo:  order.Address{Name: form.Name, Line1: form.Line1, Line2: form.Line2, City: form.City, PostalCode: form.PostalCode, Phone: form.Phone},
		Payment: order.PaymentRequest{Method: form.Method},
	}
	if deal != nil {
		req.Items = []order.CartItem{*deal}
	}
	req.CouponID = strings.TrimSpace(f.Get("coupon"))
	var err error
	if form.Method == payment.MethodCard {
		var card *payment.Card
		if card, err = cardOf(form); err == nil {
			req.Payment.Card = card
		}
	}
	var c *order.Checkout
	if err == nil {
		c, err = u.Orders.Checkout(r.Context(), server.Actor(r), f.Get("key"), req)
	}
	if err == nil && (c.Status == order.CheckoutPaid || c.Status == order.CheckoutConfirmed) {
		http.Redirect(w, r, "/orders?"+url.Values{"placed": {c.ID}}.Encode(), http.StatusSeeOther)
		return nil
	}
	status := http.StatusPaymentRequired
	if err != nil {
		switch loopshop.ErrorCode(err) {
		case loopshop.EINVALID, loopshop.ECONFLICT, loopshop.ENOTFOUND, loopshop.EUNPROCESSABLE, loopshop.EUNAVAILABLE:
		default:
			return err
		}
		status = server.StatusOf(err)
	}
	p, perr := u.checkoutPage(r)
	if perr != nil {
		return perr
	}
	p.Form = form
	p.Form.Number, p.Form.CVC = "", "" // never echoed back into a page
	if err != nil {
		p.Error, p.Field = sentence(loopshop.ErrorMessage(err)), strings.TrimPrefix(strings.TrimPrefix(loopshop.ErrorField(err), "ship_to."), "payment.card.")
		if loopshop.ErrorCode(err) == loopshop.EUNAVAILABLE {
			p.Key = f.Get("key") // the same attempt, to be retried as is
		}
	} else {
		p.Error = sentence(c.Message) + " Nothing was charged; try another card."
	}
	u.render(w, r, status, "checkout", u.view(r, "Checkout", u.marketOf(p.Market), p))
	return nil
}

// cardOf reads the card fields of the checkout form; the expiry is typed
// as MM/YY.
func cardOf(f checkoutForm) (*payment.Card, error) {
	mm, yy, ok := strings.Cut(strings.ReplaceAll(f.Exp, " ", ""), "/")
	month, err1 := strconv.Atoi(mm)
	year, err2 := strconv.Atoi(yy)
	if !ok || err1 != nil || err2 != nil {
		return nil, &loopshop.Error{Code: loopshop.EINVALID, Field: "payment.card.exp", Message: "write the expiry as MM/YY, such as 04/29"}
	}
	if year < 100 {
		year += 2000
	}
	return &payment.Card{Number: f.Number, ExpMonth: month, ExpYear: year, CVC: f.CVC}, nil
}

type ordersPage struct {
	Orders  []*order.Order
	Locale  string
	Placed  string
	MoreURL string
}

func (u *UI) handleOrders(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req, err := page.FromQuery(url.Values{"cursor": q["cursor"]})
	if err != nil {
		return err
	}
	pg, err := u.Orders.BuyerOrders(r.Context(), server.Actor(r), req)
	if err != nil {
		return err
	}
	mkt := u.marketOf(server.Actor(r).Market)
	p := ordersPage{Orders: pg.Items, Locale: mkt.Locale, Placed: q.Get("placed")}
	if pg.NextCursor != "" {
		p.MoreURL = "/orders?" + url.Values{"cursor": {pg.NextCursor}}.Encode()
	}
	u.render(w, r, http.StatusOK, "orders", u.view(r, "Your orders", mkt, p))
	return nil
}

type orderPage struct {
	Order     *order.Order
	Locale    string
	CanCancel bool
	Error     string
}

func (u *UI) handleOrder(w http.ResponseWriter, r *http.Request) error {
	o, err := u.Orders.Order(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if server.Actor(r).AccountID != o.BuyerID {
		// Shop staff work orders in Seller Center.
		http.Redirect(w, r, "/seller/shops/"+url.PathEscape(o.ShopID)+"/orders", http.StatusSeeOther)
		return nil
	}
	mkt := u.marketOf(o.Market)
	_, cerr := order.Next(o.Status, order.EventCancelled, order.ByBuyer)
	u.render(w, r, http.StatusOK, "order", u.view(r, "Order "+o.ID, mkt, orderPage{Order: o, Locale: mkt.Locale, CanCancel: cerr == nil}))
	return nil
}

func (u *UI) handleBuyerCancel(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return loopshop.Errorf(loopshop.EINVALID, "the form could not be read; reload the page and try again")
	}
	id := r.PathValue("id")
	reason := r.PostForm.Get("reason")
	if reason == "" {
		reason = "cancelled by the buyer"
	}
	if _, err := u.Orders.Cancel(r.Context(), server.Actor(r), id, reason); err != nil {
		return err
	}
	http.Redirect(w, r, "/orders/"+url.PathEscape(id), http.StatusSeeOther)
	return nil
}
