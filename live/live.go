// Package live is live commerce: rooms a shop or a creator hosts, with a
// shopping bag of products, a pinned product, and a chat in which the
// closed-loop link policy redacts off-platform contacts; and the real-time
// events (pins, chat, viewer counts, status) that reach every viewer.
//
// A room's video comes from any media server as an HLS stream URL, or is a
// posted video looped, for demos. Events reach viewers through a Hub:
// in-process on a single server (LocalHub), and across servers through
// PostgreSQL LISTEN/NOTIFY (sqlstore.NotifyHub), so that a pin made on one
// server reaches the viewers connected to another.
package live

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/loopshop/loopshop/content"
)

// Room statuses.
const (
	Scheduled = "SCHEDULED"
	Live      = "LIVE"
	Ended     = "ENDED"
	// Replay is an ended room whose host published its replay.
	Replay = "REPLAY"
)

// Limits.
const (
	MaxBag     = 100 // products in a room's shopping bag
	MaxMessage = 300 // runes in a chat message
	MaxTitle   = 100
)

// Room is a live broadcast that sells. Exactly one of ShopID and CreatorID
// is set, as for videos.
type Room struct {
	ID        string `json:"id"`
	Market    string `json:"market"`
	ShopID    string `json:"shop_id,omitempty"`
	CreatorID string `json:"creator_id,omitempty"`
	HostName  string `json:"host_name"`
	Title     string `json:"title"`
	// StreamURL is the HLS playlist of the broadcast; VideoID a posted
	// video played in a loop when there is no stream.
	StreamURL   string           `json:"stream_url,omitempty"`
	VideoID     string           `json:"video_id,omitempty"`
	Status      string           `json:"status"`
	ScheduledAt time.Time        `json:"scheduled_at"`
	StartedAt   *time.Time       `json:"started_at,omitempty"`
	EndedAt     *time.Time       `json:"ended_at,omitempty"`
	Bag         []content.Anchor `json:"bag"`
	Pinned      string           `json:"pinned_product_id,omitempty"`
	CreatedAt   time.Time        `json:"created_at"`
	// ReplayURL (an HLS playlist) or ReplayVideoID (a posted video of the
	// host's) is what a REPLAY room plays.
	ReplayURL     string `json:"replay_url,omitempty"`
	ReplayVideoID string `json:"replay_video_id,omitempty"`
}

// Shown is the status a room is shown with, from the one stored: an ended
// room whose host published a replay is REPLAY. Stores keep only
// SCHEDULED, LIVE and ENDED (see migration 00023) and call Shown on read.
func Shown(stored string, hasReplay bool) string {
	if stored == Ended && hasReplay {
		return Replay
	}
	return stored
}

// RoomFilter picks rooms by what is stored: their stored status and,
// for ended rooms, whether they have a replay (nil: either).
type RoomFilter struct {
	Stored string
	Replay *bool
}

// FilterOf is the filter of the rooms shown with status.
func FilterOf(status string) RoomFilter {
	yes, no := true, false
	switch status {
	case Replay:
		return RoomFilter{Stored: Ended, Replay: &yes}
	case Ended:
		return RoomFilter{Stored: Ended, Replay: &no}
	}
	return RoomFilter{Stored: status}
}

// Host returns the ID of who hosts the room: its shop or its creator.
func (r *Room) Host() string {
	if r.ShopID != "" {
		return r.ShopID
	}
	return r.CreatorID
}

// Message is a chat message in a room.
type Message struct {
	ID         string    `json:"id"`
	RoomID     string    `json:"room_id"`
	AuthorID   string    `json:"author_id"`
	AuthorName string    `json:"author_name"`
	Text       string    `json:"text"`
	Redacted   bool      `json:"redacted,omitempty"` // off-platform contacts were taken out
	At         time.Time `json:"at"`
}

// Violation is a breach of the closed loop someone committed in a room:
// what they wrote before it was redacted, kept for trust & safety.
type Violation struct {
	ID        string    `json:"id"`
	Market    string    `json:"market"`
	AccountID string    `json:"account_id"`
	Kind      string    `json:"kind"`
	Ref       string    `json:"ref"` // the room
	Text      string    `json:"text"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"at"`
}

