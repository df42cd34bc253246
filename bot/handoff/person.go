package handoff

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// Limits on what a person adds while waiting: enough to explain, not a
// place to store documents.
const (
	maxDetails     = 20
	maxDetailRunes = 1000
)

// OfferEffect is the effect of the "talk to a volunteer" button under a
// plan: it asks for consent first.
func (s *Service) OfferEffect(ctx context.Context, b *bot.Bot, chat int64, _ flows.Session, _ flows.Effect) error {
	return s.askConsent(ctx, b, chat, "")
}

// preview builds the case a person would send now, from their session
// and their answer to the département question (depAnswer, may be empty).
func (s *Service) preview(ctx context.Context, b *bot.Bot, chat int64, langCode, depAnswer string) (Case, error) {
	sess, err := b.Store().Load(ctx, chat)
	if err != nil {
		return Case{}, fmt.Errorf("load session: %w", err)
	}
	if sess.Lang == "" {
		sess.Lang = b.Catalog().Match(langCode)
	}
	// The plan comes from the person's own state, never from button data:
	// a forged "h:ok:plan_urgent" must not jump the queue.
	plan := ""
	if st := b.Engine().Graph().Step(sess.State); st != nil && st.Kind == flows.Plan {
		plan = st.ID
	}
	return withDep(NewCase("", chat, sess, plan, b.Engine().Graph(), b.Now()), depAnswer), nil
}

// askConsent shows the person exactly what a volunteer will see, and
// asks (anef.md §5: the summary goes only with the person's consent).
// When neither the session nor an earlier answer gives the département,
// the optional département question comes first, so that the summary
// they agree to includes it.
func (s *Service) askConsent(ctx context.Context, b *bot.Bot, chat int64, langCode string) error {
	r, err := s.st.RouteOf(ctx, chat)
	if err != nil {
		return err
	}
	if r.Own != "" {
		return s.status(ctx, b, chat, langCode, r.Own)
	}
	c, err := s.preview(ctx, b, chat, langCode, r.Dep)
	if err != nil {
		return err
	}
	if c.Summary.Departement == "" && r.Dep != depSkipped {
		return s.askDep(ctx, b, chat, c.Lang)
	}
	ask := reply("handoff_consent", flows.Args{"Summary": summaryText(b.Catalog(), c.Lang, c)},
		flows.Choice{Data: Prefix + "ok", Label: "handoff_consent_yes"},
		flows.Choice{Data: Prefix + "no", Label: "handoff_consent_no"})
	return s.send(ctx, b, chat, c.Lang, false, ask)
}

// consent opens the case, tells the person where they stand, and tells a
// few volunteers.
func (s *Service) consent(ctx context.Context, b *bot.Bot, chat int64, langCode string) error {
	dep, err := s.st.DepAnswer(ctx, chat)
	if err != nil {
		return err
	}
	c, err := s.preview(ctx, b, chat, langCode, dep)
	if err != nil {
		return err
	}
	c.Ref = NewRef()
	ref, created, err := s.st.Open(ctx, c)
	if err != nil {
		return err
	}
	// The answer is on the case now; the next request asks again.
	if err := s.st.ClearDep(ctx, chat); err != nil {
		return err
	}
	if !created {
		return s.status(ctx, b, chat, langCode, ref)
	}
	s.log.Info("case opened", "chat", bot.ChatHash(chat), "lang", c.Lang, "urgent", c.Urgent)
	if err := s.queued(ctx, b, c, "handoff_queued"); err != nil {
		return err
	}
	return s.notify(ctx, b, c, nil, false)
}

// status tells the person where their case stands.
func (s *Service) status(ctx context.Context, b *bot.Bot, chat int64, langCode, ref string) error {
	c, err := s.st.Get(ctx, ref)
	if errors.Is(err, ErrUnreadable) {
		return s.lost(ctx, b, ref, loss{chat: chat, langCode: langCode, person: true, holder: true})
	}
	if err != nil {
		return err
	}
	holder, err := s.st.Holder(ctx, ref)
	if err != nil {
		return err
	}
	if holder != 0 {
		return b.Say(ctx, c.Chat, c.Lang, "handoff_status_taken", flows.Args{"Ref": c.Ref})
	}
	return s.queued(ctx, b, c, "handoff_status_waiting")
}

