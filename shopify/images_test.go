package shopify_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/fetch"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/media"
	"github.com/loopshop/loopshop/platform"
	"github.com/loopshop/loopshop/shopify"
	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// imageHost is a seller's image CDN: it serves PNGs by path, answers 404
// for others, and counts what it is asked for.
type imageHost struct {
	*httptest.Server
	images map[string][]byte
	mu     sync.Mutex
	hits   map[string]int
	// failFirst answers the first request for a path with 503.
	failFirst map[string]bool
}

func newImageHost(t *testing.T, paths ...string) *imageHost {
	t.Helper()
	h := &imageHost{images: map[string][]byte{}, hits: map[string]int{}, failFirst: map[string]bool{}}
	for i, p := range paths {
		var buf bytes.Buffer
		// Sizes differ so that every image's bytes do.
		if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, i+1, 1))); err != nil {
			t.Fatal(err)
		}
		h.images[p] = buf.Bytes()
	}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.hits[r.URL.Path]++
		n := h.hits[r.URL.Path]
		h.mu.Unlock()
		switch {
		case h.failFirst[r.URL.Path] && n == 1:
			http.Error(w, "busy", http.StatusServiceUnavailable)
		case r.URL.Path == "/page.html":
			w.Write([]byte("<!DOCTYPE html><title>Not an image</title>"))
		case h.images[r.URL.Path] != nil:
			w.Write(h.images[r.URL.Path])
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *imageHost) requests() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for k, v := range h.hits {
		out[k] = v
	}
	return out
}

// imageEnv is an import fixture whose catalog fetches images from test
// servers on 127.0.0.1 into a media store, in jobs the test runs.
type imageEnv struct {
	fixture
	media *media.Local
	jobs  *jobs.Runner
	log   bytes.Buffer
}

func newImageEnv(t *testing.T, engine string) *imageEnv {
	t.Helper()
	e := &imageEnv{}
	var err error
	if e.media, err = media.OpenLocal(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.media.Close() })
	e.fixture = newFixture(t, engine, func(o *platform.Options) {
		o.Media = e.media
		o.Fetcher = fetch.New(fetch.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
		o.Logger = slog.New(slog.NewTextHandler(&e.log, nil))
	})
	e.jobs = e.p.Jobs
	return e
}

func (e *imageEnv) importCSV(t *testing.T, csv string) {
	t.Helper()
	rep, err := e.im.ImportCSV(context.Background(), e.seller, e.shop.ID, strings.NewReader(csv), shopify.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v (report %+v)", err, rep)
	}
}

