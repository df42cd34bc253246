package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
)

// The log hash key is chosen right after the data keys (it may be derived
// from DATA_KEY) and before any feature logs a chat.
func init() {
	register(feature{name: "log hash", order: -90, setup: setupLogHash})
	settings = append(settings, setting{"LOG_HASH_KEY", "", "Secret chats are hashed with in logs (HMAC-SHA256), at least 16 characters, the same on every replica. Unset: derived from DATA_KEY, else a random key kept in Redis. See docs/security.md."})
}

// minLogHashKey is the shortest LOG_HASH_KEY taken: a short secret could
// be guessed together with the chat IDs.
const minLogHashKey = 16

var errLogHashKey = fmt.Errorf("LOG_HASH_KEY: want at least %d characters, e.g. openssl rand -base64 32", minLogHashKey)

// logHashLabel names the key derived from DATA_KEY for log hashes.
const logHashLabel = "log chat hash"

// setupLogHash keys bot.ChatHash with the deployment's secret and says,
// without the key, where it comes from.
func setupLogHash(w *wiring) error {
	key, source, err := logHashKey(w.ctx, w)
	if err != nil {
		return err
	}
	bot.SetChatHashKey(key)
	w.log.Info("chats are hashed in logs with a keyed hash", "key_from", source)
	return nil
}

// logHashKey returns the secret of the chat hashes and where it came
// from: LOG_HASH_KEY; else a key derived from DATA_KEY; else a random key
// kept in Redis, created once (SETNX) so that every replica sharing the
// Redis uses the same one.
func logHashKey(ctx context.Context, w *wiring) (key []byte, source string, err error) {
	if w.cfg.LogHashKey != "" {
		return []byte(w.cfg.LogHashKey), "LOG_HASH_KEY", nil
	}
	if w.keys.Enabled() {
		return w.keys.Derive(logHashLabel), "DATA_KEY", nil
	}
	key, err = sharedLogHashKey(ctx, w.rdb, w.cfg.RedisPrefix)
	return key, "redis", err
}

// sharedLogHashKey reads the deployment's log hash key from Redis, making
// it first if no replica has: SETNX keeps whichever replica came first.
// The key has no expiry: it belongs to the deployment, not to a person.
func sharedLogHashKey(ctx context.Context, rdb redis.UniversalClient, prefix string) ([]byte, error) {
	name := logHashRedisKey(prefix)
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("log hash key: %w", err)
	}
	if err := rdb.SetNX(ctx, name, base64.StdEncoding.EncodeToString(fresh), 0).Err(); err != nil {
		return nil, fmt.Errorf("log hash key: %w", err)
	}
	s, err := rdb.Get(ctx, name).Result()
	if err != nil {
		return nil, fmt.Errorf("log hash key: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(key) < minLogHashKey {
		return nil, errors.New("log hash key: the value in Redis is not a key; delete it to make a new one")
	}
	return key, nil
}

// logHashRedisKey is where the shared key is kept.
func logHashRedisKey(prefix string) string { return prefix + "loghash" }
