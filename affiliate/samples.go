package affiliate

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/identity"
)

// Sample statuses: a creator asks a seller for a free sample of a product
// it promotes, the seller approves (or rejects) and ships it, and the
// creator owes a video of it by the content due date.
const (
	SampleRequested = "REQUESTED"
	SampleApproved  = "APPROVED"
	SampleRejected  = "REJECTED"
	SampleShipped   = "SHIPPED"
	SamplePosted    = "CONTENT_POSTED"
)

// SampleContentDue is how long after shipping a sample's video is due.
const SampleContentDue = 14 * 24 * time.Hour

// Sample is a free sample a creator asked for.
type Sample struct {
	ID             string     `json:"id"`
	Market         string     `json:"market"`
	ShopID         string     `json:"shop_id"`
	CreatorID      string     `json:"creator_id"`
	ProductID      string     `json:"product_id"`
	ProductTitle   string     `json:"product_title,omitempty"` // filled on read
	Status         string     `json:"status"`
	Note           string     `json:"note,omitempty"`        // the creator's request
	SellerNote     string     `json:"seller_note,omitempty"` // the seller's answer
	Carrier        string     `json:"carrier,omitempty"`
	TrackingNumber string     `json:"tracking_number,omitempty"`
	ContentDueAt   *time.Time `json:"content_due_at,omitempty"`
	VideoID        string     `json:"video_id,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Overdue reports whether the sample's video is late at t.
func (s *Sample) Overdue(t time.Time) bool {
	return s.Status == SampleShipped && s.ContentDueAt != nil && t.After(*s.ContentDueAt)
}

// SampleStore keeps samples.
type SampleStore interface {
	CreateSample(ctx context.Context, s *Sample) error
	Sample(ctx context.Context, id string) (*Sample, error)
	// UpdateSample stores s over the sample if it is still in status
	// from; ErrChanged otherwise.
	UpdateSample(ctx context.Context, s *Sample, from string) error
	// Samples lists a shop's (shopID) or a creator's samples, newest first.
	SamplesOfShop(ctx context.Context, shopID string) ([]*Sample, error)
	SamplesOfCreator(ctx context.Context, market, creatorID string) ([]*Sample, error)
}

// Videos reads the video a creator says fulfils a sample, as stored
// (content.Store is one). A store, not content's service: content asks
// affiliate whether a creator may promote a product, so affiliate reading
// through content's service would make each need the other to be built.
type Videos interface {
	Video(ctx context.Context, id string) (*content.Video, error)
}

// RequestSample asks the product's seller for a free sample of a live
// product. The creator must be able to promote the product: an approved
// member of a live plan covering it, by a rate of its own or the plan's
// shop-wide one.
func (s *Service) RequestSample(ctx context.Context, actor *identity.Actor, productID, note string) (*Sample, error) {
	if actor == nil || !actor.IsCreator {
		if actor == nil {
			return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to request samples")
		}
		return nil, loopshop.Errorf(loopshop.EFORBIDDEN, "only creators request samples")
	}
	p, err := s.catalog.Product(ctx, productID)
	if err != nil || p.Market != actor.Market {
		return nil, loopshop.Invalid("product_id", "no product %s is sold in %s", productID, actor.Market)
	}
	if p.Status != catalog.StatusActivate {
		return nil, loopshop.Invalid("product_id", "%q is not on sale (status %s); samples are of live products", p.Title, p.Status)
	}
	ok, err := s.MayPromote(ctx, actor.AccountID, p.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, loopshop.Invalid("product_id", "join an affiliate plan for %q first: samples are for products you promote", p.Title)
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		return nil, loopshop.Invalid("note", "keep the note to 500 characters")
	}
	m, err := s.markets.Get(actor.Market)
	if err != nil {
		return nil, err
	}
	if _, err := s.links.Check(note, "note", m, s.now()); err != nil {
		return nil, err
	}
	now := s.now()
	smp := &Sample{ID: loopshop.NewID("smp", p.Market), Market: p.Market, ShopID: p.ShopID, CreatorID: actor.AccountID, ProductID: p.ID,
		ProductTitle: p.Title, Status: SampleRequested, Note: note, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateSample(ctx, smp); err != nil {
		return nil, err
	}
	return smp, nil
}

// sampleForSeller loads a sample whose shop's products the actor may write.
func (s *Service) sampleForSeller(ctx context.Context, actor *identity.Actor, id string) (*Sample, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to manage samples")
	}
	smp, err := s.store.Sample(ctx, id)
	if err != nil {
		return nil, loopshop.NotFound(err, "sample")
	}
	if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "sample", Market: smp.Market, ShopID: smp.ShopID}); err != nil {
		return nil, err
	}
	return smp, nil
}

// DecideSample approves or rejects a requested sample, with a note for the
// creator.
func (s *Service) DecideSample(ctx context.Context, actor *identity.Actor, id string, approve bool, note string) (*Sample, error) {
	smp, err := s.sampleForSeller(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if smp.Status != SampleRequested {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "the sample is %s, not waiting for a decision", smp.Status)
	}
	from := smp.Status
	smp.Status, smp.SellerNote, smp.UpdatedAt = SampleRejected, strings.TrimSpace(note), s.now()
	if approve {
		smp.Status = SampleApproved
	}
	if utf8.RuneCountInString(smp.SellerNote) > 500 {
		return nil, loopshop.Invalid("note", "keep the note to 500 characters")
	}
	return smp, s.updateSample(ctx, smp, from)
}

var sampleTracking = regexp.MustCompile(`^[A-Za-z0-9-]{4,40}$`)

// ShipSample records that an approved sample left, with its tracking
// number; its video is due SampleContentDue later.
func (s *Service) ShipSample(ctx context.Context, actor *identity.Actor, id, carrier, tracking string) (*Sample, error) {
	smp, err := s.sampleForSeller(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if smp.Status != SampleApproved {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "only an approved sample ships; this one is %s", smp.Status)
	}
	carrier, tracking = strings.TrimSpace(carrier), strings.TrimSpace(tracking)
	if carrier == "" || utf8.RuneCountInString(carrier) > 60 {
		return nil, loopshop.Invalid("carrier", "name the carrier, such as Royal Mail")
	}
	if !sampleTracking.MatchString(tracking) {
		return nil, loopshop.Invalid("tracking_number", "a tracking number is 4 to 40 letters, digits or dashes")
	}
	now := s.now()
	due := now.Add(SampleContentDue)
	smp.Status, smp.Carrier, smp.TrackingNumber, smp.ContentDueAt, smp.UpdatedAt = SampleShipped, carrier, tracking, &due, now
	return smp, s.updateSample(ctx, smp, SampleApproved)
}

// FulfilSample records the creator's video of a shipped sample: a live
// video of the creator's that anchors the product.
func (s *Service) FulfilSample(ctx context.Context, actor *identity.Actor, id, videoID string) (*Sample, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to manage samples")
	}
	smp, err := s.store.Sample(ctx, id)
	if err != nil || smp.CreatorID != actor.AccountID {
		if err == nil {
			err = loopshop.ErrNotFound
		}
		return nil, loopshop.NotFound(err, "sample")
	}
	if smp.Status != SampleShipped {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "the sample is %s; a video is due once it has shipped", smp.Status)
	}
	v, err := s.videos.Video(ctx, videoID)
	if err != nil || v.CreatorID != actor.AccountID || v.Status == content.VideoRemoved {
		return nil, loopshop.Invalid("video_id", "%s is not a video of yours", videoID)
	}
	linked := false
	for _, a := range v.Anchors {
		linked = linked || a.ProductID == smp.ProductID
	}
	for _, t := range v.Tiles {
		linked = linked || t.ProductID == smp.ProductID
	}
	if !linked {
		return nil, loopshop.Invalid("video_id", "the video does not link %q; anchor it in the video", smp.ProductTitle)
	}
	smp.Status, smp.VideoID, smp.UpdatedAt = SamplePosted, v.ID, s.now()
	return smp, s.updateSample(ctx, smp, SampleShipped)
}

func (s *Service) updateSample(ctx context.Context, smp *Sample, from string) error {
	if err := s.store.UpdateSample(ctx, smp, from); err != nil {
		if errors.Is(err, ErrChanged) {
			return loopshop.Errorf(loopshop.ECONFLICT, "the sample changed meanwhile; reload it")
		}
		return err
	}
	return nil
}

// ErrChanged is what UpdateSample returns when the sample is no longer in
// the status the update expects.
var ErrChanged = errors.New("affiliate: changed since read")

// SamplesOfShop lists a shop's samples for its staff.
func (s *Service) SamplesOfShop(ctx context.Context, actor *identity.Actor, shopID string) ([]*Sample, error) {
	shop, err := s.shopFor(ctx, actor, shopID)
	if err != nil {
		return nil, err
	}
	return s.store.SamplesOfShop(ctx, shop.ID)
}

// MySamples lists the actor's samples.
func (s *Service) MySamples(ctx context.Context, actor *identity.Actor) ([]*Sample, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to see your samples")
	}
	return s.store.SamplesOfCreator(ctx, actor.Market, actor.AccountID)
}
