package order

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/attribution"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/ledger"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/shipping"
)

// Item is what checkout needs to know of a SKU: its product, shop and
// price as they are now.
type Item struct {
	SKUID         string
	ProductID     string
	ShopID        string
	Market        string
	Title         string
	Options       []string
	SellerSKU     string
	Price         int64
	Currency      string
	WeightGrams   int
	ProductStatus string
	ShopShipsFrom string
}

// WarehouseStock is the units of a SKU a warehouse has to sell.
type WarehouseStock struct {
	WarehouseID string
	Available   int64
}

// shipFrom is where checkout reserves quantity of a SKU: the warehouses
// that had it all when read, the fullest first (so that stock stays spread
// for the next buyers), by ID among equals. The store reserves in the
// first of them that still has it all when it writes; none, or none that
// still has it, refuses the line.
func shipFrom(stock []WarehouseStock, quantity int64) []string {
	var fit []WarehouseStock
	for _, w := range stock {
		if w.Available >= quantity {
			fit = append(fit, w)
		}
	}
	slices.SortFunc(fit, func(a, b WarehouseStock) int {
		if c := cmp.Compare(b.Available, a.Available); c != 0 {
			return c
		}
		return strings.Compare(a.WarehouseID, b.WarehouseID)
	})
	out := make([]string, len(fit))
	for i, w := range fit {
		out[i] = w.WarehouseID
	}
	return out
}

// setShipFrom sets where checkout may reserve each line of orders, from the
// stock of their SKUs as it reads now. It reads before the checkout's
// transaction, which it keeps short; only checkout reads it, not the cart
// that prices the same lines.
func (s *Service) setShipFrom(ctx context.Context, market string, orders []*Order) error {
	var ids []string
	for _, o := range orders {
		for _, l := range o.Lines {
			ids = append(ids, l.SKUID)
		}
	}
	stock, err := s.store.Stock(ctx, market, ids)
	if err != nil {
		return fmt.Errorf("checkout: stock: %w", err)
	}
	for _, o := range orders {
		for i := range o.Lines {
			l := &o.Lines[i]
			l.ShipFrom = shipFrom(stock[l.SKUID], l.Quantity)
		}
	}
	return nil
}

// OutOfStockError is the store's refusal to reserve a line.
type OutOfStockError struct {
	SKUID     string
	Quantity  int64
	Available int64
}

func (e *OutOfStockError) Error() string {
	return "SKU " + e.SKUID + " is out of stock"
}

// DuplicateCheckoutError is the store's answer to a checkout whose buyer
// and idempotency key an earlier checkout has: its ID.
type DuplicateCheckoutError struct{ ID string }

func (e *DuplicateCheckoutError) Error() string {
	return "checkout " + e.ID + " has the same idempotency key"
}

// Payment is the outcome of a checkout's charge, to record.
type Payment struct {
	CheckoutID string
	// The checkout moves from From (CheckoutPending) to Status
	// (CheckoutPaid, CheckoutConfirmed, CheckoutDeclined or
	// CheckoutExpired); if it is no longer From, nothing is applied.
	From        string
	Status      string
	ChargeID    string
	DeclineCode string
	Message     string
	At          time.Time
	// Its orders move from OrdersFrom (StatusUnpaid) to Next: ON_HOLD
	// until HoldUntil when paid or confirmed (PaidAt set when paid),
	// CANCELLED by CancelledBy for CancelReason otherwise.
	OrdersFrom   string
	Next         string
	HoldUntil    *time.Time
	PaidAt       *time.Time
	CancelledBy  string
	CancelReason string
	// SellStock makes the orders' reserved units sold; without it every
	// unit of theirs is given back (to its flash sale too).
	SellStock bool
	// ClearCart takes the bought SKUs out of the buyer's cart.
	ClearCart bool
	// ReleaseCoupons lets the coupons the orders used be used again.
	ReleaseCoupons bool
	Ledger         []*ledger.Transaction
	Jobs           []*jobs.Job
}

// Change is a move of one order from one of the statuses From.
type Change struct {
	OrderID string
	From    []string
	To      string
	At      time.Time
	// Fields set with the move, when not empty.
	Carrier, TrackingNumber   string
	CancelReason, CancelledBy string
	// ShipLines marks lines shipped.
	ShipLines []int
	// ReleaseStock gives the order's reserved or sold units back.
	ReleaseStock bool
	Ledger       []*ledger.Transaction
	Jobs         []*jobs.Job
}

