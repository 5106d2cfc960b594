package live

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/linkpolicy"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/money"
)

// ErrChanged is the store's answer when a room is no longer in the status
// an update expects.
var ErrChanged = errors.New("live: changed since read")

// Linker checks that a host may sell a product in its content, and finds
// the videos a room plays (content.Service).
type Linker interface {
	Linkable(ctx context.Context, market, shopID, creatorID, productID, field string) (content.Anchor, error)
	Video(ctx context.Context, actor *identity.Actor, id string) (*content.Video, error)
}

// Catalog reads the shops rooms are hosted for and the products they
// sell (catalog.Store is one).
type Catalog interface {
	Shop(ctx context.Context, id string) (*catalog.Shop, error)
	Products
}

// Service holds the rules of live rooms.
type Service struct {
	store    Store
	flash    FlashStore
	products Products
	hub      Hub
	links    *linkpolicy.Policy
	linker   Linker
	shops    Catalog
	markets  *market.Set
	viewers  *Viewers
	touches  Touches
	training Training
	now      func() time.Time
}

// Training tells whether an account may go live: it has passed the
// Seller University courses that gate it (university.Service.Gate of
// university.CapabilityLive is one). Live knows nothing of courses: the
// error it returns names the course to take.
type Training interface {
	Require(ctx context.Context, actor *identity.Actor) error
}

// Touches records buyers' taps for attribution (content.Store is one).
type Touches interface {
	RecordTouch(ctx context.Context, t *content.Touch) error
}

// Deps is what the live service is built from; every field but Now is
// needed.
type Deps struct {
	Store Store
	// Hub carries events to viewers.
	Hub Hub
	// Linker tells which products a host may put in its bag and which
	// videos it may loop.
	Linker  Linker
	Catalog Catalog
	Markets *market.Set
	// Links is the policy chat must pass.
	Links *linkpolicy.Policy
	// Training gates going live on Seller University's courses.
	Training Training
	// Touches keeps taps on a room's products, which credit the room with
	// the orders after them.
	Touches Touches
	// Now is the clock; nil is identity.Now.
	Now func() time.Time
}

// NewService returns the live service; events go out through d.Hub.
func NewService(d Deps) (*Service, error) {
	if err := loopshop.Needs("live", map[string]bool{"Store": d.Store != nil, "Hub": d.Hub != nil, "Linker": d.Linker != nil,
		"Catalog": d.Catalog != nil, "Markets": d.Markets != nil, "Links": d.Links != nil, "Training": d.Training != nil,
		"Touches": d.Touches != nil}); err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = identity.Now
	}
	return &Service{store: d.Store, flash: d.Store, products: d.Catalog, hub: d.Hub, links: d.Links, linker: d.Linker, shops: d.Catalog,
		markets: d.Markets, viewers: NewViewers(d.Hub, d.Store), touches: d.Touches, training: d.Training, now: d.Now}, nil
}

// Hub returns the hub the service publishes to, for the viewers' side.
func (s *Service) Hub() Hub { return s.hub }

// Viewers returns the counter of the rooms' viewers; its Run must run
// while the server serves.
func (s *Service) Viewers() *Viewers { return s.viewers }

// Analytics is how a room is doing.
type Analytics struct {
	RoomID         string      `json:"room_id"`
	Status         string      `json:"status"`
	CurrentViewers int         `json:"current_viewers"`
	PeakViewers    int         `json:"peak_viewers"`
	Orders         int64       `json:"orders"`
	Units          int64       `json:"units"`
	GMV            money.Money `json:"gmv"`
	// Conversion is orders per peak viewer.
	Conversion float64 `json:"conversion"`
}

