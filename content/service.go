package content

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/attribution"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/linkpolicy"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/media"
	"github.com/loopshop/loopshop/page"
)

// Service holds the rules of content.
type Service struct {
	store       Store
	catalog     Catalog
	media       media.Store
	markets     *market.Set
	links       *linkpolicy.Policy
	affiliation Affiliation
	now         func() time.Time
	// Window is how long a touch counts for a later order.
	Window time.Duration
}

// Deps is what the content service is built from; every field but Now
// and Window is needed.
type Deps struct {
	Store Store
	// Catalog tells which products may be anchored.
	Catalog Catalog
	// Media keeps videos and posters.
	Media   media.Store
	Markets *market.Set
	// Links is the policy captions and tile texts must pass.
	Links *linkpolicy.Policy
	// Affiliation tells whether a creator may promote a product.
	Affiliation Affiliation
	// Now is the clock; nil is identity.Now.
	Now func() time.Time
	// Window is how long a touch counts for a later order; zero is
	// DefaultAttributionWindow.
	Window time.Duration
}

// NewService returns the content service.
func NewService(d Deps) (*Service, error) {
	if err := loopshop.Needs("content", map[string]bool{"Store": d.Store != nil, "Catalog": d.Catalog != nil, "Media": d.Media != nil,
		"Markets": d.Markets != nil, "Links": d.Links != nil, "Affiliation": d.Affiliation != nil}); err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = identity.Now
	}
	if d.Window == 0 {
		d.Window = DefaultAttributionWindow
	}
	return &Service{store: d.Store, catalog: d.Catalog, media: d.Media, markets: d.Markets, links: d.Links,
		affiliation: d.Affiliation, now: d.Now, Window: d.Window}, nil
}

// NewVideo is a video as its author posts it.
type NewVideo struct {
	// ShopID posts the video as that shop, whose staff the actor must be;
	// empty posts it as the actor, who must be a creator.
	ShopID     string `json:"shop_id,omitempty"`
	Caption    string `json:"caption"`
	DurationMS int    `json:"duration_ms,omitempty"`
	// Anchors are the IDs of the products the video links to, in order.
	Anchors []string `json:"anchors"`
	// Promo is a shop's promotion overlay; creators cannot set one.
	Promo *PromoTile `json:"promo_tile,omitempty"`
	// Tiles are a creator's product cards; shops use anchors.
	Tiles []ShowcaseTile `json:"showcase_tiles,omitempty"`
}

// Upload is the files of a new video: the video itself and, optionally,
// a poster image shown before it plays.
type Upload struct {
	Video  io.Reader
	Poster io.Reader // nil: none
}

// PostVideo checks a new video, stores its files and then the video. The
// checks come first, so a refused caption or anchor costs no upload; if
// storing the video fails after its files were written, the files are
// removed again.
func (s *Service) PostVideo(ctx context.Context, actor *identity.Actor, in NewVideo, files Upload) (*Video, error) {
	v, err := s.checkVideo(ctx, actor, &in)
	if err != nil {
		return nil, err
	}
	if files.Video == nil {
		return nil, loopshop.Invalid("video", "attach the video file (MP4 or WebM, at most %d MiB)", MaxVideoBytes>>20)
	}
	ct, body, err := media.Accept(files.Video, MaxVideoBytes, media.Videos()...)
	if err != nil {
		return nil, fieldError("video", err)
	}
	v.ContentType = ct
	v.MediaKey = "videos/" + v.ID + media.Ext(ct)
	if err := s.media.Put(ctx, v.MediaKey, ct, body); err != nil {
		return nil, fieldError("video", err)
	}
	written := []string{v.MediaKey}
	cleanup := func() {
		for _, k := range written {
			_ = s.media.Delete(context.WithoutCancel(ctx), k)
		}
	}
	if files.Poster != nil {
		pt, pbody, err := media.Accept(files.Poster, MaxPosterBytes, media.Images()...)
		if err != nil {
			cleanup()
			return nil, fieldError("poster", err)
		}
		v.PosterKey = "videos/" + v.ID + "-poster" + media.Ext(pt)
		if err := s.media.Put(ctx, v.PosterKey, pt, pbody); err != nil {
			cleanup()
			return nil, fieldError("poster", err)
		}
		written = append(written, v.PosterKey)
	}
	if err := s.store.CreateVideo(ctx, v); err != nil {
		cleanup()
		return nil, fmt.Errorf("post video: %w", err)
	}
	return v, nil
}

