package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/loopshop/loopshop/demo"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// chromium finds the browser the tests drive: LOOPSHOP_CHROMIUM, else
// Debian's chromium on the PATH. Without one the test skips, except under
// CI=true, where .ci/run installs it and a missing browser is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("LOOPSHOP_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium found: CI must run the browser tests (install Debian's chromium, or set LOOPSHOP_CHROMIUM)")
	}
	t.Skip("no Chromium found; install Debian's chromium or set LOOPSHOP_CHROMIUM")
	return ""
}

// artifacts is where the browser tests leave their screenshots:
// LOOPSHOP_ARTIFACTS, else artifacts/browser at the top of the checkout
// (ignored by git).
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LOOPSHOP_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "artifacts", "browser")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browserContext starts a headless Chromium for the test, as root and
// offline: no sandbox (root cannot have one), no GPU, and none of the
// background calls home that a closed network would refuse.
func browserContext(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil { // start the browser now, so a broken install fails here
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// newTab opens a browser tab with cookies of its own, closed when the
// test ends.
func newTab(t *testing.T, bctx context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// screenshot saves what the tab shows as dir/name.png.
func screenshot(dir, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	})
}

// signIn signs account in with the demo password, coming back to next.
func signIn(base, account, next string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/login?next="+url.QueryEscape(next)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), account),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), demo.Password),
		chromedp.Submit(chromedp.CSS(`form[action="/login"]`)),
	)
}

// joinLiveRoom signs account in and opens the first room live now from
// the feed, waiting for its events to connect.
func joinLiveRoom(base, account string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		signIn(base, account, "/"),
		// The feed, loaded whole: a chip found while the page that
		// signing in loads is still replacing the last may be gone by
		// the time it is clicked.
		chromedp.WaitReady(chromedp.CSS(`.who`)), // in the header on a desktop, behind the Me tab on a phone
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`.live-now-chip`)),
		chromedp.Click(chromedp.CSS(`.live-now-chip`)),
		chromedp.WaitVisible(chromedp.CSS(`.live-room[data-connected]`)),
	)
}

// demoServer runs the whole platform with the demo seeded, over fresh
// SQLite databases, closed when the test ends; base is its address.
func demoServer(t *testing.T) (m *Main, base string) {
	t.Helper()
	m = NewMain(io.Discard, io.Discard)
	m.Config = *sqltest.Config(t, "sqlite")
	m.Demo = true
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m, "http://" + m.Server.Addr()
}

// stepper runs the named steps of a browser scenario, each with a minute
// to finish; a failed step leaves a screenshot of where the tab was
// (dir/prefix-failed.png) and ends the test.
func stepper(t *testing.T, dir, prefix string) func(ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
	return func(ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			_ = chromedp.Do(ctx, screenshot(dir, prefix+"-failed"))
			t.Fatalf("%s: %v (screenshots in %s)", name, err, dir)
		}
	}
}

