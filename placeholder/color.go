package placeholder

import "math"

// lab is a colour in OKLab: perceived lightness l, and a and b.
type lab struct{ l, a, b float64 }

// oklch returns the OKLab colour of lightness l, chroma c and hue h in
// degrees.
func oklch(l, c, h float64) lab {
	s, co := math.Sincos(h * math.Pi / 180)
	return lab{l, c * co, c * s}
}

func mix(x, y lab, t float64) lab {
	return lab{x.l + (y.l-x.l)*t, x.a + (y.a-x.a)*t, x.b + (y.b-x.b)*t}
}

// rgb converts to sRGB, clipping colours outside its gamut.
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

func gamma(x float64) float64 {
	if x <= 0.0031308 {
		return clamp01(12.92 * x)
	}
	return clamp01(1.055*math.Pow(x, 1/2.4) - 0.055)
}

// rgb is an sRGB colour with components in [0, 1].
type rgb [3]float64

// over returns c covered by top at opacity a.
func (c rgb) over(top rgb, a float64) rgb {
	return rgb{c[0] + (top[0]-c[0])*a, c[1] + (top[1]-c[1])*a, c[2] + (top[2]-c[2])*a}
}

func (c rgb) byte(i int) uint8 { return uint8(c[i]*255 + 0.5) } // c is clamped, so no overflow

// bytes returns c as opaque RGBA bytes. The gradients are gentle enough
// not to band without dithering, which would triple the file size.
func (c rgb) bytes() (r, g, b, a uint8) {
	return c.byte(0), c.byte(1), c.byte(2), 0xff
}
