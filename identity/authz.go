package identity

import (
	"slices"

	"github.com/loopshop/loopshop"
)

// Permission names an action on a kind of object.
type Permission string

const (
	PermShopRead      Permission = "shop.read"      // see a shop's private settings, analytics
	PermShopManage    Permission = "shop.manage"    // change settings, warehouses, members
	PermProductWrite  Permission = "product.write"  // create and edit listings, inventory
	PermOrderRead     Permission = "order.read"     // see an order with its buyer's details
	PermOrderWrite    Permission = "order.write"    // ship, cancel, refund
	PermFinanceRead   Permission = "finance.read"   // statements, payouts
	PermPayout        Permission = "payout"         // pay the shop's balance out
	PermPaymentHold   Permission = "payment.hold"   // staff: hold and release a shop's money
	PermListingReview Permission = "listing.review" // staff: approve or reject listings
	PermAccountRead   Permission = "account.read"   // see an account's personal data
	PermAccountWrite  Permission = "account.write"  // change an account
	PermMarketManage  Permission = "market.manage"  // staff: switches and roll-out
	PermAuditRead     Permission = "audit.read"     // staff: read and verify the audit log
)

// shopGrants says what each shop role may do for its shop.
var shopGrants = map[ShopRole][]Permission{
	ShopOwner: {PermShopRead, PermShopManage, PermProductWrite, PermOrderRead, PermOrderWrite, PermFinanceRead, PermPayout},
	ShopAdmin: {PermShopRead, PermProductWrite, PermOrderRead, PermOrderWrite, PermFinanceRead},
	ShopStaff: {PermShopRead, PermProductWrite, PermOrderRead, PermOrderWrite},
}

// staffGrants says what each platform role may do, in the regions it is
// cleared for.
var staffGrants = map[StaffRole][]Permission{
	RoleOperations:  {PermShopRead, PermMarketManage, PermOrderRead},
	RoleTrustSafety: {PermShopRead, PermListingReview, PermAccountRead},
	RoleSupport:     {PermShopRead, PermOrderRead, PermOrderWrite, PermAccountRead},
	RoleFinance:     {PermShopRead, PermFinanceRead, PermOrderRead, PermPaymentHold},
	RoleAuditor:     {PermAuditRead},
	RoleAdmin:       {PermShopRead, PermShopManage, PermProductWrite, PermOrderRead, PermOrderWrite, PermFinanceRead, PermListingReview, PermAccountRead, PermAccountWrite, PermMarketManage, PermAuditRead, PermPaymentHold},
}

// Actor is who makes a request: an authenticated account with what it may
// act for. Handlers get it from the request; services take it as an argument.
type Actor struct {
	AccountID   string
	Market      string
	DisplayName string
	IsCreator   bool
	StaffRoles  []StaffRole
	// ClearedMarkets are the markets whose regions a staff member is
	// cleared for; staff permissions apply only there.
	ClearedMarkets map[string]bool
	// Shops maps the shops the account works for to its role there.
	Shops map[string]ShopRole
	// Session is the sign-in behind the request: "web" (cookie) or "api" (bearer).
	Session string
}

// IsStaff reports whether the actor has any platform role.
func (a *Actor) IsStaff() bool { return a != nil && len(a.StaffRoles) > 0 }

// Resource describes the object an action touches, by who owns it.
type Resource struct {
	// Kind names the object in messages: "order", "shop".
	Kind string
	// Market is the market the object belongs to.
	Market string
	// OwnerID is the account the object belongs to (an order's buyer), if any.
	OwnerID string
	// ShopID is the shop the object belongs to, if any.
	ShopID string
}

// Can is the authorization check: it returns nil when the actor may take
// perm on res, and otherwise an error that reveals nothing the actor may
// not know. An actor with no tie at all to the object is told it does not
// exist (ENOTFOUND), so IDs cannot be probed; one who can see the object
// but not do this is told so (EFORBIDDEN).
//
// An object's owner may do anything to it; shop members act within their
// role for their shop; staff act within their roles in the markets they
// are cleared for.
func (a *Actor) Can(perm Permission, res Resource) error {
	if a == nil || a.AccountID == "" {
		return loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to access this %s", kindOr(res.Kind))
	}
	if res.OwnerID != "" && res.OwnerID == a.AccountID {
		return nil
	}
	related := false
	if role, ok := a.Shops[res.ShopID]; ok && res.ShopID != "" {
		related = true
		if slices.Contains(shopGrants[role], perm) {
			return nil
		}
	}
	if a.ClearedMarkets[res.Market] {
		for _, r := range a.StaffRoles {
			related = true
			if slices.Contains(staffGrants[r], perm) {
				return nil
			}
		}
	}
	if related {
		return loopshop.Errorf(loopshop.EFORBIDDEN, "your role does not allow %s on this %s; ask the shop owner or an admin for access", perm, kindOr(res.Kind))
	}
	return loopshop.Errorf(loopshop.ENOTFOUND, "%s not found", kindOr(res.Kind))
}

// Staff reports whether the actor holds a staff role granting perm in market.
func (a *Actor) Staff(perm Permission, market string) bool {
	if a == nil || !a.ClearedMarkets[market] {
		return false
	}
	for _, r := range a.StaffRoles {
		if slices.Contains(staffGrants[r], perm) {
			return true
		}
	}
	return false
}

func kindOr(kind string) string {
	if kind == "" {
		return "object"
	}
	return kind
}

// System returns the actor of the platform itself: tools run by an
// operator on the server (imports, migrations of data, demo seeding) act
// as an admin cleared for every market. It is never the actor of a request.
func System(markets []string) *Actor {
	cleared := make(map[string]bool, len(markets))
	for _, m := range markets {
		cleared[m] = true
	}
	return &Actor{AccountID: "system", DisplayName: "loopshop", StaffRoles: []StaffRole{RoleAdmin}, ClearedMarkets: cleared}
}
