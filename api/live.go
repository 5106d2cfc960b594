package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/server"
)

func (a *API) liveRoutes() []server.Route {
	if a.Live == nil {
		return nil
	}
	return []server.Route{
		{Method: "POST", Path: "/api/v1/live-rooms", Tag: "live", Auth: server.Required,
			Summary: "Set up a live room, as a shop (shop_id) or as a creator: a title, the HLS stream_url of any media server (or a video_id of yours to loop), " +
				"an optional scheduled_at and the products of its shopping bag. Live commerce must be open in the market.",
			Request: live.NewRoom{}, Response: live.Room{}, Status: http.StatusCreated, Handler: a.handleCreateRoom},
		{Method: "GET", Path: "/api/v1/live-rooms/{id}", Tag: "live",
			Summary: "A live room with its shopping bag and pinned product, and what it offers the caller now: the flash sale running in it (flash_sale, with seconds_left and units_left) " +
				"and the coupons still to claim (coupons, newest first, viewer_claimed on those the caller claimed).",
			Response: RoomState{}, Handler: a.handleRoom},
		{Method: "GET", Path: "/api/v1/markets/{market}/live-rooms", Tag: "live", Summary: "The market's rooms that are live now, or with status=REPLAY those with a replay, newest first.",
			Query: map[string]string{"status": "LIVE (the default) or REPLAY"}, Response: RoomList{}, Handler: a.handleLiveNow},
		{Method: "POST", Path: "/api/v1/live-rooms/{id}/start", Tag: "live", Auth: server.Required, Summary: "Go live (the host).",
			Response: live.Room{}, Handler: a.roomAction((*live.Service).Start)},
		{Method: "POST", Path: "/api/v1/live-rooms/{id}/end", Tag: "live", Auth: server.Required, Summary: "End the broadcast (the host).",
			Response: live.Room{}, Handler: a.roomAction((*live.Service).End)},
		{Method: "PUT", Path: "/api/v1/live-rooms/{id}/replay", Tag: "live", Auth: server.Required,
			Summary: "Publish an ended room's replay, or change it (the host): the recording's HLS playlist (url) or one of your videos (video_id). " +
				"The room becomes REPLAY: viewers watch it with its bag, still for sale.",
			Request: live.NewReplay{}, Response: live.Room{}, Handler: a.handleReplay},
		{Method: "PUT", Path: "/api/v1/live-rooms/{id}/bag", Tag: "live", Auth: server.Required,
			Summary: "Replace the room's shopping bag (the host): the host's own live products, or for a creator those of plans it joined.",
			Request: Bag{}, Response: live.Room{}, Handler: a.handleSetBag},
		{Method: "POST", Path: "/api/v1/live-rooms/{id}/pin", Tag: "live", Auth: server.Required,
			Summary: "Pin a product of the bag over the stream for every viewer, or take the pin down with an empty product_id (the host, while live).",
			Request: Pin{}, Response: live.Room{}, Handler: a.handlePin},
		{Method: "POST", Path: "/api/v1/live-rooms/{id}/messages", Tag: "live", Auth: server.Required, NoIdempotency: true,
			Summary: "Say something in the room's chat while it is live. Off-platform links and contacts are redacted and recorded as a violation. Not idempotent: every message is new.",
			Request: Chat{}, Response: live.Message{}, Status: http.StatusCreated, Handler: a.handleChat},
		{Method: "DELETE", Path: "/api/v1/live-rooms/{id}/messages/{message}", Tag: "live", Auth: server.Required,
			Summary: "Remove a chat message for every viewer (the host or a moderator).", Status: http.StatusNoContent, Handler: a.handleRemoveMessage},
		{Method: "POST", Path: "/api/v1/live-rooms/{id}/mutes", Tag: "live", Auth: server.Required,
			Summary: "Mute an account in the room's chat (the host or a moderator).", Request: AccountRef{}, Status: http.StatusNoContent, Handler: a.handleMute},
		{Method: "POST", Path: "/api/v1/live-rooms/{id}/moderators", Tag: "live", Auth: server.Required,
			Summary: "Appoint a moderator of the room's chat (the host).", Request: AccountRef{}, Status: http.StatusNoContent, Handler: a.handleAddModerator},
		{Method: "GET", Path: "/api/v1/live-rooms/{id}/messages", Tag: "live", Summary: "The room's latest 100 chat messages, oldest first.",
			Response: MessageList{}, Handler: a.handleMessages},
		{Method: "POST", Path: "/api/v1/live-rooms/{id}/flash-sales", Tag: "live", Auth: server.Required,
			Summary: "Start a flash sale in a live room (the host): a SKU of the bag at a deal price below its regular one, quantity units allocated, per_buyer at most to a buyer, for 10 to 300 seconds. " +
				"Buyers check out with flash_sale_id on the item; never more is sold than allocated.",
			Request: live.NewFlash{}, Response: live.FlashSale{}, Status: http.StatusCreated, Handler: a.handleStartFlash},
		{Method: "POST", Path: "/api/v1/live-rooms/{id}/coupons", Tag: "live", Auth: server.Required,
			Summary: "Hand a coupon out in a shop's live room (the host): amount_off the shop's order of at least min_spend (minor units), quantity to claim, usable for hours after.",
			Request: live.NewCoupon{}, Response: live.Coupon{}, Status: http.StatusCreated, Handler: a.handleStartCoupon},
		{Method: "POST", Path: "/api/v1/coupons/{id}/claim", Tag: "live", Auth: server.Required,
			Summary:  "Claim a live room's coupon, once, while any are left; check out with coupon_id to use it.",
			Response: live.Coupon{}, Handler: a.handleClaimCoupon},
		{Method: "GET", Path: "/api/v1/flash-sales/{id}", Tag: "live", Summary: "A flash sale with what it has sold.",
			Response: live.FlashSale{}, Handler: a.handleFlash},
		{Method: "GET", Path: "/api/v1/live-rooms/{id}/analytics", Tag: "live", Auth: server.Required,
			Summary:  "A room's figures for its host: viewers now (over every server) and at the peak, and the paid orders the room brought (in its flash sales, or after a tap on a product of its bag), their units and sales net of coupons, with orders per peak viewer.",
			Response: live.Analytics{}, Handler: a.handleAnalytics},
		{Method: "GET", Path: "/api/v1/live-rooms/{id}/events", Tag: "live",
			Summary: "A WebSocket of the room's events as they happen, as JSON: first its state (type state: status, bag, pinned product, " +
				"the running flash sale and the coupons still to claim, as the room's GET has them), " +
				"then pin, unpin, flash, coupon, bag, chat, unchat (a removed message), viewers and status events, whichever server they happened on.",
			Handler: a.handleRoomEvents},
	}
}

