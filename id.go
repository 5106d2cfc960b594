package loopshop

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"strings"
	"time"
)

// idEncoding is base32 with the "extended hex" alphabet, lower-cased: it
// sorts in the same order as the bytes it encodes, so IDs sort by creation
// time and serve as pagination cursors.
var idEncoding = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// NewID returns a new identifier for an object of kind prefix ("ord", "acc")
// that belongs to market. IDs are opaque to clients; inside the platform the
// market they carry routes any request about the object to its market's
// region without a directory look-up, and stays true when a market moves to
// another region.
//
// The part after the market is 48 bits of milliseconds followed by 80 random
// bits, so IDs made later sort after IDs made earlier.
func NewID(prefix, market string) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(time.Now().UnixMilli())<<16)
	if _, err := rand.Read(b[6:]); err != nil {
		panic("loopshop: no randomness: " + err.Error())
	}
	return prefix + "_" + strings.ToLower(market) + "_" + idEncoding.EncodeToString(b[:])
}

// MarketOf returns the market an ID made by NewID belongs to, upper-cased
// ("GB"), and false when id is not of that form.
func MarketOf(id string) (string, bool) {
	prefix, rest, ok := strings.Cut(id, "_")
	if !ok || prefix == "" {
		return "", false
	}
	market, tail, ok := strings.Cut(rest, "_")
	if !ok || len(market) != 2 || len(tail) != 26 {
		return "", false
	}
	for _, c := range market {
		if c < 'a' || c > 'z' {
			return "", false
		}
	}
	if _, err := idEncoding.DecodeString(tail); err != nil {
		return "", false
	}
	return strings.ToUpper(market), true
}

// RandomToken returns n random bytes encoded for use in URLs and headers.
func RandomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("loopshop: no randomness: " + err.Error())
	}
	return idEncoding.EncodeToString(b)
}
