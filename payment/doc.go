// Package payment takes buyers' money through a small Provider interface,
// so checkout is written once and runs on a built-in test provider, cash on
// delivery, or Stripe.
//
// # Declines are answers, errors are the absence of one
//
// A provider that reached a verdict returns a *Charge. A card the bank
// refused is such a verdict: Status is StatusDeclined, DeclineCode says why
// ("insufficient_funds") and Message tells the buyer what to do. A Go error
// means the outcome is unknown or the request was never valid: the provider
// could not be reached, it failed, or the input broke a rule (a
// *loopshop.Error with EINVALID, naming the field). After an error of the
// first kind the caller retries with the same key and learns the real
// outcome; it never guesses.
//
// # Idempotency
//
// Every Charge and Refund carries a Key. A provider answers a repeated key
// with its first result and never moves money twice: a checkout that timed
// out can simply try again. The same key sent with a different request
// (another amount, another card) is refused with EUNPROCESSABLE. A declined
// charge is a result too, kept under its key, so a buyer who tries another
// card needs a new key. Charge keys and refund keys are separate: a refund
// may reuse its order's charge key. Requests refused as invalid are not
// kept, as at Stripe, so a corrected request may use the key again.
//
// # Providers
//
// TestCard approves and declines Stripe's well-known test card numbers
// without a network, for the demo, development and tests; it keeps its
// records in memory, and derives charge IDs from keys so a restarted
// server replays to the same ID. COD is cash on delivery: the charge stays
// pending until the courier collects, and the seller bears a payment fee
// (2 % by default). Stripe adapts Stripe's PaymentIntents through
// stripe-go, Stripe's official client, which follows each API version,
// retries safely with the idempotency key and types its errors; its tests
// run against stripe-mock, Stripe's own API mock.
//
// No provider logs or keeps a full card number: a Charge holds the last four
// digits and the brand.
package payment
