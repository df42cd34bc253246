package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
	"github.com/anefbot/anefbot/locales"
)

// seek waits for a message to u, after the first *from, that contains
// want; it moves *from past it and returns it.
func (h *harness) seek(u telegramtest.User, from *int, want string) telegramtest.Sent {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs := h.api.Messages(u.ID)
		for i := *from; i < len(msgs); i++ {
			if strings.Contains(msgs[i].Text, want) {
				*from = i + 1
				return msgs[i]
			}
		}
		if time.Now().After(deadline) {
			var texts []string
			for _, m := range msgs[min(*from, len(msgs)):] {
				texts = append(texts, m.Text)
			}
			h.t.Fatalf("chat %d: no message with %q after #%d; got:\n%s", u.ID, want, *from, strings.Join(texts, "\n---\n"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// pressIn presses the button labelled label on message m.
func (h *harness) pressIn(u telegramtest.User, m telegramtest.Sent, label string) {
	h.t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				h.api.PushCallback(u, b.CallbackData)
				return
			}
		}
	}
	h.t.Fatalf("no button %q on %q: %+v", label, m.Text, m.Buttons)
}

var refRE = regexp.MustCompile(`H-[A-Z2-9]{5}`)

// A person asks for a human; an admin has invited a volunteer with a
// one-time link; the volunteer is notified, takes the case, they talk
// through the bot in both directions and in order, the volunteer closes
// it and the person is told. Strangers trying volunteer or admin commands
// learn nothing.
func TestTelegramHandoff(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		admin := telegramtest.User{ID: 900, Lang: "fr"}
		vol := telegramtest.User{ID: 901, Lang: "fr"}
		person := telegramtest.User{ID: 902, Lang: "fr"}
		stranger := telegramtest.User{ID: 903, Lang: "fr"}
		// The outbox paces each chat at Telegram's rate; this test is about
		// order, not pacing.
		h := startBot(t, b, map[string]string{"ADMIN_IDS": "900", "OUTBOX_CHAT_RATE": "100", "OUTBOX_CHAT_BURST": "50"})
		var na, nv, np, ns int

		h.api.PushText(admin, "/invite fr,en 75 Amina")
		inv := h.seek(admin, &na, "Lien d'invitation")
		link := regexp.MustCompile(`https://t\.me/anefbot_test_bot\?start=(v[0-9a-f]+)`).FindStringSubmatch(inv.Text)
		if link == nil {
			t.Fatalf("no deep link in %q", inv.Text)
		}
		h.api.PushText(vol, "/start "+link[1])
		h.seek(vol, &nv, "Bienvenue parmi les bénévoles")
		h.seek(admin, &na, "Nouvelle personne bénévole")
		// The link works once: a second person gets the ordinary welcome.
		h.api.PushText(stranger, "/start "+link[1])
		if m := h.seek(stranger, &ns, "anefbot"); strings.Contains(m.Text, "bénévoles") {
			t.Errorf("a used invitation still works: %q", m.Text)
		}

		for _, cmd := range []string{"/queue", "/take", "/stats", "/volunteers"} {
			h.api.PushText(stranger, cmd)
			m := h.seek(stranger, &ns, cmd)
			if strings.Contains(m.Text, "demande") || strings.Contains(m.Text, "bénévole") {
				t.Errorf("%s revealed something to a stranger: %q", cmd, m.Text)
			}
		}

		h.api.PushText(person, "/human")
		h.pressIn(person, h.seek(person, &np, "Dans quel département"), "Passer")
		consent := h.seek(person, &np, "Voici ce qu'elle verra")
		h.pressIn(person, consent, "Oui, j'envoie")
		queued := h.seek(person, &np, "Votre demande est enregistrée")
		ref := refRE.FindString(queued.Text)
		if ref == "" || !strings.Contains(queued.Text, "n° 1") {
			t.Fatalf("no reference or position in %q", queued.Text)
		}

		note := h.seek(vol, &nv, "Nouvelle demande "+ref)
		h.pressIn(vol, note, "Je la prends")
		c := h.seek(vol, &nv, "Demande prise")
		if !strings.Contains(c.Text, ref) || strings.Contains(c.Text, fmt.Sprint(person.ID)) {
			t.Errorf("case shown to the volunteer: %q", c.Text)
		}
		h.seek(person, &np, "Amina, bénévole, s'occupe de votre demande "+ref)

		// Relay, both ways, in order.
		for i := 1; i <= 3; i++ {
			h.api.PushText(person, fmt.Sprintf("question %d", i))
			h.api.PushText(vol, fmt.Sprintf("réponse %d", i))
		}
		for i := 1; i <= 3; i++ {
			h.seek(vol, &nv, fmt.Sprintf("%s : question %d", ref, i))
			h.seek(person, &np, fmt.Sprintf("Amina : réponse %d", i))
		}
		// A stranger cannot take the case nor write into it.
		h.api.PushText(stranger, "/take "+ref)
		h.seek(stranger, &ns, "/take")
		h.api.PushText(stranger, "hello?")
		h.seek(stranger, &ns, "")
		for _, m := range append(h.api.Messages(person.ID), h.api.Messages(vol.ID)...) {
			if strings.Contains(m.Text, "hello?") {
				t.Errorf("a stranger's text reached the case: %q", m.Text)
			}
		}

		h.api.PushText(vol, "/done solved")
		h.seek(vol, &nv, "Demande "+ref+" close")
		h.seek(person, &np, "Amina a clos votre demande "+ref)
		// After the close, the person's text goes to the conversation again.
		h.api.PushText(person, "merci")
		time.Sleep(50 * time.Millisecond)
		h.api.PushText(admin, "/stats")
		st := h.seek(admin, &na, "Demandes d'aide")
		if !strings.Contains(st.Text, "fr : en attente 0, en cours 0, closes 1") {
			t.Errorf("stats: %q", st.Text)
		}
		for _, m := range h.api.Messages(vol.ID)[nv:] {
			if strings.Contains(m.Text, "merci") {
				t.Errorf("a message reached the volunteer after the close: %q", m.Text)
			}
		}
	})
}

