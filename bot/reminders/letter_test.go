package reminders

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

func buttonData(o bot.Out) string {
	var d []string
	for _, row := range o.Buttons {
		for _, b := range row {
			d = append(d, b.Data)
		}
	}
	return strings.Join(d, " ")
}

// A letter's follow-up is scheduled 15 days later at 10:00 Paris, next to
// the reminders chosen before; it is listed by /reminders, stays when a
// later plan re-derives the other reminders, is scheduled once however
// often the button is pressed, is sent with the usual buttons, and goes
// with /forget.
func TestFollowLetter(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		f, bt, sessions, sent := featureBot(t, b, time.Date(2026, 11, 29, 12, 0, 0, 0, paris))
		const chat = 91
		if _, _, err := f.Store.Sync(ctx, chat, "en", apiReminders("2027-02-27"), []string{flows.RemAPISoon, flows.RemAPIEnd}, at10, nil); err != nil {
			t.Fatal(err)
		}
		if err := f.FollowLetter(ctx, bt, chat, "en", "api", civil("2026-11-29")); err != nil {
			t.Fatal(err)
		}
		if txt := sent.Last().Text; !strings.Contains(txt, "14/12/2026") {
			t.Errorf("confirmation without the date:\n%s", txt)
		}
		want := "letter-20261214 api_14-20270212 api_end-20270227"
		pending := func() []Item {
			t.Helper()
			c, err := f.Store.Load(ctx, chat)
			if err != nil {
				t.Fatal(err)
			}
			return c.Pending
		}
		if got := ids(pending()); got != want {
			t.Fatalf("pending: %s", got)
		}
		if due := pending()[0].Due; !due.Equal(time.Date(2026, 12, 14, 10, 0, 0, 0, paris)) {
			t.Errorf("due %v", due)
		}

		// Pressed again the next day: still one, on the first date.
		if err := f.FollowLetter(ctx, bt, chat, "en", "api", civil("2026-11-30")); err != nil {
			t.Fatal(err)
		}
		if txt := sent.Last().Text; !strings.Contains(txt, "already") || !strings.Contains(txt, "14/12/2026") {
			t.Errorf("second press:\n%s", txt)
		}
		if got := ids(pending()); got != want {
			t.Errorf("after a second press: %s", got)
		}
		if n, _ := f.Store.Scheduled(ctx); n != 3 {
			t.Errorf("%d in the schedule, want 3", n)
		}

		// A later plan with a new API date moves the API reminders and
		// leaves the letter's.
		s := flows.Session{Lang: "en", State: "plan_t4", Answers: map[string]string{flows.KeyAPIEnd: "2027-03-31"}}
		if _, err := sessions.Save(ctx, chat, s); err != nil {
			t.Fatal(err)
		}
		if err := f.Replan(ctx, bt, chat, s, flows.Effect{}); err != nil {
			t.Fatal(err)
		}
		if got := ids(pending()); got != "letter-20261214 api_14-20270317 api_end-20270331" {
			t.Errorf("after a new plan: %s", got)
		}

		// /reminders lists it.
		if err := bt.Handle(ctx, bot.Update{Kind: bot.Message, ChatID: chat, Private: true, Text: "/reminders"}); err != nil {
			t.Fatal(err)
		}
		if o := sent.Last(); !strings.Contains(o.Text, "14/12/2026") || !strings.Contains(o.Text, "your letter of 29/11/2026") ||
			!strings.Contains(buttonData(o), "r:c:letter-20261214") {
			t.Errorf("/reminders:\n%s\n%s", o.Text, buttonData(o))
		}

		// Sent on the day, with done / again / stop.
		clock := newClock(time.Date(2026, 12, 14, 10, 0, 1, 0, paris))
		sched := &Scheduler{
			Store: f.Store, Deliver: f.Deliver(bt), Clock: clock.now,
			Log:   slog.New(slog.NewTextHandler(io.Discard, nil)),
			Lease: time.Minute, Batch: 10, Workers: 1,
		}
		if n, err := sched.Tick(ctx); err != nil || n != 1 {
			t.Fatalf("tick: %d, %v", n, err)
		}
		o := sent.Last()
		if !strings.Contains(o.Text, "29/11/2026") || !strings.Contains(o.Text, "/human") {
			t.Errorf("reminder:\n%s", o.Text)
		}
		for _, d := range []string{"r:d:letter-20261214", "r:s:letter-20261214", "r:x:letter-20261214"} {
			if !strings.Contains(buttonData(o), d) {
				t.Errorf("reminder without %s: %s", d, buttonData(o))
			}
		}

		// /forget erases it with the rest.
		if _, err := f.Forget(ctx, chat); err != nil {
			t.Fatal(err)
		}
		if p := pending(); len(p) != 0 {
			t.Errorf("after /forget: %s", ids(p))
		}
		if n, _ := f.Store.Scheduled(ctx); n != 0 {
			t.Errorf("%d left in the schedule after /forget", n)
		}
	})
}

// A follow-up without a letter schedules nothing.
func TestFollowLetterRefusesNoLetter(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		f, bt, _, sent := featureBot(t, b, time.Date(2026, 11, 29, 12, 0, 0, 0, paris))
		if err := f.FollowLetter(ctx, bt, 92, "en", "", civil("2026-11-29")); err != nil {
			t.Fatal(err)
		}
		if c, _ := f.Store.Load(ctx, 92); len(c.Pending) != 0 {
			t.Errorf("scheduled: %s", ids(c.Pending))
		}
		if !strings.Contains(sent.Last().Text, "/reminders") {
			t.Errorf("answer: %s", sent.Last().Text)
		}
	})
}

// "I sent it": the follow-up comes on the day the letters feature gives
// (one month for the reasons of an implicit refusal), names the day the
// letter was sent, and moves when the person gives another day.
func TestFollowLetterOn(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		f, bt, _, sent := featureBot(t, b, time.Date(2026, 11, 29, 12, 0, 0, 0, paris))
		const chat = 92
		if err := f.FollowLetterOn(ctx, bt, chat, "en", "motifs", civil("2026-11-27"), civil("2026-12-27")); err != nil {
			t.Fatal(err)
		}
		if txt := sent.Last().Text; !strings.Contains(txt, "27/12/2026") {
			t.Errorf("confirmation:\n%s", txt)
		}
		c, err := f.Store.Load(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(c.Pending); got != "letter-20261227" {
			t.Fatalf("pending: %s", got)
		}
		// Same day again: kept. Another day: moved, still one.
		if err := f.FollowLetterOn(ctx, bt, chat, "en", "motifs", civil("2026-11-27"), civil("2026-12-27")); err != nil {
			t.Fatal(err)
		}
		if txt := sent.Last().Text; !strings.Contains(txt, "already") {
			t.Errorf("same day again:\n%s", txt)
		}
		if err := f.FollowLetterOn(ctx, bt, chat, "en", "motifs", civil("2026-11-28"), civil("2026-12-28")); err != nil {
			t.Fatal(err)
		}
		if c, _ = f.Store.Load(ctx, chat); ids(c.Pending) != "letter-20261228" {
			t.Errorf("after another day: %s", ids(c.Pending))
		}
		if err := bt.Handle(ctx, bot.Update{Kind: bot.Message, ChatID: chat, Private: true, Text: "/reminders"}); err != nil {
			t.Fatal(err)
		}
		if o := sent.Last(); !strings.Contains(o.Text, "28/12/2026") || !strings.Contains(o.Text, "28/11/2026") {
			t.Errorf("/reminders:\n%s", o.Text)
		}
	})
}
