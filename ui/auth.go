package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/server"
)

// formPage is the data of the sign-in and sign-up forms: what was typed
// (never the password) and the error to show, with the field at fault.
type formPage struct {
	Email       string
	DisplayName string
	Market      string
	Creator     bool
	Next        string
	Error       string
	Field       string
	Markets     []market.Market
}

func (u *UI) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	if server.Actor(r) != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	u.render(w, r, http.StatusOK, "login", u.view(r, "Sign in", u.market(r), formPage{Next: r.URL.Query().Get("next")}))
	return nil
}

func (u *UI) handleLogin(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return loopshop.Errorf(loopshop.EINVALID, "the form could not be read; reload the page and try again")
	}
	f := formPage{Email: strings.TrimSpace(r.PostForm.Get("email")), Next: r.PostForm.Get("next")}
	token, _, err := u.Identity.Login(r.Context(), f.Email, r.PostForm.Get("password"), identity.SessionWeb)
	if err != nil {
		if loopshop.ErrorCode(err) == loopshop.EINTERNAL {
			return err
		}
		f.Error, f.Field = loopshop.ErrorMessage(err), loopshop.ErrorField(err)
		if f.Field == "" {
			f.Field = "password" // a wrong address or password: retype the password
		}
		u.render(w, r, server.StatusOf(err), "login", u.view(r, "Sign in", u.market(r), f))
		return nil
	}
	u.setSession(w, r, token)
	next := localPath(f.Next)
	if next == "/" {
		// Signing in from nowhere in particular: sellers go to their
		// work, everyone else to the feed.
		if a, err := u.Identity.Authenticate(r.Context(), token); err == nil && len(a.Shops) > 0 {
			next = "/seller"
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (u *UI) handleSignUpForm(w http.ResponseWriter, r *http.Request) error {
	if server.Actor(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	mkt := u.market(r)
	u.render(w, r, http.StatusOK, "signup", u.view(r, "Create your account", mkt, formPage{Market: mkt.Code, Markets: u.Markets.All(), Next: r.URL.Query().Get("next")}))
	return nil
}

func (u *UI) handleSignUp(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return loopshop.Errorf(loopshop.EINVALID, "the form could not be read; reload the page and try again")
	}
	f := formPage{
		Email:       strings.TrimSpace(r.PostForm.Get("email")),
		DisplayName: strings.TrimSpace(r.PostForm.Get("display_name")),
		Market:      r.PostForm.Get("market"),
		Creator:     r.PostForm.Get("creator") != "",
		Next:        r.PostForm.Get("next"),
		Markets:     u.Markets.All(),
	}
	acct, err := u.Identity.SignUp(r.Context(), identity.SignUp{
		Market: f.Market, Email: f.Email, Password: r.PostForm.Get("password"), DisplayName: f.DisplayName, Creator: f.Creator,
	})
	if err != nil {
		if loopshop.ErrorCode(err) == loopshop.EINTERNAL {
			return err
		}
		f.Error, f.Field = loopshop.ErrorMessage(err), loopshop.ErrorField(err)
		u.render(w, r, server.StatusOf(err), "signup", u.view(r, "Create your account", u.market(r), f))
		return nil
	}
	// A new account is signed in at once, in the market it chose.
	token, err := u.Identity.StartSession(r.Context(), acct, identity.SessionWeb)
	if err != nil {
		return err
	}
	u.setSession(w, r, token)
	http.SetCookie(w, &http.Cookie{Name: marketCookie, Value: acct.Market, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, localPath(f.Next), http.StatusSeeOther)
	return nil
}

func (u *UI) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if a := server.Actor(r); a != nil && a.Session == identity.SessionWeb {
		if err := u.Identity.Logout(r.Context(), server.SessionToken(r)); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: server.SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// setSession hands the browser its session token in a cookie scripts
// cannot read and other sites' requests do not carry on unsafe methods.
func (u *UI) setSession(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: server.SessionCookie, Value: token, Path: "/",
		MaxAge:   int(u.SessionTTL.Seconds()),
		HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// localPath returns next if it is a path on this site, else "/": a
// sign-in link must not become a way to send people elsewhere.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}
