package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// RuntimeConfig holds the settings of the production runtime: Redis
// topology, outbox limits, metrics, leases and shutdown.
type RuntimeConfig struct {
	RedisAddrs      []string      // REDIS_ADDRS: Sentinel or Cluster nodes
	RedisMaster     string        // REDIS_MASTER_NAME: Sentinel master
	RedisPassword   Secret        // REDIS_PASSWORD (with REDIS_ADDRS)
	MetricsAddr     string        // METRICS_ADDR; empty: no metrics server
	OutboxRate      float64       // OUTBOX_RATE: messages/s overall
	OutboxChatRate  float64       // OUTBOX_CHAT_RATE: messages/s per chat
	OutboxChatBurst int           // OUTBOX_CHAT_BURST
	ChatLease       time.Duration // CHAT_LEASE
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT
	TypingAfter     time.Duration // TYPING_AFTER
}

// runtimeSettings document RuntimeConfig; they join the settings table.
var runtimeSettings = []setting{
	{"REDIS_ADDRS", "", "Instead of REDIS_URL: comma-separated host:port of Redis Cluster nodes, or of Sentinels with REDIS_MASTER_NAME."},
	{"REDIS_MASTER_NAME", "", "Sentinel master name (with REDIS_ADDRS listing the Sentinels)."},
	{"REDIS_PASSWORD", "", "Password of the Redis nodes named in REDIS_ADDRS."},
	{"METRICS_ADDR", "", "Address of the Prometheus /metrics, /healthz and /readyz server, e.g. :9090. Unset: no such server."},
	{"OUTBOX_RATE", "30", "Messages per second overall, per replica (Telegram allows about 30 per bot: divide by the number of replicas)."},
	{"OUTBOX_CHAT_RATE", "1", "Messages per second to one chat, sustained."},
	{"OUTBOX_CHAT_BURST", "3", "Messages one chat may get at once before OUTBOX_CHAT_RATE applies (a reply of several messages)."},
	{"CHAT_LEASE", "30s", "How long a replica that died keeps a chat held before another may take it (renewed while alive)."},
	{"SHUTDOWN_TIMEOUT", "25s", "On SIGTERM: time to finish updates in progress and flush the outbox."},
	{"TYPING_AFTER", "1s", "Show \"typing…\" when a reply takes longer than this (0: never)."},
}

func init() { settings = append(settings, runtimeSettings...) }

// loadRuntime reads RuntimeConfig from the environment.
func loadRuntime(getenv func(string) string) (RuntimeConfig, error) {
	c := RuntimeConfig{
		RedisMaster:   getenv("REDIS_MASTER_NAME"),
		RedisPassword: Secret(getenv("REDIS_PASSWORD")),
		MetricsAddr:   getenv("METRICS_ADDR"),
	}
	for _, a := range strings.Split(getenv("REDIS_ADDRS"), ",") {
		if a = strings.TrimSpace(a); a != "" {
			c.RedisAddrs = append(c.RedisAddrs, a)
		}
	}
	var errs []error
	num := func(name, def string, lo, hi float64) float64 {
		v, err := strconv.ParseFloat(or(getenv(name), def), 64)
		if err != nil || v < lo || v > hi {
			errs = append(errs, fmt.Errorf("%s: want a number from %g to %g, got %q", name, lo, hi, getenv(name)))
		}
		return v
	}
	dur := func(name, def string, lo, hi time.Duration) time.Duration {
		v, err := time.ParseDuration(or(getenv(name), def))
		if err != nil || v < lo || v > hi {
			errs = append(errs, fmt.Errorf("%s: want a duration from %v to %v, got %q", name, lo, hi, getenv(name)))
		}
		return v
	}
	c.OutboxRate = num("OUTBOX_RATE", "30", 0.1, 10000)
	c.OutboxChatRate = num("OUTBOX_CHAT_RATE", "1", 0.01, 1000)
	c.OutboxChatBurst = int(num("OUTBOX_CHAT_BURST", "3", 1, 100))
	c.ChatLease = dur("CHAT_LEASE", "30s", time.Second, 10*time.Minute)
	c.ShutdownTimeout = dur("SHUTDOWN_TIMEOUT", "25s", time.Second, 10*time.Minute)
	c.TypingAfter = dur("TYPING_AFTER", "1s", 0, time.Minute)
	if c.RedisMaster != "" && len(c.RedisAddrs) == 0 {
		errs = append(errs, errors.New("REDIS_MASTER_NAME needs REDIS_ADDRS listing the Sentinels"))
	}
	return c, errors.Join(errs...)
}

// redisOptions turns REDIS_URL, or REDIS_ADDRS and REDIS_MASTER_NAME,
// into options for redis.NewUniversalClient: one node, Sentinel (a master
// name) or Cluster (several nodes). REDIS_URL wins when both are set.
func redisOptions(cfg Config) (*redis.UniversalOptions, error) {
	if cfg.RedisURL != "" {
		opts, err := redis.ParseURL(string(cfg.RedisURL))
		if err != nil {
			return nil, errors.New("REDIS_URL: not a valid redis:// or rediss:// URL")
		}
		return &redis.UniversalOptions{
			Addrs: []string{opts.Addr}, DB: opts.DB, Username: opts.Username,
			Password: opts.Password, TLSConfig: opts.TLSConfig,
		}, nil
	}
	rc := cfg.Runtime
	return &redis.UniversalOptions{
		Addrs:      rc.RedisAddrs,
		MasterName: rc.RedisMaster,
		Password:   string(rc.RedisPassword),
	}, nil
}
