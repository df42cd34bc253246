package main

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
	"github.com/anefbot/anefbot/flows"
)

// badInput is one thing nobody should be able to break the bot with.
type badInput struct {
	name string
	at   flows.StepKind // where the person stands: a question with buttons, or a date to type
	push func(h *harness, p telegramtest.User)
	want string // message ID(s) of the first answer, "|"-separated; "" when the bot must stay silent
	args flows.Args
}

func msg(extra map[string]any) func(h *harness, p telegramtest.User) {
	return func(h *harness, p telegramtest.User) {
		h.api.PushRaw(map[string]any{"message": h.api.Message(p, extra)})
	}
}

func typed(s string) func(h *harness, p telegramtest.User) {
	return func(h *harness, p telegramtest.User) { h.api.PushText(p, s) }
}

func pressed(data string) func(h *harness, p telegramtest.User) {
	return func(h *harness, p telegramtest.User) { h.api.PushCallback(p, data) }
}

func raw(kind string, body map[string]any) func(h *harness, p telegramtest.User) {
	return func(h *harness, p telegramtest.User) { h.api.PushRaw(map[string]any{kind: body}) }
}

// textAtButtons: typed text where buttons are expected is either not
// understood as a situation (where the engine tries to recognise one) or
// simply redirected to the buttons.
const textAtButtons = "use_buttons|match_none"

var today = flows.Args{"Example": time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)}

