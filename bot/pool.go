package bot

import (
	"context"
	"errors"
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
	queues []chan poolJob
	seed   maphash.Seed
	wg     sync.WaitGroup
	log    *slog.Logger
	// mu guards closed: Close waits for enqueues in progress, and an
	// enqueue after Close fails instead of panicking on a closed queue.
	mu     sync.RWMutex
	closed bool
}

// ErrPoolClosed is returned for an update given after Close.
var ErrPoolClosed = errors.New("pool closed")

// poolJob is an update and, for Do, where to send its result.
type poolJob struct {
	u    Update
	done chan error
}

// NewPool starts workers workers with queue updates of buffer each.
func NewPool(ctx context.Context, workers, queue int, handle func(context.Context, Update) error, log *slog.Logger) *Pool {
	p := &Pool{handle: handle, queues: make([]chan poolJob, workers), seed: maphash.MakeSeed(), log: log}
	for i := range p.queues {
		q := make(chan poolJob, queue)
		p.queues[i] = q
		p.wg.Add(1)
		go p.work(ctx, q)
	}
	return p
}

func (p *Pool) work(ctx context.Context, q <-chan poolJob) {
	defer p.wg.Done()
	for j := range q {
		err := p.handle(context.WithoutCancel(ctx), j.u)
		if j.done != nil {
			j.done <- err
			continue
		}
		if err != nil {
			p.log.Error("handle update", "update_id", j.u.ID, "chat", ChatHash(j.u.ChatID), "err", err)
		}
	}
}

// Submit queues an update on its chat's worker; it blocks when that
// worker's queue is full (back-pressure on the intake), or until ctx ends.
func (p *Pool) Submit(ctx context.Context, u Update) error {
	return p.enqueue(ctx, poolJob{u: u})
}

// Do queues an update like Submit and waits until it is handled, returning
// the handler's error: a webhook answers Telegram only then, so an update
// lost in a crash is delivered again. If ctx ends first the update is
// still handled; Do returns ctx's error.
func (p *Pool) Do(ctx context.Context, u Update) error {
	done, err := p.Start(ctx, u)
	if err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Start queues an update like Submit and returns where its handler's
// error will arrive, so a caller can queue a batch in order and then wait
// for all of it.
func (p *Pool) Start(ctx context.Context, u Update) (<-chan error, error) {
	j := poolJob{u: u, done: make(chan error, 1)}
	if err := p.enqueue(ctx, j); err != nil {
		return nil, err
	}
	return j.done, nil
}

func (p *Pool) enqueue(ctx context.Context, j poolJob) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return ErrPoolClosed
	}
	q := p.queues[p.worker(j.u.ChatID)]
	select {
	case q <- j:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Pool) worker(chatID int64) uint64 {
	var h maphash.Hash
	h.SetSeed(p.seed)
	var b [8]byte
	for i := range b {
		b[i] = byte(chatID >> (8 * i))
	}
	h.Write(b[:])
	return h.Sum64() % uint64(len(p.queues))
}

// Len returns how many updates wait in the queues.
func (p *Pool) Len() int {
	n := 0
	for _, q := range p.queues {
		n += len(q)
	}
	return n
}

// Close stops taking updates and waits until every queued one is handled.
// Submit, Start and Do fail with ErrPoolClosed afterwards; one blocked on
// a full queue holds Close until its ctx ends.
func (p *Pool) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		for _, q := range p.queues {
			close(q)
		}
	}
	p.mu.Unlock()
	p.wg.Wait()
}
