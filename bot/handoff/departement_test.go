package handoff

import (
	"context"
	"strings"
	"testing"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

func TestParseDepartement(t *testing.T) {
	good := map[string]string{
		"93": "93", " 9 3 ": "93", "2A": "2A", "2a": "2A", "2 b": "2B", "01": "01", "1": "01",
		"75": "75", "95": "95", "971": "971", "976": "976", "97 4": "974",
		"٩٣": "93", "۹۳": "93", "৯৩": "93",
	}
	for in, want := range good {
		if got, err := ParseDepartement(in); err != nil || got != want {
			t.Errorf("ParseDepartement(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "00", "20", "96", "99", "970", "977", "975 1", "2C", "93000", "Paris", "-93", "9.3", "seine-saint-denis"} {
		if got, err := ParseDepartement(in); err == nil {
			t.Errorf("ParseDepartement(%q) = %q, want an error", in, got)
		}
	}
}

// The person is asked their département before the consent; a wrong
// answer is refused and changes nothing; "93" goes into the summary they
// agree to, onto the case, and the volunteer covering 93 is told first.
func TestServiceAsksDepartement(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		fr := []string{"fr"}
		f := newFixture(t, be,
			Volunteer{ID: 11, Langs: fr, Status: Available},
			Volunteer{ID: 12, Langs: fr, Status: Available, Notified: 1},
			Volunteer{ID: 13, Langs: fr, Status: Available, Notified: 2, Deps: []string{"93"}},
		)
		f.svc.cfg.NotifyBatch = 1
		f.text(person, "/human")
		q := f.expect(person, "Dans quel département habitez-vous ?")
		if len(q.Buttons) != 1 || !strings.Contains(q.Buttons[0][0].Text, "Passer") {
			t.Fatalf("no skip button: %+v", q.Buttons)
		}
		for _, bad := range []string{"Seine-Saint-Denis", "20", "93000"} {
			f.text(person, bad)
			if m := f.expect(person, "n'est pas un numéro de département"); len(m.Buttons) != 1 {
				t.Errorf("no skip button after a wrong answer: %+v", m.Buttons)
			}
		}
		if r, _ := f.st.RouteOf(context.Background(), person); r.Own != "" || r.Dep != depAsked {
			t.Errorf("a wrong answer changed something: %+v", r)
		}
		f.text(person, " 9 3 ")
		consent := f.expect(person, "Voici ce qu'elle verra")
		if !strings.Contains(consent.Text, "Département : 93") {
			t.Errorf("consent lacks the département:\n%s", consent.Text)
		}
		f.silent(11)
		f.press(person, consent.Buttons[0][0].Data)
		ref := refRE(f.expect(person, "enregistrée").Text)
		c, err := f.st.Get(context.Background(), ref)
		if err != nil || c.Summary.Departement != "93" {
			t.Fatalf("case département %q, %v", c.Summary.Departement, err)
		}
		// The volunteer of 93, though told most recently, comes first.
		f.expect(13, "Nouvelle demande "+ref)
		f.silent(11)
		f.silent(12)
		f.text(13, "/take")
		if m := f.expect(13, "Demande prise"); !strings.Contains(m.Text, "Département : 93") {
			t.Errorf("volunteer's summary lacks the département:\n%s", m.Text)
		}
		// The answer lived only until the consent.
		if v, _ := f.st.DepAnswer(context.Background(), person); v != "" {
			t.Errorf("answer kept after the case opened: %q", v)
		}
		// Once the case is open, a number is a message, not an answer.
		f.out.Take(person)
		f.text(person, "75")
		f.expect(13, ref+" : 75")
		f.silent(person)
	})
}

// Skip goes on to the consent without a département, and is not asked
// again before the consent; declining forgets the answer.
func TestServiceSkipDepartement(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		f := newFixture(t, be, Volunteer{ID: 11, Langs: []string{"fr"}, Status: Available})
		consent := f.human(person)
		if strings.Contains(consent.Text, "Département") {
			t.Errorf("a skipped département is shown:\n%s", consent.Text)
		}
		f.text(person, "/human")
		consent = f.expect(person, "Voici ce qu'elle verra")
		f.press(person, consent.Buttons[1][0].Data) // no
		f.expect(person, "rien n'a été envoyé")
		f.silent(11)
		if v, _ := f.st.DepAnswer(context.Background(), person); v != "" {
			t.Errorf("answer kept after declining: %q", v)
		}
		// Text after the declined consent goes to the conversation, not the question.
		f.text(person, "93")
		for _, m := range f.out.Take(person) {
			if strings.Contains(m.Text, "département") {
				t.Errorf("still asking: %q", m.Text)
			}
		}
		// Asked again next time; skipping opens a case without a département.
		consent = f.human(person)
		f.press(person, consent.Buttons[0][0].Data)
		ref := refRE(f.expect(person, "enregistrée").Text)
		if c, _ := f.st.Get(context.Background(), ref); c.Summary.Departement != "" {
			t.Errorf("département %q on a skipped case", c.Summary.Departement)
		}
	})
}

// A département in the session is used as it is: no question.
func TestServiceSessionDepartementNotAsked(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		ctx := context.Background()
		f := newFixture(t, be)
		store := redisstore.New(be.Client, redisstore.WithPrefix(be.Prefix))
		sess := flows.Session{Lang: "fr", State: "situation", Answers: map[string]string{flows.KeyDepartement: "2A"}}
		if _, err := store.Save(ctx, person, sess); err != nil {
			t.Fatal(err)
		}
		f.text(person, "/human")
		if m := f.expect(person, "Voici ce qu'elle verra"); !strings.Contains(m.Text, "Département : 2A") {
			t.Errorf("session département not used:\n%s", m.Text)
		}
		if v, _ := f.st.DepAnswer(ctx, person); v != "" {
			t.Errorf("asked anyway: %q", v)
		}
	})
}

// /forget erases an answer given before the consent.
func TestForgetErasesDepartementAnswer(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		ctx := context.Background()
		f := newFixture(t, be)
		f.text(person, "/human")
		f.text(person, "93")
		f.expect(person, "Département : 93")
		if _, err := f.svc.Forgetter(func() *bot.Bot { return f.b })(ctx, person); err != nil {
			t.Fatal(err)
		}
		if v, _ := f.st.DepAnswer(ctx, person); v != "" {
			t.Errorf("answer kept after /forget: %q", v)
		}
	})
}

// A person who left the question for a date question of the diagnosis
// types a date: it goes to the conversation, and the question lapses.
func TestServiceDepartementYieldsToDateQuestion(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		ctx := context.Background()
		f := newFixture(t, be)
		store := redisstore.New(be.Client, redisstore.WithPrefix(be.Prefix))
		sess := flows.Session{Lang: "fr", State: "t3_expiry", Answers: map[string]string{}}
		if _, err := store.Save(ctx, person, sess); err != nil {
			t.Fatal(err)
		}
		f.text(person, "/human")
		f.expect(person, "Dans quel département")
		f.text(person, "15/03/2027")
		got := f.out.Take(person)
		if len(got) == 0 {
			t.Fatal("the date got no answer")
		}
		for _, m := range got {
			if strings.Contains(m.Text, "département") {
				t.Errorf("the date was taken for a département: %q", m.Text)
			}
		}
		if v, _ := f.st.DepAnswer(ctx, person); v != "" {
			t.Errorf("question still open: %q", v)
		}
	})
}
