package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// runBenchJSON runs "loopshop bench" with args and --json on engine and
// returns the decoded result.
func runBenchJSON(t *testing.T, engine string, args ...string) *benchResult {
	t.Helper()
	args = append(args, "--json")
	if engine == sqlstore.Postgres {
		// sqltest skips when PostgreSQL is unreachable, and fails in CI.
		args = append(args, "--postgres", sqltest.URL(t, engine, "bench"))
	}
	// The bench's checks are about what was acknowledged, which a crash
	// does not threaten here; skip the fsync per commit to keep the test
	// quick.
	environ := []string{"LOOPSHOP_SQLITE_SYNCHRONOUS=NORMAL"}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"bench"}, args...), environ, &stdout, &stderr)
	if err != nil {
		t.Fatalf("bench %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var res benchResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("bench --json printed %q: %v", stdout.String(), err)
	}
	if !strings.Contains(stderr.String(), "rate limits off") {
		t.Errorf("the summary does not say the rate limits are off:\n%s", stderr.String())
	}
	return &res
}

func TestBenchFlashSellsExactlyTheUnits(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		res := runBenchJSON(t, engine, "flash", "--attempts", "300", "--units", "20", "--concurrency", "40")
		if res.Checkouts != 20 {
			t.Errorf("%d orders paid, want exactly the 20 units on sale", res.Checkouts)
		}
		if res.SoldOut != 280 || res.Errors != 0 {
			t.Errorf("%d sold-out answers and %d errors (by status %v, e.g. %v); want 280 and 0", res.SoldOut, res.Errors, res.Status, res.Samples)
		}
		if s := res.Stock; s == nil || s.Received != 20 || s.Sold != 20 || s.Reserved != 0 || s.Available != 0 {
			t.Errorf("stock %+v; want 20 received, 20 sold, none reserved or left", s)
		}
		if res.Oversold != 0 || res.OrdersStored["ON_HOLD"] != 20 || len(res.OrdersStored) != 1 {
			t.Errorf("oversold %d, orders stored by status %v; want 0 and 20 ON_HOLD", res.Oversold, res.OrdersStored)
		}
		if !res.OK || len(res.Checks) == 0 {
			t.Errorf("checks %+v; want all passed", res.Checks)
		}
	})
}

func TestBenchCheckoutCountsEveryCheckout(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		res := runBenchJSON(t, engine, "checkout", "--buyers", "6", "--concurrency", "4", "--checkouts", "40", "--skus", "3", "--payment", "cod")
		if res.Requests != 40 || res.Checkouts != 40 || res.Errors != 0 {
			t.Errorf("%d requests, %d checkouts, %d errors (by status %v, e.g. %v); want 40, 40, 0", res.Requests, res.Checkouts, res.Errors, res.Status, res.Samples)
		}
		if s := res.Stock; s == nil || s.Received != 3*catalog.MaxStock/2 || s.Sold != 40 || s.Reserved != 0 {
			t.Errorf("stock %+v; want 3 SKUs' worth received, 40 sold and none reserved", s)
		}
		if res.OrdersStored["ON_HOLD"] != 40 {
			t.Errorf("orders stored by status %v; want 40 ON_HOLD", res.OrdersStored)
		}
		if res.CheckoutsPerSecond <= 0 || res.LatencyMS.P50 <= 0 || res.LatencyMS.P99 < res.LatencyMS.P50 {
			t.Errorf("rate %.1f/s, latency %+v; want a positive rate and ordered percentiles", res.CheckoutsPerSecond, res.LatencyMS)
		}
		if !res.OK {
			t.Errorf("checks %+v; want all passed", res.Checks)
		}
	})
}

// The live bench delivers every pin to every viewer and sells exactly the
// flash sale's allocation. Its latency target is a benchmark's business,
// not a test's: --p99 0 leaves it out.
func TestBenchLive(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		res := runBenchJSON(t, engine, "live", "--viewers", "40", "--pins", "2", "--buyers", "60", "--units", "10", "--concurrency", "20", "--p99", "0")
		if l := res.Live; l == nil || l.Delivered != 80 || l.FlashSold != 10 {
			t.Errorf("live %+v; want 80 pins delivered (2 × 40) and 10 units sold", l)
		}
		if res.Checkouts != 10 || res.SoldOut != 50 || res.Errors != 0 {
			t.Errorf("%d paid, %d sold out, %d errors (by status %v); want 10, 50, 0", res.Checkouts, res.SoldOut, res.Errors, res.Status)
		}
		if !res.OK {
			t.Errorf("checks %+v; want all passed", res.Checks)
		}
	})
}

func TestBenchUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no benchmark", []string{"bench"}, "loopshop bench flash"},
		{"unknown benchmark", []string{"bench", "browse"}, "loopshop bench checkout"},
		{"no units", []string{"bench", "flash", "--units", "0"}, "--units"},
		{"more buyers than attempts", []string{"bench", "flash", "--attempts", "10", "--buyers", "11"}, "--buyers"},
		{"unknown payment", []string{"bench", "checkout", "--payment", "cheque"}, `"cheque"`},
		{"neither time nor count", []string{"bench", "checkout", "--duration", "0s"}, "--duration"},
		{"flash has no duration", []string{"bench", "flash", "--duration", "1s"}, "-duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, nil, &stdout, &stderr)
			if err == nil {
				t.Fatalf("run(%q) succeeded; want a usage error", tt.args)
			}
			if !errors.Is(err, errUsage) && !strings.Contains(err.Error(), strings.Trim(tt.want, "-")) {
				t.Errorf("run(%q) = %v; want a usage error", tt.args, err)
			}
			if got := stderr.String() + err.Error(); !strings.Contains(got, tt.want) {
				t.Errorf("stderr %q does not mention %q", stderr.String(), tt.want)
			}
		})
	}
}
