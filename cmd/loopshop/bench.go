package main

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/sqlstore"
)

// The bench commands start a whole loopshop server in this process, seed
// a shop and its buyers straight through the services (sign-up's Argon2
// hash is not what is being measured), and then drive the HTTP API over
// real TCP with a pool of concurrent clients, as buyers' phones would.
// Afterwards they read the shop's orders and stock back through the same
// services a seller uses and check that they add up.

const benchUsage = `usage:
  loopshop bench checkout [--buyers 200] [--duration 20s | --checkouts N] [flags]
      clients check out 1 unit of a plentiful SKU in a loop, each with a new
      Idempotency-Key, paying by test card; reports checkouts/s and latency
  loopshop bench flash [--attempts 10000] [--units 500] [--concurrency 200] [flags]
      attempts race for the units of one SKU; reports orders, sold-out
      answers and errors, and fails unless exactly --units orders were paid,
      the stock sold equals --units, nothing is left reserved and nothing
      was oversold

  loopshop bench live [--viewers 5000] [--pins 10] [--buyers 2000] [--units 200] [flags]
      viewers watch a live room over WebSocket while the host pins a product;
      reports how long each pin took to reach every viewer; then buyers race
      for a flash sale of --units, which must sell exactly that

The server runs in-process on SQLite files in a temporary folder (or
--data-dir), or on PostgreSQL with --postgres URL (in new schemas, dropped
afterwards). Its rate limits are off. Run "loopshop bench checkout -h" for
every flag.
`

// benchMarket is where the bench shops and buys: a market that is open
// for shopping in every default deployment.
const benchMarket = "GB"

// benchConfig is what a bench run was asked to do.
type benchConfig struct {
	kind        string // checkout or flash
	postgres    string
	jsonOut     bool
	cpuProfile  string
	serverLog   string
	concurrency int
	buyers      int
	duration    time.Duration
	checkouts   int // checkout: stop after this many requests instead of after duration
	attempts    int // flash
	units       int // flash
	skus        int // checkout: SKUs the clients spread over
	viewers     int // live: WebSocket viewers
	pins        int // live: pins timed
	pinTarget   float64
	method      string
}

