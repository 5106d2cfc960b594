package sqlstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/ledger"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

var ledgerAt = time.Date(2025, 6, 1, 12, 0, 0, 123456000, time.UTC)

func mustTx(t *testing.T) func(*ledger.Transaction, error) *ledger.Transaction {
	return func(tx *ledger.Transaction, err error) *ledger.Transaction {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return tx
	}
}

func post(t *testing.T, s *sqlstore.LedgerStore, tx *ledger.Transaction) {
	t.Helper()
	posted, err := s.Post(context.Background(), tx)
	if err != nil || !posted {
		t.Fatalf("post %s: posted %v, %v", tx.Key, posted, err)
	}
}

func wantBalance(t *testing.T, s *sqlstore.LedgerStore, account string, want int64) {
	t.Helper()
	got, err := s.Balance(context.Background(), "GB", account)
	if err != nil {
		t.Fatal(err)
	}
	if got != money.New(want, "GBP") {
		t.Errorf("balance of %s = %v, want %v", account, got, money.New(want, "GBP"))
	}
}

// paidAndSettled posts an order of amount paid by a buyer and settled with
// 10 % platform commission, and returns the order's ID.
func paidAndSettled(t *testing.T, s *sqlstore.LedgerStore, shop string, amount int64) string {
	t.Helper()
	must := mustTx(t)
	order := loopshop.NewID("ord", "GB")
	post(t, s, must(ledger.Paid(ledger.Payment{Market: "GB", Currency: "GBP", OrderID: order, Provider: "stripe", Amount: amount, At: ledgerAt})))
	post(t, s, must(ledger.Settled(ledger.Settlement{Market: "GB", Currency: "GBP", OrderID: order, ShopID: shop,
		Held: amount, Commission: amount / 10, At: ledgerAt.Add(time.Hour)})))
	return order
}

func TestLedgerPostBalanceAndTransactions(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := sqlstore.NewLedgerStore(sqltest.Router(t, engine))
		must := mustTx(t)
		order, shop, creator := loopshop.NewID("ord", "GB"), loopshop.NewID("shp", "GB"), loopshop.NewID("acc", "GB")

		paid := must(ledger.Paid(ledger.Payment{Market: "GB", Currency: "GBP", OrderID: order, Provider: "cod", Amount: 5000, At: ledgerAt}))
		pending := must(ledger.CommissionPending(ledger.Commission{Market: "GB", Currency: "GBP", OrderID: order, CreatorID: creator, Amount: 500, At: ledgerAt}))
		refund := must(ledger.Refunded(ledger.Refund{Market: "GB", Currency: "GBP", OrderID: order, RefundID: "rfd_1", Provider: "cod", Amount: 1000, At: ledgerAt.Add(time.Minute)}))
		reversed := must(ledger.CommissionReversed(ledger.CommissionReversal{Market: "GB", Currency: "GBP", OrderID: order, RefundID: "rfd_1", CreatorID: creator,
			Amount: ledger.Prorate(500, 1000, 5000), At: ledgerAt.Add(time.Minute)}))
		settled := must(ledger.Settled(ledger.Settlement{Market: "GB", Currency: "GBP", OrderID: order, ShopID: shop, Held: 4000,
			Tax: 667, Commission: 400, PaymentFee: 80, Creators: []ledger.CreatorCommission{{CreatorID: creator, Amount: 400}}, At: ledgerAt.Add(time.Hour)}))
		all := []*ledger.Transaction{paid, pending, refund, reversed, settled}
		for _, tx := range all {
			post(t, s, tx)
		}

		for account, want := range map[string]int64{
			ledger.ProviderCash("GB", "cod"):                  5000,
			ledger.Refunds("GB", "cod"):                       -1000,
			ledger.OrderClearing(order):                       0,
			ledger.TaxPayable("GB"):                           -667,
			ledger.PlatformCommission("GB"):                   -400,
			ledger.PlatformPaymentFees("GB"):                  -80,
			ledger.CreatorPayable(creator):                    -400,
			ledger.CreatorPending(creator):                    0,
			ledger.AffiliateCommitments("GB"):                 0,
			ledger.SellerPayable(shop):                        -(4000 - 667 - 400 - 80 - 400),
			ledger.SellerPayable(loopshop.NewID("shp", "GB")): 0, // never posted to
		} {
			wantBalance(t, s, account, want)
		}

		got, err := s.Transactions(ctx, "GB", order)
		if err != nil {
			t.Fatal(err)
		}
		// Transactions at the same instant come back in the order of their
		// IDs, which is the order they were built in.
		if diff := cmp.Diff(all, got); diff != "" {
			t.Errorf("transactions of the order (-posted +read back):\n%s", diff)
		}
		if err := s.Check(ctx, "eu"); err != nil {
			t.Errorf("Check of consistent books: %v", err)
		}

		if _, err := s.Balance(ctx, "GB", ledger.TaxPayable("DE")); loopshop.ErrorCode(err) != loopshop.EINVALID {
			t.Errorf("balance of a DE account asked of GB: %v, want invalid", err)
		}
	})
}

