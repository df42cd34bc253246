package main

import (
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// oqtfPlan takes p through the urgent branch (an OQTF, free, notified
// on notified) to its plan.
func (h *harness) oqtfPlan(p telegramtest.User, n int, notified string) (int, telegramtest.Sent) {
	h.t.Helper()
	h.api.PushText(p, "/start")
	n, _ = h.waitFor(p, n, "What is your situation?")
	h.press(p, "Refusal, OQTF")
	n, _ = h.waitFor(p, n, "What did you receive")
	h.press(p, "and I am free")
	n, _ = h.waitFor(p, n, "On what date did you receive the decision")
	h.api.PushText(p, notified)
	n, _ = h.waitFor(p, n, "You wrote: "+notified)
	h.press(p, "Yes")
	return h.waitFor(p, n, "URGENT")
}

// The reported sequence: an OQTF plan with its court-deadline reminder
// accepted, then /restart, another situation and its reminders accepted.
// The court reminder is still there, next to the new ones.
func TestTelegramCourtReminderSurvivesAnotherBranch(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, nil)
		p := telegramtest.User{ID: 8181, Lang: "en"}
		n, _ := h.oqtfPlan(p, 0, "20/11/2026")
		h.press(p, "Remind me of these dates")
		n, _ = h.waitFor(p, n, "I can send you a reminder")
		h.press(p, "All of these reminders")
		n, _ = h.waitFor(p, n, "Noted. I will write to you")

		h.api.PushText(p, "/restart")
		n, _ = h.waitFor(p, n, "What is your situation?")
		n, _ = h.t3Branch(p, n, "20/11/2026")
		h.press(p, "Remind me of these dates")
		n, _ = h.waitFor(p, n, "I can send you a reminder")
		h.press(p, "All of these reminders")
		var ok telegramtest.Sent
		n, ok = h.waitFor(p, n, "Noted. I will write to you")
		// The confirmation lists the court reminder with the new ones.
		if !strings.Contains(ok.Text, "14/12/2026 — a week before the end of the time to challenge the decision you received") {
			t.Errorf("the confirmation does not list the court reminder:\n%s", ok.Text)
		}

		h.api.PushText(p, "/reminders")
		_, list := h.waitFor(p, n, "Your reminders")
		// OQTF notified 20/11/2026: last day Monday 21/12/2026 (a délai
		// franc, anef.md §10.2), reminder a week before, Monday 14/12/2026.
		for _, want := range []string{"14/12/2026", "20/03/2027", "14/05/2027"} {
			if !strings.Contains(list.Text, want) {
				t.Errorf("/reminders lacks %s:\n%s", want, list.Text)
			}
		}
		// Nothing was moved or removed, so nothing was said about it.
		for _, m := range h.api.Messages(p.ID) {
			if strings.Contains(m.Text, "Reminder moved") || strings.Contains(m.Text, "Reminder removed") {
				t.Errorf("a change was reported though none happened:\n%s", m.Text)
			}
		}
		// The day comes: the court reminder is sent, with its buttons.
		h.advance(time.Date(2026, 12, 14, 9, 0, 0, 0, time.UTC).Sub(testNow))
		_, rem := h.waitFor(p, n, "In a week, on 21/12/2026, the time to challenge the decision you received")
		if !strings.Contains(buttonLabels(rem), "Done") {
			t.Errorf("court reminder: %s\n%s", buttonLabels(rem), rem.Text)
		}
	})
}

// The person corrects the date of their decision: the court reminder
// moves, and they are told which one, with both dates, under the plan.
func TestTelegramMovedReminderIsTold(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, nil)
		p := telegramtest.User{ID: 8282, Lang: "en"}
		n, _ := h.oqtfPlan(p, 0, "20/11/2026")
		h.press(p, "Remind me of these dates")
		n, _ = h.waitFor(p, n, "I can send you a reminder")
		h.press(p, "All of these reminders")
		n, _ = h.waitFor(p, n, "Noted. I will write to you")
		n, _ = h.oqtfPlan(p, n, "23/11/2026")
		_, moved := h.waitFor(p, n, "Reminder moved")
		if !strings.Contains(moved.Text, "now on 17/12/2026 (instead of 14/12/2026)") {
			t.Errorf("the move is not told with both dates:\n%s", moved.Text)
		}
	})
}
