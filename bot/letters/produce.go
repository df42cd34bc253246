package letters

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// facts turns the draft's answers into the letter's Facts. Only the
// fields the letter asks in this situation are used.
func (d Draft) facts(now time.Time) Facts {
	f := Facts{Situation: d.Situation, Today: today(now), LinkAttestations: flows.LinkAttestations}
	l, _ := ByID(d.Letter)
	for _, fld := range l.Fields {
		if !fld.asks(d.Situation) {
			continue
		}
		if p := f.text(fld.Key); p != nil {
			*p = d.Values[fld.Key]
		}
		if p := f.date(fld.Key); p != nil {
			*p, _ = time.Parse(isoDate, d.Values[fld.Key])
		}
	}
	return f
}

func (f *Facts) text(key string) *string {
	switch key {
	case fName:
		return &f.Name
	case fAddress:
		return &f.Address
	case fNumber:
		return &f.Number
	case fDep:
		return &f.Departement
	case fPref:
		return &f.PrefectureAddress
	case fOrg:
		return &f.Org
	case fOrgAddr:
		return &f.OrgAddress
	case fReason:
		return &f.Reason
	}
	return nil
}

func (f *Facts) date(key string) *time.Time {
	switch key {
	case fExpiry:
		return &f.Expiry
	case fFiled:
		return &f.Filed
	case fAPIEnd:
		return &f.APIEnd
	case fADFEnd:
		return &f.ADFEnd
	case fSince:
		return &f.Since
	case fSent:
		return &f.Sent
	}
	return nil
}

// arg is a date or text for a summary: the value, or a dotted space.
func arg(v any) any {
	switch x := v.(type) {
	case time.Time:
		if x.IsZero() {
			return Blank
		}
	case string:
		if x == "" {
			return Blank
		}
		return strings.ReplaceAll(x, "\n", ", ")
	}
	return v
}

// review is the summary of the letter in the person's language, shown
// before it is produced.
func (s *Service) review(d Draft, now time.Time) flows.Reply {
	l, _ := ByID(d.Letter)
	f := d.facts(now)
	args := flows.Args{
		"Name": arg(f.Name), "Address": arg(f.Address), "Number": arg(f.Number),
		"Dep": arg(f.Departement), "Prefecture": arg(f.PrefectureAddress), "OrgAddress": arg(f.OrgAddress),
		"Expiry": arg(f.Expiry), "Filed": arg(f.Filed), "APIEnd": arg(f.APIEnd), "ADFEnd": arg(f.ADFEnd),
		"Since": arg(f.Since), "Sent": arg(f.Sent), "Reason": arg(f.Reason),
	}
	parts := []flows.Part{{ID: "letters_review_" + l.ID, Args: args}}
	if l.ID == "api" && !f.APIEnd.IsZero() {
		parts = append(parts, flows.Part{ID: "letters_review_api_end", Args: args})
	}
	if f.Org != "" {
		parts = append(parts, flows.Part{ID: "letters_review_org_" + f.Org, Args: args})
	}
	if l.PDF {
		parts = append(parts, flows.Part{ID: "letters_review_sender", Args: args})
	}
	if hasField(l, fPref) {
		parts = append(parts, flows.Part{ID: "letters_review_prefecture", Args: args})
	}
	parts = append(parts, flows.Part{ID: "letters_attach_" + l.ID})
	parts = append(parts, warnings(l, f)...)
	if l.PDF {
		parts = append(parts, flows.Part{ID: "letters_review_blanks"})
	}
	parts = append(parts, flows.Part{ID: "letters_review_confirm"})
	label := "letters_btn_make"
	if !l.PDF {
		label = "letters_btn_make_text"
	}
	return flows.Reply{Parts: parts, Choices: []flows.Choice{
		{Data: data(d.Seq, "make"), Label: label},
		{Data: data(d.Seq, "back"), Label: "letters_btn_back"},
		{Data: data(d.Seq, "again"), Label: "letters_btn_again"},
		{Data: data(d.Seq, "cancel"), Label: "letters_btn_cancel"},
	}}
}

