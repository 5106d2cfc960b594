package payment_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/payment"
)

// Every provider is a payment.Provider.
var (
	_ payment.Provider = (*payment.TestCard)(nil)
	_ payment.Provider = (*payment.COD)(nil)
	_ payment.Provider = (*payment.Stripe)(nil)
)

// june2026 is the tests' today: cards expiring in May 2026 have expired,
// those expiring in June 2026 have not.
func june2026() time.Time { return time.Date(2026, time.June, 30, 23, 59, 0, 0, time.UTC) }

func newTestCard() *payment.TestCard { return &payment.TestCard{Now: june2026} }

func gbp(minor int64) money.Money { return money.New(minor, "GBP") }

func card(number string) *payment.Card {
	return &payment.Card{Number: number, ExpMonth: 12, ExpYear: 2030, CVC: "123"}
}

func cardCharge(key string, c *payment.Card) payment.ChargeRequest {
	return payment.ChargeRequest{Key: key, Amount: gbp(1299), Method: payment.MethodCard, Card: c,
		Description: "loopshop order", OrderIDs: []string{"ord_1", "ord_2"}}
}

func TestTestCardNumbers(t *testing.T) {
	tests := []struct {
		name        string
		card        *payment.Card
		status      payment.Status
		declineCode string
		brand       string
		last4       string
	}{
		{"visa approves", card("4242424242424242"), payment.StatusSucceeded, "", "visa", "4242"},
		{"typed with spaces", card("4242 4242 4242 4242"), payment.StatusSucceeded, "", "visa", "4242"},
		{"mastercard approves", card("5555555555554444"), payment.StatusSucceeded, "", "mastercard", "4444"},
		{"other valid number approves", card("4111111111111111"), payment.StatusSucceeded, "", "visa", "1111"},
		{"generic decline", card("4000000000000002"), payment.StatusDeclined, "card_declined", "visa", "0002"},
		{"insufficient funds", card("4000000000009995"), payment.StatusDeclined, "insufficient_funds", "visa", "9995"},
		{"expired card number", card("4000000000000069"), payment.StatusDeclined, "expired_card", "visa", "0069"},
		{"incorrect cvc number", card("4000000000000127"), payment.StatusDeclined, "incorrect_cvc", "visa", "0127"},
		{"luhn failure", card("4242424242424241"), payment.StatusDeclined, "incorrect_number", "", ""},
		{"letters", card("4242abcd42424242"), payment.StatusDeclined, "incorrect_number", "", ""},
		{"too short", card("4242"), payment.StatusDeclined, "incorrect_number", "", ""},
		{"expiry last month", &payment.Card{Number: "4242424242424242", ExpMonth: 5, ExpYear: 2026, CVC: "123"},
			payment.StatusDeclined, "expired_card", "visa", "4242"},
		{"expiry last year", &payment.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2025, CVC: "123"},
			payment.StatusDeclined, "expired_card", "visa", "4242"},
		{"expiring this month still good", &payment.Card{Number: "4242424242424242", ExpMonth: 6, ExpYear: 2026, CVC: "1234"},
			payment.StatusSucceeded, "", "visa", "4242"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := newTestCard().Charge(context.Background(), cardCharge("k1", tt.card))
			if err != nil {
				t.Fatalf("Charge: %v", err)
			}
			if c.Status != tt.status || c.DeclineCode != tt.declineCode {
				t.Errorf("got %s %q, want %s %q", c.Status, c.DeclineCode, tt.status, tt.declineCode)
			}
			if c.Brand != tt.brand || c.Last4 != tt.last4 {
				t.Errorf("card shown as %s …%s, want %s …%s", c.Brand, c.Last4, tt.brand, tt.last4)
			}
			if tt.status == payment.StatusDeclined && c.Message == "" {
				t.Error("a decline must tell the buyer what to do")
			}
			if c.Amount != gbp(1299) || c.Fee != gbp(0) {
				t.Errorf("amount %v fee %v, want GBP 12.99 and no fee", c.Amount, c.Fee)
			}
			if !strings.HasPrefix(c.ID, "tc_") || len(c.ID) != 3+24 {
				t.Errorf("ID %q, want tc_ and 24 hex digits", c.ID)
			}
		})
	}
}

