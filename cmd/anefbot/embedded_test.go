package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
	"github.com/anefbot/anefbot/flows"
)

// scriptedInput feeds the terminal one line per read and runs each
// line's action first (moving the clock): the terminal handles a line
// before it reads the next, so the action happens between the two.
type scriptedInput struct {
	lines []scriptLine
}

type scriptLine struct {
	before func()
	text   string
}

func (s *scriptedInput) Read(p []byte) (int, error) {
	if len(s.lines) == 0 {
		return 0, io.EOF
	}
	l := s.lines[0]
	s.lines = s.lines[1:]
	if l.before != nil {
		l.before()
	}
	return copy(p, l.text+"\n"), nil
}

// In the terminal, on the embedded store, a flood gets the warning with
// the pause actually configured (3 seconds, not "1 minute"), silence,
// and once the pause has passed on the bot's clock the person is
// answered again: the store's expiries follow the injected clock.
func TestTerminalRateLimitPauseEnds(t *testing.T) {
	var skew atomic.Int64
	clock := func() time.Time { return testNow.Add(time.Duration(skew.Load())) }
	help := func() scriptLine { return scriptLine{text: "/help"} }
	in := &scriptedInput{lines: []scriptLine{
		help(), help(), // with /start: the 3 allowed in the window
		help(), // the warning
		help(), // silence
		{before: func() { skew.Add(int64(2 * time.Second)) }, text: "/help"}, // still paused
		{before: func() { skew.Add(int64(2 * time.Second)) }, text: "/help"}, // 4 s after the warning
	}}
	var out, errs bytes.Buffer
	m := &Main{
		Getenv: envOf(map[string]string{"ANEFBOT_LANG": "fr", "RATE_LIMIT": "3/1m", "RATE_LIMIT_MUTE": "3s"}),
		Stdin:  in, Stdout: &out, Stderr: &errs, Clock: clock,
	}
	defer m.Close()
	if err := m.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	warn := text(t, "fr", "rate_limited_seconds", flows.Args{"Count": 3})
	if !strings.Contains(warn, "3 secondes") {
		t.Fatalf("the warning does not state 3 seconds: %q", warn)
	}
	got := out.String()
	helpLine := "/forget — tout effacer" // a line of /help only
	before, after, found := strings.Cut(got, firstLine(warn))
	if !found {
		t.Fatalf("no warning in:\n%s", got)
	}
	if n := strings.Count(before, helpLine); n != 2 {
		t.Errorf("%d answers to /help before the warning, want 2:\n%s", n, got)
	}
	if n := strings.Count(after, helpLine); n != 1 {
		t.Errorf("%d answers to /help after the warning, want 1 (only after the pause):\n%s", n, got)
	}
	if strings.Count(got, firstLine(warn)) != 1 {
		t.Errorf("warned more than once:\n%s", got)
	}
}

// firstLine is the start of a message as the terminal prints it.
func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// A key written with a TTL on the embedded store is gone once the bot's
// clock has passed it, and not before.
func TestEmbeddedStoreExpires(t *testing.T) {
	var skew atomic.Int64
	m := &Main{Stderr: io.Discard, Clock: func() time.Time { return testNow.Add(time.Duration(skew.Load())) }}
	defer m.Close()
	w := &wiring{terminal: true}
	if err := m.openRedis(context.Background(), Config{}, w); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := m.rdb.Set(ctx, "k", "v", 90*time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	skew.Add(int64(89 * time.Second))
	if v, err := m.rdb.Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("before its TTL: %q, %v", v, err)
	}
	skew.Add(int64(2 * time.Second))
	if _, err := m.rdb.Get(ctx, "k").Result(); !errors.Is(err, redis.Nil) {
		t.Fatalf("after its TTL the key is still there (err %v)", err)
	}
}

// On Telegram without REDIS_URL the log says, in one line, that
// everything is lost on restart; the rate-limit pause ends there too.
func TestTelegramWithoutRedis(t *testing.T) {
	api := telegramtest.New(t)
	logs := &lockedBuffer{}
	var skew atomic.Int64
	m := &Main{
		Getenv: envOf(fast(map[string]string{
			"TELEGRAM_BOT_TOKEN": telegramtest.Token, "TELEGRAM_API_ENDPOINT": api.Endpoint(),
			"RATE_LIMIT": "3/1m", "RATE_LIMIT_MUTE": "1m", "LOG_LEVEL": "warn",
		})),
		Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: logs,
		Clock: func() time.Time { return testNow.Add(time.Duration(skew.Load())) },
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, nil); m.Close() }()
	defer func() {
		cancel()
		<-done
	}()
	h := &harness{t: t, api: api}
	p := telegramtest.User{ID: 987650007101, Lang: "fr"}
	full := text(t, "fr", "privacy_full", noticeArgs)
	for range 5 {
		api.PushText(p, "/privacy")
	}
	warn := text(t, "fr", "rate_limited", flows.Args{"Count": 1})
	before, _ := h.waitText(p, 0, warn)
	if len(before) != 3 {
		t.Fatalf("%d answers before the warning, want 3", len(before))
	}
	skew.Add(int64(61 * time.Second))
	api.PushText(p, "/privacy")
	during, _ := h.waitText(p, 4, full)
	if len(during) != 0 {
		t.Fatalf("answered during the pause: %+v", during)
	}
	if n := strings.Count(logs.String(), "LOST ON RESTART"); n != 1 {
		t.Errorf("%d start-up lines about the embedded store, want 1:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "reminders") {
		t.Errorf("the start-up line does not say reminders are lost too:\n%s", logs.String())
	}
}
