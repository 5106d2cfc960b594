package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/page"
)

// ContentStore implements content.Store: videos with their anchors and
// tiles, creators' showcases and buyers' touches, in each market's region.
type ContentStore struct{ r *Router }

// NewContentStore returns the content store over r.
func NewContentStore(r *Router) *ContentStore { return &ContentStore{r: r} }

var _ content.Store = (*ContentStore)(nil)

// chipColumns select what a chip shows of the product p (content.Anchor):
// its ID, title, picture, status and lowest SKU price. Scan them into a
// chip.
const chipColumns = `p.id, p.title, p.image_key, p.status,
	COALESCE((SELECT MIN(k.price_amount) FROM skus k WHERE k.product_id = p.id), 0),
	COALESCE((SELECT MIN(k.currency) FROM skus k WHERE k.product_id = p.id), '')`

// chip is a row of chipColumns being scanned.
type chip struct {
	a                content.Anchor
	status, currency string
	price            int64
}

// dest returns where Scan puts chipColumns.
func (c *chip) dest() []any {
	return []any{&c.a.ProductID, &c.a.Title, &c.a.ImageKey, &c.status, &c.price, &c.currency}
}

// anchor returns the scanned chip.
func (c *chip) anchor() content.Anchor {
	c.a.Price, c.a.Available = money.New(c.price, c.currency), c.status == catalog.StatusActivate
	return c.a
}

// Kinds of video_products rows.
const (
	linkAnchor = "anchor"
	linkTile   = "tile"
)

func (s *ContentStore) CreateVideo(ctx context.Context, v *content.Video) error {
	db, err := s.r.ForMarket(v.Market)
	if err != nil {
		return err
	}
	promo := ""
	if v.Promo != nil {
		b, err := json.Marshal(v.Promo)
		if err != nil {
			return err
		}
		promo = string(b)
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO videos (id, market, shop_id, creator_id, author_name, caption, media_key, content_type,
				poster_key, duration_ms, status, promo_tile, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.ID, v.Market, nullString(v.ShopID), nullString(v.CreatorID), v.AuthorName, v.Caption, v.MediaKey, v.ContentType,
			v.PosterKey, v.DurationMS, v.Status, promo, v.CreatedAt.UTC()); err != nil {
			return err
		}
		for i, a := range v.Anchors {
			if _, err := tx.Exec(ctx, `INSERT INTO video_products (video_id, product_id, kind, position, at_ms) VALUES (?, ?, ?, ?, 0)`,
				v.ID, a.ProductID, linkAnchor, i); err != nil {
				return err
			}
		}
		for i, t := range v.Tiles {
			if _, err := tx.Exec(ctx, `INSERT INTO video_products (video_id, product_id, kind, position, at_ms) VALUES (?, ?, ?, ?, ?)`,
				v.ID, t.ProductID, linkTile, i, t.AtMS); err != nil {
				return err
			}
		}
		return nil
	})
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const videoColumns = `v.id, v.market, COALESCE(v.shop_id, ''), COALESCE(v.creator_id, ''), v.author_name, v.caption, v.media_key,
	v.content_type, v.poster_key, v.duration_ms, v.status, v.promo_tile, v.views, v.anchor_clicks, v.created_at`

func scanVideo(rows interface{ Scan(...any) error }) (*content.Video, error) {
	v := &content.Video{}
	var promo string
	if err := rows.Scan(&v.ID, &v.Market, &v.ShopID, &v.CreatorID, &v.AuthorName, &v.Caption, &v.MediaKey, &v.ContentType,
		&v.PosterKey, &v.DurationMS, &v.Status, &promo, &v.Stats.Views, &v.Stats.AnchorClicks, &v.CreatedAt); err != nil {
		return nil, err
	}
	v.CreatedAt = v.CreatedAt.UTC()
	if promo != "" {
		v.Promo = &content.PromoTile{}
		if err := json.Unmarshal([]byte(promo), v.Promo); err != nil {
			return nil, fmt.Errorf("promo tile of video %s: %w", v.ID, err)
		}
	}
	v.Anchors = []content.Anchor{}
	return v, nil
}

// queryVideos runs a query selecting videoColumns from videos v and fills
// in each video's anchors, tiles and orders.
func (s *ContentStore) queryVideos(ctx context.Context, db *DB, query string, args []any) ([]*content.Video, error) {
	var out []*content.Video
	if err := db.Read().Query(ctx, query, args, func(rows *sql.Rows) error {
		v, err := scanVideo(rows)
		out = append(out, v)
		return err
	}); err != nil {
		return nil, err
	}
	return out, s.fill(ctx, db, out, nil)
}

