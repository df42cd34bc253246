package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// logBuffer keeps what the bot logs, for a test to count.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), s)
}

// faultBot is one run of the real program against a fake Bot API and a
// Redis that outlive it, so a test can stop it and start another.
type faultBot struct {
	log  *logBuffer
	stop func()
	// running is closed when Run returns.
	running chan struct{}
}

// shortPauses make every retry quick: an outage of a second is many
// more tries than the old give-up allowed.
var shortPauses = &Pauses{Min: 10 * time.Millisecond, Max: 100 * time.Millisecond, Sweep: 100 * time.Millisecond}

func runFaultBot(t *testing.T, api *telegramtest.Server, b redistest.Backend, env map[string]string, change func(*Main)) *faultBot {
	t.Helper()
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN": telegramtest.Token, "TELEGRAM_API_ENDPOINT": api.Endpoint(),
		"REDIS_URL": b.URL, "REDIS_PREFIX": b.Prefix, "LOG_LEVEL": "warn",
		"OUTBOX_RATE": "1000", "OUTBOX_CHAT_RATE": "100", "OUTBOX_CHAT_BURST": "100",
		"TYPING_AFTER": "0s", "SHUTDOWN_TIMEOUT": "1s", "CHAT_LEASE": "2s",
	}
	for k, v := range env {
		vars[k] = v
	}
	fb := &faultBot{log: &logBuffer{}, running: make(chan struct{})}
	m := &Main{
		Getenv: func(k string) string { return vars[k] },
		Stdin:  strings.NewReader(""), Stdout: fb.log, Stderr: fb.log,
		Clock: func() time.Time { return testNow }, Pauses: shortPauses,
	}
	if change != nil {
		change(m)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var runErr error
	go func() { runErr = m.Run(ctx, nil); m.Close(); close(fb.running) }()
	var once sync.Once
	fb.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-fb.running:
				if runErr != nil {
					t.Errorf("bot stopped with: %v", runErr)
				}
			case <-time.After(15 * time.Second):
				t.Error("bot did not stop within 15s")
			}
		})
	}
	t.Cleanup(fb.stop)
	return fb
}

// eventually polls cond until it holds, or fails after 20s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 20s: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// countWith counts the messages to u that contain s.
func countWith(api *telegramtest.Server, u telegramtest.User, s string) int {
	n := 0
	for _, m := range api.Messages(u.ID) {
		if strings.Contains(m.Text, s) {
			n++
		}
	}
	return n
}

// pressLabel pushes a press on the latest button of u's chat whose label
// contains label.
func pressLabel(t *testing.T, api *telegramtest.Server, u telegramtest.User, label string) {
	t.Helper()
	pressOn(t, api, u, label)
}

const (
	helpText     = "I ask you questions"
	situation    = "What is your situation?"
	dateQuestion = "end date of your residence permit"
)

// One chat floods the bot (25 texts, under the rate limit) while the
// outbox paces its replies at one a second: another chat's /start is
// answered while the flood's replies are still coming out, not after.
func TestFloodDelaysOnlyItsChat(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		api := telegramtest.New(t)
		runFaultBot(t, api, b, map[string]string{"OUTBOX_CHAT_RATE": "1", "OUTBOX_CHAT_BURST": "3"}, nil)
		flood, other := telegramtest.User{ID: 8101, Lang: "en"}, telegramtest.User{ID: 8102, Lang: "en"}
		const texts = 25
		for range texts {
			api.PushText(flood, "/help")
		}
		// The other chat writes once the flood is being answered: with a
		// barrier between getUpdates batches, it would wait for all of it.
		eventually(t, "the flood being answered", func() bool { return len(api.Messages(flood.ID)) > 0 })
		api.PushText(other, "/start")
		eventually(t, "the other chat's /start answered", func() bool { return countWith(api, other, situation) == 1 })
		if got := len(api.Messages(flood.ID)); got >= texts/2 {
			t.Errorf("the flooding chat had %d of its %d replies before the other chat was answered: it held it up", got, texts)
		}
		eventually(t, "the flood's replies go on", func() bool { return len(api.Messages(flood.ID)) >= 5 })
	})
}