func TestTestCardPaymentMethods(t *testing.T) {
	tests := []struct {
		pm, decline string
	}{
		{"pm_card_visa", ""},
		{"pm_card_mastercard", ""},
		{"pm_card_chargeDeclined", "card_declined"},
		{"pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"},
		{"pm_card_chargeDeclinedExpiredCard", "expired_card"},
	}
	for _, tt := range tests {
		t.Run(tt.pm, func(t *testing.T) {
			req := cardCharge("k", nil)
			req.PaymentMethod = tt.pm
			c, err := newTestCard().Charge(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if c.DeclineCode != tt.decline {
				t.Errorf("decline %q, want %q", c.DeclineCode, tt.decline)
			}
		})
	}
}

func TestTestCardInvalidInput(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*payment.ChargeRequest)
		field  string
		detail string // a word the message must contain
	}{
		{"exp month 0", func(r *payment.ChargeRequest) { r.Card.ExpMonth = 0 }, "card.exp_month", "1 to 12"},
		{"exp month 13", func(r *payment.ChargeRequest) { r.Card.ExpMonth = 13 }, "card.exp_month", "1 to 12"},
		{"two-digit year", func(r *payment.ChargeRequest) { r.Card.ExpYear = 30 }, "card.exp_year", "four digits"},
		{"cvc too short", func(r *payment.ChargeRequest) { r.Card.CVC = "12" }, "card.cvc", "3 or 4 digits"},
		{"cvc too long", func(r *payment.ChargeRequest) { r.Card.CVC = "12345" }, "card.cvc", "3 or 4 digits"},
		{"cvc letters", func(r *payment.ChargeRequest) { r.Card.CVC = "12a" }, "card.cvc", "3 or 4 digits"},
		{"no number", func(r *payment.ChargeRequest) { r.Card.Number = "  " }, "card.number", "card number"},
		{"no card at all", func(r *payment.ChargeRequest) { r.Card = nil }, "card", "either"},
		{"card and token", func(r *payment.ChargeRequest) { r.PaymentMethod = "pm_card_visa" }, "card", "not both"},
		{"unknown token", func(r *payment.ChargeRequest) { r.Card, r.PaymentMethod = nil, "pm_real_123" }, "payment_method", "pm_card_visa"},
		{"cod method", func(r *payment.ChargeRequest) { r.Method = payment.MethodCOD }, "method", "card"},
		{"no key", func(r *payment.ChargeRequest) { r.Key = "" }, "key", "idempotency key"},
		{"key too long", func(r *payment.ChargeRequest) { r.Key = strings.Repeat("k", 256) }, "key", "255"},
		{"zero amount", func(r *payment.ChargeRequest) { r.Amount = gbp(0) }, "amount", "more than zero"},
		{"negative amount", func(r *payment.ChargeRequest) { r.Amount = gbp(-100) }, "amount", "more than zero"},
		{"lower-case currency", func(r *payment.ChargeRequest) { r.Amount.Currency = "gbp" }, "amount.currency", "ISO 4217"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newTestCard()
			req := cardCharge("k1", card("4242424242424242"))
			tt.edit(&req)
			c, err := p.Charge(context.Background(), req)
			if err == nil {
				t.Fatalf("charge accepted: %+v", c)
			}
			if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != tt.field {
				t.Errorf("error %v, want invalid %s", err, tt.field)
			}
			if !strings.Contains(loopshop.ErrorMessage(err), tt.detail) {
				t.Errorf("message %q does not say %q", loopshop.ErrorMessage(err), tt.detail)
			}
			if n := len(p.Charges()); n != 0 {
				t.Errorf("an invalid request made %d charges", n)
			}
		})
	}
}