// fieldError names the upload field in a media error that names none.
func fieldError(field string, err error) error {
	var e *loopshop.Error
	if errors.As(err, &e) && e.Field == "" {
		return &loopshop.Error{Code: e.Code, Field: field, Message: e.Message}
	}
	return err
}

// checkVideo applies every rule to a new video and returns it, without
// its files, ready to store.
func (s *Service) checkVideo(ctx context.Context, actor *identity.Actor, in *NewVideo) (*Video, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to post a video")
	}
	now := s.now()
	v := &Video{Status: VideoLive, CreatedAt: now}
	if in.ShopID != "" {
		shop, err := s.catalog.Shop(ctx, in.ShopID)
		if err != nil {
			return nil, loopshop.NotFound(err, "shop")
		}
		if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
			return nil, err
		}
		v.Market, v.ShopID, v.AuthorName = shop.Market, shop.ID, shop.Name
		if len(in.Tiles) > 0 {
			return nil, loopshop.Invalid("showcase_tiles", "showcase tiles are for creators' videos; a shop links its products with anchors")
		}
	} else {
		if !actor.IsCreator {
			return nil, loopshop.Errorf(loopshop.EFORBIDDEN, "only creators post videos as themselves; to post for your shop, give shop_id")
		}
		v.Market, v.CreatorID, v.AuthorName = actor.Market, actor.AccountID, actor.DisplayName
		if in.Promo != nil {
			return nil, loopshop.Invalid("promo_tile", "promo tiles are set by shops on their own videos")
		}
	}
	m, err := s.markets.Get(v.Market)
	if err != nil {
		return nil, err
	}
	v.ID = loopshop.NewID("vid", m.Code)

	caption := strings.TrimSpace(in.Caption)
	if n := utf8.RuneCountInString(caption); n > MaxCaption {
		return nil, loopshop.Invalid("caption", "the caption is %d characters; keep it to %d", n, MaxCaption)
	}
	v.Caption = caption
	if in.DurationMS < 0 || in.DurationMS > 60*60*1000 {
		return nil, loopshop.Invalid("duration_ms", "duration_ms must be 0 (unknown) to one hour")
	}
	v.DurationMS = in.DurationMS
	if v.Warnings, err = s.checkText(m, now, "caption", caption); err != nil {
		return nil, err
	}

	if len(in.Anchors) == 0 && len(in.Tiles) == 0 {
		return nil, loopshop.Invalid("anchors", "anchor at least one product: a video on loopshop sells something")
	}
	if len(in.Anchors) > MaxAnchors {
		return nil, loopshop.Invalid("anchors", "a video anchors at most %d products; you gave %d", MaxAnchors, len(in.Anchors))
	}
	for i, id := range in.Anchors {
		field := fmt.Sprintf("anchors[%d]", i)
		if slices.Contains(in.Anchors[:i], id) {
			return nil, loopshop.Invalid(field, "product %s is anchored twice", id)
		}
		p, err := s.promotable(ctx, actor, v, id, field)
		if err != nil {
			return nil, err
		}
		v.Anchors = append(v.Anchors, anchorOf(p))
	}

	if len(in.Tiles) > MaxShowcaseTiles {
		return nil, loopshop.Invalid("showcase_tiles", "a video has at most %d showcase tiles", MaxShowcaseTiles)
	}
	for i, t := range in.Tiles {
		field := fmt.Sprintf("showcase_tiles[%d]", i)
		if t.AtMS < 0 || (v.DurationMS > 0 && t.AtMS >= v.DurationMS) {
			return nil, loopshop.Invalid(field+".at_ms", "at_ms must fall inside the video (0 to %d)", max(v.DurationMS-1, 0))
		}
		p, err := s.promotable(ctx, actor, v, t.ProductID, field+".product_id")
		if err != nil {
			return nil, err
		}
		v.Tiles = append(v.Tiles, ShowcaseTile{ProductID: p.ID, AtMS: t.AtMS, Anchor: anchorOf(p)})
	}

	if t := in.Promo; t != nil {
		text := strings.TrimSpace(t.Text)
		switch {
		case text == "":
			return nil, loopshop.Invalid("promo_tile.text", "give the promo tile a line of text, such as \"Summer sale\"")
		case utf8.RuneCountInString(text) > MaxPromoText:
			return nil, loopshop.Invalid("promo_tile.text", "keep the promo tile's text to %d characters", MaxPromoText)
		case t.DiscountPercent < 0 || t.DiscountPercent > 90:
			return nil, loopshop.Invalid("promo_tile.discount_percent", "discount_percent must be 0 (none) to 90")
		case !t.EndsAt.After(now):
			return nil, loopshop.Invalid("promo_tile.ends_at", "the promotion must end in the future; its countdown runs to ends_at")
		case t.EndsAt.After(now.Add(90 * 24 * time.Hour)):
			return nil, loopshop.Invalid("promo_tile.ends_at", "a promotion runs at most 90 days")
		}
		w, err := s.checkText(m, now, "promo_tile.text", text)
		if err != nil {
			return nil, err
		}
		v.Warnings = append(v.Warnings, w...)
		v.Promo = &PromoTile{Text: text, DiscountPercent: t.DiscountPercent, EndsAt: t.EndsAt.UTC()}
	}
	return v, nil
}

