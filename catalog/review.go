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
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/page"
)

// Listing review happens in two steps, as on TikTok Shop.
//
// When a listing is written, the synchronous listing check refuses what is
// plainly wrong (bad fields, off-platform links), and the review rules
// hold what must not go live unseen (restricted categories, counterfeit
// wording) as PENDING in its market's review queue, where trust & safety
// staff approve it (ACTIVATE) or reject it with a reason (FAILED).
//
// A listing the rules pass goes live at once, AUDITING, and a review job
// written in the same transaction looks at it again in the background with
// the checks too slow or too broad for the write path: the rules over all
// of its text, duplicate listings in the shop, implausible discounts. The
// job approves it (APPROVED) or takes it down into the review queue.
//
// The rules are deliberately few and plain: they catch what must not go
// live unseen, and leave judgement to people.
var (
	restrictedCategories = []string{"weapon", "firearm", "ammunition", "tobacco", "vape", "e-cigarette", "alcohol", "medicine", "pharmacy", "adult"}
	suspectWords         = []string{"replica", "counterfeit", "knock-off", "knockoff", "1:1 copy", "fake designer"}
)

// ReviewJob is the kind of the background job that reviews a listing
// after it goes live.
const ReviewJob = "catalog.review"

// MaxDiscountBPS is the largest discount off a compare-at price that the
// review lets through without a person looking at it: "was £500, now £5"
// is how counterfeits and bait listings advertise.
const MaxDiscountBPS = 9000

// reviewFlags returns why a listing with this category and text needs a
// person's review, if it does.
func reviewFlags(category string, text ...string) []string {
	var flags []string
	cat := strings.ToLower(category)
	for _, c := range restrictedCategories {
		if strings.Contains(cat, c) {
			flags = append(flags, fmt.Sprintf("category %q is restricted", category))
			break
		}
	}
	all := strings.ToLower(strings.Join(text, " "))
	for _, w := range suspectWords {
		if strings.Contains(all, w) {
			flags = append(flags, fmt.Sprintf("the listing says %q", w))
		}
	}
	return flags
}

// publish puts p live pending its background review, or holds it for
// staff when the write-time rules flag it. It returns the review job to
// enqueue with the write, if one is needed.
func (s *Service) publish(p *Product) (*jobs.Job, error) {
	if flags := reviewFlags(p.Category, p.Title, p.Description); len(flags) > 0 {
		p.Status, p.AuditStatus, p.ReviewNote = StatusPending, AuditPending, "held for review: "+strings.Join(flags, "; ")
		return nil, nil
	}
	p.Status, p.AuditStatus, p.ReviewNote = StatusActivate, AuditPending, ""
	// One job per version: a listing edited twice is reviewed as it is
	// when each job runs, and the dedupe key drops a retried write's copy.
	return jobs.New(ReviewJob, p.Market, reviewPayload{ProductID: p.ID}, time.Time{},
		fmt.Sprintf("%s:%s:%d", ReviewJob, p.ID, p.UpdatedAt.UnixMicro()))
}

type reviewPayload struct {
	ProductID string `json:"product_id"`
}

// StatusChange moves a product from one of the statuses From to To.
type StatusChange struct {
	ProductID string
	From      []string
	// Version, when set, must still be the product's updated_at: the
	// background review decides on the version it read, not a newer one.
	Version         time.Time
	To, Audit, Note string
	// Now becomes updated_at; zero leaves it, so that a background
	// decision does not make a seller's open edit form stale.
	Now time.Time
	// Job is enqueued in the same transaction.
	Job *jobs.Job
}

// ReviewStore is what listing review needs from storage.
type ReviewStore interface {
	// SetStatus applies c, or returns ErrChanged if the product is in none
	// of c.From (or no longer at c.Version).
	SetStatus(ctx context.Context, c StatusChange) error
	// DuplicateListing returns the ID of a live product of the shop listed
	// before productID with the same title, ignoring case, or "" if there
	// is none: the first listing stands, later copies are the duplicates.
	DuplicateListing(ctx context.Context, shopID, productID, title string) (string, error)
}

// RegisterJobs makes r run the catalog's background jobs.
func (s *Service) RegisterJobs(r *jobs.Runner) {
	r.Handle(ReviewJob, func(ctx context.Context, j *jobs.Job) error {
		var in reviewPayload
		if err := j.Decode(&in); err != nil || in.ProductID == "" {
			return jobs.Permanent(fmt.Errorf("review job %s: bad payload %s", j.ID, j.Payload))
		}
		return s.ReviewListing(ctx, in.ProductID)
	})
	r.Handle(FetchImagesJob, s.handleFetchImages)
}

// ReviewListing is the background review of a live listing waiting for
// it: approved when nothing is found, else taken down into the review
// queue with what was found. A listing that has since changed status, or
// been deleted, needs nothing.
func (s *Service) ReviewListing(ctx context.Context, productID string) error {
	p, err := s.store.Product(ctx, productID)
	if errors.Is(err, loopshop.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("review %s: %w", productID, err)
	}
	if p.Status != StatusActivate || p.AuditStatus != AuditPending {
		return nil
	}
	text := []string{p.Title, p.Description, p.Brand}
	text = append(text, p.Tags...)
	for _, o := range p.Options {
		text = append(text, o.Name)
		text = append(text, o.Values...)
	}
	flags := reviewFlags(p.Category, text...)
	dup, err := s.store.DuplicateListing(ctx, p.ShopID, p.ID, p.Title)
	if err != nil {
		return fmt.Errorf("review %s: %w", productID, err)
	}
	if dup != "" {
		flags = append(flags, fmt.Sprintf("the shop already lists %q as %s; edit that listing or add this one to it as a variant", p.Title, dup))
	}
	for _, k := range p.SKUs {
		if k.CompareAt != nil && (k.CompareAt.Amount-k.Price.Amount)*10000 > k.CompareAt.Amount*MaxDiscountBPS {
			flags = append(flags, fmt.Sprintf("SKU %s claims more than %d%% off (%s, was %s)", k.ID, MaxDiscountBPS/100, k.Price, *k.CompareAt))
			break
		}
	}
	c := StatusChange{ProductID: p.ID, From: []string{StatusActivate}, Version: p.UpdatedAt, To: StatusActivate, Audit: AuditApproved}
	if len(flags) > 0 {
		c.To, c.Note = StatusPending, "taken down for review: "+strings.Join(flags, "; ")
		c.Audit = AuditPending
	}
	if err := s.store.SetStatus(ctx, c); err != nil && !errors.Is(err, ErrChanged) {
		return fmt.Errorf("review %s: %w", productID, err)
	}
	return nil
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
	items, err := s.store.ProductsByStatus(ctx, m.Code, StatusPending, nil, r)
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
	err = s.store.SetStatus(ctx, StatusChange{ProductID: p.ID, From: []string{StatusPending}, To: to, Audit: audit, Note: note, Now: now})
	if errors.Is(err, ErrChanged) {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "product %s is not waiting for review (it is %s)", p.ID, p.Status)
	}
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	p.Status, p.AuditStatus, p.ReviewNote, p.UpdatedAt = to, audit, note, now
	return p, nil
}
