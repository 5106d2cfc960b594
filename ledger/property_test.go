package ledger_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/ledger"
)

// book is the property test's world: a market's ledger, driven only
// through the builders and Balances.Post, and beside it the test's own
// count of what happened outside the ledger (what buyers paid, what was
// refunded and paid out), against which the ledger is checked.
type book struct {
	txs  []*ledger.Transaction
	bal  ledger.Balances
	seq  int
	shop []string
	crea []string

	orders []*order
	holds  []*hold

	paid, refunded int64
	paidOut        map[string]int64 // by payable account
	pending        map[string]int64 // commission the test expects pending, by creator
}

type order struct {
	id, shop, creator string
	bps               int64 // the creator's commission rate
	paid, refunded    int64
	commission        int64 // booked pending at payment
	reversed, payable int64
	settled           bool
}

type hold struct {
	id, shop string
	amount   int64
	released bool
}

const mkt, cur = "GB", "GBP"

func (b *book) id(prefix string) string {
	b.seq++
	return fmt.Sprintf("%s-%d", prefix, b.seq)
}

// post posts a built transaction and records it. wantRefused says whether
// the ledger must refuse it; a refused transaction must change nothing.
func (b *book) post(t *rapid.T, tx *ledger.Transaction, err error, wantRefused bool) bool {
	t.Helper()
	if err != nil {
		t.Fatalf("builder: %v", err)
	}
	before := len(b.bal)
	sum := b.bal.Sum()
	err = b.bal.Post(tx)
	switch {
	case wantRefused && err == nil:
		t.Fatalf("ledger accepted %s %+v, which overdraws an account", tx.Kind, tx.Postings)
	case wantRefused:
		if loopshop.ErrorCode(err) != loopshop.ECONFLICT || len(b.bal) != before || b.bal.Sum() != sum {
			t.Fatalf("refusal of %s: %v (code %s), balances changed: %v", tx.Kind, err, loopshop.ErrorCode(err), len(b.bal) != before)
		}
		return false
	case err != nil:
		t.Fatalf("ledger refused %s %+v: %v", tx.Kind, tx.Postings, err)
	}
	b.txs = append(b.txs, tx)
	return true
}

func (b *book) pay(t *rapid.T) {
	o := &order{
		id:   loopshop.NewID("ord", mkt),
		shop: rapid.SampledFrom(b.shop).Draw(t, "shop"),
		paid: rapid.Int64Range(1, 500_000).Draw(t, "paid"),
	}
	if rapid.Bool().Draw(t, "affiliated") {
		o.creator = rapid.SampledFrom(b.crea).Draw(t, "creator")
		o.bps = rapid.Int64Range(0, 3000).Draw(t, "bps")
	}
	provider := rapid.SampledFrom([]string{"stripe", "cod"}).Draw(t, "provider")
	tx, err := ledger.Paid(ledger.Payment{Market: mkt, Currency: cur, OrderID: o.id, Provider: provider, Amount: o.paid})
	b.post(t, tx, err, false)
	b.paid += o.paid
	b.orders = append(b.orders, o)
	if o.commission = ledger.Prorate(o.paid, o.bps, 10_000); o.commission > 0 {
		tx, err := ledger.CommissionPending(ledger.Commission{Market: mkt, Currency: cur, OrderID: o.id, CreatorID: o.creator, Amount: o.commission})
		b.post(t, tx, err, false)
		b.pending[o.creator] += o.commission
	}
}

func (b *book) open(t *rapid.T) *order {
	var open []*order
	for _, o := range b.orders {
		if !o.settled {
			open = append(open, o)
		}
	}
	if len(open) == 0 {
		t.Skip("no open order")
	}
	return rapid.SampledFrom(open).Draw(t, "order")
}

func (b *book) refund(t *rapid.T) {
	o := b.open(t)
	held := b.bal.Held(ledger.OrderClearing(o.id))
	// Now and then ask for more than the order holds: the ledger must say no.
	amount := rapid.Int64Range(1, held+3).Draw(t, "refund")
	refundID := b.id("rfd")
	tx, err := ledger.Refunded(ledger.Refund{Market: mkt, Currency: cur, OrderID: o.id, RefundID: refundID, Provider: "stripe", Amount: amount})
	if !b.post(t, tx, err, amount > held) {
		return
	}
	o.refunded += amount
	b.refunded += amount
	// Reverse the refunded share of the commission, prorating the
	// cumulative refund so that a full refund reverses all of it.
	due := ledger.Prorate(o.commission, o.refunded, o.paid) - o.reversed
	if due > 0 {
		tx, err := ledger.CommissionReversed(ledger.CommissionReversal{Market: mkt, Currency: cur, OrderID: o.id, RefundID: refundID, CreatorID: o.creator, Amount: due})
		b.post(t, tx, err, false)
		o.reversed += due
		b.pending[o.creator] -= due
	}
	if o.refunded == o.paid && o.reversed != o.commission {
		t.Fatalf("order fully refunded, but %d of its %d commission was reversed", o.reversed, o.commission)
	}
}

