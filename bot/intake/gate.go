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
	"sync"
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
	// ErrLeaseLost: the chat was taken by another replica while this one
	// handled an update (a pause longer than the lease).
	ErrLeaseLost = errors.New("chat lease lost")
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

// Gate de-duplicates updates and holds chats. Safe for concurrent use
// once every Preload is added.
type Gate struct {
	rdb      redis.UniversalClient
	opt      Options
	preloads []Preload
	// scripts are every script sent by SHA1 in the gate's pipelines,
	// loaded again when Redis forgot them.
	scripts []*redis.Script
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
	return &Gate{rdb: rdb, opt: opt, scripts: []*redis.Script{acquire, release}}
}

// Add registers a feature's reads to make in the round trip that takes a
// chat, and the scripts its Preload or its deferred writes send by SHA1
// (loaded again after Redis forgot them). Add every Preload before the
// gate handles updates.
func (g *Gate) Add(p Preload, scripts ...*redis.Script) {
	if p != nil {
		g.preloads = append(g.preloads, p)
	}
	g.scripts = append(g.scripts, scripts...)
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
// keys that an update from the person makes stale. Holding it already
// (a pipeline sent again after NOSCRIPT) counts as taking it.
var acquire = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) or redis.call('GET', KEYS[1]) == ARGV[1] then
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
	return g.hold(ctx, u, nil)
}

// hold is Hold; with a Unit, the first try also makes the preloads' reads
// and keeps what they read in it.
func (g *Gate) hold(ctx context.Context, u bot.Update, un *Unit) (token string, dup bool, err error) {
	token = newToken()
	keys := []string{g.leaseKey(u.ChatID)}
	for _, k := range g.opt.Clear {
		keys = append(keys, k(u.ChatID))
	}
	deadline := time.Now().Add(g.opt.Wait)
	pause := 10 * time.Millisecond
	for {
		held, seen, err := g.try(ctx, u, keys, token, un)
		un = nil // reads are made once: a chat held elsewhere changes meanwhile
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

// try takes the lease and reads the update's mark in one pipeline, with
// the preloads' reads when un is given; the mark and the reads count only
// if the lease was taken.
func (g *Gate) try(ctx context.Context, u bot.Update, keys []string, token string, un *Unit) (held, seen bool, err error) {
	var acq *redis.Cmd
	var mark *redis.IntCmd
	var keeps []func(*Unit, bool)
	err = g.pipelined(ctx, func(pipe redis.Pipeliner) {
		acq = acquire.EvalSha(ctx, pipe, keys, token, g.opt.Lease.Milliseconds())
		if u.ID != 0 {
			mark = pipe.Exists(ctx, g.seenKey(u))
		}
		if un == nil {
			return
		}
		keeps = keeps[:0]
		for _, p := range g.preloads {
			if keep := p(ctx, pipe, u); keep != nil {
				keeps = append(keeps, keep)
			}
		}
	})
	// The gate's own commands decide; a preload's failure is its own
	// (it keeps nothing, and its feature reads again, and sees it).
	if acq == nil {
		return false, false, err
	}
	if err := acq.Err(); err != nil {
		return false, false, err
	}
	if mark != nil && mark.Err() != nil {
		return false, false, mark.Err()
	}
	held = acq.Val() == int64(1)
	seen = mark != nil && mark.Val() == 1
	for _, keep := range keeps {
		keep(un, held && !seen)
	}
	return held, seen, nil
}

// pipelined runs fill's commands in one round trip. Scripts go by their
// SHA1 (not their whole text each time); after a Redis restart or
// failover forgot them, they are loaded again and the pipeline retried.
func (g *Gate) pipelined(ctx context.Context, fill func(redis.Pipeliner)) error {
	for attempt := 0; ; attempt++ {
		pipe := g.rdb.Pipeline()
		fill(pipe)
		cmds, err := pipe.Exec(ctx)
		if attempt > 0 || !noScript(cmds) {
			return err
		}
		for _, s := range g.scripts {
			if err := s.Load(ctx, g.rdb).Err(); err != nil {
				return err
			}
		}
	}
}

// noScript reports whether a command of a pipeline failed because Redis
// did not know its script.
func noScript(cmds []redis.Cmder) bool {
	for _, c := range cmds {
		if err := c.Err(); err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
			return true
		}
	}
	return false
}

// Done marks the update handled when handled is true, then frees the
// chat.
func (g *Gate) Done(ctx context.Context, u bot.Update, token string, handled bool) error {
	return g.done(ctx, u, token, handled, nil)
}

// done is Done; when handled, un's deferred writes go in the same
// pipeline, before the mark: the update's state and its "handled" mark
// are written together. A write that fails its check (a session changed
// while the chat was held: the lease was lost) is returned as an error;
// the update stays marked, its replies having gone out.
func (g *Gate) done(ctx context.Context, u bot.Update, token string, handled bool, un *Unit) error {
	var checks []func() error
	var mark *redis.StatusCmd
	var rel *redis.Cmd
	err := g.pipelined(ctx, func(pipe redis.Pipeliner) {
		checks, mark = nil, nil
		if handled && un != nil {
			checks = un.queue(ctx, pipe)
		}
		if handled && u.ID != 0 {
			mark = pipe.Set(ctx, g.seenKey(u), "1", SeenTTL)
		}
		rel = release.EvalSha(ctx, pipe, []string{g.leaseKey(u.ChatID)}, token)
	})
	switch {
	case rel == nil:
		return fmt.Errorf("release chat: %w", err)
	case mark != nil && mark.Err() != nil:
		return fmt.Errorf("mark update handled: %w", mark.Err())
	case rel.Err() != nil:
		return fmt.Errorf("release chat: %w", rel.Err())
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return fmt.Errorf("write held back to the end of the update: %w", err)
		}
	}
	return nil
}

