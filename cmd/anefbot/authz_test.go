package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
	"github.com/anefbot/anefbot/flows"
)

// Commands that reach other people's cases or the volunteers' list.
var (
	volunteerCommands = []string{"/queue", "/take", "/done", "/release", "/available", "/away", "/case", "/pseudo Amina"}
	adminCommands     = []string{"/invite fr", "/addvolunteer 123 fr", "/volunteers", "/pause 123", "/resume 123", "/remove 123", "/stats", "/admin"}
)

// The authorisation matrix: a person, a volunteer, another volunteer and
// an administrator try every volunteer and admin command and the
// handoff's buttons. Whoever lacks the role gets exactly the answer of a
// command that does not exist; a volunteer reads only the case they took,
// and buttons carrying someone else's case reference do nothing.
func TestAuthorisationMatrix(t *testing.T) {
	b := redistest.Mini(t)
	admin := telegramtest.User{ID: 987650004001, Lang: "fr"}
	volA := telegramtest.User{ID: 987650004002, Lang: "fr"}
	volB := telegramtest.User{ID: 987650004003, Lang: "fr"}
	person := telegramtest.User{ID: 987650004004, Lang: "fr"}
	other := telegramtest.User{ID: 987650004005, Lang: "fr"}
	h := startBot(t, b, fast(map[string]string{"ADMIN_IDS": strconv.FormatInt(admin.ID, 10), "RATE_LIMIT": "off"}))
	// Everyone has started: a first message gets the greeting whatever
	// it is, so the answers compared are those of an ongoing chat.
	for _, u := range []telegramtest.User{admin, person, other} {
		h.roundTrip(u, "/start")
	}
	for _, v := range []telegramtest.User{volA, volB} {
		h.roundTrip(admin, "/addvolunteer "+strconv.FormatInt(v.ID, 10)+" fr")
		h.roundTrip(v, "/start")
	}

	neutral := func(u telegramtest.User, cmd string) {
		t.Helper()
		name, _, _ := strings.Cut(cmd, " ")
		got := h.roundTrip(u, cmd)
		want := text(t, u.Lang, "unknown_command", flows.Args{"Command": name})
		if len(got) == 0 || !strings.HasPrefix(got[0].Text, want) {
			t.Errorf("user %d %s: want the unknown-command answer, got %+v", u.ID, cmd, got)
		}
	}
	served := func(u telegramtest.User, cmd string) {
		t.Helper()
		name, _, _ := strings.Cut(cmd, " ")
		got := h.roundTrip(u, cmd)
		if len(got) == 0 || strings.HasPrefix(got[0].Text, text(t, u.Lang, "unknown_command", flows.Args{"Command": name})) {
			t.Errorf("user %d %s: refused or unanswered: %+v", u.ID, cmd, got)
		}
	}
	for _, cmd := range volunteerCommands {
		neutral(person, cmd)
		neutral(admin, cmd) // an administrator is not a volunteer unless added
	}
	for _, cmd := range adminCommands {
		neutral(person, cmd)
		neutral(volA, cmd)
		neutral(volB, cmd)
	}
	for _, cmd := range []string{"/queue", "/case", "/available"} {
		served(volA, cmd)
	}
	for _, cmd := range []string{"/volunteers", "/stats", "/admin"} {
		served(admin, cmd)
	}

	// The person asks for a volunteer and consents; A takes the case.
	h.walk(person, testStore(t, b, ""))
	h.roundTrip(person, "/human")
	h.pressLatest(person, "h:dep") // the optional département question: skip
	h.pressLatest(person, "h:ok")
	ref := b.Client.HGet(context.Background(), b.Prefix+"{q}:bychat", strconv.FormatInt(person.ID, 10)).Val()
	if ref == "" {
		t.Fatal("no case opened")
	}
	// Forged presses on the reference by people who do not hold it.
	for _, u := range []telegramtest.User{person, other, admin} {
		h.roundTripPress(u, "h:take:"+ref)
		h.roundTripPress(u, "h:done:solved")
	}
	h.roundTrip(volA, "/take "+ref)
	h.roundTrip(volB, "/take "+ref)
	h.roundTripPress(volB, "h:done:solved")
	h.roundTripPress(person, "h:done:solved")

	// What the person writes reaches A only.
	secret := "mon numéro AGDREF est 7501234567"
	nA, nB := len(h.api.Messages(volA.ID)), len(h.api.Messages(volB.ID))
	h.api.PushText(person, secret)
	h.waitText(volA, nA, "7501234567")
	h.roundTrip(volB, "/case") // B's chat is settled
	for _, m := range h.api.Messages(volB.ID)[nB:] {
		if strings.Contains(m.Text, "7501234567") {
			t.Fatalf("volunteer B, who did not take the case, read: %s", m.Text)
		}
	}
	for _, u := range []telegramtest.User{admin, other} {
		for _, m := range h.api.Messages(u.ID) {
			if strings.Contains(m.Text, "7501234567") {
				t.Fatalf("user %d read the person's message: %s", u.ID, m.Text)
			}
		}
	}
}

// roundTrip sends text and returns the answers, up to the answer of a
// /privacy sent after it (updates of one chat are handled in order).
func (h *harness) roundTrip(u telegramtest.User, text string) []telegramtest.Sent {
	h.t.Helper()
	n := len(h.api.Messages(u.ID))
	h.api.PushText(u, text)
	return h.settle(u, n)
}

func (h *harness) roundTripPress(u telegramtest.User, data string) []telegramtest.Sent {
	h.t.Helper()
	n := len(h.api.Messages(u.ID))
	h.api.PushCallback(u, data)
	return h.settle(u, n)
}

func (h *harness) settle(u telegramtest.User, n int) []telegramtest.Sent {
	h.t.Helper()
	h.api.PushText(u, "/privacy")
	got, _ := h.waitText(u, n, text(h.t, u.Lang, "privacy_full", noticeArgs))
	return got
}

// pressLatest presses the button of the chat's messages whose data starts
// with prefix, the latest first.
func (h *harness) pressLatest(u telegramtest.User, prefix string) {
	h.t.Helper()
	msgs := h.api.Messages(u.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.CallbackData, prefix) {
					h.roundTripPress(u, b.CallbackData)
					return
				}
			}
		}
	}
	h.t.Fatalf("chat %d: no button %s…", u.ID, prefix)
}
