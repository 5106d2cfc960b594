package ledger

import (
	"regexp"
	"strings"

	"github.com/loopshop/loopshop"
)

// Kind is what an account is for. It is the part of the account's name
// before the first colon.
type Kind string

// Account kinds. "Owed" kinds hold money that belongs to someone else (a
// buyer's order, a seller, a creator): their balance is a credit or zero,
// never a debit, so nothing can be refunded, paid out, held or reversed
// beyond what they hold.
const (
	// Money a payment provider collected for the market (or, for cash on
	// delivery, the courier). Debits only: buyers' payments.
	KindProviderCash Kind = "provider_cash"
	// Money sent out through a provider to sellers and creators.
	KindPayouts Kind = "payouts"
	// Money returned through a provider to buyers.
	KindRefunds Kind = "refunds"
	// A buyer's money held for one order until it settles or is refunded. Owed.
	KindOrderClearing Kind = "order_clearing"
	// What the platform owes a shop and may pay out. Owed.
	KindSellerPayable Kind = "seller_payable"
	// A shop's money that a payment hold keeps from being paid out. Owed.
	KindSellerHold Kind = "seller_hold"
	// Affiliate commission a creator may be paid. Owed.
	KindCreatorPayable Kind = "creator_payable"
	// Affiliate commission a creator earned on orders that have not
	// completed yet. It is a promise, not money: its contra account is
	// KindAffiliateCommitments, so it never moves buyers' money. Owed.
	KindCreatorPending Kind = "creator_pending"
	// The market's side of creators' pending commission: its debit balance
	// equals the commission promised and not yet payable or reversed.
	KindAffiliateCommitments Kind = "affiliate_commitments"
	// The platform's commission on the market's sales: revenue.
	KindPlatformCommission Kind = "platform_commission"
	// Payment fees the platform charges sellers (COD's 2 %): revenue.
	KindPlatformPaymentFees Kind = "platform_payment_fees"
	// Consumption tax collected and owed to the market's tax authority.
	KindTaxPayable Kind = "tax_payable"
)

// shape is how an account's owner is written after its kind.
type shape int

const (
	byID       shape = iota // kind:ID, the ID made by loopshop.NewID
	byMarket                // kind:MARKET
	byProvider              // kind:MARKET:provider
)

var kinds = map[Kind]struct {
	shape shape
	owed  bool
}{
	KindProviderCash:         {byProvider, false},
	KindPayouts:              {byProvider, false},
	KindRefunds:              {byProvider, false},
	KindOrderClearing:        {byID, true},
	KindSellerPayable:        {byID, true},
	KindSellerHold:           {byID, true},
	KindCreatorPayable:       {byID, true},
	KindCreatorPending:       {byID, true},
	KindAffiliateCommitments: {byMarket, false},
	KindPlatformCommission:   {byMarket, false},
	KindPlatformPaymentFees:  {byMarket, false},
	KindTaxPayable:           {byMarket, false},
}

// Owed reports whether accounts of kind k hold someone else's money and so
// must never be overdrawn (see CheckOverdraft).
func (k Kind) Owed() bool { return kinds[k].owed }

// Account constructors. An account's name is its kind, a colon and its
// owner:
//
//	order_clearing:ord_gb_…           an order, shop or creator, by ID
//	platform_commission:GB            a market
//	provider_cash:GB:stripe           a market and a payment provider
//
// Every account belongs to one market, read from its name (IDs carry their
// market), so it holds one currency, and a transaction touches only the
// accounts of its own market. Provider accounts name the market because
// one provider serves several markets in several currencies.

// ProviderCash is the money provider (a payment provider, or "cod" for the
// cash couriers collect on delivery) holds for market.
func ProviderCash(market, provider string) string {
	return providerAccount(KindProviderCash, market, provider)
}

// Payouts is the money sent to sellers and creators through provider.
func Payouts(market, provider string) string { return providerAccount(KindPayouts, market, provider) }

// Refunds is the money returned to buyers through provider.
func Refunds(market, provider string) string { return providerAccount(KindRefunds, market, provider) }

