package fetch

import "net/netip"

// notPublic lists the special-purpose ranges of the IANA registries
// (RFC 6890 and its updates) that a fetch must not reach: they are this
// host, the private network, or not routed on the internet at all. Some
// overlap with netip.Addr's own tests, which Public also applies; the
// table is meant to be read against the registries.
var notPublic = prefixes(
	// IPv4
	"0.0.0.0/8",       // "this network"; 0.0.0.0 reaches the host itself
	"10.0.0.0/8",      // private (RFC 1918)
	"100.64.0.0/10",   // carrier-grade NAT, shared address space
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link-local, where cloud metadata services live
	"172.16.0.0/12",   // private (RFC 1918)
	"192.0.0.0/24",    // IETF protocol assignments
	"192.0.2.0/24",    // documentation (TEST-NET-1)
	"192.88.99.0/24",  // 6to4 relay anycast, deprecated
	"192.168.0.0/16",  // private (RFC 1918)
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // documentation (TEST-NET-2)
	"203.0.113.0/24",  // documentation (TEST-NET-3)
	"224.0.0.0/4",     // multicast
	"240.0.0.0/4",     // reserved, and the broadcast address
	// IPv6: only global unicast (2000::/3) is public, less these.
	"2001::/23",     // IETF protocol assignments: Teredo, benchmarking, ORCHID
	"2001:db8::/32", // documentation
	"2002::/16",     // 6to4, which embeds an IPv4 address
	"3fff::/20",     // documentation
	// Outside 2000::/3 but listed to be plain about them:
	"::/128",         // unspecified
	"::1/128",        // loopback
	"::ffff:0:0/96",  // IPv4-mapped (Public unmaps them first)
	"64:ff9b::/96",   // NAT64, which embeds an IPv4 address
	"64:ff9b:1::/48", // local NAT64
	"100::/64",       // discard-only
	"fc00::/7",       // unique local, the IPv6 private network
	"fe80::/10",      // link-local
	"fec0::/10",      // site-local, deprecated
	"ff00::/8",       // multicast
)

var globalUnicast6 = netip.MustParsePrefix("2000::/3")

// Public reports whether a is an address on the public internet: not
// loopback, private (RFC 1918, fc00::/7), link-local (169.254.0.0/16 with
// the cloud metadata services, fe80::/10), multicast, unspecified, or in
// any other range reserved for special use. An IPv4 address written as
// IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address.
func Public(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() || a.IsMulticast() ||
		a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() || !a.IsGlobalUnicast() {
		return false
	}
	if a.Is6() && !globalUnicast6.Contains(a) {
		return false
	}
	for _, p := range notPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

func prefixes(s ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(s))
	for i, p := range s {
		out[i] = netip.MustParsePrefix(p)
	}
	return out
}
