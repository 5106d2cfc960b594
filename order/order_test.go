package order_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/ledger"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
)

// env is the order service over fresh databases of one engine, with the
// catalog that stocks it, the books and the job runner.
type env struct {
	t       *testing.T
	router  *sqlstore.Router
	catalog *catalog.Service
	ids     *identity.Service
	orders  *order.Service
	books   *sqlstore.LedgerStore
	cards   *payment.TestCard
	jobs    *jobs.Runner
	p       *platform.Platform
}

func newEnv(t *testing.T, engine string, change ...func(*platform.Options)) *env {
	t.Helper()
	e := &env{t: t, cards: &payment.TestCard{}}
	e.p = testkit.New(t, engine, append([]func(*platform.Options){testkit.WithPayments(e.cards)}, change...)...)
	e.router, e.catalog, e.ids, e.orders, e.jobs = e.p.Router, e.p.Catalog, e.p.Identity, e.p.Orders, e.p.Jobs
	e.books = sqlstore.NewLedgerStore(e.router)
	return e
}

// withCoupons replaces the order service by one that reads coupons from c,
// its other parts the platform's.
func (e *env) withCoupons(c order.Coupons) {
	e.t.Helper()
	var err error
	e.orders, err = order.NewService(order.Deps{Store: sqlstore.NewOrderStore(e.router), Markets: e.router.Markets(),
		Rates: sqlstore.NewShippingStore(e.router), Cards: e.cards, Attribution: e.p.Content, Commissions: e.p.Affiliate,
		Flash: e.p.Live, Coupons: c})
	if err != nil {
		e.t.Fatal(err)
	}
}

// buyer returns a signed-in buyer of market. Orders need no account row,
// so a thousand buyers cost nothing.
func (e *env) buyer(market string) *identity.Actor {
	return &identity.Actor{AccountID: loopshop.NewID("acc", market), Market: market}
}

func (e *env) seller(market, name string) (*identity.Actor, *catalog.Shop) {
	return testkit.Seller(e.t, e.p, market, name)
}

// product lists a live product with one SKU of price and stock units.
func (e *env) product(seller *identity.Actor, shop *catalog.Shop, title string, price, stock int64) *catalog.Product {
	return testkit.Product(e.t, e.p, seller, shop, catalog.NewProduct{Title: title, Description: "A thing.", Category: "home",
		SKUs: []catalog.NewSKU{{Price: price, WeightGrams: 300, Stock: &stock}}})
}

