package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
	"github.com/anefbot/anefbot/flows"
)

// /forget is final: whatever the Bot API answers to the confirmation
// (the person blocked the bot: 403; Telegram failing: 5xx; a flood
// wait: 429), once the update is handled nothing in Redis names the
// person — no key, no value, in any form (the ID, its log hash, its
// SHA-256).
func TestForgetIsFinalWhateverTelegramAnswers(t *testing.T) {
	faults := []struct {
		name  string
		fault telegramtest.Fault
	}{
		{"403", telegramtest.Fault{Status: 403}},
		{"5xx", telegramtest.Fault{Status: 502}},
		{"429", telegramtest.Fault{Status: 429, RetryAfter: 1}},
	}
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, fast(nil))
		for i, f := range faults {
			t.Run(f.name, func(t *testing.T) {
				p := telegramtest.User{ID: 987650007201 + int64(i), Lang: "fr"}
				if i == 0 {
					// A plan and a case in the queue (keys of the person and
					// shared ones); the other faults only change the answer,
					// a session is enough to erase. TestForgetErasesEverything
					// covers every feature without faults.
					h.walkTo(p, testStore(t, b, ""), flows.Plan, "urgent")
					from := len(h.api.Messages(p.ID))
					h.askHuman(p, &from)
				} else {
					h.act(p, func() { h.api.PushText(p, "/restart") })
				}
				if !strings.Contains(flatten(dump(t, b.Client)), strconv.FormatInt(p.ID, 10)) {
					t.Fatal("nothing about the person in Redis before /forget: this test would prove nothing")
				}
				n := len(h.api.Messages(p.ID))
				h.api.PushText(p, "/forget")
				_, ask := h.waitText(p, n, text(t, "fr", "forget_confirm", nil))
				h.api.Fail("sendMessage", f.fault)
				acks := len(h.api.Sent("answerCallbackQuery"))
				h.api.PushCallback(p, ask.Buttons[0][0].CallbackData)
				h.waitHandled(b, acks)
				for _, form := range personForms(p.ID) {
					for k, v := range dump(t, b.Client) {
						if strings.Contains(k, form) || strings.Contains(v, form) {
							t.Errorf("after /forget and a %s, %s holds %q: %.200q", f.name, k, form, v)
						}
					}
				}
			})
		}
	})
}

// personForms are the ways a chat ID could be written down.
func personForms(chatID int64) []string {
	id := strconv.FormatInt(chatID, 10)
	sum := sha256.Sum256([]byte(id))
	return []string{id, bot.ChatHash(chatID), hex.EncodeToString(sum[:])[:12]}
}

// waitHandled waits until the first press acknowledged after the
// acks-th is marked handled: everything the update wrote, it has written.
func (h *harness) waitHandled(b redistest.Backend, acks int) {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if id := pressID(h.api, acks); id != "" {
			if b.Client.Exists(context.Background(), b.Prefix+"{u:"+id+"}").Val() == 1 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond) // polling Redis for the mark
	}
	h.t.Fatal("the press was not handled within 15s")
}

// pressID is the update ID of the press acknowledged after the n-th (the
// fake names callbacks "cb<update id>"); "" until there is one.
func pressID(api *telegramtest.Server, n int) string {
	acks := api.Sent("answerCallbackQuery")
	if len(acks) <= n {
		return ""
	}
	return strings.TrimPrefix(acks[n].Params["callback_query_id"], "cb")
}
