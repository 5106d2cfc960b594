package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// serverProcess is a "loopshop serve" child process.
type serverProcess struct {
	cmd  *exec.Cmd
	base string
	log  *syncBuffer
	done chan struct{} // closed when the process has exited
}

// syncBuffer is a bytes.Buffer the child's output and the test can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer runs bin serve on dataDir at a free port and waits until
// /healthz answers.
func startServer(t *testing.T, bin, dataDir string) *serverProcess {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	p := &serverProcess{base: "http://" + addr, log: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve", "--data-dir", dataDir, "--addr", addr)
	// Only the settings this test chooses: the default durability
	// (synchronous=FULL) and no rate limit, which the clients would hit.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LOOPSHOP_") {
			env = append(env, kv)
		}
	}
	p.cmd.Env = append(env, "LOOPSHOP_RATE_PER_SECOND=0")
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})

	deadline := time.Now().Add(time.Minute)
	for {
		res, err := http.Get(p.base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("loopshop serve exited before answering /healthz:\n%s", p.log.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("loopshop serve did not answer /healthz within a minute:\n%s", p.log.String())
		}
	}
}

// call sends a JSON request and decodes a JSON answer into out (if not
// nil). It returns the status, or an error when no answer came.
func (p *serverProcess) call(method, path, token, key string, body, out any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, p.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := durabilityClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			return res.StatusCode, b, fmt.Errorf("decode %s: %w", b, err)
		}
	}
	return res.StatusCode, b, nil
}

var durabilityClient = &http.Client{Timeout: 30 * time.Second}

// must is call for the setup steps, which must answer want.
func (p *serverProcess) must(t *testing.T, want int, method, path, token string, body, out any) {
	t.Helper()
	status, b, err := p.call(method, path, token, "", body, out)
	if err != nil || status != want {
		t.Fatalf("%s %s: status %d, error %v, body %s; want %d", method, path, status, err, b, want)
	}
}

// signIn signs up an account in GB and returns a session token.
func (p *serverProcess) signIn(t *testing.T, email string) string {
	t.Helper()
	p.must(t, 201, "POST", "/api/v1/accounts", "", map[string]any{"market": "GB", "email": email, "password": "correct horse battery", "display_name": "Tester"}, nil)
	var s struct{ Token string }
	p.must(t, 201, "POST", "/api/v1/sessions", "", map[string]any{"email": email, "password": "correct horse battery"}, &s)
	return s.Token
}

// acked is a checkout the server answered 201.
type acked struct {
	buyer    string
	checkout string
	orders   []string
}

