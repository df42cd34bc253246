package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting, read from the environment.
type Config struct {
	Token       Secret        // TELEGRAM_BOT_TOKEN; empty: terminal mode
	APIEndpoint string        // TELEGRAM_API_ENDPOINT
	RedisURL    Secret        // REDIS_URL; empty: embedded store
	RedisPrefix string        // REDIS_PREFIX
	AdminIDs    []int64       // ADMIN_IDS
	Mode        string        // MODE: polling or webhook
	ListenAddr  string        // LISTEN_ADDR
	WebhookURL  string        // WEBHOOK_URL
	WebhookKey  Secret        // WEBHOOK_SECRET
	SessionTTL  time.Duration // SESSION_TTL
	Workers     int           // WORKERS
	LogFormat   string        // LOG_FORMAT: json or text
	LogLevel    string        // LOG_LEVEL
	Lang        string        // ANEFBOT_LANG: the terminal's language
	Today       time.Time     // ANEFBOT_TODAY: a fixed date for reviewers (terminal only)
	DataKey     Secret        // DATA_KEY: base64 AES-256 key sealing data at rest
	DataKeyOld  Secret        // DATA_KEY_OLD: former keys, still read
	RateLimit   string        // RATE_LIMIT: updates per window per chat
	RateMute    string        // RATE_LIMIT_MUTE: silence after a flood
	LogHashKey  Secret        // LOG_HASH_KEY: the secret chats are hashed with in logs
	Runtime     RuntimeConfig // production runtime: see runtime_config.go
	Handoff     HandoffConfig // volunteer queue: see wire_handoff.go
	Operator    OperatorInfo  // who runs the bot: see operator.go
}

// Secret is a setting that never prints.
type Secret string

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "REDACTED"
}

// GoString keeps %#v from printing it either.
func (s Secret) GoString() string { return `"` + s.String() + `"` }

// setting documents one environment variable; README.md's table lists the
// same names (a test checks).
type setting struct {
	Name, Default, Help string
}

var settings = []setting{
	{"TELEGRAM_BOT_TOKEN", "", "Bot token from @BotFather. Unset: the bot runs in the terminal."},
	{"TELEGRAM_API_ENDPOINT", "https://api.telegram.org/bot%s/%s", "Bot API endpoint in go-telegram-bot-api's format, e.g. http://127.0.0.1:8081/bot%s/%s for a self-hosted Bot API server or an emulator."},
	{"REDIS_URL", "", "redis:// or rediss:// URL with optional user, password and database number. Unset: an embedded in-memory store (miniredis), lost on exit."},
	{"REDIS_PREFIX", "anef:", "Prefix of every Redis key, to share one Redis between several bots or tests."},
	{"ADMIN_IDS", "", "Comma-separated Telegram user IDs of the administrators."},
	{"MODE", "polling", "polling (long polling, one replica) or webhook."},
	{"LISTEN_ADDR", ":8080", "Address the webhook server listens on (MODE=webhook)."},
	{"WEBHOOK_URL", "", "Public HTTPS URL Telegram posts updates to (MODE=webhook)."},
	{"WEBHOOK_SECRET", "", "Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (MODE=webhook)."},
	{"SESSION_TTL", "2160h", "How long an idle conversation is kept (Go duration; 2160h = 90 days)."},
	{"WORKERS", "64", "Chats handled in parallel (updates of one chat are always in order)."},
	{"LOG_FORMAT", "json (text in the terminal)", "json or text."},
	{"LOG_LEVEL", "info (warn in the terminal)", "debug, info, warn or error."},
	{"ANEFBOT_LANG", "from LANG", "Terminal mode only: the language code the person has, as Telegram's language_code."},
	{"ANEFBOT_TODAY", "", "Terminal mode only: YYYY-MM-DD; plans, reminders and letters are computed as if today were that day (for reviewers). Ignored, with a warning, on Telegram."},
}

