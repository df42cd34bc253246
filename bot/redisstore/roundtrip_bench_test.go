package redisstore_test

import (
	"context"
	"syscall"
	"testing"
	"time"

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
	cpu0 := processCPU()
	for b.Loop() {
		if err := be.Client.Ping(ctx).Err(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}

// processCPU is the user and system CPU time of this process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
