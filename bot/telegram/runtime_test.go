package telegram_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/telegram"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// offsetAPI is a Bot API that hands out two updates and records the
// offset of every getUpdates call.
type offsetAPI struct {
	mu      sync.Mutex
	offsets []int
}

func (a *offsetAPI) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.HasSuffix(r.URL.Path, "/getMe"):
		w.Write([]byte(`{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"b","username":"b"}}`))
	case strings.HasSuffix(r.URL.Path, "/getUpdates"):
		offset, _ := strconv.Atoi(r.PostForm.Get("offset"))
		a.mu.Lock()
		a.offsets = append(a.offsets, offset)
		a.mu.Unlock()
		var ups []map[string]any
		for id := max(offset, 1); id <= 2; id++ {
			ups = append(ups, map[string]any{"update_id": id, "message": map[string]any{
				"message_id": id, "date": 0, "text": "hi",
				"chat": map[string]any{"id": 7, "type": "private"}, "from": map[string]any{"id": 7, "first_name": "x"},
			}})
		}
		if len(ups) == 0 {
			time.Sleep(20 * time.Millisecond) // a short long poll
		}
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": ups})
	default:
		w.Write([]byte(`{"ok":true,"result":true}`))
	}
}

func (a *offsetAPI) seen() []int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]int(nil), a.offsets...)
}

// pauses records the pauses PollWith asks for, without waiting.
type pauses struct {
	mu sync.Mutex
	d  []time.Duration
}

func (p *pauses) wait(ctx context.Context, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.d = append(p.d, d)
}

func (p *pauses) all() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Duration(nil), p.d...)
}

// An update is confirmed to Telegram (by the offset of the next
// getUpdates) only once admit took it: while admit fails (Redis down) the
// update is offered again, after pauses that grow, and getUpdates is not
// called, however long it lasts.
func TestPollConfirmsOnlyAdmittedUpdates(t *testing.T) {
	api := &offsetAPI{}
	srv := httptest.NewServer(http.HandlerFunc(api.serve))
	defer srv.Close()
	c, err := telegram.Dial("1:tok", srv.URL+"/bot%s/%s")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var admits []int64
	refusals := 5
	admit := func(_ context.Context, u bot.Update) error {
		mu.Lock()
		defer mu.Unlock()
		admits = append(admits, u.ID)
		if u.ID == 2 && refusals > 0 {
			refusals--
			if refusals == 0 && len(api.seen()) != 1 {
				t.Errorf("getUpdates offsets %v while update 2 was refused, want only the first call", api.seen())
			}
			return errors.New("redis down")
		}
		return nil
	}
	p := &pauses{}
	opt := telegram.PollOptions{MinBackoff: time.Second, MaxBackoff: 4 * time.Second, Wait: p.wait, Logger: slog.New(slog.DiscardHandler)}
	done := make(chan error, 1)
	go func() { done <- c.PollWith(ctx, opt, admit) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(api.seen()) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if offs := api.seen(); len(offs) < 2 || offs[0] != 0 || offs[1] != 3 {
		t.Errorf("offsets %v: want 0, then 3 once both updates were admitted", offs)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []int64{1, 2, 2, 2, 2, 2, 2}; !slices.Equal(admits, want) {
		t.Errorf("admits %v, want %v", admits, want)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second}
	if got := p.all(); !slices.Equal(got[:min(len(got), 5)], want) {
		t.Errorf("pauses %v, want %v", got, want)
	}
}

// A 429 from getUpdates waits its retry_after, not the backoff.
func TestPollWaitsRetryAfter(t *testing.T) {
	c, api := dial(t)
	api.Fail("getUpdates", telegramtest.Fault{Status: 429, RetryAfter: 7}, telegramtest.Fault{Status: 502})
	p := &pauses{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	opt := telegram.PollOptions{Timeout: 0, Wait: p.wait, Logger: slog.New(slog.DiscardHandler)}
	go func() { done <- c.PollWith(ctx, opt, func(context.Context, bot.Update) error { return nil }) }()
	deadline := time.Now().Add(5 * time.Second)
	for api.Calls("getUpdates") < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if got, want := p.all(), []time.Duration{7 * time.Second, time.Second}; !slices.Equal(got[:min(len(got), 2)], want) {
		t.Errorf("pauses %v, want %v: the 429's retry_after, then the backoff", got, want)
	}
}
