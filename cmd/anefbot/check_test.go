package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

const (
	goodDataKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
	checkSecret = "s3cret_webhook-TOKEN"
	teamGroup   = -1001234567890
)

// goodDeployment is the environment of a deployment ready to go live,
// against the fake Bot API and the given Redis.
func goodDeployment(api *telegramtest.Server, redisURL string) map[string]string {
	api.AddGroup(teamGroup, telegramtest.Group{Title: "Bénévoles", IsForum: true, BotStatus: "administrator", CanManageTopics: true})
	return map[string]string{
		"TELEGRAM_BOT_TOKEN":    telegramtest.Token,
		"TELEGRAM_API_ENDPOINT": api.Endpoint(),
		"REDIS_URL":             redisURL,
		"DATA_KEY":              goodDataKey,
		"ADMIN_IDS":             "42",
		"MODE":                  "webhook",
		"WEBHOOK_URL":           "https://bot.example.org/telegram",
		"WEBHOOK_SECRET":        checkSecret,
		"HANDOFF_GROUP_ID":      strconv.Itoa(teamGroup),
		"OPERATOR_NAME":         "Association Exemple",
		"OPERATOR_CONTACT":      "donnees@exemple.org",
	}
}

// check runs `anefbot check` as the binary does and returns its output.
func check(t *testing.T, env map[string]string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	m := &Main{Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Clock: time.Now}
	defer m.Close()
	err := m.Run(context.Background(), []string{"check"})
	s := out.String()
	for _, secret := range []string{telegramtest.Token, goodDataKey, checkSecret, "pw-of-redis"} {
		if strings.Contains(s, secret) || (err != nil && strings.Contains(err.Error(), secret)) {
			t.Errorf("check printed a secret:\n%s", s)
		}
	}
	return s, err
}

// A deployment with everything right passes: every point ✓ (Redis
// persistence may be a warning: the test Redis keeps nothing on disk).
func TestCheckGoodDeployment(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		out, err := check(t, goodDeployment(telegramtest.New(t), b.URL))
		if err != nil {
			t.Fatalf("check = %v, want success:\n%s", err, out)
		}
		for _, want := range []string{
			"✓ Bot API endpoint", "✓ bot token: accepted: the bot is @anefbot_test_bot", "✓ Redis: answers",
			"Redis persistence", "✓ DATA_KEY", "✓ webhook: https://bot.example.org/telegram",
			"– webhook delivery: no webhook registered yet", "✓ team group", "✓ directory", "✓ ADMIN_IDS", "✓ operator: Association Exemple", "Ready",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "✗") {
			t.Errorf("a ✗ in a good deployment:\n%s", out)
		}
	})
}

