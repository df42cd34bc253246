package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

const testSecret = "webhook-secret-for-tests"

// replica is one running bot in webhook mode, as the binary would run it
// behind a load balancer.
type replica struct {
	url  string // where Telegram would post
	stop func()
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startReplica runs Main in webhook mode against api and backend; all
// replicas of a test share both.
func startReplica(t *testing.T, api *telegramtest.Server, b redistest.Backend, env map[string]string) *replica {
	t.Helper()
	addr := freeAddr(t)
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN":    telegramtest.Token,
		"TELEGRAM_API_ENDPOINT": api.Endpoint(),
		"REDIS_URL":             b.URL,
		"REDIS_PREFIX":          b.Prefix,
		"LOG_LEVEL":             "error",
		"MODE":                  "webhook",
		"LISTEN_ADDR":           addr,
		"WEBHOOK_URL":           "http://" + addr + "/hook",
		"WEBHOOK_SECRET":        testSecret,
		"OUTBOX_CHAT_BURST":     "20",
		"TYPING_AFTER":          "0s",
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
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, nil); m.Close() }()
	r := &replica{url: vars["WEBHOOK_URL"]}
	var stopped atomic.Bool
	r.stop = func() {
		if stopped.Swap(true) {
			return
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("replica stopped with: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("replica did not stop within 30s")
		}
	}
	t.Cleanup(r.stop)
	hooks := api.Calls("setWebhook")
	waitListening(t, addr, done)
	for deadline := time.Now().Add(10 * time.Second); api.Calls("setWebhook") == hooks; {
		if time.Now().After(deadline) {
			t.Fatal("replica did not register its webhook within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return r
}

// waitListening polls until addr accepts connections (the bot is set up).
func waitListening(t *testing.T, addr string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("replica exited at start: %v", err)
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("replica not listening on %s after 10s", addr)
}

// textUpdate is a private text message as Telegram posts it.
func textUpdate(api *telegramtest.Server, id int, u telegramtest.User, text string) []byte {
	b, _ := json.Marshal(map[string]any{"update_id": id, "message": api.Message(u, map[string]any{"text": text})})
	return b
}

// post sends body to a webhook with secret ("" for none) and returns the
// status.
func post(t *testing.T, url, secret string, body []byte) int {
	t.Helper()
	status, _ := postAnswer(t, url, secret, body)
	return status
}

// postAnswer is post, with the body of the webhook's answer.
func postAnswer(t *testing.T, url, secret string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("POST", url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("post: %v", err)
		return 0, nil
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, answer
}

// texts returns the texts sent to a chat, each cut to its first line.
func texts(api *telegramtest.Server, chat int64) []string {
	var out []string
	for _, m := range api.Messages(chat) {
		first, _, _ := strings.Cut(m.Text, "\n")
		out = append(out, first)
	}
	return out
}

// pressOn pushes a press on the button whose label contains label, on
// the latest message of chat that has buttons.
func pressOn(t *testing.T, api *telegramtest.Server, u telegramtest.User, label string) {
	t.Helper()
	msgs := api.Messages(u.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if strings.Contains(b.Text, label) {
					api.PushCallback(u, b.CallbackData)
					return
				}
			}
		}
	}
	t.Fatalf("chat %d: no button %q", u.ID, label)
}

// nth waits for the chat's n-th message (1-based) and checks it holds want.
func nth(t *testing.T, api *telegramtest.Server, u telegramtest.User, n int, want string) {
	t.Helper()
	msgs := api.WaitMessages(t, u.ID, n, 20*time.Second)
	if !strings.Contains(msgs[n-1].Text, want) {
		t.Fatalf("chat %d message %d: want %q in:\n%s", u.ID, n, want, msgs[n-1].Text)
	}
}

func must(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}

// waitFor polls until a message to u contains want.
func waitFor(t *testing.T, api *telegramtest.Server, u telegramtest.User, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range api.Messages(u.ID) {
			if strings.Contains(m.Text, want) {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("chat %d: no message with %q in 20s:\n%s", u.ID, want, strings.Join(texts(api, u.ID), "\n"))
}

// get fetches url and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Errorf("get %s: %v", url, err)
		return 0, ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
