package ledger

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/money"
)

// Transaction kinds the builders write.
const (
	KindPaid               = "order.paid"
	KindRefunded           = "order.refunded"
	KindSettled            = "order.settled"
	KindPaidOut            = "payout"
	KindHeld               = "seller.hold"
	KindReleased           = "seller.release"
	KindCommissionPending  = "commission.pending"
	KindCommissionPayable  = "commission.payable"
	KindCommissionReversed = "commission.reversed"
)

// The money flow of an order, in postings (Dr debit, Cr credit):
//
//	paid                Dr provider_cash        Cr order_clearing      the total
//	refunded            Dr order_clearing       Cr refunds             the refund
//	commission.pending  Dr affiliate_commitments Cr creator_pending    the commission
//	commission.reversed Dr creator_pending      Cr affiliate_commitments  its refunded share
//	settled             Dr order_clearing       Cr tax_payable, platform_commission,
//	                                               platform_payment_fees, creator_payable,
//	                                               seller_payable (the rest)
//	                    Dr creator_pending      Cr affiliate_commitments  (commission now payable)
//
// Pending commission is a promise, booked against the market's affiliate
// commitments rather than taken out of the order's clearing account: the
// order keeps holding all the buyer's money, so a refund never depends on
// commission being reversed first, and the commission is paid out of
// clearing only when the order settles.

// Payment is a buyer's payment captured by a provider, or cash on delivery
// collected by a courier (Provider "cod").
type Payment struct {
	Market, Currency string
	OrderID          string
	Provider         string
	Amount           int64 // what the buyer paid, minor units
	At               time.Time
}

// Paid books a payment: the provider holds the money, the order's clearing
// account owes it.
func Paid(p Payment) (*Transaction, error) {
	if err := positive("amount", p.Amount); err != nil {
		return nil, err
	}
	t := newTransaction(p.Market, p.Currency, KindPaid, p.OrderID, p.At, KindPaid+":"+p.OrderID,
		"payment for %s via %s", p.OrderID, p.Provider)
	t.Postings = []Posting{
		{ProviderCash(p.Market, p.Provider), p.Amount},
		{OrderClearing(p.OrderID), -p.Amount},
	}
	return t.checked()
}

// Refund is money returned to a buyer from what an order holds.
type Refund struct {
	Market, Currency string
	OrderID          string
	RefundID         string // one refund of the order, full or partial
	Provider         string // through which the money goes back
	Amount           int64
	At               time.Time
}

// Refunded books a refund. The builder cannot know how much the order
// still holds; Balances.Post and the store refuse a refund beyond it.
func Refunded(r Refund) (*Transaction, error) {
	if err := positive("amount", r.Amount); err != nil {
		return nil, err
	}
	if r.RefundID == "" {
		return nil, loopshop.Invalid("refund_id", "a refund needs its ID, which keeps it from being booked twice")
	}
	t := newTransaction(r.Market, r.Currency, KindRefunded, r.OrderID, r.At, KindRefunded+":"+r.RefundID,
		"refund %s of %s via %s", r.RefundID, r.OrderID, r.Provider)
	t.Postings = []Posting{
		{OrderClearing(r.OrderID), r.Amount},
		{Refunds(r.Market, r.Provider), -r.Amount},
	}
	return t.checked()
}

// Settlement divides what a completed order still holds.
type Settlement struct {
	Market, Currency string
	OrderID          string
	ShopID           string // the seller, who is paid the rest
	// Held is what the order's clearing account holds now: what the buyer
	// paid less refunds (and less any commission booked payable already).
	Held int64
	// Tax is owed to the tax authority; Commission is the platform's;
	// PaymentFee is charged to the seller for the payment (COD's 2 %).
	Tax, Commission, PaymentFee int64
	// Creators are the affiliate commissions that become payable, each
	// after its reversals for refunds. Leave out a creator whose commission
	// was booked with CommissionPayable already.
	Creators []CreatorCommission
	At       time.Time
}

// CreatorCommission is the commission one creator earned on an order.
type CreatorCommission struct {
	CreatorID string
	Amount    int64
}

