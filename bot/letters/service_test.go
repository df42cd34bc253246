package letters_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/bottest"
	"github.com/anefbot/anefbot/bot/crypt"
	"github.com/anefbot/anefbot/bot/letters"
	"github.com/anefbot/anefbot/bot/letters/pdftext"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// person drives one chat through the real bot (engine, Redis session,
// letters middleware and effect) without a transport.
type person struct {
	t     *testing.T
	b     *bot.Bot
	sent  *bottest.Recorder
	store *letters.Store
	seen  int
}

const chat = 777

var now = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

func newPerson(t *testing.T, be redistest.Backend) *person { return newPersonKeys(t, be, nil) }

func newPersonKeys(t *testing.T, be redistest.Backend, keys letters.Sealer) *person {
	return newPersonWith(t, be, keys, nil, nil)
}

func newPersonFollow(t *testing.T, be redistest.Backend, keys letters.Sealer, follow letters.FollowUp) *person {
	return newPersonWith(t, be, keys, follow, nil)
}

// newPersonWith builds a person's bot with a follow-up hook and a change
// to the service first (both may be nil).
func newPersonWith(t *testing.T, be redistest.Backend, keys letters.Sealer, follow letters.FollowUp, change func(*letters.Service)) *person {
	t.Helper()
	cat, g, _ := bottest.Parts(t)
	store := letters.NewStore(be.Client, be.Prefix, 0, keys)
	svc := letters.NewService(store, follow)
	if change != nil {
		change(svc)
	}
	opts := flows.Options{Offers: []flows.Offer{svc.Offer()}}
	for _, l := range locales.Languages {
		opts.Languages = append(opts.Languages, flows.Language{Code: l.Code, Name: l.Name})
	}
	rec := &bottest.Recorder{}
	b, err := bot.New(bot.Config{
		Engine: flows.NewEngine(g, opts), Catalog: cat, Sender: rec,
		Store:       redisstore.New(be.Client, redisstore.WithPrefix(be.Prefix)),
		Clock:       func() time.Time { return now },
		Effects:     map[string]bot.EffectFunc{"offer:" + letters.OfferID: svc.Start},
		Middlewares: []bot.Middleware{svc.Middleware},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &person{t: t, b: b, sent: rec, store: store}
}

func (p *person) text(s string) {
	p.t.Helper()
	if err := p.b.Handle(context.Background(), bot.Update{Kind: bot.Message, ChatID: chat, Private: true, LangCode: "en", Text: s}); err != nil {
		p.t.Fatal(err)
	}
}

// press presses the button whose label contains label on the latest
// message that has buttons.
func (p *person) press(label string) {
	p.t.Helper()
	p.pressData(p.button(label))
}

func (p *person) button(label string) string {
	p.t.Helper()
	sent := p.sent.All()
	for i := len(sent) - 1; i >= 0; i-- {
		if len(sent[i].Buttons) == 0 {
			continue
		}
		for _, row := range sent[i].Buttons {
			for _, btn := range row {
				if strings.Contains(btn.Text, label) {
					return btn.Data
				}
			}
		}
		p.t.Fatalf("no button %q in %+v", label, sent[i].Buttons)
	}
	p.t.Fatal("no message with buttons")
	return ""
}

func (p *person) pressData(data string) {
	p.t.Helper()
	if err := p.b.Handle(context.Background(), bot.Update{Kind: bot.Callback, ChatID: chat, Private: true, LangCode: "en", Data: data, CallbackID: "cb"}); err != nil {
		p.t.Fatal(err)
	}
}

// want checks that a message sent since the last want contains s.
func (p *person) want(s string) bot.Out {
	p.t.Helper()
	sent := p.sent.All()
	for i := p.seen; i < len(sent); i++ {
		if strings.Contains(sent[i].Text, s) {
			p.seen = i + 1
			return sent[i]
		}
	}
	p.t.Fatalf("no message containing %q in %d new messages:\n%v", s, len(sent)-p.seen, sent[p.seen:])
	return bot.Out{}
}

func (p *person) drafting() bool {
	p.t.Helper()
	_, ok, err := p.store.Load(context.Background(), chat)
	if err != nil {
		p.t.Fatal(err)
	}
	return ok
}

func (p *person) toLetters() {
	p.t.Helper()
	p.text("/start")
	p.press("Something else")
	p.want("Which procedure")
	p.press("Something else")
	p.want("Content checked on")
	p.press("Get a letter")
	p.want("Which letter")
}

// The Défenseur des droits text is sent as a message to copy, with the
// département read as typed ("2a"), and the draft is gone afterwards.
func TestDDDTextIsSentAsAMessage(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		p := newPerson(t, be)
		p.toLetters()
		p.press("Défenseur des droits")
		p.want("number of your département")
		p.text("2a")
		p.want("already sent a letter")
		p.text("12/11/2026")
		p.want("Centre de contact citoyen")
		p.press("No")
		p.want("screenshots")
		p.text("Skip") // the skip word, typed
		review := p.want("Your text for the Défenseur des droits")
		for _, w := range []string{"does not mention the Centre de contact citoyen", "does not mention screenshots"} {
			if !strings.Contains(review.Text, w) {
				t.Errorf("summary lacks %q:\n%s", w, review.Text)
			}
		}
		p.press("Create the text")
		text := p.want("Objet\u00a0: blocage de ma démarche")
		for _, w := range []string{"département 2A", "12 novembre 2026", "intervenir auprès de la préfecture"} {
			if !strings.Contains(text.Text, w) {
				t.Errorf("text lacks %q:\n%s", w, text.Text)
			}
		}
		for _, w := range []string{"Centre de contact citoyen", "captures"} {
			if strings.Contains(text.Text, w) {
				t.Errorf("text states %q the person did not say:\n%s", w, text.Text)
			}
		}
		if text.Document != nil {
			t.Error("the form's text was sent as a document")
		}
		p.want(flows.LinkDDD)
		if p.drafting() {
			t.Error("the draft is still stored after the text was produced")
		}
	})
}

