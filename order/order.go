// Package order turns carts into orders and takes them through their life:
// checkout, payment, the buyer-remorse hold, shipping, delivery,
// completion and cancellation, with stock reserved when the buyer checks
// out and money booked in the ledger at each step. Status names follow
// TikTok Shop's Open API.
//
// Checkout is built for a crowd on one SKU:
//
//   - Stock is reserved with one conditional UPDATE per line (available ≥
//     quantity, or nothing), in a short transaction that also writes the
//     orders; the inventory table's CHECK (sold + reserved ≤ received)
//     stands behind it. Nothing is locked while the payment provider is
//     called: the reservation is the hold, released by a job when it
//     expires unpaid.
//   - The buyer's Idempotency-Key is a unique column of the checkout, so a
//     repeated request finds the first checkout whatever happened to the
//     process in between, and a payment is charged with the checkout's ID
//     as its key, so a retried charge is the same charge.
//   - Every step after the first is a conditional move from the status the
//     step expects, so two workers, or a worker and a buyer, cannot both
//     move an order.
package order

import (
	"fmt"
	"slices"
	"time"

	"github.com/loopshop/loopshop/attribution"
	"github.com/loopshop/loopshop/money"
)

// Order statuses, as in TikTok Shop's Open API.
const (
	StatusUnpaid             = "UNPAID"
	StatusOnHold             = "ON_HOLD" // paid; the buyer may still cancel for a short while
	StatusAwaitingShipment   = "AWAITING_SHIPMENT"
	StatusPartiallyShipping  = "PARTIALLY_SHIPPING"
	StatusAwaitingCollection = "AWAITING_COLLECTION"
	StatusInTransit          = "IN_TRANSIT"
	StatusDelivered          = "DELIVERED"
	StatusCompleted          = "COMPLETED"
	StatusCancelled          = "CANCELLED"
)

// Checkout statuses.
const (
	CheckoutPending   = "PENDING"   // stock held, payment not yet known
	CheckoutPaid      = "PAID"      // the charge succeeded
	CheckoutConfirmed = "CONFIRMED" // cash on delivery: confirmed, paid on delivery
	CheckoutDeclined  = "DECLINED"  // the charge was declined; the orders are cancelled
	CheckoutExpired   = "EXPIRED"   // the payment never came; the orders are cancelled
)

// Line stock states: a line's units are held for the checkout, sold once
// paid (or confirmed, for cash on delivery), or given back to the shelf.
const (
	StockReserved = "reserved"
	StockSold     = "sold"
	StockReleased = "released"
)

// Address is where an order goes. It is personal data and stays in the
// buyer's region with the order.
type Address struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"` // ISO 3166-1 alpha-2; the buyer's market
	Phone      string `json:"phone,omitempty"`
}

