package webhook

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/anefbot/anefbot/bot"
)

var errRedis = errors.New("redis down")

func TestHandler(t *testing.T) {
	var handled atomic.Int32
	h := New(Options{
		Secret:  "s3cret",
		MaxBody: 100,
		Decode: func(b []byte) (bot.Update, bool, error) {
			switch string(b) {
			case "bad":
				return bot.Update{}, false, errors.New("bad json")
			case "inline":
				return bot.Update{}, false, nil
			}
			return bot.Update{ID: 1, ChatID: 1, Text: string(b)}, true, nil
		},
		Handle: func(_ context.Context, u bot.Update) error {
			handled.Add(1)
			switch u.Text {
			case "redis":
				return errRedis
			case "poison":
				return bot.ErrRejected
			}
			return nil
		},
		Retry:  func(err error) bool { return errors.Is(err, errRedis) },
		Logger: slog.New(slog.DiscardHandler),
	})
	tests := []struct {
		name, method, secret, body string
		status                     int
		handled                    bool
	}{
		{"good", "POST", "s3cret", "hi", 200, true},
		{"missing secret", "POST", "", "hi", 401, false},
		{"wrong secret", "POST", "s3cret ", "hi", 401, false},
		{"secret prefix", "POST", "s3c", "hi", 401, false},
		{"oversized body", "POST", "s3cret", strings.Repeat("x", 101), 413, false},
		{"not a post", "GET", "s3cret", "", 405, false},
		{"unreadable", "POST", "s3cret", "bad", 400, false},
		{"nothing to answer", "POST", "s3cret", "inline", 200, false},
		{"passing failure: deliver again", "POST", "s3cret", "redis", 503, true},
		{"final failure: not again", "POST", "s3cret", "poison", 200, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := handled.Load()
			r := httptest.NewRequest(tt.method, "/hook", strings.NewReader(tt.body))
			if tt.secret != "" {
				r.Header.Set(SecretHeader, tt.secret)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			if got := handled.Load() > before; got != tt.handled {
				t.Errorf("handled = %v, want %v", got, tt.handled)
			}
		})
	}
}

// A press acknowledged while it is handled is acknowledged in the answer
// to the post; a press to deliver again (503) is not: its redelivery is.
func TestPressAcknowledgedInTheAnswer(t *testing.T) {
	h := New(Options{
		Secret: "s3cret",
		Decode: func(b []byte) (bot.Update, bool, error) {
			return bot.Update{ID: 1, ChatID: 1, Kind: bot.Callback, CallbackID: "cb-" + string(b), Data: string(b)}, true, nil
		},
		Handle: func(_ context.Context, u bot.Update) error {
			if !u.Inline.Take(u.CallbackID) {
				t.Errorf("%s: no acknowledgement to take", u.Data)
			}
			if u.Data == "redis" {
				return errRedis
			}
			return nil
		},
		Retry:  func(err error) bool { return errors.Is(err, errRedis) },
		Logger: slog.New(slog.DiscardHandler),
	})
	for _, tt := range []struct{ body, answer string }{
		{"ok", `{"callback_query_id":"cb-ok","method":"answerCallbackQuery"}`},
		{"redis", ""},
	} {
		r := httptest.NewRequest("POST", "/hook", strings.NewReader(tt.body))
		r.Header.Set(SecretHeader, "s3cret")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if got := strings.TrimSpace(w.Body.String()); got != tt.answer {
			t.Errorf("%s: answer %q, want %q", tt.body, got, tt.answer)
		}
	}
}