func badInputs() []badInput {
	file := map[string]any{"file_id": "AgAD", "file_unique_id": "u1", "file_size": 1000}
	photo := []map[string]any{{"file_id": "AgAD", "file_unique_id": "u1", "width": 90, "height": 90}}
	long := strings.Repeat("ا", 4096)
	return []badInput{
		{name: "sticker", at: flows.Ask, push: msg(map[string]any{"sticker": map[string]any{"file_id": "s", "file_unique_id": "s", "width": 512, "height": 512, "is_animated": false, "is_video": false, "type": "regular"}}), want: "unsupported_input"},
		{name: "photo with caption", at: flows.Ask, push: msg(map[string]any{"photo": photo, "caption": "ma carte"}), want: "unsupported_input"},
		{name: "voice note", at: flows.Ask, push: msg(map[string]any{"voice": file}), want: "unsupported_input"},
		{name: "document", at: flows.AskDate, push: msg(map[string]any{"document": file}), want: "unsupported_input"},
		{name: "location", at: flows.Ask, push: msg(map[string]any{"location": map[string]any{"latitude": 48.85, "longitude": 2.35}}), want: "unsupported_input"},
		{name: "contact", at: flows.Ask, push: msg(map[string]any{"contact": map[string]any{"phone_number": "+33600000000", "first_name": "A"}}), want: "unsupported_input"},
		{name: "dice", at: flows.Ask, push: msg(map[string]any{"dice": map[string]any{"emoji": "🎲", "value": 3}}), want: "unsupported_input"},
		{name: "forwarded text", at: flows.AskDate, push: msg(map[string]any{"text": "15/03/2027", "forward_date": 1700000000}), want: "forwarded_message"},
		{name: "forwarded text, forward_origin", at: flows.AskDate, push: msg(map[string]any{"text": "15/03/2027", "forward_origin": map[string]any{"type": "hidden_user", "date": 1700000000, "sender_user_name": "X"}}), want: "forwarded_message"},
		{name: "forwarded command, forward_origin", at: flows.Ask, push: msg(map[string]any{"text": "/restart", "forward_origin": map[string]any{"type": "channel", "date": 1700000000, "chat": map[string]any{"id": -100123, "type": "channel", "title": "News"}, "message_id": 7}}), want: "forwarded_message"},
		{name: "edited message", at: flows.AskDate, push: func(h *harness, p telegramtest.User) {
			h.api.PushRaw(map[string]any{"edited_message": h.api.Message(p, map[string]any{"text": "15/03/2027", "edit_date": 1700000000})})
		}, want: "edited_unsupported"},
		{name: "4096 characters", at: flows.Ask, push: typed(long), want: textAtButtons},
		{name: "5000 characters on a date", at: flows.AskDate, push: typed(strings.Repeat("9", 5000)), want: "date_invalid", args: today},
		{name: "control characters only", at: flows.Ask, push: typed("\x00\x01\x1b\x7f"), want: "unsupported_input"},
		{name: "control characters in text", at: flows.Ask, push: typed("bon\x00jour\x1b[31m"), want: textAtButtons},
		{name: "right-to-left text", at: flows.Ask, push: typed("שלום \u202eעולם \u200f!"), want: textAtButtons},
		{name: "emoji", at: flows.AskDate, push: typed("👍🏽🇫🇷‍💻"), want: "date_invalid", args: today},
		{name: "31 February", at: flows.AskDate, push: typed("31/02/2027"), want: "date_invalid", args: today},
		{name: "31 February in Arabic digits", at: flows.AskDate, push: typed("٣١/٠٢/٢٠٢٧"), want: "date_invalid", args: today},
		{name: "year 1900", at: flows.AskDate, push: typed("15/03/1900"), want: "date_implausible", args: flows.Args{"Date": time.Date(1900, 3, 15, 0, 0, 0, 0, time.UTC)}},
		{name: "far future", at: flows.AskDate, push: typed("15/03/2090"), want: "date_implausible", args: flows.Args{"Date": time.Date(2090, 3, 15, 0, 0, 0, 0, time.UTC)}},
		{name: "text where buttons are expected", at: flows.Ask, push: typed("15/03/2027"), want: textAtButtons},
		{name: "unknown command", at: flows.Ask, push: typed("/frobnicate"), want: "unknown_command", args: flows.Args{"Command": "/frobnicate"}},
		{name: "unknown command on a date", at: flows.AskDate, push: typed("/admin_list"), want: "unknown_command", args: flows.Args{"Command": "/admin_list"}},
		{name: "overlong command", at: flows.Ask, push: typed("/" + strings.Repeat("a", 4000)), want: textAtButtons},
		{name: "command in another script", at: flows.Ask, push: typed("/ابدأ"), want: textAtButtons},
		{name: "malformed callback", at: flows.Ask, push: pressed("c:abc:@@"), want: "stale_button"},
		{name: "oversized callback", at: flows.AskDate, push: pressed("c:1:" + strings.Repeat("x", 300)), want: "stale_button"},
		{name: "forged sequence", at: flows.Ask, push: pressed("c:999:@restart"), want: "stale_button"},
		{name: "forged plan offer", at: flows.Ask, push: pressed("c:0:@offer=rem"), want: "stale_button"},
		{name: "empty callback", at: flows.Ask, push: pressed(""), want: "stale_button"},
		{name: "unknown callback prefix", at: flows.AskDate, push: pressed("zz:1:2"), want: "stale_button"},
		{name: "poll", at: flows.Ask, push: raw("poll", map[string]any{"id": "1", "question": "?", "options": []any{}, "total_voter_count": 0, "is_closed": false, "is_anonymous": true, "type": "regular", "allows_multiple_answers": false})},
		{name: "unknown update kind", at: flows.Ask, push: raw("business_message", map[string]any{"text": "hi"})},
		{name: "inline query", at: flows.Ask, push: func(h *harness, p telegramtest.User) {
			h.api.PushRaw(map[string]any{"inline_query": map[string]any{"id": "1", "from": map[string]any{"id": p.ID, "is_bot": false, "first_name": "T"}, "query": "x", "offset": ""}})
		}},
	}
}

// Every bad input of the list gets, in the person's language, a short
// answer saying what the bot can take at this step — or silence for
// updates with nobody to answer — and leaves the session exactly as it
// was. French, and Arabic (answered in the bot's fallback language until
// Arabic is added; the assertions follow the catalog).
func TestBadInputChangesNothing(t *testing.T) {
	b := redistest.Mini(t)
	h := startBot(t, b, fast(map[string]string{"RATE_LIMIT": "off"}))
	store := testStore(t, b, "")
	for i, lang := range []string{"fr", "ar"} {
		at := map[flows.StepKind]telegramtest.User{
			flows.Ask:     {ID: 987650002000 + int64(10*i), Lang: lang},
			flows.AskDate: {ID: 987650002001 + int64(10*i), Lang: lang},
		}
		for kind, p := range at {
			h.walkTo(p, store, kind, "")
		}
		sentinel := text(t, lang, "privacy_full", noticeArgs)
		for _, tc := range badInputs() {
			t.Run(lang+"/"+tc.name, func(t *testing.T) {
				p := at[tc.at]
				before := rawSession(t, b, p.ID)
				n := len(h.api.Messages(p.ID))
				tc.push(h, p)
				h.api.PushText(p, "/privacy") // answered once everything before is
				replies, _ := h.waitText(p, n, sentinel)
				checkReplies(t, replies, tc, lang)
				if after := rawSession(t, b, p.ID); !equalMaps(before, after) {
					t.Errorf("session changed:\n%v\n%v", before, after)
				}
			})
		}
	}
}

