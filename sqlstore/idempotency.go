package sqlstore

import (
	"context"
	"time"

	"github.com/loopshop/loopshop/idempotency"
)

// IdempotencyStore implements idempotency.Store.
type IdempotencyStore struct{ r *Router }

// NewIdempotencyStore returns the idempotency store over r.
func NewIdempotencyStore(r *Router) *IdempotencyStore { return &IdempotencyStore{r: r} }

var _ idempotency.Store = (*IdempotencyStore)(nil)

func (s *IdempotencyStore) Begin(ctx context.Context, market, scope, key, requestHash string, now time.Time) (*idempotency.Record, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	var existing *idempotency.Record
	err = db.WriteTx(ctx, func(tx *Tx) error {
		existing = nil
		n, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (scope, idem_key, request_hash, status, created_at) VALUES (?, ?, ?, 0, ?)
			ON CONFLICT (scope, idem_key) DO NOTHING`, scope, key, requestHash, now)
		if err != nil || n == 1 {
			return err
		}
		var rec idempotency.Record
		if err := tx.Get(ctx, `SELECT request_hash, status, content_type, response_body, created_at FROM idempotency_keys WHERE scope = ? AND idem_key = ?`,
			[]any{scope, key}, &rec.RequestHash, &rec.Status, &rec.ContentType, &rec.Body, &rec.CreatedAt); err != nil {
			return err
		}
		// A claim left in progress by a crashed server is taken over.
		if rec.Status == 0 && rec.RequestHash == requestHash && now.Sub(rec.CreatedAt) > idempotency.StaleAfter {
			_, err := tx.Exec(ctx, `UPDATE idempotency_keys SET created_at = ? WHERE scope = ? AND idem_key = ?`, now, scope, key)
			return err
		}
		existing = &rec
		return nil
	})
	return existing, err
}

func (s *IdempotencyStore) Complete(ctx context.Context, market, scope, key string, status int, contentType string, body []byte) error {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `UPDATE idempotency_keys SET status = ?, content_type = ?, response_body = ? WHERE scope = ? AND idem_key = ?`,
			status, contentType, body, scope, key)
		return err
	})
}

func (s *IdempotencyStore) Release(ctx context.Context, market, scope, key string) error {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ? AND status = 0`, scope, key)
		return err
	})
}
