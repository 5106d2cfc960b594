package main

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
)

// startMain runs a whole loopshop process in-process on a free port, over
// fresh databases of engine, and stops it when the test ends.
func startMain(t *testing.T, engine string) *Main {
	t.Helper()
	m := NewMain(io.Discard, io.Discard)
	m.Config = *sqltest.Config(t, engine)
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return m
}

// The scenario harness is testkit's; these names keep the scenarios
// short.
type (
	response = testkit.Response
	vars     = testkit.Vars
	step     = testkit.Step
	client   = testkit.Client
)

var (
	problem = testkit.Problem
	save    = testkit.Save
	all     = testkit.All
	field   = testkit.Field
)

func newClient(t *testing.T, m *Main) *client { return testkit.NewClient(t, "http://"+m.Server.Addr()) }

func runSteps(t *testing.T, c *client, v vars, steps []step) {
	t.Helper()
	testkit.Run(t, c, v, steps)
}

// listed saves a created product's ID and waits a millisecond, so that the
// next product's ID sorts after it (IDs order by the millisecond).
func listed(name, status string) testkit.Check {
	return all(save(name, "id"), field("status", status), field("market", "GB"), func(t *testing.T, v vars, r *response) {
		time.Sleep(2 * time.Millisecond)
	})
}

func signUpBody(market, email string) string {
	return `{"market": "` + market + `", "email": "` + email + `", "password": "correct horse battery", "display_name": "` + strings.Split(email, "@")[0] + `"}`
}

func loginBody(email string) string {
	return `{"email": "` + email + `", "password": "correct horse battery"}`
}

func productBody(title string, price int, publish bool) string {
	b, _ := json.Marshal(map[string]any{"title": title, "category": "food", "description": "Loose leaf.", "skus": []map[string]any{{"price": price}}, "publish": publish})
	return string(b)
}

