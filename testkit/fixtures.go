package testkit

import (
	"context"
	"strings"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/sqlstore"
)

// Account stores a new account of market, a creator's if creator, and
// returns it signed in as a request carries it. The account is written
// straight to its store, with no password to hash, so that tests needing
// hundreds of accounts stay quick; sign-up itself is identity's to test.
func Account(tb testing.TB, p *platform.Platform, market string, creator bool) *identity.Actor {
	tb.Helper()
	ctx := context.Background()
	id := loopshop.NewID("acc", market)
	a := &identity.Account{ID: id, Market: market, Email: strings.ToLower(loopshop.RandomToken(10)) + "@example.com",
		DisplayName: "User " + id[len(id)-6:], CreatedAt: identity.Now(), PasswordHash: "unused", IsCreator: creator}
	if err := sqlstore.NewIdentityStore(p.Router).CreateAccount(ctx, a); err != nil {
		tb.Fatal(err)
	}
	return signIn(tb, p, a)
}

// Seller opens a shop called name in market and returns its owner, signed
// in after the shop was opened (so the session carries the shop), and the
// shop.
func Seller(tb testing.TB, p *platform.Platform, market, name string) (*identity.Actor, *catalog.Shop) {
	tb.Helper()
	ctx := context.Background()
	owner := Account(tb, p, market, false)
	shop, err := p.Catalog.CreateShop(ctx, owner, catalog.NewShop{Name: name})
	if err != nil {
		tb.Fatal(err)
	}
	return signIn(tb, p, account(tb, p, owner.AccountID)), shop
}

// Product lists a product in the shop and publishes it: in as given, with
// a category ("home") and a SKU (priced 10.00, no stock) where in has
// none.
func Product(tb testing.TB, p *platform.Platform, seller *identity.Actor, shop *catalog.Shop, in catalog.NewProduct) *catalog.Product {
	tb.Helper()
	if in.Category == "" && in.CategoryID == "" {
		in.Category = "home"
	}
	if len(in.SKUs) == 0 {
		in.SKUs = []catalog.NewSKU{{Price: 1000}}
	}
	prod, err := p.Catalog.CreateProduct(context.Background(), seller, shop.ID, in, true)
	if err != nil {
		tb.Fatal(err)
	}
	return prod
}

func signIn(tb testing.TB, p *platform.Platform, a *identity.Account) *identity.Actor {
	tb.Helper()
	act, err := p.Identity.Authenticate(context.Background(), session(tb, p, a))
	if err != nil {
		tb.Fatal(err)
	}
	return act
}

// Token starts an API session for the actor's account and returns its
// bearer token.
func Token(tb testing.TB, p *platform.Platform, actor *identity.Actor) string {
	tb.Helper()
	return session(tb, p, account(tb, p, actor.AccountID))
}

// session starts an API session for a and returns its bearer token.
func session(tb testing.TB, p *platform.Platform, a *identity.Account) string {
	tb.Helper()
	tok, err := p.Identity.StartSession(context.Background(), a, identity.SessionAPI)
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// account reads a stored account.
func account(tb testing.TB, p *platform.Platform, id string) *identity.Account {
	tb.Helper()
	a, err := sqlstore.NewIdentityStore(p.Router).Account(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}
