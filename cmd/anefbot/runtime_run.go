package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/anefbot/anefbot/bot/health"
	"github.com/anefbot/anefbot/bot/intake"
	"github.com/anefbot/anefbot/bot/telegram"
	"github.com/anefbot/anefbot/bot/webhook"
	"github.com/anefbot/anefbot/locales"
)

// intakeFunc receives updates until ctx ends, admitting each to the
// inbox before it confirms it to Telegram.
type intakeFunc func(ctx context.Context, in *intake.Inbox) error

// runTelegramWith runs the bot on Telegram with an intake (long polling
// or webhook), both admitting updates to the same durable inbox, then
// shuts down in order within SHUTDOWN_TIMEOUT: intake stopped, updates
// in progress finished, background runners stopped, outbox flushed.
// What is left in the inboxes, or cut by the deadline (never marked
// handled), is handled by the next process, so nothing is lost.
func (m *Main) runTelegramWith(ctx context.Context, w *wiring, client *telegram.Client, in intakeFunc) error {
	w.rt.client.Store(client)
	b, stopRunners, err := m.newBot(ctx, w, client)
	if err != nil {
		return err
	}
	setCommands(ctx, w, client)
	metrics, err := startMetrics(w, client)
	if err != nil {
		stopRunners()
		return err
	}
	inbox := intake.NewInbox(w.gate, b.Handle, intake.InboxOptions{
		Workers: w.cfg.Workers, MinBackoff: w.pauses.Min, MaxBackoff: w.pauses.Max, Sweep: w.pauses.Sweep,
	})
	w.rt.inbox.Store(inbox)
	w.log.Info("started", "bot", client.Username(), "mode", w.cfg.Mode, "workers", w.cfg.Workers)
	err = in(ctx, inbox)
	w.rt.stopping.Store(true)
	deadline, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cfg.Runtime.ShutdownTimeout)
	defer cancel()
	w.log.Info("stopping: finishing updates in progress and flushing the outbox")
	if inbox.Close(deadline) != nil {
		w.log.Warn("shutdown deadline: updates still in progress are left in their inbox for the next start")
	}
	stopRunners()
	if o := w.rt.outbox.Load(); o != nil {
		if cerr := o.Close(deadline); cerr != nil {
			w.log.Warn("shutdown deadline: outbox not empty", "err", cerr)
		}
	}
	if metrics != nil {
		_ = metrics.Shutdown(deadline)
	}
	w.log.Info("stopped")
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// poll is the long-polling intake. Telegram refuses getUpdates while a
// webhook is set, so any webhook is removed first (pending updates kept).
// An update is confirmed to Telegram (by the next getUpdates) only once
// the inbox has it: while Redis is down, updates stay at Telegram.
func poll(w *wiring, client *telegram.Client) intakeFunc {
	return func(ctx context.Context, in *intake.Inbox) error {
		if err := client.DeleteWebhook(ctx); err != nil {
			w.log.Warn("delete webhook", "err", err)
		}
		return client.PollWith(ctx, telegram.PollOptions{
			Timeout: 30, MinBackoff: w.pauses.Min, MaxBackoff: w.pauses.Max, Logger: w.log,
		}, in.Admit)
	}
}

// serveWebhook is the webhook intake: it listens on LISTEN_ADDR, then
// registers WEBHOOK_URL with Telegram with the secret. Every replica
// registers the same URL; the last call wins, harmlessly.
func serveWebhook(w *wiring, client *telegram.Client) intakeFunc {
	return func(ctx context.Context, in *intake.Inbox) error {
		u, err := url.Parse(w.cfg.WebhookURL)
		if err != nil || u.Scheme != "https" && u.Scheme != "http" {
			return errors.New("WEBHOOK_URL: want an https:// URL")
		}
		path := u.Path
		if path == "" {
			path = "/"
		}
		h := webhook.New(webhook.Options{
			Secret: string(w.cfg.WebhookKey), Decode: telegram.Decode, Handle: in.Admit,
			Retry:   func(err error) bool { return errors.Is(err, intake.ErrRetry) },
			Observe: func(r string) { w.rt.metrics.webhook.WithLabelValues(r).Inc() },
			Logger:  w.log.With("component", "webhook"),
		})
		srv := webhook.Server(w.cfg.ListenAddr, path, h)
		ln, err := net.Listen("tcp", w.cfg.ListenAddr)
		if err != nil {
			return fmt.Errorf("LISTEN_ADDR: %w", err)
		}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		if err := client.SetWebhook(ctx, w.cfg.WebhookURL, string(w.cfg.WebhookKey), 40); err != nil {
			_ = srv.Close()
			return fmt.Errorf("set webhook: %w", err)
		}
		select {
		case err := <-served:
			return fmt.Errorf("webhook server: %w", err)
		case <-ctx.Done():
		}
		// Stop taking requests; those in progress finish (their updates
		// are handled and answered) within the shutdown deadline.
		sctx, cancel := context.WithTimeout(context.Background(), w.cfg.Runtime.ShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			// Requests still waiting are cut: unanswered, Telegram
			// delivers their updates again.
			w.log.Warn("webhook server shutdown", "err", err)
			_ = srv.Close()
		}
		return ctx.Err()
	}
}

// setCommands sets the command menu in every language, and in the
// reference language for everyone else. A failure is logged: the bot
// works without a menu.
func setCommands(ctx context.Context, w *wiring, client *telegram.Client) {
	langs := []string{""}
	for _, l := range locales.Languages {
		langs = append(langs, l.Code)
	}
	for _, lang := range langs {
		render := lang
		if render == "" {
			render = locales.Reference
		}
		cmds := make([]telegram.Command, 0, len(w.commands))
		for _, c := range w.commands {
			desc, err := w.catalog.Text(render, c.Desc, nil)
			if err != nil {
				w.log.Error("command description", "command", c.Name, "err", err)
				continue
			}
			cmds = append(cmds, telegram.Command{Name: c.Name, Description: desc})
		}
		if err := client.SetCommands(ctx, lang, cmds); err != nil {
			w.log.Warn("set commands", "lang", lang, "err", err)
		}
	}
}

// startMetrics serves /metrics, /healthz and /readyz on METRICS_ADDR;
// nil when it is unset.
func startMetrics(w *wiring, client *telegram.Client) (*http.Server, error) {
	addr := w.cfg.Runtime.MetricsAddr
	if addr == "" {
		return nil, nil
	}
	checks := []*health.Check{
		{Name: "redis", Run: func(ctx context.Context) error { return w.rdb.Ping(ctx).Err() }},
		{Name: "telegram", Run: client.Ping, Cache: 30 * time.Second},
		{Name: "shutdown", Run: func(context.Context) error {
			if w.rt.stopping.Load() {
				return errors.New("stopping")
			}
			return nil
		}},
	}
	srv := health.Server(addr, health.Handler(promhttp.HandlerFor(w.rt.reg, promhttp.HandlerOpts{}), checks...))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("METRICS_ADDR: %w", err)
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			w.log.Error("metrics server", "err", err)
		}
	}()
	return srv, nil
}
