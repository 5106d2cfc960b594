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
			{name: "seller signs up", method: "POST", path: "/api/v1/accounts", body: signUpBody("GB", "seller@example.com"), status: 201},
			{name: "seller logs in", method: "POST", path: "/api/v1/sessions", body: loginBody("seller@example.com"), status: 201, check: save("seller", "token")},
			{name: "seller opens a shop", method: "POST", path: "/api/v1/shops", as: "seller", body: `{"name": "Glow"}`, status: 201, check: save("shop", "id")},
			{name: "seller lists a serum", method: "POST", path: "/api/v1/shops/{shop}/products", as: "seller",
				body: `{"title": "Vitamin C serum", "category": "beauty", "skus": [{"price": 2400, "stock": 5}], "publish": true}`, status: 201, check: save("product", "id")},
			{name: "creator signs up", method: "POST", path: "/api/v1/accounts",
				body: `{"market": "GB", "email": "mia@example.com", "password": "correct horse battery", "display_name": "Mia", "creator": true}`, status: 201, check: save("creator_id", "id")},
			{name: "creator logs in", method: "POST", path: "/api/v1/sessions", body: loginBody("mia@example.com"), status: 201, check: save("creator", "token")},

			{name: "a rate out of range", method: "POST", path: "/api/v1/shops/{shop}/affiliate-plans", as: "seller",
				body: `{"kind": "OPEN", "name": "Launch", "shop_wide_bps": 9500}`, status: 400, check: problem("invalid", "shop_wide_bps")},
			{name: "seller offers a plan", method: "POST", path: "/api/v1/shops/{shop}/affiliate-plans", as: "seller",
				body: `{"kind": "OPEN", "name": "Launch", "needs_approval": true, "products": [{"product_id": "{product}", "rate_bps": 1500}]}`, status: 201,
				check: all(save("plan", "id"), valueAt("products.0.rate_bps", "1500"), valueAt("products.0.title", "Vitamin C serum"))},
			{name: "the marketplace lists it", method: "GET", path: "/api/v1/markets/gb/affiliate-marketplace", status: 200, check: valueAt("items.0.id", "{plan}")},
			{name: "the creator cannot showcase the serum yet", method: "PUT", path: "/api/v1/me/showcase/{product}", as: "creator", status: 400, check: problem("invalid", "product_id")},
			{name: "the creator joins", method: "POST", path: "/api/v1/affiliate-plans/{plan}/join", as: "creator", status: 200, check: valueAt("status", "PENDING")},
			{name: "the seller sees the request", method: "GET", path: "/api/v1/affiliate-plans/{plan}/members", as: "seller", status: 200,
				check: all(valueAt("items.0.creator_id", "{creator_id}"), valueAt("items.0.status", "PENDING"))},
			{name: "the creator cannot decide", method: "POST", path: "/api/v1/affiliate-plans/{plan}/members/{creator_id}/decision", as: "creator", body: `{"approve": true}`, status: 404},
			{name: "the seller approves", method: "POST", path: "/api/v1/affiliate-plans/{plan}/members/{creator_id}/decision", as: "seller", body: `{"approve": true}`, status: 200,
				check: valueAt("status", "APPROVED")},
			{name: "now the serum goes in the showcase", method: "PUT", path: "/api/v1/me/showcase/{product}", as: "creator", status: 200},
			{name: "the creator's plans", method: "GET", path: "/api/v1/me/affiliate-plans", as: "creator", status: 200,
				check: all(valueAt("items.0.plan.id", "{plan}"), valueAt("items.0.membership.status", "APPROVED"))},
			{name: "the seller lowers the rate", method: "POST", path: "/api/v1/affiliate-plans/{plan}/rates", as: "seller", body: `{"product_id": "{product}", "rate_bps": 800}`, status: 200,
				check: valueAt("products.0.rate_bps", "800")},
			{name: "nothing earned yet", method: "GET", path: "/api/v1/me/earnings", as: "creator", status: 200, check: all(valueAt("pending.amount", "0"), valueAt("available.amount", "0"))},
			{name: "a payout of nothing", method: "POST", path: "/api/v1/me/payouts", as: "creator", header: map[string]string{"Idempotency-Key": "p1"}, body: `{}`, status: 409},
			{name: "the creator asks for a sample", method: "POST", path: "/api/v1/samples", as: "creator", body: `{"product_id": "{product}", "note": "for my routine video"}`,
				status: 201, check: all(save("sample", "id"), field("status", "REQUESTED"))},
			{name: "the shop sees the request", method: "GET", path: "/api/v1/shops/{shop}/samples", as: "seller", status: 200, check: valueAt("items.0.id", "{sample}")},
			{name: "the seller approves it", method: "POST", path: "/api/v1/samples/{sample}/decision", as: "seller", body: `{"approve": true}`, status: 200, check: field("status", "APPROVED")},
			{name: "and ships it", method: "POST", path: "/api/v1/samples/{sample}/ship", as: "seller", body: `{"carrier": "Royal Mail", "tracking_number": "RM1234GB"}`,
				status: 200, check: field("status", "SHIPPED")},
			{name: "the creator sees it shipped", method: "GET", path: "/api/v1/me/samples", as: "creator", status: 200, check: valueAt("items.0.tracking_number", "RM1234GB")},
			{name: "the seller ends the plan", method: "POST", path: "/api/v1/affiliate-plans/{plan}/end", as: "seller", status: 204},
			{name: "gone from the marketplace", method: "GET", path: "/api/v1/markets/gb/affiliate-marketplace", status: 200, check: lengthAt("items", 0)},
		})
	})
}
