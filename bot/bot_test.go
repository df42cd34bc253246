package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/bottest"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

var now = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

func newBot(t *testing.T, b redistest.Backend) (*bot.Bot, *bottest.Recorder, *redisstore.Store) {
	t.Helper()
	cat, g, langs := bottest.Parts(t)
	st := redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix))
	rec := &bottest.Recorder{}
	bt, err := bot.New(bot.Config{
		Engine:  flows.NewEngine(g, flows.Options{Languages: langs, RetentionDays: 90}),
		Store:   st,
		Catalog: cat,
		Sender:  rec,
		Clock:   func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	return bt, rec, st
}

func msg(chat int64, text string) bot.Update {
	return bot.Update{Kind: bot.Message, ChatID: chat, UserID: chat, Private: true, LangCode: "en", Text: text}
}

// Many updates of one chat at the same moment, as two replicas or a
// double delivery could produce: the compare-and-swap makes each one apply
// to the state the previous one left, and none is lost.
func TestConcurrentUpdatesOfOneChatLoseNothing(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		bt, rec, st := newBot(t, b)
		const chat = 31
		if err := bt.Handle(ctx, msg(chat, "/start")); err != nil {
			t.Fatal(err)
		}
		// Go to a step where every typed date changes the session.
		var data string
		for _, row := range rec.Last().Buttons {
			if strings.Contains(row[0].Text, "attestation de dépôt") {
				data = row[0].Data
			}
		}
		if err := bt.Handle(ctx, bot.Update{Kind: bot.Callback, ChatID: chat, Private: true, Data: data}); err != nil {
			t.Fatal(err)
		}
		before, _ := st.Load(ctx, chat)

		const n = 25
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := bt.Handle(ctx, msg(chat, fmt.Sprintf("%d/01/2026", i+1))); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		after, _ := st.Load(ctx, chat)
		if after.Version != before.Version+n {
			t.Errorf("version went from %d to %d after %d updates: some were lost", before.Version, after.Version, n)
		}
		confirms := 0
		for _, text := range rec.Texts() {
			if strings.HasPrefix(text, "You wrote:") {
				confirms++
			}
		}
		if confirms != n {
			t.Errorf("%d confirmations sent, want %d", confirms, n)
		}
	})
}

func TestUnsupportedAndGroupUpdatesChangeNothing(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		bt, rec, st := newBot(t, b)
		const chat = 32
		_ = bt.Handle(ctx, msg(chat, "/start"))
		before, _ := st.Load(ctx, chat)

		_ = bt.Handle(ctx, bot.Update{Kind: bot.Unsupported, ChatID: chat, Private: true, LangCode: "en"})
		texts := rec.Texts()
		if got := texts[len(texts)-2]; !strings.Contains(got, "I can only read text and buttons") {
			t.Errorf("sticker answer = %q", got)
		}
		if got := rec.Last(); !strings.Contains(got.Text, "What is your situation?") || len(got.Buttons) == 0 {
			t.Errorf("the question is not shown again after the sticker answer: %+v", got)
		}
		sent := len(rec.Texts())
		group := msg(-100123, "hello")
		group.Private = false
		_ = bt.Handle(ctx, group)
		if len(rec.Texts()) != sent {
			t.Errorf("the bot answered a plain group message")
		}
		group.Text = "/start@anefbot_test_bot"
		_ = bt.Handle(ctx, group)
		if got := rec.Last().Text; !strings.Contains(got, "only work in a private chat") {
			t.Errorf("group /start answer = %q", got)
		}
		after, _ := st.Load(ctx, chat)
		if after.Version != before.Version {
			t.Errorf("unsupported input changed the session: %d -> %d", before.Version, after.Version)
		}
		if s, _ := st.Load(ctx, -100123); !s.IsNew() {
			t.Errorf("a group chat got a session: %+v", s)
		}
	})
}

func TestPoolKeepsEachChatInOrder(t *testing.T) {
	var mu sync.Mutex
	seen := map[int64][]int64{}
	active := map[int64]bool{}
	handle := func(_ context.Context, u bot.Update) error {
		mu.Lock()
		if active[u.ChatID] {
			t.Errorf("chat %d handled twice at once", u.ChatID)
		}
		active[u.ChatID] = true
		mu.Unlock()
		time.Sleep(50 * time.Microsecond) // widen the window a race would need
		mu.Lock()
		active[u.ChatID] = false
		seen[u.ChatID] = append(seen[u.ChatID], u.ID)
		mu.Unlock()
		return nil
	}
	p := bot.NewPool(context.Background(), 8, 4, handle, nil)
	for i := int64(1); i <= 200; i++ {
		for chat := int64(1); chat <= 10; chat++ {
			if err := p.Submit(context.Background(), bot.Update{ID: i, ChatID: chat}); err != nil {
				t.Fatal(err)
			}
		}
	}
	p.Close()
	for chat, ids := range seen {
		if len(ids) != 200 {
			t.Errorf("chat %d: %d updates handled, want 200", chat, len(ids))
		}
		for i := 1; i < len(ids); i++ {
			if ids[i] < ids[i-1] {
				t.Fatalf("chat %d: update %d handled after %d", chat, ids[i], ids[i-1])
			}
		}
	}
}

func TestCommand(t *testing.T) {
	for text, want := range map[string]string{
		"/start":                      "start||true",
		"  /Start@anefbot_bot v1234 ": "start|v1234|true",
		"/forget\nplease":             "forget|please|true",
		"/📎":                          "||false",
		"hello /start":                "||false",
		"/":                           "||false",
	} {
		name, arg, ok := bot.Command(text)
		if got := fmt.Sprintf("%s|%s|%v", name, arg, ok); got != want {
			t.Errorf("Command(%q) = %s, want %s", text, got, want)
		}
	}
}