// RoomState is a live room with what it offers the viewer now: a viewer
// who joins after the host started a flash sale or handed coupons out
// sees them too.
type RoomState struct {
	*live.Room
	live.Offers
}

// RoomList is a list of live rooms.
type RoomList struct {
	Items []*live.Room `json:"items"`
}

// MessageList is a room's chat.
type MessageList struct {
	Items []*live.Message `json:"items"`
}

// Bag is a room's shopping bag.
type Bag struct {
	Products []string `json:"products"`
}

// Pin pins a product, or none.
type Pin struct {
	ProductID string `json:"product_id"`
}

// AccountRef names an account.
type AccountRef struct {
	AccountID string `json:"account_id"`
}

// Chat is a chat message.
type Chat struct {
	Text string `json:"text"`
}

func (a *API) handleCreateRoom(w http.ResponseWriter, r *http.Request) error {
	var in live.NewRoom
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	room, err := a.Live.CreateRoom(r.Context(), server.Actor(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/live-rooms/"+room.ID)
	return server.JSON(w, http.StatusCreated, room)
}

func (a *API) handleRoom(w http.ResponseWriter, r *http.Request) error {
	room, err := a.Live.Room(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	o, err := a.Live.Offers(r.Context(), server.Actor(r), room)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, RoomState{Room: room, Offers: *o})
}

func (a *API) handleLiveNow(w http.ResponseWriter, r *http.Request) error {
	list := a.Live.LiveNow
	switch s := strings.ToUpper(r.URL.Query().Get("status")); s {
	case "", live.Live:
	case live.Replay:
		list = a.Live.Replays
	default:
		return loopshop.Invalid("status", "list LIVE or REPLAY rooms; %q is neither", s)
	}
	rooms, err := list(r.Context(), strings.ToUpper(r.PathValue("market")))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, RoomList{Items: nonNil(rooms)})
}

func (a *API) handleReplay(w http.ResponseWriter, r *http.Request) error {
	var in live.NewReplay
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	room, err := a.Live.PublishReplay(r.Context(), server.Actor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, room)
}

func (a *API) roomAction(act func(*live.Service, context.Context, *identity.Actor, string) (*live.Room, error)) server.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		room, err := act(a.Live, r.Context(), server.Actor(r), r.PathValue("id"))
		if err != nil {
			return err
		}
		return server.JSON(w, http.StatusOK, room)
	}
}

func (a *API) handleSetBag(w http.ResponseWriter, r *http.Request) error {
	var in Bag
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	room, err := a.Live.SetBag(r.Context(), server.Actor(r), r.PathValue("id"), in.Products)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, room)
}

func (a *API) handlePin(w http.ResponseWriter, r *http.Request) error {
	var in Pin
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	room, err := a.Live.Pin(r.Context(), server.Actor(r), r.PathValue("id"), in.ProductID)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, room)
}

