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

// Mark records the chat as unreachable.
func (b *Book) Mark(ctx context.Context, chatID int64) error {
	if err := b.rdb.Set(ctx, b.Key(chatID), "1", b.ttl).Err(); err != nil {
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