// checkText runs the closed-loop policy over text a buyer will read:
// refused after the market's cut-over date, warned about before.
func (s *Service) checkText(m market.Market, now time.Time, field, text string) ([]string, error) {
	if text == "" {
		return nil, nil
	}
	verdict, err := s.links.Check(text, field, m, now)
	if err != nil {
		return nil, err
	}
	var warnings []string
	for _, f := range verdict.Findings {
		warnings = append(warnings, fmt.Sprintf("%s contains an %s; from %s it will be refused", field, f, m.ClosedLoopFrom.Format(time.DateOnly)))
	}
	return warnings, nil
}

// promotable loads a product the video's author wants to link to and
// checks that it may: the product is on sale in the video's market, and
// it is the shop's own or, for a creator, covered by an affiliate plan
// the creator joined.
func (s *Service) promotable(ctx context.Context, actor *identity.Actor, v *Video, productID, field string) (*catalog.Product, error) {
	p, err := s.catalog.Product(ctx, productID)
	if err != nil || p.Market != v.Market {
		if err == nil || loopshop.ErrorCode(err) == loopshop.ENOTFOUND || loopshop.ErrorCode(err) == loopshop.EINVALID {
			return nil, loopshop.Invalid(field, "no product %s is sold in %s", productID, v.Market)
		}
		return nil, err
	}
	if p.Status != catalog.StatusActivate {
		return nil, loopshop.Invalid(field, "%q is not on sale (status %s); only live products can be linked", p.Title, p.Status)
	}
	if v.ShopID != "" {
		if p.ShopID != v.ShopID {
			return nil, loopshop.Invalid(field, "%q is another shop's product; a shop links only its own products", p.Title)
		}
		return p, nil
	}
	ok, err := s.mayPromote(ctx, v.CreatorID, p.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, loopshop.Invalid(field, "you have not joined an affiliate plan for %q; join one in the affiliate marketplace first", p.Title)
	}
	return p, nil
}

// Linkable checks that a shop (shopID) or a creator (creatorID) may link a
// product from its content in market, by the rules of anchors, and returns
// what a chip shows of it. Live rooms use it for their shopping bag.
func (s *Service) Linkable(ctx context.Context, market, shopID, creatorID, productID, field string) (Anchor, error) {
	p, err := s.promotable(ctx, nil, &Video{Market: market, ShopID: shopID, CreatorID: creatorID}, productID, field)
	if err != nil {
		return Anchor{}, err
	}
	return anchorOf(p), nil
}

func (s *Service) mayPromote(ctx context.Context, creatorID, productID string) (bool, error) {
	return s.affiliation.MayPromote(ctx, creatorID, productID)
}

// anchorOf is what a chip shows of a product.
func anchorOf(p *catalog.Product) Anchor {
	a := Anchor{ProductID: p.ID, Title: p.Title, ImageKey: p.ImageKey, Available: p.Status == catalog.StatusActivate}
	for i, k := range p.SKUs {
		if i == 0 || k.Price.Amount < a.Price.Amount {
			a.Price = k.Price
		}
	}
	return a
}

// Video returns a live video; a removed one only to its author and staff.
func (s *Service) Video(ctx context.Context, actor *identity.Actor, id string) (*Video, error) {
	v, err := s.store.Video(ctx, id)
	if err != nil {
		return nil, loopshop.NotFound(err, "video")
	}
	if v.Status != VideoLive && !s.isAuthor(actor, v) {
		return nil, loopshop.Errorf(loopshop.ENOTFOUND, "video not found")
	}
	return v, nil
}

func (s *Service) isAuthor(actor *identity.Actor, v *Video) bool {
	if actor == nil {
		return false
	}
	if v.CreatorID != "" && actor.AccountID == v.CreatorID {
		return true
	}
	return actor.Can(identity.PermProductWrite, identity.Resource{Kind: "video", Market: v.Market, ShopID: v.ShopID}) == nil
}