// LoadConfig reads the environment through getenv and validates it.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Token:       Secret(getenv("TELEGRAM_BOT_TOKEN")),
		APIEndpoint: getenv("TELEGRAM_API_ENDPOINT"),
		RedisURL:    Secret(getenv("REDIS_URL")),
		RedisPrefix: or(getenv("REDIS_PREFIX"), "anef:"),
		Mode:        or(getenv("MODE"), "polling"),
		ListenAddr:  or(getenv("LISTEN_ADDR"), ":8080"),
		WebhookURL:  getenv("WEBHOOK_URL"),
		WebhookKey:  Secret(getenv("WEBHOOK_SECRET")),
		LogFormat:   getenv("LOG_FORMAT"),
		LogLevel:    getenv("LOG_LEVEL"),
		Lang:        or(getenv("ANEFBOT_LANG"), langFromLocale(getenv("LANG"))),
		DataKey:     Secret(getenv("DATA_KEY")),
		DataKeyOld:  Secret(getenv("DATA_KEY_OLD")),
		RateLimit:   getenv("RATE_LIMIT"),
		RateMute:    getenv("RATE_LIMIT_MUTE"),
		LogHashKey:  Secret(getenv("LOG_HASH_KEY")),
	}
	var errs []error
	var err error
	if c.Today, err = parseToday(getenv("ANEFBOT_TODAY")); err != nil {
		errs = append(errs, err)
	}
	if c.Runtime, err = loadRuntime(getenv); err != nil {
		errs = append(errs, err)
	}
	if c.Handoff, err = loadHandoff(getenv); err != nil {
		errs = append(errs, err)
	}
	if c.Operator, err = loadOperator(getenv); err != nil {
		errs = append(errs, err)
	}
	if c.SessionTTL, err = time.ParseDuration(or(getenv("SESSION_TTL"), "2160h")); err != nil || c.SessionTTL < time.Hour {
		errs = append(errs, fmt.Errorf("SESSION_TTL: want a duration of at least 1h, got %q", getenv("SESSION_TTL")))
	}
	if c.Workers, err = strconv.Atoi(or(getenv("WORKERS"), "64")); err != nil || c.Workers < 1 || c.Workers > 4096 {
		errs = append(errs, fmt.Errorf("WORKERS: want 1 to 4096, got %q", getenv("WORKERS")))
	}
	if c.AdminIDs, err = parseIDs(getenv("ADMIN_IDS")); err != nil {
		errs = append(errs, fmt.Errorf("ADMIN_IDS: %w", err))
	}
	if c.Mode != "polling" && c.Mode != "webhook" {
		errs = append(errs, fmt.Errorf("MODE: want polling or webhook, got %q", c.Mode))
	}
	if c.Mode == "webhook" && (c.WebhookURL == "" || c.WebhookKey == "" || c.Token == "") {
		errs = append(errs, errors.New("MODE=webhook needs TELEGRAM_BOT_TOKEN, WEBHOOK_URL and WEBHOOK_SECRET"))
	}
	if c.WebhookKey != "" && !validWebhookSecret(string(c.WebhookKey)) {
		errs = append(errs, errWebhookSecret)
	}
	if c.LogHashKey != "" && len(c.LogHashKey) < minLogHashKey {
		errs = append(errs, errLogHashKey)
	}
	if c.APIEndpoint != "" && strings.Count(c.APIEndpoint, "%s") != 2 {
		errs = append(errs, errors.New("TELEGRAM_API_ENDPOINT: want a format with two %s, e.g. http://127.0.0.1:8081/bot%s/%s"))
	}
	switch c.LogFormat {
	case "", "json", "text":
	default:
		errs = append(errs, fmt.Errorf("LOG_FORMAT: want json or text, got %q", c.LogFormat))
	}
	switch c.LogLevel {
	case "", "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("LOG_LEVEL: want debug, info, warn or error, got %q", c.LogLevel))
	}
	return c, errors.Join(errs...)
}

// errWebhookSecret names Telegram's rule without repeating the secret.
var errWebhookSecret = errors.New("WEBHOOK_SECRET: want 1 to 256 characters among A-Z, a-z, 0-9, _ and - (Telegram's rule), e.g. openssl rand -hex 32")

// validWebhookSecret applies Telegram's rule for secret_token: Telegram
// refuses any other value in setWebhook, and the bot would never start.
func validWebhookSecret(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func parseIDs(s string) ([]int64, error) {
	var ids []int64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%q is not a Telegram user ID", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// langFromLocale turns "pt_BR.UTF-8" into "pt-BR".
func langFromLocale(l string) string {
	l, _, _ = strings.Cut(l, ".")
	if l == "C" || l == "POSIX" {
		return ""
	}
	return strings.ReplaceAll(l, "_", "-")
}

// Getenv reads the process environment.
var Getenv = os.Getenv