// Analytics returns a room's figures to its host: viewers now and at the
// peak, and the paid orders it brought (bought in its flash sales or after
// a tap in the room): their units, and their sales net of coupons.
func (s *Service) Analytics(ctx context.Context, actor *identity.Actor, id string) (*Analytics, error) {
	r, err := s.hosted(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	m, err := s.markets.Get(r.Market)
	if err != nil {
		return nil, err
	}
	peak, orders, units, gmv, err := s.store.RoomSales(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	a := &Analytics{RoomID: r.ID, Status: r.Status, CurrentViewers: s.viewers.Count(r.ID), PeakViewers: max(peak, s.viewers.Count(r.ID)),
		Orders: orders, Units: units, GMV: money.New(gmv, m.Currency)}
	if a.PeakViewers > 0 {
		a.Conversion = float64(orders) / float64(a.PeakViewers)
	}
	return a, nil
}

// NewRoom is a room as its host sets it up.
type NewRoom struct {
	// ShopID hosts the room for that shop; empty: the actor, a creator.
	ShopID      string     `json:"shop_id,omitempty"`
	Title       string     `json:"title"`
	StreamURL   string     `json:"stream_url,omitempty"`
	VideoID     string     `json:"video_id,omitempty"`
	ScheduledAt *time.Time `json:"scheduled_at,omitempty"`
	Products    []string   `json:"products,omitempty"`
}

// CreateRoom sets up a room, scheduled for later or to go live now. Live
// commerce must be open in the market.
func (s *Service) CreateRoom(ctx context.Context, actor *identity.Actor, in NewRoom) (*Room, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to host a live room")
	}
	now := s.now()
	r := &Room{Status: Scheduled, CreatedAt: now, ScheduledAt: now, Bag: []content.Anchor{}}
	if in.ShopID != "" {
		shop, err := s.shops.Shop(ctx, in.ShopID)
		if err != nil {
			return nil, loopshop.Errorf(loopshop.ENOTFOUND, "shop not found")
		}
		if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
			return nil, err
		}
		r.Market, r.ShopID, r.HostName = shop.Market, shop.ID, shop.Name
	} else {
		if !actor.IsCreator {
			return nil, loopshop.Errorf(loopshop.EFORBIDDEN, "only creators host live rooms as themselves; to host for your shop, give shop_id")
		}
		r.Market, r.CreatorID, r.HostName = actor.Market, actor.AccountID, actor.DisplayName
	}
	m, err := s.markets.Get(r.Market)
	if err != nil {
		return nil, err
	}
	if !m.LiveCommerce {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "live commerce is not open in %s yet; it opens market by market", m.Name)
	}
	r.ID = loopshop.NewID("liv", m.Code)
	r.Title = strings.TrimSpace(in.Title)
	if r.Title == "" || utf8.RuneCountInString(r.Title) > MaxTitle {
		return nil, loopshop.Invalid("title", "give the room a title of 1 to %d characters", MaxTitle)
	}
	if _, err := s.links.Check(r.Title, "title", m, now); err != nil {
		return nil, err
	}
	if in.StreamURL != "" {
		if r.StreamURL, err = playlist(in.StreamURL, "stream_url"); err != nil {
			return nil, err
		}
	}
	if in.VideoID != "" {
		if err := s.hostVideo(ctx, actor, r, in.VideoID, "video_id"); err != nil {
			return nil, err
		}
		r.VideoID = in.VideoID
	}
	if r.StreamURL == "" && r.VideoID == "" {
		return nil, loopshop.Invalid("stream_url", "give the stream's HLS URL, or a video_id of yours to loop")
	}
	if in.ScheduledAt != nil {
		if in.ScheduledAt.Before(now.Add(-time.Minute)) || in.ScheduledAt.After(now.Add(90*24*time.Hour)) {
			return nil, loopshop.Invalid("scheduled_at", "schedule the room from now to 90 days ahead")
		}
		r.ScheduledAt = in.ScheduledAt.UTC()
	}
	if len(in.Products) > MaxBag {
		return nil, loopshop.Invalid("products", "a shopping bag holds at most %d products", MaxBag)
	}
	for i, id := range in.Products {
		if slices.Contains(in.Products[:i], id) {
			return nil, loopshop.Invalid(fmt.Sprintf("products[%d]", i), "product %s is in the bag twice", id)
		}
		a, err := s.linker.Linkable(ctx, r.Market, r.ShopID, r.CreatorID, id, fmt.Sprintf("products[%d]", i))
		if err != nil {
			return nil, err
		}
		r.Bag = append(r.Bag, a)
	}
	if err := s.store.CreateRoom(ctx, r); err != nil {
		return nil, fmt.Errorf("create room: %w", err)
	}
	return r, nil
}

