// Package idempotency makes unsafe requests exactly-once: the first
// response to an Idempotency-Key is kept and replayed to every repeat, and
// the same key sent with a different request is refused.
//
// Keys are scoped to the signed-in account and kept in the region of the
// account's market, beside the data the request wrote, so a response that
// holds personal data never leaves its region.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
	"unicode"

	"github.com/loopshop/loopshop"
)

// Record is what is kept of a request made with a key.
type Record struct {
	RequestHash string
	// Status is the HTTP status of the kept response; 0 while the first
	// request is still being handled.
	Status      int
	ContentType string
	Body        []byte
	CreatedAt   time.Time
}

// Store keeps records. Begin claims the key for a request, atomically: it
// returns nil when the caller now owns the key, or the record already there.
type Store interface {
	Begin(ctx context.Context, market, scope, key, requestHash string, now time.Time) (*Record, error)
	Complete(ctx context.Context, market, scope, key string, status int, contentType string, body []byte) error
	// Release forgets a claim whose request failed, so the client may retry.
	Release(ctx context.Context, market, scope, key string) error
}

// StaleAfter is how long a claim may stay in progress before another
// request with the key may take it over: longer than any request may run.
const StaleAfter = 2 * time.Minute

// MaxKeyLen bounds a key's length.
const MaxKeyLen = 255

// ValidKey checks a client's key: printable ASCII, 1 to 255 characters.
func ValidKey(key string) error {
	if key == "" || len(key) > MaxKeyLen {
		return loopshop.Errorf(loopshop.EINVALID, "Idempotency-Key must have 1 to %d characters; a UUID is a good choice", MaxKeyLen)
	}
	for _, r := range key {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) {
			return loopshop.Errorf(loopshop.EINVALID, "Idempotency-Key must be printable ASCII; a UUID is a good choice")
		}
	}
	return nil
}

// RequestHash fingerprints a request so a reused key can be told apart
// from a genuine repeat.
func RequestHash(method, path string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method))
	h.Write([]byte{0})
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}
