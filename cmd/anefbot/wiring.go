package main

import (
	"context"
	"log/slog"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/crypt"
	"github.com/anefbot/anefbot/bot/intake"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// wiring is what features plug into while the bot is assembled. Each
// feature registers itself from a file of its own (wire_<feature>.go), so
// adding one does not touch the others.
type wiring struct {
	ctx     context.Context
	cfg     Config
	log     *slog.Logger
	rdb     redis.UniversalClient
	catalog *locales.Catalog
	// terminal is true when the bot runs in the terminal (no token).
	terminal bool
	// engine collects the features' plan offers and help lines.
	engine flows.Options
	// bot collects middlewares and effect handlers.
	bot bot.Config
	// wrapSender wraps the transport's sender (the outbox), in order.
	wrapSender []func(bot.Sender) bot.Sender
	// runners run in the background while the bot runs (schedulers);
	// they return when ctx ends.
	runners []func(ctx context.Context, b *bot.Bot) error
	// closers run once the bot has stopped, last registered first.
	closers []func() error
	// forgetters erase what each feature keeps about a chat; /forget runs
	// them all. Every feature that stores anything about a person adds one.
	forgetters []bot.Forgetter
	// keys seal what features keep about people (typed text, names);
	// nil when DATA_KEY is unset, and then Seal leaves data as it is.
	keys *crypt.Keyring
	// commands are Telegram's command menu, set for every language at
	// start-up: a feature appends its own (name without the slash, and
	// the message ID of a short description).
	commands []command
	// metrics registers the features' Prometheus collectors (reminders
	// due and sent, handoff queue…); served on METRICS_ADDR.
	metrics prometheus.Registerer
	// unreachable reports whether Telegram refused a chat for good (the
	// person blocked the bot): a feature may skip such chats. nil in the
	// terminal. Background messages to them are dropped by the outbox.
	unreachable func(ctx context.Context, chatID int64) (bool, error)
	// gate is the intake gate (wire_runtime.go); nil in the terminal.
	gate *intake.Gate
	// pauses tune the retries after passing failures; zero values take
	// each package's defaults.
	pauses *Pauses
	// rt is the production runtime's state (wire_runtime.go).
	rt *runtimeParts
	// followLetter schedules the reminder to follow up a letter sent on a
	// day, on the given day; set by the reminders feature, nil without it. Read
	// when a button is pressed, so the order of the features does not
	// matter.
	followLetter func(ctx context.Context, chatID int64, lang, letterID string, sent, due time.Time) error
}

// command is one entry of Telegram's command menu.
type command struct {
	Name string // without the slash
	Desc string // message ID of its description
}

// feature is one optional part of the bot.
type feature struct {
	name  string
	order int // lower sets up first; its middleware runs outermost
	setup func(w *wiring) error
}

var features []feature

// register adds a feature; called from init functions.
func register(f feature) { features = append(features, f) }

func sortedFeatures() []feature {
	out := append([]feature(nil), features...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].order < out[j].order })
	return out
}

// preload has the intake gate make a feature's reads in the round trip
// that takes the chat (see intake.Unit), with the scripts the feature
// sends by SHA1 in the gate's pipelines. Nothing in the terminal, which
// has no gate.
func (w *wiring) preload(p intake.Preload, scripts ...*redis.Script) {
	if w.gate != nil {
		w.gate.Add(p, scripts...)
	}
}

// effect registers an effect handler.
func (w *wiring) effect(kind string, fn bot.EffectFunc) {
	if w.bot.Effects == nil {
		w.bot.Effects = map[string]bot.EffectFunc{}
	}
	w.bot.Effects[kind] = fn
}
