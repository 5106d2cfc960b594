package payment

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/money"
)

// book is the in-memory record that TestCard and COD keep: the first
// result for each idempotency key and how much of each charge has been
// refunded. One mutex guards it all and is held from the key's lookup to
// the result's recording, so concurrent requests with one key make one
// charge. Nothing in it outlives the process.
type book struct {
	mu      sync.Mutex
	secret  []byte
	charges map[string]*chargeRecord // by idempotency key
	byID    map[string]*chargeRecord // by Charge.ID
	refunds map[string]*refundRecord // by idempotency key
	made    []*chargeRecord          // in the order made
}

type chargeRecord struct {
	fingerprint string
	charge      Charge
	refunded    int64 // minor units of charge.Amount's currency
}

type refundRecord struct {
	fingerprint string
	refund      Refund
}

func (b *book) init() {
	if b.secret != nil {
		return
	}
	b.secret = make([]byte, 32)
	rand.Read(b.secret)
	b.charges = map[string]*chargeRecord{}
	b.byID = map[string]*chargeRecord{}
	b.refunds = map[string]*refundRecord{}
}

// fingerprint identifies a request, to tell a replay from a key reused for
// another request. It is keyed with a secret of this process so that a
// card number in the request cannot be recovered from it by trying every
// number. Call with b.mu held.
func (b *book) fingerprint(req any) string {
	body, err := json.Marshal(req)
	if err != nil {
		panic(err) // requests are plain data
	}
	mac := hmac.New(sha256.New, b.secret)
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

func keyReused(what, key string) error {
	return loopshop.Errorf(loopshop.EUNPROCESSABLE,
		"idempotency key %q was already used for a different %s; use a new key for a new attempt", key, what)
}

// charge returns the result kept for req.Key, or records and returns what
// decide makes of req. decide runs under the lock, so it must not block.
func (b *book) charge(req ChargeRequest, decide func() Charge) (*Charge, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.init()
	fp := b.fingerprint(req)
	if r, ok := b.charges[req.Key]; ok {
		if r.fingerprint != fp {
			return nil, keyReused("charge", req.Key)
		}
		c := r.charge
		return &c, nil
	}
	r := &chargeRecord{fingerprint: fp, charge: decide()}
	b.charges[req.Key] = r
	b.byID[r.charge.ID] = r
	b.made = append(b.made, r)
	c := r.charge
	return &c, nil
}

// refund returns the refund kept for req.Key, or checks req against what is
// left of its charge and records rf, completed with req's charge and
// amount. A charge the book does not know is refused as not found unless
// unknownOK, when rf is recorded unchecked.
func (b *book) refund(req RefundRequest, rf Refund, unknownOK bool) (*Refund, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.init()
	fp := b.fingerprint(req)
	if r, ok := b.refunds[req.Key]; ok {
		if r.fingerprint != fp {
			return nil, keyReused("refund", req.Key)
		}
		out := r.refund
		return &out, nil
	}
	c, ok := b.byID[req.ChargeID]
	switch {
	case !ok && !unknownOK:
		return nil, loopshop.Errorf(loopshop.ENOTFOUND,
			"there is no charge %s to refund; this provider keeps charges in memory, so a restart forgets them", req.ChargeID)
	case !ok:
	case c.charge.Status == StatusDeclined:
		return nil, loopshop.Errorf(loopshop.ECONFLICT,
			"charge %s was declined: no money was taken, so there is nothing to refund", req.ChargeID)
	case req.Amount.Currency != c.charge.Amount.Currency:
		return nil, loopshop.Invalid("amount.currency",
			"charge %s was made in %s; refund it in %s, not %s", req.ChargeID, c.charge.Amount.Currency, c.charge.Amount.Currency, req.Amount.Currency)
	case req.Amount.Amount > c.charge.Amount.Amount-c.refunded:
		left := c.charge.Amount
		left.Amount -= c.refunded
		return nil, loopshop.Errorf(loopshop.ECONFLICT,
			"cannot refund %s: only %s of charge %s is left to refund (%s charged, %s refunded before)",
			req.Amount, left, req.ChargeID, c.charge.Amount, money.New(c.refunded, left.Currency))
	default:
		c.refunded += req.Amount.Amount
	}
	rf.ChargeID = req.ChargeID
	rf.Amount = req.Amount
	b.refunds[req.Key] = &refundRecord{fingerprint: fp, refund: rf}
	return &rf, nil
}

// charges returns a copy of every charge recorded, in the order made.
func (b *book) list() []Charge {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Charge, len(b.made))
	for i, r := range b.made {
		out[i] = r.charge
	}
	return out
}