// Settled books an order's completion: what it holds goes to tax, the
// platform, its creators and, the rest, its seller; the creators' pending
// commission becomes payable. It refuses deductions that exceed what the
// order holds.
func Settled(s Settlement) (*Transaction, error) {
	if err := positive("held", s.Held); err != nil {
		return nil, err
	}
	if _, err := ParseAccount(SellerPayable(s.ShopID)); err != nil {
		return nil, loopshop.Invalid("shop_id", "settling %s: %q is not a shop ID", s.OrderID, s.ShopID)
	}
	shopPart := s.Held
	deduct := func(field string, n int64) error {
		if n < 0 {
			return loopshop.Invalid(field, "%s %s is negative", strings.ReplaceAll(field, "_", " "), money.New(n, s.Currency))
		}
		shopPart -= n
		return nil
	}
	for _, d := range []struct {
		field string
		n     int64
	}{{"tax", s.Tax}, {"commission", s.Commission}, {"payment_fee", s.PaymentFee}} {
		if err := deduct(d.field, d.n); err != nil {
			return nil, err
		}
	}
	for i, c := range s.Creators {
		if err := deduct(fmt.Sprintf("creators[%d].amount", i), c.Amount); err != nil {
			return nil, err
		}
	}
	// Each deduction is at most Held before it is subtracted, so shopPart
	// cannot overflow on the way down below zero.
	if shopPart < 0 {
		return nil, loopshop.Errorf(loopshop.EINVALID, "settling %s: tax, commission, payment fee and affiliate commission come to %s, more than the %s the order holds",
			s.OrderID, money.New(s.Held-shopPart, s.Currency), money.New(s.Held, s.Currency))
	}
	t := newTransaction(s.Market, s.Currency, KindSettled, s.OrderID, s.At, KindSettled+":"+s.OrderID, "settlement of %s", s.OrderID)
	t.Postings = []Posting{{OrderClearing(s.OrderID), s.Held}}
	t.credit(TaxPayable(s.Market), s.Tax)
	t.credit(PlatformCommission(s.Market), s.Commission)
	t.credit(PlatformPaymentFees(s.Market), s.PaymentFee)
	for _, c := range s.Creators {
		if c.Amount > 0 {
			t.Postings = append(t.Postings, commissionDue(s.Market, c.CreatorID, c.Amount)...)
		}
	}
	t.credit(SellerPayable(s.ShopID), shopPart)
	return t.checked()
}

// commissionDue credits a creator's payable with amount and releases the
// same amount of its pending commission.
func commissionDue(market, creatorID string, amount int64) []Posting {
	return []Posting{
		{CreatorPayable(creatorID), -amount},
		{CreatorPending(creatorID), amount},
		{AffiliateCommitments(market), -amount},
	}
}

// Payout is money sent to a seller or a creator.
type Payout struct {
	Market, Currency string
	PayoutID         string
	// From is the account paid out of: SellerPayable(shop) or
	// CreatorPayable(creator).
	From     string
	Provider string
	Amount   int64
	At       time.Time
}

// PaidOut books a payout. Balances.Post and the store refuse one beyond
// what From holds.
func PaidOut(p Payout) (*Transaction, error) {
	if err := positive("amount", p.Amount); err != nil {
		return nil, err
	}
	if k := KindOf(p.From); k != KindSellerPayable && k != KindCreatorPayable {
		return nil, loopshop.Invalid("from", "a payout is made from a seller's or a creator's payable account, not from %q", p.From)
	}
	if p.PayoutID == "" {
		return nil, loopshop.Invalid("payout_id", "a payout needs its ID, which keeps it from being booked twice")
	}
	t := newTransaction(p.Market, p.Currency, KindPaidOut, p.PayoutID, p.At, KindPaidOut+":"+p.PayoutID,
		"payout %s from %s via %s", p.PayoutID, p.From, p.Provider)
	t.Postings = []Posting{
		{p.From, p.Amount},
		{Payouts(p.Market, p.Provider), -p.Amount},
	}
	return t.checked()
}

// Hold is a payment hold on a shop (seller health): money the shop is owed
// but may not be paid until the hold is released.
type Hold struct {
	Market, Currency string
	HoldID           string
	ShopID           string
	Amount           int64
	At               time.Time
}

// Held moves h.Amount from the shop's payable to its hold account.
func Held(h Hold) (*Transaction, error) {
	return hold(h, KindHeld, "hold %s on %s", SellerPayable(h.ShopID), SellerHold(h.ShopID))
}

// Released moves h.Amount back from the shop's hold to its payable
// account. A hold is released once; release all of it or part of it.
func Released(h Hold) (*Transaction, error) {
	return hold(h, KindReleased, "release of hold %s on %s", SellerHold(h.ShopID), SellerPayable(h.ShopID))
}

func hold(h Hold, kind, memo, from, to string) (*Transaction, error) {
	if err := positive("amount", h.Amount); err != nil {
		return nil, err
	}
	if h.HoldID == "" {
		return nil, loopshop.Invalid("hold_id", "a hold needs its ID, which keeps it from being booked twice")
	}
	t := newTransaction(h.Market, h.Currency, kind, h.HoldID, h.At, kind+":"+h.HoldID, memo, h.HoldID, h.ShopID)
	t.Postings = []Posting{{from, h.Amount}, {to, -h.Amount}}
	return t.checked()
}

// Commission is a creator's affiliate commission on an order.
type Commission struct {
	Market, Currency string
	OrderID          string
	CreatorID        string
	Amount           int64
	At               time.Time
}

// CommissionPending books commission a creator earned when the order was
// paid. It moves no money: the order's clearing account keeps it until
// the order settles.
func CommissionPending(c Commission) (*Transaction, error) {
	if err := positive("amount", c.Amount); err != nil {
		return nil, err
	}
	t := newTransaction(c.Market, c.Currency, KindCommissionPending, c.OrderID, c.At,
		KindCommissionPending+":"+c.OrderID+":"+c.CreatorID, "commission of %s on %s", c.CreatorID, c.OrderID)
	t.Postings = []Posting{
		{AffiliateCommitments(c.Market), c.Amount},
		{CreatorPending(c.CreatorID), -c.Amount},
	}
	return t.checked()
}

