package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
)

// IdentityStore implements identity.Store.
type IdentityStore struct{ r *Router }

// NewIdentityStore returns the identity store over r.
func NewIdentityStore(r *Router) *IdentityStore { return &IdentityStore{r: r} }

var _ identity.Store = (*IdentityStore)(nil)

func (s *IdentityStore) ClaimLogin(ctx context.Context, loginHash, market string, at time.Time) error {
	return s.r.directory.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO logins (login_hash, market, created_at) VALUES (?, ?, ?)`, loginHash, market, at)
		return err
	})
}

func (s *IdentityStore) ReleaseLogin(ctx context.Context, loginHash string) error {
	return s.r.directory.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM logins WHERE login_hash = ?`, loginHash)
		return err
	})
}

func (s *IdentityStore) LoginMarket(ctx context.Context, loginHash string) (string, error) {
	var m string
	err := s.r.directory.Read().Get(ctx, `SELECT market FROM logins WHERE login_hash = ?`, []any{loginHash}, &m)
	return m, err
}

func (s *IdentityStore) CreateAccount(ctx context.Context, a *identity.Account) error {
	db, err := s.r.ForMarket(a.Market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO accounts (id, market, email, display_name, password_hash, is_creator, staff_roles, staff_regions, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.Market, a.Email, a.DisplayName, a.PasswordHash, a.IsCreator, joinRoles(a.StaffRoles), strings.Join(a.StaffRegions, ","), a.CreatedAt)
		return err
	})
}

const accountColumns = `a.id, a.market, a.email, a.display_name, a.password_hash, a.is_creator, a.staff_roles, a.staff_regions, a.created_at`

func scanAccount(row interface{ Scan(...any) error }) (*identity.Account, error) {
	var a identity.Account
	var roles, regions string
	if err := row.Scan(&a.ID, &a.Market, &a.Email, &a.DisplayName, &a.PasswordHash, &a.IsCreator, &roles, &regions, &a.CreatedAt); err != nil {
		return nil, err
	}
	a.StaffRoles = splitRoles(roles)
	a.StaffRegions = splitList(regions)
	return &a, nil
}

func (s *IdentityStore) Account(ctx context.Context, id string) (*identity.Account, error) {
	db, err := s.r.ForID(id)
	if err != nil {
		return nil, err
	}
	return s.accountWhere(ctx, db, `a.id = ?`, id)
}

func (s *IdentityStore) AccountByEmail(ctx context.Context, market, email string) (*identity.Account, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	return s.accountWhere(ctx, db, `LOWER(a.email) = LOWER(?) AND a.market = ?`, email, market)
}

func (s *IdentityStore) CreatorsNamed(ctx context.Context, market, name string, limit int) ([]*identity.Account, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	var out []*identity.Account
	err = db.Read().Query(ctx, `SELECT `+accountColumns+` FROM accounts a WHERE a.market = ? AND a.is_creator = ? AND LOWER(a.display_name) = LOWER(?)
		ORDER BY a.id LIMIT ?`, []any{market, true, name, limit}, func(rows *sql.Rows) error {
		a, err := scanAccount(rows)
		out = append(out, a)
		return err
	})
	return out, err
}

func (s *IdentityStore) accountWhere(ctx context.Context, db *DB, where string, args ...any) (*identity.Account, error) {
	var out *identity.Account
	err := db.Read().Query(ctx, `SELECT `+accountColumns+` FROM accounts a WHERE `+where, args, func(rows *sql.Rows) error {
		a, err := scanAccount(rows)
		out = a
		return err
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, loopshop.ErrNotFound
	}
	return out, nil
}

func (s *IdentityStore) SetStaffRoles(ctx context.Context, accountID string, roles []identity.StaffRole, regions []string) error {
	db, err := s.r.ForID(accountID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, `UPDATE accounts SET staff_roles = ?, staff_regions = ? WHERE id = ?`, joinRoles(roles), strings.Join(regions, ","), accountID)
		if err == nil && n == 0 {
			err = loopshop.ErrNotFound
		}
		return err
	})
}

func (s *IdentityStore) CreateSession(ctx context.Context, market string, ses *identity.Session) error {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, account_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			ses.TokenHash, ses.AccountID, ses.Kind, ses.CreatedAt, ses.ExpiresAt)
		return err
	})
}

func (s *IdentityStore) SessionAccount(ctx context.Context, market, tokenHash string, now time.Time) (*identity.Account, []identity.Membership, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, nil, loopshop.ErrNotFound
	}
	a, err := s.accountWhere(ctx, db, `a.id = (SELECT account_id FROM sessions WHERE token_hash = ? AND expires_at > ?)`, tokenHash, now)
	if err != nil {
		return nil, nil, err
	}
	var members []identity.Membership
	err = db.Read().Query(ctx, `SELECT shop_id, role FROM shop_members WHERE account_id = ? ORDER BY shop_id`, []any{a.ID}, func(rows *sql.Rows) error {
		var m identity.Membership
		if err := rows.Scan(&m.ShopID, &m.Role); err != nil {
			return err
		}
		members = append(members, m)
		return nil
	})
	return a, members, err
}

func (s *IdentityStore) DeleteSession(ctx context.Context, market, tokenHash string) error {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
}

func joinRoles(roles []identity.StaffRole) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func splitRoles(s string) []identity.StaffRole {
	var out []identity.StaffRole
	for _, r := range splitList(s) {
		out = append(out, identity.StaffRole(r))
	}
	return out
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
