package payment

import (
	"context"
	"fmt"
	"math/bits"

	"github.com/loopshop/loopshop/money"
)

// DefaultCODFeeBPS is cash on delivery's payment fee in basis points: 2 %,
// as the marketplace rules set it.
const DefaultCODFeeBPS = 200

// COD is cash on delivery. Its charge moves no money: it is StatusPending
// until the courier collects the cash, which the order system records
// (the provider has no step for it). The seller bears a payment fee of
// FeeBPS basis points of the amount, returned as Charge.Fee.
//
// COD's Refund never moves money either. Before collection it is a
// cancellation: it succeeds with nothing to pay back. After collection the
// order system pays the buyer back some other way, since no provider holds
// the cash. COD keeps its charges in memory for idempotency and to refuse
// refunding more than was charged; a charge from before a restart is
// forgotten, and its refund is accepted unchecked, because no money moves
// and the order's ledger bounds it.
//
// Make one with NewCOD; do not copy one after first use.
type COD struct {
	// FeeBPS is the fee in basis points (200 = 2 %), 0 to 10000. Zero
	// means no fee: NewCOD sets DefaultCODFeeBPS.
	FeeBPS int64

	book book
}

// NewCOD returns cash on delivery with the default 2 % fee.
func NewCOD() *COD { return &COD{FeeBPS: DefaultCODFeeBPS} }

// Name returns "cod".
func (p *COD) Name() string { return "cod" }

// Charge records a pending cash-on-delivery payment of req.Amount and the
// fee the seller bears for it. Charge IDs are "cod_" and the first 24 hex
// digits of the key's SHA-256.
func (p *COD) Charge(ctx context.Context, req ChargeRequest) (*Charge, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := validCharge(req, MethodCOD); err != nil {
		return nil, err
	}
	fee, err := codFee(req.Amount, p.FeeBPS)
	if err != nil {
		return nil, err
	}
	return p.book.charge(req, func() Charge {
		return Charge{ID: idFor("cod_", req.Key), Status: StatusPending, Amount: req.Amount, Fee: fee,
			Message: fmt.Sprintf("Pay %s in cash to the courier on delivery.", req.Amount)}
	})
}

// Fee returns the fee the seller bears for a cash-on-delivery payment of
// amount, rounded as Charge rounds it.
func (p *COD) Fee(amount money.Money) money.Money {
	fee, err := codFee(amount, p.FeeBPS)
	if err != nil {
		return money.New(0, amount.Currency)
	}
	return fee
}

// Refund cancels part or all of a cash-on-delivery charge; see COD.
func (p *COD) Refund(ctx context.Context, req RefundRequest) (*Refund, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := validRefund(req); err != nil {
		return nil, err
	}
	return p.book.refund(req, Refund{ID: idFor("codr_", req.Key), Status: StatusSucceeded,
		Message: "Cash on delivery: no money moves with this refund. Uncollected, the amount is simply no longer due; " +
			"if the courier already collected it, pay the buyer back outside the provider."}, true)
}

// codFee returns bps basis points of amount, rounded half up to the minor
// unit: 2 % of 0.25 is 0.005, which rounds to 0.01, and 2 % of 0.24 is
// 0.0048, which rounds to 0.00. The product is taken in 128 bits, so no
// amount overflows.
func codFee(amount money.Money, bps int64) (money.Money, error) {
	if bps < 0 || bps > 10000 {
		return money.Money{}, fmt.Errorf("payment: COD fee of %d basis points is outside 0 to 10000", bps)
	}
	hi, lo := bits.Mul64(uint64(amount.Amount), uint64(bps))
	lo, carry := bits.Add64(lo, 5000, 0)
	hi += carry
	q, _ := bits.Div64(hi, lo, 10000)
	return money.New(int64(q), amount.Currency), nil
}
