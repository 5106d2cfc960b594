package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/university"
)

// poster is a demo shop that posts videos, with its owner.
type poster struct {
	seller string // the local part of the seller's address: "home.gb"
	actor  *identity.Actor
	shop   *catalog.Shop
}

// promoDays is how long the promotion on each shop's first demo video
// runs from seeding: long enough to see the countdown on any demo day.
const promoDays = 7

// videos posts each demo clip for its shop, anchoring the products it
// shows. A shop that has a video with the clip's caption already keeps
// it, so a second seeding posts nothing.
func (s *seeder) videos(ctx context.Context, posters []poster) error {
	if s.Content == nil {
		return nil
	}
	clips, err := Clips()
	if err != nil {
		return err
	}
	listed := map[string]map[string]map[string]string{} // market → shop → seller SKU → product ID
	for _, c := range clips {
		var p *poster
		for i := range posters {
			if posters[i].seller == c.ShopSeller {
				p = &posters[i]
			}
		}
		if p == nil { // the shop's market is not served here, or its owner changed the password
			continue
		}
		posted, err := s.posted(ctx, p.shop.ID)
		if err != nil {
			return err
		}
		if posted[c.Caption] {
			s.sum.VideosFound++
			continue
		}
		if listed[p.shop.Market] == nil {
			if listed[p.shop.Market], err = s.listed(ctx, p.shop.Market); err != nil {
				return err
			}
		}
		in := content.NewVideo{ShopID: p.shop.ID, Caption: c.Caption, DurationMS: c.DurationMS}
		for _, sku := range c.Products {
			if id := listed[p.shop.Market][p.shop.ID][sku]; id != "" {
				in.Anchors = append(in.Anchors, id)
			}
		}
		if len(in.Anchors) == 0 {
			continue // its products were taken off sale by their seller
		}
		if len(posted) == 0 {
			in.Promo = &content.PromoTile{Text: "New season picks", EndsAt: time.Now().Add(promoDays * 24 * time.Hour).UTC().Truncate(time.Minute)}
		}
		if err := s.post(ctx, p.actor, in, c); err != nil {
			return fmt.Errorf("post demo video %s for %s: %w", c.ID, p.shop.Name, err)
		}
		s.sum.VideosPosted++
	}
	return nil
}

// posted returns the captions of a shop's live videos.
func (s *seeder) posted(ctx context.Context, shopID string) (map[string]bool, error) {
	out := map[string]bool{}
	req := page.Request{Limit: page.MaxLimit}
	for {
		pg, err := s.Content.VideosBy(ctx, shopID, req)
		if err != nil {
			return nil, err
		}
		for _, v := range pg.Items {
			out[v.Caption] = true
		}
		if pg.NextCursor == "" {
			return out, nil
		}
		req.After = pg.Items[len(pg.Items)-1].ID
	}
}

func (s *seeder) post(ctx context.Context, actor *identity.Actor, in content.NewVideo, c Clip) error {
	video, err := OpenClip(c.File)
	if err != nil {
		return err
	}
	defer video.Close()
	up := content.Upload{Video: video}
	if c.Poster != "" {
		f, err := OpenClip(c.Poster)
		if err != nil {
			return err
		}
		defer f.Close()
		up.Poster = f
	}
	_, err = s.Content.PostVideo(ctx, actor, in, up)
	return err
}

// demoPlan is the plan each demo shop in the demo creator's market offers.
const demoPlan = "Creator picks"

// demoPlanBPS is its commission: 10 % on everything the shop sells.
const demoPlanBPS = 1000

