package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/anefbot/anefbot/bot"
)

// fakeTelegram records what it accepted, with the (fake) time, and
// answers the scripted errors first, per chat.
type fakeTelegram struct {
	mu      sync.Mutex
	sent    []sent
	calls   int
	errs    map[int64][]error
	latency time.Duration
}

type sent struct {
	chat int64
	text string
	at   time.Time
}

func (f *fakeTelegram) Send(ctx context.Context, m bot.Out) error {
	if f.latency > 0 {
		time.Sleep(f.latency)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if errs := f.errs[m.ChatID]; len(errs) > 0 {
		f.errs[m.ChatID] = errs[1:]
		return errs[0]
	}
	f.sent = append(f.sent, sent{m.ChatID, m.Text, time.Now()})
	return nil
}

func (f *fakeTelegram) Ack(context.Context, string) error { return nil }

func (f *fakeTelegram) got() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sent(nil), f.sent...)
}

type fakeMarker struct {
	mu     sync.Mutex
	marked map[int64]bool
}

func (m *fakeMarker) Mark(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.marked[id] = true
	return nil
}

func (m *fakeMarker) Unreachable(_ context.Context, id int64) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.marked[id], nil
}

func closeOutbox(t *testing.T, o *Outbox) {
	t.Helper()
	if err := o.Close(context.Background()); err != nil {
		t.Errorf("close: %v", err)
	}
}

// sendAll sends each message on its own goroutine (as many people and a
// reminder runner would) and waits for them all.
func sendAll(o *Outbox, msgs []bot.Out) []error {
	errs := make([]error, len(msgs))
	var wg sync.WaitGroup
	for i, m := range msgs {
		wg.Go(func() { errs[i] = o.Send(context.Background(), m) })
	}
	wg.Wait()
	return errs
}

// Over any one-second window, never more than the overall rate; per chat,
// after its burst, never more than one a second.
func TestPacingAgainstFakeClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tg := &fakeTelegram{latency: 40 * time.Millisecond}
		o := New(tg, Options{Logger: quiet})
		var msgs []bot.Out
		for c := range 90 {
			msgs = append(msgs, bot.Out{ChatID: int64(c + 1), Text: "broadcast", Background: true})
		}
		start := time.Now()
		// One chat gets 8 replies in a row, as a long plan would.
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := range 8 {
				if err := o.Send(context.Background(), bot.Out{ChatID: 500, Text: fmt.Sprint(i)}); err != nil {
					t.Errorf("send: %v", err)
				}
			}
		})
		for _, err := range sendAll(o, msgs) {
			if err != nil {
				t.Fatalf("send: %v", err)
			}
		}
		wg.Wait()
		closeOutbox(t, o)
		got := tg.got()
		if len(got) != 98 {
			t.Fatalf("sent %d messages, want 98", len(got))
		}
		for i := range got {
			n := 0
			for _, s := range got[i:] {
				if s.at.Sub(got[i].at) < time.Second {
					n++
				}
			}
			if n > 30 {
				t.Fatalf("%d messages within one second from %v", n, got[i].at.Sub(start))
			}
		}
		var chat []sent
		for _, s := range got {
			if s.chat == 500 {
				chat = append(chat, s)
			}
		}
		for i, s := range chat {
			if s.text != fmt.Sprint(i) {
				t.Fatalf("chat 500 message %d is %q: out of order", i, s.text)
			}
			// A burst of 3, then one a second: message i no sooner than
			// i-2 seconds after the first.
			if least := time.Duration(i-2)*time.Second - 10*time.Millisecond; i >= 3 && s.at.Sub(chat[0].at) < least {
				t.Errorf("chat 500 message %d sent %v after the first, want at least %v", i, s.at.Sub(chat[0].at), least)
			}
		}
		// 98 messages at 30/s take a bit over three seconds.
		if took := got[len(got)-1].at.Sub(start); took < 3*time.Second {
			t.Errorf("98 messages left in %v: faster than 30/s", took)
		}
	})
}