// playlist checks an HLS playlist's address and returns it cleaned.
func playlist(raw, field string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !strings.HasSuffix(strings.ToLower(u.Path), ".m3u8") {
		return "", loopshop.Invalid(field, "give an HLS playlist: an http(s) URL ending in .m3u8")
	}
	return u.String(), nil
}

// hostVideo checks that a room may play the video: one of its host's,
// posted in its market.
func (s *Service) hostVideo(ctx context.Context, actor *identity.Actor, r *Room, id, field string) error {
	v, err := s.linker.Video(ctx, actor, id)
	if loopshop.ErrorCode(err) == loopshop.ENOTFOUND || (err == nil && (v.Market != r.Market || v.ShopID != r.ShopID || v.CreatorID != r.CreatorID)) {
		return loopshop.Invalid(field, "video %s is not one of the host's videos in %s", id, r.Market)
	}
	if err == nil && v.Status != content.VideoLive {
		// Its author still sees a removed video; viewers would not.
		return loopshop.Invalid(field, "video %s is not showing (it is %s); choose one that is", id, v.Status)
	}
	return err
}

// NewReplay is what a room's replay plays: the recording of its broadcast
// as an HLS playlist (URL), or a video of the host's (VideoID).
type NewReplay struct {
	URL     string `json:"url,omitempty"`
	VideoID string `json:"video_id,omitempty"`
}

// PublishReplay makes an ended room a replay, or changes its replay (the
// host). Viewers watch it with the room's bag, its products still for
// sale, and the room credited with what they buy.
func (s *Service) PublishReplay(ctx context.Context, actor *identity.Actor, id string, in NewReplay) (*Room, error) {
	r, err := s.hosted(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if r.Status != Ended && r.Status != Replay {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "a replay is published once the room has ended; it is %s", r.Status)
	}
	var replayURL, videoID string
	switch {
	case (in.URL == "") == (in.VideoID == ""):
		return nil, loopshop.Invalid("url", "give the replay's HLS playlist (url) or one of your videos (video_id), one of the two")
	case in.URL != "":
		if replayURL, err = playlist(in.URL, "url"); err != nil {
			return nil, err
		}
	default:
		if err := s.hostVideo(ctx, actor, r, in.VideoID, "video_id"); err != nil {
			return nil, err
		}
		videoID = in.VideoID
	}
	if err := s.store.SetReplay(ctx, r.ID, replayURL, videoID, Ended); err != nil {
		if errors.Is(err, ErrChanged) {
			return nil, loopshop.Errorf(loopshop.ECONFLICT, "the room changed meanwhile; reload it")
		}
		return nil, err
	}
	r.Status, r.ReplayURL, r.ReplayVideoID = Replay, replayURL, videoID
	return r, s.hub.Publish(ctx, Event{Type: EventStatus, RoomID: r.ID, At: s.now(), Status: Replay})
}

// Room returns a room; anyone may look.
func (s *Service) Room(ctx context.Context, id string) (*Room, error) {
	r, err := s.store.Room(ctx, id)
	if err != nil {
		return nil, loopshop.NotFound(err, "live room")
	}
	return r, nil
}

// Tap records that the buyer tapped a product of the room's bag, which the
// room's page shows before, during and after the broadcast: the buyer's
// order of it within the attribution window is then credited to the room,
// and earns a creator host its commission (not on the creator's own
// orders). A visitor's tap is checked but not recorded: there is no one
// to credit.
func (s *Service) Tap(ctx context.Context, actor *identity.Actor, roomID, productID string) (*content.Touch, error) {
	if roomID == "" {
		return nil, loopshop.Invalid("room_id", "name the live room the product was tapped in")
	}
	r, err := s.Room(ctx, roomID)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(r.Bag, func(a content.Anchor) bool { return a.ProductID == productID }) {
		return nil, loopshop.Invalid("product_id", "product %s is not in the bag of live room %s", productID, r.ID)
	}
	t := &content.Touch{Kind: content.TouchLive, Market: r.Market, ProductID: productID, RoomID: r.ID, CreatorID: r.CreatorID, ShopID: r.ShopID, At: s.now()}
	if actor == nil || actor.AccountID == "" || actor.Market != r.Market {
		return t, nil
	}
	t.BuyerID = actor.AccountID
	t.ID = loopshop.NewID("tch", r.Market)
	if err := s.touches.RecordTouch(ctx, t); err != nil {
		return nil, fmt.Errorf("live room %s: record tap: %w", r.ID, err)
	}
	return t, nil
}