// runBench runs "loopshop bench checkout" and "loopshop bench flash".
func runBench(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "checkout" && args[0] != "flash" && args[0] != "live") {
		fmt.Fprint(stderr, benchUsage)
		return errUsage
	}
	bc := benchConfig{kind: args[0]}
	m := NewMain(stdout, stderr)
	// The bench's own defaults, which a config file, LOOPSHOP_* variables
	// or flags may still change: a free port on the loopback interface, a
	// throw-away data folder, and a secret (a PostgreSQL directory needs
	// one; nobody signs in with a password here).
	tmp, err := os.MkdirTemp("", "loopshop-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	m.Config.DataDir = tmp
	m.Config.Addr = "127.0.0.1:0"
	m.Config.Secret = loopshop.RandomToken(32)
	err = m.ParseFlags("bench "+bc.kind, args[1:], environ, func(fs *flag.FlagSet) {
		fs.StringVar(&bc.postgres, "postgres", "", "run every region and the directory on this PostgreSQL server, in new schemas dropped afterwards (postgres://user@host:port/db)")
		fs.BoolVar(&bc.jsonOut, "json", false, "print the result as JSON on standard output (the summary goes to standard error)")
		fs.StringVar(&bc.cpuProfile, "cpuprofile", "", "write a CPU profile of the load phase (server and clients) to this file, for go tool pprof")
		fs.StringVar(&bc.serverLog, "server-log", "", "append the server's log to this file (default: discarded)")
		fs.StringVar(&bc.method, "payment", payment.MethodCard, "how buyers pay: card (the test card 4242…) or cod (cash on delivery)")
		if bc.kind == "checkout" {
			fs.IntVar(&bc.buyers, "buyers", 200, "buyers, one concurrent client each unless --concurrency says otherwise")
			fs.IntVar(&bc.concurrency, "concurrency", 0, "concurrent clients (default: --buyers)")
			fs.DurationVar(&bc.duration, "duration", 20*time.Second, "how long to keep checking out")
			fs.IntVar(&bc.checkouts, "checkouts", 0, "stop after this many checkout requests instead of after --duration")
			fs.IntVar(&bc.skus, "skus", 1, fmt.Sprintf("SKUs (variants of one product) the checkouts spread over, 1 to %d; 1 makes every checkout update the same stock row", catalog.MaxSKUs))
		} else if bc.kind == "live" {
			fs.IntVar(&bc.viewers, "viewers", 5000, "WebSocket viewers of the room")
			fs.IntVar(&bc.pins, "pins", 10, "pins the host makes, each timed until every viewer has it")
			fs.Float64Var(&bc.pinTarget, "p99", 250, "the pin's p99 to every viewer must be under this many milliseconds; 0: no target")
			fs.IntVar(&bc.attempts, "buyers", 2000, "buyers racing for the flash sale, one attempt each")
			fs.IntVar(&bc.units, "units", 200, "units allocated to the flash sale")
			fs.IntVar(&bc.concurrency, "concurrency", 200, "concurrent buyers")
		} else {
			fs.IntVar(&bc.attempts, "attempts", 10000, "checkout attempts, each by its own buyer unless --buyers is lower")
			fs.IntVar(&bc.units, "units", 500, "units of the SKU on sale")
			fs.IntVar(&bc.concurrency, "concurrency", 200, "concurrent clients")
			fs.IntVar(&bc.buyers, "buyers", 0, "buyers taking part (default: --attempts); with fewer, each buyer makes several attempts with distinct keys")
		}
	})
	if err != nil {
		return err
	}
	if err := bc.check(); err != nil {
		fmt.Fprintf(stderr, "loopshop bench %s: %v\n", bc.kind, err)
		return errUsage
	}
	// The bench measures checkout: a per-client rate limit would measure
	// the limiter instead, whatever the configuration says.
	m.Config.Limits.RatePerSecond = 0
	if bc.postgres != "" {
		drop, err := benchSchemas(ctx, m, bc.postgres)
		if err != nil {
			return err
		}
		defer drop()
	}
	logOut := io.Discard
	if bc.serverLog != "" {
		f, err := os.OpenFile(bc.serverLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		logOut = f
	}
	// The server logs every request, as in production; the lines are
	// formatted either way, so the cost stays in the figures.
	var level slog.Level
	_ = level.UnmarshalText([]byte(m.Config.LogLevel))
	m.Logger = slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))

	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	defer m.Close()
	b := &bench{cfg: bc, m: m, out: stderr, runID: strings.ToLower(loopshop.RandomToken(6))}
	res, err := b.run(ctx)
	if err != nil {
		return err
	}
	summary := stdout
	if bc.jsonOut {
		summary = stderr
	}
	res.print(summary)
	if bc.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	}
	if !res.OK {
		return fmt.Errorf("bench %s: %d of %d checks failed", bc.kind, res.failed(), len(res.Checks))
	}
	return nil
}

func (bc *benchConfig) check() error {
	if bc.method != payment.MethodCard && bc.method != payment.MethodCOD {
		return fmt.Errorf("--payment %q: use card or cod", bc.method)
	}
	switch bc.kind {
	case "checkout":
		if bc.buyers < 1 {
			return errors.New("--buyers must be at least 1")
		}
		if bc.concurrency == 0 {
			bc.concurrency = bc.buyers
		}
		if bc.checkouts < 0 || (bc.checkouts == 0 && bc.duration <= 0) {
			return errors.New("give a positive --duration or --checkouts")
		}
		if bc.checkouts > catalog.MaxStock/2 {
			return fmt.Errorf("--checkouts must be at most %d", catalog.MaxStock/2)
		}
		if bc.skus < 1 || bc.skus > catalog.MaxSKUs {
			return fmt.Errorf("--skus must be 1 to %d", catalog.MaxSKUs)
		}
	case "live":
		if bc.viewers < 1 || bc.viewers > 20000 || bc.pins < 1 {
			return errors.New("--viewers must be 1 to 20000 and --pins at least 1")
		}
		if bc.attempts < 1 || bc.units < 1 || bc.units > bc.attempts*10 {
			return errors.New("--buyers and --units must be at least 1")
		}
		bc.buyers, bc.skus = bc.attempts, 1
	case "flash":
		if bc.attempts < 1 || bc.units < 1 {
			return errors.New("--attempts and --units must be at least 1")
		}
		if bc.buyers == 0 {
			bc.buyers = bc.attempts
		}
		if bc.buyers < 1 || bc.buyers > bc.attempts {
			return errors.New("--buyers must be 1 to --attempts")
		}
		bc.skus = 1
	}
	if bc.concurrency < 1 {
		return errors.New("--concurrency must be at least 1")
	}
	return nil
}

