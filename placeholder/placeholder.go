// Package placeholder draws product images locally, for demo shops, seed
// data and products whose seller has not uploaded a picture yet.
//
// PNG needs nothing but its inputs: no network, no image files, no state.
// A product's category picks the hues and its title varies them, so the
// products of one category read as a family while each still looks its
// own; the title's initials, large, and the category's name, small, say
// what the product is. The same inputs always give the same bytes (on one
// platform and Go version), so placeholders can be generated on demand,
// cached by their inputs and compared in tests. Colours are chosen in
// OKLCH, where equal lightness and chroma look equally light and vivid
// whatever the hue, so no category comes out muddy or garish.
package placeholder

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/loopshop/loopshop"
)

// Limits on the size of an image, in pixels along each side.
const (
	MinSize = 16
	MaxSize = 4096
)

// PNG writes a size×size PNG placeholder for a product with the given
// title and category.
func PNG(w io.Writer, title, category string, size int) error {
	m, err := Image(title, category, size)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	// BestSpeed halves the time of the default level for files a third
	// larger (about 60 KB at 480×480): placeholders are drawn on demand.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(bw, m); err != nil {
		return fmt.Errorf("placeholder: encode: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("placeholder: encode: %w", err)
	}
	return nil
}

// Image returns the placeholder PNG encodes, for callers that want another
// format or further drawing.
func Image(title, category string, size int) (*image.RGBA, error) {
	if size < MinSize || size > MaxSize {
		return nil, loopshop.Invalid("size", "size must be %d to %d pixels; it is %d", MinSize, MaxSize, size)
	}
	f, err := loadFonts()
	if err != nil {
		return nil, fmt.Errorf("placeholder: %w", err)
	}
	s := newStyle(title, category)
	m := image.NewRGBA(image.Rect(0, 0, size, size))
	paintBackground(m, s)
	if err := drawText(m, s, f, initials(title, category, f), category); err != nil {
		return nil, fmt.Errorf("placeholder: %w", err)
	}
	return m, nil
}

// style is everything derived from the inputs that decides the look.
type style struct {
	from, to lab     // gradient ends
	angle    float64 // gradient direction, radians
	ink      lab     // text colour
	circles  [3]circle
}

type circle struct {
	x, y, r float64 // in units of the image's side
	white   bool    // a light circle, else a tinted one
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(strings.TrimSpace(s))))
	// FNV's low bits mix poorly for short inputs; fold the high ones in.
	x := h.Sum64()
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x
}

// unit returns bits of x, from the given bit on, as a number in [0, 1).
func unit(x uint64, bit uint) float64 {
	return float64((x>>bit)&0xffff) / 0x10000
}

func newStyle(title, category string) style {
	c, t := hash(category), hash(title)
	hue := 360 * unit(c, 0)
	hue += 24*unit(t, 0) - 12 // the title nudges the category's hue
	var s style
	s.from = oklch(0.91, 0.065, hue)
	s.to = oklch(0.76, 0.12, hue+30+20*unit(t, 16))
	s.ink = oklch(0.36, 0.095, hue+15)
	s.angle = (25 + 40*unit(t, 32)) * math.Pi / 180
	for i := range s.circles {
		u := t >> (7 * uint(i))
		s.circles[i] = circle{
			x:     unit(u, 8),
			y:     unit(u, 24),
			r:     0.22 + 0.22*unit(u, 40),
			white: i != 1,
		}
	}
	// Keep the first circle in a corner, where it frames the card rather
	// than sitting behind the text.
	if s.circles[0].x > 0.5 {
		s.circles[0].x = 1
	} else {
		s.circles[0].x = 0
	}
	return s
}

// Geometry of the card, in units of the image's side.
const (
	cardMargin = 0.13
	cardRadius = 0.09
	shadowDY   = 0.018
	shadowBlur = 0.035
)

