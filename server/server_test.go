package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/config"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// testLogger sends the server's warnings and errors to the test's output,
// shown when a test fails or runs with -v.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// newServer returns a server with no database behind it, which is enough
// for everything but sessions and idempotency keys. edit adjusts the
// default configuration (whose rate limit is off).
func newServer(t *testing.T, edit func(*config.Limits), routes ...server.Route) *server.Server {
	t.Helper()
	cfg := config.Default()
	cfg.Limits.RatePerSecond = 0
	if edit != nil {
		edit(&cfg.Limits)
	}
	srv := server.New(&cfg, server.Deps{Logger: testLogger(t)})
	for _, rt := range routes {
		srv.Handle(rt)
	}
	return srv
}

// stack is a server over fresh databases, with real sessions and
// idempotency keys.
type stack struct {
	srv    *server.Server
	ids    *identity.Service
	router *sqlstore.Router
}

func newStack(t *testing.T, engine string, routes ...server.Route) *stack {
	t.Helper()
	cfg := sqltest.Config(t, engine)
	r := sqltest.RouterFor(t, cfg)
	ids := identity.NewService(sqlstore.NewIdentityStore(r), r.Markets(), "secret", time.Hour)
	srv := server.New(cfg, server.Deps{
		Identity:    ids,
		Idempotency: sqlstore.NewIdempotencyStore(r),
		Ready:       r.Ping,
		Logger:      testLogger(t),
	})
	for _, rt := range routes {
		srv.Handle(rt)
	}
	return &stack{srv: srv, ids: ids, router: r}
}

// signIn creates an account in GB and starts a session of kind for it.
func (s *stack) signIn(t *testing.T, email, kind string) (token string, acc *identity.Account) {
	t.Helper()
	ctx := context.Background()
	acc, err := s.ids.SignUp(ctx, identity.SignUp{Market: "GB", Email: email, Password: "correct horse battery"})
	if err != nil {
		t.Fatalf("sign up %s: %v", email, err)
	}
	token, err = s.ids.StartSession(ctx, acc, kind)
	if err != nil {
		t.Fatalf("start session: %v", err)
	}
	return token, acc
}

// serve sends req through the server's whole handler, as a client would.
func serve(srv *server.Server, req *http.Request) *http.Response {
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// problem checks that resp is a problem document of status and code and
// returns it.
func problem(t *testing.T, resp *http.Response, status int, code string) server.Problem {
	t.Helper()
	b := body(t, resp)
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d; body %s", resp.StatusCode, status, b)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, b)
	}
	var p server.Problem
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("problem is not JSON: %v: %s", err, b)
	}
	if p.Status != status || p.Code != code {
		t.Fatalf("problem status %d code %q, want %d %q: %s", p.Status, p.Code, status, code, b)
	}
	if p.Detail == "" || p.Title == "" || p.Type != "urn:loopshop:problem:"+code {
		t.Errorf("problem lacks detail, title or type: %s", b)
	}
	if id := resp.Header.Get("X-Request-Id"); p.RequestID == "" || p.RequestID != id {
		t.Errorf("problem request_id %q, X-Request-Id header %q: they must be equal and set", p.RequestID, id)
	}
	return p
}

// ok is a route handler answering 200 {"status":"ok"}.
func ok(w http.ResponseWriter, r *http.Request) error {
	return server.JSON(w, http.StatusOK, server.Status{Status: "ok"})
}

func TestUnknownPathAndWrongMethod(t *testing.T) {
	srv := newServer(t, nil,
		server.Route{Method: "GET", Path: "/api/test/items", Summary: "List.", Handler: ok},
		server.Route{Method: "POST", Path: "/api/test/items", Summary: "Add.", Handler: ok},
	)

	t.Run("unknown API path is a 404 problem", func(t *testing.T) {
		resp := serve(srv, httptest.NewRequest("GET", "/api/v1/no-such-thing", nil))
		p := problem(t, resp, http.StatusNotFound, loopshop.ENOTFOUND)
		if p.Instance != "/api/v1/no-such-thing" {
			t.Errorf("instance %q, want the path", p.Instance)
		}
		if !strings.Contains(p.Detail, "/api/openapi.json") {
			t.Errorf("detail %q should point to the endpoint list", p.Detail)
		}
	})
	t.Run("wrong method is a 405 problem with Allow", func(t *testing.T) {
		resp := serve(srv, httptest.NewRequest("DELETE", "/api/test/items", nil))
		if got := resp.Header.Get("Allow"); got != "GET, POST" {
			t.Errorf("Allow %q, want %q", got, "GET, POST")
		}
		p := problem(t, resp, http.StatusMethodNotAllowed, loopshop.ENOTALLOWED)
		if !strings.Contains(p.Detail, "DELETE") {
			t.Errorf("detail %q should name the method refused", p.Detail)
		}
	})
	t.Run("wrong method on a server route", func(t *testing.T) {
		resp := serve(srv, httptest.NewRequest("POST", "/api/openapi.json", nil))
		if got := resp.Header.Get("Allow"); got != "GET" {
			t.Errorf("Allow %q, want GET", got)
		}
		problem(t, resp, http.StatusMethodNotAllowed, loopshop.ENOTALLOWED)
	})
}

