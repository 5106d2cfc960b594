package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/config"
	"github.com/loopshop/loopshop/market"
)

// Router maps every market to the database of its region. Stores ask it for
// the database of the market (or of the ID) of the object they touch, never
// for "a" database: that is what keeps a market's personal data in its
// region by construction.
type Router struct {
	markets   *market.Set
	regions   map[string]*DB
	directory *DB
}

// NewRouter checks that every market's region has a database.
func NewRouter(markets *market.Set, regions map[string]*DB, directory *DB) (*Router, error) {
	for _, m := range markets.All() {
		if regions[m.Region] == nil {
			return nil, fmt.Errorf("market %s is assigned to region %q, which has no database", m.Code, m.Region)
		}
	}
	if directory == nil {
		return nil, errors.New("no directory database")
	}
	return &Router{markets: markets, regions: regions, directory: directory}, nil
}

// OpenRouter opens the directory and every region database the
// configuration names. It does not migrate; call Migrate.
func OpenRouter(ctx context.Context, cfg *config.Config) (*Router, error) {
	opt := Options{SQLiteSynchronous: cfg.SQLiteSynchronous}
	regions := map[string]*DB{}
	closeAll := func() {
		for _, db := range regions {
			db.Close()
		}
	}
	for _, name := range cfg.RegionNames() {
		db, err := Open(ctx, cfg.Regions[name], opt)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("region %s: %w", name, err)
		}
		regions[name] = db
	}
	dir, err := Open(ctx, cfg.Directory, opt)
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("directory: %w", err)
	}
	r, err := NewRouter(cfg.MarketSet(), regions, dir)
	if err != nil {
		closeAll()
		dir.Close()
		return nil, err
	}
	return r, nil
}

// Migrate brings the directory and every region up to date.
func (r *Router) Migrate(ctx context.Context) error {
	if err := r.directory.Migrate(ctx, DirectorySchema); err != nil {
		return err
	}
	for _, name := range r.RegionNames() {
		if err := r.regions[name].Migrate(ctx, RegionSchema); err != nil {
			return fmt.Errorf("region %s: %w", name, err)
		}
	}
	return nil
}

// Markets returns the markets served.
func (r *Router) Markets() *market.Set { return r.markets }

// Market returns the database of market code's region, and the market.
func (r *Router) Market(code string) (*DB, market.Market, error) {
	m, err := r.markets.Get(code)
	if err != nil {
		return nil, market.Market{}, err
	}
	return r.regions[m.Region], m, nil
}

// ForMarket returns the database of market code's region.
func (r *Router) ForMarket(code string) (*DB, error) {
	db, _, err := r.Market(code)
	return db, err
}

// ForID returns the database of the region of the market that id (made by
// loopshop.NewID) belongs to. An ID that names no served market is not found.
func (r *Router) ForID(id string) (*DB, error) {
	code, ok := loopshop.MarketOf(id)
	if !ok {
		return nil, loopshop.ErrNotFound
	}
	db, _, err := r.Market(code)
	if err != nil {
		return nil, loopshop.ErrNotFound
	}
	return db, nil
}

// Region returns the named region's database, or nil.
func (r *Router) Region(name string) *DB { return r.regions[name] }

// RegionNames returns the regions, sorted.
func (r *Router) RegionNames() []string {
	out := make([]string, 0, len(r.regions))
	for n := range r.regions {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Directory returns the global directory's database.
func (r *Router) Directory() *DB { return r.directory }

// Ping checks every database.
func (r *Router) Ping(ctx context.Context) error {
	err := r.directory.Ping(ctx)
	for _, name := range r.RegionNames() {
		if e := r.regions[name].Ping(ctx); e != nil {
			err = errors.Join(err, fmt.Errorf("region %s: %w", name, e))
		}
	}
	return err
}

// Close closes every database.
func (r *Router) Close() error {
	err := r.directory.Close()
	for _, db := range r.regions {
		err = errors.Join(err, db.Close())
	}
	return err
}
