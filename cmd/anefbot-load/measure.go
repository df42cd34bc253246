package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// latencies collects update-to-first-reply times within the window.
type latencies struct {
	mu      sync.Mutex
	from    time.Time
	to      time.Time
	samples []time.Duration
}

func (l *latencies) window(from, to time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.from, l.to, l.samples = from, to, l.samples[:0]
}

func (l *latencies) add(d time.Duration, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.from.IsZero() && !at.Before(l.from) && at.Before(l.to) {
		l.samples = append(l.samples, d)
	}
}

// percentiles returns the given quantiles (0..1) and the sample count.
func (l *latencies) percentiles(qs ...float64) ([]time.Duration, int) {
	l.mu.Lock()
	s := slices.Clone(l.samples)
	l.mu.Unlock()
	slices.Sort(s)
	out := make([]time.Duration, len(qs))
	if len(s) == 0 {
		return out, 0
	}
	for i, q := range qs {
		out[i] = s[min(len(s)-1, int(q*float64(len(s))))]
	}
	return out, len(s)
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times; 100 on every
// Linux this runs on.
const clockTicks = 100

// procCPU returns the user+system CPU time a process has used.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces: fields start after its ')'.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0, fmt.Errorf("proc stat: %d fields", len(f))
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// procsCPU returns the CPU time several processes have used, summed.
func procsCPU(pids []int) (time.Duration, error) {
	var sum time.Duration
	for _, pid := range pids {
		d, err := procCPU(pid)
		if err != nil {
			return 0, err
		}
		sum += d
	}
	return sum, nil
}

// procsMemory returns the largest resident memory of several processes,
// now and at its peak: what one replica needs, not their sum.
func procsMemory(pids []int) (rss, peak int64, err error) {
	for _, pid := range pids {
		r, p, err := procMemory(pid)
		if err != nil {
			return 0, 0, err
		}
		rss, peak = max(rss, r), max(peak, p)
	}
	return rss, peak, nil
}

// procMemory returns a process's resident memory now and at its peak.
func procMemory(pid int) (rss, peak int64, err error) {
	fh, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			peak = kb << 10
		}
	}
	return rss, peak, sc.Err()
}

// loadAvg returns the 1-minute load average, or -1.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return -1
	}
	f, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return -1
	}
	return f
}

// redisCounters are what INFO says about the server's total work.
type redisCounters struct {
	commands int64            // commands processed, all clients, Lua's included
	cpu      time.Duration    // server CPU, user and system
	calls    map[string]int64 // per command (INFO commandstats)
	memory   int64            // used_memory, bytes
}

func readRedis(ctx context.Context, rdb *redis.Client) (redisCounters, error) {
	info, err := rdb.Info(ctx, "stats", "cpu", "memory", "commandstats").Result()
	if err != nil {
		return redisCounters{}, err
	}
	c := redisCounters{calls: map[string]int64{}}
	for _, line := range strings.Split(info, "\r\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		if name, ok := strings.CutPrefix(k, "cmdstat_"); ok {
			calls, _, _ := strings.Cut(strings.TrimPrefix(v, "calls="), ",")
			c.calls[name], _ = strconv.ParseInt(calls, 10, 64)
			continue
		}
		switch k {
		case "used_memory":
			c.memory, _ = strconv.ParseInt(v, 10, 64)
		case "total_commands_processed":
			c.commands, _ = strconv.ParseInt(v, 10, 64)
		case "used_cpu_sys", "used_cpu_user":
			f, _ := strconv.ParseFloat(v, 64)
			c.cpu += time.Duration(f * float64(time.Second))
		}
	}
	return c, nil
}

// redisVersion returns the server's version, for the report.
func redisVersion(ctx context.Context, rdb *redis.Client) string {
	info, err := rdb.Info(ctx, "server").Result()
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "redis_version:"); ok {
			return v
		}
	}
	return "unknown"
}

// deleteKeys removes every key under prefix, in batches.
func deleteKeys(ctx context.Context, rdb *redis.Client, prefix string) (int, error) {
	n := 0
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := rdb.Unlink(ctx, batch...).Err()
		n += len(batch)
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 1000 {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return n, err
	}
	return n, flush()
}
