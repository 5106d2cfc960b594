package payment_test

import (
	"context"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/payment"
)

func codCharge(key string, amount money.Money) payment.ChargeRequest {
	return payment.ChargeRequest{Key: key, Amount: amount, Method: payment.MethodCOD, OrderIDs: []string{"ord_1"}}
}

func TestCODFee(t *testing.T) {
	tests := []struct {
		name   string
		bps    int64
		amount money.Money
		fee    int64
	}{
		{"2% of 100.00", 200, gbp(10000), 200},
		{"2% of 12.99 is 0.2598", 200, gbp(1299), 26},
		{"half rounds up: 2% of 0.25 is 0.005", 200, gbp(25), 1},
		{"below half rounds down: 2% of 0.24", 200, gbp(24), 0},
		{"2% of 0.75 is 0.015", 200, gbp(75), 2},
		{"yen has no minor unit: 2% of ¥1,234", 200, money.New(1234, "JPY"), 25},
		{"largest amount does not overflow", 200, gbp(math.MaxInt64), 184467440737095516},
		{"all of it", 10000, gbp(math.MaxInt64), math.MaxInt64},
		{"no fee", 0, gbp(1299), 0},
		{"2.5%", 250, gbp(1000), 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &payment.COD{FeeBPS: tt.bps}
			c, err := p.Charge(context.Background(), codCharge("k", tt.amount))
			if err != nil {
				t.Fatal(err)
			}
			if want := money.New(tt.fee, tt.amount.Currency); c.Fee != want {
				t.Errorf("fee %v, want %v", c.Fee, want)
			}
		})
	}
}

func TestCODCharge(t *testing.T) {
	p := payment.NewCOD()
	c, err := p.Charge(context.Background(), codCharge("order-1", gbp(1299)))
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != payment.StatusPending || c.Amount != gbp(1299) || c.Fee != gbp(26) {
		t.Errorf("got %s %v fee %v, want pending GBP 12.99 with a GBP 0.26 fee", c.Status, c.Amount, c.Fee)
	}
	if !strings.HasPrefix(c.ID, "cod_") || !strings.Contains(c.Message, "GBP 12.99") {
		t.Errorf("ID %q message %q", c.ID, c.Message)
	}
	if p.Name() != "cod" {
		t.Errorf("name %q", p.Name())
	}
}

func TestCODInvalidInput(t *testing.T) {
	tests := []struct {
		name  string
		req   payment.ChargeRequest
		field string
	}{
		{"card method", payment.ChargeRequest{Key: "k", Amount: gbp(100), Method: payment.MethodCard}, "method"},
		{"with a card", payment.ChargeRequest{Key: "k", Amount: gbp(100), Method: payment.MethodCOD, Card: card("4242424242424242")}, "method"},
		{"with a token", payment.ChargeRequest{Key: "k", Amount: gbp(100), Method: payment.MethodCOD, PaymentMethod: "pm_card_visa"}, "method"},
		{"no key", codCharge("", gbp(100)), "key"},
		{"zero", codCharge("k", gbp(0)), "amount"},
		{"no currency", codCharge("k", money.Money{Amount: 100}), "amount.currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := payment.NewCOD().Charge(context.Background(), tt.req)
			if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != tt.field {
				t.Errorf("got %+v, %v; want invalid %s", c, err, tt.field)
			}
		})
	}
	if _, err := (&payment.COD{FeeBPS: -1}).Charge(context.Background(), codCharge("k", gbp(100))); err == nil {
		t.Error("a negative fee rate was used")
	}
}

func TestCODReplay(t *testing.T) {
	ctx := context.Background()
	p := payment.NewCOD()
	first, err := p.Charge(ctx, codCharge("order-1", gbp(1299)))
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.Charge(ctx, codCharge("order-1", gbp(1299)))
	if err != nil || *again != *first {
		t.Errorf("replay: %+v, %v; want %+v", again, err, first)
	}
	_, err = p.Charge(ctx, codCharge("order-1", gbp(1300)))
	if loopshop.ErrorCode(err) != loopshop.EUNPROCESSABLE || !strings.Contains(err.Error(), "different charge") {
		t.Errorf("key reused with another amount: %v", err)
	}
	restarted, err := payment.NewCOD().Charge(ctx, codCharge("order-1", gbp(1299)))
	if err != nil || restarted.ID != first.ID {
		t.Errorf("after a restart: %+v, %v; want ID %s", restarted, err, first.ID)
	}
}

func TestCODConcurrentChargesWithOneKey(t *testing.T) {
	p := payment.NewCOD()
	var wg sync.WaitGroup
	ids := make([]string, 16)
	for i := range ids {
		wg.Go(func() {
			c, err := p.Charge(context.Background(), codCharge("order-1", gbp(1299)))
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = c.ID
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("IDs %s and %s for one key", ids[0], id)
		}
	}
	// One charge of GBP 12.99 exists: refunding it twice over is refused.
	if _, err := p.Refund(context.Background(), refund("r1", ids[0], gbp(1299))); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Refund(context.Background(), refund("r2", ids[0], gbp(1))); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
		t.Errorf("refunded more than one charge: %v", err)
	}
}

func TestCODRefundIsACancellation(t *testing.T) {
	ctx := context.Background()
	p := payment.NewCOD()
	c, err := p.Charge(ctx, codCharge("order-1", gbp(1299)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Refund(ctx, refund("r1", c.ID, gbp(299)))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != payment.StatusSucceeded || r.Amount != gbp(299) || r.ChargeID != c.ID || !strings.Contains(r.Message, "no money moves") {
		t.Errorf("refund %+v", r)
	}
	if _, err := p.Refund(ctx, refund("r2", c.ID, gbp(1000))); err != nil {
		t.Errorf("refunding the rest: %v", err)
	}
	_, err = p.Refund(ctx, refund("r3", c.ID, gbp(1)))
	if loopshop.ErrorCode(err) != loopshop.ECONFLICT || !strings.Contains(loopshop.ErrorMessage(err), "GBP 0.00 of charge") {
		t.Errorf("refund past the charge: %v", err)
	}
	if _, err := p.Refund(ctx, refund("r4", c.ID, money.New(1, "EUR"))); loopshop.ErrorCode(err) != loopshop.EINVALID {
		t.Errorf("refund in another currency: %v", err)
	}

	// A charge from before a restart is cancelled unchecked: nothing moves.
	r, err = payment.NewCOD().Refund(ctx, refund("r1", c.ID, gbp(299)))
	if err != nil || r.Status != payment.StatusSucceeded {
		t.Errorf("after a restart: %+v, %v", r, err)
	}
}
