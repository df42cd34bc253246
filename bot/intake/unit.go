package intake

import (
	"context"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
)

// A Unit is one update's work on its chat's storage, so that a plain
// step costs two Redis round trips in all, however many features look at
// the update:
//
//   - Reads made ahead. Features register a Preload with the gate; their
//     reads ride in the pipeline that takes the chat, and what they read
//     is kept in the Unit, where their middlewares and stores find it.
//   - Writes held back. A store may defer a write to the end of the
//     update (Defer); the gate sends it in the pipeline that marks the
//     update handled and frees the chat. The session and the "handled"
//     mark are thus written together, after the replies went out: a
//     process that dies before that point leaves the update unhandled
//     and the session as it was, and the redelivered update is answered
//     again from the same state.
//
// The gate puts a Unit in the context of every update it holds (From);
// without a gate (the terminal, tests) there is none and stores read and
// write at once. A Unit covers its own chat only. It is safe for
// concurrent use.
type Unit struct {
	chatID int64
	mu     sync.Mutex
	vals   map[any]any
	writes []deferred
}

// A Write queues one deferred write on pipe; check is called once the
// pipeline has run, to read the command's result (ErrConflict…).
type Write func(ctx context.Context, pipe redis.Pipeliner) (check func() error)

type deferred struct {
	key   any
	write Write
}

// A Preload queues reads of u's chat on pipe, the pipeline that takes the
// chat. keep is called once it has run; held says whether the chat was
// taken by it: only then do reads made in it hold (otherwise the chat may
// change before it is taken, and keep should store nothing read). A
// Preload that queues nothing returns nil.
type Preload func(ctx context.Context, pipe redis.Pipeliner, u bot.Update) (keep func(un *Unit, held bool))

type unitKey struct{}

// From returns the Unit of the update being handled, or nil.
func From(ctx context.Context) *Unit {
	un, _ := ctx.Value(unitKey{}).(*Unit)
	return un
}

// For returns ctx's Unit if it covers chatID, else nil: another chat's
// storage is read and written at once.
func For(ctx context.Context, chatID int64) *Unit {
	if un := From(ctx); un != nil && un.chatID == chatID {
		return un
	}
	return nil
}

func newUnit(chatID int64) *Unit { return &Unit{chatID: chatID} }

func (un *Unit) with(ctx context.Context) context.Context {
	return context.WithValue(ctx, unitKey{}, un)
}

// ChatID is the chat the Unit covers.
func (un *Unit) ChatID() int64 { return un.chatID }

// Get returns what was kept under key.
func (un *Unit) Get(key any) (any, bool) {
	un.mu.Lock()
	defer un.mu.Unlock()
	v, ok := un.vals[key]
	return v, ok
}

// Put keeps v under key (a value read, or the value a deferred write
// will store, so later reads see it).
func (un *Unit) Put(key, v any) {
	un.mu.Lock()
	defer un.mu.Unlock()
	if un.vals == nil {
		un.vals = map[any]any{}
	}
	un.vals[key] = v
}

// Forget drops what was kept under key, and its deferred write: after a
// direct write or delete, the next read goes to Redis.
func (un *Unit) Forget(key any) {
	un.mu.Lock()
	defer un.mu.Unlock()
	delete(un.vals, key)
	un.writes = dropWrite(un.writes, key)
}

// Defer holds w back until the update is handled; a later Defer under
// the same key replaces it (only the last state of a record is written).
func (un *Unit) Defer(key any, w Write) {
	un.mu.Lock()
	defer un.mu.Unlock()
	un.writes = append(dropWrite(un.writes, key), deferred{key: key, write: w})
}

func dropWrite(ws []deferred, key any) []deferred {
	for i, d := range ws {
		if d.key == key {
			return append(ws[:i:i], ws[i+1:]...)
		}
	}
	return ws
}

// queue puts the deferred writes on pipe and returns their checks.
func (un *Unit) queue(ctx context.Context, pipe redis.Pipeliner) []func() error {
	un.mu.Lock()
	defer un.mu.Unlock()
	checks := make([]func() error, 0, len(un.writes))
	for _, d := range un.writes {
		checks = append(checks, d.write(ctx, pipe))
	}
	return checks
}
