// Command anefbot-load measures the real bot under load. It starts a fake
// Telegram Bot API on loopback that plays many people in a closed loop
// (each presses a random button of the latest keyboard, types a date where
// one is asked, sometimes types text or a command, restarts at the end of
// a path; language codes mixed), runs the anefbot binary against it with a
// real Redis, and prints, for each number of people: updates/s, latency
// from update to first reply (p50/p90/p99), bot CPU per update, peak
// memory, Redis commands and CPU per update, messages too long for
// Telegram, and the highest send rate per chat and overall.
//
//	go run ./cmd/anefbot-load -people 1000,10000,100000 -json load.json
//
// With -webhook the bot runs in webhook mode and the fake posts the
// updates to it as Telegram would; -replicas N runs N bot processes on
// the same Redis, each update posted to one of them at random.
//
// Redis figures are read from INFO: they are exact only on a Redis that
// nothing else uses during the run. Linux only (CPU and memory are read
// from /proc). See docs/performance.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/redis/go-redis/v9"
)

// options are the command-line flags.
type options struct {
	people   []int
	think    time.Duration
	warmup   time.Duration
	duration time.Duration
	quiet    time.Duration
	giveUp   time.Duration
	redisURL string
	botPath  string
	workers  int
	env      []string
	jsonOut  string
	strict   bool
	burst    int
	trips    bool
	webhook  bool
	replicas int
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "anefbot-load:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("anefbot-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	people := fs.String("people", "1000,10000,100000", "numbers of simulated people, one run each, comma-separated")
	fs.DurationVar(&o.think, "think", 5*time.Second, "mean time a person takes between the end of the bot's turn and their next move (exponential); 0 for none")
	fs.DurationVar(&o.warmup, "warmup", 5*time.Second, "time before measuring, while everyone starts")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "measurement window of each run")
	fs.DurationVar(&o.quiet, "quiet", 150*time.Millisecond, "a turn that ends without a keyboard is over after this silence")
	fs.DurationVar(&o.giveUp, "give-up", time.Minute, "an update unanswered this long is counted as unanswered and the person moves on")
	fs.StringVar(&o.redisURL, "redis-url", or(os.Getenv("REDIS_URL"), "redis://127.0.0.1:6379/0"), "Redis the bot uses; use one nothing else uses for exact Redis figures")
	fs.StringVar(&o.botPath, "bot", "", "anefbot binary to run; empty: build ./cmd/anefbot of the current module")
	fs.IntVar(&o.workers, "workers", 0, "WORKERS of the bot; 0 for its default")
	fs.Func("env", "extra KEY=VALUE setting of the bot (repeatable), e.g. the outbox limits raised", func(s string) error {
		if !strings.Contains(s, "=") {
			return errors.New("want KEY=VALUE")
		}
		o.env = append(o.env, s)
		return nil
	})
	fs.StringVar(&o.jsonOut, "json", "", "write the results as JSON to this file (for the plot)")
	fs.IntVar(&o.burst, "burst", 0, "reminders falling due at once, 2 s into the measurement window (needs the reminders feature in the bot)")
	fs.BoolVar(&o.trips, "round-trips", false, "count the bot's Redis round trips through a proxy (adds some latency to every Redis call)")
	fs.BoolVar(&o.webhook, "webhook", false, "run the bot in webhook mode: the fake posts updates to it, as Telegram does, instead of answering getUpdates")
	fs.IntVar(&o.replicas, "replicas", 1, "bot processes on the same Redis, each update posted to one at random (more than 1 needs -webhook)")
	fs.BoolVar(&o.strict, "strict", false, "fail when a run answered nothing, left an update unanswered or sent a message too long for Telegram (for CI)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.replicas < 1 {
		return o, errors.New("-replicas: want 1 or more")
	}
	if o.replicas > 1 && !o.webhook {
		// Telegram refuses getUpdates from a second poller (409).
		return o, errors.New("-replicas: several replicas need -webhook")
	}
	for _, f := range strings.Split(*people, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-people: %q is not a positive number", f)
		}
		o.people = append(o.people, n)
	}
	return o, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Report is the JSON output: the machine, then one Run per crowd size.
type Report struct {
	Machine Machine `json:"machine"`
	Runs    []Run   `json:"runs"`
}

// Machine describes where the figures were measured.
type Machine struct {
	Cores        int      `json:"cores"`
	CPU          string   `json:"cpu"`
	Go           string   `json:"go"`
	Redis        string   `json:"redis"`
	ThinkSeconds float64  `json:"think_s"`
	Settings     []string `json:"settings,omitempty"`
	Date         string   `json:"date"`
}

