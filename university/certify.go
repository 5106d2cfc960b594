package university

import (
	"context"
	"fmt"

	"github.com/loopshop/loopshop/identity"
)

// Certify has actor read and pass, with the answer key, the Seller
// University courses that gate capability, as a seller would: for demo
// accounts and benchmarks. An actor certified already is left alone.
func (u *Service) Certify(ctx context.Context, actor *identity.Actor, capability string) error {
	if u.Require(ctx, actor, capability) == nil {
		return nil
	}
	courses := u.Catalog()
	for _, c := range courses.Gating(capability) {
		for _, l := range c.Lessons {
			if _, err := u.CompleteLesson(ctx, actor, c.ID, l.ID); err != nil {
				return err
			}
		}
		if _, err := u.TakeQuiz(ctx, actor, c.ID, courses.AnswerKey(c.ID)); err != nil {
			return fmt.Errorf("course %s: %w", c.ID, err)
		}
	}
	return nil
}
