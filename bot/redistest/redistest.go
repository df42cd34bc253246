// Package redistest gives tests a Redis to run against: always the
// embedded miniredis, and also the real server named by REDIS_URL when it
// is set. With ANEFBOT_REQUIRE_REDIS=1 (as CI sets it) a missing or
// unreachable real Redis fails the test instead of skipping it.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Backend is one Redis a test runs against.
type Backend struct {
	Name   string
	URL    string // redis:// URL of the server, for programs under test
	Client redis.UniversalClient
	// Prefix is a key prefix unique to this test, so tests sharing a real
	// server never see each other's keys.
	Prefix string
	// Mini is the embedded server, nil for a real one; tests use it to
	// move time forward.
	Mini *miniredis.Miniredis
}

// Required reports whether real-Redis tests must run.
func Required() bool { return os.Getenv("ANEFBOT_REQUIRE_REDIS") == "1" }

// Mini starts an embedded Redis for the test.
func Mini(t testing.TB) Backend {
	t.Helper()
	m := miniredis.RunT(t)
	c := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { c.Close() })
	return Backend{Name: "miniredis", URL: "redis://" + m.Addr() + "/0", Client: c, Prefix: Prefix(), Mini: m}
}

// Real connects to REDIS_URL. It skips when REDIS_URL is unset, unless
// Required, in which case it fails, as it does when Redis does not answer.
func Real(t testing.TB) (Backend, bool) {
	t.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		if Required() {
			t.Fatal("ANEFBOT_REQUIRE_REDIS=1 but REDIS_URL is not set")
		}
		return Backend{}, false
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	c := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		if Required() {
			t.Fatalf("real Redis required but unreachable: %v", err)
		}
		t.Logf("REDIS_URL set but unreachable, skipping real Redis: %v", err)
		return Backend{}, false
	}
	b := Backend{Name: "redis", URL: url, Client: c, Prefix: Prefix()}
	t.Cleanup(func() {
		deletePrefix(c, b.Prefix)
		c.Close()
	})
	return b, true
}

// Each runs fn against miniredis and, when available, the real Redis,
// and a Redis Cluster when REDIS_CLUSTER_ADDRS names its nodes (the CI
// step that starts one sets it): there, a script or transaction over
// keys of two slots fails with CROSSSLOT.
func Each(t *testing.T, fn func(t *testing.T, b Backend)) {
	t.Helper()
	t.Run("miniredis", func(t *testing.T) { fn(t, Mini(t)) })
	t.Run("redis", func(t *testing.T) {
		b, ok := Real(t)
		if !ok {
			t.Skip("REDIS_URL not set")
		}
		fn(t, b)
	})
	if os.Getenv("REDIS_CLUSTER_ADDRS") != "" {
		t.Run("cluster", func(t *testing.T) { fn(t, Cluster(t)) })
	}
}

// Cluster connects to the Redis Cluster whose nodes REDIS_CLUSTER_ADDRS
// lists (comma-separated host:port); it fails the test when they do not
// answer.
func Cluster(t testing.TB) Backend {
	t.Helper()
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(os.Getenv("REDIS_CLUSTER_ADDRS"), ",")})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		t.Fatalf("Redis Cluster unreachable: %v", err)
	}
	b := Backend{Name: "cluster", Client: c, Prefix: Prefix()}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = c.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			deletePrefix(node, b.Prefix)
			return nil
		})
		c.Close()
	})
	return b
}

// Prefix returns a random key prefix.
func Prefix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "t" + hex.EncodeToString(b[:]) + ":"
}

// deletePrefix removes what a test left on the shared real server.
func deletePrefix(c redis.UniversalClient, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := c.Scan(ctx, 0, prefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		c.Del(ctx, iter.Val())
	}
}

// Keys lists the keys matching pattern on every node (on a cluster, KEYS
// and SCAN only see the node they are sent to).
func (b Backend) Keys(ctx context.Context, pattern string) ([]string, error) {
	cc, ok := b.Client.(*redis.ClusterClient)
	if !ok {
		return b.Client.Keys(ctx, pattern).Result()
	}
	var mu sync.Mutex
	var all []string
	err := cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		keys, err := node.Keys(ctx, pattern).Result()
		mu.Lock()
		all = append(all, keys...)
		mu.Unlock()
		return err
	})
	return all, err
}