func (e *env) stock(seller *identity.Actor, p *catalog.Product) catalog.Stock {
	e.t.Helper()
	st, err := e.catalog.StockOfProduct(context.Background(), seller, p.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	var sum catalog.Stock
	for _, s := range st {
		sum.Received += s.Received
		sum.Reserved += s.Reserved
		sum.Sold += s.Sold
		sum.Available += s.Available
	}
	return sum
}

func (e *env) runJobs() {
	e.t.Helper()
	if _, err := e.jobs.RunDue(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) balance(market, account string) int64 {
	e.t.Helper()
	b, err := e.books.Balance(context.Background(), market, account)
	if err != nil {
		e.t.Fatal(err)
	}
	return b.Amount
}

var gbAddress = order.Address{Name: "Ada Buyer", Line1: "1 High Street", City: "London", PostalCode: "N1 1AA"}

func card(number string) order.PaymentRequest {
	return order.PaymentRequest{Method: payment.MethodCard, Card: &payment.Card{Number: number, ExpMonth: 12, ExpYear: 2040, CVC: "123"}}
}

func buy(items ...any) []order.CartItem {
	var out []order.CartItem
	for i := 0; i < len(items); i += 2 {
		out = append(out, order.CartItem{SKUID: items[i].(*catalog.Product).SKUs[0].ID, Quantity: int64(items[i+1].(int))})
	}
	return out
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := loopshop.ErrorCode(err); got != code {
		t.Fatalf("%s: got %v, want code %q", what, err, code)
	}
}

// A cart across two shops checks out as one payment for two orders, each
// priced with its shop's shipping and the market's VAT, and the money is
// in the books.
func TestCheckoutSplitsByShop(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		teaSeller, teaShop := e.seller("GB", "Tea Room")
		mugSeller, mugShop := e.seller("GB", "Mug House")
		tea := e.product(teaSeller, teaShop, "Green tea", 1200, 10) // £12.00, 300 g
		mug := e.product(mugSeller, mugShop, "Mug", 2500, 5)        // £25.00: over the £20 free-shipping threshold
		b := e.buyer("GB")
		for _, it := range buy(tea, 2, mug, 1) {
			if _, err := e.orders.SetCartItem(ctx, b, it); err != nil {
				t.Fatal(err)
			}
		}
		cart, err := e.orders.Cart(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.orders.Checkout(ctx, b, "key-1", order.CheckoutRequest{ShipTo: gbAddress, Payment: card("4242424242424242")})
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != order.CheckoutPaid || len(c.Orders) != 2 || c.Total != cart.Total {
			t.Fatalf("checkout %s with %d orders, total %v; want PAID, 2 orders, the cart's total %v", c.Status, len(c.Orders), c.Total, cart.Total)
		}
		byShop := map[string]*order.Order{}
		for _, o := range c.Orders {
			byShop[o.ShopID] = o
		}
		teaOrder, mugOrder := byShop[teaShop.ID], byShop[mugShop.ID]
		// £24.00 of tea, 600 g: over the threshold too, so free shipping;
		// VAT is 20 % included: 24.00 × 20/120 = 4.00.
		if teaOrder.Subtotal.Amount != 2400 || teaOrder.ShippingFee.Amount != 0 || teaOrder.Tax.Amount != 400 || teaOrder.Total.Amount != 2400 {
			t.Errorf("tea order: subtotal %v shipping %v tax %v total %v; want 24.00, 0, 4.00, 24.00", teaOrder.Subtotal, teaOrder.ShippingFee, teaOrder.Tax, teaOrder.Total)
		}
		if mugOrder.Total.Amount != 2500 || mugOrder.Status != order.StatusOnHold || mugOrder.PaidAt == nil {
			t.Errorf("mug order: total %v status %s paid %v; want 25.00, ON_HOLD, paid", mugOrder.Total, mugOrder.Status, mugOrder.PaidAt)
		}
		if st := e.stock(teaSeller, tea); st.Sold != 2 || st.Reserved != 0 || st.Available != 8 {
			t.Errorf("tea stock %+v; want 2 sold, 0 reserved, 8 available", st)
		}
		if after, _ := e.orders.Cart(ctx, b); len(after.Items) != 0 {
			t.Errorf("the cart still holds %d items after checking them out", len(after.Items))
		}
		if got := e.balance("GB", ledger.OrderClearing(teaOrder.ID)); got != -2400 {
			t.Errorf("the tea order's clearing account holds %d, want the £24.00 paid (-2400)", got)
		}
		if err := e.books.Check(ctx, "eu"); err != nil {
			t.Errorf("books: %v", err)
		}
		// Only the shops and the buyer see the orders.
		if _, err := e.orders.Order(ctx, mugSeller, teaOrder.ID); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("another shop reading the tea order: %v, want not found", err)
		}
		pg, err := e.orders.BuyerOrders(ctx, b, page.Request{Limit: 10})
		if err != nil || len(pg.Items) != 2 {
			t.Errorf("buyer's orders: %d, %v; want 2", len(pg.Items), err)
		}
	})
}

// A repeated request returns the first checkout and charges once; the same
// key with another request is refused.
func TestCheckoutIsIdempotent(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		seller, shop := e.seller("GB", "Tea Room")
		tea := e.product(seller, shop, "Green tea", 1200, 10)
		b := e.buyer("GB")
		req := order.CheckoutRequest{Items: buy(tea, 1), ShipTo: gbAddress, Payment: card("4242424242424242")}
		var ids sync.Map
		var wg sync.WaitGroup
		for range 8 { // the same request, eight times at once
			wg.Go(func() {
				c, err := e.orders.Checkout(ctx, b, "same-key", req)
				if err != nil {
					t.Error(err)
					return
				}
				ids.Store(c.ID, c.Status)
			})
		}
		wg.Wait()
		n := 0
		ids.Range(func(_, status any) bool {
			n++
			if status != order.CheckoutPaid {
				t.Errorf("replayed checkout is %v, want PAID", status)
			}
			return true
		})
		if n != 1 || len(e.cards.Charges()) != 1 {
			t.Errorf("%d checkouts and %d charges from one key; want 1 and 1", n, len(e.cards.Charges()))
		}
		if st := e.stock(seller, tea); st.Sold != 1 {
			t.Errorf("sold %d units; want 1", st.Sold)
		}
		req.Items[0].Quantity = 2
		_, err := e.orders.Checkout(ctx, b, "same-key", req)
		wantCode(t, "same key, other request", err, loopshop.EUNPROCESSABLE)
		// Another buyer's key is another buyer's.
		if c, err := e.orders.Checkout(ctx, e.buyer("GB"), "same-key", req); err != nil || c.Status != order.CheckoutPaid {
			t.Errorf("another buyer with the same key: %v %v; want a checkout of their own", c, err)
		}
	})
}

