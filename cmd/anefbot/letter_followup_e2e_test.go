package main

import (
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// tap waits until the chat's latest message with buttons has one whose
// label contains label, and presses it: the next question may still be
// on its way.
func (c *letterChat) tap(label string) {
	c.h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs := c.h.api.Messages(c.u.ID)
		// From the last message waited for, never one already tapped.
		low := max(c.seen-1, c.tapped, 0)
		for i := len(msgs) - 1; i >= low; i-- {
			if len(msgs[i].Buttons) == 0 {
				continue
			}
			for _, row := range msgs[i].Buttons {
				for _, b := range row {
					if strings.Contains(b.Text, label) {
						c.seen, c.tapped = i+1, i+1
						c.h.api.PushCallback(c.u, b.CallbackData)
						return
					}
				}
			}
			break
		}
		if time.Now().After(deadline) {
			c.h.t.Fatalf("chat %d: no button %q after message %d", c.u.ID, label, c.seen)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// substitutionLetter answers the substitution letter's questions, skipping
// what can be, up to the PDF.
func (c *letterChat) substitutionLetter() telegramtest.Sent {
	c.h.t.Helper()
	h := c.h
	c.openLetter("solution de substitution")
	h.api.PushText(c.u, "Amina Benali")
	c.want("Your postal address")
	h.api.PushText(c.u, "12 rue de la Paix\n93200 Saint-Denis")
	for _, q := range []string{"phone number", "e-mail", "numéro étranger", "ANEF"} {
		c.want(q)
		h.press(c.u, "Skip")
	}
	c.want("number of your département")
	h.api.PushText(c.u, "93")
	c.want("préfecture's postal address")
	h.press(c.u, "Skip")
	c.want("end date of your residence permit")
	h.api.PushText(c.u, "15/12/2026")
	c.want("Since what date")
	h.press(c.u, "Skip")
	c.want("Centre de contact citoyen")
	h.press(c.u, "Yes")
	c.want("On what date did you contact")
	h.press(c.u, "Skip")
	c.want("screenshots")
	h.press(c.u, "Yes")
	c.want("Your letter")
	h.press(c.u, "Create the letter")
	c.document(1)
	return c.want("lettre recommandée avec accusé de réception")
}

// A person gets a letter and says "I sent it" today: the follow-up
// reminder is scheduled 15 days later (no rule gives the préfecture a
// delay for this letter, anef.md §2.3), once however often they say so, a
// forged button schedules nothing, /reminders lists it, it arrives in
// their language with the usual buttons, and the case summary a volunteer
// would see names the letter sent.
func TestTelegramLetterFollowUpReminder(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, nil)
		c := &letterChat{h: h, u: telegramtest.User{ID: 5252, Lang: "en"}}
		after := c.substitutionLetter()

		h.pressIn(c.u, after, "I sent it")
		c.want("On what date did you send the letter")
		h.press(c.u, "Today")
		c.want("registered mail")
		h.api.PushText(c.u, "1A 123 456 7890 1")
		c.want("Noted: letter sent on 29/11/2026. I will remind you on 14/12/2026")
		c.want("I will write to you on 14/12/2026 at 10:00")
		h.pressIn(c.u, after, "I sent it")
		c.tap("Today")
		c.tap("Skip")
		c.want("already set for 14/12/2026")
		// A forged button (no such letter) schedules nothing.
		h.api.PushCallback(c.u, "l:0:sent=nope")
		c.want("earlier question")

		h.api.PushText(c.u, "/reminders")
		list := c.want("Your reminders")
		if got := strings.Count(list.Text, "14/12/2026"); got != 1 {
			t.Errorf("/reminders lists the follow-up %d times:\n%s", got, list.Text)
		}

		h.api.PushText(c.u, "/human")
		c.want("département")
		h.press(c.u, "Skip")
		consent := c.want("This is what they will see")
		if !strings.Contains(consent.Text, "Letter sent: Ask for the « solution de substitution »") ||
			!strings.Contains(consent.Text, "on 29/11/2026") || !strings.Contains(consent.Text, "follow-up planned on 14/12/2026") {
			t.Errorf("the case summary does not show the letter sent:\n%s", consent.Text)
		}
		h.press(c.u, "No, thank you")

		h.advance(15 * 24 * time.Hour)
		rem := c.want("On 29/11/2026, you prepared or sent a letter")
		labels := buttonLabels(rem)
		for _, want := range []string{"Done", "Remind me again in 3 days", "Stop these reminders"} {
			if !strings.Contains(labels, want) {
				t.Errorf("reminder lacks button %q: %s", want, labels)
			}
		}
	})
}

// The request for the reasons of an implicit refusal: a filing so old
// that the recourse period has ended shows no date to send the letter
// before, but says to have a lawyer check (anef.md §10.2); once sent, the
// follow-up comes one month later, the préfecture's time to answer
// (L232-4 CRPA, anef.md §3.4).
func TestTelegramMotifsPastDeadlineAndFollowUp(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, nil)
		c := &letterChat{h: h, u: telegramtest.User{ID: 5353, Lang: "en"}}
		h.api.PushText(c.u, "/start")
		c.want("What is your situation?")
		c.tap("« attestation de dépôt »")
		c.want("")
		h.api.PushText(c.u, "15/12/2026")
		c.tap("Yes")
		c.want("")
		h.api.PushText(c.u, "10/03/2026")
		c.tap("Yes")
		c.tap("No, my file is complete")
		c.want("Content checked on")
		h.press(c.u, "Get a letter")
		c.want("Which letter")
		h.press(c.u, "reasons")
		c.want("Your first name")
		h.api.PushText(c.u, "Amina Benali")
		c.want("Your postal address")
		h.api.PushText(c.u, "12 rue de la Paix\n69003 Lyon")
		for _, q := range []string{"phone number", "e-mail", "numéro étranger", "ANEF"} {
			c.want(q)
			h.press(c.u, "Skip")
		}
		h.api.PushText(c.u, "69")
		c.want("Préfecture du Rhône (Lyon)")
		h.press(c.u, "Skip")
		c.want("screenshots")
		h.press(c.u, "No")
		review := c.want("Your letter: request for the reasons")
		// Filed 10/03/2026: refusal 10/07/2026, last day 11/09/2026.
		if !strings.Contains(review.Text, "was 11/09/2026: this deadline seems to have passed") || strings.Contains(review.Text, "Send this letter before") {
			t.Errorf("the summary presents a past date as a target:\n%s", review.Text)
		}
		h.press(c.u, "Create the letter")
		c.document(1)
		c.tap("I sent it")
		c.want("On what date")
		h.api.PushText(c.u, "28/11/2026")
		c.tap("Skip")
		rec := c.want("letter sent on 28/11/2026")
		if !strings.Contains(rec.Text, "L232-4") || !strings.Contains(rec.Text, "28/12/2026") {
			t.Errorf("follow-up not one month later:\n%s", rec.Text)
		}
		c.want("I will write to you on 28/12/2026")
	})
}
