package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

func TestStoreContract(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		st := redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix), redisstore.WithTTL(48*time.Hour))
		const chat = 777

		s, err := st.Load(ctx, chat)
		if err != nil || s.Version != 0 || !s.IsNew() {
			t.Fatalf("Load of a new chat = %+v, %v; want a zero session", s, err)
		}
		s = flows.Session{Lang: "ar", State: "t3_filed", History: []string{"situation"},
			Answers: map[string]string{flows.KeyExpiry: "2027-03-15"}, Seq: 3}
		v, err := st.Save(ctx, chat, s)
		if err != nil || v != 1 {
			t.Fatalf("first Save = %d, %v", v, err)
		}
		got, err := st.Load(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 1 || got.State != "t3_filed" || got.Answers[flows.KeyExpiry] != "2027-03-15" || got.Lang != "ar" || got.Seq != 3 {
			t.Errorf("Load = %+v", got)
		}

		// A save based on an old version is refused and changes nothing.
		stale := s // Version 0
		stale.State = "somewhere_else"
		if _, err := st.Save(ctx, chat, stale); !errors.Is(err, bot.ErrConflict) {
			t.Errorf("stale Save err = %v, want ErrConflict", err)
		}
		if again, _ := st.Load(ctx, chat); again.State != "t3_filed" {
			t.Errorf("stale Save overwrote the session: %+v", again)
		}

		// The key carries the chat's hash tag and expires.
		key := st.Key(chat)
		if !strings.Contains(key, "{c:777}") || !strings.HasPrefix(key, b.Prefix) {
			t.Errorf("key %q lacks the hash tag or prefix", key)
		}
		ttl, err := b.Client.PTTL(ctx, key).Result()
		if err != nil || ttl <= 47*time.Hour || ttl > 48*time.Hour {
			t.Errorf("TTL = %v, %v; want about 48h", ttl, err)
		}

		if err := st.Delete(ctx, chat); err != nil {
			t.Fatal(err)
		}
		if s, _ := st.Load(ctx, chat); !s.IsNew() {
			t.Errorf("session survived Delete: %+v", s)
		}
	})
}

func TestStoreUnreadableSessionStartsFresh(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		st := redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix))
		b.Client.HSet(ctx, st.Key(5), "v", "4", "d", "{not json")
		s, err := st.Load(ctx, 5)
		if err != nil || !s.IsNew() || s.Version != 4 {
			t.Fatalf("Load = %+v, %v; want a fresh session at version 4", s, err)
		}
		if _, err := st.Save(ctx, 5, flows.Session{Version: 4, State: "situation"}); err != nil {
			t.Errorf("Save over the unreadable session: %v", err)
		}
	})
}

// Many writers on one chat, each retrying on conflict as the bot does:
// every write lands, none is lost.
func TestStoreConcurrentWritersLoseNothing(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		st := redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix))
		const writers = 40
		var wg sync.WaitGroup
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					s, err := st.Load(ctx, 9)
					if err != nil {
						t.Error(err)
						return
					}
					if s.Answers == nil {
						s.Answers = map[string]string{}
					}
					s.Answers[string(rune('A'+i))] = "x"
					if _, err := st.Save(ctx, 9, s); err == nil {
						return
					} else if !errors.Is(err, bot.ErrConflict) {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		s, _ := st.Load(ctx, 9)
		if len(s.Answers) != writers || s.Version != writers {
			t.Errorf("after %d writers: %d answers, version %d", writers, len(s.Answers), s.Version)
		}
	})
}
