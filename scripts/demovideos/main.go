// Command demovideos renders the short videos of the demo feed into
// demo/videos: two vertical clips for each demo shop, each showing two to
// four of the shop's products, with a poster frame per clip and
// manifest.json listing the clips and the products they show, which
// package demo embeds and the seeder reads.
//
// Every frame is drawn here in Go: each product's picture is the
// placeholder the demo stores for it (placeholder.Image of its title and
// category), shown in turn with a slow zoom and pan, cross-faded into the
// next over a gradient in the picture's hues, under a hook line. The
// lower part of the frame is left to the feed, which lays the author, the
// caption and the product anchors over it. No footage is downloaded and
// nothing is fetched, so the clips are as free to use as the code.
//
// The raw frames are piped to ffmpeg, which encodes them as H.264 MP4, the
// one format every browser plays. ffmpeg is needed here and only here, at
// development time: Go has no usable pure-Go H.264 (or VP9) encoder, and
// the server never encodes anything, since the clips are committed and
// embedded. x264 runs single-threaded so that the same ffmpeg build makes
// the same bytes whatever machine runs it.
//
// Rerun it from the repository root after changing the scripts below, the
// demo shops or the catalogue:
//
//	go run ./scripts/demovideos
//
// then check the result with go test ./demo/. It imports package demo,
// which embeds the output directory, so leave manifest.json in place: the
// run overwrites it. The flags choose ffmpeg, the output directory and the
// quality.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"

	"github.com/loopshop/loopshop/demo"
	"github.com/loopshop/loopshop/placeholder"
)

// script is one clip: whose it is, what it says and what it shows.
type script struct {
	id      string // also the base of its file names
	seller  string // the shop's seller, as demo.Assortment.Seller
	hook    string // the line across the top
	caption string // the post's caption
	skus    []string
	// under, when set, is a price in minor units of the shop's currency
	// that the hook promises every product stays below.
	under int64
}

