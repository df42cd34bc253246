package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/crypt"
	"github.com/anefbot/anefbot/bot/handoff"
	"github.com/anefbot/anefbot/bot/letters"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
	"github.com/anefbot/anefbot/flows"
)

// noticeArgs are the retention periods /privacy gives with the default
// settings: SESSION_TTL 90 days, HANDOFF_MAX_WAIT 14 days, reminders kept
// 7 days after their date, a letter 30 minutes.
var noticeArgs = flows.Args{"Days": 90, "CaseDays": 14, "ReminderDays": 7, "LetterMinutes": 30}

// /privacy names who is responsible for the data and how to reach them,
// says on what basis and for how long (from this deployment's settings),
// the rights and how to use them, the CNIL, and links the full text.
func TestPrivacyNamesTheOperator(t *testing.T) {
	b := redistest.Mini(t)
	h := startBot(t, b, fast(map[string]string{
		"OPERATOR_NAME":       "Association Exemple d'aide aux étrangers",
		"OPERATOR_CONTACT":    "donnees@exemple.org",
		"OPERATOR_DPO":        "dpo@exemple.org",
		"OPERATOR_NOTICE_URL": "https://exemple.org/confidentialite",
		"SESSION_TTL":         "720h",
		"HANDOFF_MAX_WAIT":    "168h",
	}))
	for i, lang := range []string{"fr", "en", "ar"} {
		p := telegramtest.User{ID: 987650019001 + int64(i), Lang: lang}
		h.api.PushText(p, "/privacy")
		_, got := h.waitText(p, 0, "Association Exemple")
		for _, want := range []string{
			"donnees@exemple.org", "dpo@exemple.org", "https://exemple.org/confidentialite",
			"https://www.cnil.fr/fr/plaintes", "/mydata", "/forget",
			// SESSION_TTL and HANDOFF_MAX_WAIT, in days
			text(t, lang, "privacy_full", flows.Args{"Days": 30, "CaseDays": 7, "ReminderDays": 7, "LetterMinutes": 30}),
		} {
			if !strings.Contains(got.Text, want) {
				t.Errorf("%s: /privacy lacks %q:\n%s", lang, want, got.Text)
			}
		}
		if strings.Contains(got.Text, text(t, lang, "privacy_no_operator", nil)) {
			t.Errorf("%s: says the operator is unknown although it is set", lang)
		}
	}
}

// Without the operator's identity, /privacy says so plainly and the bot
// warns the operator at start-up.
func TestPrivacyWithoutOperator(t *testing.T) {
	b := redistest.Mini(t)
	logs := &lockedBuffer{}
	h := startBotWith(t, b, fast(map[string]string{"LOG_LEVEL": "warn"}), func(m *Main) { m.Stderr = logs })
	p := telegramtest.User{ID: 987650019011, Lang: "fr"}
	h.api.PushText(p, "/privacy")
	_, got := h.waitText(p, 0, text(t, "fr", "privacy_no_operator", nil))
	for _, want := range []string{text(t, "fr", "privacy_full", noticeArgs), "https://www.cnil.fr/fr/plaintes"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("/privacy lacks %q", want)
		}
	}
	if !strings.Contains(logs.String(), "OPERATOR_NAME and OPERATOR_CONTACT are not set") {
		t.Errorf("no start-up warning about the operator:\n%s", logs.String())
	}
}

// /mydata sends a file with everything the bot holds about the person,
// read through each feature's store, sealed or not: the answers with the
// questions as they were asked, a letter in preparation, a request for a
// volunteer with the details typed. After /forget there is nothing.
func TestMyData(t *testing.T) {
	const key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		logs := &lockedBuffer{}
		h := startBotWith(t, b, fast(map[string]string{"DATA_KEY": key, "OPERATOR_NAME": "A", "OPERATOR_CONTACT": "a@b.c"}), func(m *Main) { m.Stderr = logs })
		defer func() {
			if t.Failed() {
				t.Log(logs.String())
			}
		}()
		p := telegramtest.User{ID: 987650019021, Lang: "fr"}
		answers := h.walk(p, testStore(t, b, key))
		keys, err := crypt.ParseKeyring(key, "")
		if err != nil {
			t.Fatal(err)
		}
		draft := letters.Draft{Letter: "api", Lang: "fr", Values: map[string]string{"name": "Amina Testnom"}}
		if err := letters.NewStore(b.Client, b.Prefix, 0, keys).Save(ctx, p.ID, draft); err != nil {
			t.Fatal(err)
		}
		cases := handoff.NewStore(b.Client, b.Prefix)
		cases.Sealer = keys
		c := handoff.Case{Ref: "H-TSTMD", Chat: p.ID, Lang: "fr", Created: h.now().UnixMilli(),
			Summary: handoff.Summary{Departement: "93"}, Details: []string{"mon récépissé expire vendredi"}}
		if _, _, err := cases.Open(ctx, c); err != nil {
			t.Fatal(err)
		}

		n := len(h.api.Messages(p.ID))
		h.api.PushText(p, "/mydata")
		got := h.waitDocument(p)
		if want := text(t, "fr", "mydata_caption", nil); got.Params["caption"] != want {
			t.Errorf("caption = %q, want %q", got.Params["caption"], want)
		}
		file := string(got.File)
		want := []string{
			text(t, "fr", "mydata_answers", nil), text(t, "fr", "sit_prompt", nil),
			text(t, "fr", "mydata_letter", nil), "Amina Testnom",
			text(t, "fr", "mydata_case", nil), "H-TSTMD", "93", "mon récépissé expire vendredi",
		}
		for _, v := range answers {
			if len(v) == len("2006-01-02") && v[4] == '-' { // the dates typed
				want = append(want, readableDate(v))
			}
		}
		for _, w := range want {
			if !strings.Contains(file, w) {
				t.Errorf("/mydata file lacks %q:\n%s", w, file)
			}
		}

		h.api.PushText(p, "/forget")
		h.waitText(p, n, text(t, "fr", "forget_confirm", nil))
		h.press(p, text(t, "fr", "forget_btn_yes", nil))
		h.waitText(p, n, text(t, "fr", "forget_done", nil))
		n = len(h.api.Messages(p.ID))
		h.api.PushText(p, "/mydata")
		h.waitText(p, n, text(t, "fr", "mydata_nothing", nil))
	})
}

// waitDocument waits for a file sent to the chat.
func (h *harness) waitDocument(u telegramtest.User) telegramtest.Sent {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, d := range h.api.Sent("sendDocument") {
			if d.ChatID == u.ID && len(d.File) > 0 {
				return d
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("chat %d: no document", u.ID)
		}
		time.Sleep(20 * time.Millisecond) // polling the fake's record
	}
}