// A declined card buys nothing: the orders are cancelled and the stock is
// back on sale at once.
func TestDeclinedCardReleasesStock(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		seller, shop := e.seller("GB", "Tea Room")
		tea := e.product(seller, shop, "Green tea", 1200, 3)
		for _, tt := range []struct{ number, code string }{{"4000000000000002", "card_declined"}, {"4000000000009995", "insufficient_funds"}} {
			c, err := e.orders.Checkout(ctx, e.buyer("GB"), "k-"+tt.number, order.CheckoutRequest{Items: buy(tea, 3), ShipTo: gbAddress, Payment: card(tt.number)})
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != order.CheckoutDeclined || c.DeclineCode != tt.code || c.Message == "" || c.Orders[0].Status != order.StatusCancelled {
				t.Errorf("card %s: checkout %s (%s, %q), order %s; want DECLINED %s with a message, order CANCELLED",
					tt.number, c.Status, c.DeclineCode, c.Message, c.Orders[0].Status, tt.code)
			}
			if st := e.stock(seller, tea); st.Available != 3 || st.Reserved != 0 {
				t.Errorf("after a decline the stock is %+v; want all 3 available", st)
			}
		}
		// A typo in the card form is refused before anything is held, and
		// the corrected request may use the same key.
		b := e.buyer("GB")
		typo := order.CheckoutRequest{Items: buy(tea, 1), ShipTo: gbAddress, Payment: card("4242424242424242")}
		typo.Payment.Card.ExpMonth = 13
		_, err := e.orders.Checkout(ctx, b, "k-typo", typo)
		if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != "payment.card.exp_month" {
			t.Errorf("expiry month 13: %v (field %q); want invalid payment.card.exp_month", err, loopshop.ErrorField(err))
		}
		if st := e.stock(seller, tea); st.Available != 3 {
			t.Errorf("after a typo the stock is %+v; want all 3 available", st)
		}
		typo.Payment.Card.ExpMonth = 12
		if c, err := e.orders.Checkout(ctx, b, "k-typo", typo); err != nil || c.Status != order.CheckoutPaid {
			t.Errorf("the corrected request with the same key: %v %v; want PAID", c, err)
		}
	})
}

// Invariant 1: a thousand buyers racing for fifty units buy exactly fifty,
// on both engines, and every other buyer is told it is sold out.
func TestNoOversell(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		seller, shop := e.seller("GB", "Flash Shop")
		hot := e.product(seller, shop, "Limited sneaker", 9900, 50)
		const buyers = 1000
		var paid, soldOut atomic.Int64
		var wg sync.WaitGroup
		sem := make(chan struct{}, 64)
		for i := range buyers {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				c, err := e.orders.Checkout(ctx, e.buyer("GB"), fmt.Sprintf("flash-%d", i),
					order.CheckoutRequest{Items: buy(hot, 1), ShipTo: gbAddress, Payment: card("4242424242424242")})
				switch {
				case err == nil && c.Status == order.CheckoutPaid:
					paid.Add(1)
				case loopshop.ErrorCode(err) == loopshop.ECONFLICT:
					soldOut.Add(1)
				default:
					t.Errorf("buyer %d: %v %v", i, c, err)
				}
			})
		}
		wg.Wait()
		if paid.Load() != 50 || soldOut.Load() != buyers-50 {
			t.Errorf("%d paid, %d sold out; want exactly 50 and %d", paid.Load(), soldOut.Load(), buyers-50)
		}
		if st := e.stock(seller, hot); st.Sold != 50 || st.Reserved != 0 || st.Available != 0 {
			t.Errorf("stock after the sale %+v; want 50 sold, none reserved or left", st)
		}
		pg, err := e.orders.ShopOrders(ctx, seller, shop.ID, "GB", order.StatusOnHold, page.Request{Limit: 100})
		if err != nil || len(pg.Items) != 50 {
			t.Errorf("the shop has %d orders on hold (%v); want 50", len(pg.Items), err)
		}
	})
}

