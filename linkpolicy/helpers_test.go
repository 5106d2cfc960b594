package linkpolicy_test

import (
	"testing"

	"github.com/loopshop/loopshop/linkpolicy"
)

// allowedHosts are the platform's own hosts in every test.
var allowedHosts = []string{"localhost:8080", "shop.example.org"}

func newPolicy(tb testing.TB) *linkpolicy.Policy {
	tb.Helper()
	p, err := linkpolicy.New(linkpolicy.Options{AllowedHosts: allowedHosts})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
