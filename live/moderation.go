package live

import (
	"context"
	"errors"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
)

// moderated returns a room the actor may moderate: its host, or a
// moderator the host appointed.
func (s *Service) moderated(ctx context.Context, actor *identity.Actor, id string) (*Room, error) {
	r, err := s.hosted(ctx, actor, id)
	if err == nil || loopshop.ErrorCode(err) != loopshop.EFORBIDDEN {
		return r, err
	}
	ok, merr := s.store.IsModerator(ctx, id, actor.AccountID)
	if merr != nil {
		return nil, merr
	}
	if !ok {
		return nil, loopshop.Errorf(loopshop.EFORBIDDEN, "only the room's host and its moderators may do this")
	}
	return s.Room(ctx, id)
}

// AddModerator lets an account moderate the room's chat (the host).
func (s *Service) AddModerator(ctx context.Context, actor *identity.Actor, id, accountID string) error {
	r, err := s.hosted(ctx, actor, id)
	if err != nil {
		return err
	}
	if mk, ok := loopshop.MarketOf(accountID); !ok || mk != r.Market {
		return loopshop.Invalid("account_id", "%q is not an account of %s", accountID, r.Market)
	}
	return s.store.AddModerator(ctx, r.ID, accountID)
}

// RemoveMessage takes a message out of the chat, for every viewer.
func (s *Service) RemoveMessage(ctx context.Context, actor *identity.Actor, id, messageID string) error {
	r, err := s.moderated(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteMessage(ctx, r.ID, messageID); err != nil {
		if errors.Is(err, loopshop.ErrNotFound) {
			return loopshop.Errorf(loopshop.ENOTFOUND, "message not found in this room")
		}
		return err
	}
	return s.hub.Publish(ctx, Event{Type: EventUnchat, RoomID: r.ID, At: s.now(), Message: &Message{ID: messageID, RoomID: r.ID}})
}

// Mute stops an account from chatting in the room.
func (s *Service) Mute(ctx context.Context, actor *identity.Actor, id, accountID string) error {
	r, err := s.moderated(ctx, actor, id)
	if err != nil {
		return err
	}
	if accountID == actor.AccountID {
		return loopshop.Invalid("account_id", "you cannot mute yourself")
	}
	return s.store.Mute(ctx, r.ID, accountID, actor.AccountID, s.now())
}
