package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/money"
)

// ClaimedCoupons lists the coupons of a market that the buyer claimed and
// has not used, expiring after now, soonest to expire first, each with the
// current name of its shop.
func (s *LiveStore) ClaimedCoupons(ctx context.Context, market, buyerID string, now time.Time, limit int) ([]*live.ClaimedCoupon, error) {
	db, m, err := s.r.Market(market)
	if err != nil {
		return nil, err
	}
	var out []*live.ClaimedCoupon
	err = db.Read().Query(ctx, `SELECT c.id, c.room_id, c.market, c.shop_id, s.name, c.amount_off, c.min_spend, c.quantity, c.claimed, c.expires_at, c.created_at
		FROM live_coupon_claims k JOIN live_coupons c ON c.id = k.coupon_id JOIN shops s ON s.id = c.shop_id
		WHERE k.buyer_id = ? AND k.order_id = '' AND c.market = ? AND c.expires_at > ?
		ORDER BY c.expires_at, c.id LIMIT ?`, []any{buyerID, market, now.UTC(), limit}, func(rows *sql.Rows) error {
		c := &live.ClaimedCoupon{}
		var off, minSpend int64
		if err := rows.Scan(&c.ID, &c.RoomID, &c.Market, &c.ShopID, &c.ShopName, &off, &minSpend, &c.Quantity, &c.Claimed, &c.ExpiresAt, &c.CreatedAt); err != nil {
			return err
		}
		c.AmountOff, c.MinSpend = money.New(off, m.Currency), money.New(minSpend, m.Currency)
		c.ExpiresAt, c.CreatedAt = c.ExpiresAt.UTC(), c.CreatedAt.UTC()
		out = append(out, c)
		return nil
	})
	return out, err
}

// RoomCoupons lists a room's coupons expiring after expiresAfter, newest
// first, each marked if viewerID claimed it.
func (s *LiveStore) RoomCoupons(ctx context.Context, roomID, viewerID string, expiresAfter time.Time, limit int) ([]*live.OfferedCoupon, error) {
	db, m, err := s.marketOf(roomID)
	if err != nil {
		return nil, err
	}
	var out []*live.OfferedCoupon
	err = db.Read().Query(ctx, `SELECT c.id, c.room_id, c.market, c.shop_id, c.amount_off, c.min_spend, c.quantity, c.claimed, c.expires_at, c.created_at,
			CASE WHEN k.coupon_id IS NULL THEN 0 ELSE 1 END
		FROM live_coupons c LEFT JOIN live_coupon_claims k ON k.coupon_id = c.id AND k.buyer_id = ?
		WHERE c.room_id = ? AND c.expires_at > ?
		ORDER BY c.created_at DESC, c.id DESC LIMIT ?`, []any{viewerID, roomID, expiresAfter.UTC(), limit}, func(rows *sql.Rows) error {
		c := &live.OfferedCoupon{}
		var off, minSpend int64
		var mine int
		if err := rows.Scan(&c.ID, &c.RoomID, &c.Market, &c.ShopID, &off, &minSpend, &c.Quantity, &c.Claimed, &c.ExpiresAt, &c.CreatedAt, &mine); err != nil {
			return err
		}
		c.AmountOff, c.MinSpend = money.New(off, m.Currency), money.New(minSpend, m.Currency)
		c.ExpiresAt, c.CreatedAt = c.ExpiresAt.UTC(), c.CreatedAt.UTC()
		c.ViewerClaimed = viewerID != "" && mine == 1
		out = append(out, c)
		return nil
	})
	return out, err
}