// A buyer opens the demo on a phone and on a desktop, scrolls the feed to
// the second video, taps its product anchor, buys it by test card and sees
// the order; the order is credited to the video. Screenshots of every step
// are kept.
func TestBrowserBuyFromVideo(t *testing.T) {
	if testing.Short() {
		t.Skip("drives Chromium over the seeded demo: skipped with -short")
	}
	bctx := browserContext(t)
	m, base := demoServer(t)
	shots := artifacts(t)

	for _, vp := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{
		{"phone", 390, 844, true},
		{"desktop", 1280, 860, false},
	} {
		t.Run(vp.name, func(t *testing.T) {
			ctx := newTab(t, bctx)
			shot := func(name string) chromedp.Action[chromedp.Void] { return screenshot(shots, vp.name+"-"+name) }
			emulate := chromedp.EmulateViewport(vp.width, vp.height)
			if vp.mobile {
				emulate = chromedp.EmulateViewport(vp.width, vp.height, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait)
			}
			css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
			playing := func(i int) chromedp.Action[bool] {
				return chromedp.Poll[bool](fmt.Sprintf(`(() => { const v = document.querySelectorAll('.feed .clip video')[%d]; return !!v && v.readyState >= 2 && !v.paused; })()`, i),
					chromedp.WithPollingTimeout(20*time.Second))
			}
			// Each step has a minute; a failed one leaves a screenshot of
			// where the browser was.
			fail := func(step string, err error) {
				t.Helper()
				if err != nil {
					_ = chromedp.Do(ctx, shot("failed"))
					t.Fatalf("%s: %v (screenshots in %s)", step, err, shots)
				}
			}
			step := func(actions ...chromedp.Action[chromedp.Void]) error {
				sctx, cancel := context.WithTimeout(ctx, time.Minute)
				defer cancel()
				return chromedp.Do(sctx, actions...)
			}

			fail("sign in and open the feed", step(
				emulate,
				chromedp.Navigate(base+"/login?next=/"),
				chromedp.WaitVisible(css(`input[name=email]`)),
				chromedp.SendKeys(css(`input[name=email]`), "buyer@demo.loopshop.test"),
				chromedp.SendKeys(css(`input[name=password]`), demo.Password),
				chromedp.Submit(css(`form[action="/login"]`)),
				chromedp.WaitVisible(css(`.feed .clip video`)),
			))
			clips, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.feed .clip[data-video]').length`))
			fail("count the clips", err)
			if clips < 2 {
				t.Fatalf("the demo feed shows %d videos; want at least 2", clips)
			}
			// The first clip's video decodes and plays on its own.
			_, err = chromedp.Run(ctx, playing(0))
			fail("the first video plays", err)
			fail("screenshot", step(shot("1-feed")))

			// Scroll to the second clip, as a thumb would: it plays.
			fail("scroll", step(chromedp.Evaluate[chromedp.Void](`document.querySelector('.feed').scrollBy({top: document.querySelector('.feed').clientHeight, behavior: 'instant'})`)))
			_, err = chromedp.Run(ctx, playing(1))
			fail("the second video plays after the scroll", err)
			second, err := chromedp.Run(ctx, chromedp.AttributeValue(css(`.feed .clip[data-video]:nth-of-type(2)`), "data-video"))
			fail("read the second video's ID", err)
			fail("screenshot", step(shot("2-second-video")))

			// Tap the second clip's first anchor chip, and buy.
			fail("tap the anchor", step(
				chromedp.Click(css(`.feed .clip[data-video]:nth-of-type(2) .anchor`)),
				chromedp.WaitVisible(css(`.product-title`)),
			))
			productTitle, err := chromedp.Run(ctx, chromedp.Text(css(`.product-title`)))
			fail("read the product", err)
			fail("buy", step(
				shot("3-product"),
				chromedp.Click(css(`form.buy button[type=submit]`)),
				chromedp.WaitVisible(css(`a[href="/checkout"]`)),
				shot("4-bag"),
				chromedp.Click(css(`a[href="/checkout"]`)),
				chromedp.WaitVisible(css(`form.checkout-form`)),
				chromedp.SetValue(css(`input[name=name]`), "Alex Morgan"),
				chromedp.SetValue(css(`input[name=line1]`), "1 High Street"),
				chromedp.SetValue(css(`input[name=city]`), "London"),
				chromedp.SetValue(css(`input[name=postal_code]`), "N1 1AA"),
				chromedp.SetValue(css(`input[name=number]`), "4242 4242 4242 4242"),
				chromedp.SetValue(css(`input[name=exp]`), "12/39"),
				chromedp.SetValue(css(`input[name=cvc]`), "123"),
				shot("5-checkout"),
				chromedp.Submit(css(`form.checkout-form`)),
				// The orders page thanks the buyer; the newest order is first.
				chromedp.WaitVisible(css(`p.notice[role=status]`)),
				shot("6-orders"),
				chromedp.Click(css(`.order-list a.row-title`)),
				chromedp.WaitVisible(css(`form[action$="/cancel"]`)),
				shot("7-order"),
			))
			orderURL, err := chromedp.Run(ctx, chromedp.Location())
			fail("read the order's address", err)

			// Cancel, then think better of it: the dialog asks, and
			// answering Cancel leaves the order as it was.
			asked := dialogs(ctx, new(atomic.Bool)) // answered with Cancel
			fail("cancel the order, then answer the dialog with Cancel", step(
				chromedp.Click(css(`form[action$="/cancel"] button[type=submit]`)),
			))
			select {
			case q := <-asked:
				if !strings.Contains(q, "Cancel this order?") {
					t.Errorf("the cancel button asked %q; want it to ask whether to cancel the order", q)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Cancel order acted without asking: no confirmation dialog opened")
			}
			fail("reload the order", step(chromedp.Navigate(orderURL), chromedp.WaitVisible(css(`form[action$="/cancel"]`))))
			orderText, err := chromedp.Run(ctx, chromedp.Text(css(`main`)))
			fail("read the order", err)
			signOut := chromedp.Click(css(`.top-account form[action="/logout"] button`))
			if vp.mobile { // behind the Me tab
				signOut = chromedp.Steps(chromedp.Click(css(`.tabbar a[href="/me"]`)), chromedp.Click(css(`.me form[action="/logout"] button`)))
			}
			fail("sign out", step(signOut, chromedp.WaitReady(css(`a[href^="/login"]`))))
			secondID := second.Value
			if !strings.Contains(orderText, productTitle) || !strings.Contains(orderText, "On hold") {
				t.Errorf("the order page says %q; want the %q bought, on hold", orderText, productTitle)
			}

			// The order is the buyer's, and credited to the second video.
			orderID := orderURL[strings.LastIndex(orderURL, "/")+1:]
			tok, _, err := m.Identity.Login(context.Background(), "buyer@demo.loopshop.test", demo.Password, identity.SessionAPI)
			if err != nil {
				t.Fatal(err)
			}
			buyer, err := m.Identity.Authenticate(context.Background(), tok)
			if err != nil {
				t.Fatal(err)
			}
			o, err := m.Orders.Order(context.Background(), buyer, orderID)
			if err != nil {
				t.Fatalf("order %s from %s: %v", orderID, orderURL, err)
			}
			if src := o.Lines[0].Source; src.VideoID != secondID || src.Kind != "anchor" {
				t.Errorf("the order's line came from %+v; want the anchor of video %s", src, secondID)
			}
			pg, err := m.Orders.BuyerOrders(context.Background(), buyer, page.Request{Limit: 10})
			if err != nil || len(pg.Items) == 0 || pg.Items[0].ID != orderID {
				t.Errorf("the buyer's newest order is not %s: %v", orderID, err)
			}
		})
	}

	// The demo's live room, on a phone: the viewer joins from the feed,
	// sees the host's pin and flash deal arrive, chats, and buys the deal.
	t.Run("live", func(t *testing.T) {
		ctx := newTab(t, bctx)
		css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
		shot := func(name string) chromedp.Action[chromedp.Void] { return screenshot(shots, "live-"+name) }
		inTab := stepper(t, shots, "live")
		step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			inTab(ctx, name, actions...)
		}
		bg := context.Background()
		tok, _, err := m.Identity.Login(bg, "beauty.gb@demo.loopshop.test", demo.Password, identity.SessionAPI)
		if err != nil {
			t.Fatal(err)
		}
		host, err := m.Identity.Authenticate(bg, tok)
		if err != nil {
			t.Fatal(err)
		}
		step("sign in and open the room from the feed",
			chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait),
			joinLiveRoom(base, "buyer@demo.loopshop.test"),
		)
		roomID, err := chromedp.Run(ctx, chromedp.AttributeValue(css(`.live-room`), "data-room"))
		if err != nil {
			t.Fatal(err)
		}
		room, err := m.Live.Room(bg, roomID.Value)
		if err != nil || len(room.Bag) == 0 {
			t.Fatalf("room %+v %v", room, err)
		}
		if _, err := m.Live.Pin(bg, host, room.ID, room.Bag[0].ProductID); err != nil {
			t.Fatal(err)
		}
		step("the pin arrives", chromedp.WaitVisible(css(`[data-pinned]`)))
		pinned, err := chromedp.Run(ctx, chromedp.Text(css(`[data-pinned-title]`)))
		if err != nil || pinned != room.Bag[0].Title {
			t.Errorf("the pinned card says %q (%v); want %q", pinned, err, room.Bag[0].Title)
		}
		prod, err := m.Catalog.Product(bg, host, room.Bag[0].ProductID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Live.StartFlash(bg, host, room.ID, live.NewFlash{SKUID: prod.SKUs[0].ID, Price: prod.SKUs[0].Price.Amount / 2, Quantity: 5, PerBuyer: 1, Seconds: 120}); err != nil {
			t.Fatal(err)
		}
		step("the flash deal arrives, and the viewer chats",
			chromedp.WaitVisible(css(`[data-flash]`)),
			chromedp.SendKeys(css(`[data-chat-form] input[name=text]`), "that serum looks great"),
			chromedp.Click(css(`[data-chat-form] button[type=submit]`)),
			chromedp.Poll[chromedp.Void](`document.querySelector('[data-chat-list]').textContent.includes('that serum looks great')`, chromedp.WithPollingTimeout(20*time.Second)),
			shot("1-room"),
		)
		step("buy the deal",
			chromedp.Click(css(`[data-flash-buy]`)),
			chromedp.WaitVisible(css(`form.checkout-form`)),
			chromedp.SetValue(css(`input[name=line1]`), "1 High Street"),
			chromedp.SetValue(css(`input[name=city]`), "London"),
			chromedp.SetValue(css(`input[name=postal_code]`), "N1 1AA"),
			chromedp.SetValue(css(`input[name=number]`), "4242 4242 4242 4242"),
			chromedp.SetValue(css(`input[name=exp]`), "12/39"),
			chromedp.SetValue(css(`input[name=cvc]`), "123"),
			shot("2-checkout"),
			chromedp.Submit(css(`form.checkout-form`)),
			chromedp.WaitVisible(css(`p.notice[role=status]`)),
			shot("3-ordered"),
		)
		a, err := m.Live.Analytics(bg, host, room.ID)
		if err != nil || a.Orders != 1 || a.GMV.Amount != prod.SKUs[0].Price.Amount/2 {
			t.Errorf("room analytics %+v %v; want the deal's one order", a, err)
		}
	})

	// The demo's live room, on a phone, with the host at a desktop: the
	// host hands coupons out from the host's page, the viewer claims one
	// as it arrives, buys a product of the room's bag, and picks the
	// coupon at checkout; the order has the coupon's discount.
	t.Run("live coupon", func(t *testing.T) {
		bg := context.Background()
		// A buyer of its own, so that no coupon, bag or order of the other
		// subtests is in the way.
		const email = "coupons@demo.loopshop.test"
		if _, err := m.Identity.SignUp(bg, identity.SignUp{Market: "GB", Email: email, Password: demo.Password, DisplayName: "Casey Coupon"}); err != nil {
			t.Fatal(err)
		}
		tok, _, err := m.Identity.Login(bg, email, demo.Password, identity.SessionAPI)
		if err != nil {
			t.Fatal(err)
		}
		buyer, err := m.Identity.Authenticate(bg, tok)
		if err != nil {
			t.Fatal(err)
		}
		viewer, host := newTab(t, bctx), newTab(t, bctx)
		css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
		shot := func(name string) chromedp.Action[chromedp.Void] { return screenshot(shots, "coupon-"+name) }
		step := stepper(t, shots, "coupon")
		step(viewer, "sign in and open the room from the feed",
			chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait),
			joinLiveRoom(base, email),
		)
		roomID, err := chromedp.Run(viewer, chromedp.AttributeValue(css(`.live-room`), "data-room"))
		if err != nil {
			t.Fatal(err)
		}
		room, err := m.Live.Room(bg, roomID.Value)
		if err != nil {
			t.Fatal(err)
		}
		shop, err := m.Catalog.Shop(bg, room.ShopID)
		if err != nil {
			t.Fatal(err)
		}
		// A product of the bag that alone meets the coupon's £10.00.
		var product string
		for _, a := range room.Bag {
			if a.Available && a.Price.Amount >= 1000 {
				product = a.ProductID
				break
			}
		}
		if product == "" {
			t.Fatalf("the demo room's bag %+v has no product on sale at £10.00 or more, which the coupon needs spent", room.Bag)
		}

		step(host, "the host hands coupons out",
			chromedp.EmulateViewport(1280, 860),
			signIn(base, "beauty.gb@demo.loopshop.test", "/live/"+room.ID+"/host"),
			chromedp.WaitVisible(css(`form[action$="/host/coupon"]`)),
			chromedp.SetValue(css(`form[action$="/host/coupon"] input[name=amount_off]`), "2.00"),
			chromedp.SetValue(css(`form[action$="/host/coupon"] input[name=min_spend]`), "10.00"),
			chromedp.SetValue(css(`form[action$="/host/coupon"] input[name=quantity]`), "5"),
			chromedp.SetValue(css(`form[action$="/host/coupon"] input[name=hours]`), "24"),
			chromedp.Submit(css(`form[action$="/host/coupon"]`)),
			chromedp.WaitVisible(css(`p.notice[role=status]`)),
			shot("1-host"),
		)
		step(viewer, "the coupon arrives, and the viewer claims it",
			chromedp.WaitVisible(css(`[data-coupon]`)),
			chromedp.Click(css(`[data-coupon-claim]`)),
			chromedp.Poll[chromedp.Void](`document.querySelector('[data-coupon-claim]').textContent.includes('waiting at checkout')`, chromedp.WithPollingTimeout(20*time.Second)),
			shot("2-claimed"),
		)
		card, err := chromedp.Run(viewer, chromedp.Text(css(`[data-coupon]`)))
		if err != nil || !strings.Contains(card, "£2.00 off orders of £10.00 or more") {
			t.Errorf("the coupon card says %q (%v); want £2.00 off orders of £10.00 or more", card, err)
		}
		claimed, err := m.Live.ClaimedCoupons(bg, buyer)
		if err != nil || len(claimed) != 1 || claimed[0].AmountOff.Amount != 200 || claimed[0].MinSpend.Amount != 1000 || claimed[0].RoomID != room.ID {
			t.Fatalf("the buyer's coupons %+v %v; want the room's £2.00 off £10.00", claimed, err)
		}
		coupon := claimed[0]

		step(viewer, "open a product of the bag and add it to the bag",
			chromedp.Click(css(`.anchors a.anchor[href$="/`+product+`"]`)),
			chromedp.WaitVisible(css(`.product-title`)),
			chromedp.Click(css(`form.buy button[type=submit]`)),
			chromedp.WaitVisible(css(`a[href="/checkout"]`)),
			chromedp.Click(css(`a[href="/checkout"]`)),
			chromedp.WaitVisible(css(`form.checkout-form`)),
		)
		offer, err := chromedp.Run(viewer, chromedp.Text(css(`fieldset.coupons`)))
		if err != nil || !strings.Contains(offer, "£2.00 off orders of £10.00 or more, from "+shop.Name) {
			t.Errorf("checkout offers %q (%v); want the claimed coupon, from %s", offer, err, shop.Name)
		}
		// The Pay button says what the card is charged: the coupon chosen
		// at first if it leaves less to pay, and following the choice.
		cart, err := m.Orders.Cart(bg, buyer)
		if err != nil {
			t.Fatal(err)
		}
		quoted, err := m.Orders.QuoteCoupon(bg, buyer, cart.Items, coupon.ID)
		if err != nil {
			t.Fatal(err)
		}
		withCoupon, without := "Pay £"+quoted.Total.Decimal(), "Pay £"+cart.Total.Decimal()
		first := without
		if quoted.Total.Amount < cart.Total.Amount {
			first = withCoupon
		}
		if got, err := chromedp.Run(viewer, chromedp.Text(css(`[data-pay-button]`))); err != nil || got != first {
			t.Errorf("checkout's button says %q (%v); want %q", got, err, first)
		}
		payButton := func(want string) chromedp.Action[chromedp.Void] {
			return chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector('[data-pay-button]').textContent === %q`, want), chromedp.WithPollingTimeout(5*time.Second))
		}
		radio := css(`input[name=coupon][value="` + coupon.ID + `"]`)
		step(viewer, "the Pay button follows the coupon chosen",
			chromedp.Click(css(`input[name=coupon][value=""]`)),
			payButton(without),
			chromedp.Click(radio),
			payButton(withCoupon),
		)
		step(viewer, "pick the coupon and pay",
			chromedp.Click(radio),
			chromedp.SetValue(css(`input[name=line1]`), "1 High Street"),
			chromedp.SetValue(css(`input[name=city]`), "London"),
			chromedp.SetValue(css(`input[name=postal_code]`), "N1 1AA"),
			chromedp.SetValue(css(`input[name=number]`), "4242 4242 4242 4242"),
			chromedp.SetValue(css(`input[name=exp]`), "12/39"),
			chromedp.SetValue(css(`input[name=cvc]`), "123"),
			chromedp.Poll[chromedp.Void](`document.querySelector('input[name=coupon][value="`+coupon.ID+`"]').checked`, chromedp.WithPollingTimeout(5*time.Second)),
			shot("3-checkout"),
			chromedp.Submit(css(`form.checkout-form`)),
			chromedp.WaitVisible(css(`p.notice[role=status]`)),
			shot("4-ordered"),
		)

		pg, err := m.Orders.BuyerOrders(bg, buyer, page.Request{Limit: 10})
		if err != nil || len(pg.Items) != 1 {
			t.Fatalf("the buyer's orders %+v %v; want the one just placed", pg, err)
		}
		o := pg.Items[0]
		if o.CouponID != coupon.ID || o.Discount.Amount != 200 || o.Subtotal.Amount < 1000 || o.Total.Amount != o.Subtotal.Amount-200+o.ShippingFee.Amount {
			t.Errorf("order %+v; want £2.00 off its subtotal with coupon %s", o, coupon.ID)
		}
		if o.Total != quoted.Total {
			t.Errorf("order total %v; want %v, as the Pay button said", o.Total, quoted.Total)
		}
		if left, err := m.Live.ClaimedCoupons(bg, buyer); err != nil || len(left) != 0 {
			t.Errorf("the buyer's coupons after the order %+v %v; want none, the coupon used", left, err)
		}
	})
}
