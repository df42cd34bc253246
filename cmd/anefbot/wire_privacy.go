package main

import (
	"fmt"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/crypt"
	"github.com/anefbot/anefbot/bot/privacy"
	"github.com/anefbot/anefbot/bot/redisstore"
)

// Privacy sets up first: every other feature must see the sealing session
// store and the keys, and the rate limit and /forget sit outside every
// other middleware (a flood is stopped before it costs anything; /forget
// is never taken for a message to relay).
func init() {
	register(feature{name: "data keys", order: -100, setup: setupDataKeys})
	register(feature{name: "privacy", order: -50, setup: setupPrivacy})
	settings = append(settings, privacySettings...)
}

var privacySettings = []setting{
	{"DATA_KEY", "", "32 random bytes in base64 (openssl rand -base64 32): answers, letters and handoff cases are encrypted at rest with AES-256-GCM. Unset: stored in clear, with a warning at start-up. See docs/privacy.md."},
	{"DATA_KEY_OLD", "", "Comma-separated former DATA_KEYs, still used to read what they encrypted (key rotation)."},
	{"RATE_LIMIT", "30/1m", "Updates one chat may send per window before one polite warning and a pause; off disables. Administrators are not limited."},
	{"RATE_LIMIT_MUTE", "5m", "How long a chat that went over RATE_LIMIT is ignored."},
}

// setupDataKeys reads DATA_KEY and DATA_KEY_OLD and puts an encrypting
// session store in place; without a key it warns, once, at start-up.
func setupDataKeys(w *wiring) error {
	keys, err := crypt.ParseKeyring(string(w.cfg.DataKey), string(w.cfg.DataKeyOld))
	if err != nil {
		return fmt.Errorf("DATA_KEY / DATA_KEY_OLD: %w", err)
	}
	w.keys = keys
	w.bot.Store = sessionStore(w)
	switch {
	case keys.Enabled():
		w.log.Info("data encrypted at rest", "key", keys.Current())
	case !w.terminal || w.cfg.RedisURL != "":
		w.log.Warn("DATA_KEY is not set: answers and typed text are stored in Redis unencrypted; set DATA_KEY to 32 random bytes in base64 (openssl rand -base64 32)")
	}
	return nil
}

func sessionStore(w *wiring) *redisstore.Store {
	return redisstore.New(w.rdb,
		redisstore.WithTTL(w.cfg.SessionTTL),
		redisstore.WithPrefix(w.cfg.RedisPrefix),
		redisstore.WithCodec(crypt.SessionCodec{Keys: w.keys, Plain: redisstore.JSON{}}))
}

// setupPrivacy adds the rate limit, /privacy and /forget.
// workingKeys names the keys /forget leaves to the intake (nil in the
// terminal, which has none).
func workingKeys(w *wiring) func(int64) []string {
	if w.gate == nil {
		return nil
	}
	return w.gate.WorkingKeys
}

func setupPrivacy(w *wiring) error {
	rate, err := privacy.ParseRate(w.cfg.RateLimit, w.cfg.RateMute)
	if err != nil {
		return fmt.Errorf("RATE_LIMIT / RATE_LIMIT_MUTE: %w", err)
	}
	roles := privacy.NewRoles(w.cfg.AdminIDs)
	limiter := privacy.NewLimiter(w.rdb, w.cfg.RedisPrefix, rate, roles.IsAdmin)
	store := sessionStore(w)
	cmds := privacy.NewCommands(privacy.Config{
		EraseSession: store.Erase,
		// Read at /forget time: features set up after this one add theirs.
		Forgetters:    func() []bot.Forgetter { return w.forgetters },
		Sweep:         privacy.Sweep(w.rdb, w.cfg.RedisPrefix, workingKeys(w)),
		RetentionDays: int(w.cfg.SessionTTL.Hours() / 24),
		Clock:         w.bot.Clock,
		Notice:        notice(w.cfg),
	})
	w.forgetters = append(w.forgetters, limiter.Forget)
	w.preload(limiter.Preload, limiter.Scripts()...)
	w.bot.Middlewares = append(w.bot.Middlewares, limiter.Middleware, cmds.Middleware)
	w.engine.Help = append(w.engine.Help, "help_privacy")
	w.commands = append(w.commands, command{"privacy", "privacy_cmd_privacy"}, command{"forget", "privacy_cmd_forget"})
	return nil
}
