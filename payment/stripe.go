package payment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v85"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/money"
)

// StripeConfig says how to reach Stripe.
type StripeConfig struct {
	// Key is the secret API key: sk_live_… or, in test mode, sk_test_….
	Key string
	// URL is the API's base URL; empty means Stripe's. Tests point it at
	// stripe-mock.
	URL string
	// HTTPClient makes the requests; nil means stripe-go's default.
	HTTPClient *http.Client
}

// Stripe charges cards through Stripe's PaymentIntents, with stripe-go.
//
// A charge creates and confirms a PaymentIntent in one request, for cards
// only and with automatic capture. It asks Stripe to fail rather than wait
// for 3-D Secure (error_on_requires_action), since a one-step charge has
// no page to send the buyer to: such a card is declined as
// authentication_required. Stripe keeps idempotency keys for 24 hours; the
// adapter sends "charge:" or "refund:" and the caller's key, because
// Stripe's keys are shared by all endpoints.
//
// Card details belong in Stripe.js, so a live charge takes a PaymentMethod
// token. In test mode Stripe's test card numbers are also taken and sent
// as their test PaymentMethods (4242… as pm_card_visa), so the demo's card
// form works against a Stripe test account; any other number is refused.
//
// Amounts are sent in money's minor units, which are Stripe's for all but
// a few currencies (ISK, HUF, TWD, UGX), which this adapter does not yet
// special-case. Charge.Fee is zero: Stripe settles its fee later, on the
// balance transaction.
type Stripe struct {
	client *stripe.Client
	test   bool
	now    func() time.Time
}

