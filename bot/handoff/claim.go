package handoff

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// takeScript gives one waiting case to one volunteer, atomically: of two
// volunteers pressing /take at once, one gets the case and the other the
// next one. KEYS: owner, relay, lease, since, then the waiting queues of
// the volunteer's languages. ARGV: volunteer, wanted reference or "",
// lease deadline (ms), now (ms), TTL (ms).
var takeScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if cur then return {'busy', cur} end
local ref, key = nil, nil
if ARGV[2] ~= '' then
  for i = 5, #KEYS do
    if redis.call('ZSCORE', KEYS[i], ARGV[2]) then ref, key = ARGV[2], KEYS[i] break end
  end
  if not ref then return {'gone', ARGV[2]} end
else
  local best = nil
  for i = 5, #KEYS do
    local top = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    if top[1] and (best == nil or tonumber(top[2]) < best) then
      best, ref, key = tonumber(top[2]), top[1], KEYS[i]
    end
  end
  if not ref then return {'empty', ''} end
end
redis.call('ZREM', key, ref)
redis.call('HSET', KEYS[1], ref, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ref)
redis.call('ZADD', KEYS[3], ARGV[3], ref)
redis.call('HSETNX', KEYS[4], ref, ARGV[4])
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
return {'ok', ref}
`)

// Take gives the volunteer the most urgent, oldest case waiting in one of
// langs, or the case ref when it is given and waits in one of langs. The
// lease ends at leaseEnd unless the volunteer is active (Touch). It
// returns ErrBusy (with the held reference), ErrEmpty or ErrNoCase.
func (s *Store) Take(ctx context.Context, vol int64, langs []string, ref string, now, leaseEnd time.Time) (string, error) {
	keys := []string{s.key("owner"), s.key("relay"), s.key("lease"), s.key("since")}
	for _, l := range langs {
		keys = append(keys, s.waitKey(l))
	}
	if len(langs) == 0 {
		return "", ErrEmpty
	}
	res, err := takeScript.Run(ctx, s.rdb, keys, vol, ref, leaseEnd.UnixMilli(), now.UnixMilli(), keepFor.Milliseconds()).StringSlice()
	if err != nil {
		return "", fmt.Errorf("take case: %w", err)
	}
	switch res[0] {
	case "ok":
		return res[1], nil
	case "busy":
		return res[1], ErrBusy
	case "gone":
		return "", ErrNoCase
	}
	return "", ErrEmpty
}

// Touch extends the lease of the case a volunteer holds; a case already
// returned to the queue stays there.
func (s *Store) Touch(ctx context.Context, ref string, leaseEnd time.Time) error {
	return s.rdb.ZAddXX(ctx, s.key("lease"), redis.Z{Score: float64(leaseEnd.UnixMilli()), Member: ref}).Err()
}

// releaseScript puts a held case back in its queue at its old place.
// KEYS: owner, relay, lease, the case's waiting queue. ARGV: reference,
// required holder or "", priority, and for a lease expiry the current
// time (ms) the lease must have ended by, else "". Returns the holder.
var releaseScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v or (ARGV[2] ~= '' and v ~= ARGV[2]) then return '' end
if ARGV[4] ~= '' then
  local dl = redis.call('ZSCORE', KEYS[3], ARGV[1])
  if dl and tonumber(dl) > tonumber(ARGV[4]) then return '' end
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], v)
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
return v
`)

func (s *Store) release(ctx context.Context, c Case, vol string, expiredBy string) (int64, error) {
	keys := []string{s.key("owner"), s.key("relay"), s.key("lease"), s.waitKey(c.Lang)}
	v, err := releaseScript.Run(ctx, s.rdb, keys, c.Ref, vol, Priority(c), expiredBy).Text()
	if err != nil {
		return 0, fmt.Errorf("release case: %w", err)
	}
	if v == "" {
		return 0, ErrNotYours
	}
	return strconv.ParseInt(v, 10, 64)
}

// Release hands a case the volunteer holds back to the queue, at the
// place its urgency and age give it. It returns ErrNotYours otherwise.
func (s *Store) Release(ctx context.Context, vol int64, c Case) error {
	_, err := s.release(ctx, c, strconv.FormatInt(vol, 10), "")
	return err
}

// Expired is a case whose lease ended, back in the queue, and the
// volunteer who held it.
type Expired struct {
	Case      Case
	Volunteer int64
	// Lost: the case cannot be read (only Case.Ref is set); it is left
	// for the caller to discard.
	Lost bool
}