func TestRequestID(t *testing.T) {
	srv := newServer(t, nil)
	valid := regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	tests := []struct {
		name string
		sent string // "" sends none
		keep bool
	}{
		{"none sent", "", false},
		{"valid one is echoed", "req-42.retry_1", true},
		{"64 characters are kept", strings.Repeat("a", 64), true},
		{"spaces are replaced", "req 42", false},
		{"200 characters are replaced", strings.Repeat("a", 200), false},
		{"a header injection attempt is replaced", "x\r\nSet-Cookie: a=b", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/api/nothing-here", nil)
			if tt.sent != "" {
				req.Header["X-Request-Id"] = []string{tt.sent}
			}
			resp := serve(srv, req)
			got := resp.Header.Get("X-Request-Id")
			if tt.keep && got != tt.sent {
				t.Errorf("X-Request-Id %q, want the one sent, %q", got, tt.sent)
			}
			if !tt.keep && (got == tt.sent || !valid.MatchString(got)) {
				t.Errorf("X-Request-Id %q: want a new valid ID instead of %q", got, tt.sent)
			}
			// The problem quotes the same ID.
			problem(t, resp, http.StatusNotFound, loopshop.ENOTFOUND)
		})
	}
	t.Run("new IDs differ", func(t *testing.T) {
		a := serve(srv, httptest.NewRequest("GET", "/healthz", nil)).Header.Get("X-Request-Id")
		b := serve(srv, httptest.NewRequest("GET", "/healthz", nil)).Header.Get("X-Request-Id")
		if a == b {
			t.Errorf("two requests got the same ID %q", a)
		}
	})
}

func TestBodyLimit(t *testing.T) {
	type note struct {
		Text string `json:"text"`
	}
	srv := newServer(t, func(l *config.Limits) { l.MaxBodyBytes = 64 },
		server.Route{Method: "POST", Path: "/api/test/notes", Summary: "Take a note.", Request: note{}, Response: note{},
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				var n note
				if err := server.Decode(r, &n); err != nil {
					return err
				}
				return server.JSON(w, http.StatusOK, n)
			}})
	small := `{"text":"hello"}`
	big := `{"text":"` + strings.Repeat("x", 100) + `"}`
	tests := []struct {
		name          string
		body          string
		unknownLength bool // chunked: no Content-Length to refuse early
		status        int
	}{
		{"under the limit", small, false, http.StatusOK},
		{"over the limit with Content-Length", big, false, http.StatusRequestEntityTooLarge},
		{"over the limit without Content-Length", big, true, http.StatusRequestEntityTooLarge},
		{"under the limit without Content-Length", small, true, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/api/test/notes", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			if tt.unknownLength {
				req.ContentLength = -1
			}
			resp := serve(srv, req)
			if tt.status == http.StatusOK {
				if b := body(t, resp); resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte("hello")) {
					t.Fatalf("status %d body %s, want 200 with the note", resp.StatusCode, b)
				}
				return
			}
			p := problem(t, resp, tt.status, loopshop.ETOOLARGE)
			if !strings.Contains(p.Detail, "64") {
				t.Errorf("detail %q should state the limit", p.Detail)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	srv := newServer(t, func(l *config.Limits) { l.RatePerSecond, l.RateBurst = 1, 2 })
	get := func(addr string) *http.Response {
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.RemoteAddr = addr
		return serve(srv, req)
	}
	for i := range 2 {
		if resp := get("198.51.100.7:4000"); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d within the burst: status %d", i+1, resp.StatusCode)
		}
	}
	resp := get("198.51.100.7:4001") // another port, same client
	retry := resp.Header.Get("Retry-After")
	problem(t, resp, http.StatusTooManyRequests, loopshop.ERATELIMIT)
	if n, err := strconv.Atoi(retry); err != nil || n < 1 || n > 2 {
		t.Errorf("Retry-After %q, want 1 or 2 seconds at one request per second", retry)
	}
	if resp := get("198.51.100.8:4000"); resp.StatusCode != http.StatusOK {
		t.Errorf("another client: status %d, want 200: one client's bucket must not limit another", resp.StatusCode)
	}
}

