package handoff

import (
	"context"
	"testing"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/bottest"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

// What the handoff costs a person who is in no handoff: a typed text
// takes one pipelined round trip (the two mappings of the chat); a button
// of another feature or an unknown command takes none.
func BenchmarkMiddlewarePassThrough(b *testing.B) {
	be := redistest.Mini(b)
	cat, g, _ := bottest.Parts(b)
	dir, _ := LoadDirectory("")
	svc := NewService(Config{Store: NewStore(be.Client, be.Prefix), Directory: dir})
	bt, err := bot.New(bot.Config{
		Engine:  flows.NewEngine(g, flows.Options{Languages: []flows.Language{{Code: "fr", Name: "Français"}}}),
		Store:   redisstore.New(be.Client, redisstore.WithPrefix(be.Prefix)),
		Catalog: cat, Sender: &bottest.Recorder{},
	})
	if err != nil {
		b.Fatal(err)
	}
	next := func(context.Context, bot.Update) error { return nil }
	h := svc.Middleware(bt, next)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		u    bot.Update
	}{
		{"text", bot.Update{Kind: bot.Message, ChatID: 42, UserID: 42, Private: true, Text: "15/03/2027"}},
		{"engine button", bot.Update{Kind: bot.Callback, ChatID: 42, UserID: 42, Private: true, Data: "c:3:t3"}},
		{"other command", bot.Update{Kind: bot.Message, ChatID: 42, UserID: 42, Private: true, Text: "/help"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := h(ctx, tc.u); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
