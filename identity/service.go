package identity

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/market"
)

// Session kinds.
const (
	SessionWeb = "web" // a browser cookie, with CSRF protection
	SessionAPI = "api" // a bearer token
)

// Session is one sign-in. The token itself is shown once, at sign-in, and
// only its SHA-256 is stored.
type Session struct {
	TokenHash string
	AccountID string
	Kind      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Store is what the service needs from storage. Methods about a market's
// data route themselves to that market's region; login methods use the
// global directory.
type Store interface {
	// ClaimLogin records that loginHash belongs to market; a hash already
	// claimed is loopshop.ErrAlreadyExists.
	ClaimLogin(ctx context.Context, loginHash, market string, at time.Time) error
	ReleaseLogin(ctx context.Context, loginHash string) error
	// LoginMarket returns the market of loginHash, or loopshop.ErrNotFound.
	LoginMarket(ctx context.Context, loginHash string) (string, error)

	CreateAccount(ctx context.Context, a *Account) error
	Account(ctx context.Context, id string) (*Account, error)
	AccountByEmail(ctx context.Context, market, email string) (*Account, error)
	// CreatorsNamed lists up to limit creator accounts of market whose
	// display name is name, at least ignoring the case of ASCII letters
	// (an engine may fold more; the service narrows to its own rule).
	CreatorsNamed(ctx context.Context, market, name string, limit int) ([]*Account, error)
	SetStaffRoles(ctx context.Context, accountID string, roles []StaffRole, regions []string) error

	CreateSession(ctx context.Context, market string, s *Session) error
	// SessionAccount returns the account of a session unexpired at now, and
	// its shop memberships; anything else is loopshop.ErrNotFound.
	SessionAccount(ctx context.Context, market, tokenHash string, now time.Time) (*Account, []Membership, error)
	DeleteSession(ctx context.Context, market, tokenHash string) error
}

// Service holds the rules of accounts and sign-ins.
type Service struct {
	store   Store
	markets *market.Set
	secret  []byte
	ttl     time.Duration
	now     func() time.Time
}

// NewService returns a Service. secret keys the directory's hashes of
// login identifiers; ttl is how long a sign-in lasts.
func NewService(store Store, markets *market.Set, secret string, ttl time.Duration) *Service {
	return &Service{store: store, markets: markets, secret: []byte(secret), ttl: ttl, now: Now}
}

// Now is the clock services use: UTC, truncated to the microsecond that
// both databases keep, so a time read back equals the time written.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// LoginHash is the directory's key for an e-mail address: an HMAC, so that
// the directory alone does not reveal who has an account.
func (s *Service) LoginHash(email string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(strings.ToLower(email)))
	return hex.EncodeToString(m.Sum(nil))
}

// SignUp creates an account in its market's region.
func (s *Service) SignUp(ctx context.Context, in SignUp) (*Account, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	m, err := s.markets.Get(in.Market)
	if err != nil {
		return nil, &loopshop.Error{Code: loopshop.EINVALID, Field: "market", Message: loopshop.ErrorMessage(err)}
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, fmt.Errorf("sign up: %w", err)
	}
	now := s.now()
	a := &Account{
		ID:           loopshop.NewID("acc", m.Code),
		Market:       m.Code,
		Email:        in.Email,
		DisplayName:  in.DisplayName,
		IsCreator:    in.Creator,
		CreatedAt:    now,
		PasswordHash: hash,
	}
	// Claim the address in the directory first: it is the one place that
	// sees every market, so two sign-ups with one address in two markets
	// cannot both succeed. If the region write fails, release the claim.
	login := s.LoginHash(a.Email)
	if err := s.store.ClaimLogin(ctx, login, m.Code, now); err != nil {
		if errors.Is(err, loopshop.ErrAlreadyExists) {
			return nil, &loopshop.Error{Code: loopshop.ECONFLICT, Field: "email", Message: "an account with this e-mail address already exists; sign in instead"}
		}
		return nil, fmt.Errorf("sign up: %w", err)
	}
	if err := s.store.CreateAccount(ctx, a); err != nil {
		if rerr := s.store.ReleaseLogin(ctx, login); rerr != nil {
			err = errors.Join(err, fmt.Errorf("release login claim: %w", rerr))
		}
		if errors.Is(err, loopshop.ErrAlreadyExists) {
			return nil, &loopshop.Error{Code: loopshop.ECONFLICT, Field: "email", Message: "an account with this e-mail address already exists; sign in instead"}
		}
		return nil, fmt.Errorf("sign up: %w", err)
	}
	return a, nil
}

