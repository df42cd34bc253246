package main

import (
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// A person gets a letter and asks to be reminded to follow it up: the
// reminder is scheduled once however often the button is pressed, a
// forged button schedules nothing, /reminders lists it, and 15 days later
// it arrives in their language with the usual buttons.
func TestTelegramLetterFollowUpReminder(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, nil)
		c := &letterChat{h: h, u: telegramtest.User{ID: 5252, Lang: "en"}}
		c.openLetter("solution de substitution")
		h.api.PushText(c.u, "Amina Benali")
		c.want("Your postal address")
		h.api.PushText(c.u, "12 rue de la Paix\n93200 Saint-Denis")
		c.want("numéro étranger")
		h.press(c.u, "Skip")
		c.want("number of your département")
		h.api.PushText(c.u, "93")
		c.want("préfecture's postal address")
		h.press(c.u, "Skip")
		c.want("end date of your residence permit")
		h.api.PushText(c.u, "15/12/2026")
		c.want("Since what date")
		h.press(c.u, "Skip")
		c.want("Your letter")
		h.press(c.u, "Create the letter")
		c.document(1)
		c.want("lettre recommandée avec accusé de réception")

		h.press(c.u, "Remind me to follow up")
		c.want("I will write to you on 14/12/2026 at 10:00")
		h.press(c.u, "Remind me to follow up")
		c.want("already set for 14/12/2026")
		// A forged button (no such letter) schedules nothing.
		h.api.PushCallback(c.u, "l:0:remind=nope")
		c.want("earlier question")

		h.api.PushText(c.u, "/reminders")
		list := c.want("Your reminders")
		if got := strings.Count(list.Text, "14/12/2026"); got != 1 {
			t.Errorf("/reminders lists the follow-up %d times:\n%s", got, list.Text)
		}

		h.advance(15 * 24 * time.Hour)
		rem := c.want("Two weeks ago, on 29/11/2026, you prepared a letter")
		labels := buttonLabels(rem)
		for _, want := range []string{"Done", "Remind me again in 3 days", "Stop these reminders"} {
			if !strings.Contains(labels, want) {
				t.Errorf("reminder lacks button %q: %s", want, labels)
			}
		}
		if n := len(h.api.Messages(c.u.ID)); n != c.seen {
			t.Errorf("%d messages after the reminder, want none", n-c.seen)
		}
	})
}
