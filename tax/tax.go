// Package tax computes consumption tax (VAT, GST, PPN) on amounts in
// integer minor units.
//
// Markets list prices one of two ways. In the EU, GB and Indonesia the
// price a consumer sees includes the tax, so the tax is the part of the
// price that belongs to the tax office: Included. In the US prices are
// listed without it and tax is added at checkout: Added (loopshop charges
// no US sales tax yet, so the US rate is 0). Of applies a market's rule.
//
// Rounding: every function rounds to the nearest minor unit, halves away
// from zero (0.5 → 1, -0.5 → -1), so a refund's tax is exactly the negative
// of the charge's. The arithmetic is exact for every int64 amount: products
// are taken in 128 bits, never in floating point. Split derives the net
// from the rounded tax, so net + tax == gross always holds.
//
// Checkout computes tax per order line, not once on the order total, and
// stores it with the line. Rounding per line can differ from rounding the
// total by at most one minor unit per line, but refunds are made per line:
// refunding a line must give back exactly the tax charged on it, so that
// the refunds of every line add up to the tax that was charged and the
// ledger balances to the minor unit. The shipping fee is one more line.
package tax

import (
	"fmt"
	"math/bits"

	"github.com/loopshop/loopshop/market"
)

// MaxRateBPS is the highest rate the functions accept (100 %), the same
// bound market.Market.Validate enforces.
const MaxRateBPS = 10000

// Included returns the tax contained in gross, a tax-inclusive amount, at
// rateBPS basis points (2000 = 20 %): gross × bps / (10000 + bps), rounded
// half away from zero. It panics if rateBPS is outside 0..MaxRateBPS,
// which a validated market never is.
func Included(gross int64, rateBPS int) int64 {
	checkRate(rateBPS)
	return mulDivRound(gross, uint64(rateBPS), uint64(10000+rateBPS))
}

// Added returns the tax owed on top of net, a tax-exclusive amount:
// net × bps / 10000, rounded half away from zero. It panics if rateBPS is
// outside 0..MaxRateBPS.
func Added(net int64, rateBPS int) int64 {
	checkRate(rateBPS)
	return mulDivRound(net, uint64(rateBPS), 10000)
}

// Split divides a tax-inclusive amount into its net part and its tax;
// net + tax == gross exactly.
func Split(gross int64, rateBPS int) (net, tax int64) {
	tax = Included(gross, rateBPS)
	return gross - tax, tax
}

// Of applies m's rule to amount, an amount as listed in m: in a
// tax-inclusive market the tax is the part amount contains and the buyer
// pays amount; otherwise the tax is added and the buyer pays amount + tax.
func Of(m market.Market, amount int64) (tax, total int64) {
	if m.TaxInclusive {
		return Included(amount, m.TaxRateBPS), amount
	}
	tax = Added(amount, m.TaxRateBPS)
	return tax, amount + tax
}

func checkRate(bps int) {
	if bps < 0 || bps > MaxRateBPS {
		panic(fmt.Sprintf("tax: rate %d bps is outside 0..%d", bps, MaxRateBPS))
	}
}

// mulDivRound returns a × num / den rounded to the nearest integer, halves
// away from zero. num ≤ den keeps the 128-bit quotient within 64 bits and
// the result within a's magnitude.
func mulDivRound(a int64, num, den uint64) int64 {
	neg := a < 0
	ua := uint64(a)
	if neg {
		ua = -ua // two's complement: also right for math.MinInt64
	}
	hi, lo := bits.Mul64(ua, num)
	q, r := bits.Div64(hi, lo, den)
	if r >= den-r { // r ≥ den/2: round the half up
		q++
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}