func (b *book) settle(t *rapid.T) {
	o := b.open(t)
	held := b.bal.Held(ledger.OrderClearing(o.id))
	if held == 0 {
		t.Skip("order holds nothing")
	}
	s := ledger.Settlement{Market: mkt, Currency: cur, OrderID: o.id, ShopID: o.shop}
	commission := o.commission - o.reversed
	early := commission > 0 && rapid.Bool().Draw(t, "payable before settling")
	if early {
		tx, err := ledger.CommissionPayable(ledger.Commission{Market: mkt, Currency: cur, OrderID: o.id, CreatorID: o.creator, Amount: commission})
		b.post(t, tx, err, false)
		b.pending[o.creator] -= commission
		o.payable += commission
		held -= commission
	} else if commission > 0 {
		s.Creators = []ledger.CreatorCommission{{CreatorID: o.creator, Amount: commission}}
	}
	if held == 0 {
		o.settled = true // the commission took the little the order held
		return
	}
	s.Held = held
	s.Tax = ledger.Prorate(held, 1, 6) // 20 % VAT included in the price
	s.Commission = ledger.Prorate(held, rapid.Int64Range(0, 1500).Draw(t, "platform bps"), 10_000)
	s.PaymentFee = ledger.Prorate(held, 200, 10_000)
	greedy := !early && rapid.Bool().Draw(t, "greedy")
	if greedy {
		s.Commission = max(0, held-s.Tax-s.PaymentFee-commission+rapid.Int64Range(0, 3).Draw(t, "excess"))
	}
	excess := s.Tax+s.Commission+s.PaymentFee+commission > held
	tx, err := ledger.Settled(s)
	if excess {
		if err == nil {
			t.Fatalf("Settled accepted deductions beyond the %d held: %+v", held, s)
		}
		return
	}
	b.post(t, tx, err, false)
	o.settled = true
	if !early {
		b.pending[o.creator] -= commission
	}
}

func (b *book) payout(t *rapid.T) {
	var from []string
	for _, s := range b.shop {
		from = append(from, ledger.SellerPayable(s))
	}
	for _, c := range b.crea {
		from = append(from, ledger.CreatorPayable(c))
	}
	acc := rapid.SampledFrom(from).Draw(t, "from")
	held := b.bal.Held(acc)
	amount := rapid.Int64Range(1, held+3).Draw(t, "payout")
	tx, err := ledger.PaidOut(ledger.Payout{Market: mkt, Currency: cur, PayoutID: b.id("po"), From: acc, Provider: "stripe", Amount: amount})
	if b.post(t, tx, err, amount > held) {
		b.paidOut[acc] += amount
	}
}

func (b *book) hold(t *rapid.T) {
	shop := rapid.SampledFrom(b.shop).Draw(t, "shop")
	held := b.bal.Held(ledger.SellerPayable(shop))
	amount := rapid.Int64Range(1, held+3).Draw(t, "hold")
	h := &hold{id: b.id("hld"), shop: shop, amount: amount}
	tx, err := ledger.Held(ledger.Hold{Market: mkt, Currency: cur, HoldID: h.id, ShopID: shop, Amount: amount})
	if b.post(t, tx, err, amount > held) {
		b.holds = append(b.holds, h)
	}
}

func (b *book) release(t *rapid.T) {
	var open []*hold
	for _, h := range b.holds {
		if !h.released {
			open = append(open, h)
		}
	}
	if len(open) == 0 {
		t.Skip("no hold to release")
	}
	h := rapid.SampledFrom(open).Draw(t, "hold")
	amount := rapid.Int64Range(1, h.amount).Draw(t, "release")
	tx, err := ledger.Released(ledger.Hold{Market: mkt, Currency: cur, HoldID: h.id, ShopID: h.shop, Amount: amount})
	b.post(t, tx, err, false)
	h.released = true
}

// reverseTooMuch tries to reverse more commission than a creator has
// pending, which the ledger must refuse.
func (b *book) reverseTooMuch(t *rapid.T) {
	c := rapid.SampledFrom(b.crea).Draw(t, "creator")
	amount := b.bal.Held(ledger.CreatorPending(c)) + rapid.Int64Range(1, 3).Draw(t, "excess")
	tx, err := ledger.CommissionReversed(ledger.CommissionReversal{Market: mkt, Currency: cur, OrderID: loopshop.NewID("ord", mkt), RefundID: b.id("rfd"), CreatorID: c, Amount: amount})
	b.post(t, tx, err, true)
}