// fill reads the linked products of videos (with their current title,
// lowest price, picture and status) and the paid order lines each video
// brought. With cats, it also collects each video's products' categories.
func (s *ContentStore) fill(ctx context.Context, db *DB, vs []*content.Video, cats map[string][]string) error {
	if len(vs) == 0 {
		return nil
	}
	byID := make(map[string]*content.Video, len(vs))
	ids := make([]any, len(vs))
	for i, v := range vs {
		byID[v.ID], ids[i] = v, v.ID
	}
	in := placeholders(len(ids))
	err := db.Read().Query(ctx, `SELECT vp.video_id, vp.kind, vp.at_ms, p.category_id, `+chipColumns+`
		FROM video_products vp JOIN products p ON p.id = vp.product_id
		WHERE vp.video_id IN (`+in+`) ORDER BY vp.video_id, vp.kind, vp.position`, ids, func(rows *sql.Rows) error {
		var videoID, kind, category string
		var atMS int
		var c chip
		if err := rows.Scan(append([]any{&videoID, &kind, &atMS, &category}, c.dest()...)...); err != nil {
			return err
		}
		a := c.anchor()
		v := byID[videoID]
		if kind == linkTile {
			v.Tiles = append(v.Tiles, content.ShowcaseTile{ProductID: a.ProductID, AtMS: atMS, Anchor: a})
		} else {
			v.Anchors = append(v.Anchors, a)
		}
		if cats != nil && category != "" {
			cats[videoID] = append(cats[videoID], category)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Conversions: order lines sourced from the videos and paid for.
	// Reading them here, rather than counting them into the video at
	// checkout, keeps checkout's transaction to the order's own tables.
	return db.Read().Query(ctx, `SELECT source_video_id, COUNT(*) FROM order_lines
		WHERE source_video_id IN (`+in+`) AND stock = ? GROUP BY source_video_id`, append(ids, order.StockSold), func(rows *sql.Rows) error {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		byID[id].Stats.Orders = n
		return nil
	})
}

func (s *ContentStore) Video(ctx context.Context, id string) (*content.Video, error) {
	db, err := s.r.ForID(id)
	if err != nil {
		return nil, err
	}
	vs, err := s.queryVideos(ctx, db, `SELECT `+videoColumns+` FROM videos v WHERE v.id = ?`, []any{id})
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, loopshop.ErrNotFound
	}
	return vs[0], nil
}

func (s *ContentStore) SetVideoStatus(ctx context.Context, id, status string) error {
	db, err := s.r.ForID(id)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, `UPDATE videos SET status = ? WHERE id = ?`, status, id)
		if err == nil && n == 0 {
			err = loopshop.ErrNotFound
		}
		return err
	})
}

func (s *ContentStore) VideosBy(ctx context.Context, author string, r page.Request) ([]*content.Video, error) {
	db, err := s.r.ForID(author)
	if err != nil {
		return nil, err
	}
	query := `SELECT ` + videoColumns + ` FROM videos v WHERE (v.shop_id = ? OR v.creator_id = ?) AND v.status = ?`
	args := []any{author, author, content.VideoLive}
	if r.After != "" {
		query += ` AND v.id < ?`
		args = append(args, r.After)
	}
	query += ` ORDER BY v.id DESC LIMIT ?`
	args = append(args, r.Limit+1)
	return s.queryVideos(ctx, db, query, args)
}

func (s *ContentStore) Candidates(ctx context.Context, market string, since time.Time, limit int) ([]content.Candidate, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	var vs []*content.Video
	if err := db.Read().Query(ctx, `SELECT `+videoColumns+` FROM videos v
		WHERE v.market = ? AND v.status = ? AND v.created_at >= ? ORDER BY v.created_at DESC, v.id DESC LIMIT ?`,
		[]any{market, content.VideoLive, since.UTC(), limit}, func(rows *sql.Rows) error {
			v, err := scanVideo(rows)
			vs = append(vs, v)
			return err
		}); err != nil {
		return nil, err
	}
	cats := map[string][]string{}
	if err := s.fill(ctx, db, vs, cats); err != nil {
		return nil, err
	}
	out := make([]content.Candidate, len(vs))
	for i, v := range vs {
		out[i] = content.Candidate{Video: v, Categories: cats[v.ID]}
	}
	return out, nil
}

