package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/reminders"
	"github.com/anefbot/anefbot/flows"
)

// Reminder settings. The hour is a civil hour in Paris (never at night);
// the lease is how long a replica holds a due reminder before another may
// send it in its place.
const (
	reminderHour     = 10
	reminderLease    = time.Minute
	reminderBatch    = 100
	reminderWorkers  = 16
	reminderInterval = time.Second
	reminderOfferID  = "rem"
)

// errBotNotBuilt: a letter follow-up came before the bot was made.
var errBotNotBuilt = errors.New("reminders: bot not built yet")

func init() {
	register(feature{name: "reminders", order: 20, setup: setupReminders})
}

// setupReminders offers reminders under plans, takes /reminders and the
// reminder buttons, keeps reminders in step with the person's dates on
// every plan, erases them on /forget, and runs the scheduler.
func setupReminders(w *wiring) error {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return err
	}
	store := reminders.NewStore(w.rdb, w.cfg.RedisPrefix)
	f := &reminders.Feature{
		Store: store, Hour: reminderHour, Paris: paris,
		CalendarName: "anefbot-reminders.ics",
		// A volunteer feature registers the "human" offer; the reminder's
		// "I need help" button exists only then.
		Help: func() bot.EffectFunc { return w.bot.Effects["offer:human"] },
	}
	w.engine.Offers = append(w.engine.Offers, flows.Offer{ID: reminderOfferID, Label: "rem_offer", Show: reminders.Show})
	w.engine.Help = append(w.engine.Help, "rem_help")
	w.effect("offer:"+reminderOfferID, f.Offer)
	chainEffect(w, "plan", f.Replan)
	// The bot a follow-up is scheduled through is the one the middleware
	// is built for: known once the bot is made, before any update comes.
	var live atomic.Pointer[bot.Bot]
	w.bot.Middlewares = append(w.bot.Middlewares, func(b *bot.Bot, next bot.Handler) bot.Handler {
		live.Store(b)
		return f.Middleware(b, next)
	})
	w.followLetter = func(ctx context.Context, chatID int64, lang, letterID string, sent, due time.Time) error {
		b := live.Load()
		if b == nil {
			return errBotNotBuilt
		}
		return f.FollowLetterOn(ctx, b, chatID, lang, letterID, sent, due)
	}
	w.forgetters = append(w.forgetters, f.Forget)
	clock := w.bot.Clock
	if clock == nil {
		clock = time.Now
	}
	sched := &reminders.Scheduler{
		Store: store, Clock: clock,
		Log:   w.log.With("component", "reminders"),
		Lease: reminderLease, Batch: reminderBatch, Workers: reminderWorkers,
	}
	w.runners = append(w.runners, func(ctx context.Context, b *bot.Bot) error {
		sched.Deliver = f.Deliver(b)
		return sched.Run(ctx, reminderInterval)
	})
	w.commands = append(w.commands, command{reminders.Command, "rem_cmd"})
	if w.metrics != nil {
		if err := registerReminderMetrics(w, sched, store); err != nil {
			return fmt.Errorf("reminder metrics: %w", err)
		}
	}
	return nil
}

// registerReminderMetrics exposes what this replica's scheduler did, and
// how many reminders wait in the shared schedule (read at each scrape).
func registerReminderMetrics(w *wiring, s *reminders.Scheduler, store *reminders.Store) error {
	counter := func(name, help string, v func(reminders.Counters) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(v(s.Counters())) })
	}
	scheduled := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "anefbot_reminders_scheduled", Help: "Reminders waiting in the schedule (all replicas).",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := store.Scheduled(ctx)
		if err != nil {
			return math.NaN()
		}
		return float64(n)
	})
	for _, c := range []prometheus.Collector{
		counter("anefbot_reminders_due_total", "Due reminders claimed by this replica.", func(c reminders.Counters) int64 { return c.Due }),
		counter("anefbot_reminders_sent_total", "Reminders this replica sent.", func(c reminders.Counters) int64 { return c.Sent }),
		counter("anefbot_reminders_dropped_total", "Chats whose reminders were dropped because they blocked the bot.", func(c reminders.Counters) int64 { return c.Dropped }),
		scheduled,
	} {
		if err := w.metrics.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// chainEffect runs fn after any handler already registered for kind, so
// several features can follow the same effect.
func chainEffect(w *wiring, kind string, fn bot.EffectFunc) {
	prev := w.bot.Effects[kind]
	if prev == nil {
		w.effect(kind, fn)
		return
	}
	w.effect(kind, func(ctx context.Context, b *bot.Bot, chat int64, s flows.Session, e flows.Effect) error {
		err := prev(ctx, b, chat, s, e)
		if ferr := fn(ctx, b, chat, s, e); ferr != nil {
			return ferr
		}
		return err
	})
}