func TestLedgerDuplicateKeyIsANoOp(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := sqlstore.NewLedgerStore(sqltest.Router(t, engine))
		must := mustTx(t)
		order := loopshop.NewID("ord", "GB")
		pay := func(amount int64) *ledger.Transaction {
			return must(ledger.Paid(ledger.Payment{Market: "GB", Currency: "GBP", OrderID: order, Provider: "stripe", Amount: amount, At: ledgerAt}))
		}
		first := pay(700)
		post(t, s, first)

		// A retried job builds the transaction again: a new ID, same key.
		posted, err := s.Post(ctx, pay(700))
		if err != nil || posted {
			t.Fatalf("posting the same key again: posted %v, %v; want false, nil", posted, err)
		}
		wantBalance(t, s, ledger.ProviderCash("GB", "stripe"), 700)
		if got, err := s.Transactions(ctx, "GB", order); err != nil || len(got) != 1 || got[0].ID != first.ID {
			t.Errorf("after the retry: %d transactions (%v), want the first only", len(got), err)
		}

		// The same key with other amounts is another event under a reused key.
		posted, err = s.Post(ctx, pay(800))
		if posted || loopshop.ErrorCode(err) != loopshop.ECONFLICT || !strings.Contains(err.Error(), "with other amounts") {
			t.Errorf("same key, other amount: posted %v, %v; want a conflict", posted, err)
		}
		wantBalance(t, s, ledger.ProviderCash("GB", "stripe"), 700)
	})
}

func TestLedgerRefusesAndWritesNothing(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := sqlstore.NewLedgerStore(sqltest.Router(t, engine))
		must := mustTx(t)
		shop := loopshop.NewID("shp", "GB")
		order := paidAndSettled(t, s, shop, 1000) // the shop is owed 900

		unbalanced := must(ledger.Paid(ledger.Payment{Market: "GB", Currency: "GBP", OrderID: loopshop.NewID("ord", "GB"), Provider: "stripe", Amount: 500}))
		unbalanced.Postings[1].Amount = -499
		payout := func(id string, amount int64) *ledger.Transaction {
			return must(ledger.PaidOut(ledger.Payout{Market: "GB", Currency: "GBP", PayoutID: id, From: ledger.SellerPayable(shop), Provider: "stripe", Amount: amount}))
		}
		refund := must(ledger.Refunded(ledger.Refund{Market: "GB", Currency: "GBP", OrderID: order, RefundID: "rfd_late", Provider: "stripe", Amount: 1}))
		inEUR := must(ledger.Paid(ledger.Payment{Market: "GB", Currency: "EUR", OrderID: loopshop.NewID("ord", "GB"), Provider: "stripe", Amount: 500}))

		tests := []struct {
			name string
			tx   *ledger.Transaction
			code string
			want string
		}{
			{"unbalanced", unbalanced, loopshop.EINVALID, "does not balance: debits exceed credits by GBP 0.01"},
			{"payout beyond what is payable", payout("po_big", 901), loopshop.ECONFLICT, "holds GBP 9.00, less than the GBP 9.01 this payout"},
			{"refund of a settled order", refund, loopshop.ECONFLICT, "order_clearing:" + order + " holds GBP 0.00, less than the GBP 0.01 this order.refunded"},
			{"currency not the market's", inEUR, loopshop.EINVALID, "market GB trades in GBP"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before, err := s.Transactions(ctx, "GB", tt.tx.Ref)
				if err != nil {
					t.Fatal(err)
				}
				posted, err := s.Post(ctx, tt.tx)
				if posted || loopshop.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("Post: posted %v, %v\nwant a %s error saying %q", posted, err, tt.code, tt.want)
				}
				if after, err := s.Transactions(ctx, "GB", tt.tx.Ref); err != nil || len(after) != len(before) {
					t.Errorf("%s had %d transactions, and %d after the refused one (%v)", tt.tx.Ref, len(before), len(after), err)
				}
			})
		}
		wantBalance(t, s, ledger.SellerPayable(shop), -900)
		wantBalance(t, s, ledger.Payouts("GB", "stripe"), 0)
		wantBalance(t, s, ledger.OrderClearing(order), 0)
		if err := s.Check(ctx, "eu"); err != nil {
			t.Errorf("Check after refusals: %v", err)
		}

		post(t, s, payout("po_all", 900))
		wantBalance(t, s, ledger.SellerPayable(shop), 0)
	})
}

