package privacy

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/bottest"
	"github.com/anefbot/anefbot/bot/redisstore"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

// accessBot is a Bot answering /mydata over the given exporters.
func accessBot(t *testing.T, exporters ...Exporter) (*bot.Bot, *bottest.Recorder) {
	t.Helper()
	cat, g, _ := bottest.Parts(t)
	b := redistest.Mini(t)
	sent := &bottest.Recorder{}
	access := NewAccess(func() []Exporter { return exporters })
	bt, err := bot.New(bot.Config{
		Engine: flows.NewEngine(g, flows.Options{Languages: []flows.Language{{Code: "fr", Name: "Français"}, {Code: "en", Name: "English"}}}),
		Store:  redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix)), Catalog: cat, Sender: sent,
		Clock:       func() time.Time { return time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC) },
		Middlewares: []bot.Middleware{access.Middleware},
	})
	if err != nil {
		t.Fatal(err)
	}
	return bt, sent
}

func mydata(t *testing.T, bt *bot.Bot) {
	t.Helper()
	u := bot.Update{ChatID: 5, UserID: 5, Private: true, LangCode: "en", Kind: bot.Message, Text: "/mydata"}
	if err := bt.Handle(context.Background(), u); err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, bt *bot.Bot, id string) string {
	t.Helper()
	s, err := bt.Catalog().Text("en", id, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var errDown = errors.New("store down")

// A feature whose store fails does not hide what the others hold: the
// person gets the file, told that part is missing; when everything
// fails, they are told to try again, and nothing says "I keep nothing".
func TestMyDataWhenAStoreFails(t *testing.T) {
	held := func(context.Context, int64) ([]Holding, error) {
		return []Holding{{Title: "mydata_letter", Items: []Item{{Text: "name: Amina"}, {ID: "mydata_detail", Text: "typed"}}}}, nil
	}
	down := func(context.Context, int64) ([]Holding, error) { return nil, errDown }
	none := func(context.Context, int64) ([]Holding, error) { return nil, nil }

	bt, sent := accessBot(t, held, down)
	mydata(t, bt)
	got := sent.Last()
	if got.Document == nil || got.Text != text(t, bt, "mydata_partial") {
		t.Fatalf("partial: got %q with document %v", got.Text, got.Document != nil)
	}
	for _, want := range []string{"== " + text(t, bt, "mydata_letter") + " ==", "• name: Amina", "• " + text(t, bt, "mydata_detail") + " typed"} {
		if !strings.Contains(string(got.Document.Data), want) {
			t.Errorf("file lacks %q:\n%s", want, got.Document.Data)
		}
	}

	bt, sent = accessBot(t, down, none)
	mydata(t, bt)
	if got := sent.Last(); got.Document != nil || !strings.Contains(got.Text, text(t, bt, "mydata_failed")) {
		t.Errorf("all failed: got %q", got.Text)
	}

	bt, sent = accessBot(t, none)
	mydata(t, bt)
	if got := sent.Last(); !strings.Contains(got.Text, text(t, bt, "mydata_nothing")) {
		t.Errorf("nothing held: got %q", got.Text)
	}
}
