package placeholder

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"math"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"

	"github.com/loopshop/loopshop"
)

func mustPNG(tb testing.TB, title, category string, size int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := PNG(&buf, title, category, size); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestPNGDecodes(t *testing.T) {
	for _, size := range []int{MinSize, 64, 240, 480, 1200} {
		b := mustPNG(t, "Ceramic Pour-Over Kettle", "Kitchen", size)
		m, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if got := m.Bounds(); got != image.Rect(0, 0, size, size) {
			t.Errorf("size %d: bounds %v", size, got)
		}
	}
}

func TestPNGDeterministic(t *testing.T) {
	a := mustPNG(t, "Wireless Earbuds", "Electronics", 480)
	b := mustPNG(t, "Wireless Earbuds", "Electronics", 480)
	if !bytes.Equal(a, b) {
		t.Error("the same inputs gave different bytes")
	}
	// Case and surrounding space do not make another product: the label
	// is drawn in capitals anyway.
	if c := mustPNG(t, "wireless earbuds", " electronics ", 480); !bytes.Equal(a, c) {
		t.Error("changing case and spacing changed the image")
	}
	if c := mustPNG(t, "Wired Earbuds", "Electronics", 480); bytes.Equal(a, c) {
		t.Error("another title gave the same bytes")
	}
}

// average returns the mean colour of the image's outer band, outside the
// card: the colour the image is seen as from afar.
func average(tb testing.TB, b []byte) [3]float64 {
	tb.Helper()
	m, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	r := m.Bounds()
	band := int(float64(r.Dx()) * cardMargin * 0.8)
	var sum [3]float64
	var n float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if x >= band && x < r.Max.X-band && y >= band && y < r.Max.Y-band {
				continue
			}
			cr, cg, cb, _ := m.At(x, y).RGBA()
			sum[0] += float64(cr >> 8)
			sum[1] += float64(cg >> 8)
			sum[2] += float64(cb >> 8)
			n++
		}
	}
	return [3]float64{sum[0] / n, sum[1] / n, sum[2] / n}
}

func distance(a, b [3]float64) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}

func TestCategoriesDiffer(t *testing.T) {
	kettle := average(t, mustPNG(t, "Ceramic Kettle", "Kitchen", 120))
	skillet := average(t, mustPNG(t, "Cast Iron Skillet", "Kitchen", 120))
	earbuds := average(t, mustPNG(t, "Ceramic Kettle", "Electronics", 120))
	if d := distance(kettle, earbuds); d < 40 {
		t.Errorf("Kitchen %v and Electronics %v are only %.0f apart", kettle, earbuds, d)
	}
	// One category's products look related: closer to each other than to
	// another category's.
	if near, far := distance(kettle, skillet), distance(kettle, earbuds); near >= far {
		t.Errorf("two Kitchen products are %.0f apart, a Kitchen and an Electronics one %.0f", near, far)
	}
}

func TestSizeLimits(t *testing.T) {
	for _, size := range []int{0, MinSize - 1, MaxSize + 1, -480} {
		err := PNG(io.Discard, "x", "y", size)
		if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != "size" {
			t.Errorf("size %d: err = %v, want EINVALID on size", size, err)
		}
	}
}

func TestInitials(t *testing.T) {
	f, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ title, category, want string }{
		{"Ceramic Pour-Over Kettle", "Kitchen", "CP"},
		{"lipstick", "Beauty", "L"},
		{"3-pack socks", "Fashion", "3P"},
		{"  ébène  wood bowl", "Home", "ÉW"},
		{"東京 teacup", "Home", "T"}, // the Go fonts have no kanji
		{"", "garden", "G"},
		{"!!!", "", ""},
		{"东京", "東京", ""},
	}
	for _, tt := range tests {
		if got := initials(tt.title, tt.category, f); got != tt.want {
			t.Errorf("initials(%q, %q) = %q, want %q", tt.title, tt.category, got, tt.want)
		}
	}
}

func TestFit(t *testing.T) {
	f, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(f.medium, &opentype.FaceOptions{Size: 20, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		t.Fatal(err)
	}
	defer face.Close()
	max := font.MeasureString(face, "MMMMMMMMMM")
	if got := fit(face, "SHORT", 0, max); got != "SHORT" {
		t.Errorf("fit shortened %q to %q", "SHORT", got)
	}
	long := "BEAUTY AND PERSONAL CARE"
	got := fit(face, long, 0, max)
	if !strings.HasSuffix(got, "…") || spacedWidth(face, got, 0) > max || strings.Contains(got, " …") {
		t.Errorf("fit(%q) = %q", long, got)
	}
}

// TestOddInputs draws what sellers might type, to be sure nothing panics.
func TestOddInputs(t *testing.T) {
	for _, in := range [][2]string{
		{"", ""},
		{strings.Repeat("Long ", 200), strings.Repeat("Category ", 100)},
		{"\x00\xff\xfe", "\xff"},
		{"👟 Running Shoes", "Sport 🏃"},
		{"東京", "東京"},
	} {
		if _, err := png.Decode(bytes.NewReader(mustPNG(t, in[0], in[1], 96))); err != nil {
			t.Errorf("%q, %q: %v", in[0], in[1], err)
		}
	}
}

func BenchmarkPNG480(b *testing.B) {
	for b.Loop() {
		if err := PNG(io.Discard, "Ceramic Pour-Over Kettle", "Kitchen", 480); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImage480(b *testing.B) {
	for b.Loop() {
		if _, err := Image("Ceramic Pour-Over Kettle", "Kitchen", 480); err != nil {
			b.Fatal(err)
		}
	}
}
