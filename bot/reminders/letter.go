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
// (a civil day), LetterDays later, and tells the person. It goes through
// the same schedule, sending, buttons, /reminders, calendar and /forget as
// every other reminder. A chat that already has one to come keeps it, so
// pressing the button twice schedules once. Other reminders are left as
// they are.
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
	made = time.Date(made.Year(), made.Month(), made.Day(), 0, 0, 0, 0, time.UTC)
	r := flows.ReminderOf(flows.RemLetter, made.AddDate(0, 0, LetterDays), made)
	// Only the letter kind is informed here: every other reminder stays.
	onlyLetter := func(kind string) bool { return kind == flows.RemLetter }
	if _, _, err := f.Store.Sync(ctx, chat, lang, []flows.Reminder{r}, []string{flows.RemLetter}, f.at, onlyLetter); err != nil {
		return err
	}
	return b.Say(ctx, chat, lang, "rem_letter_scheduled", flows.Args{"On": r.On, "Hour": f.Hour})
}