// queued gives the person their reference, position and a wait estimate
// from recent handling times, or says honestly that nobody may answer
// soon, with other contacts.
func (s *Service) queued(ctx context.Context, b *bot.Bot, c Case, id string) error {
	now := s.cfg.Clock()
	pos, err := s.st.Position(ctx, c)
	if err != nil {
		return err
	}
	vols, err := s.available(ctx, c.Lang)
	if err != nil {
		return err
	}
	r := reply(id, flows.Args{"Ref": c.Ref, "Position": pos}, flows.Choice{Data: Prefix + "cancel", Label: "handoff_btn_cancel"})
	estimate, err := s.estimate(ctx, c.Lang, pos, vols, now)
	if err != nil {
		return err
	}
	switch {
	case vols == 0 || !s.cfg.Hours.Open(b.Now()):
		r.Parts = append(r.Parts, s.nobodyParts(b, c, vols == 0)...)
	case estimate > 0:
		r.Parts = append(r.Parts, waitPart(estimate))
	default:
		r.Parts = append(r.Parts, flows.Part{ID: "handoff_wait_unknown"})
	}
	r.Parts = append(r.Parts, flows.Part{ID: "handoff_waiting_help"})
	return s.send(ctx, b, c.Chat, c.Lang, false, r)
}

// nobodyParts: no volunteer for the language, or outside their hours.
// The person gets the truth, other contacts and their plan's next step.
func (s *Service) nobodyParts(b *bot.Bot, c Case, noVolunteer bool) []flows.Part {
	p := flows.Part{ID: "handoff_outside_hours", Args: flows.Args{"Hours": s.cfg.Hours.String()}}
	if noVolunteer {
		p = flows.Part{ID: "handoff_no_volunteer"}
	}
	return []flows.Part{p, s.contactsPart(b, c)}
}

func (s *Service) contactsPart(b *bot.Bot, c Case) flows.Part {
	args := flows.Args{"Contacts": s.directoryText(b.Catalog(), c.Lang, c.Summary.Departement)}
	if d, ok := parse(c.Summary.Deadline); ok {
		args["Date"] = d
		return flows.Part{ID: "handoff_contacts_deadline", Args: args}
	}
	return flows.Part{ID: "handoff_contacts", Args: args}
}

func waitPart(d time.Duration) flows.Part {
	if d < 2*time.Hour {
		return flows.Part{ID: "handoff_wait_minutes", Args: flows.Args{"Count": int((d + time.Minute - 1) / time.Minute)}}
	}
	return flows.Part{ID: "handoff_wait_hours", Args: flows.Args{"Count": int((d + time.Hour - 1) / time.Hour)}}
}

