package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// TestOrderScenario buys over HTTP as a buyer's phone would: a seller
// lists 3 units, a buyer fills a cart and checks out, retries, gets a
// card declined, asks for more than is left, and the seller ships. After
// each step that touches stock the seller's stock page must add up.
func TestOrderScenario(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		m := startMain(t, engine)
		// The test runs the jobs itself, when it has moved time on: a
		// background runner would race it.
		m.stopJobs()
		m.stopJobs = nil
		c := newClient(t, m)
		v := vars{}

		key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
		buyWithCard := checkoutJSON(`[]`, "Grace Hopper", "4242424242424242")
		runOrderSteps(t, c, v, []step{
			// A seller with 3 units of tea, and two buyers.
			{name: "seller signs up", method: "POST", path: "/api/v1/accounts", body: signUpBody("GB", "seller@example.com"), status: 201},
			{name: "seller logs in", method: "POST", path: "/api/v1/sessions", body: loginBody("seller@example.com"), status: 201, check: save("seller", "token")},
			{name: "seller opens a shop", method: "POST", path: "/api/v1/shops", as: "seller", body: `{"name": "Tea Corner"}`, status: 201, check: save("shop", "id")},
			{name: "seller lists 3 units", method: "POST", path: "/api/v1/shops/{shop}/products", as: "seller",
				body:   `{"title": "Green tea", "category": "food", "skus": [{"price": 599, "stock": 3}], "publish": true}`,
				status: 201, check: all(save("product", "id"), field("status", "ACTIVATE"), saveAt("sku", "skus.0.id"))},
			{name: "buyer signs up", method: "POST", path: "/api/v1/accounts", body: signUpBody("GB", "grace@example.com"), status: 201},
			{name: "buyer logs in", method: "POST", path: "/api/v1/sessions", body: loginBody("grace@example.com"), status: 201, check: save("buyer", "token")},
			{name: "another buyer signs up", method: "POST", path: "/api/v1/accounts", body: signUpBody("GB", "mallory@example.com"), status: 201},
			{name: "another buyer logs in", method: "POST", path: "/api/v1/sessions", body: loginBody("mallory@example.com"), status: 201, check: save("other", "token")},

			// The cart shows what checkout will charge.
			{name: "the cart starts empty", method: "GET", path: "/api/v1/cart", as: "buyer", status: 200,
				check: all(valueAt("total.amount", "0"), lengthAt("items", 0))},
			{name: "add the tea to the cart", method: "POST", path: "/api/v1/cart/items", as: "buyer", body: `{"sku_id": "{sku}", "quantity": 1}`, status: 200,
				check: all(lengthAt("items", 1), valueAt("items.0.sku_id", "{sku}"))},
			{name: "the cart shows shipping and the total", method: "GET", path: "/api/v1/cart", as: "buyer", status: 200,
				check: all(lengthAt("orders", 1), valueAt("orders.0.shop_id", "{shop}"), valueAt("orders.0.subtotal.amount", "599"),
					valueAt("orders.0.shipping_fee.amount", "299"), valueAt("orders.0.total.amount", "898"),
					valueAt("total.amount", "898"), valueAt("total.currency", "GBP"))},
			{name: "adding an unknown SKU", method: "POST", path: "/api/v1/cart/items", as: "buyer", body: `{"sku_id": "sku_gb_00000000000000000000000000", "quantity": 1}`, status: 404},
			{name: "a cart needs a sign-in", method: "GET", path: "/api/v1/cart", status: 401},

			// Checkout: exactly once per Idempotency-Key.
			{name: "check out the cart by card", method: "POST", path: "/api/v1/checkouts", as: "buyer", body: buyWithCard, header: key("buy-1"), status: 201,
				check: all(save("checkout", "id"), field("status", "PAID"), valueAt("total.amount", "898"), lengthAt("orders", 1),
					valueAt("orders.0.status", "ON_HOLD"), saveAt("order", "orders.0.id"), header("Location", "/api/v1/checkouts/{checkout}"))},
			{name: "the bought tea left the cart", method: "GET", path: "/api/v1/cart", as: "buyer", status: 200, check: lengthAt("items", 0)},
			{name: "a retry with the same key gets the same checkout", method: "POST", path: "/api/v1/checkouts", as: "buyer", body: buyWithCard, header: key("buy-1"), status: 201,
				check: all(field("id", "{checkout}"), field("status", "PAID"), valueAt("orders.0.id", "{order}"))},
			{name: "one unit is sold, not two", method: "GET", path: "/api/v1/products/{product}/stock", as: "seller", status: 200, check: stockIs(1, 0, 2)},
			{name: "the same key for another purchase", method: "POST", path: "/api/v1/checkouts", as: "buyer", header: key("buy-1"),
				body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1}]`, "Grace Hopper", "4242424242424242"), status: 422, check: problem("unprocessable", "")},
			{name: "without an Idempotency-Key", method: "POST", path: "/api/v1/checkouts", as: "buyer",
				body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1}]`, "Grace Hopper", "4242424242424242"), status: 400, check: problem("invalid", "Idempotency-Key")},
			{name: "checkout needs a sign-in", method: "POST", path: "/api/v1/checkouts", header: key("anon-1"), body: buyWithCard, status: 401},

			// A declined card: 402 with the checkout, saying why; the stock goes back.
			{name: "a declined card", method: "POST", path: "/api/v1/checkouts", as: "buyer", header: key("buy-2"),
				body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1}]`, "Grace Hopper", "4000000000000002"), status: 402,
				check: all(save("declined", "id"), field("status", "DECLINED"), field("decline_code", "card_declined"), valueAt("orders.0.status", "CANCELLED"),
					func(t *testing.T, v vars, r *response) {
						if msg, _ := r.json(t)["message"].(string); !strings.Contains(msg, "declined") {
							t.Errorf("message %q does not tell the buyer the card was declined", msg)
						}
						if r.header.Get("Location") != "" {
							t.Errorf("a declined checkout has Location %q; nothing was created", r.header.Get("Location"))
						}
					})},
			{name: "its retry answers the same", method: "POST", path: "/api/v1/checkouts", as: "buyer", header: key("buy-2"),
				body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1}]`, "Grace Hopper", "4000000000000002"), status: 402,
				check: all(field("id", "{declined}"), field("status", "DECLINED"))},
			{name: "the declined unit is back on sale", method: "GET", path: "/api/v1/products/{product}/stock", as: "seller", status: 200, check: stockIs(1, 0, 2)},

			// More than is left.
			{name: "more than is left", method: "POST", path: "/api/v1/checkouts", as: "buyer", header: key("buy-3"),
				body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 3}]`, "Grace Hopper", "4242424242424242"), status: 409,
				check: all(problem("conflict", ""), detailHas("Green tea", "2"))},
			{name: "nothing was held for it", method: "GET", path: "/api/v1/products/{product}/stock", as: "seller", status: 200, check: stockIs(1, 0, 2)},

			// What each side may see.
			{name: "the buyer's checkout", method: "GET", path: "/api/v1/checkouts/{checkout}", as: "buyer", status: 200, check: all(field("status", "PAID"), valueAt("orders.0.id", "{order}"))},
			{name: "another buyer's checkout", method: "GET", path: "/api/v1/checkouts/{checkout}", as: "other", status: 404, check: problem("not_found", "")},
			{name: "the buyer's orders, newest first", method: "GET", path: "/api/v1/orders", as: "buyer", status: 200,
				check: all(lengthAt("items", 2), valueAt("items.0.status", "CANCELLED"), valueAt("items.1.id", "{order}"), valueAt("items.1.status", "ON_HOLD"))},
			{name: "a page of one", method: "GET", path: "/api/v1/orders?limit=1", as: "buyer", status: 200,
				check: all(lengthAt("items", 1), func(t *testing.T, v vars, r *response) {
					if cur, _ := r.json(t)["next_cursor"].(string); cur == "" {
						t.Errorf("a first page of 1 of 2 orders has no next_cursor: %s", r.body)
					}
				})},
			{name: "another buyer has no orders", method: "GET", path: "/api/v1/orders", as: "other", status: 200, check: lengthAt("items", 0)},
			{name: "the order, by its buyer", method: "GET", path: "/api/v1/orders/{order}", as: "buyer", status: 200,
				check: all(field("status", "ON_HOLD"), valueAt("ship_to.name", "Grace Hopper"), valueAt("lines.0.quantity", "1"))},
			{name: "the order, by another buyer", method: "GET", path: "/api/v1/orders/{order}", as: "other", status: 404, check: problem("not_found", "")},
			{name: "the order, by the seller", method: "GET", path: "/api/v1/orders/{order}", as: "seller", status: 200, check: field("id", "{order}")},
			{name: "the shop's orders, by another buyer", method: "GET", path: "/api/v1/shops/{shop}/orders", as: "other", status: 404},
			{name: "the seller cannot ship while the buyer may still cancel", method: "POST", path: "/api/v1/orders/{order}/ship", as: "seller",
				body: `{"carrier": "Royal Mail", "tracking_number": "RM123456789GB"}`, status: 409, check: problem("conflict", "")},
		})

		endHold(t, m, v["order"])

		runOrderSteps(t, c, v, []step{
			{name: "the seller sees it awaiting shipment", method: "GET", path: "/api/v1/shops/{shop}/orders?status=AWAITING_SHIPMENT", as: "seller", status: 200,
				check: all(lengthAt("items", 1), valueAt("items.0.id", "{order}"))},
			{name: "an unknown status filter", method: "GET", path: "/api/v1/shops/{shop}/orders?status=LOST", as: "seller", status: 400, check: problem("invalid", "status")},
			{name: "the buyer cannot ship", method: "POST", path: "/api/v1/orders/{order}/ship", as: "buyer",
				body: `{"carrier": "Royal Mail", "tracking_number": "RM123456789GB"}`, status: 403, check: problem("forbidden", "")},
			{name: "a bad tracking number", method: "POST", path: "/api/v1/orders/{order}/ship", as: "seller",
				body: `{"carrier": "Royal Mail", "tracking_number": "?"}`, status: 400, check: problem("invalid", "tracking_number")},
			{name: "the seller ships", method: "POST", path: "/api/v1/orders/{order}/ship", as: "seller",
				body: `{"carrier": "Royal Mail", "tracking_number": "RM123456789GB"}`, status: 200,
				check: all(field("status", "IN_TRANSIT"), field("tracking_number", "RM123456789GB"), valueAt("lines.0.shipped", "true"))},
			{name: "too late for the buyer to cancel", method: "POST", path: "/api/v1/orders/{order}/cancel", as: "buyer",
				body: `{"reason": "changed my mind"}`, status: 409, check: all(problem("conflict", ""), detailHas("IN_TRANSIT"))},
			{name: "the buyer sees it on its way", method: "GET", path: "/api/v1/orders/{order}", as: "buyer", status: 200,
				check: all(field("status", "IN_TRANSIT"), field("carrier", "Royal Mail"))},
			{name: "a refund without a key", method: "POST", path: "/api/v1/orders/{order}/refunds", as: "seller", body: `{"amount": 100, "reason": "late"}`,
				status: 400, check: problem("invalid", "Idempotency-Key")},
			{name: "a refund of more than was paid", method: "POST", path: "/api/v1/orders/{order}/refunds", as: "seller", header: key("rf-1"),
				body: `{"amount": 100000, "reason": "late"}`, status: 400, check: problem("invalid", "amount")},
			{name: "the buyer cannot refund itself", method: "POST", path: "/api/v1/orders/{order}/refunds", as: "buyer", header: key("rf-1"),
				body: `{"amount": 100, "reason": "late"}`, status: 403},
			{name: "the seller refunds £1 for the delay", method: "POST", path: "/api/v1/orders/{order}/refunds", as: "seller", header: key("rf-1"),
				body: `{"amount": 100, "reason": "it came late"}`, status: 202, check: all(valueAt("amount.amount", "100"), field("status", "PENDING"), field("reason", "it came late"))},
			{name: "the order shows it", method: "GET", path: "/api/v1/orders/{order}", as: "buyer", status: 200, check: valueAt("refunded.amount", "100")},
			{name: "the seller records delivery", method: "POST", path: "/api/v1/orders/{order}/deliver", as: "seller", status: 200, check: field("status", "DELIVERED")},
			{name: "the sale stands", method: "GET", path: "/api/v1/products/{product}/stock", as: "seller", status: 200, check: stockIs(1, 0, 2)},
		})

		// A buyer may change their mind while the order is on hold.
		runOrderSteps(t, c, v, []step{
			{name: "buy again", method: "POST", path: "/api/v1/checkouts", as: "buyer", header: key("buy-4"),
				body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 2}]`, "Grace Hopper", "4242424242424242"), status: 201,
				check: all(field("status", "PAID"), saveAt("order2", "orders.0.id"))},
			{name: "sold out now", method: "POST", path: "/api/v1/checkouts", as: "other", header: key("other-1"),
				body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1}]`, "Mallory", "4242424242424242"), status: 409, check: detailHas("Green tea", "sold out")},
			{name: "a cancellation needs a reason", method: "POST", path: "/api/v1/orders/{order2}/cancel", as: "buyer", body: `{"reason": " "}`, status: 400, check: problem("invalid", "reason")},
			{name: "the buyer cancels in the window", method: "POST", path: "/api/v1/orders/{order2}/cancel", as: "buyer", body: `{"reason": "ordered twice"}`, status: 200,
				check: all(field("status", "CANCELLED"), field("cancelled_by", "buyer"), field("cancel_reason", "ordered twice"))},
			{name: "the units are back on sale", method: "GET", path: "/api/v1/products/{product}/stock", as: "seller", status: 200, check: stockIs(1, 0, 2)},
		})
	})
}

// TestOrderRoutesAreDocumented checks that a client reading
// /api/openapi.json finds checkout and orders.
func TestOrderRoutesAreDocumented(t *testing.T) {
	t.Parallel()
	m := startMain(t, "sqlite")
	r := newClient(t, m).do(t, "GET", "/api/openapi.json", "", "", nil)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []map[string]any `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"GET /api/v1/cart", "POST /api/v1/cart/items", "POST /api/v1/checkouts", "GET /api/v1/checkouts/{id}",
		"GET /api/v1/orders", "GET /api/v1/orders/{id}", "POST /api/v1/orders/{id}/cancel", "POST /api/v1/orders/{id}/ship",
		"POST /api/v1/orders/{id}/deliver", "POST /api/v1/orders/{id}/refunds", "GET /api/v1/shops/{id}/orders"} {
		method, path, _ := strings.Cut(want, " ")
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("%s is not in the OpenAPI document", want)
		}
	}
	// Checkout keeps its own key, so the generic optional one must not be
	// offered for it.
	for _, p := range doc.Paths["/api/v1/checkouts"]["post"].Parameters {
		if ref, _ := p["$ref"].(string); strings.HasSuffix(ref, "IdempotencyKey") {
			t.Errorf("checkout documents the generic optional Idempotency-Key; its own is required")
		}
	}
}

