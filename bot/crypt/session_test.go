package crypt_test

import (
	"context"
	"strings"
	"testing"

	"github.com/anefbot/anefbot/bot/crypt"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

// With a key, nothing of a person's answers can be read in Redis, the
// store still works (compare-and-swap, versions), and a session written
// before the key was set is still read.
func TestSessionsSealedInRedis(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		ring, err := crypt.ParseKeyring("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "")
		if err != nil {
			t.Fatal(err)
		}
		plainStore := redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix))
		store := redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix),
			redisstore.WithCodec(crypt.SessionCodec{Keys: ring, Plain: redisstore.JSON{}}))
		s := flows.Session{Lang: "fr", State: "ask_expiry", Answers: map[string]string{flows.KeyExpiry: "2027-03-15", flows.KeySituation: "no_api"}}

		const old, chat = 700001, 700002
		if _, err := plainStore.Save(ctx, old, s); err != nil {
			t.Fatal(err)
		}
		v, err := store.Save(ctx, chat, s)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := b.Client.HGet(ctx, store.Key(chat), "d").Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"2027", "no_api", "ask_expiry", `"fr"`} {
			if strings.Contains(raw, secret) {
				t.Errorf("Redis holds %q in clear: %q", secret, raw)
			}
		}
		got, err := store.Load(ctx, chat)
		if err != nil || got.Answer(flows.KeyExpiry) != "2027-03-15" || got.Version != v {
			t.Fatalf("Load = %+v, %v", got, err)
		}
		if prev, _ := store.Load(ctx, old); prev.Answer(flows.KeyExpiry) != "2027-03-15" {
			t.Fatalf("session from before the key was set is lost: %+v", prev)
		}
		if _, err := store.Save(ctx, chat, flows.Session{Version: v - 1}); err == nil {
			t.Fatal("stale save accepted")
		}
	})
}