func TestLedgerCheckDetectsTampering(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		s := sqlstore.NewLedgerStore(r)
		shop := loopshop.NewID("shp", "GB")
		order := paidAndSettled(t, s, shop, 2000)
		if err := s.Check(ctx, "eu"); err != nil {
			t.Fatalf("Check of untouched books: %v", err)
		}
		// Someone edits a posting behind the ledger's back: the platform
		// takes a penny more commission from the settlement.
		db := r.Region("eu")
		err := db.WriteTx(ctx, func(tx *sqlstore.Tx) error {
			n, err := tx.Exec(ctx, `UPDATE ledger_postings SET amount = amount - 1 WHERE account = ?`, ledger.PlatformCommission("GB"))
			if err == nil && n != 1 {
				t.Fatalf("tampering updated %d rows", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Check(ctx, "eu")
		if err == nil {
			t.Fatal("Check passed books with a tampered posting")
		}
		for _, want := range []string{
			"transaction order.settled:" + order + " has 3 postings summing to -1",
			"account platform_commission:GB has balance -200, but its postings sum to -201",
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Check: %v\nwant it to say %q", err, want)
			}
		}
		if err := s.Check(ctx, "us"); err != nil {
			t.Errorf("Check of another region: %v", err)
		}
		if err := s.Check(ctx, "mars"); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("Check of an unknown region: %v", err)
		}
	})
}

func TestLedgerConcurrentPostings(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		s := sqlstore.NewLedgerStore(sqltest.Router(t, engine))
		must := mustTx(t)
		shop := loopshop.NewID("shp", "GB")
		paidAndSettled(t, s, shop, 10000) // the shop is owed 9000

		const workers, each = 8, 5
		var wg sync.WaitGroup
		var mu sync.Mutex
		var payouts, refused, duplicates int
		errs := make(chan error, 3*workers*each)
		dup := loopshop.NewID("ord", "GB")
		for range workers {
			wg.Go(func() {
				for range each {
					// Payments for new orders: all debit the provider's cash.
					pay, err := ledger.Paid(ledger.Payment{Market: "GB", Currency: "GBP", OrderID: loopshop.NewID("ord", "GB"), Provider: "stripe", Amount: 100})
					if err == nil {
						_, err = s.Post(ctx, pay)
					}
					if err != nil {
						errs <- err
					}
					// Payouts of 300 racing for the shop's 9000: exactly 30 fit.
					po, err := ledger.PaidOut(ledger.Payout{Market: "GB", Currency: "GBP", PayoutID: loopshop.NewID("po", "GB"), From: ledger.SellerPayable(shop),
						Provider: "stripe", Amount: 300})
					if err != nil {
						errs <- err
						continue
					}
					posted, err := s.Post(ctx, po)
					// The same payment retried by every worker at once.
					again, errAgain := s.Post(ctx, must(ledger.Paid(ledger.Payment{Market: "GB", Currency: "GBP", OrderID: dup, Provider: "cod", Amount: 50})))
					mu.Lock()
					switch {
					case err == nil && posted:
						payouts++
					case loopshop.ErrorCode(err) == loopshop.ECONFLICT:
						refused++
					default:
						errs <- err
					}
					if errAgain != nil {
						errs <- errAgain
					} else if !again {
						duplicates++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("concurrent post: %v", err)
		}
		if payouts != 30 || refused != workers*each-30 {
			t.Errorf("%d payouts posted and %d refused; want 30 and %d", payouts, refused, workers*each-30)
		}
		if duplicates != workers*each-1 {
			t.Errorf("the same payment posted %d times", workers*each-duplicates)
		}
		wantBalance(t, s, ledger.SellerPayable(shop), 0)
		wantBalance(t, s, ledger.Payouts("GB", "stripe"), -9000)
		wantBalance(t, s, ledger.ProviderCash("GB", "stripe"), 10000+workers*each*100)
		wantBalance(t, s, ledger.ProviderCash("GB", "cod"), 50)
		if err := s.Check(ctx, "eu"); err != nil {
			t.Errorf("Check after concurrent postings: %v", err)
		}
	})
}
