package intake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
)

// SeenTTL is how long a handled update ID is remembered: Telegram keeps
// an undelivered update for 24 hours, so a redelivery never comes later.
const SeenTTL = 48 * time.Hour

var (
	// ErrBusy: another replica held the chat for longer than the wait.
	ErrBusy = errors.New("chat busy on another replica")
	// ErrRetry marks an update that was not handled and should be
	// delivered again (Redis down, chat busy): a webhook answers 503.
	ErrRetry = errors.New("update not handled, deliver again")
)

// Options tune a Gate; zero values take the defaults.
type Options struct {
	Prefix string        // Redis key prefix
	Lease  time.Duration // how long a chat stays held if its holder dies; default 30s
	Wait   time.Duration // how long to wait for a held chat; default Lease
	// Clear names keys of a chat to delete when it sends an update (e.g.
	// its "unreachable" mark): the person is back.
	Clear []func(chatID int64) string
	// Duplicate is called for each duplicate dropped (metrics); may be nil.
	Duplicate func()
	Logger    *slog.Logger
}

// Gate de-duplicates updates and holds chats. Safe for concurrent use.
type Gate struct {
	rdb redis.UniversalClient
	opt Options
}

// New returns a Gate on rdb.
func New(rdb redis.UniversalClient, opt Options) *Gate {
	if opt.Lease <= 0 {
		opt.Lease = 30 * time.Second
	}
	if opt.Wait <= 0 {
		opt.Wait = opt.Lease
	}
	if opt.Duplicate == nil {
		opt.Duplicate = func() {}
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Gate{rdb: rdb, opt: opt}
}

func (g *Gate) tag(chatID int64) string {
	return g.opt.Prefix + "{c:" + strconv.FormatInt(chatID, 10) + "}"
}

func (g *Gate) leaseKey(chatID int64) string { return g.tag(chatID) + ":lease" }

// seenKey marks a handled update. It is tagged by the update, not the
// chat, so it does not name the person (nothing to erase on /forget); it
// is read and written only while the chat's lease is held, which is what
// makes the check-then-mark safe without a script over both.
func (g *Gate) seenKey(u bot.Update) string {
	return g.opt.Prefix + "{u:" + strconv.FormatInt(u.ID, 10) + "}"
}

// acquire takes the chat (1) or finds it held (0); taking it clears the
// keys that an update from the person makes stale.
var acquire = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  for i = 2, #KEYS do redis.call('DEL', KEYS[i]) end
  return 1
end
return 0`)

// release frees the chat if we still hold it.
var release = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`)