// dummyHash is checked against when no account matches, so that a failed
// sign-in takes as long whether or not the address is registered.
var dummyHash, _ = HashPassword("no account has this password")

var errBadLogin = loopshop.Errorf(loopshop.EUNAUTHORIZED, "e-mail address or password is wrong")

// Login checks an e-mail address and password and starts a session of the
// given kind. It returns the token, which is not stored and not shown again.
func (s *Service) Login(ctx context.Context, email, password, kind string) (string, *Account, error) {
	if kind != SessionWeb && kind != SessionAPI {
		return "", nil, loopshop.Invalid("kind", "session kind must be web or api")
	}
	email, err := NormalizeEmail(email)
	if err != nil {
		return "", nil, err
	}
	if len(password) > MaxPasswordLen {
		return "", nil, errBadLogin
	}
	var a *Account
	mkt, err := s.store.LoginMarket(ctx, s.LoginHash(email))
	if err == nil {
		a, err = s.store.AccountByEmail(ctx, mkt, email)
	}
	if err != nil && !errors.Is(err, loopshop.ErrNotFound) {
		return "", nil, fmt.Errorf("login: %w", err)
	}
	if a == nil {
		_, _ = CheckPassword(dummyHash, password)
		return "", nil, errBadLogin
	}
	ok, err := CheckPassword(a.PasswordHash, password)
	if err != nil {
		return "", nil, fmt.Errorf("login %s: %w", a.ID, err)
	}
	if !ok {
		return "", nil, errBadLogin
	}
	token, err := s.StartSession(ctx, a, kind)
	if err != nil {
		return "", nil, err
	}
	return token, a, nil
}

// StartSession signs a in without a password check; Login and trusted
// tools (the demo seeder, the CLI) use it.
func (s *Service) StartSession(ctx context.Context, a *Account, kind string) (string, error) {
	token := newToken(a.Market)
	now := s.now()
	sess := &Session{TokenHash: tokenHash(token), AccountID: a.ID, Kind: kind, CreatedAt: now, ExpiresAt: now.Add(s.ttl)}
	if err := s.store.CreateSession(ctx, a.Market, sess); err != nil {
		return "", fmt.Errorf("start session: %w", err)
	}
	return token, nil
}

// Authenticate returns the actor behind a session token.
func (s *Service) Authenticate(ctx context.Context, token string) (*Actor, error) {
	mkt, ok := tokenMarket(token)
	if !ok {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "the session token is malformed; sign in again")
	}
	a, members, err := s.store.SessionAccount(ctx, mkt, tokenHash(token), s.now())
	if errors.Is(err, loopshop.ErrNotFound) {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "the session has expired or was signed out; sign in again")
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	return s.actor(a, members), nil
}

func (s *Service) actor(a *Account, members []Membership) *Actor {
	act := &Actor{
		AccountID:   a.ID,
		Market:      a.Market,
		DisplayName: a.DisplayName,
		IsCreator:   a.IsCreator,
		StaffRoles:  a.StaffRoles,
		Shops:       make(map[string]ShopRole, len(members)),
	}
	for _, m := range members {
		act.Shops[m.ShopID] = m.Role
	}
	if len(a.StaffRoles) > 0 {
		act.ClearedMarkets = map[string]bool{}
		for _, m := range s.markets.All() {
			for _, r := range a.StaffRegions {
				if r == m.Region || r == "*" {
					act.ClearedMarkets[m.Code] = true
				}
			}
		}
	}
	return act
}