func (b *book) check(t *rapid.T) {
	for _, tx := range b.txs {
		if err := tx.Validate(); err != nil {
			t.Fatalf("posted transaction does not validate: %v", err)
		}
	}
	if s := b.bal.Sum(); s != 0 {
		t.Fatalf("balances sum to %d, not zero", s)
	}
	if diff := cmp.Diff(nonZero(ledger.Fold(b.txs...)), nonZero(b.bal)); diff != "" {
		t.Fatalf("Post's balances differ from folding the posted transactions:\n%s", diff)
	}
	for acc, n := range b.bal {
		if ledger.KindOf(acc).Owed() && n > 0 {
			t.Fatalf("%s is overdrawn: balance %d", acc, n)
		}
	}

	// Every order holds what it was paid less refunds and commission
	// already payable, until it settles and holds nothing.
	var clearing int64
	for _, o := range b.orders {
		want := o.paid - o.refunded - o.payable
		if o.settled {
			want = 0
		}
		if got := b.bal.Held(ledger.OrderClearing(o.id)); got != want {
			t.Fatalf("order %s holds %d, want %d", o.id, got, want)
		}
		clearing += want
	}

	// Conservation: what buyers paid is what was refunded, plus tax, the
	// platform's revenue, what sellers and creators are owed, hold or were
	// paid, plus what orders still hold. Pending commission is a promise
	// booked against the market's commitments, not money, so it is checked
	// apart below.
	var paidOut, sellers, creators int64
	for acc, n := range b.paidOut {
		paidOut += n
		if ledger.KindOf(acc) == ledger.KindSellerPayable {
			sellers += n
		} else {
			creators += n
		}
	}
	for _, s := range b.shop {
		sellers += b.bal.Held(ledger.SellerPayable(s)) + b.bal.Held(ledger.SellerHold(s))
	}
	for _, c := range b.crea {
		creators += b.bal.Held(ledger.CreatorPayable(c))
	}
	tax := b.bal.Held(ledger.TaxPayable(mkt))
	platform := b.bal.Held(ledger.PlatformCommission(mkt)) + b.bal.Held(ledger.PlatformPaymentFees(mkt))
	if got := b.refunded + tax + platform + sellers + creators + clearing; got != b.paid {
		t.Fatalf("buyers paid %d; refunded %d + tax %d + platform %d + sellers %d + creators %d + held %d = %d",
			b.paid, b.refunded, tax, platform, sellers, creators, clearing, got)
	}
	cash := b.bal[ledger.ProviderCash(mkt, "stripe")] + b.bal[ledger.ProviderCash(mkt, "cod")]
	if cash != b.paid || b.bal.Held(ledger.Refunds(mkt, "stripe")) != b.refunded || b.bal.Held(ledger.Payouts(mkt, "stripe")) != paidOut {
		t.Fatalf("provider accounts: cash %d (paid %d), refunds %d (refunded %d), payouts %d (paid out %d)",
			cash, b.paid, b.bal.Held(ledger.Refunds(mkt, "stripe")), b.refunded, b.bal.Held(ledger.Payouts(mkt, "stripe")), paidOut)
	}

	var pending int64
	for _, c := range b.crea {
		if got := b.bal.Held(ledger.CreatorPending(c)); got != b.pending[c] {
			t.Fatalf("creator %s has %d pending, want %d", c, got, b.pending[c])
		}
		pending += b.pending[c]
	}
	if got := b.bal[ledger.AffiliateCommitments(mkt)]; got != pending {
		t.Fatalf("affiliate commitments %d, want the %d pending", got, pending)
	}
}

func nonZero(b ledger.Balances) map[string]int64 {
	out := map[string]int64{}
	for acc, n := range b {
		if n != 0 {
			out[acc] = n
		}
	}
	return out
}

func TestPropertyMoneyIsConserved(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		b := &book{bal: ledger.Balances{}, paidOut: map[string]int64{}, pending: map[string]int64{}}
		for range 2 {
			b.shop = append(b.shop, loopshop.NewID("shp", mkt))
			b.crea = append(b.crea, loopshop.NewID("acc", mkt))
		}
		t.Repeat(map[string]func(*rapid.T){
			"":               b.check,
			"pay":            b.pay,
			"refund":         b.refund,
			"settle":         b.settle,
			"payout":         b.payout,
			"hold":           b.hold,
			"release":        b.release,
			"reverseTooMuch": b.reverseTooMuch,
		})
	})
}

// Validate accepts exactly the transactions whose postings sum to zero.
func TestPropertyValidateAcceptsExactlyBalancedTransactions(t *testing.T) {
	accounts := []string{ledger.ProviderCash(mkt, "stripe"), ledger.TaxPayable(mkt), ledger.SellerPayable(loopshop.NewID("shp", mkt))}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 6).Draw(t, "n")
		tx := validTx()
		tx.Postings = nil
		var sum int64
		for i := range n {
			a := rapid.Int64Range(-1000, 1000).Filter(func(a int64) bool { return a != 0 }).Draw(t, fmt.Sprint("amount", i))
			if i == n-1 && rapid.Bool().Draw(t, "balance it") && sum != 0 {
				a = -sum
			}
			tx.Postings = append(tx.Postings, ledger.Posting{Account: rapid.SampledFrom(accounts).Draw(t, "account"), Amount: a})
			sum += a
		}
		err := tx.Validate()
		if (err == nil) != (sum == 0) {
			t.Fatalf("postings summing to %d: Validate = %v", sum, err)
		}
		if err == nil && ledger.Fold(tx).Sum() != 0 {
			t.Fatalf("balances of a valid transaction sum to %d", ledger.Fold(tx).Sum())
		}
	})
}
