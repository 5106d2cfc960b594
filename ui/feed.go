package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/server"
)

// feedSize is how many videos a page of the feed holds.
const feedSize = 8

func (u *UI) registerContent(srv *server.Server) {
	srv.HandlePage("GET /videos/{id}", u.page(u.handleVideo))
	srv.HandlePage("GET /t/{video}/{product}", u.page(u.handleVideoTap))
	srv.HandlePage("GET /creators/{id}", u.page(u.handleCreator))
	srv.HandlePage("GET /c/{creator}/{product}", u.page(u.handleShowcaseTap))
}

// maxReplayChips is how many replays the home page offers beside the
// rooms live now.
const maxReplayChips = 3

// rooms returns the market's rooms live now, and its latest replays, for
// the home page's chips.
func (u *UI) rooms(ctx context.Context, market string) (now, replays []*live.Room, err error) {
	if now, err = u.Live.LiveNow(ctx, market); err != nil {
		return nil, nil, err
	}
	if replays, err = u.Live.Replays(ctx, market); err != nil {
		return nil, nil, err
	}
	return now, replays[:min(len(replays), maxReplayChips)], nil
}

// feedPage is the vertical feed: one clip per screen.
type feedPage struct {
	// Live are the market's rooms live now; Replays the latest rooms
	// with a replay.
	Live    []*live.Room
	Replays []*live.Room
	Clips   []clip
	MoreURL string
	// Single is set when the page shows one video, opened from a profile.
	Single bool
}

// clip is a video as the feed shows it.
type clip struct {
	*content.Video
	AuthorURL string
	Locale    string
	// PromoActive says whether the promo tile's countdown is still running.
	PromoActive bool
	// PromoLeft is the countdown's first frame, before the script ticks it.
	PromoLeft string
	Chips     []chip
	Tiles     []chip
}

// chip is a product linked from a clip: an anchor or a showcase tile.
type chip struct {
	content.Anchor
	URL  string
	AtMS int
}

func (u *UI) clipOf(v *content.Video, locale string, now time.Time) clip {
	c := clip{Video: v, Locale: locale}
	if v.ShopID != "" {
		c.AuthorURL = "/shops/" + url.PathEscape(v.ShopID)
	} else {
		c.AuthorURL = "/creators/" + url.PathEscape(v.CreatorID)
	}
	if v.Promo.Active(now) {
		c.PromoActive, c.PromoLeft = true, countdown(v.Promo.EndsAt.Sub(now))
	}
	for _, a := range v.Anchors {
		c.Chips = append(c.Chips, chip{Anchor: a, URL: "/t/" + url.PathEscape(v.ID) + "/" + url.PathEscape(a.ProductID)})
	}
	for _, t := range v.Tiles {
		c.Tiles = append(c.Tiles, chip{Anchor: t.Anchor, AtMS: t.AtMS, URL: "/t/" + url.PathEscape(v.ID) + "/" + url.PathEscape(t.ProductID) + "?kind=tile"})
	}
	return c
}

// countdown formats what is left of a promotion: "2d 03:04:05" or "03:04:05".
func countdown(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	days, h, m, sec := s/86400, s/3600%24, s/60%60, s%60
	if days > 0 {
		return fmt.Sprintf("%dd %02d:%02d:%02d", days, h, m, sec)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, sec)
}

// feed renders the market's feed on the home page, and reports false when
// there is nothing to show, so the page falls back to the product grid.
func (u *UI) feed(w http.ResponseWriter, r *http.Request, mkt market.Market) (bool, error) {
	cursor := r.URL.Query().Get("feed")
	req, err := page.FromQuery(url.Values{"cursor": {cursor}})
	if err != nil {
		return false, err
	}
	req.Limit = feedSize
	f, err := u.Content.Feed(r.Context(), server.Actor(r), mkt.Code, req)
	if err != nil {
		return false, err
	}
	if len(f.Items) == 0 && cursor == "" {
		return false, nil
	}
	p := feedPage{}
	if u.Live != nil {
		if p.Live, p.Replays, err = u.rooms(r.Context(), mkt.Code); err != nil {
			return false, err
		}
	}
	now := time.Now()
	for _, v := range f.Items {
		p.Clips = append(p.Clips, u.clipOf(v, mkt.Locale, now))
	}
	if f.NextCursor != "" {
		p.MoreURL = "/?" + url.Values{"feed": {f.NextCursor}}.Encode()
	}
	v := u.view(r, "For You", mkt, p)
	v.Feed = true
	u.render(w, r, http.StatusOK, "feed", v)
	return true, nil
}