// Under an urgent plan the volunteer button comes first among the offers;
// pressing it asks for consent, and the case reaches the volunteer as
// urgent.
func TestTelegramHandoffOfferUnderUrgentPlan(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		cat, err := locales.New()
		if err != nil {
			t.Fatal(err)
		}
		label := func(id string) string {
			s, err := cat.Text("fr", id, nil)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		admin := telegramtest.User{ID: 910, Lang: "fr"}
		vol := telegramtest.User{ID: 911, Lang: "fr"}
		person := telegramtest.User{ID: 912, Lang: "fr"}
		h := startBot(t, b, map[string]string{"ADMIN_IDS": "910", "OUTBOX_CHAT_RATE": "100", "OUTBOX_CHAT_BURST": "50"})
		var na, nv, np int
		h.api.PushText(vol, "/start")
		h.seek(vol, &nv, "anefbot")
		h.api.PushText(admin, "/addvolunteer 911 fr Lina")
		h.seek(admin, &na, "911")

		h.api.PushText(person, "/start")
		situation := h.seek(person, &np, lead(label("sit_prompt")))
		h.pressIn(person, situation, label("sit_urgent"))
		kind := h.seek(person, &np, lead(label("u_kind_prompt")))
		h.pressIn(person, kind, label("u_kind_retention"))
		var plan telegramtest.Sent
		deadline := time.Now().Add(10 * time.Second)
		for plan.Buttons == nil && time.Now().Before(deadline) {
			for _, m := range h.api.Messages(person.ID)[np:] {
				if len(m.Buttons) > 0 {
					plan = m
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
		if len(plan.Buttons) == 0 || plan.Buttons[0][0].Text != label("handoff_offer") {
			t.Fatalf("first button under the urgent plan: %+v", plan.Buttons)
		}
		np = len(h.api.Messages(person.ID))
		h.pressIn(person, plan, label("handoff_offer"))
		h.pressIn(person, h.seek(person, &np, lead(label("handoff_dep_ask"))), label("handoff_dep_skip"))
		consent := h.seek(person, &np, "Voici ce qu'elle verra")
		if !strings.Contains(consent.Text, "URGENT") {
			t.Errorf("consent does not show the urgency:\n%s", consent.Text)
		}
		h.pressIn(person, consent, "Oui, j'envoie")
		h.seek(person, &np, "Votre demande est enregistrée")
		if n := h.seek(vol, &nv, "Nouvelle demande"); !strings.HasPrefix(n.Text, "🔴 URGENT") {
			t.Errorf("volunteer not told it is urgent: %q", n.Text)
		}
	})
}

// lead is the first three words of a text, to find its message.
func lead(s string) string {
	w := strings.Fields(s)
	return strings.Join(w[:min(3, len(w))], " ")
}

// /forget, while a volunteer holds the person's case, erases the case and
// its relay and says so; the volunteer is told; nothing in the queue's
// keys names the person any more.
func TestTelegramHandoffForget(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		admin := telegramtest.User{ID: 920, Lang: "fr"}
		vol := telegramtest.User{ID: 921, Lang: "fr"}
		person := telegramtest.User{ID: 987650922, Lang: "fr"}
		h := startBot(t, b, map[string]string{"ADMIN_IDS": "920", "OUTBOX_CHAT_RATE": "100", "OUTBOX_CHAT_BURST": "50"})
		var na, nv, np int
		h.api.PushText(admin, "/addvolunteer 921 fr")
		h.seek(admin, &na, "921")
		h.api.PushText(person, "/human")
		h.pressIn(person, h.seek(person, &np, "Dans quel département"), "Passer")
		h.pressIn(person, h.seek(person, &np, "Voici ce qu'elle verra"), "Oui, j'envoie")
		h.seek(person, &np, "enregistrée")
		h.api.PushText(vol, "/take")
		h.seek(vol, &nv, "Demande prise")
		h.seek(person, &np, "s'occupe de votre demande")

		h.api.PushText(person, "/forget")
		h.pressIn(person, h.seek(person, &np, text(t, "fr", "forget_confirm", nil)), text(t, "fr", "forget_btn_yes", nil))
		done := h.seek(person, &np, text(t, "fr", "forget_done", nil))
		if !strings.Contains(done.Text, text(t, "fr", "handoff_forgot_case", nil)) {
			t.Errorf("/forget does not name the request:\n%s", done.Text)
		}
		h.seek(vol, &nv, "effacé sa demande")
		h.api.PushText(vol, "toujours là ?")
		h.api.PushText(vol, "/case")
		h.seek(vol, &nv, "pas de demande en cours")
		for _, m := range h.api.Messages(person.ID)[np:] {
			if strings.Contains(m.Text, "toujours là") {
				t.Errorf("the volunteer still reaches the person: %q", m.Text)
			}
		}
		ctx := context.Background()
		keys, _ := b.Client.Keys(ctx, b.Prefix+"{q}:*").Result()
		for _, k := range keys {
			typ, _ := b.Client.Type(ctx, k).Result()
			var vals []string
			switch typ {
			case "hash":
				m, _ := b.Client.HGetAll(ctx, k).Result()
				for f, v := range m {
					vals = append(vals, f, v)
				}
			case "zset":
				vals, _ = b.Client.ZRange(ctx, k, 0, -1).Result()
			}
			for _, v := range vals {
				if strings.Contains(v, "987650922") {
					t.Errorf("%s still names the person: %q", k, v)
				}
			}
		}
	})
}

