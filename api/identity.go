package api

import (
	"net/http"
	"time"

	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/server"
)

// MarketList is the body of GET /api/v1/markets.
type MarketList struct {
	Markets []market.Market `json:"markets"`
}

func (a *API) handleMarkets(w http.ResponseWriter, r *http.Request) error {
	return server.JSON(w, http.StatusOK, MarketList{Markets: a.Markets.All()})
}

func (a *API) handleSignUp(w http.ResponseWriter, r *http.Request) error {
	var in identity.SignUp
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	acc, err := a.Identity.SignUp(r.Context(), in)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusCreated, acc)
}

func (a *API) handleAccount(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.Identity.Account(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, acc)
}

// Credentials sign an account in.
type Credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// NewSession is a fresh sign-in. The token is shown only here.
type NewSession struct {
	Token     string            `json:"token"`
	ExpiresAt time.Time         `json:"expires_at"`
	Account   *identity.Account `json:"account"`
}

func (a *API) handleLogin(w http.ResponseWriter, r *http.Request) error {
	var in Credentials
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	tok, acc, err := a.Identity.Login(r.Context(), in.Email, in.Password, identity.SessionAPI)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return server.JSON(w, http.StatusCreated, NewSession{Token: tok, ExpiresAt: identity.Now().Add(a.SessionTTL), Account: acc})
}

func (a *API) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if err := a.Identity.Logout(r.Context(), server.SessionToken(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Me is the signed-in account as it sees itself.
type Me struct {
	AccountID   string                `json:"account_id"`
	Market      string                `json:"market"`
	DisplayName string                `json:"display_name"`
	IsCreator   bool                  `json:"is_creator"`
	StaffRoles  []identity.StaffRole  `json:"staff_roles,omitempty"`
	Shops       []identity.Membership `json:"shops"`
}

func (a *API) handleMe(w http.ResponseWriter, r *http.Request) error {
	act := server.Actor(r)
	me := Me{AccountID: act.AccountID, Market: act.Market, DisplayName: act.DisplayName, IsCreator: act.IsCreator, StaffRoles: act.StaffRoles, Shops: []identity.Membership{}}
	for id, role := range act.Shops {
		me.Shops = append(me.Shops, identity.Membership{ShopID: id, Role: role})
	}
	return server.JSON(w, http.StatusOK, me)
}
