package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/shipping"
)

// ShippingStore implements shipping.Store: each shop's rate card, kept as
// JSON in its market's region.
type ShippingStore struct{ r *Router }

// NewShippingStore returns the shipping store over r.
func NewShippingStore(r *Router) *ShippingStore { return &ShippingStore{r: r} }

var _ shipping.Store = (*ShippingStore)(nil)

// RateCard returns the shop's own card; loopshop.ErrNotFound when it has
// set none, and callers sell with shipping.Default.
func (s *ShippingStore) RateCard(ctx context.Context, shopID string) (*shipping.RateCard, error) {
	db, err := s.r.ForID(shopID)
	if err != nil {
		return nil, err
	}
	var raw string
	if err := db.Read().Get(ctx, `SELECT card FROM shipping_rate_cards WHERE shop_id = ?`, []any{shopID}, &raw); err != nil {
		return nil, err
	}
	var c shipping.RateCard
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return nil, fmt.Errorf("rate card of shop %s: %w", shopID, err)
	}
	return &c, nil
}

// SetRateCard saves the card of the shop shopID of market, replacing any it
// had. The card must be valid and priced in the market's currency, so that
// what is read back can always quote; a shop that does not exist in market
// is loopshop.ErrNotFound.
func (s *ShippingStore) SetRateCard(ctx context.Context, shopID, market string, card shipping.RateCard, now time.Time) error {
	db, m, err := s.r.Market(market)
	if err != nil {
		return err
	}
	if err := card.ValidateFor(m); err != nil {
		return err
	}
	raw, err := json.Marshal(card)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		var shopMarket string
		if err := tx.Get(ctx, `SELECT market FROM shops WHERE id = ?`, []any{shopID}, &shopMarket); err != nil {
			return err
		}
		if shopMarket != m.Code {
			return loopshop.Invalid("market", "shop %s sells in %s, not %s", shopID, shopMarket, m.Code)
		}
		_, err := tx.Exec(ctx, `INSERT INTO shipping_rate_cards (shop_id, market, card, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (shop_id) DO UPDATE SET market = excluded.market, card = excluded.card, updated_at = excluded.updated_at`,
			shopID, m.Code, string(raw), now.UTC())
		return err
	})
}
