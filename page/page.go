// Package page implements cursor pagination: a client asks for up to Limit
// items after an opaque cursor and gets back the cursor of the next page.
// Cursors rather than offsets, so that a page stays correct while rows are
// added, and the database seeks instead of counting.
package page

import (
	"encoding/base64"
	"net/url"
	"strconv"

	"github.com/loopshop/loopshop"
)

// Limits on page size.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Request is a page request. After is the sort key of the last item the
// client has seen; empty means the first page.
type Request struct {
	After string
	Limit int
}

// Page is one page of items. NextCursor is empty on the last page.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

var enc = base64.RawURLEncoding

// FromQuery reads ?cursor= and ?limit= into a Request.
func FromQuery(q url.Values) (Request, error) {
	r := Request{Limit: DefaultLimit}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			return r, loopshop.Invalid("limit", "limit must be a whole number from 1 to %d", MaxLimit)
		}
		r.Limit = n
	}
	if c := q.Get("cursor"); c != "" {
		b, err := enc.DecodeString(c)
		if err != nil || len(b) == 0 {
			return r, loopshop.Invalid("cursor", "cursor is malformed; pass next_cursor from the previous page unchanged")
		}
		r.After = string(b)
	}
	return r, nil
}

// Make builds a page from up to Limit+1 items fetched in order: the extra
// item, if present, only proves there is a next page. key returns an
// item's sort key.
func Make[T any](items []T, r Request, key func(T) string) Page[T] {
	p := Page[T]{Items: items}
	if p.Items == nil {
		p.Items = []T{}
	}
	if len(items) > r.Limit {
		p.Items = items[:r.Limit]
		p.NextCursor = Cursor(key(p.Items[r.Limit-1]))
	}
	return p
}

// Cursor encodes a sort key as a cursor, for pages that FromQuery will
// read back into Request.After.
func Cursor(key string) string { return enc.EncodeToString([]byte(key)) }
