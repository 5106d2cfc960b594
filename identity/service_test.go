package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

const password = "correct horse battery"

// newService returns an identity service over fresh databases of engine,
// with sessions lasting ttl.
func newService(t *testing.T, engine string, ttl time.Duration) (*identity.Service, *sqlstore.Router) {
	t.Helper()
	r := sqltest.Router(t, engine)
	return identity.NewService(sqlstore.NewIdentityStore(r), r.Markets(), "test-secret", ttl), r
}

// storeAccount stores an account straight into its region, for tests that
// are not about passwords: hashing one takes most of a second under -race.
func storeAccount(t *testing.T, r *sqlstore.Router, market, email string) *identity.Account {
	t.Helper()
	a := &identity.Account{ID: loopshop.NewID("acc", market), Market: market, Email: email,
		DisplayName: strings.Split(email, "@")[0], CreatedAt: identity.Now(), PasswordHash: "not a hash"}
	if err := sqlstore.NewIdentityStore(r).CreateAccount(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

func signUp(t *testing.T, svc *identity.Service, market, email string) *identity.Account {
	t.Helper()
	a, err := svc.SignUp(context.Background(), identity.SignUp{Market: market, Email: email, Password: password})
	if err != nil {
		t.Fatalf("sign up %s in %s: %v", email, market, err)
	}
	return a
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := loopshop.ErrorCode(err); got != code {
		t.Errorf("%s: got %v, want code %s", what, err, code)
	}
}

func TestSignUpThenLogin(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		svc, _ := newService(t, engine, time.Hour)
		acc, err := svc.SignUp(ctx, identity.SignUp{Market: "gb", Email: "ada@example.com", Password: password, DisplayName: " Ada ", Creator: true})
		if err != nil {
			t.Fatal(err)
		}
		if m, _ := loopshop.MarketOf(acc.ID); m != "GB" || acc.Market != "GB" {
			t.Errorf("account %s in market %s; want an ID and market of GB", acc.ID, acc.Market)
		}
		if acc.DisplayName != "Ada" || !acc.IsCreator || acc.CreatedAt.Location() != time.UTC {
			t.Errorf("account %+v: want display name Ada, creator, created in UTC", acc)
		}

		token, got, err := svc.Login(ctx, "ada@example.com", password, identity.SessionAPI)
		if err != nil {
			t.Fatalf("login: %v", err)
		}
		if !strings.HasPrefix(token, "ses_gb_") {
			t.Errorf("token %q does not carry its market", token)
		}
		if got.ID != acc.ID || got.Email != "ada@example.com" {
			t.Errorf("logged in as %s <%s>, want %s", got.ID, got.Email, acc.ID)
		}
		if strings.Contains(got.PasswordHash, password) {
			t.Error("the stored hash contains the password")
		}

		if _, _, err := svc.Login(ctx, "ada@example.com", password, "cli"); loopshop.ErrorField(err) != "kind" {
			t.Errorf("unknown session kind: %v, want invalid kind", err)
		}
	})
}

func TestLoginFailuresLookAlike(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		svc, _ := newService(t, engine, time.Hour)
		signUp(t, svc, "GB", "ada@example.com")

		_, _, wrongPassword := svc.Login(ctx, "ada@example.com", "not the password", identity.SessionAPI)
		_, _, unknownEmail := svc.Login(ctx, "nobody@example.com", password, identity.SessionAPI)
		_, _, tooLong := svc.Login(ctx, "ada@example.com", strings.Repeat("x", identity.MaxPasswordLen+1), identity.SessionAPI)
		wantCode(t, "wrong password", wrongPassword, loopshop.EUNAUTHORIZED)
		for name, err := range map[string]error{"unknown e-mail": unknownEmail, "over-long password": tooLong} {
			if err == nil || err.Error() != wrongPassword.Error() {
				t.Errorf("%s: %v; want the same error as a wrong password (%v), so accounts cannot be probed", name, err, wrongPassword)
			}
		}
	})
}

