package ledger_test

import (
	"maps"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/ledger"
)

var at = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func validTx() *ledger.Transaction {
	order := loopshop.NewID("ord", "GB")
	return &ledger.Transaction{
		ID: loopshop.NewID("ltx", "GB"), Market: "GB", Currency: "GBP", Kind: ledger.KindPaid,
		Key: "order.paid:" + order, Ref: order, At: at,
		Postings: []ledger.Posting{
			{Account: ledger.ProviderCash("GB", "stripe"), Amount: 1000},
			{Account: ledger.OrderClearing(order), Amount: -1000},
		},
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*ledger.Transaction)
		want   string // part of the message; "" for valid
	}{
		{"balanced", func(*ledger.Transaction) {}, ""},
		{"no postings", func(tx *ledger.Transaction) { tx.Postings = nil }, "has no postings"},
		{"one posting", func(tx *ledger.Transaction) { tx.Postings = tx.Postings[:1] }, "has one posting; money moves between at least two accounts"},
		{"zero amount", func(tx *ledger.Transaction) {
			tx.Postings = append(tx.Postings, ledger.Posting{Account: ledger.TaxPayable("GB")})
		}, "posting 3 to tax_payable:GB has a zero amount"},
		{"empty account", func(tx *ledger.Transaction) { tx.Postings[0].Account = "" }, "posting 1 has no account"},
		{"debits exceed credits", func(tx *ledger.Transaction) { tx.Postings[0].Amount = 1005 },
			"does not balance: debits exceed credits by GBP 0.05 (debits GBP 10.05, credits GBP 10.00)"},
		{"credits exceed debits", func(tx *ledger.Transaction) { tx.Postings[1].Amount = -1300 },
			"does not balance: credits exceed debits by GBP 3.00"},
		{"wrap-around to zero", func(tx *ledger.Transaction) {
			tx.Postings = []ledger.Posting{
				{Account: tx.Postings[0].Account, Amount: math.MaxInt64},
				{Account: tx.Postings[0].Account, Amount: math.MaxInt64},
				{Account: tx.Postings[1].Account, Amount: 2},
			}
		}, "too large to add up"},
		{"unknown account kind", func(tx *ledger.Transaction) { tx.Postings[0].Account = "cash:GB" }, `account "cash:GB" is not of the form kind:owner`},
		{"account of another market", func(tx *ledger.Transaction) { tx.Postings[0].Account = ledger.ProviderCash("DE", "stripe") },
			"account provider_cash:DE:stripe belongs to market DE, not GB"},
		{"order of another market", func(tx *ledger.Transaction) {
			tx.Postings[1].Account = ledger.OrderClearing(loopshop.NewID("ord", "fr"))
		},
			"belongs to market FR, not GB"},
		{"no key", func(tx *ledger.Transaction) { tx.Key = "" }, "has no idempotency key"},
		{"no kind", func(tx *ledger.Transaction) { tx.Kind = "" }, "has no kind"},
		{"no ID", func(tx *ledger.Transaction) { tx.ID = "" }, "has no ID"},
		{"bad currency", func(tx *ledger.Transaction) { tx.Currency = "£" }, `currency "£" is not an ISO 4217 code`},
		{"bad market", func(tx *ledger.Transaction) { tx.Market = "gb" }, `market "gb" is not a market code`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx := validTx()
			tt.change(tx)
			err := tx.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate accepted %+v", tx)
			}
			if loopshop.ErrorCode(err) != loopshop.EINVALID || !strings.Contains(loopshop.ErrorMessage(err), tt.want) {
				t.Errorf("Validate = %v\nwant an invalid error saying %q", err, tt.want)
			}
		})
	}
}

func TestAccountsRoundTrip(t *testing.T) {
	shop := loopshop.NewID("shp", "GB")
	tests := []struct {
		name string
		want ledger.Account
	}{
		{ledger.ProviderCash("gb", "cod"), ledger.Account{Kind: ledger.KindProviderCash, Market: "GB", Owner: "cod"}},
		{ledger.Payouts("GB", "stripe"), ledger.Account{Kind: ledger.KindPayouts, Market: "GB", Owner: "stripe"}},
		{ledger.SellerHold(shop), ledger.Account{Kind: ledger.KindSellerHold, Market: "GB", Owner: shop}},
		{ledger.TaxPayable("gb"), ledger.Account{Kind: ledger.KindTaxPayable, Market: "GB"}},
	}
	for _, tt := range tests {
		a, err := ledger.ParseAccount(tt.name)
		if err != nil {
			t.Errorf("ParseAccount(%q): %v", tt.name, err)
			continue
		}
		if a != tt.want {
			t.Errorf("ParseAccount(%q) = %+v, want %+v", tt.name, a, tt.want)
		}
		if a.String() != tt.name {
			t.Errorf("ParseAccount(%q).String() = %q", tt.name, a.String())
		}
	}
	for _, bad := range []string{"", "seller_payable", "seller_payable:", "seller_payable:shop1", "tax_payable:gb", "tax_payable:GB:x",
		"provider_cash:GB", "provider_cash:GB:Stripe", "provider_cash::stripe", "order_clearing:ord_gb_short"} {
		if a, err := ledger.ParseAccount(bad); err == nil {
			t.Errorf("ParseAccount(%q) = %+v, want an error", bad, a)
		}
	}
}

