package letters

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot/intake"
)

// DefaultDraftTTL is how long a letter being prepared is kept without
// activity: long enough to find a document, short enough that what was
// typed does not linger.
const DefaultDraftTTL = 30 * time.Minute

// Draft is a letter being prepared: which letter, the answers given so far
// and where the conversation stands. It holds personal data: it lives in
// Redis with a short expiry and is deleted once the letter is produced.
type Draft struct {
	// Letter is the letter's ID; empty while the person chooses among
	// Offer.
	Letter string   `json:"l,omitempty"`
	Offer  []string `json:"o,omitempty"`
	Lang   string   `json:"g,omitempty"`
	// Situation is flows.KeySituation's value when the letter was offered.
	Situation string `json:"t,omitempty"`
	// Seq changes whenever the buttons on screen change meaning.
	Seq int `json:"q"`
	// Values maps a field key to its answer; "" is a skipped field.
	Values map[string]string `json:"v,omitempty"`
	// Asked lists the fields answered in the conversation, in order, for
	// Back (values that came from the session are not in it).
	Asked []string `json:"a,omitempty"`
	// Mode is "" while a letter is prepared, modeSent while the person
	// records that they sent it (sent.go).
	Mode string `json:"m,omitempty"`
}

// LogValue keeps the answers out of logs.
func (d Draft) LogValue() slog.Value { return slog.GroupValue(slog.String("letter", d.Letter)) }

// Sealer encrypts a draft at rest (bot/crypt's Keyring is one); aad binds
// the sealed value to its key. Open returns unsealed data as it is.
type Sealer interface {
	Seal(plain, aad []byte) []byte
	Open(data, aad []byte) ([]byte, error)
}

// Store keeps one draft per chat in Redis under the chat's hash tag, so a
// chat's keys stay in one Cluster slot. It is safe for concurrent use.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
	sealer Sealer
}

// NewStore returns a Store; prefix starts every key (REDIS_PREFIX).
// sealer, when not nil, encrypts the drafts: they hold a name, an address
// and a numéro étranger.
func NewStore(rdb redis.UniversalClient, prefix string, ttl time.Duration, sealer Sealer) *Store {
	if ttl <= 0 {
		ttl = DefaultDraftTTL
	}
	return &Store{rdb: rdb, prefix: prefix, ttl: ttl, sealer: sealer}
}

// Key returns the draft key of a chat.
func (s *Store) Key(chatID int64) string {
	return s.prefix + "{c:" + strconv.FormatInt(chatID, 10) + "}:letter"
}

// Load returns the chat's draft; ok is false when there is none (never
// started, produced, cancelled or expired). A draft the intake gate read
// ahead for this update is taken from its Unit, once: a second Load reads
// Redis, where the update's own saves went.
//
// A draft that cannot be opened (sealed with a key no longer configured)
// is deleted and reported once, as ErrDraftLost: the person is told and
// starts the letter again; the next Load finds no draft.
func (s *Store) Load(ctx context.Context, chatID int64) (d Draft, ok bool, err error) {
	key := s.Key(chatID)
	if un := intake.For(ctx, chatID); un != nil {
		if m, found := un.Get(draftKey(key)); found {
			un.Forget(draftKey(key))
			if m.(draftMemo).lost {
				return Draft{}, false, s.drop(ctx, key)
			}
			return m.(draftMemo).d, m.(draftMemo).ok, nil
		}
	}
	data, err := s.rdb.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return Draft{}, false, nil
	}
	if err != nil {
		return Draft{}, false, fmt.Errorf("load letter draft: %w", err)
	}
	d, ok, lost := s.decode(key, data)
	if lost {
		return Draft{}, false, s.drop(ctx, key)
	}
	return d, ok, nil
}

// ErrDraftLost is returned, once, for a draft that could not be opened.
var ErrDraftLost = errors.New("letter draft unreadable")

// drop deletes an unreadable draft and returns ErrDraftLost.
func (s *Store) drop(ctx context.Context, key string) error {
	if err := s.rdb.Del(ctx, key).Err(); err != nil {
		return fmt.Errorf("delete unreadable letter draft: %w", err)
	}
	return ErrDraftLost
}

// decode opens and reads a stored draft; ok is false when it cannot be
// read, lost when that is because it cannot be opened.
func (s *Store) decode(key string, data []byte) (d Draft, ok, lost bool) {
	if s.sealer != nil {
		var err error
		if data, err = s.sealer.Open(data, []byte(key)); err != nil {
			// Sealed with a key no longer configured: the draft is lost.
			return Draft{}, false, true
		}
	}
	if err := json.Unmarshal(data, &d); err != nil {
		// A draft written by an incompatible version: start again.
		return Draft{}, false, false
	}
	return d, true, false
}

// draftKey names a chat's draft in an intake Unit; draftMemo is what it
// keeps.
type draftKey string

type draftMemo struct {
	d      Draft
	ok     bool // d was read
	exists bool // a draft is stored, readable or not
	lost   bool // it is stored but cannot be opened
}

// preload reads the chat's draft in the intake gate's pipeline.
func (s *Store) preload(ctx context.Context, pipe redis.Pipeliner, chatID int64) func(*intake.Unit, bool) {
	key := s.Key(chatID)
	cmd := pipe.Get(ctx, key)
	return func(un *intake.Unit, held bool) {
		data, err := cmd.Bytes()
		switch {
		case !held:
		case errors.Is(err, redis.Nil):
			un.Put(draftKey(key), draftMemo{})
		case err == nil:
			d, ok, lost := s.decode(key, data)
			un.Put(draftKey(key), draftMemo{d: d, ok: ok, exists: true, lost: lost})
		}
	}
}

// Save stores the draft and restarts its expiry.
func (s *Store) Save(ctx context.Context, chatID int64, d Draft) error {
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode letter draft: %w", err)
	}
	key := s.Key(chatID)
	if un := intake.For(ctx, chatID); un != nil {
		un.Forget(draftKey(key))
	}
	if s.sealer != nil {
		data = s.sealer.Seal(data, []byte(key))
	}
	if err := s.rdb.Set(ctx, key, data, s.ttl).Err(); err != nil {
		return fmt.Errorf("save letter draft: %w", err)
	}
	return nil
}

// Delete removes the chat's draft and reports whether there was one.
// Without a draft, as read ahead for this update, it costs nothing: only
// the chat's own updates write its draft, and the chat is held.
func (s *Store) Delete(ctx context.Context, chatID int64) (bool, error) {
	if un := intake.For(ctx, chatID); un != nil {
		m, read := un.Get(draftKey(s.Key(chatID)))
		un.Forget(draftKey(s.Key(chatID)))
		if read && !m.(draftMemo).exists {
			return false, nil
		}
	}
	n, err := s.rdb.Del(ctx, s.Key(chatID)).Result()
	if err != nil {
		return false, fmt.Errorf("delete letter draft: %w", err)
	}
	return n > 0, nil
}