// benchSchemas points every region and the directory of m at new schemas
// of the PostgreSQL server at rawURL, so that each run starts empty, and
// returns the function that drops them. Each database gets a schema of its
// own, as in production each has a database of its own: the directory and
// a region keep their migration versions in same-named tables.
func benchSchemas(ctx context.Context, m *Main, rawURL string) (drop func(), err error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("--postgres %q: give a URL such as postgres://postgres@127.0.0.1:5432/postgres", rawURL)
	}
	admin, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	prefix := "bench_" + strings.ToLower(loopshop.RandomToken(8))
	var created []string
	drop = func() {
		admin, err := sql.Open("pgx", rawURL)
		if err != nil {
			return
		}
		defer admin.Close()
		for _, s := range created {
			_, _ = admin.Exec("DROP SCHEMA " + s + " CASCADE")
		}
	}
	in := func(schema string) (string, error) {
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			return "", fmt.Errorf("--postgres: create schema %s: %w", schema, err)
		}
		created = append(created, schema)
		v := *u
		q := v.Query()
		q.Set("search_path", schema)
		v.RawQuery = q.Encode()
		return v.String(), nil
	}
	for _, r := range m.Config.RegionNames() {
		if m.Config.Regions[r], err = in(prefix + "_" + r); err != nil {
			drop()
			return nil, err
		}
	}
	if m.Config.Directory, err = in(prefix + "_directory"); err != nil {
		drop()
		return nil, err
	}
	if err := m.Config.Validate(); err != nil {
		drop()
		return nil, err
	}
	return drop, nil
}

// bench is one run against a started Main.
type bench struct {
	cfg   benchConfig
	m     *Main
	out   io.Writer // progress and seeding notes
	runID string

	seller  *identity.Actor
	shop    *catalog.Shop
	product *catalog.Product
	buyers  []string // session tokens
	viewers []*websocket.Conn
	hc      *http.Client
	base    string
	bodies  [][]byte // a checkout of each SKU
}

// tally is what the clients saw, kept per client and merged at the end
// so that the hot loop takes no lock.
type tally struct {
	latencies []time.Duration
	byStatus  map[string]int
	paid      int
	orders    []string
	samples   map[string]string // status → one problem detail
}

func (t *tally) merge(o *tally) {
	t.latencies = append(t.latencies, o.latencies...)
	for k, v := range o.byStatus {
		t.byStatus[k] += v
	}
	for k, v := range o.samples {
		if _, ok := t.samples[k]; !ok {
			t.samples[k] = v
		}
	}
	t.paid += o.paid
	t.orders = append(t.orders, o.orders...)
}

func newTally() *tally { return &tally{byStatus: map[string]int{}, samples: map[string]string{}} }

