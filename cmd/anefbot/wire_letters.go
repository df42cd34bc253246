package main

import (
	"context"
	"errors"
	"time"

	"github.com/anefbot/anefbot/bot/letters"
)

func init() {
	register(feature{name: "letters", order: 30, setup: setupLetters})
}

// errNoFollowUp: the follow-up button was pressed but no reminders
// feature was set up to schedule it.
var errNoFollowUp = errors.New("no reminders feature to follow up a letter")

// setupLetters offers "✉️ Get a letter" under the plans where a letter is a
// step, runs the letter conversation (its own buttons "l:…" and the typed
// answers while a letter is prepared), and erases a draft on /forget. The
// "📮 I sent it" button under every letter records the day it was sent
// and schedules the follow-up through the reminders feature, looked up
// when needed so the two features may be set up in any order.
func setupLetters(w *wiring) error {
	store := letters.NewStore(w.rdb, w.cfg.RedisPrefix, letters.DefaultDraftTTL, w.keys)
	followUp := func(ctx context.Context, chatID int64, lang, letterID string, sent, due time.Time) error {
		if w.followLetter == nil {
			return errNoFollowUp
		}
		return w.followLetter(ctx, chatID, lang, letterID, sent, due)
	}
	svc := letters.NewService(store, followUp)
	svc.Lost = func() { w.bot.Lost("draft") }
	w.engine.Offers = append(w.engine.Offers, svc.Offer())
	w.engine.Help = append(w.engine.Help, "letters_help")
	w.effect("offer:"+letters.OfferID, svc.Start)
	w.bot.Middlewares = append(w.bot.Middlewares, svc.Middleware)
	w.preload(svc.Preload)
	w.forgetters = append(w.forgetters, svc.Forget)
	return nil
}
