package intake

import (
	"context"
	"testing"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/redistest"
)

// BenchmarkGate measures what the gate adds to each update: one pipeline
// to hold the chat and read the update's mark, one to mark it and free
// the chat.
func BenchmarkGate(b *testing.B) {
	backend, ok := redistest.Real(b)
	if !ok {
		backend = redistest.Mini(b)
	}
	g := New(backend.Client, Options{Prefix: backend.Prefix, Logger: quiet})
	h := g.Middleware(nil, func(context.Context, bot.Update) error { return nil })
	ctx := context.Background()
	var id int64
	for b.Loop() {
		id++
		if err := h(ctx, bot.Update{ID: id, ChatID: id % 1000}); err != nil {
			b.Fatal(err)
		}
	}
}
