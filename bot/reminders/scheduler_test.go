package reminders

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

func civil(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func at10(on time.Time) time.Time { return flows.SendAt(on, 10, paris) }

// fakeClock is a settable clock, safe for concurrent use.
type fakeClock struct{ ns atomic.Int64 }

func newClock(t time.Time) *fakeClock { c := &fakeClock{}; c.set(t); return c }
func (c *fakeClock) now() time.Time   { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) set(t time.Time)  { c.ns.Store(t.UnixNano()) }

// recorder is a Deliver that records what it sent, optionally failing.
type recorder struct {
	mu   sync.Mutex
	sent []string // "chat|id|lang"
	fail func(chat int64) error
}

func (r *recorder) deliver(_ context.Context, chat int64, lang string, it Item) error {
	if r.fail != nil {
		if err := r.fail(chat); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, fmt.Sprintf("%d|%s|%s", chat, it.ID, lang))
	return nil
}

func (r *recorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.sent...)
}

func newScheduler(b redistest.Backend, c *fakeClock, r *recorder) (*Store, *Scheduler) {
	st := NewStore(b.Client, b.Prefix)
	return st, &Scheduler{
		Store: st, Deliver: r.deliver, Clock: c.now,
		Log:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Lease: time.Minute, Batch: 100, Workers: 4,
	}
}

// apiReminders are the reminders of an API ending on 27/02/2027, as
// derived on 29/11/2026.
func apiReminders(end string) []flows.Reminder {
	return flows.Reminders(flows.Facts{
		Answers: map[string]string{flows.KeyAPIEnd: end},
		Today:   civil("2026-11-29"),
	}).Due
}

func TestScheduleClaimSend(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		clock := newClock(time.Date(2026, 11, 29, 12, 0, 0, 0, paris))
		rec := &recorder{}
		st, s := newScheduler(b, clock, rec)
		items, _, err := st.Sync(ctx, 7, "en", apiReminders("2027-02-27"), []string{flows.RemAPISoon, flows.RemAPIEnd}, at10, nil)
		if err != nil || len(items) != 2 {
			t.Fatalf("sync: %v %v", items, err)
		}
		// 12/02/2027 at 09:59 Paris: not yet.
		clock.set(time.Date(2027, 2, 12, 9, 59, 0, 0, paris))
		if n, err := s.Tick(ctx); n != 0 || err != nil {
			t.Fatalf("before 10:00: claimed %d, %v", n, err)
		}
		clock.set(time.Date(2027, 2, 12, 10, 0, 0, 0, paris))
		if n, err := s.Tick(ctx); n != 1 || err != nil {
			t.Fatalf("at 10:00: claimed %d, %v", n, err)
		}
		if got := rec.all(); len(got) != 1 || got[0] != "7|api_14-20270212|en" {
			t.Fatalf("sent %v", got)
		}
		clock.set(time.Date(2027, 2, 12, 11, 0, 0, 0, paris))
		if n, _ := s.Tick(ctx); n != 0 || len(rec.all()) != 1 {
			t.Fatalf("sent twice: %v", rec.all())
		}
		c, err := st.Load(ctx, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Pending) != 1 || c.Pending[0].Kind != flows.RemAPIEnd {
			t.Errorf("pending after the first: %+v", c.Pending)
		}
		if _, ok := c.Sent["api_14-20270212"]; !ok {
			t.Errorf("sent reminder not kept for its buttons: %+v", c.Sent)
		}
		// Its key expires a week after the last date, not before.
		ttl, err := b.Client.TTL(ctx, st.chatKey(7)).Result()
		if err != nil || ttl <= 0 {
			t.Errorf("chat key has no expiry: %v %v", ttl, err)
		}
		if got := s.Counters(); got.Due != 1 || got.Sent != 1 {
			t.Errorf("counters %+v", got)
		}
	})
}

// A scheduler claims a reminder and dies before sending it: nobody sends
// it during the lease, another scheduler sends it once after.
func TestLeaseExpiryResend(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		due := time.Date(2027, 2, 27, 10, 0, 0, 0, paris)
		clock := newClock(due)
		rec := &recorder{}
		st, s := newScheduler(b, clock, rec)
		if _, _, err := st.Sync(ctx, 9, "fr", apiReminders("2027-02-27"), []string{flows.RemAPIEnd}, at10, nil); err != nil {
			t.Fatal(err)
		}
		claims, err := st.Claim(ctx, due, time.Minute, 10) // the replica that dies
		if err != nil || len(claims) != 1 {
			t.Fatalf("claim: %v %v", claims, err)
		}
		clock.set(due.Add(59 * time.Second))
		if n, _ := s.Tick(ctx); n != 0 {
			t.Fatalf("claimed during another's lease")
		}
		clock.set(due.Add(61 * time.Second))
		if n, _ := s.Tick(ctx); n != 1 {
			t.Fatalf("not claimed again after the lease")
		}
		if got := rec.all(); len(got) != 1 || got[0] != "9|api_end-20270227|fr" {
			t.Fatalf("sent %v", got)
		}
		// The dead replica's late release changes nothing.
		if err := st.Sent(ctx, claims[0]); err != nil {
			t.Fatal(err)
		}
		clock.set(due.Add(time.Hour))
		if n, _ := s.Tick(ctx); n != 0 || len(rec.all()) != 1 {
			t.Fatalf("sent again: %v", rec.all())
		}
	})
}

