package ledger

import (
	"regexp"
	"sort"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/money"
)

// Transaction is one movement of money: postings to two or more accounts
// of one market that sum to zero.
type Transaction struct {
	ID       string `json:"id"`
	Market   string `json:"market"`
	Currency string `json:"currency"`
	// Kind names the business event: "order.paid", "payout", …
	Kind string `json:"kind"`
	// Key is unique across the ledger: posting a transaction whose key was
	// posted before changes nothing, so retries are safe.
	Key string `json:"key"`
	// Ref is the object the transaction is about (an order, a payout, a
	// hold), for listing an object's money movements.
	Ref      string    `json:"ref"`
	At       time.Time `json:"at"`
	Memo     string    `json:"memo,omitempty"`
	Postings []Posting `json:"postings"`
}

// Posting is one line of a transaction: Amount minor units debited
// (positive) or credited (negative) to Account.
type Posting struct {
	Account string `json:"account"`
	Amount  int64  `json:"amount"`
}

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// Validate reports the first reason t cannot be posted: a missing field, a
// posting that moves nothing or names no valid account of t's market, or
// postings that do not balance.
func (t *Transaction) Validate() error {
	name := t.Key
	if name == "" {
		name = t.ID
	}
	switch {
	case t.ID == "":
		return loopshop.Invalid("id", "ledger transaction %s has no ID", name)
	case !marketRE.MatchString(t.Market):
		return loopshop.Invalid("market", "ledger transaction %s: market %q is not a market code such as GB", name, t.Market)
	case !currencyRE.MatchString(t.Currency):
		return loopshop.Invalid("currency", "ledger transaction %s: currency %q is not an ISO 4217 code such as GBP", name, t.Currency)
	case t.Kind == "":
		return loopshop.Invalid("kind", "ledger transaction %s has no kind; say what happened, e.g. order.paid", name)
	case t.Key == "":
		return loopshop.Invalid("key", "ledger transaction %s has no idempotency key", name)
	case len(t.Postings) == 0:
		return loopshop.Invalid("postings", "ledger transaction %s has no postings", name)
	case len(t.Postings) == 1:
		return loopshop.Invalid("postings", "ledger transaction %s has one posting; money moves between at least two accounts", name)
	}
	// Debits and credits are summed apart, checking for overflow, so that
	// huge amounts cannot wrap around to a sum of zero.
	var debits, credits int64
	for i, p := range t.Postings {
		if p.Account == "" {
			return loopshop.Invalid("postings", "ledger transaction %s: posting %d has no account", name, i+1)
		}
		if p.Amount == 0 {
			return loopshop.Invalid("postings", "ledger transaction %s: posting %d to %s has a zero amount; leave it out", name, i+1, p.Account)
		}
		a, err := ParseAccount(p.Account)
		if err != nil {
			return loopshop.Invalid("postings", "ledger transaction %s: posting %d: %s", name, i+1, loopshop.ErrorMessage(err))
		}
		if a.Market != t.Market {
			return loopshop.Invalid("postings", "ledger transaction %s: posting %d: account %s belongs to market %s, not %s; a transaction stays within one market and currency",
				name, i+1, p.Account, a.Market, t.Market)
		}
		ok := true
		if p.Amount > 0 {
			debits, ok = add(debits, p.Amount)
		} else {
			credits, ok = add(credits, p.Amount)
		}
		if !ok {
			return loopshop.Invalid("postings", "ledger transaction %s: the amounts are too large to add up", name)
		}
	}
	if d := debits + credits; d != 0 {
		side := "debits exceed credits"
		if d < 0 {
			side, d = "credits exceed debits", -d
		}
		return loopshop.Invalid("postings", "ledger transaction %s does not balance: %s by %s (debits %s, credits %s)",
			name, side, money.New(d, t.Currency), money.New(debits, t.Currency), money.New(-credits, t.Currency))
	}
	return nil
}

// add returns a + b and whether it did not overflow.
func add(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) == (b > 0)
}

// Net returns t's postings summed per account, sorted by account, leaving
// out accounts whose postings cancel: the change t makes to each balance.
func (t *Transaction) Net() []Posting {
	sum := map[string]int64{}
	for _, p := range t.Postings {
		sum[p.Account] += p.Amount
	}
	out := make([]Posting, 0, len(sum))
	for a, n := range sum {
		if n != 0 {
			out = append(out, Posting{Account: a, Amount: n})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Account < out[j].Account })
	return out
}

// CheckOverdraft returns an error if t's net change p to an account whose
// balance is balance would leave an owed account (see Kind.Owed) in debit:
// refunding, paying out, holding or reversing more than the account holds.
func CheckOverdraft(t *Transaction, p Posting, balance int64) error {
	if p.Amount <= 0 || !KindOf(p.Account).Owed() || balance+p.Amount <= 0 {
		return nil
	}
	held := max(-balance, 0)
	return loopshop.Errorf(loopshop.ECONFLICT, "%s holds %s, less than the %s this %s (%s) takes from it",
		p.Account, money.New(held, t.Currency), money.New(p.Amount, t.Currency), t.Kind, t.Ref)
}
