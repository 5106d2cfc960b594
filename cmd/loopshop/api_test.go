package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop/sqlstore/sqltest"
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

// response is what a test looks at of an HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic value, failing the test if it is
// not JSON.
func (r *response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return v
}

// items returns the IDs of a page's items.
func (r *response) items(t *testing.T) []string {
	t.Helper()
	raw, ok := r.json(t)["items"].([]any)
	if !ok {
		t.Fatalf("body %s has no items array", r.body)
	}
	ids := []string{}
	for _, it := range raw {
		ids = append(ids, it.(map[string]any)["id"].(string))
	}
	return ids
}

// client speaks to a running Main over real HTTP.
type client struct {
	base string
	hc   *http.Client
}

func newClient(t *testing.T, m *Main) *client {
	hc := &http.Client{Timeout: 30 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	return &client{base: "http://" + m.Server.Addr(), hc: hc}
}

func (c *client) do(t *testing.T, method, path, token, body string, header map[string]string) *response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &response{status: res.StatusCode, header: res.Header, body: b}
}

// vars holds what earlier steps learnt (IDs, tokens, cursors); "{name}" in
// a step's path, body or token is replaced by vars["name"].
type vars map[string]string

func (v vars) expand(s string) string {
	for k, val := range v {
		s = strings.ReplaceAll(s, "{"+k+"}", val)
	}
	return s
}

// step is one request of a scenario and what its answer must be.
type step struct {
	name   string
	method string
	path   string
	as     string // the var holding the bearer token; "" for anonymous
	body   string
	header map[string]string
	status int
	check  func(t *testing.T, v vars, r *response)
}