// scripts are the clips, in feed order: one of each shop first, then the
// second of each. Hooks and captions are in the market's language.
var scripts = []script{
	{id: "home-gb-1", seller: "home.gb", hook: "3 kitchen finds under £20", under: 2000,
		caption: "Small swaps, big difference. Which one are you grabbing first? #kitchenfinds #homecooking #under20",
		skus:    []string{"KIT-BRD-BAM-048", "KIT-BRD-CIT-054", "KIT-BRD-SPI-073"}},
	{id: "beauty-gb-1", seller: "beauty.gb", hook: "Glow routine in 30 s",
		caption: "Shower to glow in four steps. Save this one for busy mornings #glowup #skincare #makeup",
		skus:    []string{"SKI-OLA-OLA-119", "SKI-VAS-VAS-120", "BEA-ESS-ESS-001", "BEA-CHI-LIP-004"}},
	{id: "tech-de-1", seller: "tech.de", hook: "Schreibtisch-Upgrade in 3 Teilen",
		caption: "Vom Chaos zum Lieblingsplatz: mein Homeoffice in drei Schritten #desksetup #techtok #homeoffice",
		skus:    []string{"LAP-LEN-LEN-081", "MOB-APP-APP-102", "MOB-APP-APP-103"}},
	{id: "sport-de-1", seller: "sport.de", hook: "Sommer auf dem Platz",
		caption: "Schläger, Bälle, los geht's. Wer spielt am Wochenende mit? #tennis #sommersport #sportwelt",
		skus:    []string{"SPO-BRD-TEN-152", "SPO-BRD-TEN-151", "SPO-BRD-VOL-153"}},
	{id: "fashion-us-1", seller: "fashion.us", hook: "Date night fit check",
		caption: "Head to toe in black, no notes #fitcheck #datenight #ootd",
		skus:    []string{"WOM-BRD-BLA-177", "WOM-CAL-CAL-186", "WOM-ELE-WOM-176"}},
	{id: "watches-us-1", seller: "watches.us", hook: "Summer accessories under $30", under: 3000,
		caption: "Earrings and shades that make any outfit feel like vacation #accessories #summerstyle #under30",
		skus:    []string{"WOM-BRD-TRO-184", "SUN-FAS-PAR-157", "WOM-BRD-GRE-183", "SUN-FAS-CLA-155"}},
	{id: "garage-us-1", seller: "garage.us", hook: "Your first bike, 3 ways",
		caption: "City scooter or weekend sportbike? Tell us which one you are riding first #motorcycle #bikelife #firstbike",
		skus:    []string{"MOT-SCO-SCO-116", "MOT-GEN-GEN-113", "MOT-SPE-SPO-117"}},
	{id: "pasar-id-1", seller: "pasar.id", hook: "Belanja sarapan sehat",
		caption: "Sarapan sehat mulai dari pasar. Kamu tim manis atau gurih? #sarapansehat #belanjapasar #masakdirumah",
		skus:    []string{"GRO-BRD-EGG-023", "GRO-BRD-MIL-032", "GRO-BRD-HON-027", "GRO-BRD-STR-040"}},

	{id: "home-gb-2", seller: "home.gb", hook: "Cosy corner makeover",
		caption: "Turning a bare corner into the cosiest spot in the house #homedecor #cosyhome #roommakeover",
		skus:    []string{"HOM-BRD-TAB-047", "HOM-BRD-PLA-046", "FUR-FUR-BED-013"}},
	{id: "beauty-gb-2", seller: "beauty.gb", hook: "Scents everyone asks about",
		caption: "The three bottles on my shelf that always get a compliment #perfume #fragrance #signaturescent",
		skus:    []string{"FRA-CHA-CHA-007", "FRA-DIO-DIO-008", "FRA-GUC-GUC-010"}},
	{id: "tech-de-2", seller: "tech.de", hook: "Handy-Zubehör unter 20 €", under: 2000,
		caption: "Drei kleine Helfer, die in jede Tasche passen #handyzubehör #gadgets #techtok",
		skus:    []string{"MOB-GAD-SEL-110", "MOB-SNA-SEL-111", "MOB-APP-APP-104"}},
	{id: "sport-de-2", seller: "sport.de", hook: "Teamsport-Basics für den Park",
		caption: "Alles für einen Nachmittag im Park mit der ganzen Truppe #fußball #basketball #teamsport",
		skus:    []string{"SPO-BRD-FOO-147", "SPO-BRD-BAS-140", "SPO-BRD-BAS-141"}},
	{id: "fashion-us-2", seller: "fashion.us", hook: "Weekend fits for him",
		caption: "Easy check shirts and trainers that go with everything #mensfashion #weekendfit #sneakers",
		skus:    []string{"MEN-FAS-BLU-083", "MEN-PUM-PUM-090", "MEN-NIK-NIK-088"}},
	{id: "watches-us-2", seller: "watches.us", hook: "Dream watch shortlist",
		caption: "Saving up for one of these. Which would you pick? #watchtok #luxurywatch #wristcheck",
		skus:    []string{"MEN-LON-LON-094", "MEN-ROL-ROL-098", "WOM-IWC-ING-190"}},
	{id: "garage-us-2", seller: "garage.us", hook: "Road trip ready",
		caption: "Room for the kids, the dog and all the snacks #roadtrip #familycar #openroad",
		skus:    []string{"VEH-CHR-PAC-171", "VEH-DOD-DUR-170"}},
	{id: "pasar-id-2", seller: "pasar.id", hook: "Es buah segar ala rumah",
		caption: "Kiwi, murbei dan lemon, tinggal tambah es krim. Segar banget! #esbuah #resepmudah #pasarsegar",
		skus:    []string{"GRO-BRD-KIW-030", "GRO-BRD-MUL-033", "GRO-BRD-LEM-031", "GRO-BRD-CRE-028"}},
}

// Frame geometry, in pixels of the 9:16 frame.
const (
	width, height = 540, 960
	fps           = 24

	cardSize = 440 // the product picture's square
	cardX    = (width - cardSize) / 2
	cardY    = 214
	cardR    = 30 // corner radius

	pad = 48 // the background is this much larger, to pan across
)

// Timing, in seconds. A clip lasts 4 s plus 1 s a product: 6 to 8 s.
const (
	intro = 1.0  // extra time the first product stays, under the hook
	fade  = 0.55 // a change of product
)

// duration is how long a clip of n products lasts.
func duration(n int) float64 { return 4 + float64(n) }

