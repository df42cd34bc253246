package main

import (
	"strings"
	"testing"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// A person starts the bot on Telegram, picks "filed but no API", types two
// dates, confirms them, answers the last question and gets a plan with
// their own dates — through the real adapter, the real program and Redis.
func TestTelegramConversationToPlan(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, nil)
		p := telegramtest.User{ID: 4242, Lang: "en-GB"}
		h.api.PushText(p, "/start")
		h.expect(p, 1, "Hello! I am anefbot")
		h.expect(p, 2, "erased automatically after 90 days")
		h.expect(p, 3, "What is your situation?")
		h.press(p, "« attestation de dépôt »")
		h.expect(p, 4, "end date of your residence permit")
		h.api.PushText(p, "15/03/2027")
		h.expect(p, 5, "You wrote: 15/03/2027")
		h.press(p, "Yes")
		h.expect(p, 6, "On what date did you file")
		// A filing date after today is refused with the reason.
		h.api.PushText(p, "2 dec 2026")
		h.expect(p, 7, "The date 02/12/2026 is in the future")
		h.api.PushText(p, "20.11.26")
		h.expect(p, 8, "You wrote: 20/11/2026")
		h.press(p, "No")
		h.expect(p, 9, "On what date did you file")
		h.api.PushText(p, "20 novembre 2026")
		h.expect(p, 10, "You wrote: 20/11/2026")
		h.press(p, "Yes")
		h.expect(p, 11, "asked you for documents")
		h.press(p, "No, my file is complete")
		plan := h.expect(p, 12, "Your plan")
		for _, want := range []string{
			"You filed on 20/11/2026, within the required period (15/11/2026 to 14/01/2027)",
			"implicit refusal (« refus implicite ») on 20/03/2027",
			"would then be Friday 21/05/2027",
			"0806 001 620",
			"Content checked on 07/12/2026",
		} {
			if !strings.Contains(plan.Text, want) {
				t.Errorf("plan lacks %q:\n%s", want, plan.Text)
			}
		}
		if strings.Contains(plan.Text, "First: send the requested documents") {
			t.Errorf("complete file, yet the plan asks for documents:\n%s", plan.Text)
		}
	})
}