func TestEmailIsUniqueAcrossMarkets(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		svc, r := newService(t, engine, time.Hour)
		signUp(t, svc, "GB", "ada@example.com")

		tests := []struct{ name, market, email string }{
			{"same address in another region", "US", "ada@example.com"},
			{"same market, domain in another case", "GB", "ada@EXAMPLE.com"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := svc.SignUp(ctx, identity.SignUp{Market: tt.market, Email: tt.email, Password: password})
				if loopshop.ErrorCode(err) != loopshop.ECONFLICT || loopshop.ErrorField(err) != "email" {
					t.Errorf("second sign-up: %v; want conflict on email", err)
				}
			})
		}

		// The refused sign-up left nothing in the US region, and the
		// directory still sends the address to GB.
		var n int
		if err := r.Region("us").Read().Get(ctx, `SELECT COUNT(*) FROM accounts`, nil, &n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("the us region holds %d accounts after a refused sign-up; want 0", n)
		}
		if err := r.Region("eu").Read().Get(ctx, `SELECT COUNT(*) FROM accounts WHERE email = ?`, []any{"ada@example.com"}, &n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("the eu region holds %d accounts for the address; want 1", n)
		}
		_, acc, err := svc.Login(ctx, "ada@example.com", password, identity.SessionAPI)
		if err != nil || acc.Market != "GB" {
			t.Errorf("login after refused sign-ups: %v, %+v; want the GB account", err, acc)
		}
	})
}

func TestSignUpRefusals(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		svc, _ := newService(t, engine, time.Hour)
		tests := []struct {
			name  string
			in    identity.SignUp
			field string
		}{
			{"unknown market", identity.SignUp{Market: "ZZ", Email: "ada@example.com", Password: password}, "market"},
			{"short password", identity.SignUp{Market: "GB", Email: "ada@example.com", Password: "short"}, "password"},
			{"display-name address", identity.SignUp{Market: "GB", Email: "Ada <ada@example.com>", Password: password}, "email"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := svc.SignUp(ctx, tt.in)
				if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != tt.field {
					t.Errorf("SignUp: %v; want invalid on %s", err, tt.field)
				}
			})
		}
		// None of the refused sign-ups claimed the address.
		signUp(t, svc, "GB", "ada@example.com")
	})
}

func TestLoginIgnoresDomainCase(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		svc, _ := newService(t, engine, time.Hour)
		acc := signUp(t, svc, "DE", "Grace.Hopper@Example.DE")
		if acc.Email != "Grace.Hopper@example.de" {
			t.Errorf("stored e-mail %q, want the domain lowered", acc.Email)
		}
		for _, email := range []string{"Grace.Hopper@example.de", " Grace.Hopper@EXAMPLE.De "} {
			_, got, err := svc.Login(ctx, email, password, identity.SessionWeb)
			if err != nil || got.ID != acc.ID {
				t.Errorf("login as %q: %v; want account %s", email, err, acc.ID)
			}
		}
	})
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		svc, _ := newService(t, engine, time.Hour)
		acc := signUp(t, svc, "ID", "siti@example.co.id")
		token, _, err := svc.Login(ctx, "siti@example.co.id", password, identity.SessionAPI)
		if err != nil {
			t.Fatal(err)
		}
		actor, err := svc.Authenticate(ctx, token)
		if err != nil {
			t.Fatalf("authenticate: %v", err)
		}
		want := &identity.Actor{AccountID: acc.ID, Market: "ID", DisplayName: "siti", Shops: map[string]identity.ShopRole{}}
		if diff := cmp.Diff(want, actor); diff != "" {
			t.Errorf("actor (-want +got):\n%s", diff)
		}

		// Tokens that are malformed, unknown, or name a market other
		// than their session's are refused alike.
		for name, tok := range map[string]string{
			"empty":           "",
			"not a token":     "hello",
			"unknown":         "ses_id_00000000000000000000000000",
			"market changed":  "ses_gb_" + strings.TrimPrefix(token, "ses_id_"),
			"unserved market": "ses_zz_" + strings.TrimPrefix(token, "ses_id_"),
		} {
			_, err := svc.Authenticate(ctx, tok)
			wantCode(t, name+" token", err, loopshop.EUNAUTHORIZED)
		}
	})
}

func TestExpiredSession(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		svc, r := newService(t, engine, time.Millisecond)
		acc := storeAccount(t, r, "GB", "ada@example.com")
		token, err := svc.StartSession(ctx, acc, identity.SessionAPI)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
		_, err = svc.Authenticate(ctx, token)
		wantCode(t, "expired session", err, loopshop.EUNAUTHORIZED)
		if !strings.Contains(loopshop.ErrorMessage(err), "sign in again") {
			t.Errorf("message %q does not say to sign in again", loopshop.ErrorMessage(err))
		}
	})
}

