package handoff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot/intake"
)

// Errors of the queue.
var (
	// ErrNoCase: the chat, the reference or the volunteer has no case.
	ErrNoCase = errors.New("no such case")
	// ErrBusy: the volunteer already holds a case.
	ErrBusy = errors.New("volunteer already holds a case")
	// ErrEmpty: no case is waiting in the volunteer's languages.
	ErrEmpty = errors.New("no case waiting")
	// ErrNotYours: the case is held by someone else, or by nobody.
	ErrNotYours = errors.New("case not held by this volunteer")
)

// keepFor is how long the queue's keys live without any write: a bot
// switched off for two months leaves nothing behind.
const keepFor = 60 * 24 * time.Hour

// Store is the handoff queue, the volunteers and their invitations in
// Redis. Every key carries the hash tag {q}. It is safe for concurrent
// use, by several replicas too: every change that must not race is one
// Lua script.
type Store struct {
	rdb redis.UniversalClient
	p   string
	// Retention is how long closed-case statistics are kept.
	Retention time.Duration
	// Sealer, when set, encrypts each case at rest: its summary and the
	// details the person typed are sensitive. The scripts never read a
	// case, so they work on sealed values alike.
	Sealer Sealer
}

// Sealer encrypts and decrypts values bound to a name (aad). Open must
// return a value that was never sealed as it is.
type Sealer interface {
	Seal(plain, aad []byte) []byte
	Open(data, aad []byte) ([]byte, error)
}

func (s *Store) encode(c Case) ([]byte, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode case: %w", err)
	}
	if s.Sealer == nil {
		return data, nil
	}
	return s.Sealer.Seal(data, []byte("case:"+c.Ref)), nil
}

func (s *Store) decode(ref string, data []byte) (Case, error) {
	if s.Sealer != nil {
		var err error
		if data, err = s.Sealer.Open(data, []byte("case:"+ref)); err != nil {
			return Case{}, fmt.Errorf("open case: %w: %w", ErrUnreadable, err)
		}
	}
	var c Case
	if err := json.Unmarshal(data, &c); err != nil {
		return Case{}, fmt.Errorf("decode case: %w: %w", ErrUnreadable, err)
	}
	return c, nil
}

// NewStore returns a Store whose keys all start with prefix.
func NewStore(rdb redis.UniversalClient, prefix string) *Store {
	return &Store{rdb: rdb, p: prefix + "{q}:", Retention: 90 * 24 * time.Hour}
}

func (s *Store) key(name string) string { return s.p + name }

func (s *Store) waitKey(lang string) string { return s.p + "wait:" + lang }

// Priority orders the queue: urgent cases first, then the oldest.
func Priority(c Case) float64 {
	rank := 1.0
	if c.Urgent {
		rank = 0
	}
	return rank*1e13 + float64(c.Created)
}

var openScript = redis.NewScript(`
local ex = redis.call('HGET', KEYS[2], ARGV[2])
if ex then return {0, ex} end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[3]) == 0 then return {-1, ''} end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
return {1, ARGV[1]}
`)

// Open puts a case in the queue. A person has one case at a time: when
// the chat already has one, Open returns its reference and false.
func (s *Store) Open(ctx context.Context, c Case) (ref string, created bool, err error) {
	data, err := s.encode(c)
	if err != nil {
		return "", false, err
	}
	keys := []string{s.key("case"), s.key("bychat"), s.waitKey(c.Lang)}
	res, err := openScript.Run(ctx, s.rdb, keys, c.Ref, c.Chat, data, Priority(c), keepFor.Milliseconds()).Slice()
	if err != nil {
		return "", false, fmt.Errorf("open case: %w", err)
	}
	code, _ := res[0].(int64)
	ref, _ = res[1].(string)
	switch code {
	case 1:
		return ref, true, nil
	case 0:
		return ref, false, nil
	}
	return "", false, errors.New("open case: reference already used")
}

// Get returns a case by reference, or ErrNoCase.
func (s *Store) Get(ctx context.Context, ref string) (Case, error) {
	data, err := s.rdb.HGet(ctx, s.key("case"), ref).Result()
	if errors.Is(err, redis.Nil) {
		return Case{}, ErrNoCase
	}
	if err != nil {
		return Case{}, fmt.Errorf("load case: %w", err)
	}
	return s.decode(ref, []byte(data))
}

