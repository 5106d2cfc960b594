package payment

import (
	"context"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/money"
)

// TestCard is a card provider for the demo, development and tests. It
// needs no network and answers as Stripe's test mode does for Stripe's
// test cards:
//
//	4242 4242 4242 4242, 5555 5555 5555 4444  approved
//	4000 0000 0000 0002                       card_declined
//	4000 0000 0000 9995                       insufficient_funds
//	4000 0000 0000 0069                       expired_card
//	4000 0000 0000 0127                       incorrect_cvc
//	a number failing its Luhn check           incorrect_number
//	an expiry before the current month        expired_card
//
// Any other well-formed card is approved, and so are Stripe's test
// PaymentMethods for the cards above ("pm_card_visa", ...). No money moves.
//
// It keeps charges and refunds in memory, guarded by a mutex: a restart
// forgets them, so their refunds are then refused as not found. Charge IDs
// are "tc_" and the first 24 hex digits of the key's SHA-256, so a
// restarted server that replays a key still reports the same ID. It keeps
// a card's last four digits and brand, never its number.
//
// The zero TestCard is ready to use; do not copy one after first use.
type TestCard struct {
	// Now tells the time for expiry checks; nil means time.Now.
	Now func() time.Time

	book book
}

// Name returns "testcard".
func (p *TestCard) Name() string { return "testcard" }

// Charge approves or declines req as described on TestCard.
func (p *TestCard) Charge(ctx context.Context, req ChargeRequest) (*Charge, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := validCharge(req, MethodCard); err != nil {
		return nil, err
	}
	var decline, brand, four string
	if req.Card != nil {
		now := time.Now
		if p.Now != nil {
			now = p.Now
		}
		number, d, err := checkCard(req.Card, now())
		if err != nil {
			return nil, err
		}
		decline = d
		if tc, ok := testCardByNumber(number); ok && decline == "" {
			decline = tc.decline
		}
		if number != "" {
			brand, four = cardBrand(number), last4(number)
		}
	} else {
		tc, ok := testCardByPaymentMethod(req.PaymentMethod)
		if !ok {
			names := make([]string, len(testCards))
			for i, c := range testCards {
				names[i] = c.paymentMethod
			}
			return nil, loopshop.Invalid("payment_method", "%q is not a test payment method; use one of %s",
				req.PaymentMethod, strings.Join(names, ", "))
		}
		decline, brand, four = tc.decline, tc.brand, last4(tc.number)
	}
	return p.book.charge(req, func() Charge {
		c := Charge{ID: idFor("tc_", req.Key), Status: StatusSucceeded, Amount: req.Amount,
			Fee: money.New(0, req.Amount.Currency), Brand: brand, Last4: four}
		if decline != "" {
			c.Status, c.DeclineCode, c.Message = StatusDeclined, decline, declineMessage(decline, "")
		}
		return c
	})
}

// Refund returns part or all of a charge this TestCard made, refusing more
// than is left of it.
func (p *TestCard) Refund(ctx context.Context, req RefundRequest) (*Refund, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := validRefund(req); err != nil {
		return nil, err
	}
	return p.book.refund(req, Refund{ID: idFor("tcr_", req.Key), Status: StatusSucceeded,
		Message: "Refunded to the card."}, false)
}

// Charges returns every charge made since the TestCard was created, in
// order, declines included: what a test or the demo inspects.
func (p *TestCard) Charges() []Charge { return p.book.list() }
