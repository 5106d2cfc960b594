package order

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/attribution"
	"github.com/loopshop/loopshop/deal"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/ledger"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/shipping"
	"github.com/loopshop/loopshop/tax"
)

// Limits of one checkout.
const (
	MaxLines       = 50
	MaxQuantity    = 99 // of one SKU
	maxAddressText = 200
)

// CheckoutRequest is what a buyer sends to check out.
type CheckoutRequest struct {
	// Items to buy; empty buys the whole cart.
	Items   []CartItem     `json:"items,omitempty"`
	ShipTo  Address        `json:"ship_to"`
	Payment PaymentRequest `json:"payment"`
	// CouponID applies a live room's coupon the buyer claimed to the
	// order of the coupon's shop.
	CouponID string `json:"coupon_id,omitempty"`
}

// PaymentRequest says how the buyer pays.
type PaymentRequest struct {
	Method string `json:"method"` // card or cod
	// For a card, its details or a provider's token for them.
	Card          *payment.Card `json:"card,omitempty"`
	PaymentMethod string        `json:"payment_method,omitempty"`
}

// CartItem is a SKU and how many of it.
type CartItem struct {
	SKUID    string `json:"sku_id"`
	Quantity int64  `json:"quantity"`
	// FlashSaleID buys the SKU at a live room's flash-sale price, out of
	// the sale's allocation.
	FlashSaleID string `json:"flash_sale_id,omitempty"`
}

