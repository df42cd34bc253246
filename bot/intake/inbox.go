package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
)

// InboxTTL bounds how long an update may wait in a chat's inbox: longer
// than Telegram keeps one (24 hours), so a long outage loses nothing.
const InboxTTL = SeenTTL

// InboxOptions tune an Inbox; zero values take the defaults.
type InboxOptions struct {
	Workers int // updates handled at once, all chats together; default 64
	// MinBackoff and MaxBackoff bound the pause before an update that
	// failed for a passing reason (Redis, the Bot API) is tried again;
	// it is tried for as long as it takes. Defaults 1s and 30s.
	MinBackoff, MaxBackoff time.Duration
	// Sweep is how often inboxes nobody works on (their process died)
	// are looked for; default a third of the lease.
	Sweep time.Duration
	// Now stamps the index of chats with an inbox; default time.Now.
	Now func() time.Time
}

// Inbox is the intake every transport shares: an update is admitted
// (appended to its chat's inbox in Redis, de-duplicated by its ID) before
// the transport confirms it to Telegram, then handled by whichever
// replica holds the chat's lease, in the inbox's order, one at a time,
// while other chats go on. A chat that is slow (its replies paced by the
// outbox), busy or held by a dead replica holds up only itself.
//
// The common case costs the two round trips of the Gate: admission takes
// the chat's lease and makes the update's reads in the pipeline that
// appends it, and the pipeline that saves the update's state pops it and
// frees the chat. An update that finds its chat busy costs one more: it
// is read again when its turn comes.
//
// An update that fails for a passing reason stays at the head of its
// inbox and is tried again after a pause that grows, without end; a
// process that dies leaves its inboxes to the next one (a sweep of the
// index of chats with an inbox, every Sweep). Safe for concurrent use.
type Inbox struct {
	g      *Gate
	handle bot.Handler
	opt    InboxOptions
	slots  chan struct{}

	mu     sync.Mutex
	chats  map[int64]*chatRun
	closed bool

	stop    chan struct{}
	wg      sync.WaitGroup
	waiting atomic.Int64
}

// chatRun is one chat being worked on by this process; its fields are
// guarded by the Inbox's mu.
type chatRun struct {
	chat  int64
	token string
	held  bool   // only read and written by the chat's goroutine
	first *ready // admitted with the chat taken and its reads made
	// hints are the updates admitted here and not yet handled, in order:
	// the next one's reads ride in the round trip that reads the head.
	hints []bot.Update
	// counted holds the Unit of an admission that made an update's reads
	// without taking the chat: counts made then (the rate limit) are not
	// made again when the update's turn comes.
	counted map[int64]*Unit
	// busy: the chat was held elsewhere at the last read; reads wait
	// until it is taken (only read and written by the chat's goroutine).
	busy bool
	// seq counts hints added; inflight the admissions under way. A chat
	// whose inbox looks empty is let go only if neither changed since.
	seq, inflight int
}

// ready is an update at the head of its inbox, its chat held.
type ready struct {
	u    bot.Update
	un   *Unit
	seen bool // handled already: dropped
}

// ErrStopping is returned by Admit once the inbox is closing.
var ErrStopping = errors.New("intake stopping")

