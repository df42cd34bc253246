package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// text renders a message ID as the bot would, in the language the bot
// picks for a client's language_code.
func text(t *testing.T, langCode, id string, args flows.Args) string {
	t.Helper()
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Text(c.Match(langCode), id, args)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitText waits for a message to chat, after the first from, that
// contains want, and returns the messages in between (the replies to
// what was pushed before) and that message.
func (h *harness) waitText(u telegramtest.User, from int, want string) (before []telegramtest.Sent, found telegramtest.Sent) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs := h.api.Messages(u.ID)
		for i := from; i < len(msgs); i++ {
			if strings.Contains(msgs[i].Text, want) {
				return msgs[from:i], msgs[i]
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("chat %d: no message with %q after #%d; got %+v", u.ID, want, from, msgs[min(from, len(msgs)):])
		}
		time.Sleep(20 * time.Millisecond) // polling the fake's record
	}
}

// sessionKey is the Redis key of a chat's conversation.
func sessionKey(b redistest.Backend, chatID int64) string {
	return b.Prefix + "{c:" + strconv.FormatInt(chatID, 10) + "}:s"
}

// rawSession is the session exactly as stored, to tell whether anything
// changed.
func rawSession(t *testing.T, b redistest.Backend, chatID int64) map[string]string {
	t.Helper()
	m, err := b.Client.HGetAll(context.Background(), sessionKey(b, chatID)).Result()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// dump is every key of the database with its value(s) as text, whatever
// the type, so that a search over it misses nothing.
func dump(t *testing.T, rdb redis.UniversalClient) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	iter := rdb.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		out[k] = value(ctx, t, rdb, k)
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func value(ctx context.Context, t *testing.T, rdb redis.UniversalClient, k string) string {
	t.Helper()
	typ, err := rdb.Type(ctx, k).Result()
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	switch typ {
	case "string":
		parts = []string{rdb.Get(ctx, k).Val()}
	case "hash":
		for f, v := range rdb.HGetAll(ctx, k).Val() {
			parts = append(parts, f, v)
		}
	case "list":
		parts = rdb.LRange(ctx, k, 0, -1).Val()
	case "set":
		parts = rdb.SMembers(ctx, k).Val()
	case "zset":
		for _, z := range rdb.ZRangeWithScores(ctx, k, 0, -1).Val() {
			parts = append(parts, z.Member.(string), strconv.FormatFloat(z.Score, 'f', -1, 64))
		}
	case "stream":
		for _, m := range rdb.XRange(ctx, k, "-", "+").Val() {
			parts = append(parts, m.ID)
			for f, v := range m.Values {
				parts = append(parts, f, fmt.Sprint(v))
			}
		}
	case "none": // expired between SCAN and TYPE
	default:
		t.Fatalf("key %s has type %s, which this test cannot read", k, typ)
	}
	return typ + ":" + strings.Join(parts, "\x1f")
}

// fast lifts the outbox's pacing (one message a second per chat, as
// Telegram wants) so that conversations of dozens of messages take
// milliseconds; env is added on top.
func fast(env map[string]string) map[string]string {
	out := map[string]string{"OUTBOX_RATE": "10000", "OUTBOX_CHAT_RATE": "1000", "OUTBOX_CHAT_BURST": "100"}
	for k, v := range env {
		out[k] = v
	}
	return out
}