// A send that may succeed later (Telegram 5xx, 429) is tried again after
// the lease; a person who blocked the bot loses all their reminders.
func TestSendFailures(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		due := time.Date(2027, 2, 12, 10, 0, 0, 0, paris)
		clock := newClock(due)
		var failures atomic.Int64
		rec := &recorder{fail: func(chat int64) error {
			switch {
			case chat == 666:
				return fmt.Errorf("forbidden: %w", bot.ErrUnreachable)
			case failures.Add(1) == 1:
				return &bot.RetryError{Err: errors.New("502")}
			}
			return nil
		}}
		st, s := newScheduler(b, clock, rec)
		for _, chat := range []int64{1, 666} {
			if _, _, err := st.Sync(ctx, chat, "en", apiReminders("2027-02-27"), []string{flows.RemAPISoon, flows.RemAPIEnd}, at10, nil); err != nil {
				t.Fatal(err)
			}
		}
		s.Tick(ctx)
		if len(rec.all()) != 0 {
			t.Fatalf("sent despite failures: %v", rec.all())
		}
		c, _ := st.Load(ctx, 666)
		if len(c.Pending) != 0 || c.Lang != "" {
			t.Errorf("blocked chat keeps reminders: %+v", c)
		}
		clock.set(due.Add(2 * time.Minute))
		s.Tick(ctx)
		if got := rec.all(); len(got) != 1 || got[0] != "1|api_14-20270212|en" {
			t.Fatalf("retry: sent %v", got)
		}
		// Chat 666's second reminder left the schedule with it.
		clock.set(time.Date(2027, 3, 1, 10, 0, 0, 0, paris))
		s.Tick(ctx)
		for _, m := range rec.all() {
			if m[:4] == "666|" {
				t.Errorf("sent to a blocked chat: %s", m)
			}
		}
		if n, _ := st.Scheduled(ctx); n != 0 {
			t.Errorf("%d left in the schedule", n)
		}
	})
}

// Two schedulers race on 10,000 due reminders: each is sent exactly once.
func TestRacingSchedulers(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		due := time.Date(2027, 2, 12, 10, 0, 0, 0, paris)
		clock := newClock(due.Add(time.Minute))
		rec := &recorder{}
		st, s1 := newScheduler(b, clock, rec)
		_, s2 := newScheduler(b, clock, rec)
		const n = 10000
		bulkSchedule(t, st, n, due)
		var wg sync.WaitGroup
		for _, s := range []*Scheduler{s1, s2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					k, err := s.Tick(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					if k == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		seen := map[string]int{}
		for _, m := range rec.all() {
			seen[m]++
			if seen[m] > 1 {
				t.Fatalf("%s sent twice", m)
			}
		}
		if len(seen) != n {
			t.Fatalf("sent %d distinct reminders, want %d", len(seen), n)
		}
		if c1, c2 := s1.Counters(), s2.Counters(); c1.Sent+c2.Sent != n || c1.Sent == 0 || c2.Sent == 0 {
			t.Errorf("sent %d + %d: both should share the work", c1.Sent, c2.Sent)
		}
		if left, _ := st.Scheduled(ctx); left != 0 {
			t.Errorf("%d left in the schedule", left)
		}
	})
}

