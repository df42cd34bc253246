package bot_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/anefbot/anefbot/bot"
)

// Do returns once the update is handled, with the handler's error, so a
// webhook can answer Telegram only then.
func TestPoolDoWaitsForTheResult(t *testing.T) {
	var handled atomic.Int32
	boom := errors.New("boom")
	handle := func(_ context.Context, u bot.Update) error {
		handled.Add(1)
		if u.Text == "fail" {
			return boom
		}
		return nil
	}
	p := bot.NewPool(context.Background(), 4, 1, handle, nil)
	defer p.Close()
	if err := p.Do(context.Background(), bot.Update{ChatID: 1, Text: "ok"}); err != nil || handled.Load() != 1 {
		t.Fatalf("Do = %v after %d handled, want nil after 1", err, handled.Load())
	}
	if err := p.Do(context.Background(), bot.Update{ChatID: 2, Text: "fail"}); !errors.Is(err, boom) {
		t.Fatalf("Do = %v, want the handler's error", err)
	}
}

// An update given after Close is refused, not a panic.
func TestPoolAfterClose(t *testing.T) {
	p := bot.NewPool(context.Background(), 2, 1, func(context.Context, bot.Update) error { return nil }, nil)
	p.Close()
	if err := p.Do(context.Background(), bot.Update{ChatID: 1}); !errors.Is(err, bot.ErrPoolClosed) {
		t.Errorf("Do after Close = %v, want ErrPoolClosed", err)
	}
	p.Close() // twice is harmless
}
