package letters_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/letters"
	"github.com/anefbot/anefbot/bot/letters/pdftext"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

// toSubstitution answers the substitution letter's sender questions up to
// the numéro étranger.
func (p *person) toNumber() {
	p.t.Helper()
	p.toLetters()
	p.press("solution de substitution")
	p.text("Ana Lima")
	p.text("1 rue A\n69003 Lyon")
	p.press("Skip") // phone
	p.press("Skip") // e-mail
	p.want("numéro étranger")
}

// The word of the skip button, typed in any supported language, skips an
// optional field: the letter then has the line to fill in by hand, as
// the summary shows it, never the word itself. At a required field it is
// refused with a reason and nothing changes.
func TestSkipWordInEveryLanguage(t *testing.T) {
	// Every language's word is checked in TestSkipWordsOfEveryLanguage;
	// three go the whole way here.
	for _, word := range []string{"Passer", "SKIP", "تخطٍّ"} {
		t.Run(word, func(t *testing.T) {
			be := redistest.Mini(t)
			p := newPerson(t, be)
			p.toNumber()
			p.text(word)
			p.want("ANEF")
			p.text(word) // ANEF number
			p.want("number of your département")
			p.text(word) // required: refused
			p.want("cannot be skipped")
			p.text("69")
			p.want("Préfecture du Rhône (Lyon)")
			p.text("passer")
			p.want("end date of your residence permit")
			p.text("Skip")
			p.text("skip") // since
			p.press("No")  // CCC
			p.press("No")  // screenshots
			review := p.want("Your letter: request to the préfecture for the « solution de substitution »")
			if !strings.Contains(review.Text, "Numéro étranger: "+letters.Blank) || strings.Contains(strings.ToUpper(review.Text), "PASSER") {
				t.Errorf("summary:\n%s", review.Text)
			}
			p.press("Create the letter")
			doc := p.want("ready to print")
			text, err := pdftext.Text(doc.Document.Data)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text, pdftext.Normalize("Numéro étranger : "+letters.Blank)) || strings.Contains(strings.ToUpper(text), "PASSER") ||
				strings.Contains(text, "SKIP") {
				t.Errorf("PDF:\n%s", text)
			}
		})
	}
}

// From the summary the person changes one answer and sees the summary
// again, with the new answer and nothing else asked again.
func TestChangeOneField(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		p := newPerson(t, be)
		p.toNumber()
		p.text("7501234567")
		p.press("Skip") // ANEF
		p.text("69")
		p.press("Skip") // préfecture
		p.press("Skip") // expiry
		p.press("Skip") // since
		p.press("Yes")  // CCC
		p.text("05/10/2026")
		p.press("Yes") // screenshots
		p.want("contacted the Centre de contact citoyen on 05/10/2026")
		p.press("Change an answer")
		menu := p.want("Which answer do you want to change")
		if len(menu.Buttons) < 10 {
			t.Fatalf("menu %+v", menu.Buttons)
		}
		p.press("Address")
		p.want("postal address")
		p.text("4 place Bellecour\n69002 Lyon")
		review := p.want("Your letter: request to the préfecture")
		for _, w := range []string{"4 place Bellecour, 69002 Lyon", "Numéro étranger: 7501234567", "on 05/10/2026"} {
			if !strings.Contains(review.Text, w) {
				t.Errorf("summary after the change lacks %q:\n%s", w, review.Text)
			}
		}
		// "No" to the CCC drops its date and its sentence.
		p.press("Change an answer")
		p.press("CCC")
		p.press("No")
		review = p.want("Your letter: request to the préfecture")
		if !strings.Contains(review.Text, "does not mention the Centre de contact citoyen") || strings.Contains(review.Text, "05/10/2026") {
			t.Errorf("summary after « No »:\n%s", review.Text)
		}
		p.press("Create the letter")
		text, _ := pdftext.Text(p.want("ready to print").Document.Data)
		if strings.Contains(text, "Centre de contact citoyen") || !strings.Contains(text, "4 place Bellecour") {
			t.Errorf("PDF after the changes:\n%s", text)
		}
	})
}

type followed struct {
	letter string
	due    time.Time
}

// "I sent it" records the day and the registered-mail number, schedules
// the follow-up one month later for the reasons of an implicit refusal
// (L232-4 CRPA, anef.md §3.4), and keeps it in the session for the
// volunteer's case summary. A future day is refused.
func TestISentIt(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		var got []followed
		p := newPersonFollow(t, be, nil, func(_ context.Context, _ int64, _, id string, _, due time.Time) error {
			got = append(got, followed{id, due})
			return nil
		})
		p.text("/start")
		p.press("« attestation de dépôt »")
		p.text("15/12/2026")
		p.press("Yes")
		p.text("1 juin 2026")
		p.press("Yes")
		p.press("No, my file is complete")
		p.press("Get a letter")
		p.press("reasons")
		p.text("Ana Lima")
		p.text("1 rue A\n93200 Saint-Denis")
		for range 4 {
			p.press("Skip")
		}
		p.text("93")
		p.press("Skip")
		p.press("No")
		p.press("Create the letter")
		p.want("ready to print")
		p.press("I sent it")
		p.want("On what date did you send the letter")
		p.text("05/12/2026")
		p.want("in the future")
		p.text("27/11/2026")
		p.want("registered mail")
		p.text("1A 123 456 7890 1")
		rec := p.want("letter sent on 27/11/2026")
		if !strings.Contains(rec.Text, "27/12/2026") || !strings.Contains(rec.Text, "L232-4") {
			t.Errorf("recorded:\n%s", rec.Text)
		}
		if len(got) != 1 || got[0].letter != "motifs" || !got[0].due.Equal(time.Date(2026, 12, 27, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("follow-up scheduled %+v, want motifs on 2026-12-27", got)
		}
		sess, err := p.b.Store().Load(context.Background(), chat)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range map[string]string{flows.KeyLetter: "motifs", flows.KeyLetterSent: "2026-11-27",
			flows.KeyLetterRR: "1A12345678901", flows.KeyLetterFollow: "2026-12-27"} {
			if sess.Answers[k] != v {
				t.Errorf("session %s = %q, want %q", k, sess.Answers[k], v)
			}
		}
		if p.drafting() {
			t.Error("draft kept after recording the letter")
		}
	})
}

// A letter posted long ago: its follow-up day is past, so no reminder is
// set for it and the person is told to follow up now.
func TestISentItLongAgo(t *testing.T) {
	be := redistest.Mini(t)
	called := false
	p := newPersonFollow(t, be, nil, func(context.Context, int64, string, string, time.Time, time.Time) error {
		called = true
		return nil
	})
	p.toNumber()
	// A letter in preparation is not dropped by "I sent it" on another.
	p.pressData("l:0:sent=substitution")
	p.want("finish it or cancel it first")
	p.want("numéro étranger")
	if !p.drafting() {
		t.Fatal("the letter in preparation was dropped")
	}
	p.press("Cancel")
	p.pressData("l:0:sent=substitution")
	p.press("Today")
	p.press("Skip")
	p.want("I will remind you on 14/12/2026")
	if !called {
		t.Error("no follow-up scheduled")
	}
	called = false
	p.pressData("l:0:sent=substitution")
	p.text("01/10/2026")
	p.press("Skip")
	due := p.want("More than two weeks have passed")
	if called || strings.Contains(due.Text, "remind") {
		t.Errorf("a past follow-up day was offered: %q", due.Text)
	}
}
