package main

import (
	"strings"
	"testing"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// A person's very first message describes the problem in their own words;
// the bot greets them and proposes the matching branch (keyword lists from
// the locale files, wired by wire_diagnosis.go); Yes leads into it, and the
// plan arrives with the person's own deadline — through the real adapter.
func TestTelegramFreeTextToUrgentPlan(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, nil)
		p := telegramtest.User{ID: 5151, Lang: "fr"}
		h.api.PushText(p, "J'ai reçu une OQTF, que faire ?")
		h.expect(p, 1, "Bonjour")
		h.expect(p, 2, "effacées automatiquement")
		h.expect(p, 3, "Si je comprends bien")
		h.press(p, "Oui, c'est ça")
		h.expect(p, 4, "Qu'avez-vous reçu")
		h.press(p, "je suis libre")
		h.expect(p, 5, "À quelle date avez-vous reçu la décision")
		h.api.PushText(p, "20 novembre 2026")
		h.expect(p, 6, "Vous avez écrit : 20/11/2026")
		h.press(p, "Oui")
		plan := h.expect(p, 7, "URGENT")
		for _, want := range []string{
			"le lundi 21/12/2026",
			"aide juridictionnelle",
			"Contenu vérifié le 07/12/2026",
		} {
			if !strings.Contains(plan.Text, want) {
				t.Errorf("plan lacks %q:\n%s", want, plan.Text)
			}
		}
	})
}