// hash fingerprints a request for its idempotency key. The card number
// is left out (only its last four digits count), so no hash of it is kept.
func (r *CheckoutRequest) hash() string {
	v := struct {
		Items  []CartItem
		ShipTo Address
		Method string
		PM     string
		Last4  string
		Coupon string
	}{r.Items, r.ShipTo, r.Payment.Method, r.Payment.PaymentMethod, "", r.CouponID}
	if c := r.Payment.Card; c != nil && len(c.Number) >= 4 {
		v.Last4 = c.Number[len(c.Number)-4:]
	}
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func (a *Address) validate(m market.Market) error {
	fields := []struct{ name, value string }{{"name", a.Name}, {"line1", a.Line1}, {"city", a.City}, {"postal_code", a.PostalCode}}
	for _, f := range fields {
		if strings.TrimSpace(f.value) == "" {
			return loopshop.Invalid("ship_to."+f.name, "the delivery address needs a %s", strings.ReplaceAll(f.name, "_", " "))
		}
	}
	for _, f := range append(fields, struct{ name, value string }{"line2", a.Line2}, struct{ name, value string }{"phone", a.Phone}) {
		if utf8.RuneCountInString(f.value) > maxAddressText {
			return loopshop.Invalid("ship_to."+f.name, "%s must have at most %d characters", strings.ReplaceAll(f.name, "_", " "), maxAddressText)
		}
	}
	if a.Country == "" {
		a.Country = m.Code
	}
	if a.Country != m.Code {
		return loopshop.Invalid("ship_to.country", "shops in %s deliver within %s; the address is in %q", m.Name, m.Code, a.Country)
	}
	return nil
}

// normalize merges repeated SKUs and checks quantities.
func normalize(items []CartItem) ([]CartItem, error) {
	var out []CartItem
	at := map[string]int{}
	for i, it := range items {
		if it.SKUID == "" {
			return nil, loopshop.Invalid(fmt.Sprintf("items[%d].sku_id", i), "each item needs a sku_id")
		}
		if it.Quantity < 1 || it.Quantity > MaxQuantity {
			return nil, loopshop.Invalid(fmt.Sprintf("items[%d].quantity", i), "quantity must be 1 to %d", MaxQuantity)
		}
		if j, ok := at[it.SKUID+"|"+it.FlashSaleID]; ok {
			out[j].Quantity += it.Quantity
			if out[j].Quantity > MaxQuantity {
				return nil, loopshop.Invalid(fmt.Sprintf("items[%d].quantity", i), "at most %d of one SKU per checkout", MaxQuantity)
			}
			continue
		}
		at[it.SKUID+"|"+it.FlashSaleID] = len(out)
		out = append(out, it)
	}
	if len(out) == 0 {
		return nil, loopshop.Invalid("items", "nothing to buy: add items, or put them in the cart first")
	}
	if len(out) > MaxLines {
		return nil, loopshop.Invalid("items", "at most %d different SKUs per checkout", MaxLines)
	}
	return out, nil
}

// quote prices items for a buyer in m as orders, one per shop, in the
// order the shops first appear: lines, tax per line, shipping from each
// shop's rate card, commission and payment fee. Cart and checkout share
// it, so the cart shows what checkout charges.
func (s *Service) quote(ctx context.Context, m market.Market, items []CartItem, method string, coupon *deal.Coupon) ([]*Order, error) {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.SKUID
	}
	found, err := s.store.Items(ctx, m.Code, ids)
	if err != nil {
		return nil, fmt.Errorf("checkout: %w", err)
	}
	var orders []*Order
	byShop := map[string]*Order{}
	weight := map[string]int{}
	for i, it := range items {
		k, ok := found[it.SKUID]
		if !ok {
			return nil, &loopshop.Error{Code: loopshop.ENOTFOUND, Field: fmt.Sprintf("items[%d].sku_id", i),
				Message: fmt.Sprintf("SKU %s is not sold in %s", it.SKUID, m.Name)}
		}
		if k.ProductStatus != "ACTIVATE" {
			return nil, &loopshop.Error{Code: loopshop.ECONFLICT, Field: fmt.Sprintf("items[%d].sku_id", i),
				Message: fmt.Sprintf("%q is not on sale at the moment; remove it to check out", k.Title)}
		}
		o := byShop[k.ShopID]
		if o == nil {
			o = &Order{Market: m.Code, ShopID: k.ShopID, PaymentMethod: method, Status: StatusUnpaid,
				Subtotal: money.New(0, m.Currency), ShippingFee: money.New(0, m.Currency), Tax: money.New(0, m.Currency)}
			byShop[k.ShopID] = o
			orders = append(orders, o)
		}
		price, source := k.Price, attribution.Source{}
		if it.FlashSaleID != "" {
			f, err := s.flashOffer(ctx, m, it, i)
			if err != nil {
				return nil, err
			}
			price, source = f.Price, f.Source
		}
		amount := price * it.Quantity
		lineTax, _ := tax.Of(m, amount)
		o.Lines = append(o.Lines, Line{No: len(o.Lines) + 1, SKUID: k.SKUID, ProductID: k.ProductID, Title: k.Title, Options: k.Options,
			SellerSKU: k.SellerSKU, Quantity: it.Quantity, UnitPrice: money.New(price, m.Currency), Tax: money.New(lineTax, m.Currency), Stock: StockReserved,
			FlashSaleID: it.FlashSaleID, Source: source})
		o.Subtotal.Amount += amount
		o.Tax.Amount += lineTax
		weight[k.ShopID] += k.WeightGrams * int(it.Quantity)
	}
	if coupon != nil {
		if err := applyCoupon(m, orders, coupon); err != nil {
			return nil, err
		}
	}
	for _, o := range orders {
		shipsFrom := found[o.Lines[0].SKUID].ShopShipsFrom
		card, err := shipping.CardOf(ctx, s.shipping, m, o.ShopID, shipsFrom)
		if err != nil {
			return nil, fmt.Errorf("checkout: %w", err)
		}
		q, err := card.Quote(shipsFrom, m.Code, weight[o.ShopID], o.Subtotal.Amount-o.Discount.Amount)
		if err != nil {
			return nil, loopshop.Errorf(loopshop.ECONFLICT, "shop %s cannot deliver this order: %s", o.ShopID, loopshop.ErrorMessage(err))
		}
		o.ShippingFee.Amount = q.Fee
		shipTax, _ := tax.Of(m, q.Fee)
		o.Tax.Amount += shipTax
		o.Total = o.Subtotal
		o.Total.Amount += o.ShippingFee.Amount - o.Discount.Amount
		if !m.TaxInclusive {
			o.Total.Amount += o.Tax.Amount
		}
		o.Commission = money.New(ledger.Prorate(o.Subtotal.Amount-o.Discount.Amount, s.CommissionBPS, 10000), m.Currency)
		o.PaymentFee = money.New(0, m.Currency)
		if method == payment.MethodCOD {
			o.PaymentFee = s.cod.Fee(o.Total)
		}
	}
	return orders, nil
}