func paintBackground(m *image.RGBA, s style) {
	size := m.Bounds().Dx()
	n := float64(size)

	// The gradient runs along angle, from one side of the square to the other;
	// a table of its colours saves converting from OKLab at every pixel.
	dx, dy := math.Cos(s.angle), math.Sin(s.angle)
	span := math.Abs(dx) + math.Abs(dy)
	steps := 2 * size
	ramp := make([]rgb, steps+1)
	for i := range ramp {
		ramp[i] = mix(s.from, s.to, float64(i)/float64(steps)).rgb()
	}
	tint := s.to
	tint.l -= 0.08
	tintRGB := tint.rgb()
	white := rgb{1, 1, 1}
	shadow := s.ink.rgb()

	half := n / 2
	cardHalf := n * (0.5 - cardMargin)
	radius := n * cardRadius
	blur := n * shadowBlur
	shadowY := n * shadowDY

	// Circles in pixels, with the squared radii beyond which a pixel is
	// wholly outside and within which it is wholly inside, so that only
	// the edge needs a square root.
	type pxCircle struct {
		x, y, r, inner, outer float64
		white                 bool
	}
	var circles [len(s.circles)]pxCircle
	for i, c := range s.circles {
		r := c.r * n
		circles[i] = pxCircle{c.x * n, c.y * n, r, (r - 0.5) * (r - 0.5), (r + 0.5) * (r + 0.5), c.white}
	}

	for y := range size {
		py := float64(y) + 0.5
		row := m.Pix[y*m.Stride : y*m.Stride+4*size]
		for x := range size {
			px := float64(x) + 0.5
			t := ((px-half)*dx+(py-half)*dy)/(n*span) + 0.5
			c := ramp[int(clamp01(t)*float64(steps)+0.5)]

			for _, ci := range circles {
				ex, ey := px-ci.x, py-ci.y
				d2 := ex*ex + ey*ey
				if d2 > ci.outer {
					continue
				}
				a := 1.0
				if d2 > ci.inner {
					a = clamp01(0.5 - (math.Sqrt(d2) - ci.r))
				}
				if ci.white {
					c = c.over(white, 0.16*a)
				} else {
					c = c.over(tintRGB, 0.22*a)
				}
			}

			// A soft shadow under the card, then the card: frosted white.
			sd := roundRect(px-half, py-half-shadowY, cardHalf, radius)
			if a := 1 - smoothstep(-blur, blur, sd); a > 0 {
				c = c.over(shadow, 0.22*a)
			}
			d := roundRect(px-half, py-half, cardHalf, radius)
			if a := clamp01(0.5 - d); a > 0 {
				c = c.over(white, 0.52*a)
			}
			// A brighter rim catches the light.
			if a := clamp01(1 - math.Abs(d+0.75)); a > 0 && d < 0.5 {
				c = c.over(white, 0.5*a)
			}

			p := row[4*x : 4*x+4 : 4*x+4]
			p[0], p[1], p[2], p[3] = c.bytes()
		}
	}
}

// roundRect returns the signed distance from (x, y) to a square of half
// side h with corners of radius r, centred on the origin: negative inside.
func roundRect(x, y, h, r float64) float64 {
	qx := math.Abs(x) - h + r
	qy := math.Abs(y) - h + r
	if qx <= 0 && qy <= 0 {
		return max(qx, qy) - r
	}
	qx, qy = max(qx, 0), max(qy, 0)
	return math.Sqrt(qx*qx+qy*qy) - r
}

// clamp01 clamps x to [0, 1]. It is written out because math.Max and
// math.Min, careful about NaNs and signed zeros, cost a third of the
// drawing time.
func clamp01(x float64) float64 {
	if x < 0 {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}

func smoothstep(a, b, x float64) float64 {
	t := clamp01((x - a) / (b - a))
	return t * t * (3 - 2*t)
}

// fonts holds the parsed Go fonts: bold for initials, medium for the
// category. They are parsed once and only read after.
type fonts struct {
	bold, medium *opentype.Font
}

var loadFonts = sync.OnceValues(func() (*fonts, error) {
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, err
	}
	medium, err := opentype.Parse(gomedium.TTF)
	if err != nil {
		return nil, err
	}
	return &fonts{bold: bold, medium: medium}, nil
})

