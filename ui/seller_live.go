package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/server"
)

func (u *UI) registerSellerLive(srv *server.Server) {
	srv.HandlePage("GET /seller/shops/{id}/live", u.page(u.handleSellerLive))
	srv.HandlePage("POST /seller/shops/{id}/live", u.page(u.handleSellerCreateRoom))
}

// sellerLivePage lists a shop's live rooms and sets up new ones.
type sellerLivePage struct {
	SellerHead
	Rooms    []*live.Room
	Products []*catalog.Product
	Videos   []*content.Video
	Form     roomForm
	Error    string
	Locale   string
}

type roomForm struct {
	Title, StreamURL, VideoID string
	Products                  map[string]bool
}

func (u *UI) handleSellerLive(w http.ResponseWriter, r *http.Request) error {
	return u.renderSellerLive(w, r, http.StatusOK, &sellerLivePage{})
}

func (u *UI) renderSellerLive(w http.ResponseWriter, r *http.Request, status int, p *sellerLivePage) error {
	ctx, actor := r.Context(), server.Actor(r)
	shop, mkt, err := u.sellerShop(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	p.SellerHead, p.Locale = newSellerHead(shop, "Live"), mkt.Locale
	if p.Rooms, err = u.Live.RoomsOfShop(ctx, actor, shop.ID); err != nil {
		return err
	}
	pg, err := u.Catalog.ShopTab(ctx, shop.ID, page.Request{Limit: page.MaxLimit})
	if err != nil {
		return err
	}
	p.Products = pg.Items
	vs, err := u.Content.VideosBy(ctx, shop.ID, page.Request{Limit: 20})
	if err != nil {
		return err
	}
	p.Videos = vs.Items
	u.render(w, r, status, "seller_live", u.view(r, "Live · "+shop.Name, mkt, p))
	return nil
}

func (u *UI) handleSellerCreateRoom(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return loopshop.Errorf(loopshop.EINVALID, "the form could not be read; reload the page and try again")
	}
	f := r.PostForm
	p := &sellerLivePage{Form: roomForm{Title: f.Get("title"), StreamURL: strings.TrimSpace(f.Get("stream_url")), VideoID: f.Get("video_id"), Products: map[string]bool{}}}
	for _, id := range f["products"] {
		p.Form.Products[id] = true
	}
	room, err := u.Live.CreateRoom(r.Context(), server.Actor(r), live.NewRoom{ShopID: r.PathValue("id"), Title: p.Form.Title, StreamURL: p.Form.StreamURL,
		VideoID: p.Form.VideoID, Products: f["products"]})
	if err != nil {
		switch loopshop.ErrorCode(err) {
		case loopshop.EINVALID, loopshop.ECONFLICT:
			p.Error = sentence(loopshop.ErrorMessage(err))
			return u.renderSellerLive(w, r, server.StatusOf(err), p)
		}
		return err
	}
	http.Redirect(w, r, "/live/"+url.PathEscape(room.ID)+"/host", http.StatusSeeOther)
	return nil
}