func TestLogout(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		svc, r := newService(t, engine, time.Hour)
		acc := storeAccount(t, r, "US", "ada@example.com")
		kept, err := svc.StartSession(ctx, acc, identity.SessionWeb)
		if err != nil {
			t.Fatal(err)
		}
		ended, err := svc.StartSession(ctx, acc, identity.SessionAPI)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Logout(ctx, ended); err != nil {
			t.Fatalf("logout: %v", err)
		}
		_, err = svc.Authenticate(ctx, ended)
		wantCode(t, "token after logout", err, loopshop.EUNAUTHORIZED)
		if _, err := svc.Authenticate(ctx, kept); err != nil {
			t.Errorf("the other session ended too: %v", err)
		}
		for _, tok := range []string{ended, "garbage", ""} {
			if err := svc.Logout(ctx, tok); err != nil {
				t.Errorf("logout of %q again: %v, want nil", tok, err)
			}
		}
	})
}

func TestGrantStaff(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		svc, r := newService(t, engine, time.Hour)
		acc := storeAccount(t, r, "GB", "staff@example.com")
		token, err := svc.StartSession(ctx, acc, identity.SessionWeb)
		if err != nil {
			t.Fatal(err)
		}

		refusals := []struct {
			name    string
			roles   []identity.StaffRole
			regions []string
			field   string
		}{
			{"unknown role", []identity.StaffRole{"janitor"}, []string{"eu"}, "staff_roles"},
			{"unknown region", []identity.StaffRole{identity.RoleSupport}, []string{"eu", "mars"}, "staff_regions"},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				err := svc.GrantStaff(ctx, acc.ID, tt.roles, tt.regions)
				if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != tt.field {
					t.Errorf("GrantStaff: %v; want invalid on %s", err, tt.field)
				}
			})
		}
		if err := svc.GrantStaff(ctx, "acc_gb_00000000000000000000000000", []identity.StaffRole{identity.RoleSupport}, []string{"eu"}); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("grant to an unknown account: %v, want not found", err)
		}

		grants := []struct {
			name    string
			roles   []identity.StaffRole
			regions []string
			cleared map[string]bool
		}{
			{"eu", []identity.StaffRole{identity.RoleSupport}, []string{"eu"},
				map[string]bool{"GB": true, "DE": true, "FR": true, "ES": true, "IT": true, "IE": true}},
			{"us and sea", []identity.StaffRole{identity.RoleFinance, identity.RoleAuditor}, []string{"us", "sea"},
				map[string]bool{"US": true, "ID": true}},
			{"every region", []identity.StaffRole{identity.RoleAdmin}, []string{"*"},
				map[string]bool{"GB": true, "DE": true, "FR": true, "ES": true, "IT": true, "IE": true, "US": true, "ID": true}},
		}
		for _, tt := range grants {
			t.Run(tt.name, func(t *testing.T) {
				if err := svc.GrantStaff(ctx, acc.ID, tt.roles, tt.regions); err != nil {
					t.Fatal(err)
				}
				// The grant applies to a session started before it.
				actor, err := svc.Authenticate(ctx, token)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.roles, actor.StaffRoles); diff != "" {
					t.Errorf("staff roles (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.cleared, actor.ClearedMarkets); diff != "" {
					t.Errorf("cleared markets (-want +got):\n%s", diff)
				}
			})
		}

		// An empty grant revokes.
		if err := svc.GrantStaff(ctx, acc.ID, nil, nil); err != nil {
			t.Fatal(err)
		}
		actor, err := svc.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if actor.IsStaff() || len(actor.ClearedMarkets) != 0 {
			t.Errorf("after revoking: roles %v, cleared %v; want none", actor.StaffRoles, actor.ClearedMarkets)
		}
	})
}