// An order goes from payment to completion; at completion the seller is
// owed what is left after VAT and commission, and the books balance.
func TestOrderLifecycle(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		e.orders.RemorseWindow, e.orders.ReturnWindow = 0, 0 // the jobs are due at once
		seller, shop := e.seller("GB", "Tea Room")
		tea := e.product(seller, shop, "Green tea", 1200, 10)
		mug := e.product(seller, shop, "Mug", 900, 10)
		b := e.buyer("GB")
		c, err := e.orders.Checkout(ctx, b, "k", order.CheckoutRequest{Items: buy(tea, 1, mug, 1), ShipTo: gbAddress, Payment: card("4242424242424242")})
		if err != nil {
			t.Fatal(err)
		}
		id := c.Orders[0].ID
		status := func() string {
			o, err := e.orders.Order(ctx, b, id)
			if err != nil {
				t.Fatal(err)
			}
			return o.Status
		}
		if _, err := e.orders.Ship(ctx, seller, id, order.Shipment{Carrier: "Royal Mail", TrackingNumber: "RM123456GB"}); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Errorf("shipping during the buyer's hold: %v, want a conflict", err)
		}
		e.runJobs()
		if s := status(); s != order.StatusAwaitingShipment {
			t.Fatalf("after the hold: %s, want AWAITING_SHIPMENT", s)
		}
		if _, err := e.orders.Ship(ctx, b, id, order.Shipment{Carrier: "Royal Mail", TrackingNumber: "RM123456GB"}); loopshop.ErrorCode(err) != loopshop.EFORBIDDEN {
			t.Errorf("the buyer shipping: %v, want forbidden", err)
		}
		if _, err := e.orders.Ship(ctx, seller, id, order.Shipment{Carrier: "Royal Mail", TrackingNumber: "x"}); loopshop.ErrorField(err) != "tracking_number" {
			t.Errorf("a bad tracking number: %v, want an error about tracking_number", err)
		}
		o, err := e.orders.Ship(ctx, seller, id, order.Shipment{Carrier: "Royal Mail", TrackingNumber: "RM123456GB", Lines: []int{1}})
		if err != nil || o.Status != order.StatusPartiallyShipping {
			t.Fatalf("shipping line 1 of 2: %v %v; want PARTIALLY_SHIPPING", o, err)
		}
		if _, err := e.orders.Cancel(ctx, b, id, "changed my mind"); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Errorf("the buyer cancelling a shipping order: %v, want a conflict", err)
		}
		if o, err = e.orders.Ship(ctx, seller, id, order.Shipment{Carrier: "Royal Mail", TrackingNumber: "RM123457GB"}); err != nil || o.Status != order.StatusInTransit {
			t.Fatalf("shipping the rest: %v %v; want IN_TRANSIT", o, err)
		}
		if o, err = e.orders.Deliver(ctx, seller, id); err != nil || o.Status != order.StatusDelivered {
			t.Fatalf("delivering: %v %v", o, err)
		}
		e.runJobs()
		if s := status(); s != order.StatusCompleted {
			t.Fatalf("after the return window: %s, want COMPLETED", s)
		}
		// £21.00 paid, free shipping: VAT 3.50, commission 5 % = 1.05.
		if got := e.balance("GB", ledger.SellerPayable(shop.ID)); got != -(2100 - 350 - 105) {
			t.Errorf("seller payable %d, want -%d", got, 2100-350-105)
		}
		if got := e.balance("GB", ledger.OrderClearing(id)); got != 0 {
			t.Errorf("the order still holds %d after settling", got)
		}
		if err := e.books.Check(ctx, "eu"); err != nil {
			t.Errorf("books: %v", err)
		}
	})
}