// bulkSchedule writes n chats' reminders in one pipeline (Sync would make
// the test slow without testing anything more).
func bulkSchedule(t *testing.T, st *Store, n int, due time.Time) {
	t.Helper()
	ctx := context.Background()
	on := civil("2027-02-12")
	pipe := st.rdb.Pipeline()
	for chat := int64(1); chat <= int64(n); chat++ {
		it := Item{Reminder: flows.ReminderOf(flows.RemAPISoon, on, civil("2027-02-26")), Due: due}
		pipe.HSet(ctx, st.chatKey(chat), "lang", "fr", "on", it.Kind, "p:"+it.Kind, encodeItem(it))
		pipe.Expire(ctx, st.chatKey(chat), time.Hour)
		pipe.ZAdd(ctx, st.dueKey(), redis.Z{Score: float64(due.UnixMilli()), Member: member(chat, it.ID)})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
}

// The reminders follow the person's dates; cancelling one kind stops it
// for good; snoozed ones survive a new plan; Drop erases everything.
func TestSyncCancelSnoozeDrop(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		st := NewStore(b.Client, b.Prefix)
		const chat = 42
		if items, _, _ := st.Sync(ctx, chat, "en", apiReminders("2027-02-27"), nil, at10, nil); len(items) != 0 {
			t.Fatalf("scheduled without a choice: %v", items)
		}
		if _, _, err := st.Sync(ctx, chat, "en", apiReminders("2027-02-27"), []string{flows.RemAPISoon, flows.RemAPIEnd}, at10, nil); err != nil {
			t.Fatal(err)
		}
		// A new API arrives: the reminders move to its end.
		items, _, err := st.Sync(ctx, chat, "en", apiReminders("2027-05-27"), nil, at10, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(items); got != "api_14-20270513 api_end-20270527" {
			t.Fatalf("after a new API: %s", got)
		}
		if n, _ := st.Scheduled(ctx); n != 2 {
			t.Errorf("schedule holds %d, want 2 (old dates removed)", n)
		}
		if err := st.Cancel(ctx, chat, "api_14-20270212"); !errors.Is(err, ErrNotFound) {
			t.Errorf("cancelling an old ID: %v", err)
		}
		if err := st.Cancel(ctx, chat, "api_14-20270513"); err != nil {
			t.Fatal(err)
		}
		items, _, _ = st.Sync(ctx, chat, "en", apiReminders("2027-05-27"), nil, at10, nil)
		if got := ids(items); got != "api_end-20270527" {
			t.Errorf("cancelled kind came back: %s", got)
		}
		// The remaining one is sent, then snoozed 3 days.
		c := Claim{Chat: chat, ID: "api_end-20270527", Until: at10(civil("2027-05-27")).UnixMilli()}
		if err := st.Sent(ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Snooze(ctx, chat, "api_end-20270527", civil("2027-05-30"), at10(civil("2027-05-30"))); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Snooze(ctx, chat, "api_end-20270527", civil("2027-05-30"), at10(civil("2027-05-30"))); !errors.Is(err, ErrNotFound) {
			t.Errorf("second press of the same button: %v", err)
		}
		items, _, _ = st.Sync(ctx, chat, "en", nil, nil, at10, nil)
		if got := ids(items); got != "api_end-20270530" {
			t.Errorf("snoozed reminder lost on a new plan: %s", got)
		}
		had, err := st.Drop(ctx, chat)
		if err != nil || !had {
			t.Fatalf("drop: %v %v", had, err)
		}
		if n, _ := st.Scheduled(ctx); n != 0 {
			t.Errorf("%d left in the schedule after drop", n)
		}
		if had, _ := st.Drop(ctx, chat); had {
			t.Error("drop found something twice")
		}
	})
}

func ids(items []Item) string {
	s := ""
	for i, it := range items {
		if i > 0 {
			s += " "
		}
		s += it.ID
	}
	return s
}

// A plan from another branch of the conversation (no API date in it)
// leaves the API reminders alone; a new API date moves them
// (TestSyncCancelSnoozeDrop).
func TestSyncKeepsWhatFactsDoNotInform(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		st := NewStore(b.Client, b.Prefix)
		if _, _, err := st.Sync(ctx, 3, "en", apiReminders("2027-02-27"), []string{flows.RemAPISoon, flows.RemAPIEnd}, at10, nil); err != nil {
			t.Fatal(err)
		}
		other := flows.Facts{Answers: map[string]string{flows.KeySituation: "t1"}, Today: civil("2026-12-01")}
		items, _, err := st.Sync(ctx, 3, "en", flows.Reminders(other).Due, nil, at10, other.Informs)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(items); got != "api_14-20270212 api_end-20270227" {
			t.Errorf("reminders lost on another branch's plan: %q", got)
		}
	})
}

// A send the outbox has queued but not yet delivered when the scheduler
// stops waiting is still delivered by the outbox: it is not sent again.
func TestTimedOutSendIsNotRepeated(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		due := time.Date(2027, 2, 27, 10, 0, 0, 0, paris)
		clock := newClock(due)
		var tries atomic.Int64
		rec := &recorder{fail: func(int64) error {
			tries.Add(1)
			return fmt.Errorf("send: %w", context.DeadlineExceeded)
		}}
		st, s := newScheduler(b, clock, rec)
		if _, _, err := st.Sync(ctx, 4, "en", apiReminders("2027-02-27"), []string{flows.RemAPIEnd}, at10, nil); err != nil {
			t.Fatal(err)
		}
		s.Tick(ctx)
		clock.set(due.Add(5 * time.Minute))
		s.Tick(ctx)
		if tries.Load() != 1 {
			t.Errorf("tried %d times, want 1", tries.Load())
		}
	})
}
