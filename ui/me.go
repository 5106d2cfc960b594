package ui

import (
	"net/http"
	"slices"

	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/server"
)

// The phone's tab bar (layout.html) has five tabs: Home, Shop, Live,
// Orders and Me. The header keeps only the brand, the sections and the
// market on a phone, so everything else the header offers on a desktop
// (the bag, the centres, signing in and out) is on the Me page.

// mePage is the account tab: where a signed-in person goes to their
// bag, orders and centres, or a visitor signs in.
type mePage struct {
	// University is whether Seller University is served.
	University bool
	// Shops are the shops the actor works for, sorted.
	Shops []string
}

func (u *UI) handleMe(w http.ResponseWriter, r *http.Request) error {
	p := &mePage{University: u.University != nil}
	if a := server.Actor(r); a != nil {
		for id := range a.Shops {
			p.Shops = append(p.Shops, id)
		}
		slices.Sort(p.Shops)
	}
	u.render(w, r, http.StatusOK, "me", u.view(r, "Me", u.market(r), p))
	return nil
}

// liveIndexPage is the Live tab: the market's rooms live now and its
// latest replays.
type liveIndexPage struct {
	Live, Replays []*live.Room
}

func (u *UI) handleLiveIndex(w http.ResponseWriter, r *http.Request) error {
	mkt := u.market(r)
	now, err := u.Live.LiveNow(r.Context(), mkt.Code)
	if err != nil {
		return err
	}
	replays, err := u.Live.Replays(r.Context(), mkt.Code)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "live_index", u.view(r, "Live", mkt, &liveIndexPage{Live: now, Replays: replays}))
	return nil
}

// handleNotFound answers a path no page has with the styled not-found
// page (and a method a page does not take with the error page), instead
// of the mux's plain text.
func (u *UI) handleNotFound(w http.ResponseWriter, r *http.Request) {
	mkt := u.market(r)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		u.render(w, r, http.StatusMethodNotAllowed, "error", u.view(r, "Not allowed", mkt, errorPage{Status: http.StatusMethodNotAllowed, Message: r.Method + " is not allowed here: open the page and use its buttons"}))
		return
	}
	u.render(w, r, http.StatusNotFound, "notfound", u.view(r, "Not found", mkt, errorPage{Status: http.StatusNotFound}))
}
