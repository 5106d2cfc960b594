package order

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/loopshop/loopshop/ledger"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/money"
)

// Commissions tells what a creator earns on a product (package
// affiliate): the rate in basis points of the plan that pays it, or 0 and
// "" when none does.
type Commissions interface {
	Rate(ctx context.Context, market, creatorID, productID string, at time.Time) (bps int, planID string, err error)
}

// commission prices what each line's creator earns: the rate of the best
// plan at checkout on the line's price before tax. A rate is fixed when
// the buyer checks out: a later change of plan does not reach a paid
// order.
func (s *Service) commission(ctx context.Context, m market.Market, buyerID string, orders []*Order, at time.Time) error {
	for _, o := range orders {
		for i := range o.Lines {
			l := &o.Lines[i]
			l.CreatorCommission = money.New(0, m.Currency)
			if l.Source.CreatorID == "" || l.Source.CreatorID == buyerID {
				// A creator earns on what its audience buys, not on
				// its own orders.
				continue
			}
			bps, plan, err := s.commissions.Rate(ctx, m.Code, l.Source.CreatorID, l.ProductID, at)
			if err != nil {
				return fmt.Errorf("checkout: commission: %w", err)
			}
			if bps <= 0 {
				continue
			}
			l.PlanID, l.CommissionBPS = plan, bps
			l.CreatorCommission.Amount = ledger.Prorate(l.Base(m), int64(bps), 10000)
		}
	}
	return nil
}

// Base is what a line's commission is a share of: what the buyer paid for
// it, less its share of discounts and less tax.
func (l Line) Base(m market.Market) int64 {
	amount := l.UnitPrice.Amount*l.Quantity - l.Discount.Amount
	if m.TaxInclusive {
		amount -= l.Tax.Amount
	}
	return amount
}

// CreatorCommissions sums an order's commission by creator, in the order
// the creators first appear.
func (o *Order) CreatorCommissions() []ledger.CreatorCommission {
	var out []ledger.CreatorCommission
	for _, l := range o.Lines {
		if l.CreatorCommission.Amount <= 0 {
			continue
		}
		i := slices.IndexFunc(out, func(c ledger.CreatorCommission) bool { return c.CreatorID == l.Source.CreatorID })
		if i < 0 {
			out = append(out, ledger.CreatorCommission{CreatorID: l.Source.CreatorID})
			i = len(out) - 1
		}
		out[i].Amount += l.CreatorCommission.Amount
	}
	return out
}

// commissionPending books, when an order is paid, what its creators earn:
// pending until the order completes.
func commissionPending(o *Order, at time.Time) ([]*ledger.Transaction, error) {
	var out []*ledger.Transaction
	for _, c := range o.CreatorCommissions() {
		t, err := ledger.CommissionPending(ledger.Commission{Market: o.Market, Currency: o.Total.Currency, OrderID: o.ID, CreatorID: c.CreatorID, Amount: c.Amount, At: at})
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}