func FuzzParseAccount(f *testing.F) {
	f.Add(ledger.ProviderCash("GB", "stripe"))
	f.Add(ledger.OrderClearing(loopshop.NewID("ord", "GB")))
	f.Add(ledger.PlatformCommission("DE"))
	f.Add("seller_payable:shp_gb_")
	f.Fuzz(func(t *testing.T, name string) {
		a, err := ledger.ParseAccount(name)
		if err != nil {
			return
		}
		if a.String() != name {
			t.Errorf("ParseAccount(%q).String() = %q: the name does not survive the round trip", name, a.String())
		}
		if a.Market == "" {
			t.Errorf("ParseAccount(%q) has no market", name)
		}
	})
}

func TestBuildersPostWhatTheyShould(t *testing.T) {
	order, shop, creator := loopshop.NewID("ord", "GB"), loopshop.NewID("shp", "GB"), loopshop.NewID("acc", "GB")
	paid, err := ledger.Paid(ledger.Payment{Market: "GB", Currency: "GBP", OrderID: order, Provider: "cod", Amount: 10000, At: at})
	if err != nil {
		t.Fatal(err)
	}
	if paid.Key != "order.paid:"+order || paid.Ref != order || !strings.HasPrefix(paid.ID, "ltx_gb_") || !paid.At.Equal(at) {
		t.Errorf("Paid: key %q, ref %q, id %q, at %v", paid.Key, paid.Ref, paid.ID, paid.At)
	}
	settled, err := ledger.Settled(ledger.Settlement{Market: "GB", Currency: "GBP", OrderID: order, ShopID: shop,
		Held: 10000, Tax: 1667, Commission: 500, PaymentFee: 200, Creators: []ledger.CreatorCommission{{CreatorID: creator, Amount: 1000}}, At: at})
	if err != nil {
		t.Fatal(err)
	}
	want := []ledger.Posting{
		{Account: ledger.OrderClearing(order), Amount: 10000},
		{Account: ledger.TaxPayable("GB"), Amount: -1667},
		{Account: ledger.PlatformCommission("GB"), Amount: -500},
		{Account: ledger.PlatformPaymentFees("GB"), Amount: -200},
		{Account: ledger.CreatorPayable(creator), Amount: -1000},
		{Account: ledger.CreatorPending(creator), Amount: 1000},
		{Account: ledger.AffiliateCommitments("GB"), Amount: -1000},
		{Account: ledger.SellerPayable(shop), Amount: -6633},
	}
	if diff := cmp.Diff(want, settled.Postings); diff != "" {
		t.Errorf("Settled postings (-want +got):\n%s", diff)
	}

	// Nothing left for the seller: no zero posting.
	settled, err = ledger.Settled(ledger.Settlement{Market: "GB", Currency: "GBP", OrderID: order, ShopID: shop, Held: 100, Tax: 100, At: at})
	if err != nil {
		t.Fatal(err)
	}
	if len(settled.Postings) != 2 {
		t.Errorf("settling with nothing for the seller: postings %+v, want clearing and tax only", settled.Postings)
	}
}