// NewInbox returns an Inbox over g's storage that hands updates to
// handle, and starts its sweep. handle must not be the gate's Middleware:
// the inbox holds the chat itself.
func NewInbox(g *Gate, handle bot.Handler, opt InboxOptions) *Inbox {
	if opt.Workers <= 0 {
		opt.Workers = 64
	}
	if opt.MinBackoff <= 0 {
		opt.MinBackoff = time.Second
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = 30 * time.Second
	}
	if opt.Sweep <= 0 {
		opt.Sweep = g.opt.Lease / 3
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	g.scripts = append(g.scripts, admitScript, claimScript, finishScript, zremIf)
	in := &Inbox{
		g: g, handle: handle, opt: opt, slots: make(chan struct{}, opt.Workers),
		chats: map[int64]*chatRun{}, stop: make(chan struct{}),
	}
	in.wg.Add(1)
	go in.sweepLoop()
	return in
}

func (g *Gate) inboxKey(chatID int64) string { return g.tag(chatID) + ":in" }

// WorkingKeys names the keys of a chat the intake needs while an update
// is in progress: its lease and its inbox (updates not handled yet). An
// erasure leaves them; the update's last round trip deletes them.
func (g *Gate) WorkingKeys(chatID int64) []string {
	return []string{g.leaseKey(chatID), g.inboxKey(chatID)}
}

// pendingKey indexes the chats whose inbox may hold updates, scored by
// when the last one was admitted, so that a process that starts finds
// the inboxes a dead one left. It names chats by ID only.
func (g *Gate) pendingKey() string { return g.opt.Prefix + "{in}:chats" }

// Len returns how many updates admitted here wait to be handled.
func (in *Inbox) Len() int { return int(in.waiting.Load()) }

// Admit makes u durable in its chat's inbox and returns; the update is
// handled afterwards, in its chat's order. An error wraps ErrRetry: the
// update was not kept, the transport must not confirm it (long polling
// offers it again, a webhook answers 503). One round trip; when the chat
// was free and u is next, that round trip also takes the chat and makes
// the update's reads.
func (in *Inbox) Admit(ctx context.Context, u bot.Update) error {
	if u.ChatID == 0 {
		return in.handle(ctx, u)
	}
	if u.Kind == bot.Callback && u.Inline != nil {
		// The transport answers as soon as the press is durable: the
		// spinner stops then, and handling it makes no request of its own.
		u.Inline.Take(u.CallbackID)
	}
	r, fresh, err := in.reserve(u.ChatID)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRetry, err)
	}
	un := newUnit(u.ChatID)
	ctx = un.with(ctx)
	token := ""
	if fresh {
		token = r.token
	}
	state, seen, err := in.admit(ctx, u, token, un)
	in.settle(r, fresh, u, err == nil, state, &ready{u: u, un: un, seen: seen})
	if err != nil {
		return fmt.Errorf("%w: admit update: %w", ErrRetry, err)
	}
	return nil
}

// reserve returns the chat's run, or a new one (fresh) that this
// admission will start: only a fresh run's admission tries to take the
// chat, since a running one holds it or will take it.
func (in *Inbox) reserve(chat int64) (r *chatRun, fresh bool, err error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.closed {
		return nil, false, ErrStopping
	}
	r, ok := in.chats[chat]
	if !ok {
		r = &chatRun{chat: chat, token: newToken()}
		in.chats[chat] = r
	}
	r.inflight++
	return r, !ok, nil
}

// Admission results of admitScript.
const (
	admittedBusy  = 0 // the chat is held (elsewhere, or by a run here)
	admittedLater = 1 // chat taken; older updates come first
	admittedFirst = 2 // chat taken; this update is next
)

// settle records an admission in its chat's run and starts the run when
// it is new, or when the run it joined ended meanwhile.
func (in *Inbox) settle(r *chatRun, fresh bool, u bot.Update, ok bool, state int64, rd *ready) {
	in.mu.Lock()
	defer in.mu.Unlock()
	r.inflight--
	alive := in.chats[r.chat] == r
	if ok {
		if !alive {
			// The run ended between reserve and now: a new one takes over.
			r = &chatRun{chat: r.chat, token: newToken()}
			in.chats[r.chat] = r
			fresh, state = true, admittedBusy
			alive = true
		}
		r.hints = append(r.hints, u)
		r.seq++
		in.waiting.Add(1)
		switch {
		case fresh && state == admittedFirst:
			r.first = rd
		case fresh:
			if r.counted == nil {
				r.counted = map[int64]*Unit{}
			}
			r.counted[u.ID] = rd.un
		}
		if fresh && state != admittedBusy {
			r.held = true // the run has not started: no race
		}
	}
	if !fresh || !alive {
		return
	}
	if !ok && len(r.hints) == 0 && r.inflight == 0 {
		delete(in.chats, r.chat) // nothing to do: the update stays at Telegram
		return
	}
	in.wg.Add(1)
	go in.run(r)
}