func (s *ContentStore) RecordViews(ctx context.Context, market string, videoIDs []string) error {
	if len(videoIDs) == 0 {
		return nil
	}
	db, err := s.r.ForMarket(market)
	if err != nil {
		return err
	}
	args := make([]any, 0, len(videoIDs)+1)
	args = append(args, market)
	for _, id := range videoIDs {
		args = append(args, id)
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `UPDATE videos SET views = views + 1 WHERE market = ? AND id IN (`+placeholders(len(videoIDs))+`)`, args...)
		return err
	})
}

func (s *ContentStore) RecordTouch(ctx context.Context, t *content.Touch) error {
	db, err := s.r.ForMarket(t.Market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO content_touches (id, market, buyer_id, product_id, video_id, room_id, creator_id, shop_id, kind, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.ID, t.Market, t.BuyerID, t.ProductID, t.VideoID, t.RoomID, t.CreatorID, t.ShopID, t.Kind, t.At.UTC()); err != nil {
			return err
		}
		if t.VideoID == "" {
			return nil
		}
		_, err := tx.Exec(ctx, `UPDATE videos SET anchor_clicks = anchor_clicks + 1 WHERE id = ?`, t.VideoID)
		return err
	})
}

func (s *ContentStore) LastTouches(ctx context.Context, market, buyerID string, productIDs []string, since time.Time) (map[string]*content.Touch, error) {
	out := map[string]*content.Touch{}
	if len(productIDs) == 0 {
		return out, nil
	}
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	args := []any{buyerID, since.UTC()}
	for _, id := range productIDs {
		args = append(args, id)
	}
	err = db.Read().Query(ctx, `SELECT id, market, buyer_id, product_id, video_id, room_id, creator_id, shop_id, kind, at FROM content_touches
		WHERE buyer_id = ? AND at >= ? AND product_id IN (`+placeholders(len(productIDs))+`) ORDER BY at, id`, args, func(rows *sql.Rows) error {
		t := &content.Touch{}
		if err := rows.Scan(&t.ID, &t.Market, &t.BuyerID, &t.ProductID, &t.VideoID, &t.RoomID, &t.CreatorID, &t.ShopID, &t.Kind, &t.At); err != nil {
			return err
		}
		t.At = t.At.UTC()
		out[t.ProductID] = t // rows come oldest first: the last one stays
		return nil
	})
	return out, err
}

func (s *ContentStore) TouchedCategories(ctx context.Context, market, buyerID string, since time.Time) (map[string]int, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	err = db.Read().Query(ctx, `SELECT p.category_id, COUNT(*) FROM content_touches t JOIN products p ON p.id = t.product_id
		WHERE t.buyer_id = ? AND t.at >= ? AND p.category_id <> '' GROUP BY p.category_id`, []any{buyerID, since.UTC()}, func(rows *sql.Rows) error {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return err
		}
		out[c] = n
		return nil
	})
	return out, err
}

func (s *ContentStore) AddToShowcase(ctx context.Context, market string, it *content.ShowcaseItem) error {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO showcase_items (creator_id, market, product_id, added_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (creator_id, product_id) DO NOTHING`, it.CreatorID, market, it.ProductID, it.AddedAt.UTC())
		return err
	})
}

func (s *ContentStore) RemoveFromShowcase(ctx context.Context, market, creatorID, productID string) error {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM showcase_items WHERE creator_id = ? AND product_id = ?`, creatorID, productID)
		return err
	})
}

func (s *ContentStore) Showcase(ctx context.Context, market, creatorID string, r page.Request) ([]*content.ShowcaseItem, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	query := `SELECT s.creator_id, s.added_at, ` + chipColumns + `
		FROM showcase_items s JOIN products p ON p.id = s.product_id WHERE s.creator_id = ?`
	args := []any{creatorID}
	if r.After != "" {
		query += ` AND s.product_id < ?`
		args = append(args, r.After)
	}
	query += ` ORDER BY s.product_id DESC LIMIT ?`
	args = append(args, r.Limit+1)
	var out []*content.ShowcaseItem
	err = db.Read().Query(ctx, query, args, func(rows *sql.Rows) error {
		it := &content.ShowcaseItem{}
		var c chip
		if err := rows.Scan(append([]any{&it.CreatorID, &it.AddedAt}, c.dest()...)...); err != nil {
			return err
		}
		it.AddedAt, it.Anchor = it.AddedAt.UTC(), c.anchor()
		it.ProductID = it.Anchor.ProductID
		out = append(out, it)
		return nil
	})
	return out, err
}

func (s *ContentStore) ShowcaseCount(ctx context.Context, market, creatorID string) (int, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.Read().Get(ctx, `SELECT COUNT(*) FROM showcase_items WHERE creator_id = ?`, []any{creatorID}, &n)
	return n, err
}
