package intake

import (
	"context"
	"errors"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/redistest"
)

// quick are an inbox's pauses for tests.
var quick = InboxOptions{MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, Sweep: 20 * time.Millisecond}

// handled records what a handler saw, per chat, in order.
type handled struct {
	mu   sync.Mutex
	seen map[int64][]int64
}

func (h *handled) add(u bot.Update) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.seen == nil {
		h.seen = map[int64][]int64{}
	}
	h.seen[u.ChatID] = append(h.seen[u.ChatID], u.ID)
}

func (h *handled) of(chat int64) []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.seen[chat])
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 10s: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func closeInbox(t *testing.T, in *Inbox) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := in.Close(ctx); err != nil {
		t.Errorf("close inbox: %v", err)
	}
}

// Updates are handled per chat in the order admitted, each once however
// often it is admitted, while a chat whose handler is stuck holds up
// only itself.
func TestInboxOrdersEachChatAndIsolatesThem(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		var got handled
		stuck := make(chan struct{})
		in := NewInbox(gate(b, Options{}), func(_ context.Context, u bot.Update) error {
			if u.ChatID == 1 && u.ID == 100 {
				<-stuck
			}
			got.add(u)
			return nil
		}, quick)
		ctx := context.Background()
		admit := func(chat, id int64) {
			if err := in.Admit(ctx, bot.Update{ID: id, ChatID: chat, Kind: bot.Message}); err != nil {
				t.Fatalf("admit %d: %v", id, err)
			}
		}
		admit(1, 100) // its handler is stuck
		for id := int64(1); id <= 5; id++ {
			admit(1, 100+id)
			admit(2, 200+id)
			admit(2, 200+id) // delivered twice
		}
		waitUntil(t, "chat 2 handled while chat 1 is stuck", func() bool { return len(got.of(2)) == 5 })
		if h := got.of(1); len(h) != 0 {
			t.Fatalf("chat 1 went on past its stuck update: %v", h)
		}
		close(stuck)
		waitUntil(t, "chat 1 handled", func() bool { return len(got.of(1)) == 6 })
		closeInbox(t, in)
		if want := []int64{100, 101, 102, 103, 104, 105}; !slices.Equal(got.of(1), want) {
			t.Errorf("chat 1: %v, want %v", got.of(1), want)
		}
		if want := []int64{201, 202, 203, 204, 205}; !slices.Equal(got.of(2), want) {
			t.Errorf("chat 2: %v, want %v (each once)", got.of(2), want)
		}
		if in.Len() != 0 {
			t.Errorf("%d updates still counted as waiting", in.Len())
		}
	})
}

// An update that fails for a passing reason is tried again, as often as
// it takes, before the next one of its chat; its held-back writes are
// written only once it succeeds. A final failure is not retried.
func TestInboxRetriesPassingFailures(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		var got handled
		var mu sync.Mutex
		tries := map[int64]int{}
		c := &counter{prefix: b.Prefix}
		g := gate(b, Options{})
		g.Add(c.preload)
		in := NewInbox(g, func(ctx context.Context, u bot.Update) error {
			mu.Lock()
			tries[u.ID]++
			n := tries[u.ID]
			mu.Unlock()
			c.saveLater(ctx, u.ChatID, int(u.ID))
			switch {
			case u.ID == 1 && n <= 12: // longer than any give-up
				return &bot.RetryError{Err: errors.New("bot api down")}
			case u.ID == 2 && n <= 3:
				return &net.OpError{Op: "dial", Err: errors.New("connection refused")}
			case u.ID == 3:
				return errors.New("poisoned")
			}
			got.add(u)
			return nil
		}, quick)
		for id := int64(1); id <= 4; id++ {
			if err := in.Admit(context.Background(), bot.Update{ID: id, ChatID: 3, Kind: bot.Message}); err != nil {
				t.Fatal(err)
			}
		}
		waitUntil(t, "all handled", func() bool { return len(got.of(3)) == 3 })
		closeInbox(t, in)
		if want := []int64{1, 2, 4}; !slices.Equal(got.of(3), want) {
			t.Errorf("handled %v, want %v", got.of(3), want)
		}
		mu.Lock()
		defer mu.Unlock()
		if tries[1] != 13 || tries[2] != 4 || tries[3] != 1 {
			t.Errorf("tries %v, want 13, 4, 1", tries)
		}
		if n, _ := b.Client.Get(context.Background(), c.key(3)).Int(); n != 4 {
			t.Errorf("stored %d, want the last update's write", n)
		}
	})
}

// Updates a process admitted but did not handle (it stopped, or died and
// its lease ended) are handled by the next process, found by its sweep
// though nobody writes to their chat again.
func TestInboxLeftBehindIsPickedUp(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		down := errors.New("bot api down")
		first := NewInbox(gate(b, Options{}), func(context.Context, bot.Update) error {
			return &bot.RetryError{Err: down}
		}, quick)
		for id := int64(7); id <= 9; id++ {
			if err := first.Admit(context.Background(), bot.Update{ID: id, ChatID: 4, Kind: bot.Message}); err != nil {
				t.Fatal(err)
			}
		}
		closeInbox(t, first)
		var got handled
		second := NewInbox(gate(b, Options{}), func(_ context.Context, u bot.Update) error { got.add(u); return nil }, quick)
		waitUntil(t, "the inbox picked up", func() bool { return len(got.of(4)) == 3 })
		waitUntil(t, "the chat dropped from the index", func() bool {
			n, err := b.Client.ZCard(context.Background(), gate(b, Options{}).pendingKey()).Result()
			return err == nil && n == 0
		})
		closeInbox(t, second)
		if want := []int64{7, 8, 9}; !slices.Equal(got.of(4), want) {
			t.Errorf("handled %v, want %v", got.of(4), want)
		}
	})
}

// An update's entry keeps what the bot reads of it, a webhook's inline
// acknowledgement included.
func TestInboxEntryRoundTrip(t *testing.T) {
	u := bot.Update{ID: 9, Kind: bot.Callback, ChatID: -5, Private: true, UserID: 5, LangCode: "pt-br",
		Data: "c:1:x", CallbackID: "cb", Inline: &bot.InlineAck{}}
	u.Inline.Take("cb")
	s, err := encode(u)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decode(s)
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := got.Inline.Taken(); !ok || id != "cb" {
		t.Errorf("acknowledgement lost: %+v", got.Inline)
	}
	got.Inline, u.Inline = nil, nil
	if got != u {
		t.Errorf("decode(encode(u)) = %+v, want %+v", got, u)
	}
	m := bot.Update{ID: 10, Kind: bot.Unsupported, ChatID: 5, Forwarded: true, Edited: false, Text: "x"}
	s, _ = encode(m)
	if got, _ := decode(s); got != m {
		t.Errorf("decode(encode(m)) = %+v, want %+v", got, m)
	}
}
