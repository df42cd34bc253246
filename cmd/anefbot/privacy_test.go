package main

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/crypt"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
	"github.com/anefbot/anefbot/flows"
)

// walk takes a person from /start to a plan, the way a hurried person
// would: the first answer at each question, a plausible date where one
// is asked. It returns the answers the bot stored.
func (h *harness) walk(p telegramtest.User, store *redisstore.Store) map[string]string {
	h.t.Helper()
	return h.walkTo(p, store, flows.Plan, "")
}

// walkTo walks as walk does and stops at the first step of kind. With
// situation set, that option is the answer to the first question.
func (h *harness) walkTo(p telegramtest.User, store *redisstore.Store, kind flows.StepKind, situation string) map[string]string {
	h.t.Helper()
	g, err := flows.Diagnosis()
	if err != nil {
		h.t.Fatal(err)
	}
	// /restart, not /start: it changes the session even for someone
	// already at the first question, which act waits for.
	h.act(p, func() { h.api.PushText(p, "/restart") })
	for range 30 {
		s, err := store.Load(context.Background(), p.ID)
		if err != nil {
			h.t.Fatal(err)
		}
		switch st := g.Step(s.State); {
		case st.Kind == kind:
			return s.Answers
		case st.Kind == flows.Plan:
			h.t.Fatalf("reached a plan before a step of kind %d", kind)
		case st.Kind == flows.AskDate:
			h.typeDate(p)
		default:
			data := h.firstChoice(p)
			if situation != "" && s.State == g.Start {
				data = pressData(data, situation)
			}
			h.act(p, func() { h.api.PushCallback(p, data) })
		}
	}
	h.t.Fatalf("no plan after 30 answers")
	return nil
}

// typeDate types dates until one is accepted, and confirms it.
func (h *harness) typeDate(p telegramtest.User) {
	h.t.Helper()
	confirm := text(h.t, p.Lang, "date_confirm", flows.Args{"Date": time.Time{}})
	confirm, _, _ = strings.Cut(confirm, "01/01/0001")
	for _, d := range []string{"20/11/2026", "15/03/2027", "10/09/2026", "01/02/2025", "20/12/2026"} {
		n := len(h.api.Messages(p.ID))
		h.api.PushText(p, d)
		msgs := h.api.WaitMessages(h.t, p.ID, n+1, 10*time.Second)
		if strings.HasPrefix(msgs[n].Text, confirm) {
			h.act(p, func() { h.api.PushCallback(p, msgs[n].Buttons[0][0].CallbackData) })
			return
		}
	}
	h.t.Fatal("no date accepted")
}

// act does something and waits until the session has changed and the bot
// has shown buttons again.
func (h *harness) act(p telegramtest.User, do func()) {
	h.t.Helper()
	before := rawSession(h.t, h.redis, p.ID)["v"]
	n := len(h.api.Messages(p.ID))
	do()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		msgs := h.api.Messages(p.ID)
		if rawSession(h.t, h.redis, p.ID)["v"] != before && len(msgs) > n && len(msgs[len(msgs)-1].Buttons) > 0 {
			return
		}
		time.Sleep(20 * time.Millisecond) // polling the fake's record
	}
	h.t.Fatalf("chat %d: nothing happened", p.ID)
}

// firstChoice is the first answer on the latest question (not Back, not
// the language).
// pressData is data for option on the same screen as data ("c:<seq>:…").
func pressData(data, option string) string {
	i := strings.LastIndex(data, ":")
	return data[:i+1] + option
}

func (h *harness) firstChoice(p telegramtest.User) string {
	h.t.Helper()
	msgs := h.api.Messages(p.ID)
	for _, row := range msgs[len(msgs)-1].Buttons {
		for _, b := range row {
			if !strings.Contains(b.CallbackData, ":@") {
				return b.CallbackData
			}
		}
	}
	h.t.Fatalf("no answer button in %+v", msgs[len(msgs)-1])
	return ""
}

// testStore reads sessions as the bot writes them, with dataKey if set.
func testStore(t *testing.T, b redistest.Backend, dataKey string) *redisstore.Store {
	t.Helper()
	keys, err := crypt.ParseKeyring(dataKey, "")
	if err != nil {
		t.Fatal(err)
	}
	return redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix),
		redisstore.WithCodec(crypt.SessionCodec{Keys: keys, Plain: redisstore.JSON{}}))
}

// /forget, once confirmed, leaves nothing in Redis that names the person
// or holds any of their answers: every key and every value is searched.
func TestForgetErasesEverything(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, fast(nil))
		for i, situation := range []string{"urgent", "t3"} {
			forgetAfter(t, h, b, telegramtest.User{ID: 987650001234 + int64(i), Lang: "fr"}, situation)
		}
	})
}

