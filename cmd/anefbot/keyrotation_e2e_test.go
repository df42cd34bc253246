package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
	"github.com/anefbot/anefbot/flows"
)

// Two data keys: what A sealed, a bot with only B cannot read.
const (
	rotationKeyA = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
	rotationKeyB = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA="
)

// restart stops a harness's bot for good: its clean-up then finds it
// stopped.
func (h *harness) restart() {
	h.t.Helper()
	h.stop()
	h.done <- nil
}

// askHuman opens a case for u (skipping the département question) and
// returns its reference.
func (h *harness) askHuman(u telegramtest.User, from *int) string {
	h.t.Helper()
	h.api.PushText(u, "/human")
	h.pressIn(u, h.seek(u, from, "Dans quel département"), "Passer")
	h.pressIn(u, h.seek(u, from, "Voici ce qu'elle verra"), "Oui, j'envoie")
	ref := refRE.FindString(h.seek(u, from, "enregistrée").Text)
	if ref == "" {
		h.t.Fatal("no reference for the case")
	}
	return ref
}

// The data key is lost (restarted with key B, no DATA_KEY_OLD): sessions
// and cases sealed with A cannot be read. Nobody is stuck: the person is
// told once and can start again, /forget erases an unreadable case, the
// queue skips it and /take never gives it to a volunteer; the metric
// counts what was lost.
func TestKeyLostWithoutOldKey(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		admin := telegramtest.User{ID: 930, Lang: "fr"}
		vol := telegramtest.User{ID: 931, Lang: "fr"}
		p1 := telegramtest.User{ID: 987650007301, Lang: "fr"} // writes again
		p2 := telegramtest.User{ID: 987650007302, Lang: "fr"} // waits
		p3 := telegramtest.User{ID: 987650007303, Lang: "fr"} // erases
		env := fast(map[string]string{"ADMIN_IDS": "930", "DATA_KEY": rotationKeyA})

		before := startBot(t, b, env)
		var n1, n2, n3 int
		before.act(p1, func() { before.api.PushText(p1, "/restart") }) // a session, sealed with A
		if raw := rawSession(t, b, p1.ID)["d"]; !strings.HasPrefix(raw, "\x00ae1") {
			t.Fatalf("the session is not sealed: %q", raw)
		}
		n1 = len(before.api.Messages(p1.ID))
		old1 := before.askHuman(p1, &n1)
		old2 := before.askHuman(p2, &n2)
		before.askHuman(p3, &n3)
		before.restart()

		env["DATA_KEY"] = rotationKeyB
		metrics := freeAddr(t)
		env["METRICS_ADDR"] = metrics
		// The same Bot API: its update IDs go on (a new fake would repeat
		// IDs the first bot marked handled).
		h := startBotWith(t, b, env, func(m *Main) {
			getenv := m.Getenv
			m.Getenv = func(k string) string {
				if k == "TELEGRAM_API_ENDPOINT" {
					return before.api.Endpoint()
				}
				return getenv(k)
			}
		})
		h.api = before.api
		h.advance(time.Hour) // new cases come after the old ones in the queue
		var na, nv int
		h.api.PushText(admin, "/addvolunteer 931 fr")
		h.seek(admin, &na, "931")

		// The person with an open case writes: told their request is
		// lost, once; then told their answers are lost, once; then they
		// start again and open a new case.
		h.api.PushText(p1, "bonjour ?")
		h.seek(p1, &n1, text(t, "fr", "lost_case", flows.Args{"Ref": old1}))
		h.api.PushText(p1, "/start")
		h.seek(p1, &n1, text(t, "fr", "lost_session", nil))
		h.api.PushText(p1, "/start")
		h.seek(p1, &n1, "Quelle est votre situation")
		for _, once := range []string{text(t, "fr", "lost_session", nil), text(t, "fr", "lost_case", flows.Args{"Ref": old1})} {
			count := 0
			for _, m := range h.api.Messages(p1.ID) {
				if strings.Contains(m.Text, once) {
					count++
				}
			}
			if count != 1 {
				t.Errorf("told %d times: %q", count, once)
			}
		}
		fresh := h.askHuman(p1, &n1)

		// /forget erases an unreadable case, and says so.
		h.api.PushText(p3, "/forget")
		h.pressIn(p3, h.seek(p3, &n3, text(t, "fr", "forget_confirm", nil)), text(t, "fr", "forget_btn_yes", nil))
		done := h.seek(p3, &n3, text(t, "fr", "forget_done", nil))
		if strings.Contains(done.Text, text(t, "fr", "forget_failed", nil)) || !strings.Contains(done.Text, text(t, "fr", "handoff_forgot_case", nil)) {
			t.Errorf("/forget of an unreadable case:\n%s", done.Text)
		}
		id := strconv.FormatInt(p3.ID, 10)
		for k, v := range dump(t, b.Client) {
			if strings.Contains(k, id) || strings.Contains(v, id) {
				t.Errorf("after /forget, %s still names the person: %.200q", k, v)
			}
		}

		// The queue skips the unreadable case; /take never assigns it:
		// the volunteer gets the readable one, the waiting person hears
		// their request is lost.
		h.api.PushText(vol, "/queue")
		list := h.seek(vol, &nv, fresh)
		if strings.Contains(list.Text, old2) {
			t.Errorf("the queue lists an unreadable case:\n%s", list.Text)
		}
		h.api.PushText(vol, "/take")
		taken := h.seek(vol, &nv, "Demande prise")
		if !strings.Contains(taken.Text, fresh) || strings.Contains(taken.Text, old2) {
			t.Errorf("/take gave the volunteer:\n%s", taken.Text)
		}
		h.seek(p2, &n2, text(t, "fr", "lost_case", flows.Args{"Ref": old2}))

		_, body := get(t, "http://"+metrics+"/metrics")
		for _, want := range []string{
			`anefbot_unreadable_records_total{kind="case"} 3`,
			`anefbot_unreadable_records_total{kind="session"} 1`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s:\n%s", want, grepLines(body, "unreadable"))
			}
		}
	})
}

// grepLines keeps the lines of s that contain sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
