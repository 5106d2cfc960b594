package ledger

// Balances maps accounts to their balances (debit positive). Accounts hold
// one currency each, since each belongs to one market.
type Balances map[string]int64

// Fold returns the balances txs leave, applying them without checks.
func Fold(txs ...*Transaction) Balances {
	b := Balances{}
	for _, t := range txs {
		b.Add(t)
	}
	return b
}

// Add applies t's postings without checking them.
func (b Balances) Add(t *Transaction) {
	for _, p := range t.Postings {
		b[p.Account] += p.Amount
	}
}

// Post applies t as a store would: it refuses, leaving b unchanged, a
// transaction that does not validate or that overdraws an owed account.
func (b Balances) Post(t *Transaction) error {
	if err := t.Validate(); err != nil {
		return err
	}
	net := t.Net()
	for _, p := range net {
		if err := CheckOverdraft(t, p, b[p.Account]); err != nil {
			return err
		}
	}
	for _, p := range net {
		b[p.Account] += p.Amount
	}
	return nil
}

// Sum returns the sum of all balances, which is zero when only balanced
// transactions were applied.
func (b Balances) Sum() int64 {
	var s int64
	for _, n := range b {
		s += n
	}
	return s
}

// Held returns what an account holds for its owner: its credit balance as
// a positive amount.
func (b Balances) Held(account string) int64 { return -b[account] }
