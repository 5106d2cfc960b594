package ui

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/server"
)

// videoUploadBytes is the body limit of the video form: the video, its
// poster and the fields.
const videoUploadBytes = content.MaxVideoBytes + content.MaxPosterBytes + 1<<20

func (u *UI) registerSellerVideos(srv *server.Server) {
	srv.HandlePage("GET /seller/shops/{id}/videos", u.page(u.handleSellerVideos))
	srv.HandlePageLimit("POST /seller/shops/{id}/videos", videoUploadBytes, u.page(u.handleSellerPostVideo))
	srv.HandlePage("POST /seller/videos/{id}/remove", u.page(u.handleSellerRemoveVideo))
}

// sellerVideosPage lists a shop's videos and offers the form to post one.
type sellerVideosPage struct {
	SellerHead
	Videos   []clip
	Products []*catalog.Product // live products, to anchor
	Form     videoForm
	Error    string
	Field    string
	Posted   string // the caption of the video just posted
	Locale   string
}

// videoForm is what the seller typed, kept when the post is refused.
type videoForm struct {
	Caption    string
	Anchors    map[string]bool
	PromoText  string
	PromoOff   string
	PromoHours string
}

func (u *UI) handleSellerVideos(w http.ResponseWriter, r *http.Request) error {
	shop, mkt, err := u.sellerShop(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := sellerVideosPage{SellerHead: newSellerHead(shop, "Videos"), Posted: r.URL.Query().Get("posted"), Form: videoForm{PromoHours: "72"}}
	return u.renderSellerVideos(w, r, http.StatusOK, mkt, &p)
}

func (u *UI) renderSellerVideos(w http.ResponseWriter, r *http.Request, status int, mkt market.Market, p *sellerVideosPage) error {
	ctx := r.Context()
	p.Locale = mkt.Locale
	var err error
	if p.Videos, err = u.videosBy(ctx, p.Shop.ID, mkt.Locale); err != nil {
		return err
	}
	pg, err := u.Catalog.ShopTab(ctx, p.Shop.ID, page.Request{Limit: page.MaxLimit})
	if err != nil {
		return err
	}
	p.Products = pg.Items
	u.render(w, r, status, "seller_videos", u.view(r, "Videos · "+p.Shop.Name, mkt, p))
	return nil
}

func (u *UI) handleSellerPostVideo(w http.ResponseWriter, r *http.Request) error {
	shop, mkt, err := u.sellerShop(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := sellerVideosPage{SellerHead: newSellerHead(shop, "Videos")}
	fail := func(status int, field, msg string) error {
		p.Field, p.Error = field, msg
		return u.renderSellerVideos(w, r, status, mkt, &p)
	}
	err = r.ParseMultipartForm(8 << 20)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return fail(http.StatusRequestEntityTooLarge, "video", fmt.Sprintf("The upload is too large: a video may be up to %d MiB and its poster %d MiB.", content.MaxVideoBytes>>20, content.MaxPosterBytes>>20))
	case err != nil:
		return fail(http.StatusBadRequest, "video", "The upload could not be read. Choose the files again and resend the form.")
	}
	f := r.MultipartForm.Value
	first := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	p.Form = videoForm{Caption: first("caption"), Anchors: map[string]bool{}, PromoText: first("promo_text"), PromoOff: first("promo_off"), PromoHours: first("promo_hours")}
	in := content.NewVideo{ShopID: shop.ID, Caption: p.Form.Caption, Anchors: f["anchors"]}
	for _, id := range in.Anchors {
		p.Form.Anchors[id] = true
	}
	if p.Form.PromoText != "" {
		off, err1 := strconv.Atoi(cmp.Or(p.Form.PromoOff, "0"))
		hours, err2 := strconv.Atoi(cmp.Or(p.Form.PromoHours, "72"))
		if err1 != nil {
			return fail(http.StatusBadRequest, "promo_tile.discount_percent", "Give the discount as a whole number of percent, or leave it empty.")
		}
		if err2 != nil || hours < 1 {
			return fail(http.StatusBadRequest, "promo_tile.ends_at", "Give how many hours the promotion runs, as a whole number.")
		}
		in.Promo = &content.PromoTile{Text: p.Form.PromoText, DiscountPercent: off, EndsAt: time.Now().Add(time.Duration(hours) * time.Hour)}
	}
	video, _, err := r.FormFile("video")
	if err != nil {
		return fail(http.StatusBadRequest, "video", "Choose the video file to post (MP4 or WebM).")
	}
	defer video.Close()
	up := content.Upload{Video: video}
	if poster, hdr, err := r.FormFile("poster"); err == nil && hdr.Size > 0 {
		defer poster.Close()
		up.Poster = poster
	}
	v, err := u.Content.PostVideo(r.Context(), server.Actor(r), in, up)
	if err != nil {
		switch loopshop.ErrorCode(err) {
		case loopshop.EINVALID, loopshop.ETOOLARGE, loopshop.ECONFLICT:
			return fail(server.StatusOf(err), loopshop.ErrorField(err), sentence(loopshop.ErrorMessage(err)))
		}
		return err
	}
	http.Redirect(w, r, "/seller/shops/"+url.PathEscape(shop.ID)+"/videos?"+url.Values{"posted": {cmp.Or(v.Caption, "Your video")}}.Encode(), http.StatusSeeOther)
	return nil
}

func (u *UI) handleSellerRemoveVideo(w http.ResponseWriter, r *http.Request) error {
	v, err := u.Content.Video(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := u.Content.RemoveVideo(r.Context(), server.Actor(r), v.ID); err != nil {
		return err
	}
	next := "/"
	if v.ShopID != "" {
		next = "/seller/shops/" + url.PathEscape(v.ShopID) + "/videos"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