func main() {
	log.SetFlags(0)
	out := flag.String("out", filepath.Join("demo", "videos"), "output `directory`")
	ffmpeg := flag.String("ffmpeg", "ffmpeg", "ffmpeg `command`")
	crf := flag.Int("crf", 32, "x264 constant rate factor: higher is smaller and blurrier")
	quality := flag.Int("jpeg", 75, "JPEG `quality` of the posters")
	postersOnly := flag.Bool("posters", false, "draw the posters only, to try out a change of look quickly")
	flag.Parse()
	if *postersOnly {
		*ffmpeg = ""
	}
	if err := run(*out, *ffmpeg, *crf, *quality); err != nil {
		log.Fatal(err)
	}
}

// entry is a clip in manifest.json, as demo.Clip reads it.
type entry = demo.Clip

func run(out, ffmpeg string, crf, quality int) error {
	if ffmpeg != "" {
		if _, err := exec.LookPath(ffmpeg); err != nil {
			return fmt.Errorf("ffmpeg is needed to encode the clips (apt-get install ffmpeg): %w", err)
		}
	}
	clips, err := plan()
	if err != nil {
		return err
	}
	fonts, err := loadFonts()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}

	// A clip keeps about two cores busy, one drawing and one encoding;
	// running a clip per core as well keeps them all busy while a clip
	// starts or ends.
	entries := make([]entry, len(clips))
	errs := make([]error, len(clips))
	sem := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	for i, c := range clips {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			entries[i], errs[i] = render(c, fonts, out, ffmpeg, crf, quality)
			if errs[i] == nil {
				log.Printf("%s: %d products, %.1f s", c.id, len(c.products), float64(entries[i].DurationMS)/1000)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil || ffmpeg == "" {
		return err
	}
	b, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "manifest.json"), append(b, '\n'), 0o644)
}

// clip is a script with its market and products looked up.
type clip struct {
	script
	market   string
	products []demo.Product
}

// plan checks the scripts against the demo shops: every product sold by
// the clip's shop at the price the hook promises, no product in two clips,
// and every shop with a clip.
func plan() ([]clip, error) {
	shops, err := demo.Assortments()
	if err != nil {
		return nil, err
	}
	var clips []clip
	var problems []error
	shown := map[string]bool{}
	for _, s := range scripts {
		i := slices.IndexFunc(shops, func(a demo.Assortment) bool { return a.Seller == s.seller })
		if i < 0 {
			problems = append(problems, fmt.Errorf("%s: no demo shop of seller %s", s.id, s.seller))
			continue
		}
		a := shops[i]
		c := clip{script: s, market: a.Market}
		if n := len(s.skus); n < 2 || n > 4 {
			problems = append(problems, fmt.Errorf("%s: %d products; show 2 to 4", s.id, n))
		}
		for _, sku := range s.skus {
			j := slices.IndexFunc(a.Products, func(p demo.Product) bool { return p.SKU == sku })
			if j < 0 {
				problems = append(problems, fmt.Errorf("%s: %s does not sell %s", s.id, a.Shop, sku))
				continue
			}
			p := a.Products[j]
			if s.under > 0 && p.Price.Amount >= s.under {
				problems = append(problems, fmt.Errorf("%s: %s costs %s, which breaks the hook %q", s.id, sku, p.Price, s.hook))
			}
			if shown[sku] {
				problems = append(problems, fmt.Errorf("%s: %s is already in another clip", s.id, sku))
			}
			shown[sku] = true
			c.products = append(c.products, p)
		}
		clips = append(clips, c)
	}
	for _, a := range shops {
		if !slices.ContainsFunc(scripts, func(s script) bool { return s.seller == a.Seller }) {
			problems = append(problems, fmt.Errorf("shop %s of %s has no clip", a.Shop, a.Seller))
		}
	}
	return clips, errors.Join(problems...)
}