// A buyer cancels in the remorse window: the stock returns and the
// payment is refunded; the seller cancels later, before shipping.
func TestCancel(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		seller, shop := e.seller("GB", "Tea Room")
		tea := e.product(seller, shop, "Green tea", 1200, 5)
		b := e.buyer("GB")
		c, err := e.orders.Checkout(ctx, b, "k1", order.CheckoutRequest{Items: buy(tea, 2), ShipTo: gbAddress, Payment: card("4242424242424242")})
		if err != nil {
			t.Fatal(err)
		}
		id := c.Orders[0].ID
		if _, err := e.orders.Cancel(ctx, e.buyer("GB"), id, "mine now"); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("a stranger cancelling: %v, want not found", err)
		}
		o, err := e.orders.Cancel(ctx, b, id, "ordered the wrong tea")
		if err != nil || o.Status != order.StatusCancelled || o.CancelledBy != order.ByBuyer {
			t.Fatalf("buyer cancel: %v %v", o, err)
		}
		if st := e.stock(seller, tea); st.Sold != 0 || st.Available != 5 {
			t.Errorf("stock after the cancel %+v; want all 5 back", st)
		}
		e.runJobs() // the refund
		if got := e.balance("GB", ledger.OrderClearing(id)); got != 0 {
			t.Errorf("the cancelled order's clearing holds %d; want 0 after the refund", got)
		}
		if got := e.balance("GB", ledger.Refunds("GB", "testcard")); got != -2400 {
			t.Errorf("refunds %d, want -2400", got)
		}

		e.orders.RemorseWindow = 0
		c, err = e.orders.Checkout(ctx, b, "k2", order.CheckoutRequest{Items: buy(tea, 1), ShipTo: gbAddress, Payment: card("4242424242424242")})
		if err != nil {
			t.Fatal(err)
		}
		e.runJobs()
		if _, err := e.orders.Cancel(ctx, b, c.Orders[0].ID, "too slow"); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Errorf("the buyer cancelling after the hold: %v, want a conflict saying to ask the seller", err)
		}
		if o, err := e.orders.Cancel(ctx, seller, c.Orders[0].ID, "out of stock in the warehouse"); err != nil || o.CancelledBy != order.BySeller {
			t.Errorf("seller cancel: %v %v", o, err)
		}
		if err := e.books.Check(ctx, "eu"); err != nil {
			t.Errorf("books: %v", err)
		}
	})
}

// Cash on delivery: the order is confirmed without money, paid when the
// courier collects it, and the seller bears the 2 % fee at settlement.
func TestCashOnDelivery(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		e.orders.RemorseWindow, e.orders.ReturnWindow = 0, 0
		seller, shop := e.seller("ID", "Toko Teh")
		tea := e.product(seller, shop, "Teh hijau", 150000, 5) // IDR 150,000, over the free-shipping threshold
		b := e.buyer("ID")
		addr := order.Address{Name: "Budi", Line1: "Jl. Sudirman 1", City: "Jakarta", PostalCode: "10110"}
		c, err := e.orders.Checkout(ctx, b, "k", order.CheckoutRequest{Items: buy(tea, 1), ShipTo: addr, Payment: order.PaymentRequest{Method: payment.MethodCOD}})
		if err != nil {
			t.Fatal(err)
		}
		o := c.Orders[0]
		if c.Status != order.CheckoutConfirmed || o.Status != order.StatusOnHold || o.PaidAt != nil || o.PaymentFee.Amount != 3000 {
			t.Fatalf("COD checkout %s, order %s paid %v fee %v; want CONFIRMED, ON_HOLD, unpaid, fee 3000", c.Status, o.Status, o.PaidAt, o.PaymentFee)
		}
		if st := e.stock(seller, tea); st.Sold != 1 {
			t.Errorf("COD stock %+v; want the unit sold", st)
		}
		e.runJobs()
		if _, err := e.orders.Ship(ctx, seller, o.ID, order.Shipment{Carrier: "JNE", TrackingNumber: "JNE0001"}); err != nil {
			t.Fatal(err)
		}
		if got := e.balance("ID", ledger.OrderClearing(o.ID)); got != 0 {
			t.Errorf("before delivery the COD order holds %d; want nothing", got)
		}
		if _, err := e.orders.Deliver(ctx, seller, o.ID); err != nil {
			t.Fatal(err)
		}
		e.runJobs()
		// PPN 11 % included: 150000 × 11/111 = 14865 (rounded); 5 % commission 7500; fee 3000.
		want := int64(150000 - 14865 - 7500 - 3000)
		if got := e.balance("ID", ledger.SellerPayable(shop.ID)); got != -want {
			t.Errorf("seller payable %d, want -%d", got, want)
		}
		if got := e.balance("ID", ledger.PlatformPaymentFees("ID")); got != -3000 {
			t.Errorf("payment fees %d, want -3000", got)
		}
		if err := e.books.Check(ctx, "sea"); err != nil {
			t.Errorf("books: %v", err)
		}
	})
}