// A chat held by a replica that died (its lease still running) waits for
// the lease to end; other chats are answered meanwhile, and then the
// held chat too.
func TestStaleLeaseDelaysOnlyItsChat(t *testing.T) {
	b, ok := redistest.Real(t)
	if !ok {
		t.Skip("REDIS_URL not set: leases expire on a real Redis")
	}
	api := telegramtest.New(t)
	held, other := telegramtest.User{ID: 8201, Lang: "en"}, telegramtest.User{ID: 8202, Lang: "en"}
	lease := b.Prefix + "{c:" + strconv.FormatInt(held.ID, 10) + "}:lease"
	if err := b.Client.Set(context.Background(), lease, "a-replica-that-died", 1500*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	runFaultBot(t, api, b, nil, nil)
	api.PushText(held, "/start")
	// The held chat's update is confirmed to Telegram (kept in its inbox)
	// while its chat is held: polling goes on.
	eventually(t, "the held chat's update confirmed", func() bool { return slices.Max(append(api.Offsets(), 0)) >= 2 })
	api.PushText(other, "/start")
	eventually(t, "the other chat answered", func() bool { return countWith(api, other, situation) == 1 })
	if n := len(api.Messages(held.ID)); n != 0 {
		t.Fatalf("the held chat was answered (%d messages) while another replica held it", n)
	}
	if ttl := b.Client.PTTL(context.Background(), lease).Val(); ttl <= 0 {
		t.Logf("the lease ended before the other chat was answered (%v): the ordering is not shown", ttl)
	}
	eventually(t, "the held chat answered once its lease ended", func() bool { return countWith(api, held, situation) == 1 })
	// Looking at the held chat again and again did not count its update
	// again for the rate limit.
	rl := b.Prefix + "{c:" + strconv.FormatInt(held.ID, 10) + "}:rl"
	if n, err := b.Client.Get(context.Background(), rl).Int(); err != nil || n != 1 {
		t.Errorf("rate count of the held chat = %d (%v), want 1: its one update", n, err)
	}
}

// Redis stops for longer than the old give-up (about 30 s then: here
// many more tries than it allowed, with short pauses) while a person
// writes. Nothing is confirmed to Telegram meanwhile, the process stays
// up, /readyz says Redis is unreachable; when Redis is back (with its
// AOF), the person's messages are answered in order from where the
// conversation was.
func TestRedisOutageLosesNothing(t *testing.T) {
	srv := redistest.Private(t)
	api := telegramtest.New(t)
	metrics := freeAddr(t)
	fb := runFaultBot(t, api, srv.Backend, map[string]string{"METRICS_ADDR": metrics}, nil)
	p := telegramtest.User{ID: 8301, Lang: "en"}
	api.PushText(p, "/start")
	waitFor(t, api, p, "What is your situation?")
	pressLabel(t, api, p, "« attestation de dépôt »")
	waitFor(t, api, p, dateQuestion)
	before := len(api.Messages(p.ID))

	srv.Stop()
	confirmed := slices.Max(api.Offsets())
	api.PushText(p, "15/03/2027")
	api.PushText(p, "/help")
	eventually(t, "many tries to take the update", func() bool { return fb.log.count("offered again") >= 20 })
	code, body := get(t, "http://"+metrics+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "redis") {
		t.Errorf("/readyz during the outage = %d %q, want 503 naming redis", code, body)
	}
	select {
	case <-fb.running:
		t.Fatal("the bot stopped during the outage")
	default:
	}
	if got := slices.Max(api.Offsets()); got > confirmed {
		t.Errorf("offset %d asked during the outage (was %d): updates confirmed to Telegram without being kept", got, confirmed)
	}
	if n := len(api.Messages(p.ID)); n != before {
		t.Errorf("%d messages sent during the outage", n-before)
	}

	srv.Start()
	waitFor(t, api, p, "You wrote: 15/03/2027")
	waitFor(t, api, p, helpText)
	got := texts(api, p.ID)[before:]
	if len(got) < 2 || !strings.Contains(got[0], "You wrote: 15/03/2027") {
		t.Errorf("after the outage: %q, want the date read back first, then the help", got)
	}
	eventually(t, "/readyz ready again", func() bool { code, _ := get(t, "http://"+metrics+"/readyz"); return code == http.StatusOK })
}

// The Bot API fails (5xx, or connections dropped) for longer than the
// outbox retries one message while the bot answers a press with the date
// question. The session does not move past the question the person did
// not see: once the API is back, the update is handled again and the
// question arrives, once; the date typed next is read as its answer.
func TestBotAPIOutageKeepsTheSession(t *testing.T) {
	for name, status := range map[string]int{"502": http.StatusBadGateway, "dropped": telegramtest.Dropped} {
		t.Run(name, func(t *testing.T) {
			b := redistest.Mini(t)
			api := telegramtest.New(t)
			fb := runFaultBot(t, api, b, nil, nil)
			p := telegramtest.User{ID: 8401, Lang: "en"}
			api.PushText(p, "/start")
			waitFor(t, api, p, "What is your situation?")
			api.Down(status, "sendMessage")
			pressLabel(t, api, p, "« attestation de dépôt »")
			// The outbox tries a message 8 times, then gives up: three
			// give-ups at least.
			eventually(t, "three give-ups of the outbox", func() bool { return api.Calls("sendMessage") >= 2+3*8 })
			if n := fb.log.count("update not handled, trying again"); n < 2 {
				t.Errorf("update tried again %d times during the outage, want several", n)
			}
			api.Up()
			waitFor(t, api, p, dateQuestion)
			api.PushText(p, "15/03/2027")
			waitFor(t, api, p, "You wrote: 15/03/2027")
			if n := countWith(api, p, dateQuestion); n != 1 {
				t.Errorf("the date question arrived %d times, want once", n)
			}
		})
	}
}

// crashHook plays a process that dies after its replies went out and
// before the round trip that saves the step: once armed, the pipeline
// that marks an update handled never reaches Redis and never returns
// until released, and then fails.
type crashHook struct {
	armed   atomic.Bool
	hit     chan struct{}
	release chan struct{}
	once    sync.Once
}

func (h *crashHook) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h *crashHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (h *crashHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if h.armed.Load() && marksHandled(cmds) {
			h.once.Do(func() { close(h.hit) })
			<-h.release
			return errors.New("the process died")
		}
		return next(ctx, cmds)
	}
}