// render draws, encodes and writes one clip and its poster.
func render(c clip, f *fontSet, out, ffmpeg string, crf, quality int) (entry, error) {
	r, err := newRenderer(c, f)
	if err != nil {
		return entry{}, fmt.Errorf("%s: %w", c.id, err)
	}
	defer r.close()
	frames := r.frames()
	e := entry{
		ID: c.id, ShopSeller: c.seller, Market: c.market, Caption: c.caption,
		File: c.id + ".mp4", Poster: c.id + ".jpg", ContentType: "video/mp4",
		DurationMS: frames * 1000 / fps, Width: width, Height: height, Products: c.skus,
	}

	// The poster is the first product, settled, under the whole hook.
	frame := image.NewRGBA(image.Rect(0, 0, width, height))
	r.draw(frame, intro+r.per*0.4)
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, frame, &jpeg.Options{Quality: quality}); err != nil {
		return entry{}, fmt.Errorf("%s: poster: %w", c.id, err)
	}
	if err := os.WriteFile(filepath.Join(out, e.Poster), jb.Bytes(), 0o644); err != nil {
		return entry{}, err
	}
	if ffmpeg == "" {
		return e, nil
	}

	cmd := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
		"-f", "rawvideo", "-pix_fmt", "rgba", "-s", fmt.Sprintf("%dx%d", width, height), "-r", fmt.Sprint(fps), "-i", "-",
		"-an", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
		// Convert with BT.709 and say so in the stream, so that players
		// need not guess the matrix and the colours match the poster's.
		"-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p",
		"-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
		"-c:v", "libx264", "-preset", "veryslow", "-crf", fmt.Sprint(crf), "-threads", "1",
		"-profile:v", "main", "-pix_fmt", "yuv420p", "-g", fmt.Sprint(2*fps),
		"-movflags", "+faststart", filepath.Join(out, e.File))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return entry{}, err
	}
	if err := cmd.Start(); err != nil {
		return entry{}, fmt.Errorf("%s: start ffmpeg: %w", c.id, err)
	}
	werr := func() error {
		defer stdin.Close()
		for i := range frames {
			r.draw(frame, float64(i)/fps)
			if _, err := stdin.Write(frame.Pix); err != nil {
				return err
			}
		}
		return nil
	}()
	if err := cmd.Wait(); err != nil || werr != nil {
		return entry{}, fmt.Errorf("%s: ffmpeg: %w %w: %s", c.id, err, werr, strings.TrimSpace(stderr.String()))
	}
	return e, nil
}

// fontSet holds the parsed Go fonts; faces are made per renderer, since a
// face is not safe for concurrent use.
type fontSet struct{ bold *sfnt.Font }

func loadFonts() (*fontSet, error) {
	b, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, err
	}
	return &fontSet{bold: b}, nil
}

// slide is one product's part of a clip, drawn ahead.
type slide struct {
	pic        *image.RGBA // the placeholder, larger than shown, to zoom into
	background *image.RGBA // (width+pad)×(height+pad)
	zoomIn     bool        // else out
	panX, panY float64     // direction of the pan, in units of the picture
	start, end float64     // seconds during which it shows at all
}

// renderer draws the frames of one clip.
type renderer struct {
	slides   []slide
	hook     *image.RGBA // transparent but for the hook's boxes
	hookY    int
	cardMask *image.Alpha
	shadow   *image.Alpha
	card     *image.RGBA // scratch: the zoomed picture
	other    *image.RGBA // scratch: the incoming background during a change
	total    float64     // seconds
	per      float64     // seconds a product has the stage, beside the intro
	faces    []font.Face
}

