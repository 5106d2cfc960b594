package affiliate_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/ledger"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/payment"
	"github.com/loopshop/loopshop/payout"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
)

// env is the whole earning loop over fresh databases of one engine:
// catalog, content, affiliate plans, orders with their jobs, the books
// and payouts, all on one clock the test moves.
type env struct {
	t         *testing.T
	router    *sqlstore.Router
	ids       *identity.Service
	catalog   *catalog.Service
	content   *content.Service
	affiliate *affiliate.Service
	orders    *order.Service
	payouts   *payout.Service
	books     *sqlstore.LedgerStore
	jobs      *jobs.Runner
	clock     *testkit.Clock
	p         *platform.Platform
}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	clock := &testkit.Clock{}
	clock.Set(time.Now())
	p := testkit.New(t, engine, testkit.WithClock(clock))
	e := &env{t: t, p: p, router: p.Router, books: sqlstore.NewLedgerStore(p.Router), clock: clock, ids: p.Identity, catalog: p.Catalog,
		content: p.Content, affiliate: p.Affiliate, orders: p.Orders, jobs: p.Jobs, payouts: p.Payouts}
	e.orders.RemorseWindow, e.orders.ReturnWindow = time.Minute, 7*24*time.Hour
	return e
}

func (e *env) account(creator bool) *identity.Actor {
	return testkit.Account(e.t, e.p, "GB", creator)
}

// later moves the clock on and runs the jobs then due.
func (e *env) later(d time.Duration) {
	e.t.Helper()
	e.clock.Advance(d)
	if _, err := e.jobs.RunDue(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) balance(account string) int64 {
	e.t.Helper()
	b, err := e.books.Balance(context.Background(), "GB", account)
	if err != nil {
		e.t.Fatal(err)
	}
	return b.Amount
}

var mp4 = append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 64)...)

