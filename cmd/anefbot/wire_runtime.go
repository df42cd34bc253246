package main

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/intake"
	"github.com/anefbot/anefbot/bot/outbox"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/telegram"
)

// The runtime sets up before every other feature: its middleware is the
// outermost (a duplicate or a held chat costs nothing further), its
// outbox wraps the transport first (every other wrapper's sends go
// through it), and the metrics registry exists when the others set up.
func init() {
	register(feature{name: "runtime", order: -1000, setup: setupRuntime})
}

// runtimeParts is what the runtime shares between set-up and run.
type runtimeParts struct {
	reg      *prometheus.Registry
	metrics  *runtimeMetrics
	outbox   atomic.Pointer[outbox.Outbox]
	client   atomic.Pointer[telegram.Client]
	inbox    atomic.Pointer[intake.Inbox]
	stopping atomic.Bool
}

// coreCommands are the engine's own commands (anef.md plays no part: this
// is the menu only).
var coreCommands = []command{
	{"start", "cmd_start"}, {"back", "cmd_back"}, {"restart", "cmd_restart"},
	{"language", "cmd_language"}, {"help", "cmd_help"},
}

func setupRuntime(w *wiring) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	w.rt = &runtimeParts{reg: reg}
	w.metrics = reg
	w.rt.metrics = newRuntimeMetrics(reg, w.rt)
	w.bot.Lost = func(kind string) { w.rt.metrics.unreadable.WithLabelValues(kind).Inc() }
	w.commands = append(w.commands, coreCommands...)
	if w.terminal {
		return nil
	}
	rc := w.cfg.Runtime
	w.rdb.AddHook(redisErrors{w.rt.metrics.redisErrors})
	book := outbox.NewBook(w.rdb, w.cfg.RedisPrefix, w.cfg.SessionTTL)
	// No mark for a chat without a session: after /forget nothing about
	// the person is written back, whatever Telegram answers later.
	book.Anchor = redisstore.New(w.rdb, redisstore.WithPrefix(w.cfg.RedisPrefix)).Key
	w.unreachable = book.Unreachable
	gate := intake.New(w.rdb, intake.Options{
		Prefix: w.cfg.RedisPrefix, Lease: rc.ChatLease,
		Clear:     []func(int64) string{book.Key},
		Duplicate: w.rt.metrics.duplicates.Inc,
		Logger:    w.log.With("component", "intake"),
	})
	w.gate = gate
	// The gate holds each chat from the inbox (runtime_run.go), not as a
	// middleware: updates reach the middlewares with the chat held.
	w.bot.Middlewares = append(w.bot.Middlewares, w.rt.metrics.middleware, w.rt.typing(rc.TypingAfter))
	w.forgetters = append(w.forgetters, gate.Forget)
	w.wrapSender = append(w.wrapSender, func(s bot.Sender) bot.Sender {
		o := outbox.New(s, outbox.Options{
			Rate: rc.OutboxRate, ChatRate: rc.OutboxChatRate, ChatBurst: rc.OutboxChatBurst,
			MinBackoff: w.pauses.Min, MaxBackoff: w.pauses.Max,
			Marker:  book,
			Observe: func(r string) { w.rt.metrics.sends.WithLabelValues(r).Inc() },
			Logger:  w.log.With("component", "outbox"),
		})
		w.rt.outbox.Store(o)
		return o
	})
	return nil
}

// typing shows "typing…" when an update takes longer than after.
func (rt *runtimeParts) typing(after time.Duration) bot.Middleware {
	return func(_ *bot.Bot, next bot.Handler) bot.Handler {
		return func(ctx context.Context, u bot.Update) error {
			c := rt.client.Load()
			if c == nil || after <= 0 || !u.Private || u.Kind == bot.Unsupported {
				return next(ctx, u)
			}
			t := time.AfterFunc(after, func() { _ = c.Typing(context.WithoutCancel(ctx), u.ChatID) })
			defer t.Stop()
			return next(ctx, u)
		}
	}
}

