package loopshop

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"strings"
	"sync"
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
// bits. Within one millisecond the random part counts up from the previous
// ID's (as ULIDs do), so IDs made later in a process sort after IDs made
// earlier, and serve as "newest first" pagination keys.
func NewID(prefix, market string) string {
	b := nextID()
	return prefix + "_" + strings.ToLower(market) + "_" + idEncoding.EncodeToString(b[:])
}

// DerivedID returns an ID of the form NewID makes, in market, that is the
// same for the same parts: for objects named by what asked for them, such
// as a refund by its order and the client's idempotency key, so that a
// repeated request finds the first object by its ID.
func DerivedID(prefix, market string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return prefix + "_" + strings.ToLower(market) + "_" + idEncoding.EncodeToString(h.Sum(nil)[:16])
}

var idState struct {
	sync.Mutex
	last [16]byte
}

func nextID() [16]byte {
	ms := uint64(time.Now().UnixMilli())
	idState.Lock()
	defer idState.Unlock()
	var b [16]byte
	lastMS := binary.BigEndian.Uint64(idState.last[:8]) >> 16
	if ms <= lastMS {
		// Same (or an earlier, if the clock stepped back) millisecond:
		// add one to the previous ID's 80 random bits.
		b = idState.last
		for i := 15; i >= 6; i-- {
			b[i]++
			if b[i] != 0 {
				break
			}
		}
	} else {
		binary.BigEndian.PutUint64(b[:8], ms<<16)
		if _, err := rand.Read(b[6:]); err != nil {
			panic("loopshop: no randomness: " + err.Error())
		}
		// Leave room to count up within the millisecond.
		b[6] &= 0x7f
	}
	idState.last = b
	return b
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
