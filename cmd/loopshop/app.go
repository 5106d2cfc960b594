package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/api"
	"github.com/loopshop/loopshop/config"
	"github.com/loopshop/loopshop/demo"
	"github.com/loopshop/loopshop/media"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/ui"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

// Version returns the build's version: the ldflags one, else the module's.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
	}
	return "dev"
}

// Main is a loopshop process: its configuration and what it has opened.
type Main struct {
	Config config.Config
	// Demo seeds demo data on start.
	Demo bool

	Logger *slog.Logger
	Router *sqlstore.Router
	Media  *media.Local
	// Platform is every service, built by platform.New; its background
	// work runs while the server serves.
	*platform.Platform
	Server *server.Server

	stopJobs func()

	stdout, stderr io.Writer
	serveErr       chan error
}

// NewMain returns a Main with the default configuration.
func NewMain(stdout, stderr io.Writer) *Main {
	return &Main{Config: config.Default(), stdout: stdout, stderr: stderr, Logger: slog.New(slog.NewTextHandler(stderr, nil))}
}

// ParseFlags reads the configuration: defaults, then the JSON file named
// by --config or LOOPSHOP_CONFIG, then LOOPSHOP_* variables, then flags.
// extra registers the flags of the command itself.
func (m *Main) ParseFlags(cmd string, args, environ []string, extra ...func(*flag.FlagSet)) error {
	fs := flag.NewFlagSet("loopshop "+cmd, flag.ContinueOnError)
	fs.SetOutput(m.stderr)
	configPath := fs.String("config", envValue(environ, "LOOPSHOP_CONFIG"), "JSON configuration file")
	addr := fs.String("addr", "", "listen address, host:port (default localhost:8080)")
	dataDir := fs.String("data-dir", "", "folder for SQLite files and media (default ./data)")
	if cmd == "serve" {
		fs.BoolVar(&m.Demo, "demo", false, "seed demo markets, shops, products and accounts on start")
	}
	for _, f := range extra {
		f(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errUsage
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q; run loopshop %s -h", fs.Arg(0), cmd)
	}
	if *configPath != "" {
		if err := m.Config.LoadFile(*configPath); err != nil {
			return err
		}
	}
	if err := m.Config.LoadEnv(environ); err != nil {
		return err
	}
	if *addr != "" {
		m.Config.Addr = *addr
	}
	if *dataDir != "" {
		m.Config.DataDir = *dataDir
	}
	if err := m.Config.Validate(); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(m.Config.LogLevel)); err != nil {
		return fmt.Errorf("log level %q: use debug, info, warn or error", m.Config.LogLevel)
	}
	m.Logger = slog.New(slog.NewTextHandler(m.stderr, &slog.HandlerOptions{Level: level}))
	return nil
}

func envValue(environ []string, key string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// open connects to every database and migrates them.
func (m *Main) open(ctx context.Context) error {
	r, err := sqlstore.OpenRouter(ctx, &m.Config)
	if err != nil {
		return err
	}
	m.Router = r
	if err := r.Migrate(ctx); err != nil {
		return err
	}
	return nil
}

// Migrate brings every database up to date and reports their versions.
func (m *Main) Migrate(ctx context.Context) error {
	if err := m.open(ctx); err != nil {
		return err
	}
	report := func(name string, db *sqlstore.DB, schema string) error {
		cur, _, err := db.MigrationVersion(ctx, schema)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.stdout, "%-10s %-9s %s version %d\n", name, db.Engine(), schema, cur)
		return nil
	}
	if err := report("directory", m.Router.Directory(), sqlstore.DirectorySchema); err != nil {
		return err
	}
	for _, name := range m.Router.RegionNames() {
		if err := report(name, m.Router.Region(name), sqlstore.RegionSchema); err != nil {
			return err
		}
	}
	return nil
}

// build opens the databases and the media store and builds the platform
// over them.
func (m *Main) build(ctx context.Context) error {
	if err := m.open(ctx); err != nil {
		return err
	}
	secret, err := m.secret()
	if err != nil {
		return err
	}
	cards, err := m.cardProvider()
	if err != nil {
		return err
	}
	if m.Media, err = media.OpenLocal(filepath.Join(m.Config.DataDir, "media")); err != nil {
		return err
	}
	m.Platform, err = platform.New(m.Router, platform.Options{Payments: cards, Media: m.Media, Secret: secret,
		PublicURL: m.Config.PublicURL, SessionTTL: m.Config.Limits.SessionTTL.Duration,
		AttributionWindow: m.Config.AttributionWindow.Duration, Logger: m.Logger})
	return err
}