// While 10,000 reminders wait, a person typing gets the answer within a
// second.
func TestInteractiveBeforeBackground(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tg := &fakeTelegram{latency: 50 * time.Millisecond}
		o := New(tg, Options{Logger: quiet})
		var msgs []bot.Out
		for c := range 10000 {
			msgs = append(msgs, bot.Out{ChatID: int64(c + 1), Text: "reminder", Background: true})
		}
		var wg sync.WaitGroup
		wg.Go(func() { sendAll(o, msgs) })
		time.Sleep(2 * time.Second) // the burst is under way
		asked := time.Now()
		if err := o.Send(context.Background(), bot.Out{ChatID: 9999, Text: "reply"}); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(asked); waited > time.Second {
			t.Errorf("interactive reply waited %v behind reminders", waited)
		}
		if i, b := o.Len(); b == 0 || i != 0 {
			t.Errorf("lanes = %d interactive, %d background; want reminders still queued", i, b)
		}
		closeOutbox(t, o)
		wg.Wait()
	})
}

// A 429 stops every send until retry_after has passed; nothing is lost
// or sent twice.
func TestFloodWaitHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tg := &fakeTelegram{errs: map[int64][]error{
			1: {&bot.RetryError{RetryAfter: 7 * time.Second, Err: errors.New("Too Many Requests")}},
		}}
		o := New(tg, Options{Logger: quiet})
		start := time.Now()
		errs := sendAll(o, []bot.Out{{ChatID: 1, Text: "a"}})
		time.Sleep(time.Millisecond)
		errs = append(errs, sendAll(o, []bot.Out{{ChatID: 2, Text: "b"}, {ChatID: 3, Text: "c"}})...)
		closeOutbox(t, o)
		for _, err := range errs {
			if err != nil {
				t.Fatalf("send: %v", err)
			}
		}
		got := tg.got()
		if len(got) != 3 {
			t.Fatalf("sent %+v, want each message once", got)
		}
		for _, s := range got {
			if s.at.Sub(start) < 7*time.Second {
				t.Errorf("message %q sent %v after start, before retry_after (7s)", s.text, s.at.Sub(start))
			}
		}
	})
}

// 5xx and network errors are retried with backoff until accepted; a 403
// or 400 is not retried, and the chat is recorded so background messages
// to it are dropped.
func TestRetriesAndUnreachable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fail := &bot.RetryError{Err: errors.New("Bad Gateway")}
		tg := &fakeTelegram{errs: map[int64][]error{
			1: {fail, fail, fail},
			2: {errors.Join(bot.ErrUnreachable, errors.New("Forbidden: bot was blocked by the user"))},
			3: {errors.Join(bot.ErrRejected, errors.New("Bad Request: message is too long"))},
		}}
		marks := &fakeMarker{marked: map[int64]bool{}}
		o := New(tg, Options{Logger: quiet, Marker: marks})
		start := time.Now()
		if err := o.Send(context.Background(), bot.Out{ChatID: 1, Text: "x"}); err != nil {
			t.Fatalf("5xx three times then OK: %v", err)
		}
		if took := time.Since(start); took < 7*time.Second {
			t.Errorf("three retries took %v, want backoff 1s+2s+4s", took)
		}
		if err := o.Send(context.Background(), bot.Out{ChatID: 2, Text: "x"}); !errors.Is(err, bot.ErrUnreachable) {
			t.Errorf("blocked: err = %v, want ErrUnreachable", err)
		}
		if err := o.Send(context.Background(), bot.Out{ChatID: 3, Text: "x"}); !errors.Is(err, bot.ErrRejected) {
			t.Errorf("bad request: err = %v, want ErrRejected", err)
		}
		calls := tg.calls
		if err := o.Send(context.Background(), bot.Out{ChatID: 2, Text: "reminder", Background: true}); !errors.Is(err, bot.ErrUnreachable) {
			t.Errorf("reminder to a blocked chat: err = %v, want ErrUnreachable", err)
		}
		closeOutbox(t, o)
		if tg.calls != calls {
			t.Errorf("reminder to a blocked chat reached Telegram")
		}
		if calls != 6 {
			t.Errorf("Telegram called %d times, want 4 for chat 1, 1 each for chats 2 and 3", calls)
		}
		if got := tg.got(); len(got) != 1 || got[0].chat != 1 {
			t.Errorf("sent %+v, want chat 1's message once", got)
		}
	})
}

