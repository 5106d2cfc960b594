package live_test

import (
	"context"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// A room ends and its host publishes the replay: the room shows as
// REPLAY, playing the recording, listed among the market's replays and no
// longer among its live rooms; only an ended room gets one.
func TestReplay(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		ctx := context.Background()
		r := sqltest.Router(t, engine)
		w, s := newWorld(t, r), newServer(t, r)
		seller, shop, serum := w.shop("GB", "Glow")
		other, _, _ := w.shop("GB", "Elsewhere")
		if _, err := s.live.CreateRoom(ctx, seller, live.NewRoom{ShopID: shop.ID, Title: "Loop", VideoID: "vid_gb_nothing"}); loopshop.ErrorField(err) != "video_id" {
			t.Errorf("a room looping a video that is not the host's: %v; want it refused on video_id", err)
		}
		room, err := s.live.CreateRoom(ctx, seller, live.NewRoom{ShopID: shop.ID, Title: "Glow hour", StreamURL: "https://media.example.com/glow.m3u8", Products: []string{serum.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.live.Start(ctx, seller, room.ID); err != nil {
			t.Fatal(err)
		}
		replay := live.NewReplay{URL: "https://media.example.com/replays/glow.m3u8"}
		if _, err := s.live.PublishReplay(ctx, seller, room.ID, replay); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Errorf("a replay while live: %v; want a conflict", err)
		}
		if _, err := s.live.End(ctx, seller, room.ID); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name  string
			in    live.NewReplay
			field string
		}{
			{"nothing to play", live.NewReplay{}, "url"},
			{"both", live.NewReplay{URL: replay.URL, VideoID: "vid_gb_x"}, "url"},
			{"not a playlist", live.NewReplay{URL: "https://media.example.com/glow.mp4"}, "url"},
			{"not the host's video", live.NewReplay{VideoID: "vid_gb_nothing"}, "video_id"},
		} {
			if _, err := s.live.PublishReplay(ctx, seller, room.ID, tt.in); loopshop.ErrorField(err) != tt.field {
				t.Errorf("%s: %v; want it refused on %s", tt.name, err, tt.field)
			}
		}
		if _, err := s.live.PublishReplay(ctx, other, room.ID, replay); loopshop.ErrorCode(err) != loopshop.EFORBIDDEN {
			t.Errorf("another shop's replay: %v; want forbidden", err)
		}
		events, stop := s.hub.Subscribe(room.ID)
		defer stop()
		if _, err := s.live.PublishReplay(ctx, seller, room.ID, replay); err != nil {
			t.Fatal(err)
		}
		// On PostgreSQL the room's earlier moves may still be on their
		// way to this server: the replay's status comes after them.
		for e := next(t, events); e.Type != live.EventStatus || e.Status != live.Replay; e = next(t, events) {
			if e.Type != live.EventStatus || (e.Status != live.Live && e.Status != live.Ended) {
				t.Fatalf("event %+v; want the room's status, REPLAY", e)
			}
		}
		got, err := s.live.Room(ctx, room.ID)
		if err != nil || got.Status != live.Replay || got.ReplayURL != replay.URL || len(got.Bag) != 1 {
			t.Errorf("room %+v %v; want REPLAY with its recording and its bag", got, err)
		}
		replays, err := s.live.Replays(ctx, "GB")
		if err != nil || len(replays) != 1 || replays[0].ID != room.ID {
			t.Errorf("replays %v %v; want the room", replays, err)
		}
		if now, err := s.live.LiveNow(ctx, "GB"); err != nil || len(now) != 0 {
			t.Errorf("live now %v %v; want none", now, err)
		}
		// The host changes the replay; a replay takes no pins.
		if got, err := s.live.PublishReplay(ctx, seller, room.ID, live.NewReplay{URL: "https://media.example.com/replays/glow-cut.m3u8"}); err != nil || got.ReplayURL != "https://media.example.com/replays/glow-cut.m3u8" {
			t.Errorf("a new replay: %+v %v", got, err)
		}
		if _, err := s.live.Pin(ctx, seller, room.ID, serum.ID); loopshop.ErrorCode(err) != loopshop.ECONFLICT {
			t.Errorf("a pin in a replay: %v; want a conflict", err)
		}
	})
}
