package bot_test

// The whole update path (intake, session load, engine step, compare-and-
// swap save, rendering, send) against miniredis and the real Redis of
// REDIS_URL, with every Redis round trip counted by a go-redis hook.
// Target (docs/performance.md): at most 2 round trips for a plain step.
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test -run RoundTrips -bench Update -benchmem ./bot/

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/bottest"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

// roundTrips counts the requests a client makes: one per command, one per
// pipeline (a pipeline is one round trip).
type roundTrips struct{ n atomic.Int64 }

// hook counts every round trip of the client it is added to.
func (h *roundTrips) hook() redistest.Trips {
	return redistest.Trips{Trip: func(context.Context, []redis.Cmder) { h.n.Add(1) }}
}

// lastKeyboard is a Sender that keeps the latest keyboard sent, so a
// person can press its buttons.
type lastKeyboard struct {
	mu      sync.Mutex
	buttons [][]bot.Button
	sent    int
}

func (s *lastKeyboard) Send(_ context.Context, m bot.Out) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent++
	if len(m.Buttons) > 0 {
		s.buttons = m.Buttons
	}
	return nil
}

func (s *lastKeyboard) Ack(context.Context, string) error { return nil }

// has reports whether the latest keyboard has a button for option.
func (s *lastKeyboard) has(option string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, row := range s.buttons {
		for _, b := range row {
			if strings.HasSuffix(b.Data, ":"+option) {
				return true
			}
		}
	}
	return false
}

// data returns the data of the latest keyboard's button for option.
func (s *lastKeyboard) data(tb testing.TB, option string) string {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, row := range s.buttons {
		for _, b := range row {
			if strings.HasSuffix(b.Data, ":"+option) {
				return b.Data
			}
		}
	}
	tb.Fatalf("no button %q in %+v", option, s.buttons)
	return ""
}

type pathEnv struct {
	bot    *bot.Bot
	sender *lastKeyboard
	trips  *roundTrips
	store  *redisstore.Store
}

var pathNow = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

func newPathEnv(tb testing.TB, be redistest.Backend) pathEnv {
	tb.Helper()
	c, g, langs := bottest.Parts(tb)
	env := pathEnv{sender: &lastKeyboard{}, trips: &roundTrips{}}
	be.Client.AddHook(env.trips.hook())
	// Short-lived keys: nothing a benchmark writes outlives it for long.
	env.store = redisstore.New(be.Client, redisstore.WithPrefix(be.Prefix), redisstore.WithTTL(10*time.Minute))
	var err error
	env.bot, err = bot.New(bot.Config{
		Engine:  flows.NewEngine(g, flows.Options{Languages: langs, RetentionDays: 90}),
		Store:   env.store,
		Catalog: c,
		Sender:  env.sender,
		Clock:   func() time.Time { return pathNow },
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		tb.Fatal(err)
	}
	return env
}

const benchChat = 4242

func (env pathEnv) handle(tb testing.TB, u bot.Update) {
	tb.Helper()
	u.ChatID, u.UserID, u.Private, u.LangCode = benchChat, benchChat, true, "fr"
	if err := env.bot.Handle(context.Background(), u); err != nil {
		tb.Fatal(err)
	}
}

func (env pathEnv) press(tb testing.TB, option string) {
	tb.Helper()
	env.handle(tb, bot.Update{Kind: bot.Callback, Data: env.sender.data(tb, option), CallbackID: "cb"})
}

// begin starts a conversation and warms the save script up (the first
// EVALSHA of a fresh server falls back to EVAL, an extra round trip).
func (env pathEnv) begin(tb testing.TB) {
	tb.Helper()
	env.handle(tb, bot.Update{Kind: bot.Message, Text: "/start"})
	env.press(tb, "t3")
	env.press(tb, "@back")
	tb.Cleanup(func() { _ = env.store.Delete(context.Background(), benchChat) })
}

// eachBackend runs fn on miniredis and, when REDIS_URL is set, on the
// real Redis.
func eachBackend(b *testing.B, fn func(b *testing.B, be redistest.Backend)) {
	b.Run("miniredis", func(b *testing.B) { fn(b, redistest.Mini(b)) })
	b.Run("redis", func(b *testing.B) {
		be, ok := redistest.Real(b)
		if !ok {
			b.Skip("REDIS_URL not set")
		}
		fn(b, be)
	})
}

// BenchmarkUpdate is one update through the whole path: a button press
// that moves the person on (load, step, save, render, send), and free
// text that changes nothing (load, step, render, send).
func BenchmarkUpdate(b *testing.B) {
	eachBackend(b, func(b *testing.B, be redistest.Backend) {
		env := newPathEnv(b, be)
		env.begin(b)
		b.Run("press", func(b *testing.B) {
			env.trips.n.Store(0)
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				// Forth and back between the triage and a date question:
				// each press changes the session and is saved.
				if env.sender.has("t3") {
					env.press(b, "t3")
				} else {
					env.press(b, "@back")
				}
				n++
			}
			b.ReportMetric(float64(env.trips.n.Load())/float64(n), "roundtrips/op")
		})
		b.Run("text", func(b *testing.B) {
			env.trips.n.Store(0)
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				env.handle(b, bot.Update{Kind: bot.Message, Text: "bonjour"})
				n++
			}
			b.ReportMetric(float64(env.trips.n.Load())/float64(n), "roundtrips/op")
		})
	})
}

// TestPlainStepRoundTrips: a plain step costs at most two Redis round
// trips (one read, one conditional write), and an input that changes
// nothing costs one. More would mean the latency of every reply grows
// with the distance to Redis.
func TestPlainStepRoundTrips(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		env := newPathEnv(t, be)
		env.begin(t)
		cases := []struct {
			name string
			do   func()
			max  int64
		}{
			{"press", func() { env.press(t, "t3") }, 2},
			{"date", func() { env.handle(t, bot.Update{Kind: bot.Message, Text: "12/03/2027"}) }, 2},
			{"confirm", func() { env.press(t, "@yes") }, 2},
			{"back", func() { env.press(t, "@back") }, 2},
			{"text ignored", func() { env.handle(t, bot.Update{Kind: bot.Message, Text: "bonjour"}) }, 1},
		}
		for _, c := range cases {
			env.trips.n.Store(0)
			before := env.sender.sent
			c.do()
			if got := env.trips.n.Load(); got > c.max {
				t.Errorf("%s: %d Redis round trips, want at most %d", c.name, got, c.max)
			}
			if env.sender.sent == before {
				t.Errorf("%s: no reply sent", c.name)
			}
		}
	})
}