// Back, cancel and restart at any point; bad input changes nothing.
func TestCancelBackRestart(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		p := newPerson(t, be)
		p.toLetters()
		p.press("solution de substitution")
		p.want("Your first name")
		p.text(strings.Repeat("x", 81))
		p.want("too long (at most 80")
		p.text("Ana")
		p.want("postal address")
		p.text("/back")
		p.want("Your first name")
		p.text("Ana Lima")
		p.want("postal address")
		p.text("/cancel")
		p.want("The letter is cancelled")
		if p.drafting() {
			t.Fatal("draft kept after /cancel")
		}
		p.text("hello") // back to the conversation engine
		p.want("buttons")

		p.toLetters()
		p.press("solution de substitution")
		p.want("Your first name")
		p.text("/restart")
		if p.drafting() {
			t.Fatal("draft kept after /restart")
		}
		p.want("What is your situation?")
	})
}

// A button from an earlier question is refused and the current question
// shown again; /forget erases a draft and says so.
func TestStaleButtonAndForget(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		p := newPerson(t, be)
		p.toLetters()
		p.text("the first one") // typed instead of pressed: asked again, with the buttons
		p.want("Please answer with the buttons")
		if again := p.want("Which letter"); len(again.Buttons) != 3 {
			t.Errorf("the choice is shown again with %d buttons, want 3", len(again.Buttons))
		}
		old := p.button("solution de substitution")
		p.pressData(old)
		p.want("Your first name")
		p.pressData(old)
		p.want("earlier question")
		p.want("Your first name")
		svc := letters.NewService(p.store, nil)
		erased, err := svc.Forget(context.Background(), chat)
		if err != nil || len(erased) != 1 {
			t.Fatalf("Forget = %v, %v", erased, err)
		}
		if erased, _ := svc.Forget(context.Background(), chat); len(erased) != 0 {
			t.Errorf("second Forget erased %v", erased)
		}
		p.pressData(old)
		p.want("no longer being prepared")
	})
}

// With a data key, the draft in Redis does not show what was typed.
func TestDraftEncryptedAtRest(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		ring, err := crypt.NewKeyring(bytes.Repeat([]byte{7}, 32))
		if err != nil {
			t.Fatal(err)
		}
		p := newPersonKeys(t, be, ring)
		p.toLetters()
		p.press("solution de substitution")
		p.text("Ana Lima")
		p.want("postal address")
		raw, err := be.Client.Get(context.Background(), p.store.Key(chat)).Bytes()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("Ana Lima")) || !crypt.IsSealed(raw) {
			t.Errorf("draft stored in clear: %q", raw)
		}
		p.text("1 rue A\n75001 Paris") // read back through the key
		p.want("phone number")
	})
}

