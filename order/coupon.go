package order

import (
	"context"
	"errors"
	"fmt"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/deal"
	"github.com/loopshop/loopshop/ledger"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/tax"
)

// Coupons finds the coupons buyers claimed (package live).
type Coupons interface {
	// CouponOffer returns the coupon if the buyer claimed it and has not
	// used it; loopshop.ErrNotFound otherwise.
	CouponOffer(ctx context.Context, couponID, buyerID string) (*deal.Coupon, error)
}

// CouponUsedError is the store's refusal of a coupon used meanwhile.
type CouponUsedError struct{ CouponID string }

func (e *CouponUsedError) Error() string { return "coupon " + e.CouponID + " is used" }

func (s *Service) couponOffer(ctx context.Context, m market.Market, buyerID, id string) (*deal.Coupon, error) {
	c, err := s.coupons.CouponOffer(ctx, id, buyerID)
	if errors.Is(err, loopshop.ErrNotFound) || (err == nil && c.Market != m.Code) {
		return nil, loopshop.Invalid("coupon_id", "you have no unused coupon %s; claim it in the live room first", id)
	}
	if err != nil {
		return nil, fmt.Errorf("checkout: coupon: %w", err)
	}
	if !s.now().Before(c.ExpiresAt) {
		return nil, &loopshop.Error{Code: loopshop.ECONFLICT, Field: "coupon_id", Message: "the coupon has expired"}
	}
	return c, nil
}

// applyCoupon takes the coupon's amount off the order of its shop, spread
// over the order's lines in proportion to their amounts (the last line
// takes the rounding), and recomputes each line's tax on what is paid.
func applyCoupon(m market.Market, orders []*Order, c *deal.Coupon) error {
	for _, o := range orders {
		if o.ShopID != c.ShopID {
			continue
		}
		if o.Subtotal.Amount < c.MinSpend {
			return &loopshop.Error{Code: loopshop.ECONFLICT, Field: "coupon_id",
				Message: fmt.Sprintf("the coupon needs %s spent in its shop; the order comes to %s", money.New(c.MinSpend, m.Currency), o.Subtotal)}
		}
		off := min(c.AmountOff, o.Subtotal.Amount)
		o.Discount, o.CouponID = money.New(off, m.Currency), c.ID
		left := off
		o.Tax.Amount = 0
		for i := range o.Lines {
			l := &o.Lines[i]
			amount := l.UnitPrice.Amount * l.Quantity
			share := ledger.Prorate(off, amount, o.Subtotal.Amount)
			if i == len(o.Lines)-1 {
				share = left
			}
			left -= share
			l.Discount = money.New(share, m.Currency)
			t, _ := tax.Of(m, amount-share)
			l.Tax = money.New(t, m.Currency)
			o.Tax.Amount += t
		}
		return nil
	}
	return &loopshop.Error{Code: loopshop.ECONFLICT, Field: "coupon_id", Message: "the coupon is for a shop that nothing in this order comes from"}
}
