package main

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/intake"
	"github.com/anefbot/anefbot/bot/outbox"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// clusterAddrs are the nodes of a Redis Cluster to test against
// (.ci/steps/20-redis-cluster.sh starts one); the tests skip without.
func clusterAddrs(t *testing.T) string {
	addrs := os.Getenv("REDIS_CLUSTER_ADDRS")
	if addrs == "" {
		t.Skip("REDIS_CLUSTER_ADDRS not set")
	}
	return addrs
}

// On a Redis Cluster of several masters the whole bot works: a
// conversation to its plan (sessions, rate limits, reminders, the
// intake's scripts) and the webhook's de-duplication, with no CROSSSLOT
// error anywhere.
func TestRedisCluster(t *testing.T) {
	addrs := clusterAddrs(t)
	backend := redistest.Backend{Name: "cluster", Prefix: redistest.Prefix()}
	env := map[string]string{"REDIS_URL": "", "REDIS_ADDRS": addrs, "OUTBOX_CHAT_BURST": "20"}

	t.Run("conversation", func(t *testing.T) {
		h := startBot(t, backend, env)
		p := telegramtest.User{ID: 6101, Lang: "en"}
		h.api.PushText(p, "/start")
		waitFor(t, h.api, p, "What is your situation?")
		n := len(h.api.Messages(p.ID))
		h.press(p, "« attestation de dépôt »")
		h.expect(p, n+1, "end date of your residence permit")
		h.api.PushText(p, "15/03/2027")
		h.expect(p, n+2, "You wrote: 15/03/2027")
		h.press(p, "Yes")
		h.expect(p, n+3, "On what date did you file")
		h.api.PushText(p, "20/11/2026")
		h.expect(p, n+4, "You wrote: 20/11/2026")
		h.press(p, "Yes")
		h.expect(p, n+5, "asked you for documents")
		h.press(p, "No, my file is complete")
		h.expect(p, n+6, "Your plan")
	})

	t.Run("webhook redelivery", func(t *testing.T) {
		api := telegramtest.New(t)
		r := startReplica(t, api, backend, env)
		p := telegramtest.User{ID: 6102, Lang: "en"}
		start := textUpdate(api, 800001, p, "/start")
		for range 2 {
			must(t, post(t, r.url, testSecret, start) == http.StatusOK, "delivery refused")
		}
		if n := strings.Count(strings.Join(texts(api, p.ID), "\n"), "Hello! I am anefbot"); n != 1 {
			t.Errorf("greeted %d times, want once", n)
		}
	})

	t.Run("intake and book on many slots", func(t *testing.T) {
		c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(addrs, ",")})
		defer c.Close()
		ctx := context.Background()
		book := outbox.NewBook(c, backend.Prefix, time.Hour)
		g := intake.New(c, intake.Options{Prefix: backend.Prefix, Clear: []func(int64) string{book.Key}})
		for chat := int64(1); chat <= 50; chat++ { // spread over the slots
			if err := book.Mark(ctx, chat); err != nil {
				t.Fatal(err)
			}
			u := bot.Update{ID: 1_000_000 + chat, ChatID: chat}
			token, dup, err := g.Hold(ctx, u)
			if err != nil || dup {
				t.Fatalf("chat %d: hold = %v, dup %v", chat, err, dup)
			}
			if err := g.Done(ctx, u, token, true); err != nil {
				t.Fatalf("chat %d: %v", chat, err)
			}
			if gone, err := book.Unreachable(ctx, chat); err != nil || gone {
				t.Fatalf("chat %d: mark not cleared by the update (%v)", chat, err)
			}
		}
	})
}

// Through Sentinel (.ci/steps/22-redis-sentinel.sh starts one watching the
// CI's Redis as master "anefbot-ci"), the bot finds the master and works.
func TestRedisSentinel(t *testing.T) {
	addrs := os.Getenv("REDIS_SENTINEL_ADDRS")
	if addrs == "" {
		t.Skip("REDIS_SENTINEL_ADDRS not set")
	}
	backend := redistest.Backend{Name: "sentinel", Prefix: redistest.Prefix()}
	h := startBot(t, backend, map[string]string{"REDIS_URL": "", "REDIS_ADDRS": addrs, "REDIS_MASTER_NAME": "anefbot-ci"})
	p := telegramtest.User{ID: 6201, Lang: "en"}
	h.api.PushText(p, "/start")
	waitFor(t, h.api, p, "What is your situation?")
	n := len(h.api.Messages(p.ID))
	h.press(p, "« attestation de dépôt »")
	h.expect(p, n+1, "end date of your residence permit")
}