var renew = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`)

// Hold waits until the chat is free and takes it for the update. It
// returns dup=true (and holds nothing) when the update was handled
// already; otherwise the caller must call Done with the token. One round
// trip when the chat is free.
func (g *Gate) Hold(ctx context.Context, u bot.Update) (token string, dup bool, err error) {
	token = newToken()
	keys := []string{g.leaseKey(u.ChatID)}
	for _, k := range g.opt.Clear {
		keys = append(keys, k(u.ChatID))
	}
	deadline := time.Now().Add(g.opt.Wait)
	pause := 10 * time.Millisecond
	for {
		held, seen, err := g.try(ctx, u, keys, token)
		switch {
		case err != nil:
			return "", false, fmt.Errorf("hold chat: %w", err)
		case held && seen:
			g.opt.Duplicate()
			return "", true, g.Done(ctx, u, token, false)
		case held:
			return token, false, nil
		case time.Now().After(deadline):
			return "", false, ErrBusy
		}
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return "", false, ctx.Err()
		}
		pause = min(2*pause, 200*time.Millisecond)
	}
}

// try takes the lease and reads the update's mark in one pipeline; the
// mark counts only if the lease was taken.
func (g *Gate) try(ctx context.Context, u bot.Update, keys []string, token string) (held, seen bool, err error) {
	var acq *redis.Cmd
	var mark *redis.IntCmd
	err = g.pipelined(ctx, func(pipe redis.Pipeliner) {
		acq = acquire.EvalSha(ctx, pipe, keys, token, g.opt.Lease.Milliseconds())
		if u.ID != 0 {
			mark = pipe.Exists(ctx, g.seenKey(u))
		}
	})
	if err != nil {
		return false, false, err
	}
	held = acq.Val() == int64(1)
	return held, mark != nil && mark.Val() == 1, nil
}

// pipelined runs fill's commands in one round trip. Scripts go by their
// SHA1 (not their whole text each time); after a Redis restart or
// failover forgot them, they are loaded again and the pipeline retried.
func (g *Gate) pipelined(ctx context.Context, fill func(redis.Pipeliner)) error {
	for attempt := 0; ; attempt++ {
		pipe := g.rdb.Pipeline()
		fill(pipe)
		_, err := pipe.Exec(ctx)
		if err == nil || attempt > 0 || !redis.HasErrorPrefix(err, "NOSCRIPT") {
			return err
		}
		for _, s := range []*redis.Script{acquire, release} {
			if err := s.Load(ctx, g.rdb).Err(); err != nil {
				return err
			}
		}
	}
}

// Done marks the update handled when handled is true, then frees the
// chat.
func (g *Gate) Done(ctx context.Context, u bot.Update, token string, handled bool) error {
	err := g.pipelined(ctx, func(pipe redis.Pipeliner) {
		if handled && u.ID != 0 {
			pipe.Set(ctx, g.seenKey(u), "1", SeenTTL)
		}
		release.EvalSha(ctx, pipe, []string{g.leaseKey(u.ChatID)}, token)
	})
	if err != nil {
		return fmt.Errorf("release chat: %w", err)
	}
	return nil
}

// Forget erases the chat's keys (its lease, the keys in Clear) for
// /forget; handled-update marks do not name the chat. It names nothing
// erased: these are working keys, not what the person told the bot.
func (g *Gate) Forget(ctx context.Context, chatID int64) ([]string, error) {
	keys := []string{g.leaseKey(chatID)}
	for _, k := range g.opt.Clear {
		keys = append(keys, k(chatID))
	}
	if err := g.rdb.Del(ctx, keys...).Err(); err != nil {
		return nil, fmt.Errorf("forget chat keys: %w", err)
	}
	return nil, nil
}

// keep renews the lease while an update runs, until stop is called.
func (g *Gate) keep(ctx context.Context, chatID int64, token string) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(g.opt.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := renew.Run(ctx, g.rdb, []string{g.leaseKey(chatID)}, token, g.opt.Lease.Milliseconds()).Err(); err != nil && ctx.Err() == nil {
					g.opt.Logger.Warn("renew chat lease", "chat", bot.ChatHash(chatID), "err", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// Middleware runs each update under its chat's lease, once. An update
// that failed for a passing reason (Redis, the lease) is not marked
// handled and its error wraps ErrRetry; any other failure is final, so a
// poisoned update cannot block its chat for ever.
func (g *Gate) Middleware(_ *bot.Bot, next bot.Handler) bot.Handler {
	return func(ctx context.Context, u bot.Update) error {
		if u.ChatID == 0 {
			return next(ctx, u)
		}
		token, dup, err := g.Hold(ctx, u)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrRetry, err)
		}
		if dup {
			return nil
		}
		stop := g.keep(ctx, u.ChatID, token)
		herr := next(ctx, u)
		stop()
		retry := herr != nil && Transient(herr)
		if err := g.Done(context.WithoutCancel(ctx), u, token, !retry); err != nil {
			g.opt.Logger.Error("release chat", "chat", bot.ChatHash(u.ChatID), "update_id", u.ID, "err", err)
		}
		if retry {
			return fmt.Errorf("%w: %w", ErrRetry, herr)
		}
		return herr
	}
}

// Transient reports whether an error may pass if the update is handled
// again: Redis or the network failing, a timeout.
func Transient(err error) bool {
	var netErr net.Error
	var redisErr redis.Error
	switch {
	case errors.Is(err, ErrBusy), errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &netErr):
		return true
	case errors.As(err, &redisErr):
		return !errors.Is(err, redis.Nil)
	}
	return false
}

func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
