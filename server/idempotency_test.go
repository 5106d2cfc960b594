package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

type order struct {
	Item string `json:"item"`
}

type placed struct {
	Item  string `json:"item"`
	Count int    `json:"count"` // how many times the handler ran for this item
}

// orders is a test route that counts how often it runs per item. Items
// starting with "fail-once" fail their first run; items starting with
// "slow" wait for release, after saying they started.
type orders struct {
	mu      sync.Mutex
	runs    map[string]int
	started chan string
	release chan struct{}
}

func newOrders() *orders {
	return &orders{runs: map[string]int{}, started: make(chan string, 16), release: make(chan struct{})}
}

func (o *orders) handle(w http.ResponseWriter, r *http.Request) error {
	var in order
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	o.mu.Lock()
	o.runs[in.Item]++
	n := o.runs[in.Item]
	o.mu.Unlock()
	if strings.HasPrefix(in.Item, "fail-once") && n == 1 {
		return loopshop.Invalid("item", "refused on the first try")
	}
	if strings.HasPrefix(in.Item, "slow") {
		o.started <- in.Item
		<-o.release
	}
	return server.JSON(w, http.StatusCreated, placed{Item: in.Item, Count: n})
}

func (o *orders) count(item string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.runs[item]
}

type reply struct {
	status   int
	body     []byte
	ctype    string
	replayed bool
	retry    string
}

func TestIdempotencyKeys(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		o := newOrders()
		st := newStack(t, engine, server.Route{Method: "POST", Path: "/api/test/orders", Summary: "Place an order.",
			Auth: server.Required, Request: order{}, Response: placed{}, Status: http.StatusCreated, Handler: o.handle})
		ada, _ := st.signIn(t, "ada@example.com", identity.SessionAPI)
		grace, _ := st.signIn(t, "grace@example.com", identity.SessionAPI)

		post := func(t *testing.T, token, key, item string) reply {
			t.Helper()
			req := httptest.NewRequest("POST", "/api/test/orders", strings.NewReader(`{"item":"`+item+`"}`))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			if key != "" {
				req.Header.Set("Idempotency-Key", key)
			}
			resp := serve(st.srv, req)
			return reply{status: resp.StatusCode, body: body(t, resp), ctype: resp.Header.Get("Content-Type"),
				replayed: resp.Header.Get("Idempotent-Replayed") == "true", retry: resp.Header.Get("Retry-After")}
		}
		// fresh checks a first execution's reply.
		fresh := func(t *testing.T, r reply, item string, count int) {
			t.Helper()
			var p placed
			if r.status != http.StatusCreated || r.replayed || json.Unmarshal(r.body, &p) != nil || p != (placed{item, count}) {
				t.Fatalf("got %d replayed=%v %s, want a fresh 201 with count %d", r.status, r.replayed, r.body, count)
			}
		}
		// replay checks that r is first, replayed.
		replay := func(t *testing.T, r, first reply) {
			t.Helper()
			if r.status != first.status || !r.replayed || !bytes.Equal(r.body, first.body) || r.ctype != first.ctype {
				t.Fatalf("got %d replayed=%v %q %s; want the first response %d %q %s replayed",
					r.status, r.replayed, r.ctype, r.body, first.status, first.ctype, first.body)
			}
		}

		t.Run("a repeat gets the first response and does not run again", func(t *testing.T) {
			first := post(t, ada, "key-repeat", "apple")
			fresh(t, first, "apple", 1)
			replay(t, post(t, ada, "key-repeat", "apple"), first)
			replay(t, post(t, ada, "key-repeat", "apple"), first)
			if n := o.count("apple"); n != 1 {
				t.Errorf("handler ran %d times, want 1", n)
			}
		})
		t.Run("without a key every request runs", func(t *testing.T) {
			fresh(t, post(t, ada, "", "banana"), "banana", 1)
			fresh(t, post(t, ada, "", "banana"), "banana", 2)
		})
		t.Run("the same key with another body is refused", func(t *testing.T) {
			fresh(t, post(t, ada, "key-reused", "cherry"), "cherry", 1)
			r := post(t, ada, "key-reused", "damson")
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), loopshop.EUNPROCESSABLE) {
				t.Fatalf("got %d %s, want 422 %s", r.status, r.body, loopshop.EUNPROCESSABLE)
			}
			if n := o.count("damson"); n != 0 {
				t.Errorf("the refused request ran %d times", n)
			}
		})
		t.Run("a failure is not kept, so a retry runs again", func(t *testing.T) {
			r := post(t, ada, "key-retry", "fail-once-elder")
			if r.status != http.StatusBadRequest || r.replayed {
				t.Fatalf("first try: got %d %s, want the handler's 400", r.status, r.body)
			}
			second := post(t, ada, "key-retry", "fail-once-elder")
			fresh(t, second, "fail-once-elder", 2)
			replay(t, post(t, ada, "key-retry", "fail-once-elder"), second)
		})
		t.Run("a repeat while the first still runs gets 409", func(t *testing.T) {
			firstc := make(chan reply)
			go func() { firstc <- post(t, ada, "key-slow", "slow-fig") }()
			<-o.started
			r := post(t, ada, "key-slow", "slow-fig")
			if r.status != http.StatusConflict || r.retry == "" || !strings.Contains(string(r.body), loopshop.ECONFLICT) {
				t.Errorf("repeat during the first: got %d Retry-After %q %s, want 409 with Retry-After", r.status, r.retry, r.body)
			}
			o.release <- struct{}{}
			first := <-firstc
			fresh(t, first, "slow-fig", 1)
			replay(t, post(t, ada, "key-slow", "slow-fig"), first)
		})
		t.Run("racing requests with one key run once", func(t *testing.T) {
			const n = 8
			var wg sync.WaitGroup
			start := make(chan struct{})
			replies := make([]reply, n)
			for i := range n {
				wg.Go(func() {
					<-start
					replies[i] = post(t, ada, "key-race", "grape")
				})
			}
			close(start)
			wg.Wait()
			if c := o.count("grape"); c != 1 {
				t.Fatalf("handler ran %d times for one key, want 1", c)
			}
			fresh := 0
			for _, r := range replies {
				switch {
				case r.status == http.StatusConflict:
				case r.status == http.StatusCreated && !r.replayed:
					fresh++
				case r.status == http.StatusCreated:
					if want := `{"item":"grape","count":1}`; strings.TrimSpace(string(r.body)) != want {
						t.Errorf("replayed %s, want the first response %s", r.body, want)
					}
				default:
					t.Errorf("got %d %s, want 201 or 409", r.status, r.body)
				}
			}
			if fresh != 1 {
				t.Errorf("%d fresh responses, want exactly 1", fresh)
			}
		})
		t.Run("keys belong to one account", func(t *testing.T) {
			fresh(t, post(t, ada, "key-shared", "honeydew"), "honeydew", 1)
			fresh(t, post(t, grace, "key-shared", "honeydew"), "honeydew", 2)
		})
		t.Run("an invalid key is refused", func(t *testing.T) {
			for name, key := range map[string]string{"too long": strings.Repeat("k", 256), "not ASCII": "clé"} {
				r := post(t, ada, key, "kiwi")
				if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "Idempotency-Key") {
					t.Errorf("%s: got %d %s, want 400 about the key", name, r.status, r.body)
				}
			}
			if n := o.count("kiwi"); n != 0 {
				t.Errorf("requests with an invalid key ran %d times", n)
			}
		})
	})
}