// Logout ends the session of token. Ending an unknown session is not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	mkt, ok := tokenMarket(token)
	if !ok {
		return nil
	}
	if err := s.store.DeleteSession(ctx, mkt, tokenHash(token)); err != nil && !errors.Is(err, loopshop.ErrNotFound) {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// Account returns the account id, if the actor may see it.
func (s *Service) Account(ctx context.Context, actor *Actor, id string) (*Account, error) {
	a, err := s.store.Account(ctx, id)
	if errors.Is(err, loopshop.ErrNotFound) {
		return nil, loopshop.Errorf(loopshop.ENOTFOUND, "account not found")
	}
	if err != nil {
		return nil, fmt.Errorf("account: %w", err)
	}
	if err := actor.Can(PermAccountRead, Resource{Kind: "account", Market: a.Market, OwnerID: a.ID}); err != nil {
		return nil, err
	}
	return a, nil
}

// Creator is what anyone may see of a creator: the public profile its
// videos and showcase hang from. Nothing personal is in it.
type Creator struct {
	ID          string `json:"id"`
	Market      string `json:"market"`
	DisplayName string `json:"display_name"`
}

// Creator returns the public profile of a creator account; any other
// account is not found, so profiles cannot be used to probe accounts.
func (s *Service) Creator(ctx context.Context, id string) (*Creator, error) {
	a, err := s.store.Account(ctx, id)
	if err != nil || !a.IsCreator {
		if err == nil || loopshop.ErrorCode(err) == loopshop.ENOTFOUND || loopshop.ErrorCode(err) == loopshop.EINVALID {
			return nil, loopshop.Errorf(loopshop.ENOTFOUND, "creator not found")
		}
		return nil, fmt.Errorf("creator: %w", err)
	}
	return &Creator{ID: a.ID, Market: a.Market, DisplayName: a.DisplayName}, nil
}

// FindCreator returns the creator of market a person means by who: its
// account ID, or its name as its profile shows it (an @ before it is
// allowed, as people write handles). A name must be exactly one
// creator's: none, or several, is invalid on field "creator" with what to
// write instead, so that a form can say it next to what was typed.
func (s *Service) FindCreator(ctx context.Context, market, who string) (*Creator, error) {
	who = strings.TrimSpace(who)
	if strings.HasPrefix(who, "acc_") {
		if mk, ok := loopshop.MarketOf(who); ok && mk == market {
			c, err := s.Creator(ctx, who)
			if loopshop.ErrorCode(err) == loopshop.ENOTFOUND {
				return nil, loopshop.Invalid("creator", "no creator has the account ID %s", who)
			}
			return c, err
		}
	}
	name := strings.TrimSpace(strings.TrimPrefix(who, "@"))
	if name == "" {
		return nil, loopshop.Invalid("creator", "write the creator's name as their profile shows it")
	}
	found, err := s.store.CreatorsNamed(ctx, market, name, maxNamesakes+1)
	if err != nil {
		return nil, fmt.Errorf("find creator: %w", err)
	}
	var out []*Creator
	for _, a := range found {
		if a.IsCreator && a.Market == market && foldASCII(a.DisplayName) == foldASCII(name) {
			out = append(out, &Creator{ID: a.ID, Market: a.Market, DisplayName: a.DisplayName})
		}
	}
	switch {
	case len(out) == 0:
		return nil, loopshop.Invalid("creator", "no creator in %s is called %q; check the name on their profile", market, who)
	case len(out) > 1:
		ids := make([]string, 0, len(out))
		for _, c := range out[:min(len(out), maxNamesakes)] {
			ids = append(ids, c.ID)
		}
		many := fmt.Sprint(len(out))
		if len(out) > maxNamesakes {
			many = "more than " + fmt.Sprint(maxNamesakes)
		}
		return nil, loopshop.Invalid("creator", "%s creators in %s are called %q; write the account ID of the one you mean, from their profile (%s)",
			many, market, who, strings.Join(ids, ", "))
	}
	return out[0], nil
}

// maxNamesakes is how many creators of one name FindCreator lists when it
// cannot tell which is meant.
const maxNamesakes = 5

// foldASCII lowers ASCII letters only, the folding both engines agree on,
// so that a name finds the same creators whichever stores them.
func foldASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// GrantStaff gives an account platform roles, cleared for the named regions
// ("*" for all). It is for the CLI and admins; an empty role list revokes.
func (s *Service) GrantStaff(ctx context.Context, accountID string, roles []StaffRole, regions []string) error {
	if err := ValidStaffRoles(roles); err != nil {
		return err
	}
	known := map[string]bool{"*": true}
	for _, r := range s.markets.Regions() {
		known[r] = true
	}
	for _, r := range regions {
		if !known[r] {
			return loopshop.Invalid("staff_regions", "unknown region %q; regions: %s", r, strings.Join(s.markets.Regions(), ", "))
		}
	}
	return s.store.SetStaffRoles(ctx, accountID, roles, regions)
}

// Tokens look like IDs ("ses_gb_…", 128 random bits) so that they carry the
// market whose region stores the session.
func newToken(market string) string {
	return "ses_" + strings.ToLower(market) + "_" + loopshop.RandomToken(16)
}

func tokenMarket(token string) (string, bool) {
	if !strings.HasPrefix(token, "ses_") {
		return "", false
	}
	return loopshop.MarketOf(token)
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