func newRenderer(c clip, f *fontSet) (*renderer, error) {
	r := &renderer{
		cardMask: roundMask(cardSize, cardSize, cardR, 0),
		shadow:   roundMask(cardSize+80, cardSize+80, cardR+20, 22),
		card:     image.NewRGBA(image.Rect(0, 0, cardSize, cardSize)),
		other:    image.NewRGBA(image.Rect(0, 0, width, height)),
	}
	for _, spec := range []struct {
		font *sfnt.Font
		size float64
	}{{f.bold, 38}} {
		fc, err := opentype.NewFace(spec.font, &opentype.FaceOptions{Size: spec.size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			r.close()
			return nil, err
		}
		r.faces = append(r.faces, fc)
	}
	hookFace := r.faces[0]

	n := len(c.products)
	r.total = duration(n)
	r.per = (r.total - intro) / float64(n)
	for i, p := range c.products {
		pic, err := placeholder.Image(p.Title, p.Category, 720)
		if err != nil {
			return nil, err
		}
		pal := paletteOf(pic)
		s := slide{
			pic:        pic,
			background: background(pal, i),
			zoomIn:     i%2 == 0,
			start:      intro + r.per*float64(i) - fade/2,
			end:        intro + r.per*float64(i+1) + fade/2,
		}
		// Pan in a direction of the product's own, taken from a hash of
		// its title so that reruns agree.
		h := fnv.New32a()
		h.Write([]byte(p.Title))
		angle := float64(h.Sum32()%360) * math.Pi / 180
		s.panX, s.panY = 0.035*math.Cos(angle), 0.035*math.Sin(angle)
		if i == 0 {
			s.start = 0
		}
		if i == n-1 {
			s.end = r.total
		}
		r.slides = append(r.slides, s)
	}
	r.hook, r.hookY = drawHook(c.hook, hookFace)
	return r, nil
}

func (r *renderer) close() {
	for _, f := range r.faces {
		f.Close()
	}
}

// frames is how many frames the clip has.
func (r *renderer) frames() int { return int(math.Round(r.total * fps)) }

// draw draws the frame at t seconds into dst.
func (r *renderer) draw(dst *image.RGBA, t float64) {
	from, to, p := r.at(t)

	// The backgrounds cross-fade while the pictures pass like a carousel,
	// the old one leaving to the left as the new one comes in from the
	// right.
	r.drawBackground(dst, from, t)
	if to == from {
		r.drawCard(dst, from, t, 0)
	} else {
		r.drawBackground(r.other, to, t)
		mixInto(dst, r.other, p)
		shift := int(math.Round(p * width))
		r.drawCard(dst, from, t, -shift)
		r.drawCard(dst, to, t, width-shift)
	}

	// The hook is there from the first frame, which is what a feed shows
	// before the clip plays.
	draw.Draw(dst, r.hook.Bounds().Add(image.Pt(0, r.hookY)), r.hook, image.Point{}, draw.Over)
	r.drawProgress(dst, t)
}

// at returns the slides on screen at t: from and to differ during a change
// of product, which has gone p of the way.
func (r *renderer) at(t float64) (from, to int, p float64) {
	for k := 1; k < len(r.slides); k++ {
		b := intro + r.per*float64(k)
		if t >= b-fade/2 && t < b+fade/2 {
			return k - 1, k, smoothstep(b-fade/2, b+fade/2, t)
		}
		if t >= b {
			from = k
		}
	}
	return from, from, 0
}

// progress is how far slide i's own motion has gone at t, from 0 to 1
// over its whole time on screen, eased.
func (r *renderer) progress(i int, t float64) float64 {
	s := r.slides[i]
	return ease(clamp01((t - s.start) / (s.end - s.start)))
}

// drawBackground fills dst with slide i's background, drifting slowly
// against the picture's pan.
func (r *renderer) drawBackground(dst *image.RGBA, i int, t float64) {
	s := r.slides[i]
	e := r.progress(i, t)
	ox := int(math.Round(float64(pad) * (0.5 - (e-0.5)*s.panX/0.035*0.8)))
	oy := int(math.Round(float64(pad) * (0.5 - (e-0.5)*s.panY/0.035*0.8)))
	draw.Draw(dst, dst.Bounds(), s.background, image.Pt(ox, oy), draw.Src)
}

// drawCard draws slide i's picture, dx pixels right of its place, with a
// slow zoom between 1 and 1.14 while its centre drifts: the Ken Burns
// effect.
func (r *renderer) drawCard(dst *image.RGBA, i int, t float64, dx int) {
	s := r.slides[i]
	e := r.progress(i, t)
	z := 1 + 0.14*e
	if !s.zoomIn {
		z = 1.14 - 0.14*e
	}
	side := float64(s.pic.Bounds().Dx())
	view := side / z
	cx := clamp(side/2+(e-0.5)*s.panX*side, view/2, side-view/2)
	cy := clamp(side/2+(e-0.5)*s.panY*side, view/2, side-view/2)
	k := cardSize / view
	m := f64.Aff3{k, 0, -(cx - view/2) * k, 0, k, -(cy - view/2) * k}
	xdraw.BiLinear.Transform(r.card, m, s.pic, s.pic.Bounds(), xdraw.Src, nil)

	sh := r.shadow.Bounds()
	shadowAt := sh.Add(image.Pt(cardX-40+dx, cardY-40+14))
	draw.DrawMask(dst, shadowAt, image.NewUniform(color.RGBA{0, 0, 0, 0x70}), image.Point{}, r.shadow, image.Point{}, draw.Over)
	cardAt := image.Rect(cardX+dx, cardY, cardX+dx+cardSize, cardY+cardSize)
	draw.DrawMask(dst, cardAt, r.card, image.Point{}, r.cardMask, image.Point{}, draw.Over)
}

// drawProgress draws a bar per product along the top, filling as each
// product has its turn.
func (r *renderer) drawProgress(dst *image.RGBA, t float64) {
	n := len(r.slides)
	const x0, y0, gap, h = 26, 18, 6, 4
	w := (width - 2*x0 - gap*(n-1)) / n
	for i := range n {
		from := intro + r.per*float64(i)
		if i == 0 {
			from = 0
		}
		to := intro + r.per*float64(i+1)
		fill := clamp01((t - from) / (to - from))
		x := x0 + i*(w+gap)
		bar := image.Rect(x, y0, x+w, y0+h)
		draw.Draw(dst, bar, image.NewUniform(color.RGBA{0x50, 0x50, 0x50, 0x50}), image.Point{}, draw.Over)
		fw := int(math.Round(fill * float64(w)))
		draw.Draw(dst, image.Rect(x, y0, x+fw, y0+h), image.NewUniform(color.RGBA{0xf2, 0xf2, 0xf2, 0xf2}), image.Point{}, draw.Over)
	}
}

// palette is the colours of a slide, taken from its picture's hues.
type palette struct {
	top, bottom, glow lab
	ink               color.RGBA // text on white
	accent            color.RGBA
}

// paletteOf reads the hues of a placeholder's gradient from two of its
// corners, which only the gradient and its circles cover.
func paletteOf(pic *image.RGBA) palette {
	n := pic.Bounds().Dx()
	h1 := meanColour(pic, image.Rect(0, 0, n/12, n/12)).hue()
	h2 := meanColour(pic, image.Rect(n-n/12, n-n/12, n, n)).hue()
	return palette{
		top:    oklch(0.52, 0.11, warm(h1)),
		bottom: oklch(0.25, 0.08, warm(h2+10)),
		glow:   oklch(0.76, 0.12, h2),
		ink:    oklch(0.24, 0.04, h1).rgba(),
		accent: oklch(0.58, 0.15, h2).rgba(),
	}
}

// warm turns yellows and olives, which go muddy when dark, towards amber.
func warm(h float64) float64 {
	h = math.Mod(h+360, 360)
	if h > 75 && h < 130 {
		return 62 + (h-75)*0.1
	}
	return h
}

// meanColour is the average colour of r in m.
func meanColour(m *image.RGBA, r image.Rectangle) lab {
	var sum lab
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := m.RGBAAt(x, y)
			l := fromSRGB(c)
			sum.l += l.l
			sum.a += l.a
			sum.b += l.b
			n++
		}
	}
	return lab{sum.l / float64(n), sum.a / float64(n), sum.b / float64(n)}
}

