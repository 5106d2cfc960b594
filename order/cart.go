package order

import (
	"context"
	"fmt"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/deal"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/money"
)

// MaxCartItems bounds a cart, as MaxLines bounds a checkout.
const MaxCartItems = MaxLines

// CartStore keeps buyers' carts in their market's region.
type CartStore interface {
	// Cart returns the buyer's items, oldest first.
	Cart(ctx context.Context, market, buyerID string) ([]CartItem, error)
	// SetCartItem sets how many of a SKU the cart holds; 0 removes it. It
	// refuses a new SKU beyond max items with ErrCartFull.
	SetCartItem(ctx context.Context, market, buyerID string, it CartItem, max int) error
}

// ErrCartFull is the store's refusal to add an item to a full cart.
var ErrCartFull = fmt.Errorf("cart is full")

// Cart is a buyer's cart priced as checkout would charge it: one order per
// shop, with shipping.
type Cart struct {
	Items  []CartItem  `json:"items"`
	Orders []*Order    `json:"orders"`
	Total  money.Money `json:"total"`
}

// Cart returns the actor's cart, priced.
func (s *Service) Cart(ctx context.Context, actor *identity.Actor) (*Cart, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to see your cart")
	}
	m, err := s.markets.Get(actor.Market)
	if err != nil {
		return nil, err
	}
	items, err := s.store.Cart(ctx, m.Code, actor.AccountID)
	if err != nil {
		return nil, fmt.Errorf("cart: %w", err)
	}
	if items == nil {
		items = []CartItem{}
	}
	return s.priced(ctx, m, items, nil)
}

// Quote prices items for the actor as checkout would charge them, without
// the cart: a live room's buy-now of a flash deal, say.
func (s *Service) Quote(ctx context.Context, actor *identity.Actor, items []CartItem) (*Cart, error) {
	return s.QuoteCoupon(ctx, actor, items, "")
}

// QuoteCoupon prices items for the actor as checkout would charge them
// with the live room's coupon couponID (none if empty): Total is what the
// buyer pays, the coupon taken off. A coupon checkout would refuse (not
// the buyer's, expired, for another shop, or the order under its minimum
// spend) is refused the same way, on coupon_id, so that a checkout page
// can show which coupons the buyer may choose and what each leaves to pay.
func (s *Service) QuoteCoupon(ctx context.Context, actor *identity.Actor, items []CartItem, couponID string) (*Cart, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to buy")
	}
	m, err := s.markets.Get(actor.Market)
	if err != nil {
		return nil, err
	}
	if items, err = normalize(items); err != nil {
		return nil, err
	}
	var coupon *deal.Coupon
	if couponID != "" {
		if coupon, err = s.couponOffer(ctx, m, actor.AccountID, couponID); err != nil {
			return nil, err
		}
	}
	return s.priced(ctx, m, items, coupon)
}

// priced prices items as checkout charges them, with the coupon if any.
func (s *Service) priced(ctx context.Context, m market.Market, items []CartItem, coupon *deal.Coupon) (*Cart, error) {
	c := &Cart{Items: items, Orders: []*Order{}, Total: money.New(0, m.Currency)}
	if len(items) == 0 {
		return c, nil
	}
	var err error
	if c.Orders, err = s.quote(ctx, m, items, "", coupon); err != nil {
		return nil, err
	}
	for _, o := range c.Orders {
		c.Total.Amount += o.Total.Amount
	}
	return c, nil
}

// SetCartItem puts quantity of a SKU in the actor's cart (0 takes it out).
func (s *Service) SetCartItem(ctx context.Context, actor *identity.Actor, it CartItem) (*Cart, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to fill a cart")
	}
	if it.Quantity < 0 || it.Quantity > MaxQuantity {
		return nil, loopshop.Invalid("quantity", "quantity must be 0 (to remove it) to %d", MaxQuantity)
	}
	m, err := s.markets.Get(actor.Market)
	if err != nil {
		return nil, err
	}
	if it.Quantity > 0 {
		found, err := s.store.Items(ctx, m.Code, []string{it.SKUID})
		if err != nil {
			return nil, fmt.Errorf("cart: %w", err)
		}
		k, ok := found[it.SKUID]
		if !ok {
			return nil, loopshop.Errorf(loopshop.ENOTFOUND, "SKU %s is not sold in %s", it.SKUID, m.Name)
		}
		if k.ProductStatus != "ACTIVATE" {
			return nil, loopshop.Errorf(loopshop.ECONFLICT, "%q is not on sale at the moment", k.Title)
		}
	}
	if err := s.store.SetCartItem(ctx, m.Code, actor.AccountID, it, MaxCartItems); err != nil {
		if err == ErrCartFull {
			return nil, loopshop.Errorf(loopshop.ECONFLICT, "a cart holds at most %d different items; check out or remove some first", MaxCartItems)
		}
		return nil, fmt.Errorf("cart: %w", err)
	}
	return s.Cart(ctx, actor)
}
