package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// waitFor waits for a message to u, after the first `after` ones, that
// contains want; it returns its 1-based number.
func (h *harness) waitFor(u telegramtest.User, after int, want string) (int, telegramtest.Sent) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs := h.api.Messages(u.ID)
		for i := after; i < len(msgs); i++ {
			if strings.Contains(msgs[i].Text, want) {
				return i + 1, msgs[i]
			}
		}
		if time.Now().After(deadline) {
			var texts []string
			for _, m := range msgs[min(after, len(msgs)):] {
				texts = append(texts, m.Text)
			}
			h.t.Fatalf("no message with %q after #%d; got:\n%s", want, after, strings.Join(texts, "\n---\n"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func buttonLabels(m telegramtest.Sent) string {
	var labels []string
	for _, row := range m.Buttons {
		for _, b := range row {
			labels = append(labels, b.Text)
		}
	}
	return strings.Join(labels, " | ")
}

// A person gives their dates in the conversation, asks for reminders
// under the plan, sees them with /reminders, gets them as a calendar file;
// when the day comes the reminder arrives in English with its buttons;
// "remind me again in 3 days" brings it back three days later.
func TestTelegramReminders(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, nil)
		p := telegramtest.User{ID: 5151, Lang: "en-GB"}
		n, plan := h.t3Plan(p, 0, "20/11/2026")
		if !strings.Contains(buttonLabels(plan), "Remind me of these dates") {
			t.Fatalf("plan without the reminder offer: %s", buttonLabels(plan))
		}
		h.press(p, "Remind me of these dates")
		// Filed 20/11/2026: 4 months → 20/03/2027 (anef.md §3.4); a week
		// before the last day to go to court (20/05 + 1 = Friday 21/05/2027,
		// a délai franc, §10.2) → 14/05/2027.
		n, choice := h.waitFor(p, n, "I can send you a reminder")
		for _, want := range []string{"20/03/2027 — 4 months since you filed", "14/05/2027 — a week before"} {
			if !strings.Contains(choice.Text, want) {
				t.Errorf("choice lacks %q:\n%s", want, choice.Text)
			}
		}
		h.press(p, "All of these reminders")
		n, _ = h.waitFor(p, n, "Noted. I will write to you at 10:00")

		h.api.PushText(p, "/reminders")
		n, list := h.waitFor(p, n, "Your reminders")
		if !strings.Contains(list.Text, "20/03/2027") || !strings.Contains(list.Text, "14/05/2027") {
			t.Errorf("/reminders lacks the dates:\n%s", list.Text)
		}
		labels := buttonLabels(list)
		for _, want := range []string{"Cancel the one on 14/05/2027", "Cancel all", "Add to my calendar"} {
			if !strings.Contains(labels, want) {
				t.Errorf("/reminders lacks button %q: %s", want, labels)
			}
		}
		h.press(p, "Add to my calendar")
		doc := waitDocument(t, h.api, p.ID)
		if !strings.Contains(string(doc.File), "DTSTART;TZID=Europe/Paris:20270320T100000\r\n") ||
			!strings.Contains(string(doc.File), "BEGIN:VALARM") {
			t.Errorf("calendar file:\n%s", doc.File)
		}

		// The day comes: 20/03/2027 at 10:00 in Paris (09:00 UTC).
		h.advance(time.Date(2027, 3, 20, 9, 0, 0, 0, time.UTC).Sub(testNow))
		n, rem := h.waitFor(p, n, "it is 4 months since you filed")
		labels = buttonLabels(rem)
		for _, want := range []string{"Done", "Remind me again in 3 days", "Stop these reminders"} {
			if !strings.Contains(labels, want) {
				t.Errorf("reminder lacks button %q: %s", want, labels)
			}
		}
		h.press(p, "Remind me again in 3 days")
		n, _ = h.waitFor(p, n, "I will remind you again on 23/03/2027")
		h.advance(72 * time.Hour)
		n, _ = h.waitFor(p, n, "it is 4 months since you filed")
		h.press(p, "Done")
		n, _ = h.waitFor(p, n, "Noted. Keep proof")
		// A second press on the same button does nothing twice.
		h.press(p, "Done")
		h.waitFor(p, n, "no longer matches an active reminder")
	})
}

// t3Plan takes p through the "filed, no API" branch (card ending
// 15/03/2027, filed on filed, file complete) to its plan.
func (h *harness) t3Plan(p telegramtest.User, n int, filed string) (int, telegramtest.Sent) {
	h.t.Helper()
	h.api.PushText(p, "/start")
	n, _ = h.waitFor(p, n, "What is your situation?")
	return h.t3Branch(p, n, filed)
}