// NewStripe returns an adapter for the account cfg.Key opens.
func NewStripe(cfg StripeConfig) (*Stripe, error) {
	if cfg.Key == "" {
		return nil, errors.New("payment: Stripe needs a secret API key (sk_live_… or sk_test_…)")
	}
	bc := &stripe.BackendConfig{
		HTTPClient: cfg.HTTPClient,
		// Errors are returned to the caller, who logs them once.
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if cfg.URL != "" {
		bc.URL = stripe.String(cfg.URL)
	}
	return &Stripe{
		client: stripe.NewClient(cfg.Key, stripe.WithBackends(stripe.NewBackendsWithConfig(bc))),
		test:   strings.HasPrefix(cfg.Key, "sk_test_") || strings.HasPrefix(cfg.Key, "rk_test_"),
		now:    time.Now,
	}, nil
}

// Name returns "stripe".
func (s *Stripe) Name() string { return "stripe" }

// Charge creates and confirms a PaymentIntent for req.
func (s *Stripe) Charge(ctx context.Context, req ChargeRequest) (*Charge, error) {
	if err := validCharge(req, MethodCard); err != nil {
		return nil, err
	}
	pm := req.PaymentMethod
	var brand, four string
	if req.Card != nil {
		number, decline, err := checkCard(req.Card, s.now())
		if err != nil {
			return nil, err
		}
		if decline != "" {
			// Refused here as Stripe.js would refuse it: nothing was sent.
			return declined(decline, req.Amount), nil
		}
		tc, ok := testCardByNumber(number)
		if !s.test || !ok {
			return nil, loopshop.Invalid("card", "Stripe takes card details through Stripe.js, not from this server: "+
				"send the PaymentMethod it returns (in test mode, Stripe's test card numbers are also taken)")
		}
		pm, brand, four = tc.paymentMethod, tc.brand, last4(number)
	}

	params := &stripe.PaymentIntentCreateParams{
		Amount:                stripe.Int64(req.Amount.Amount),
		Currency:              stripe.String(strings.ToLower(req.Amount.Currency)),
		Confirm:               stripe.Bool(true),
		PaymentMethod:         stripe.String(pm),
		PaymentMethodTypes:    stripe.StringSlice([]string{"card"}),
		ErrorOnRequiresAction: stripe.Bool(true),
	}
	if req.Description != "" {
		params.Description = stripe.String(req.Description)
	}
	for k, v := range req.Metadata {
		params.AddMetadata(k, v)
	}
	if len(req.OrderIDs) > 0 {
		params.AddMetadata("order_ids", strings.Join(req.OrderIDs, ","))
	}
	params.AddExpand("payment_method")
	params.SetIdempotencyKey(stripeKey("charge", req.Key))

	pi, err := s.client.V1PaymentIntents.Create(ctx, params)
	if err != nil {
		return chargeFromError(err, req.Amount)
	}
	c, err := chargeFromIntent(pi)
	if err != nil {
		return nil, err
	}
	if c.Brand == "" && c.Last4 == "" {
		c.Brand, c.Last4 = brand, four
	}
	return c, nil
}

// Refund refunds req.Amount of the PaymentIntent req.ChargeID. It first
// reads the PaymentIntent to refuse a refund in another currency, which
// Stripe would take as an amount in the charge's.
func (s *Stripe) Refund(ctx context.Context, req RefundRequest) (*Refund, error) {
	if err := validRefund(req); err != nil {
		return nil, err
	}
	pi, err := s.client.V1PaymentIntents.Retrieve(ctx, req.ChargeID, nil)
	if err != nil {
		return nil, refundError(err, req.ChargeID)
	}
	if cur := strings.ToUpper(string(pi.Currency)); cur != req.Amount.Currency {
		return nil, loopshop.Invalid("amount.currency", "charge %s was made in %s; refund it in %s, not %s",
			req.ChargeID, cur, cur, req.Amount.Currency)
	}
	params := &stripe.RefundCreateParams{
		PaymentIntent: stripe.String(req.ChargeID),
		Amount:        stripe.Int64(req.Amount.Amount),
	}
	params.SetIdempotencyKey(stripeKey("refund", req.Key))
	re, err := s.client.V1Refunds.Create(ctx, params)
	if err != nil {
		return nil, refundError(err, req.ChargeID)
	}
	out := &Refund{ID: re.ID, ChargeID: req.ChargeID,
		Amount: money.New(re.Amount, strings.ToUpper(string(re.Currency)))}
	switch re.Status {
	case stripe.RefundStatusSucceeded:
		out.Status, out.Message = StatusSucceeded, "Refunded to the card."
	case stripe.RefundStatusPending, stripe.RefundStatusRequiresAction:
		out.Status, out.Message = StatusPending, "The refund is on its way to the card; banks take up to 10 days."
	default:
		out.Status, out.Message = StatusFailed, "The card could not take the refund ("+string(re.FailureReason)+"); pay the buyer back another way."
	}
	return out, nil
}

// stripeKey makes Stripe's idempotency key: kind and the caller's key,
// hashed when that would pass Stripe's 255 characters.
func stripeKey(kind, key string) string {
	k := kind + ":" + key
	if len(k) > maxKeyLen {
		sum := sha256.Sum256([]byte(key))
		k = kind + ":sha256:" + hex.EncodeToString(sum[:])
	}
	return k
}

// chargeFromIntent reads a confirmed PaymentIntent's verdict.
func chargeFromIntent(pi *stripe.PaymentIntent) (*Charge, error) {
	cur := strings.ToUpper(string(pi.Currency))
	c := &Charge{ID: pi.ID, Amount: money.New(pi.Amount, cur), Fee: money.New(0, cur)}
	if pm := pi.PaymentMethod; pm != nil && pm.Card != nil {
		c.Brand, c.Last4 = string(pm.Card.Brand), pm.Card.Last4
	}
	switch pi.Status {
	case stripe.PaymentIntentStatusSucceeded:
		c.Status = StatusSucceeded
	case stripe.PaymentIntentStatusProcessing:
		c.Status = StatusPending
		c.Message = "Your bank is still processing the payment; the order is confirmed when it completes."
	case stripe.PaymentIntentStatusRequiresPaymentMethod, stripe.PaymentIntentStatusCanceled:
		// The attempt failed: Stripe wants another payment method.
		c.Status, c.DeclineCode = StatusDeclined, DeclineCardDeclined
		var fallback string
		if e := pi.LastPaymentError; e != nil {
			c.DeclineCode = declineCode(e)
			fallback = e.Msg
		}
		c.Message = declineMessage(c.DeclineCode, fallback)
	case stripe.PaymentIntentStatusRequiresAction:
		c.Status, c.DeclineCode = StatusDeclined, DeclineAuthenticationRequired
		c.Message = declineMessage(c.DeclineCode, "")
	default:
		return nil, fmt.Errorf("payment: Stripe left PaymentIntent %s in status %q, which a one-step charge does not expect", pi.ID, pi.Status)
	}
	return c, nil
}

// declineCode picks the most specific reason in a Stripe card error:
// decline_code ("insufficient_funds") over code ("card_declined").
func declineCode(e *stripe.Error) string {
	switch {
	case e.DeclineCode != "":
		return string(e.DeclineCode)
	case e.Code != "" && e.Type == stripe.ErrorTypeCard:
		return string(e.Code)
	}
	return DeclineCardDeclined
}

// chargeFromError sorts a failed PaymentIntent request: a card error is a
// decline, anything else leaves the outcome unknown and is an error.
func chargeFromError(err error, amount money.Money) (*Charge, error) {
	var se *stripe.Error
	if errors.As(err, &se) && se.Type == stripe.ErrorTypeCard {
		c := declined(declineCode(se), amount)
		c.Message = declineMessage(c.DeclineCode, se.Msg)
		if se.PaymentIntent != nil {
			c.ID = se.PaymentIntent.ID
		}
		return c, nil
	}
	return nil, stripeError("charge", err)
}

// refundError gives refunds' expected refusals their kinds.
func refundError(err error, chargeID string) error {
	var se *stripe.Error
	if errors.As(err, &se) {
		switch se.Code {
		case stripe.ErrorCodeAmountTooLarge, stripe.ErrorCodeChargeAlreadyRefunded:
			return fmt.Errorf("%w: %w", loopshop.Errorf(loopshop.ECONFLICT,
				"Stripe refused to refund charge %s: %s", chargeID, se.Msg), err)
		case stripe.ErrorCodeResourceMissing:
			return fmt.Errorf("%w: %w", loopshop.Errorf(loopshop.ENOTFOUND,
				"Stripe has no charge %s to refund", chargeID), err)
		}
	}
	return stripeError("refund", err)
}

// stripeError wraps an error from Stripe with the kind the caller acts on:
// unavailable (retry with the same key) when Stripe could not be reached
// or failed, unprocessable for a reused key, and internal otherwise (a
// request Stripe refuses is this code's fault or its configuration's).
func stripeError(op string, err error) error {
	var se *stripe.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("%w: %w", loopshop.Errorf(loopshop.EUNAVAILABLE,
			"the payment provider could not be reached; try again"), fmt.Errorf("stripe %s: %w", op, err))
	}
	switch {
	case se.Type == stripe.ErrorTypeIdempotency:
		return fmt.Errorf("%w: %w", loopshop.Errorf(loopshop.EUNPROCESSABLE,
			"the idempotency key was already used for a different %s; use a new key for a new attempt", op), err)
	case se.Type == stripe.ErrorTypeAPI, se.HTTPStatusCode == http.StatusTooManyRequests, se.HTTPStatusCode >= 500:
		return fmt.Errorf("%w: %w", loopshop.Errorf(loopshop.EUNAVAILABLE,
			"the payment provider is not answering; try again"), err)
	}
	return fmt.Errorf("stripe %s refused: %w", op, err)
}