// A creator joins a seller's plan, is approved, anchors the product in a
// video; a buyer taps it and buys. The commission is pending at payment,
// shrinks in proportion to partial refunds, is payable when the order
// completes, and is paid out; a second order that is cancelled after
// payment earns nothing: its refund reverses the commission. The books
// balance throughout.
func TestCreatorEarnsAndRefundClawsBack(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		seller := e.account(false)
		shop, err := e.catalog.CreateShop(ctx, seller, catalog.NewShop{Name: "Glow"})
		if err != nil {
			t.Fatal(err)
		}
		seller.Shops = map[string]identity.ShopRole{shop.ID: identity.ShopOwner}
		stock := int64(10)
		serum, err := e.catalog.CreateProduct(ctx, seller, shop.ID, catalog.NewProduct{Title: "Vitamin C serum", Category: "beauty", Description: "Bright.",
			SKUs: []catalog.NewSKU{{Price: 2400, WeightGrams: 100, Stock: &stock}}}, true)
		if err != nil {
			t.Fatal(err)
		}
		creator := e.account(true)
		post := func() (*content.Video, error) {
			return e.content.PostVideo(ctx, creator, content.NewVideo{Caption: "my glow routine", Anchors: []string{serum.ID}}, content.Upload{Video: bytes.NewReader(mp4)})
		}
		if _, err := post(); loopshop.ErrorField(err) != "anchors[0]" {
			t.Fatalf("anchoring before joining a plan: %v; want it refused", err)
		}

		plan, err := e.affiliate.CreatePlan(ctx, seller, shop.ID, affiliate.NewPlan{Kind: affiliate.Open, Name: "Serum launch", NeedsApproval: true,
			Products: []affiliate.ProductRate{{ProductID: serum.ID, RateBPS: 1500}}})
		if err != nil {
			t.Fatal(err)
		}
		m, err := e.affiliate.Join(ctx, creator, plan.ID)
		if err != nil || m.Status != affiliate.MemberPending {
			t.Fatalf("join: %+v %v; want pending approval", m, err)
		}
		if _, err := post(); loopshop.ErrorField(err) != "anchors[0]" {
			t.Fatalf("anchoring while the request is pending: %v; want it refused", err)
		}
		if m, err = e.affiliate.Decide(ctx, seller, plan.ID, creator.AccountID, true); err != nil || m.Status != affiliate.MemberApproved {
			t.Fatalf("approve: %+v %v", m, err)
		}
		v, err := post()
		if err != nil {
			t.Fatal(err)
		}

		buyer := e.account(false)
		checkout := func(key string) *order.Order {
			t.Helper()
			if _, err := e.content.Tap(ctx, buyer, content.TouchAnchor, v.ID, "", serum.ID); err != nil {
				t.Fatal(err)
			}
			c, err := e.orders.Checkout(ctx, buyer, key, order.CheckoutRequest{Items: []order.CartItem{{SKUID: serum.SKUs[0].ID, Quantity: 1}},
				ShipTo:  order.Address{Name: "Ada", Line1: "1 High Street", City: "London", PostalCode: "N1 1AA"},
				Payment: order.PaymentRequest{Method: payment.MethodCard, Card: &payment.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2040, CVC: "123"}}})
			if err != nil || c.Status != order.CheckoutPaid {
				t.Fatalf("checkout: %v %v", c, err)
			}
			return c.Orders[0]
		}
		// £24.00 with 20 % VAT included: £20.00 before tax, 15 % of it.
		o := checkout("k1")
		if l := o.Lines[0]; l.Source.CreatorID != creator.AccountID || l.PlanID != plan.ID || l.CommissionBPS != 1500 || l.CreatorCommission.Amount != 300 {
			t.Fatalf("line %+v; want it credited to the creator at 15 %%: 300", l)
		}
		pending, payable := ledger.CreatorPending(creator.AccountID), ledger.CreatorPayable(creator.AccountID)
		if p, a := e.balance(pending), e.balance(payable); p != -300 || a != 0 {
			t.Errorf("after payment: pending %d, payable %d; want -300 and 0", p, a)
		}
		earn, err := e.payouts.Earnings(ctx, creator, creator.AccountID)
		if err != nil || earn.Pending.Amount != 300 || earn.Available.Amount != 0 {
			t.Errorf("earnings %+v %v; want 3.00 pending", earn, err)
		}
		if _, err := e.payouts.PayCreator(ctx, creator, "too-early", 0); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Errorf("payout before the order completes: %v; want a conflict", err)
		}

		// A second order, cancelled in the remorse window: refunded, and
		// its commission reversed.
		o2 := checkout("k2")
		if p := e.balance(pending); p != -600 {
			t.Errorf("pending %d after the second order; want -600", p)
		}
		if _, err := e.orders.Cancel(ctx, buyer, o2.ID, "ordered twice"); err != nil {
			t.Fatal(err)
		}
		e.later(time.Second) // the refund job
		if p := e.balance(pending); p != -300 {
			t.Errorf("pending %d after the refund; want -300, the first order's only", p)
		}

		// The first order goes its way and completes.
		e.later(2 * time.Minute) // the remorse window ends
		if _, err := e.orders.Ship(ctx, seller, o.ID, order.Shipment{Carrier: "Royal Mail", TrackingNumber: "RM123456GB"}); err != nil {
			t.Fatal(err)
		}
		// Part of the parcel is missing: the seller refunds a third, then
		// another sixth. The creator's pending commission shrinks in
		// proportion: 300 × 1200 / 2400.
		for i, amount := range []int64{800, 400} {
			rf, err := e.orders.RefundPart(ctx, seller, o.ID, fmt.Sprintf("missing-%d", i), amount, "one bottle was missing")
			if err != nil || rf.Status != order.RefundPending {
				t.Fatalf("refund %d: %+v %v", amount, rf, err)
			}
			e.later(time.Second) // the refund job
		}
		if p := e.balance(pending); p != -150 {
			t.Errorf("pending %d after refunding half; want -150", p)
		}
		if _, err := e.orders.RefundPart(ctx, seller, o.ID, "too-much", 1201, "all of it"); loopshop.ErrorField(err) != "amount" {
			t.Errorf("refunding more than is left: %v; want it refused on amount", err)
		}
		if _, err := e.orders.RefundPart(ctx, buyer, o.ID, "mine", 100, "please"); loopshop.ErrorCode(err) != loopshop.EFORBIDDEN {
			t.Errorf("the buyer refunding itself: %v; want forbidden", err)
		}
		if rf, err := e.orders.RefundPart(ctx, seller, o.ID, "missing-0", 800, "again"); err != nil || rf.Status != order.RefundDone {
			t.Errorf("the same refund again: %+v %v; want the first, done, and nothing more refunded", rf, err)
		}
		if _, err := e.orders.Deliver(ctx, seller, o.ID); err != nil {
			t.Fatal(err)
		}
		e.later(8 * 24 * time.Hour) // the return window ends: settlement
		if p, a := e.balance(pending), e.balance(payable); p != 0 || a != -150 {
			t.Errorf("after completion: pending %d, payable %d; want 0 and -150", p, a)
		}
		// The seller gets the rest of the 1200 kept: VAT 400 → 200, platform
		// 5 % of 2400 (120) → 60, the creator 150.
		if got := e.balance(ledger.SellerPayable(shop.ID)); got != -(1200 - 200 - 60 - 150) {
			t.Errorf("seller payable %d; want -%d", got, 1200-200-60-150)
		}
		if got := e.balance(ledger.OrderClearing(o.ID)); got != 0 {
			t.Errorf("the order still holds %d after settling", got)
		}
		p, err := e.payouts.PayCreator(ctx, creator, "first", 0)
		if err != nil || p.Amount.Amount != 150 {
			t.Fatalf("payout: %+v %v; want 1.50", p, err)
		}
		if again, err := e.payouts.PayCreator(ctx, creator, "first", 150); err != nil || again.ID != p.ID {
			t.Errorf("the same payout again: %+v %v; want the first one, paid once", again, err)
		}
		if a := e.balance(payable); a != 0 {
			t.Errorf("payable %d after the payout; want 0", a)
		}
		if err := e.books.Check(ctx, "eu"); err != nil {
			t.Errorf("books: %v", err)
		}
	})
}