// Each broken point gives its own ✗ line with a fix, and the check fails.
func TestCheckBrokenPoints(t *testing.T) {
	b := redistest.Mini(t)
	badDir := filepath.Join(t.TempDir(), "directory.toml")
	if err := os.WriteFile(badDir, []byte("[[entry]]\nname = \"Sans département\"\nphone = \"01 02\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		change func(env map[string]string, api *telegramtest.Server)
		want   string
	}{
		{"no token", func(e map[string]string, _ *telegramtest.Server) {
			delete(e, "TELEGRAM_BOT_TOKEN")
			e["MODE"] = "polling"
		}, "✗ bot token: TELEGRAM_BOT_TOKEN is not set"},
		{"wrong token", func(e map[string]string, _ *telegramtest.Server) { e["TELEGRAM_BOT_TOKEN"] = "999:wrong-token" }, "✗ bot token: the Bot API refused the token"},
		{"endpoint unreachable", func(e map[string]string, _ *telegramtest.Server) {
			e["TELEGRAM_API_ENDPOINT"] = "http://" + closedAddr(t) + "/bot%s/%s"
		}, "✗ Bot API endpoint"},
		{"no Redis", func(e map[string]string, _ *telegramtest.Server) { delete(e, "REDIS_URL") }, "✗ Redis: REDIS_URL is not set"},
		{"Redis unreachable", func(e map[string]string, _ *telegramtest.Server) {
			e["REDIS_URL"] = "redis://:pw-of-redis@" + closedAddr(t) + "/0"
		}, "✗ Redis: does not answer"},
		{"no DATA_KEY", func(e map[string]string, _ *telegramtest.Server) { delete(e, "DATA_KEY") }, "✗ DATA_KEY: not set"},
		{"short DATA_KEY", func(e map[string]string, _ *telegramtest.Server) { e["DATA_KEY"] = "c2hvcnQ=" }, "✗ DATA_KEY: malformed"},
		{"webhook over http", func(e map[string]string, _ *telegramtest.Server) {
			e["WEBHOOK_URL"] = "http://bot.example.org/telegram"
		}, "✗ webhook: WEBHOOK_URL"},
		{"webhook secret with a space", func(e map[string]string, _ *telegramtest.Server) { e["WEBHOOK_SECRET"] = "two words" }, "✗ webhook: WEBHOOK_SECRET"},
		{"webhook secret too long", func(e map[string]string, _ *telegramtest.Server) { e["WEBHOOK_SECRET"] = strings.Repeat("a", 257) }, "✗ webhook: WEBHOOK_SECRET"},
		{"webhook unreachable", func(e map[string]string, api *telegramtest.Server) {
			api.SetWebhook(e["WEBHOOK_URL"], "Connection refused", time.Now().Add(-10*time.Minute))
		}, "✗ webhook delivery: Telegram could not deliver to the webhook 10m0s ago: Connection refused"},
		{"group unknown to the bot", func(e map[string]string, _ *telegramtest.Server) { e["HANDOFF_GROUP_ID"] = "-1009999" }, "✗ team group: the bot cannot see this group"},
		{"group not a forum", func(e map[string]string, api *telegramtest.Server) {
			api.AddGroup(teamGroup, telegramtest.Group{BotStatus: "administrator", CanManageTopics: true})
		}, "✗ team group: the group is not a forum"},
		{"bot a plain member", func(e map[string]string, api *telegramtest.Server) {
			api.AddGroup(teamGroup, telegramtest.Group{IsForum: true, BotStatus: "member"})
		}, "✗ team group: the bot cannot manage topics (it is member)"},
		{"admin without topics", func(e map[string]string, api *telegramtest.Server) {
			api.AddGroup(teamGroup, telegramtest.Group{IsForum: true, BotStatus: "administrator"})
		}, "✗ team group: the bot cannot manage topics"},
		{"group ID not a group", func(e map[string]string, _ *telegramtest.Server) { e["HANDOFF_GROUP_ID"] = "team" }, "✗ team group: HANDOFF_GROUP_ID"},
		{"bad directory", func(e map[string]string, _ *telegramtest.Server) { e["HANDOFF_DIRECTORY"] = badDir }, "✗ directory"},
		{"no admins", func(e map[string]string, _ *telegramtest.Server) { delete(e, "ADMIN_IDS") }, "✗ ADMIN_IDS: not set"},
		{"no operator", func(e map[string]string, _ *telegramtest.Server) { delete(e, "OPERATOR_NAME") }, "✗ operator"},
		{"no operator contact", func(e map[string]string, _ *telegramtest.Server) { delete(e, "OPERATOR_CONTACT") }, "✗ operator"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := telegramtest.New(t)
			env := goodDeployment(api, b.URL)
			tc.change(env, api)
			out, err := check(t, env)
			if !errors.Is(err, ErrCheckFailed) {
				t.Errorf("check = %v, want ErrCheckFailed", err)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
			lines := strings.Split(out, "\n")
			for i, l := range lines {
				if strings.HasPrefix(l, "✗") && (i+1 == len(lines) || !strings.HasPrefix(lines[i+1], "    fix: ")) {
					t.Errorf("%q without its fix", l)
				}
			}
		})
	}
}

// Redis persistence: ✓ with AOF or RDB snapshots on, a warning (not a ✗)
// without, on a private redis-server.
func TestCheckRedisPersistence(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		if redistest.Required() {
			t.Fatal("redis-server is required")
		}
		t.Skip("redis-server not installed")
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--appendonly", "yes", "--save", ""}, "✓ Redis persistence: AOF on"},
		{[]string{"--appendonly", "no", "--save", "900 1"}, "✓ Redis persistence: RDB snapshots on"},
		{[]string{"--appendonly", "no", "--save", ""}, "! Redis persistence: neither AOF nor RDB"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			url := privateRedis(t, tc.args...)
			out, err := check(t, goodDeployment(telegramtest.New(t), url))
			if err != nil {
				t.Fatalf("check = %v:\n%s", err, out)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
		})
	}
}

// privateRedis starts a redis-server of its own for the test, in a
// temporary directory, and returns its URL.
func privateRedis(t *testing.T, args ...string) string {
	t.Helper()
	addr := closedAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	cmd := exec.Command("redis-server", append([]string{"--port", port, "--bind", "127.0.0.1", "--dir", dir}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatal("private redis-server did not start")
		}
		time.Sleep(20 * time.Millisecond) // polling the server's start
	}
	return "redis://" + addr + "/0"
}

// closedAddr is a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// Once the bot runs, the check reads Telegram's view of the webhook: a
// delivery that works is ✓, an old error is no longer held against it,
// another URL is a warning.
func TestCheckWebhookDelivery(t *testing.T) {
	b := redistest.Mini(t)
	for _, tc := range []struct {
		name, url, lastError string
		age                  time.Duration
		want                 string
	}{
		{"delivering", "https://bot.example.org/telegram", "", 0, "✓ webhook delivery: Telegram delivers to WEBHOOK_URL"},
		{"error two days ago", "https://bot.example.org/telegram", "Connection refused", 48 * time.Hour, "✓ webhook delivery"},
		{"another URL", "https://old.example.org/hook", "", 0, "! webhook delivery: Telegram delivers to another URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := telegramtest.New(t)
			env := goodDeployment(api, b.URL)
			api.SetWebhook(tc.url, tc.lastError, time.Now().Add(-tc.age))
			out, err := check(t, env)
			if err != nil {
				t.Fatalf("check = %v:\n%s", err, out)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
		})
	}
}
