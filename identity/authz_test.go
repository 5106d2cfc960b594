package identity_test

import (
	"strings"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
)

func TestActorCan(t *testing.T) {
	const (
		me    = "acc_gb_me"
		other = "acc_gb_other"
		shop  = "shp_gb_mine"
		shop2 = "shp_gb_theirs"
	)
	member := func(role identity.ShopRole) *identity.Actor {
		return &identity.Actor{AccountID: me, Market: "GB", Shops: map[string]identity.ShopRole{shop: role}}
	}
	staff := func(role identity.StaffRole, cleared ...string) *identity.Actor {
		a := &identity.Actor{AccountID: me, Market: "GB", StaffRoles: []identity.StaffRole{role}, ClearedMarkets: map[string]bool{}}
		for _, m := range cleared {
			a.ClearedMarkets[m] = true
		}
		return a
	}
	inShop := func(kind string) identity.Resource {
		return identity.Resource{Kind: kind, Market: "GB", ShopID: shop}
	}
	order := identity.Resource{Kind: "order", Market: "GB", OwnerID: other, ShopID: shop}
	orderInUS := identity.Resource{Kind: "order", Market: "US", OwnerID: "acc_us_other", ShopID: "shp_us_x"}

	tests := []struct {
		name  string
		actor *identity.Actor
		perm  identity.Permission
		res   identity.Resource
		want  string // error code; "" for allowed
	}{
		{"nil actor", nil, identity.PermOrderRead, order, loopshop.EUNAUTHORIZED},
		{"actor without account", &identity.Actor{}, identity.PermOrderRead, order, loopshop.EUNAUTHORIZED},
		{"owner of the object", &identity.Actor{AccountID: other, Market: "GB"}, identity.PermOrderRead, order, ""},
		{"owner may do anything to it", &identity.Actor{AccountID: other, Market: "GB"}, identity.PermAccountWrite, identity.Resource{Kind: "account", Market: "GB", OwnerID: other}, ""},
		{"stranger", &identity.Actor{AccountID: me, Market: "GB"}, identity.PermOrderRead, order, loopshop.ENOTFOUND},

		{"shop owner manages shop", member(identity.ShopOwner), identity.PermShopManage, inShop("shop"), ""},
		{"shop owner reads finance", member(identity.ShopOwner), identity.PermFinanceRead, inShop("shop"), ""},
		{"shop owner reads the shop's orders", member(identity.ShopOwner), identity.PermOrderRead, order, ""},
		{"shop owner may not review listings", member(identity.ShopOwner), identity.PermListingReview, inShop("product"), loopshop.EFORBIDDEN},
		{"shop admin writes products", member(identity.ShopAdmin), identity.PermProductWrite, inShop("product"), ""},
		{"shop admin reads finance", member(identity.ShopAdmin), identity.PermFinanceRead, inShop("shop"), ""},
		{"shop admin may not manage shop", member(identity.ShopAdmin), identity.PermShopManage, inShop("shop"), loopshop.EFORBIDDEN},
		{"shop staff writes products", member(identity.ShopStaff), identity.PermProductWrite, inShop("product"), ""},
		{"shop staff ships orders", member(identity.ShopStaff), identity.PermOrderWrite, order, ""},
		{"shop staff may not manage shop", member(identity.ShopStaff), identity.PermShopManage, inShop("shop"), loopshop.EFORBIDDEN},
		{"shop staff may not read finance", member(identity.ShopStaff), identity.PermFinanceRead, inShop("shop"), loopshop.EFORBIDDEN},
		{"member of another shop", member(identity.ShopOwner), identity.PermProductWrite, identity.Resource{Kind: "product", Market: "GB", ShopID: shop2}, loopshop.ENOTFOUND},
		{"membership does not match an object of no shop", member(identity.ShopOwner), identity.PermAccountRead, identity.Resource{Kind: "account", Market: "GB", OwnerID: other}, loopshop.ENOTFOUND},

		{"support in a cleared market", staff(identity.RoleSupport, "GB"), identity.PermOrderRead, order, ""},
		{"support reads accounts in a cleared market", staff(identity.RoleSupport, "GB"), identity.PermAccountRead, identity.Resource{Kind: "account", Market: "GB", OwnerID: other}, ""},
		{"support in an uncleared market", staff(identity.RoleSupport, "GB"), identity.PermOrderRead, orderInUS, loopshop.ENOTFOUND},
		{"support with no clearance", staff(identity.RoleSupport), identity.PermOrderRead, order, loopshop.ENOTFOUND},
		{"support may not write accounts", staff(identity.RoleSupport, "GB"), identity.PermAccountWrite, identity.Resource{Kind: "account", Market: "GB", OwnerID: other}, loopshop.EFORBIDDEN},
		{"admin in a cleared market", staff(identity.RoleAdmin, "GB", "US"), identity.PermOrderWrite, orderInUS, ""},
		{"auditor reads the audit log", staff(identity.RoleAuditor, "GB"), identity.PermAuditRead, identity.Resource{Kind: "audit log", Market: "GB"}, ""},
		{"auditor may not read orders", staff(identity.RoleAuditor, "GB"), identity.PermOrderRead, order, loopshop.EFORBIDDEN},
		{"auditor in an uncleared market", staff(identity.RoleAuditor, "GB"), identity.PermAuditRead, identity.Resource{Kind: "audit log", Market: "US"}, loopshop.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.actor.Can(tt.perm, tt.res)
			if got := loopshop.ErrorCode(err); got != tt.want {
				t.Fatalf("Can(%s, %+v) = %v; want code %q", tt.perm, tt.res, err, tt.want)
			}
			if err == nil {
				return
			}
			// A refusal names the kind of object, and a not-found one
			// gives away nothing more than that.
			msg := loopshop.ErrorMessage(err)
			if tt.res.Kind != "" && !strings.Contains(msg, tt.res.Kind) {
				t.Errorf("message %q does not name the %s", msg, tt.res.Kind)
			}
			if tt.want == loopshop.ENOTFOUND && msg != tt.res.Kind+" not found" {
				t.Errorf("not-found message %q says more than %q", msg, tt.res.Kind+" not found")
			}
		})
	}
}

func TestActorStaff(t *testing.T) {
	a := &identity.Actor{AccountID: "acc_gb_x", StaffRoles: []identity.StaffRole{identity.RoleFinance}, ClearedMarkets: map[string]bool{"GB": true}}
	tests := []struct {
		perm   identity.Permission
		market string
		want   bool
	}{
		{identity.PermFinanceRead, "GB", true},
		{identity.PermFinanceRead, "US", false},
		{identity.PermAccountRead, "GB", false},
	}
	for _, tt := range tests {
		if got := a.Staff(tt.perm, tt.market); got != tt.want {
			t.Errorf("finance staff cleared for GB: Staff(%s, %s) = %v, want %v", tt.perm, tt.market, got, tt.want)
		}
	}
	var nobody *identity.Actor
	if nobody.Staff(identity.PermShopRead, "GB") || nobody.IsStaff() {
		t.Error("a nil actor is staff")
	}
}