func forgetAfter(t *testing.T, h *harness, b redistest.Backend, p telegramtest.User, situation string) {
	t.Helper()
	answers := h.walkTo(p, testStore(t, b, ""), flows.Plan, situation)
	used := h.takeOffers(p)
	t.Logf("%s: features used before /forget: %v", situation, used)
	id := strconv.FormatInt(p.ID, 10)
	if !strings.Contains(flatten(dump(t, b.Client)), id) {
		t.Fatal("the person's data is not in Redis before /forget: this test would prove nothing")
	}
	if n := b.Client.Exists(context.Background(), b.Prefix+"{c:"+id+"}:r").Val(); n == 0 && strings.Contains(strings.Join(used, " "), "=rem") {
		t.Error("reminders were offered and accepted, yet none is kept: this test would not cover them")
	}

	// Cancelled: nothing changes.
	before := rawSession(t, b, p.ID)
	n := len(h.api.Messages(p.ID))
	h.api.PushText(p, "/forget")
	_, ask := h.waitText(p, n, text(t, "fr", "forget_confirm", nil))
	h.api.PushCallback(p, ask.Buttons[1][0].CallbackData)
	h.waitText(p, n+1, text(t, "fr", "forget_cancelled", nil))
	if after := rawSession(t, b, p.ID); !equalMaps(before, after) {
		t.Fatalf("cancelled /forget changed the session")
	}

	n = len(h.api.Messages(p.ID))
	h.api.PushText(p, "/forget")
	_, ask = h.waitText(p, n, text(t, "fr", "forget_confirm", nil))
	h.api.PushCallback(p, ask.Buttons[0][0].CallbackData)
	_, done := h.waitText(p, n+1, text(t, "fr", "forget_done", nil))
	if !strings.Contains(done.Text, text(t, "fr", "erased_answers", nil)) {
		t.Errorf("the reply does not say the answers were erased:\n%s", done.Text)
	}

	for k, v := range dump(t, b.Client) {
		if strings.Contains(k, id) || strings.Contains(v, id) {
			t.Errorf("after /forget, %s still names the person: %.200q", k, v)
		}
		if !strings.HasPrefix(k, b.Prefix) {
			continue
		}
		for key, a := range answers {
			if len(a) >= 4 && strings.Contains(v, a) {
				t.Errorf("after /forget, %s still holds the answer %s=%s", k, key, a)
			}
		}
	}

	// Nothing left to erase the second time, and the person can start
	// again.
	n = len(h.api.Messages(p.ID))
	h.api.PushText(p, "/forget")
	_, ask = h.waitText(p, n, text(t, "fr", "forget_confirm", nil))
	h.api.PushCallback(p, ask.Buttons[0][0].CallbackData)
	h.waitText(p, n+1, text(t, "fr", "forget_nothing", nil))
}

// takeOffers presses every offer under the plan (reminders, a volunteer,
// a letter…) and the first button each one answers with (choose all
// reminders, consent to the handoff, the first letter), so that every
// feature keeps something about the person. It returns the offers taken.
func (h *harness) takeOffers(p telegramtest.User) []string {
	h.t.Helper()
	msgs := h.api.Messages(p.ID)
	var offers []string
	for _, row := range msgs[len(msgs)-1].Buttons {
		for _, b := range row {
			if strings.Contains(b.CallbackData, ":@offer=") {
				offers = append(offers, b.CallbackData)
			}
		}
	}
	for _, o := range offers {
		for _, r := range h.roundTripPress(p, o) {
			if data := featureButton(r); data != "" {
				next := h.roundTripPress(p, data)
				// The handoff's optional département question (skipped
				// here) comes before its consent.
				if strings.HasPrefix(data, "h:dep") {
					for _, r := range next {
						if data := featureButton(r); data != "" {
							h.roundTripPress(p, data)
							break
						}
					}
				}
				break
			}
		}
	}
	return offers
}

// featureButton is the first button of a message that belongs to a
// feature (not the conversation's "c:" buttons).
func featureButton(m telegramtest.Sent) string {
	for _, row := range m.Buttons {
		for _, b := range row {
			if !strings.HasPrefix(b.CallbackData, "c:") {
				return b.CallbackData
			}
		}
	}
	return ""
}

// An old or forged confirmation erases nothing.
func TestForgetOldOrForgedButton(t *testing.T) {
	b := redistest.Mini(t)
	h := startBot(t, b, fast(nil))
	p := telegramtest.User{ID: 987650001235, Lang: "en"}
	h.act(p, func() { h.api.PushText(p, "/start") })
	before := rawSession(t, b, p.ID)
	yesterday := strconv.FormatInt(testNow.Add(-24*time.Hour).Unix(), 10)
	for i, data := range []string{"p:fy:" + yesterday, "p:fy:", "p:fy:abc", "p:zz", "p:" + strings.Repeat("9", 300)} {
		n := len(h.api.Messages(p.ID))
		h.api.PushCallback(p, data)
		h.waitText(p, n, text(t, "en", "forget_expired", nil))
		if after := rawSession(t, b, p.ID); !equalMaps(before, after) {
			t.Fatalf("case %d (%q): the session changed", i, data)
		}
	}
}