func TestBuildersRefuse(t *testing.T) {
	order, shop := loopshop.NewID("ord", "GB"), loopshop.NewID("shp", "GB")
	tests := []struct {
		name  string
		build func() (*ledger.Transaction, error)
		want  string
	}{
		{"deductions beyond what is held", func() (*ledger.Transaction, error) {
			return ledger.Settled(ledger.Settlement{Market: "GB", Currency: "GBP", OrderID: order, ShopID: shop, Held: 1000, Tax: 600, Commission: 300,
				Creators: []ledger.CreatorCommission{{CreatorID: loopshop.NewID("acc", "GB"), Amount: 101}}})
		}, "come to GBP 10.01, more than the GBP 10.00 the order holds"},
		{"negative tax", func() (*ledger.Transaction, error) {
			return ledger.Settled(ledger.Settlement{Market: "GB", Currency: "GBP", OrderID: order, ShopID: shop, Held: 1000, Tax: -1})
		}, "tax GBP -0.01 is negative"},
		{"settlement without a shop", func() (*ledger.Transaction, error) {
			return ledger.Settled(ledger.Settlement{Market: "GB", Currency: "GBP", OrderID: order, Held: 1000})
		}, "is not a shop ID"},
		{"zero payment", func() (*ledger.Transaction, error) {
			return ledger.Paid(ledger.Payment{Market: "GB", Currency: "GBP", OrderID: order, Provider: "stripe"})
		}, "amount must be more than zero"},
		{"payment for another market's order", func() (*ledger.Transaction, error) {
			return ledger.Paid(ledger.Payment{Market: "GB", Currency: "GBP", OrderID: loopshop.NewID("ord", "DE"), Provider: "stripe", Amount: 5})
		}, "belongs to market DE, not GB"},
		{"payout from a clearing account", func() (*ledger.Transaction, error) {
			return ledger.PaidOut(ledger.Payout{Market: "GB", Currency: "GBP", PayoutID: "po1", From: ledger.OrderClearing(order), Provider: "stripe", Amount: 5})
		}, "from a seller's or a creator's payable account"},
		{"refund without its ID", func() (*ledger.Transaction, error) {
			return ledger.Refunded(ledger.Refund{Market: "GB", Currency: "GBP", OrderID: order, Provider: "stripe", Amount: 5})
		}, "a refund needs its ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx, err := tt.build()
			if err == nil {
				t.Fatalf("built %+v", tx)
			}
			if !strings.Contains(loopshop.ErrorMessage(err), tt.want) {
				t.Errorf("error %v\nwant it to say %q", err, tt.want)
			}
		})
	}
}

func TestBalancesPostRefusesOverdraftAndChangesNothing(t *testing.T) {
	shop := loopshop.NewID("shp", "GB")
	order := loopshop.NewID("ord", "GB")
	b := ledger.Balances{}
	for _, build := range []func() (*ledger.Transaction, error){
		func() (*ledger.Transaction, error) {
			return ledger.Paid(ledger.Payment{Market: "GB", Currency: "GBP", OrderID: order, Provider: "stripe", Amount: 1000})
		},
		func() (*ledger.Transaction, error) {
			return ledger.Settled(ledger.Settlement{Market: "GB", Currency: "GBP", OrderID: order, ShopID: shop, Held: 1000, Commission: 100})
		},
	} {
		tx, err := build()
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Post(tx); err != nil {
			t.Fatal(err)
		}
	}
	before := maps.Clone(b)
	po, err := ledger.PaidOut(ledger.Payout{Market: "GB", Currency: "GBP", PayoutID: "po_1", From: ledger.SellerPayable(shop), Provider: "stripe", Amount: 901})
	if err != nil {
		t.Fatal(err)
	}
	err = b.Post(po)
	if loopshop.ErrorCode(err) != loopshop.ECONFLICT || !strings.Contains(err.Error(), "holds GBP 9.00, less than the GBP 9.01 this payout") {
		t.Errorf("paying out more than payable: %v", err)
	}
	if diff := cmp.Diff(before, b); diff != "" {
		t.Errorf("a refused transaction changed the balances (-before +after):\n%s", diff)
	}
	po.Postings[0].Amount, po.Postings[1].Amount = 900, -900
	if err := b.Post(po); err != nil {
		t.Fatalf("paying out exactly what is payable: %v", err)
	}
	if b.Held(ledger.SellerPayable(shop)) != 0 || b.Sum() != 0 {
		t.Errorf("after paying out everything: payable %d, sum %d", b.Held(ledger.SellerPayable(shop)), b.Sum())
	}
}

func TestProrate(t *testing.T) {
	tests := []struct {
		total, part, whole, want int64
	}{
		{1000, 1, 3, 333},
		{1000, 2, 3, 666},
		{1000, 3, 3, 1000},
		{-1000, 1, 3, -333}, // toward zero, not down
		{1000, 0, 3, 0},
		{math.MaxInt64, math.MaxInt64, math.MaxInt64, math.MaxInt64}, // the product needs 126 bits
		{math.MinInt64, 1, 1, math.MinInt64},
		{math.MaxInt64, 1, 2, math.MaxInt64 / 2},
	}
	for _, tt := range tests {
		if got := ledger.Prorate(tt.total, tt.part, tt.whole); got != tt.want {
			t.Errorf("Prorate(%d, %d, %d) = %d, want %d", tt.total, tt.part, tt.whole, got, tt.want)
		}
	}
	for _, bad := range [][3]int64{{1, 1, 0}, {math.MaxInt64, 2, 1}, {math.MinInt64, -1, 1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Prorate(%d, %d, %d) did not panic", bad[0], bad[1], bad[2])
				}
			}()
			ledger.Prorate(bad[0], bad[1], bad[2])
		}()
	}
}
