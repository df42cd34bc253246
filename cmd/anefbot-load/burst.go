package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot/reminders"
	"github.com/anefbot/anefbot/flows"
)

// burstChats is where the chats of a reminder burst start, far from the
// crowd's: their messages are counted, not answered.
const burstChats = 900_000_000_000

// burstCount counts the reminders of a burst the bot has sent.
type burstCount struct {
	sent atomic.Int64
	last atomic.Int64 // unix nanoseconds of the latest
}

func (c *burstCount) record(chat int64, at time.Time) {
	if chat >= burstChats {
		c.sent.Add(1)
		c.last.Store(at.UnixNano())
	}
}

// seedBurst schedules n reminders, one per chat of its own, all due at
// due, through the same store the bot's scheduler reads (the bot's key
// prefix), as if n people had chosen reminders long ago.
func seedBurst(ctx context.Context, rdb *redis.Client, prefix string, n int, due time.Time) error {
	st := reminders.NewStore(rdb, prefix)
	today := time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, time.UTC)
	plan := flows.Reminders(flows.Facts{
		Answers: map[string]string{flows.KeyAPIEnd: today.AddDate(0, 3, 0).Format(time.DateOnly)},
		Today:   today,
	}).Due
	if len(plan) == 0 {
		return nil
	}
	r := plan[:1]
	at := func(time.Time) time.Time { return due }
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				if _, _, err := st.Sync(ctx, burstChats+int64(i), "fr", r, []string{r[0].Kind}, at, nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}
