package main

import (
	"github.com/anefbot/anefbot/bot/letters"
)

func init() {
	register(feature{name: "letters", order: 30, setup: setupLetters})
}

// letterFollowUp is the hook for a "remind me to follow up" button after a
// letter: nil until the reminders feature offers a way to schedule a
// reminder of its own kind (see docs/letters.md). When set, the button
// appears under the instructions that follow every letter.
var letterFollowUp letters.FollowUp

// setupLetters offers "✉️ Get a letter" under the plans where a letter is a
// step, runs the letter conversation (its own buttons "l:…" and the typed
// answers while a letter is prepared), and erases a draft on /forget.
func setupLetters(w *wiring) error {
	store := letters.NewStore(w.rdb, w.cfg.RedisPrefix, letters.DefaultDraftTTL, w.keys)
	svc := letters.NewService(store, letterFollowUp)
	w.engine.Offers = append(w.engine.Offers, svc.Offer())
	w.engine.Help = append(w.engine.Help, "letters_help")
	w.effect("offer:"+letters.OfferID, svc.Start)
	w.bot.Middlewares = append(w.bot.Middlewares, svc.Middleware)
	w.forgetters = append(w.forgetters, svc.Forget)
	return nil
}
