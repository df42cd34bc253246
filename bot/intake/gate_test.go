package intake

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/redistest"
)

var quiet = slog.New(slog.DiscardHandler)

func gate(b redistest.Backend, opt Options) *Gate {
	opt.Prefix, opt.Logger = b.Prefix, quiet
	return New(b.Client, opt)
}

// An update handled once is dropped when delivered again, on any replica.
func TestDuplicateHandledOnce(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		var dups atomic.Int32
		a, c := gate(b, Options{Duplicate: func() { dups.Add(1) }}), gate(b, Options{})
		var calls atomic.Int32
		h := func(context.Context, bot.Update) error { calls.Add(1); return nil }
		u := bot.Update{ID: 77, ChatID: 5, Kind: bot.Message}
		for _, g := range []*Gate{a, a, c} {
			if err := g.Middleware(nil, h)(context.Background(), u); err != nil {
				t.Fatal(err)
			}
		}
		if calls.Load() != 1 || dups.Load() != 1 {
			t.Errorf("handled %d times (%d duplicates seen on replica a), want once", calls.Load(), dups.Load())
		}
	})
}

// An update that failed for a passing reason is handled again when
// redelivered; one that failed for good is not.
func TestFailedUpdates(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		g := gate(b, Options{})
		var calls atomic.Int32
		redisDown := &net0{}
		fail := func(err error) bot.Handler {
			return func(context.Context, bot.Update) error { calls.Add(1); return err }
		}
		u := bot.Update{ID: 1, ChatID: 9}
		if err := g.Middleware(nil, fail(redisDown))(context.Background(), u); !errors.Is(err, ErrRetry) {
			t.Fatalf("network failure: err = %v, want ErrRetry", err)
		}
		if err := g.Middleware(nil, fail(nil))(context.Background(), u); err != nil || calls.Load() != 2 {
			t.Fatalf("redelivery after a passing failure not handled: err=%v calls=%d", err, calls.Load())
		}
		u.ID = 2
		if err := g.Middleware(nil, fail(bot.ErrRejected))(context.Background(), u); err == nil || errors.Is(err, ErrRetry) {
			t.Fatalf("final failure: err = %v, want it without ErrRetry", err)
		}
		_ = g.Middleware(nil, fail(nil))(context.Background(), u)
		if calls.Load() != 3 {
			t.Errorf("an update that failed for good was handled again")
		}
	})
}

// net0 is a network error.
type net0 struct{}

func (net0) Error() string   { return "connection refused" }
func (net0) Timeout() bool   { return false }
func (net0) Temporary() bool { return false }

// Two replicas handling updates of the same chat never overlap, and
// other chats are not held up.
func TestChatHeldAcrossReplicas(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		replicas := []*Gate{gate(b, Options{}), gate(b, Options{})}
		var inChat atomic.Int32
		var overlap atomic.Bool
		var mu sync.Mutex
		handled := map[int64]int{}
		h := func(_ context.Context, u bot.Update) error {
			if u.ChatID == 1 {
				if inChat.Add(1) > 1 {
					overlap.Store(true)
				}
				time.Sleep(2 * time.Millisecond) // widen any race window
				inChat.Add(-1)
			}
			mu.Lock()
			handled[u.ChatID]++
			mu.Unlock()
			return nil
		}
		var wg sync.WaitGroup
		for i := range 40 {
			g := replicas[i%2]
			u := bot.Update{ID: int64(i + 1), ChatID: int64(1 + i%3/2)}
			wg.Go(func() {
				if err := g.Middleware(nil, h)(context.Background(), u); err != nil {
					t.Errorf("update %d: %v", u.ID, err)
				}
			})
		}
		wg.Wait()
		if overlap.Load() {
			t.Error("two replicas handled chat 1 at the same time")
		}
		if handled[1]+handled[2] != 40 {
			t.Errorf("handled %v, want 40 updates in all", handled)
		}
	})
}

