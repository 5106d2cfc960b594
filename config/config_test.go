package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLayersOverrideInOrder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "loopshop.json")
	if err := os.WriteFile(path, []byte(`{"addr": "0.0.0.0:9000", "regions": {"us": "postgres://db-us/loopshop"}, "limits": {"session_ttl": "2h", "max_body_bytes": 2048, "rate_per_second": 5, "rate_burst": 10}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c := Default()
	if err := c.LoadFile(path); err != nil {
		t.Fatal(err)
	}
	if err := c.LoadEnv([]string{"LOOPSHOP_ADDR=127.0.0.1:7000", "LOOPSHOP_REGION_EU=postgres://db-eu/loopshop", "PATH=/bin", "LOOPSHOP_RATE_BURST=20", "LOOPSHOP_ATTRIBUTION_WINDOW=168h"}); err != nil {
		t.Fatal(err)
	}
	c.DataDir = dir
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"addr: env beats file", c.Addr, "127.0.0.1:7000"},
		{"region us from file", c.Regions["us"], "postgres://db-us/loopshop"},
		{"region eu from env", c.Regions["eu"], "postgres://db-eu/loopshop"},
		{"region sea defaults to a SQLite file", c.Regions["sea"], "sqlite:" + filepath.Join(dir, "sea.db")},
		{"directory defaults to a SQLite file", c.Directory, "sqlite:" + filepath.Join(dir, "directory.db")},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s: got %q, want %q", ch.name, ch.got, ch.want)
		}
	}
	if c.Limits.SessionTTL.Duration != 2*time.Hour || c.Limits.MaxBodyBytes != 2048 || c.Limits.RateBurst != 20 || c.Limits.RatePerSecond != 5 {
		t.Errorf("limits = %+v", c.Limits)
	}
	if c.AttributionWindow.Duration != 7*24*time.Hour {
		t.Errorf("attribution window %s from the environment; want 168h", c.AttributionWindow)
	}
	if d := Default(); d.AttributionWindow.Duration != 14*24*time.Hour {
		t.Errorf("default attribution window %s; want 14 days", d.AttributionWindow)
	}
}

func TestMistakesAreReportedNotIgnored(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "c.json")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		run  func(c *Config) error
		want string
	}{
		{"unknown key in file", func(c *Config) error { return c.LoadFile(write(`{"adress": "x"}`)) }, `unknown field "adress"`},
		{"bad duration", func(c *Config) error { return c.LoadFile(write(`{"limits": {"session_ttl": "forever"}}`)) }, `duration "forever": write durations such as "90m"`},
		{"unknown variable", func(c *Config) error { return c.LoadEnv([]string{"LOOPSHOP_ADRESS=x"}) }, "unknown environment variable LOOPSHOP_ADRESS"},
		{"bad number", func(c *Config) error { return c.LoadEnv([]string{"LOOPSHOP_RATE_BURST=lots"}) }, "LOOPSHOP_RATE_BURST"},
		{"region without market", func(c *Config) error { c.Regions["mars"] = "sqlite:x.db"; return c.Validate() }, `region "mars" has a database but no market`},
		{"bad market code", func(c *Config) error { c.Markets[0].Code = "GBR"; return c.Validate() }, "two upper-case letters"},
		{"duplicate market", func(c *Config) error { c.Markets = append(c.Markets, c.Markets[0]); return c.Validate() }, "configured twice"},
		{"bad synchronous", func(c *Config) error { c.SQLiteSynchronous = "SOMETIMES"; return c.Validate() }, "sqlite_synchronous"},
		{"no body limit", func(c *Config) error { c.Limits.MaxBodyBytes = 0; return c.Validate() }, "max_body_bytes"},
		{"attribution window of a year", func(c *Config) error { c.AttributionWindow.Duration = 365 * 24 * time.Hour; return c.Validate() }, "attribution_window"},
		{"bad attribution window", func(c *Config) error { return c.LoadEnv([]string{"LOOPSHOP_ATTRIBUTION_WINDOW=two weeks"}) }, "LOOPSHOP_ATTRIBUTION_WINDOW"},
		{"unknown payment provider", func(c *Config) error { c.Payments.Provider = "paypal"; return c.Validate() }, `payments.provider "paypal" must be testcard or stripe`},
		{"stripe without a key", func(c *Config) error {
			_ = c.LoadEnv([]string{"LOOPSHOP_PAYMENTS_PROVIDER=stripe"})
			return c.Validate()
		}, "LOOPSHOP_STRIPE_KEY"},
		{"stripe key in the file", func(c *Config) error {
			if err := c.LoadFile(write(`{"payments": {"provider": "stripe", "stripe_key": "sk_test_123"}}`)); err != nil {
				return err
			}
			return c.Validate()
		}, `unknown field "stripe_key"`},
		{"stripe url that is not an address", func(c *Config) error {
			_ = c.LoadEnv([]string{"LOOPSHOP_PAYMENTS_PROVIDER=stripe", "LOOPSHOP_STRIPE_KEY=sk_test_123", "LOOPSHOP_STRIPE_URL=localhost:12111"})
			return c.Validate()
		}, "payments.stripe_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			err := tt.run(&c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestPaymentSettings(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "loopshop.json")
	if err := os.WriteFile(path, []byte(`{"payments": {"provider": "stripe", "stripe_url": "http://127.0.0.1:12111"}}`), 0o600); err != nil {
		t.Fatal(err)
	}

	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Payments.Provider != ProviderTestCard {
		t.Errorf("default provider %q, want testcard: a fresh install takes test cards and moves no money", c.Payments.Provider)
	}

	c = Default()
	if err := c.LoadFile(path); err != nil {
		t.Fatal(err)
	}
	if err := c.LoadEnv([]string{"LOOPSHOP_STRIPE_KEY=sk_test_123"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Payments{Provider: ProviderStripe, StripeURL: "http://127.0.0.1:12111", StripeKey: "sk_test_123"}
	if c.Payments != want {
		t.Errorf("payments %+v, want %+v", c.Payments, want)
	}
	if err := c.LoadEnv([]string{"LOOPSHOP_PAYMENTS_PROVIDER=testcard", "LOOPSHOP_STRIPE_URL="}); err != nil {
		t.Fatal(err)
	}
	if c.Payments.Provider != ProviderTestCard || c.Payments.StripeURL != "" {
		t.Errorf("env did not override the file: %+v", c.Payments)
	}

	// The key is a secret: written out, the configuration does not show it.
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "sk_test_123") {
		t.Errorf("the configuration as JSON shows the Stripe key: %s", b)
	}
}

func TestDefaultsServeEveryMarketFromItsRegion(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"GB": "eu", "DE": "eu", "FR": "eu", "ES": "eu", "IT": "eu", "IE": "eu", "US": "us", "ID": "sea"}
	set := c.MarketSet()
	for code, region := range want {
		m, err := set.Get(code)
		if err != nil || m.Region != region {
			t.Errorf("market %s: region %q, %v; want %s", code, m.Region, err, region)
		}
	}
	if got := strings.Join(c.RegionNames(), ","); got != "eu,sea,us" {
		t.Errorf("regions = %s", got)
	}
}
