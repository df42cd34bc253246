package handoff

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// volunteerCommand handles a volunteer's commands; false for anyone who
// is not a volunteer, so that they get the neutral "unknown command".
func (s *Service) volunteerCommand(ctx context.Context, b *bot.Bot, u bot.Update, name, arg string) (bool, error) {
	switch name {
	case "queue", "take", "done", "release", "available", "away", "case", "pseudo":
	default:
		return false, nil
	}
	v, err := s.st.Volunteer(ctx, u.UserID)
	if errors.Is(err, ErrNoVolunteer) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	lang := volunteerLang(b.Catalog(), v)
	switch name {
	case "queue":
		return true, s.queue(ctx, b, v, lang)
	case "take":
		return true, s.take(ctx, b, u.UserID, u.ChatID, arg)
	case "done":
		return true, s.done(ctx, b, u.UserID, u.ChatID, arg)
	case "release":
		return true, s.release(ctx, b, v, lang, arg)
	case "available", "away":
		return true, s.setStatus(ctx, b, v, lang, name)
	case "case":
		return true, s.showHeld(ctx, b, v, lang)
	}
	return true, s.pseudo(ctx, b, v, lang, arg)
}

// queue lists the waiting cases in the volunteer's languages: language,
// urgency, waiting time and one line of summary — no name.
func (s *Service) queue(ctx context.Context, b *bot.Bot, v Volunteer, lang string) error {
	cases, err := s.st.Waiting(ctx, v.Langs, 10)
	if err != nil {
		return err
	}
	if len(cases) == 0 {
		return b.Say(ctx, v.ID, lang, "handoff_queue_empty", nil)
	}
	now := s.cfg.Clock()
	r := reply("handoff_queue_title", flows.Args{"Count": len(cases)})
	for _, c := range cases {
		r.Parts = append(r.Parts, flows.Part{ID: queueLineID(c), Args: s.lineArgs(b, lang, c, now)})
		r.Choices = append(r.Choices, flows.Choice{Data: Prefix + "take:" + c.Ref, Text: "✋ " + c.Ref})
	}
	return s.send(ctx, b, v.ID, lang, false, r)
}

func queueLineID(c Case) string {
	if c.Urgent {
		return "handoff_queue_line_urgent"
	}
	return "handoff_queue_line"
}

// lineArgs: the one-line summary of a case for lists and notifications.
func (s *Service) lineArgs(b *bot.Bot, lang string, c Case, now time.Time) flows.Args {
	waited := int((now.UnixMilli() - c.Created) / 60000)
	situation := ""
	for _, a := range c.Transcript {
		if a.Label != "" {
			situation, _ = b.Catalog().Text(lang, a.Label, nil)
			break
		}
	}
	dep := c.Summary.Departement
	if dep == "" {
		dep = "?"
	}
	if situation == "" {
		situation = "?"
	}
	return flows.Args{
		"Ref": c.Ref, "Lang": languageName(c.Lang), "Minutes": max(waited, 0),
		"Situation": situation, "Dep": dep,
	}
}

// presser returns the volunteer who pressed a handoff button, and their
// language; ok is false, the presser told the button is stale, when they
// are not a volunteer (any more).
func (s *Service) presser(ctx context.Context, b *bot.Bot, user, chat int64) (v Volunteer, lang string, ok bool, err error) {
	v, err = s.st.Volunteer(ctx, user)
	if errors.Is(err, ErrNoVolunteer) {
		return v, "", false, s.sayLang(ctx, b, chat, "", "handoff_stale", nil)
	}
	if err != nil {
		return v, "", false, err
	}
	return v, volunteerLang(b.Catalog(), v), true, nil
}