// Retries give up after MaxAttempts, and the caller is told.
func TestRetriesExhausted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fail := &bot.RetryError{Err: errors.New("Internal Server Error")}
		tg := &fakeTelegram{errs: map[int64][]error{1: {fail, fail, fail, fail}}}
		o := New(tg, Options{Logger: quiet, MaxAttempts: 3})
		var retry *bot.RetryError
		if err := o.Send(context.Background(), bot.Out{ChatID: 1, Text: "x"}); !errors.As(err, &retry) {
			t.Errorf("err = %v, want the last RetryError", err)
		}
		closeOutbox(t, o)
		if tg.calls != 3 {
			t.Errorf("%d tries, want 3", tg.calls)
		}
	})
}

// Close waits for queued messages; messages given after Close fail.
func TestCloseFlushes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tg := &fakeTelegram{}
		o := New(tg, Options{Logger: quiet})
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() { _ = o.Send(context.Background(), bot.Out{ChatID: 7, Text: fmt.Sprint(i)}) })
		}
		time.Sleep(time.Millisecond)
		closeOutbox(t, o)
		wg.Wait()
		if got := len(tg.got()); got != 10 {
			t.Errorf("sent %d of 10 queued messages before closing", got)
		}
		if err := o.Send(context.Background(), bot.Out{ChatID: 7, Text: "late"}); !errors.Is(err, ErrClosed) {
			t.Errorf("send after close: %v, want ErrClosed", err)
		}
	})
}

// Close with an expired deadline fails what is left instead of hanging.
func TestCloseDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tg := &fakeTelegram{}
		o := New(tg, Options{Logger: quiet, ChatBurst: 1})
		errs := make(chan error, 5)
		for range 5 {
			go func() { errs <- o.Send(context.Background(), bot.Out{ChatID: 7, Text: "x"}) }()
		}
		time.Sleep(time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		if err := o.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("close: %v, want deadline exceeded", err)
		}
		closed := 0
		for range 5 {
			if errors.Is(<-errs, ErrClosed) {
				closed++
			}
		}
		if sentN := len(tg.got()); sentN+closed != 5 || closed == 0 {
			t.Errorf("%d sent and %d failed with ErrClosed, want 5 in all and some failed", sentN, closed)
		}
	})
}

var quiet = slog.New(slog.DiscardHandler)

// The answer to /forget (Erased) refused with a 403 leaves no mark: the
// person's data is erased and stays so.
func TestErasedLeavesNoMark(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		blocked := errors.Join(bot.ErrUnreachable, errors.New("Forbidden: bot was blocked by the user"))
		tg := &fakeTelegram{errs: map[int64][]error{4: {blocked}, 5: {blocked}}}
		marks := &fakeMarker{marked: map[int64]bool{}}
		o := New(tg, Options{Logger: quiet, Marker: marks})
		if err := o.Send(context.Background(), bot.Out{ChatID: 4, Text: "erased", Erased: true}); !errors.Is(err, bot.ErrUnreachable) {
			t.Errorf("err = %v, want ErrUnreachable", err)
		}
		if err := o.Send(context.Background(), bot.Out{ChatID: 5, Text: "reply"}); !errors.Is(err, bot.ErrUnreachable) {
			t.Errorf("err = %v, want ErrUnreachable", err)
		}
		closeOutbox(t, o)
		if gone, _ := marks.Unreachable(context.Background(), 4); gone {
			t.Error("the answer to /forget marked the chat unreachable")
		}
		if gone, _ := marks.Unreachable(context.Background(), 5); !gone {
			t.Error("an ordinary reply refused with a 403 left no mark")
		}
	})
}
