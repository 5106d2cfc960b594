package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/order"
)

// LiveStore implements live.Store in each market's region.
type LiveStore struct{ r *Router }

// NewLiveStore returns the live store over r.
func NewLiveStore(r *Router) *LiveStore { return &LiveStore{r: r} }

var _ live.Store = (*LiveStore)(nil)

func (s *LiveStore) CreateRoom(ctx context.Context, r *live.Room) error {
	db, err := s.r.ForMarket(r.Market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO live_rooms (id, market, shop_id, creator_id, host_name, title, stream_url, video_id, status, scheduled_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.Market, nullString(r.ShopID), nullString(r.CreatorID), r.HostName, r.Title, r.StreamURL, r.VideoID,
			r.Status, r.ScheduledAt.UTC(), r.CreatedAt.UTC()); err != nil {
			return err
		}
		return setBag(ctx, tx, r.ID, anchorIDs(r.Bag))
	})
}

func anchorIDs(as []content.Anchor) []string {
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ProductID
	}
	return ids
}

func setBag(ctx context.Context, tx *Tx, roomID string, ids []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM live_room_products WHERE room_id = ?`, roomID); err != nil {
		return err
	}
	for i, id := range ids {
		if _, err := tx.Exec(ctx, `INSERT INTO live_room_products (room_id, product_id, position) VALUES (?, ?, ?)`, roomID, id, i); err != nil {
			return err
		}
	}
	return nil
}

// roomsOf is the condition for the rooms f picks, written so that the
// index on (market, status, id) serves it.
func roomsOf(f live.RoomFilter) (string, []any) {
	switch {
	case f.Replay == nil:
		return `r.status = ?`, []any{f.Stored}
	case *f.Replay:
		return `r.status = ? AND (r.replay_url <> '' OR r.replay_video_id <> '')`, []any{f.Stored}
	}
	return `r.status = ? AND r.replay_url = '' AND r.replay_video_id = ''`, []any{f.Stored}
}

const roomColumns = `r.id, r.market, COALESCE(r.shop_id, ''), COALESCE(r.creator_id, ''), r.host_name, r.title, r.stream_url, r.video_id, r.status,
	r.pinned, r.scheduled_at, r.started_at, r.ended_at, r.created_at, r.replay_url, r.replay_video_id`

func (s *LiveStore) rooms(ctx context.Context, db *DB, where string, args ...any) ([]*live.Room, error) {
	var out []*live.Room
	byID := map[string]*live.Room{}
	if err := db.Read().Query(ctx, `SELECT `+roomColumns+` FROM live_rooms r WHERE `+where, args, func(rows *sql.Rows) error {
		r := &live.Room{Bag: []content.Anchor{}}
		var started, ended sql.NullTime
		if err := rows.Scan(&r.ID, &r.Market, &r.ShopID, &r.CreatorID, &r.HostName, &r.Title, &r.StreamURL, &r.VideoID, &r.Status,
			&r.Pinned, &r.ScheduledAt, &started, &ended, &r.CreatedAt, &r.ReplayURL, &r.ReplayVideoID); err != nil {
			return err
		}
		r.ScheduledAt, r.CreatedAt = r.ScheduledAt.UTC(), r.CreatedAt.UTC()
		r.StartedAt, r.EndedAt = timeOrNil(started), timeOrNil(ended)
		r.Status = live.Shown(r.Status, r.ReplayURL != "" || r.ReplayVideoID != "")
		out = append(out, r)
		byID[r.ID] = r
		return nil
	}); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]any, len(out))
	for i, r := range out {
		ids[i] = r.ID
	}
	err := db.Read().Query(ctx, `SELECT b.room_id, `+chipColumns+`
		FROM live_room_products b JOIN products p ON p.id = b.product_id WHERE b.room_id IN (`+placeholders(len(ids))+`) ORDER BY b.room_id, b.position`,
		ids, func(rows *sql.Rows) error {
			var roomID string
			var c chip
			if err := rows.Scan(append([]any{&roomID}, c.dest()...)...); err != nil {
				return err
			}
			byID[roomID].Bag = append(byID[roomID].Bag, c.anchor())
			return nil
		})
	return out, err
}

func (s *LiveStore) Room(ctx context.Context, id string) (*live.Room, error) {
	db, err := s.r.ForID(id)
	if err != nil {
		return nil, err
	}
	rs, err := s.rooms(ctx, db, `r.id = ?`, id)
	if err == nil && len(rs) == 0 {
		err = loopshop.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

func (s *LiveStore) SetStatus(ctx context.Context, r *live.Room, from string, unpin bool) error {
	db, err := s.r.ForID(r.ID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, `UPDATE live_rooms SET status = ?, started_at = ?, ended_at = ?, pinned = CASE WHEN ? THEN '' ELSE pinned END
			WHERE id = ? AND status = ?`, r.Status, nullTime(r.StartedAt), nullTime(r.EndedAt), unpin, r.ID, from)
		if err == nil && n == 0 {
			err = live.ErrChanged
		}
		return err
	})
}

func (s *LiveStore) SetBag(ctx context.Context, roomID string, ids []string) error {
	db, err := s.r.ForID(roomID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		if err := setBag(ctx, tx, roomID, ids); err != nil {
			return err
		}
		// A pinned product taken out of the bag is unpinned.
		args := []any{roomID}
		query := `UPDATE live_rooms SET pinned = '' WHERE id = ?`
		if len(ids) > 0 {
			query += ` AND pinned NOT IN (` + placeholders(len(ids)) + `)`
			for _, id := range ids {
				args = append(args, id)
			}
		}
		_, err := tx.Exec(ctx, query, args...)
		return err
	})
}

func (s *LiveStore) SetPinned(ctx context.Context, roomID, productID string) error {
	db, err := s.r.ForID(roomID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `UPDATE live_rooms SET pinned = ? WHERE id = ?`, productID, roomID)
		return err
	})
}

func (s *LiveStore) RoomsOf(ctx context.Context, market string, f live.RoomFilter, limit int) ([]*live.Room, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	cond, args := roomsOf(f)
	return s.rooms(ctx, db, `r.market = ? AND `+cond+` ORDER BY r.id DESC LIMIT ?`, slices.Concat([]any{market}, args, []any{limit})...)
}

func (s *LiveStore) SetReplay(ctx context.Context, roomID, url, videoID, in string) error {
	db, err := s.r.ForID(roomID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, `UPDATE live_rooms SET replay_url = ?, replay_video_id = ? WHERE id = ? AND status = ?`, url, videoID, roomID, in)
		if err == nil && n == 0 {
			err = live.ErrChanged
		}
		return err
	})
}

func (s *LiveStore) AddMessage(ctx context.Context, m *live.Message, market string, v *live.Violation) error {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO live_messages (id, room_id, author_id, author_name, text, redacted, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			m.ID, m.RoomID, m.AuthorID, m.AuthorName, m.Text, m.Redacted, m.At.UTC()); err != nil {
			return err
		}
		if v == nil {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO violations (id, market, account_id, kind, ref, text, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			v.ID, v.Market, v.AccountID, v.Kind, v.Ref, v.Text, v.Reason, v.At.UTC())
		return err
	})
}

func (s *LiveStore) Messages(ctx context.Context, roomID string, limit int) ([]*live.Message, error) {
	db, err := s.r.ForID(roomID)
	if err != nil {
		return nil, err
	}
	var out []*live.Message
	err = db.Read().Query(ctx, `SELECT id, room_id, author_id, author_name, text, redacted, at FROM live_messages WHERE room_id = ? ORDER BY id DESC LIMIT ?`,
		[]any{roomID, limit}, func(rows *sql.Rows) error {
			m := &live.Message{}
			if err := rows.Scan(&m.ID, &m.RoomID, &m.AuthorID, &m.AuthorName, &m.Text, &m.Redacted, &m.At); err != nil {
				return err
			}
			m.At = m.At.UTC()
			out = append([]*live.Message{m}, out...)
			return nil
		})
	return out, err
}

// Violations lists the violations an account committed in a market,
// newest first, for trust & safety and its tests.
func (s *LiveStore) Violations(ctx context.Context, market, accountID string) ([]live.Violation, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	var out []live.Violation
	err = db.Read().Query(ctx, `SELECT id, market, account_id, kind, ref, text, reason, at FROM violations WHERE account_id = ? ORDER BY at DESC`,
		[]any{accountID}, func(rows *sql.Rows) error {
			var v live.Violation
			err := rows.Scan(&v.ID, &v.Market, &v.AccountID, &v.Kind, &v.Ref, &v.Text, &v.Reason, &v.At)
			out = append(out, v)
			return err
		})
	return out, err
}

// notifyChannel is the PostgreSQL channel a region's live events travel
// on: one per region, so that regions sharing a database server (or, in
// tests, a database) each hear their own events once.
func notifyChannel(region string) string { return "loopshop_live_" + region }

// maxNotify is the most a NOTIFY payload may hold (PostgreSQL's limit is
// 8000 bytes).
const maxNotify = 7900

// NotifyHub is the live.Hub of servers sharing PostgreSQL regions: an
// event is published with NOTIFY in its room's region, and every server
// LISTENing there (this one included) hands it to its own viewers. Rooms in
// a SQLite region, which one server owns, are delivered in-process. Events
// stay in their room's region, as everything of its market does.
type NotifyHub struct {
	r      *Router
	local  *live.LocalHub
	log    *slog.Logger
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// regions names the PostgreSQL regions by their database.
	regions map[*DB]string
}

var _ live.Hub = (*NotifyHub)(nil)

// NewNotifyHub starts a listener on every PostgreSQL region of r; Close
// stops them. Listeners reconnect after a lost connection.
func NewNotifyHub(r *Router, local *live.LocalHub, log *slog.Logger) *NotifyHub {
	ctx, cancel := context.WithCancel(context.Background())
	h := &NotifyHub{r: r, local: local, log: log, cancel: cancel, regions: map[*DB]string{}}
	for _, name := range r.RegionNames() {
		db := r.Region(name)
		if db.Engine() != Postgres {
			continue
		}
		ready := make(chan struct{})
		h.wg.Go(func() { h.listen(ctx, name, db.url, ready) })
		h.regions[db] = name
		// Wait (briefly) for the listener, so that an event published
		// right after start-up is not missed by this server.
		select {
		case <-ready:
		case <-time.After(5 * time.Second):
		}
	}
	return h
}

// listen delivers the region's notifications until ctx ends, reconnecting
// with a pause after an error.
func (h *NotifyHub) listen(ctx context.Context, region, rawURL string, ready chan struct{}) {
	var once sync.Once
	for ctx.Err() == nil {
		err := h.listenOnce(ctx, rawURL, region, func() { once.Do(func() { close(ready) }) })
		if ctx.Err() != nil {
			return
		}
		h.log.Warn("live events: listener lost its connection; reconnecting", "region", region, "error", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (h *NotifyHub) listenOnce(ctx context.Context, rawURL, region string, ready func()) error {
	conn, err := pgx.Connect(ctx, rawURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{notifyChannel(region)}.Sanitize()); err != nil {
		return err
	}
	ready()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var e live.Event
		if err := json.Unmarshal([]byte(n.Payload), &e); err != nil {
			h.log.Error("live events: bad notification", "error", err)
			continue
		}
		h.local.Deliver(e)
	}
}

// Publish sends e to the viewers of its room on every server.
func (h *NotifyHub) Publish(ctx context.Context, e live.Event) error {
	db, err := h.r.ForID(e.RoomID)
	if err != nil {
		return err
	}
	region, ok := h.regions[db]
	if !ok {
		h.local.Deliver(e)
		return nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if len(b) > maxNotify && e.Bag != nil {
		// A large bag does not fit a notification: viewers reload it.
		e.Bag = nil
		if b, err = json.Marshal(e); err != nil {
			return err
		}
	}
	if len(b) > maxNotify {
		return fmt.Errorf("live event %s of room %s is %d bytes, over the %d a notification holds", e.Type, e.RoomID, len(b), maxNotify)
	}
	_, err = db.write.ExecContext(ctx, `SELECT pg_notify($1, $2)`, notifyChannel(region), string(b))
	return err
}

// Subscribe returns the events of a room on this server.
func (h *NotifyHub) Subscribe(roomID string) (<-chan live.Event, func()) {
	return h.local.Subscribe(roomID)
}

// Close stops the listeners.
func (h *NotifyHub) Close() error {
	h.cancel()
	h.wg.Wait()
	return nil
}

func (s *LiveStore) CreateFlash(ctx context.Context, f *live.FlashSale) error {
	db, err := s.r.ForMarket(f.Market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO live_flash_sales (id, room_id, market, sku_id, product_id, price, quantity, per_buyer, ends_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.ID, f.RoomID, f.Market, f.SKUID, f.ProductID, f.Price, f.Quantity, f.PerBuyer, f.EndsAt.UTC(), f.CreatedAt.UTC())
		return err
	})
}

// flashColumns are a flash sale's, in the order flashDest scans them.
const flashColumns = `f.id, f.room_id, COALESCE(r.creator_id, ''), f.market, f.sku_id, f.product_id, f.price, f.quantity, f.sold, f.per_buyer,
	f.ends_at, f.created_at FROM live_flash_sales f JOIN live_rooms r ON r.id = f.room_id`

func flashDest(f *live.FlashSale) []any {
	return []any{&f.ID, &f.RoomID, &f.CreatorID, &f.Market, &f.SKUID, &f.ProductID, &f.Price, &f.Quantity, &f.Sold, &f.PerBuyer, &f.EndsAt, &f.CreatedAt}
}

// flashRead finishes a scanned flash sale.
func flashRead(f *live.FlashSale) *live.FlashSale {
	f.EndsAt, f.CreatedAt = f.EndsAt.UTC(), f.CreatedAt.UTC()
	f.Product.ProductID = f.ProductID
	return f
}

func (s *LiveStore) Flash(ctx context.Context, id string) (*live.FlashSale, error) {
	db, err := s.r.ForID(id)
	if err != nil {
		return nil, err
	}
	f := &live.FlashSale{}
	if err := db.Read().Get(ctx, `SELECT `+flashColumns+` WHERE f.id = ?`, []any{id}, flashDest(f)...); err != nil {
		return nil, err
	}
	return flashRead(f), nil
}

// RoomFlashes lists a room's flash sales ending after endsAfter, newest
// first.
func (s *LiveStore) RoomFlashes(ctx context.Context, roomID string, endsAfter time.Time, limit int) ([]*live.FlashSale, error) {
	db, err := s.r.ForID(roomID)
	if err != nil {
		return nil, err
	}
	var out []*live.FlashSale
	err = db.Read().Query(ctx, `SELECT `+flashColumns+` WHERE f.room_id = ? AND f.ends_at > ? ORDER BY f.created_at DESC, f.id DESC LIMIT ?`,
		[]any{roomID, endsAfter.UTC(), limit}, func(rows *sql.Rows) error {
			f := &live.FlashSale{}
			if err := rows.Scan(flashDest(f)...); err != nil {
				return err
			}
			out = append(out, flashRead(f))
			return nil
		})
	return out, err
}

// RaisePeak records viewers as the room's peak if it is higher.
func (s *LiveStore) RaisePeak(ctx context.Context, roomID string, viewers int, while string) error {
	db, err := s.r.ForID(roomID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `UPDATE live_rooms SET peak_viewers = ? WHERE id = ? AND peak_viewers < ? AND status = ?`, viewers, roomID, viewers, while)
		return err
	})
}

// RoomSales sums the paid order lines the room brought (its flash sales'
// and those bought after a tap in the room): the units, the orders they
// are in, and what the buyers paid for them.
func (s *LiveStore) RoomSales(ctx context.Context, roomID string) (peak int, orders, units, gmv int64, err error) {
	db, err := s.r.ForID(roomID)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	err = db.Read().Get(ctx, `SELECT r.peak_viewers, COUNT(DISTINCT l.order_id), COALESCE(SUM(l.quantity), 0), COALESCE(SUM(l.quantity * l.unit_price - l.discount), 0)
		FROM live_rooms r LEFT JOIN order_lines l ON l.source_room_id = r.id AND l.source_room_id <> '' AND l.stock = ?
		WHERE r.id = ? GROUP BY r.id, r.peak_viewers`, []any{order.StockSold, roomID}, &peak, &orders, &units, &gmv)
	return peak, orders, units, gmv, err
}

// RoomsOfHost lists the rooms of a shop or creator, newest first.
func (s *LiveStore) RoomsOfHost(ctx context.Context, host string, limit int) ([]*live.Room, error) {
	db, err := s.r.ForID(host)
	if err != nil {
		return nil, err
	}
	return s.rooms(ctx, db, `(r.shop_id = ? OR r.creator_id = ?) ORDER BY r.id DESC LIMIT ?`, host, host, limit)
}

func (s *LiveStore) AddModerator(ctx context.Context, roomID, accountID string) error {
	db, err := s.r.ForID(roomID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO live_moderators (room_id, account_id) VALUES (?, ?) ON CONFLICT (room_id, account_id) DO NOTHING`, roomID, accountID)
		return err
	})
}