func (e *imageEnv) runJobs(t *testing.T) {
	t.Helper()
	if _, err := e.jobs.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// fetchJobs counts the image fetches ever enqueued in the shop's region.
func (e *imageEnv) fetchJobs(t *testing.T) int {
	t.Helper()
	db, err := e.router.ForMarket("GB")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.Read().Get(context.Background(), `SELECT COUNT(*) FROM jobs WHERE kind = ?`, []any{catalog.FetchImagesJob}, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *imageEnv) product(t *testing.T, handle string) *catalog.Product {
	t.Helper()
	p, err := e.cat.ProductByHandle(context.Background(), e.seller, e.shop.ID, handle)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// stored reads an object of the media store.
func (e *imageEnv) stored(t *testing.T, key string) []byte {
	t.Helper()
	f, _, err := e.media.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkImages compares a product's images with the URLs and alt texts
// they should have come from, in order, and checks that the media store
// holds what the image host served for each.
func (e *imageEnv) checkImages(t *testing.T, host *imageHost, p *catalog.Product, want ...[2]string) {
	t.Helper()
	var got [][2]string
	for _, im := range p.Images {
		got = append(got, [2]string{strings.TrimPrefix(im.Source, host.URL), im.Alt})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%s: images (-want +got):\n%s", p.Handle, diff)
	}
	for i, im := range p.Images {
		if im.Position != i+1 || !strings.HasPrefix(im.MediaKey, "shops/"+e.shop.ID+"/") {
			t.Errorf("%s: image %d at position %d with key %q; want position %d, a key of the shop's", p.Handle, i, im.Position, im.MediaKey, i+1)
		}
		if b := e.stored(t, im.MediaKey); !bytes.Equal(b, host.images[strings.TrimPrefix(im.Source, host.URL)]) {
			t.Errorf("%s: %s holds %d bytes, not the image served at %s", p.Handle, im.MediaKey, len(b), im.Source)
		}
	}
	if len(p.Images) > 0 && p.ImageKey != p.Images[0].MediaKey {
		t.Errorf("%s: image key %q, want the first image's %q", p.Handle, p.ImageKey, p.Images[0].MediaKey)
	}
}

func TestImportFetchesImages(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newImageEnv(t, engine)
		host := newImageHost(t, "/mug-front.png", "/mug-side.png", "/tea.png", "/tea-pack.png")
		csv := strings.ReplaceAll("Handle,Title,Type,Variant SKU,Variant Price,Variant Image,Image Src,Image Position,Image Alt Text\r\n"+
			"mug,Enamel mug,Kitchen,MUG-1,12.00,,HOST/mug-front.png,1,A white enamel mug\r\n"+
			"mug,,,,,,HOST/gone.png,2,\r\n"+
			"mug,,,,,,HOST/mug-side.png,3,The mug from the side\r\n"+
			"mug,,,,,,HOST/page.html,4,\r\n"+
			"tea,Green tea,Tea,TEA-1,5.00,HOST/tea-pack.png,HOST/tea.png,1,\r\n", "HOST", host.URL)

		e.importCSV(t, csv)
		if n := e.fetchJobs(t); n != 2 {
			t.Fatalf("%d fetch jobs enqueued, want one per product", n)
		}
		if p := e.product(t, "mug"); len(p.Images) != 0 {
			t.Fatalf("images before the fetch: %+v", p.Images)
		}
		e.runJobs(t)
		wantMug := [][2]string{{"/mug-front.png", "A white enamel mug"}, {"/mug-side.png", "The mug from the side"}}
		e.checkImages(t, host, e.product(t, "mug"), wantMug...)
		// The variant's image joins the product's.
		e.checkImages(t, host, e.product(t, "tea"), [2]string{"/tea.png", ""}, [2]string{"/tea-pack.png", ""})
		for _, bad := range []string{host.URL + "/gone.png", host.URL + "/page.html"} {
			if !strings.Contains(e.log.String(), bad) {
				t.Errorf("the log does not say that %s was left out:\n%s", bad, e.log.String())
			}
		}
		hits := map[string]int{"/mug-front.png": 1, "/gone.png": 1, "/mug-side.png": 1, "/page.html": 1, "/tea.png": 1, "/tea-pack.png": 1}
		if diff := cmp.Diff(hits, host.requests()); diff != "" {
			t.Fatalf("requests (-want +got):\n%s", diff)
		}

		// The same file again: nothing new for the tea, whose images are
		// all in; the mug's missing ones are tried again, and only they.
		e.importCSV(t, csv)
		if n := e.fetchJobs(t); n != 3 {
			t.Errorf("%d fetch jobs after the re-import, want 3: one more, for the mug", n)
		}
		e.runJobs(t)
		hits["/gone.png"], hits["/page.html"] = 2, 2
		if diff := cmp.Diff(hits, host.requests()); diff != "" {
			t.Errorf("requests after the re-import (-want +got):\n%s", diff)
		}
		e.checkImages(t, host, e.product(t, "mug"), wantMug...)

		// A seller's edit names the images by key, as a form does; they
		// keep where they came from, so the file still matches them.
		tea := e.product(t, "tea")
		edit := catalog.NewProduct{Handle: "tea", Title: "Green tea, loose", Category: "Tea", SKUs: []catalog.NewSKU{{SellerSKU: "TEA-1", Price: 500}}}
		for _, im := range tea.Images {
			edit.Images = append(edit.Images, catalog.NewImage{MediaKey: im.MediaKey})
		}
		if _, err := e.cat.UpdateProduct(ctx, e.seller, tea.ID, edit); err != nil {
			t.Fatal(err)
		}
		e.importCSV(t, csv)
		if n := e.fetchJobs(t); n != 4 {
			t.Errorf("%d fetch jobs after the edit and re-import, want 4: one more, for the mug", n)
		}
		e.runJobs(t)
		e.checkImages(t, host, e.product(t, "tea"), [2]string{"/tea.png", ""}, [2]string{"/tea-pack.png", ""})

		// The shop's own export, imported back, names the images by
		// their loopshop URLs: they are the images the products have.
		before := map[string][]catalog.Image{"mug": e.product(t, "mug").Images, "tea": e.product(t, "tea").Images}
		var out bytes.Buffer
		ex := &shopify.Exporter{Catalog: e.cat, MediaURL: func(key string) string { return "https://shop.example/media/" + key }}
		if _, err := ex.ExportCSV(ctx, e.seller, e.shop.ID, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "https://shop.example/media/"+before["mug"][0].MediaKey) {
			t.Fatalf("the export does not carry the mug's image:\n%s", out.String())
		}
		e.importCSV(t, out.String())
		if n := e.fetchJobs(t); n != 4 {
			t.Errorf("%d fetch jobs after importing the export, want still 4", n)
		}
		for h, want := range before {
			if diff := cmp.Diff(want, e.product(t, h).Images); diff != "" {
				t.Errorf("%s: images after importing the export (-before +after):\n%s", h, diff)
			}
		}
	})
}

// An image that fails for now is fetched when the job is tried again; the
// others are on the product meanwhile, and are not fetched twice.
func TestImageFetchRetries(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newImageEnv(t, engine)
		host := newImageHost(t, "/busy.png", "/ok.png")
		host.failFirst["/busy.png"] = true
		e.importCSV(t, strings.ReplaceAll("Handle,Title,Type,Variant Price,Image Src,Image Alt Text\r\n"+
			"cap,Wool cap,Hats,20.00,HOST/busy.png,Front\r\n"+
			"cap,,,,HOST/ok.png,Back\r\n", "HOST", host.URL))
		e.runJobs(t)
		e.checkImages(t, host, e.product(t, "cap"), [2]string{"/ok.png", "Back"})

		// Bring the retry forward rather than wait for it.
		db, err := e.router.ForMarket("GB")
		if err != nil {
			t.Fatal(err)
		}
		err = db.WriteTx(ctx, func(tx *sqlstore.Tx) error {
			n, err := tx.Exec(ctx, `UPDATE jobs SET run_at = ? WHERE kind = ? AND state = 'queued' AND attempts = 1`, time.Now().UTC().Add(-time.Second), catalog.FetchImagesJob)
			if err == nil && n != 1 {
				t.Errorf("%d fetch jobs waiting to be retried, want 1", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		e.runJobs(t)
		e.checkImages(t, host, e.product(t, "cap"), [2]string{"/busy.png", "Front"}, [2]string{"/ok.png", "Back"})
		if diff := cmp.Diff(map[string]int{"/busy.png": 2, "/ok.png": 1}, host.requests()); diff != "" {
			t.Errorf("requests (-want +got):\n%s", diff)
		}
	})
}

// A product written again before its images came decided its images
// then: the older fetch does nothing.
func TestImageFetchYieldsToALaterEdit(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		e := newImageEnv(t, engine)
		host := newImageHost(t, "/scarf.png")
		e.importCSV(t, strings.ReplaceAll("Handle,Title,Type,Variant Price,Image Src\r\n"+
			"scarf,Silk scarf,Scarves,30.00,HOST/scarf.png\r\n", "HOST", host.URL))
		p := e.product(t, "scarf")
		edit := catalog.NewProduct{Handle: "scarf", Title: "Silk scarf, no picture", Category: "Scarves", SKUs: []catalog.NewSKU{{Price: 3000}}}
		if _, err := e.cat.UpdateProduct(ctx, e.seller, p.ID, edit); err != nil {
			t.Fatal(err)
		}
		e.runJobs(t)
		if p := e.product(t, "scarf"); len(p.Images) != 0 {
			t.Errorf("images %+v, want none: the edit had none", p.Images)
		}
		if n := host.requests()["/scarf.png"]; n != 0 {
			t.Errorf("the image was fetched %d times for a version since replaced", n)
		}
	})
}