// available counts the volunteers who speak lang and can be told now.
func (s *Service) available(ctx context.Context, lang string) (int, error) {
	vols, err := s.st.Volunteers(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, v := range vols {
		if v.Status == Available && v.Speaks(lang) {
			n++
		}
	}
	return n, nil
}

// estimate: the cases ahead are handled in rounds, one per available
// volunteer, each taking the median of the recent handling times; 0 when
// there is no history to go on.
func (s *Service) estimate(ctx context.Context, lang string, pos, vols int, now time.Time) (time.Duration, error) {
	if vols == 0 || pos == 0 {
		return 0, nil
	}
	h, err := s.st.RecentHandling(ctx, lang, 20, now)
	if err != nil || h == 0 {
		return 0, err
	}
	rounds := (pos + vols - 1) / vols
	return h * time.Duration(rounds), nil
}

// cancel ends the person's own case; false when they have none (the
// command may belong to someone else).
func (s *Service) cancel(ctx context.Context, b *bot.Bot, chat int64, langCode string) (bool, error) {
	r, err := s.st.RouteOf(ctx, chat)
	if err != nil || r.Own == "" {
		return false, err
	}
	c, err := s.st.Get(ctx, r.Own)
	if errors.Is(err, ErrUnreadable) {
		return true, s.lost(ctx, b, r.Own, loss{chat: chat, langCode: langCode, person: true, holder: true})
	}
	if err != nil {
		return true, err
	}
	holder, err := s.st.Close(ctx, c, 0, Cancelled, true, s.cfg.Clock())
	if errors.Is(err, ErrNoCase) {
		return true, s.sayLang(ctx, b, chat, langCode, "handoff_no_case", nil)
	}
	if err != nil {
		return true, err
	}
	if holder != 0 {
		s.tellVolunteer(ctx, b, holder, "handoff_vol_person_left", flows.Args{"Ref": c.Ref})
	}
	return true, b.Say(ctx, chat, c.Lang, "handoff_cancelled", flows.Args{"Ref": c.Ref})
}

// relay carries a text between a person and the volunteer holding their
// case. A person whose case waits adds it to the case as a detail. False
// when the chat is in no handoff.
func (s *Service) relay(ctx context.Context, b *bot.Bot, u bot.Update, text string) (bool, error) {
	if text == "" {
		return false, nil
	}
	r, err := s.st.RouteOf(ctx, u.ChatID)
	if err != nil {
		return false, err
	}
	switch {
	case r.Held != "":
		return true, s.toPerson(ctx, b, u.UserID, r.Held, text)
	case r.Own != "":
		return s.fromPerson(ctx, b, u.ChatID, u.LangCode, r.Own, text)
	case r.Dep == depAsked:
		return s.answerDep(ctx, b, u.ChatID, u.LangCode, text)
	}
	return false, nil
}

// toPerson sends a volunteer's message to the person of the case they
// hold, under the volunteer's chosen name only.
func (s *Service) toPerson(ctx context.Context, b *bot.Bot, vol int64, ref, text string) error {
	c, err := s.st.Get(ctx, ref)
	if errors.Is(err, ErrUnreadable) {
		return s.lost(ctx, b, ref, loss{person: true, holder: true})
	}
	if err != nil {
		return err
	}
	if err := s.st.Touch(ctx, ref, s.cfg.Clock().Add(s.cfg.Lease)); err != nil {
		return err
	}
	v, _ := s.st.Volunteer(ctx, vol)
	return b.Say(ctx, c.Chat, c.Lang, "handoff_from_volunteer", flows.Args{"Name": s.name(b, c.Lang, v), "Text": text})
}

// fromPerson relays to the holder, or keeps the text as a detail while the
// case waits. A person answering a date question of a new diagnosis is
// left to the conversation.
func (s *Service) fromPerson(ctx context.Context, b *bot.Bot, chat int64, langCode, ref, text string) (bool, error) {
	c, err := s.st.Get(ctx, ref)
	if errors.Is(err, ErrUnreadable) {
		return true, s.lost(ctx, b, ref, loss{chat: chat, langCode: langCode, person: true, holder: true})
	}
	if err != nil {
		return false, err
	}
	holder, err := s.st.Holder(ctx, ref)
	if err != nil {
		return false, err
	}
	if holder != 0 {
		v, err := s.st.Volunteer(ctx, holder)
		if err != nil {
			return true, err
		}
		return true, s.send(ctx, b, holder, volunteerLang(b.Catalog(), v), false,
			reply("handoff_from_person", flows.Args{"Ref": c.Ref, "Text": text}))
	}
	if sess, err := b.Store().Load(ctx, chat); err == nil {
		if st := b.Engine().Graph().Step(sess.State); st != nil && st.Kind == flows.AskDate {
			return false, nil
		}
	}
	return true, s.addDetail(ctx, b, c, text)
}

func (s *Service) addDetail(ctx context.Context, b *bot.Bot, c Case, text string) error {
	if len(c.Details) >= maxDetails {
		return b.Say(ctx, c.Chat, c.Lang, "handoff_details_full", nil)
	}
	if utf8.RuneCountInString(text) > maxDetailRunes {
		text = string([]rune(text)[:maxDetailRunes]) + "…"
	}
	c.Details = append(c.Details, strings.TrimSpace(text))
	if err := s.st.Update(ctx, c); err != nil {
		return err
	}
	return s.send(ctx, b, c.Chat, c.Lang, false, reply("handoff_detail_added", flows.Args{"Ref": c.Ref},
		flows.Choice{Data: Prefix + "cancel", Label: "handoff_btn_cancel"}))
}

// name is what the person sees of a volunteer: their chosen first name or
// pseudonym, never their Telegram identity.
func (s *Service) name(b *bot.Bot, lang string, v Volunteer) string {
	if v.Name != "" {
		return v.Name
	}
	n, _ := b.Catalog().Text(lang, "handoff_default_name", nil)
	return n
}

// tellVolunteer sends a volunteer a message in their language; failures
// are logged, not returned: the person's action has already happened.
func (s *Service) tellVolunteer(ctx context.Context, b *bot.Bot, vol int64, id string, args flows.Args) {
	v, err := s.st.Volunteer(ctx, vol)
	lang := "fr"
	if err == nil {
		lang = volunteerLang(b.Catalog(), v)
	}
	if err := s.send(ctx, b, vol, lang, false, reply(id, args)); err != nil {
		s.log.Warn("tell volunteer", "chat", bot.ChatHash(vol), "err", err)
	}
}