// An order acknowledged before the server is killed with SIGKILL is there
// after it restarts, and the stock adds up: what was acknowledged is sold;
// what was in flight is sold if its checkout committed, held if it stopped
// between reserving and paying, and nothing more. Buyers retrying the
// requests that got no answer, with the same Idempotency-Key, each end up
// with one paid checkout.
func TestDurabilityOfAcknowledgedOrders(t *testing.T) {
	if testing.Short() {
		t.Skip("builds loopshop and kills a server process with SIGKILL: skipped with -short")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "loopshop")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dataDir := filepath.Join(dir, "data")
	srv := startServer(t, bin, dataDir)

	// A shop with plenty of one SKU, and a few buyers.
	seller := srv.signIn(t, "seller@example.com")
	var shop struct{ ID string }
	srv.must(t, 201, "POST", "/api/v1/shops", seller, map[string]any{"name": "Durable Goods"}, &shop)
	var product struct {
		ID   string
		SKUs []struct{ ID string } `json:"skus"`
	}
	const received = 100000
	srv.must(t, 201, "POST", "/api/v1/shops/"+shop.ID+"/products", seller, map[string]any{"title": "Enamel mug", "category": "home",
		"description": "A mug that survives.", "skus": []map[string]any{{"price": 900, "weight_grams": 300, "stock": received}}, "publish": true}, &product)
	buyers := make([]string, 4)
	for i := range buyers {
		buyers[i] = srv.signIn(t, fmt.Sprintf("buyer%d@example.com", i))
	}
	checkout := map[string]any{
		"items":   []map[string]any{{"sku_id": product.SKUs[0].ID, "quantity": 1}},
		"ship_to": map[string]any{"name": "Ada Buyer", "line1": "1 High Street", "city": "London", "postal_code": "N1 1AA", "country": "GB"},
		"payment": map[string]any{"method": "card", "card": map[string]any{"number": "4242424242424242", "exp_month": 12, "exp_year": time.Now().Year() + 4, "cvc": "123"}},
	}
	type reply struct {
		ID     string
		Status string
		Orders []struct{ ID string }
	}

	// Clients check out in a loop until the server dies under them.
	var (
		mu       sync.Mutex
		ok       []acked
		inFlight []struct{ buyer, key string } // sent, never answered
		wrong    []string
		wg       sync.WaitGroup
	)
	const clients = 8
	for c := range clients {
		wg.Go(func() {
			buyer := buyers[c%len(buyers)]
			for n := 0; ; n++ {
				key := fmt.Sprintf("durable-%d-%d", c, n)
				var r reply
				status, body, err := srv.call("POST", "/api/v1/checkouts", buyer, key, checkout, &r)
				mu.Lock()
				switch {
				case err != nil && status == 0:
					inFlight = append(inFlight, struct{ buyer, key string }{buyer, key})
				case status == 201 && r.Status == "PAID" && len(r.Orders) == 1:
					a := acked{buyer: buyer, checkout: r.ID}
					for _, o := range r.Orders {
						a.orders = append(a.orders, o.ID)
					}
					ok = append(ok, a)
				default:
					wrong = append(wrong, fmt.Sprintf("status %d, error %v: %s", status, err, body))
				}
				mu.Unlock()
				if status != 201 {
					return // the server died, or something is wrong: stop either way
				}
			}
		})
	}
	clientsDone := make(chan struct{})
	go func() { wg.Wait(); close(clientsDone) }()
	// Kill once enough checkouts were acknowledged, while the clients are
	// still sending; stop early if they all gave up.
	deadline := time.After(time.Minute)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		select {
		case <-clientsDone:
			break wait
		case <-deadline:
			break wait
		case <-tick.C:
			mu.Lock()
			n := len(ok)
			mu.Unlock()
			if n >= 40 {
				break wait
			}
		}
	}
	if err := srv.cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no flush
		t.Fatal(err)
	}
	<-srv.done
	<-clientsDone
	if len(wrong) > 0 {
		t.Fatalf("before the kill the server answered %d checkouts wrongly, e.g. %s", len(wrong), wrong[0])
	}
	if len(ok) == 0 {
		t.Fatalf("no checkout was acknowledged within a minute:\n%s", srv.log.String())
	}
	t.Logf("killed the server with %d checkouts acknowledged and %d in flight", len(ok), len(inFlight))

	srv = startServer(t, bin, dataDir)
	for _, a := range ok {
		for _, id := range a.orders {
			var o struct{ ID, Status, CheckoutID string }
			status, body, err := srv.call("GET", "/api/v1/orders/"+id, a.buyer, "", nil, &o)
			if err != nil || status != 200 {
				t.Errorf("order %s of acknowledged checkout %s: status %d, error %v, body %s; want 200", id, a.checkout, status, err, body)
				continue
			}
			if o.Status != "ON_HOLD" {
				t.Errorf("order %s of acknowledged checkout %s is %s after the restart; want ON_HOLD (paid)", id, a.checkout, o.Status)
			}
		}
	}
	stock := func() (sold, reserved, available int64) {
		t.Helper()
		var st struct {
			Stock []struct{ Received, Reserved, Sold, Available int64 }
		}
		srv.must(t, 200, "GET", "/api/v1/products/"+product.ID+"/stock", seller, nil, &st)
		var rec int64
		for _, s := range st.Stock {
			rec += s.Received
			sold += s.Sold
			reserved += s.Reserved
			available += s.Available
		}
		if rec != received || rec-sold-reserved != available {
			t.Errorf("stock received %d, sold %d, reserved %d, available %d: does not add up to the %d received", rec, sold, reserved, available, received)
		}
		return sold, reserved, available
	}
	acks, unknown := int64(len(ok)), int64(len(inFlight))
	sold, reserved, _ := stock()
	if sold < acks {
		t.Errorf("%d units sold after the restart; want at least the %d acknowledged", sold, acks)
	}
	if sold+reserved > acks+unknown {
		t.Errorf("%d units sold and %d held after the restart; want at most %d, the acknowledged and in-flight checkouts", sold, reserved, acks+unknown)
	}

	// The buyers retry what got no answer, with the same keys: each gets
	// one paid checkout, whether the first attempt had committed or not.
	for _, f := range inFlight {
		var r reply
		status, body, err := srv.call("POST", "/api/v1/checkouts", f.buyer, f.key, checkout, &r)
		if err != nil || status != 201 || r.Status != "PAID" {
			t.Errorf("retry of in-flight checkout %s: status %d, error %v, body %s; want 201 PAID", f.key, status, err, body)
		}
	}
	sold, reserved, _ = stock()
	if sold != acks+unknown || reserved != 0 {
		t.Errorf("after the retries %d units sold and %d held; want %d sold (%d acknowledged + %d retried) and none held",
			sold, reserved, acks+unknown, acks, unknown)
	}
}
