// Package platform builds the whole of loopshop's business side — every
// service, tied to the others it needs — over a region router. It is the
// one place that wiring is written: the command, the demo, the benchmarks
// and the tests all get their services from New, so a dependency added to
// a service is added here once, and a platform built without a part fails
// to build instead of running with that part's feature quietly off.
//
// Services receive what they need through their constructors, never
// through setters called afterwards. Where two capabilities need each
// other (content asks affiliate whether a creator may promote a product;
// affiliate checks the video that fulfils a free sample), one of them reads
// the other's store instead of its service, so that each can be built after
// the one it needs.
package platform

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/fetch"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/linkpolicy"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/media"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/payout"
	"github.com/loopshop/loopshop/shipping"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/university"
)

// Options are the parts of a platform that come from outside its
// databases. Payments, Media and Secret are needed; the others have
// defaults.
type Options struct {
	// Payments takes card payments: &payment.TestCard{} or Stripe.
	Payments payment.Provider
	// Media keeps uploads: product pictures, videos, posters.
	Media media.Store
	// Secret keys the directory's login hashes; every server of a
	// deployment shares it.
	Secret string

	// Clock is every service's clock; nil is identity.Now. Tests that move
	// time pass a clock they control.
	Clock func() time.Time
	// Hub carries live rooms' events to viewers; nil is the regions' own
	// (PostgreSQL LISTEN/NOTIFY, in-process on SQLite), closed by Close.
	Hub live.Hub
	// PublicURL is the platform's own address, whose links the link
	// policy lets through; "" lets none through.
	PublicURL string
	// Fetcher fetches product images given by URL; nil reaches the public
	// internet only.
	Fetcher *fetch.Fetcher
	// Courses are Seller University's; nil is the courses shipped in the
	// binary.
	Courses *university.Catalog
	// SessionTTL is how long a session lasts; 0 is 30 days.
	SessionTTL time.Duration
	// AttributionWindow is how long a tap on content counts for an order;
	// 0 is content.DefaultAttributionWindow.
	AttributionWindow time.Duration
	// Logger receives the background work's messages; nil discards them.
	Logger *slog.Logger
}

// DefaultSessionTTL is a session's lifetime when Options has none.
const DefaultSessionTTL = 30 * 24 * time.Hour

// Platform is every service of loopshop, built and tied together.
type Platform struct {
	Router     *sqlstore.Router
	Markets    *market.Set
	Links      *linkpolicy.Policy
	Media      media.Store
	Identity   *identity.Service
	Catalog    *catalog.Service
	Shipping   *shipping.Service
	Orders     *order.Service
	Payouts    *payout.Service
	Content    *content.Service
	Affiliate  *affiliate.Service
	Live       *live.Service
	University *university.Service
	// Jobs runs the background jobs of every region, with every kind of
	// job registered; Start runs it.
	Jobs *jobs.Runner
	// Hub is the live rooms' event hub.
	Hub live.Hub

	closeHub func() error
}

