package outbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Book records chats Telegram said are unreachable (the person blocked
// the bot, or the chat is gone), so reminders and broadcasts stop going
// to them. The mark is cleared when the person writes again (the intake
// deletes Key in the same round trip as its de-duplication).
type Book struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
	// Anchor, when set, names the key whose presence means the bot keeps
	// something about the person (their session, under the same hash
	// tag): a chat without it is not marked. So a 403 that comes back
	// after /forget erased everything writes nothing about the person.
	Anchor func(chatID int64) string
}

// NewBook returns a Book keeping marks for ttl (a mark older than that is
// forgotten, like the person's session).
func NewBook(rdb redis.UniversalClient, prefix string, ttl time.Duration) *Book {
	return &Book{rdb: rdb, prefix: prefix, ttl: ttl}
}

// Key is the chat's mark; it carries the chat's hash tag.
func (b *Book) Key(chatID int64) string {
	return b.prefix + "{c:" + strconv.FormatInt(chatID, 10) + "}:unreachable"
}

// markScript sets the mark only while the anchor key exists.
// KEYS[1] mark, KEYS[2] anchor; ARGV[1] TTL in ms.
var markScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1`)

// Mark records the chat as unreachable; with an Anchor, only while the
// person's anchor key exists.
func (b *Book) Mark(ctx context.Context, chatID int64) error {
	var err error
	if b.Anchor != nil {
		err = markScript.Run(ctx, b.rdb, []string{b.Key(chatID), b.Anchor(chatID)}, b.ttl.Milliseconds()).Err()
	} else {
		err = b.rdb.Set(ctx, b.Key(chatID), "1", b.ttl).Err()
	}
	if err != nil {
		return fmt.Errorf("mark unreachable: %w", err)
	}
	return nil
}

// Unreachable reports whether the chat is marked; false when it is not.
// Safe for concurrent use.
func (b *Book) Unreachable(ctx context.Context, chatID int64) (bool, error) {
	err := b.rdb.Get(ctx, b.Key(chatID)).Err()
	switch {
	case errors.Is(err, redis.Nil):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("read unreachable mark: %w", err)
	}
	return true, nil
}

// Clear removes the mark, and reports whether there was one.
func (b *Book) Clear(ctx context.Context, chatID int64) (bool, error) {
	n, err := b.rdb.Del(ctx, b.Key(chatID)).Result()
	if err != nil {
		return false, fmt.Errorf("clear unreachable mark: %w", err)
	}
	return n > 0, nil
}
