package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot/crypt"
	"github.com/anefbot/anefbot/bot/handoff"
	"github.com/anefbot/anefbot/bot/telegram"
)

// ErrCheckFailed is returned by `anefbot check` when a point is ✗: the
// deployment is not ready, and the exit code says so.
var ErrCheckFailed = errors.New("the deployment is not ready")

// verdict is how one point of the check came out.
type verdict int

const (
	pass    verdict = iota // ✓
	warning                // ! works, but should be fixed
	fail                   // ✗ must be fixed before going live
	skipped                // – not configured, optional, or not checkable
)

func (v verdict) String() string { return [...]string{"✓", "!", "✗", "–"}[v] }

// point is one line of the check: what was checked, what was found and,
// when it is not ✓, how to fix it. No secret is ever put in one.
type point struct {
	v           verdict
	name, found string
	fix         string
}

// checkTimeout bounds each network call of the check: an unreachable
// endpoint or Redis must give a ✗ quickly, not hang.
const checkTimeout = 10 * time.Second

// runCheck verifies a deployment before it goes live, one line per
// point, and fails when any point is ✗.
func (m *Main) runCheck(ctx context.Context) error {
	cfg, cfgErr := LoadConfig(m.Getenv)
	var points []point
	if cfgErr != nil {
		points = append(points, point{fail, "settings", strings.ReplaceAll(cfgErr.Error(), "\n", "; "), "correct the settings named (see README.md, Settings)"})
	}
	tg, tgPoints := checkTelegram(cfg)
	points = append(points, tgPoints...)
	points = append(points, checkRedis(ctx, cfg)...)
	points = append(points, checkDataKey(cfg), checkWebhook(cfg))
	if cfg.Mode == "webhook" {
		points = append(points, checkDelivery(ctx, cfg, tg, m.Clock()))
	}
	points = append(points, checkGroup(ctx, m.Getenv("HANDOFF_GROUP_ID"), tg),
		checkDirectory(cfg), checkAdmins(cfg), checkOperator(cfg))
	failed := 0
	for _, p := range points {
		line := fmt.Sprintf("%s %s: %s", p.v, p.name, p.found)
		if p.fix != "" && (p.v == fail || p.v == warning) {
			line += "\n    fix: " + p.fix
		}
		fmt.Fprintln(m.Stdout, line)
		if p.v == fail {
			failed++
		}
	}
	if failed > 0 {
		fmt.Fprintf(m.Stdout, "\n%d point(s) to fix before going live.\n", failed)
		return fmt.Errorf("%w: %d point(s) to fix", ErrCheckFailed, failed)
	}
	fmt.Fprintln(m.Stdout, "\nReady: nothing to fix.")
	return nil
}

// checkTelegram checks the Bot API endpoint and the token with getMe. It
// returns the client for the group check, nil when there is none.
func checkTelegram(cfg Config) (*telegram.Client, []point) {
	endpoint := cfg.APIEndpoint
	if endpoint == "" {
		endpoint = telegram.DefaultEndpoint
	}
	where := endpointHost(endpoint)
	if cfg.Token == "" {
		return nil, []point{
			{skipped, "Bot API endpoint", where + " (not checked without a token)", ""},
			{fail, "bot token", "TELEGRAM_BOT_TOKEN is not set", "create the bot with @BotFather (/newbot) and put its token in TELEGRAM_BOT_TOKEN"},
		}
	}
	client, err := telegram.Probe(string(cfg.Token), endpoint, checkTimeout)
	switch {
	case errors.Is(err, telegram.ErrTokenRefused):
		return nil, []point{
			{pass, "Bot API endpoint", where + " answers", ""},
			{fail, "bot token", err.Error(), "copy the token again from @BotFather (/mybots → API Token); /revoke gives a new one"},
		}
	case err != nil:
		return nil, []point{
			{fail, "Bot API endpoint", where + " cannot be reached: " + err.Error(), "check TELEGRAM_API_ENDPOINT (unset means api.telegram.org) and that this server can open outbound HTTPS"},
			{skipped, "bot token", "not checked: the endpoint did not answer", ""},
		}
	}
	return client, []point{
		{pass, "Bot API endpoint", where + " answers", ""},
		{pass, "bot token", "accepted: the bot is @" + client.Username(), ""},
	}
}

// endpointHost names the endpoint by its host only: the format holds no
// token, but a path might hold something private.
func endpointHost(endpoint string) string {
	u, err := url.Parse(strings.ReplaceAll(endpoint, "%s", "x"))
	if err != nil || u.Host == "" {
		return "TELEGRAM_API_ENDPOINT (unreadable)"
	}
	return u.Scheme + "://" + u.Host
}

