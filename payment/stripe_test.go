package payment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/money"
)

// exchange is one request the adapter sent and what came back.
type exchange struct {
	method, path, idempotencyKey string
	form                         url.Values
	status                       int
	body                         map[string]any
}

// recorder is an http.RoundTripper that passes requests on and keeps them,
// so a test can see what reached stripe-mock and what it answered.
type recorder struct {
	mu        sync.Mutex
	exchanges []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	x := exchange{method: req.Method, path: req.URL.Path, idempotencyKey: req.Header.Get("Idempotency-Key")}
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		x.form, _ = url.ParseQuery(string(b))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		var b []byte
		b, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		x.status = resp.StatusCode
		json.Unmarshal(b, &x.body)
	}
	r.mu.Lock()
	r.exchanges = append(r.exchanges, x)
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return resp, nil
}

func (r *recorder) all() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.exchanges...)
}

// newStripeMock returns an adapter talking to stripe-mock through a
// recorder, with the tests' clock.
func newStripeMock(t *testing.T, key string) (*Stripe, *recorder) {
	t.Helper()
	rec := &recorder{}
	s, err := NewStripe(StripeConfig{Key: key, URL: stripeMockURL(t), HTTPClient: &http.Client{Transport: rec, Timeout: 30 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return time.Date(2026, time.June, 30, 0, 0, 0, 0, time.UTC) }
	return s, rec
}

func visa() *Card {
	return &Card{Number: "4242 4242 4242 4242", ExpMonth: 12, ExpYear: 2030, CVC: "123"}
}

// wantStatus is how a confirmed PaymentIntent's status reads as a charge.
var wantStatus = map[string]Status{
	"succeeded":               StatusSucceeded,
	"processing":              StatusPending,
	"requires_payment_method": StatusDeclined,
	"requires_action":         StatusDeclined,
	"canceled":                StatusDeclined,
}

func TestStripeChargeReachesStripeMock(t *testing.T) {
	s, rec := newStripeMock(t, "sk_test_123")
	c, err := s.Charge(context.Background(), ChargeRequest{
		Key: "order-1", Amount: money.New(1299, "GBP"), Method: MethodCard, Card: visa(),
		Description: "loopshop order", OrderIDs: []string{"ord_1", "ord_2"}, Metadata: map[string]string{"market": "GB"},
	})
	if err != nil {
		t.Fatalf("Charge: %v", err)
	}
	xs := rec.all()
	if len(xs) != 1 {
		t.Fatalf("%d requests, want 1: %+v", len(xs), xs)
	}
	x := xs[0]
	if x.method != "POST" || x.path != "/v1/payment_intents" || x.status != 200 {
		t.Fatalf("%s %s answered %d, want POST /v1/payment_intents answered 200", x.method, x.path, x.status)
	}
	if x.idempotencyKey != "charge:order-1" {
		t.Errorf("Idempotency-Key %q, want charge:order-1", x.idempotencyKey)
	}
	for field, want := range map[string]string{
		"amount":                   "1299",
		"currency":                 "gbp",
		"confirm":                  "true",
		"payment_method":           "pm_card_visa", // the test card's Stripe token, never the number
		"payment_method_types[0]":  "card",
		"error_on_requires_action": "true",
		"description":              "loopshop order",
		"metadata[order_ids]":      "ord_1,ord_2",
		"metadata[market]":         "GB",
	} {
		if got := x.form.Get(field); got != want {
			t.Errorf("sent %s=%q, want %q", field, got, want)
		}
	}
	if strings.Contains(x.form.Encode(), "4242424242") {
		t.Error("the card number was sent to Stripe")
	}

	// stripe-mock answers with a fixture PaymentIntent that echoes the
	// amount and currency; its status is the fixture's.
	id, _ := x.body["id"].(string)
	if c.ID != id || !strings.HasPrefix(c.ID, "pi_") {
		t.Errorf("charge ID %q, stripe-mock's PaymentIntent %q", c.ID, id)
	}
	status, _ := x.body["status"].(string)
	want, known := wantStatus[status]
	if !known {
		t.Fatalf("stripe-mock answered status %q, which the test does not know", status)
	}
	if c.Status != want {
		t.Errorf("PaymentIntent status %q became %q, want %q", status, c.Status, want)
	}
	if c.Status == StatusDeclined && (c.DeclineCode == "" || c.Message == "") {
		t.Errorf("a decline without a code or message: %+v", c)
	}
	if c.Amount != money.New(1299, "GBP") || c.Fee != money.New(0, "GBP") {
		t.Errorf("amount %v fee %v, want GBP 12.99 and no fee", c.Amount, c.Fee)
	}
	if c.Brand != "visa" || c.Last4 != "4242" {
		t.Errorf("card shown as %s …%s", c.Brand, c.Last4)
	}
}

func TestStripeChargeWithPaymentMethodToken(t *testing.T) {
	s, rec := newStripeMock(t, "sk_test_123")
	_, err := s.Charge(context.Background(), ChargeRequest{
		Key: strings.Repeat("k", 255), Amount: money.New(500, "JPY"), Method: MethodCard, PaymentMethod: "pm_1AbCdEf",
	})
	if err != nil {
		t.Fatal(err)
	}
	x := rec.all()[0]
	if x.form.Get("payment_method") != "pm_1AbCdEf" || x.form.Get("currency") != "jpy" || x.form.Get("amount") != "500" {
		t.Errorf("sent %v", x.form)
	}
	// A key too long for Stripe once prefixed is sent hashed, within its limit.
	if k := x.idempotencyKey; len(k) > 255 || !strings.HasPrefix(k, "charge:sha256:") {
		t.Errorf("Idempotency-Key %q (%d characters)", k, len(k))
	}
}

func TestStripeRefusesCardsLocally(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		card    *Card
		code    string // error kind, or "" for a decline
		decline string
	}{
		{"live key takes no card numbers", "sk_live_123", visa(), loopshop.EINVALID, ""},
		{"not a Stripe test card", "sk_test_123", &Card{Number: "4111111111111111", ExpMonth: 1, ExpYear: 2030, CVC: "123"}, loopshop.EINVALID, ""},
		{"bad check digit", "sk_test_123", &Card{Number: "4242424242424241", ExpMonth: 1, ExpYear: 2030, CVC: "123"}, "", DeclineIncorrectNumber},
		{"expired", "sk_test_123", &Card{Number: "4242424242424242", ExpMonth: 5, ExpYear: 2026, CVC: "123"}, "", DeclineExpiredCard},
		{"bad month", "sk_test_123", &Card{Number: "4242424242424242", ExpMonth: 13, ExpYear: 2030, CVC: "123"}, loopshop.EINVALID, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Nothing may be sent, so no stripe-mock is needed: the recorder
			// would note any request, which port 1 then refuses.
			rec := &recorder{}
			s, err := NewStripe(StripeConfig{Key: tt.key, URL: "http://127.0.0.1:1", HTTPClient: &http.Client{Transport: rec}})
			if err != nil {
				t.Fatal(err)
			}
			s.now = func() time.Time { return time.Date(2026, time.June, 30, 0, 0, 0, 0, time.UTC) }
			c, err := s.Charge(context.Background(), ChargeRequest{Key: "k", Amount: money.New(100, "GBP"), Method: MethodCard, Card: tt.card})
			if loopshop.ErrorCode(err) != tt.code {
				t.Fatalf("got %+v, %v; want error kind %q", c, err, tt.code)
			}
			if tt.decline != "" && (c.Status != StatusDeclined || c.DeclineCode != tt.decline) {
				t.Errorf("got %+v, want a %s decline", c, tt.decline)
			}
			if n := len(rec.all()); n != 0 {
				t.Errorf("%d requests reached Stripe", n)
			}
		})
	}
}

