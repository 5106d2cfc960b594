package tax

import (
	"math"
	"math/rand"
	"testing"
	"testing/quick"

	"github.com/loopshop/loopshop/market"
)

func TestIncluded(t *testing.T) {
	tests := []struct {
		name  string
		gross int64
		bps   int
		want  int64
	}{
		{"GB 20% of £12.00 is £2.00", 1200, 2000, 200},
		{"GB 20% of £12.99", 1299, 2000, 217}, // 216.5 → 217
		{"DE 19% of €9.99", 999, 1900, 160},   // 159.50… → 160
		{"ID 11% of Rp 100 000", 100000, 1100, 9910},
		{"zero rate", 1299, 0, 0},
		{"zero amount", 0, 2000, 0},
		{"a penny holds no tax", 1, 2000, 0},
		{"exact half rounds up", 3, 2000, 1},        // 0.5
		{"half above an odd unit", 9, 2000, 2},      // 1.5
		{"half above an even unit", 15, 2000, 3},    // 2.5: half-even would give 2
		{"refund mirrors the charge", -3, 2000, -1}, // -0.5
		{"refund of £12.99", -1299, 2000, -217},
		{"largest amount", math.MaxInt64, 2000, 1537228672809129301}, // exact: no overflow
		{"smallest amount", math.MinInt64, 2000, -1537228672809129301},
		{"100% rate", 1001, 10000, 501}, // 500.5
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Included(tt.gross, tt.bps); got != tt.want {
				t.Errorf("Included(%d, %d) = %d, want %d", tt.gross, tt.bps, got, tt.want)
			}
		})
	}
}

func TestAdded(t *testing.T) {
	tests := []struct {
		name string
		net  int64
		bps  int
		want int64
	}{
		{"20% of 10.00", 1000, 2000, 200},
		{"8.25% of 19.99", 1999, 825, 165}, // 164.9175
		{"US rate 0", 1999, 0, 0},
		{"below half a unit", 1, 2000, 0}, // 0.2
		{"exact half rounds up", 5, 1000, 1},
		{"half above an even unit", 25, 1000, 3}, // 2.5
		{"negative half rounds away from zero", -5, 1000, -1},
		{"100% rate doubles", 1234, 10000, 1234},
		{"largest amount at 100%", math.MaxInt64, 10000, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Added(tt.net, tt.bps); got != tt.want {
				t.Errorf("Added(%d, %d) = %d, want %d", tt.net, tt.bps, got, tt.want)
			}
		})
	}
}

func TestOfFollowsTheMarket(t *testing.T) {
	markets := map[string]market.Market{}
	for _, m := range market.Defaults() {
		markets[m.Code] = m
	}
	tests := []struct {
		name      string
		m         market.Market
		amount    int64
		tax, paid int64
	}{
		{"GB prices include VAT", markets["GB"], 1200, 200, 1200},
		{"ID prices include PPN", markets["ID"], 111000, 11000, 111000},
		{"US has no sales tax here", markets["US"], 1999, 0, 1999},
		{"an exclusive market with a rate adds it", market.Market{Code: "XX", TaxRateBPS: 825}, 1000, 83, 1083}, // 82.5
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tax, total := Of(tt.m, tt.amount)
			if tax != tt.tax || total != tt.paid {
				t.Errorf("Of(%s, %d) = tax %d, total %d; want tax %d, total %d", tt.m.Code, tt.amount, tax, total, tt.tax, tt.paid)
			}
		})
	}
}

func TestRateOutsideRangePanics(t *testing.T) {
	for _, bps := range []int{-1, MaxRateBPS + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Included(100, %d) did not panic", bps)
				}
			}()
			Included(100, bps)
		}()
	}
}

// rate and amount draw the inputs of the properties: rates across the
// whole valid range, amounts up to a trillion minor units either side of 0.
func rate(r *rand.Rand) int { return r.Intn(MaxRateBPS + 1) }

func amount(r *rand.Rand) int64 { return r.Int63n(2_000_000_000_001) - 1_000_000_000_000 }

func TestIncludedProperties(t *testing.T) {
	prop := func(seed int64) bool {
		r := rand.New(rand.NewSource(seed))
		gross, bps := amount(r), rate(r)
		net, tax := Split(gross, bps)
		if net+tax != gross {
			t.Logf("Split(%d, %d) = %d + %d", gross, bps, net, tax)
			return false
		}
		abs := func(x int64) int64 { return max(x, -x) }
		// The tax never exceeds the price and has its sign; a refund's
		// tax is the charge's, negated.
		if abs(tax) > abs(gross) || (gross > 0 && tax < 0) || (gross < 0 && tax > 0) || Included(-gross, bps) != -tax {
			t.Logf("Included(%d, %d) = %d", gross, bps, tax)
			return false
		}
		// Adding the tax back to the net gives the gross again within one
		// unit: the two directions agree.
		if d := abs(net + Added(net, bps) - gross); d > 1 {
			t.Logf("gross %d, bps %d: net %d + Added %d is %d off", gross, bps, net, Added(net, bps), d)
			return false
		}
		return true
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 20000}); err != nil {
		t.Error(err)
	}
}

// Tax per line and tax on the total can differ, but by at most one minor
// unit per line: checkout uses per-line tax (see the package comment).
func TestPerLineTaxIsWithinOneUnitPerLineOfTheTotal(t *testing.T) {
	prop := func(seed int64) bool {
		r := rand.New(rand.NewSource(seed))
		bps := rate(r)
		lines := make([]int64, 1+r.Intn(30))
		var total, perLine int64
		for i := range lines {
			lines[i] = r.Int63n(1_000_000)
			total += lines[i]
			perLine += Included(lines[i], bps)
		}
		whole := Included(total, bps)
		if d := max(perLine-whole, whole-perLine); d > int64(len(lines)) {
			t.Logf("lines %v at %d bps: per line %d, whole %d", lines, bps, perLine, whole)
			return false
		}
		return true
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 20000}); err != nil {
		t.Error(err)
	}
}

// The difference is real, which is why the choice matters: three 3p lines
// at 20 % hold 0.5p of tax each.
func TestPerLineTaxCanDifferFromTheTotal(t *testing.T) {
	perLine := Included(3, 2000) + Included(3, 2000) + Included(3, 2000)
	whole := Included(9, 2000)
	if perLine != 3 || whole != 2 {
		t.Errorf("per line %d, whole order %d; want 3 and 2", perLine, whole)
	}
}