func (b *bench) run(ctx context.Context) (*benchResult, error) {
	cfg := b.cfg
	db, err := b.m.Router.ForMarket(benchMarket)
	if err != nil {
		return nil, err
	}
	res := &benchResult{Benchmark: cfg.kind, Engine: db.Engine(), Concurrency: cfg.concurrency, Buyers: cfg.buyers, SKUs: cfg.skus, Payment: cfg.method,
		RateLimits: "off", GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0), Server: b.m.Server.Addr()}
	if res.Engine == sqlstore.SQLite {
		res.SQLiteSynchronous = strings.ToUpper(b.m.Config.SQLiteSynchronous)
	}
	stock := int64(catalog.MaxStock / 2) // per SKU
	switch cfg.kind {
	case "flash":
		stock = int64(cfg.units)
		res.Attempts, res.Units = cfg.attempts, cfg.units
	case "live":
		// More stock than the sale allocates: the allocation must be
		// what stops the buyers.
		stock = int64(cfg.units) * 5
		res.Attempts, res.Units = cfg.attempts, cfg.units
	}
	fmt.Fprintf(b.out, "loopshop bench %s: server on %s (%s%s), rate limits off (the bench measures checkout, not the limiter), GOMAXPROCS %d, %s\n",
		cfg.kind, res.Server, res.Engine, syncNote(res.SQLiteSynchronous), res.GOMAXPROCS, res.GoVersion)

	start := time.Now()
	if err := b.seed(ctx, stock); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(b.out, "seeded 1 shop, %d SKU(s) with %d units each, and %d buyers in %s\n", len(b.product.SKUs), stock, len(b.buyers), time.Since(start).Round(time.Millisecond))

	b.base = "http://" + b.m.Server.Addr()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = cfg.concurrency
	tr.MaxIdleConnsPerHost = cfg.concurrency
	b.hc = &http.Client{Transport: tr, Timeout: time.Minute}
	defer tr.CloseIdleConnections()
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	flashID := ""
	if cfg.kind == "live" {
		// Viewers in a room, timed pins, then the flash sale the buyers race for.
		if res.Live, flashID, err = b.live(ctx); err != nil {
			return nil, err
		}
		defer b.closeViewers()
	}
	for _, k := range b.product.SKUs {
		req := b.request(k.ID)
		req.Items[0].FlashSaleID = flashID
		body, err := json.Marshal(req)
		if err != nil {
			return nil, err
		}
		b.bodies = append(b.bodies, body)
	}

	total, elapsed, err := b.load(ctx)
	if err != nil {
		return nil, err
	}

	res.Requests = len(total.latencies)
	res.Checkouts = total.paid
	res.SoldOut = total.byStatus["409"]
	res.Status = total.byStatus
	res.Samples = total.samples
	res.ElapsedSeconds = elapsed.Seconds()
	res.CheckoutsPerSecond = float64(res.Checkouts) / elapsed.Seconds()
	res.RequestsPerSecond = float64(res.Requests) / elapsed.Seconds()
	res.LatencyMS = latencyOf(total.latencies)
	for code, n := range total.byStatus {
		if code != "201" && (cfg.kind == "checkout" || code != "409") {
			res.Errors += n
		}
	}
	if err := b.verify(ctx, res, total, stock*int64(len(b.product.SKUs))); err != nil {
		return nil, err
	}
	return res, b.verifyLive(ctx, res)
}

func syncNote(sync string) string {
	if sync == "" {
		return ""
	}
	return ", synchronous=" + sync
}

