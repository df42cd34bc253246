package redisstore_test

import (
	"context"
	"testing"

	"github.com/anefbot/anefbot/bot/internal/cputime"
	"github.com/anefbot/anefbot/bot/redistest"
)

// BenchmarkRoundTrip is the floor under every figure of the update path:
// what one Redis round trip (a PING through go-redis, to the real Redis of
// REDIS_URL, a process of its own) costs the bot's process in CPU, kernel
// included. An update through the whole bot makes two.
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench RoundTrip ./bot/redisstore/
func BenchmarkRoundTrip(b *testing.B) {
	be, ok := redistest.Real(b)
	if !ok {
		b.Skip("REDIS_URL not set: a round trip to a Redis in this process would count the server's CPU too")
	}
	ctx := context.Background()
	cpu0 := cputime.Process()
	for b.Loop() {
		if err := be.Client.Ping(ctx).Err(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cputime.Process()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}
