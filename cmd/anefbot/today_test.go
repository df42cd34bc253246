package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// ANEFBOT_TODAY in the terminal: the whole bot computes as if it were
// that day. A card ending on 12/04/2027 has its renewal window close on
// 11/02/2027 (day 60, anef.md §3.1): on that day the plan says it is the
// last day, whatever the machine's date.
func TestReviewerToday(t *testing.T) {
	script := strings.Join([]string{
		"9",          // card expired or expiring, not filed (T8)
		"12/04/2027", // the card's end
		"1",          // yes
		"1",          // renewed on ANEF
	}, "\n") + "\n"
	var out, errs bytes.Buffer
	m := &Main{
		Getenv: func(k string) string {
			return map[string]string{"ANEFBOT_LANG": "fr", "ANEFBOT_TODAY": "2027-02-11"}[k]
		},
		Stdin: strings.NewReader(script), Stdout: &out, Stderr: &errs,
		Clock: func() time.Time { return testNow },
	}
	defer m.Close()
	if err := m.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errs.String(), "as if today were 11/02/2027 (ANEFBOT_TODAY)") {
		t.Errorf("start-up line missing:\n%s", errs.String())
	}
	for _, want := range []string{"Aujourd'hui, le 11/02/2027, est le dernier jour", "Exemple : 11/02/2027"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("terminal output lacks %q:\n%s", want, out.String())
		}
	}
}

// On Telegram a shifted clock would give real people wrong dates:
// ANEFBOT_TODAY is ignored there, with a line saying so.
func TestReviewerTodayIgnoredOnTelegram(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		var mu sync.Mutex
		var errs bytes.Buffer
		h := startBotWith(t, b, map[string]string{"ANEFBOT_TODAY": "2027-02-11"}, func(m *Main) {
			m.Stderr = lockedWriter{&mu, &errs}
		})
		p := telegramtest.User{ID: 6161, Lang: "en"}
		h.api.PushText(p, "/start")
		h.expect(p, 3, "What is your situation?")
		h.press(p, "has expired (or will soon)")
		h.expect(p, 4, "end date of your card")
		h.api.PushText(p, "12/04/2027")
		h.expect(p, 5, "You wrote: 12/04/2027")
		h.press(p, "Yes")
		h.expect(p, 6, "renewed on the ANEF website")
		h.press(p, "Yes, on ANEF")
		// The real date (29/11/2026): before the window, which opens on
		// 13/12/2026.
		h.expect(p, 7, "the period to file opens on 13/12/2026")
		mu.Lock()
		defer mu.Unlock()
		if !strings.Contains(errs.String(), "ANEFBOT_TODAY is ignored on Telegram") {
			t.Errorf("no warning:\n%s", errs.String())
		}
	})
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func TestReviewerTodayMustBeADate(t *testing.T) {
	_, err := LoadConfig(func(k string) string { return map[string]string{"ANEFBOT_TODAY": "11/02/2027"}[k] })
	if err == nil || !strings.Contains(err.Error(), "ANEFBOT_TODAY: want a date as YYYY-MM-DD") {
		t.Errorf("err = %v", err)
	}
}