// Store is what orders need from storage.
type Store interface {
	// Items returns the SKUs of a market by ID; unknown ones are left out.
	Items(ctx context.Context, market string, skuIDs []string) (map[string]*Item, error)
	// Stock returns, by SKU, what each warehouse has of it to sell.
	Stock(ctx context.Context, market string, skuIDs []string) (map[string][]WarehouseStock, error)
	// CreateCheckout stores c with its orders, reserving every line's
	// stock from one warehouse that has it and enqueueing jobs, atomically. It returns
	// *OutOfStockError if a line cannot be reserved and
	// *DuplicateCheckoutError if the buyer used the key before.
	CreateCheckout(ctx context.Context, c *Checkout, jobs []*jobs.Job) error
	// CheckoutByKey returns the buyer's checkout with the key.
	CheckoutByKey(ctx context.Context, market, buyerID, key string) (*Checkout, error)
	Checkout(ctx context.Context, id string) (*Checkout, error)
	// RecordPayment applies p, atomically: the checkout's and its orders'
	// moves, their stock sold or given back, the cart and coupons as p
	// says, ledger posted, jobs enqueued. ErrChanged if the checkout is no
	// longer p.From.
	RecordPayment(ctx context.Context, p Payment) error
	// Move applies c, or returns ErrChanged if the order is in none of From.
	Move(ctx context.Context, c Change) error
	Order(ctx context.Context, id string) (*Order, error)
	// OrdersOfBuyer and OrdersOfShop list orders newest first after the
	// cursor, fetching r.Limit+1.
	OrdersOfBuyer(ctx context.Context, buyerID string, r page.Request) ([]*Order, error)
	OrdersOfShop(ctx context.Context, shopID, status string, r page.Request) ([]*Order, error)
	CartStore
	RefundStore
}

// Service holds the rules of checkout and orders.
type Service struct {
	store    Store
	markets  *market.Set
	shipping shipping.Store
	card     payment.Provider
	cod      *payment.COD
	sources  Attribution
	// commissions prices what creators earn on the lines they brought.
	commissions Commissions
	// flash prices the lines of live rooms' flash sales.
	flash Flash
	// coupons finds the coupons buyers claimed in live rooms.
	coupons Coupons
	now     func() time.Time

	// HoldTTL is how long checkout holds stock for a payment.
	HoldTTL time.Duration
	// RemorseWindow is how long a paid order stays ON_HOLD, when the buyer
	// may cancel it at no cost to anyone.
	RemorseWindow time.Duration
	// ReturnWindow is how long after delivery an order completes and
	// settles.
	ReturnWindow time.Duration
	// CommissionBPS is the platform's commission on an order's items, in
	// basis points.
	CommissionBPS int64
}

// Defaults of a Service.
const (
	DefaultHoldTTL       = 15 * time.Minute
	DefaultRemorseWindow = 30 * time.Minute
	DefaultReturnWindow  = 7 * 24 * time.Hour
	DefaultCommissionBPS = 500
)

// Deps is what the order service is built from; every field but Now is
// needed.
type Deps struct {
	Store   Store
	Markets *market.Set
	// Rates are the shops' shipping rate cards.
	Rates shipping.Store
	// Cards takes card payments (the test provider or Stripe); cash on
	// delivery is built in.
	Cards payment.Provider
	// Attribution tells each line's source: where the buyer came from.
	Attribution Attribution
	// Commissions prices what creators earn on the lines they brought.
	Commissions Commissions
	// Flash prices the lines of live rooms' flash sales.
	Flash Flash
	// Coupons finds the coupons buyers claimed in live rooms.
	Coupons Coupons
	// Now is the clock; nil is identity.Now.
	Now func() time.Time
}

// NewService returns the order service.
func NewService(d Deps) (*Service, error) {
	if err := loopshop.Needs("order", map[string]bool{"Store": d.Store != nil, "Markets": d.Markets != nil, "Rates": d.Rates != nil,
		"Cards": d.Cards != nil, "Attribution": d.Attribution != nil, "Commissions": d.Commissions != nil, "Flash": d.Flash != nil,
		"Coupons": d.Coupons != nil}); err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = identity.Now
	}
	return &Service{store: d.Store, markets: d.Markets, shipping: d.Rates, card: d.Cards, cod: payment.NewCOD(), now: d.Now,
		sources: d.Attribution, commissions: d.Commissions, flash: d.Flash, coupons: d.Coupons,
		HoldTTL: DefaultHoldTTL, RemorseWindow: DefaultRemorseWindow, ReturnWindow: DefaultReturnWindow, CommissionBPS: DefaultCommissionBPS}, nil
}

// Attribution tells where a buyer came to products from (package
// content): for each product, the content whose link the buyer tapped last
// before at, within its window. Products found otherwise are absent.
type Attribution interface {
	Attribute(ctx context.Context, market, buyerID string, productIDs []string, at time.Time) (map[string]attribution.Source, error)
}
