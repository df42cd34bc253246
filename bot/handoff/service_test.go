package handoff

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/bottest"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

type fixture struct {
	t   *testing.T
	b   *bot.Bot
	svc *Service
	st  *Store
	out *bottest.Recorder
	now time.Time
}

func newFixture(t *testing.T, be redistest.Backend, vols ...Volunteer) *fixture {
	t.Helper()
	cat, g, _ := bottest.Parts(t)
	f := &fixture{t: t, out: &bottest.Recorder{}, now: t0}
	clock := func() time.Time { return f.now }
	f.st = NewStore(be.Client, be.Prefix)
	dir, err := LoadDirectory("")
	if err != nil {
		t.Fatal(err)
	}
	f.svc = NewService(Config{
		Store: f.st, Directory: dir, Admins: []int64{1}, Languages: []string{"fr", "en"},
		NotifyBatch: 2, Clock: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	langs := []flows.Language{{Code: "fr", Name: "Français"}, {Code: "en", Name: "English"}}
	f.b, err = bot.New(bot.Config{
		Engine:  flows.NewEngine(g, flows.Options{Languages: langs, RetentionDays: 90}),
		Store:   redisstore.New(be.Client, redisstore.WithPrefix(be.Prefix)),
		Catalog: cat, Sender: f.out, Clock: clock,
		Middlewares: []bot.Middleware{f.svc.Middleware},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vols {
		if err := f.st.PutVolunteer(context.Background(), v); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fixture) text(chat int64, text string) {
	f.t.Helper()
	if err := f.b.Handle(context.Background(), bot.Update{Kind: bot.Message, ChatID: chat, UserID: chat, Private: true, LangCode: "fr", Text: text}); err != nil {
		f.t.Fatalf("%d %q: %v", chat, text, err)
	}
}

func (f *fixture) press(chat int64, data string) {
	f.t.Helper()
	if err := f.b.Handle(context.Background(), bot.Update{Kind: bot.Callback, ChatID: chat, UserID: chat, Private: true, LangCode: "fr", Data: data}); err != nil {
		f.t.Fatalf("%d press %q: %v", chat, data, err)
	}
}

func (f *fixture) tick(d time.Duration) {
	f.t.Helper()
	f.now = f.now.Add(d)
	if err := f.svc.Tick(context.Background(), f.b); err != nil {
		f.t.Fatal(err)
	}
}

// expect checks chat received exactly one message containing want (and
// forgets everything it received).
func (f *fixture) expect(chat int64, want string) bot.Out {
	f.t.Helper()
	got := f.out.Take(chat)
	var hit []bot.Out
	for _, m := range got {
		if strings.Contains(m.Text, want) {
			hit = append(hit, m)
		}
	}
	if len(hit) != 1 {
		f.t.Fatalf("chat %d: %d messages with %q in %d received: %+v", chat, len(hit), want, len(got), got)
	}
	return hit[0]
}

// neutral checks chat got an answer that says nothing of the handoff.
func (f *fixture) neutral(chat int64) {
	f.t.Helper()
	got := f.out.Take(chat)
	if len(got) == 0 {
		f.t.Fatalf("chat %d got no answer", chat)
	}
	for _, m := range got {
		if strings.Contains(strings.ToLower(m.Text), "bénévole") || strings.Contains(m.Text, "H-") {
			f.t.Errorf("chat %d was told: %q", chat, m.Text)
		}
	}
}

func (f *fixture) silent(chat int64) {
	f.t.Helper()
	if got := f.out.Take(chat); len(got) > 0 {
		f.t.Fatalf("chat %d got %+v", chat, got)
	}
}

const person = 500

// A case's life without a close: notifications go to a few volunteers
// of the language, reminders to others; a volunteer who did not take the
// case cannot read it nor write to it; a lease without activity returns
// the case and everybody is told; a long wait gets the person an honest
// word and the directory; the person cancels.
func TestServiceLifecycle(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		fr := []string{"fr"}
		f := newFixture(t, be,
			Volunteer{ID: 11, Langs: fr, Status: Available, Name: "Amina"},
			Volunteer{ID: 12, Langs: fr, Status: Available, Notified: 1},
			Volunteer{ID: 13, Langs: fr, Status: Available, Notified: 2},
			Volunteer{ID: 14, Langs: []string{"en"}, Status: Available},
			Volunteer{ID: 15, Langs: fr, Status: Away},
		)
		consent := f.human(person)
		f.press(person, consent.Buttons[0][0].Data)
		queued := f.expect(person, "Votre demande est enregistrée")
		ref := refRE(queued.Text)
		// Two volunteers at a time, least recently told first; nobody away
		// or without the language.
		f.expect(11, "Nouvelle demande "+ref)
		f.expect(12, "Nouvelle demande "+ref)
		f.silent(13)
		f.silent(14)
		f.silent(15)

		f.tick(29 * time.Minute)
		f.silent(13)
		f.tick(2 * time.Minute)
		f.expect(13, "attend toujours")
		f.silent(11)

		f.text(11, "/take")
		f.expect(11, "Demande prise")
		f.expect(person, "Amina, bénévole")
		// Volunteer 12 did not take it: cannot read it, cannot write to it.
		f.text(12, "/case")
		f.expect(12, "pas de demande en cours")
		f.text(12, "je m'en occupe aussi")
		f.silent(person)
		f.text(12, "/take "+ref)
		f.expect(12, "n'est plus en attente")

		// 31 minutes without a word from Amina: the case goes back.
		f.tick(31 * time.Minute)
		f.expect(11, "revenue dans la file")
		f.expect(person, "ne répond plus")
		f.text(11, "vous êtes là ?")
		f.silent(person)

		// Hours pass: the person is told honestly, with other contacts.
		f.out.Take(12)
		f.tick(4 * time.Hour)
		m := f.expect(person, "pas encore été prise")
		if !strings.Contains(m.Text, "0806 001 620") {
			t.Errorf("no contacts in %q", m.Text)
		}
		f.tick(time.Minute)
		f.silent(person) // said once

		f.text(person, "/cancel")
		f.expect(person, "est annulée")
		if _, err := f.st.Get(context.Background(), ref); err == nil {
			t.Error("cancelled case still stored")
		}
	})
}

// /release hands the case back with a note the next volunteer reads; the
// person's details while waiting are kept; /forget erases the case and
// tells its volunteer.
func TestServiceReleaseDetailsForget(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		fr := []string{"fr"}
		f := newFixture(t, be,
			Volunteer{ID: 11, Langs: fr, Status: Available},
			Volunteer{ID: 12, Langs: fr, Status: Available},
		)
		f.press(person, f.human(person).Buttons[0][0].Data)
		f.out.Take(person)
		f.text(person, "J'ai appelé le 0806 001 620 le 3 novembre")
		f.expect(person, "Ajouté à votre demande")
		f.text(11, "/take")
		c := f.expect(11, "Demande prise")
		if !strings.Contains(c.Text, "J'ai appelé le 0806 001 620") {
			t.Errorf("detail missing from the case: %q", c.Text)
		}
		f.text(11, "/release La personne a besoin d'une interprète en dari")
		f.expect(11, "remise dans la file")
		f.expect(person, "a dû s'arrêter")
		f.expect(12, "Nouvelle demande") // the others are told, not the one who left
		f.silent(11)
		f.text(12, "/take")
		if c := f.expect(12, "Demande prise"); !strings.Contains(c.Text, "interprète en dari") {
			t.Errorf("release note missing: %q", c.Text)
		}
		f.out.Take(person)
		erased, err := f.svc.Forgetter(func() *bot.Bot { return f.b })(context.Background(), person)
		if err != nil || len(erased) != 1 {
			t.Fatalf("forget: %v %v", erased, err)
		}
		f.expect(12, "effacé sa demande")
		if r, _ := f.st.RouteOf(context.Background(), 12); r.Held != "" {
			t.Errorf("volunteer still relays to %q", r.Held)
		}
	})
}

// human asks for a volunteer, skips the département question and returns
// the consent message.
func (f *fixture) human(chat int64) bot.Out {
	f.t.Helper()
	f.text(chat, "/human")
	f.press(chat, f.expect(chat, "Dans quel département").Buttons[0][0].Data)
	return f.expect(chat, "Voici ce qu'elle verra")
}

func refRE(s string) string {
	i := strings.Index(s, "H-")
	if i < 0 || len(s) < i+7 {
		return ""
	}
	return s[i : i+7]
}

// Admins add, list, pause and remove volunteers; a paused volunteer
// cannot take; removing one who holds a case returns it to the queue;
// none of it works for a volunteer who is not an admin.
func TestServiceAdmin(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		f := newFixture(t, be)
		const admin = 1
		f.text(admin, "/addvolunteer 21 fr,ar 93 Karim")
		f.expect(admin, "Bénévole 21 ajouté")
		f.text(admin, "/addvolunteer 22 klingon!")
		f.expect(admin, "/addvolunteer <identifiant Telegram>")
		f.text(21, "/volunteers")
		f.neutral(21) // an admin command, for a volunteer
		f.text(21, "/pause 21")
		f.neutral(21)

		f.text(admin, "/pause 21")
		f.expect(admin, "en pause")
		f.press(person, f.human(person).Buttons[0][0].Data)
		f.out.Take(person)
		f.silent(21) // paused: not notified
		f.text(21, "/take")
		f.expect(21, "en pause")
		f.text(21, "/available")
		f.expect(21, "en pause")

		f.text(admin, "/resume 21")
		f.expect(admin, "réactivé")
		f.text(21, "/take")
		f.expect(21, "Demande prise")
		f.expect(person, "Karim, bénévole")
		f.text(admin, "/volunteers")
		if m := f.expect(admin, "1 bénévole"); !strings.Contains(m.Text, "21 · fr,ar · available · Karim · 93 · 💬") {
			t.Errorf("list: %q", m.Text)
		}
		f.text(admin, "/remove 21")
		f.expect(admin, "retiré")
		f.expect(person, "a dû s'arrêter")
		f.text(21, "/queue")
		f.neutral(21) // no longer a volunteer
		f.text(admin, "/remove 21")
		f.expect(admin, "Aucune personne bénévole avec l'identifiant 21")
	})
}

