package handoff

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// LangStats are the figures of one language.
type LangStats struct {
	Lang     string
	Waiting  int
	Taken    int
	Closed   int
	Outcomes map[Outcome]int
	// MedianWait is from arrival to first take, MedianHandling from first
	// take to close, over the closed cases kept (0 when none).
	MedianWait     time.Duration
	MedianHandling time.Duration
}

type closed struct {
	lang     string
	outcome  Outcome
	wait     int64
	handling int64
}

func parseClosed(m string) (closed, bool) {
	f := strings.Split(m, "|")
	if len(f) != 5 {
		return closed{}, false
	}
	w, err1 := strconv.ParseInt(f[3], 10, 64)
	h, err2 := strconv.ParseInt(f[4], 10, 64)
	return closed{lang: f[1], outcome: Outcome(f[2]), wait: w, handling: h}, err1 == nil && err2 == nil
}

// recentClosed returns the closed records since from, oldest first.
func (s *Store) recentClosed(ctx context.Context, from time.Time) ([]closed, error) {
	ms, err := s.rdb.ZRangeByScore(ctx, s.key("closed"), &redis.ZRangeBy{
		Min: strconv.FormatInt(from.UnixMilli(), 10), Max: "+inf",
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("list closed cases: %w", err)
	}
	out := make([]closed, 0, len(ms))
	for _, m := range ms {
		if c, ok := parseClosed(m); ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// Stats returns the figures per language for langs (and any other
// language seen), over the retention period.
func (s *Store) Stats(ctx context.Context, langs []string, now time.Time) ([]LangStats, error) {
	by := map[string]*LangStats{}
	get := func(l string) *LangStats {
		if by[l] == nil {
			by[l] = &LangStats{Lang: l, Outcomes: map[Outcome]int{}}
		}
		return by[l]
	}
	for _, l := range langs {
		n, err := s.rdb.ZCard(ctx, s.waitKey(l)).Result()
		if err != nil {
			return nil, fmt.Errorf("count queue: %w", err)
		}
		get(l).Waiting = int(n)
	}
	if err := s.countTaken(ctx, get); err != nil {
		return nil, err
	}
	recs, err := s.recentClosed(ctx, now.Add(-s.Retention))
	if err != nil {
		return nil, err
	}
	waits, handlings := map[string][]int64{}, map[string][]int64{}
	for _, r := range recs {
		st := get(r.lang)
		st.Closed++
		st.Outcomes[r.outcome]++
		if r.wait >= 0 {
			waits[r.lang] = append(waits[r.lang], r.wait)
			handlings[r.lang] = append(handlings[r.lang], r.handling)
		}
	}
	out := make([]LangStats, 0, len(by))
	for l, st := range by {
		st.MedianWait = median(waits[l])
		st.MedianHandling = median(handlings[l])
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Lang < out[j].Lang })
	return out, nil
}

func (s *Store) countTaken(ctx context.Context, get func(string) *LangStats) error {
	refs, err := s.rdb.HKeys(ctx, s.key("owner")).Result()
	if err != nil {
		return fmt.Errorf("list taken cases: %w", err)
	}
	for _, ref := range refs {
		c, err := s.Get(ctx, ref)
		if err != nil {
			continue
		}
		get(c.Lang).Taken++
	}
	return nil
}

// RecentHandling returns the median handling time of the last n cases
// closed in lang (0 when there are none), for wait estimates.
func (s *Store) RecentHandling(ctx context.Context, lang string, n int, now time.Time) (time.Duration, error) {
	recs, err := s.recentClosed(ctx, now.Add(-s.Retention))
	if err != nil {
		return 0, err
	}
	var hs []int64
	for i := len(recs) - 1; i >= 0 && len(hs) < n; i-- {
		if recs[i].lang == lang && recs[i].handling >= 0 {
			hs = append(hs, recs[i].handling)
		}
	}
	return median(hs), nil
}

func median(ms []int64) time.Duration {
	if len(ms) == 0 {
		return 0
	}
	s := slices.Clone(ms)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return time.Duration(m) * time.Millisecond
}