// A lower rate reaches creators already in the plan only after the notice
// period; a creator joining after the change earns it at once; a
// targeted plan for a creator beats an open one.
func TestRates(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		seller := e.account(false)
		shop, err := e.catalog.CreateShop(ctx, seller, catalog.NewShop{Name: "Glow"})
		if err != nil {
			t.Fatal(err)
		}
		seller.Shops = map[string]identity.ShopRole{shop.ID: identity.ShopOwner}
		p, err := e.catalog.CreateProduct(ctx, seller, shop.ID, catalog.NewProduct{Title: "Lip balm", Category: "beauty", SKUs: []catalog.NewSKU{{Price: 500}}}, true)
		if err != nil {
			t.Fatal(err)
		}
		open, err := e.affiliate.CreatePlan(ctx, seller, shop.ID, affiliate.NewPlan{Kind: affiliate.Open, Name: "Everything", ShopWideBPS: 1000})
		if err != nil {
			t.Fatal(err)
		}
		early, late, vip := e.account(true), e.account(true), e.account(true)
		rate := func(c *identity.Actor) int {
			t.Helper()
			bps, _, err := e.affiliate.Rate(ctx, "GB", c.AccountID, p.ID, e.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			return bps
		}
		if _, err := e.affiliate.Join(ctx, early, open.ID); err != nil {
			t.Fatal(err)
		}
		if got := rate(early); got != 1000 {
			t.Errorf("rate %d; want the shop-wide 1000", got)
		}
		e.clock.Advance(time.Hour)
		if _, err := e.affiliate.ChangeRate(ctx, seller, open.ID, "", 400); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Hour)
		if _, err := e.affiliate.Join(ctx, late, open.ID); err != nil {
			t.Fatal(err)
		}
		if a, b := rate(early), rate(late); a != 1000 || b != 400 {
			t.Errorf("a day after lowering: the early creator earns %d, the late one %d; want 1000 and 400", a, b)
		}
		e.clock.Advance(affiliate.RateNoticePeriod)
		if got := rate(early); got != 400 {
			t.Errorf("after the notice period the early creator earns %d; want 400", got)
		}
		if _, err := e.affiliate.ChangeRate(ctx, seller, open.ID, "", 1200); err != nil {
			t.Fatal(err)
		}
		if got := rate(early); got != 1200 {
			t.Errorf("a raise reaches the early creator at once? it earns %d; want 1200", got)
		}

		// A targeted plan for vip, with a lower rate than the open one, wins.
		if _, err := e.affiliate.Join(ctx, vip, open.ID); err != nil {
			t.Fatal(err)
		}
		tp, err := e.affiliate.CreatePlan(ctx, seller, shop.ID, affiliate.NewPlan{Kind: affiliate.Targeted, Name: "VIP", Invited: []string{vip.AccountID},
			Products: []affiliate.ProductRate{{ProductID: p.ID, RateBPS: 900}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.affiliate.Join(ctx, early, tp.ID); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("an uninvited creator joining a targeted plan: %v; want not found", err)
		}
		if m, err := e.affiliate.Join(ctx, vip, tp.ID); err != nil || m.Status != affiliate.MemberApproved {
			t.Fatalf("the invited creator joins: %+v %v", m, err)
		}
		if got := rate(vip); got != 900 {
			t.Errorf("vip earns %d; want the targeted 900 over the open 1200", got)
		}
		if err := e.affiliate.EndPlan(ctx, seller, tp.ID); err != nil {
			t.Fatal(err)
		}
		if got := rate(vip); got != 1200 {
			t.Errorf("with the targeted plan ended vip earns %d; want the open 1200", got)
		}

		// Mistakes are refused with what to fix.
		for _, tt := range []struct {
			in    affiliate.NewPlan
			field string
		}{
			{affiliate.NewPlan{Kind: "CLOSED", Name: "x", ShopWideBPS: 1000}, "kind"},
			{affiliate.NewPlan{Kind: affiliate.Open, Name: "x", ShopWideBPS: 50}, "shop_wide_bps"},
			{affiliate.NewPlan{Kind: affiliate.Open, Name: "x", ShopWideBPS: 9000}, "shop_wide_bps"},
			{affiliate.NewPlan{Kind: affiliate.Open, Name: "x"}, "products"},
			{affiliate.NewPlan{Kind: affiliate.Open, Name: "", ShopWideBPS: 1000}, "name"},
			{affiliate.NewPlan{Kind: affiliate.Targeted, Name: "x", ShopWideBPS: 1000}, "invited"},
			{affiliate.NewPlan{Kind: affiliate.Open, Name: "x", Products: []affiliate.ProductRate{{ProductID: "prd_gb_none", RateBPS: 1000}}}, "products[0].product_id"},
		} {
			if _, err := e.affiliate.CreatePlan(ctx, seller, shop.ID, tt.in); loopshop.ErrorField(err) != tt.field {
				t.Errorf("plan %+v: %v; want it refused on %s", tt.in, err, tt.field)
			}
		}
		if _, err := e.affiliate.CreatePlan(ctx, early, shop.ID, affiliate.NewPlan{Kind: affiliate.Open, Name: "x", ShopWideBPS: 1000}); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("a creator setting up a plan for someone's shop: %v; want not found", err)
		}
	})
}

