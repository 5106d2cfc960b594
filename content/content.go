// Package content is what buyers watch and shop from: short videos with
// product anchors, a seller's shop tab and a creator's showcase on their
// profiles, promo tiles and showcase tiles that decorate a video, and the
// feed that ranks shoppable content for each buyer.
//
// It also remembers where buyers came from. Every tap on an anchor or a
// showcase card is recorded as a touch; at checkout the order asks for
// the buyer's last touch of each product within the attribution window
// (Attribution), so that an order line carries the video and creator that
// sold it. Conversion in the feed and, later, creators' commission both
// read that.
//
// The rules are in this package, in plain Go: who may post and anchor
// what, the limits on captions and tiles, the link policy over every
// caption, and the feed's score (Rank). The Store only keeps and finds.
package content

import (
	"context"
	"time"

	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/page"
)

// Video statuses.
const (
	VideoLive    = "LIVE"    // in the feed and on its author's profile
	VideoRemoved = "REMOVED" // taken down by its author or by staff
)

// Limits on what a video carries.
const (
	MaxCaption       = 2200 // runes, as TikTok's captions
	MaxAnchors       = 6    // products anchored in one video
	MaxShowcaseTiles = 6
	MaxPromoText     = 80
	// MaxVideoBytes is the largest video upload.
	MaxVideoBytes = 100 << 20
	// MaxPosterBytes is the largest poster image.
	MaxPosterBytes = 5 << 20
	// MaxShowcase is how many products a creator's showcase holds.
	MaxShowcase = 500
)