// Run is the figures of one crowd size over the measurement window.
type Run struct {
	People int `json:"people"`
	// Mode is how the bot took updates: "polling" or "webhook".
	Mode string `json:"mode"`
	// Replicas is how many bot processes ran. The bot's CPU figures are
	// the sum over all of them; its memory figures are the largest of
	// any one of them.
	Replicas    int     `json:"replicas"`
	Seconds     float64 `json:"seconds"`
	Updates     int64   `json:"updates"`
	UpdatesPerS float64 `json:"updates_per_s"`
	P50ms       float64 `json:"p50_ms"`
	P90ms       float64 `json:"p90_ms"`
	P99ms       float64 `json:"p99_ms"`
	Replies     int     `json:"replies_timed"`
	BotCPUus    float64 `json:"bot_cpu_us_per_update"`
	RedisCPUus  float64 `json:"redis_cpu_us_per_update"`
	// BotCores is the bot's CPU time over the window's length: 1 is one
	// core busy all the time.
	BotCores float64 `json:"bot_cpu_cores"`
	// RedisBytesPerPerson is how much Redis grew during the run, per
	// person who started: sessions and every other key of the run
	// (de-duplication marks, rate-limit counters…).
	RedisBytesPerPerson float64 `json:"redis_bytes_per_person"`
	PeakRSSMiB          float64 `json:"bot_peak_rss_mib"`
	RSSMiB              float64 `json:"bot_rss_mib"`
	RedisCmds           float64 `json:"redis_commands_per_update"`
	// RedisCalls breaks RedisCmds down by command; commands run inside a
	// Lua script appear both under EVALSHA and under their own name.
	RedisCalls map[string]float64 `json:"redis_calls_per_update"`
	// APICalls is the bot's requests to the Bot API per update, by method
	// (getUpdates, sendMessage, answerCallbackQuery…), and APITotal their
	// sum: with Redis round trips, the network work an update costs. In
	// webhook mode APICalls also lists, marked "(in webhook answer)", the
	// calls the bot gave in its answers to posts; they are not requests and
	// not in APITotal.
	APICalls map[string]float64 `json:"api_calls_per_update"`
	APITotal float64            `json:"api_calls_per_update_total"`
	// RedisTrips is measured with -round-trips only.
	RedisTrips     float64 `json:"redis_round_trips_per_update,omitempty"`
	Messages       int64   `json:"messages"`
	TooLong        int     `json:"messages_too_long"`
	MaxPerChatPerS int     `json:"max_messages_per_chat_per_s"`
	MaxOverallPerS int     `json:"max_messages_per_s"`
	// Retried counts webhook posts answered other than 2xx (503: not
	// handled, deliver again) or not at all, each posted again after a
	// pause; RetriedPerUpdate is over Updates. 0 when polling.
	Retried          int64   `json:"retried_deliveries"`
	RetriedPerUpdate float64 `json:"retried_deliveries_per_update"`
	// Held counts updates the fake held back until their chat's previous
	// post was answered, as Telegram does (webhook only): how often one
	// chat would otherwise have been on two replicas at once.
	Held         int64 `json:"held_for_previous_of_chat,omitempty"`
	Unanswered   int64 `json:"unanswered"`
	BacklogAtEnd int   `json:"backlog_at_end"`
	// LoadAvg is the machine's 1-minute load average at the end: figures
	// taken while other work ran are not comparable.
	LoadAvg float64 `json:"load_avg"`
	// A reminder burst, when asked for: how many fell due, how many the
	// bot sent within the window, and how long after their due time the
	// last of them went out.
	Burst      int     `json:"burst,omitempty"`
	BurstSent  int64   `json:"burst_sent,omitempty"`
	BurstLastS float64 `json:"burst_last_s,omitempty"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	ropts, err := redis.ParseURL(o.redisURL)
	if err != nil {
		return errors.New("-redis-url: not a redis:// URL")
	}
	rdb := redis.NewClient(ropts)
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	bin := o.botPath
	if bin == "" {
		dir, err := os.MkdirTemp("", "anefbot-load")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if bin, err = buildBot(ctx, dir, stderr); err != nil {
			return err
		}
	}
	rep := Report{Machine: machine(ctx, rdb, o)}
	fmt.Fprintf(stdout, "%d cores (%s), %s, Redis %s, think %s\n", rep.Machine.Cores, rep.Machine.CPU, rep.Machine.Go, rep.Machine.Redis, o.think)
	for i, n := range o.people {
		if ctx.Err() != nil {
			break
		}
		r, err := runOnce(ctx, o, bin, rdb, n, int64(i+1)*1_000_000_000)
		if err != nil {
			return fmt.Errorf("%d people: %w", n, err)
		}
		rep.Runs = append(rep.Runs, r)
		printRuns(stdout, rep.Runs)
		if err := r.check(); o.strict && err != nil {
			return fmt.Errorf("%d people: %w", n, err)
		}
	}
	if o.jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(o.jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// check reports what no run may show, whatever the machine's speed.
func (r Run) check() error {
	switch {
	case r.Updates == 0 || r.Replies == 0:
		return errors.New("no update was taken and answered in the window")
	case r.Unanswered > 0:
		return fmt.Errorf("%d updates unanswered", r.Unanswered)
	case r.TooLong > 0:
		return fmt.Errorf("%d messages too long for Telegram", r.TooLong)
	}
	return nil
}

func buildBot(ctx context.Context, dir string, stderr io.Writer) (string, error) {
	bin := filepath.Join(dir, "anefbot")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/anefbot/anefbot/cmd/anefbot")
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build the bot: %w", err)
	}
	return bin, nil
}

func machine(ctx context.Context, rdb *redis.Client, o options) Machine {
	m := Machine{Cores: runtime.NumCPU(), CPU: "unknown", Go: runtime.Version(), Redis: redisVersion(ctx, rdb),
		ThinkSeconds: o.think.Seconds(), Settings: o.env, Date: time.Now().UTC().Format(time.DateOnly)}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				m.CPU = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return m
}

func printRuns(w io.Writer, runs []Run) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "people\tmode\treplicas\tload avg\tupdates/s\tp50 ms\tp90 ms\tp99 ms\tbot CPU µs/upd\tbot cores\tRedis CPU µs/upd\tpeak RSS MiB\tRedis cmds/upd\t>4096\tmax/chat/s\tmax/s\tretries/upd\tunanswered\t")
	for _, r := range runs {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%.1f\t%.0f\t%.1f\t%.1f\t%.1f\t%.0f\t%.2f\t%.0f\t%.1f\t%.2f\t%d\t%d\t%d\t%.3f\t%d\t\n",
			r.People, r.Mode, r.Replicas, r.LoadAvg, r.UpdatesPerS, r.P50ms, r.P90ms, r.P99ms, r.BotCPUus, r.BotCores, r.RedisCPUus, r.PeakRSSMiB,
			r.RedisCmds, r.TooLong, r.MaxPerChatPerS, r.MaxOverallPerS, r.RetriedPerUpdate, r.Unanswered)
	}
	tw.Flush()
	for _, r := range runs {
		if r.Burst > 0 {
			fmt.Fprintf(w, "%d people: %d of %d reminders due at once sent in the window, the last %.1f s after their time\n", r.People, r.BurstSent, r.Burst, r.BurstLastS)
		}
	}
	last := runs[len(runs)-1]
	if last.Mode == "webhook" {
		fmt.Fprintf(w, "Webhook posts (%d people, %d replicas): %d delivered again (503 or no answer), %d updates held until their chat's previous post was answered\n",
			last.People, last.Replicas, last.Retried, last.Held)
	}
	if last.RedisTrips > 0 {
		fmt.Fprintf(w, "Redis round trips per update (%d people): %.2f\n", last.People, last.RedisTrips)
	}
	fmt.Fprintf(w, "Bot API calls per update (%d people): %.2f:", last.People, last.APITotal)
	for _, name := range slices.Sorted(maps.Keys(last.APICalls)) {
		fmt.Fprintf(w, " %s %.2f", name, last.APICalls[name])
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Redis memory grew by %.0f bytes per person who started (%d people)\n", last.RedisBytesPerPerson, last.People)
	fmt.Fprintf(w, "Redis calls per update (%d people):", last.People)
	for _, name := range slices.Sorted(maps.Keys(last.RedisCalls)) {
		fmt.Fprintf(w, " %s %.2f", name, last.RedisCalls[name])
	}
	fmt.Fprintln(w)
}

// runOnce runs the bot against n people and measures one window.
func runOnce(ctx context.Context, o options, bin string, rdb *redis.Client, n int, firstChat int64) (Run, error) {
	var c *crowd
	api, err := newFakeAPI(func(m sent) { c.received(m) })
	if err != nil {
		return Run{}, err
	}
	defer api.close()
	lat := &latencies{}
	c = newCrowd(api, n, o.think, o.quiet, o.giveUp, firstChat, lat)
	prefix := fmt.Sprintf("load%08x:", rand.Uint32())
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		_, _ = deleteKeys(cctx, rdb, prefix)
	}()
	var due time.Time
	if o.burst > 0 {
		// Due 2 s into the window (the bot takes a moment to start).
		due = time.Now().Add(o.warmup + 3*time.Second)
		if err := seedBurst(ctx, rdb, prefix, o.burst, due); err != nil {
			return Run{}, fmt.Errorf("seed reminders: %w", err)
		}
	}
	before, err := readRedis(ctx, rdb)
	if err != nil {
		return Run{}, err
	}
	botRedis, trips := o.redisURL, func() int64 { return 0 }
	if o.trips {
		proxy, err := newTripProxy(rdb.Options().Addr)
		if err != nil {
			return Run{}, err
		}
		defer proxy.close()
		if botRedis, err = proxy.url(o.redisURL); err != nil {
			return Run{}, err
		}
		trips = proxy.trips.Load
	}
	bots, err := startBots(bin, o, api.endpoint(), botRedis, prefix)
	if err != nil {
		return Run{}, err
	}
	defer bots.stop()
	if err := bots.wait(ctx, api); err != nil {
		return Run{}, err
	}
	if o.webhook {
		hook := newWebhookSender(bots.urls, bots.secret, int(api.maxConns.Load()))
		hook.inAnswer = api.answered
		api.webhook.Store(hook)
		// Runs before the bots stop: deliveries cut by their shutdown
		// are not retried.
		defer hook.close()
	}
	c.start(max(o.think, time.Second))
	defer c.stop()
	if !sleep(ctx, o.warmup) {
		return Run{}, ctx.Err()
	}
	r, err := measure(ctx, o, api, c, lat, rdb, bots.pids(), n, trips)
	if after, aerr := readRedis(ctx, rdb); aerr == nil && c.started.Load() > 0 {
		r.RedisBytesPerPerson = float64(after.memory-before.memory) / float64(c.started.Load())
	}
	if o.burst > 0 {
		r.Burst, r.BurstSent = o.burst, api.burst.sent.Load()
		if last := api.burst.last.Load(); last > 0 {
			r.BurstLastS = time.Unix(0, last).Sub(due).Seconds()
		}
	}
	return r, err
}

func measure(ctx context.Context, o options, api *fakeAPI, c *crowd, lat *latencies, rdb *redis.Client, pids []int, n int, trips func() int64) (Run, error) {
	t0 := time.Now()
	lat.window(t0, t0.Add(o.duration))
	api.stats.reset()
	cpu0, err := procsCPU(pids)
	if err != nil {
		return Run{}, err
	}
	red0, err := readRedis(ctx, rdb)
	if err != nil {
		return Run{}, err
	}
	up0, un0, trips0, calls0 := api.handedOut(), c.unanswered.Load(), trips(), api.calls()
	retried0, held0 := api.posts()
	if !sleep(ctx, o.duration) {
		return Run{}, ctx.Err()
	}
	elapsed := time.Since(t0)
	cpu1, err := procsCPU(pids)
	if err != nil {
		return Run{}, err
	}
	red1, err := readRedis(ctx, rdb)
	if err != nil {
		return Run{}, err
	}
	rss, peak, err := procsMemory(pids)
	if err != nil {
		return Run{}, err
	}
	r := Run{People: n, Mode: o.mode(), Replicas: len(pids), Seconds: elapsed.Seconds(), Updates: api.handedOut() - up0,
		PeakRSSMiB: mib(peak), RSSMiB: mib(rss), Unanswered: c.unanswered.Load() - un0, BacklogAtEnd: api.backlog(),
	}
	retried1, held1 := api.posts()
	r.Retried, r.Held = retried1-retried0, held1-held0
	r.UpdatesPerS = float64(r.Updates) / elapsed.Seconds()
	r.LoadAvg = loadAvg()
	r.BotCores = (cpu1 - cpu0).Seconds() / elapsed.Seconds()
	ps, count := lat.percentiles(0.5, 0.9, 0.99)
	r.P50ms, r.P90ms, r.P99ms, r.Replies = ms(ps[0]), ms(ps[1]), ms(ps[2]), count
	if r.Updates > 0 {
		u := float64(r.Updates)
		r.RetriedPerUpdate = float64(r.Retried) / u
		r.BotCPUus = float64((cpu1 - cpu0).Microseconds()) / u
		r.RedisCPUus = float64((red1.cpu - red0.cpu).Microseconds()) / u
		r.RedisCmds = float64(red1.commands-red0.commands-2) / u // minus the tool's own INFO
		if o.trips {
			r.RedisTrips = float64(trips()-trips0) / u
		}
		r.APICalls = map[string]float64{}
		for method, n := range api.calls() {
			if d := n - calls0[method]; d > 0 {
				r.APICalls[method] = math.Round(float64(d)/u*100) / 100
				if !strings.HasSuffix(method, inAnswerSuffix) {
					r.APITotal += float64(d) / u
				}
			}
		}
		r.APITotal = math.Round(r.APITotal*100) / 100
		r.RedisCalls = map[string]float64{}
		for name, n := range red1.calls {
			if d := n - red0.calls[name]; d > 0 && name != "info" {
				r.RedisCalls[name] = math.Round(float64(d)/u*100) / 100
			}
		}
	}
	f := api.stats.figures()
	r.Messages, r.TooLong, r.MaxPerChatPerS, r.MaxOverallPerS = f.Messages, f.TooLong, f.MaxPerChatPerS, f.MaxOverallPerS
	return r, nil
}

func mib(b int64) float64        { return float64(b) / (1 << 20) }
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}
