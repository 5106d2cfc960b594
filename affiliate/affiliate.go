// Package affiliate is how creators earn: sellers offer affiliate plans on
// their products, creators join them, promote the products in videos,
// lives and their showcase, and earn a commission on what buyers they
// brought bought.
//
// A plan is open (any creator may join; with approval, the seller says yes
// first) or targeted (only the creators invited). It pays a rate in basis
// points (1000 = 10 %) on every product of the shop, on listed products,
// or both, each product's own rate winning over the shop-wide one. For a
// creator and a product the best rate of the creator's approved targeted
// plans applies; without one, the best of its open plans.
//
// Rates are kept as a history. A seller may raise a rate at once, but a
// lower rate reaches creators who joined before the change only after
// RateNoticePeriod: a creator who filmed a video on the old terms keeps
// them for a month. EffectiveRate is that rule, in plain Go.
//
// Package order asks Rate at checkout for each line a creator brought
// (package content says which), books the commission pending in the
// ledger at payment, payable at settlement, and reverses it on refunds.
package affiliate

import (
	"context"
	"time"

	"github.com/loopshop/loopshop/page"
)

// Plan kinds.
const (
	Open     = "OPEN"
	Targeted = "TARGETED"
)

// Plan statuses.
const (
	PlanActive = "ACTIVE"
	PlanEnded  = "ENDED"
)

// Membership statuses.
const (
	MemberPending  = "PENDING" // waits for the seller's approval
	MemberApproved = "APPROVED"
	MemberRejected = "REJECTED"
)

// Limits on rates, in basis points.
const (
	MinRateBPS = 100  // 1 %
	MaxRateBPS = 8000 // 80 %
)

// RateNoticePeriod is how long a lowered rate waits before it applies to
// creators who had joined before the change.
const RateNoticePeriod = 30 * 24 * time.Hour

// Plan is a seller's offer to creators.
type Plan struct {
	ID     string `json:"id"`
	Market string `json:"market"`
	ShopID string `json:"shop_id"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	// NeedsApproval makes joining an open plan a request the seller
	// approves; targeted plans need none, their creators were invited.
	NeedsApproval bool `json:"needs_approval"`
	// ShopWideBPS is the rate on every product of the shop; 0: only the
	// listed products earn.
	ShopWideBPS int `json:"shop_wide_bps"`
	// Products are the plan's own rates by product, now.
	Products []ProductRate `json:"products,omitempty"`
	// Invited are the creators a targeted plan is for.
	Invited   []string   `json:"invited,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
}

// Live reports whether creators can earn on the plan at t.
func (p *Plan) Live(t time.Time) bool {
	return p.Status == PlanActive && (p.ExpiresAt == nil || t.Before(*p.ExpiresAt))
}

// ProductRate is a plan's rate for one product.
type ProductRate struct {
	ProductID string `json:"product_id"`
	RateBPS   int    `json:"rate_bps"`
	// Title is the product's, filled on read for people.
	Title string `json:"title,omitempty"`
}

// RateChange is one entry of a rate's history: from At, the rate is BPS.
type RateChange struct {
	BPS int       `json:"rate_bps"`
	At  time.Time `json:"at"`
}

// Membership is a creator in a plan.
type Membership struct {
	PlanID    string     `json:"plan_id"`
	CreatorID string     `json:"creator_id"`
	Market    string     `json:"market"`
	Status    string     `json:"status"`
	JoinedAt  time.Time  `json:"joined_at"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
}

// Coverage is a plan a creator belongs to that covers a product, with the
// rate history that applies to it: the product's own if it has one, else
// the shop-wide one.
type Coverage struct {
	Plan       *Plan
	Membership Membership
	History    []RateChange
}

// PlanEnd ends a plan: it moves From (PlanActive) To (PlanEnded) At; a
// plan no longer From is left as it is.
type PlanEnd struct {
	PlanID   string
	From, To string
	At       time.Time
}

// Store keeps plans and memberships in each market's region.
type Store interface {
	// CreatePlan stores a plan with its first rates (at its creation) and
	// invitations.
	CreatePlan(ctx context.Context, p *Plan) error
	// Plan returns a plan with its current rates and invitations.
	Plan(ctx context.Context, id string) (*Plan, error)
	// PlansOfShop lists a shop's plans, newest first.
	PlansOfShop(ctx context.Context, shopID string) ([]*Plan, error)
	// ChangeRate adds an entry to the history of a plan's rate for a
	// product ("" for the shop-wide rate).
	ChangeRate(ctx context.Context, planID, productID string, c RateChange) error
	// EndPlan ends a plan: nothing earns on it from then on.
	EndPlan(ctx context.Context, e PlanEnd) error
	// Join stores a membership; loopshop.ErrAlreadyExists if the creator
	// is in the plan already.
	Join(ctx context.Context, m *Membership) error
	// Membership returns a creator's membership of a plan.
	Membership(ctx context.Context, planID, creatorID string) (*Membership, error)
	// Decide moves a membership from one status to another;
	// loopshop.ErrNotFound if it is not in from.
	Decide(ctx context.Context, planID, creatorID, from, to string, at time.Time) error
	// Members lists a plan's memberships, newest first.
	Members(ctx context.Context, planID string) ([]Membership, error)
	// CreatorPlans lists the plans a creator belongs to, with its
	// memberships, newest first.
	CreatorPlans(ctx context.Context, market, creatorID string) ([]*Plan, []Membership, error)
	// Coverage returns the plans the creator belongs to (any status) that
	// cover the product: shop-wide plans of its shop, and plans listing it.
	Coverage(ctx context.Context, market, creatorID, productID string) ([]Coverage, error)
	// OpenPlans lists a market's active open plans, newest first, after
	// r.After (a plan ID), fetching r.Limit+1.
	OpenPlans(ctx context.Context, market string, r page.Request) ([]*Plan, error)
	SampleStore
}

// EffectiveRate is the rate a history gives, at t, to a creator who joined
// at joined: the latest change at or before t, except that a lowering
// reaches a creator who joined before it only RateNoticePeriod after it
// was made. It returns 0 when no change has happened by t.
func EffectiveRate(history []RateChange, joined, t time.Time) int {
	rate := 0
	for _, c := range history {
		if c.At.After(t) {
			break
		}
		if rate > 0 && c.BPS < rate && joined.Before(c.At) && t.Before(c.At.Add(RateNoticePeriod)) {
			continue // lowered, but not yet for this creator
		}
		rate = c.BPS
	}
	return rate
}

// Best chooses the rate a creator earns on a product at t from the plans
// covering it: the best of its approved, live targeted plans if it has
// any, else the best of its approved, live open plans. It returns the
// rate and the plan, or 0 and nil when nothing pays.
func Best(cov []Coverage, t time.Time) (int, *Plan) {
	best := map[string]int{}
	plan := map[string]*Plan{}
	for _, c := range cov {
		if c.Membership.Status != MemberApproved || !c.Plan.Live(t) {
			continue
		}
		r := EffectiveRate(c.History, c.Membership.JoinedAt, t)
		k := c.Plan.Kind
		if r > best[k] || (r == best[k] && r > 0 && c.Plan.ID < plan[k].ID) {
			best[k], plan[k] = r, c.Plan
		}
	}
	if best[Targeted] > 0 {
		return best[Targeted], plan[Targeted]
	}
	if best[Open] > 0 {
		return best[Open], plan[Open]
	}
	return 0, nil
}
