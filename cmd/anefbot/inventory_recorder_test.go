package main

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// keyWrites sees every command the bot sends to Redis and, after it,
// reads the time to live of each key it named, on a client of its own:
// every key the bot touches is recorded with the longest TTL it was seen
// with (-1: none).
type keyWrites struct {
	side   redis.UniversalClient // the test's client, outside the hook
	prefix string
	mu     sync.Mutex
	seenAs map[string]keyLife
}

// keyLife is what was seen of one key: its longest time to live (-1 when
// it was once seen without one), the latest instant it was ever set to
// expire at, and the instant it expired at when last seen.
type keyLife struct {
	TTL     time.Duration
	Expires time.Time
	Latest  time.Time
}

func newKeyWrites(side redis.UniversalClient, prefix string) *keyWrites {
	return &keyWrites{side: side, prefix: prefix, seenAs: map[string]keyLife{}}
}

func (k *keyWrites) DialHook(next redis.DialHook) redis.DialHook { return next }

func (k *keyWrites) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		k.observe(ctx, []redis.Cmder{cmd})
		return err
	}
}

func (k *keyWrites) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		k.observe(ctx, cmds)
		return err
	}
}

var _ redis.Hook = (*keyWrites)(nil)

// observe records the TTL of every key the commands named that exists.
func (k *keyWrites) observe(ctx context.Context, cmds []redis.Cmder) {
	var keys []string
	for _, c := range cmds {
		for _, key := range keysOf(c.Args()) {
			if strings.HasPrefix(key, k.prefix) {
				keys = append(keys, key)
			}
		}
	}
	if len(keys) == 0 {
		return
	}
	ctx = context.WithoutCancel(ctx)
	pipe := k.side.Pipeline()
	ttls := make([]*redis.DurationCmd, len(keys))
	for i, key := range keys {
		ttls[i] = pipe.PTTL(ctx, key)
	}
	pipe.Exec(ctx) //nolint:errcheck // each command's error is read below
	now := time.Now()
	k.mu.Lock()
	defer k.mu.Unlock()
	for i, key := range keys {
		d, err := ttls[i].Result()
		if err != nil || d == -2 {
			continue // gone already (deleted in the same pipeline)
		}
		old, ok := k.seenAs[key]
		switch {
		case d < 0:
			old.TTL = -1
		case !ok || old.TTL != -1 && d > old.TTL:
			old.TTL = d
		}
		old.Latest = time.Time{}
		if d >= 0 {
			old.Latest = now.Add(d)
		}
		if old.Latest.After(old.Expires) {
			old.Expires = old.Latest
		}
		k.seenAs[key] = old
	}
}

// scan records every key of the prefix there is now, with its TTL: a key
// a script found by itself would be caught here.
func (k *keyWrites) scan(ctx context.Context) error {
	iter := k.side.Scan(ctx, 0, k.prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return err
	}
	var cmds []redis.Cmder
	for _, key := range keys {
		cmds = append(cmds, redis.NewCmd(ctx, "exists", key))
	}
	k.observe(ctx, cmds)
	return nil
}

// seen returns a copy of what was recorded.
func (k *keyWrites) seen() map[string]keyLife {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make(map[string]keyLife, len(k.seenAs))
	for key, l := range k.seenAs {
		out[key] = l
	}
	return out
}

// keysOf returns the keys a command names, for the commands the bot
// uses: scripts name theirs after the number of keys; a few commands
// name several; most name one, first.
func keysOf(args []any) []string {
	if len(args) < 2 {
		return nil
	}
	name := strings.ToLower(str(args[0]))
	switch name {
	case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro":
		if len(args) < 3 {
			return nil
		}
		n, err := strconv.Atoi(str(args[2]))
		if err != nil || 3+n > len(args) {
			return nil
		}
		var out []string
		for _, a := range args[3 : 3+n] {
			out = append(out, str(a))
		}
		return out
	case "del", "unlink", "exists", "mget", "touch", "watch":
		var out []string
		for _, a := range args[1:] {
			out = append(out, str(a))
		}
		return out
	case "mset", "msetnx":
		var out []string
		for i := 1; i < len(args); i += 2 {
			out = append(out, str(args[i]))
		}
		return out
	case "script", "ping", "info", "client", "hello", "select", "auth", "command", "config", "cluster", "scan", "time", "flushdb", "dbsize":
		return nil
	}
	return []string{str(args[1])}
}

func str(a any) string {
	switch v := a.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return ""
}