// runSteps runs a scenario in order; a step whose status is wrong stops
// the scenario, since later steps build on it.
func runSteps(t *testing.T, c *client, v vars, steps []step) {
	t.Helper()
	for _, s := range steps {
		ok := t.Run(s.name, func(t *testing.T) {
			tok := ""
			if s.as != "" {
				tok = v[s.as]
				if tok == "" {
					t.Fatalf("no token in var %q", s.as)
				}
			}
			r := c.do(t, s.method, v.expand(s.path), tok, v.expand(s.body), s.header)
			if r.status != s.status {
				t.Fatalf("%s %s: status %d, want %d; body %s", s.method, v.expand(s.path), r.status, s.status, r.body)
			}
			if r.status >= 400 {
				checkProblem(t, r)
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

// checkProblem checks that an error response is an RFC 9457 problem
// document whose status matches the response's.
func checkProblem(t *testing.T, r *response) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("error response Content-Type %q, want application/problem+json", ct)
	}
	p := r.json(t)
	if st, _ := p["status"].(float64); int(st) != r.status {
		t.Errorf("problem status %v, response status %d", p["status"], r.status)
	}
	if d, _ := p["detail"].(string); d == "" {
		t.Errorf("problem %s has no detail saying what to fix", r.body)
	}
	if id, _ := p["request_id"].(string); id == "" || id != r.header.Get("X-Request-Id") {
		t.Errorf("problem request_id %q, X-Request-Id %q; want the same, non-empty", id, r.header.Get("X-Request-Id"))
	}
}

// problem checks an error response's code and field.
func problem(code, field string) func(t *testing.T, v vars, r *response) {
	return func(t *testing.T, v vars, r *response) {
		t.Helper()
		p := r.json(t)
		if p["code"] != code {
			t.Errorf("problem code %v, want %s; body %s", p["code"], code, r.body)
		}
		if got, _ := p["field"].(string); got != field {
			t.Errorf("problem field %q, want %q; body %s", got, field, r.body)
		}
	}
}

// save stores a JSON string field of the body into a var.
func save(name, field string) func(t *testing.T, v vars, r *response) {
	return func(t *testing.T, v vars, r *response) {
		t.Helper()
		s, _ := r.json(t)[field].(string)
		if s == "" {
			t.Fatalf("body %s has no %s", r.body, field)
		}
		v[name] = s
	}
}

// all runs several checks.
func all(checks ...func(t *testing.T, v vars, r *response)) func(t *testing.T, v vars, r *response) {
	return func(t *testing.T, v vars, r *response) {
		t.Helper()
		for _, c := range checks {
			c(t, v, r)
		}
	}
}

// field checks that a JSON field of the body has the value want, after
// expanding vars in want.
func field(name, want string) func(t *testing.T, v vars, r *response) {
	return func(t *testing.T, v vars, r *response) {
		t.Helper()
		if got := r.json(t)[name]; got != v.expand(want) {
			t.Errorf("%s = %v, want %s; body %s", name, got, v.expand(want), r.body)
		}
	}
}

// listed saves a created product's ID and waits a millisecond, so that the
// next product's ID sorts after it (IDs order by the millisecond).
func listed(name, status string) func(t *testing.T, v vars, r *response) {
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
			{name: "health", method: "GET", path: "/healthz", status: 200},
			{name: "ready", method: "GET", path: "/readyz", status: 200},

			// Accounts and sign-in.
			{name: "sign up", method: "POST", path: "/api/v1/accounts", body: signUpBody("GB", "ada@example.com"), status: 201,
				check: all(save("ada", "id"), field("market", "GB"), field("email", "ada@example.com"), func(t *testing.T, v vars, r *response) {
					if strings.Contains(string(r.body), "argon2") || strings.Contains(string(r.body), "password") {
						t.Errorf("sign-up answer %s shows the password or its hash", r.body)
					}
				})},
			{name: "sign up another", method: "POST", path: "/api/v1/accounts", body: signUpBody("GB", "bob@example.com"), status: 201, check: save("bob", "id")},
			{name: "sign up twice, in another market", method: "POST", path: "/api/v1/accounts", body: signUpBody("US", "ada@EXAMPLE.com"), status: 409,
				check: problem("conflict", "email")},
			{name: "sign up with an unknown field", method: "POST", path: "/api/v1/accounts", body: `{"market": "GB", "email": "cy@example.com", "password": "correct horse battery", "nickname": "cy"}`, status: 400,
				check: all(problem("invalid", "nickname"), func(t *testing.T, v vars, r *response) {
					if d, _ := r.json(t)["detail"].(string); !strings.Contains(d, "nickname") {
						t.Errorf("detail %q does not name the unknown field", d)
					}
				})},
			{name: "log in with a wrong password", method: "POST", path: "/api/v1/sessions", body: `{"email": "ada@example.com", "password": "not the password"}`, status: 401,
				check: all(problem("unauthorized", ""), func(t *testing.T, v vars, r *response) {
					if r.header.Get("WWW-Authenticate") == "" {
						t.Error("401 without WWW-Authenticate")
					}
				})},
			{name: "log in", method: "POST", path: "/api/v1/sessions", body: loginBody("ada@example.com"), status: 201,
				check: all(save("ada_token", "token"), func(t *testing.T, v vars, r *response) {
					if !strings.HasPrefix(v["ada_token"], "ses_gb_") {
						t.Errorf("token %q does not carry its market", v["ada_token"])
					}
					if cc := r.header.Get("Cache-Control"); cc != "no-store" {
						t.Errorf("token response Cache-Control %q, want no-store", cc)
					}
					acc, _ := r.json(t)["account"].(map[string]any)
					if acc["id"] != v["ada"] {
						t.Errorf("logged in as %v, want %s", acc["id"], v["ada"])
					}
				})},
			{name: "log in another", method: "POST", path: "/api/v1/sessions", body: loginBody("bob@example.com"), status: 201, check: save("bob_token", "token")},
			{name: "me without a token", method: "GET", path: "/api/v1/me", status: 401, check: problem("unauthorized", "")},
			{name: "me with a made-up token", method: "GET", path: "/api/v1/me", as: "fake", status: 401},
			{name: "me", method: "GET", path: "/api/v1/me", as: "ada_token", status: 200,
				check: all(field("account_id", "{ada}"), field("market", "GB"), field("display_name", "ada"), func(t *testing.T, v vars, r *response) {
					if shops, ok := r.json(t)["shops"].([]any); !ok || len(shops) != 0 {
						t.Errorf("shops %v, want an empty list", r.json(t)["shops"])
					}
				})},
			{name: "own account", method: "GET", path: "/api/v1/accounts/{ada}", as: "ada_token", status: 200, check: field("email", "ada@example.com")},
			{name: "another's account", method: "GET", path: "/api/v1/accounts/{ada}", as: "bob_token", status: 404, check: problem("not_found", "")},
			{name: "an account, anonymously", method: "GET", path: "/api/v1/accounts/{ada}", status: 401},

			// A shop and its products.
			{name: "create shop", method: "POST", path: "/api/v1/shops", as: "ada_token", body: `{"name": "Ada's Tea"}`, status: 201,
				check: all(save("shop", "id"), field("name", "Ada's Tea"), field("market", "GB"))},
			{name: "create shop with an unknown field", method: "POST", path: "/api/v1/shops", as: "ada_token", body: `{"name": "Ada's Coffee", "colour": "red"}`, status: 400,
				check: all(problem("invalid", "colour"), func(t *testing.T, v vars, r *response) {
					if d, _ := r.json(t)["detail"].(string); !strings.Contains(d, `"colour"`) {
						t.Errorf("detail %q does not name the unknown field", d)
					}
				})},
			{name: "create shop with a taken name", method: "POST", path: "/api/v1/shops", as: "bob_token", body: `{"name": "Ada's Tea"}`, status: 409, check: problem("conflict", "name")},
			{name: "create shop anonymously", method: "POST", path: "/api/v1/shops", body: `{"name": "Nobody's"}`, status: 401},
			{name: "me shows the shop", method: "GET", path: "/api/v1/me", as: "ada_token", status: 200,
				check: func(t *testing.T, v vars, r *response) {
					type membership struct {
						ShopID string `json:"shop_id"`
						Role   string `json:"role"`
					}
					var me struct {
						Shops []membership `json:"shops"`
					}
					if err := json.Unmarshal(r.body, &me); err != nil {
						t.Fatal(err)
					}
					want := []membership{{v["shop"], "owner"}}
					if diff := cmp.Diff(want, me.Shops); diff != "" {
						t.Errorf("shops (-want +got):\n%s", diff)
					}
				}},
			{name: "shop detail", method: "GET", path: "/api/v1/shops/{shop}", status: 200, check: field("name", "Ada's Tea")},
			{name: "list a product", method: "POST", path: "/api/v1/shops/{shop}/products", as: "ada_token", body: productBody("Green tea", 1299, true), status: 201, check: listed("p1", "ACTIVATE")},
			{name: "list a second product", method: "POST", path: "/api/v1/shops/{shop}/products", as: "ada_token", body: productBody("Black tea", 899, true), status: 201, check: listed("p2", "ACTIVATE")},
			{name: "list a third product", method: "POST", path: "/api/v1/shops/{shop}/products", as: "ada_token", body: productBody("White tea", 2599, true), status: 201, check: listed("p3", "ACTIVATE")},
			{name: "save a draft", method: "POST", path: "/api/v1/shops/{shop}/products", as: "ada_token", body: productBody("Secret blend", 4999, false), status: 201, check: listed("draft", "DRAFT")},
			{name: "list in another's shop", method: "POST", path: "/api/v1/shops/{shop}/products", as: "bob_token", body: productBody("Fake tea", 100, true), status: 404, check: problem("not_found", "")},
			{name: "list anonymously", method: "POST", path: "/api/v1/shops/{shop}/products", body: productBody("Free tea", 100, true), status: 401},
			{name: "list at a zero price", method: "POST", path: "/api/v1/shops/{shop}/products", as: "ada_token", body: productBody("Cheap tea", 0, true), status: 400, check: problem("invalid", "skus[0].price")},
			{name: "list with a price that is not a number", method: "POST", path: "/api/v1/shops/{shop}/products", as: "ada_token",
				body: `{"title": "Tea", "category": "food", "skus": [{"price": "12.99"}]}`, status: 400,
				check: all(problem("invalid", "skus.price"), func(t *testing.T, v vars, r *response) {
					// The client knows JSON, not the server's Go types.
					if d, _ := r.json(t)["detail"].(string); !strings.Contains(d, "number") || strings.Contains(d, "int64") || strings.Contains(d, "NewProduct") {
						t.Errorf("detail %q: want it to ask for a JSON number, naming no Go type", d)
					}
				})},

			// Browsing, newest first, two at a time.
			{name: "browse the first page", method: "GET", path: "/api/v1/markets/gb/products?limit=2", status: 200,
				check: func(t *testing.T, v vars, r *response) {
					if diff := cmp.Diff([]string{v["p3"], v["p2"]}, r.items(t)); diff != "" {
						t.Errorf("first page (-want +got):\n%s", diff)
					}
					cur, _ := r.json(t)["next_cursor"].(string)
					if cur == "" {
						t.Fatal("first page has no next_cursor")
					}
					v["cursor"] = url.QueryEscape(cur)
				}},
			{name: "browse the next page", method: "GET", path: "/api/v1/markets/GB/products?limit=2&cursor={cursor}", status: 200,
				check: func(t *testing.T, v vars, r *response) {
					if diff := cmp.Diff([]string{v["p1"]}, r.items(t)); diff != "" {
						t.Errorf("last page (-want +got):\n%s", diff)
					}
					if cur, ok := r.json(t)["next_cursor"]; ok {
						t.Errorf("last page has next_cursor %v", cur)
					}
				}},
			{name: "browse another market", method: "GET", path: "/api/v1/markets/DE/products", status: 200,
				check: func(t *testing.T, v vars, r *response) {
					if !strings.Contains(string(r.body), `"items":[]`) {
						t.Errorf("empty market answers %s; want items: []", r.body)
					}
				}},
			{name: "browse an unserved market", method: "GET", path: "/api/v1/markets/ZZ/products", status: 404},
			{name: "browse with a bad limit", method: "GET", path: "/api/v1/markets/GB/products?limit=1000", status: 400, check: problem("invalid", "limit")},
			{name: "browse with a bad cursor", method: "GET", path: "/api/v1/markets/GB/products?cursor=!!", status: 400, check: problem("invalid", "cursor")},
			{name: "the category tree", method: "GET", path: "/api/v1/categories", status: 200,
				check: func(t *testing.T, v vars, r *response) {
					if !strings.Contains(string(r.body), `"id":"food-beverages"`) || !strings.Contains(string(r.body), `"parent_id":"food-beverages"`) {
						t.Errorf("the tree lacks food & beverages and its children: %.300s", r.body)
					}
				}},
			{name: "browse a category", method: "GET", path: "/api/v1/markets/GB/products?category=food-beverages", status: 200,
				check: func(t *testing.T, v vars, r *response) {
					if n := len(r.items(t)); n != 3 {
						t.Errorf("food & beverages lists %d products, want the 3 teas (category \"food\")", n)
					}
				}},
			{name: "browse another category", method: "GET", path: "/api/v1/markets/GB/products?category=beauty-personal-care", status: 200,
				check: func(t *testing.T, v vars, r *response) {
					if n := len(r.items(t)); n != 0 {
						t.Errorf("beauty lists %d products, want none", n)
					}
				}},
			{name: "browse an unknown category", method: "GET", path: "/api/v1/markets/GB/products?category=nope", status: 404},
			{name: "product detail", method: "GET", path: "/api/v1/products/{p1}", status: 200,
				check: all(field("title", "Green tea"), field("shop_id", "{shop}"), func(t *testing.T, v vars, r *response) {
					var p struct {
						SKUs []struct {
							Price struct {
								Amount   int64
								Currency string
							}
						}
					}
					if err := json.Unmarshal(r.body, &p); err != nil {
						t.Fatal(err)
					}
					if len(p.SKUs) != 1 || p.SKUs[0].Price.Amount != 1299 || p.SKUs[0].Price.Currency != "GBP" {
						t.Errorf("SKUs %+v, want one at 1299 GBP", p.SKUs)
					}
				})},
			{name: "draft, anonymously", method: "GET", path: "/api/v1/products/{draft}", status: 404},
			{name: "draft, by a stranger", method: "GET", path: "/api/v1/products/{draft}", as: "bob_token", status: 404},
			{name: "draft, by its seller", method: "GET", path: "/api/v1/products/{draft}", as: "ada_token", status: 200, check: field("status", "DRAFT")},
			{name: "unknown product", method: "GET", path: "/api/v1/products/prd_gb_00000000000000000000000000", status: 404},
			{name: "unknown endpoint", method: "GET", path: "/api/v1/nothing-here", status: 404},
			{name: "wrong method", method: "DELETE", path: "/api/v1/me", as: "ada_token", status: 405,
				check: func(t *testing.T, v vars, r *response) {
					if r.header.Get("Allow") != "GET" {
						t.Errorf("Allow %q, want GET", r.header.Get("Allow"))
					}
				}},

			// Exactly-once shop creation with an Idempotency-Key.
			{name: "create shop with a key", method: "POST", path: "/api/v1/shops", as: "bob_token", body: `{"name": "Bob's Books"}`,
				header: map[string]string{"Idempotency-Key": "2f1c6a1e-shop-1"}, status: 201,
				check: all(save("bob_shop", "id"), func(t *testing.T, v vars, r *response) {
					if r.header.Get("Idempotent-Replayed") != "" {
						t.Error("first request marked as replayed")
					}
				})},
			{name: "repeat it with the same key", method: "POST", path: "/api/v1/shops", as: "bob_token", body: `{"name": "Bob's Books"}`,
				header: map[string]string{"Idempotency-Key": "2f1c6a1e-shop-1"}, status: 201,
				check: all(field("id", "{bob_shop}"), func(t *testing.T, v vars, r *response) {
					if r.header.Get("Idempotent-Replayed") != "true" {
						t.Errorf("Idempotent-Replayed %q, want true", r.header.Get("Idempotent-Replayed"))
					}
					if ct := r.header.Get("Content-Type"); ct != "application/json" {
						t.Errorf("replayed Content-Type %q, want application/json", ct)
					}
				})},
			{name: "reuse the key for another body", method: "POST", path: "/api/v1/shops", as: "bob_token", body: `{"name": "Bob's Other Books"}`,
				header: map[string]string{"Idempotency-Key": "2f1c6a1e-shop-1"}, status: 422, check: problem("unprocessable", "")},
			{name: "the same key of another account is another request", method: "POST", path: "/api/v1/shops", as: "ada_token", body: `{"name": "Ada's Books"}`,
				header: map[string]string{"Idempotency-Key": "2f1c6a1e-shop-1"}, status: 201,
				check: func(t *testing.T, v vars, r *response) {
					if r.json(t)["id"] == v["bob_shop"] || r.header.Get("Idempotent-Replayed") != "" {
						t.Errorf("ada got bob's replayed response %s", r.body)
					}
				}},
			{name: "one shop was created", method: "GET", path: "/api/v1/me", as: "bob_token", status: 200,
				check: func(t *testing.T, v vars, r *response) {
					shops, _ := r.json(t)["shops"].([]any)
					if len(shops) != 1 || shops[0].(map[string]any)["shop_id"] != v["bob_shop"] {
						t.Errorf("bob's shops %v, want only %s", shops, v["bob_shop"])
					}
				}},

			// Signing out.
			{name: "log out", method: "DELETE", path: "/api/v1/sessions/current", as: "ada_token", status: 204},
			{name: "the token no longer works", method: "GET", path: "/api/v1/me", as: "ada_token", status: 401, check: problem("unauthorized", "")},
			{name: "other sessions still work", method: "GET", path: "/api/v1/me", as: "bob_token", status: 200},
		})
	})
}
