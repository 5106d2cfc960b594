// Package deal holds the terms other capabilities offer checkout to price
// a line or an order by: a live room's flash-sale deal and a coupon a
// buyer claimed. Live rooms describe them and checkout applies them; the
// types live here, below both, so that live does not import the order
// package to name what it hands over.
package deal

import (
	"time"

	"github.com/loopshop/loopshop/attribution"
)

// Flash is a live room's flash sale as checkout sees it: a SKU at a deal
// price, until EndsAt, at most PerBuyer to a buyer, out of an allocation
// the store counts down. Source is the room, which a line bought in the
// sale came from whatever the buyer tapped before.
type Flash struct {
	ID       string
	Market   string
	SKUID    string
	Price    int64
	PerBuyer int64
	EndsAt   time.Time
	Source   attribution.Source
}

// Coupon is a coupon a buyer claimed, as checkout sees it: AmountOff its
// shop's order of at least MinSpend, until ExpiresAt, once.
type Coupon struct {
	ID        string
	Market    string
	ShopID    string
	AmountOff int64
	MinSpend  int64
	ExpiresAt time.Time
}