// Forget erases the chat's keys for /forget: the keys in Clear, and its
// entry in the index of chats with an inbox. Handled-update marks do not
// name the chat; its lease and inbox are the update's own working keys,
// which the update's last round trip deletes (an inbox holds only
// updates not handled yet). It names nothing erased: these are working
// keys, not what the person told the bot.
func (g *Gate) Forget(ctx context.Context, chatID int64) ([]string, error) {
	var keys []string
	for _, k := range g.opt.Clear {
		keys = append(keys, k(chatID))
	}
	_, err := g.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		if len(keys) > 0 {
			pipe.Del(ctx, keys...)
		}
		pipe.ZRem(ctx, g.pendingKey(), chatID)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("forget chat keys: %w", err)
	}
	return nil, nil
}

// keep renews the lease while an update runs, until stop is called. A
// timer, not a goroutine: most updates end long before the first renewal.
func (g *Gate) keep(ctx context.Context, chatID int64, token string) (stop func()) {
	ctx = context.WithoutCancel(ctx)
	every := g.opt.Lease / 3
	var mu sync.Mutex
	stopped := false
	var t *time.Timer
	// The timer is assigned under mu: its first firing may read it.
	mu.Lock()
	defer mu.Unlock()
	t = time.AfterFunc(every, func() {
		if err := renew.Run(ctx, g.rdb, []string{g.leaseKey(chatID)}, token, g.opt.Lease.Milliseconds()).Err(); err != nil {
			g.opt.Logger.Warn("renew chat lease", "chat", bot.ChatHash(chatID), "err", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if !stopped {
			t.Reset(every)
		}
	})
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		t.Stop()
	}
}

// Middleware runs each update under its chat's lease, once, with a Unit
// in its context: the preloads' reads made in the round trip that takes
// the chat, the deferred writes sent in the one that frees it. An update
// that failed for a passing reason (Redis, the lease) is not marked
// handled, its deferred writes are dropped, and its error wraps ErrRetry;
// any other failure is final, so a poisoned update cannot block its chat
// for ever.
func (g *Gate) Middleware(_ *bot.Bot, next bot.Handler) bot.Handler {
	return func(ctx context.Context, u bot.Update) error {
		if u.ChatID == 0 {
			return next(ctx, u)
		}
		// Every Redis request made for the update carries its Unit, the
		// gate's own included: a hook can tell them from background work.
		un := newUnit(u.ChatID)
		ctx = un.with(ctx)
		token, dup, err := g.hold(ctx, u, un)
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
		if err := g.done(context.WithoutCancel(ctx), u, token, !retry, un); err != nil {
			g.opt.Logger.Error("release chat", "chat", bot.ChatHash(u.ChatID), "update_id", u.ID, "err", err)
			if herr == nil && Transient(err) {
				// Neither the state nor the mark may have been written:
				// the update is handled again.
				herr = err
				retry = true
			}
		}
		if retry {
			return fmt.Errorf("%w: %w", ErrRetry, herr)
		}
		return herr
	}
}

// Transient reports whether an error may pass if the update is handled
// again: Redis or the network failing, a timeout, the Bot API failing
// (a reply not delivered: the session must not move past it), the
// process stopping before it could send.
func Transient(err error) bool {
	var netErr net.Error
	var redisErr redis.Error
	var sendErr *bot.RetryError
	switch {
	case errors.Is(err, ErrBusy), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, ErrStopping), errors.Is(err, bot.ErrStopped), errors.As(err, &sendErr):
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
