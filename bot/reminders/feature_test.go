package reminders

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/bottest"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

// featureBot is a Bot with the reminders feature on backend b, at now.
func featureBot(t *testing.T, b redistest.Backend, now time.Time) (*Feature, *bot.Bot, *redisstore.Store, *bottest.Recorder) {
	t.Helper()
	cat, g, _ := bottest.Parts(t)
	f := &Feature{Store: NewStore(b.Client, b.Prefix), Hour: 10, Paris: paris, CalendarName: "x.ics"}
	sessions := redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix))
	sent := &bottest.Recorder{}
	bt, err := bot.New(bot.Config{
		Engine: flows.NewEngine(g, flows.Options{Languages: []flows.Language{{Code: "fr", Name: "Français"}, {Code: "en", Name: "English"}}}),
		Store:  sessions, Catalog: cat, Sender: sent, Clock: func() time.Time { return now },
		Middlewares: []bot.Middleware{f.Middleware},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f, bt, sessions, sent
}

// Choosing the reminders of one plan keeps those chosen under another
// plan earlier (their dates are not in the new answers).
func TestChooseKeepsOtherBranches(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		f, bt, sessions, sent := featureBot(t, b, time.Date(2026, 11, 29, 12, 0, 0, 0, paris))
		const chat = 77
		// Earlier, under a T4 plan: the API reminders.
		if _, _, err := f.Store.Sync(ctx, chat, "en", apiReminders("2027-02-27"), []string{flows.RemAPISoon, flows.RemAPIEnd}, at10, nil); err != nil {
			t.Fatal(err)
		}
		// Now a T3 plan: expiry and filing date, no API date.
		s := flows.Session{Lang: "en", State: "plan_t3", Answers: map[string]string{
			flows.KeyExpiry: "2027-03-15", flows.KeyFiled: "2026-11-20",
		}}
		if _, err := sessions.Save(ctx, chat, s); err != nil {
			t.Fatal(err)
		}
		if err := bt.Handle(ctx, bot.Update{Kind: bot.Callback, ChatID: chat, Private: true, Data: "r:a"}); err != nil {
			t.Fatal(err)
		}
		c, err := f.Store.Load(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(c.Pending); got != "api_14-20270212 api_end-20270227 refusal-20270320 recourse-20270514" {
			t.Errorf("pending: %s", got)
		}
		if txt := sent.Last().Text; !strings.Contains(txt, "12/02/2027") || !strings.Contains(txt, "20/03/2027") {
			t.Errorf("confirmation does not list every reminder:\n%s", txt)
		}
	})
}
