package reminders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
)

// claimScript hands the due members of the schedule to one caller: it
// moves each one's score to the end of the lease, so no other replica
// sees it as due until then. If the caller dies, the lease runs out and
// another claims it again. O(log n) per member.
// KEYS[1] schedule; ARGV[1] now ms, ARGV[2] lease end ms, ARGV[3] limit.
var claimScript = redis.NewScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, m in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], m) end
return due
`)

// sentScript records a reminder as sent, once: it removes the pending
// record only if it is still this reminder, and keeps a copy for the
// reminder's buttons. Returns 0 if the reminder was no longer pending.
// KEYS[1] chat hash; ARGV[1] pending field, ARGV[2] id, ARGV[3] sent field.
var sentScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v or string.sub(v, 1, #ARGV[2] + 1) ~= ARGV[2] .. '\n' then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[3], v)
return 1
`)

// Claim is one due reminder handed to this scheduler until Until.
type Claim struct {
	Chat  int64
	ID    string
	Until int64 // lease end, ms: the claim's score
}

// Claim takes up to limit reminders due at now, for lease.
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Claim, error) {
	until := now.Add(lease).UnixMilli()
	ms, err := claimScript.Run(ctx, s.rdb, []string{s.dueKey()},
		now.UnixMilli(), until, limit).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	out := make([]Claim, 0, len(ms))
	for _, m := range ms {
		chat, id, ok := parseMember(m)
		if !ok {
			s.rdb.ZRem(ctx, s.dueKey(), m) // not ours: never claim it again
			continue
		}
		out = append(out, Claim{Chat: chat, ID: id, Until: until})
	}
	return out, nil
}

// pendingOf is what Pending found for one claim.
type pendingOf struct {
	item Item
	lang string
	ok   bool // still pending: not sent, cancelled, moved or forgotten
}

// Pending reads the claimed reminders that are still pending, with their
// chats' languages, in one round trip.
func (s *Store) Pending(ctx context.Context, claims []Claim) ([]pendingOf, error) {
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.SliceCmd, len(claims))
	for i, c := range claims {
		cmds[i] = pipe.HMGet(ctx, s.chatKey(c.Chat), "p:"+kindOf(c.ID), "lang")
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read reminders: %w", err)
	}
	out := make([]pendingOf, len(claims))
	for i, cmd := range cmds {
		vals := cmd.Val()
		if len(vals) != 2 {
			continue
		}
		v, _ := vals[0].(string)
		lang, _ := vals[1].(string)
		it, err := decodeItem(kindOf(claims[i].ID), v)
		out[i] = pendingOf{item: it, lang: lang, ok: v != "" && err == nil && it.ID == claims[i].ID}
	}
	return out, nil
}

// Sent records a claimed reminder as delivered and takes it off the
// schedule, in one round trip. Recording it is atomic and happens once:
// a second record of the same reminder changes nothing.
func (s *Store) Sent(ctx context.Context, c Claim) error {
	pipe := s.rdb.Pipeline()
	sentScript.Eval(ctx, pipe, []string{s.chatKey(c.Chat)}, "p:"+kindOf(c.ID), c.ID, "s:"+c.ID)
	pipe.ZRem(ctx, s.dueKey(), member(c.Chat, c.ID))
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("record reminder sent: %w", err)
	}
	return nil
}

// Release takes a claim off the schedule. A member is only ever added
// again with a new ID (a new date), so removing it by name is safe.
func (s *Store) Release(ctx context.Context, c Claim) error {
	return s.rdb.ZRem(ctx, s.dueKey(), member(c.Chat, c.ID)).Err()
}

// Scheduled returns how many reminders wait in the schedule.
func (s *Store) Scheduled(ctx context.Context) (int64, error) {
	return s.rdb.ZCard(ctx, s.dueKey()).Result()
}

// Deliver sends one reminder to a chat in lang.
type Deliver func(ctx context.Context, chat int64, lang string, it Item) error

// Scheduler sends due reminders. Any number may run against one Redis:
// each due reminder is claimed by one of them for a lease; a reminder
// whose claimer died is claimed again after the lease. Safe for concurrent
// use.
type Scheduler struct {
	Store   *Store
	Deliver Deliver
	Clock   bot.Clock
	Log     *slog.Logger
	// Lease is how long a claim holds; a send that takes longer is
	// abandoned at half of it, so two replicas never send at once.
	Lease   time.Duration
	Batch   int // reminders claimed per round
	Workers int // reminders sent at once (default 1)

	due, sent, dropped atomic.Int64
}

// Counters are what the scheduler did since it started.
type Counters struct{ Due, Sent, Dropped int64 }

// Counters returns the scheduler's counters (for metrics).
func (s *Scheduler) Counters() Counters {
	return Counters{Due: s.due.Load(), Sent: s.sent.Load(), Dropped: s.dropped.Load()}
}

// Run sends due reminders every interval until ctx ends.
func (s *Scheduler) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for {
			n, err := s.Tick(ctx)
			if err != nil {
				s.Log.Warn("reminders round", "err", err)
			}
			if err != nil || n < s.Batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Tick claims one batch of due reminders and sends them; it returns how
// many it claimed.
func (s *Scheduler) Tick(ctx context.Context) (int, error) {
	claims, err := s.Store.Claim(ctx, s.Clock(), s.Lease, s.Batch)
	if err != nil || len(claims) == 0 {
		return 0, err
	}
	s.due.Add(int64(len(claims)))
	pending, err := s.Store.Pending(ctx, claims)
	if err != nil {
		return len(claims), err // the claims run out and are tried again
	}
	// Sends run side by side so the outbox can pace them at its own rate
	// rather than at one Telegram round trip each.
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(s.Workers, len(claims))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := s.send(ctx, claims[i], pending[i]); err != nil {
					s.Log.Warn("reminder", "chat", bot.ChatHash(claims[i].Chat), "err", err)
				}
			}
		}()
	}
	for i := range claims {
		work <- i
	}
	close(work)
	wg.Wait()
	return len(claims), nil
}

// send delivers one claimed reminder. A reminder no longer pending is
// just released; an unreachable chat loses all its reminders; a failure
// that may pass leaves the claim to run out, and the reminder is tried
// again after the lease.
func (s *Scheduler) send(ctx context.Context, c Claim, p pendingOf) error {
	if !p.ok {
		return s.Store.Release(ctx, c)
	}
	sctx, cancel := context.WithTimeout(ctx, s.Lease/2)
	err := s.Deliver(sctx, c.Chat, p.lang, p.item)
	cancel()
	switch {
	case err == nil:
		s.sent.Add(1)
		return s.Store.Sent(ctx, c)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		// The outbox keeps a message whose sender stopped waiting and
		// still sends it (bot/outbox): trying again would send it twice.
		s.sent.Add(1)
		return s.Store.Sent(context.WithoutCancel(ctx), c)
	case errors.Is(err, bot.ErrUnreachable):
		s.dropped.Add(1)
		_, derr := s.Store.Drop(ctx, c.Chat)
		return errors.Join(err, derr, s.Store.Release(ctx, c))
	case errors.Is(err, bot.ErrRejected):
		// Never retried (bot.ErrRejected): recorded as sent so it stops.
		return errors.Join(err, s.Store.Sent(ctx, c))
	}
	return fmt.Errorf("deliver %s: %w", strconv.Quote(p.item.Kind), err)
}
