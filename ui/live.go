package ui

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/university"
)

func (u *UI) registerLive(srv *server.Server) {
	srv.HandlePage("GET /live/{id}", u.page(u.handleLiveRoom))
	srv.HandlePage("GET /live/{id}/t/{product}", u.page(u.handleLiveTap))
	srv.HandlePage("GET /live/{id}/host", u.page(u.handleLiveHost))
	srv.HandlePage("POST /live/{id}/host/{action}", u.page(u.handleLiveHostAction))
}

// livePage is a room as its viewers see it; the script keeps it current.
type livePage struct {
	Room     *live.Room
	VideoURL string // the stream, or the looped video's file
	Loop     bool
	// HLS: the video is an HLS playlist, played by hls.js where the
	// browser cannot.
	HLS      bool
	Locale   string
	Messages []*live.Message
	// Offers is what the room offers the viewer on arrival, painted as
	// the page's script paints the events that bring them (Flash is the
	// sale as painted); the script takes Offers up from the page to run
	// the countdown and the claims.
	Offers *live.Offers
	Flash  *liveFlash
}

// liveFlash is the running flash sale as the page paints it.
type liveFlash struct {
	*live.RunningFlash
	DealPrice money.Money
	// Off is the percentage off the product's price; Left the countdown's
	// first reading (m:ss).
	Off  int64
	Left string
	// Checkout buys the deal.
	Checkout string
}

func newLiveFlash(f *live.RunningFlash) *liveFlash {
	v := &liveFlash{RunningFlash: f, DealPrice: money.New(f.Price, f.Product.Price.Currency),
		Left:     fmt.Sprintf("%d:%02d", f.SecondsLeft/60, f.SecondsLeft%60),
		Checkout: "/checkout?" + url.Values{"flash": {f.ID}, "sku": {f.SKUID}}.Encode()}
	if regular := f.Product.Price.Amount; regular > 0 {
		// Rounded as the script rounds it.
		v.Off = int64(math.Round(100 - 100*float64(f.Price)/float64(regular)))
	}
	return v
}

// handleLiveTap records a tap on a product of the room and opens the
// product's page: the buyer's order of it is credited to the room.
func (u *UI) handleLiveTap(w http.ResponseWriter, r *http.Request) error {
	t, err := u.Live.Tap(r.Context(), server.Actor(r), r.PathValue("id"), r.PathValue("product"))
	return openTapped(w, r, t, err)
}

// originHost is a host that may go into a Content-Security-Policy as is.
var originHost = regexp.MustCompile(`^[A-Za-z0-9.-]+(:[0-9]+)?$`)

// liveVideo is what the room plays: its replay once published, else its
// stream, else its video in a loop.
func (u *UI) liveVideo(r *http.Request, room *live.Room) (string, bool) {
	if room.Status == live.Replay {
		if room.ReplayURL != "" {
			return room.ReplayURL, false
		}
		if v, err := u.Content.Video(r.Context(), nil, room.ReplayVideoID); err == nil {
			return "/media/" + v.MediaKey, false
		}
		return "", false
	}
	if room.StreamURL != "" {
		return room.StreamURL, false
	}
	if v, err := u.Content.Video(r.Context(), nil, room.VideoID); err == nil {
		return "/media/" + v.MediaKey, true
	}
	return "", false
}

