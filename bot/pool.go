package bot

import (
	"context"
	"hash/maphash"
	"log/slog"
	"sync"
)

// Pool runs updates on a fixed set of workers, each chat always on the
// same worker: updates of one chat are handled in order and never at the
// same time, different chats in parallel. Memory does not grow with the
// number of chats.
type Pool struct {
	handle func(context.Context, Update) error
	queues []chan Update
	seed   maphash.Seed
	wg     sync.WaitGroup
	log    *slog.Logger
}

// NewPool starts workers workers with queue updates of buffer each.
func NewPool(ctx context.Context, workers, queue int, handle func(context.Context, Update) error, log *slog.Logger) *Pool {
	p := &Pool{handle: handle, queues: make([]chan Update, workers), seed: maphash.MakeSeed(), log: log}
	for i := range p.queues {
		q := make(chan Update, queue)
		p.queues[i] = q
		p.wg.Add(1)
		go p.work(ctx, q)
	}
	return p
}

func (p *Pool) work(ctx context.Context, q <-chan Update) {
	defer p.wg.Done()
	for u := range q {
		if err := p.handle(context.WithoutCancel(ctx), u); err != nil {
			p.log.Error("handle update", "update_id", u.ID, "chat", ChatHash(u.ChatID), "err", err)
		}
	}
}

// Submit queues an update on its chat's worker; it blocks when that
// worker's queue is full (back-pressure on the intake), or until ctx ends.
func (p *Pool) Submit(ctx context.Context, u Update) error {
	var h maphash.Hash
	h.SetSeed(p.seed)
	var b [8]byte
	for i := range b {
		b[i] = byte(u.ChatID >> (8 * i))
	}
	h.Write(b[:])
	q := p.queues[h.Sum64()%uint64(len(p.queues))]
	select {
	case q <- u:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops taking updates and waits until every queued one is handled.
func (p *Pool) Close() {
	for _, q := range p.queues {
		close(q)
	}
	p.wg.Wait()
}
