package main

import (
	"testing"

	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// TestShippingRatesAndPayoutsAPI: a seller sets a rate card and the cart
// quotes with it at once; balances and payouts are the shop's alone.
func TestShippingRatesAndPayoutsAPI(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		m := startMain(t, engine)
		c := newClient(t, m)
		v := vars{}
		card := `{"zones": [{"name": "UK", "domestic": true, "bands": [{"up_to_grams": 1000, "fee": 450}], "free_shipping_eligible": true}], "free_over": 5000}`
		runOrderSteps(t, c, v, []step{
			{name: "seller signs up", method: "POST", path: "/api/v1/accounts", body: signUpBody("GB", "seller@example.com"), status: 201},
			{name: "seller logs in", method: "POST", path: "/api/v1/sessions", body: loginBody("seller@example.com"), status: 201, check: save("seller", "token")},
			{name: "seller opens a shop", method: "POST", path: "/api/v1/shops", as: "seller", body: `{"name": "Tea Corner"}`, status: 201, check: save("shop", "id")},
			{name: "seller lists tea", method: "POST", path: "/api/v1/shops/{shop}/products", as: "seller",
				body: `{"title": "Green tea", "category": "food", "skus": [{"price": 1200, "weight_grams": 200, "stock": 9}], "publish": true}`, status: 201,
				check: saveAt("sku", "skus.0.id")},
			{name: "buyer signs up", method: "POST", path: "/api/v1/accounts", body: signUpBody("GB", "grace@example.com"), status: 201},
			{name: "buyer logs in", method: "POST", path: "/api/v1/sessions", body: loginBody("grace@example.com"), status: 201, check: save("buyer", "token")},

			{name: "a new shop ships at the market's default rates", method: "GET", path: "/api/v1/shops/{shop}/shipping-rates", as: "seller", status: 200,
				check: all(valueAt("currency", "GBP"), valueAt("free_over", "2000"))},
			{name: "the default quote", method: "POST", path: "/api/v1/cart/items", as: "buyer", body: `{"sku_id": "{sku}", "quantity": 1}`, status: 200,
				check: valueAt("orders.0.shipping_fee.amount", "299")},
			{name: "a card with a band out of order", method: "PUT", path: "/api/v1/shops/{shop}/shipping-rates", as: "seller",
				body: `{"zones": [{"name": "UK", "domestic": true, "bands": [{"up_to_grams": 1000, "fee": 450}, {"up_to_grams": 500, "fee": 300}]}]}`, status: 400},
			{name: "the seller sets a card", method: "PUT", path: "/api/v1/shops/{shop}/shipping-rates", as: "seller", body: card, status: 200,
				check: valueAt("free_over", "5000")},
			{name: "the cart quotes with it", method: "GET", path: "/api/v1/cart", as: "buyer", status: 200,
				check: all(valueAt("orders.0.shipping_fee.amount", "450"), valueAt("total.amount", "1650"))},
			{name: "a buyer cannot see the card", method: "GET", path: "/api/v1/shops/{shop}/shipping-rates", as: "buyer", status: 404},
			{name: "nor set it", method: "PUT", path: "/api/v1/shops/{shop}/shipping-rates", as: "buyer", body: card, status: 404},

			{name: "a new shop is owed nothing", method: "GET", path: "/api/v1/shops/{shop}/balance", as: "seller", status: 200,
				check: all(valueAt("available.amount", "0"), valueAt("held.amount", "0"))},
			{name: "nothing to pay out", method: "POST", path: "/api/v1/shops/{shop}/payouts", as: "seller", body: `{}`,
				header: map[string]string{"Idempotency-Key": "p1"}, status: 409, check: problem("conflict", "")},
			{name: "a payout needs a key", method: "POST", path: "/api/v1/shops/{shop}/payouts", as: "seller", body: `{}`, status: 400,
				check: problem("invalid", "Idempotency-Key")},
			{name: "a buyer cannot see the balance", method: "GET", path: "/api/v1/shops/{shop}/balance", as: "buyer", status: 404},
			{name: "a seller cannot hold their own money", method: "POST", path: "/api/v1/shops/{shop}/holds", as: "seller",
				body: `{"hold_id": "x", "amount": 100, "reason": "test"}`, status: 403},
		})
	})
}