// initials returns up to two letters for the title: the first of each of
// its first two words, in capitals. Characters the font cannot draw are
// skipped; an empty title falls back to the category's initial.
func initials(title, category string, f *fonts) string {
	var out []rune
	for _, s := range []string{title, category} {
		for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			r := unicode.ToUpper([]rune(w)[0])
			if i, err := f.bold.GlyphIndex(nil, r); err != nil || i == 0 {
				continue
			}
			out = append(out, r)
			if len(out) == 2 {
				return string(out)
			}
		}
		if len(out) > 0 {
			return string(out)
		}
	}
	return string(out)
}

// drawText draws the initials large in the middle of the card and the
// category small near its bottom edge.
func drawText(m *image.RGBA, s style, f *fonts, letters, category string) error {
	n := float64(m.Bounds().Dx())
	ink := s.ink.rgb()
	inkColor := color.RGBA{ink.byte(0), ink.byte(1), ink.byte(2), 0xff}
	cardBottom := n * (1 - cardMargin)

	if letters != "" {
		size := n * 0.34
		if len([]rune(letters)) == 1 {
			size = n * 0.40
		}
		face, err := opentype.NewFace(f.bold, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			return err
		}
		defer face.Close()
		b, _ := font.BoundString(face, letters)
		// Centre the ink, not the advance box, a little above the middle
		// to leave room for the category.
		cx, cy := n/2, n*0.46
		w := float64(b.Max.X-b.Min.X) / 64
		h := float64(b.Max.Y-b.Min.Y) / 64
		dot := fixed.Point26_6{
			X: fixed.Int26_6((cx-w/2)*64) - b.Min.X,
			Y: fixed.Int26_6((cy-h/2)*64) - b.Min.Y,
		}
		d := font.Drawer{Dst: m, Src: image.NewUniform(inkColor), Face: face, Dot: dot}
		d.DrawString(letters)
	}

	// Below about 8 pixels the category would be a grey smudge.
	label := strings.ToUpper(strings.TrimSpace(category))
	size := n * 0.052
	if label == "" || size < 8 {
		return nil
	}
	face, err := opentype.NewFace(f.medium, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return err
	}
	defer face.Close()
	tracking := fixed.Int26_6(size * 0.12 * 64)
	maxWidth := fixed.Int26_6(n * (1 - 2*cardMargin - 0.08) * 64)
	label = fit(face, label, tracking, maxWidth)
	width := spacedWidth(face, label, tracking)
	soft := s.ink
	soft.l += 0.12
	sc := soft.rgb()
	d := font.Drawer{
		Dst:  m,
		Src:  image.NewUniform(color.RGBA{sc.byte(0), sc.byte(1), sc.byte(2), 0xff}),
		Face: face,
		Dot: fixed.Point26_6{
			X: fixed.Int26_6(n/2*64) - width/2,
			Y: fixed.Int26_6((cardBottom - n*0.075) * 64),
		},
	}
	for _, r := range label {
		d.DrawString(string(r))
		d.Dot.X += tracking
	}
	return nil
}

// spacedWidth is the advance of s drawn a rune at a time with tracking
// between runes.
func spacedWidth(face font.Face, s string, tracking fixed.Int26_6) fixed.Int26_6 {
	var w fixed.Int26_6
	for i, r := range []rune(s) {
		if i > 0 {
			w += tracking
		}
		a, _ := face.GlyphAdvance(r)
		w += a
	}
	return w
}

// fit shortens s with an ellipsis until it is at most max wide.
func fit(face font.Face, s string, tracking, max fixed.Int26_6) string {
	if spacedWidth(face, s, tracking) <= max {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 {
		rs = []rune(strings.TrimRightFunc(string(rs[:len(rs)-1]), unicode.IsSpace))
		if t := string(rs) + "…"; spacedWidth(face, t, tracking) <= max {
			return t
		}
	}
	return ""
}