// t3Branch is t3Plan from the situation question, already shown.
func (h *harness) t3Branch(p telegramtest.User, n int, filed string) (int, telegramtest.Sent) {
	h.t.Helper()
	h.press(p, "« attestation de dépôt »")
	n, _ = h.waitFor(p, n, "end date of your residence permit")
	h.api.PushText(p, "15/03/2027")
	n, _ = h.waitFor(p, n, "You wrote: 15/03/2027")
	h.press(p, "Yes")
	n, _ = h.waitFor(p, n, "On what date did you file")
	h.api.PushText(p, filed)
	n, _ = h.waitFor(p, n, "You wrote: "+filed)
	h.press(p, "Yes")
	n, _ = h.waitFor(p, n, "asked you for documents")
	h.press(p, "No, my file is complete")
	return h.waitFor(p, n, "Your plan")
}

// Buttons with data that is not the person's own change nothing; /forget
// erases the reminders and says so.
func TestTelegramRemindersForgedAndForget(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, nil)
		p := telegramtest.User{ID: 6161, Lang: "en"}
		other := telegramtest.User{ID: 7171, Lang: "en"}
		n, _ := h.t3Plan(p, 0, "20/11/2026")
		h.press(p, "Remind me of these dates")
		n, _ = h.waitFor(p, n, "I can send you a reminder")
		h.press(p, "All of these reminders")
		n, _ = h.waitFor(p, n, "Noted. I will write to you")
		scheduled := func() int64 {
			c, err := b.Client.ZCard(context.Background(), b.Prefix+"{rem}:due").Result()
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if got := scheduled(); got != 2 {
			t.Fatalf("%d scheduled, want 2", got)
		}
		m := 0
		for _, data := range []string{
			"r:c:refusal-20270320",  // p's reminder, pressed by someone else
			"r:o:api_14",            // a kind other has no date for
			"r:d:refusal-20270320",  // "done" on a reminder never sent to them
			"r:s:recourse-20270514", // "remind me again" likewise
			"r:x:refusal-20270320",  // "stop these reminders" likewise
			"r:h:refusal-20270320",  // "I need help" likewise
			"r:zz",
		} {
			h.api.PushCallback(other, data)
			m, _ = h.waitFor(other, m, "no longer matches an active reminder")
		}
		// p's own forged kind and an unsent reminder's buttons are refused.
		for _, data := range []string{"r:o:api_14", "r:d:refusal-20270320", "r:c:refusal-20270101"} {
			h.api.PushCallback(p, data)
			n, _ = h.waitFor(p, n, "no longer matches an active reminder")
		}
		if got := scheduled(); got != 2 {
			t.Fatalf("forged presses changed the schedule: %d left", got)
		}
		// The person corrects their filing date: the reminders follow, and
		// the person is told which moved.
		n, _ = h.t3Plan(p, n, "25/11/2026")
		var moved telegramtest.Sent
		n, moved = h.waitFor(p, n, "Reminder moved")
		for _, want := range []string{"now on 25/03/2027 (instead of 20/03/2027)", "now on 19/05/2027 (instead of 14/05/2027)"} {
			if !strings.Contains(moved.Text, want) {
				t.Errorf("the move is not told (%q):\n%s", want, moved.Text)
			}
		}
		h.api.PushText(p, "/reminders")
		n, list := h.waitFor(p, n, "Your reminders")
		for _, want := range []string{"25/03/2027", "19/05/2027"} {
			if !strings.Contains(list.Text, want) {
				t.Errorf("/reminders after the new date lacks %s:\n%s", want, list.Text)
			}
		}
		if strings.Contains(list.Text, "20/03/2027") || scheduled() != 2 {
			t.Errorf("the old reminders stayed (%d scheduled):\n%s", scheduled(), list.Text)
		}
		h.api.PushText(p, "/forget")
		n, _ = h.waitFor(p, n, "Do you really want to erase everything?")
		h.press(p, "Yes, erase everything")
		_, done := h.waitFor(p, n, "I erased")
		if !strings.Contains(done.Text, "your date reminders") {
			t.Errorf("/forget does not name the reminders:\n%s", done.Text)
		}
		if got := scheduled(); got != 0 {
			t.Errorf("%d reminders left after /forget", got)
		}
	})
}

func waitDocument(t *testing.T, api *telegramtest.Server, chat int64) telegramtest.Sent {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, d := range api.Sent("sendDocument") {
			if d.Params["chat_id"] == strconv.FormatInt(chat, 10) {
				return d
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no document sent")
	return telegramtest.Sent{}
}
