package reminders

// Reminders at scale, against the real Redis of REDIS_URL: scheduling one
// person's reminder while many are scheduled, and a burst of reminders
// falling due at once, with BenchmarkReminderZAdd, one plain ZADD into a
// schedule of the same size, as the reference. Besides the wall time each
// reports redis-µs/op, the time Redis itself spent executing the commands
// sent (rediscost_test.go): that is what "O(log n)" is about, and the
// client, the network and a busy machine blur it much less. The figures
// of docs/performance.md were measured with up to a million scheduled and
// ten thousand due, on a Redis of its own (its statistics are the whole
// server's; a figure spoilt by another client is not reported):
//
//	redis-server --port 6391 --save '' --appendonly no --daemonize yes
//	REDIS_URL=redis://127.0.0.1:6391/0 go test ./bot/reminders/ -run '^$' \
//	    -bench Reminder -benchtime=10000x -args -reminders.scheduled=1000000
//
// With -benchtime=10000x, BenchmarkReminderBurst is exactly "10,000 due
// at once": every iteration is one reminder due now.

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

var benchScheduled = flag.Int("reminders.scheduled", 100_000,
	"reminders already in the schedule for the reminder benchmarks (1000000 takes about 100 MB of Redis)")

// benchNow is a fixed Tuesday morning; the scheduled reminders fall due
// over the following year, the burst at benchNow.
var benchNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// fillSchedule puts n reminders due over the next year in the schedule,
// as people who chose reminders leave them: only the schedule entries, in
// pipelines of 10,000 (their chat records are never read by these
// benchmarks, which never reach their due time).
func fillSchedule(b *testing.B, st *Store, n int) {
	b.Helper()
	ctx := context.Background()
	year := 365 * 24 * time.Hour.Milliseconds()
	for from := 0; from < n; from += 10_000 {
		pipe := st.rdb.Pipeline()
		for i := from; i < min(n, from+10_000); i++ {
			due := benchNow.UnixMilli() + 60_000 + int64(i)*year/int64(n)
			pipe.ZAdd(ctx, st.dueKey(), redis.Z{Score: float64(due), Member: member(int64(1e12)+int64(i), "api_14-20271201")})
		}
		if _, err := pipe.Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// benchStore connects to the real Redis with a fresh prefix and removes
// every key it made afterwards. It deletes with DEL, not UNLINK: Redis
// would free a million members in the background well into the next
// benchmark's timed loop, and nearly doubled its Redis-side cost.
func benchStore(b *testing.B) (*Store, *tripCounter, func(chats int)) {
	b.Helper()
	be, ok := redistest.Real(b)
	if !ok {
		b.Skip("REDIS_URL not set: reminders at scale need a real Redis")
	}
	trips := &tripCounter{}
	be.Client.AddHook(trips.hook())
	st := NewStore(be.Client, be.Prefix)
	chats := 0
	b.Cleanup(func() {
		ctx := context.Background()
		be.Client.Del(ctx, st.dueKey())
		for from := 0; from < chats; from += 1000 {
			var keys []string
			for i := from; i < min(chats, from+1000); i++ {
				keys = append(keys, st.chatKey(int64(i+1)))
			}
			be.Client.Del(ctx, keys...)
		}
	})
	return st, trips, func(n int) { chats = max(chats, n) }
}

// oneReminder is what a person's facts give: their API ends in three
// months, the reminder goes out on sendOn.
func oneReminder(sendOn time.Time) []flows.Reminder {
	return []flows.Reminder{{ID: "api_14-" + sendOn.Format("20060102"), Kind: "api_14", On: sendOn, Deadline: sendOn.AddDate(0, 0, 14)}}
}

func fixedAt(t time.Time) func(time.Time) time.Time { return func(time.Time) time.Time { return t } }

// BenchmarkReminderSchedule is one person choosing a reminder (Sync: read
// the chat's reminders, then one pipeline) while many are scheduled.
func BenchmarkReminderSchedule(b *testing.B) {
	st, trips, made := benchStore(b)
	fillSchedule(b, st, *benchScheduled)
	ctx := context.Background()
	when := benchNow.AddDate(0, 2, 0)
	cost := startCost(st.rdb, trips)
	b.ReportAllocs()
	chat := 0
	for b.Loop() {
		chat++
		if _, _, err := st.Sync(ctx, int64(chat), "fr", oneReminder(when), []string{"api_14"}, fixedAt(when), nil); err != nil {
			b.Fatal(err)
		}
	}
	made(chat)
	cost.report(b, chat, "zadd")
	b.ReportMetric(float64(*benchScheduled), "scheduled")
}

// BenchmarkReminderZAdd is the reference for the two others: one plain
// ZADD of a new member into the schedule, nothing else, so what Redis
// itself costs at that size (its sorted set is a skiplist: O(log n)).
func BenchmarkReminderZAdd(b *testing.B) {
	st, trips, _ := benchStore(b)
	fillSchedule(b, st, *benchScheduled)
	ctx := context.Background()
	due := float64(benchNow.AddDate(0, 2, 0).UnixMilli())
	cost := startCost(st.rdb, trips)
	chat := 0
	for b.Loop() {
		chat++
		if err := st.rdb.ZAdd(ctx, st.dueKey(), redis.Z{Score: due, Member: member(int64(chat), "api_14-20270201")}).Err(); err != nil {
			b.Fatal(err)
		}
	}
	cost.report(b, chat, "zadd")
	b.ReportMetric(float64(*benchScheduled), "scheduled")
}

// BenchmarkReminderBurst: b.N reminders fall due at once among the
// scheduled ones; the scheduler claims, reads and records them in batches
// as the bot's does (batches of 100, 16 sends side by side). Delivery is
// free here: the cost measured is the scheduler's and Redis's.
func BenchmarkReminderBurst(b *testing.B) {
	st, trips, made := benchStore(b)
	fillSchedule(b, st, *benchScheduled)
	ctx := context.Background()
	for i := 1; i <= b.N; i++ {
		if _, _, err := st.Sync(ctx, int64(i), "fr", oneReminder(benchNow), []string{"api_14"}, fixedAt(benchNow.Add(-time.Minute)), nil); err != nil {
			b.Fatal(err)
		}
	}
	made(b.N)
	var delivered atomic.Int64
	s := &Scheduler{
		Store: st, Clock: func() time.Time { return benchNow },
		Deliver: func(context.Context, int64, string, Item) error { delivered.Add(1); return nil },
		Log:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		Lease:   time.Minute, Batch: 100, Workers: 16,
	}
	cost := startCost(st.rdb, trips)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for delivered.Load() < int64(b.N) {
		n, err := s.Tick(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			b.Fatalf("%d of %d delivered, nothing more due", delivered.Load(), b.N)
		}
	}
	b.StopTimer()
	b.ReportMetric(time.Since(start).Seconds(), "burst-s")
	cost.report(b, b.N, "evalsha", "zrem")
	if left, _ := st.Scheduled(ctx); left != int64(*benchScheduled) {
		b.Errorf("%d left in the schedule, want the %d not yet due", left, *benchScheduled)
	}
}