// background draws the slide's backdrop: a vertical gradient from the
// picture's lighter hue to a deep shade of its other, with soft glows.
func background(p palette, i int) *image.RGBA {
	w, h := width+pad, height+pad
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	type glow struct{ x, y, r, a float64 }
	glows := []glow{
		{0.15, 0.18, 0.55, 0.35},
		{0.95, 0.55, 0.50, 0.28},
		{0.25, 0.95, 0.45, 0.22},
	}
	if i%2 == 1 { // mirror every other slide so the fades move light around
		for j := range glows {
			glows[j].x = 1 - glows[j].x
		}
	}
	ramp := make([]rgb, h)
	for y := range ramp {
		ramp[y] = mix(p.top, p.bottom, smoothstep(0, 1, float64(y)/float64(h-1))).rgb()
	}
	g := p.glow.rgb()
	for y := range h {
		for x := range w {
			c := ramp[y]
			for _, gl := range glows {
				// Both in units of the width, so that glows are round.
				dx := (float64(x) - gl.x*float64(w)) / float64(w)
				dy := (float64(y) - gl.y*float64(h)) / float64(w)
				d := math.Sqrt(dx*dx+dy*dy) / gl.r
				if d < 1 {
					f := 1 - d
					c = c.over(g, gl.a*f*f*(3-2*f))
				}
			}
			m.SetRGBA(x, y, c.rgba())
		}
	}
	return m
}