// Checkout is one purchase by a buyer: one payment for one order per shop.
type Checkout struct {
	ID             string `json:"id"`
	Market         string `json:"market"`
	BuyerID        string `json:"buyer_id"`
	IdempotencyKey string `json:"-"`
	// RequestHash fingerprints the request, so the same key with another
	// request is refused rather than answered with the first result.
	RequestHash   string      `json:"-"`
	Status        string      `json:"status"`
	PaymentMethod string      `json:"payment_method"`
	Provider      string      `json:"provider"`
	ChargeID      string      `json:"charge_id,omitempty"`
	Total         money.Money `json:"total"`
	DeclineCode   string      `json:"decline_code,omitempty"`
	Message       string      `json:"message,omitempty"`
	ExpiresAt     time.Time   `json:"expires_at"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
	Orders        []*Order    `json:"orders"`
}

// Order is what a buyer bought from one shop in one checkout.
type Order struct {
	ID         string      `json:"id"`
	CheckoutID string      `json:"checkout_id"`
	Market     string      `json:"market"`
	ShopID     string      `json:"shop_id"`
	BuyerID    string      `json:"buyer_id"`
	Status     string      `json:"status"`
	Subtotal   money.Money `json:"subtotal"`
	// Discount is a coupon's amount off the subtotal, which the seller
	// funds; CouponID names the coupon.
	Discount      money.Money `json:"discount"`
	CouponID      string      `json:"coupon_id,omitempty"`
	ShippingFee   money.Money `json:"shipping_fee"`
	Tax           money.Money `json:"tax"` // included in the prices where the market's prices include tax
	Total         money.Money `json:"total"`
	PaymentMethod string      `json:"payment_method"`
	// PaymentFee is what the payment costs the seller (cash on delivery's
	// 2 %); Commission is the platform's. Both are taken at settlement.
	PaymentFee money.Money `json:"payment_fee"`
	Commission money.Money `json:"commission"`
	// Refunded is what has been given back of the total before the order
	// completed; RefundPending says part of it is still on its way.
	Refunded       money.Money `json:"refunded"`
	RefundPending  bool        `json:"refund_pending,omitempty"`
	ShipTo         Address     `json:"ship_to"`
	Carrier        string      `json:"carrier,omitempty"`
	TrackingNumber string      `json:"tracking_number,omitempty"`
	CancelReason   string      `json:"cancel_reason,omitempty"`
	CancelledBy    string      `json:"cancelled_by,omitempty"` // buyer, seller or system
	Lines          []Line      `json:"lines"`
	HoldUntil      *time.Time  `json:"hold_until,omitempty"`
	PaidAt         *time.Time  `json:"paid_at,omitempty"`
	ShippedAt      *time.Time  `json:"shipped_at,omitempty"`
	DeliveredAt    *time.Time  `json:"delivered_at,omitempty"`
	CompletedAt    *time.Time  `json:"completed_at,omitempty"`
	CancelledAt    *time.Time  `json:"cancelled_at,omitempty"`
	CreatedAt      time.Time   `json:"created_at"`
	UpdatedAt      time.Time   `json:"updated_at"`
}

// Line is one SKU of an order, priced and titled as it was bought.
type Line struct {
	No          int    `json:"line_no"`
	SKUID       string `json:"sku_id"`
	ProductID   string `json:"product_id"`
	WarehouseID string `json:"warehouse_id"`
	// ShipFrom are the warehouses checkout may reserve the line in, in
	// the order to try them; the first that has it all is WarehouseID.
	ShipFrom  []string    `json:"-"`
	Title     string      `json:"title"`
	Options   []string    `json:"options,omitempty"`
	SellerSKU string      `json:"seller_sku,omitempty"`
	Quantity  int64       `json:"quantity"`
	UnitPrice money.Money `json:"unit_price"`
	Tax       money.Money `json:"tax"`
	Stock     string      `json:"stock"`
	Shipped   bool        `json:"shipped"`
	// Discount is the line's share of its order's coupon discount.
	Discount money.Money `json:"discount,omitzero"`
	// Source is the content the buyer came to the product from, if any.
	Source attribution.Source `json:"source,omitzero"`
	// FlashSaleID is the live room's flash sale the line was bought in,
	// at its deal price and out of its allocation.
	FlashSaleID string `json:"flash_sale_id,omitempty"`
	// PlanID is the affiliate plan that pays the source's creator, at
	// CommissionBPS: CreatorCommission of the line's price before tax.
	PlanID            string      `json:"plan_id,omitempty"`
	CommissionBPS     int         `json:"commission_bps,omitempty"`
	CreatorCommission money.Money `json:"creator_commission,omitzero"`
}

// Who moves an order.
const (
	ByBuyer  = "buyer"
	BySeller = "seller"
	BySystem = "system"
)

// move is one edge of the order state machine.
type move struct {
	from []string
	by   []string
}

// Events of the state machine.
const (
	EventPaid      = "paid"       // UNPAID → ON_HOLD
	EventHoldEnded = "hold_ended" // ON_HOLD → AWAITING_SHIPMENT
	EventPacked    = "packed"     // → AWAITING_COLLECTION: labelled, waiting for the carrier
	EventShipped   = "shipped"    // every line shipped → IN_TRANSIT
	EventShipPart  = "ship_part"  // some lines shipped → PARTIALLY_SHIPPING
	EventDelivered = "delivered"  // IN_TRANSIT → DELIVERED
	EventCompleted = "completed"  // DELIVERED → COMPLETED, after the return window
	EventCancelled = "cancelled"  // → CANCELLED
)

// machine says from which statuses, and by whom, each event may happen.
// A buyer cancels while the order is unpaid or on hold; after that the
// seller may cancel until it ships (out of stock, cannot deliver).
var machine = map[string]move{
	EventPaid:      {from: []string{StatusUnpaid}, by: []string{BySystem}},
	EventHoldEnded: {from: []string{StatusOnHold}, by: []string{BySystem}},
	EventPacked:    {from: []string{StatusAwaitingShipment}, by: []string{BySeller}},
	EventShipPart:  {from: []string{StatusAwaitingShipment, StatusAwaitingCollection, StatusPartiallyShipping}, by: []string{BySeller}},
	EventShipped:   {from: []string{StatusAwaitingShipment, StatusAwaitingCollection, StatusPartiallyShipping}, by: []string{BySeller}},
	EventDelivered: {from: []string{StatusInTransit}, by: []string{BySeller, BySystem}},
	EventCompleted: {from: []string{StatusDelivered}, by: []string{BySystem}},
	EventCancelled: {from: []string{StatusUnpaid, StatusOnHold, StatusAwaitingShipment, StatusAwaitingCollection}, by: []string{ByBuyer, BySeller, BySystem}},
}

// to is where each event leads.
var to = map[string]string{
	EventPaid: StatusOnHold, EventHoldEnded: StatusAwaitingShipment, EventPacked: StatusAwaitingCollection,
	EventShipPart: StatusPartiallyShipping, EventShipped: StatusInTransit, EventDelivered: StatusDelivered,
	EventCompleted: StatusCompleted, EventCancelled: StatusCancelled,
}

// buyerMayCancel are the statuses a buyer may cancel in; later, only the
// seller can.
var buyerMayCancel = []string{StatusUnpaid, StatusOnHold}

// Next returns the status an order in status moves to on event caused by
// by, or an error saying why it cannot.
func Next(status, event, by string) (string, error) {
	m, ok := machine[event]
	if !ok {
		return "", fmt.Errorf("unknown order event %q", event)
	}
	if !slices.Contains(m.by, by) {
		return "", fmt.Errorf("a %s cannot make an order %s", by, event)
	}
	if !slices.Contains(m.from, status) {
		return "", fmt.Errorf("an order that is %s cannot be %s", status, event)
	}
	if event == EventCancelled && by == ByBuyer && !slices.Contains(buyerMayCancel, status) {
		return "", fmt.Errorf("an order that is %s can no longer be cancelled by the buyer; ask the seller", status)
	}
	return to[event], nil
}

// Statuses from which an event may happen, for conditional updates.
func from(event string) []string { return machine[event].from }