// Route is where one chat stands in the handoff: the case it opened as a
// person, and the case it holds as a volunteer (either may be empty).
type Route struct {
	Own  string // reference of the chat's own case
	Held string // reference of the case the chat holds as a volunteer
	Dep  string // the chat's answer to the département question, if any
}

// RouteOf reads both mappings of a chat, and its answer to the
// département question, in one round trip; in none when the intake gate
// read them ahead for this update (taken once: a later call reads again).
func (s *Store) RouteOf(ctx context.Context, chat int64) (Route, error) {
	if un := intake.For(ctx, chat); un != nil {
		if r, ok := un.Get(routeKey(s.p)); ok {
			un.Forget(routeKey(s.p))
			return r.(Route), nil
		}
	}
	pipe := s.rdb.Pipeline()
	read := s.queueRoute(ctx, pipe, chat)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return Route{}, fmt.Errorf("load route: %w", err)
	}
	r, _ := read()
	return r, nil
}

// queueRoute puts the reads of a chat's route on pipe; read gives the
// route once it has run (false when a read failed).
func (s *Store) queueRoute(ctx context.Context, pipe redis.Pipeliner, chat int64) (read func() (Route, bool)) {
	id := strconv.FormatInt(chat, 10)
	own := pipe.HGet(ctx, s.key("bychat"), id)
	held := pipe.HGet(ctx, s.key("relay"), id)
	dep := pipe.Get(ctx, s.depKey(chat))
	return func() (Route, bool) {
		for _, c := range []*redis.StringCmd{own, held, dep} {
			if err := c.Err(); err != nil && !errors.Is(err, redis.Nil) {
				return Route{}, false
			}
		}
		return Route{Own: own.Val(), Held: held.Val(), Dep: dep.Val()}, true
	}
}

// routeKey names the chat's route in an intake Unit.
type routeKey string

// preloadRoute reads the chat's route in the intake gate's pipeline.
func (s *Store) preloadRoute(ctx context.Context, pipe redis.Pipeliner, chat int64) func(*intake.Unit, bool) {
	read := s.queueRoute(ctx, pipe, chat)
	return func(un *intake.Unit, held bool) {
		if r, ok := read(); ok && held {
			un.Put(routeKey(s.p), r)
		}
	}
}

// Holder returns the volunteer holding a case, or 0 when it waits.
func (s *Store) Holder(ctx context.Context, ref string) (int64, error) {
	v, err := s.rdb.HGet(ctx, s.key("owner"), ref).Result()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("load holder: %w", err)
	}
	return strconv.ParseInt(v, 10, 64)
}

var updateScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`)

// Update rewrites a case that still exists (details, notes); a closed
// case is not brought back. It returns ErrNoCase when it is gone.
func (s *Store) Update(ctx context.Context, c Case) error {
	data, err := s.encode(c)
	if err != nil {
		return err
	}
	n, err := updateScript.Run(ctx, s.rdb, []string{s.key("case")}, c.Ref, data).Int()
	if err != nil {
		return fmt.Errorf("update case: %w", err)
	}
	if n == 0 {
		return ErrNoCase
	}
	return nil
}

// Position returns the case's place in its language's queue (1 is next),
// or 0 when it is not waiting.
func (s *Store) Position(ctx context.Context, c Case) (int, error) {
	r, err := s.rdb.ZRank(ctx, s.waitKey(c.Lang), c.Ref).Result()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("queue position: %w", err)
	}
	return int(r) + 1, nil
}

// Waiting returns up to n waiting cases in the given languages, most
// urgent and oldest first.
func (s *Store) Waiting(ctx context.Context, langs []string, n int) ([]Case, error) {
	type item struct {
		ref   string
		score float64
	}
	var items []item
	for _, l := range langs {
		zs, err := s.rdb.ZRangeWithScores(ctx, s.waitKey(l), 0, int64(n-1)).Result()
		if err != nil {
			return nil, fmt.Errorf("list queue: %w", err)
		}
		for _, z := range zs {
			items = append(items, item{z.Member.(string), z.Score})
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].score < items[j].score })
	if len(items) > n {
		items = items[:n]
	}
	out := make([]Case, 0, len(items))
	for _, it := range items {
		c, err := s.Get(ctx, it.ref)
		if errors.Is(err, ErrNoCase) || errors.Is(err, ErrUnreadable) {
			continue // an unreadable case is never listed; the runner discards it
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
