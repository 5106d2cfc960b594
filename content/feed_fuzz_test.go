package content

import (
	"fmt"
	"testing"
	"time"
)

// The feed's cursor comes back from clients: whatever it holds, parsing
// it either fails with an invalid-cursor error or yields an offset within
// the pool, and a cursor the feed made reads back as what it encoded.
func FuzzFeedCursor(f *testing.F) {
	for _, s := range []string{"1764846000000.8", "0.0", "-1.5", "1.500", "1.501", "x.y", "", ".", "1.", ".1", "9223372036854775807.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		at, off, err := parseFeedCursor(s)
		if err != nil {
			return
		}
		if off < 0 || off > FeedPool {
			t.Fatalf("parseFeedCursor(%q) gave offset %d, outside 0..%d", s, off, FeedPool)
		}
		back := fmt.Sprintf("%d.%d", at.UnixMilli(), off)
		at2, off2, err := parseFeedCursor(back)
		if err != nil || !at2.Equal(at) || off2 != off || at.Location() != time.UTC {
			t.Fatalf("cursor %q → %v, %d → %q → %v, %d, %v", s, at, off, back, at2, off2, err)
		}
	})
}
