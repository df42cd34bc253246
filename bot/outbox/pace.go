package outbox

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/anefbot/anefbot/bot"
)

// pick removes and returns the message to send now, or says how long to
// wait before one may leave. Interactive messages are looked at first. A
// chat with a send in flight, or whose earlier message must wait, holds
// back its later ones, so one chat's messages keep their order.
func (o *Outbox) pick(now time.Time) (*job, time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if d := later(now, o.paused, o.nextAt); d > 0 {
		return nil, d
	}
	if o.inFlight >= o.opt.Parallel {
		return nil, 0 // a finishing send wakes the loop
	}
	var wait time.Duration
	held := map[int64]bool{}
	for lane := range o.lanes {
		for i, j := range o.lanes[lane] {
			id := j.out.ChatID
			if held[id] {
				continue
			}
			c := o.chat(id, now)
			if c.busy {
				held[id] = true
				continue
			}
			d := max(j.notBefore.Sub(now), c.readyIn(o.opt.ChatRate))
			if d <= 0 {
				o.lanes[lane] = append(o.lanes[lane][:i], o.lanes[lane][i+1:]...)
				o.take(c, now)
				return j, 0
			}
			held[id] = true
			if wait == 0 || d < wait {
				wait = d
			}
		}
	}
	o.prune(now)
	return nil, wait
}

func later(now time.Time, ts ...time.Time) time.Duration {
	var d time.Duration
	for _, t := range ts {
		d = max(d, t.Sub(now))
	}
	return d
}

// chat returns the chat's bucket, refilled up to now.
func (o *Outbox) chat(id int64, now time.Time) *chat {
	c, ok := o.chats[id]
	if !ok {
		c = &chat{tokens: float64(o.opt.ChatBurst), at: now}
		o.chats[id] = c
	}
	c.tokens = min(float64(o.opt.ChatBurst), c.tokens+now.Sub(c.at).Seconds()*o.opt.ChatRate)
	c.at = now
	return c
}

func (c *chat) readyIn(rate float64) time.Duration {
	if c.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - c.tokens) / rate * float64(time.Second))
}

// take spends one message of the chat's bucket and of the overall
// spacing, and marks the chat busy until the send returns.
func (o *Outbox) take(c *chat, now time.Time) {
	c.tokens--
	c.busy = true
	o.inFlight++
	// Rounded up, so Rate sends never fit in less than a second.
	o.nextAt = now.Add(time.Duration(math.Ceil(float64(time.Second) / o.opt.Rate)))
}

// prune forgets chats whose bucket is full again and have nothing in
// flight, so memory follows the active chats only.
func (o *Outbox) prune(now time.Time) {
	if len(o.chats) < 1024 {
		return
	}
	for id, c := range o.chats {
		full := c.tokens+now.Sub(c.at).Seconds()*o.opt.ChatRate >= float64(o.opt.ChatBurst)
		if !c.busy && full {
			delete(o.chats, id)
		}
	}
}

// send makes one try and settles the job: done, or back at the head of
// its lane to be tried again.
func (o *Outbox) send(j *job) {
	err := o.next.Send(context.Background(), j.out)
	j.attempts++
	now := time.Now()
	final, result := o.settle(j, err, now)
	o.opt.Observe(result)
	o.mu.Lock()
	o.chats[j.out.ChatID].busy = false
	o.inFlight--
	if !final {
		lane := interactive
		if j.out.Background {
			lane = background
		}
		o.lanes[lane] = append([]*job{j}, o.lanes[lane]...)
	}
	waiting := len(o.lanes[interactive])+len(o.lanes[background]) > 0
	o.mu.Unlock()
	if final {
		o.finish(j, err, result)
	}
	if waiting {
		o.poke() // the chat, or a place in flight, is free for the next
	}
}

// settle decides what a try's error means: final or not, and its result.
func (o *Outbox) settle(j *job, err error, now time.Time) (final bool, result string) {
	var retry *bot.RetryError
	switch {
	case err == nil:
		return true, ResultSent
	case errors.Is(err, bot.ErrUnreachable):
		return true, ResultUnreachable
	case !errors.As(err, &retry):
		return true, ResultRejected
	case retry.RetryAfter > 0:
		// Telegram's flood wait holds for the whole bot: nothing leaves
		// before it ends. It does not count as a failed attempt.
		j.attempts--
		o.mu.Lock()
		if until := now.Add(retry.RetryAfter); until.After(o.paused) {
			o.paused = until
		}
		o.mu.Unlock()
		o.opt.Logger.Warn("flood wait", "retry_after", retry.RetryAfter)
		return false, ResultRetry
	case j.attempts >= o.opt.MaxAttempts:
		return true, ResultFailed
	default:
		j.notBefore = now.Add(o.backoff(j.attempts))
		return false, ResultRetry
	}
}

func (o *Outbox) backoff(attempts int) time.Duration {
	d := o.opt.MinBackoff << min(attempts-1, 16)
	return min(d, o.opt.MaxBackoff)
}

func (o *Outbox) finish(j *job, err error, result string) {
	// The answer to /forget leaves no mark: the person's data is gone and
	// nothing may bring a key about them back.
	if result == ResultUnreachable && o.opt.Marker != nil && !j.out.Erased {
		if merr := o.opt.Marker.Mark(context.Background(), j.out.ChatID); merr != nil {
			o.opt.Logger.Error("record unreachable chat", "chat", bot.ChatHash(j.out.ChatID), "err", merr)
		}
	}
	if err != nil {
		o.opt.Logger.Warn("send failed", "chat", bot.ChatHash(j.out.ChatID), "result", result, "attempts", j.attempts, "err", err)
	}
	j.result <- err
}