// Made-up bearer tokens do not buy a client fresh buckets: the address's
// bucket is charged whatever the token, and the limit answers before any
// database is asked about the token.
func TestRateLimitIgnoresRotatedTokens(t *testing.T) {
	srv := newServer(t, func(l *config.Limits) { l.RatePerSecond, l.RateBurst = 1, 2 })
	limited := 0
	for i := range 6 {
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.RemoteAddr = "198.51.100.9:4000"
		req.Header.Set("Authorization", "Bearer ses_gb_madeup"+strconv.Itoa(i))
		if serve(srv, req).StatusCode == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited < 4 {
		t.Errorf("%d of 6 requests with rotated tokens were limited, want at least 4 (burst 2)", limited)
	}
}

func TestPanicIsAProblem(t *testing.T) {
	srv := newServer(t, nil, server.Route{Method: "GET", Path: "/api/test/panic", Summary: "Panic.",
		Handler: func(w http.ResponseWriter, r *http.Request) error {
			panic("cannot reach postgres://admin:hunter2@db.internal")
		}})
	p := problem(t, serve(srv, httptest.NewRequest("GET", "/api/test/panic", nil)), http.StatusInternalServerError, loopshop.EINTERNAL)
	for _, secret := range []string{"hunter2", "postgres://", "panic"} {
		if strings.Contains(p.Detail, secret) {
			t.Errorf("detail %q leaks %q", p.Detail, secret)
		}
	}
	if resp := serve(srv, httptest.NewRequest("GET", "/healthz", nil)); resp.StatusCode != http.StatusOK {
		t.Errorf("after a panic: /healthz status %d, want 200", resp.StatusCode)
	}
}

func TestMetrics(t *testing.T) {
	srv := newServer(t, nil, server.Route{Method: "GET", Path: "/api/test/items/{id}", Summary: "Get.", Handler: ok})
	for _, path := range []string{"/healthz", "/api/test/items/abc", "/api/test/items/def"} {
		if resp := serve(srv, httptest.NewRequest("GET", path, nil)); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, resp.StatusCode)
		}
	}
	resp := serve(srv, httptest.NewRequest("GET", "/metrics", nil))
	b := body(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`loopshop_http_requests_total{code="200",route="GET /healthz"} 1`,
		// Labelled by pattern, not by path, so IDs do not explode the series.
		`loopshop_http_requests_total{code="200",route="GET /api/test/items/{id}"} 2`,
		`loopshop_http_request_duration_seconds_count{route="GET /healthz"} 1`,
	} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if bytes.Contains(b, []byte("abc")) {
		t.Errorf("metrics name a concrete path; they must use the route pattern")
	}
}

func TestHealth(t *testing.T) {
	cfg := config.Default()
	down := server.New(&cfg, server.Deps{Logger: testLogger(t), Ready: func(context.Context) error {
		return errors.New("dial tcp 10.0.0.9:5432: connection refused")
	}})
	tests := []struct {
		name   string
		srv    *server.Server
		path   string
		status int
	}{
		{"live", newServer(t, nil), "/healthz", http.StatusOK},
		{"ready", newServer(t, nil), "/readyz", http.StatusOK},
		{"live while a database is down", down, "/healthz", http.StatusOK},
		{"not ready while a database is down", down, "/readyz", http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := serve(tt.srv, httptest.NewRequest("GET", tt.path, nil))
			if tt.status != http.StatusOK {
				p := problem(t, resp, tt.status, loopshop.EUNAVAILABLE)
				if strings.Contains(p.Detail, "10.0.0.9") {
					t.Errorf("detail %q leaks the database address", p.Detail)
				}
				return
			}
			var s server.Status
			if err := json.Unmarshal(body(t, resp), &s); err != nil || resp.StatusCode != tt.status || s.Status == "" {
				t.Errorf("status %d, body %+v, err %v", resp.StatusCode, s, err)
			}
		})
	}
}