// The person is asked their département before the consent: a wrong
// answer is refused, "93" is shown in the summary they agree to; among
// three volunteers, the one covering 93 is the one told, and the case
// they take shows the département.
func TestTelegramHandoffDepartement(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		admin := telegramtest.User{ID: 930, Lang: "fr"}
		vols := []telegramtest.User{{ID: 931, Lang: "fr"}, {ID: 932, Lang: "fr"}, {ID: 933, Lang: "fr"}}
		person := telegramtest.User{ID: 934, Lang: "fr"}
		h := startBot(t, b, map[string]string{
			"ADMIN_IDS": "930", "HANDOFF_NOTIFY_BATCH": "1",
			"OUTBOX_CHAT_RATE": "100", "OUTBOX_CHAT_BURST": "50",
		})
		var na, np int
		nv := make([]int, len(vols))
		for i, deps := range []string{"", "75 ", "93 "} {
			h.api.PushText(vols[i], "/start")
			h.seek(vols[i], &nv[i], "anefbot")
			h.api.PushText(admin, fmt.Sprintf("/addvolunteer %d fr %sV%d", vols[i].ID, deps, i))
			h.seek(admin, &na, fmt.Sprint(vols[i].ID))
		}

		h.api.PushText(person, "/human")
		h.seek(person, &np, "Dans quel département habitez-vous ?")
		h.api.PushText(person, "Bobigny")
		h.seek(person, &np, "n'est pas un numéro de département")
		h.api.PushText(person, "93")
		consent := h.seek(person, &np, "Voici ce qu'elle verra")
		if !strings.Contains(consent.Text, "Département : 93") {
			t.Fatalf("consent lacks the département:\n%s", consent.Text)
		}
		h.pressIn(person, consent, "Oui, j'envoie")
		ref := refRE.FindString(h.seek(person, &np, "Votre demande est enregistrée").Text)

		note := h.seek(vols[2], &nv[2], "Nouvelle demande "+ref)
		for i := range 2 {
			for _, m := range h.api.Messages(vols[i].ID)[nv[i]:] {
				if strings.Contains(m.Text, "Nouvelle demande") {
					t.Errorf("volunteer %d, not covering 93, told first: %q", vols[i].ID, m.Text)
				}
			}
		}
		h.pressIn(vols[2], note, "Je la prends")
		if c := h.seek(vols[2], &nv[2], "Demande prise"); !strings.Contains(c.Text, "Département : 93") {
			t.Errorf("the case the volunteer took lacks the département:\n%s", c.Text)
		}
		h.seek(person, &np, "V2, bénévole")
	})
}
