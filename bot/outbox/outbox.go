package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/anefbot/anefbot/bot"
)

// ErrClosed is returned for messages still queued when Close gives up;
// it is a bot.ErrStopped: the update that sent them is handled again.
var ErrClosed = fmt.Errorf("outbox closed: %w", bot.ErrStopped)

// Results a send ends with, as reported to Options.Observe.
const (
	ResultSent        = "sent"
	ResultRetry       = "retry"       // a failed try that will be tried again
	ResultUnreachable = "unreachable" // blocked by the person, or chat gone
	ResultRejected    = "rejected"    // Telegram refused the request
	ResultFailed      = "failed"      // retries exhausted, or closed
	ResultDropped     = "dropped"     // background message to an unreachable chat
)

// Marker records unreachable chats (a *Book).
type Marker interface {
	Mark(ctx context.Context, chatID int64) error
	Unreachable(ctx context.Context, chatID int64) (bool, error)
}

// Options tune an Outbox; zero values take the defaults.
type Options struct {
	Rate        float64       // messages per second overall; default 30
	ChatRate    float64       // messages per second per chat, sustained; default 1
	ChatBurst   int           // messages a quiet chat may get at once; default 3
	MaxAttempts int           // tries for 5xx and network errors; default 8
	MinBackoff  time.Duration // first backoff; default 1s
	MaxBackoff  time.Duration // backoff cap; default 1m
	Parallel    int           // sends in flight at once; default 8
	Marker      Marker        // nil: unreachable chats are not recorded
	// Observe is told the result of every try (metrics); may be nil.
	Observe func(result string)
	Logger  *slog.Logger
}

func (o *Options) defaults() {
	if o.Rate <= 0 {
		o.Rate = 30
	}
	if o.ChatRate <= 0 {
		o.ChatRate = 1
	}
	if o.ChatBurst <= 0 {
		o.ChatBurst = 3
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Minute
	}
	if o.Parallel <= 0 {
		o.Parallel = 8
	}
	if o.Observe == nil {
		o.Observe = func(string) {}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

const (
	interactive = 0
	background  = 1
)

type job struct {
	out       bot.Out
	notBefore time.Time
	attempts  int
	result    chan error
}

// chat is one chat's token bucket and whether a send to it is in flight.
type chat struct {
	tokens float64
	at     time.Time
	busy   bool
}

// Outbox is a bot.Sender that paces, orders and retries. Safe for
// concurrent use.
type Outbox struct {
	next bot.Sender
	opt  Options

	mu       sync.Mutex
	lanes    [2][]*job
	chats    map[int64]*chat
	inFlight int
	nextAt   time.Time // earliest next send overall (spacing)
	paused   time.Time // no send before this (429)
	closed   bool
	wake     chan struct{}
	stop     chan struct{}
	done     chan struct{}
}

// New starts an outbox in front of next; Close stops it.
func New(next bot.Sender, opt Options) *Outbox {
	opt.defaults()
	o := &Outbox{
		next: next, opt: opt, chats: map[int64]*chat{},
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
	}
	go o.run()
	return o
}

// Send implements bot.Sender: it queues m (cut in parts if too long) and
// returns once every part is accepted, or with the first failure. A
// background message to a chat marked unreachable is dropped with
// bot.ErrUnreachable. A part that may leave at once is sent from the
// caller's goroutine; otherwise, if ctx ends first, Send returns and the
// message stays queued and is still sent.
func (o *Outbox) Send(ctx context.Context, m bot.Out) error {
	if m.Background && o.opt.Marker != nil {
		if gone, err := o.opt.Marker.Unreachable(ctx, m.ChatID); err == nil && gone {
			o.opt.Observe(ResultDropped)
			return bot.ErrUnreachable
		}
	}
	for _, part := range Split(m) {
		j := &job{out: part, result: make(chan error, 1)}
		if o.direct(j, time.Now()) {
			o.send(j)
		} else if err := o.enqueue(j); err != nil {
			return err
		}
		select {
		case err := <-j.result:
			if err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Ack implements bot.Sender; acknowledgements are not messages and go
// straight through.
func (o *Outbox) Ack(ctx context.Context, callbackID string) error {
	return o.next.Ack(ctx, callbackID)
}

// Len returns how many messages wait in each lane.
func (o *Outbox) Len() (interactive, background int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.lanes[0]), len(o.lanes[1])
}

func (o *Outbox) enqueue(j *job) error {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return ErrClosed
	}
	lane := interactive
	if j.out.Background {
		lane = background
	}
	o.lanes[lane] = append(o.lanes[lane], j)
	o.mu.Unlock()
	o.poke()
	return nil
}

// direct reports whether j may leave at once from the caller's own
// goroutine: nothing waits (so nothing is overtaken, in its chat or its
// lane), and the pacing allows it now. It then counts the send as
// picked. A busy bot's replies skip two hand-offs between goroutines
// this way; everything else goes through the queue.
func (o *Outbox) direct(j *job, now time.Time) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed || len(o.lanes[interactive])+len(o.lanes[background]) > 0 ||
		later(now, o.paused, o.nextAt) > 0 || o.inFlight >= o.opt.Parallel {
		return false
	}
	c := o.chat(j.out.ChatID, now)
	if c.busy || c.readyIn(o.opt.ChatRate) > 0 {
		return false
	}
	o.take(c, now)
	return true
}

func (o *Outbox) poke() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Close stops taking messages and waits until the queued ones are sent,
// or ctx ends: those still queued then fail with ErrClosed.
func (o *Outbox) Close(ctx context.Context) error {
	o.mu.Lock()
	o.closed = true
	o.mu.Unlock()
	o.poke()
	var err error
wait:
	for !o.drained() {
		select {
		case <-ctx.Done():
			err = ctx.Err()
			break wait
		case <-time.After(10 * time.Millisecond):
		}
	}
	close(o.stop)
	<-o.done
	o.failQueued()
	return err
}

func (o *Outbox) drained() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.lanes[0])+len(o.lanes[1])+o.inFlight == 0
}

func (o *Outbox) failQueued() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range o.lanes {
		for _, j := range o.lanes[i] {
			o.opt.Observe(ResultFailed)
			j.result <- ErrClosed
		}
		o.lanes[i] = nil
	}
}

// run picks the next message whenever one may leave, and sends it on its
// own goroutine so a slow call does not hold the others back.
func (o *Outbox) run() {
	defer close(o.done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		j, wait := o.pick(time.Now())
		if j != nil {
			go o.send(j)
			continue
		}
		if wait <= 0 {
			wait = time.Hour
		}
		timer.Reset(wait)
		select {
		case <-o.stop:
			return
		case <-o.wake:
		case <-timer.C:
		}
	}
}
