package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/telegram"
	"github.com/anefbot/anefbot/bot/terminal"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// Main is the program: configuration in, a running bot out. Tests drive
// the same Main as the binary.
type Main struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Clock is the bot's clock; tests set a fixed one.
	Clock func() time.Time
	// RedisHook, when set, sees every request to Redis (tests count the
	// round trips of an update with it).
	RedisHook redis.Hook
	// Pauses, when set, replace the pauses after a passing failure (Redis
	// or the Bot API failing) and how often inboxes left behind are
	// looked for: tests make long outages short.
	Pauses *Pauses

	rdb  redis.UniversalClient
	mini *miniredis.Miniredis
}

// Pauses tune the retries of the runtime (see Main.Pauses).
type Pauses struct {
	Min, Max time.Duration // first and longest pause before trying again
	Sweep    time.Duration // how often inboxes nobody works on are looked for
}

// NewMain returns a Main on the process's environment and standard files.
func NewMain() *Main {
	return &Main{Getenv: Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Clock: time.Now}
}

// Run runs the subcommand named by args[0] (none: the bot) until ctx ends.
func (m *Main) Run(ctx context.Context, args []string) error {
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "":
		return m.runBot(ctx)
	case "flows":
		return m.printFlows()
	case "messages":
		return m.messages(args[1:])
	case "check":
		return m.runCheck(ctx)
	case "help", "-h", "--help":
		return m.usage()
	default:
		m.usage()
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func (m *Main) usage() error {
	fmt.Fprintln(m.Stderr, `usage: anefbot [command]
  (none)  run the bot: on Telegram when TELEGRAM_BOT_TOKEN is set, else in this terminal
  flows   print the diagnosis graph as a Mermaid state diagram
  messages [lang]  print every message of a language (or all) with sample values
  messages --stale [lang]            list translations whose French changed since
  messages --html lang [-o file]     write a review page, French and the translation side by side
  messages --stamp lang id...        record that these translations follow today's French
  messages --stamp-new [lang]        record the translations that have no status yet
  messages --reviewed lang id...     mark these translations reviewed by a native speaker
  check   verify a deployment's settings, Telegram and Redis before going live
Settings are environment variables; see README.md.`)
	return nil
}

func (m *Main) printFlows() error {
	g, err := flows.Diagnosis()
	if err != nil {
		return err
	}
	out, err := g.Mermaid()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(m.Stdout, out)
	return err
}

func (m *Main) runBot(ctx context.Context) error {
	cfg, err := LoadConfig(m.Getenv)
	if err != nil {
		return err
	}
	w := &wiring{ctx: ctx, cfg: cfg, terminal: cfg.Token == "", pauses: m.Pauses}
	if w.pauses == nil {
		w.pauses = &Pauses{}
	}
	w.log = m.logger(cfg, w.terminal)
	if err := m.openRedis(ctx, cfg, w); err != nil {
		return err
	}
	w.rdb = m.rdb
	if w.catalog, err = locales.New(); err != nil {
		return err
	}
	graph, err := flows.Diagnosis()
	if err != nil {
		return err
	}
	for _, l := range locales.Languages {
		w.engine.Languages = append(w.engine.Languages, flows.Language{Code: l.Code, Name: l.Name, Reviewed: w.catalog.Reviewed(l.Code)})
	}
	w.engine.RetentionDays = int(cfg.SessionTTL.Hours() / 24)
	w.bot = bot.Config{
		Store:   redisstore.New(m.rdb, redisstore.WithTTL(cfg.SessionTTL), redisstore.WithPrefix(cfg.RedisPrefix)),
		Catalog: w.catalog,
		Clock:   m.reviewClock(cfg, w.terminal),
		Logger:  w.log,
	}
	defer func() {
		for i := len(w.closers) - 1; i >= 0; i-- {
			if err := w.closers[i](); err != nil {
				w.log.Error("close", "err", err)
			}
		}
	}()
	for _, f := range sortedFeatures() {
		if err := f.setup(w); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	w.bot.Engine = flows.NewEngine(graph, w.engine)
	// The session last: features (privacy) may have replaced the store.
	if st, ok := w.bot.Store.(*redisstore.Store); ok {
		w.preload(st.Preload, st.Scripts()...)
	}
	if w.terminal {
		return m.runTerminal(ctx, w)
	}
	return m.runTelegram(ctx, w)
}

// newBot builds the bot on a transport's sender and starts the features'
// background runners; stop ends them and waits.
func (m *Main) newBot(ctx context.Context, w *wiring, sender bot.Sender) (b *bot.Bot, stop func(), err error) {
	for _, wrap := range w.wrapSender {
		sender = wrap(sender)
	}
	bc := w.bot
	bc.Sender = sender
	if b, err = bot.New(bc); err != nil {
		return nil, nil, err
	}
	rctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, run := range w.runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(rctx, b); err != nil && rctx.Err() == nil {
				w.log.Error("background runner stopped", "err", err)
			}
		}()
	}
	return b, func() { cancel(); wg.Wait() }, nil
}