// RemoveVideo takes a video down: its author or staff who may review
// listings in its market.
func (s *Service) RemoveVideo(ctx context.Context, actor *identity.Actor, id string) error {
	v, err := s.store.Video(ctx, id)
	if err != nil {
		return loopshop.NotFound(err, "video")
	}
	if !s.isAuthor(actor, v) && !actor.Staff(identity.PermListingReview, v.Market) {
		if actor == nil {
			return loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to remove a video")
		}
		return loopshop.Errorf(loopshop.ENOTFOUND, "video not found")
	}
	if v.Status == VideoRemoved {
		return nil
	}
	return s.store.SetVideoStatus(ctx, id, VideoRemoved)
}

// VideosBy lists the live videos of a shop or a creator, newest first.
func (s *Service) VideosBy(ctx context.Context, author string, r page.Request) (page.Page[*Video], error) {
	vs, err := s.store.VideosBy(ctx, author, r)
	if err != nil {
		return page.Page[*Video]{}, err
	}
	return page.Make(vs, r, func(v *Video) string { return v.ID }), nil
}

// RecordViews counts one view of each video, as a buyer's phone reports
// the videos it showed. Unknown IDs are ignored: views are statistics,
// and a client must not learn which IDs exist from them.
func (s *Service) RecordViews(ctx context.Context, marketCode string, videoIDs []string) error {
	if len(videoIDs) == 0 {
		return nil
	}
	if len(videoIDs) > 50 {
		return loopshop.Invalid("video_ids", "report at most 50 views at a time")
	}
	m, err := s.markets.Get(marketCode)
	if err != nil {
		return err
	}
	var ids []string
	for _, id := range videoIDs {
		if mk, ok := loopshop.MarketOf(id); ok && mk == m.Code && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return s.store.RecordViews(ctx, m.Code, ids)
}

// Tap records that the buyer tapped a product in content: an anchor or a
// showcase tile in the video videoID, or a card in the showcase of
// creatorID (videoID empty). It returns the product to show. A visitor
// who is not signed in is sent on without a touch: there is no one to
// attribute an order to.
func (s *Service) Tap(ctx context.Context, actor *identity.Actor, kind, videoID, creatorID, productID string) (*Touch, error) {
	t := &Touch{Kind: kind, ProductID: productID, At: s.now()}
	switch kind {
	case TouchAnchor, TouchTile:
		v, err := s.Video(ctx, actor, videoID)
		if err != nil {
			return nil, err
		}
		found := false
		for _, a := range v.Anchors {
			found = found || a.ProductID == productID
		}
		for _, ti := range v.Tiles {
			found = found || ti.ProductID == productID
		}
		if !found {
			return nil, loopshop.Invalid("product_id", "product %s is not linked from video %s", productID, videoID)
		}
		t.Market, t.VideoID, t.CreatorID, t.ShopID = v.Market, v.ID, v.CreatorID, v.ShopID
	case TouchShowcase:
		mk, ok := loopshop.MarketOf(creatorID)
		if !ok {
			return nil, loopshop.Errorf(loopshop.ENOTFOUND, "showcase not found")
		}
		items, err := s.store.Showcase(ctx, mk, creatorID, page.Request{Limit: MaxShowcase})
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(items, func(it *ShowcaseItem) bool { return it.ProductID == productID }) {
			return nil, loopshop.Invalid("product_id", "product %s is not in this showcase", productID)
		}
		t.Market, t.CreatorID = mk, creatorID
	default:
		return nil, loopshop.Invalid("kind", "kind must be %s, %s or %s", TouchAnchor, TouchTile, TouchShowcase)
	}
	if actor == nil || actor.AccountID == "" || actor.Market != t.Market {
		return t, nil
	}
	t.BuyerID = actor.AccountID
	t.ID = loopshop.NewID("tch", t.Market)
	if err := s.store.RecordTouch(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// Attribute returns, for each product the buyer is about to order, where
// the buyer came to it from: the last touch within the window before at.
// Products the buyer found on their own are absent.
// It is order.Attribution.
func (s *Service) Attribute(ctx context.Context, marketCode, buyerID string, productIDs []string, at time.Time) (map[string]attribution.Source, error) {
	touches, err := s.store.LastTouches(ctx, marketCode, buyerID, productIDs, at.Add(-s.Window))
	if err != nil {
		return nil, err
	}
	out := make(map[string]attribution.Source, len(touches))
	for pid, t := range touches {
		if t.At.After(at) {
			continue
		}
		out[pid] = attribution.Source{VideoID: t.VideoID, RoomID: t.RoomID, CreatorID: t.CreatorID, Kind: t.Kind}
	}
	return out, nil
}
