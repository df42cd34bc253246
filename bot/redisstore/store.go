package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/intake"
	"github.com/anefbot/anefbot/flows"
)

// DefaultTTL is how long an idle session is kept: 90 days.
const DefaultTTL = 90 * 24 * time.Hour

// Codec turns a session into bytes and back. The default is JSON; an
// encrypting codec can wrap it.
type Codec interface {
	Encode(flows.Session) ([]byte, error)
	Decode([]byte) (flows.Session, error)
}

// JSON is the plain codec.
type JSON struct{}

// Encode implements Codec.
func (JSON) Encode(s flows.Session) ([]byte, error) {
	s.Version = 0 // kept in its own field
	return json.Marshal(s)
}

// Decode implements Codec.
func (JSON) Decode(b []byte) (flows.Session, error) {
	var s flows.Session
	err := json.Unmarshal(b, &s)
	return s, err
}

// Store implements bot.SessionStore. It is safe for concurrent use.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
	codec  Codec
}

// Option configures a Store.
type Option func(*Store)

// WithPrefix sets the key prefix (default "anef:"); tests use their own.
func WithPrefix(p string) Option { return func(s *Store) { s.prefix = p } }

// WithTTL sets how long an idle session lives (default DefaultTTL).
func WithTTL(d time.Duration) Option { return func(s *Store) { s.ttl = d } }

// WithCodec sets the session codec (default JSON).
func WithCodec(c Codec) Option { return func(s *Store) { s.codec = c } }

