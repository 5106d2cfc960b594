package catalog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/page"
)

// Listing review. Every published listing passes the review rules when it
// is written; one a rule flags is not refused but held as PENDING
// (AUDITING) in its market's review queue, where trust & safety staff
// approve it (ACTIVATE) or reject it with a reason (FAILED).
//
// The rules are deliberately few and plain: they catch what must not go
// live unseen, and leave judgement to people.
var (
	restrictedCategories = []string{"weapon", "firearm", "ammunition", "tobacco", "vape", "e-cigarette", "alcohol", "medicine", "pharmacy", "adult"}
	suspectWords         = []string{"replica", "counterfeit", "knock-off", "knockoff", "1:1 copy", "fake designer"}
)

// reviewFlags returns why a listing needs a person's review, if it does.
func reviewFlags(in *NewProduct) []string {
	var flags []string
	cat := strings.ToLower(in.Category)
	for _, c := range restrictedCategories {
		if strings.Contains(cat, c) {
			flags = append(flags, fmt.Sprintf("category %q is restricted", in.Category))
			break
		}
	}
	text := strings.ToLower(in.Title + " " + in.Description)
	for _, w := range suspectWords {
		if strings.Contains(text, w) {
			flags = append(flags, fmt.Sprintf("the listing says %q", w))
		}
	}
	return flags
}

// ReviewStore is what the review queue needs from storage.
type ReviewStore interface {
	// SetReview moves a product from status from to status to with the
	// audit status and note, and ErrChanged if it was not in from.
	SetReview(ctx context.Context, productID, from, to, audit, note string, now time.Time) error
}

// ReviewQueue lists a market's listings waiting for review, newest first,
// to staff who may review listings there.
func (s *Service) ReviewQueue(ctx context.Context, actor *identity.Actor, marketCode string, r page.Request) (page.Page[*Product], error) {
	m, err := s.markets.Get(marketCode)
	if err != nil {
		return page.Page[*Product]{}, err
	}
	if actor == nil {
		return page.Page[*Product]{}, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to see the review queue")
	}
	if !actor.Staff(identity.PermListingReview, m.Code) {
		return page.Page[*Product]{}, loopshop.Errorf(loopshop.EFORBIDDEN, "reviewing listings in %s needs the trust & safety role cleared for its region", m.Name)
	}
	items, err := s.store.ProductsByStatus(ctx, m.Code, StatusPending, r)
	if err != nil {
		return page.Page[*Product]{}, fmt.Errorf("review queue: %w", err)
	}
	return page.Make(items, r, func(p *Product) string { return p.ID }), nil
}

// Review decides a held listing: approve puts it live, reject fails it
// with a note the seller reads.
func (s *Service) Review(ctx context.Context, actor *identity.Actor, productID string, approve bool, note string) (*Product, error) {
	p, err := s.product(ctx, productID)
	if err != nil {
		return nil, err
	}
	if err := actor.Can(identity.PermListingReview, identity.Resource{Kind: "product", Market: p.Market}); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if !approve && note == "" {
		return nil, loopshop.Invalid("note", "a rejection needs a note telling the seller what to change")
	}
	if utf8.RuneCountInString(note) > 1000 {
		return nil, loopshop.Invalid("note", "note must have at most 1,000 characters")
	}
	to, audit := StatusActivate, AuditApproved
	if !approve {
		to, audit = StatusFailed, AuditRejected
	}
	now := s.now()
	if err := s.store.SetReview(ctx, p.ID, StatusPending, to, audit, note, now); err != nil {
		if errors.Is(err, ErrChanged) {
			return nil, loopshop.Errorf(loopshop.ECONFLICT, "product %s is not waiting for review (it is %s)", p.ID, p.Status)
		}
		return nil, fmt.Errorf("review: %w", err)
	}
	p.Status, p.AuditStatus, p.ReviewNote, p.UpdatedAt = to, audit, note, now
	return p, nil
}