// CommissionPayable books pending commission as payable ahead of the
// order's settlement: the amount leaves the order's clearing account for
// the creator's payable. Settle afterwards with Held reduced by it and the
// creator left out of Settlement.Creators; or, more simply, list the
// creator in Settlement.Creators and do not call this.
func CommissionPayable(c Commission) (*Transaction, error) {
	if err := positive("amount", c.Amount); err != nil {
		return nil, err
	}
	t := newTransaction(c.Market, c.Currency, KindCommissionPayable, c.OrderID, c.At,
		KindCommissionPayable+":"+c.OrderID+":"+c.CreatorID, "commission of %s on %s is payable", c.CreatorID, c.OrderID)
	t.Postings = append([]Posting{{OrderClearing(c.OrderID), c.Amount}}, commissionDue(c.Market, c.CreatorID, c.Amount)...)
	return t.checked()
}

// CommissionReversal is the share of a creator's pending commission that a
// refund takes back.
type CommissionReversal struct {
	Market, Currency string
	OrderID          string
	RefundID         string
	CreatorID        string
	Amount           int64 // see Prorate
	At               time.Time
}

// CommissionReversed books the reversal of pending commission for a refund.
// The store refuses to reverse more than the creator has pending.
func CommissionReversed(r CommissionReversal) (*Transaction, error) {
	if err := positive("amount", r.Amount); err != nil {
		return nil, err
	}
	if r.RefundID == "" {
		return nil, loopshop.Invalid("refund_id", "a commission reversal needs the ID of its refund, which keeps it from being booked twice")
	}
	t := newTransaction(r.Market, r.Currency, KindCommissionReversed, r.OrderID, r.At,
		KindCommissionReversed+":"+r.RefundID+":"+r.CreatorID, "commission of %s on %s reversed by refund %s", r.CreatorID, r.OrderID, r.RefundID)
	t.Postings = []Posting{
		{CreatorPending(r.CreatorID), r.Amount},
		{AffiliateCommitments(r.Market), -r.Amount},
	}
	return t.checked()
}

// Prorate returns the share of total that part of whole earns: total ×
// part / whole, rounded toward zero, computed in 128 bits so that the
// product cannot overflow. It panics, as integer division does, when whole
// is zero or the result does not fit in an int64.
//
// Rounding toward zero means shares of increments can fall short of the
// share of their sum. To reverse commission exactly over several partial
// refunds, prorate the cumulative refunded amount and book the difference
// from what was reversed before:
//
//	due := Prorate(commission, refundedSoFar, paid) - reversedSoFar
//
// so that a full refund reverses the whole commission.
func Prorate(total, part, whole int64) int64 {
	if whole == 0 {
		panic("ledger.Prorate: whole is zero")
	}
	neg := (total < 0) != (part < 0) != (whole < 0)
	hi, lo := bits.Mul64(abs(total), abs(part))
	w := abs(whole)
	if hi >= w {
		panic(fmt.Sprintf("ledger.Prorate(%d, %d, %d) overflows int64", total, part, whole))
	}
	q, _ := bits.Div64(hi, lo, w)
	switch {
	case neg && q <= 1<<63:
		return int64(-q) // two's complement: -(1<<63) is MinInt64
	case !neg && q <= math.MaxInt64:
		return int64(q)
	}
	panic(fmt.Sprintf("ledger.Prorate(%d, %d, %d) overflows int64", total, part, whole))
}

func abs(n int64) uint64 {
	if n < 0 {
		return uint64(-(n + 1)) + 1 // -MinInt64 overflows int64, not uint64
	}
	return uint64(n)
}

func positive(field string, n int64) error {
	if n <= 0 {
		return loopshop.Invalid(field, "%s must be more than zero, not %d", strings.ReplaceAll(field, "_", " "), n)
	}
	return nil
}

func newTransaction(market, currency, kind, ref string, at time.Time, key, memo string, args ...any) *Transaction {
	if at.IsZero() {
		at = time.Now()
	}
	market = strings.ToUpper(market)
	return &Transaction{
		ID:       loopshop.NewID("ltx", market),
		Market:   market,
		Currency: strings.ToUpper(currency),
		Kind:     kind,
		Key:      key,
		Ref:      ref,
		// Microseconds are what PostgreSQL keeps; truncating here makes a
		// transaction read back equal to the one written.
		At:   at.UTC().Truncate(time.Microsecond),
		Memo: fmt.Sprintf(memo, args...),
	}
}

// credit appends a credit of n to account, unless n is zero.
func (t *Transaction) credit(account string, n int64) {
	if n != 0 {
		t.Postings = append(t.Postings, Posting{account, -n})
	}
}

// checked returns t if it is valid: the builders' inputs can still name
// accounts of another market or malformed IDs.
func (t *Transaction) checked() (*Transaction, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}
