package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/handoff"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// The handoff sets up early, so its middleware sees a volunteer's or a
// person's message before the other features and the conversation (a
// relayed text must not be read as an answer). Its plan offer comes first
// under urgent plans and last under the others, hence two registrations.
func init() {
	register(feature{name: "handoff", order: 10, setup: setupHandoff})
	register(feature{name: "handoff offer", order: 1000, setup: setupHandoffOffer})
	settings = append(settings, handoffSettings...)
}

// HandoffConfig holds the volunteer queue's settings.
type HandoffConfig struct {
	Directory   string        // HANDOFF_DIRECTORY; empty: the shipped one
	Hours       handoff.Hours // HANDOFF_HOURS
	Lease       time.Duration // HANDOFF_LEASE
	NoTakeAfter time.Duration // HANDOFF_NO_TAKE_AFTER
	RemindAfter time.Duration // HANDOFF_REMIND_AFTER
	MaxWait     time.Duration // HANDOFF_MAX_WAIT
	NotifyBatch int           // HANDOFF_NOTIFY_BATCH
	dir         *handoff.Directory
}

var handoffSettings = []setting{
	{"HANDOFF_DIRECTORY", "", "TOML file of association contacts given to people when no volunteer can take their case (format in docs/volunteers.md). Unset: the shipped national entries. Checked at start-up."},
	{"HANDOFF_HOURS", "", `When volunteers usually answer, Paris time, e.g. "mon-fri 09:00-18:00; sat 10:00-12:00". Outside them people are told the answer may wait. Unset: any time.`},
	{"HANDOFF_LEASE", "30m", "A taken case with no message from its volunteer for this long goes back to the queue, and the person is told."},
	{"HANDOFF_NO_TAKE_AFTER", "4h", "A case nobody took for this long gets the person an honest message with the directory's contacts."},
	{"HANDOFF_REMIND_AFTER", "30m", "Volunteers are reminded of a case still waiting this long after the last notification."},
	{"HANDOFF_MAX_WAIT", "336h", "A case nobody took for this long is closed and the person told where else to turn."},
	{"HANDOFF_NOTIFY_BATCH", "3", "How many volunteers are told of a new case at a time (no notification storms)."},
}

// loadHandoff reads and checks the handoff settings, the directory file
// included: a mistake stops the start-up with the entry named.
func loadHandoff(getenv func(string) string) (HandoffConfig, error) {
	c := HandoffConfig{Directory: getenv("HANDOFF_DIRECTORY")}
	var errs []error
	dur := func(name, def string, lo time.Duration) time.Duration {
		v, err := time.ParseDuration(or(getenv(name), def))
		if err != nil || v < lo {
			errs = append(errs, fmt.Errorf("%s: want a duration of at least %v, got %q", name, lo, getenv(name)))
		}
		return v
	}
	c.Lease = dur("HANDOFF_LEASE", "30m", time.Minute)
	c.NoTakeAfter = dur("HANDOFF_NO_TAKE_AFTER", "4h", time.Minute)
	c.RemindAfter = dur("HANDOFF_REMIND_AFTER", "30m", time.Minute)
	c.MaxWait = dur("HANDOFF_MAX_WAIT", "336h", time.Hour)
	n, err := strconv.Atoi(or(getenv("HANDOFF_NOTIFY_BATCH"), "3"))
	if err != nil || n < 1 || n > 50 {
		errs = append(errs, fmt.Errorf("HANDOFF_NOTIFY_BATCH: want 1 to 50, got %q", getenv("HANDOFF_NOTIFY_BATCH")))
	}
	c.NotifyBatch = n
	if c.Hours, err = handoff.ParseHours(getenv("HANDOFF_HOURS")); err != nil {
		errs = append(errs, fmt.Errorf("HANDOFF_HOURS: %w", err))
	}
	if c.dir, err = handoff.LoadDirectory(c.Directory); err != nil {
		errs = append(errs, fmt.Errorf("HANDOFF_DIRECTORY: %w", err))
	}
	return c, errors.Join(errs...)
}

// handoffOfferID is the offer other features refer to ("offer:human").
const (
	handoffOfferID       = "human"
	handoffUrgentOfferID = "human_now"
)

