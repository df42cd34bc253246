package main

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
	"github.com/anefbot/anefbot/flows"
)

// lockedBuffer is a log sink safe for the bot's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A person types their name, their foreigner number and dates, asks for
// a volunteer, erases everything: at info and at debug level the logs
// hold none of it, nor their chat ID.
func TestLogsHoldNoPersonalData(t *testing.T) {
	for _, level := range []string{"info", "debug"} {
		t.Run(level, func(t *testing.T) {
			b := redistest.Mini(t)
			logs := &lockedBuffer{}
			h := startLogged(t, b, logs, level)
			p := telegramtest.User{ID: 987650005001, Lang: "fr"}
			h.walkTo(p, testStore(t, b, ""), flows.Plan, "t3")
			h.takeOffers(p)
			for _, s := range []string{"Je m'appelle Amina Benali", "AGDREF 7501234567", "/take 7501234567", "+33 6 12 34 56 78", "\x00\u202e🙂"} {
				h.roundTrip(p, s)
			}
			h.roundTrip(p, "/forget")
			h.pressLatest(p, "p:fy:")
			out := logs.String()
			if !strings.Contains(out, "forgotten") {
				t.Fatalf("the logs did not capture the run (level %s):\n%s", level, out)
			}
			for _, secret := range []string{strconv.FormatInt(p.ID, 10), "Amina", "Benali", "7501234567", "12 34 56", "2026-11-20", "20/11/2026"} {
				if strings.Contains(out, secret) {
					t.Errorf("the %s logs contain %q:\n%s", level, secret, out)
				}
			}
		})
	}
}

// startLogged runs the bot as startBot does, with its logs in logs.
func startLogged(t *testing.T, b redistest.Backend, logs io.Writer, level string) *harness {
	t.Helper()
	api := telegramtest.New(t)
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN": telegramtest.Token, "TELEGRAM_API_ENDPOINT": api.Endpoint(),
		"REDIS_URL": b.URL, "REDIS_PREFIX": b.Prefix, "LOG_LEVEL": level, "RATE_LIMIT": "off",
	}
	for k, v := range fast(nil) {
		vars[k] = v
	}
	m := &Main{Getenv: envOf(vars), Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: logs,
		Clock: func() time.Time { return testNow }}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, api: api, done: make(chan error, 1), redis: b}
	go func() { h.done <- m.Run(ctx, nil); m.Close() }()
	h.stop = func() {
		cancel()
		select {
		case <-h.done:
		case <-time.After(10 * time.Second):
			t.Error("bot did not stop within 10s")
		}
	}
	t.Cleanup(h.stop)
	return h
}
