package privacy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/intake"
)

// Rate is how many updates one chat may send in a window, and how long it
// is ignored after going over.
type Rate struct {
	Updates int
	Per     time.Duration
	Mute    time.Duration
}

// DefaultRate: a person answering with buttons sends a few updates a
// minute; thirty is a flood, not a conversation.
var DefaultRate = Rate{Updates: 30, Per: time.Minute, Mute: 5 * time.Minute}

// ErrRate is returned by ParseRate for a malformed setting.
var ErrRate = errors.New(`want updates per duration, e.g. "30/1m"`)

// ParseRate reads RATE_LIMIT ("30/1m"; "off" disables) and RATE_LIMIT_MUTE
// ("5m"); empty settings take DefaultRate's values. A zero Rate means no
// limit.
func ParseRate(limit, mute string) (Rate, error) {
	r := DefaultRate
	switch limit = strings.TrimSpace(limit); limit {
	case "":
	case "off", "0":
		return Rate{}, nil
	default:
		n, per, ok := strings.Cut(limit, "/")
		count, err1 := strconv.Atoi(n)
		d, err2 := time.ParseDuration(per)
		if !ok || err1 != nil || err2 != nil || count < 1 || d < time.Second {
			return Rate{}, ErrRate
		}
		r.Updates, r.Per = count, d
	}
	if mute = strings.TrimSpace(mute); mute != "" {
		d, err := time.ParseDuration(mute)
		if err != nil || d < time.Second {
			return Rate{}, errors.New("want a duration of at least 1s, e.g. 5m")
		}
		r.Mute = d
	}
	return r, nil
}

// Limiter counts each chat's updates in Redis, so the limit holds across
// replicas. It is safe for concurrent use.
type Limiter struct {
	rdb    redis.UniversalClient
	prefix string
	rate   Rate
	exempt func(userID int64) bool
}

// NewLimiter returns a limiter; exempt (may be nil) names users never
// limited (administrators).
func NewLimiter(rdb redis.UniversalClient, prefix string, rate Rate, exempt func(int64) bool) *Limiter {
	return &Limiter{rdb: rdb, prefix: prefix, rate: rate, exempt: exempt}
}

// Key is the chat's counter.
func (l *Limiter) Key(chatID int64) string {
	return l.prefix + "{c:" + strconv.FormatInt(chatID, 10) + "}:rl"
}

