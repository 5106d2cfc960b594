package demo

import (
	"bytes"
	"errors"
	"image/jpeg"
	"io"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/loopshop/loopshop/linkpolicy"
	"github.com/loopshop/loopshop/market"
)

// mustClips returns the embedded clips or fails the test.
func mustClips(t *testing.T) []Clip {
	t.Helper()
	clips, err := Clips()
	if err != nil {
		t.Fatal(err)
	}
	if len(clips) == 0 {
		t.Fatal("the manifest lists no clips")
	}
	return clips
}

func readClipFile(t *testing.T, name string) []byte {
	t.Helper()
	f, err := OpenClip(name)
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

func TestVideosManifest(t *testing.T) {
	ids := map[string]bool{}
	for _, c := range mustClips(t) {
		if c.ID == "" || ids[c.ID] {
			t.Errorf("clip ID %q is empty or repeated", c.ID)
		}
		ids[c.ID] = true
		if c.Width <= 0 || c.Height <= c.Width {
			t.Errorf("%s: %d×%d is not a vertical video", c.ID, c.Width, c.Height)
		}
		if c.DurationMS < 1000 || c.DurationMS > 60000 {
			t.Errorf("%s: duration %d ms is not a short video's", c.ID, c.DurationMS)
		}
		if n := len(c.Products); n < 1 || n > 4 {
			t.Errorf("%s: shows %d products; want 1 to 4", c.ID, n)
		}
	}
}

func TestVideosFilesMatchTheirContentType(t *testing.T) {
	var total int
	for _, c := range mustClips(t) {
		t.Run(c.ID, func(t *testing.T) {
			if c.ContentType != "video/mp4" && c.ContentType != "video/webm" {
				t.Errorf("content type %q; want video/mp4 or video/webm", c.ContentType)
			}
			video := readClipFile(t, c.File)
			if got := http.DetectContentType(video); got != c.ContentType {
				t.Errorf("%s sniffs as %s; the manifest says %s", c.File, got, c.ContentType)
			}
			poster := readClipFile(t, c.Poster)
			if got := http.DetectContentType(poster); got != "image/jpeg" {
				t.Errorf("poster %s sniffs as %s; want image/jpeg", c.Poster, got)
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(poster))
			if err != nil {
				t.Fatalf("poster %s: %v", c.Poster, err)
			}
			if cfg.Width != c.Width || cfg.Height != c.Height {
				t.Errorf("poster %s is %d×%d; the video is %d×%d", c.Poster, cfg.Width, cfg.Height, c.Width, c.Height)
			}
			total += len(video) + len(poster)
		})
	}
	// The clips are in every binary: keep them small.
	if total > 4<<20 {
		t.Errorf("the demo videos and posters take %d bytes; keep them under 4 MiB", total)
	}
}

func TestVideosShowProductsTheirShopSells(t *testing.T) {
	items, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	category := map[string]string{} // SKU → category
	for _, it := range items {
		category[it.SKU] = it.Category
	}
	plans := map[string]shopPlan{} // seller's local part → plan
	for _, sp := range shops {
		plans[strings.TrimSuffix(sp.seller.email, domain)] = sp
	}
	withClip := map[string]bool{}
	for _, c := range mustClips(t) {
		sp, ok := plans[c.ShopSeller]
		if !ok {
			t.Errorf("%s: no demo shop of seller %q", c.ID, c.ShopSeller)
			continue
		}
		withClip[c.ShopSeller] = true
		if c.Market != sp.seller.market {
			t.Errorf("%s: market %s; %s sells in %s", c.ID, c.Market, sp.name, sp.seller.market)
		}
		for _, sku := range c.Products {
			cat, ok := category[sku]
			switch {
			case !ok:
				t.Errorf("%s: product %s is not in the catalogue", c.ID, sku)
			case !slices.Contains(sp.categories, cat):
				t.Errorf("%s: product %s is in %s, which %s does not sell", c.ID, sku, cat, sp.name)
			}
		}
	}
	for _, sp := range shops {
		if !withClip[strings.TrimSuffix(sp.seller.email, domain)] {
			t.Errorf("shop %s has no clip", sp.name)
		}
	}
}

func TestVideosCaptionsPassTheLinkPolicy(t *testing.T) {
	policy, err := linkpolicy.New(linkpolicy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	markets, err := market.NewSet(market.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	// After every default market's closed-loop date, so the strict rules apply.
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range mustClips(t) {
		m, err := markets.Get(c.Market)
		if err != nil {
			t.Errorf("%s: %v", c.ID, err)
			continue
		}
		if n := len([]rune(c.Caption)); n == 0 || n > 150 {
			t.Errorf("%s: caption has %d characters; want 1 to 150", c.ID, n)
		}
		if strings.Contains(c.Caption, "@") {
			t.Errorf("%s: caption %q mentions a handle", c.ID, c.Caption)
		}
		v, err := policy.Check(c.Caption, "caption", m, now)
		if err != nil || len(v.Findings) > 0 {
			t.Errorf("%s: caption %q: %v %v", c.ID, c.Caption, v.Findings, err)
		}
	}
}

func TestVideosOpenClipStaysInItsDirectory(t *testing.T) {
	for _, name := range []string{"manifest.json"} {
		f, err := OpenClip(name)
		if err != nil {
			t.Errorf("OpenClip(%q): %v", name, err)
			continue
		}
		f.Close()
	}
	for _, name := range []string{"", ".", "..", "../videos.go", "videos/manifest.json", "/manifest.json", "nope.mp4"} {
		f, err := OpenClip(name)
		if err == nil {
			f.Close()
			t.Errorf("OpenClip(%q) opened a file", name)
			continue
		}
		if !errors.Is(err, fs.ErrInvalid) && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("OpenClip(%q) = %v; want invalid or not found", name, err)
		}
	}
}
