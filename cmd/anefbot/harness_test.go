package main

import (
	"context"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// harness runs the real program (Main, as the binary does) against a fake
// Bot API, with a real Redis or miniredis behind it.
type harness struct {
	t     *testing.T
	api   *telegramtest.Server
	stop  func()
	done  chan error
	redis redistest.Backend
	// skew moves the bot's clock forward from testNow (see advance).
	skew atomic.Int64
}

// now is the bot's clock: testNow, plus what advance added.
func (h *harness) now() time.Time { return testNow.Add(time.Duration(h.skew.Load())) }

// advance moves the bot's clock forward by d.
func (h *harness) advance(d time.Duration) { h.skew.Add(int64(d)) }

// testNow is the fixed clock of end-to-end tests: 29/11/2026 10:00 in Paris.
var testNow = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

// startBot runs Main with env on top of a token, the fake's endpoint and
// a Redis URL for backend.
func startBot(t *testing.T, b redistest.Backend, env map[string]string) *harness {
	t.Helper()
	return startBotWith(t, b, env, nil)
}

// startBotWith is startBot with a change to the Main before it runs
// (a Redis hook…).
func startBotWith(t *testing.T, b redistest.Backend, env map[string]string, change func(*Main)) *harness {
	t.Helper()
	api := telegramtest.New(t)
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN":    telegramtest.Token,
		"TELEGRAM_API_ENDPOINT": api.Endpoint(),
		"REDIS_URL":             b.URL,
		"REDIS_PREFIX":          b.Prefix,
		"LOG_LEVEL":             "error",
		// Pacing is tested in bot/outbox against a fake clock; here it
		// would only make every conversation wait a second per message.
		"OUTBOX_RATE":       "1000",
		"OUTBOX_CHAT_RATE":  "100",
		"OUTBOX_CHAT_BURST": "100",
	}
	for k, v := range env {
		vars[k] = v
	}
	m := &Main{
		Getenv: func(k string) string { return vars[k] },
		Stdin:  strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard,
		Clock: func() time.Time { return testNow },
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, api: api, done: make(chan error, 1), redis: b}
	m.Clock = h.now
	if change != nil {
		change(m)
	}
	go func() { h.done <- m.Run(ctx, nil); m.Close() }()
	var once sync.Once
	h.stop = func() { once.Do(func() { stopped(t, cancel, h.done) }) }
	t.Cleanup(h.stop)
	return h
}

// stopped cancels the bot's run and waits for it to return.
func stopped(t *testing.T, cancel func(), done chan error) {
	t.Helper()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("bot stopped with: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("bot did not stop within 10s")
	}
}

// press presses the button whose label contains label on the latest
// message of chat that has buttons, and returns its data.
func (h *harness) press(u telegramtest.User, label string) string {
	h.t.Helper()
	msgs := h.api.Messages(u.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].Buttons) == 0 {
			continue
		}
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if strings.Contains(b.Text, label) {
					h.api.PushCallback(u, b.CallbackData)
					return b.CallbackData
				}
			}
		}
		h.t.Fatalf("no button %q in %+v", label, msgs[i].Buttons)
	}
	h.t.Fatalf("chat %d has no message with buttons", u.ID)
	return ""
}

// expect waits for the chat's n-th message (1-based) and checks it
// contains want.
func (h *harness) expect(u telegramtest.User, n int, want string) telegramtest.Sent {
	h.t.Helper()
	msgs := h.api.WaitMessages(h.t, u.ID, n, 10*time.Second)
	m := msgs[n-1]
	if !strings.Contains(m.Text, want) {
		h.t.Fatalf("message %d to chat %d: want %q in:\n%s", n, u.ID, want, m.Text)
	}
	return m
}
