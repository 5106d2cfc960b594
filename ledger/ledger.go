// Package ledger keeps loopshop's books: a double-entry ledger in which
// every movement of money is a Transaction whose postings sum to zero, so
// that money is conserved by construction. What buyers paid equals what was
// refunded to them plus what tax, the platform, sellers and creators
// received or hold, plus what orders still hold.
//
// Amounts are integer minor units of the market's currency. A posting's
// amount is positive for a debit and negative for a credit; accounts that
// hold other people's money (an order's clearing account, a seller's or a
// creator's payable) therefore carry credit, that is negative, balances.
//
// The business events (a payment, a refund, an order settling, a payout, a
// payment hold, affiliate commission) each have a builder that turns plain
// inputs into a balanced Transaction, so no caller writes postings by hand.
// Each transaction carries an idempotency key derived from the event, so a
// background job retried after a crash posts it once.
//
// The package is pure: Balances applies transactions in memory with the
// same rules a Store applies in a database (sqlstore.LedgerStore): a
// transaction must validate, and an owed account must not be overdrawn.
package ledger

import (
	"context"

	"github.com/loopshop/loopshop/money"
)

// Store keeps the ledger of every market.
type Store interface {
	// Post writes t in its own transaction. It returns false, and writes
	// nothing, when a transaction with t's key was posted before.
	Post(ctx context.Context, t *Transaction) (posted bool, err error)
	// Balance returns an account's balance (debit positive).
	Balance(ctx context.Context, market, account string) (money.Money, error)
	// Transactions returns the transactions about ref (an order, a payout),
	// oldest first.
	Transactions(ctx context.Context, market, ref string) ([]*Transaction, error)
	// Check audits a region's books: every transaction balances and every
	// stored balance equals the sum of its postings.
	Check(ctx context.Context, region string) error
}