// Event kinds.
const (
	EventPin     = "pin"
	EventUnpin   = "unpin"
	EventChat    = "chat"
	EventStatus  = "status"
	EventBag     = "bag"
	EventViewers = "viewers"
	EventUnchat  = "unchat" // a moderator removed Message (only its ID is set)
)

// Event is what a room's viewers are told, as it happens.
type Event struct {
	Type    string           `json:"type"`
	RoomID  string           `json:"room_id"`
	At      time.Time        `json:"at"`
	Product *content.Anchor  `json:"product,omitempty"`
	Message *Message         `json:"message,omitempty"`
	Status  string           `json:"status,omitempty"`
	Bag     []content.Anchor `json:"bag,omitempty"`
	Flash   *FlashSale       `json:"flash_sale,omitempty"`
	Coupon  *Coupon          `json:"coupon,omitempty"`
	// Viewers is a server's count of its own viewers of the room (for
	// EventViewers, with Server naming it); the hub adds them up.
	Viewers int    `json:"viewers,omitempty"`
	Server  string `json:"server,omitempty"`

	// enc is the event's JSON, made once however many viewers it goes to
	// (LocalHub.Deliver sets it; copies of the event share it).
	enc *encoded
}

type encoded struct {
	once sync.Once
	b    []byte
	err  error
}

// JSON returns the event encoded as JSON, encoding it once for all the
// viewers it is delivered to.
func (e Event) JSON() ([]byte, error) {
	if e.enc == nil {
		return json.Marshal(e)
	}
	e.enc.once.Do(func() { e.enc.b, e.enc.err = json.Marshal(e) })
	return e.enc.b, e.enc.err
}

// ModerationStore keeps a room's moderators and mutes.
type ModerationStore interface {
	AddModerator(ctx context.Context, roomID, accountID string) error
	IsModerator(ctx context.Context, roomID, accountID string) (bool, error)
	Mute(ctx context.Context, roomID, accountID, by string, at time.Time) error
	IsMuted(ctx context.Context, roomID, accountID string) (bool, error)
	// DeleteMessage removes a message; loopshop.ErrNotFound if the room
	// has none of that ID.
	DeleteMessage(ctx context.Context, roomID, messageID string) error
}

// Hub carries a room's events to its viewers, on every server.
type Hub interface {
	// Publish sends e to every subscriber of its room, on every server.
	Publish(ctx context.Context, e Event) error
	// Subscribe returns the events of a room from now on, and the function
	// that ends the subscription and closes the channel. A subscriber that
	// falls too far behind loses the oldest events rather than slowing
	// the room down.
	Subscribe(roomID string) (<-chan Event, func())
}

// Store keeps rooms and their chat in each market's region.
type Store interface {
	CreateRoom(ctx context.Context, r *Room) error
	// Room returns a room with its bag (the products' current titles and
	// prices).
	Room(ctx context.Context, id string) (*Room, error)
	// SetStatus moves a room from status from to r.Status with its times,
	// and with unpin takes its pinned product down; ErrChanged if it is no
	// longer in from.
	SetStatus(ctx context.Context, r *Room, from string, unpin bool) error
	SetBag(ctx context.Context, roomID string, productIDs []string) error
	SetPinned(ctx context.Context, roomID, productID string) error
	// SetReplay sets the replay of a room whose stored status is in;
	// ErrChanged if it is not.
	SetReplay(ctx context.Context, roomID, url, videoID, in string) error
	// RoomsOf lists a market's rooms that f picks, newest first.
	RoomsOf(ctx context.Context, market string, f RoomFilter, limit int) ([]*Room, error)
	// RoomsOfHost lists the rooms of a shop or creator, newest first.
	RoomsOfHost(ctx context.Context, host string, limit int) ([]*Room, error)
	AddMessage(ctx context.Context, m *Message, market string, v *Violation) error
	// Messages returns a room's latest messages, oldest first.
	Messages(ctx context.Context, roomID string, limit int) ([]*Message, error)
	FlashStore
	PeakStore
	ModerationStore
	CouponStore
	// RoomSales sums the paid lines the room brought: bought in its flash
	// sales or after a tap in it.
	RoomSales(ctx context.Context, roomID string) (peak int, orders, units, gmv int64, err error)
}