func checkReplies(t *testing.T, replies []telegramtest.Sent, tc badInput, lang string) {
	t.Helper()
	if tc.want == "" {
		if len(replies) != 0 {
			t.Fatalf("want silence, got %+v", replies)
		}
		return
	}
	if len(replies) == 0 || len(replies) > 2 {
		t.Fatalf("want one explanation (and the question again), got %d messages: %+v", len(replies), replies)
	}
	ok := false
	for _, id := range strings.Split(tc.want, "|") {
		ok = ok || strings.HasPrefix(replies[0].Text, text(t, lang, id, tc.args))
	}
	if !ok {
		t.Errorf("first answer:\n%s\nwant it to start with the text of %s", replies[0].Text, tc.want)
	}
	for _, r := range replies {
		if n := len(utf16.Encode([]rune(r.Text))); n > 600 {
			t.Errorf("answer of %d characters is not short:\n%.300s", n, r.Text)
		}
	}
}

// In a group or a channel the bot keeps nobody's data: it answers /start
// only, to say it works in private chats, and otherwise stays silent.
func TestGroupsAndChannels(t *testing.T) {
	b := redistest.Mini(t)
	h := startBot(t, b, fast(nil))
	u := telegramtest.User{ID: 987650003000, Lang: "ar"}
	group := int64(-1001234567890)
	inGroup := func(kind string, extra map[string]any) {
		m := h.api.Message(u, extra)
		m["chat"] = map[string]any{"id": group, "type": "supergroup", "title": "Entraide"}
		h.api.PushRaw(map[string]any{kind: m})
	}
	inGroup("message", map[string]any{"text": "bonjour, ma carte expire le 15/03/2027"})
	inGroup("message", map[string]any{"text": "/help"})
	inGroup("message", map[string]any{"photo": []map[string]any{{"file_id": "x", "file_unique_id": "x", "width": 1, "height": 1}}})
	inGroup("edited_message", map[string]any{"text": "/start"})
	inGroup("channel_post", map[string]any{"text": "/start"})
	m := h.api.Message(u, map[string]any{"text": "…"})
	m["chat"] = map[string]any{"id": group, "type": "supergroup", "title": "Entraide"}
	h.api.PushRaw(map[string]any{"callback_query": map[string]any{"id": "cbg", "from": map[string]any{"id": u.ID, "is_bot": false, "first_name": "T"}, "data": "c:0:@restart", "message": m}})
	inGroup("message", map[string]any{"text": "/start@anefbot"})
	msgs := h.api.WaitMessages(t, group, 1, 10*time.Second)
	if want := text(t, "ar", "private_only", nil); msgs[0].Text != want {
		t.Fatalf("group got %q, want %q", msgs[0].Text, want)
	}
	// One more private round trip makes sure nothing else was on its way.
	h.api.PushText(u, "/privacy")
	h.waitText(u, 0, text(t, "ar", "privacy_full", noticeArgs))
	if got := h.api.Messages(group); len(got) != 1 {
		t.Fatalf("group got %d messages: %+v", len(got), got)
	}
	// Only the flood counter of /start, for a minute at most.
	for k := range dump(t, b.Client) {
		if k == logHashRedisKey(b.Prefix) {
			continue // the deployment's log hash key: about nobody, kept for good
		}
		if strings.Contains(k, "1234567890") && !strings.HasSuffix(k, ":rl") {
			t.Errorf("the bot keeps %s about a group", k)
		}
		if ttl := b.Client.PTTL(context.Background(), k).Val(); ttl < 0 || ttl > time.Minute && strings.HasSuffix(k, ":rl") {
			t.Errorf("%s lives %v", k, ttl)
		}
	}
}
