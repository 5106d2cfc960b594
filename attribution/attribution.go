// Package attribution holds what an order line credits for bringing the
// buyer: the video, live room or creator whose link the buyer followed.
// Content and live rooms produce sources and checkout records them; the
// type lives here, below all three, so that neither producer has to import
// the order package (and with it payments, shipping, tax and the ledger)
// just to name what it returns.
package attribution

// Source is where an order line came from: the video, creator showcase or
// live room whose link the buyer tapped last before buying, within the
// attribution window, or the live room whose flash sale it was bought in.
// CreatorID is the creator the line earns commission for, if any.
type Source struct {
	VideoID   string `json:"video_id,omitempty"`
	RoomID    string `json:"room_id,omitempty"`
	CreatorID string `json:"creator_id,omitempty"`
	Kind      string `json:"kind,omitempty"` // anchor, tile, showcase or live
}
