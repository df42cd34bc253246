package main

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot/intake"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// updateTrips counts the Redis round trips made for each update (a
// command or a pipeline is one), told apart by the intake Unit their
// context carries; background work (schedulers) carries none.
type updateTrips struct {
	mu    sync.Mutex
	trips map[*intake.Unit]int
	order []*intake.Unit
}

func (c *updateTrips) count(ctx context.Context, cmds []redis.Cmder) {
	un := intake.From(ctx)
	if un == nil || handshake(cmds) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.trips[un]; !ok {
		c.order = append(c.order, un)
	}
	c.trips[un]++
}

// handshake reports whether cmds open a connection (go-redis's HELLO and
// CLIENT SETINFO): the pool keeps the connection, so it is not a cost of
// the update that happened to need one more (the intake admits an update
// while the chat before it is still being closed).
func handshake(cmds []redis.Cmder) bool {
	switch cmds[0].Name() {
	case "hello", "client":
		return true
	}
	return false
}

// last returns the round trips of the latest update.
func (c *updateTrips) last() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.order) == 0 {
		return 0
	}
	return c.trips[c.order[len(c.order)-1]]
}

// A plain step costs at most two Redis round trips through the whole
// bot, every feature wired (rate limit, letters, handoff, reminders):
// one to take the chat and read what the update needs, one to save the
// session, mark the update handled and free the chat.
func TestPlainStepsTakeTwoRoundTrips(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		trips := &updateTrips{trips: map[*intake.Unit]int{}}
		h := startBotWith(t, b, nil, func(m *Main) { m.RedisHook = redistest.Trips{Trip: trips.count} })
		p := telegramtest.User{ID: 4343, Lang: "en-GB"}
		lease := b.Prefix + "{c:" + strconv.FormatInt(p.ID, 10) + "}:lease"
		// settled waits until the update that answered is over: its
		// chat's lease is freed in its last round trip.
		settled := func() {
			t.Helper()
			deadline := time.Now().Add(10 * time.Second)
			for {
				err := b.Client.Get(context.Background(), lease).Err()
				if errors.Is(err, redis.Nil) {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("chat still held: %v", err)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		step := func(what string, max int) {
			t.Helper()
			settled()
			got := trips.last()
			t.Logf("%-45s %d round trips", what, got)
			if max > 0 && got > max {
				t.Errorf("%s: %d Redis round trips, want at most %d", what, got, max)
			}
		}
		// Someone else first: connections to Redis are opened and the
		// scripts loaded once, not for every update.
		warm := telegramtest.User{ID: 4344, Lang: "fr"}
		h.api.PushText(warm, "/start")
		h.expect(warm, 3, "Quelle est votre situation ?")
		h.api.PushText(p, "/start")
		h.expect(p, 3, "What is your situation?")
		step("/start, first contact", 2)
		h.press(p, "« attestation de dépôt »")
		h.expect(p, 4, "end date of your residence permit")
		step("a press that moves on", 2)
		h.api.PushText(p, "15/03/2027")
		h.expect(p, 5, "You wrote: 15/03/2027")
		step("a date typed at a date question", 2)
		h.press(p, "Yes")
		h.expect(p, 6, "On what date did you file")
		step("a confirmation", 2)
		h.api.PushText(p, "hello?")
		h.expect(p, 7, "")
		step("text the step cannot take", 2)
		h.api.PushText(p, "20.11.26")
		h.expect(p, 8, "You wrote: 20/11/2026")
		step("a second date", 2)
		h.press(p, "Yes")
		h.expect(p, 9, "asked you for documents")
		step("a second confirmation", 2)
		h.press(p, "No, my file is complete")
		h.expect(p, 10, "Your plan")
		step("the last answer: the plan, with its offers", 0)
	})
}