// take gives the volunteer a case (the most urgent, or the one named),
// shows it in full, and tells the person who joined.
func (s *Service) take(ctx context.Context, b *bot.Bot, user, chat int64, ref string) error {
	v, lang, ok, err := s.presser(ctx, b, user, chat)
	if !ok {
		return err
	}
	if v.Status == Paused {
		return b.Say(ctx, v.ID, lang, "handoff_vol_paused", nil)
	}
	now := s.cfg.Clock()
	c, err := s.takeReadable(ctx, b, v, strings.ToUpper(strings.TrimSpace(ref)), now)
	switch {
	case errors.Is(err, ErrBusy):
		return b.Say(ctx, v.ID, lang, "handoff_vol_busy", flows.Args{"Ref": c.Ref})
	case errors.Is(err, ErrEmpty):
		return b.Say(ctx, v.ID, lang, "handoff_queue_empty", nil)
	case errors.Is(err, ErrNoCase):
		return b.Say(ctx, v.ID, lang, "handoff_take_gone", flows.Args{"Ref": ref})
	case err != nil:
		return err
	}
	s.log.Info("case taken", "chat", bot.ChatHash(c.Chat), "lang", c.Lang)
	if err := s.send(ctx, b, v.ID, lang, false, caseReply(b.Catalog(), lang, c, now)); err != nil {
		return err
	}
	return b.Say(ctx, c.Chat, c.Lang, "handoff_joined", flows.Args{"Name": s.name(b, c.Lang, v), "Ref": c.Ref})
}

// maxLostInARow bounds how many unreadable cases one /take discards
// before it gives up (and the volunteer is told the queue is empty).
const maxLostInARow = 20

// takeReadable takes a case as Store.Take does, and reads it. A case
// that cannot be read is never handed over: it is discarded (the person
// told) and the next one taken. For ErrBusy the Case holds only the
// reference of the case the volunteer holds.
func (s *Service) takeReadable(ctx context.Context, b *bot.Bot, v Volunteer, ref string, now time.Time) (Case, error) {
	for range maxLostInARow {
		got, err := s.st.Take(ctx, v.ID, v.Langs, ref, now, now.Add(s.cfg.Lease))
		if err != nil {
			return Case{Ref: got}, err
		}
		c, err := s.st.Get(ctx, got)
		if !errors.Is(err, ErrUnreadable) {
			return c, err
		}
		if err := s.lost(ctx, b, got, loss{person: true}); err != nil {
			return Case{}, err
		}
		if ref != "" {
			return Case{}, ErrNoCase // the case named is gone
		}
	}
	return Case{}, ErrEmpty
}

// held returns the case a volunteer holds, or ErrNoCase. A held case
// that cannot be read is discarded (the person told) and is no case.
func (s *Service) held(ctx context.Context, b *bot.Bot, vol int64) (Case, error) {
	r, err := s.st.RouteOf(ctx, vol)
	if err != nil {
		return Case{}, err
	}
	if r.Held == "" {
		return Case{}, ErrNoCase
	}
	c, err := s.st.Get(ctx, r.Held)
	if errors.Is(err, ErrUnreadable) {
		if err := s.lost(ctx, b, r.Held, loss{person: true}); err != nil {
			return Case{}, err
		}
		return Case{}, ErrNoCase
	}
	return c, err
}

// done closes the volunteer's case with an outcome, or asks for one.
func (s *Service) done(ctx context.Context, b *bot.Bot, user, chat int64, arg string) error {
	v, lang, ok, err := s.presser(ctx, b, user, chat)
	if !ok {
		return err
	}
	c, err := s.held(ctx, b, v.ID)
	if errors.Is(err, ErrNoCase) {
		return b.Say(ctx, v.ID, lang, "handoff_vol_no_case", nil)
	}
	if err != nil {
		return err
	}
	o, ok := ParseOutcome(arg)
	if !ok {
		r := reply("handoff_vol_outcome", flows.Args{"Ref": c.Ref})
		for _, o := range Outcomes {
			r.Choices = append(r.Choices, flows.Choice{Data: Prefix + "done:" + string(o), Label: "handoff_outcome_" + string(o)})
		}
		return s.send(ctx, b, v.ID, lang, false, r)
	}
	if _, err := s.st.Close(ctx, c, v.ID, o, true, s.cfg.Clock()); err != nil {
		if errors.Is(err, ErrNotYours) || errors.Is(err, ErrNoCase) {
			return b.Say(ctx, v.ID, lang, "handoff_vol_no_case", nil)
		}
		return err
	}
	s.log.Info("case closed", "chat", bot.ChatHash(c.Chat), "lang", c.Lang, "outcome", string(o))
	if err := b.Say(ctx, v.ID, lang, "handoff_vol_closed", flows.Args{"Ref": c.Ref}); err != nil {
		return err
	}
	return b.Say(ctx, c.Chat, c.Lang, "handoff_closed", flows.Args{"Name": s.name(b, c.Lang, v), "Ref": c.Ref})
}