func TestAPIScenario(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		m := startMain(t, engine)
		c := newClient(t, m)
		v := vars{"fake": "ses_gb_00000000000000000000000000"}
		runSteps(t, c, v, []step{
			{Name: "health", Method: "GET", Path: "/healthz", Status: 200},
			{Name: "ready", Method: "GET", Path: "/readyz", Status: 200},

			// Accounts and sign-in.
			{Name: "sign up", Method: "POST", Path: "/api/v1/accounts", Body: signUpBody("GB", "ada@example.com"), Status: 201,
				Check: all(save("ada", "id"), field("market", "GB"), field("email", "ada@example.com"), func(t *testing.T, v vars, r *response) {
					if strings.Contains(string(r.Body), "argon2") || strings.Contains(string(r.Body), "password") {
						t.Errorf("sign-up answer %s shows the password or its hash", r.Body)
					}
				})},
			{Name: "sign up another", Method: "POST", Path: "/api/v1/accounts", Body: signUpBody("GB", "bob@example.com"), Status: 201, Check: save("bob", "id")},
			{Name: "sign up twice, in another market", Method: "POST", Path: "/api/v1/accounts", Body: signUpBody("US", "ada@EXAMPLE.com"), Status: 409,
				Check: problem("conflict", "email")},
			{Name: "sign up with an unknown field", Method: "POST", Path: "/api/v1/accounts", Body: `{"market": "GB", "email": "cy@example.com", "password": "correct horse battery", "nickname": "cy"}`, Status: 400,
				Check: all(problem("invalid", "nickname"), func(t *testing.T, v vars, r *response) {
					if d, _ := r.JSON(t)["detail"].(string); !strings.Contains(d, "nickname") {
						t.Errorf("detail %q does not name the unknown field", d)
					}
				})},
			{Name: "log in with a wrong password", Method: "POST", Path: "/api/v1/sessions", Body: `{"email": "ada@example.com", "password": "not the password"}`, Status: 401,
				Check: all(problem("unauthorized", ""), func(t *testing.T, v vars, r *response) {
					if r.Header.Get("WWW-Authenticate") == "" {
						t.Error("401 without WWW-Authenticate")
					}
				})},
			{Name: "log in", Method: "POST", Path: "/api/v1/sessions", Body: loginBody("ada@example.com"), Status: 201,
				Check: all(save("ada_token", "token"), func(t *testing.T, v vars, r *response) {
					if !strings.HasPrefix(v["ada_token"], "ses_gb_") {
						t.Errorf("token %q does not carry its market", v["ada_token"])
					}
					if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
						t.Errorf("token response Cache-Control %q, want no-store", cc)
					}
					acc, _ := r.JSON(t)["account"].(map[string]any)
					if acc["id"] != v["ada"] {
						t.Errorf("logged in as %v, want %s", acc["id"], v["ada"])
					}
				})},
			{Name: "log in another", Method: "POST", Path: "/api/v1/sessions", Body: loginBody("bob@example.com"), Status: 201, Check: save("bob_token", "token")},
			{Name: "me without a token", Method: "GET", Path: "/api/v1/me", Status: 401, Check: problem("unauthorized", "")},
			{Name: "me with a made-up token", Method: "GET", Path: "/api/v1/me", As: "fake", Status: 401},
			{Name: "me", Method: "GET", Path: "/api/v1/me", As: "ada_token", Status: 200,
				Check: all(field("account_id", "{ada}"), field("market", "GB"), field("display_name", "ada"), func(t *testing.T, v vars, r *response) {
					if shops, ok := r.JSON(t)["shops"].([]any); !ok || len(shops) != 0 {
						t.Errorf("shops %v, want an empty list", r.JSON(t)["shops"])
					}
				})},
			{Name: "own account", Method: "GET", Path: "/api/v1/accounts/{ada}", As: "ada_token", Status: 200, Check: field("email", "ada@example.com")},
			{Name: "another's account", Method: "GET", Path: "/api/v1/accounts/{ada}", As: "bob_token", Status: 404, Check: problem("not_found", "")},
			{Name: "an account, anonymously", Method: "GET", Path: "/api/v1/accounts/{ada}", Status: 401},

			// A shop and its products.
			{Name: "create shop", Method: "POST", Path: "/api/v1/shops", As: "ada_token", Body: `{"name": "Ada's Tea"}`, Status: 201,
				Check: all(save("shop", "id"), field("name", "Ada's Tea"), field("market", "GB"))},
			{Name: "create shop with an unknown field", Method: "POST", Path: "/api/v1/shops", As: "ada_token", Body: `{"name": "Ada's Coffee", "colour": "red"}`, Status: 400,
				Check: all(problem("invalid", "colour"), func(t *testing.T, v vars, r *response) {
					if d, _ := r.JSON(t)["detail"].(string); !strings.Contains(d, `"colour"`) {
						t.Errorf("detail %q does not name the unknown field", d)
					}
				})},
			{Name: "create shop with a taken name", Method: "POST", Path: "/api/v1/shops", As: "bob_token", Body: `{"name": "Ada's Tea"}`, Status: 409, Check: problem("conflict", "name")},
			{Name: "create shop anonymously", Method: "POST", Path: "/api/v1/shops", Body: `{"name": "Nobody's"}`, Status: 401},
			{Name: "me shows the shop", Method: "GET", Path: "/api/v1/me", As: "ada_token", Status: 200,
				Check: func(t *testing.T, v vars, r *response) {
					type membership struct {
						ShopID string `json:"shop_id"`
						Role   string `json:"role"`
					}
					var me struct {
						Shops []membership `json:"shops"`
					}
					if err := json.Unmarshal(r.Body, &me); err != nil {
						t.Fatal(err)
					}
					want := []membership{{v["shop"], "owner"}}
					if diff := cmp.Diff(want, me.Shops); diff != "" {
						t.Errorf("shops (-want +got):\n%s", diff)
					}
				}},
			{Name: "shop detail", Method: "GET", Path: "/api/v1/shops/{shop}", Status: 200, Check: field("name", "Ada's Tea")},
			{Name: "list a product", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "ada_token", Body: productBody("Green tea", 1299, true), Status: 201, Check: listed("p1", "ACTIVATE")},
			{Name: "list a second product", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "ada_token", Body: productBody("Black tea", 899, true), Status: 201, Check: listed("p2", "ACTIVATE")},
			{Name: "list a third product", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "ada_token", Body: productBody("White tea", 2599, true), Status: 201, Check: listed("p3", "ACTIVATE")},
			{Name: "save a draft", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "ada_token", Body: productBody("Secret blend", 4999, false), Status: 201, Check: listed("draft", "DRAFT")},
			{Name: "list in another's shop", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "bob_token", Body: productBody("Fake tea", 100, true), Status: 404, Check: problem("not_found", "")},
			{Name: "list anonymously", Method: "POST", Path: "/api/v1/shops/{shop}/products", Body: productBody("Free tea", 100, true), Status: 401},
			{Name: "list at a zero price", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "ada_token", Body: productBody("Cheap tea", 0, true), Status: 400, Check: problem("invalid", "skus[0].price")},
			{Name: "list with a price that is not a number", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "ada_token",
				Body: `{"title": "Tea", "category": "food", "skus": [{"price": "12.99"}]}`, Status: 400,
				Check: all(problem("invalid", "skus.price"), func(t *testing.T, v vars, r *response) {
					// The client knows JSON, not the server's Go types.
					if d, _ := r.JSON(t)["detail"].(string); !strings.Contains(d, "number") || strings.Contains(d, "int64") || strings.Contains(d, "NewProduct") {
						t.Errorf("detail %q: want it to ask for a JSON number, naming no Go type", d)
					}
				})},

			// Browsing, newest first, two at a time.
			{Name: "browse the first page", Method: "GET", Path: "/api/v1/markets/gb/products?limit=2", Status: 200,
				Check: func(t *testing.T, v vars, r *response) {
					if diff := cmp.Diff([]string{v["p3"], v["p2"]}, r.Items(t)); diff != "" {
						t.Errorf("first page (-want +got):\n%s", diff)
					}
					cur, _ := r.JSON(t)["next_cursor"].(string)
					if cur == "" {
						t.Fatal("first page has no next_cursor")
					}
					v["cursor"] = url.QueryEscape(cur)
				}},
			{Name: "browse the next page", Method: "GET", Path: "/api/v1/markets/GB/products?limit=2&cursor={cursor}", Status: 200,
				Check: func(t *testing.T, v vars, r *response) {
					if diff := cmp.Diff([]string{v["p1"]}, r.Items(t)); diff != "" {
						t.Errorf("last page (-want +got):\n%s", diff)
					}
					if cur, ok := r.JSON(t)["next_cursor"]; ok {
						t.Errorf("last page has next_cursor %v", cur)
					}
				}},
			{Name: "browse another market", Method: "GET", Path: "/api/v1/markets/DE/products", Status: 200,
				Check: func(t *testing.T, v vars, r *response) {
					if !strings.Contains(string(r.Body), `"items":[]`) {
						t.Errorf("empty market answers %s; want items: []", r.Body)
					}
				}},
			{Name: "browse an unserved market", Method: "GET", Path: "/api/v1/markets/ZZ/products", Status: 404},
			{Name: "browse with a bad limit", Method: "GET", Path: "/api/v1/markets/GB/products?limit=1000", Status: 400, Check: problem("invalid", "limit")},
			{Name: "browse with a bad cursor", Method: "GET", Path: "/api/v1/markets/GB/products?cursor=!!", Status: 400, Check: problem("invalid", "cursor")},
			{Name: "the category tree", Method: "GET", Path: "/api/v1/categories", Status: 200,
				Check: func(t *testing.T, v vars, r *response) {
					if !strings.Contains(string(r.Body), `"id":"food-beverages"`) || !strings.Contains(string(r.Body), `"parent_id":"food-beverages"`) {
						t.Errorf("the tree lacks food & beverages and its children: %.300s", r.Body)
					}
				}},
			{Name: "browse a category", Method: "GET", Path: "/api/v1/markets/GB/products?category=food-beverages", Status: 200,
				Check: func(t *testing.T, v vars, r *response) {
					if n := len(r.Items(t)); n != 3 {
						t.Errorf("food & beverages lists %d products, want the 3 teas (category \"food\")", n)
					}
				}},
			{Name: "browse another category", Method: "GET", Path: "/api/v1/markets/GB/products?category=beauty-personal-care", Status: 200,
				Check: func(t *testing.T, v vars, r *response) {
					if n := len(r.Items(t)); n != 0 {
						t.Errorf("beauty lists %d products, want none", n)
					}
				}},
			{Name: "browse an unknown category", Method: "GET", Path: "/api/v1/markets/GB/products?category=nope", Status: 404},
			{Name: "product detail", Method: "GET", Path: "/api/v1/products/{p1}", Status: 200,
				Check: all(field("title", "Green tea"), field("shop_id", "{shop}"), func(t *testing.T, v vars, r *response) {
					var p struct {
						SKUs []struct {
							Price struct {
								Amount   int64
								Currency string
							}
						}
					}
					if err := json.Unmarshal(r.Body, &p); err != nil {
						t.Fatal(err)
					}
					if len(p.SKUs) != 1 || p.SKUs[0].Price.Amount != 1299 || p.SKUs[0].Price.Currency != "GBP" {
						t.Errorf("SKUs %+v, want one at 1299 GBP", p.SKUs)
					}
				})},
			{Name: "draft, anonymously", Method: "GET", Path: "/api/v1/products/{draft}", Status: 404},
			{Name: "draft, by a stranger", Method: "GET", Path: "/api/v1/products/{draft}", As: "bob_token", Status: 404},
			{Name: "draft, by its seller", Method: "GET", Path: "/api/v1/products/{draft}", As: "ada_token", Status: 200, Check: field("status", "DRAFT")},
			{Name: "unknown product", Method: "GET", Path: "/api/v1/products/prd_gb_00000000000000000000000000", Status: 404},
			{Name: "unknown endpoint", Method: "GET", Path: "/api/v1/nothing-here", Status: 404},
			{Name: "wrong method", Method: "DELETE", Path: "/api/v1/me", As: "ada_token", Status: 405,
				Check: func(t *testing.T, v vars, r *response) {
					if r.Header.Get("Allow") != "GET" {
						t.Errorf("Allow %q, want GET", r.Header.Get("Allow"))
					}
				}},

			// Exactly-once shop creation with an Idempotency-Key.
			{Name: "create shop with a key", Method: "POST", Path: "/api/v1/shops", As: "bob_token", Body: `{"name": "Bob's Books"}`,
				Header: map[string]string{"Idempotency-Key": "2f1c6a1e-shop-1"}, Status: 201,
				Check: all(save("bob_shop", "id"), func(t *testing.T, v vars, r *response) {
					if r.Header.Get("Idempotent-Replayed") != "" {
						t.Error("first request marked as replayed")
					}
				})},
			{Name: "repeat it with the same key", Method: "POST", Path: "/api/v1/shops", As: "bob_token", Body: `{"name": "Bob's Books"}`,
				Header: map[string]string{"Idempotency-Key": "2f1c6a1e-shop-1"}, Status: 201,
				Check: all(field("id", "{bob_shop}"), func(t *testing.T, v vars, r *response) {
					if r.Header.Get("Idempotent-Replayed") != "true" {
						t.Errorf("Idempotent-Replayed %q, want true", r.Header.Get("Idempotent-Replayed"))
					}
					if ct := r.Header.Get("Content-Type"); ct != "application/json" {
						t.Errorf("replayed Content-Type %q, want application/json", ct)
					}
				})},
			{Name: "reuse the key for another body", Method: "POST", Path: "/api/v1/shops", As: "bob_token", Body: `{"name": "Bob's Other Books"}`,
				Header: map[string]string{"Idempotency-Key": "2f1c6a1e-shop-1"}, Status: 422, Check: problem("unprocessable", "")},
			{Name: "the same key of another account is another request", Method: "POST", Path: "/api/v1/shops", As: "ada_token", Body: `{"name": "Ada's Books"}`,
				Header: map[string]string{"Idempotency-Key": "2f1c6a1e-shop-1"}, Status: 201,
				Check: func(t *testing.T, v vars, r *response) {
					if r.JSON(t)["id"] == v["bob_shop"] || r.Header.Get("Idempotent-Replayed") != "" {
						t.Errorf("ada got bob's replayed response %s", r.Body)
					}
				}},
			{Name: "one shop was created", Method: "GET", Path: "/api/v1/me", As: "bob_token", Status: 200,
				Check: func(t *testing.T, v vars, r *response) {
					shops, _ := r.JSON(t)["shops"].([]any)
					if len(shops) != 1 || shops[0].(map[string]any)["shop_id"] != v["bob_shop"] {
						t.Errorf("bob's shops %v, want only %s", shops, v["bob_shop"])
					}
				}},

			// Signing out.
			{Name: "log out", Method: "DELETE", Path: "/api/v1/sessions/current", As: "ada_token", Status: 204},
			{Name: "the token no longer works", Method: "GET", Path: "/api/v1/me", As: "ada_token", Status: 401, Check: problem("unauthorized", "")},
			{Name: "other sessions still work", Method: "GET", Path: "/api/v1/me", As: "bob_token", Status: 200},
		})
	})
}