// hosted returns a room the actor hosts: its creator, or staff of its shop.
func (s *Service) hosted(ctx context.Context, actor *identity.Actor, id string) (*Room, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to host a live room")
	}
	r, err := s.Room(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.CreatorID != "" && r.CreatorID == actor.AccountID {
		return r, nil
	}
	if r.ShopID != "" {
		if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "live room", Market: r.Market, ShopID: r.ShopID}); err == nil {
			return r, nil
		} else if loopshop.ErrorCode(err) == loopshop.EFORBIDDEN {
			return nil, err
		}
	}
	return nil, loopshop.Errorf(loopshop.EFORBIDDEN, "only the room's host may do this")
}

// Start takes a scheduled room live; End ends a live one.
func (s *Service) Start(ctx context.Context, actor *identity.Actor, id string) (*Room, error) {
	return s.move(ctx, actor, id, Scheduled, Live)
}

func (s *Service) End(ctx context.Context, actor *identity.Actor, id string) (*Room, error) {
	return s.move(ctx, actor, id, Live, Ended)
}

func (s *Service) move(ctx context.Context, actor *identity.Actor, id, from, to string) (*Room, error) {
	r, err := s.hosted(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if r.Status != from {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "the room is %s; only a %s room can go %s", r.Status, from, to)
	}
	if to == Live {
		// The host going live must have passed the courses that gate it.
		if err := s.training.Require(ctx, actor); err != nil {
			return nil, err
		}
	}
	now := s.now()
	r.Status = to
	if to == Live {
		r.StartedAt = &now
	} else {
		r.EndedAt = &now
	}
	// A room that ends takes its pinned product down.
	unpin := to == Ended
	if unpin {
		r.Pinned = ""
	}
	if err := s.store.SetStatus(ctx, r, from, unpin); err != nil {
		if errors.Is(err, ErrChanged) {
			return nil, loopshop.Errorf(loopshop.ECONFLICT, "the room changed meanwhile; reload it")
		}
		return nil, err
	}
	return r, s.hub.Publish(ctx, Event{Type: EventStatus, RoomID: r.ID, At: now, Status: to})
}

// SetBag replaces the room's shopping bag.
func (s *Service) SetBag(ctx context.Context, actor *identity.Actor, id string, products []string) (*Room, error) {
	r, err := s.hosted(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if r.Status == Ended || r.Status == Replay {
		// A replay sells what the broadcast showed.
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "the room has ended; its bag stays what the broadcast showed")
	}
	if len(products) > MaxBag {
		return nil, loopshop.Invalid("products", "a shopping bag holds at most %d products", MaxBag)
	}
	bag := []content.Anchor{}
	for i, pid := range products {
		if slices.Contains(products[:i], pid) {
			return nil, loopshop.Invalid(fmt.Sprintf("products[%d]", i), "product %s is in the bag twice", pid)
		}
		a, err := s.linker.Linkable(ctx, r.Market, r.ShopID, r.CreatorID, pid, fmt.Sprintf("products[%d]", i))
		if err != nil {
			return nil, err
		}
		bag = append(bag, a)
	}
	if err := s.store.SetBag(ctx, r.ID, products); err != nil {
		return nil, err
	}
	r.Bag = bag
	if r.Pinned != "" && !slices.Contains(products, r.Pinned) {
		r.Pinned = ""
	}
	return r, s.hub.Publish(ctx, Event{Type: EventBag, RoomID: r.ID, At: s.now(), Bag: bag})
}