// drawHook sets the hook in white boxes, a line each, centred: the look
// of text added in a short-video editor. It returns the drawing and where
// its top goes.
func drawHook(text string, f font.Face) (*image.RGBA, int) {
	lines := wrap(f, text, width-2*56, 2)
	const lineH, padX, gap, top = 50, 18, 4, 52
	m := image.NewRGBA(image.Rect(0, 0, width, len(lines)*(lineH+gap)))
	ink := color.RGBA{0x16, 0x16, 0x1a, 0xff}
	metrics := f.Metrics()
	for i, line := range lines {
		adv := font.MeasureString(f, line).Ceil()
		bw := adv + 2*padX
		x := (width - bw) / 2
		y := i * (lineH + gap)
		box := roundMask(bw, lineH, 12, 0)
		draw.DrawMask(m, image.Rect(x, y, x+bw, y+lineH), image.NewUniform(color.RGBA{0xff, 0xff, 0xff, 0xff}), image.Point{}, box, image.Point{}, draw.Over)
		// Centre the capitals in the box.
		asc := metrics.CapHeight.Round()
		base := y + (lineH+asc)/2
		d := font.Drawer{Dst: m, Src: image.NewUniform(ink), Face: f, Dot: fixed.P(x+padX, base)}
		d.DrawString(line)
	}
	return m, top
}

// wrap breaks text into at most maxLines lines no wider than w, as even
// in length as they can be, so that no word is left alone on a line. Text
// that does not fit ends in an ellipsis.
func wrap(f font.Face, text string, w, maxLines int) []string {
	words := strings.Fields(text)
	measure := func(s string) int { return font.MeasureString(f, s).Ceil() }
	var best []string
	bestW := 0
	// Try every way of breaking the words into lines: titles and hooks
	// are a handful of words.
	var try func(from int, lines []string)
	try = func(from int, lines []string) {
		if from == len(words) {
			widest := 0
			for _, l := range lines {
				widest = max(widest, measure(l))
			}
			if best == nil || len(lines) < len(best) || len(lines) == len(best) && widest < bestW {
				best, bestW = slices.Clone(lines), widest
			}
			return
		}
		if len(lines) == maxLines {
			return
		}
		for to := from + 1; to <= len(words); to++ {
			l := strings.Join(words[from:to], " ")
			if measure(l) > w {
				break
			}
			try(to, append(lines, l))
		}
	}
	try(0, nil)
	if best != nil {
		return best
	}
	// Fill greedily and cut the last line short.
	var lines []string
	line := ""
	for i, word := range words {
		next := strings.TrimSpace(line + " " + word)
		if measure(next) <= w || line == "" {
			line = next
			continue
		}
		if len(lines) == maxLines-1 {
			return append(lines, ellipsize(f, strings.Join(append([]string{line}, words[i:]...), " "), w))
		}
		lines = append(lines, line)
		line = word
	}
	return append(lines, ellipsize(f, line, w))
}

func ellipsize(f font.Face, s string, w int) string {
	if font.MeasureString(f, s).Ceil() <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 {
		rs = []rune(strings.TrimRight(string(rs[:len(rs)-1]), " "))
		if t := string(rs) + "…"; font.MeasureString(f, t).Ceil() <= w {
			return t
		}
	}
	return ""
}

// roundMask is the antialiased coverage of a w×h rectangle with corners of
// radius r, blurred over soft pixels (0: a crisp edge) for shadows.
func roundMask(w, h, r, soft int) *image.Alpha {
	m := image.NewAlpha(image.Rect(0, 0, w, h))
	inset := float64(soft)
	hw, hh := float64(w)/2-inset, float64(h)/2-inset
	rr := float64(r)
	for y := range h {
		for x := range w {
			px, py := float64(x)+0.5-float64(w)/2, float64(y)+0.5-float64(h)/2
			qx := math.Abs(px) - hw + rr
			qy := math.Abs(py) - hh + rr
			var d float64
			if qx <= 0 && qy <= 0 {
				d = max(qx, qy) - rr
			} else {
				qx, qy = max(qx, 0), max(qy, 0)
				d = math.Sqrt(qx*qx+qy*qy) - rr
			}
			a := clamp01(0.5 - d)
			if soft > 0 {
				a = 1 - smoothstep(-inset, inset, d)
			}
			m.Pix[y*m.Stride+x] = uint8(a*255 + 0.5)
		}
	}
	return m
}