// admit appends u to its chat's inbox, unless it is there already, and
// indexes the chat; with a token it also tries to take the chat, reading
// u's "handled" mark and making the preloads' reads in the same round
// trip (they hold only if u is next).
func (in *Inbox) admit(ctx context.Context, u bot.Update, token string, un *Unit) (state int64, seen bool, err error) {
	entry, err := encode(u)
	if err != nil {
		return 0, false, err
	}
	keys := []string{in.g.inboxKey(u.ChatID), in.g.leaseKey(u.ChatID)}
	for _, k := range in.g.opt.Clear {
		keys = append(keys, k(u.ChatID))
	}
	var adm *redis.Cmd
	var index *redis.IntCmd
	var mark *redis.IntCmd
	var keeps []func(*Unit, bool)
	err = in.g.pipelined(ctx, func(pipe redis.Pipeliner) {
		adm = admitScript.EvalSha(ctx, pipe, keys, entry, idPrefix(u.ID), token,
			in.g.opt.Lease.Milliseconds(), InboxTTL.Milliseconds())
		index = pipe.ZAdd(ctx, in.g.pendingKey(), redis.Z{Score: float64(in.opt.Now().UnixMilli()), Member: u.ChatID})
		pipe.PExpire(ctx, in.g.pendingKey(), InboxTTL)
		keeps = keeps[:0]
		if token == "" {
			return
		}
		mark = pipe.Exists(ctx, in.g.seenKey(u))
		for _, p := range in.g.preloads {
			if keep := p(ctx, pipe, u); keep != nil {
				keeps = append(keeps, keep)
			}
		}
	})
	if adm == nil {
		return 0, false, err
	}
	if err := firstErr(adm, index, mark); err != nil {
		return 0, false, err
	}
	vals, _ := adm.Slice()
	if len(vals) == 2 {
		state, _ = vals[0].(int64)
		if dup, _ := vals[1].(int64); dup == 1 {
			in.g.opt.Duplicate() // a redelivery of an update still waiting
		}
	}
	seen = mark != nil && mark.Val() == 1
	for _, keep := range keeps {
		keep(un, state == admittedFirst && !seen)
	}
	return state, seen, nil
}

// run works on one chat until its inbox is empty, or the inbox closes.
func (in *Inbox) run(r *chatRun) {
	defer in.wg.Done()
	pause, busy := in.opt.MinBackoff, 10*time.Millisecond
	for {
		if in.stopping() {
			in.letGo(r)
			return
		}
		rd, snap := in.takeFirst(r)
		if rd == nil {
			var state claimState
			var err error
			rd, state, err = in.claim(r)
			switch {
			case err != nil:
				in.g.opt.Logger.Warn("read chat inbox, trying again", "chat", bot.ChatHash(r.chat), "retry_in", pause, "err", err)
				in.wait(&pause, in.opt.MaxBackoff)
				continue
			case state == claimEmpty:
				if in.retire(r, snap) {
					return
				}
				continue
			case state == claimBusy:
				in.wait(&busy, max(in.g.opt.Lease/10, 10*time.Millisecond))
				continue
			case state == claimOther:
				continue // read again, with the head's own reads
			}
		}
		busy = 10 * time.Millisecond
		left, err := in.work(r, rd)
		if err != nil {
			in.g.opt.Logger.Warn("update not handled, trying again", "update_id", rd.u.ID, "chat", bot.ChatHash(r.chat), "retry_in", pause, "err", err)
			in.wait(&pause, in.opt.MaxBackoff)
			continue
		}
		pause = in.opt.MinBackoff
		if left == 0 && in.retire(r, snap) {
			return
		}
	}
}

// takeFirst returns the update admission made ready, if any, and the
// count of hints so far.
func (in *Inbox) takeFirst(r *chatRun) (*ready, int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	rd := r.first
	r.first = nil
	return rd, r.seq
}

// retire ends the chat's run when its inbox was found empty and nothing
// was admitted here since (snap): an admission that raced with the
// finding is seen, and the run goes on.
func (in *Inbox) retire(r *chatRun, snap int) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if r.inflight > 0 || r.seq != snap || r.first != nil {
		return false
	}
	in.waiting.Add(-int64(len(r.hints)))
	r.hints, r.counted = nil, nil
	delete(in.chats, r.chat)
	return true
}

// letGo frees the chat when the inbox closes: what is left in it waits
// for the next process (or another replica).
func (in *Inbox) letGo(r *chatRun) {
	in.mu.Lock()
	in.waiting.Add(-int64(len(r.hints)))
	r.hints, r.counted = nil, nil
	delete(in.chats, r.chat)
	in.mu.Unlock()
	if r.held {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = release.Run(ctx, in.g.rdb, []string{in.g.leaseKey(r.chat)}, r.token).Err()
	}
}

func (in *Inbox) stopping() bool {
	select {
	case <-in.stop:
		return true
	default:
		return false
	}
}

// wait pauses for *d (or until the inbox closes), then doubles it up to
// most.
func (in *Inbox) wait(d *time.Duration, most time.Duration) {
	t := time.NewTimer(*d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-in.stop:
	}
	*d = min(2**d, most)
}

