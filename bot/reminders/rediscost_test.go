package reminders

// What a benchmark costs Redis itself, read from INFO. Command statistics
// give the microseconds Redis spent executing the commands, without the
// network or the client: the cost "O(log n)" is about. A busy machine still
// blurs them, when Redis loses its core in the middle of a command. The CPU
// time of Redis's main thread is not blurred by that wait, but adds reading
// requests and writing replies (most of it, on a virtual machine). Both are
// the difference of two readings, not CONFIG RESETSTAT, so they work where
// CONFIG is refused and leave a shared server's statistics alone.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot/redistest"
)

// commandStat is one line of INFO commandstats.
type commandStat struct {
	calls int64
	usec  int64
}

// serverStats is one reading of a Redis's statistics.
type serverStats struct {
	commands map[string]commandStat
	cpuUsec  int64 // main thread, user and system; -1 when not reported
}

// readStats reads the calls and microseconds of every command so far, and
// the CPU time of the main thread.
func readStats(ctx context.Context, c redis.UniversalClient) (serverStats, error) {
	info, err := c.Info(ctx, "commandstats", "cpu").Result()
	if err != nil {
		return serverStats{}, err
	}
	st := serverStats{commands: map[string]commandStat{}, cpuUsec: -1}
	for line := range strings.Lines(info) {
		// cmdstat_zadd:calls=3,usec=12,usec_per_call=4.00,rejected_calls=0,failed_calls=0
		// used_cpu_sys_main_thread:34.597100
		name, fields, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		if name == "used_cpu_sys_main_thread" || name == "used_cpu_user_main_thread" {
			sec, _ := strconv.ParseFloat(fields, 64)
			st.cpuUsec = max(st.cpuUsec, 0) + int64(sec*1e6)
			continue
		}
		name, found := strings.CutPrefix(name, "cmdstat_")
		if !found {
			continue
		}
		// Subcommands have lines of their own ("client|setinfo"); the
		// client knows them by the command's name.
		name, _, _ = strings.Cut(name, "|")
		s := st.commands[name]
		for f := range strings.SplitSeq(fields, ",") {
			k, v, _ := strings.Cut(f, "=")
			n, _ := strconv.ParseInt(v, 10, 64)
			switch k {
			case "calls":
				s.calls += n
			case "usec":
				s.usec += n
			}
		}
		st.commands[name] = s
	}
	return st, nil
}

// tripCounter counts requests to Redis (one per command or pipeline) and
// the commands sent, by name. Safe for concurrent use.
type tripCounter struct {
	mu    sync.Mutex
	trips int64
	sent  map[string]int64
}

func (h *tripCounter) count(_ context.Context, cmds []redis.Cmder) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.trips++
	if h.sent == nil {
		h.sent = map[string]int64{}
	}
	for _, c := range cmds {
		h.sent[c.Name()]++
	}
}

// reset forgets everything counted so far.
func (h *tripCounter) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.trips, h.sent = 0, nil
}

// snapshot returns the trips and a copy of the commands counted.
func (h *tripCounter) snapshot() (int64, map[string]int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	sent := make(map[string]int64, len(h.sent))
	for k, v := range h.sent {
		sent[k] = v
	}
	return h.trips, sent
}

// hook counts every round trip of the client it is added to.
func (h *tripCounter) hook() redistest.Trips { return redistest.Trips{Trip: h.count} }

// redisCost is a reading of Redis's command statistics taken before a
// benchmark's timed loop, with the client's counts started afresh.
type redisCost struct {
	rdb    redis.UniversalClient
	trips  *tripCounter
	before serverStats
	err    error
}

func startCost(rdb redis.UniversalClient, trips *tripCounter) *redisCost {
	before, err := readStats(context.Background(), rdb)
	trips.reset()
	return &redisCost{rdb: rdb, trips: trips, before: before, err: err}
}

// connectionSetup are the commands a client sends on a new connection
// (HELLO, CLIENT SETINFO): not the benchmark's work, and CLIENT SETINFO,
// unknown before Redis 7.2, is not counted by the servers that refuse it.
var connectionSetup = map[string]bool{"hello": true, "client": true}

// spentOn is what Redis spent on the commands sent since startCost.
type spentOn struct {
	usec      int64                  // executing them
	byCommand map[string]commandStat // each command's part, scripts' calls too
	cpuUsec   int64                  // main thread CPU; -1 when not reported
}

// spent returns what Redis spent on the commands sent since startCost.
// Commands that scripts call are not sent by the client and so not added
// twice; they are in byCommand, as the script's part. It fails when Redis
// counted more of a command than the client sent: some other client was
// using the same server, and the figures would be theirs as much as ours.
func (c *redisCost) spent() (spentOn, error) {
	if c.err != nil {
		return spentOn{}, c.err
	}
	_, sent := c.trips.snapshot()
	after, err := readStats(context.Background(), c.rdb)
	if err != nil {
		return spentOn{}, err
	}
	out := spentOn{byCommand: map[string]commandStat{}, cpuUsec: -1}
	if after.cpuUsec >= 0 && c.before.cpuUsec >= 0 {
		out.cpuUsec = after.cpuUsec - c.before.cpuUsec
	}
	for name, s := range after.commands {
		d := commandStat{calls: s.calls - c.before.commands[name].calls, usec: s.usec - c.before.commands[name].usec}
		if d.calls > 0 {
			out.byCommand[name] = d
		}
	}
	for name, n := range sent {
		if connectionSetup[name] {
			continue
		}
		if got := out.byCommand[name].calls; got > n {
			return spentOn{}, fmt.Errorf("Redis counted %d %s, this benchmark sent %d: another client is using the same server", got, name, n)
		}
		out.usec += out.byCommand[name].usec
	}
	return out, nil
}

// report adds roundtrips/op; redis-µs/op, what Redis spent executing the
// commands sent, per op; for each command named, its own part as
// "<name>-µs/op"; and redis-cpu-µs/op, the CPU time of Redis's main thread
// per op. Without command statistics (INFO refused, a shared server) it
// reports only the round trips and says why.
func (c *redisCost) report(b *testing.B, ops int, commands ...string) {
	b.Helper()
	trips, _ := c.trips.snapshot()
	b.ReportMetric(float64(trips)/float64(ops), "roundtrips/op")
	s, err := c.spent()
	if err != nil {
		b.Logf("no Redis-side cost: %v", err)
		return
	}
	b.ReportMetric(float64(s.usec)/float64(ops), "redis-µs/op")
	for _, name := range commands {
		b.ReportMetric(float64(s.byCommand[name].usec)/float64(ops), name+"-µs/op")
	}
	if s.cpuUsec >= 0 {
		b.ReportMetric(float64(s.cpuUsec)/float64(ops), "redis-cpu-µs/op")
	}
}
