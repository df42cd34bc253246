package redisstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/intake"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

// Under the intake gate, the session is read in the round trip that takes
// the chat and saved in the one that frees it: during the update Load
// answers with what the update saved, Redis still holds the old state,
// and a save from a stale version is refused as without the gate.
func TestSessionSavedWithTheUpdate(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		st := redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix))
		const chat = 778
		if _, err := st.Save(ctx, chat, flows.Session{Lang: "fr", State: "situation"}); err != nil {
			t.Fatal(err)
		}
		g := intake.New(b.Client, intake.Options{Prefix: b.Prefix})
		g.Add(st.Preload, st.Scripts()...)
		h := g.Middleware(nil, func(ctx context.Context, u bot.Update) error {
			s, err := st.Load(ctx, chat)
			if err != nil || s.Version != 1 || s.State != "situation" {
				t.Fatalf("Load in the update = %+v, %v", s, err)
			}
			stale := s
			s.State = "t3_expiry"
			if s.Version, err = st.Save(ctx, chat, s); err != nil || s.Version != 2 {
				t.Fatalf("Save = %d, %v", s.Version, err)
			}
			s.State = "t3_filed"
			if s.Version, err = st.Save(ctx, chat, s); err != nil || s.Version != 2 {
				t.Fatalf("second Save = %d, %v; want version 2 again (written once)", s.Version, err)
			}
			if _, err := st.Save(ctx, chat, stale); !errors.Is(err, bot.ErrConflict) {
				t.Errorf("stale Save: %v, want ErrConflict", err)
			}
			if got, _ := st.Load(ctx, chat); got.State != "t3_filed" || got.Version != 2 {
				t.Errorf("Load after Save = %+v", got)
			}
			if stored, _ := st.Load(context.Background(), chat); stored.State != "situation" {
				t.Errorf("saved before the update ended: %+v", stored)
			}
			return nil
		})
		if err := h(ctx, bot.Update{ID: 1, ChatID: chat}); err != nil {
			t.Fatal(err)
		}
		got, err := st.Load(ctx, chat)
		if err != nil || got.State != "t3_filed" || got.Version != 2 {
			t.Errorf("after the update: %+v, %v; want t3_filed at version 2", got, err)
		}
		// Erasing within an update drops the held-back save.
		h = g.Middleware(nil, func(ctx context.Context, u bot.Update) error {
			s, _ := st.Load(ctx, chat)
			s.State = "situation"
			if _, err := st.Save(ctx, chat, s); err != nil {
				return err
			}
			_, err := st.Erase(ctx, chat)
			return err
		})
		if err := h(ctx, bot.Update{ID: 2, ChatID: chat}); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Load(ctx, chat); !got.IsNew() || got.Version != 0 {
			t.Errorf("erased session came back: %+v", got)
		}
	})
}
