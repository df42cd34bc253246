package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestRuntimeConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := loadRuntime(env())
	if err != nil {
		t.Fatal(err)
	}
	if c.OutboxRate != 30 || c.OutboxChatRate != 1 || c.OutboxChatBurst != 3 || c.ChatLease != 30*time.Second ||
		c.ShutdownTimeout != 25*time.Second || c.TypingAfter != time.Second || c.MetricsAddr != "" {
		t.Errorf("defaults: %+v", c)
	}
	for _, bad := range [][]string{
		{"OUTBOX_RATE", "0"}, {"OUTBOX_RATE", "fast"}, {"OUTBOX_CHAT_RATE", "-1"},
		{"OUTBOX_CHAT_BURST", "0"}, {"CHAT_LEASE", "10ms"}, {"SHUTDOWN_TIMEOUT", "1h"},
		{"TYPING_AFTER", "-1s"}, {"REDIS_MASTER_NAME", "mymaster"},
	} {
		if _, err := loadRuntime(env(bad...)); err == nil {
			t.Errorf("%s=%s accepted", bad[0], bad[1])
		}
	}
	if c, _ := LoadConfig(env("REDIS_PASSWORD", "hunter2")); strings.Contains(fmt.Sprintf("%v %+v %#v", c, c, c), "hunter2") {
		t.Error("REDIS_PASSWORD printed")
	}
}

// REDIS_URL keeps working as before; REDIS_ADDRS picks Sentinel with a
// master name, Cluster with several nodes.
func TestRedisTopology(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"url", Config{RedisURL: "redis://:pw@localhost:6379/2"}, "*redis.Client"},
		{"sentinel", Config{Runtime: RuntimeConfig{RedisAddrs: []string{"s1:26379", "s2:26379"}, RedisMaster: "mymaster"}}, "*redis.Client"},
		{"cluster", Config{Runtime: RuntimeConfig{RedisAddrs: []string{"n1:7000", "n2:7001"}}}, "*redis.ClusterClient"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, err := redisOptions(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			c := redis.NewUniversalClient(opts)
			defer c.Close()
			if got := fmt.Sprintf("%T", c); got != tt.want {
				t.Errorf("client %s, want %s", got, tt.want)
			}
			if tt.name == "url" && (opts.DB != 2 || opts.Password != "pw" || opts.Addrs[0] != "localhost:6379") {
				t.Errorf("REDIS_URL parsed as %+v", opts)
			}
			if tt.name == "sentinel" && opts.MasterName != "mymaster" {
				t.Errorf("master name lost: %+v", opts)
			}
		})
	}
	if _, err := redisOptions(Config{RedisURL: "http://nope"}); err == nil {
		t.Error("a non-redis URL was accepted")
	}
}