// checkRedis checks that Redis answers and keeps what it holds across a
// restart (AOF or RDB snapshots).
func checkRedis(ctx context.Context, cfg Config) []point {
	if cfg.RedisURL == "" && len(cfg.Runtime.RedisAddrs) == 0 {
		return []point{{fail, "Redis", "REDIS_URL is not set: the bot would use its embedded store and lose every conversation, reminder and case at each restart",
			"set REDIS_URL (docker compose sets redis://redis:6379/0)"}}
	}
	opts, err := redisOptions(cfg)
	if err != nil {
		return []point{{fail, "Redis", err.Error(), "correct REDIS_URL"}}
	}
	rdb := redis.NewUniversalClient(opts)
	defer rdb.Close()
	cctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	if err := rdb.Ping(cctx).Err(); err != nil {
		return []point{{fail, "Redis", "does not answer: " + err.Error(), "start Redis, or correct REDIS_URL (host, port, password)"}}
	}
	return []point{{pass, "Redis", "answers", ""}, persistence(cctx, rdb)}
}

// persistence reads whether Redis writes its data to disk. A managed
// Redis may refuse CONFIG: then the operator must check it themselves.
func persistence(ctx context.Context, rdb redis.UniversalClient) point {
	const name = "Redis persistence"
	const fix = "turn on AOF (appendonly yes, as deploy/redis.conf does) or RDB snapshots (save 900 1)"
	aof, err := rdb.ConfigGet(ctx, "appendonly").Result()
	var save map[string]string
	if err == nil {
		save, err = rdb.ConfigGet(ctx, "save").Result()
	}
	if err != nil {
		return point{warning, name, "unknown: Redis refused CONFIG GET (" + err.Error() + ")", "make sure AOF or RDB snapshots are on; " + fix}
	}
	var on []string
	if aof["appendonly"] == "yes" {
		on = append(on, "AOF")
	}
	if strings.TrimSpace(save["save"]) != "" {
		on = append(on, "RDB snapshots")
	}
	if len(on) == 0 {
		return point{warning, name, "neither AOF nor RDB snapshots are on: a restart of Redis loses every conversation, reminder and case", fix}
	}
	return point{pass, name, strings.Join(on, " and ") + " on", ""}
}

// checkDataKey checks that data at rest is sealed, with well-formed keys.
// Neither key is ever printed, only its fingerprint.
func checkDataKey(cfg Config) point {
	const fix = "set DATA_KEY to the output of: openssl rand -base64 32 (and keep it in your secrets: losing it loses the sealed data)"
	if cfg.DataKey == "" {
		return point{fail, "DATA_KEY", "not set: answers, letters and cases would be stored unencrypted", fix}
	}
	keys, err := crypt.ParseKeyring(string(cfg.DataKey), string(cfg.DataKeyOld))
	if err != nil {
		return point{fail, "DATA_KEY", "malformed: " + err.Error(), fix}
	}
	return point{pass, "DATA_KEY", "well formed (fingerprint " + keys.Current() + ")", ""}
}

// webhookSecret is what Telegram accepts as secret_token.
var webhookSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// checkWebhook checks the webhook settings when MODE=webhook.
func checkWebhook(cfg Config) point {
	if cfg.Mode != "webhook" {
		return point{pass, "webhook", "not used: long polling (MODE=polling) needs no public URL", ""}
	}
	u, err := url.Parse(cfg.WebhookURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return point{fail, "webhook", fmt.Sprintf("WEBHOOK_URL %q is not an https:// URL", cfg.WebhookURL), "set WEBHOOK_URL to the public https:// address your reverse proxy forwards to LISTEN_ADDR"}
	}
	if !webhookSecret.MatchString(string(cfg.WebhookKey)) {
		return point{fail, "webhook", "WEBHOOK_SECRET is missing or not 1 to 256 of A-Z a-z 0-9 _ - (not shown)", "set WEBHOOK_SECRET to the output of: openssl rand -hex 32"}
	}
	return point{pass, "webhook", u.Scheme + "://" + u.Host + u.Path + ", secret well formed", ""}
}

// deliveryErrorAge is how recent Telegram's last delivery error must be
// to count: an old one says nothing of the deployment being checked.
const deliveryErrorAge = 24 * time.Hour

