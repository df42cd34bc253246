package handoff

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/intake"
)

// Config configures the Service. Zero durations take the defaults.
type Config struct {
	Store     *Store
	Directory *Directory
	// Admins are the Telegram user IDs allowed to manage volunteers.
	Admins []int64
	// Languages are the bot's languages (statistics list them all).
	Languages []string
	// Lease: a taken case with no volunteer activity for this long goes
	// back to the queue (default 30 minutes).
	Lease time.Duration
	// NoTakeAfter: a case nobody took for this long gets the person an
	// honest message with other contacts (default 4 hours).
	NoTakeAfter time.Duration
	// RemindAfter: volunteers are reminded of a case waiting this long
	// since the last notification (default 30 minutes).
	RemindAfter time.Duration
	// MaxWait: a case nobody took for this long is closed and the person
	// told (default 14 days).
	MaxWait time.Duration
	// NotifyBatch is how many volunteers are told of a case at a time
	// (default 3).
	NotifyBatch int
	// InviteTTL is how long an invitation link works (default 7 days).
	InviteTTL time.Duration
	// Hours are when volunteers usually answer (zero: any time).
	Hours Hours
	// Username returns the bot's @username for invitation links; "" when
	// unknown (the code is given with /start instead).
	Username func() string
	Clock    bot.Clock
	Logger   *slog.Logger
	// Lost, when set, counts a case found unreadable (bot.Config.Lost).
	Lost func(kind string)
}

// Service is the handoff feature: a middleware for commands, buttons and
// the relay, an effect for the plan offer, a background runner and a
// forgetter. It is safe for concurrent use.
type Service struct {
	cfg Config
	st  *Store
	log *slog.Logger
}

// NewService returns a Service with defaults filled in.
func NewService(cfg Config) *Service {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Lease, 30*time.Minute)
	def(&cfg.NoTakeAfter, 4*time.Hour)
	def(&cfg.RemindAfter, 30*time.Minute)
	def(&cfg.MaxWait, 14*24*time.Hour)
	def(&cfg.InviteTTL, 7*24*time.Hour)
	if cfg.NotifyBatch <= 0 {
		cfg.NotifyBatch = 3
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Username == nil {
		cfg.Username = func() string { return "" }
	}
	return &Service{cfg: cfg, st: cfg.Store, log: cfg.Logger.With("component", "handoff")}
}

// Prefix is the button data prefix of the handoff.
const Prefix = "h:"

func (s *Service) isAdmin(id int64) bool { return slices.Contains(s.cfg.Admins, id) }

// Preload reads the chat's route (its case, the case it holds, the
// département question) in the round trip in which the intake gate takes
// the chat (an intake.Preload): typed text is relayed when there is one.
func (s *Service) Preload(ctx context.Context, pipe redis.Pipeliner, u bot.Update) func(*intake.Unit, bool) {
	text := strings.TrimSpace(u.Text)
	if !u.Private || u.Kind != bot.Message || text == "" {
		return nil
	}
	if _, _, ok := bot.Command(text); ok {
		return nil
	}
	return s.st.preloadRoute(ctx, pipe, u.ChatID)
}

// Middleware takes the handoff's commands and buttons, and relays the
// messages of a person and of the volunteer who holds their case; every
// other update goes on to next.
func (s *Service) Middleware(b *bot.Bot, next bot.Handler) bot.Handler {
	return func(ctx context.Context, u bot.Update) error {
		if !u.Private {
			return next(ctx, u)
		}
		switch u.Kind {
		case bot.Callback:
			if strings.HasPrefix(u.Data, Prefix) {
				s.ack(ctx, b, u)
				return s.press(ctx, b, u)
			}
		case bot.Message:
			text := strings.TrimSpace(u.Text)
			if name, arg, ok := bot.Command(text); ok {
				handled, err := s.command(ctx, b, u, name, arg)
				if handled || err != nil {
					return err
				}
				return next(ctx, u)
			}
			handled, err := s.relay(ctx, b, u, text)
			if handled || err != nil {
				return err
			}
		}
		return next(ctx, u)
	}
}

func (s *Service) ack(ctx context.Context, b *bot.Bot, u bot.Update) { b.Ack(ctx, u) }

// command handles the handoff's commands; false leaves the update to the
// conversation, which answers an unknown command neutrally: someone who
// is not a volunteer or an admin learns nothing from trying one.
func (s *Service) command(ctx context.Context, b *bot.Bot, u bot.Update, name, arg string) (bool, error) {
	switch name {
	case "human", "volunteer":
		return true, s.askConsent(ctx, b, u.ChatID, u.LangCode)
	case "cancel":
		return s.cancel(ctx, b, u.ChatID, u.LangCode)
	case "start":
		if strings.HasPrefix(arg, "v") && len(arg) > 8 {
			return s.redeem(ctx, b, u, arg)
		}
		return false, nil
	}
	if s.isAdmin(u.UserID) {
		if handled, err := s.adminCommand(ctx, b, u, name, arg); handled || err != nil {
			return true, err
		}
	}
	return s.volunteerCommand(ctx, b, u, name, arg)
}

// press handles the handoff's buttons. Data is never trusted: every
// reference in it is checked against the presser's own state.
func (s *Service) press(ctx context.Context, b *bot.Bot, u bot.Update) error {
	verb, rest, _ := strings.Cut(strings.TrimPrefix(u.Data, Prefix), ":")
	switch verb {
	case "ok":
		return s.consent(ctx, b, u.ChatID, u.LangCode)
	case "no":
		if err := s.st.ClearDep(ctx, u.ChatID); err != nil {
			return err
		}
		return s.sayLang(ctx, b, u.ChatID, u.LangCode, "handoff_consent_declined", nil)
	case "dep":
		return s.skipDepPressed(ctx, b, u.ChatID, u.LangCode)
	case "cancel":
		_, err := s.cancel(ctx, b, u.ChatID, u.LangCode)
		return err
	case "take":
		return s.take(ctx, b, u.UserID, u.ChatID, rest)
	case "done":
		return s.done(ctx, b, u.UserID, u.ChatID, rest)
	}
	return s.sayLang(ctx, b, u.ChatID, u.LangCode, "handoff_stale", nil)
}

// sayLang answers a chat in its own language.
func (s *Service) sayLang(ctx context.Context, b *bot.Bot, chat int64, langCode, id string, args map[string]any) error {
	lang, err := b.Lang(ctx, chat, langCode)
	if err != nil {
		return err
	}
	return b.Say(ctx, chat, lang, id, args)
}
