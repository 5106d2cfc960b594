package identity

import (
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
)

// StaffRole is a platform staff role. Each grants a fixed set of permissions.
type StaffRole string

const (
	RoleOperations  StaffRole = "operations"
	RoleTrustSafety StaffRole = "trust_safety"
	RoleSupport     StaffRole = "support"
	RoleFinance     StaffRole = "finance"
	RoleAuditor     StaffRole = "auditor"
	RoleAdmin       StaffRole = "admin"
)

// StaffRoles lists every staff role.
var StaffRoles = []StaffRole{RoleOperations, RoleTrustSafety, RoleSupport, RoleFinance, RoleAuditor, RoleAdmin}

// ShopRole is an account's role in a shop it works for.
type ShopRole string

const (
	ShopOwner ShopRole = "owner"
	ShopAdmin ShopRole = "admin"
	ShopStaff ShopRole = "staff"
)

// Account is a person who can sign in. Every account can buy; IsCreator
// lets it earn affiliate commission; shop roles come from memberships and
// staff roles make it platform staff.
type Account struct {
	ID           string      `json:"id"`
	Market       string      `json:"market"`
	Email        string      `json:"email"`
	DisplayName  string      `json:"display_name"`
	IsCreator    bool        `json:"is_creator"`
	StaffRoles   []StaffRole `json:"staff_roles,omitempty"`
	StaffRegions []string    `json:"staff_regions,omitempty"`
	CreatedAt    time.Time   `json:"created_at"`

	PasswordHash string `json:"-"`
}

// Membership is an account's role in one shop.
type Membership struct {
	ShopID string   `json:"shop_id"`
	Role   ShopRole `json:"role"`
}

// SignUp is what a new account gives.
type SignUp struct {
	Market      string `json:"market"`
	Email       string `json:"email"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
	Creator     bool   `json:"creator"`
}

// Password length bounds, after NIST SP 800-63B: long passphrases welcome,
// no composition rules, and an upper bound so hashing cannot be abused.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// NormalizeEmail returns the address in the form it is stored and looked up
// in, or an error saying what is wrong with it.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", loopshop.Invalid("email", "e-mail address is required")
	}
	if len(s) > 254 {
		return "", loopshop.Invalid("email", "e-mail address is longer than 254 characters")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", loopshop.Invalid("email", "%q is not an e-mail address; write it as name@example.com", s)
	}
	local, domain, _ := strings.Cut(s, "@")
	if !strings.Contains(domain, ".") {
		return "", loopshop.Invalid("email", "the domain of %q has no dot; write the full domain, e.g. example.com", s)
	}
	return local + "@" + strings.ToLower(domain), nil
}

// Validate checks a sign-up and normalises its fields in place.
func (s *SignUp) Validate() error {
	email, err := NormalizeEmail(s.Email)
	if err != nil {
		return err
	}
	s.Email = email
	s.Market = strings.ToUpper(strings.TrimSpace(s.Market))
	if s.Market == "" {
		return loopshop.Invalid("market", "market is required, e.g. GB")
	}
	if n := utf8.RuneCountInString(s.Password); n < MinPasswordLen {
		return loopshop.Invalid("password", "password must have at least %d characters; it has %d", MinPasswordLen, n)
	}
	if len(s.Password) > MaxPasswordLen {
		return loopshop.Invalid("password", "password must have at most %d bytes", MaxPasswordLen)
	}
	s.DisplayName = strings.TrimSpace(s.DisplayName)
	if s.DisplayName == "" {
		s.DisplayName, _, _ = strings.Cut(s.Email, "@")
	}
	if utf8.RuneCountInString(s.DisplayName) > 64 {
		return loopshop.Invalid("display_name", "display name must have at most 64 characters")
	}
	return nil
}

// ValidStaffRoles checks that every role is known.
func ValidStaffRoles(roles []StaffRole) error {
	for _, r := range roles {
		if !slices.Contains(StaffRoles, r) {
			return loopshop.Invalid("staff_roles", "unknown staff role %q; known roles: operations, trust_safety, support, finance, auditor, admin", r)
		}
	}
	return nil
}
