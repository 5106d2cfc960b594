package content

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/page"
)

// The feed's shape.
const (
	// FeedPool is how many of a market's newest videos the feed ranks.
	FeedPool = 500
	// FeedMaxAge is how old a video may be and still be in the feed.
	FeedMaxAge = 60 * 24 * time.Hour
	// RecencyHalfLife is the age at which a video's freshness has halved.
	RecencyHalfLife = 72 * time.Hour
	// affinityLookback is how far back a buyer's taps say what it likes.
	affinityLookback = 30 * 24 * time.Hour
)

// Score is the feed's estimate of how much a buyer will want a video now,
// from three signals and the buyer's taste:
//
//   - freshness, halving every RecencyHalfLife, never below 0.2 of a new
//     video's, so a strong older video can still beat a weak new one;
//   - engagement: the rate of anchor taps per view;
//   - conversion: the rate of paid orders per view.
//
// Both rates are smoothed towards a prior (Bayesian averaging), so a video
// with three views and one tap does not outrank one with ten thousand
// views and a thousand taps. affinity, from 0 to 1, is the share of the
// buyer's recent taps that went to the categories the video sells, and
// lifts the score by up to 1.5 times.
func Score(st Stats, age time.Duration, affinity float64) float64 {
	fresh := 0.2 + 0.8*math.Exp2(-max(age, 0).Hours()/RecencyHalfLife.Hours())
	views := float64(st.Views)
	// Priors worth a hundred views: 5 % of views tap, 1 % buy.
	ctr := (float64(st.AnchorClicks) + 5) / (views + 100)
	cvr := (float64(st.Orders) + 1) / (views + 100)
	return fresh * (1 + 4*ctr + 20*cvr) * (1 + 0.5*affinity) // at the priors: 1.4 before freshness
}

// Affinity is the share of taps, from 0 to 1, that went to any of the
// categories.
func Affinity(taps map[string]int, categories []string) float64 {
	total := 0
	for _, n := range taps {
		total += n
	}
	if total == 0 {
		return 0
	}
	hit := 0
	for c, n := range taps {
		if slices.Contains(categories, c) {
			hit += n
		}
	}
	return float64(hit) / float64(total)
}

// Rank orders candidates for a buyer whose taps by category are taps, at
// now: by Score, then newest first. It then spreads authors out, so that
// no author has two videos in a row while another author's video could go
// between them.
func Rank(cands []Candidate, taps map[string]int, now time.Time) []*Video {
	type scored struct {
		v     *Video
		score float64
	}
	s := make([]scored, len(cands))
	for i, c := range cands {
		s[i] = scored{c.Video, Score(c.Video.Stats, now.Sub(c.Video.CreatedAt), Affinity(taps, c.Categories))}
	}
	slices.SortStableFunc(s, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(b.v.ID, a.v.ID)
	})
	out := make([]*Video, 0, len(s))
	for len(s) > 0 {
		i := 0
		if n := len(out); n > 0 {
			last := out[n-1].Author()
			for i < len(s) && s[i].v.Author() == last {
				i++
			}
			if i == len(s) {
				i = 0 // only this author is left
			}
		}
		out = append(out, s[i].v)
		s = slices.Delete(s, i, i+1)
	}
	return out
}

// Feed is a page of the feed. Its cursor fixes the moment the feed was
// ranked at, so the next page continues the same ranking.
type Feed = page.Page[*Video]

// Feed returns a page of the market's feed, ranked for the actor (nil: a
// visitor, ranked without taste). r.After is the previous page's cursor.
func (s *Service) Feed(ctx context.Context, actor *identity.Actor, marketCode string, r page.Request) (Feed, error) {
	m, err := s.markets.Get(marketCode)
	if err != nil {
		return Feed{}, err
	}
	now, offset := s.now(), 0
	if r.After != "" {
		if now, offset, err = parseFeedCursor(r.After); err != nil {
			return Feed{}, err
		}
	}
	cands, err := s.store.Candidates(ctx, m.Code, now.Add(-FeedMaxAge), FeedPool)
	if err != nil {
		return Feed{}, fmt.Errorf("feed: %w", err)
	}
	var taps map[string]int
	if actor != nil && actor.AccountID != "" && actor.Market == m.Code {
		if taps, err = s.store.TouchedCategories(ctx, m.Code, actor.AccountID, now.Add(-affinityLookback)); err != nil {
			return Feed{}, fmt.Errorf("feed: %w", err)
		}
	}
	ranked := Rank(cands, taps, now)
	if offset > len(ranked) {
		offset = len(ranked)
	}
	end := min(offset+r.Limit, len(ranked))
	f := Feed{Items: ranked[offset:end]}
	if end < len(ranked) {
		f.NextCursor = page.Cursor(fmt.Sprintf("%d.%d", now.UnixMilli(), end))
	}
	return f, nil
}

func parseFeedCursor(after string) (time.Time, int, error) {
	ms, off, ok := strings.Cut(after, ".")
	t, err1 := strconv.ParseInt(ms, 10, 64)
	n, err2 := strconv.Atoi(off)
	if !ok || err1 != nil || err2 != nil || n < 0 || n > FeedPool {
		return time.Time{}, 0, loopshop.Invalid("cursor", "cursor is malformed; pass next_cursor from the previous page unchanged")
	}
	return time.UnixMilli(t).UTC(), n, nil
}
