package main

import (
	"testing"

	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// A seller offers a plan over HTTP, a creator finds it in the marketplace
// and joins, the seller approves; the creator's plans and earnings read
// back, and a payout with nothing earned is refused.
func TestAffiliateScenario(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		m := startMain(t, engine)
		c := newClient(t, m)
		v := vars{}
		runSteps(t, c, v, []step{
			{Name: "seller signs up", Method: "POST", Path: "/api/v1/accounts", Body: signUpBody("GB", "seller@example.com"), Status: 201},
			{Name: "seller logs in", Method: "POST", Path: "/api/v1/sessions", Body: loginBody("seller@example.com"), Status: 201, Check: save("seller", "token")},
			{Name: "seller opens a shop", Method: "POST", Path: "/api/v1/shops", As: "seller", Body: `{"name": "Glow"}`, Status: 201, Check: save("shop", "id")},
			{Name: "seller lists a serum", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "seller",
				Body: `{"title": "Vitamin C serum", "category": "beauty", "skus": [{"price": 2400, "stock": 5}], "publish": true}`, Status: 201, Check: save("product", "id")},
			{Name: "creator signs up", Method: "POST", Path: "/api/v1/accounts",
				Body: `{"market": "GB", "email": "mia@example.com", "password": "correct horse battery", "display_name": "Mia", "creator": true}`, Status: 201, Check: save("creator_id", "id")},
			{Name: "creator logs in", Method: "POST", Path: "/api/v1/sessions", Body: loginBody("mia@example.com"), Status: 201, Check: save("creator", "token")},

			{Name: "a rate out of range", Method: "POST", Path: "/api/v1/shops/{shop}/affiliate-plans", As: "seller",
				Body: `{"kind": "OPEN", "name": "Launch", "shop_wide_bps": 9500}`, Status: 400, Check: problem("invalid", "shop_wide_bps")},
			{Name: "seller offers a plan", Method: "POST", Path: "/api/v1/shops/{shop}/affiliate-plans", As: "seller",
				Body: `{"kind": "OPEN", "name": "Launch", "needs_approval": true, "products": [{"product_id": "{product}", "rate_bps": 1500}]}`, Status: 201,
				Check: all(save("plan", "id"), valueAt("products.0.rate_bps", "1500"), valueAt("products.0.title", "Vitamin C serum"))},
			{Name: "the marketplace lists it", Method: "GET", Path: "/api/v1/markets/gb/affiliate-marketplace", Status: 200, Check: valueAt("items.0.id", "{plan}")},
			{Name: "the creator cannot showcase the serum yet", Method: "PUT", Path: "/api/v1/me/showcase/{product}", As: "creator", Status: 400, Check: problem("invalid", "product_id")},
			{Name: "the creator joins", Method: "POST", Path: "/api/v1/affiliate-plans/{plan}/join", As: "creator", Status: 200, Check: valueAt("status", "PENDING")},
			{Name: "the seller sees the request", Method: "GET", Path: "/api/v1/affiliate-plans/{plan}/members", As: "seller", Status: 200,
				Check: all(valueAt("items.0.creator_id", "{creator_id}"), valueAt("items.0.status", "PENDING"))},
			{Name: "the creator cannot decide", Method: "POST", Path: "/api/v1/affiliate-plans/{plan}/members/{creator_id}/decision", As: "creator", Body: `{"approve": true}`, Status: 404},
			{Name: "the seller approves", Method: "POST", Path: "/api/v1/affiliate-plans/{plan}/members/{creator_id}/decision", As: "seller", Body: `{"approve": true}`, Status: 200,
				Check: valueAt("status", "APPROVED")},
			{Name: "now the serum goes in the showcase", Method: "PUT", Path: "/api/v1/me/showcase/{product}", As: "creator", Status: 200},
			{Name: "the creator's plans", Method: "GET", Path: "/api/v1/me/affiliate-plans", As: "creator", Status: 200,
				Check: all(valueAt("items.0.plan.id", "{plan}"), valueAt("items.0.membership.status", "APPROVED"))},
			{Name: "the seller lowers the rate", Method: "POST", Path: "/api/v1/affiliate-plans/{plan}/rates", As: "seller", Body: `{"product_id": "{product}", "rate_bps": 800}`, Status: 200,
				Check: valueAt("products.0.rate_bps", "800")},
			{Name: "nothing earned yet", Method: "GET", Path: "/api/v1/me/earnings", As: "creator", Status: 200, Check: all(valueAt("pending.amount", "0"), valueAt("available.amount", "0"))},
			{Name: "a payout of nothing", Method: "POST", Path: "/api/v1/me/payouts", As: "creator", Header: map[string]string{"Idempotency-Key": "p1"}, Body: `{}`, Status: 409},
			{Name: "the creator asks for a sample", Method: "POST", Path: "/api/v1/samples", As: "creator", Body: `{"product_id": "{product}", "note": "for my routine video"}`,
				Status: 201, Check: all(save("sample", "id"), field("status", "REQUESTED"))},
			{Name: "the shop sees the request", Method: "GET", Path: "/api/v1/shops/{shop}/samples", As: "seller", Status: 200, Check: valueAt("items.0.id", "{sample}")},
			{Name: "the seller approves it", Method: "POST", Path: "/api/v1/samples/{sample}/decision", As: "seller", Body: `{"approve": true}`, Status: 200, Check: field("status", "APPROVED")},
			{Name: "and ships it", Method: "POST", Path: "/api/v1/samples/{sample}/ship", As: "seller", Body: `{"carrier": "Royal Mail", "tracking_number": "RM1234GB"}`,
				Status: 200, Check: field("status", "SHIPPED")},
			{Name: "the creator sees it shipped", Method: "GET", Path: "/api/v1/me/samples", As: "creator", Status: 200, Check: valueAt("items.0.tracking_number", "RM1234GB")},
			{Name: "the seller ends the plan", Method: "POST", Path: "/api/v1/affiliate-plans/{plan}/end", As: "seller", Status: 204},
			{Name: "gone from the marketplace", Method: "GET", Path: "/api/v1/markets/gb/affiliate-marketplace", Status: 200, Check: lengthAt("items", 0)},
		})
	})
}
