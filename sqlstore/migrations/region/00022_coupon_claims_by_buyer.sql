-- +goose Up
-- Checkout lists the coupons a buyer claimed and has not used.
CREATE INDEX live_coupon_claims_buyer ON live_coupon_claims (buyer_id, order_id);

-- +goose Down
DROP INDEX live_coupon_claims_buyer;
