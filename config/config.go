// Package config holds the settings of a loopshop deployment: where each
// region's database is, which market lives in which region, and the limits
// the server enforces. A Config is built once by the command (defaults, then
// an optional JSON file, then LOOPSHOP_* environment variables, then flags)
// and passed down; nothing reads configuration from a global.
package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/loopshop/loopshop/market"
)

// Config is everything a loopshop process needs to know about its deployment.
type Config struct {
	// Addr is the HTTP listen address, host:port.
	Addr string `json:"addr"`
	// PublicURL is the address buyers reach the platform at; links to it
	// are the platform's own and stay allowed in user text.
	PublicURL string `json:"public_url"`
	// DataDir holds the SQLite files, media and the generated secret of a
	// zero-configuration install.
	DataDir string `json:"data_dir"`
	// Directory is the database URL of the small global directory that
	// maps hashed login identifiers to markets. Empty: a SQLite file in DataDir.
	Directory string `json:"directory"`
	// Regions maps a region name to its database URL: "sqlite:PATH" or
	// "postgres://…". A region with no entry gets a SQLite file in DataDir.
	Regions map[string]string `json:"regions"`
	// Markets are the markets served; empty: market.Defaults().
	Markets []market.Market `json:"markets"`
	// Secret keys the hashes of login identifiers in the directory. Empty:
	// a random one is generated into DataDir/secret on first start.
	Secret string `json:"-"`
	// SQLiteSynchronous is SQLite's synchronous pragma, FULL by default so
	// that an acknowledged write survives a power cut, not only a crash.
	SQLiteSynchronous string `json:"sqlite_synchronous"`
	Limits            Limits `json:"limits"`
	// Payments says who takes card payments.
	Payments Payments `json:"payments"`
	// AttributionWindow is how long a buyer's tap on content counts for a
	// later order of the product: the creator or video it came from is
	// credited with orders within the window after the last tap.
	AttributionWindow Duration `json:"attribution_window"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `json:"log_level"`
}

// Limits bound what one client can ask of the server.
type Limits struct {
	// MaxBodyBytes caps a request body; larger bodies get 413.
	MaxBodyBytes int64 `json:"max_body_bytes"`
	// RatePerSecond and RateBurst shape each client's token bucket (a
	// client is a signed-in account, else an IP address). Zero rate: no limit.
	RatePerSecond float64 `json:"rate_per_second"`
	RateBurst     int     `json:"rate_burst"`
	// SessionTTL is how long a sign-in lasts without use.
	SessionTTL Duration `json:"session_ttl"`
}

// Payments says which provider charges cards. Cash on delivery needs none.
type Payments struct {
	// Provider is "testcard" (Stripe's test cards answered in-process; no
	// money moves: for the demo and development) or "stripe".
	Provider string `json:"provider"`
	// StripeURL is Stripe's API address; empty means Stripe's own. Tests
	// and staging point it at stripe-mock.
	StripeURL string `json:"stripe_url"`
	// StripeKey is the secret API key (sk_live_… or sk_test_…). It comes
	// from LOOPSHOP_STRIPE_KEY only, never from the file, like Secret.
	StripeKey string `json:"-"`
}

// Payment providers.
const (
	ProviderTestCard = "testcard"
	ProviderStripe   = "stripe"
)

// Duration is a time.Duration written as "720h" in JSON.
type Duration struct{ time.Duration }

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"720h\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: write durations such as \"90m\" or \"720h\"", s)
	}
	d.Duration = v
	return nil
}

// Default returns the configuration of a laptop install: SQLite files
// under ./data, the default markets, and the server on localhost:8080.
func Default() Config {
	return Config{
		Addr:              "localhost:8080",
		PublicURL:         "http://localhost:8080",
		DataDir:           "data",
		Regions:           map[string]string{},
		Markets:           market.Defaults(),
		SQLiteSynchronous: "FULL",
		Limits: Limits{
			MaxBodyBytes:  1 << 20,
			RatePerSecond: 50,
			RateBurst:     100,
			SessionTTL:    Duration{30 * 24 * time.Hour},
		},
		Payments:          Payments{Provider: ProviderTestCard},
		AttributionWindow: Duration{14 * 24 * time.Hour},
		LogLevel:          "info",
	}
}

// LoadFile overlays the JSON file at path on c. Unknown keys are an error,
// so that a misspelt setting is not silently ignored.
func (c *Config) LoadFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}

// LoadEnv overlays the LOOPSHOP_* variables of environ (os.Environ() in
// production, a literal list in tests):
//
//	LOOPSHOP_ADDR, LOOPSHOP_PUBLIC_URL, LOOPSHOP_DATA_DIR, LOOPSHOP_DIRECTORY,
//	LOOPSHOP_SECRET, LOOPSHOP_LOG_LEVEL, LOOPSHOP_SQLITE_SYNCHRONOUS,
//	LOOPSHOP_RATE_PER_SECOND, LOOPSHOP_RATE_BURST, LOOPSHOP_MAX_BODY_BYTES,
//	LOOPSHOP_PAYMENTS_PROVIDER, LOOPSHOP_STRIPE_URL, LOOPSHOP_STRIPE_KEY,
//	LOOPSHOP_ATTRIBUTION_WINDOW (a duration such as 336h),
//	LOOPSHOP_REGION_<NAME>=<database URL>   e.g. LOOPSHOP_REGION_EU=postgres://…
func (c *Config) LoadEnv(environ []string) error {
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(k, "LOOPSHOP_") {
			continue
		}
		var err error
		switch name := strings.TrimPrefix(k, "LOOPSHOP_"); name {
		case "ADDR":
			c.Addr = v
		case "PUBLIC_URL":
			c.PublicURL = v
		case "DATA_DIR":
			c.DataDir = v
		case "DIRECTORY":
			c.Directory = v
		case "SECRET":
			c.Secret = v
		case "LOG_LEVEL":
			c.LogLevel = v
		case "SQLITE_SYNCHRONOUS":
			c.SQLiteSynchronous = v
		case "RATE_PER_SECOND":
			c.Limits.RatePerSecond, err = strconv.ParseFloat(v, 64)
		case "RATE_BURST":
			c.Limits.RateBurst, err = strconv.Atoi(v)
		case "MAX_BODY_BYTES":
			c.Limits.MaxBodyBytes, err = strconv.ParseInt(v, 10, 64)
		case "PAYMENTS_PROVIDER":
			c.Payments.Provider = v
		case "STRIPE_URL":
			c.Payments.StripeURL = v
		case "STRIPE_KEY":
			c.Payments.StripeKey = v
		case "ATTRIBUTION_WINDOW":
			c.AttributionWindow.Duration, err = time.ParseDuration(v)
		case "CONFIG", "TEST_POSTGRES":
			// Read by the command and by tests respectively.
		default:
			if region, ok := strings.CutPrefix(name, "REGION_"); ok && region != "" {
				if c.Regions == nil {
					c.Regions = map[string]string{}
				}
				c.Regions[strings.ToLower(region)] = v
				continue
			}
			return fmt.Errorf("unknown environment variable %s; see the README for the LOOPSHOP_* settings", k)
		}
		if err != nil {
			return fmt.Errorf("environment variable %s=%q: %w", k, v, err)
		}
	}
	return nil
}

// Validate reports the first setting that cannot work and fills in the
// defaults that depend on other settings (region and directory files).
func (c *Config) Validate() error {
	if c.Addr == "" {
		return fmt.Errorf("config: addr is empty; set it to host:port, e.g. localhost:8080")
	}
	set, err := market.NewSet(c.Markets)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if c.Regions == nil {
		c.Regions = map[string]string{}
	}
	for _, r := range set.Regions() {
		if c.Regions[r] == "" {
			c.Regions[r] = "sqlite:" + filepath.Join(c.DataDir, r+".db")
		}
	}
	for r := range c.Regions {
		if !slices.Contains(set.Regions(), r) {
			return fmt.Errorf("config: region %q has a database but no market is assigned to it; assign a market or remove the region", r)
		}
	}
	if c.Directory == "" {
		c.Directory = "sqlite:" + filepath.Join(c.DataDir, "directory.db")
	}
	switch strings.ToUpper(c.SQLiteSynchronous) {
	case "OFF", "NORMAL", "FULL", "EXTRA":
	default:
		return fmt.Errorf("config: sqlite_synchronous %q must be OFF, NORMAL, FULL or EXTRA", c.SQLiteSynchronous)
	}
	if c.Limits.MaxBodyBytes <= 0 {
		return fmt.Errorf("config: limits.max_body_bytes must be positive")
	}
	if c.Limits.RatePerSecond < 0 || (c.Limits.RatePerSecond > 0 && c.Limits.RateBurst < 1) {
		return fmt.Errorf("config: limits.rate_per_second must be ≥ 0 and, when set, rate_burst ≥ 1")
	}
	if c.Limits.SessionTTL.Duration <= 0 {
		c.Limits.SessionTTL.Duration = Default().Limits.SessionTTL.Duration
	}
	if w := c.AttributionWindow.Duration; w < 0 || w > 90*24*time.Hour {
		return fmt.Errorf("config: attribution_window %s must be 0 (the default, 14 days) to 90 days (2160h)", w)
	} else if w == 0 {
		c.AttributionWindow.Duration = Default().AttributionWindow.Duration
	}
	return c.Payments.validate()
}

func (p *Payments) validate() error {
	switch p.Provider {
	case "":
		p.Provider = ProviderTestCard
	case ProviderTestCard:
	case ProviderStripe:
		if p.StripeKey == "" {
			return fmt.Errorf("config: payments.provider stripe needs the secret API key in LOOPSHOP_STRIPE_KEY (it is never read from the file)")
		}
	default:
		return fmt.Errorf("config: payments.provider %q must be testcard or stripe", p.Provider)
	}
	if p.StripeURL != "" {
		u, err := url.Parse(p.StripeURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("config: payments.stripe_url %q must be an http(s) address such as http://localhost:12111", p.StripeURL)
		}
	}
	return nil
}

// MarketSet returns the configured markets; call after Validate.
func (c *Config) MarketSet() *market.Set {
	s, err := market.NewSet(c.Markets)
	if err != nil {
		panic("config: MarketSet before Validate: " + err.Error())
	}
	return s
}

// RegionNames returns the configured regions, sorted.
func (c *Config) RegionNames() []string {
	out := make([]string, 0, len(c.Regions))
	for r := range c.Regions {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}