func hasField(l Letter, key string) bool {
	for _, f := range l.Fields {
		if f.Key == key {
			return true
		}
	}
	return false
}

// warnings are what the person must know before sending this letter.
func warnings(l Letter, f Facts) []flows.Part {
	switch l.ID {
	case "api":
		if !f.Filed.IsZero() && !f.Expiry.IsZero() && !onTime(f) {
			// anef.md §3.2, §2.2 H: the API obligation covers requests
			// filed within the R431-5 window only.
			return []flows.Part{{ID: "letters_warn_not_on_time"}}
		}
	case "motifs":
		// anef.md §3.4, §3.7, §9.4: ask within the recourse period; 4
		// months is the default, shorter for some titles; §8 T5: a person
		// must look at the case at 4 months.
		if f.Filed.IsZero() {
			return []flows.Part{{ID: "letters_warn_motifs_nodate"}}
		}
		refusal := flows.ImplicitRefusal(f.Filed)
		return []flows.Part{{ID: "letters_warn_motifs", Args: flows.Args{"Refusal": refusal, "Until": flows.RecourseEnd(refusal)}}}
	case "ddd":
		return []flows.Part{{ID: "letters_warn_ddd"}} // anef.md §2.3
	}
	return nil
}

// produce writes the letter, sends it, and deletes the draft: nothing the
// person typed is kept, and the PDF is never stored.
func (s *Service) produce(ctx context.Context, b *bot.Bot, chatID int64, d Draft) error {
	l, _ := ByID(d.Letter)
	now := b.Now()
	doc, err := Compose(l.ID, d.facts(now))
	if err != nil {
		return err
	}
	if err := s.send(ctx, b, chatID, d.Lang, l, doc, now); err != nil {
		return err // the draft stays: the person can press again
	}
	if _, err := s.store.Delete(ctx, chatID); err != nil {
		return err
	}
	b.Logger().Info("letter produced", "component", "letters", "letter", l.ID, "chat", bot.ChatHash(chatID))
	return b.Reply(ctx, chatID, d.Lang, []flows.Reply{s.after(l)})
}

func (s *Service) send(ctx context.Context, b *bot.Bot, chatID int64, lang string, l Letter, doc Document, now time.Time) error {
	if !l.PDF {
		if err := b.Sender().Send(ctx, bot.Out{ChatID: chatID, Text: doc.Text()}); err != nil {
			return fmt.Errorf("send letter text: %w", err)
		}
		return nil
	}
	pdf, err := doc.PDF(doc.Subject(), today(now))
	if err != nil {
		return err
	}
	caption, err := b.Catalog().Text(lang, "letters_caption", nil)
	if err != nil {
		return err
	}
	out := bot.Out{ChatID: chatID, Text: caption, Document: &bot.Document{Name: l.File, Data: pdf}}
	if err := b.Sender().Send(ctx, out); err != nil {
		return fmt.Errorf("send letter: %w", err)
	}
	return nil
}

// after explains how to send the letter, and offers a follow-up reminder
// when the reminders feature provides one.
func (s *Service) after(l Letter) flows.Reply {
	r := flows.Reply{}
	if l.PDF {
		r.Parts = append(r.Parts, flows.Part{ID: "letters_how_to_send"})
	} else {
		r.Parts = append(r.Parts, flows.Part{ID: "letters_how_ddd", Args: flows.Args{"Link": flows.LinkDDD, "Sheet": flows.LinkDDDSheet}})
	}
	r.Parts = append(r.Parts, flows.Part{ID: "letters_after_" + l.ID}, flows.Part{ID: "letters_nothing_kept"})
	if s.followUp != nil {
		r.Choices = append(r.Choices, flows.Choice{Data: data(0, "remind="+l.ID), Label: "letters_btn_remind"})
	}
	return r
}

// Subject is the letter's subject line (its first Title), for the PDF's
// metadata.
func (d Document) Subject() string {
	for _, b := range d.Blocks {
		if b.Kind == Title {
			return b.Text
		}
	}
	return "Lettre"
}