// The plan's offer builds the case from the person's answers: an urgent
// case with its earliest running deadline (anef.md §3.4: OQTF → 1 month)
// goes before an older ordinary one, and the volunteer sees the summary
// and the transcript, nothing missing shown.
func TestServiceOfferBuildsUrgentSummary(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		ctx := context.Background()
		f := newFixture(t, be, Volunteer{ID: 11, Langs: []string{"fr"}, Status: Available})
		const other = 501
		f.press(other, f.human(other).Buttons[0][0].Data)
		f.out.Take(11)
		f.now = f.now.Add(time.Hour)

		sess := flows.Session{Lang: "fr", State: "plan_urgent", History: []string{"situation", "u_kind", "u_notified"}, Answers: map[string]string{
			flows.KeySituation: "urgent", flows.KeyDepartement: "93",
			flows.KeyDecision: "2026-11-20", flows.KeyDecisionKind: "oqtf",
		}}
		store := redisstore.New(be.Client, redisstore.WithPrefix(be.Prefix))
		if _, err := store.Save(ctx, person, sess); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.OfferEffect(ctx, f.b, person, sess, flows.Effect{Kind: "offer:human", Data: map[string]string{"plan": "plan_urgent"}}); err != nil {
			t.Fatal(err)
		}
		consent := f.expect(person, "Voici ce qu'elle verra")
		for _, want := range []string{"🔴 URGENT", "Département : 93", "Décision notifiée le : 20/11/2026", "le 21/12/2026", "Type de décision : " + label(t, "u_kind_oqtf")} {
			if !strings.Contains(consent.Text, want) {
				t.Errorf("consent lacks %q:\n%s", want, consent.Text)
			}
		}
		if strings.Contains(consent.Text, "Titre :") || strings.Contains(consent.Text, "Demande déposée") {
			t.Errorf("unknown facts shown:\n%s", consent.Text)
		}
		f.press(person, consent.Buttons[0][0].Data)
		if q := f.expect(person, "enregistrée"); !strings.Contains(q.Text, "n° 1") {
			t.Errorf("urgent case not first: %q", q.Text)
		}
		if n := f.expect(11, "Nouvelle demande"); !strings.HasPrefix(n.Text, "🔴 URGENT") {
			t.Errorf("notification does not say urgent: %q", n.Text)
		}
		f.text(11, "/take")
		c := f.expect(11, "Demande prise")
		for _, want := range []string{"🔴 URGENT", "Département : 93", "fin du délai de recours", "Réponses données :\n• Quelle est votre situation ?", "• ", "→ 20/11/2026"} {
			if !strings.Contains(c.Text, want) {
				t.Errorf("case lacks %q:\n%s", want, c.Text)
			}
		}
	})
}