// Pin shows a product of the bag over the stream to every viewer; an
// empty productID takes the pin down.
func (s *Service) Pin(ctx context.Context, actor *identity.Actor, id, productID string) (*Room, error) {
	r, err := s.hosted(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if r.Status != Live {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "pin products while the room is live; it is %s", r.Status)
	}
	e := Event{Type: EventUnpin, RoomID: r.ID, At: s.now()}
	if productID != "" {
		i := slices.IndexFunc(r.Bag, func(a content.Anchor) bool { return a.ProductID == productID })
		if i < 0 {
			return nil, loopshop.Invalid("product_id", "put %s in the room's shopping bag before pinning it", productID)
		}
		e.Type, e.Product = EventPin, &r.Bag[i]
	}
	if err := s.store.SetPinned(ctx, r.ID, productID); err != nil {
		return nil, err
	}
	r.Pinned = productID
	return r, s.hub.Publish(ctx, e)
}

// Chat posts a message in a live room. After the market's cut-over date
// an off-platform link or contact in it is redacted before anyone sees
// it, and recorded as a violation of its author's.
func (s *Service) Chat(ctx context.Context, actor *identity.Actor, id, text string) (*Message, error) {
	if actor == nil || actor.AccountID == "" {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to chat")
	}
	r, err := s.Room(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.Status != Live {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "the chat opens when the room goes live; it is %s", r.Status)
	}
	if muted, err := s.store.IsMuted(ctx, r.ID, actor.AccountID); err != nil {
		return nil, err
	} else if muted {
		return nil, loopshop.Errorf(loopshop.EFORBIDDEN, "a moderator muted you in this room")
	}
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > MaxMessage {
		return nil, loopshop.Invalid("text", "a message is 1 to %d characters", MaxMessage)
	}
	m, err := s.markets.Get(r.Market)
	if err != nil {
		return nil, err
	}
	now := s.now()
	msg := &Message{ID: loopshop.NewID("msg", r.Market), RoomID: r.ID, AuthorID: actor.AccountID, AuthorName: actor.DisplayName, Text: text, At: now}
	var v *Violation
	if found := s.links.Scan(text, m.Code); len(found) > 0 && m.ClosedLoop(now) {
		msg.Text, msg.Redacted = linkpolicy.Redact(text, found), true
		v = &Violation{ID: loopshop.NewID("vio", r.Market), Market: r.Market, AccountID: actor.AccountID, Kind: "live_chat_link", Ref: r.ID,
			Text: text, Reason: found[0].String(), At: now}
	}
	if err := s.store.AddMessage(ctx, msg, r.Market, v); err != nil {
		return nil, err
	}
	return msg, s.hub.Publish(ctx, Event{Type: EventChat, RoomID: r.ID, At: now, Message: msg})
}

// Messages returns the latest messages of a room, oldest first.
func (s *Service) Messages(ctx context.Context, id string) ([]*Message, error) {
	if _, err := s.Room(ctx, id); err != nil {
		return nil, err
	}
	return s.store.Messages(ctx, id, 100)
}

// RoomsOfShop lists a shop's rooms for its staff, newest first.
func (s *Service) RoomsOfShop(ctx context.Context, actor *identity.Actor, shopID string) ([]*Room, error) {
	shop, err := s.shops.Shop(ctx, shopID)
	if err != nil {
		return nil, loopshop.Errorf(loopshop.ENOTFOUND, "shop not found")
	}
	if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return nil, err
	}
	return s.store.RoomsOfHost(ctx, shop.ID, 50)
}

// Replays lists a market's rooms with a replay, newest first.
func (s *Service) Replays(ctx context.Context, marketCode string) ([]*Room, error) {
	m, err := s.markets.Get(marketCode)
	if err != nil {
		return nil, err
	}
	return s.store.RoomsOf(ctx, m.Code, FilterOf(Replay), 50)
}

// LiveNow lists a market's live rooms.
func (s *Service) LiveNow(ctx context.Context, marketCode string) ([]*Room, error) {
	m, err := s.markets.Get(marketCode)
	if err != nil {
		return nil, err
	}
	return s.store.RoomsOf(ctx, m.Code, FilterOf(Live), 50)
}