// OrderClearing is the buyer's money held for an order until it settles.
func OrderClearing(orderID string) string { return string(KindOrderClearing) + ":" + orderID }

// SellerPayable is what the platform owes shopID and may pay out.
func SellerPayable(shopID string) string { return string(KindSellerPayable) + ":" + shopID }

// SellerHold is shopID's money held back from payouts.
func SellerHold(shopID string) string { return string(KindSellerHold) + ":" + shopID }

// CreatorPayable is the affiliate commission creatorID may be paid.
func CreatorPayable(creatorID string) string { return string(KindCreatorPayable) + ":" + creatorID }

// CreatorPending is the affiliate commission creatorID earned on orders
// that have not completed.
func CreatorPending(creatorID string) string { return string(KindCreatorPending) + ":" + creatorID }

// AffiliateCommitments is the market's contra account to creators' pending
// commission.
func AffiliateCommitments(market string) string {
	return marketAccount(KindAffiliateCommitments, market)
}

// PlatformCommission is the platform's commission revenue in market.
func PlatformCommission(market string) string { return marketAccount(KindPlatformCommission, market) }

// PlatformPaymentFees is the payment fees the platform charged sellers in market.
func PlatformPaymentFees(market string) string {
	return marketAccount(KindPlatformPaymentFees, market)
}

// TaxPayable is the tax collected in market and owed to its tax authority.
func TaxPayable(market string) string { return marketAccount(KindTaxPayable, market) }

func marketAccount(k Kind, market string) string { return string(k) + ":" + strings.ToUpper(market) }

func providerAccount(k Kind, market, provider string) string {
	return string(k) + ":" + strings.ToUpper(market) + ":" + provider
}

// Account is an account's name taken apart.
type Account struct {
	Kind   Kind
	Market string // upper case: "GB"
	// Owner is the order, shop or creator ID, or the provider; empty for
	// accounts of a whole market.
	Owner string
}

// String returns the account's name, as the constructors write it.
func (a Account) String() string {
	switch kinds[a.Kind].shape {
	case byMarket:
		return string(a.Kind) + ":" + a.Market
	case byProvider:
		return string(a.Kind) + ":" + a.Market + ":" + a.Owner
	}
	return string(a.Kind) + ":" + a.Owner
}

var (
	marketRE   = regexp.MustCompile(`^[A-Z]{2}$`)
	providerRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
)

// ParseAccount takes an account's name apart, refusing one the
// constructors would not have written.
func ParseAccount(name string) (Account, error) {
	k, owner, ok := strings.Cut(name, ":")
	kind := Kind(k)
	spec, known := kinds[kind]
	if !ok || !known {
		return Account{}, loopshop.Invalid("account", "account %q is not of the form kind:owner with a known kind, e.g. %s", name, SellerPayable("shp_gb_…"))
	}
	a := Account{Kind: kind}
	switch spec.shape {
	case byID:
		m, ok := loopshop.MarketOf(owner)
		if !ok {
			return Account{}, loopshop.Invalid("account", "account %q: %q is not an ID of the platform", name, owner)
		}
		a.Market, a.Owner = m, owner
	case byMarket:
		if !marketRE.MatchString(owner) {
			return Account{}, loopshop.Invalid("account", "account %q: %q is not a market code such as GB", name, owner)
		}
		a.Market = owner
	case byProvider:
		m, p, _ := strings.Cut(owner, ":")
		if !marketRE.MatchString(m) || !providerRE.MatchString(p) {
			return Account{}, loopshop.Invalid("account", "account %q is not of the form %s:MARKET:provider, e.g. %s", name, kind, ProviderCash("GB", "stripe"))
		}
		a.Market, a.Owner = m, p
	}
	return a, nil
}

// KindOf returns the kind of the account named name, or "" if the name is
// malformed.
func KindOf(name string) Kind {
	a, err := ParseAccount(name)
	if err != nil {
		return ""
	}
	return a.Kind
}