func setupHandoff(w *wiring) error {
	hc := w.cfg.Handoff
	if hc.dir == nil { // Config built by hand (tests): the shipped file
		var err error
		if hc.dir, err = handoff.LoadDirectory(""); err != nil {
			return err
		}
	}
	store := handoff.NewStore(w.rdb, w.cfg.RedisPrefix)
	// DATA_KEY: cases are sealed at rest. Without a key the ring is nil
	// and leaves cases in clear, but still knows a sealed case it cannot
	// open (the key was lost) for what it is: unreadable.
	store.Sealer = w.keys
	clock := w.bot.Clock
	if clock == nil {
		clock = time.Now
	}
	svc := handoff.NewService(handoff.Config{
		Store: store, Directory: hc.dir, Admins: w.cfg.AdminIDs, Languages: languageCodes(),
		Lease: hc.Lease, NoTakeAfter: hc.NoTakeAfter, RemindAfter: hc.RemindAfter,
		MaxWait: hc.MaxWait, NotifyBatch: hc.NotifyBatch, Hours: hc.Hours,
		Username: func() string { return botUsername(w) },
		Clock:    clock, Logger: w.log, Lost: w.bot.Lost,
	})
	bound := &handoff.Bound{}
	w.bot.Middlewares = append(w.bot.Middlewares, func(b *bot.Bot, next bot.Handler) bot.Handler {
		bound.Set(b)
		return svc.Middleware(b, next)
	})
	w.forgetters = append(w.forgetters, svc.Forgetter(bound.Get))
	w.preload(svc.Preload)
	w.effect("offer:"+handoffOfferID, svc.OfferEffect)
	w.effect("offer:"+handoffUrgentOfferID, svc.OfferEffect)
	// Urgent plans offer a human first (anef.md §8 T-URGENT).
	w.engine.Offers = append(w.engine.Offers, flows.Offer{ID: handoffUrgentOfferID, Label: "handoff_offer", Show: urgentPlan})
	w.engine.Help = append(w.engine.Help, "handoff_help")
	w.commands = append(w.commands, command{"human", "handoff_cmd_human"})
	w.runners = append(w.runners, svc.Run)
	if w.metrics != nil {
		if err := w.metrics.Register(&handoffCollector{store: store, langs: languageCodes(), clock: clock}); err != nil {
			return fmt.Errorf("handoff metrics: %w", err)
		}
	}
	return nil
}

// setupHandoffOffer adds the offer under the plans that are not urgent,
// after the other features' offers.
func setupHandoffOffer(w *wiring) error {
	w.engine.Offers = append(w.engine.Offers, flows.Offer{
		ID: handoffOfferID, Label: "handoff_offer",
		Show: func(plan string, f flows.Facts) bool { return !urgentPlan(plan, f) },
	})
	return nil
}

func urgentPlan(plan string, f flows.Facts) bool {
	return flows.Urgency(plan, f) == flows.Urgent || f.Answers[flows.KeySituation] == flows.Urgent
}

func languageCodes() []string {
	out := make([]string, 0, len(locales.Languages))
	for _, l := range locales.Languages {
		out = append(out, l.Code)
	}
	return out
}

// botUsername is the bot's @username once connected to Telegram, for the
// invitation links; "" in the terminal.
func botUsername(w *wiring) string {
	if w.rt == nil {
		return ""
	}
	if c := w.rt.client.Load(); c != nil {
		return c.Username()
	}
	return ""
}

// handoffCollector exposes the queue's figures to Prometheus, read from
// Redis at each scrape (the figures live there, shared by the replicas).
type handoffCollector struct {
	store *handoff.Store
	langs []string
	clock bot.Clock
}

var (
	handoffWaiting  = prometheus.NewDesc("anefbot_handoff_waiting", "Cases waiting for a volunteer.", []string{"lang"}, nil)
	handoffTaken    = prometheus.NewDesc("anefbot_handoff_taken", "Cases a volunteer is handling.", []string{"lang"}, nil)
	handoffClosed   = prometheus.NewDesc("anefbot_handoff_closed", "Cases closed over the retention period.", []string{"lang"}, nil)
	handoffWait     = prometheus.NewDesc("anefbot_handoff_median_wait_seconds", "Median time from request to first take, closed cases.", []string{"lang"}, nil)
	handoffHandling = prometheus.NewDesc("anefbot_handoff_median_handling_seconds", "Median time from first take to close.", []string{"lang"}, nil)
)

func (c *handoffCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{handoffWaiting, handoffTaken, handoffClosed, handoffWait, handoffHandling} {
		ch <- d
	}
}

func (c *handoffCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	stats, err := c.store.Stats(ctx, c.langs, c.clock())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(handoffWaiting, err)
		return
	}
	for _, s := range stats {
		ch <- prometheus.MustNewConstMetric(handoffWaiting, prometheus.GaugeValue, float64(s.Waiting), s.Lang)
		ch <- prometheus.MustNewConstMetric(handoffTaken, prometheus.GaugeValue, float64(s.Taken), s.Lang)
		ch <- prometheus.MustNewConstMetric(handoffClosed, prometheus.GaugeValue, float64(s.Closed), s.Lang)
		ch <- prometheus.MustNewConstMetric(handoffWait, prometheus.GaugeValue, s.MedianWait.Seconds(), s.Lang)
		ch <- prometheus.MustNewConstMetric(handoffHandling, prometheus.GaugeValue, s.MedianHandling.Seconds(), s.Lang)
	}
}
