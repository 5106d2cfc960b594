package content_test

import (
	"testing"
	"time"

	"github.com/loopshop/loopshop/content"
)

func TestRank(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	video := func(id, shop string, age time.Duration, st content.Stats) *content.Video {
		return &content.Video{ID: id, ShopID: shop, CreatedAt: now.Add(-age), Stats: st}
	}
	ids := func(vs []*content.Video) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.ID)
		}
		return out
	}
	tests := []struct {
		name  string
		cands []content.Candidate
		taps  map[string]int
		want  []string
	}{
		{"newer first, all else equal", []content.Candidate{
			{Video: video("old", "s1", 96*time.Hour, content.Stats{})},
			{Video: video("new", "s2", time.Hour, content.Stats{})},
		}, nil, []string{"new", "old"}},
		{"a video that sells beats a newer one that does not", []content.Candidate{
			{Video: video("fresh", "s1", time.Hour, content.Stats{Views: 2000, AnchorClicks: 20})},
			{Video: video("seller", "s2", 48*time.Hour, content.Stats{Views: 2000, AnchorClicks: 300, Orders: 120})},
		}, nil, []string{"seller", "fresh"}},
		{"three lucky views do not beat a proven video", []content.Candidate{
			{Video: video("lucky", "s1", time.Hour, content.Stats{Views: 3, AnchorClicks: 3, Orders: 1})},
			{Video: video("proven", "s2", time.Hour, content.Stats{Views: 10000, AnchorClicks: 1500, Orders: 400})},
		}, nil, []string{"proven", "lucky"}},
		{"the buyer's category first", []content.Candidate{
			{Video: video("tea", "s1", time.Hour, content.Stats{}), Categories: []string{"groceries"}},
			{Video: video("lipstick", "s2", 2*time.Hour, content.Stats{}), Categories: []string{"beauty"}},
		}, map[string]int{"beauty": 4, "groceries": 1}, []string{"lipstick", "tea"}},
		{"one author's videos are spread out", []content.Candidate{
			{Video: video("a1", "a", time.Hour, content.Stats{})},
			{Video: video("a2", "a", 2*time.Hour, content.Stats{})},
			{Video: video("a3", "a", 3*time.Hour, content.Stats{})},
			{Video: video("b1", "b", 4*time.Hour, content.Stats{})},
		}, nil, []string{"a1", "b1", "a2", "a3"}},
		{"ties go to the newest ID", []content.Candidate{
			{Video: video("vid_1", "s1", time.Hour, content.Stats{})},
			{Video: video("vid_2", "s2", time.Hour, content.Stats{})},
		}, nil, []string{"vid_2", "vid_1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(content.Rank(tt.cands, tt.taps, now))
			if len(got) != len(tt.want) {
				t.Fatalf("Rank = %v; want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("Rank = %v; want %v", got, tt.want)
				}
			}
		})
	}
}

func TestAffinity(t *testing.T) {
	taps := map[string]int{"beauty": 3, "home": 1}
	for _, tt := range []struct {
		cats []string
		want float64
	}{{nil, 0}, {[]string{"beauty"}, 0.75}, {[]string{"home", "beauty"}, 1}, {[]string{"sports"}, 0}} {
		if got := content.Affinity(taps, tt.cats); got != tt.want {
			t.Errorf("Affinity(%v, %v) = %v; want %v", taps, tt.cats, got, tt.want)
		}
	}
	if got := content.Affinity(nil, []string{"beauty"}); got != 0 {
		t.Errorf("Affinity of a buyer with no taps = %v; want 0", got)
	}
}