// New builds the platform over r's databases, which must be migrated.
func New(r *sqlstore.Router, o Options) (_ *Platform, err error) {
	if err := loopshop.Needs("platform", map[string]bool{"Router": r != nil, "Payments": o.Payments != nil,
		"Media": o.Media != nil, "Secret": o.Secret != ""}); err != nil {
		return nil, err
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Fetcher == nil {
		o.Fetcher = fetch.New(fetch.Options{})
	}
	if o.Courses == nil {
		o.Courses = university.Courses()
	}
	if o.SessionTTL == 0 {
		o.SessionTTL = DefaultSessionTTL
	}
	var allowed []string
	if o.PublicURL != "" {
		allowed = []string{o.PublicURL}
	}
	links, err := linkpolicy.New(linkpolicy.Options{AllowedHosts: allowed})
	if err != nil {
		return nil, fmt.Errorf("platform: public URL: %w", err)
	}

	p := &Platform{Router: r, Markets: r.Markets(), Links: links, Media: o.Media, Hub: o.Hub}
	if p.Hub == nil {
		hub := sqlstore.NewNotifyHub(r, live.NewLocalHub(), o.Logger)
		p.Hub, p.closeHub = hub, hub.Close
		defer func() {
			if err != nil {
				hub.Close() // a platform that was not built listens to nothing
			}
		}()
	}
	catalogStore, contentStore := sqlstore.NewCatalogStore(r), sqlstore.NewContentStore(r)
	shippingStore, books := sqlstore.NewShippingStore(r), sqlstore.NewLedgerStore(r)

	p.Identity = identity.NewService(sqlstore.NewIdentityStore(r), p.Markets, o.Secret, o.SessionTTL)
	p.Shipping = shipping.NewService(shippingStore, p.Markets)
	p.Payouts = payout.NewService(books, p.Markets)
	p.University = university.NewService(sqlstore.NewUniversityStore(r), o.Courses, o.Clock)
	// The order of what follows is the order of need: creators promote
	// what their affiliate plans cover; live rooms sell what content may
	// link; checkout prices flash sales and coupons of live rooms, the
	// commission of affiliate plans, and credits content.
	p.Catalog, err = catalog.NewService(catalog.Deps{Store: catalogStore, Markets: p.Markets, Links: links,
		Images: catalog.ImageImport{Media: o.Media, Fetcher: o.Fetcher, Log: o.Logger}, Now: o.Clock})
	if err != nil {
		return nil, err
	}
	p.Affiliate, err = affiliate.NewService(affiliate.Deps{Store: sqlstore.NewAffiliateStore(r), Catalog: catalogStore, Markets: p.Markets,
		Links: links, Videos: contentStore, Now: o.Clock})
	if err != nil {
		return nil, err
	}
	p.Content, err = content.NewService(content.Deps{Store: contentStore, Catalog: catalogStore, Media: o.Media, Markets: p.Markets,
		Links: links, Affiliation: p.Affiliate, Now: o.Clock, Window: o.AttributionWindow})
	if err != nil {
		return nil, err
	}
	p.Live, err = live.NewService(live.Deps{Store: sqlstore.NewLiveStore(r), Hub: p.Hub, Linker: p.Content, Catalog: catalogStore,
		Markets: p.Markets, Links: links, Training: p.University.Gate(university.CapabilityLive), Touches: contentStore, Now: o.Clock})
	if err != nil {
		return nil, err
	}
	p.Orders, err = order.NewService(order.Deps{Store: sqlstore.NewOrderStore(r), Markets: p.Markets, Rates: shippingStore,
		Cards: o.Payments, Attribution: p.Content, Commissions: p.Affiliate, Flash: p.Live, Coupons: p.Live, Now: o.Clock})
	if err != nil {
		return nil, err
	}

	// Every kind of job is registered before the runner can start, so no
	// job is claimed by a runner that cannot handle it.
	p.Jobs = jobs.NewRunner(sqlstore.NewJobStore(r), r.RegionNames(), o.Logger)
	p.Jobs.Now = o.Clock
	p.Catalog.RegisterJobs(p.Jobs)
	p.Orders.RegisterJobs(p.Jobs, books)
	return p, nil
}

// Start runs the background work — the job runner and the live rooms'
// viewer counts — until the returned stop is called, which waits for it.
func (p *Platform) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	jobsDone, viewersDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(jobsDone); p.Jobs.Run(ctx) }()
	go func() { defer close(viewersDone); p.Live.Viewers().Run(ctx, time.Second) }()
	return func() { cancel(); <-jobsDone; <-viewersDone }
}

// Close releases what New opened: the live hub's connections, when the
// platform made the hub. The router and the media store are the caller's.
func (p *Platform) Close() error {
	if p.closeHub == nil {
		return nil
	}
	err := p.closeHub()
	p.closeHub = nil
	return err
}