// Under the T3 plan, 5 months after filing, the letters include the
// request for the reasons of the implicit refusal; the diagnosis' dates
// are not asked again and the warning gives the refusal and the last day.
func TestDiagnosisDatesFillTheLetter(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		p := newPerson(t, be)
		p.text("/start")
		p.press("« attestation de dépôt »")
		p.text("15/12/2026")
		p.press("Yes")
		p.text("1 juin 2026")
		p.press("Yes")
		p.press("No, my file is complete")
		p.want("Content checked on")
		p.press("Get a letter")
		choice := p.want("Which letter")
		if len(choice.Buttons) != 4 { // api, motifs, ddd, cancel
			t.Fatalf("buttons %+v", choice.Buttons)
		}
		p.press("reasons")
		p.text("Ana Lima")
		p.text("1 rue A\n93200 Saint-Denis") // the town comes from the address
		p.want("phone number")
		p.press("Skip")
		p.press("Skip") // e-mail
		p.want("numéro étranger")
		p.press("Skip")
		p.press("Skip") // ANEF number
		p.text("93")
		named := p.want("Préfecture de la Seine-Saint-Denis (Bobigny)")
		if !strings.Contains(named.Text, "Sous-préfecture") {
			t.Errorf("the question does not say how to name a sous-préfecture:\n%s", named.Text)
		}
		p.press("Skip")
		p.press("Yes") // screenshots kept
		review := p.want("Your letter: request for the reasons")
		for _, w := range []string{"filed your request on 01/06/2026", "on 01/10/2026", "before 02/12/2026",
			"Numéro étranger: " + letters.Blank, "ANEF application number: " + letters.Blank, "Town at the top of the letter: Saint-Denis",
			"Addressee: Préfecture de la Seine-Saint-Denis, Service des étrangers", "mentions your dated screenshots"} {
			if !strings.Contains(review.Text, w) {
				t.Errorf("summary lacks %q:\n%s", w, review.Text)
			}
		}
		p.press("Create the letter")
		doc := p.want("ready to print")
		if doc.Document == nil || doc.Document.Name != "demande-motifs-refus-implicite.pdf" {
			t.Fatalf("no PDF: %+v", doc)
		}
		text, err := pdftext.Text(doc.Document.Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"Ana Lima", "1er juin 2026", "L232-4", "Préfecture de la Seine-Saint-Denis", "Bobigny",
			"À Saint-Denis, le 29 novembre 2026", "Numéro étranger : " + letters.Blank, "captures d’écran datées"} {
			if !strings.Contains(text, pdftext.Normalize(w)) {
				t.Errorf("PDF lacks %q:\n%s", w, text)
			}
		}
		copyText := p.want("Objet\u00a0: demande de communication des motifs")
		if copyText.Document != nil || !strings.Contains(copyText.Text, "Ana Lima") {
			t.Errorf("the letter's text is not sent as a message to copy: %+v", copyText)
		}
	})
}

// A draft sealed with a key the bot no longer has is lost, not a trap:
// the person is told once, the draft is deleted, and what they type next
// goes on as without a draft.
func TestDraftWithLostKey(t *testing.T) {
	redistest.Each(t, func(t *testing.T, be redistest.Backend) {
		ringA, _ := crypt.NewKeyring(bytes.Repeat([]byte{7}, 32))
		ringB, _ := crypt.NewKeyring(bytes.Repeat([]byte{8}, 32))
		before := newPersonKeys(t, be, ringA)
		before.toLetters()
		before.press("solution de substitution")
		before.want("Your first name")

		var lost int
		p := newPersonWith(t, be, ringB, nil, func(svc *letters.Service) { svc.Lost = func() { lost++ } })
		p.text("Ana Lima")
		p.want(lostDraft(t))
		if n := be.Client.Exists(context.Background(), p.store.Key(chat)).Val(); n != 0 {
			t.Error("the unreadable draft is still stored")
		}
		p.text("Ana Lima")
		for _, m := range p.sent.All()[p.seen:] {
			if strings.Contains(m.Text, lostDraft(t)) {
				t.Errorf("told twice: %q", m.Text)
			}
		}
		if lost != 1 {
			t.Errorf("counted %d lost drafts, want 1", lost)
		}
	})
}

func lostDraft(t *testing.T) string {
	t.Helper()
	cat, _, _ := bottest.Parts(t)
	s, err := cat.Text("en", "lost_draft", nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
