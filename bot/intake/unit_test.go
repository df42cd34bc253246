package intake

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/redistest"
)

// counter is a feature that reads a chat's key ahead and writes it back,
// incremented, at the end of the update: the shape of the session store.
type counter struct {
	prefix string
	loads  int // reads that went to Redis during the update
}

type counterKey string

func (c *counter) key(chat int64) string { return c.prefix + "{c:" + string(rune('0'+chat)) + "}:n" }

func (c *counter) preload(ctx context.Context, pipe redis.Pipeliner, u bot.Update) func(*Unit, bool) {
	cmd := pipe.Get(ctx, c.key(u.ChatID))
	return func(un *Unit, held bool) {
		if n, err := cmd.Int(); held && (err == nil || errors.Is(err, redis.Nil)) {
			un.Put(counterKey(c.key(u.ChatID)), n)
		}
	}
}

func (c *counter) load(ctx context.Context, rdb redis.UniversalClient, chat int64) int {
	if un := For(ctx, chat); un != nil {
		if n, ok := un.Get(counterKey(c.key(chat))); ok {
			return n.(int)
		}
	}
	c.loads++
	n, _ := rdb.Get(ctx, c.key(chat)).Int()
	return n
}

func (c *counter) saveLater(ctx context.Context, chat int64, n int) {
	un := For(ctx, chat)
	un.Put(counterKey(c.key(chat)), n)
	un.Defer(counterKey(c.key(chat)), func(ctx context.Context, pipe redis.Pipeliner) func() error {
		cmd := pipe.Set(ctx, c.key(chat), n, 0)
		return cmd.Err
	})
}

// A feature's reads ride in the round trip that takes the chat, and its
// held-back write goes out with the "handled" mark: after the update the
// value is written once, and during it the feature sees its own write.
func TestUnitReadsAheadAndWritesAtTheEnd(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		c := &counter{prefix: b.Prefix}
		g := gate(b, Options{})
		g.Add(c.preload)
		var during []int
		h := g.Middleware(nil, func(ctx context.Context, u bot.Update) error {
			n := c.load(ctx, b.Client, u.ChatID)
			c.saveLater(ctx, u.ChatID, n+1)
			c.saveLater(ctx, u.ChatID, n+2) // the last state wins
			during = append(during, c.load(ctx, b.Client, u.ChatID))
			if got, _ := b.Client.Get(ctx, c.key(u.ChatID)).Int(); got != n {
				t.Errorf("written before the update ended: %d", got)
			}
			return nil
		})
		for id := int64(1); id <= 3; id++ {
			if err := h(ctx, bot.Update{ID: id, ChatID: 2}); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := b.Client.Get(ctx, c.key(2)).Int(); got != 6 {
			t.Errorf("after three updates the value is %d, want 6", got)
		}
		if c.loads != 0 || len(during) != 3 || during[2] != 6 {
			t.Errorf("reads to Redis during updates: %d (want 0); seen during: %v", c.loads, during)
		}
	})
}

// An update that fails for a passing reason writes nothing it held back:
// delivered again, it starts from the same state. One that fails for good
// is marked handled, with its writes.
func TestUnitWritesOnlyWithTheMark(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		c := &counter{prefix: b.Prefix}
		g := gate(b, Options{})
		g.Add(c.preload)
		fail := func(err error) bot.Handler {
			return g.Middleware(nil, func(ctx context.Context, u bot.Update) error {
				c.saveLater(ctx, u.ChatID, c.load(ctx, b.Client, u.ChatID)+1)
				return err
			})
		}
		u := bot.Update{ID: 10, ChatID: 3}
		if err := fail(net0{})(ctx, u); !errors.Is(err, ErrRetry) {
			t.Fatalf("err = %v, want ErrRetry", err)
		}
		if n, _ := b.Client.Get(ctx, c.key(3)).Int(); n != 0 {
			t.Errorf("a failed update wrote %d", n)
		}
		if err := fail(bot.ErrRejected)(ctx, u); err == nil {
			t.Fatal("final failure lost")
		}
		if n, _ := b.Client.Get(ctx, c.key(3)).Int(); n != 1 {
			t.Errorf("after the redelivery failed for good: %d, want 1 (its state kept with its mark)", n)
		}
		if err := fail(nil)(ctx, u); err != nil {
			t.Fatal(err)
		}
		if n, _ := b.Client.Get(ctx, c.key(3)).Int(); n != 1 {
			t.Errorf("a handled update ran again: %d", n)
		}
	})
}

// A held-back write that fails its check is reported; another chat's
// storage is never held back.
func TestUnitCoversItsOwnChat(t *testing.T) {
	b := redistest.Mini(t)
	var logs strings.Builder
	g := New(b.Client, Options{Prefix: b.Prefix, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	var other *Unit
	h := g.Middleware(nil, func(ctx context.Context, u bot.Update) error {
		other = For(ctx, u.ChatID+1)
		For(ctx, u.ChatID).Defer("k", func(ctx context.Context, pipe redis.Pipeliner) func() error {
			pipe.Set(ctx, b.Prefix+"{c:4}:k", 1, 0)
			return func() error { return bot.ErrConflict }
		})
		return nil
	})
	if err := h(context.Background(), bot.Update{ID: 1, ChatID: 4}); err != nil {
		t.Fatal(err) // the update itself went through; the conflict is logged
	}
	if other != nil {
		t.Error("a Unit covers another chat")
	}
	if !strings.Contains(logs.String(), "session changed concurrently") {
		t.Errorf("the failed write was not reported: %q", logs.String())
	}
}

// A feature's script forgotten by Redis is loaded again with the gate's.
func TestPreloadScriptsSurviveFlush(t *testing.T) {
	b := redistest.Mini(t)
	ctx := context.Background()
	incr := redis.NewScript(`return redis.call('INCR', KEYS[1])`)
	g := gate(b, Options{})
	var got []int64
	g.Add(func(ctx context.Context, pipe redis.Pipeliner, u bot.Update) func(*Unit, bool) {
		cmd := incr.EvalSha(ctx, pipe, []string{b.Prefix + "{c:5}:n"})
		return func(*Unit, bool) { got = append(got, cmd.Val().(int64)) }
	}, incr)
	h := g.Middleware(nil, func(context.Context, bot.Update) error { return nil })
	for id := int64(1); id <= 2; id++ {
		if err := b.Client.ScriptFlush(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		if err := h(ctx, bot.Update{ID: id, ChatID: 5}); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 2 || got[1] != 2 {
		t.Errorf("counts %v, want [1 2]: each update counted once", got)
	}
}