// seed opens a shop with a product of cfg.skus SKUs of stock units each,
// and signs in the buyers.
// Accounts are written straight to the store: sign-up would spend tens of
// milliseconds of Argon2 on each, which checkout never does.
func (b *bench) seed(ctx context.Context, stock int64) error {
	ids := sqlstore.NewIdentityStore(b.m.Router)
	seller := &identity.Account{ID: loopshop.NewID("acc", benchMarket), Market: benchMarket, Email: "seller-" + b.runID + "@bench.loopshop.test",
		DisplayName: "Bench Seller", CreatedAt: identity.Now(), PasswordHash: "-"}
	if err := ids.CreateAccount(ctx, seller); err != nil {
		return err
	}
	owner := &identity.Actor{AccountID: seller.ID, Market: benchMarket}
	shop, err := b.m.Catalog.CreateShop(ctx, owner, catalog.NewShop{Name: "Bench Shop " + b.runID})
	if err != nil {
		return err
	}
	// The seller's actor as a request would carry it, with the new shop.
	tok, err := b.m.Identity.StartSession(ctx, seller, identity.SessionAPI)
	if err != nil {
		return err
	}
	if b.seller, err = b.m.Identity.Authenticate(ctx, tok); err != nil {
		return err
	}
	b.shop = shop
	p := catalog.NewProduct{Title: "Plain cotton T-shirt " + b.runID, Description: "A white T-shirt in organic cotton.", Category: "home"}
	if b.cfg.skus > 1 {
		p.Options = []catalog.Option{{Name: "Size"}}
	}
	for i := range b.cfg.skus {
		k := catalog.NewSKU{SellerSKU: fmt.Sprintf("TEE-%s-%d", b.runID, i), Price: 1500, WeightGrams: 200, Stock: &stock}
		if b.cfg.skus > 1 {
			size := fmt.Sprintf("S%d", i+1)
			p.Options[0].Values = append(p.Options[0].Values, size)
			k.Options = []string{size}
		}
		p.SKUs = append(p.SKUs, k)
	}
	if b.product, err = b.m.Catalog.CreateProduct(ctx, b.seller, shop.ID, p, true); err != nil {
		return err
	}

	b.buyers = make([]string, b.cfg.buyers)
	var next atomic.Int64
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range min(16, len(b.buyers)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(b.buyers) || ctx.Err() != nil {
					return
				}
				a := &identity.Account{ID: loopshop.NewID("acc", benchMarket), Market: benchMarket, DisplayName: fmt.Sprintf("Buyer %d", i),
					Email: fmt.Sprintf("buyer-%s-%d@bench.loopshop.test", b.runID, i), CreatedAt: identity.Now(), PasswordHash: "-"}
				err := ids.CreateAccount(ctx, a)
				if err == nil {
					b.buyers[i], err = b.m.Identity.StartSession(ctx, a, identity.SessionAPI)
				}
				if err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, fmt.Errorf("buyer %d: %w", i, err))
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// checkoutBody is the body of POST /api/v1/checkouts as the API
// documents it; the bench writes it out rather than reuse the service's
// types, so that it speaks the wire format a client does.
type checkoutBody struct {
	Items   []order.CartItem `json:"items"`
	ShipTo  order.Address    `json:"ship_to"`
	Payment paymentBody      `json:"payment"`
}

type paymentBody struct {
	Method string    `json:"method"`
	Card   *cardBody `json:"card,omitempty"`
}

type cardBody struct {
	Number   string `json:"number"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
	CVC      string `json:"cvc"`
}

// request is a checkout of one unit of a SKU, delivered in GB.
func (b *bench) request(skuID string) checkoutBody {
	req := checkoutBody{
		Items:   []order.CartItem{{SKUID: skuID, Quantity: 1}},
		ShipTo:  order.Address{Name: "Bench Buyer", Line1: "1 High Street", City: "London", PostalCode: "N1 1AA", Country: benchMarket},
		Payment: paymentBody{Method: b.cfg.method},
	}
	if b.cfg.method == payment.MethodCard {
		req.Payment.Card = &cardBody{Number: "4242424242424242", ExpMonth: 12, ExpYear: time.Now().Year() + 4, CVC: "123"}
	}
	return req
}

// benchStall is how long the clients wait without any answer before the
// run is given up as a hung server rather than a slow one.
const benchStall = 30 * time.Second

// load runs the clients until the work is done and returns what they saw
// and how long it took. Requests already sent finish even when the time
// is up: cutting them off would leave checkouts half-paid and the stock
// held, which the checks would then count against the server. Only a
// server that answers nothing for benchStall is cut off, with an error.
func (b *bench) load(parent context.Context) (*tally, time.Duration, error) {
	cfg := b.cfg
	ctx, stop := context.WithCancelCause(parent)
	defer stop(nil)
	var next, done, paid, soldOut, failed atomic.Int64
	limit := int64(cfg.checkouts)
	if cfg.kind != "checkout" {
		limit = int64(cfg.attempts)
	}
	start := time.Now()
	deadline := start.Add(cfg.duration)

	stopProgress := make(chan struct{})
	progressDone := make(chan struct{})
	go func() {
		defer close(progressDone)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		var last int64
		lastAnswer := start
		for {
			select {
			case <-stopProgress:
				return
			case now := <-tick.C:
				d := done.Load()
				fmt.Fprintf(b.out, "%6.0fs  requests %7d (%5d/s)  paid %7d  sold out %6d  errors %5d\n",
					now.Sub(start).Seconds(), d, d-last, paid.Load(), soldOut.Load(), failed.Load())
				if d > last {
					lastAnswer = now
				} else if now.Sub(lastAnswer) >= benchStall {
					stop(fmt.Errorf("no request was answered for %s: the server has stalled", benchStall))
				}
				last = d
			}
		}
	}()

	tallies := make([]*tally, cfg.concurrency)
	var wg sync.WaitGroup
	for w := range cfg.concurrency {
		t := newTally()
		tallies[w] = t
		wg.Go(func() {
			for ctx.Err() == nil {
				n := next.Add(1) - 1
				if limit > 0 && n >= limit || limit == 0 && time.Now().After(deadline) {
					return
				}
				buyer := b.buyers[n%int64(len(b.buyers))]
				key := fmt.Sprintf("bench-%s-%d", b.runID, n)
				t0 := time.Now()
				status, reply, detail := b.checkout(ctx, buyer, key, b.bodies[n%int64(len(b.bodies))])
				t.latencies = append(t.latencies, time.Since(t0))
				t.byStatus[status]++
				switch {
				case status == "201" && (reply.Status == order.CheckoutPaid || reply.Status == order.CheckoutConfirmed):
					t.paid++
					paid.Add(1)
					for _, o := range reply.Orders {
						t.orders = append(t.orders, o.ID)
					}
				case status == "409":
					soldOut.Add(1)
				default:
					failed.Add(1)
				}
				if detail != "" {
					if _, ok := t.samples[status]; !ok {
						t.samples[status] = detail
					}
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stopProgress)
	<-progressDone

	if err := context.Cause(ctx); err != nil {
		return nil, elapsed, err
	}
	total := newTally()
	for _, t := range tallies {
		total.merge(t)
	}
	return total, elapsed, nil
}

// checkoutReply is the part of a checkout answer the bench looks at.
type checkoutReply struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Orders []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"orders"`
}

// checkout posts one checkout and returns the response's status code (or
// "transport" when there was none), the checkout on success, and the
// problem's detail otherwise.
func (b *bench) checkout(ctx context.Context, token, key string, body []byte) (string, *checkoutReply, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.base+"/api/v1/checkouts", bytes.NewReader(body))
	if err != nil {
		return "transport", nil, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	res, err := b.hc.Do(req)
	if err != nil {
		return "transport", nil, err.Error()
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	status := strconv.Itoa(res.StatusCode)
	if err != nil {
		return "transport", nil, err.Error()
	}
	if res.StatusCode != http.StatusCreated {
		var p struct {
			Detail string `json:"detail"`
		}
		if json.Unmarshal(answer, &p) != nil || p.Detail == "" {
			p.Detail = string(answer)
		}
		return status, nil, p.Detail
	}
	var c checkoutReply
	if err := json.Unmarshal(answer, &c); err != nil {
		return "bad-json", nil, err.Error()
	}
	if c.Status != order.CheckoutPaid && c.Status != order.CheckoutConfirmed {
		return "201-" + c.Status, &c, c.Status
	}
	return status, &c, ""
}

// verify reads the shop's orders and stock back as its seller would and
// records whether they agree with what the clients were told.
func (b *bench) verify(ctx context.Context, res *benchResult, seen *tally, received int64) error {
	st, err := b.m.Catalog.StockOfProduct(ctx, b.seller, b.product.ID)
	if err != nil {
		return fmt.Errorf("read stock: %w", err)
	}
	var sum catalog.Stock
	for _, s := range st {
		sum.Received += s.Received
		sum.Reserved += s.Reserved
		sum.Sold += s.Sold
		sum.Available += s.Available
	}
	res.Stock = &benchStock{Received: sum.Received, Reserved: sum.Reserved, Sold: sum.Sold, Available: sum.Available}

	// Every order of the shop, whatever its status.
	byStatus := map[string]int{}
	stored := map[string]bool{}
	var units int64
	r := page.Request{Limit: page.MaxLimit}
	for {
		p, err := b.m.Orders.ShopOrders(ctx, b.seller, b.shop.ID, benchMarket, "", r)
		if err != nil {
			return fmt.Errorf("read orders: %w", err)
		}
		for _, o := range p.Items {
			byStatus[o.Status]++
			stored[o.ID] = true
			if o.Status != order.StatusCancelled {
				for _, l := range o.Lines {
					units += l.Quantity
				}
			}
		}
		if p.NextCursor == "" {
			break
		}
		if r, err = page.FromQuery(url.Values{"cursor": {p.NextCursor}, "limit": {strconv.Itoa(page.MaxLimit)}}); err != nil {
			return err
		}
	}
	res.OrdersStored = byStatus
	missing := 0
	for _, id := range seen.orders {
		if !stored[id] {
			missing++
		}
	}

	paid := int64(res.Checkouts)
	add := func(ok bool, format string, args ...any) {
		res.Checks = append(res.Checks, benchCheck{OK: ok, What: fmt.Sprintf(format, args...)})
	}
	if b.cfg.kind != "checkout" {
		want := int64(b.cfg.units)
		add(paid == want, "%d checkouts answered 201 %s; want exactly %d, the units on sale", paid, paidWord(b.cfg.method), want)
	} else {
		add(res.Errors == 0, "%d of %d requests failed; want none", res.Errors, res.Requests)
	}
	add(missing == 0, "%d of the %d orders acknowledged to buyers are missing from the shop's orders; want none", missing, len(seen.orders))
	add(byStatus[order.StatusOnHold] == len(seen.orders) && len(stored) == len(seen.orders),
		"the shop has %d orders, %d of them paid and on hold; want %d, one per paid checkout", len(stored), byStatus[order.StatusOnHold], len(seen.orders))
	add(sum.Sold == paid, "inventory sold %d; want %d, the units of the paid checkouts", sum.Sold, paid)
	add(sum.Reserved == 0, "inventory reserved %d; want 0 once every checkout is answered", sum.Reserved)
	oversold := max(0, units-received, sum.Sold+sum.Reserved-sum.Received)
	res.Oversold = oversold
	add(oversold == 0, "%d units oversold (orders for %d units, %d received); want 0", oversold, units, received)
	add(sum.Received-sum.Reserved-sum.Sold == sum.Available, "available %d = received %d - reserved %d - sold %d", sum.Available, sum.Received, sum.Reserved, sum.Sold)
	res.OK = res.failed() == 0
	return nil
}

func paidWord(method string) string {
	if method == payment.MethodCOD {
		return order.CheckoutConfirmed
	}
	return order.CheckoutPaid
}

// benchResult is what a run measured; --json prints it.
type benchResult struct {
	Benchmark         string `json:"benchmark"`
	Engine            string `json:"engine"`
	SQLiteSynchronous string `json:"sqlite_synchronous,omitempty"`
	Server            string `json:"server"`
	RateLimits        string `json:"rate_limits"`
	GoVersion         string `json:"go_version"`
	GOMAXPROCS        int    `json:"gomaxprocs"`
	Payment           string `json:"payment"`
	Concurrency       int    `json:"concurrency"`
	Buyers            int    `json:"buyers"`
	SKUs              int    `json:"skus"`
	Attempts          int    `json:"attempts,omitempty"`
	Units             int    `json:"units,omitempty"`

	Requests           int               `json:"requests"`
	Checkouts          int               `json:"checkouts"` // answered 201 and paid (or confirmed, for cash on delivery)
	SoldOut            int               `json:"sold_out"`  // answered 409
	Errors             int               `json:"errors"`    // any other answer (for checkout, 409 too)
	Status             map[string]int    `json:"by_status"`
	Samples            map[string]string `json:"error_samples,omitempty"`
	ElapsedSeconds     float64           `json:"elapsed_seconds"`
	CheckoutsPerSecond float64           `json:"checkouts_per_second"`
	RequestsPerSecond  float64           `json:"requests_per_second"`
	LatencyMS          benchLatency      `json:"latency_ms"`

	Stock        *benchStock    `json:"stock"`
	OrdersStored map[string]int `json:"orders_stored"`
	Oversold     int64          `json:"oversold"`
	Live         *benchLive     `json:"live,omitempty"`
	Checks       []benchCheck   `json:"checks"`
	OK           bool           `json:"ok"`
}

type benchStock struct {
	Received  int64 `json:"received"`
	Reserved  int64 `json:"reserved"`
	Sold      int64 `json:"sold"`
	Available int64 `json:"available"`
}

type benchCheck struct {
	OK   bool   `json:"ok"`
	What string `json:"what"`
}

type benchLatency struct {
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// latencyOf returns the nearest-rank percentiles of ds, in milliseconds.
func latencyOf(ds []time.Duration) benchLatency {
	if len(ds) == 0 {
		return benchLatency{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	rank := func(q float64) time.Duration {
		i := int(q*float64(len(s))+0.999999) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return benchLatency{P50: ms(rank(0.50)), P95: ms(rank(0.95)), P99: ms(rank(0.99)), Max: ms(s[len(s)-1]), Mean: ms(sum / time.Duration(len(s)))}
}

func (r *benchResult) failed() int {
	n := 0
	for _, c := range r.Checks {
		if !c.OK {
			n++
		}
	}
	return n
}

func (r *benchResult) print(w io.Writer) {
	fmt.Fprintf(w, "\nloopshop bench %s on %s%s, %d clients, %d buyers, %d SKU(s), paying by %s, rate limits off\n",
		r.Benchmark, r.Engine, syncNote(r.SQLiteSynchronous), r.Concurrency, r.Buyers, r.SKUs, r.Payment)
	if r.Live != nil {
		l := r.Live
		fmt.Fprintf(w, "  viewers       %d connected over WebSocket in %.2fs\n", l.Viewers, l.ConnectSeconds)
		fmt.Fprintf(w, "  pins          %d, delivered %d of %d\n", l.Pins, l.Delivered, l.Pins*l.Viewers)
		p := l.PinLatencyMS
		fmt.Fprintf(w, "  pin to viewer (ms)  p50 %.1f  p95 %.1f  p99 %.1f  max %.1f  mean %.1f\n", p.P50, p.P95, p.P99, p.Max, p.Mean)
		fmt.Fprintf(w, "  flash sale    sold %d of %d allocated\n", l.FlashSold, r.Units)
	}
	if r.Benchmark != "checkout" {
		fmt.Fprintf(w, "  attempts      %d for %d units in %.2fs: %.0f attempts/s\n", r.Requests, r.Units, r.ElapsedSeconds, r.RequestsPerSecond)
		fmt.Fprintf(w, "  orders        %d\n", r.Checkouts)
		fmt.Fprintf(w, "  sold out      %d (409)\n", r.SoldOut)
		fmt.Fprintf(w, "  other errors  %d\n", r.Errors)
	} else {
		fmt.Fprintf(w, "  checkouts     %d in %.2fs: %.1f checkouts/s\n", r.Checkouts, r.ElapsedSeconds, r.CheckoutsPerSecond)
		fmt.Fprintf(w, "  errors        %d of %d requests\n", r.Errors, r.Requests)
	}
	codes := make([]string, 0, len(r.Status))
	for c := range r.Status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%s: %d", c, r.Status[c]))
	}
	fmt.Fprintf(w, "  by status     %s\n", strings.Join(parts, ", "))
	for _, c := range codes {
		if s, ok := r.Samples[c]; ok {
			fmt.Fprintf(w, "    %s e.g. %q\n", c, s)
		}
	}
	l := r.LatencyMS
	fmt.Fprintf(w, "  latency (ms)  p50 %.1f  p95 %.1f  p99 %.1f  max %.1f  mean %.1f\n", l.P50, l.P95, l.P99, l.Max, l.Mean)
	if s := r.Stock; s != nil {
		fmt.Fprintf(w, "  stock         received %d, sold %d, reserved %d, available %d; oversold %d\n", s.Received, s.Sold, s.Reserved, s.Available, r.Oversold)
	}
	fmt.Fprintln(w, "checks:")
	for _, c := range r.Checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  %s %s\n", mark, c.What)
	}
}