func TestAccountVisibility(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		svc, r := newService(t, engine, time.Hour)
		ada := storeAccount(t, r, "GB", "ada@example.com")
		bob := storeAccount(t, r, "GB", "bob@example.com")
		sup := storeAccount(t, r, "US", "support@example.com")
		if err := svc.GrantStaff(ctx, sup.ID, []identity.StaffRole{identity.RoleSupport}, []string{"eu"}); err != nil {
			t.Fatal(err)
		}
		actorOf := func(a *identity.Account) *identity.Actor {
			tok, err := svc.StartSession(ctx, a, identity.SessionAPI)
			if err != nil {
				t.Fatal(err)
			}
			act, err := svc.Authenticate(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			return act
		}
		tests := []struct {
			name  string
			actor *identity.Actor
			id    string
			want  string
		}{
			{"own account", actorOf(ada), ada.ID, ""},
			{"another's account", actorOf(bob), ada.ID, loopshop.ENOTFOUND},
			{"anonymous", nil, ada.ID, loopshop.EUNAUTHORIZED},
			{"support cleared for eu", actorOf(sup), ada.ID, ""},
			{"unknown account", actorOf(ada), "acc_gb_00000000000000000000000000", loopshop.ENOTFOUND},
			{"malformed ID", actorOf(ada), "nope", loopshop.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := svc.Account(ctx, tt.actor, tt.id)
				wantCode(t, "Account", err, tt.want)
				if err == nil && got.ID != tt.id {
					t.Errorf("got account %s, want %s", got.ID, tt.id)
				}
			})
		}
	})
}

// Sign-up treats addresses that differ only in the case of the local part
// as one ("already exists; sign in instead"), so signing in must too:
// otherwise the person told to sign in cannot.
func TestLoginMatchesSignUpOnLocalPartCase(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		svc, _ := newService(t, engine, time.Hour)
		acc := signUp(t, svc, "GB", "Ada.Lovelace@example.com")
		_, err := svc.SignUp(ctx, identity.SignUp{Market: "GB", Email: "ada.lovelace@example.com", Password: password})
		if loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Fatalf("sign-up with the local part in another case: %v; want conflict", err)
		}
		_, got, err := svc.Login(ctx, "ada.lovelace@example.com", password, identity.SessionAPI)
		if err != nil {
			t.Fatalf("sign-in with the address sign-up called taken: %v; want account %s", err, acc.ID)
		}
		if got.ID != acc.ID {
			t.Errorf("signed in as %s, want %s", got.ID, acc.ID)
		}
	})
}

// A seller names a creator as people do, by the name on its profile or by
// @name; a name that is nobody's, or several creators', is refused on
// field creator with what to write instead, and buyers are never found.
func TestFindCreator(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		svc, r := newService(t, engine, time.Hour)
		store := sqlstore.NewIdentityStore(r)
		account := func(market, name string, creator bool) *identity.Account {
			t.Helper()
			a := &identity.Account{ID: loopshop.NewID("acc", market), Market: market, Email: loopshop.RandomToken(6) + "@example.com",
				DisplayName: name, IsCreator: creator, CreatedAt: identity.Now(), PasswordHash: "not a hash"}
			if err := store.CreateAccount(ctx, a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		mia := account("GB", "Mia Loops", true)
		account("GB", "Sam", true)
		account("GB", "sam", true)
		account("GB", "Bea Buyer", false)
		account("DE", "Mia Loops DE", true)
		de := account("DE", "Jonas", true)
		for _, tt := range []struct {
			name, who string
			want      string // the creator's ID, or "" when refused
			message   string
		}{
			{"by name", "Mia Loops", mia.ID, ""},
			{"as a handle, in another case", " @mia loops ", mia.ID, ""},
			{"by account ID", mia.ID, mia.ID, ""},
			{"nobody's name", "@nobody", "", `no creator in GB is called "@nobody"`},
			{"two creators' name", "SAM", "", "2 creators in GB are called"},
			{"a buyer", "Bea Buyer", "", "no creator in GB"},
			{"another market's creator", "Jonas", "", "no creator in GB"},
			{"another market's ID", de.ID, "", "no creator in GB"},
			{"empty", " @ ", "", "write the creator's name"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c, err := svc.FindCreator(ctx, "GB", tt.who)
				if tt.want != "" {
					if err != nil || c.ID != tt.want || c.DisplayName != "Mia Loops" {
						t.Fatalf("FindCreator(%q) = %+v, %v; want %s", tt.who, c, err, tt.want)
					}
					return
				}
				if loopshop.ErrorField(err) != "creator" || !strings.Contains(loopshop.ErrorMessage(err), tt.message) {
					t.Errorf("FindCreator(%q) = %+v, %v; want it refused on creator with %q", tt.who, c, err, tt.message)
				}
			})
		}
	})
}