// runtimeMetrics are the runtime's own Prometheus collectors.
type runtimeMetrics struct {
	updates     *prometheus.CounterVec
	duration    prometheus.Histogram
	duplicates  prometheus.Counter
	redisErrors prometheus.Counter
	sends       *prometheus.CounterVec
	webhook     *prometheus.CounterVec
	unreadable  *prometheus.CounterVec
}

func newRuntimeMetrics(reg prometheus.Registerer, rt *runtimeParts) *runtimeMetrics {
	m := &runtimeMetrics{
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "anefbot_updates_total", Help: "Updates received, by kind and result (ok or error).",
		}, []string{"kind", "result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "anefbot_update_duration_seconds", Help: "Time to handle one update, replies handed to the outbox included.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "anefbot_updates_duplicate_total", Help: "Updates dropped because another delivery of them was handled.",
		}),
		redisErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "anefbot_redis_errors_total", Help: "Redis commands and connections that failed.",
		}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "anefbot_outbox_sends_total", Help: "Tries to send a message, by result (sent, retry, unreachable, rejected, failed, dropped).",
		}, []string{"result"}),
		webhook: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "anefbot_webhook_requests_total", Help: "Webhook requests, by result.",
		}, []string{"result"}),
		unreadable: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "anefbot_unreadable_records_total", Help: "Records found sealed with a key no longer configured (or altered) and treated as lost, by kind (session, case, draft).",
		}, []string{"kind"}),
	}
	for _, kind := range []string{"session", "case", "draft"} {
		m.unreadable.WithLabelValues(kind) // shown at 0 before the first
	}
	queue := func(lane int) func() float64 {
		return func() float64 {
			o := rt.outbox.Load()
			if o == nil {
				return 0
			}
			i, b := o.Len()
			return float64([]int{i, b}[lane])
		}
	}
	reg.MustRegister(m.updates, m.duration, m.duplicates, m.redisErrors, m.sends, m.webhook, m.unreadable,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "anefbot_outbox_queue", Help: "Messages waiting in the outbox.", ConstLabels: prometheus.Labels{"lane": "interactive"}}, queue(0)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "anefbot_outbox_queue", Help: "Messages waiting in the outbox.", ConstLabels: prometheus.Labels{"lane": "background"}}, queue(1)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "anefbot_intake_queue", Help: "Updates admitted by this replica and not yet handled."}, func() float64 {
			if in := rt.inbox.Load(); in != nil {
				return float64(in.Len())
			}
			return 0
		}),
	)
	return m
}

var kinds = map[bot.Kind]string{bot.Message: "message", bot.Callback: "callback", bot.Unsupported: "unsupported"}

func (m *runtimeMetrics) middleware(_ *bot.Bot, next bot.Handler) bot.Handler {
	return func(ctx context.Context, u bot.Update) error {
		start := time.Now()
		err := next(ctx, u)
		m.duration.Observe(time.Since(start).Seconds())
		result := "ok"
		if err != nil {
			result = "error"
		}
		m.updates.WithLabelValues(kinds[u.Kind], result).Inc()
		return err
	}
}

// redisErrors counts failed Redis commands; a missing key (redis.Nil), a
// script not yet cached (NOSCRIPT, retried at once) and a call its caller
// gave up on (context canceled) are not failures of Redis.
type redisErrors struct{ c prometheus.Counter }

func (h redisErrors) count(err error) {
	switch {
	case err == nil, errors.Is(err, redis.Nil), errors.Is(err, context.Canceled),
		strings.HasPrefix(err.Error(), "NOSCRIPT"):
		return
	}
	h.c.Inc()
}

func (h redisErrors) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := next(ctx, network, addr)
		h.count(err)
		return c, err
	}
}

func (h redisErrors) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		h.count(err)
		return err
	}
}

func (h redisErrors) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		h.count(err)
		return err
	}
}