// release hands the case back to the queue with the volunteer's note for
// the next one; the person is told and other volunteers notified.
func (s *Service) release(ctx context.Context, b *bot.Bot, v Volunteer, lang, note string) error {
	c, err := s.held(ctx, b, v.ID)
	if errors.Is(err, ErrNoCase) {
		return b.Say(ctx, v.ID, lang, "handoff_vol_no_case", nil)
	}
	if err != nil {
		return err
	}
	if err := s.st.Release(ctx, v.ID, c); err != nil {
		return b.Say(ctx, v.ID, lang, "handoff_vol_no_case", nil)
	}
	if note = strings.TrimSpace(note); note != "" {
		if utf8.RuneCountInString(note) > maxDetailRunes {
			note = string([]rune(note)[:maxDetailRunes]) + "…"
		}
		c.Notes = append(c.Notes, note)
		if err := s.st.Update(ctx, c); err != nil && !errors.Is(err, ErrNoCase) {
			return err
		}
	}
	if err := b.Say(ctx, v.ID, lang, "handoff_vol_released", flows.Args{"Ref": c.Ref}); err != nil {
		return err
	}
	if err := s.backInQueue(ctx, b, c, "handoff_released"); err != nil {
		return err
	}
	return s.notify(ctx, b, c, []int64{v.ID}, false)
}

// backInQueue tells the person their volunteer left and where they stand.
func (s *Service) backInQueue(ctx context.Context, b *bot.Bot, c Case, id string) error {
	pos, err := s.st.Position(ctx, c)
	if err != nil {
		return err
	}
	return s.send(ctx, b, c.Chat, c.Lang, false, reply(id, flows.Args{"Ref": c.Ref, "Position": pos},
		flows.Choice{Data: Prefix + "cancel", Label: "handoff_btn_cancel"}))
}

func (s *Service) setStatus(ctx context.Context, b *bot.Bot, v Volunteer, lang, status string) error {
	if v.Status == Paused {
		return b.Say(ctx, v.ID, lang, "handoff_vol_paused", nil)
	}
	v.Status = status
	if err := s.st.PutVolunteer(ctx, v); err != nil {
		return err
	}
	return b.Say(ctx, v.ID, lang, "handoff_vol_status_"+status, nil)
}

func (s *Service) showHeld(ctx context.Context, b *bot.Bot, v Volunteer, lang string) error {
	c, err := s.held(ctx, b, v.ID)
	if errors.Is(err, ErrNoCase) {
		return b.Say(ctx, v.ID, lang, "handoff_vol_no_case", nil)
	}
	if err != nil {
		return err
	}
	return s.send(ctx, b, v.ID, lang, false, caseReply(b.Catalog(), lang, c, s.cfg.Clock()))
}

// pseudo sets the name people see: a first name or a pseudonym.
func (s *Service) pseudo(ctx context.Context, b *bot.Bot, v Volunteer, lang, name string) error {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 32 {
		return b.Say(ctx, v.ID, lang, "handoff_vol_pseudo_usage", nil)
	}
	v.Name = name
	if err := s.st.PutVolunteer(ctx, v); err != nil {
		return err
	}
	return b.Say(ctx, v.ID, lang, "handoff_vol_pseudo_set", flows.Args{"Name": name})
}
