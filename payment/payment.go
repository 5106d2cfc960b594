package payment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/money"
)

// Provider takes and returns buyers' money. Implementations are safe for
// concurrent use.
type Provider interface {
	// Name identifies the provider in logs and records: "testcard", "cod",
	// "stripe".
	Name() string
	// Charge authorises and captures req.Amount in one step. A decline is a
	// *Charge with StatusDeclined, not an error; an error means the outcome
	// is unknown (retry with the same key) or the request is invalid.
	Charge(ctx context.Context, req ChargeRequest) (*Charge, error)
	// Refund returns part or all of a charge, refusing more than was
	// charged. Errors follow Charge's rules.
	Refund(ctx context.Context, req RefundRequest) (*Refund, error)
}

// Payment methods a ChargeRequest may name.
const (
	MethodCard = "card"
	MethodCOD  = "cod" // cash on delivery
)

// ChargeRequest asks a provider to take money.
type ChargeRequest struct {
	// Key makes the charge idempotent: the same key never charges twice and
	// returns the first result. 1 to 255 printable ASCII characters.
	Key    string
	Amount money.Money
	// Method is MethodCard or MethodCOD.
	Method string
	// For MethodCard, exactly one of Card and PaymentMethod: the card's
	// details, or a token the provider issued for them (Stripe's
	// "pm_card_visa" or a PaymentMethod made by Stripe.js).
	Card          *Card
	PaymentMethod string
	// Description appears on the provider's dashboard.
	Description string
	// OrderIDs are the orders this charge pays for; a multi-shop cart pays
	// several orders with one charge.
	OrderIDs []string
	// Metadata is passed to the provider as it is.
	Metadata map[string]string
}

// Card is a card's details as the buyer typed them.
type Card struct {
	Number   string `json:"number"`    // digits; spaces and hyphens between them are ignored
	ExpMonth int    `json:"exp_month"` // 1 to 12
	ExpYear  int    `json:"exp_year"`  // four digits
	CVC      string `json:"cvc"`       // 3 or 4 digits
}

// Check reports what is malformed in the card's details (a missing
// number, a month of 13, a two-digit security code), as a payment form
// would before sending them anywhere; a wrong check digit or a past
// expiry are for the provider to decline.
func (c *Card) Check() error {
	_, _, err := checkCard(c, time.Now())
	return err
}

// Status is where a charge or refund stands.
type Status string

// Statuses. A charge ends StatusSucceeded, StatusDeclined or StatusPending
// (money still to come, as with cash on delivery); a refund ends
// StatusSucceeded, StatusPending or StatusFailed.
const (
	StatusSucceeded Status = "succeeded"
	StatusDeclined  Status = "declined"
	StatusPending   Status = "pending"
	StatusFailed    Status = "failed"
)

// Decline codes this package produces; a provider may return others of
// Stripe's (https://docs.stripe.com/declines/codes).
const (
	DeclineCardDeclined           = "card_declined"
	DeclineInsufficientFunds      = "insufficient_funds"
	DeclineExpiredCard            = "expired_card"
	DeclineIncorrectNumber        = "incorrect_number"
	DeclineIncorrectCVC           = "incorrect_cvc"
	DeclineAuthenticationRequired = "authentication_required"
)

// Charge is a provider's verdict on a ChargeRequest.
type Charge struct {
	// ID is the provider's reference: keep it to refund the charge. Empty
	// only for a card refused before it reached the provider (a number
	// that fails its check digit, an expiry in the past).
	ID     string
	Status Status
	Amount money.Money
	// Fee is the payment fee the seller bears when the provider states it
	// at charge time (cash on delivery's 2 %); zero when it is settled
	// later (Stripe reports its fees on balance transactions).
	Fee money.Money
	// DeclineCode says why a declined charge was refused.
	DeclineCode string
	// Message is for the buyer: what happened and what to do next.
	Message string
	// Last4 and Brand describe the card, when one was used and known.
	Last4 string
	Brand string
}