// ExpireLeases returns to the queue every taken case whose volunteer was
// inactive until its lease ended before now.
func (s *Store) ExpireLeases(ctx context.Context, now time.Time) ([]Expired, error) {
	ms := strconv.FormatInt(now.UnixMilli(), 10)
	refs, err := s.rdb.ZRangeByScore(ctx, s.key("lease"), &redis.ZRangeBy{Min: "-inf", Max: ms}).Result()
	if err != nil {
		return nil, fmt.Errorf("list leases: %w", err)
	}
	var out []Expired
	for _, ref := range refs {
		c, err := s.Get(ctx, ref)
		if errors.Is(err, ErrNoCase) {
			s.rdb.ZRem(ctx, s.key("lease"), ref)
			continue
		}
		if errors.Is(err, ErrUnreadable) {
			out = append(out, Expired{Case: Case{Ref: ref}, Lost: true})
			continue
		}
		if err != nil {
			return out, err
		}
		vol, err := s.release(ctx, c, "", ms)
		if errors.Is(err, ErrNotYours) {
			continue // touched or closed meanwhile
		}
		if err != nil {
			return out, err
		}
		out = append(out, Expired{Case: c, Volunteer: vol})
	}
	return out, nil
}

// closeScript removes a case and everything pointing at it, and records
// its outcome and timings. KEYS: case, bychat, owner, relay, lease, since,
// closed, the case's waiting queue, notified, told. ARGV: reference, chat,
// required holder or "", closed record or "", now (ms), retention (ms).
// Returns {1, holder}; {0, ""} when the case is gone; {-1, ""} when it
// is not the required holder's.
var closeScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[3], ARGV[1])
if ARGV[3] ~= '' and v ~= ARGV[3] then return {-1, ''} end
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return {0, ''} end
redis.call('HDEL', KEYS[2], ARGV[2])
if v then
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('HDEL', KEYS[4], v)
end
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('HDEL', KEYS[6], ARGV[1])
redis.call('ZREM', KEYS[8], ARGV[1])
redis.call('HDEL', KEYS[9], ARGV[1])
redis.call('HDEL', KEYS[10], ARGV[1])
if ARGV[4] ~= '' then
  redis.call('ZADD', KEYS[7], ARGV[5], ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', tonumber(ARGV[5]) - tonumber(ARGV[6]))
  redis.call('PEXPIRE', KEYS[7], ARGV[6])
end
return {1, v or ''}
`)

// Outcome is how a case ended.
type Outcome string

// Outcomes a volunteer can give with /done, and the person's own ends.
const (
	Solved    Outcome = "solved"
	Lawyer    Outcome = "lawyer"
	Referred  Outcome = "association"
	NoAnswer  Outcome = "no_answer"
	Other     Outcome = "other"
	Cancelled Outcome = "cancelled" // the person cancelled
)

// Outcomes lists the outcomes a volunteer may choose, in display order.
var Outcomes = []Outcome{Solved, Lawyer, Referred, NoAnswer, Other}

// ParseOutcome reads a volunteer's outcome, or false.
func ParseOutcome(s string) (Outcome, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, o := range Outcomes {
		if string(o) == s {
			return o, true
		}
	}
	return "", false
}

// Close ends a case. vol, when not 0, must be its holder (ErrNotYours
// otherwise). With keep, its language, outcome and timings are kept for
// statistics; nothing else about it remains. It returns the holder (0 if
// it was waiting), or ErrNoCase.
func (s *Store) Close(ctx context.Context, c Case, vol int64, o Outcome, keep bool, now time.Time) (int64, error) {
	keys := []string{
		s.key("case"), s.key("bychat"), s.key("owner"), s.key("relay"), s.key("lease"),
		s.key("since"), s.key("closed"), s.waitKey(c.Lang), s.key("notified"), s.key("told"),
	}
	since, err := s.rdb.HGet(ctx, s.key("since"), c.Ref).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("load timings: %w", err)
	}
	record := ""
	if keep {
		record = closedRecord(c, o, since, now)
	}
	want := ""
	if vol != 0 {
		want = strconv.FormatInt(vol, 10)
	}
	res, err := closeScript.Run(ctx, s.rdb, keys, c.Ref, c.Chat, want, record, now.UnixMilli(), s.Retention.Milliseconds()).Slice()
	if err != nil {
		return 0, fmt.Errorf("close case: %w", err)
	}
	switch code, _ := res[0].(int64); code {
	case -1:
		return 0, ErrNotYours
	case 0:
		return 0, ErrNoCase
	}
	holder, _ := res[1].(string)
	if holder == "" {
		return 0, nil
	}
	return strconv.ParseInt(holder, 10, 64)
}

// closedRecord is all that outlives a case: "ref|lang|outcome|wait|handling"
// (milliseconds; -1 when it was never taken). The reference only keeps
// records distinct; it leads nowhere once the case is gone.
func closedRecord(c Case, o Outcome, since int64, now time.Time) string {
	wait, handling := int64(-1), int64(-1)
	if since > 0 {
		wait, handling = since-c.Created, now.UnixMilli()-since
	}
	return strings.Join([]string{c.Ref, c.Lang, string(o),
		strconv.FormatInt(wait, 10), strconv.FormatInt(handling, 10)}, "|")
}