func TestTestCardNeverKeepsTheCardNumber(t *testing.T) {
	p := newTestCard()
	c, err := p.Charge(context.Background(), cardCharge("k", card("4242 4242 4242 4242")))
	if err != nil {
		t.Fatal(err)
	}
	for _, kept := range append(p.Charges(), *c) {
		if s := fmt.Sprintf("%+v", kept); strings.Contains(s, "424242424242") {
			t.Errorf("charge holds the card number: %s", s)
		}
	}
}

func TestTestCardReplay(t *testing.T) {
	ctx := context.Background()
	p := newTestCard()
	first, err := p.Charge(ctx, cardCharge("order-1", card("4242424242424242")))
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.Charge(ctx, cardCharge("order-1", card("4242424242424242")))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("replay differs (-first +again):\n%s", diff)
	}
	if n := len(p.Charges()); n != 1 {
		t.Errorf("two charges with one key made %d charges", n)
	}

	// A restarted server forgets its charges but replays to the same ID.
	restarted := newTestCard()
	after, err := restarted.Charge(ctx, cardCharge("order-1", card("4242424242424242")))
	if err != nil {
		t.Fatal(err)
	}
	if after.ID != first.ID {
		t.Errorf("after a restart the key charged as %s, before as %s", after.ID, first.ID)
	}

	// A decline is kept too: another card needs another key.
	declined, err := p.Charge(ctx, cardCharge("order-2", card("4000000000000002")))
	if err != nil || declined.Status != payment.StatusDeclined {
		t.Fatalf("got %+v, %v; want a decline", declined, err)
	}
	if _, err := p.Charge(ctx, cardCharge("order-2", card("4242424242424242"))); loopshop.ErrorCode(err) != loopshop.EUNPROCESSABLE {
		t.Errorf("a declined key retried with another card: %v, want unprocessable", err)
	}
}

func TestTestCardKeyReusedForAnotherRequest(t *testing.T) {
	tests := []struct {
		name string
		edit func(*payment.ChargeRequest)
	}{
		{"amount", func(r *payment.ChargeRequest) { r.Amount = gbp(1300) }},
		{"currency", func(r *payment.ChargeRequest) { r.Amount.Currency = "EUR" }},
		{"card", func(r *payment.ChargeRequest) { r.Card = card("5555555555554444") }},
		{"orders", func(r *payment.ChargeRequest) { r.OrderIDs = []string{"ord_3"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			p := newTestCard()
			if _, err := p.Charge(ctx, cardCharge("order-1", card("4242424242424242"))); err != nil {
				t.Fatal(err)
			}
			req := cardCharge("order-1", card("4242424242424242"))
			tt.edit(&req)
			c, err := p.Charge(ctx, req)
			if loopshop.ErrorCode(err) != loopshop.EUNPROCESSABLE || !strings.Contains(err.Error(), "different charge") {
				t.Fatalf("got %+v, %v; want an error saying the key was used for a different charge", c, err)
			}
			if n := len(p.Charges()); n != 1 {
				t.Errorf("%d charges, want 1", n)
			}
		})
	}
}

func TestTestCardConcurrentChargesWithOneKey(t *testing.T) {
	p := newTestCard()
	const n = 32
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			c, err := p.Charge(context.Background(), cardCharge("flash-sale", card("4242424242424242")))
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = c.ID
		})
	}
	wg.Wait()
	if got := len(p.Charges()); got != 1 {
		t.Errorf("%d concurrent charges with one key made %d charges", n, got)
	}
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("concurrent replays answered with IDs %s and %s", ids[0], id)
		}
	}
}

func refund(key, chargeID string, amount money.Money) payment.RefundRequest {
	return payment.RefundRequest{Key: key, ChargeID: chargeID, Amount: amount}
}

