package reminders

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// Button data of reminders: "r:<op>[:<arg>]". The argument is checked
// against the person's own reminders before anything is done.
const (
	dataPrefix = "r:"
	opAll      = "a" // schedule every reminder offered
	opOne      = "o" // schedule one kind
	opCancel   = "c" // cancel one pending reminder
	opDropAll  = "C" // cancel everything
	opCalendar = "i" // send the .ics
	opDone     = "d" // a sent reminder is dealt with
	opSnooze   = "s" // remind again in SnoozeDays
	opHelp     = "h" // talk to a volunteer
	opStop     = "x" // stop these reminders
)

// SnoozeDays is how far "remind me again" moves a reminder.
const SnoozeDays = 3

// Command is the command that lists reminders.
const Command = "reminders"

// Feature is the person's side of reminders: the offer under a plan, the
// /reminders command, the buttons of a reminder, and delivery.
type Feature struct {
	Store *Store
	// Hour is the Paris hour reminders go out at (never at night).
	Hour  int
	Paris *time.Location
	// Help returns the handler that hands a person to a volunteer, or nil
	// while no such feature exists (the "I need help" button is then not
	// shown). It is read when needed, so features may register later.
	Help func() bot.EffectFunc
	// CalendarName is the file name of the .ics sent.
	CalendarName string
}

