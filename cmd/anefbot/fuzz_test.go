package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/alicebob/miniredis/v2"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/bottest"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/telegram"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// fuzzed is the whole program's update path, assembled as runBot does it
// (every registered feature), on an embedded Redis, without a transport.
type fuzzed struct {
	bot   *bot.Bot
	sent  *bottest.Recorder
	mini  *miniredis.Miniredis
	rdb   redis.UniversalClient
	graph *flows.Graph
	store *redisstore.Store
}

func assemble(t testing.TB) *fuzzed {
	t.Helper()
	mini := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mini.Addr()})
	t.Cleanup(func() { rdb.Close() })
	cfg, err := LoadConfig(envOf(map[string]string{
		"TELEGRAM_BOT_TOKEN": "fuzz", "REDIS_URL": "redis://" + mini.Addr() + "/0", "RATE_LIMIT": "off",
	}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w := &wiring{ctx: ctx, cfg: cfg, rdb: rdb, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if w.catalog, err = locales.New(); err != nil {
		t.Fatal(err)
	}
	graph, err := flows.Diagnosis()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locales.Languages {
		w.engine.Languages = append(w.engine.Languages, flows.Language{Code: l.Code, Name: l.Name, Reviewed: w.catalog.Reviewed(l.Code)})
	}
	w.engine.RetentionDays = 90
	w.bot = bot.Config{
		Store:   redisstore.New(rdb, redisstore.WithPrefix(cfg.RedisPrefix)),
		Catalog: w.catalog, Logger: w.log,
		Clock: func() time.Time { return testNow },
	}
	t.Cleanup(func() {
		for i := len(w.closers) - 1; i >= 0; i-- {
			_ = w.closers[i]()
		}
	})
	for _, f := range sortedFeatures() {
		if err := f.setup(w); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
	}
	w.bot.Engine = flows.NewEngine(graph, w.engine)
	sent := &bottest.Recorder{}
	bc := w.bot
	bc.Sender = sent // no outbox: its pacing is not what is tested here
	b, err := bot.New(bc)
	if err != nil {
		t.Fatal(err)
	}
	return &fuzzed{bot: b, sent: sent, mini: mini, rdb: rdb, graph: graph, store: redisstore.New(rdb, redisstore.WithPrefix(cfg.RedisPrefix))}
}

// maxUpdates bounds one fuzz input: a short conversation.
const maxUpdates = 8

// FuzzUpdate feeds raw Bot API updates, one JSON object per line, through
// the adapter's conversion, every middleware, the engine, the store and
// the rendering. Whatever the input: no panic, no error, no message over
// Telegram's limits, no message to another chat than the sender's, and a
// session that still reads back whole and stands on a real step.
func FuzzUpdate(f *testing.F) {
	seeds, err := filepath.Glob("testdata/fuzz/*.jsonl")
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed corpus in testdata/fuzz: %v", err)
	}
	for _, name := range seeds {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	fz := assemble(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fz.mini.FlushAll() // each input is a conversation of its own: failures replay
		lines := bytes.Split(data, []byte("\n"))
		for i, line := range lines[:min(len(lines), maxUpdates)] {
			var raw tgbotapi.Update
			if json.Unmarshal(line, &raw) != nil {
				continue
			}
			u, ok := telegram.Convert(raw)
			if !ok {
				continue
			}
			if err := fz.bot.Handle(context.Background(), u); err != nil {
				t.Fatalf("update %d: %v", i, err)
			}
			fz.check(t, u)
		}
	})
}

func (fz *fuzzed) check(t *testing.T, u bot.Update) {
	t.Helper()
	for _, m := range fz.sent.Take(0) {
		if err := checkOut(m, u.ChatID); err != nil {
			t.Fatal(err)
		}
	}
	if err := fz.checkSession(u.ChatID); err != nil {
		t.Fatal(err)
	}
}

// checkOut holds a message to Telegram's limits (4,096 characters of text,
// 1,024 of caption, 64 bytes of button data).
func checkOut(m bot.Out, chatID int64) error {
	limit := 4096
	if m.Document != nil {
		limit = 1024
	}
	switch n := len(utf16.Encode([]rune(m.Text))); {
	case m.ChatID != chatID:
		return fmt.Errorf("an update of chat %d made the bot write to chat %d", chatID, m.ChatID)
	case n > limit:
		return fmt.Errorf("message of %d characters (limit %d): %.200q", n, limit, m.Text)
	case m.Text == "" && m.Document == nil:
		return fmt.Errorf("empty message")
	}
	for _, row := range m.Buttons {
		for _, b := range row {
			if len(b.Data) > 64 || b.Data == "" || strings.TrimSpace(b.Text) == "" {
				return fmt.Errorf("bad button %+v", b)
			}
		}
	}
	return nil
}

// checkSession reads the chat's session as stored and checks it is whole.
func (fz *fuzzed) checkSession(chatID int64) error {
	ctx := context.Background()
	raw, err := fz.rdb.HGet(ctx, fz.store.Key(chatID), "d").Result()
	if err == redis.Nil {
		return nil
	}
	if err != nil {
		return err
	}
	s, err := redisstore.JSON{}.Decode([]byte(raw))
	if err != nil {
		return fmt.Errorf("stored session does not decode: %v: %q", err, raw)
	}
	if s.State != "" && fz.graph.Step(s.State) == nil {
		return fmt.Errorf("session on unknown step %q", s.State)
	}
	for _, h := range s.History {
		if fz.graph.Step(h) == nil {
			return fmt.Errorf("history holds unknown step %q", h)
		}
	}
	if s.Lang != "" && !knownLang(s.Lang) {
		return fmt.Errorf("session language %q", s.Lang)
	}
	if s.Pending != "" && !fz.pendingOK(s) {
		return fmt.Errorf("pending %q on step %q", s.Pending, s.State)
	}
	if len(raw) > 1024 {
		return fmt.Errorf("session of %d bytes", len(raw))
	}
	return nil
}

// pendingOK: what awaits confirmation is a date on a date step, or one of
// the step's own options (a situation recognised in typed text).
func (fz *fuzzed) pendingOK(s flows.Session) bool {
	st := fz.graph.Step(s.State)
	if st.Kind == flows.AskDate {
		_, err := time.Parse("2006-01-02", s.Pending)
		return err == nil
	}
	for _, o := range st.Options {
		if o.ID == s.Pending {
			return true
		}
	}
	return false
}

func knownLang(code string) bool {
	for _, l := range locales.Languages {
		if l.Code == code {
			return true
		}
	}
	return false
}