func TestStripeErrorsAreNotDeclines(t *testing.T) {
	// stripe-mock refuses a live-mode key as Stripe refuses a wrong one.
	s, rec := newStripeMock(t, "sk_live_123")
	c, err := s.Charge(context.Background(), ChargeRequest{Key: "k", Amount: money.New(100, "GBP"), Method: MethodCard, PaymentMethod: "pm_card_visa"})
	if err == nil {
		t.Fatalf("charge with a refused key: %+v", c)
	}
	var se *stripe.Error
	if !errors.As(err, &se) || se.HTTPStatusCode != http.StatusUnauthorized {
		t.Errorf("error %v, want stripe-mock's 401", err)
	}
	if xs := rec.all(); len(xs) != 1 || xs[0].status != http.StatusUnauthorized {
		t.Errorf("exchanges %+v", xs)
	}

	// Nothing listening: the outcome is unknown, so the caller may retry.
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	down, err := NewStripe(StripeConfig{Key: "sk_test_123", URL: "http://127.0.0.1:" + strconv.Itoa(port)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = down.Charge(context.Background(), ChargeRequest{Key: "k", Amount: money.New(100, "GBP"), Method: MethodCard, PaymentMethod: "pm_card_visa"})
	if loopshop.ErrorCode(err) != loopshop.EUNAVAILABLE {
		t.Errorf("provider down: %v, want unavailable", err)
	}
}

func TestStripeRefundReachesStripeMock(t *testing.T) {
	s, rec := newStripeMock(t, "sk_test_123")
	// stripe-mock's fixture PaymentIntent is in USD.
	r, err := s.Refund(context.Background(), RefundRequest{Key: "order-1-refund-1", ChargeID: "pi_123", Amount: money.New(500, "USD")})
	if err != nil {
		t.Fatalf("Refund: %v", err)
	}
	xs := rec.all()
	if len(xs) != 2 || xs[0].method != "GET" || xs[0].path != "/v1/payment_intents/pi_123" ||
		xs[1].method != "POST" || xs[1].path != "/v1/refunds" {
		t.Fatalf("requests %+v, want the PaymentIntent read, then a refund", xs)
	}
	x := xs[1]
	if x.form.Get("payment_intent") != "pi_123" || x.form.Get("amount") != "500" || x.idempotencyKey != "refund:order-1-refund-1" {
		t.Errorf("sent %v with Idempotency-Key %q", x.form, x.idempotencyKey)
	}
	id, _ := x.body["id"].(string)
	if r.ID != id || !strings.HasPrefix(r.ID, "re_") || r.ChargeID != "pi_123" || r.Amount != money.New(500, "USD") {
		t.Errorf("refund %+v, stripe-mock's %q", r, id)
	}
	if st, _ := x.body["status"].(string); st != "succeeded" || r.Status != StatusSucceeded {
		t.Errorf("refund status %q became %q", st, r.Status)
	}

	// A refund in another currency than the charge's never reaches Stripe's refunds.
	_, err = s.Refund(context.Background(), RefundRequest{Key: "r2", ChargeID: "pi_123", Amount: money.New(500, "GBP")})
	if loopshop.ErrorCode(err) != loopshop.EINVALID || !strings.Contains(loopshop.ErrorMessage(err), "made in USD") {
		t.Errorf("refund in GBP of a USD charge: %v", err)
	}
	for _, x := range rec.all()[2:] {
		if x.path == "/v1/refunds" {
			t.Error("the refund in the wrong currency was sent")
		}
	}
}

func TestChargeFromError(t *testing.T) {
	amount := money.New(1299, "GBP")
	tests := []struct {
		name    string
		err     error
		decline string // "" when an error is expected
		id      string
		message string
		code    string // the error's kind
	}{
		{"insufficient funds", &stripe.Error{Type: stripe.ErrorTypeCard, Code: stripe.ErrorCodeCardDeclined,
			DeclineCode: stripe.DeclineCodeInsufficientFunds, Msg: "Your card has insufficient funds.", HTTPStatusCode: 402,
			PaymentIntent: &stripe.PaymentIntent{ID: "pi_1"}}, DeclineInsufficientFunds, "pi_1", "insufficient funds", ""},
		{"card declined", &stripe.Error{Type: stripe.ErrorTypeCard, Code: stripe.ErrorCodeCardDeclined, HTTPStatusCode: 402},
			DeclineCardDeclined, "", "was declined", ""},
		{"expired card", &stripe.Error{Type: stripe.ErrorTypeCard, Code: stripe.ErrorCodeExpiredCard}, DeclineExpiredCard, "", "expired", ""},
		{"incorrect number", &stripe.Error{Type: stripe.ErrorTypeCard, Code: stripe.ErrorCodeIncorrectNumber}, DeclineIncorrectNumber, "", "not valid", ""},
		{"unlisted decline keeps Stripe's message", &stripe.Error{Type: stripe.ErrorTypeCard, Code: stripe.ErrorCodeCardDeclined,
			DeclineCode: stripe.DeclineCodeDoNotHonor, Msg: "Your card was declined by your bank."}, "do_not_honor", "", "by your bank", ""},
		{"wrapped card error", wrap(&stripe.Error{Type: stripe.ErrorTypeCard, Code: stripe.ErrorCodeCardDeclined}), DeclineCardDeclined, "", "declined", ""},
		{"api error", &stripe.Error{Type: stripe.ErrorTypeAPI, HTTPStatusCode: 500}, "", "", "", loopshop.EUNAVAILABLE},
		{"rate limited", &stripe.Error{Type: stripe.ErrorTypeInvalidRequest, HTTPStatusCode: 429}, "", "", "", loopshop.EUNAVAILABLE},
		{"invalid request", &stripe.Error{Type: stripe.ErrorTypeInvalidRequest, HTTPStatusCode: 400, Msg: "Invalid currency"}, "", "", "", loopshop.EINTERNAL},
		{"key reused", &stripe.Error{Type: stripe.ErrorTypeIdempotency, HTTPStatusCode: 400}, "", "", "", loopshop.EUNPROCESSABLE},
		{"network", errors.New("dial tcp: connection refused"), "", "", "", loopshop.EUNAVAILABLE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := chargeFromError(tt.err, amount)
			if tt.decline == "" {
				if c != nil || loopshop.ErrorCode(err) != tt.code {
					t.Fatalf("got %+v, %v; want a %s error", c, err, tt.code)
				}
				if !errors.Is(err, tt.err) {
					t.Errorf("error %v does not wrap Stripe's", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("a decline became an error: %v", err)
			}
			if c.Status != StatusDeclined || c.DeclineCode != tt.decline || c.ID != tt.id || c.Amount != amount {
				t.Errorf("got %+v, want declined %s with ID %q", c, tt.decline, tt.id)
			}
			if !strings.Contains(c.Message, tt.message) {
				t.Errorf("message %q does not say %q", c.Message, tt.message)
			}
		})
	}
}

func wrap(err error) error { return errors.Join(errors.New("context"), err) }

func TestChargeFromIntent(t *testing.T) {
	pm := &stripe.PaymentMethod{ID: "pm_1", Card: &stripe.PaymentMethodCard{Brand: "mastercard", Last4: "4444"}}
	tests := []struct {
		name    string
		pi      *stripe.PaymentIntent
		status  Status
		decline string
	}{
		{"succeeded", &stripe.PaymentIntent{Status: stripe.PaymentIntentStatusSucceeded}, StatusSucceeded, ""},
		{"processing", &stripe.PaymentIntent{Status: stripe.PaymentIntentStatusProcessing}, StatusPending, ""},
		{"failed attempt", &stripe.PaymentIntent{Status: stripe.PaymentIntentStatusRequiresPaymentMethod,
			LastPaymentError: &stripe.Error{Type: stripe.ErrorTypeCard, Code: stripe.ErrorCodeCardDeclined, DeclineCode: stripe.DeclineCodeInsufficientFunds}},
			StatusDeclined, DeclineInsufficientFunds},
		{"failed without a reason", &stripe.PaymentIntent{Status: stripe.PaymentIntentStatusRequiresPaymentMethod}, StatusDeclined, DeclineCardDeclined},
		{"needs 3-D Secure", &stripe.PaymentIntent{Status: stripe.PaymentIntentStatusRequiresAction}, StatusDeclined, DeclineAuthenticationRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.pi.ID, tt.pi.Amount, tt.pi.Currency, tt.pi.PaymentMethod = "pi_9", 1299, "eur", pm
			c, err := chargeFromIntent(tt.pi)
			if err != nil {
				t.Fatal(err)
			}
			if c.ID != "pi_9" || c.Status != tt.status || c.DeclineCode != tt.decline || c.Amount != money.New(1299, "EUR") {
				t.Errorf("got %+v, want %s %q of EUR 12.99", c, tt.status, tt.decline)
			}
			if c.Brand != "mastercard" || c.Last4 != "4444" {
				t.Errorf("card shown as %s …%s", c.Brand, c.Last4)
			}
		})
	}
	if c, err := chargeFromIntent(&stripe.PaymentIntent{ID: "pi_9", Status: stripe.PaymentIntentStatusRequiresCapture}); err == nil {
		t.Errorf("a PaymentIntent awaiting capture became %+v", c)
	}
}

func TestRefundError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code string
	}{
		{"more than charged", &stripe.Error{Type: stripe.ErrorTypeInvalidRequest, Code: stripe.ErrorCodeAmountTooLarge, Msg: "Refund amount is greater than unrefunded amount"}, loopshop.ECONFLICT},
		{"already refunded", &stripe.Error{Type: stripe.ErrorTypeInvalidRequest, Code: stripe.ErrorCodeChargeAlreadyRefunded}, loopshop.ECONFLICT},
		{"no such charge", &stripe.Error{Type: stripe.ErrorTypeInvalidRequest, Code: stripe.ErrorCodeResourceMissing, HTTPStatusCode: 404}, loopshop.ENOTFOUND},
		{"api error", &stripe.Error{Type: stripe.ErrorTypeAPI, HTTPStatusCode: 500}, loopshop.EUNAVAILABLE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := refundError(tt.err, "pi_1"); loopshop.ErrorCode(err) != tt.code || !errors.Is(err, tt.err) {
				t.Errorf("got %v, want a %s error wrapping Stripe's", err, tt.code)
			}
		})
	}
}