func (s *LiveStore) IsModerator(ctx context.Context, roomID, accountID string) (bool, error) {
	db, err := s.r.ForID(roomID)
	if err != nil {
		return false, err
	}
	var n int
	err = db.Read().Get(ctx, `SELECT COUNT(*) FROM live_moderators WHERE room_id = ? AND account_id = ?`, []any{roomID, accountID}, &n)
	return n > 0, err
}

func (s *LiveStore) Mute(ctx context.Context, roomID, accountID, by string, at time.Time) error {
	db, err := s.r.ForID(roomID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO live_mutes (room_id, account_id, muted_by, at) VALUES (?, ?, ?, ?) ON CONFLICT (room_id, account_id) DO NOTHING`,
			roomID, accountID, by, at.UTC())
		return err
	})
}

func (s *LiveStore) IsMuted(ctx context.Context, roomID, accountID string) (bool, error) {
	db, err := s.r.ForID(roomID)
	if err != nil {
		return false, err
	}
	var n int
	err = db.Read().Get(ctx, `SELECT COUNT(*) FROM live_mutes WHERE room_id = ? AND account_id = ?`, []any{roomID, accountID}, &n)
	return n > 0, err
}

func (s *LiveStore) DeleteMessage(ctx context.Context, roomID, messageID string) error {
	db, err := s.r.ForID(roomID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, `DELETE FROM live_messages WHERE id = ? AND room_id = ?`, messageID, roomID)
		if err == nil && n == 0 {
			err = loopshop.ErrNotFound
		}
		return err
	})
}

func (s *LiveStore) CreateCoupon(ctx context.Context, c *live.Coupon) error {
	db, err := s.r.ForMarket(c.Market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO live_coupons (id, room_id, market, shop_id, amount_off, min_spend, quantity, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.RoomID, c.Market, c.ShopID, c.AmountOff.Amount, c.MinSpend.Amount, c.Quantity, c.ExpiresAt.UTC(), c.CreatedAt.UTC())
		return err
	})
}

func (s *LiveStore) Coupon(ctx context.Context, id string) (*live.Coupon, error) {
	db, m, err := s.marketOf(id)
	if err != nil {
		return nil, err
	}
	c := &live.Coupon{}
	var off, minSpend int64
	if err := db.Read().Get(ctx, `SELECT id, room_id, market, shop_id, amount_off, min_spend, quantity, claimed, expires_at, created_at FROM live_coupons WHERE id = ?`,
		[]any{id}, &c.ID, &c.RoomID, &c.Market, &c.ShopID, &off, &minSpend, &c.Quantity, &c.Claimed, &c.ExpiresAt, &c.CreatedAt); err != nil {
		return nil, err
	}
	c.AmountOff, c.MinSpend = money.New(off, m.Currency), money.New(minSpend, m.Currency)
	c.ExpiresAt, c.CreatedAt = c.ExpiresAt.UTC(), c.CreatedAt.UTC()
	return c, nil
}

// marketOf returns the database and market of an ID.
func (s *LiveStore) marketOf(id string) (*DB, market.Market, error) {
	code, ok := loopshop.MarketOf(id)
	if !ok {
		return nil, market.Market{}, loopshop.ErrNotFound
	}
	return s.r.Market(code)
}

func (s *LiveStore) ClaimCoupon(ctx context.Context, couponID, buyerID string, now time.Time) error {
	db, err := s.r.ForID(couponID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.Get(ctx, `SELECT COUNT(*) FROM live_coupon_claims WHERE coupon_id = ? AND buyer_id = ?`, []any{couponID, buyerID}, &n); err != nil {
			return err
		}
		if n > 0 {
			return loopshop.ErrAlreadyExists
		}
		rows, err := tx.Exec(ctx, `UPDATE live_coupons SET claimed = claimed + 1 WHERE id = ? AND claimed < quantity AND expires_at > ?`, couponID, now.UTC())
		if err != nil {
			return err
		}
		if rows == 0 {
			return live.ErrChanged
		}
		_, err = tx.Exec(ctx, `INSERT INTO live_coupon_claims (coupon_id, buyer_id, claimed_at) VALUES (?, ?, ?)`, couponID, buyerID, now.UTC())
		return err
	})
}

func (s *LiveStore) Unused(ctx context.Context, couponID, buyerID string) (bool, error) {
	db, err := s.r.ForID(couponID)
	if err != nil {
		return false, err
	}
	var n int
	err = db.Read().Get(ctx, `SELECT COUNT(*) FROM live_coupon_claims WHERE coupon_id = ? AND buyer_id = ? AND order_id = ''`, []any{couponID, buyerID}, &n)
	return n > 0, err
}