// Close stops admitting, lets every chat finish the update in progress,
// and waits for that until ctx ends. Updates still in inboxes stay there.
func (in *Inbox) Close(ctx context.Context) error {
	in.mu.Lock()
	if !in.closed {
		in.closed = true
		close(in.stop)
	}
	in.mu.Unlock()
	done := make(chan struct{})
	go func() { in.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// idPrefix starts an inbox entry: the update's ID, which de-duplicates.
func idPrefix(id int64) string { return strconv.FormatInt(id, 10) + " " }

// entry is an update as kept in an inbox. The text of a message waits
// there until it is handled (milliseconds, or an outage).
type entry struct {
	Kind      bot.Kind `json:"k"`
	Chat      int64    `json:"c"`
	Private   bool     `json:"p,omitempty"`
	User      int64    `json:"u,omitempty"`
	Lang      string   `json:"l,omitempty"`
	Text      string   `json:"t,omitempty"`
	Data      string   `json:"d,omitempty"`
	Callback  string   `json:"q,omitempty"`
	Edited    bool     `json:"e,omitempty"`
	Forwarded bool     `json:"f,omitempty"`
	// Acked: the transport acknowledged the press already (in a
	// webhook's answer).
	Acked bool `json:"a,omitempty"`
}

func encode(u bot.Update) (string, error) {
	id, acked := u.Inline.Taken()
	e := entry{Kind: u.Kind, Chat: u.ChatID, Private: u.Private, User: u.UserID, Lang: u.LangCode,
		Text: u.Text, Data: u.Data, Callback: u.CallbackID, Edited: u.Edited, Forwarded: u.Forwarded,
		Acked: acked && id == u.CallbackID}
	b, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("encode update: %w", err)
	}
	return idPrefix(u.ID) + string(b), nil
}

func decode(s string) (bot.Update, error) {
	head, body, ok := strings.Cut(s, " ")
	id, err := strconv.ParseInt(head, 10, 64)
	var e entry
	if !ok || err != nil || json.Unmarshal([]byte(body), &e) != nil {
		return bot.Update{}, errors.New("unreadable inbox entry")
	}
	u := bot.Update{ID: id, Kind: e.Kind, ChatID: e.Chat, Private: e.Private, UserID: e.User, LangCode: e.Lang,
		Text: e.Text, Data: e.Data, CallbackID: e.Callback, Edited: e.Edited, Forwarded: e.Forwarded}
	if e.Acked {
		u.Inline = &bot.InlineAck{}
		u.Inline.Take(u.CallbackID)
	}
	return u, nil
}

// admitScript appends an entry to a chat's inbox unless one with its ID
// is there, clears the keys an update from the person makes stale, and
// with a token (ARGV[3]) tries to take the chat. It returns {state, dup}:
// state 0 held elsewhere, 1 taken with older entries first, 2 taken with
// this one next; dup 1 when the entry was there already.
var admitScript = redis.NewScript(`
local dup = false
for _, e in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if string.sub(e, 1, #ARGV[2]) == ARGV[2] then dup = true break end
end
local kept = 0
if dup then kept = 1 else redis.call('RPUSH', KEYS[1], ARGV[1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
if ARGV[3] == '' or not redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[4]) then return {0, kept} end
if string.sub(redis.call('LINDEX', KEYS[1], 0), 1, #ARGV[2]) == ARGV[2] then return {2, kept} end
return {1, kept}`)

// claimScript takes the chat (or keeps it) and returns {1, head}; {0}
// when the inbox is empty (the chat freed), {-1} when it is held
// elsewhere.
var claimScript = redis.NewScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] and not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {-1}
end
local head = redis.call('LINDEX', KEYS[1], 0)
if not head then
  redis.call('DEL', KEYS[2])
  return {0}
end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {1, head}`)

// finishScript pops the handled entry (ARGV[4] = '1') if it is still the
// head, and frees the chat when the inbox is empty or the update is to
// be tried again; it returns how many entries are left, or -1 when the
// chat was no longer ours.
var finishScript = redis.NewScript(`
if ARGV[4] == '1' then
  local head = redis.call('LINDEX', KEYS[1], 0)
  if head and string.sub(head, 1, #ARGV[1]) == ARGV[1] then redis.call('LPOP', KEYS[1]) end
end
local n = redis.call('LLEN', KEYS[1])
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return -1 end
if n == 0 or ARGV[4] ~= '1' then redis.call('DEL', KEYS[2]) else redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return n`)

// zremIf drops a chat from the index if its score is still the one the
// sweep read: a chat admitted again meanwhile has a newer one.
var zremIf = redis.NewScript(`
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if s and tonumber(s) == tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0`)