// attribute sets each line's source: where the buyer came to its product
// from. A line bought in a flash sale keeps its room. It reads before the
// checkout's transaction, so the transaction stays as short as it was.
func (s *Service) attribute(ctx context.Context, market, buyerID string, orders []*Order, at time.Time) error {
	var ids []string
	for _, o := range orders {
		for _, l := range o.Lines {
			ids = append(ids, l.ProductID)
		}
	}
	src, err := s.sources.Attribute(ctx, market, buyerID, ids, at)
	if err != nil {
		return fmt.Errorf("checkout: attribution: %w", err)
	}
	for _, o := range orders {
		for i := range o.Lines {
			if o.Lines[i].Source == (attribution.Source{}) {
				o.Lines[i].Source = src[o.Lines[i].ProductID]
			}
		}
	}
	return nil
}

// Checkout buys items for the actor in one payment, as one order per
// shop. key is the request's Idempotency-Key: a repeated request returns
// the first checkout (resuming its payment if the first attempt died
// before it was known); the same key with another request is refused.
func (s *Service) Checkout(ctx context.Context, actor *identity.Actor, key string, req CheckoutRequest) (*Checkout, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to check out")
	}
	if key == "" || len(key) > 255 {
		return nil, loopshop.Invalid("Idempotency-Key", "checkout needs an Idempotency-Key header of 1 to 255 characters, new for each purchase; repeat it to retry the same purchase safely")
	}
	m, err := s.markets.Get(actor.Market)
	if err != nil {
		return nil, err
	}
	if !m.ShopOpen {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "shopping is not open in %s yet", m.Name)
	}
	hash := req.hash()
	if c, err := s.store.CheckoutByKey(ctx, m.Code, actor.AccountID, key); err == nil {
		return s.replay(ctx, c, hash, req.Payment)
	} else if !errors.Is(err, loopshop.ErrNotFound) {
		return nil, fmt.Errorf("checkout: %w", err)
	}
	switch req.Payment.Method {
	case payment.MethodCard:
		if req.Payment.Card == nil && req.Payment.PaymentMethod == "" {
			return nil, loopshop.Invalid("payment.card", "paying by card needs the card's details")
		}
		// A typo in the card form is refused before any stock is held or
		// the key is spent, so the corrected request can reuse the key.
		if c := req.Payment.Card; c != nil {
			if err := c.Check(); err != nil {
				return nil, &loopshop.Error{Code: loopshop.EINVALID, Field: "payment." + loopshop.ErrorField(err), Message: loopshop.ErrorMessage(err)}
			}
		}
	case payment.MethodCOD:
	default:
		return nil, loopshop.Invalid("payment.method", "payment method must be card or cod (cash on delivery)")
	}
	if err := req.ShipTo.validate(m); err != nil {
		return nil, err
	}
	items := req.Items
	fromCart := len(items) == 0
	if fromCart {
		if items, err = s.store.Cart(ctx, m.Code, actor.AccountID); err != nil {
			return nil, fmt.Errorf("checkout: %w", err)
		}
		if len(items) == 0 {
			return nil, loopshop.Invalid("items", "the cart is empty: add items to it, or list them in the request")
		}
	}
	if items, err = normalize(items); err != nil {
		return nil, err
	}
	var coupon *deal.Coupon
	if req.CouponID != "" {
		if coupon, err = s.couponOffer(ctx, m, actor.AccountID, req.CouponID); err != nil {
			return nil, err
		}
	}
	orders, err := s.quote(ctx, m, items, req.Payment.Method, coupon)
	if err != nil {
		return nil, err
	}
	if err := s.setShipFrom(ctx, m.Code, orders); err != nil {
		return nil, err
	}
	now := s.now()
	if err := s.attribute(ctx, m.Code, actor.AccountID, orders, now); err != nil {
		return nil, err
	}
	if err := s.commission(ctx, m, actor.AccountID, orders, now); err != nil {
		return nil, err
	}
	c := &Checkout{ID: loopshop.NewID("chk", m.Code), Market: m.Code, BuyerID: actor.AccountID, IdempotencyKey: key, RequestHash: hash,
		Status: CheckoutPending, PaymentMethod: req.Payment.Method, Provider: s.provider(req.Payment.Method).Name(),
		Total: money.New(0, m.Currency), ExpiresAt: now.Add(s.HoldTTL), CreatedAt: now, UpdatedAt: now, Orders: orders}
	for _, o := range orders {
		o.ID, o.CheckoutID, o.BuyerID, o.ShipTo, o.CreatedAt, o.UpdatedAt = loopshop.NewID("ord", m.Code), c.ID, actor.AccountID, req.ShipTo, now, now
		c.Total.Amount += o.Total.Amount
	}
	expire, err := jobs.New(JobExpireCheckout, m.Code, ref{ID: c.ID}, c.ExpiresAt, JobExpireCheckout+":"+c.ID)
	if err != nil {
		return nil, err
	}
	err = s.store.CreateCheckout(ctx, c, []*jobs.Job{expire})
	var out *OutOfStockError
	var flash *FlashSaleError
	var used *CouponUsedError
	var dup *DuplicateCheckoutError
	switch {
	case errors.As(err, &out):
		title := out.SKUID
		for _, o := range orders {
			for _, l := range o.Lines {
				if l.SKUID == out.SKUID {
					title = l.Title
				}
			}
		}
		// The field is the item's in the request, or in the cart when
		// the request listed none.
		field := ""
		if i := slices.IndexFunc(items, func(it CartItem) bool { return it.SKUID == out.SKUID }); i >= 0 {
			field = fmt.Sprintf("items[%d].quantity", i)
		}
		if out.Available <= 0 {
			return nil, &loopshop.Error{Code: loopshop.ECONFLICT, Field: field, Message: fmt.Sprintf("%q is sold out", title)}
		}
		return nil, &loopshop.Error{Code: loopshop.ECONFLICT, Field: field,
			Message: fmt.Sprintf("only %d of %q left; lower the quantity to buy them", out.Available, title)}
	case errors.As(err, &used):
		return nil, &loopshop.Error{Code: loopshop.ECONFLICT, Field: "coupon_id", Message: "the coupon has been used already"}
	case errors.As(err, &flash):
		if flash.Limit > 0 {
			return nil, loopshop.Errorf(loopshop.ECONFLICT, "the flash deal allows %d per buyer, and you have that many already", flash.Limit)
		}
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "the flash deal is sold out, or over")
	case errors.As(err, &dup):
		// The same request raced itself: answer as the first one does.
		first, err := s.store.Checkout(ctx, dup.ID)
		if err != nil {
			return nil, fmt.Errorf("checkout: %w", err)
		}
		return s.replay(ctx, first, hash, req.Payment)
	case err != nil:
		return nil, fmt.Errorf("checkout: %w", err)
	}
	return s.pay(ctx, c, req.Payment)
}