func (u *UI) handleLiveRoom(w http.ResponseWriter, r *http.Request) error {
	room, err := u.Live.Room(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	mkt, err := u.Markets.Get(room.Market)
	if err != nil {
		return err
	}
	p := livePage{Room: room, Locale: mkt.Locale}
	p.VideoURL, p.Loop = u.liveVideo(r, room)
	v := u.view(r, room.Title, mkt, p)
	if pl, err := url.Parse(p.VideoURL); err == nil && pl.Host != "" && originHost.MatchString(pl.Host) {
		// A stream from a media server: the page may load it from there,
		// and hls.js feeds it to the video element through a blob: URL.
		p.HLS = strings.HasSuffix(strings.ToLower(pl.Path), ".m3u8")
		v.MediaOrigin = pl.Scheme + "://" + pl.Host
	}
	if p.Messages, err = u.Live.Messages(r.Context(), room.ID); err != nil {
		return err
	}
	if p.Offers, err = u.Live.Offers(r.Context(), server.Actor(r), room); err != nil {
		return err
	}
	if p.Offers.Flash != nil {
		p.Flash = newLiveFlash(p.Offers.Flash)
	}
	v.Page = p
	v.Feed = true
	u.render(w, r, http.StatusOK, "live", v)
	return nil
}

// liveHostPage is the host's desk for a room.
type liveHostPage struct {
	Room      *live.Room
	Analytics *live.Analytics
	SKUs      []hostSKU
	Notice    string
	Error     string
	Locale    string
	// Course is the Seller University course the host must pass before
	// going live, if any.
	Course *university.Course
	// Videos are the host's videos, to publish one as the replay.
	Videos []*content.Video
}

type hostSKU struct {
	ID, Label string
	Price     money.Money
}

func (u *UI) handleLiveHost(w http.ResponseWriter, r *http.Request) error {
	return u.renderLiveHost(w, r, http.StatusOK, r.URL.Query().Get("done"), "")
}

func (u *UI) renderLiveHost(w http.ResponseWriter, r *http.Request, status int, notice, problem string) error {
	ctx, actor := r.Context(), server.Actor(r)
	if actor == nil {
		return loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to host")
	}
	a, err := u.Live.Analytics(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	room, err := u.Live.Room(ctx, a.RoomID)
	if err != nil {
		return err
	}
	mkt, err := u.Markets.Get(room.Market)
	if err != nil {
		return err
	}
	p := liveHostPage{Room: room, Analytics: a, Notice: notice, Error: problem, Locale: mkt.Locale}
	switch room.Status {
	case live.Scheduled:
		if u.University != nil {
			if p.Course, err = u.University.Missing(ctx, actor, university.CapabilityLive); err != nil {
				return err
			}
		}
	case live.Ended, live.Replay:
		vs, err := u.Content.VideosBy(ctx, room.Host(), page.Request{Limit: 50})
		if err != nil {
			return err
		}
		p.Videos = vs.Items
	}
	for _, b := range room.Bag {
		prod, err := u.Catalog.Product(ctx, actor, b.ProductID)
		if err != nil {
			continue
		}
		for _, k := range prod.SKUs {
			label := prod.Title
			if len(k.Options) > 0 {
				label += " · " + strings.Join(k.Options, " / ")
			}
			p.SKUs = append(p.SKUs, hostSKU{ID: k.ID, Label: label, Price: k.Price})
		}
	}
	u.render(w, r, status, "live_host", u.view(r, "Host · "+room.Title, mkt, p))
	return nil
}

func (u *UI) handleLiveHostAction(w http.ResponseWriter, r *http.Request) error {
	ctx, actor, id := r.Context(), server.Actor(r), r.PathValue("id")
	var err error
	var notice string
	switch r.PathValue("action") {
	case "start":
		_, err = u.Live.Start(ctx, actor, id)
		notice = "You are live."
	case "end":
		_, err = u.Live.End(ctx, actor, id)
		notice = "The room has ended. Publish its replay for those who missed it."
	case "replay":
		in := live.NewReplay{URL: strings.TrimSpace(r.PostFormValue("url"))}
		if in.URL == "" {
			in.VideoID = r.PostFormValue("video_id")
		}
		_, err = u.Live.PublishReplay(ctx, actor, id, in)
		notice = "The replay is published: viewers can watch the room and buy from its bag."
	case "pin":
		_, err = u.Live.Pin(ctx, actor, id, r.PostFormValue("product_id"))
		notice = "Pinned for every viewer."
	case "flash":
		room, rerr := u.Live.Room(ctx, id)
		if rerr != nil {
			return rerr
		}
		in := live.NewFlash{SKUID: r.PostFormValue("sku_id")}
		price, perr := money.Parse(r.PostFormValue("price"), u.marketOf(room.Market).Currency)
		q, qerr := strconv.ParseInt(r.PostFormValue("quantity"), 10, 64)
		pb, berr := strconv.ParseInt(r.PostFormValue("per_buyer"), 10, 64)
		secs, serr := strconv.Atoi(r.PostFormValue("seconds"))
		switch {
		case perr != nil:
			err = loopshop.Invalid("price", "give the deal price as an amount, such as 9.99")
		case qerr != nil || berr != nil || serr != nil:
			err = loopshop.Invalid("quantity", "quantity, per-buyer limit and seconds are whole numbers")
		default:
			in.Price, in.Quantity, in.PerBuyer, in.Seconds = price.Amount, q, pb, secs
			_, err = u.Live.StartFlash(ctx, actor, id, in)
		}
		notice = "The flash sale is on."
	case "coupon":
		room, rerr := u.Live.Room(ctx, id)
		if rerr != nil {
			return rerr
		}
		cur := u.marketOf(room.Market).Currency
		off, oerr := money.Parse(r.PostFormValue("amount_off"), cur)
		minSpend, merr := money.Parse(cmp.Or(r.PostFormValue("min_spend"), "0"), cur)
		q, qerr := strconv.ParseInt(r.PostFormValue("quantity"), 10, 64)
		hours, herr := strconv.Atoi(r.PostFormValue("hours"))
		switch {
		case oerr != nil || merr != nil:
			err = loopshop.Invalid("amount_off", "give the amounts as such as 5.00")
		case qerr != nil || herr != nil:
			err = loopshop.Invalid("quantity", "quantity and hours are whole numbers")
		default:
			_, err = u.Live.StartCoupon(ctx, actor, id, live.NewCoupon{AmountOff: off.Amount, MinSpend: minSpend.Amount, Quantity: q, Hours: hours})
		}
		notice = "Coupons are out: viewers can claim them now."
	default:
		return loopshop.Errorf(loopshop.ENOTFOUND, "no such action")
	}
	if err != nil {
		switch loopshop.ErrorCode(err) {
		case loopshop.EINVALID, loopshop.ECONFLICT:
			return u.renderLiveHost(w, r, server.StatusOf(err), "", sentence(loopshop.ErrorMessage(err)))
		case loopshop.EFORBIDDEN:
			if loopshop.ErrorField(err) == "course" { // the page says which course
				return u.renderLiveHost(w, r, server.StatusOf(err), "", "")
			}
		}
		return err
	}
	http.Redirect(w, r, "/live/"+url.PathEscape(id)+"/host?"+url.Values{"done": {notice}}.Encode(), http.StatusSeeOther)
	return nil
}
