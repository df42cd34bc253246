package intake

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
)

// claimState is what reading a chat's inbox found.
type claimState int

const (
	claimHead  claimState = iota // the head, the chat held, its reads made
	claimEmpty                   // nothing left; the chat freed
	claimBusy                    // the chat is held elsewhere
	claimOther                   // the head is not the update expected: read again for it
)

// claim takes (or keeps) the chat and reads its inbox's head in one
// round trip, with the reads of the update this process expects there
// (the next it admitted): they hold only if the head is that update.
//
// While the chat is held elsewhere its reads are not made (they would
// count the update again, for the rate limit, at every look): once the
// chat is taken, it is read again with them.
func (in *Inbox) claim(r *chatRun) (*ready, claimState, error) {
	hint, hinted, un := in.hint(r)
	reads := hinted && !r.busy
	ctx := un.with(context.Background())
	var cl *redis.Cmd
	var mark *redis.IntCmd
	var keeps []func(*Unit, bool)
	err := in.g.pipelined(ctx, func(pipe redis.Pipeliner) {
		cl = claimScript.EvalSha(ctx, pipe, []string{in.g.inboxKey(r.chat), in.g.leaseKey(r.chat)}, r.token, in.g.opt.Lease.Milliseconds())
		keeps, mark = keeps[:0], nil
		if !reads {
			return
		}
		mark = pipe.Exists(ctx, in.g.seenKey(hint))
		for _, p := range in.g.preloads {
			if keep := p(ctx, pipe, hint); keep != nil {
				keeps = append(keeps, keep)
			}
		}
	})
	keepAll := func(held bool) {
		for _, keep := range keeps {
			keep(un, held)
		}
	}
	if cl == nil {
		return nil, 0, err
	}
	if err := firstErr(cl, mark); err != nil {
		return nil, 0, err
	}
	vals, _ := cl.Slice()
	code, _ := vals[0].(int64)
	switch code {
	case -1:
		r.held, r.busy = false, true
		keepAll(false)
		return nil, claimBusy, nil
	case 0:
		r.held, r.busy = false, false
		keepAll(false)
		return nil, claimEmpty, nil
	}
	r.held = true
	if hinted && !reads {
		r.busy = false
		return nil, claimOther, nil // taken: read again, with the reads
	}
	raw, _ := vals[1].(string)
	head, err := decode(raw)
	if err != nil {
		// Written by encode only; dropped rather than blocking the chat.
		in.g.opt.Logger.Error("drop unreadable inbox entry", "chat", bot.ChatHash(r.chat), "err", err)
		prefix, _, _ := strings.Cut(raw, " ")
		id, _ := strconv.ParseInt(prefix, 10, 64)
		return &ready{u: bot.Update{ID: id, ChatID: r.chat}, un: un, seen: true}, claimHead, nil
	}
	if !hinted || head.ID != hint.ID {
		keepAll(false)
		in.expect(r, head)
		return nil, claimOther, nil
	}
	seen := mark.Val() == 1
	keepAll(!seen)
	in.uncount(r, head.ID)
	return &ready{u: head, un: un, seen: seen}, claimHead, nil
}

// hint returns the update expected at the head of the chat's inbox, and
// the Unit to read it in: its admission's, if that counted it already.
func (in *Inbox) hint(r *chatRun) (bot.Update, bool, *Unit) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(r.hints) == 0 {
		return bot.Update{}, false, newUnit(r.chat)
	}
	h := r.hints[0]
	if un, ok := r.counted[h.ID]; ok {
		return h, true, un
	}
	return h, true, newUnit(r.chat)
}

// uncount forgets an admission's Unit once its update is read for
// handling: an attempt after a passing failure starts afresh.
func (in *Inbox) uncount(r *chatRun, id int64) {
	in.mu.Lock()
	defer in.mu.Unlock()
	delete(r.counted, id)
}

// expect puts head first among the hints: updates admitted here before
// it were handled elsewhere (an inbox is in the order of update IDs).
func (in *Inbox) expect(r *chatRun, head bot.Update) {
	in.mu.Lock()
	defer in.mu.Unlock()
	kept := r.hints[:0]
	for _, h := range r.hints {
		if h.ID > head.ID {
			kept = append(kept, h)
		}
	}
	in.waiting.Add(int64(len(kept) + 1 - len(r.hints)))
	r.hints = append([]bot.Update{head}, kept...)
}

// dropHint forgets a handled update.
func (in *Inbox) dropHint(r *chatRun, id int64) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for i, h := range r.hints {
		if h.ID == id {
			r.hints = append(r.hints[:i], r.hints[i+1:]...)
			in.waiting.Add(-1)
			return
		}
	}
}

// work handles the head update and closes it: its state, its "handled"
// mark and its removal from the inbox in one round trip. It returns how
// many updates are left (0: the chat was freed), or an error when the
// update must be tried again: it then stays at the head, its state
// unwritten, and the chat is freed.
func (in *Inbox) work(r *chatRun, rd *ready) (left int64, err error) {
	ctx := rd.un.with(context.Background())
	var herr error
	if rd.seen {
		in.g.opt.Duplicate()
	} else {
		herr = in.handleOne(ctx, r, rd.u)
	}
	retry := herr != nil && Transient(herr)
	left, ferr := in.finish(ctx, r, rd, !retry)
	switch {
	case ferr != nil && Transient(ferr):
		return 0, ferr // nothing was written, or the mark drops it next time
	case ferr != nil:
		in.g.opt.Logger.Error("release chat", "chat", bot.ChatHash(r.chat), "update_id", rd.u.ID, "err", ferr)
	}
	if retry {
		return 0, herr
	}
	if herr != nil {
		// Final: a poisoned update must not block its chat for ever.
		in.g.opt.Logger.Error("handle update", "update_id", rd.u.ID, "chat", bot.ChatHash(r.chat), "err", herr)
	}
	in.dropHint(r, rd.u.ID)
	return left, nil
}

