package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
	"github.com/anefbot/anefbot/locales"
)

// In webhook mode the bot registers its webhook with the secret, sets its
// command menu in every language, rejects requests without the secret or
// too large, and answers an update delivered twice once.
func TestWebhookIntake(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		api := telegramtest.New(t)
		metrics := freeAddr(t)
		r := startReplica(t, api, b, map[string]string{"METRICS_ADDR": metrics})
		hooks := api.Sent("setWebhook")
		if len(hooks) != 1 || hooks[0].Params["secret_token"] != testSecret || hooks[0].Params["url"] != r.url {
			t.Fatalf("setWebhook calls %+v, want one with the URL and secret_token", hooks)
		}
		menus := map[string]string{}
		for _, c := range api.Sent("setMyCommands") {
			menus[c.Params["language_code"]] = c.Params["commands"]
		}
		for _, l := range append([]locales.Language{{Code: ""}}, locales.Languages...) {
			if !strings.Contains(menus[l.Code], `"command":"start"`) {
				t.Errorf("no command menu for language %q: %v", l.Code, menus)
			}
		}

		p := telegramtest.User{ID: 7001, Lang: "en"}
		start := textUpdate(api, 900001, p, "/start")
		for name, tc := range map[string]struct {
			secret string
			body   []byte
			status int
		}{
			"no secret":    {"", start, http.StatusUnauthorized},
			"wrong secret": {"not-" + testSecret, start, http.StatusUnauthorized},
			"too large":    {testSecret, append(start, make([]byte, 2<<20)...), http.StatusRequestEntityTooLarge},
		} {
			if got := post(t, r.url, tc.secret, tc.body); got != tc.status {
				t.Errorf("%s: status %d, want %d", name, got, tc.status)
			}
		}
		if got := api.Messages(p.ID); len(got) != 0 {
			t.Fatalf("rejected requests were processed: %+v", got)
		}
		// The webhook answers once the update is durable in its chat's
		// inbox; its replies follow.
		must(t, post(t, r.url, testSecret, start) == http.StatusOK, "first delivery refused")
		waitFor(t, api, p, "Hello! I am anefbot")
		waitFor(t, api, p, "What is your situation?")
		first := texts(api, p.ID)
		must(t, post(t, r.url, testSecret, start) == http.StatusOK, "second delivery refused")
		must(t, post(t, r.url, testSecret, textUpdate(api, 900002, p, "/help")) == http.StatusOK, "/help refused")
		waitFor(t, api, p, "I ask you questions")
		got := texts(api, p.ID)
		joined := strings.Join(got, "\n")
		if !slices.Equal(got[:len(first)], first) || strings.Count(joined, "Hello! I am anefbot") != 1 || !strings.Contains(got[len(first)], "I ask you questions") {
			t.Errorf("after a duplicate and /help, chat got:\n%s\nwant the /start replies once, then the help", joined)
		}
		// A press is acknowledged in the webhook's answer, not by a
		// request of its own.
		var data string
		for _, m := range api.Messages(p.ID) {
			for _, row := range m.Buttons {
				for _, btn := range row {
					if data == "" && strings.Contains(btn.Text, "attestation de dépôt") {
						data = btn.CallbackData
					}
				}
			}
		}
		must(t, data != "", "no button to press after /start")
		press, _ := json.Marshal(map[string]any{"update_id": 900003, "callback_query": map[string]any{
			"id": "cb-webhook-1", "from": map[string]any{"id": p.ID, "first_name": "Test", "language_code": p.Lang},
			"data": data, "message": api.Message(p, map[string]any{"text": "…"}),
		}})
		status, answer := postAnswer(t, r.url, testSecret, press)
		must(t, status == http.StatusOK, "press refused: %d", status)
		var call map[string]string
		if err := json.Unmarshal(answer, &call); err != nil || call["method"] != "answerCallbackQuery" || call["callback_query_id"] != "cb-webhook-1" {
			t.Errorf("webhook answer to a press = %q, want answerCallbackQuery for cb-webhook-1", answer)
		}
		if acks := api.Sent("answerCallbackQuery"); len(acks) != 0 {
			t.Errorf("the press was also acknowledged by a request: %+v", acks)
		}
		waitFor(t, api, p, "end date of your residence permit")
		if code, _ := get(t, "http://"+metrics+"/readyz"); code != http.StatusOK {
			t.Errorf("/readyz = %d with Redis and the Bot API up", code)
		}
		_, body := get(t, "http://"+metrics+"/metrics")
		for _, want := range []string{
			"anefbot_updates_duplicate_total 1",
			`anefbot_webhook_requests_total{result="unauthorized"} 2`,
			`anefbot_webhook_requests_total{result="too_large"} 1`,
			`anefbot_updates_total{kind="message",result="ok"}`,
			`anefbot_outbox_sends_total{result="sent"}`,
			`anefbot_outbox_queue{lane="background"} 0`,
			"anefbot_update_duration_seconds_bucket",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	})
}

