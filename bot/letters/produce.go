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
		if !fld.needed(d.Situation, d.Values) {
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
	case fCity:
		return &f.City
	case fPhone:
		return &f.Phone
	case fEmail:
		return &f.Email
	case fANEF:
		return &f.ANEF
	case fCCC:
		return &f.CCC
	case fShots:
		return &f.Shots
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
	case fCCCDate:
		return &f.CCCDate
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
// before it is produced. What the PDF leaves to fill in by hand is shown
// as a dotted line here too.
func (s *Service) review(d Draft, now time.Time) flows.Reply {
	l, _ := ByID(d.Letter)
	f := d.facts(now)
	args := flows.Args{
		"Name": arg(f.Name), "Address": arg(f.Address), "Number": arg(f.Number), "ANEF": arg(f.ANEF),
		"Phone": arg(f.Phone), "Email": arg(f.Email), "City": arg(place(f)),
		"Dep": arg(f.Departement), "Recipient": strings.Join(prefectureLines(f), ", "), "OrgAddress": arg(f.OrgAddress),
		"Expiry": arg(f.Expiry), "Filed": arg(f.Filed), "APIEnd": arg(f.APIEnd), "ADFEnd": arg(f.ADFEnd),
		"Since": arg(f.Since), "Sent": arg(f.Sent), "Reason": arg(f.Reason), "CCCDate": arg(f.CCCDate),
	}
	parts := []flows.Part{{ID: "letters_review_" + l.ID, Args: args}}
	if l.ID == "api" && !f.APIEnd.IsZero() {
		parts = append(parts, flows.Part{ID: "letters_review_api_end", Args: args})
	}
	if f.Org != "" {
		parts = append(parts, flows.Part{ID: "letters_review_org_" + f.Org, Args: args})
	}
	parts = append(parts, evidence(l, f, args)...)
	if l.PDF {
		parts = append(parts, senderParts(l, f, args)...)
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
		{Data: data(d.Seq, "edit"), Label: "letters_btn_edit"},
		{Data: data(d.Seq, "again"), Label: "letters_btn_again"},
		{Data: data(d.Seq, "cancel"), Label: "letters_btn_cancel"},
	}}
}

// senderParts show the sender block and the references as the PDF writes
// them: phone and e-mail only when given (the PDF omits them otherwise),
// the numéro étranger and ANEF number always (the PDF leaves a dotted
// line), and the town of the place line.
func senderParts(l Letter, f Facts, args flows.Args) []flows.Part {
	parts := []flows.Part{{ID: "letters_review_sender", Args: args}}
	if f.Phone != "" {
		parts = append(parts, flows.Part{ID: "letters_review_tel", Args: args})
	}
	if f.Email != "" {
		parts = append(parts, flows.Part{ID: "letters_review_mail", Args: args})
	}
	if hasField(l, fANEF) {
		parts = append(parts, flows.Part{ID: "letters_review_anef", Args: args})
	}
	return append(parts, flows.Part{ID: "letters_review_place", Args: args})
}

// evidence says which of the person's steps the letter states: only those
// they answered "yes" to (issue item 1; anef.md §2.3 steps 1-2).
func evidence(l Letter, f Facts, args flows.Args) []flows.Part {
	var parts []flows.Part
	if hasField(l, fCCC) {
		switch {
		case f.CCC == yes && !f.CCCDate.IsZero():
			parts = append(parts, flows.Part{ID: "letters_review_ccc_date", Args: args})
		case f.CCC == yes:
			parts = append(parts, flows.Part{ID: "letters_review_ccc_yes"})
		default:
			parts = append(parts, flows.Part{ID: "letters_review_ccc_no"})
		}
	}
	if hasField(l, fShots) {
		if f.Shots == yes {
			parts = append(parts, flows.Part{ID: "letters_review_shots_yes"})
		} else {
			parts = append(parts, flows.Part{ID: "letters_review_shots_no"})
		}
	}
	return parts
}

// prefectureNamed tells, before the préfecture's address is asked, which
// préfecture the letter goes to (prefectures.tsv).
func prefectureNamed(d Draft) []flows.Part {
	p, ok := PrefectureOf(d.Values[fDep])
	if !ok {
		return nil
	}
	return []flows.Part{{ID: "letters_pref_named", Args: flows.Args{"Prefecture": p.Name, "Seat": p.Seat}}}
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
		return []flows.Part{motifsDeadline(f)}
	case "ddd":
		return []flows.Part{{ID: "letters_warn_ddd"}} // anef.md §2.3
	}
	return nil
}

// motifsDeadline says until when the reasons may be asked, from today and
// the person's filing date, never with a past day as a target: the
// reasons are asked within the recourse period (L232-4 CRPA, anef.md
// §3.4), 2 months counted as a délai franc from the implicit refusal
// (§3.7, §10.2). Before the refusal arises the letter is early; on the
// last day it says so; after it, a lawyer must check (§10.2).
func motifsDeadline(f Facts) flows.Part {
	refusal := flows.ImplicitRefusal(f.Filed)
	until := flows.RecourseEnd(refusal)
	args := flows.Args{"Refusal": refusal, "Until": until}
	if refusal.After(f.Today) {
		return flows.Part{ID: "letters_warn_motifs_early", Args: args}
	}
	switch flows.StateOf(f.Today, until) {
	case flows.Running:
		return flows.Part{ID: "letters_warn_motifs", Args: args}
	case flows.LastDay:
		return flows.Part{ID: "letters_warn_motifs_lastday", Args: args}
	}
	return flows.Part{ID: "letters_warn_motifs_passed", Args: args}
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
	// The same letter as text, to paste into a form or an e-mail.
	if err := b.Say(ctx, chatID, lang, "letters_text_copy", nil); err != nil {
		return err
	}
	for _, chunk := range chunks(doc.Text(), maxMessage) {
		if err := b.Sender().Send(ctx, bot.Out{ChatID: chatID, Text: chunk}); err != nil {
			return fmt.Errorf("send letter text: %w", err)
		}
	}
	return nil
}

// maxMessage keeps a message under Telegram's 4096 characters.
const maxMessage = 3800

// chunks cuts text into pieces of at most max characters, at paragraph
// ends when it can, else at line ends.
func chunks(text string, max int) []string {
	var out []string
	for len([]rune(text)) > max {
		r := []rune(text)
		cut := strings.LastIndex(string(r[:max]), "\n\n")
		if cut <= 0 {
			cut = strings.LastIndex(string(r[:max]), "\n")
		}
		if cut <= 0 {
			cut = len(string(r[:max]))
		}
		out = append(out, strings.TrimRight(text[:cut], "\n"))
		text = strings.TrimLeft(text[cut:], "\n")
	}
	if strings.TrimSpace(text) != "" {
		out = append(out, strings.TrimRight(text, "\n"))
	}
	return out
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
	{
		// "I sent it" records the day and schedules the follow-up.
		r.Choices = append(r.Choices, flows.Choice{Data: data(0, "sent="+l.ID), Label: "letters_btn_sent"})
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