func TestTestCardRefunds(t *testing.T) {
	ctx := context.Background()
	p := newTestCard()
	c, err := p.Charge(ctx, cardCharge("order-1", card("4242424242424242")))
	if err != nil {
		t.Fatal(err)
	}

	// Partial refunds add up to the charge and no further.
	for _, r := range []payment.RefundRequest{refund("r1", c.ID, gbp(500)), refund("r2", c.ID, gbp(700))} {
		got, err := p.Refund(ctx, r)
		if err != nil {
			t.Fatalf("refund %s: %v", r.Key, err)
		}
		want := &payment.Refund{ID: got.ID, ChargeID: c.ID, Status: payment.StatusSucceeded, Amount: r.Amount, Message: got.Message}
		if diff := cmp.Diff(want, got); diff != "" || !strings.HasPrefix(got.ID, "tcr_") {
			t.Errorf("refund %s (-want +got):\n%s", r.Key, diff)
		}
	}
	_, err = p.Refund(ctx, refund("r3", c.ID, gbp(100)))
	if loopshop.ErrorCode(err) != loopshop.ECONFLICT || !strings.Contains(loopshop.ErrorMessage(err), "only GBP 0.99") {
		t.Fatalf("refunding past the charge: %v, want a conflict saying GBP 0.99 is left", err)
	}

	// A replayed refund is not refunded twice.
	again, err := p.Refund(ctx, refund("r1", c.ID, gbp(500)))
	if err != nil || again.Amount != gbp(500) {
		t.Fatalf("replayed refund: %+v, %v", again, err)
	}
	if _, err := p.Refund(ctx, refund("r4", c.ID, gbp(99))); err != nil {
		t.Errorf("the last GBP 0.99 could not be refunded after a replay: %v", err)
	}
	if _, err := p.Refund(ctx, refund("r5", c.ID, gbp(1))); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
		t.Errorf("refunded beyond the charge: %v", err)
	}
}

func TestTestCardRefundRefusals(t *testing.T) {
	ctx := context.Background()
	p := newTestCard()
	ok, err := p.Charge(ctx, cardCharge("order-1", card("4242424242424242")))
	if err != nil {
		t.Fatal(err)
	}
	dec, err := p.Charge(ctx, cardCharge("order-2", card("4000000000009995")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Refund(ctx, refund("used", ok.ID, gbp(100))); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		req  payment.RefundRequest
		code string
	}{
		{"more than charged", refund("r1", ok.ID, gbp(1300)), loopshop.ECONFLICT},
		{"declined charge", refund("r2", dec.ID, gbp(100)), loopshop.ECONFLICT},
		{"unknown charge", refund("r3", "tc_unknown", gbp(100)), loopshop.ENOTFOUND},
		{"other currency", refund("r4", ok.ID, money.New(100, "EUR")), loopshop.EINVALID},
		{"zero", refund("r5", ok.ID, gbp(0)), loopshop.EINVALID},
		{"no charge", refund("r6", "", gbp(100)), loopshop.EINVALID},
		{"no key", refund("", ok.ID, gbp(100)), loopshop.EINVALID},
		{"key reused", refund("used", ok.ID, gbp(200)), loopshop.EUNPROCESSABLE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := p.Refund(ctx, tt.req)
			if loopshop.ErrorCode(err) != tt.code {
				t.Errorf("got %+v, %v; want a %s error", r, err, tt.code)
			}
		})
	}
}

func TestTestCardConcurrentRefunds(t *testing.T) {
	ctx := context.Background()
	p := newTestCard()
	c, err := p.Charge(ctx, cardCharge("order-1", card("4242424242424242")))
	if err != nil {
		t.Fatal(err)
	}
	// 20 different refunds of GBP 1.00 race for GBP 12.99: exactly 12 win.
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := range 20 {
		wg.Go(func() {
			_, err := p.Refund(ctx, refund(fmt.Sprint("r", i), c.ID, gbp(100)))
			mu.Lock()
			defer mu.Unlock()
			switch loopshop.ErrorCode(err) {
			case "":
				won++
			case loopshop.ECONFLICT:
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if won != 12 {
		t.Errorf("%d refunds of GBP 1.00 out of GBP 12.99 succeeded, want 12", won)
	}
}

func TestTestCardCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := newTestCard()
	if _, err := p.Charge(ctx, cardCharge("k", card("4242424242424242"))); err == nil {
		t.Error("charged with a cancelled context")
	}
	if len(p.Charges()) != 0 {
		t.Error("a cancelled charge was recorded")
	}
}
