// Package identity knows who is asking: accounts (buyers, creators, seller
// staff and platform staff), their passwords, their sign-ins, and the one
// authorization check every handler and service uses before reading or
// writing an object.
//
// An account belongs to one market and is stored in that market's region.
// Signing in by e-mail goes through the global directory, which holds only
// a keyed hash of the address and the market, so finding the right region
// never needs personal data outside it. Session tokens carry their market,
// so authenticating a request goes straight to the right region.
package identity