// replay answers a repeated checkout request with the first checkout,
// charging it if its payment is still unknown: the charge's key is the
// checkout's ID, so the provider returns the first charge if there was
// one.
func (s *Service) replay(ctx context.Context, c *Checkout, hash string, pr PaymentRequest) (*Checkout, error) {
	if c.RequestHash != hash {
		return nil, loopshop.Errorf(loopshop.EUNPROCESSABLE, "this Idempotency-Key was used for checkout %s with another request; use a new key for a new purchase", c.ID)
	}
	if c.Status != CheckoutPending {
		return c, nil
	}
	if s.now().Before(c.ExpiresAt) {
		return s.pay(ctx, c, pr)
	}
	// The hold ran out before its job ran: give the final answer now.
	return s.settlePayment(ctx, c, Payment{Status: CheckoutExpired, Message: expiredMessage})
}

func (s *Service) provider(method string) payment.Provider {
	if method == payment.MethodCOD {
		return s.cod
	}
	return s.card
}

// pay charges a pending checkout and records the outcome. No transaction
// is open while the provider is called.
func (s *Service) pay(ctx context.Context, c *Checkout, pr PaymentRequest) (*Checkout, error) {
	ids := make([]string, len(c.Orders))
	for i, o := range c.Orders {
		ids[i] = o.ID
	}
	ch, err := s.provider(c.PaymentMethod).Charge(ctx, payment.ChargeRequest{Key: c.ID, Amount: c.Total, Method: c.PaymentMethod,
		Card: pr.Card, PaymentMethod: pr.PaymentMethod, Description: "loopshop checkout " + c.ID, OrderIDs: ids})
	if err != nil {
		if loopshop.ErrorCode(err) == loopshop.EINVALID {
			// The card's details are wrong: nothing was charged. Let go
			// of the stock now rather than when the hold expires.
			s.settlePayment(ctx, c, Payment{Status: CheckoutDeclined, DeclineCode: "invalid_request", Message: loopshop.ErrorMessage(err)})
			return nil, err
		}
		slog.Default().WarnContext(ctx, "checkout: payment outcome unknown", "checkout", c.ID, "error", err)
		return nil, loopshop.Errorf(loopshop.EUNAVAILABLE, "the payment could not be confirmed; retry with the same Idempotency-Key within %s and you will not be charged twice",
			time.Until(c.ExpiresAt).Round(time.Minute))
	}
	p := Payment{ChargeID: ch.ID, DeclineCode: ch.DeclineCode, Message: ch.Message}
	switch ch.Status {
	case payment.StatusSucceeded:
		p.Status = CheckoutPaid
	case payment.StatusPending:
		p.Status = CheckoutConfirmed
	default:
		p.Status = CheckoutDeclined
	}
	return s.settlePayment(ctx, c, p)
}