func (u *UI) handleVideo(w http.ResponseWriter, r *http.Request) error {
	v, err := u.Content.Video(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	mkt, err := u.Markets.Get(v.Market)
	if err != nil {
		return err
	}
	p := feedPage{Clips: []clip{u.clipOf(v, mkt.Locale, time.Now())}, Single: true, MoreURL: "/?market=" + mkt.Code}
	view := u.view(r, v.AuthorName, mkt, p)
	view.Feed = true
	u.render(w, r, http.StatusOK, "feed", view)
	return nil
}

// handleVideoTap records a tap on a product in a video and opens the
// product's page.
func (u *UI) handleVideoTap(w http.ResponseWriter, r *http.Request) error {
	kind := content.TouchAnchor
	if r.URL.Query().Get("kind") == content.TouchTile {
		kind = content.TouchTile
	}
	return u.tap(w, r, kind, r.PathValue("video"), "", r.PathValue("product"))
}

func (u *UI) handleShowcaseTap(w http.ResponseWriter, r *http.Request) error {
	return u.tap(w, r, content.TouchShowcase, "", r.PathValue("creator"), r.PathValue("product"))
}

func (u *UI) tap(w http.ResponseWriter, r *http.Request, kind, videoID, creatorID, productID string) error {
	t, err := u.Content.Tap(r.Context(), server.Actor(r), kind, videoID, creatorID, productID)
	return openTapped(w, r, t, err)
}

// openTapped sends the buyer on to the product it tapped, t, or answers
// the tap's error: a product no longer linked is not found.
func openTapped(w http.ResponseWriter, r *http.Request, t *content.Touch, err error) error {
	if loopshop.ErrorCode(err) == loopshop.EINVALID {
		return loopshop.Errorf(loopshop.ENOTFOUND, "this product is no longer linked here")
	}
	if err != nil {
		return err
	}
	// The tap is not a page of its own: Back returns to the video.
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/products/"+url.PathEscape(t.ProductID), http.StatusSeeOther)
	return nil
}

// creatorPage is a creator's profile: its videos and its showcase.
type creatorPage struct {
	Name, ID string
	Videos   []clip
	Showcase []chip
	Locale   string
}

func (u *UI) handleCreator(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := u.Identity.Creator(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	mkt, err := u.Markets.Get(c.Market)
	if err != nil {
		return err
	}
	p := creatorPage{Name: c.DisplayName, ID: c.ID, Locale: mkt.Locale}
	if p.Videos, err = u.videosBy(ctx, c.ID, mkt.Locale); err != nil {
		return err
	}
	sc, err := u.Content.Showcase(ctx, c.ID, page.Request{Limit: page.MaxLimit})
	if err != nil {
		return err
	}
	for _, it := range sc.Items {
		if it.Available {
			p.Showcase = append(p.Showcase, chip{Anchor: it.Anchor, URL: "/c/" + url.PathEscape(c.ID) + "/" + url.PathEscape(it.ProductID)})
		}
	}
	u.render(w, r, http.StatusOK, "creator", u.view(r, c.DisplayName, mkt, p))
	return nil
}

// videosBy returns the newest videos of a shop or creator, for its profile.
func (u *UI) videosBy(ctx context.Context, author, locale string) ([]clip, error) {
	if u.Content == nil {
		return nil, nil
	}
	pg, err := u.Content.VideosBy(ctx, author, page.Request{Limit: 12})
	if err != nil {
		return nil, err
	}
	now := time.Now()
	var out []clip
	for _, v := range pg.Items {
		out = append(out, u.clipOf(v, locale, now))
	}
	return out, nil
}
