package main

import (
	"context"
	"encoding/json"
	"fmt"
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
		runSteps(t, c, v, []step{
			// A seller with 3 units of tea, and two buyers.
			{Name: "seller signs up", Method: "POST", Path: "/api/v1/accounts", Body: signUpBody("GB", "seller@example.com"), Status: 201},
			{Name: "seller logs in", Method: "POST", Path: "/api/v1/sessions", Body: loginBody("seller@example.com"), Status: 201, Check: save("seller", "token")},
			{Name: "seller opens a shop", Method: "POST", Path: "/api/v1/shops", As: "seller", Body: `{"name": "Tea Corner"}`, Status: 201, Check: save("shop", "id")},
			{Name: "seller lists 3 units", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "seller",
				Body:   `{"title": "Green tea", "category": "food", "skus": [{"price": 599, "stock": 3}], "publish": true}`,
				Status: 201, Check: all(save("product", "id"), field("status", "ACTIVATE"), saveAt("sku", "skus.0.id"))},
			{Name: "buyer signs up", Method: "POST", Path: "/api/v1/accounts", Body: signUpBody("GB", "grace@example.com"), Status: 201},
			{Name: "buyer logs in", Method: "POST", Path: "/api/v1/sessions", Body: loginBody("grace@example.com"), Status: 201, Check: save("buyer", "token")},
			{Name: "another buyer signs up", Method: "POST", Path: "/api/v1/accounts", Body: signUpBody("GB", "mallory@example.com"), Status: 201},
			{Name: "another buyer logs in", Method: "POST", Path: "/api/v1/sessions", Body: loginBody("mallory@example.com"), Status: 201, Check: save("other", "token")},

			// The cart shows what checkout will charge.
			{Name: "the cart starts empty", Method: "GET", Path: "/api/v1/cart", As: "buyer", Status: 200,
				Check: all(valueAt("total.amount", "0"), lengthAt("items", 0))},
			{Name: "add the tea to the cart", Method: "POST", Path: "/api/v1/cart/items", As: "buyer", Body: `{"sku_id": "{sku}", "quantity": 1}`, Status: 200,
				Check: all(lengthAt("items", 1), valueAt("items.0.sku_id", "{sku}"))},
			{Name: "the cart shows shipping and the total", Method: "GET", Path: "/api/v1/cart", As: "buyer", Status: 200,
				Check: all(lengthAt("orders", 1), valueAt("orders.0.shop_id", "{shop}"), valueAt("orders.0.subtotal.amount", "599"),
					valueAt("orders.0.shipping_fee.amount", "299"), valueAt("orders.0.total.amount", "898"),
					valueAt("total.amount", "898"), valueAt("total.currency", "GBP"))},
			{Name: "adding an unknown SKU", Method: "POST", Path: "/api/v1/cart/items", As: "buyer", Body: `{"sku_id": "sku_gb_00000000000000000000000000", "quantity": 1}`, Status: 404},
			{Name: "a cart needs a sign-in", Method: "GET", Path: "/api/v1/cart", Status: 401},

			// Checkout: exactly once per Idempotency-Key.
			{Name: "check out the cart by card", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Body: buyWithCard, Header: key("buy-1"), Status: 201,
				Check: all(save("checkout", "id"), field("status", "PAID"), valueAt("total.amount", "898"), lengthAt("orders", 1),
					valueAt("orders.0.status", "ON_HOLD"), saveAt("order", "orders.0.id"), header("Location", "/api/v1/checkouts/{checkout}"))},
			{Name: "the bought tea left the cart", Method: "GET", Path: "/api/v1/cart", As: "buyer", Status: 200, Check: lengthAt("items", 0)},
			{Name: "a retry with the same key gets the same checkout", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Body: buyWithCard, Header: key("buy-1"), Status: 201,
				Check: all(field("id", "{checkout}"), field("status", "PAID"), valueAt("orders.0.id", "{order}"))},
			{Name: "one unit is sold, not two", Method: "GET", Path: "/api/v1/products/{product}/stock", As: "seller", Status: 200, Check: stockIs(1, 0, 2)},
			{Name: "the same key for another purchase", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Header: key("buy-1"),
				Body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1}]`, "Grace Hopper", "4242424242424242"), Status: 422, Check: problem("unprocessable", "")},
			{Name: "without an Idempotency-Key", Method: "POST", Path: "/api/v1/checkouts", As: "buyer",
				Body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1}]`, "Grace Hopper", "4242424242424242"), Status: 400, Check: problem("invalid", "Idempotency-Key")},
			{Name: "checkout needs a sign-in", Method: "POST", Path: "/api/v1/checkouts", Header: key("anon-1"), Body: buyWithCard, Status: 401},

			// A declined card: 402 with the checkout, saying why; the stock goes back.
			{Name: "a declined card", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Header: key("buy-2"),
				Body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1}]`, "Grace Hopper", "4000000000000002"), Status: 402,
				Check: all(save("declined", "id"), field("status", "DECLINED"), field("decline_code", "card_declined"), valueAt("orders.0.status", "CANCELLED"),
					func(t *testing.T, v vars, r *response) {
						if msg, _ := r.JSON(t)["message"].(string); !strings.Contains(msg, "declined") {
							t.Errorf("message %q does not tell the buyer the card was declined", msg)
						}
						if r.Header.Get("Location") != "" {
							t.Errorf("a declined checkout has Location %q; nothing was created", r.Header.Get("Location"))
						}
					})},
			{Name: "its retry answers the same", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Header: key("buy-2"),
				Body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1}]`, "Grace Hopper", "4000000000000002"), Status: 402,
				Check: all(field("id", "{declined}"), field("status", "DECLINED"))},
			{Name: "the declined unit is back on sale", Method: "GET", Path: "/api/v1/products/{product}/stock", As: "seller", Status: 200, Check: stockIs(1, 0, 2)},

			// More than is left.
			{Name: "more than is left", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Header: key("buy-3"),
				Body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 3}]`, "Grace Hopper", "4242424242424242"), Status: 409,
				Check: all(problem("conflict", "items[0].quantity"), detailHas("Green tea", "2"))},
			{Name: "nothing was held for it", Method: "GET", Path: "/api/v1/products/{product}/stock", As: "seller", Status: 200, Check: stockIs(1, 0, 2)},

			// What each side may see.
			{Name: "the buyer's checkout", Method: "GET", Path: "/api/v1/checkouts/{checkout}", As: "buyer", Status: 200, Check: all(field("status", "PAID"), valueAt("orders.0.id", "{order}"))},
			{Name: "another buyer's checkout", Method: "GET", Path: "/api/v1/checkouts/{checkout}", As: "other", Status: 404, Check: problem("not_found", "")},
			{Name: "the buyer's orders, newest first", Method: "GET", Path: "/api/v1/orders", As: "buyer", Status: 200,
				Check: all(lengthAt("items", 2), valueAt("items.0.status", "CANCELLED"), valueAt("items.1.id", "{order}"), valueAt("items.1.status", "ON_HOLD"))},
			{Name: "a page of one", Method: "GET", Path: "/api/v1/orders?limit=1", As: "buyer", Status: 200,
				Check: all(lengthAt("items", 1), func(t *testing.T, v vars, r *response) {
					if cur, _ := r.JSON(t)["next_cursor"].(string); cur == "" {
						t.Errorf("a first page of 1 of 2 orders has no next_cursor: %s", r.Body)
					}
				})},
			{Name: "another buyer has no orders", Method: "GET", Path: "/api/v1/orders", As: "other", Status: 200, Check: lengthAt("items", 0)},
			{Name: "the order, by its buyer", Method: "GET", Path: "/api/v1/orders/{order}", As: "buyer", Status: 200,
				Check: all(field("status", "ON_HOLD"), valueAt("ship_to.name", "Grace Hopper"), valueAt("lines.0.quantity", "1"))},
			{Name: "the order, by another buyer", Method: "GET", Path: "/api/v1/orders/{order}", As: "other", Status: 404, Check: problem("not_found", "")},
			{Name: "the order, by the seller", Method: "GET", Path: "/api/v1/orders/{order}", As: "seller", Status: 200, Check: field("id", "{order}")},
			{Name: "the shop's orders, by another buyer", Method: "GET", Path: "/api/v1/shops/{shop}/orders", As: "other", Status: 404},
			{Name: "the seller cannot ship while the buyer may still cancel", Method: "POST", Path: "/api/v1/orders/{order}/ship", As: "seller",
				Body: `{"carrier": "Royal Mail", "tracking_number": "RM123456789GB"}`, Status: 409, Check: problem("conflict", "")},
		})

		endHold(t, m, v["order"])

		runSteps(t, c, v, []step{
			{Name: "the seller sees it awaiting shipment", Method: "GET", Path: "/api/v1/shops/{shop}/orders?status=AWAITING_SHIPMENT", As: "seller", Status: 200,
				Check: all(lengthAt("items", 1), valueAt("items.0.id", "{order}"))},
			{Name: "an unknown status filter", Method: "GET", Path: "/api/v1/shops/{shop}/orders?status=LOST", As: "seller", Status: 400, Check: problem("invalid", "status")},
			{Name: "the buyer cannot ship", Method: "POST", Path: "/api/v1/orders/{order}/ship", As: "buyer",
				Body: `{"carrier": "Royal Mail", "tracking_number": "RM123456789GB"}`, Status: 403, Check: problem("forbidden", "")},
			{Name: "a bad tracking number", Method: "POST", Path: "/api/v1/orders/{order}/ship", As: "seller",
				Body: `{"carrier": "Royal Mail", "tracking_number": "?"}`, Status: 400, Check: problem("invalid", "tracking_number")},
			{Name: "the seller ships", Method: "POST", Path: "/api/v1/orders/{order}/ship", As: "seller",
				Body: `{"carrier": "Royal Mail", "tracking_number": "RM123456789GB"}`, Status: 200,
				Check: all(field("status", "IN_TRANSIT"), field("tracking_number", "RM123456789GB"), valueAt("lines.0.shipped", "true"))},
			{Name: "too late for the buyer to cancel", Method: "POST", Path: "/api/v1/orders/{order}/cancel", As: "buyer",
				Body: `{"reason": "changed my mind"}`, Status: 409, Check: all(problem("conflict", ""), detailHas("IN_TRANSIT"))},
			{Name: "the buyer sees it on its way", Method: "GET", Path: "/api/v1/orders/{order}", As: "buyer", Status: 200,
				Check: all(field("status", "IN_TRANSIT"), field("carrier", "Royal Mail"))},
			{Name: "a refund without a key", Method: "POST", Path: "/api/v1/orders/{order}/refunds", As: "seller", Body: `{"amount": 100, "reason": "late"}`,
				Status: 400, Check: problem("invalid", "Idempotency-Key")},
			{Name: "a refund of more than was paid", Method: "POST", Path: "/api/v1/orders/{order}/refunds", As: "seller", Header: key("rf-1"),
				Body: `{"amount": 100000, "reason": "late"}`, Status: 400, Check: problem("invalid", "amount")},
			{Name: "the buyer cannot refund itself", Method: "POST", Path: "/api/v1/orders/{order}/refunds", As: "buyer", Header: key("rf-1"),
				Body: `{"amount": 100, "reason": "late"}`, Status: 403},
			{Name: "the seller refunds £1 for the delay", Method: "POST", Path: "/api/v1/orders/{order}/refunds", As: "seller", Header: key("rf-1"),
				Body: `{"amount": 100, "reason": "it came late"}`, Status: 202, Check: all(valueAt("amount.amount", "100"), field("status", "PENDING"), field("reason", "it came late"))},
			{Name: "the order shows it", Method: "GET", Path: "/api/v1/orders/{order}", As: "buyer", Status: 200, Check: valueAt("refunded.amount", "100")},
			{Name: "the seller records delivery", Method: "POST", Path: "/api/v1/orders/{order}/deliver", As: "seller", Status: 200, Check: field("status", "DELIVERED")},
			{Name: "the sale stands", Method: "GET", Path: "/api/v1/products/{product}/stock", As: "seller", Status: 200, Check: stockIs(1, 0, 2)},
		})

		// A buyer may change their mind while the order is on hold.
		runSteps(t, c, v, []step{
			{Name: "buy again", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Header: key("buy-4"),
				Body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 2}]`, "Grace Hopper", "4242424242424242"), Status: 201,
				Check: all(field("status", "PAID"), saveAt("order2", "orders.0.id"))},
			{Name: "sold out now", Method: "POST", Path: "/api/v1/checkouts", As: "other", Header: key("other-1"),
				Body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1}]`, "Mallory", "4242424242424242"), Status: 409, Check: detailHas("Green tea", "sold out")},
			{Name: "a cancellation needs a reason", Method: "POST", Path: "/api/v1/orders/{order2}/cancel", As: "buyer", Body: `{"reason": " "}`, Status: 400, Check: problem("invalid", "reason")},
			{Name: "the buyer cancels in the window", Method: "POST", Path: "/api/v1/orders/{order2}/cancel", As: "buyer", Body: `{"reason": "ordered twice"}`, Status: 200,
				Check: all(field("status", "CANCELLED"), field("cancelled_by", "buyer"), field("cancel_reason", "ordered twice"))},
			{Name: "the units are back on sale", Method: "GET", Path: "/api/v1/products/{product}/stock", As: "seller", Status: 200, Check: stockIs(1, 0, 2)},
		})
	})
}

// TestOrderRoutesAreDocumented checks that a client reading
// /api/openapi.json finds checkout and orders.
func TestOrderRoutesAreDocumented(t *testing.T) {
	t.Parallel()
	m := startMain(t, "sqlite")
	r := newClient(t, m).Do(t, "GET", "/api/openapi.json", "", "", nil)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []map[string]any `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
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
	var cur any = r.JSON(t)
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
		if !ok || fmt.Sprint(got) != v.Expand(want) {
			t.Errorf("%s = %v, want %s; body %s", path, got, v.Expand(want), r.Body)
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
			t.Errorf("%s has %d items, want %d; body %s", path, len(list), want, r.Body)
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
			t.Fatalf("body %s has no %s", r.Body, path)
		}
		v[name] = s
	}
}

func header(name, want string) func(t *testing.T, v vars, r *response) {
	return func(t *testing.T, v vars, r *response) {
		t.Helper()
		if got := r.Header.Get(name); got != v.Expand(want) {
			t.Errorf("%s: %q, want %q", name, got, v.Expand(want))
		}
	}
}

// detailHas checks that a problem's detail names each of words.
func detailHas(words ...string) func(t *testing.T, v vars, r *response) {
	return func(t *testing.T, v vars, r *response) {
		t.Helper()
		d, _ := r.JSON(t)["detail"].(string)
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
			t.Errorf("stock: %s, want %s; body %s", got, want, r.Body)
		}
	}
}