// runOrderSteps is runSteps for a scenario with declined payments: 402
// answers with the checkout, which says why, not with a problem document.
func runOrderSteps(t *testing.T, c *client, v vars, steps []step) {
	t.Helper()
	for _, s := range steps {
		if s.status != http.StatusPaymentRequired {
			runSteps(t, c, v, []step{s})
			continue
		}
		ok := t.Run(s.name, func(t *testing.T) {
			r := c.do(t, s.method, v.expand(s.path), v[s.as], v.expand(s.body), s.header)
			if r.status != s.status {
				t.Fatalf("%s %s: status %d, want %d; body %s", s.method, v.expand(s.path), r.status, s.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json: the body is the checkout", ct)
			}
			if s.check != nil {
				s.check(t, v, r)
			}
		})
		if !ok {
			t.FailNow()
		}
	}
}

// checkoutJSON is a checkout request for items (a JSON array; [] buys the
// cart), delivered to name in London, paid with a card number.
func checkoutJSON(items, name, card string) string {
	return fmt.Sprintf(`{"items": %s, "ship_to": {"name": %q, "line1": "1 High Street", "city": "London", "postal_code": "N1 1AA"},
		"payment": {"method": "card", "card": {"number": %q, "exp_month": 12, "exp_year": %d, "cvc": "123"}}}`,
		items, name, card, time.Now().Year()+3)
}

// endHold lets the buyer-remorse window of an order pass: its end_hold
// job is made due now and the due jobs are run.
func endHold(t *testing.T, m *Main, orderID string) {
	t.Helper()
	ctx := context.Background()
	for _, region := range m.Router.RegionNames() {
		err := m.Router.Region(region).WriteTx(ctx, func(tx *sqlstore.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE jobs SET run_at = ? WHERE dedupe_key = ?`, time.Now().UTC().Add(-time.Second), "order.end_hold:"+orderID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, err := m.Jobs.RunDue(ctx); err != nil || n == 0 {
		t.Fatalf("ran %d jobs, %v; want the end of the hold", n, err)
	}
}

// at returns the value at a dotted path of a JSON document: "orders.0.id".
func at(t *testing.T, r *response, path string) (any, bool) {
	t.Helper()
	var cur any = r.json(t)
	for _, part := range strings.Split(path, ".") {
		switch x := cur.(type) {
		case map[string]any:
			var ok bool
			if cur, ok = x[part]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			cur = x[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// valueAt checks the value at a path, written as fmt prints it.
func valueAt(path, want string) func(t *testing.T, v vars, r *response) {
	return func(t *testing.T, v vars, r *response) {
		t.Helper()
		got, ok := at(t, r, path)
		if !ok || fmt.Sprint(got) != v.expand(want) {
			t.Errorf("%s = %v, want %s; body %s", path, got, v.expand(want), r.body)
		}
	}
}

// lengthAt checks the length of the array at a path.
func lengthAt(path string, want int) func(t *testing.T, v vars, r *response) {
	return func(t *testing.T, v vars, r *response) {
		t.Helper()
		got, _ := at(t, r, path)
		list, ok := got.([]any)
		if !ok || len(list) != want {
			t.Errorf("%s has %d items, want %d; body %s", path, len(list), want, r.body)
		}
	}
}

// saveAt stores the string at a path into a var.
func saveAt(name, path string) func(t *testing.T, v vars, r *response) {
	return func(t *testing.T, v vars, r *response) {
		t.Helper()
		got, _ := at(t, r, path)
		s, _ := got.(string)
		if s == "" {
			t.Fatalf("body %s has no %s", r.body, path)
		}
		v[name] = s
	}
}

func header(name, want string) func(t *testing.T, v vars, r *response) {
	return func(t *testing.T, v vars, r *response) {
		t.Helper()
		if got := r.header.Get(name); got != v.expand(want) {
			t.Errorf("%s: %q, want %q", name, got, v.expand(want))
		}
	}
}

// detailHas checks that a problem's detail names each of words.
func detailHas(words ...string) func(t *testing.T, v vars, r *response) {
	return func(t *testing.T, v vars, r *response) {
		t.Helper()
		d, _ := r.json(t)["detail"].(string)
		if i := slices.IndexFunc(words, func(w string) bool { return !strings.Contains(d, w) }); i >= 0 {
			t.Errorf("detail %q does not mention %q", d, words[i])
		}
	}
}

// stockIs checks a one-SKU product's stock as its seller sees it.
func stockIs(sold, reserved, available int) func(t *testing.T, v vars, r *response) {
	want := fmt.Sprintf("sold %d, reserved %d, available %d", sold, reserved, available)
	return func(t *testing.T, v vars, r *response) {
		t.Helper()
		num := func(p string) any { x, _ := at(t, r, "stock.0."+p); return x }
		if got := fmt.Sprintf("sold %v, reserved %v, available %v", num("sold"), num("reserved"), num("available")); got != want {
			t.Errorf("stock: %s, want %s; body %s", got, want, r.body)
		}
	}
}
