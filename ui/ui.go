// Package ui is loopshop's web interface for people: server-rendered
// html/template pages with their CSS and icons embedded in the binary, so
// the one executable serves the whole shop with no front-end build step
// and no JavaScript needed to browse, sign up or sign in.
//
// Handlers are thin, as in package api: they read the request, call a
// capability's Service with the request's actor, and render. Every page is
// rendered into a buffer before anything is written, so a template error
// yields a clean error page instead of half a page. Unknown objects get a
// 404 page; internal errors get a page quoting the request ID that the
// server log carries, and nothing of the error itself.
//
// Forms carry no CSRF token: the server's CrossOriginProtection middleware
// refuses any unsafe request a browser marks as cross-site (Sec-Fetch-Site
// or Origin), which is what a forged form post is. The session cookie is
// also SameSite=Lax and HttpOnly.
package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/media"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/payout"
	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/shipping"
	"github.com/loopshop/loopshop/university"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps are the services the pages call.
type Deps struct {
	Markets  *market.Set
	Identity *identity.Service
	Catalog  *catalog.Service
	// Content is the videos, showcases and feed; nil: the home page is
	// the product grid.
	Content *content.Service
	// Live serves live rooms' pages; nil hides them.
	Live *live.Service
	// University serves Seller University; nil hides it.
	University *university.Service
	// Affiliate and Payouts make Creator Center; nil hides it.
	Affiliate *affiliate.Service
	Payouts   *payout.Service
	// Orders lets shops work their orders in Seller Center; nil hides them.
	Orders *order.Service
	// Media holds product pictures, served under /media/.
	Media media.Store
	// Shipping holds shops' rate cards, for free-shipping badges; nil:
	// every shop ships at its market's default rates.
	Shipping shipping.Store
	// SessionTTL is how long the session cookie is kept; it matches the
	// session's own lifetime.
	SessionTTL time.Duration
	// Logger receives internal errors; nil: slog.Default().
	Logger *slog.Logger
}

// UI serves the web pages.
type UI struct {
	Deps
	pages   map[string]*template.Template
	static  http.Handler
	version string // of the static assets, for cache busting
}

// New parses the templates and returns the UI. A template that does not
// parse is a programming error, so New panics on it, as template.Must does.
func New(d Deps) *UI {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	u := &UI{Deps: d, pages: map[string]*template.Template{}}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	u.version = assetVersion(sub)
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	u.static = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") == u.version {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		files.ServeHTTP(w, r)
	})
	funcs := template.FuncMap{
		"price":       formatPrice,
		"hasPrefix":   strings.HasPrefix,
		"money":       money.New,
		"bps":         func(bps int) string { return fmt.Sprintf("%g %%", float64(bps)/100) },
		"category":    categoryName,
		"initials":    initials,
		"sentence":    sentence,
		"hue":         hue,
		"status":      statusLabel,
		"orderStatus": orderStatusLabel,
		"static":      func(name string) string { return "/static/" + name + "?v=" + u.version },
		"media": func(key string) string {
			if key == "" {
				return ""
			}
			return "/media/" + key
		},
	}
	pages, err := fs.Glob(templateFS, "templates/page_*.html")
	if err != nil {
		panic(err)
	}
	for _, p := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/page_"), ".html")
		files := []string{"templates/layout.html", p}
		if strings.HasPrefix(name, "seller") {
			files = append(files, "templates/seller_parts.html") // Seller Center's shared pieces
		}
		if strings.HasPrefix(name, "creator_") {
			files = append(files, "templates/creator_parts.html") // Creator Center's shared pieces
		}
		u.pages[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, files...))
	}
	return u
}

// assetVersion is a short hash of every static file, so a changed asset
// gets a new URL and browsers may cache each version for good.
func assetVersion(fsys fs.FS) string {
	h := sha256.New()
	_ = fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:10]
}

// Register adds the pages to srv.
func (u *UI) Register(srv *server.Server) {
	srv.HandlePage("GET /{$}", u.page(u.handleHome))
	srv.HandlePage("GET /products/{id}", u.page(u.handleProduct))
	srv.HandlePage("GET /shops/{id}", u.page(u.handleShop))
	srv.HandlePage("GET /login", u.page(u.handleLoginForm))
	srv.HandlePage("POST /login", u.page(u.handleLogin))
	srv.HandlePage("GET /signup", u.page(u.handleSignUpForm))
	srv.HandlePage("POST /signup", u.page(u.handleSignUp))
	srv.HandlePage("POST /logout", u.page(u.handleLogout))
	srv.HandlePage("GET /shop", u.page(u.handleHome))
	srv.HandlePage("GET /me", u.page(u.handleMe))
	if u.Content != nil {
		u.registerContent(srv)
		u.registerSellerVideos(srv)
		if u.Live != nil {
			u.registerLive(srv)
			srv.HandlePage("GET /live", u.page(u.handleLiveIndex))
			u.registerSellerLive(srv)
		}
		if u.Affiliate != nil && u.Payouts != nil {
			u.registerCreatorCenter(srv)
			u.registerSellerAffiliate(srv)
		}
	}
	if u.University != nil {
		u.registerUniversity(srv)
	}
	u.registerSeller(srv)
	u.registerSellerEdit(srv)
	if u.Orders != nil {
		u.registerSellerOrders(srv)
		u.registerBuyer(srv)
	}
	srv.HandlePage("GET /static/", u.static)
	srv.HandlePage("GET /media/", media.Handler(u.Media, "/media/"))
	srv.NotFoundPage(http.HandlerFunc(u.handleNotFound))
}