// A replica that dies holding a chat holds it only until the lease ends;
// a live holder keeps it by renewing.
func TestLeaseOfADeadReplicaExpires(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		lease := 300 * time.Millisecond
		dead := gate(b, Options{Lease: lease})
		if _, _, err := dead.Hold(context.Background(), bot.Update{ID: 1, ChatID: 3}); err != nil {
			t.Fatal(err)
		}
		impatient := gate(b, Options{Lease: lease, Wait: 10 * time.Millisecond})
		if _, _, err := impatient.Hold(context.Background(), bot.Update{ID: 2, ChatID: 3}); !errors.Is(err, ErrBusy) {
			t.Fatalf("held chat: err = %v, want ErrBusy", err)
		}
		if b.Mini != nil {
			b.Mini.FastForward(lease)
		}
		patient := gate(b, Options{Lease: lease, Wait: 5 * time.Second})
		if _, _, err := patient.Hold(context.Background(), bot.Update{ID: 2, ChatID: 3}); err != nil {
			t.Fatalf("after the dead replica's lease: %v", err)
		}
	})
}

// A person who writes again clears the keys named in Clear.
func TestUpdateClearsKeys(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		mark := func(chat int64) string { return b.Prefix + "{c:" + "4" + "}:unreachable" }
		ctx := context.Background()
		b.Client.Set(ctx, mark(4), "1", time.Hour)
		g := gate(b, Options{Clear: []func(int64) string{mark}})
		_ = g.Middleware(nil, func(context.Context, bot.Update) error { return nil })(ctx, bot.Update{ID: 1, ChatID: 4})
		if err := b.Client.Get(ctx, mark(4)).Err(); !errors.Is(err, redis.Nil) {
			t.Errorf("mark still there after the person wrote: %v", err)
		}
	})
}

// What the gate keeps after an update does not name the chat, and Forget
// erases the chat's own keys, even while its update runs (/forget).
func TestForgetLeavesNothingNamingTheChat(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		mark := func(chat int64) string { return b.Prefix + "{c:" + strconv.FormatInt(chat, 10) + "}:unreachable" }
		g := gate(b, Options{Clear: []func(int64) string{mark}})
		h := func(ctx context.Context, u bot.Update) error {
			b.Client.Set(ctx, mark(u.ChatID), "1", time.Hour)
			_, err := g.Forget(ctx, u.ChatID)
			return err
		}
		if err := g.Middleware(nil, h)(ctx, bot.Update{ID: 31, ChatID: 424242}); err != nil {
			t.Fatal(err)
		}
		keys, _ := b.Keys(ctx, b.Prefix+"*")
		for _, k := range keys {
			if strings.Contains(k, "424242") {
				t.Errorf("after Forget, %s names the chat", k)
			}
		}
		if len(keys) != 1 {
			t.Errorf("keys %v, want only the update's handled mark", keys)
		}
	})
}

// Scripts go by SHA1; when Redis forgot them (restart, failover, SCRIPT
// FLUSH) the gate loads them again and the update goes through.
func TestGateSurvivesForgottenScripts(t *testing.T) {
	b := redistest.Mini(t)
	g := gate(b, Options{})
	var calls atomic.Int32
	h := g.Middleware(nil, func(context.Context, bot.Update) error { calls.Add(1); return nil })
	ctx := context.Background()
	if err := h(ctx, bot.Update{ID: 1, ChatID: 9, Kind: bot.Message}); err != nil {
		t.Fatal(err)
	}
	b.Mini.FlushAll() // drops the keys; then the scripts:
	if err := b.Client.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := h(ctx, bot.Update{ID: 2, ChatID: 9, Kind: bot.Message}); err != nil {
		t.Fatalf("after SCRIPT FLUSH: %v", err)
	}
	if calls.Load() != 2 {
		t.Errorf("handled %d updates, want 2", calls.Load())
	}
}
