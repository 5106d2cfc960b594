package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/ledger"
	"github.com/loopshop/loopshop/money"
)

// LedgerStore implements ledger.Store.
type LedgerStore struct{ r *Router }

// NewLedgerStore returns the ledger store over r.
func NewLedgerStore(r *Router) *LedgerStore { return &LedgerStore{r: r} }

var _ ledger.Store = (*LedgerStore)(nil)

// postLedger writes t inside tx, the business change's own transaction, so
// that money moves exactly when the change commits. A transaction whose key
// was posted before is not an error: nothing is written and posted is
// false, which makes a retried job safe; but if the earlier transaction
// moved other amounts, the retry is not the same event and is refused.
//
// Each account's balance row is updated in account order, so concurrent
// postings lock rows in one order and cannot deadlock one another. An owed
// account (ledger.Kind.Owed) is debited only by an UPDATE that leaves it
// at zero or in credit; when that updates nothing, the debit would
// overdraw it and the whole transaction is refused. On PostgreSQL the
// UPDATE waits for, and then re-reads, a row another transaction changed,
// so two payouts racing for the same money cannot both succeed.
func postLedger(ctx context.Context, tx *Tx, t *ledger.Transaction) (posted bool, err error) {
	if err := t.Validate(); err != nil {
		return false, err
	}
	n, err := tx.Exec(ctx, `INSERT INTO ledger_transactions (id, market, currency, kind, key, ref, memo, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
		t.ID, t.Market, t.Currency, t.Kind, t.Key, t.Ref, t.Memo, t.At.UTC())
	if err != nil {
		return false, fmt.Errorf("post %s: %w", t.Key, err)
	}
	if n == 0 {
		return false, samePosting(ctx, tx, t)
	}
	for i, p := range t.Postings {
		if _, err := tx.Exec(ctx, `INSERT INTO ledger_postings (transaction_id, position, account, amount) VALUES (?, ?, ?, ?)`,
			t.ID, i, p.Account, p.Amount); err != nil {
			return false, fmt.Errorf("post %s: %w", t.Key, err)
		}
	}
	for _, p := range t.Net() {
		if err := updateBalance(ctx, tx, t, p); err != nil {
			return false, err
		}
	}
	return true, nil
}

func updateBalance(ctx context.Context, tx *Tx, t *ledger.Transaction, p ledger.Posting) error {
	a, err := ledger.ParseAccount(p.Account)
	if err != nil {
		return err
	}
	var currency string
	if a.Kind.Owed() && p.Amount > 0 {
		err = tx.Get(ctx, `UPDATE ledger_balances SET balance = balance + ? WHERE account = ? AND balance + ? <= 0 RETURNING currency`,
			[]any{p.Amount, p.Account, p.Amount}, &currency)
		if isNotFound(err) {
			var balance int64
			err = tx.Get(ctx, `SELECT balance FROM ledger_balances WHERE account = ?`, []any{p.Account}, &balance)
			if err != nil && !isNotFound(err) {
				return fmt.Errorf("post %s: %w", t.Key, err)
			}
			if err := ledger.CheckOverdraft(t, p, balance); err != nil {
				return err
			}
			return fmt.Errorf("post %s: balance of %s changed while it was checked", t.Key, p.Account)
		}
	} else {
		err = tx.Get(ctx, `INSERT INTO ledger_balances (account, market, currency, owed, balance) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (account) DO UPDATE SET balance = ledger_balances.balance + excluded.balance RETURNING currency`,
			[]any{p.Account, a.Market, t.Currency, a.Kind.Owed(), p.Amount}, &currency)
	}
	if err != nil {
		return fmt.Errorf("post %s: balance of %s: %w", t.Key, p.Account, err)
	}
	if currency != t.Currency {
		return loopshop.Errorf(loopshop.EINVALID, "ledger transaction %s is in %s, but account %s holds %s", t.Key, t.Currency, p.Account, currency)
	}
	return nil
}

// samePosting returns nil if the transaction already posted under t's key
// moved the same amounts as t, and a conflict otherwise.
func samePosting(ctx context.Context, tx *Tx, t *ledger.Transaction) error {
	old := &ledger.Transaction{}
	err := tx.Query(ctx, `SELECT t.id, t.market, t.currency, t.kind, p.account, p.amount
		FROM ledger_transactions t JOIN ledger_postings p ON p.transaction_id = t.id WHERE t.key = ? ORDER BY p.position`,
		[]any{t.Key}, func(rows *sql.Rows) error {
			var p ledger.Posting
			if err := rows.Scan(&old.ID, &old.Market, &old.Currency, &old.Kind, &p.Account, &p.Amount); err != nil {
				return err
			}
			old.Postings = append(old.Postings, p)
			return nil
		})
	if err != nil {
		return fmt.Errorf("post %s: read the transaction posted before: %w", t.Key, err)
	}
	if old.Market != t.Market || old.Currency != t.Currency || old.Kind != t.Kind || !slices.Equal(old.Net(), t.Net()) {
		return loopshop.Errorf(loopshop.ECONFLICT, "ledger key %s was posted before (transaction %s) with other amounts; a retry must post the same ones",
			t.Key, old.ID)
	}
	return nil
}

// Post writes t in a transaction of its own, in the database of t's market.
func (s *LedgerStore) Post(ctx context.Context, t *ledger.Transaction) (bool, error) {
	db, m, err := s.r.Market(t.Market)
	if err != nil {
		return false, err
	}
	if t.Currency != m.Currency {
		return false, loopshop.Invalid("currency", "ledger transaction %s is in %s, but market %s trades in %s", t.Key, t.Currency, m.Code, m.Currency)
	}
	var posted bool
	err = db.WriteTx(ctx, func(tx *Tx) error {
		posted, err = postLedger(ctx, tx, t)
		return err
	})
	return posted, err
}

// Balance returns account's balance, zero for an account nothing was
// posted to. Accounts that hold someone's money have credit, that is
// negative, balances.
func (s *LedgerStore) Balance(ctx context.Context, market, account string) (money.Money, error) {
	db, m, err := s.r.Market(market)
	if err != nil {
		return money.Money{}, err
	}
	a, err := ledger.ParseAccount(account)
	if err != nil {
		return money.Money{}, err
	}
	if a.Market != m.Code {
		return money.Money{}, loopshop.Invalid("account", "account %s belongs to market %s, not %s", account, a.Market, m.Code)
	}
	var balance int64
	err = db.Read().Get(ctx, `SELECT balance FROM ledger_balances WHERE account = ?`, []any{account}, &balance)
	if err != nil && !isNotFound(err) {
		return money.Money{}, err
	}
	return money.New(balance, m.Currency), nil
}

// Transactions returns the transactions about ref in market, oldest first,
// each with its postings in the order they were written.
func (s *LedgerStore) Transactions(ctx context.Context, market, ref string) ([]*ledger.Transaction, error) {
	db, m, err := s.r.Market(market)
	if err != nil {
		return nil, err
	}
	var out []*ledger.Transaction
	err = db.Read().Query(ctx, `SELECT t.id, t.market, t.currency, t.kind, t.key, t.ref, t.memo, t.at, p.account, p.amount
		FROM ledger_transactions t JOIN ledger_postings p ON p.transaction_id = t.id
		WHERE t.ref = ? AND t.market = ? ORDER BY t.at, t.id, p.position`, []any{ref, m.Code}, func(rows *sql.Rows) error {
		var t ledger.Transaction
		var p ledger.Posting
		if err := rows.Scan(&t.ID, &t.Market, &t.Currency, &t.Kind, &t.Key, &t.Ref, &t.Memo, &t.At, &p.Account, &p.Amount); err != nil {
			return err
		}
		if n := len(out); n == 0 || out[n-1].ID != t.ID {
			out = append(out, &t)
		}
		last := out[len(out)-1]
		last.Postings = append(last.Postings, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Check audits region's books in SQL: every transaction has two or more
// postings summing to zero, every balance row equals the sum of its
// account's postings, and every account holds one currency. It returns an
// error listing what is wrong, for an operator to investigate.
func (s *LedgerStore) Check(ctx context.Context, region string) error {
	db := s.r.Region(region)
	if db == nil {
		return loopshop.Errorf(loopshop.ENOTFOUND, "region %q has no database; regions: %s", region, strings.Join(s.r.RegionNames(), ", "))
	}
	var problems []string
	audits := []struct {
		query  string
		report func(rows *sql.Rows) (string, error)
	}{
		{`SELECT t.key, COUNT(p.position), CAST(COALESCE(SUM(p.amount), 0) AS BIGINT)
			FROM ledger_transactions t LEFT JOIN ledger_postings p ON p.transaction_id = t.id
			GROUP BY t.id, t.key
			HAVING COUNT(p.position) < 2 OR COALESCE(SUM(p.amount), 0) <> 0
			ORDER BY t.id`,
			func(rows *sql.Rows) (string, error) {
				var key string
				var n, sum int64
				err := rows.Scan(&key, &n, &sum)
				return fmt.Sprintf("transaction %s has %d postings summing to %d", key, n, sum), err
			}},
		{`WITH sums AS (SELECT account, CAST(SUM(amount) AS BIGINT) AS total FROM ledger_postings GROUP BY account)
			SELECT b.account, b.balance, COALESCE(s.total, 0) FROM ledger_balances b LEFT JOIN sums s ON s.account = b.account
			WHERE b.balance <> COALESCE(s.total, 0)
			UNION ALL
			SELECT s.account, 0, s.total FROM sums s WHERE NOT EXISTS (SELECT 1 FROM ledger_balances b WHERE b.account = s.account)
			ORDER BY 1`,
			func(rows *sql.Rows) (string, error) {
				var account string
				var balance, sum int64
				err := rows.Scan(&account, &balance, &sum)
				return fmt.Sprintf("account %s has balance %d, but its postings sum to %d", account, balance, sum), err
			}},
		{`SELECT DISTINCT b.account, b.currency, t.currency
			FROM ledger_balances b JOIN ledger_postings p ON p.account = b.account JOIN ledger_transactions t ON t.id = p.transaction_id
			WHERE t.currency <> b.currency ORDER BY 1`,
			func(rows *sql.Rows) (string, error) {
				var account, held, posted string
				err := rows.Scan(&account, &held, &posted)
				return fmt.Sprintf("account %s holds %s, but has postings in %s", account, held, posted), err
			}},
	}
	for _, a := range audits {
		err := db.Read().Query(ctx, a.query, nil, func(rows *sql.Rows) error {
			p, err := a.report(rows)
			problems = append(problems, p)
			return err
		})
		if err != nil {
			return fmt.Errorf("audit ledger of region %s: %w", region, err)
		}
	}
	if len(problems) == 0 {
		return nil
	}
	const shown = 20
	more := ""
	if len(problems) > shown {
		more = fmt.Sprintf("\n  … and %d more", len(problems)-shown)
		problems = problems[:shown]
	}
	return fmt.Errorf("ledger of region %s fails its audit:\n  %s%s", region, strings.Join(problems, "\n  "), more)
}