// New returns a Store over rdb.
func New(rdb redis.UniversalClient, opts ...Option) *Store {
	s := &Store{rdb: rdb, prefix: "anef:", ttl: DefaultTTL, codec: JSON{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Key returns the session key of a chat.
func (s *Store) Key(chatID int64) string {
	return s.prefix + "{c:" + strconv.FormatInt(chatID, 10) + "}:s"
}

// Load implements bot.SessionStore: one HMGET, or none when the update's
// intake Unit read the session already (Preload).
func (s *Store) Load(ctx context.Context, chatID int64) (flows.Session, error) {
	key := s.Key(chatID)
	if un := intake.For(ctx, chatID); un != nil {
		if m, ok := un.Get(memoKey(key)); ok {
			return m.(memo).sess, nil
		}
	}
	vals, err := s.rdb.HMGet(ctx, key, "v", "d").Result()
	if err != nil {
		return flows.Session{}, err
	}
	return s.parse(vals)
}

// parse reads HMGET's answer: version, then data.
func (s *Store) parse(vals []any) (flows.Session, error) {
	vs, _ := vals[0].(string)
	ds, _ := vals[1].(string)
	if vs == "" || ds == "" {
		return flows.Session{}, nil
	}
	v, err := strconv.ParseInt(vs, 10, 64)
	if err != nil {
		return flows.Session{}, fmt.Errorf("session version %q: %w", vs, err)
	}
	sess, err := s.codec.Decode([]byte(ds))
	if err != nil {
		// A session that cannot be read is replaced by a fresh one rather
		// than leaving the person stuck, marked Lost so that they are
		// told; the version is kept so the next save still goes through
		// the compare-and-swap (and makes the session readable again).
		return flows.Session{Version: v, Lost: true}, nil
	}
	sess.Version = v
	return sess, nil
}

// memoKey names a session in an intake Unit; memo is what it keeps: the
// session as the update sees it, and the version Redis holds, which the
// deferred write expects.
type memoKey string

type memo struct {
	sess flows.Session
	base int64
}

// Preload reads the chat's session in the round trip that takes the chat
// (an intake.Preload), so that Load costs nothing during the update.
// Callers must treat a loaded session as read-only (the engine steps on a
// copy).
func (s *Store) Preload(ctx context.Context, pipe redis.Pipeliner, u bot.Update) func(*intake.Unit, bool) {
	key := s.Key(u.ChatID)
	cmd := pipe.HMGet(ctx, key, "v", "d")
	return func(un *intake.Unit, held bool) {
		if !held || cmd.Err() != nil {
			return
		}
		sess, err := s.parse(cmd.Val())
		if err != nil {
			return // Load reads it again, and says what is wrong
		}
		un.Put(memoKey(key), memo{sess: sess, base: sess.Version})
	}
}

// Scripts are the scripts the store sends by SHA1 in the gate's pipeline.
func (s *Store) Scripts() []*redis.Script { return []*redis.Script{saveScript} }

// saveScript writes the session only if its version is unchanged.
// KEYS[1] session key; ARGV[1] expected version, ARGV[2] data, ARGV[3] TTL
// in milliseconds. Returns the new version, or -1 on conflict.
var saveScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'v')
if not cur then cur = '0' end
if cur ~= ARGV[1] then return -1 end
local nv = tonumber(cur) + 1
redis.call('HSET', KEYS[1], 'v', nv, 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return nv
`)

// Save implements bot.SessionStore: one EVALSHA; within an intake Unit
// that preloaded the session, none: the compare-and-swap is held back to
// the end of the update and sent with its "handled" mark. Until then the
// Unit answers Load with the saved session.
func (s *Store) Save(ctx context.Context, chatID int64, sess flows.Session) (int64, error) {
	data, err := s.codec.Encode(sess)
	if err != nil {
		return 0, fmt.Errorf("encode session: %w", err)
	}
	key := s.Key(chatID)
	if un := intake.For(ctx, chatID); un != nil {
		if m, ok := un.Get(memoKey(key)); ok {
			return s.saveLater(un, key, m.(memo), sess, data)
		}
	}
	args := []any{strconv.FormatInt(sess.Version, 10), data, s.ttl.Milliseconds()}
	v, err := saveScript.Run(ctx, s.rdb, []string{key}, args...).Int64()
	if err != nil {
		return 0, err
	}
	if v < 0 {
		return 0, bot.ErrConflict
	}
	return v, nil
}

// saveLater defers the compare-and-swap of sess to the end of the update.
// However often the update saves, Redis gets the last state once, with
// the version it held at the start, and ends one version further.
func (s *Store) saveLater(un *intake.Unit, key string, m memo, sess flows.Session, data []byte) (int64, error) {
	if sess.Version != m.sess.Version {
		return 0, bot.ErrConflict
	}
	sess.Version = m.base + 1
	un.Put(memoKey(key), memo{sess: sess, base: m.base})
	args := []any{strconv.FormatInt(m.base, 10), data, s.ttl.Milliseconds()}
	un.Defer(memoKey(key), func(ctx context.Context, pipe redis.Pipeliner) func() error {
		cmd := saveScript.EvalSha(ctx, pipe, []string{key}, args...)
		return func() error {
			v, err := cmd.Int64()
			switch {
			case err != nil:
				return fmt.Errorf("save session: %w", err)
			case v < 0:
				return fmt.Errorf("save session: %w", bot.ErrConflict)
			}
			return nil
		}
	})
	return sess.Version, nil
}

// Delete erases a chat's session (and forgets any save held back).
func (s *Store) Delete(ctx context.Context, chatID int64) error {
	_, err := s.Erase(ctx, chatID)
	return err
}

// Erase is Delete, and reports whether there was a session (/forget says
// so).
func (s *Store) Erase(ctx context.Context, chatID int64) (bool, error) {
	key := s.Key(chatID)
	if un := intake.For(ctx, chatID); un != nil {
		un.Forget(memoKey(key))
	}
	n, err := s.rdb.Del(ctx, key).Result()
	return n > 0, err
}

// ErrUnavailable wraps a Redis that does not answer a ping.
var ErrUnavailable = errors.New("redis unavailable")

// Ping checks that Redis answers.
func Ping(ctx context.Context, rdb redis.UniversalClient) error {
	if err := rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return nil
}
