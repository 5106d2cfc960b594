package order

import (
	"context"
	"errors"
	"fmt"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/deal"
	"github.com/loopshop/loopshop/market"
)

// Flash finds flash sales (package live).
type Flash interface {
	FlashOffer(ctx context.Context, id string) (*deal.Flash, error)
}

// FlashSaleError is the store's refusal of a flash-sale line: the
// allocation is spent or the sale over (Limit 0), or the buyer would pass
// the per-buyer limit (Limit).
type FlashSaleError struct {
	SaleID string
	Limit  int64
}

func (e *FlashSaleError) Error() string { return "flash sale " + e.SaleID + " refused the line" }

// flashOffer checks a flash-sale item and returns the sale, with its deal
// price. The store takes the units out of the allocation when it reserves
// the stock.
func (s *Service) flashOffer(ctx context.Context, m market.Market, it CartItem, i int) (*deal.Flash, error) {
	field := fmt.Sprintf("items[%d].flash_sale_id", i)
	f, err := s.flash.FlashOffer(ctx, it.FlashSaleID)
	if errors.Is(err, loopshop.ErrNotFound) || (err == nil && (f.Market != m.Code || f.SKUID != it.SKUID)) {
		return nil, loopshop.Invalid(field, "no flash sale %s of this SKU in %s", it.FlashSaleID, m.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("checkout: flash sale: %w", err)
	}
	if !s.now().Before(f.EndsAt) {
		return nil, &loopshop.Error{Code: loopshop.ECONFLICT, Field: field, Message: "the flash deal is over"}
	}
	if it.Quantity > f.PerBuyer {
		return nil, loopshop.Invalid(fmt.Sprintf("items[%d].quantity", i), "the flash deal allows %d per buyer", f.PerBuyer)
	}
	return f, nil
}
