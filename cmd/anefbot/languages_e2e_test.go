package main

import (
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
	"github.com/anefbot/anefbot/locales"
)

// One full path — greeting, a branch, two typed dates confirmed, a last
// question, the plan with the person's own dates — in every language,
// through the real adapter. Every text the person sees is the one of
// their language (checked against the catalog), and right-to-left texts
// carry their dates in directional isolates.
func TestEveryLanguagePlaysAFullPath(t *testing.T) {
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, map[string]string{"OUTBOX_CHAT_RATE": "100", "OUTBOX_CHAT_BURST": "100", "RATE_LIMIT": "off"})
		for i, l := range locales.Languages {
			t.Run(l.Code, func(t *testing.T) {
				p := telegramtest.User{ID: int64(9100 + i), Lang: l.Code}
				text := func(id string) string {
					s, err := cat.Text(l.Code, id, nil)
					if err != nil {
						t.Fatal(err)
					}
					return s
				}
				seen := 0
				// next waits for the person's next message and checks it
				// contains the rendered text of message id, up to its
				// first argument.
				next := func(id string) telegramtest.Sent {
					t.Helper()
					want, _ := cat.Text(l.Code, id, map[string]any{"Example": testNow, "Date": testNow, "Language": l.Name, "Count": 90})
					if k := strings.Index(want, "\u2068"); k > 0 {
						want = want[:k]
					}
					if k := strings.Index(want, "29/11/2026"); k > 0 {
						want = want[:k]
					}
					for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
						msgs := h.api.Messages(p.ID)
						for ; seen < len(msgs); seen++ {
							if strings.Contains(msgs[seen].Text, want) {
								seen++
								return msgs[seen-1]
							}
						}
						time.Sleep(10 * time.Millisecond)
					}
					t.Fatalf("%s: no message with %q (%s); got %+v", l.Code, want, id, h.api.Messages(p.ID))
					return telegramtest.Sent{}
				}
				press := func(m telegramtest.Sent, id string) {
					t.Helper()
					label := text(id)
					for _, row := range m.Buttons {
						for _, btn := range row {
							if btn.Text == label {
								h.api.PushCallback(p, btn.CallbackData)
								return
							}
						}
					}
					t.Fatalf("%s: no button %q in %+v", l.Code, label, m.Buttons)
				}
				h.api.PushText(p, "/start")
				next("start_greeting")
				press(next("sit_prompt"), "sit_t3")
				h.api.PushText(p, "15/03/2027")
				press(next("date_confirm"), "date_yes")
				h.api.PushText(p, "20/11/2026")
				press(next("date_confirm"), "date_yes")
				press(next("t3_docs_prompt"), "t3_docs_no")
				plan := next("t3_plan_title")
				for _, date := range []string{"15/11/2026", "14/01/2027", "20/03/2027"} {
					want := date
					if l.RTL {
						want = "\u2068" + date + "\u2069"
					}
					if !strings.Contains(plan.Text, want) {
						t.Errorf("%s: the plan lacks %q:\n%s", l.Code, want, plan.Text)
					}
				}
			})
		}
	})
}
