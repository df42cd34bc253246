package handoff

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Volunteer statuses.
const (
	Available = "available" // receives notifications and can take cases
	Away      = "away"      // set by the volunteer: no notifications
	Paused    = "paused"    // set by an admin: cannot take cases
)

// ErrNoVolunteer: the Telegram user is not a volunteer.
var ErrNoVolunteer = errors.New("not a volunteer")

// ErrBadInvite: the invitation code is unknown, used or expired.
var ErrBadInvite = errors.New("invitation unknown, used or expired")

// Volunteer is one person of an association who takes cases. Their
// Telegram identity is never shown to people: only Name, a first name or
// a pseudonym they choose.
type Volunteer struct {
	ID     int64    `json:"id"`
	Name   string   `json:"n,omitempty"`
	Langs  []string `json:"l"`
	Deps   []string `json:"d,omitempty"` // départements they prefer; empty: all
	Status string   `json:"s"`
	// Notified is when they were last told of a case (Unix ms), so that
	// notifications rotate. It is kept apart from the record (MarkNotified)
	// so that a notification never rewrites a status or brings back a
	// volunteer an admin just removed.
	Notified int64 `json:"-"`
}

// Speaks reports whether the volunteer speaks lang.
func (v Volunteer) Speaks(lang string) bool { return slices.Contains(v.Langs, lang) }

// Covers reports whether the volunteer prefers cases of département dep.
func (v Volunteer) Covers(dep string) bool { return dep != "" && slices.Contains(v.Deps, dep) }

// volunteersKeepFor is how long the volunteers' list lives without any
// change (a notification, a status, a new volunteer counts): longer than
// the queue's keys, so a quiet season does not lose the team.
const volunteersKeepFor = 365 * 24 * time.Hour

// PutVolunteer adds or replaces a volunteer.
func (s *Store) PutVolunteer(ctx context.Context, v Volunteer) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode volunteer: %w", err)
	}
	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, s.key("vol"), strconv.FormatInt(v.ID, 10), data)
	pipe.PExpire(ctx, s.key("vol"), volunteersKeepFor)
	if v.Notified > 0 {
		pipe.HSet(ctx, s.key("volseen"), strconv.FormatInt(v.ID, 10), v.Notified)
		pipe.PExpire(ctx, s.key("volseen"), volunteersKeepFor)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("save volunteer: %w", err)
	}
	return nil
}

// MarkNotified records when a volunteer was last told of a case.
func (s *Store) MarkNotified(ctx context.Context, id int64, at time.Time) error {
	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, s.key("volseen"), strconv.FormatInt(id, 10), at.UnixMilli())
	pipe.PExpire(ctx, s.key("volseen"), volunteersKeepFor)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("mark notified: %w", err)
	}
	return nil
}

// Volunteer returns a volunteer, or ErrNoVolunteer.
func (s *Store) Volunteer(ctx context.Context, id int64) (Volunteer, error) {
	data, err := s.rdb.HGet(ctx, s.key("vol"), strconv.FormatInt(id, 10)).Result()
	if errors.Is(err, redis.Nil) {
		return Volunteer{}, ErrNoVolunteer
	}
	if err != nil {
		return Volunteer{}, fmt.Errorf("load volunteer: %w", err)
	}
	var v Volunteer
	if err := json.Unmarshal([]byte(data), &v); err != nil {
		return Volunteer{}, fmt.Errorf("decode volunteer: %w", err)
	}
	return v, nil
}

// Volunteers returns every volunteer, by ID, with when each was last
// notified.
func (s *Store) Volunteers(ctx context.Context) ([]Volunteer, error) {
	vols, _, err := s.roster(ctx, false)
	return vols, err
}

// Roster returns every volunteer, as Volunteers does, and the IDs of
// those holding a case, in one round trip.
func (s *Store) Roster(ctx context.Context) ([]Volunteer, map[int64]bool, error) {
	return s.roster(ctx, true)
}

func (s *Store) roster(ctx context.Context, withBusy bool) ([]Volunteer, map[int64]bool, error) {
	pipe := s.rdb.Pipeline()
	recs := pipe.HGetAll(ctx, s.key("vol"))
	seen := pipe.HGetAll(ctx, s.key("volseen"))
	var relay *redis.StringSliceCmd
	if withBusy {
		relay = pipe.HKeys(ctx, s.key("relay"))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, nil, fmt.Errorf("list volunteers: %w", err)
	}
	var busy map[int64]bool
	if relay != nil {
		busy = holders(relay.Val())
	}
	out := make([]Volunteer, 0, len(recs.Val()))
	for id, data := range recs.Val() {
		var v Volunteer
		if json.Unmarshal([]byte(data), &v) == nil {
			v.Notified, _ = strconv.ParseInt(seen.Val()[id], 10, 64)
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, busy, nil
}

// RemoveVolunteer deletes a volunteer; it reports whether there was one.
// A case they hold must be released first (see Service).
func (s *Store) RemoveVolunteer(ctx context.Context, id int64) (bool, error) {
	pipe := s.rdb.TxPipeline()
	n := pipe.HDel(ctx, s.key("vol"), strconv.FormatInt(id, 10))
	pipe.HDel(ctx, s.key("volseen"), strconv.FormatInt(id, 10))
	if _, err := pipe.Exec(ctx); err != nil {
		return false, fmt.Errorf("remove volunteer: %w", err)
	}
	return n.Val() > 0, nil
}

// Invite is what an invitation grants: the languages and départements of
// the volunteer who redeems it, and the name shown to people.
type Invite struct {
	Langs []string `json:"l"`
	Deps  []string `json:"d,omitempty"`
	Name  string   `json:"n,omitempty"`
}

// CreateInvite stores a one-time invitation valid for ttl and returns its
// code, to be sent as a deep link (t.me/<bot>?start=<code>).
func (s *Store) CreateInvite(ctx context.Context, inv Invite, ttl time.Duration) (string, error) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	code := "v" + hex.EncodeToString(b[:])
	data, err := json.Marshal(inv)
	if err != nil {
		return "", fmt.Errorf("encode invite: %w", err)
	}
	if err := s.rdb.Set(ctx, s.key("inv:"+code), data, ttl).Err(); err != nil {
		return "", fmt.Errorf("save invite: %w", err)
	}
	return code, nil
}

// RedeemInvite consumes an invitation, once: a second use, even at the
// same instant, gets ErrBadInvite.
func (s *Store) RedeemInvite(ctx context.Context, code string) (Invite, error) {
	data, err := s.rdb.GetDel(ctx, s.key("inv:"+code)).Result()
	if errors.Is(err, redis.Nil) {
		return Invite{}, ErrBadInvite
	}
	if err != nil {
		return Invite{}, fmt.Errorf("redeem invite: %w", err)
	}
	var inv Invite
	if err := json.Unmarshal([]byte(data), &inv); err != nil {
		return Invite{}, ErrBadInvite
	}
	return inv, nil
}