func (a *API) handleChat(w http.ResponseWriter, r *http.Request) error {
	var in Chat
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	m, err := a.Live.Chat(r.Context(), server.Actor(r), r.PathValue("id"), in.Text)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusCreated, m)
}

func (a *API) handleRemoveMessage(w http.ResponseWriter, r *http.Request) error {
	if err := a.Live.RemoveMessage(r.Context(), server.Actor(r), r.PathValue("id"), r.PathValue("message")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) handleMute(w http.ResponseWriter, r *http.Request) error {
	var in AccountRef
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	if err := a.Live.Mute(r.Context(), server.Actor(r), r.PathValue("id"), in.AccountID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) handleAddModerator(w http.ResponseWriter, r *http.Request) error {
	var in AccountRef
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	if err := a.Live.AddModerator(r.Context(), server.Actor(r), r.PathValue("id"), in.AccountID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) handleMessages(w http.ResponseWriter, r *http.Request) error {
	ms, err := a.Live.Messages(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, MessageList{Items: nonNil(ms)})
}

func (a *API) handleStartFlash(w http.ResponseWriter, r *http.Request) error {
	var in live.NewFlash
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	f, err := a.Live.StartFlash(r.Context(), server.Actor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusCreated, f)
}

func (a *API) handleStartCoupon(w http.ResponseWriter, r *http.Request) error {
	var in live.NewCoupon
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	c, err := a.Live.StartCoupon(r.Context(), server.Actor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusCreated, c)
}

func (a *API) handleClaimCoupon(w http.ResponseWriter, r *http.Request) error {
	c, err := a.Live.ClaimCoupon(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, c)
}

func (a *API) handleAnalytics(w http.ResponseWriter, r *http.Request) error {
	an, err := a.Live.Analytics(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, an)
}

func (a *API) handleFlash(w http.ResponseWriter, r *http.Request) error {
	f, err := a.Live.Flash(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, f)
}

// eventWriteTimeout is how long a viewer's connection may take to accept
// one event before it is dropped.
const eventWriteTimeout = 10 * time.Second

// stateEvent is the first message on a room's WebSocket: what a viewer
// joining now must show.
type stateEvent struct {
	Type    string           `json:"type"` // "state"
	RoomID  string           `json:"room_id"`
	Status  string           `json:"status"`
	Bag     []content.Anchor `json:"bag"`
	Pinned  *content.Anchor  `json:"product,omitempty"`
	Message string           `json:"message,omitempty"`
	live.Offers
}

func (a *API) handleRoomEvents(w http.ResponseWriter, r *http.Request) error {
	room, err := a.Live.Room(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	// The connection outlives the server's per-request deadlines.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return nil // Accept has answered the client
	}
	defer conn.CloseNow()
	events, stop := a.Live.Hub().Subscribe(room.ID)
	defer stop()
	leave := a.Live.Viewers().Join(room.ID)
	defer leave()
	// Viewers only listen: reading handles pings and the close.
	ctx := conn.CloseRead(context.WithoutCancel(r.Context()))

	// Read after subscribing: a sale started meanwhile is in the state
	// or arrives as an event, never neither.
	o, err := a.Live.Offers(ctx, server.Actor(r), room)
	if err != nil {
		conn.Close(websocket.StatusInternalError, "the room's state could not be read")
		return nil
	}
	st := stateEvent{Type: "state", RoomID: room.ID, Status: room.Status, Bag: room.Bag, Offers: *o}
	for i := range room.Bag {
		if room.Bag[i].ProductID == room.Pinned {
			st.Pinned = &room.Bag[i]
		}
	}
	if err := write(ctx, conn, st); err != nil {
		return nil
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case e := <-events:
			if e.Type == live.EventViewers {
				// One server's count: tell the viewer the total.
				e = a.Live.Viewers().Total(e)
			}
			b, err := e.JSON()
			if err != nil {
				// The connection is hijacked: no error page can be
				// written on it; close it and let the client reconnect.
				conn.Close(websocket.StatusInternalError, "event could not be encoded")
				return nil
			}
			if err := writeRaw(ctx, conn, b); err != nil {
				return nil
			}
			if e.Type == live.EventStatus && e.Status == live.Ended {
				conn.Close(websocket.StatusNormalClosure, "the room has ended")
				return nil
			}
		}
	}
}

// writeRaw sends JSON already encoded, as one text message.
func writeRaw(ctx context.Context, conn *websocket.Conn, b []byte) error {
	ctx, cancel := context.WithTimeout(ctx, eventWriteTimeout)
	defer cancel()
	err := conn.Write(ctx, websocket.MessageText, b)
	if err != nil && !errors.Is(err, context.Canceled) {
		conn.Close(websocket.StatusPolicyViolation, "too slow")
	}
	return err
}

// write sends v as JSON.
func write(ctx context.Context, conn *websocket.Conn, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeRaw(ctx, conn, b)
}
