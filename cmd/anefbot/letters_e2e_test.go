package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/letters/pdftext"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// letterChat follows one person's messages in order, whatever other
// features add in between.
type letterChat struct {
	h    *harness
	u    telegramtest.User
	seen int
	// tapped is one past the last message whose button tap pressed.
	tapped int
}

// openLetter starts a new person on the general plan and picks the letter
// whose label contains label, up to its first question (the name).
func (c *letterChat) openLetter(label string) {
	c.h.t.Helper()
	c.h.api.PushText(c.u, "/start")
	c.want("What is your situation?")
	c.h.press(c.u, "Something else")
	c.want("Which procedure is it?")
	c.h.press(c.u, "Something else")
	c.want("Content checked on")
	c.h.press(c.u, "Get a letter")
	c.want("Which letter")
	c.h.press(c.u, label)
	c.want("Your first name and last name")
}

// want waits for the next message that contains s.
func (c *letterChat) want(s string) telegramtest.Sent {
	c.h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs := c.h.api.Messages(c.u.ID)
		for i := c.seen; i < len(msgs); i++ {
			if strings.Contains(msgs[i].Text, s) {
				c.seen = i + 1
				return msgs[i]
			}
		}
		if time.Now().After(deadline) {
			c.h.t.Fatalf("chat %d: no message containing %q after message %d: %+v", c.u.ID, s, c.seen, msgs[c.seen:])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// document waits for the chat's n-th document.
func (c *letterChat) document(n int) telegramtest.Sent {
	c.h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var docs []telegramtest.Sent
		for _, m := range c.h.api.Sent("sendDocument") {
			if m.ChatID == c.u.ID {
				docs = append(docs, m)
			}
		}
		if len(docs) >= n {
			return docs[n-1]
		}
		if time.Now().After(deadline) {
			c.h.t.Fatalf("chat %d: %d documents, want %d", c.u.ID, len(docs), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A person under the general plan asks for the "solution de substitution"
// letter: a name in Arabic script and an unknown département are refused
// with the reason, optional fields are skipped, the summary is shown in
// English, and the PDF arrives through the Bot API's sendDocument with the
// facts inside. Nothing typed is left in Redis afterwards.
func TestTelegramLetterToPDF(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		h := startBot(t, b, nil)
		c := &letterChat{h: h, u: telegramtest.User{ID: 5151, Lang: "en"}}
		c.openLetter("solution de substitution")
		h.api.PushText(c.u, "محمد عبد الله")
		c.want("in Latin letters")
		h.api.PushText(c.u, "Amina Benali")
		c.want("Your postal address")
		h.api.PushText(c.u, "12 rue de l'Église\n93200 Saint-Denis")
		c.want("phone number")
		h.press(c.u, "Skip")
		c.want("e-mail")
		h.api.PushText(c.u, "amina@")
		c.want("don't recognise this e-mail")
		h.api.PushText(c.u, "amina@example.org")
		c.want("numéro étranger")
		// The French skip word, typed in an English chat: skipped, never
		// written as the numéro étranger.
		h.api.PushText(c.u, "Passer")
		c.want("ANEF")
		h.press(c.u, "Skip")
		c.want("number of your département")
		h.api.PushText(c.u, "skip")
		c.want("cannot be skipped")
		h.api.PushText(c.u, "99")
		c.want("do not recognise")
		h.api.PushText(c.u, "93")
		c.want("Préfecture de la Seine-Saint-Denis (Bobigny)")
		h.press(c.u, "Skip")
		c.want("end date of your residence permit")
		h.api.PushText(c.u, "15/12/2026")
		c.want("Since what date")
		h.press(c.u, "Skip")
		c.want("Centre de contact citoyen")
		h.press(c.u, "No")
		c.want("screenshots")
		h.press(c.u, "No")
		review := c.want("Your letter: request to the préfecture for the « solution de substitution »")
		for _, w := range []string{"From: Amina Benali", "12 rue de l'Église, 93200 Saint-Denis", "End of your permit: 15/12/2026", "To attach",
			"Numéro étranger: ……", "E-mail: amina@example.org", "Town at the top of the letter: Saint-Denis"} {
			if !strings.Contains(review.Text, w) {
				t.Errorf("summary lacks %q:\n%s", w, review.Text)
			}
		}
		makeData := h.press(c.u, "Create the letter")
		doc := c.document(1)
		if doc.Params["filename"] != "demande-solution-substitution.pdf" || doc.Params["caption"] == "" {
			t.Errorf("document sent as %q with caption %q", doc.Params["filename"], doc.Params["caption"])
		}
		text, err := pdftext.Text(doc.File)
		if err != nil {
			t.Fatalf("the PDF sent is not valid: %v", err)
		}
		for _, w := range []string{"Amina Benali", "12 rue de l'Église", "Préfecture de la Seine-Saint-Denis", "15 décembre 2026",
			"À Saint-Denis, le 29 novembre 2026", "R431-2", "Lettre recommandée avec accusé de réception", "Numéro étranger : ……"} {
			if !strings.Contains(text, pdftext.Normalize(w)) {
				t.Errorf("PDF lacks %q:\n%s", w, text)
			}
		}
		for _, w := range []string{"PASSER", "Passer", "Centre de contact citoyen", "captures"} {
			if strings.Contains(text, w) {
				t.Errorf("PDF states %q:\n%s", w, text)
			}
		}
		c.want("to copy into a form")
		c.want("Objet\u00a0: demande de solution de substitution")
		after := c.want("lettre recommandée avec accusé de réception")
		if !strings.Contains(after.Text, "I kept neither the letter nor what you typed") {
			t.Errorf("the instructions do not say that nothing was kept:\n%s", after.Text)
		}
		n, err := b.Client.Exists(context.Background(), b.Prefix+"{c:5151}:letter").Result()
		if err != nil || n != 0 {
			t.Errorf("the letter's draft is still in Redis (%d, %v)", n, err)
		}
		// The summary's button, pressed again, produces nothing more (the
		// latest buttons are now "I sent it").
		h.api.PushCallback(c.u, makeData)
		c.want("no longer being prepared")
		if docs := len(h.api.Sent("sendDocument")); docs != 1 {
			t.Errorf("%d documents sent, want 1", docs)
		}
	})
}
