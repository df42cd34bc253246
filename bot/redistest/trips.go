package redistest

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Trips is a go-redis hook that calls Trip once per request a client
// sends to Redis: a command, or a whole pipeline with its commands (one
// round trip). Tests and benchmarks count round trips with it.
type Trips struct {
	Trip func(ctx context.Context, cmds []redis.Cmder)
}

// DialHook implements redis.Hook.
func (Trips) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessHook implements redis.Hook.
func (h Trips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.Trip(ctx, []redis.Cmder{cmd})
		return next(ctx, cmd)
	}
}

// ProcessPipelineHook implements redis.Hook.
func (h Trips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.Trip(ctx, cmds)
		return next(ctx, cmds)
	}
}
