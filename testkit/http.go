package testkit

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/loopshop/loopshop/api"
	"github.com/loopshop/loopshop/config"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/sqlstore"
)

// API serves p's JSON API (under /api/v1, with the server's middleware,
// problem documents and idempotency keys) on a test server, without the
// rest of a loopshop process, and returns a client of it.
func API(tb testing.TB, p *platform.Platform) *Client {
	tb.Helper()
	cfg := config.Default()
	cfg.Limits.RatePerSecond = 0
	srv := server.New(&cfg, server.Deps{Identity: p.Identity, Idempotency: sqlstore.NewIdempotencyStore(p.Router), Ready: p.Router.Ping,
		Logger: slog.New(slog.DiscardHandler)})
	(&api.API{Markets: p.Markets, Identity: p.Identity, Catalog: p.Catalog, Orders: p.Orders, Shipping: p.Shipping, Payouts: p.Payouts,
		SessionTTL: time.Hour, Content: p.Content, Affiliate: p.Affiliate, Live: p.Live, University: p.University, Media: p.Media,
		PublicURL: cfg.PublicURL}).Register(srv)
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	return NewClient(tb, ts.URL)
}

// Response is what a test looks at of an HTTP response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic value, failing the test if it is
// not a JSON object.
func (r *Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.Body, err)
	}
	return v
}

// Items returns the IDs of a page's items.
func (r *Response) Items(t testing.TB) []string {
	t.Helper()
	raw, ok := r.JSON(t)["items"].([]any)
	if !ok {
		t.Fatalf("body %s has no items array", r.Body)
	}
	ids := []string{}
	for _, it := range raw {
		ids = append(ids, it.(map[string]any)["id"].(string))
	}
	return ids
}

// Client speaks to a server over real HTTP.
type Client struct {
	Base string
	hc   *http.Client
}

// NewClient returns a client of the server at base ("http://host:port").
func NewClient(tb testing.TB, base string) *Client {
	hc := &http.Client{Timeout: 30 * time.Second}
	tb.Cleanup(hc.CloseIdleConnections)
	return &Client{Base: base, hc: hc}
}

// Do sends a request, with a JSON body and a bearer token when given.
func (c *Client) Do(t testing.TB, method, path, token, body string, header map[string]string) *Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.Base+path, rd)
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
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// Vars holds what earlier steps learnt (IDs, tokens, cursors); "{name}" in
// a step's path, body or token is replaced by Vars["name"].
type Vars map[string]string

// Expand replaces each "{name}" in s.
func (v Vars) Expand(s string) string {
	for k, val := range v {
		s = strings.ReplaceAll(s, "{"+k+"}", val)
	}
	return s
}

// Check looks at a step's response.
type Check func(t *testing.T, v Vars, r *Response)

// Step is one request of a scenario and what its answer must be.
type Step struct {
	Name   string
	Method string
	Path   string
	As     string // the var holding the bearer token; "" for anonymous
	Body   string
	Header map[string]string
	Status int
	Check  Check
}

// Run runs a scenario in order, each step a subtest; a step whose status
// is wrong stops the scenario, since later steps build on it. Every error
// answer but a declined payment's must be a problem document.
func Run(t *testing.T, c *Client, v Vars, steps []Step) {
	t.Helper()
	for _, s := range steps {
		ok := t.Run(s.Name, func(t *testing.T) {
			tok := ""
			if s.As != "" {
				tok = v[s.As]
				if tok == "" {
					t.Fatalf("no token in var %q", s.As)
				}
			}
			r := c.Do(t, s.Method, v.Expand(s.Path), tok, v.Expand(s.Body), s.Header)
			if r.Status != s.Status {
				t.Fatalf("%s %s: status %d, want %d; body %s", s.Method, v.Expand(s.Path), r.Status, s.Status, r.Body)
			}
			switch {
			case r.Status == http.StatusPaymentRequired:
				// A declined payment answers with the checkout, which
				// says why.
				if ct := r.Header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type %q, want application/json: the body is the checkout", ct)
				}
			case r.Status >= 400:
				CheckProblem(t, r)
			}
			if s.Check != nil {
				s.Check(t, v, r)
			}
		})
		if !ok {
			t.FailNow()
		}
	}
}

// CheckProblem checks that an error response is an RFC 9457 problem
// document whose status matches the response's, with a detail saying what
// to fix and the request's ID.
func CheckProblem(t testing.TB, r *Response) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("error response Content-Type %q, want application/problem+json", ct)
	}
	p := r.JSON(t)
	if st, _ := p["status"].(float64); int(st) != r.Status {
		t.Errorf("problem status %v, response status %d", p["status"], r.Status)
	}
	if d, _ := p["detail"].(string); d == "" {
		t.Errorf("problem %s has no detail saying what to fix", r.Body)
	}
	if id, _ := p["request_id"].(string); id == "" || id != r.Header.Get("X-Request-Id") {
		t.Errorf("problem request_id %q, X-Request-Id %q; want the same, non-empty", id, r.Header.Get("X-Request-Id"))
	}
}

// Problem checks an error response's code and field.
func Problem(code, field string) Check {
	return func(t *testing.T, v Vars, r *Response) {
		t.Helper()
		p := r.JSON(t)
		if p["code"] != code {
			t.Errorf("problem code %v, want %s; body %s", p["code"], code, r.Body)
		}
		if got, _ := p["field"].(string); got != field {
			t.Errorf("problem field %q, want %q; body %s", got, field, r.Body)
		}
	}
}

// Save stores a JSON string field of the body into a var.
func Save(name, field string) Check {
	return func(t *testing.T, v Vars, r *Response) {
		t.Helper()
		s, _ := r.JSON(t)[field].(string)
		if s == "" {
			t.Fatalf("body %s has no %s", r.Body, field)
		}
		v[name] = s
	}
}

// All runs several checks.
func All(checks ...Check) Check {
	return func(t *testing.T, v Vars, r *Response) {
		t.Helper()
		for _, c := range checks {
			c(t, v, r)
		}
	}
}

// Field checks that a JSON field of the body has the value want, after
// expanding vars in want.
func Field(name, want string) Check {
	return func(t *testing.T, v Vars, r *Response) {
		t.Helper()
		if got := r.JSON(t)[name]; got != v.Expand(want) {
			t.Errorf("%s = %v, want %s; body %s", name, got, v.Expand(want), r.Body)
		}
	}
}
