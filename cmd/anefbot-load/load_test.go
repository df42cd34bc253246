package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
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

// TestWebhookReplicas runs the real binary as two webhook replicas on one
// Redis, each update posted to one of them at random, so a chat's updates
// move between replicas: every update must be answered (-strict), and
// the report must say how the bot ran.
func TestWebhookReplicas(t *testing.T) {
	be, ok := redistest.Real(t)
	if !ok {
		t.Skip("REDIS_URL not set: the load tool reads Redis INFO, which miniredis lacks")
	}
	out := filepath.Join(t.TempDir(), "load.json")
	var stdout bytes.Buffer
	err := run(t.Context(), []string{
		"-people", "30", "-think", "100ms", "-warmup", "1s", "-duration", "2s",
		"-webhook", "-replicas", "2", "-strict", "-redis-url", be.URL, "-json", out,
		"-env", "OUTBOX_RATE=10000", "-env", "OUTBOX_CHAT_RATE=1000", "-env", "OUTBOX_CHAT_BURST=100",
	}, &stdout, io.Discard)
	t.Log(stdout.String())
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(rep.Runs))
	}
	if r := rep.Runs[0]; r.Mode != "webhook" || r.Replicas != 2 || r.APICalls["getUpdates"] != 0 {
		t.Errorf("mode %q, %d replicas, %.2f getUpdates per update; want webhook, 2, none", r.Mode, r.Replicas, r.APICalls["getUpdates"])
	}
}

// TestReplicasNeedWebhook: Telegram refuses a second long poller, so
// several replicas are only run in webhook mode.
func TestReplicasNeedWebhook(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		ok   bool
	}{
		{"one poller", nil, true},
		{"two pollers", []string{"-replicas", "2"}, false},
		{"two webhook replicas", []string{"-replicas", "2", "-webhook"}, true},
		{"no replica", []string{"-replicas", "0", "-webhook"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseFlags(tc.args, io.Discard)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if err == nil && o.replicas < 1 {
				t.Errorf("replicas = %d", o.replicas)
			}
		})
	}
}

// TestWebhookSenderRedelivers: as Telegram does, a post answered 503 is
// posted again and counted, and a chat's next update is posted only once
// its previous one was answered 2xx, so the bot gets them in order.
func TestWebhookSenderRedelivers(t *testing.T) {
	secret := "s3cret"
	var mu sync.Mutex
	tries := map[string]int{}
	taken := make(chan string, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Path != webhookPath || r.Header.Get(secretHeader) != secret {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mu.Lock()
		tries[string(b)]++
		first := tries[string(b)] == 1
		mu.Unlock()
		if first {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		taken <- string(b)
	}))
	t.Cleanup(srv.Close)
	s := newWebhookSender([]string{srv.URL + webhookPath}, secret, 0)
	t.Cleanup(s.close)
	for _, u := range []string{"u1", "u2", "u3"} {
		s.send(7, []byte(u))
	}
	var got []string
	for range 3 {
		select {
		case u := <-taken:
			got = append(got, u)
		case <-time.After(20 * time.Second):
			t.Fatalf("after 20s the bot took %v", got)
		}
	}
	if strings.Join(got, ",") != "u1,u2,u3" {
		t.Errorf("taken in order %v, want u1,u2,u3", got)
	}
	// The counters are updated once the post returns.
	for s.delivered.Load() < 3 {
		runtime.Gosched()
	}
	if r, h, w := s.retried.Load(), s.held.Load(), s.waiting.Load(); r != 3 || h != 2 || w != 0 {
		t.Errorf("%d posts again, %d held, %d waiting; want 3, 2, 0", r, h, w)
	}
}