func (f *Feature) today(b *bot.Bot) time.Time {
	n := b.Now()
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

func (f *Feature) facts(b *bot.Bot, s flows.Session) flows.Facts {
	return flows.Facts{Answers: s.Answers, Today: f.today(b)}
}

func (f *Feature) at(on time.Time) time.Time { return flows.SendAt(on, f.Hour, f.Paris) }

// Show says whether to offer reminders under a plan: only when the
// person's facts give at least one reminder to come.
func Show(_ string, facts flows.Facts) bool { return len(flows.Reminders(facts).Due) > 0 }

// Offer is the effect of the offer under a plan: the dates, and a choice.
func (f *Feature) Offer(ctx context.Context, b *bot.Bot, chat int64, s flows.Session, _ flows.Effect) error {
	return f.reply(ctx, b, chat, s.Lang, f.choice(b, s.Lang, flows.Reminders(f.facts(b, s))))
}

// Replan is the effect of every plan shown: a person who chose reminders
// gets them moved to the dates they gave now, and is told in one line
// per reminder moved or removed. Reminders the plan's answers say
// nothing about stay as they are, without a word.
func (f *Feature) Replan(ctx context.Context, b *bot.Bot, chat int64, s flows.Session, _ flows.Effect) error {
	facts := f.facts(b, s)
	p := flows.Reminders(facts)
	_, changes, err := f.Store.Sync(ctx, chat, s.Lang, p.Due, nil, f.at, facts.Informs)
	if err != nil || len(changes) == 0 {
		return err
	}
	return f.reply(ctx, b, chat, s.Lang, flows.Reply{Parts: f.changeLines(b, s.Lang, changes, p.Close)})
}

// Forget erases a chat's reminders (for /forget).
func (f *Feature) Forget(ctx context.Context, chat int64) ([]string, error) {
	had, err := f.Store.Drop(ctx, chat)
	if err != nil || !had {
		return nil, err
	}
	return []string{"rem_forgotten"}, nil
}

// Middleware takes /reminders and the "r:" buttons before the engine.
func (f *Feature) Middleware(b *bot.Bot, next bot.Handler) bot.Handler {
	return func(ctx context.Context, u bot.Update) error {
		if !u.Private {
			return next(ctx, u)
		}
		switch {
		case u.Kind == bot.Callback && strings.HasPrefix(u.Data, dataPrefix):
			b.Ack(ctx, u)
			return f.press(ctx, b, u)
		case u.Kind == bot.Message && isCommand(u.Text, Command):
			s, err := b.Store().Load(ctx, u.ChatID)
			if err != nil {
				return fmt.Errorf("load session: %w", err)
			}
			lang := f.lang(b, s, u.LangCode)
			return f.list(ctx, b, u.ChatID, lang, s)
		}
		return next(ctx, u)
	}
}

func (f *Feature) lang(b *bot.Bot, s flows.Session, code string) string {
	if s.Lang != "" {
		return s.Lang
	}
	return b.Catalog().Match(code)
}

// isCommand reports whether text is /name (or /name@bot), with or
// without arguments.
func isCommand(text, name string) bool {
	got, _, ok := bot.Command(text)
	return ok && got == name
}

func (f *Feature) press(ctx context.Context, b *bot.Bot, u bot.Update) error {
	op, arg, _ := strings.Cut(strings.TrimPrefix(u.Data, dataPrefix), ":")
	s, err := b.Store().Load(ctx, u.ChatID)
	if err != nil {
		return fmt.Errorf("load session: %w", err)
	}
	lang := f.lang(b, s, u.LangCode)
	chat := u.ChatID
	switch op {
	case opAll, opOne:
		return f.choose(ctx, b, chat, lang, s, op, arg)
	case opCancel:
		return f.cancel(ctx, b, chat, lang, s, arg)
	case opDropAll:
		return f.dropAll(ctx, b, chat, lang)
	case opStop:
		if !f.owns(ctx, chat, arg) {
			return b.Say(ctx, chat, lang, "rem_stale", nil)
		}
		return f.dropAll(ctx, b, chat, lang)
	case opCalendar:
		return f.calendar(ctx, b, chat, lang)
	case opDone:
		return f.done(ctx, b, chat, lang, arg)
	case opSnooze:
		return f.snooze(ctx, b, chat, lang, arg)
	case opHelp:
		if !f.owns(ctx, chat, arg) {
			return b.Say(ctx, chat, lang, "rem_stale", nil)
		}
		return f.help(ctx, b, chat, lang, s)
	}
	return b.Say(ctx, chat, lang, "rem_stale", nil)
}

// owns reports whether id is one of the chat's reminders, sent or to come.
func (f *Feature) owns(ctx context.Context, chat int64, id string) bool {
	c, err := f.Store.Load(ctx, chat)
	if err != nil {
		return false
	}
	if _, ok := c.Sent[id]; ok {
		return true
	}
	for _, it := range c.Pending {
		if it.ID == id {
			return true
		}
	}
	return false
}

// choose schedules the reminders offered (all, or one kind), as derived
// from the person's own dates now: a kind they do not have is refused.
func (f *Feature) choose(ctx context.Context, b *bot.Bot, chat int64, lang string, s flows.Session, op, kind string) error {
	facts := f.facts(b, s)
	p := flows.Reminders(facts)
	due := p.Due
	var add []string
	for _, r := range due {
		if op == opAll || r.Kind == kind {
			add = append(add, r.Kind)
		}
	}
	if len(add) == 0 {
		return b.Say(ctx, chat, lang, "rem_stale", nil)
	}
	items, changes, err := f.Store.Sync(ctx, chat, lang, due, add, f.at, facts.Informs)
	if err != nil {
		return err
	}
	r := flows.Reply{Parts: []flows.Part{{ID: "rem_scheduled", Args: flows.Args{"Hour": f.Hour}}}}
	r.Parts = append(r.Parts, f.lines(b, lang, items)...)
	r.Parts = append(r.Parts, f.changeLines(b, lang, changes, p.Close)...)
	return f.reply(ctx, b, chat, lang, r)
}

func (f *Feature) cancel(ctx context.Context, b *bot.Bot, chat int64, lang string, s flows.Session, id string) error {
	err := f.Store.Cancel(ctx, chat, id)
	if errors.Is(err, ErrNotFound) {
		return b.Say(ctx, chat, lang, "rem_stale", nil)
	}
	if err != nil {
		return err
	}
	if err := b.Say(ctx, chat, lang, "rem_cancelled", nil); err != nil {
		return err
	}
	return f.list(ctx, b, chat, lang, s)
}

func (f *Feature) dropAll(ctx context.Context, b *bot.Bot, chat int64, lang string) error {
	had, err := f.Store.Drop(ctx, chat)
	if err != nil {
		return err
	}
	if !had {
		return b.Say(ctx, chat, lang, "rem_none", nil)
	}
	return b.Say(ctx, chat, lang, "rem_cancelled_all", nil)
}

func (f *Feature) done(ctx context.Context, b *bot.Bot, chat int64, lang, id string) error {
	if _, err := f.Store.Acknowledge(ctx, chat, id); errors.Is(err, ErrNotFound) {
		return b.Say(ctx, chat, lang, "rem_stale", nil)
	} else if err != nil {
		return err
	}
	return b.Say(ctx, chat, lang, "rem_done_ok", nil)
}

func (f *Feature) snooze(ctx context.Context, b *bot.Bot, chat int64, lang, id string) error {
	on := f.today(b).AddDate(0, 0, SnoozeDays)
	it, err := f.Store.Snooze(ctx, chat, id, on, f.at(on))
	if errors.Is(err, ErrNotFound) {
		return b.Say(ctx, chat, lang, "rem_stale", nil)
	}
	if err != nil {
		return err
	}
	return b.Say(ctx, chat, lang, "rem_snoozed", flows.Args{"On": it.On, "Hour": f.Hour})
}

func (f *Feature) help(ctx context.Context, b *bot.Bot, chat int64, lang string, s flows.Session) error {
	var fn bot.EffectFunc
	if f.Help != nil {
		fn = f.Help()
	}
	if fn == nil {
		return b.Say(ctx, chat, lang, "rem_stale", nil)
	}
	return fn(ctx, b, chat, s, flows.Effect{Kind: "offer:human", Data: map[string]string{"plan": s.State, "from": "reminder"}})
}

func (f *Feature) reply(ctx context.Context, b *bot.Bot, chat int64, lang string, r flows.Reply) error {
	return b.Reply(ctx, chat, lang, []flows.Reply{r})
}
