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
		runSteps(t, c, v, []step{
			{Name: "seller signs up", Method: "POST", Path: "/api/v1/accounts", Body: signUpBody("GB", "seller@example.com"), Status: 201},
			{Name: "seller logs in", Method: "POST", Path: "/api/v1/sessions", Body: loginBody("seller@example.com"), Status: 201, Check: save("seller", "token")},
			{Name: "seller opens a shop", Method: "POST", Path: "/api/v1/shops", As: "seller", Body: `{"name": "Tea Corner"}`, Status: 201, Check: save("shop", "id")},
			{Name: "seller lists tea", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "seller",
				Body: `{"title": "Green tea", "category": "food", "skus": [{"price": 1200, "weight_grams": 200, "stock": 9}], "publish": true}`, Status: 201,
				Check: saveAt("sku", "skus.0.id")},
			{Name: "buyer signs up", Method: "POST", Path: "/api/v1/accounts", Body: signUpBody("GB", "grace@example.com"), Status: 201},
			{Name: "buyer logs in", Method: "POST", Path: "/api/v1/sessions", Body: loginBody("grace@example.com"), Status: 201, Check: save("buyer", "token")},

			{Name: "a new shop ships at the market's default rates", Method: "GET", Path: "/api/v1/shops/{shop}/shipping-rates", As: "seller", Status: 200,
				Check: all(valueAt("currency", "GBP"), valueAt("free_over", "2000"))},
			{Name: "the default quote", Method: "POST", Path: "/api/v1/cart/items", As: "buyer", Body: `{"sku_id": "{sku}", "quantity": 1}`, Status: 200,
				Check: valueAt("orders.0.shipping_fee.amount", "299")},
			{Name: "a card with a band out of order", Method: "PUT", Path: "/api/v1/shops/{shop}/shipping-rates", As: "seller",
				Body: `{"zones": [{"name": "UK", "domestic": true, "bands": [{"up_to_grams": 1000, "fee": 450}, {"up_to_grams": 500, "fee": 300}]}]}`, Status: 400},
			{Name: "the seller sets a card", Method: "PUT", Path: "/api/v1/shops/{shop}/shipping-rates", As: "seller", Body: card, Status: 200,
				Check: valueAt("free_over", "5000")},
			{Name: "the cart quotes with it", Method: "GET", Path: "/api/v1/cart", As: "buyer", Status: 200,
				Check: all(valueAt("orders.0.shipping_fee.amount", "450"), valueAt("total.amount", "1650"))},
			{Name: "a buyer cannot see the card", Method: "GET", Path: "/api/v1/shops/{shop}/shipping-rates", As: "buyer", Status: 404},
			{Name: "nor set it", Method: "PUT", Path: "/api/v1/shops/{shop}/shipping-rates", As: "buyer", Body: card, Status: 404},

			{Name: "a new shop is owed nothing", Method: "GET", Path: "/api/v1/shops/{shop}/balance", As: "seller", Status: 200,
				Check: all(valueAt("available.amount", "0"), valueAt("held.amount", "0"))},
			{Name: "nothing to pay out", Method: "POST", Path: "/api/v1/shops/{shop}/payouts", As: "seller", Body: `{}`,
				Header: map[string]string{"Idempotency-Key": "p1"}, Status: 409, Check: problem("conflict", "")},
			{Name: "a payout needs a key", Method: "POST", Path: "/api/v1/shops/{shop}/payouts", As: "seller", Body: `{}`, Status: 400,
				Check: problem("invalid", "Idempotency-Key")},
			{Name: "a buyer cannot see the balance", Method: "GET", Path: "/api/v1/shops/{shop}/balance", As: "buyer", Status: 404},
			{Name: "a seller cannot hold their own money", Method: "POST", Path: "/api/v1/shops/{shop}/holds", As: "seller",
				Body: `{"hold_id": "x", "amount": 100, "reason": "test"}`, Status: 403},
		})
	})
}