// Two and three replicas share one Redis; each chat's updates (and
// redeliveries of them, some at the same time on two replicas) are spread
// across the replicas, while chats run in parallel. Every chat gets the
// same transcript as a chat served alone: in order, nothing lost, nothing
// twice.
func TestReplicasKeepEachChatInOrder(t *testing.T) {
	script := []string{"/start", "/help", "/language", "/help", "/restart", "/help"}
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprintf("%d replicas", n), func(t *testing.T) {
			b, ok := redistest.Real(t)
			if !ok {
				t.Skip("REDIS_URL not set")
			}
			api := telegramtest.New(t)
			var rs []*replica
			for range n {
				rs = append(rs, startReplica(t, api, b, nil))
			}
			nextID := 1000
			ids := func() int { nextID++; return nextID }
			// The reference: one chat, one replica, no redelivery.
			ref := telegramtest.User{ID: 1, Lang: "en"}
			for _, text := range script {
				must(t, post(t, rs[0].url, testSecret, textUpdate(api, ids(), ref, text)) == 200, "reference refused")
			}
			settled(t, b)
			want := texts(api, ref.ID)

			const chats = 12
			updates := make([][][]byte, chats)
			for c := range chats {
				u := telegramtest.User{ID: int64(100 + c), Lang: "en"}
				for _, text := range script {
					updates[c] = append(updates[c], textUpdate(api, ids(), u, text))
				}
			}
			var wg sync.WaitGroup
			for c := range chats {
				wg.Go(func() {
					// Like Telegram: the next update of a chat is posted once
					// the previous one is answered.
					for k, body := range updates[c] {
						first, again := rs[(c+k)%n], rs[(c+k+1)%n]
						if k%2 == 0 { // redelivered at the same time elsewhere
							var both sync.WaitGroup
							both.Go(func() { post(t, first.url, testSecret, body) })
							both.Go(func() { post(t, again.url, testSecret, body) })
							both.Wait()
						} else { // redelivered after the answer
							post(t, first.url, testSecret, body)
							post(t, again.url, testSecret, body)
						}
					}
				})
			}
			wg.Wait()
			settled(t, b)
			for c := range chats {
				if got := texts(api, int64(100+c)); !slices.Equal(got, want) {
					t.Errorf("chat %d got:\n%s\nwant:\n%s", 100+c, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}
		})
	}
}

// settled waits until every update posted is handled: a webhook answers
// once an update is in its chat's inbox, and the last round trip of a
// chat's last update empties the inbox and frees the chat.
func settled(t *testing.T, b redistest.Backend) {
	t.Helper()
	ctx := context.Background()
	eventually(t, "every inbox handled", func() bool {
		inboxes, err1 := b.Keys(ctx, b.Prefix+"{c:*}:in")
		leases, err2 := b.Keys(ctx, b.Prefix+"{c:*}:lease")
		return err1 == nil && err2 == nil && len(inboxes)+len(leases) == 0
	})
}

// Telegram answers a flood wait (429 with retry_after) then a 502: no
// message leaves before retry_after, and each arrives once.
func TestFloodWaitAndServerErrorOnTelegram(t *testing.T) {
	h := startBot(t, redistest.Mini(t), nil)
	h.api.Fail("sendMessage", telegramtest.Fault{Status: 429, RetryAfter: 2}, telegramtest.Fault{Status: 502})
	p := telegramtest.User{ID: 4343, Lang: "en"}
	h.api.PushText(p, "/start")
	deadline := time.Now().Add(10 * time.Second)
	for h.api.Calls("sendMessage") == 0 {
		must(t, time.Now().Before(deadline), "no sendMessage call")
		time.Sleep(time.Millisecond)
	}
	refused := time.Now() // the 429 was answered no later than this
	msgs := h.api.WaitMessages(t, p.ID, 1, 20*time.Second)
	if wait := msgs[0].At.Sub(refused); wait < 2*time.Second-10*time.Millisecond {
		t.Errorf("first message sent %v after the 429, before its retry_after of 2s", wait)
	}
	h.api.PushText(p, "/help")
	waitFor(t, h.api, p, "I ask you questions")
	got := texts(h.api, p.ID)
	joined := strings.Join(got, "\n")
	if strings.Count(joined, "Hello! I am anefbot") != 1 || strings.Count(joined, "I ask you questions") != 1 {
		t.Errorf("messages:\n%s\nwant each once", joined)
	}
	if calls := h.api.Calls("sendMessage"); calls != len(got)+2 {
		t.Errorf("%d sendMessage calls for %d messages and 2 faults", calls, len(got))
	}
	// The reply took over a second: the person saw "typing…".
	if typing := h.api.Sent("sendChatAction"); len(typing) == 0 || typing[0].Params["action"] != "typing" || typing[0].ChatID != p.ID {
		t.Errorf("no typing action while the reply waited: %+v", typing)
	}
}
