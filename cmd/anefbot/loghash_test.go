package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/crypt"
	"github.com/anefbot/anefbot/bot/redistest"
)

// hashWith is the chat hash a replica configured with env would log.
func hashWith(t *testing.T, b redistest.Backend, env map[string]string, chat int64) string {
	t.Helper()
	cfg, err := LoadConfig(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	cfg.RedisPrefix = b.Prefix
	keys, err := crypt.ParseKeyring(string(cfg.DataKey), "")
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := logHashKey(context.Background(), &wiring{cfg: cfg, rdb: b.Client, keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	bot.SetChatHashKey(key)
	return bot.ChatHash(chat)
}

// The chat hash in logs is keyed: not the plain SHA-256 anyone can
// recompute over every Telegram ID, different under another deployment's
// key, and the same on two replicas of one deployment, whichever of the
// three sources the key comes from.
func TestChatHashIsKeyed(t *testing.T) {
	const chat = int64(987650007001)
	id := strconv.FormatInt(chat, 10)
	unkeyed := []string{}
	for _, s := range []string{id, "anefbot-chat:" + id} {
		sum := sha256.Sum256([]byte(s))
		unkeyed = append(unkeyed, hex.EncodeToString(sum[:]))
	}
	keyA, keyB := "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	dataA, dataB := "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "HxwdHh8QERITFBUWFxgZGhsMDQ4PCAkKCwQFBgcAAQI="
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		other := b
		other.Prefix = redistest.Prefix() // another deployment on the same server
		t.Cleanup(func() { b.Client.Del(context.Background(), logHashRedisKey(other.Prefix)) })
		cases := []struct {
			name         string
			one, another map[string]string
			otherRedis   bool
		}{
			{"LOG_HASH_KEY", map[string]string{"LOG_HASH_KEY": keyA}, map[string]string{"LOG_HASH_KEY": keyB}, false},
			{"DATA_KEY", map[string]string{"DATA_KEY": dataA}, map[string]string{"DATA_KEY": dataB}, false},
			{"redis", map[string]string{}, map[string]string{}, true},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				first := hashWith(t, b, c.one, chat)
				second := hashWith(t, b, c.one, chat) // another replica, same settings and Redis
				if first != second {
					t.Errorf("two replicas log chat %s as %s and %s", id, first, second)
				}
				for _, u := range unkeyed {
					if strings.HasPrefix(u, first) {
						t.Errorf("the hash %s is a plain SHA-256 of the chat ID", first)
					}
				}
				where := b
				if c.otherRedis {
					where = other
				}
				if h := hashWith(t, where, c.another, chat); h == first {
					t.Errorf("another key gives the same hash %s", h)
				}
			})
		}
	})
}

// Telegram's rule for secret_token is checked at start-up, and the error
// does not repeat the secret.
func TestWebhookSecretRule(t *testing.T) {
	base := map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "MODE": "webhook", "WEBHOOK_URL": "https://bot.example/hook"}
	for _, c := range []struct {
		secret string
		ok     bool
	}{
		{"abc_DEF-123", true},
		{strings.Repeat("a", 256), true},
		{strings.Repeat("a", 257), false},
		{"has space", false},
		{"pässword", false},
		{"semi;colon", false},
	} {
		env := map[string]string{"WEBHOOK_SECRET": c.secret}
		for k, v := range base {
			env[k] = v
		}
		_, err := LoadConfig(envOf(env))
		if c.ok != (err == nil) {
			t.Errorf("WEBHOOK_SECRET %q: ok %v, got %v", c.secret, c.ok, err)
		}
		if err != nil && strings.Contains(err.Error(), c.secret) {
			t.Errorf("the error shows the secret: %v", err)
		}
	}
}

// A LOG_HASH_KEY too short to keep hashes secret is refused at start-up,
// without being printed.
func TestLogHashKeyTooShort(t *testing.T) {
	_, err := LoadConfig(envOf(map[string]string{"LOG_HASH_KEY": "tiny-secret"}))
	if err == nil || !strings.Contains(err.Error(), "LOG_HASH_KEY") || strings.Contains(err.Error(), "tiny-secret") {
		t.Errorf("LOG_HASH_KEY=tiny-secret: err = %v", err)
	}
	if _, err := LoadConfig(envOf(map[string]string{"LOG_HASH_KEY": "sixteen-chars-ok"})); err != nil {
		t.Errorf("a 16-character key refused: %v", err)
	}
}