// marksHandled reports whether a pipeline writes an update's mark.
func marksHandled(cmds []redis.Cmder) bool {
	for _, c := range cmds {
		args := c.Args()
		if len(args) > 1 && strings.EqualFold(c.Name(), "set") && strings.Contains(args[1].(string), "{u:") {
			return true
		}
	}
	return false
}

// The process dies between sending a reply and saving the step. The
// next process answers the update again from the same state (the person
// sees that reply twice: the duplicate window), and the conversation
// goes on from there; nothing else is repeated.
func TestCrashBetweenReplyAndSave(t *testing.T) {
	srv := redistest.Private(t)
	api := telegramtest.New(t)
	hook := &crashHook{hit: make(chan struct{}), release: make(chan struct{})}
	first := runFaultBot(t, api, srv.Backend, map[string]string{"CHAT_LEASE": "1s"}, func(m *Main) { m.RedisHook = hook })
	p := telegramtest.User{ID: 8501, Lang: "en"}
	api.PushText(p, "/start")
	waitFor(t, api, p, "What is your situation?")
	hook.armed.Store(true)
	pressLabel(t, api, p, "« attestation de dépôt »")
	select {
	case <-hook.hit:
	case <-time.After(20 * time.Second):
		t.Fatal("the step was never saved")
	}
	waitFor(t, api, p, dateQuestion) // the reply went out
	// The press (update 2) was confirmed to Telegram: only the inbox has it.
	eventually(t, "the press confirmed", func() bool { return slices.Max(append(api.Offsets(), 0)) >= 3 })
	first.stop()
	close(hook.release)

	runFaultBot(t, api, srv.Backend, map[string]string{"CHAT_LEASE": "1s"}, nil)
	eventually(t, "the update answered again", func() bool { return countWith(api, p, dateQuestion) == 2 })
	api.PushText(p, "15/03/2027")
	waitFor(t, api, p, "You wrote: 15/03/2027")
	if n := countWith(api, p, "What is your situation?"); n != 1 {
		t.Errorf("the greeting's question arrived %d times, want once: only the interrupted update is answered again", n)
	}
}

