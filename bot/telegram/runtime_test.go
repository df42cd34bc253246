package telegram_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/telegram"
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

// The next getUpdates, which confirms a batch to Telegram, waits until
// the batch is settled (handled): updates in progress when the process
// dies are delivered again.
func TestPollConfirmsOnlySettledBatches(t *testing.T) {
	api := &offsetAPI{}
	srv := httptest.NewServer(http.HandlerFunc(api.serve))
	defer srv.Close()
	c, err := telegram.Dial("1:tok", srv.URL+"/bot%s/%s")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var got []int64
	release := make(chan struct{})
	settled := make(chan struct{}, 10)
	submit := func(_ context.Context, u bot.Update) error { got = append(got, u.ID); return nil }
	settle := func(context.Context) {
		if len(got) == 2 && len(settled) == 0 {
			settled <- struct{}{}
			<-release // the batch is still being handled
		}
	}
	done := make(chan error, 1)
	go func() { done <- c.PollBatches(ctx, 0, submit, settle, slog.New(slog.DiscardHandler)) }()
	<-settled
	time.Sleep(50 * time.Millisecond) // give a wrong implementation time to poll again
	if offs := api.seen(); len(offs) != 1 || offs[0] != 0 {
		t.Fatalf("getUpdates offsets %v while the batch was unsettled, want only the first call", offs)
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for len(api.seen()) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if offs := api.seen(); len(offs) < 2 || offs[1] != 3 {
		t.Errorf("offsets %v: want the batch confirmed with offset 3 once settled", offs)
	}
}
