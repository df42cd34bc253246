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
// (a civil day), LetterDays later, and tells the person; see
// FollowLetterOn.
func (f *Feature) FollowLetter(ctx context.Context, b *bot.Bot, chat int64, lang, letter string, made time.Time) error {
	if made.IsZero() {
		return b.Say(ctx, chat, lang, "rem_stale", nil)
	}
	return f.FollowLetterOn(ctx, b, chat, lang, letter, made.AddDate(0, 0, LetterDays))
}

// FollowLetterOn schedules the reminder to follow up a letter on day due,
// computed by the letters feature from the day the letter was sent and
// the rule that applies, and tells the person. It goes through the same
// schedule, sending, buttons, /reminders, calendar and /forget as every
// other reminder. A reminder already set for that day is kept, so
// pressing twice schedules once; one set for another day is replaced (the
// letter's sending day is now known). Other reminders are left as they
// are.
func (f *Feature) FollowLetterOn(ctx context.Context, b *bot.Bot, chat int64, lang, letter string, due time.Time) error {
	if letter == "" || due.IsZero() {
		return b.Say(ctx, chat, lang, "rem_stale", nil)
	}
	due = time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, time.UTC)
	c, err := f.Store.Load(ctx, chat)
	if err != nil {
		return err
	}
	for _, it := range c.Pending {
		if it.Kind == flows.RemLetter && it.On.Equal(due) {
			return b.Say(ctx, chat, lang, "rem_letter_already", flows.Args{"On": it.On, "Hour": f.Hour})
		}
	}
	r := flows.ReminderOf(flows.RemLetter, due, due)
	// Only the letter kind is informed here: every other reminder stays.
	onlyLetter := func(kind string) bool { return kind == flows.RemLetter }
	if _, err := f.Store.Sync(ctx, chat, lang, []flows.Reminder{r}, []string{flows.RemLetter}, f.at, onlyLetter); err != nil {
		return err
	}
	return b.Say(ctx, chat, lang, "rem_letter_scheduled", flows.Args{"On": r.On, "Hour": f.Hour})
}
