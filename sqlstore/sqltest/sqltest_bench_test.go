package sqltest_test

import (
	"testing"
	"time"

	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// BenchmarkRouter measures what a storage test pays for its databases.
// Their clean-up runs when the benchmark ends, so ns/op leaves it out; the
// logged figure includes it. Run with -benchtime=20x or so.
func BenchmarkRouter(b *testing.B) {
	for _, engine := range sqltest.Engines {
		b.Run(engine, func(b *testing.B) {
			n, start := 0, time.Now()
			// Registered first, so it runs after every Router's clean-up.
			b.Cleanup(func() {
				if n > 0 {
					b.Logf("%d Routers: %v each with their clean-up", n, time.Since(start)/time.Duration(n))
				}
			})
			for b.Loop() {
				sqltest.Router(b, engine)
				n++
			}
		})
	}
}