// Run opens the databases, builds the services, seeds demo data if asked,
// and starts serving in the background. It returns once the server listens.
func (m *Main) Run(ctx context.Context) error {
	if err := m.build(ctx); err != nil {
		return err
	}
	m.stopJobs = m.Platform.Start(ctx)

	m.Server = server.New(&m.Config, server.Deps{
		Identity:    m.Identity,
		Idempotency: sqlstore.NewIdempotencyStore(m.Router),
		Ready:       m.Router.Ping,
		Logger:      m.Logger,
	})
	p := m.Platform
	(&api.API{Markets: p.Markets, Identity: p.Identity, Catalog: p.Catalog, Orders: p.Orders, Shipping: p.Shipping, Payouts: p.Payouts,
		SessionTTL: m.Config.Limits.SessionTTL.Duration, Content: p.Content, Affiliate: p.Affiliate, Live: p.Live, University: p.University,
		Media: m.Media, PublicURL: m.Config.PublicURL}).Register(m.Server)
	ui.New(ui.Deps{Markets: p.Markets, Identity: p.Identity, Catalog: p.Catalog, Content: p.Content, Live: p.Live, University: p.University,
		Affiliate: p.Affiliate, Payouts: p.Payouts, Orders: p.Orders, Shipping: sqlstore.NewShippingStore(m.Router), Media: m.Media,
		SessionTTL: m.Config.Limits.SessionTTL.Duration, Logger: m.Logger}).Register(m.Server)
	if m.Demo {
		if _, err := demo.Seed(ctx, demo.FromPlatform(p, m.Logger)); err != nil {
			return err
		}
	}

	if err := m.Server.Listen(); err != nil {
		return err
	}
	m.serveErr = make(chan error, 1)
	go func() { m.serveErr <- m.Server.Serve() }()
	m.Logger.Info("loopshop is serving", "addr", "http://"+m.Server.Addr(), "version", Version(), "regions", strings.Join(m.Router.RegionNames(), ","))
	return nil
}

// cardProvider returns who charges cards: the in-process test cards by
// default, or Stripe when configured.
func (m *Main) cardProvider() (payment.Provider, error) {
	if m.Config.Payments.Provider != config.ProviderStripe {
		return &payment.TestCard{}, nil
	}
	s, err := payment.NewStripe(payment.StripeConfig{Key: m.Config.Payments.StripeKey, URL: m.Config.Payments.StripeURL})
	if err != nil {
		return nil, fmt.Errorf("payments: %w", err)
	}
	return s, nil
}

// secret returns the key of the directory's login hashes: configured, or
// for a laptop install with a SQLite directory, generated once into the
// data folder. Servers sharing a PostgreSQL directory must share the key,
// so there it must be configured.
func (m *Main) secret() (string, error) {
	if m.Config.Secret != "" {
		return m.Config.Secret, nil
	}
	if !strings.HasPrefix(m.Config.Directory, "sqlite:") {
		return "", errors.New("LOOPSHOP_SECRET is required when the directory is on PostgreSQL: every server must hash logins with the same key")
	}
	path := filepath.Join(m.Config.DataDir, "secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), nil
	}
	if err := os.MkdirAll(m.Config.DataDir, 0o750); err != nil {
		return "", err
	}
	s := loopshop.RandomToken(32)
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write generated secret: %w", err)
	}
	return s, nil
}

// Close stops the server and the background jobs, and closes the
// databases. A job cut off half-way runs again after its lease.
func (m *Main) Close() error {
	var err error
	if m.Server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = m.Server.Shutdown(ctx)
		if m.serveErr != nil {
			err = errors.Join(err, <-m.serveErr)
			m.serveErr = nil
		}
		m.Server = nil
	}
	if m.stopJobs != nil {
		m.stopJobs()
		m.stopJobs = nil
	}
	if m.Platform != nil {
		err = errors.Join(err, m.Platform.Close())
		m.Platform = nil
	}
	if m.Media != nil {
		err = errors.Join(err, m.Media.Close())
		m.Media = nil
	}
	if m.Router != nil {
		err = errors.Join(err, m.Router.Close())
		m.Router = nil
	}
	return err
}
