package outbox

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
)

func TestBook(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		book := NewBook(b.Client, b.Prefix, time.Hour)
		if gone, err := book.Unreachable(ctx, 42); err != nil || gone {
			t.Fatalf("new chat: gone=%v err=%v, want reachable", gone, err)
		}
		if err := book.Mark(ctx, 42); err != nil {
			t.Fatal(err)
		}
		if gone, _ := book.Unreachable(ctx, 42); !gone {
			t.Error("marked chat reads as reachable")
		}
		if gone, _ := book.Unreachable(ctx, 43); gone {
			t.Error("another chat reads as unreachable")
		}
		if ttl := b.Client.TTL(ctx, book.Key(42)).Val(); ttl <= 0 || ttl > time.Hour {
			t.Errorf("mark TTL %v, want at most 1h", ttl)
		}
		if had, err := book.Clear(ctx, 42); err != nil || !had {
			t.Fatalf("clear: had=%v err=%v", had, err)
		}
		if gone, _ := book.Unreachable(ctx, 42); gone {
			t.Error("cleared chat still unreachable")
		}
	})
}

// With an anchor (the person's session), a chat is marked only while the
// person has one: after /forget, a 403 writes nothing about them.
func TestBookAnchor(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		book := NewBook(b.Client, b.Prefix, time.Hour)
		book.Anchor = func(chat int64) string { return b.Prefix + "{c:" + strconv.FormatInt(chat, 10) + "}:s" }
		if err := book.Mark(ctx, 42); err != nil {
			t.Fatal(err)
		}
		if n := b.Client.Exists(ctx, book.Key(42)).Val(); n != 0 {
			t.Fatal("a chat without a session was marked")
		}
		b.Client.HSet(ctx, book.Anchor(42), "v", 1)
		if err := book.Mark(ctx, 42); err != nil {
			t.Fatal(err)
		}
		if gone, _ := book.Unreachable(ctx, 42); !gone {
			t.Error("a chat with a session was not marked")
		}
	})
}
