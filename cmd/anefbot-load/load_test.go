package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// coreBot runs the conversation core (no optional features) on the real
// Telegram adapter against the fake, as cmd/anefbot does.
func coreBot(t *testing.T, api *fakeAPI, be redistest.Backend) {
	t.Helper()
	g, err := flows.Diagnosis()
	if err != nil {
		t.Fatal(err)
	}
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	var langs []flows.Language
	for _, l := range locales.Languages {
		langs = append(langs, flows.Language{Code: l.Code, Name: l.Name})
	}
	client, err := telegram.Dial(token, api.endpoint())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b, err := bot.New(bot.Config{
		Engine:  flows.NewEngine(g, flows.Options{Languages: langs, RetentionDays: 90}),
		Store:   redisstore.New(be.Client, redisstore.WithPrefix(be.Prefix), redisstore.WithTTL(time.Minute)),
		Catalog: c, Sender: client, Logger: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pool := bot.NewPool(ctx, 8, 16, b.Handle, log)
	done := make(chan struct{})
	go func() { _ = client.Poll(ctx, 1, pool.Submit, log); close(done) }()
	t.Cleanup(func() { cancel(); <-done; pool.Close() })
}

// TestCrowdWalksTheDiagnosis: the simulated people get answers to what
// they do, reach action plans and start again, type dates where the bot
// asks for one and have them accepted, and every answer is timed. If the
// conversation changes so that the crowd gets stuck, this fails before a
// load run measures nothing.
func TestCrowdWalksTheDiagnosis(t *testing.T) {
	be := redistest.Mini(t)
	var c *crowd
	var plans, confirms, dateQuestions int
	seen := make(chan sent, 4096)
	api, err := newFakeAPI(func(m sent) {
		select {
		case seen <- m:
		default:
		}
		c.received(m)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(api.close)
	lat := &latencies{}
	now := time.Now()
	lat.window(now, now.Add(time.Hour))
	c = newCrowd(api, 20, 0, 30*time.Millisecond, 10*time.Second, 1000, lat)
	coreBot(t, api, be)
	c.start(50 * time.Millisecond)
	deadline := time.After(20 * time.Second)
	for plans < 5 || confirms < 5 || dateQuestions < 5 {
		select {
		case m := <-seen:
			switch {
			case has(m.buttons, "@restart"):
				plans++
			case has(m.buttons, "@yes"):
				confirms++
			case len(m.buttons) > 0 && askingDate(m.buttons):
				dateQuestions++
			}
		case <-deadline:
			t.Fatalf("after 20s: %d plans, %d dates read back, %d date questions; want 5 of each", plans, confirms, dateQuestions)
		}
	}
	c.stop()
	t.Logf("%d plans, %d dates read back, %d date questions, %d messages", plans, confirms, dateQuestions, api.stats.figures().Messages)
	if _, n := lat.percentiles(0.5); n == 0 {
		t.Error("no reply was timed")
	}
	if f := api.stats.figures(); f.TooLong != 0 || f.Messages == 0 {
		t.Errorf("%d messages, %d too long", f.Messages, f.TooLong)
	}
	if n := c.unanswered.Load(); n != 0 {
		t.Errorf("%d updates unanswered", n)
	}
}

// TestSendStats: the rates reported are the most messages within any one
// second, per chat and overall, and over-long texts are counted.
func TestSendStats(t *testing.T) {
	s := newSendStats()
	t0 := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	s.record(1, "a", false, at(0))
	s.record(1, "b", false, at(600))
	s.record(1, "c", false, at(1100)) // 600 and 1100 within one second: 2
	s.record(2, "d", false, at(1200))
	s.record(2, strings.Repeat("é", 4097), false, at(1300))
	s.record(3, strings.Repeat("é", 1025), true, at(1400)) // a caption
	s.record(3, strings.Repeat("é", 4096), false, at(1500))
	f := s.figures()
	if f.MaxPerChatPerS != 2 || f.MaxOverallPerS != 5 || f.TooLong != 2 || f.Messages != 7 {
		t.Errorf("got %+v, want 2 per chat, 5 overall, 2 too long, 7 messages", f)
	}
}
