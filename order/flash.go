package order

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/market"
)

// FlashOffer is a live room's flash sale as checkout sees it: a SKU at a
// deal price, until EndsAt, at most PerBuyer to a buyer, out of an
// allocation the store counts down. Source is the room, which a line
// bought in the sale came from whatever the buyer tapped before.
type FlashOffer struct {
	ID       string
	Market   string
	SKUID    string
	Price    int64
	PerBuyer int64
	EndsAt   time.Time
	Source   LineSource
}

// Flash finds flash sales (package live).
type Flash interface {
	FlashOffer(ctx context.Context, id string) (*FlashOffer, error)
}

// SetFlash sets what checkout reads flash sales from; without it, items
// of flash sales are refused.
func (s *Service) SetFlash(f Flash) { s.flash = f }

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
func (s *Service) flashOffer(ctx context.Context, m market.Market, it CartItem, i int) (*FlashOffer, error) {
	field := fmt.Sprintf("items[%d].flash_sale_id", i)
	if s.flash == nil {
		return nil, loopshop.Invalid(field, "flash sales are not open on this server")
	}
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