// The wait estimate comes from recent handling times; with nobody of the
// language available, or outside the volunteers' hours, the person is
// told so at once, with the directory's contacts.
func TestServiceWaitEstimateAndHonesty(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		ctx := context.Background()
		f := newFixture(t, be, Volunteer{ID: 11, Langs: []string{"fr"}, Status: Available})
		// Two cases handled in 20 and 40 minutes: median 30.
		for i, d := range []time.Duration{20 * time.Minute, 40 * time.Minute} {
			c := newCase(NewRef(), int64(600+i), "fr", false, f.now)
			open(t, f.st, c)
			f.st.Take(ctx, 11, []string{"fr"}, c.Ref, f.now, f.now.Add(time.Hour))
			if _, err := f.st.Close(ctx, c, 11, Solved, true, f.now.Add(d)); err != nil {
				t.Fatal(err)
			}
		}
		f.press(person, f.human(person).Buttons[0][0].Data)
		if m := f.expect(person, "enregistrée"); !strings.Contains(m.Text, "environ 30 minutes") {
			t.Errorf("no estimate from recent handling times: %q", m.Text)
		}

		// English: nobody speaks it.
		const en = 502
		f.b.Handle(ctx, bot.Update{Kind: bot.Message, ChatID: en, UserID: en, Private: true, LangCode: "en", Text: "/human"})
		skip := f.expect(en, "Which département")
		f.b.Handle(ctx, bot.Update{Kind: bot.Callback, ChatID: en, UserID: en, Private: true, LangCode: "en", Data: skip.Buttons[0][0].Data})
		consent := f.expect(en, "This is what they will see")
		f.b.Handle(ctx, bot.Update{Kind: bot.Callback, ChatID: en, UserID: en, Private: true, LangCode: "en", Data: consent.Buttons[0][0].Data})
		m := f.expect(en, "no volunteer who speaks your language is available")
		if !strings.Contains(m.Text, "0806 001 620") || !strings.Contains(m.Text, "defenseurdesdroits.fr") {
			t.Errorf("no contacts: %q", m.Text)
		}

		// Outside hours (Sunday 29/11/2026), in French.
		f.svc.cfg.Hours, _ = ParseHours("mon-fri 09:00-18:00")
		const late = 503
		f.press(late, f.human(late).Buttons[0][0].Data)
		if m := f.expect(late, "mon-fri 09:00-18:00"); !strings.Contains(m.Text, "Vous pouvez aussi contacter") {
			t.Errorf("outside hours without contacts: %q", m.Text)
		}
	})
}

func label(t *testing.T, id string) string {
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Text("fr", id, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