// settlePayment records a payment outcome on the checkout and its orders.
func (s *Service) settlePayment(ctx context.Context, c *Checkout, p Payment) (*Checkout, error) {
	now := s.now()
	// The orders are paid, or cancelled when the payment fails, from
	// where checkout left them.
	p.CheckoutID, p.At, p.From, p.OrdersFrom = c.ID, now, CheckoutPending, StatusUnpaid
	switch p.Status {
	case CheckoutPaid, CheckoutConfirmed:
		// Paid or to be paid on delivery: the orders wait out the
		// remorse window, what was bought is sold and leaves the cart.
		holdUntil := now.Add(s.RemorseWindow)
		p.Next, p.HoldUntil, p.SellStock, p.ClearCart = to[EventPaid], &holdUntil, true, true
		if p.Status == CheckoutPaid {
			p.PaidAt = &now
		}
		for _, o := range c.Orders {
			j, err := jobs.New(JobEndHold, o.Market, ref{ID: o.ID}, holdUntil, JobEndHold+":"+o.ID)
			if err != nil {
				return nil, err
			}
			p.Jobs = append(p.Jobs, j)
			if p.Status == CheckoutPaid {
				t, err := ledger.Paid(ledger.Payment{Market: o.Market, Currency: o.Total.Currency, OrderID: o.ID, Provider: c.Provider, Amount: o.Total.Amount, At: now})
				if err != nil {
					return nil, err
				}
				cs, err := commissionPending(o, now)
				if err != nil {
					return nil, err
				}
				p.Ledger = append(append(p.Ledger, t), cs...)
			}
		}
	default:
		// Declined or expired: the stock goes back on sale and the
		// coupons may be used again; a declined card leaves the cart as
		// it was, to try again.
		p.Next, p.CancelledBy, p.ReleaseCoupons = to[EventCancelled], BySystem, true
		p.CancelReason = "payment " + strings.ToLower(p.Status) + ": " + p.Message
	}
	err := s.store.RecordPayment(ctx, p)
	if err != nil && !errors.Is(err, ErrChanged) {
		return nil, fmt.Errorf("record payment of %s: %w", c.ID, err)
	}
	// Recorded now, or by a racing replay or the expiry job: read back
	// what stands.
	return s.store.Checkout(ctx, c.ID)
}

const expiredMessage = "the payment did not arrive in time; the items went back on sale"

// ErrChanged is the store's answer when a row is no longer in the state a
// conditional update expects.
var ErrChanged = errors.New("changed since read")

// ref is the payload of the order jobs.
type ref struct {
	ID string `json:"id"`
}