// checkDelivery asks Telegram whether it can reach the webhook. Before
// the first start nothing is registered yet (the bot registers
// WEBHOOK_URL when it starts), so that is not a fault.
func checkDelivery(ctx context.Context, cfg Config, tg *telegram.Client, now time.Time) point {
	const name = "webhook delivery"
	if tg == nil {
		return point{skipped, name, "not checked: no working token", ""}
	}
	cctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	w, err := tg.Webhook(cctx)
	switch {
	case err != nil:
		return point{fail, name, err.Error(), "try again; check the Bot API endpoint"}
	case w.URL == "":
		return point{skipped, name, "no webhook registered yet: the bot registers WEBHOOK_URL when it starts; run the check again then", ""}
	case w.LastError != "" && now.Sub(w.LastErrorAt) < deliveryErrorAge:
		return point{fail, name, fmt.Sprintf("Telegram could not deliver to the webhook %s ago: %s (%d update(s) waiting)", now.Sub(w.LastErrorAt).Round(time.Minute), w.LastError, w.Pending),
			"make WEBHOOK_URL reachable from the Internet over HTTPS with a valid certificate, and have the proxy forward it to LISTEN_ADDR"}
	case w.URL != cfg.WebhookURL:
		return point{warning, name, "Telegram delivers to another URL", "start the bot: it registers WEBHOOK_URL; or check that no other deployment uses the same token"}
	}
	return point{pass, name, fmt.Sprintf("Telegram delivers to WEBHOOK_URL (%d update(s) waiting)", w.Pending), ""}
}

// checkGroup checks the volunteers' team group, when HANDOFF_GROUP_ID is
// set: a forum (topics on) where the bot may manage topics.
func checkGroup(ctx context.Context, raw string, tg *telegram.Client) point {
	const name = "team group"
	if raw == "" {
		return point{skipped, name, "HANDOFF_GROUP_ID not set (optional)", ""}
	}
	id, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err != nil || id >= 0 {
		return point{fail, name, fmt.Sprintf("HANDOFF_GROUP_ID %q is not a group ID", raw), "a group's ID is negative, e.g. -1001234567890"}
	}
	if tg == nil {
		return point{skipped, name, "not checked: no working token", ""}
	}
	cctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	g, err := tg.Group(cctx, id)
	switch {
	case errors.Is(err, telegram.ErrChatNotFound):
		return point{fail, name, "the bot cannot see this group", "add the bot to the group, then check HANDOFF_GROUP_ID"}
	case err != nil:
		return point{fail, name, err.Error(), "try again; check the Bot API endpoint"}
	case !g.IsForum:
		return point{fail, name, "the group is not a forum", "in the group's settings, turn on Topics"}
	case !g.CanManageTopics:
		return point{fail, name, "the bot cannot manage topics (it is " + g.Status + ")", "make the bot an administrator of the group with the right to manage topics"}
	}
	return point{pass, name, "a forum where the bot manages topics", ""}
}

// checkDirectory checks the directory file, as the bot does at start-up.
func checkDirectory(cfg Config) point {
	path := cfg.Handoff.Directory
	if path == "" {
		return point{pass, "directory", "the shipped national entries (HANDOFF_DIRECTORY not set)", ""}
	}
	if _, err := handoff.LoadDirectory(path); err != nil {
		return point{fail, "directory", err.Error(), "correct the entry named (format in docs/volunteers.md, The directory)"}
	}
	return point{pass, "directory", path + " is valid", ""}
}

// checkAdmins checks that someone can invite volunteers and see /stats.
func checkAdmins(cfg Config) point {
	if len(cfg.AdminIDs) == 0 {
		return point{fail, "ADMIN_IDS", "not set: nobody can invite volunteers", "set ADMIN_IDS to your numeric Telegram user ID (comma-separated for several)"}
	}
	return point{pass, "ADMIN_IDS", fmt.Sprintf("%d administrator(s)", len(cfg.AdminIDs)), ""}
}

// checkOperator checks that /privacy can name who is responsible for the
// data and how to reach them (GDPR art. 13).
func checkOperator(cfg Config) point {
	o := cfg.Operator
	if !o.Identified() {
		return point{fail, "operator", "OPERATOR_NAME or OPERATOR_CONTACT is not set: /privacy tells people the operator has not identified itself",
			"set OPERATOR_NAME (your association) and OPERATOR_CONTACT (an e-mail or address for data questions); see docs/privacy.md"}
	}
	return point{pass, "operator", o.Name + ", contact " + o.Contact, ""}
}