// Video is a short video with the products it sells. Exactly one of
// ShopID (the seller posted it as the shop) and CreatorID (a creator
// posted it) is set.
type Video struct {
	ID          string `json:"id"`
	Market      string `json:"market"`
	ShopID      string `json:"shop_id,omitempty"`
	CreatorID   string `json:"creator_id,omitempty"`
	AuthorName  string `json:"author_name"`
	Caption     string `json:"caption"`
	MediaKey    string `json:"media_key"`
	ContentType string `json:"content_type"`
	PosterKey   string `json:"poster_key,omitempty"`
	DurationMS  int    `json:"duration_ms,omitempty"`
	Status      string `json:"status"`
	// Anchors are the products the video links to, in the order shown.
	Anchors []Anchor `json:"anchors"`
	// Promo is the seller's promotion overlay, if any.
	Promo *PromoTile `json:"promo_tile,omitempty"`
	// Tiles are the product cards a creator placed in the video.
	Tiles []ShowcaseTile `json:"showcase_tiles,omitempty"`
	Stats Stats          `json:"stats"`
	// Warnings are the link policy's findings that did not refuse the
	// caption (before the market's cut-over date); not stored.
	Warnings  []string  `json:"warnings,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Author returns who posted the video: its shop's ID or its creator's.
func (v *Video) Author() string {
	if v.ShopID != "" {
		return v.ShopID
	}
	return v.CreatorID
}

// Stats are a video's counters, for the feed's ranking and for analytics.
type Stats struct {
	Views        int64 `json:"views"`
	AnchorClicks int64 `json:"anchor_clicks"`
	// Orders counts paid order lines whose buyer came from this video.
	Orders int64 `json:"orders"`
}

// Anchor is a product linked from a video, with what a chip over the
// video shows of it.
type Anchor struct {
	ProductID string      `json:"product_id"`
	Title     string      `json:"title"`
	Price     money.Money `json:"price"` // the lowest SKU price
	ImageKey  string      `json:"image_key,omitempty"`
	// Available is false when the product is no longer on sale: the chip
	// stays, greyed out, rather than the video changing under the buyer.
	Available bool `json:"available"`
}

// PromoTile is a seller's overlay on its own video: a line of text, an
// optional discount to show and a countdown to the promotion's end.
type PromoTile struct {
	Text string `json:"text"`
	// DiscountPercent is shown as "-N%"; 0 shows none.
	DiscountPercent int       `json:"discount_percent,omitempty"`
	EndsAt          time.Time `json:"ends_at"`
}

// Active reports whether the tile's promotion is still running at now.
func (t *PromoTile) Active(now time.Time) bool { return t != nil && now.Before(t.EndsAt) }

// ShowcaseTile is a product card a creator places in an upload, shown
// from AtMS into the video.
type ShowcaseTile struct {
	ProductID string `json:"product_id"`
	AtMS      int    `json:"at_ms"`
	Anchor           // what the card shows, filled on read
}

// Touch kinds: how a buyer reached a product from content.
const (
	TouchAnchor   = "anchor"   // tapped a product anchor in a video
	TouchShowcase = "showcase" // tapped a card in a creator's showcase
	TouchTile     = "tile"     // tapped a showcase tile in a video
	TouchLive     = "live"     // tapped a product in a live room (package live)
)

// Touch is a buyer's tap from content to a product: the raw material of
// attribution.
type Touch struct {
	ID        string    `json:"id"`
	Market    string    `json:"market"`
	BuyerID   string    `json:"buyer_id"`
	ProductID string    `json:"product_id"`
	VideoID   string    `json:"video_id,omitempty"`
	CreatorID string    `json:"creator_id,omitempty"`
	ShopID    string    `json:"shop_id,omitempty"` // the shop that posted the video or hosts the room
	RoomID    string    `json:"room_id,omitempty"`
	Kind      string    `json:"kind"`
	At        time.Time `json:"at"`
}

// DefaultAttributionWindow is how long a touch counts for a later order.
const DefaultAttributionWindow = 14 * 24 * time.Hour

// ShowcaseItem is a product in a creator's showcase.
type ShowcaseItem struct {
	CreatorID string    `json:"creator_id"`
	ProductID string    `json:"product_id"`
	AddedAt   time.Time `json:"added_at"`
	Anchor              // what the card shows, filled on read
}

// Candidate is a video the feed may show, with what ranking needs.
type Candidate struct {
	Video *Video
	// Categories are the category IDs of its anchored products.
	Categories []string
}

// Store keeps videos, showcases and touches in each market's region.
type Store interface {
	// CreateVideo stores a video with its anchors, promo tile and
	// showcase tiles.
	CreateVideo(ctx context.Context, v *Video) error
	// Video returns a video with its anchors and tiles (the products'
	// current titles and prices) and stats.
	Video(ctx context.Context, id string) (*Video, error)
	// SetVideoStatus moves a video to status.
	SetVideoStatus(ctx context.Context, id, status string) error
	// VideosBy lists the live videos of a shop or creator (author is
	// its ID), newest first, after r.After, fetching r.Limit+1.
	VideosBy(ctx context.Context, author string, r page.Request) ([]*Video, error)
	// Candidates returns up to limit live videos of market created after
	// since, newest first, with their anchors' categories.
	Candidates(ctx context.Context, market string, since time.Time, limit int) ([]Candidate, error)
	// RecordViews adds one view to each video.
	RecordViews(ctx context.Context, market string, videoIDs []string) error
	// RecordTouch stores a touch; for an anchor touch it also counts a
	// click on the video.
	RecordTouch(ctx context.Context, t *Touch) error
	// LastTouches returns, for each of productIDs the buyer touched at or
	// after since, the latest touch.
	LastTouches(ctx context.Context, market, buyerID string, productIDs []string, since time.Time) (map[string]*Touch, error)
	// TouchedCategories counts the buyer's touches since, by the touched
	// product's category, for the feed's affinity.
	TouchedCategories(ctx context.Context, market, buyerID string, since time.Time) (map[string]int, error)
	// AddToShowcase puts a product in a creator's showcase (again: no-op).
	AddToShowcase(ctx context.Context, market string, item *ShowcaseItem) error
	RemoveFromShowcase(ctx context.Context, market, creatorID, productID string) error
	// Showcase lists a creator's showcase by product ID, newest product
	// first, after r.After (a product ID), fetching r.Limit+1.
	Showcase(ctx context.Context, market, creatorID string, r page.Request) ([]*ShowcaseItem, error)
	ShowcaseCount(ctx context.Context, market, creatorID string) (int, error)
}

// Catalog is what content reads of the catalog: the products it anchors
// and the shops that post, as they are stored (catalog.Store is one);
// content applies its own rules to them.
type Catalog interface {
	Product(ctx context.Context, id string) (*catalog.Product, error)
	Shop(ctx context.Context, id string) (*catalog.Shop, error)
}

// Affiliation answers whether a creator may promote a product: it has
// joined an affiliate plan that covers it (affiliate.Service is one).
type Affiliation interface {
	MayPromote(ctx context.Context, creatorID, productID string) (bool, error)
}