// A 429 from getUpdates waits its retry_after (here 1 s), not the pause
// after other failures (10 ms in these tests), then the person is
// answered.
func TestGetUpdatesFloodWait(t *testing.T) {
	api := telegramtest.New(t)
	api.Fail("getUpdates", telegramtest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 1})
	api.PushText(telegramtest.User{ID: 8701, Lang: "en"}, "/start")
	runFaultBot(t, api, redistest.Mini(t), nil, nil)
	waitFor(t, api, telegramtest.User{ID: 8701}, situation)
	calls := api.CallTimes("getUpdates")
	if len(calls) < 2 {
		t.Fatalf("%d getUpdates calls", len(calls))
	}
	if gap := calls[1].Sub(calls[0]); gap < 900*time.Millisecond {
		t.Errorf("getUpdates asked again %v after a 429 with retry_after 1", gap)
	}
}

// A forwarded message is not taken as the person's own words, in either
// mode: at the date question, a forwarded date gets a short answer and
// the question again, and changes nothing; the date typed next is read.
func TestForwardedMessageChangesNothing(t *testing.T) {
	const forwarded = "I do not read forwarded messages"
	t.Run("polling", func(t *testing.T) {
		api := telegramtest.New(t)
		runFaultBot(t, api, redistest.Mini(t), nil, nil)
		p := telegramtest.User{ID: 8601, Lang: "en"}
		api.PushText(p, "/start")
		waitFor(t, api, p, "What is your situation?")
		pressLabel(t, api, p, "« attestation de dépôt »")
		waitFor(t, api, p, dateQuestion)
		api.PushForwarded(p, "15/03/2027")
		waitFor(t, api, p, forwarded)
		eventually(t, "the question shown again", func() bool { return countWith(api, p, dateQuestion) == 2 })
		if n := countWith(api, p, "You wrote"); n != 0 {
			t.Fatalf("the forwarded date was read as the person's answer")
		}
		api.PushText(p, "16/03/2027")
		waitFor(t, api, p, "You wrote: 16/03/2027")
	})
	t.Run("webhook", func(t *testing.T) {
		api := telegramtest.New(t)
		r := startReplica(t, api, redistest.Mini(t), nil)
		p := telegramtest.User{ID: 8602, Lang: "en"}
		must(t, post(t, r.url, testSecret, textUpdate(api, 700001, p, "/start")) == http.StatusOK, "/start refused")
		waitFor(t, api, p, "What is your situation?")
		body, _ := json.Marshal(map[string]any{"update_id": 700002, "message": api.Message(p, map[string]any{
			"text": "/restart", "forward_origin": map[string]any{"type": "user", "date": 1, "sender_user": map[string]any{"id": 5, "is_bot": false, "first_name": "X"}},
		})})
		must(t, post(t, r.url, testSecret, body) == http.StatusOK, "forwarded update refused")
		waitFor(t, api, p, forwarded)
		if n := countWith(api, p, "Hello! I am anefbot"); n != 1 {
			t.Errorf("a forwarded /restart was obeyed: %d greetings", n)
		}
	})
}