// plans opens an affiliate plan in each demo shop of the creator's market,
// has the creator join it, and puts a few of each shop's products in the
// creator's showcase, so that Creator Center and the showcase have
// something in them. A shop with any plan already is left alone.
func (s *seeder) plans(ctx context.Context, creator *identity.Actor, posters []poster) error {
	if s.Affiliate == nil || s.Content == nil || creator == nil {
		return nil
	}
	for _, p := range posters {
		if p.shop.Market != creator.Market {
			continue
		}
		existing, err := s.Affiliate.PlansOfShop(ctx, p.actor, p.shop.ID)
		if err != nil {
			return err
		}
		if len(existing) > 0 {
			continue
		}
		plan, err := s.Affiliate.CreatePlan(ctx, p.actor, p.shop.ID, affiliate.NewPlan{Kind: affiliate.Open, Name: demoPlan, ShopWideBPS: demoPlanBPS})
		if err != nil {
			return fmt.Errorf("open the plan of %s: %w", p.shop.Name, err)
		}
		s.sum.PlansCreated++
		if _, err := s.Affiliate.Join(ctx, creator, plan.ID); err != nil {
			return fmt.Errorf("join the plan of %s: %w", p.shop.Name, err)
		}
		pg, err := s.Catalog.ShopTab(ctx, p.shop.ID, page.Request{Limit: 3})
		if err != nil {
			return err
		}
		for _, prod := range pg.Items {
			if _, err := s.Content.AddToShowcase(ctx, creator, prod.ID); err != nil {
				return fmt.Errorf("showcase %q: %w", prod.Title, err)
			}
		}
	}
	return nil
}

// certify has every demo seller pass the courses that gate going live, so
// that any of them can host a room.
func (s *seeder) certify(ctx context.Context, posters []poster) error {
	if s.University == nil {
		return nil
	}
	for _, p := range posters {
		if err := s.University.Certify(ctx, p.actor, university.CapabilityLive); err != nil {
			return fmt.Errorf("certify %s: %w", p.seller, err)
		}
	}
	return nil
}

// demoRoomTitle names the demo's live room; demoReplayTitle its room that
// has ended and left a replay.
const (
	demoRoomTitle   = "Glow hour: routines and deals"
	demoReplayTitle = "Sunday skincare Q&A"
)

// liveRoom opens the demo's live room for the GB beauty shop, live at
// once, looping the shop's first video with its products in the bag; a
// room of that title live already is kept.
func (s *seeder) liveRoom(ctx context.Context, posters []poster) error {
	if s.Live == nil || s.Content == nil {
		return nil
	}
	for _, p := range posters {
		if p.seller != "beauty.gb" {
			continue
		}
		rooms, err := s.Live.LiveNow(ctx, p.shop.Market)
		if err != nil {
			return err
		}
		for _, r := range rooms {
			if r.ShopID == p.shop.ID && r.Title == demoRoomTitle {
				s.sum.LiveRoom = r.ID
				return nil
			}
		}
		pg, err := s.Content.VideosBy(ctx, p.shop.ID, page.Request{Limit: 1})
		if err != nil || len(pg.Items) == 0 {
			return err
		}
		v := pg.Items[0]
		in := live.NewRoom{ShopID: p.shop.ID, Title: demoRoomTitle, VideoID: v.ID}
		for _, a := range v.Anchors {
			in.Products = append(in.Products, a.ProductID)
		}
		r, err := s.Live.CreateRoom(ctx, p.actor, in)
		if err != nil {
			return fmt.Errorf("open the demo live room: %w", err)
		}
		if _, err := s.Live.Start(ctx, p.actor, r.ID); err != nil {
			return err
		}
		s.sum.LiveRoom = r.ID
		return s.replayRoom(ctx, p, in)
	}
	return nil
}

// replayRoom hosts a room of the shop that has ended and left its replay
// (the shop's video), so that the demo shows one.
func (s *seeder) replayRoom(ctx context.Context, p poster, in live.NewRoom) error {
	in.Title = demoReplayTitle
	r, err := s.Live.CreateRoom(ctx, p.actor, in)
	if err != nil {
		return fmt.Errorf("open the demo replay room: %w", err)
	}
	if _, err := s.Live.Start(ctx, p.actor, r.ID); err != nil {
		return err
	}
	if _, err := s.Live.End(ctx, p.actor, r.ID); err != nil {
		return err
	}
	_, err = s.Live.PublishReplay(ctx, p.actor, r.ID, live.NewReplay{VideoID: in.VideoID})
	return err
}