// /privacy tells what is kept, for how long and how to erase it; the
// notice at /start points to it and to /forget; /help lists both.
func TestPrivacyNotice(t *testing.T) {
	b := redistest.Mini(t)
	h := startBot(t, b, fast(nil))
	for _, lang := range []string{"fr", "en"} {
		p := telegramtest.User{ID: 987650001240, Lang: lang}
		if lang == "en" {
			p.ID++
		}
		h.api.PushText(p, "/start")
		_, notice := h.waitText(p, 0, text(t, lang, "privacy_short", flows.Args{"Count": 90}))
		for _, cmd := range []string{"/privacy", "/forget"} {
			if !strings.Contains(notice.Text, cmd) {
				t.Errorf("%s: the notice at /start does not mention %s", lang, cmd)
			}
		}
		n := len(h.api.Messages(p.ID))
		h.api.PushText(p, "/privacy")
		_, full := h.waitText(p, n, text(t, lang, "privacy_full", noticeArgs))
		if !strings.Contains(full.Text, "90") || !strings.Contains(full.Text, "/forget") {
			t.Errorf("%s: /privacy does not say how long or how to erase:\n%s", lang, full.Text)
		}
		n = len(h.api.Messages(p.ID))
		h.api.PushText(p, "/help")
		_, help := h.waitText(p, n, "/privacy")
		if !strings.Contains(help.Text, "/forget") {
			t.Errorf("%s: /help does not list /forget:\n%s", lang, help.Text)
		}
	}
}

// A flood gets one polite warning, then silence; another person is
// answered meanwhile; after the pause the person is answered again.
func TestRateLimitOnTelegram(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, fast(map[string]string{"RATE_LIMIT": "3/1m", "RATE_LIMIT_MUTE": "10m"}))
		p := telegramtest.User{ID: 987650001250, Lang: "fr"}
		other := telegramtest.User{ID: 987650001251, Lang: "fr"}
		full := text(t, "fr", "privacy_full", noticeArgs)
		for range 8 {
			h.api.PushText(p, "/privacy")
		}
		h.api.PushText(other, "/privacy")
		h.waitText(other, 0, full)
		warn := text(t, "fr", "rate_limited", flows.Args{"Count": 10})
		before, _ := h.waitText(p, 0, warn)
		if len(before) != 3 {
			t.Fatalf("%d answers before the warning, want 3", len(before))
		}
		// The pause ends (the counter expires); the next message is heard,
		// and nothing was answered during the pause.
		key := b.Prefix + "{c:" + strconv.FormatInt(p.ID, 10) + "}:rl"
		if ttl := b.Client.PTTL(context.Background(), key).Val(); ttl < 9*time.Minute {
			t.Fatalf("pause of %v, want 10m", ttl)
		}
		b.Client.Del(context.Background(), key)
		h.api.PushText(p, "/privacy")
		during, _ := h.waitText(p, 4, full)
		if len(during) != 0 {
			t.Fatalf("answered during the pause: %+v", during)
		}
	})
}

// With DATA_KEY, the conversation is unreadable in Redis and still works;
// a malformed key stops the start without printing it; without a key the
// operator is warned.
func TestDataKey(t *testing.T) {
	const key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, fast(map[string]string{"DATA_KEY": key}))
		p := telegramtest.User{ID: 987650001260, Lang: "fr"}
		answers := h.walk(p, testStore(t, b, key))
		raw := rawSession(t, b, p.ID)["d"]
		for k, a := range answers {
			if strings.Contains(raw, a) {
				t.Errorf("answer %s=%s readable in Redis: %q", k, a, raw)
			}
		}
	})
	for _, bad := range []string{"c2hvcnQ=", "not base64 at all"} {
		var errs bytes.Buffer
		m := &Main{Getenv: envOf(map[string]string{"DATA_KEY": bad}), Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &errs}
		err := m.Run(context.Background(), nil)
		m.Close()
		if err == nil || !strings.Contains(err.Error(), "DATA_KEY") || strings.Contains(err.Error(), bad) {
			t.Errorf("DATA_KEY=%q: err = %v", bad, err)
		}
	}
	b := redistest.Mini(t)
	var errs bytes.Buffer
	m := &Main{Getenv: envOf(map[string]string{"REDIS_URL": b.URL}), Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &errs, Clock: func() time.Time { return testNow }}
	if err := m.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	m.Close()
	if !strings.Contains(errs.String(), "DATA_KEY is not set") {
		t.Errorf("no warning without DATA_KEY:\n%s", errs.String())
	}
}

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func flatten(m map[string]string) string {
	var sb strings.Builder
	for k, v := range m {
		sb.WriteString(k + "\n" + v + "\n")
	}
	return sb.String()
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