// handlerFunc is a page handler that returns its error for page to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (u *UI) page(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			u.fail(w, r, err)
		}
	})
}

// view is what every page's template gets: the layout's data and the
// page's own in Page.
type view struct {
	Title   string
	Actor   *identity.Actor
	Market  market.Market
	Markets []market.Market
	// Next is where signing in from this page comes back to: the
	// current path and query, empty on the sign-in pages themselves.
	Next      string
	RequestID string
	// Feed makes the page the full-height video feed.
	Feed bool
	// Tab is the phone tab bar's tab the page belongs to (tabOf).
	Tab string
	// MediaOrigin is another origin the page plays media from (a live
	// room's media server): the page's CSP lets it in, and blob: media.
	MediaOrigin string
	Page        any
}

func (u *UI) view(r *http.Request, title string, mkt market.Market, page any) *view {
	return &view{
		Title:     title,
		Actor:     server.Actor(r),
		Market:    mkt,
		Markets:   u.Markets.All(),
		Next:      nextOf(r),
		RequestID: server.RequestID(r.Context()),
		Tab:       tabOf(r.URL.Path),
		Page:      page,
	}
}

// tabOf is the phone tab bar's tab a path belongs to: home (the feed and
// videos), shop (products and shops), live, orders (with the bag and
// checkout), or me (the account and every role's centre); none for
// anything else.
func tabOf(path string) string {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	switch first {
	case "", "videos", "creators":
		return "home"
	case "shop", "products", "shops":
		return "shop"
	case "live":
		return "live"
	case "orders", "cart", "checkout":
		return "orders"
	case "me", "seller", "creator", "university", "login", "signup":
		return "me"
	}
	return ""
}

func nextOf(r *http.Request) string {
	if r.Method != http.MethodGet || r.URL.Path == "/login" || r.URL.Path == "/signup" {
		return ""
	}
	return r.URL.RequestURI()
}

// render executes a page into a buffer and writes it only once it is whole.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	t, ok := u.pages[name]
	var buf bytes.Buffer
	err := fmt.Errorf("no template %q", name)
	if ok {
		err = t.ExecuteTemplate(&buf, "layout", v)
	}
	if err != nil {
		u.Logger.ErrorContext(r.Context(), "render page", "page", name, "request_id", server.RequestID(r.Context()), "error", err.Error())
		if name != "error" {
			u.render(w, r, http.StatusInternalServerError, "error", u.view(r, "Something went wrong", v.Market, errorPage{Status: http.StatusInternalServerError, Message: loopshop.ErrorMessage(err)}))
			return
		}
		// The error page itself failed: say so in plain text.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "Something went wrong on our side. Request ID: %s\n", server.RequestID(r.Context()))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	media, connect := "'self'", "'self'"
	if v.MediaOrigin != "" {
		media, connect = "'self' blob: "+v.MediaOrigin, "'self' "+v.MediaOrigin
	}
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self' data:; media-src "+media+"; style-src 'self'; script-src 'self'; connect-src "+connect+"; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorPage is the data of the 404 and error pages.
type errorPage struct {
	Status  int
	Message string
}

// fail renders err as a page: not found, sign in, or an error page that
// tells internal errors only by their request ID.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := server.StatusOf(err)
	mkt := u.market(r)
	switch {
	case loopshop.ErrorCode(err) == loopshop.ENOTFOUND:
		u.render(w, r, http.StatusNotFound, "notfound", u.view(r, "Not found", mkt, errorPage{Status: status, Message: loopshop.ErrorMessage(err)}))
		return
	case loopshop.ErrorCode(err) == loopshop.EUNAUTHORIZED && r.Method == http.MethodGet:
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	case status >= 500:
		u.Logger.ErrorContext(r.Context(), "page failed", "path", r.URL.Path, "request_id", server.RequestID(r.Context()), "error", err.Error())
	}
	u.render(w, r, status, "error", u.view(r, "Something went wrong", mkt, errorPage{Status: status, Message: loopshop.ErrorMessage(err)}))
}

// marketCookie remembers the market a visitor chose.
const marketCookie = "market"

// market is the market a request shops in: the one asked for in the
// query, else the one remembered in the cookie, else the signed-in
// account's, else GB, else the first served.
func (u *UI) market(r *http.Request) market.Market {
	var tries []string
	tries = append(tries, r.URL.Query().Get("market"))
	if c, err := r.Cookie(marketCookie); err == nil {
		tries = append(tries, c.Value)
	}
	if a := server.Actor(r); a != nil {
		tries = append(tries, a.Market)
	}
	tries = append(tries, "GB")
	for _, code := range tries {
		if code == "" {
			continue
		}
		if m, err := u.Markets.Get(code); err == nil {
			return m
		}
	}
	all := u.Markets.All()
	if len(all) == 0 {
		return market.Market{}
	}
	return all[0]
}

// secure reports whether the request reached us over HTTPS, directly or
// through a proxy that says so, so cookies get the Secure flag.
func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
