package reminders

import (
	"context"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// LetterDays is how long after a letter its follow-up reminder comes:
// about two weeks, time for an answer to arrive. anef.md §2.3 asks for a
// written request, by registered letter, with its receipt kept; it sets no
// delay for the administration's answer, so the reminder states none.
const LetterDays = 15

// FollowLetter schedules the reminder to follow up a letter made on made
// (a civil day), LetterDays later, and tells the person. A chat that
// already has one to come keeps it, so pressing the button twice
// schedules once. See FollowLetterOn.
func (f *Feature) FollowLetter(ctx context.Context, b *bot.Bot, chat int64, lang, letter string, made time.Time) error {
	if letter == "" || made.IsZero() {
		return b.Say(ctx, chat, lang, "rem_stale", nil)
	}
	c, err := f.Store.Load(ctx, chat)
	if err != nil {
		return err
	}
	for _, it := range c.Pending {
		if it.Kind == flows.RemLetter {
			return b.Say(ctx, chat, lang, "rem_letter_already", flows.Args{"On": it.On, "Hour": f.Hour})
		}
	}
	made = civilDay(made)
	return f.followLetter(ctx, b, chat, lang, made, made.AddDate(0, 0, LetterDays))
}

// FollowLetterOn schedules the reminder to follow up a letter sent on
// sent, on day due (the letters feature computes it from the day sent and
// the rule that applies, e.g. one month under L232-4 CRPA), and tells the
// person. It goes through the same schedule, sending, buttons,
// /reminders, calendar and /forget as every other reminder. A reminder
// already set for that day is kept; one set for another day is replaced:
// the day the letter was sent is now known. Other reminders are left as
// they are.
func (f *Feature) FollowLetterOn(ctx context.Context, b *bot.Bot, chat int64, lang, letter string, sent, due time.Time) error {
	if letter == "" || sent.IsZero() || due.IsZero() {
		return b.Say(ctx, chat, lang, "rem_stale", nil)
	}
	sent, due = civilDay(sent), civilDay(due)
	c, err := f.Store.Load(ctx, chat)
	if err != nil {
		return err
	}
	for _, it := range c.Pending {
		if it.Kind == flows.RemLetter && it.On.Equal(due) {
			return b.Say(ctx, chat, lang, "rem_letter_already", flows.Args{"On": it.On, "Hour": f.Hour})
		}
	}
	return f.followLetter(ctx, b, chat, lang, sent, due)
}

func (f *Feature) followLetter(ctx context.Context, b *bot.Bot, chat int64, lang string, sent, due time.Time) error {
	// The reminder's deadline is the day of the letter, which its text
	// names ("your letter of …").
	r := flows.ReminderOf(flows.RemLetter, due, sent)
	// Only the letter kind is informed here: every other reminder stays.
	onlyLetter := func(kind string) bool { return kind == flows.RemLetter }
	if _, _, err := f.Store.Sync(ctx, chat, lang, []flows.Reminder{r}, []string{flows.RemLetter}, f.at, onlyLetter); err != nil {
		return err
	}
	return b.Say(ctx, chat, lang, "rem_letter_scheduled", flows.Args{"On": r.On, "Hour": f.Hour})
}

func civilDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}