// countScript counts one update. The first update opens the window; the
// first update over the limit stretches the key to the mute period, so
// the silence lasts Mute from the warning whatever the flood does next.
// KEYS[1] counter; ARGV[1] window ms, ARGV[2] mute ms, ARGV[3] limit.
var countScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if n == tonumber(ARGV[3]) + 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return n
`)

// Verdict is what to do with one update.
type Verdict int

// Verdicts of Allow.
const (
	Pass Verdict = iota
	Warn         // the first update over the limit: say so once
	Drop         // over the limit and already warned: stay silent
)

// Allow counts an update of chatID from userID. When Redis fails it lets
// the update through: the limit protects the others, it must not lock
// everyone out.
func (l *Limiter) Allow(ctx context.Context, chatID, userID int64) (Verdict, error) {
	if !l.limits(userID) {
		return Pass, nil
	}
	n, err := countScript.Run(ctx, l.rdb, []string{l.Key(chatID)}, l.args()...).Int64()
	if err != nil {
		return Pass, fmt.Errorf("rate limit: %w", err)
	}
	return l.verdict(n), nil
}

// limits reports whether userID's updates are counted at all: not when
// the limit is off, nor for administrators.
func (l *Limiter) limits(userID int64) bool {
	return l.rate.Updates != 0 && (l.exempt == nil || !l.exempt(userID))
}

func (l *Limiter) args() []any {
	return []any{l.rate.Per.Milliseconds(), l.rate.Mute.Milliseconds(), l.rate.Updates}
}

// verdict reads the count of the window, this update included.
func (l *Limiter) verdict(n int64) Verdict {
	switch {
	case n <= int64(l.rate.Updates):
		return Pass
	case n == int64(l.rate.Updates)+1:
		return Warn
	default:
		return Drop
	}
}

// verdictKey names an update's verdict in its intake Unit.
type verdictKey string

// Preload counts the update in the round trip in which the intake gate
// takes the chat (an intake.Preload). The count holds whether or not the
// chat was free: the update came, once.
func (l *Limiter) Preload(ctx context.Context, pipe redis.Pipeliner, u bot.Update) func(*intake.Unit, bool) {
	if !counted(u) || !l.limits(u.UserID) {
		return nil
	}
	key := l.Key(u.ChatID)
	if un := intake.For(ctx, u.ChatID); un != nil {
		if _, ok := un.Get(verdictKey(key)); ok {
			return nil // counted when the update was admitted
		}
	}
	cmd := countScript.EvalSha(ctx, pipe, []string{key}, l.args()...)
	return func(un *intake.Unit, _ bool) {
		if n, err := cmd.Int64(); err == nil {
			un.Put(verdictKey(key), l.verdict(n))
		}
	}
}

// Scripts are the scripts the limiter sends by SHA1 in the gate's
// pipeline.
func (l *Limiter) Scripts() []*redis.Script { return []*redis.Script{countScript} }

// check is Allow, answered by the update's intake Unit when the gate
// counted the update already.
func (l *Limiter) check(ctx context.Context, u bot.Update) (Verdict, error) {
	if un := intake.For(ctx, u.ChatID); un != nil {
		if v, ok := un.Get(verdictKey(l.Key(u.ChatID))); ok {
			return v.(Verdict), nil
		}
	}
	return l.Allow(ctx, u.ChatID, u.UserID)
}

// Forget erases the chat's counter; it is a Forgetter. It names nothing:
// the counter holds no answer, and the /forget being handled has just
// counted itself in it, so listing it would tell the person nothing true.
func (l *Limiter) Forget(ctx context.Context, chatID int64) ([]string, error) {
	if err := l.rdb.Del(ctx, l.Key(chatID)).Err(); err != nil {
		return nil, fmt.Errorf("erase rate limit: %w", err)
	}
	return nil, nil
}

// Middleware drops the updates of a chat over its limit, after one polite
// warning in the person's language.
func (l *Limiter) Middleware(b *bot.Bot, next bot.Handler) bot.Handler {
	return func(ctx context.Context, u bot.Update) error {
		if !counted(u) {
			return next(ctx, u) // answered by nothing: nothing to count, nothing to keep
		}
		v, err := l.check(ctx, u)
		if err != nil {
			b.Logger().Warn("rate limit unavailable", "chat", bot.ChatHash(u.ChatID), "err", err)
		}
		switch v {
		case Warn:
			b.Logger().Info("rate limited", "chat", bot.ChatHash(u.ChatID))
			if !u.Private {
				return nil // groups get nothing more than /start's answer
			}
			lang, err := b.Lang(ctx, u.ChatID, u.LangCode)
			if err != nil {
				return err
			}
			id, n := pause(l.rate.Mute)
			return b.Say(ctx, u.ChatID, lang, id, map[string]any{"Count": n})
		case Drop:
			return nil
		}
		return next(ctx, u)
	}
}

// pause says how long the mute lasts as the person will live it: in
// minutes when it is a whole number of them, otherwise in seconds
// (rounded up), so that a 90-second pause is not announced as 2 minutes
// nor a 3-second one as a minute.
func pause(d time.Duration) (id string, count int) {
	if d >= time.Minute && d%time.Minute == 0 {
		return "rate_limited", int(d / time.Minute)
	}
	return "rate_limited_seconds", max(1, int((d+time.Second-1)/time.Second))
}

// counted reports whether an update counts towards its chat's limit: in
// private chats all do; elsewhere only /start, the one thing the bot
// answers there.
func counted(u bot.Update) bool { return u.Private || startCommand(u) }

// startCommand reports whether u is /start, the one thing the bot answers
// outside private chats.
func startCommand(u bot.Update) bool {
	name, _, ok := bot.Command(u.Text)
	return u.Kind == bot.Message && ok && name == "start"
}