// handleOne runs the handler in one of the Workers slots, the chat's
// lease renewed meanwhile (and while waiting for a slot).
func (in *Inbox) handleOne(ctx context.Context, r *chatRun, u bot.Update) error {
	stop := in.g.keep(ctx, r.chat, r.token)
	defer stop()
	select {
	case in.slots <- struct{}{}:
	case <-in.stop:
		return ErrStopping
	}
	defer func() { <-in.slots }()
	return in.handle(ctx, u)
}

// finish writes what the update held back and its mark (when handled),
// pops it and frees or keeps the chat, in one pipeline.
func (in *Inbox) finish(ctx context.Context, r *chatRun, rd *ready, handled bool) (int64, error) {
	var checks []func() error
	var mark *redis.StatusCmd
	var fin *redis.Cmd
	pop := "0"
	if handled {
		pop = "1"
	}
	err := in.g.pipelined(ctx, func(pipe redis.Pipeliner) {
		checks, mark = nil, nil
		if handled {
			checks = rd.un.queue(ctx, pipe)
			mark = pipe.Set(ctx, in.g.seenKey(rd.u), "1", SeenTTL)
		}
		fin = finishScript.EvalSha(ctx, pipe, []string{in.g.inboxKey(r.chat), in.g.leaseKey(r.chat)},
			idPrefix(rd.u.ID), r.token, in.g.opt.Lease.Milliseconds(), pop)
	})
	switch {
	case fin == nil:
		return 0, fmt.Errorf("close update: %w", err)
	case mark != nil && mark.Err() != nil:
		return 0, fmt.Errorf("mark update handled: %w", mark.Err())
	case fin.Err() != nil:
		return 0, fmt.Errorf("close update: %w", fin.Err())
	}
	left, _ := fin.Int64()
	r.held = handled && left > 0
	for _, check := range checks {
		if err := check(); err != nil {
			return left, fmt.Errorf("write held back to the end of the update: %w", err)
		}
	}
	if left < 0 {
		return left, fmt.Errorf("close update: %w", ErrLeaseLost)
	}
	return left, nil
}

// sweepLoop looks for inboxes nobody works on, at once and then every
// Sweep: those a process left when it died or stopped.
func (in *Inbox) sweepLoop() {
	defer in.wg.Done()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-in.stop:
			return
		case <-t.C:
		}
		if err := in.sweep(); err != nil {
			in.g.opt.Logger.Warn("look for inboxes left behind", "err", err)
		}
		t.Reset(in.opt.Sweep)
	}
}

// sweepBatch bounds the chats one sweep looks at.
const sweepBatch = 256

// sweep starts a run for every indexed chat not admitted for a Sweep
// whose inbox holds updates, and drops the others from the index.
func (in *Inbox) sweep() error {
	ctx, cancel := context.WithTimeout(context.Background(), max(in.opt.Sweep, time.Second))
	defer cancel()
	cutoff := in.opt.Now().Add(-in.opt.Sweep).UnixMilli()
	zs, err := in.g.rdb.ZRangeByScoreWithScores(ctx, in.g.pendingKey(), &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(cutoff, 10), Count: sweepBatch,
	}).Result()
	if err != nil || len(zs) == 0 {
		return err
	}
	chats := make([]int64, len(zs))
	lens := make([]*redis.IntCmd, len(zs))
	_, err = in.g.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for i, z := range zs {
			chats[i], _ = strconv.ParseInt(fmt.Sprint(z.Member), 10, 64)
			lens[i] = pipe.LLen(ctx, in.g.inboxKey(chats[i]))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return in.g.pipelined(ctx, func(pipe redis.Pipeliner) {
		for i, z := range zs {
			switch {
			case chats[i] == 0:
			case lens[i].Val() > 0:
				in.wake(chats[i])
			default:
				zremIf.EvalSha(ctx, pipe, []string{in.g.pendingKey()}, z.Member, strconv.FormatFloat(z.Score, 'f', -1, 64))
			}
		}
	})
}

// wake starts a run for a chat nobody here works on.
func (in *Inbox) wake(chat int64) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if _, ok := in.chats[chat]; ok || in.closed {
		return
	}
	r := &chatRun{chat: chat, token: newToken()}
	in.chats[chat] = r
	in.wg.Add(1)
	go in.run(r)
}

// firstErr returns the first error of the commands given; a nil *IntCmd
// (a command not queued) is skipped.
func firstErr(cmds ...redis.Cmder) error {
	for _, c := range cmds {
		if c == nil {
			continue
		}
		if ic, ok := c.(*redis.IntCmd); ok && ic == nil {
			continue
		}
		if err := c.Err(); err != nil {
			return err
		}
	}
	return nil
}
