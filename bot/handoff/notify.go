package handoff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/redis/go-redis/v9"
)

// Notice records who was told of a waiting case and when, so reminders go
// to other volunteers and nobody is told twice in a row.
type Notice struct {
	At   int64   `json:"t"` // last notification (Unix ms)
	Vols []int64 `json:"v,omitempty"`
}

// Notice returns what was recorded for a case (zero when nothing).
func (s *Store) Notice(ctx context.Context, ref string) (Notice, error) {
	data, err := s.rdb.HGet(ctx, s.key("notified"), ref).Result()
	if errors.Is(err, redis.Nil) {
		return Notice{}, nil
	}
	if err != nil {
		return Notice{}, fmt.Errorf("load notice: %w", err)
	}
	var n Notice
	_ = json.Unmarshal([]byte(data), &n)
	return n, nil
}

// SetNotice records a notification round for a case.
func (s *Store) SetNotice(ctx context.Context, ref string, n Notice) error {
	data, _ := json.Marshal(n)
	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, s.key("notified"), ref, data)
	pipe.PExpire(ctx, s.key("notified"), keepFor)
	_, err := pipe.Exec(ctx)
	return err
}

// PickVolunteers chooses at most n volunteers to tell of case c: available,
// speaking its language, holding no case (busy), not already told
// (skip); those covering its département first, then those told least
// recently, so that notifications rotate instead of storming everyone.
func PickVolunteers(vols []Volunteer, c Case, busy map[int64]bool, skip []int64, n int) []Volunteer {
	var out []Volunteer
	for _, v := range vols {
		if v.Status == Available && v.Speaks(c.Lang) && !busy[v.ID] && !slices.Contains(skip, v.ID) {
			out = append(out, v)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ci, cj := out[i].Covers(c.Summary.Departement), out[j].Covers(c.Summary.Departement)
		if ci != cj {
			return ci
		}
		return out[i].Notified < out[j].Notified
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// holders reads the volunteer IDs of the relay map's keys.
func holders(ids []string) map[int64]bool {
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		var v int64
		if _, err := fmt.Sscan(id, &v); err == nil {
			out[v] = true
		}
	}
	return out
}

// WaitingRefs returns every waiting case reference in langs.
func (s *Store) WaitingRefs(ctx context.Context, langs []string) ([]string, error) {
	var out []string
	for _, l := range langs {
		refs, err := s.rdb.ZRange(ctx, s.waitKey(l), 0, -1).Result()
		if err != nil {
			return nil, fmt.Errorf("list queue: %w", err)
		}
		out = append(out, refs...)
	}
	return out, nil
}

// FirstTold records that the person was told nobody has taken their case
// yet; it reports false when they already were, so that, across replicas
// too, it is said once.
func (s *Store) FirstTold(ctx context.Context, ref string, at int64) (bool, error) {
	pipe := s.rdb.TxPipeline()
	set := pipe.HSetNX(ctx, s.key("told"), ref, at)
	pipe.PExpire(ctx, s.key("told"), keepFor)
	if _, err := pipe.Exec(ctx); err != nil {
		return false, fmt.Errorf("mark told: %w", err)
	}
	return set.Val(), nil
}