// RefundRequest asks a provider to return money from a charge.
type RefundRequest struct {
	// Key makes the refund idempotent, as ChargeRequest.Key does.
	Key      string
	ChargeID string
	// Amount to return, in the charge's currency; at most what is left of
	// the charge after earlier refunds.
	Amount money.Money
}

// Refund is a provider's answer to a RefundRequest.
type Refund struct {
	ID       string
	ChargeID string
	Status   Status
	Amount   money.Money
	// Message says what happened, for the people who see the order.
	Message string
}

// maxKeyLen is Stripe's limit on idempotency keys.
const maxKeyLen = 255

func validKey(key string) error {
	if key == "" || len(key) > maxKeyLen {
		return loopshop.Invalid("key", "an idempotency key of 1 to %d characters is required; use one per payment attempt", maxKeyLen)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return loopshop.Invalid("key", "the idempotency key must be printable ASCII")
		}
	}
	return nil
}

// validAmount checks a positive amount in an ISO-style currency code.
func validAmount(m money.Money) error {
	if len(m.Currency) != 3 || !isUpper(m.Currency) {
		return loopshop.Invalid("amount.currency", "currency %q is not an ISO 4217 code such as GBP", m.Currency)
	}
	if m.Amount <= 0 {
		return loopshop.Invalid("amount", "the amount must be more than zero, not %s", m)
	}
	return nil
}

func isUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// validCharge checks what every provider needs: a key, a positive amount
// and the one method the provider takes.
func validCharge(req ChargeRequest, method string) error {
	if err := validKey(req.Key); err != nil {
		return err
	}
	if err := validAmount(req.Amount); err != nil {
		return err
	}
	if req.Method != method {
		return loopshop.Invalid("method", "this provider takes method %q, not %q", method, req.Method)
	}
	if method == MethodCOD && (req.Card != nil || req.PaymentMethod != "") {
		return loopshop.Invalid("method", "cash on delivery takes no card or payment method")
	}
	if method == MethodCard && (req.Card == nil) == (req.PaymentMethod == "") {
		return loopshop.Invalid("card", "give either the card's details or a payment method token, not both or neither")
	}
	return nil
}

func validRefund(req RefundRequest) error {
	if err := validKey(req.Key); err != nil {
		return err
	}
	if req.ChargeID == "" {
		return loopshop.Invalid("charge_id", "name the charge to refund")
	}
	return validAmount(req.Amount)
}

// idFor derives a provider reference from an idempotency key, so a server
// that lost its memory answers a replayed key with the same ID.
func idFor(prefix, key string) string {
	sum := sha256.Sum256([]byte(key))
	return prefix + hex.EncodeToString(sum[:])[:24]
}

// declineMessages tell the buyer what to do about each decline.
var declineMessages = map[string]string{
	DeclineCardDeclined:           "Your card was declined. Try another card or another way to pay.",
	DeclineInsufficientFunds:      "Your card has insufficient funds. Try another card or another way to pay.",
	DeclineExpiredCard:            "Your card has expired. Check the expiry date, or use another card.",
	DeclineIncorrectNumber:        "The card number is not valid. Check it and try again.",
	DeclineIncorrectCVC:           "The security code (CVC) is wrong. Check the 3 or 4 digits on your card and try again.",
	DeclineAuthenticationRequired: "Your bank asked to confirm this payment, which this checkout cannot do yet. Try another card or another way to pay.",
}

// declineMessage returns the buyer's message for code, or fallback when
// the code has none of its own.
func declineMessage(code, fallback string) string {
	if m, ok := declineMessages[code]; ok {
		return m
	}
	if fallback != "" {
		return fallback
	}
	return "The payment was declined. Try another card or another way to pay."
}

func declined(code string, amount money.Money) *Charge {
	return &Charge{Status: StatusDeclined, Amount: amount, Fee: money.New(0, amount.Currency),
		DeclineCode: code, Message: declineMessage(code, "")}
}