func (m *Main) runTerminal(ctx context.Context, w *wiring) error {
	m.say(w.cfg.Lang, "start_terminal_you")
	term := terminal.New(m.Stdin, m.Stdout, w.cfg.Lang)
	b, stop, err := m.newBot(ctx, w, term)
	if err != nil {
		return err
	}
	defer stop()
	return term.Run(ctx, b.Handle)
}

func (m *Main) runTelegram(ctx context.Context, w *wiring) error {
	client, err := telegram.Dial(string(w.cfg.Token), w.cfg.APIEndpoint)
	if err != nil {
		return fmt.Errorf("connect to the Bot API: %w", err)
	}
	if w.cfg.Mode == "webhook" {
		return m.runTelegramWith(ctx, w, client, serveWebhook(w, client))
	}
	return m.runTelegramWith(ctx, w, client, poll(w, client))
}

// openRedis connects to REDIS_URL, or starts the embedded store and says
// so in one line: on the terminal's screen, or in the log on Telegram,
// where people rely on what the bot keeps.
func (m *Main) openRedis(ctx context.Context, cfg Config, w *wiring) error {
	if cfg.RedisURL == "" && len(cfg.Runtime.RedisAddrs) == 0 {
		mini, err := miniredis.Run()
		if err != nil {
			return fmt.Errorf("start embedded store: %w", err)
		}
		m.mini = mini
		m.rdb = redis.NewClient(&redis.Options{Addr: mini.Addr()})
		clock := m.Clock
		if clock == nil {
			clock = time.Now
		}
		m.rdb.AddHook(newEmbeddedClock(mini, clock))
		if m.RedisHook != nil {
			m.rdb.AddHook(m.RedisHook)
		}
		if w.terminal {
			m.say(cfg.Lang, "start_embedded_store")
		} else {
			w.log.Warn("REDIS_URL is not set: everything the bot keeps (conversations, reminders, letters in preparation, handoff cases, volunteers) is in an embedded in-memory store and is LOST ON RESTART; set REDIS_URL to a Redis with persistence")
		}
		return nil
	}
	opts, err := redisOptions(cfg)
	if err != nil {
		return err
	}
	m.rdb = redis.NewUniversalClient(opts)
	if m.RedisHook != nil {
		m.rdb.AddHook(m.RedisHook)
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return redisstore.Ping(pctx, m.rdb)
}

func (m *Main) logger(cfg Config, terminalMode bool) *slog.Logger {
	level := slog.LevelInfo
	if terminalMode {
		level = slog.LevelWarn
	}
	if cfg.LogLevel != "" {
		_ = level.UnmarshalText([]byte(cfg.LogLevel))
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" || (cfg.LogFormat == "" && terminalMode) {
		return slog.New(slog.NewTextHandler(m.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(m.Stderr, opts))
}

// Close releases Redis and the embedded store.
func (m *Main) Close() error {
	var err error
	if m.rdb != nil {
		err = m.rdb.Close()
	}
	if m.mini != nil {
		m.mini.Close()
	}
	return err
}
