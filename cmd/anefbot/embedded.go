package main

import (
	"context"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// embeddedTick is the finest step in which the embedded store's time
// moves: expiries are exact to it, and a burst of commands costs one
// pass over the keys, not one per command.
const embeddedTick = 100 * time.Millisecond

// embeddedClock makes the embedded store keep time. miniredis has no
// clock of its own: a TTL never runs out unless it is moved forward. So
// before each command the store is brought to the bot's clock (the
// injected one: a test moves it, production reads the wall clock), and
// keys past their TTL are gone when the command runs — the rate-limit
// pause ends, a letter draft expires, as with a real Redis.
type embeddedClock struct {
	mini  *miniredis.Miniredis
	clock func() time.Time
	mu    sync.Mutex
	last  time.Time
}

func newEmbeddedClock(mini *miniredis.Miniredis, clock func() time.Time) *embeddedClock {
	c := &embeddedClock{mini: mini, clock: clock, last: clock()}
	mini.SetTime(c.last)
	return c
}

// sync moves the store's time to the clock's, when it moved by a tick or
// more; a clock going back (a test, a wall-clock step) is ignored.
func (c *embeddedClock) sync() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock()
	if d := now.Sub(c.last); d >= embeddedTick {
		c.mini.FastForward(d)
		c.mini.SetTime(now)
		c.last = now
	}
}

// DialHook implements redis.Hook.
func (c *embeddedClock) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessHook implements redis.Hook.
func (c *embeddedClock) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.sync()
		return next(ctx, cmd)
	}
}

// ProcessPipelineHook implements redis.Hook.
func (c *embeddedClock) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.sync()
		return next(ctx, cmds)
	}
}