// drawFaded draws src over dst with its top-left corner at at, at opacity a.
func drawFaded(dst *image.RGBA, src *image.RGBA, at image.Point, a float64) {
	if a <= 0 {
		return
	}
	r := src.Bounds().Add(at)
	mask := image.NewUniform(color.Alpha{uint8(a*255 + 0.5)})
	draw.DrawMask(dst, r, src, image.Point{}, mask, image.Point{}, draw.Over)
}

// mixInto sets dst to dst covered by src at opacity a.
func mixInto(dst, src *image.RGBA, a float64) {
	k := int(a*256 + 0.5)
	for i, s := range src.Pix {
		d := int(dst.Pix[i])
		dst.Pix[i] = uint8(d + ((int(s)-d)*k)>>8)
	}
}

func ease(x float64) float64 { return smoothstep(0, 1, x) }

func smoothstep(a, b, x float64) float64 {
	t := clamp01((x - a) / (b - a))
	return t * t * (3 - 2*t)
}

func clamp01(x float64) float64 { return clamp(x, 0, 1) }

func clamp(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

// lab is a colour in OKLab, where mixing and lightness changes look even.
type lab struct{ l, a, b float64 }

func oklch(l, c, h float64) lab {
	s, co := math.Sincos(h * math.Pi / 180)
	return lab{l, c * co, c * s}
}

func (c lab) hue() float64 { return math.Atan2(c.b, c.a) * 180 / math.Pi }

func mix(x, y lab, t float64) lab {
	return lab{x.l + (y.l-x.l)*t, x.a + (y.a-x.a)*t, x.b + (y.b-x.b)*t}
}

func fromSRGB(c color.RGBA) lab {
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	r, g, b := lin(c.R), lin(c.G), lin(c.B)
	l := math.Cbrt(0.4122214708*r + 0.5363325363*g + 0.0514459929*b)
	m := math.Cbrt(0.2119034982*r + 0.6806995451*g + 0.1073969566*b)
	s := math.Cbrt(0.0883024619*r + 0.2817188376*g + 0.6299787005*b)
	return lab{
		0.2104542553*l + 0.7936177850*m - 0.0040720468*s,
		1.9779984951*l - 2.4285922050*m + 0.4505937099*s,
		0.0259040371*l + 0.7827717662*m - 0.8086757660*s,
	}
}

// rgb is an sRGB colour with components in [0, 1].
type rgb [3]float64

func (c lab) rgb() rgb {
	l := c.l + 0.3963377774*c.a + 0.2158037573*c.b
	m := c.l - 0.1055613458*c.a - 0.0638541728*c.b
	s := c.l - 0.0894841775*c.a - 1.2914855480*c.b
	l, m, s = l*l*l, m*m*m, s*s*s
	return rgb{
		gamma(+4.0767416621*l - 3.3077115913*m + 0.2309699292*s),
		gamma(-1.2684380046*l + 2.6097574011*m - 0.3413193965*s),
		gamma(-0.0041960863*l - 0.7034186147*m + 1.7076147010*s),
	}
}

func (c lab) rgba() color.RGBA { return c.rgb().rgba() }

func gamma(x float64) float64 {
	if x <= 0.0031308 {
		return clamp01(12.92 * x)
	}
	return clamp01(1.055*math.Pow(x, 1/2.4) - 0.055)
}

func (c rgb) over(top rgb, a float64) rgb {
	return rgb{c[0] + (top[0]-c[0])*a, c[1] + (top[1]-c[1])*a, c[2] + (top[2]-c[2])*a}
}

func (c rgb) rgba() color.RGBA {
	return color.RGBA{uint8(c[0]*255 + 0.5), uint8(c[1]*255 + 0.5), uint8(c[2]*255 + 0.5), 0xff}
}