// A checkout whose payment never resolves is expired by its job: the
// orders are cancelled and the stock goes back.
func TestUnpaidCheckoutExpires(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		down := &flakyProvider{}
		e := newEnv(t, engine, testkit.WithPayments(down))
		e.orders.HoldTTL = 0
		seller, shop := e.seller("GB", "Tea Room")
		tea := e.product(seller, shop, "Green tea", 1200, 2)
		b := e.buyer("GB")
		_, err := e.orders.Checkout(ctx, b, "k", order.CheckoutRequest{Items: buy(tea, 2), ShipTo: gbAddress, Payment: card("4242424242424242")})
		wantCode(t, "checkout while the provider is down", err, loopshop.EUNAVAILABLE)
		if st := e.stock(seller, tea); st.Reserved != 2 {
			t.Fatalf("stock %+v; want the 2 units held for the unknown payment", st)
		}
		e.runJobs()
		if st := e.stock(seller, tea); st.Reserved != 0 || st.Available != 2 {
			t.Errorf("after expiry the stock is %+v; want it all back", st)
		}
		pg, err := e.orders.BuyerOrders(ctx, b, page.Request{Limit: 5})
		if err != nil || len(pg.Items) != 1 || pg.Items[0].Status != order.StatusCancelled {
			t.Errorf("buyer's orders after expiry: %v %v; want one CANCELLED", pg.Items, err)
		}
		// A retry after the hold ran out, before its job ran, gets the
		// final answer at once.
		_, err = e.orders.Checkout(ctx, b, "k2", order.CheckoutRequest{Items: buy(tea, 1), ShipTo: gbAddress, Payment: card("4242424242424242")})
		wantCode(t, "second checkout while the provider is down", err, loopshop.EUNAVAILABLE)
		c, err := e.orders.Checkout(ctx, b, "k2", order.CheckoutRequest{Items: buy(tea, 1), ShipTo: gbAddress, Payment: card("4242424242424242")})
		if err != nil || c.Status != order.CheckoutExpired || c.Orders[0].Status != order.StatusCancelled {
			t.Errorf("retry after the hold: %v %v; want EXPIRED with the order cancelled", c, err)
		}
		if st := e.stock(seller, tea); st.Reserved != 0 {
			t.Errorf("after the retry the stock is %+v; want nothing held", st)
		}
	})
}

// flakyProvider cannot be reached.
type flakyProvider struct{}

func (flakyProvider) Name() string { return "flaky" }
func (flakyProvider) Charge(context.Context, payment.ChargeRequest) (*payment.Charge, error) {
	return nil, fmt.Errorf("connection refused")
}
func (flakyProvider) Refund(context.Context, payment.RefundRequest) (*payment.Refund, error) {
	return nil, fmt.Errorf("connection refused")
}

func TestStateMachine(t *testing.T) {
	tests := []struct {
		status, event, by, want string
	}{
		{order.StatusUnpaid, order.EventPaid, order.BySystem, order.StatusOnHold},
		{order.StatusUnpaid, order.EventPaid, order.ByBuyer, ""},
		{order.StatusOnHold, order.EventCancelled, order.ByBuyer, order.StatusCancelled},
		{order.StatusAwaitingShipment, order.EventCancelled, order.ByBuyer, ""},
		{order.StatusAwaitingShipment, order.EventCancelled, order.BySeller, order.StatusCancelled},
		{order.StatusAwaitingShipment, order.EventPacked, order.BySeller, order.StatusAwaitingCollection},
		{order.StatusAwaitingCollection, order.EventShipped, order.BySeller, order.StatusInTransit},
		{order.StatusPartiallyShipping, order.EventShipped, order.BySeller, order.StatusInTransit},
		{order.StatusInTransit, order.EventCancelled, order.BySeller, ""},
		{order.StatusInTransit, order.EventDelivered, order.BySeller, order.StatusDelivered},
		{order.StatusDelivered, order.EventCompleted, order.BySystem, order.StatusCompleted},
		{order.StatusCompleted, order.EventCancelled, order.BySystem, ""},
		{order.StatusCancelled, order.EventPaid, order.BySystem, ""},
	}
	for _, tt := range tests {
		got, err := order.Next(tt.status, tt.event, tt.by)
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("Next(%s, %s, %s) = %q, %v; want %q", tt.status, tt.event, tt.by, got, err, tt.want)
		}
	}
}