func TestEffectiveRate(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	h := []affiliate.RateChange{{BPS: 1000, At: t0}, {BPS: 500, At: t0.Add(10 * day)}, {BPS: 800, At: t0.Add(20 * day)}}
	for _, tt := range []struct {
		name   string
		joined time.Time
		at     time.Time
		want   int
	}{
		{"before the plan", t0, t0.Add(-day), 0},
		{"at the start", t0, t0, 1000},
		{"lowered, in the notice period", t0, t0.Add(15 * day), 1000},
		{"a second lowering, still in notice", t0, t0.Add(25 * day), 1000},
		{"first lowering applies, then the rise to 800", t0, t0.Add(41 * day), 800},
		{"joined after the lowering", t0.Add(11 * day), t0.Add(12 * day), 500},
		{"joined after both changes", t0.Add(21 * day), t0.Add(22 * day), 800},
	} {
		if got := affiliate.EffectiveRate(h, tt.joined, tt.at); got != tt.want {
			t.Errorf("%s: EffectiveRate = %d; want %d", tt.name, got, tt.want)
		}
	}
}

// A creator in a plan asks for a sample; the seller approves and ships
// it; the creator's video of it fulfils it, and until then it is due.
func TestSamples(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		seller := e.account(false)
		shop, err := e.catalog.CreateShop(ctx, seller, catalog.NewShop{Name: "Glow"})
		if err != nil {
			t.Fatal(err)
		}
		seller.Shops = map[string]identity.ShopRole{shop.ID: identity.ShopOwner}
		p, err := e.catalog.CreateProduct(ctx, seller, shop.ID, catalog.NewProduct{Title: "Lip balm", Category: "beauty", SKUs: []catalog.NewSKU{{Price: 500}}}, true)
		if err != nil {
			t.Fatal(err)
		}
		creator := e.account(true)
		if _, err := e.affiliate.RequestSample(ctx, creator, p.ID, "I'd love to try it"); loopshop.ErrorField(err) != "product_id" {
			t.Fatalf("a sample without a plan: %v; want it refused on product_id", err)
		}
		plan, err := e.affiliate.CreatePlan(ctx, seller, shop.ID, affiliate.NewPlan{Kind: affiliate.Open, Name: "All", ShopWideBPS: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.affiliate.Join(ctx, creator, plan.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.affiliate.RequestSample(ctx, creator, p.ID, "text me on +44 7911 123456"); loopshop.ErrorField(err) != "note" {
			t.Errorf("a note with a phone number: %v; want it refused on note", err)
		}
		smp, err := e.affiliate.RequestSample(ctx, creator, p.ID, "I'd love to try it")
		if err != nil || smp.Status != affiliate.SampleRequested {
			t.Fatalf("request: %+v %v", smp, err)
		}
		if _, err := e.affiliate.ShipSample(ctx, seller, smp.ID, "Royal Mail", "RM1234GB"); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Errorf("shipping before approving: %v; want a conflict", err)
		}
		if _, err := e.affiliate.DecideSample(ctx, e.account(false), smp.ID, true, ""); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("another account deciding: %v; want not found", err)
		}
		if smp, err = e.affiliate.DecideSample(ctx, seller, smp.ID, true, "On its way soon"); err != nil || smp.Status != affiliate.SampleApproved {
			t.Fatalf("approve: %+v %v", smp, err)
		}
		if smp, err = e.affiliate.ShipSample(ctx, seller, smp.ID, "Royal Mail", "RM1234GB"); err != nil || smp.Status != affiliate.SampleShipped ||
			smp.ContentDueAt == nil || !smp.ContentDueAt.Equal(e.clock.Now().Add(affiliate.SampleContentDue)) {
			t.Fatalf("ship: %+v %v; want SHIPPED with its video due in 14 days", smp, err)
		}
		if smp.Overdue(e.clock.Now()) || !smp.Overdue(e.clock.Now().Add(15*24*time.Hour)) {
			t.Errorf("overdue now %v, in 15 days %v; want false then true", smp.Overdue(e.clock.Now()), smp.Overdue(e.clock.Now().Add(15*24*time.Hour)))
		}
		v, err := e.content.PostVideo(ctx, creator, content.NewVideo{Caption: "trying the balm", Anchors: []string{p.ID}}, content.Upload{Video: bytes.NewReader(mp4)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.affiliate.FulfilSample(ctx, creator, smp.ID, "vid_gb_nothing"); loopshop.ErrorField(err) != "video_id" {
			t.Errorf("fulfilling with an unknown video: %v; want it refused on video_id", err)
		}
		if smp, err = e.affiliate.FulfilSample(ctx, creator, smp.ID, v.ID); err != nil || smp.Status != affiliate.SamplePosted || smp.VideoID != v.ID {
			t.Fatalf("fulfil: %+v %v", smp, err)
		}
		mine, err := e.affiliate.MySamples(ctx, creator)
		if err != nil || len(mine) != 1 || mine[0].ProductTitle != "Lip balm" || mine[0].Status != affiliate.SamplePosted {
			t.Errorf("the creator's samples %+v %v", mine, err)
		}
		theirs, err := e.affiliate.SamplesOfShop(ctx, seller, shop.ID)
		if err != nil || len(theirs) != 1 || theirs[0].TrackingNumber != "RM1234GB" {
			t.Errorf("the shop's samples %+v %v", theirs, err)
		}
	})
}

// A shop-wide plan pays on every live product of its shop, so its
// creators may pick any of them to showcase or ask a sample of, not only
// the products it lists; a plan of listed products offers those only, and
// nobody gets a sample of a product that is not on sale.
func TestPlanProducts(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newEnv(t, engine)
		seller := e.account(false)
		shop, err := e.catalog.CreateShop(ctx, seller, catalog.NewShop{Name: "Glow"})
		if err != nil {
			t.Fatal(err)
		}
		seller.Shops = map[string]identity.ShopRole{shop.ID: identity.ShopOwner}
		product := func(title string, publish bool) *catalog.Product {
			t.Helper()
			p, err := e.catalog.CreateProduct(ctx, seller, shop.ID, catalog.NewProduct{Title: title, Category: "beauty", SKUs: []catalog.NewSKU{{Price: 500}}}, publish)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		balm, serum, mask, draft := product("Lip balm", true), product("Serum", true), product("Mask", true), product("Secret", false)
		wide, err := e.affiliate.CreatePlan(ctx, seller, shop.ID, affiliate.NewPlan{Kind: affiliate.Open, Name: "All", ShopWideBPS: 1000,
			Products: []affiliate.ProductRate{{ProductID: serum.ID, RateBPS: 2000}}})
		if err != nil {
			t.Fatal(err)
		}
		listed, err := e.affiliate.CreatePlan(ctx, seller, shop.ID, affiliate.NewPlan{Kind: affiliate.Open, Name: "Balm only",
			Products: []affiliate.ProductRate{{ProductID: balm.ID, RateBPS: 1500}, {ProductID: draft.ID, RateBPS: 1500}}})
		if err != nil {
			t.Fatal(err)
		}
		wideCreator, listedCreator := e.account(true), e.account(true)
		if _, err := e.affiliate.PlanProducts(ctx, wideCreator, wide.ID, page.Request{Limit: 10}); loopshop.ErrorCode(err) != loopshop.ENOTFOUND {
			t.Errorf("the products of a plan the creator is not in: %v; want not found", err)
		}
		for _, j := range []struct {
			c    *identity.Actor
			plan *affiliate.Plan
		}{{wideCreator, wide}, {listedCreator, listed}} {
			if _, err := e.affiliate.Join(ctx, j.c, j.plan.ID); err != nil {
				t.Fatal(err)
			}
		}
		offers := func(c *identity.Actor, planID string, r page.Request) (string, string) {
			t.Helper()
			pg, err := e.affiliate.PlanProducts(ctx, c, planID, r)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range pg.Items {
				got = append(got, fmt.Sprintf("%s %d", o.Product.Title, o.RateBPS))
			}
			return fmt.Sprint(got), pg.NextCursor
		}
		got, next := offers(wideCreator, wide.ID, page.Request{Limit: 2})
		if got != "[Mask 1000 Serum 2000]" || next == "" {
			t.Errorf("the shop-wide plan's first page: %s (next %q); want the newest two live products at their rates, and more", got, next)
		}
		if got, next := offers(wideCreator, wide.ID, page.Request{Limit: 2, After: serum.ID}); got != "[Lip balm 1000]" || next != "" {
			t.Errorf("the shop-wide plan's second page: %s (next %q); want the balm, and no more", got, next)
		}
		if got, _ := offers(listedCreator, listed.ID, page.Request{Limit: 10}); got != "[Lip balm 1500]" {
			t.Errorf("the listed plan's products: %s; want only its live product", got)
		}

		for _, tt := range []struct {
			name    string
			creator *identity.Actor
			product *catalog.Product
			ok      bool
		}{
			{"shop-wide plan, product it does not list", wideCreator, mask, true},
			{"shop-wide plan, product with its own rate", wideCreator, serum, true},
			{"shop-wide plan, draft", wideCreator, draft, false},
			{"listed plan, product it lists", listedCreator, balm, true},
			{"listed plan, product it does not list", listedCreator, mask, false},
			{"listed plan, draft it lists", listedCreator, draft, false},
		} {
			t.Run(tt.name, func(t *testing.T) {
				smp, err := e.affiliate.RequestSample(ctx, tt.creator, tt.product.ID, "")
				switch {
				case tt.ok && (err != nil || smp.ProductID != tt.product.ID || smp.ShopID != shop.ID):
					t.Errorf("sample: %+v %v; want it requested", smp, err)
				case !tt.ok && loopshop.ErrorField(err) != "product_id":
					t.Errorf("sample: %+v %v; want it refused on product_id", smp, err)
				}
				_, err = e.content.AddToShowcase(ctx, tt.creator, tt.product.ID)
				if (err == nil) != tt.ok {
					t.Errorf("showcase: %v; want allowed %v", err, tt.ok)
				}
			})
		}
	})
}
